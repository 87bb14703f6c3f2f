// AwardCore on a real RocksDB store in a temporary directory, with the
// statistics service replaced by the in-memory fake: the workflow, its
// refusals and their audit, idempotency, etags, the frozen data version,
// bulk reads, and an unreachable statistics service.
#include "award-service/core/award_core.h"

#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "award-service/domain/cycle_config.h"
#include "common/errors.h"
#include "common/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_stats_client.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kDataDir[] = IMDI_SOURCE_DIR "/data/award/";

v1::CycleConfig LoadConfig(const std::string& name) {
  auto config = award_files::LoadCycleConfig(kDataDir + name);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : v1::CycleConfig();
}

MunicipalityInfo Municipality(std::string code, std::string name, stats::v1::ImdiRegion region,
                              std::vector<std::string> old_codes = {}) {
  MunicipalityInfo info;
  info.code = code;
  info.name = name;
  info.imdi_region = region;
  info.codes.push_back(code);
  for (auto& c : old_codes) info.codes.push_back(c);
  return info;
}

stats::v1::Figures Settled(int requested, int settled) {
  stats::v1::Figures f;
  f.set_refugees_requested(requested);
  f.set_refugees_settled(settled);
  return f;
}

v1::Nominator Office(stats::v1::ImdiRegion region) {
  v1::Nominator n;
  n.set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
  n.set_imdi_region(region);
  n.set_display_name("regional office");
  return n;
}

class AwardCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stats_.AddMunicipality(Municipality("5001", "Trondheim", stats::v1::IMDI_REGION_MIDT_NORGE,
                                        {"1601"}));
    stats_.AddMunicipality(Municipality("1506", "Molde", stats::v1::IMDI_REGION_MIDT_NORGE,
                                        {"1502"}));
    stats_.AddMunicipality(Municipality("4601", "Bergen", stats::v1::IMDI_REGION_VEST, {"1201"}));
    stats_.AddMunicipality(Municipality("1804", "Bodø", stats::v1::IMDI_REGION_NORD));
    stats_.SetFigures("5001", 2016, Settled(600, 627));
    stats_.SetFigures("4601", 2016, Settled(720, 720));
    stats_.SetFigures("1804", 2016, Settled(100, 60));
    Open();
  }

  void Open() {
    core_.reset();
    store_.reset();
    auto store = OpenRocksDbAwardStore({.path = dir_.Sub("award"), .sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<AwardCore>(store_.get(), &stats_, Comparables(),
                                        AwardCoreOptions{.now = [this] { return now_; }});
  }

  // Creates and opens a cycle from the shipped 2016 configuration, edited.
  void OpenCycle(const std::string& id, const std::function<void(v1::CycleConfig&)>& edit = {}) {
    v1::CreateCycleRequest create;
    create.set_cycle_id(id);
    *create.mutable_config() = LoadConfig("bosettingsprisen-2016.json");
    if (edit) edit(*create.mutable_config());
    ASSERT_TRUE(core_->CreateCycle(create, caller_).ok());
    v1::OpenNominationsRequest open;
    open.set_cycle_id(id);
    ASSERT_TRUE(core_->OpenNominations(open, caller_).ok());
  }

  absl::StatusOr<v1::SubmitNominationResponse> Nominate(const std::string& cycle,
                                                        const std::string& code,
                                                        stats::v1::ImdiRegion region,
                                                        bool claim_housing = true) {
    v1::SubmitNominationRequest request;
    request.set_cycle_id(cycle);
    request.set_municipality_code(code);
    *request.mutable_nominator() = Office(region);
    request.set_justification("deserves it");
    if (claim_housing) {
      v1::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion("creative_housing");
      claim->set_justification("Creative housing solutions in every district of the town.");
      claim = request.add_claims();
      claim->set_criterion("anchored_plans");
      claim->set_justification("Anchored in the municipal master plan for the long term.");
    }
    return core_->SubmitNomination(request, caller_);
  }

  std::vector<v1::AuditEvent> Audit(const std::string& cycle) {
    v1::ListAuditEventsRequest request;
    request.set_cycle_id(cycle);
    request.set_page_size(1000);
    auto response = core_->ListAuditEvents(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return {response->events().begin(), response->events().end()};
  }

  imdi::testing::TempDir dir_;
  testing::FakeStatsClient stats_;
  std::unique_ptr<AwardStore> store_;
  std::unique_ptr<AwardCore> core_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2017, 1, 15, 12, 0, 0), absl::UTCTimeZone());
  Caller caller_{.actor = "tester", .trace_id = "trace-1", .principal = std::nullopt};
};

TEST_F(AwardCoreTest, ShippedConfigsAreValid) {
  for (const char* name : {"bosettingsprisen-2015.json", "bosettingsprisen-2016.json",
                           "bosettingsprisen-2021.json"}) {
    v1::CycleConfig config = LoadConfig(name);
    EXPECT_TRUE(ValidateCycleConfig(config).ok()) << name << ": " << ValidateCycleConfig(config);
  }
  EXPECT_EQ(LoadConfig("bosettingsprisen-2015.json").requirement().at_least().count(), 1);
  EXPECT_EQ(LoadConfig("bosettingsprisen-2016.json").requirement().all_of().requirements_size(), 2);
  const v1::CycleConfig c2021 = LoadConfig("bosettingsprisen-2021.json");
  EXPECT_TRUE(c2021.criteria(0).intro_outcome().threshold().strictly_above());
  EXPECT_EQ(c2021.criteria(0).intro_outcome().threshold().percent(), 50);
  EXPECT_EQ(c2021.decision_policy().kind(), v1::DECISION_KIND_WEIGHTED_BLEND);
}

TEST_F(AwardCoreTest, CreateCycleIsIdempotentByRequestId) {
  v1::CreateCycleRequest create;
  create.set_cycle_id("2016");
  *create.mutable_config() = LoadConfig("bosettingsprisen-2016.json");
  create.set_request_id("create-1");
  auto first = core_->CreateCycle(create, caller_);
  ASSERT_TRUE(first.ok()) << first.status();
  now_ += absl::Hours(1);
  auto again = core_->CreateCycle(create, caller_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->cycle().SerializeAsString(), first->cycle().SerializeAsString());
  EXPECT_THAT(Audit("2016"), SizeIs(1));

  create.mutable_config()->set_title("another title");
  auto reused = core_->CreateCycle(create, caller_);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(reused.status()), "REQUEST_ID_REUSED");

  create.set_request_id("create-2");
  auto exists = core_->CreateCycle(create, caller_);
  EXPECT_EQ(exists.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(exists.status()), "CYCLE_EXISTS");
}

TEST_F(AwardCoreTest, NominationRefusalsAreClearAndAudited) {
  OpenCycle("2016");
  auto trondheim = Nominate("2016", "1601", stats::v1::IMDI_REGION_MIDT_NORGE);
  ASSERT_TRUE(trondheim.ok()) << trondheim.status();
  EXPECT_EQ(trondheim->nomination().municipality_code(), "5001");

  auto molde = Nominate("2016", "1502", stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(molde.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(molde.status()), "NOMINATION_REGION_TAKEN");

  auto outside = Nominate("2016", "4601", stats::v1::IMDI_REGION_NORD);
  EXPECT_EQ(ErrorReason(outside.status()), "NOMINATOR_OUTSIDE_REGION");

  // Bodø settled 60 of 100 and claims nothing: not eligible, no override.
  auto bodo = Nominate("2016", "1804", stats::v1::IMDI_REGION_NORD, /*claim_housing=*/false);
  EXPECT_EQ(ErrorReason(bodo.status()), "NOT_ELIGIBLE");
  EXPECT_THAT(bodo.status().message(), HasSubstr("does not meet"));

  auto unknown = Nominate("2016", "9998", stats::v1::IMDI_REGION_NORD);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);

  v1::SubmitNominationRequest bad;
  bad.set_cycle_id("2016");
  bad.set_municipality_code("Bodø");
  // Every bad field, not only the first.
  EXPECT_THAT(FieldViolations(core_->SubmitNomination(bad, caller_).status()),
              ElementsAre(FieldViolation{"municipality_code",
                                         "must be a four-digit municipality code, e.g. \"5001\""},
                          FieldViolation{"justification", "is required"},
                          FieldViolation{"nominator.kind", "is required"}));

  std::vector<std::string> details;
  for (const auto& e : Audit("2016")) details.push_back(e.detail());
  // Created, opened, one nomination, three refusals; NOT_FOUND and
  // INVALID_ARGUMENT are not workflow refusals.
  ASSERT_THAT(details, SizeIs(6));
  EXPECT_THAT(details[3], HasSubstr("refused: NOMINATION_REGION_TAKEN"));
  EXPECT_THAT(details[4], HasSubstr("refused: NOMINATOR_OUTSIDE_REGION"));
  EXPECT_THAT(details[5], HasSubstr("refused: NOT_ELIGIBLE"));
}

TEST_F(AwardCoreTest, OverrideIsRecordedWhenThePolicyAllowsIt) {
  OpenCycle("2015", [](v1::CycleConfig& c) { c.mutable_nomination_policy()->set_allow_override(true); });
  v1::SubmitNominationRequest request;
  request.set_cycle_id("2015");
  request.set_municipality_code("1804");
  *request.mutable_nominator() = Office(stats::v1::IMDI_REGION_NORD);
  request.set_justification("long-standing effort");
  auto refused = core_->SubmitNomination(request, caller_);
  EXPECT_EQ(ErrorReason(refused.status()), "NOT_ELIGIBLE");
  EXPECT_THAT(refused.status().message(), HasSubstr("override_reason"));
  request.set_override_reason("settled as asked every year before 2016");
  request.set_view(v1::NOMINATION_VIEW_FULL);  // the basic view leaves texts out
  auto accepted = core_->SubmitNomination(request, caller_);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->nomination().override_reason(), "settled as asked every year before 2016");
  EXPECT_FALSE(accepted->nomination().evaluation().eligible());
}

TEST_F(AwardCoreTest, DeadlineAndNominatorKindComeFromThePolicy) {
  OpenCycle("2022", [](v1::CycleConfig& c) {
    c.mutable_nomination_policy()->clear_nominators();
    c.mutable_nomination_policy()->add_nominators(v1::NOMINATOR_KIND_MUNICIPALITY);
    c.mutable_nomination_policy()->mutable_deadline()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2017, 2, 1), absl::UTCTimeZone())));
  });
  auto by_office = Nominate("2022", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(ErrorReason(by_office.status()), "NOMINATOR_NOT_ALLOWED");

  v1::SubmitNominationRequest self;
  self.set_cycle_id("2022");
  self.set_municipality_code("5001");
  self.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_MUNICIPALITY);
  self.mutable_nominator()->set_municipality_code("1506");
  self.set_justification("we nominate Trondheim");
  v1::AssessmentClaim* claim = self.add_claims();
  claim->set_criterion("creative_housing");
  claim->set_justification("Creative housing solutions in every district of the town.");
  claim = self.add_claims();
  claim->set_criterion("anchored_plans");
  claim->set_justification("Anchored in the municipal master plan for the long term.");
  EXPECT_EQ(ErrorReason(core_->SubmitNomination(self, caller_).status()), "NOMINATOR_NOT_NOMINEE");
  self.mutable_nominator()->set_municipality_code("1601");  // any code of the nominee
  auto accepted = core_->SubmitNomination(self, caller_);
  EXPECT_TRUE(accepted.ok()) << accepted.status();

  now_ = absl::FromCivil(absl::CivilDay(2017, 2, 2), absl::UTCTimeZone());
  self.set_municipality_code("4601");
  self.mutable_nominator()->set_municipality_code("4601");
  EXPECT_EQ(ErrorReason(core_->SubmitNomination(self, caller_).status()), "DEADLINE_PASSED");
}

TEST_F(AwardCoreTest, AnnouncementFreezesTheDataVersion) {
  OpenCycle("2016");
  ASSERT_TRUE(Nominate("2016", "5001", stats::v1::IMDI_REGION_MIDT_NORGE).ok());
  v1::AnnounceNomineesRequest announce;
  announce.set_cycle_id("2016");
  auto announced = core_->AnnounceNominees(announce, caller_);
  ASSERT_TRUE(announced.ok()) << announced.status();
  const int64_t frozen = announced->cycle().data_version();
  EXPECT_GT(frozen, 0);

  // A revision: Trondheim's request turns out to be 700, above what it settled.
  stats_.SetFigures("5001", 2016, Settled(700, 627));
  v1::EvaluateMunicipalityRequest evaluate;
  evaluate.set_cycle_id("2016");
  evaluate.set_municipality_code("5001");
  auto pinned = core_->EvaluateMunicipality(evaluate);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  EXPECT_EQ(pinned->evaluation().data_version(), frozen);
  EXPECT_EQ(pinned->evaluation().criteria(0).verdict(), v1::VERDICT_MET);
  evaluate.set_use_latest(true);
  auto latest = core_->EvaluateMunicipality(evaluate);
  ASSERT_TRUE(latest.ok());
  EXPECT_GT(latest->evaluation().data_version(), frozen);
  EXPECT_EQ(latest->evaluation().criteria(0).verdict(), v1::VERDICT_NOT_MET);

  v1::CompareWithLatestRequest compare;
  compare.set_cycle_id("2016");
  auto changes = core_->CompareWithLatest(compare);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(changes->frozen_data_version(), frozen);
  ASSERT_THAT(changes->changes(), SizeIs(1));
  EXPECT_THAT(changes->changes(0).changes(0), HasSubstr("settled_as_requested: met -> not met"));
}

TEST_F(AwardCoreTest, ClaimsCannotCarryTheJurysAssessment) {
  OpenCycle("2016");
  v1::EvaluateMunicipalityRequest evaluate;
  evaluate.set_cycle_id("2016");
  evaluate.set_municipality_code("1804");
  v1::AssessmentClaim* claim = evaluate.add_claims();
  claim->set_criterion("creative_housing");
  claim->set_justification("Creative housing solutions in every district of the town.");
  claim->set_state(v1::ASSESSMENT_STATE_CONFIRMED);
  claim->set_jury_note("confirmed by ourselves");
  auto result = core_->EvaluateMunicipality(evaluate);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : FieldViolations(result.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("claims[0].state", "claims[0].jury_note"));
  // A justification is counted in characters: 40 letters æ are 80 bytes.
  claim->clear_state();
  claim->clear_jury_note();
  std::string short_text;
  for (int i = 0; i < 39; ++i) short_text += "æ";
  claim->set_justification(short_text);
  EXPECT_EQ(core_->EvaluateMunicipality(evaluate).status().code(),
            absl::StatusCode::kInvalidArgument);
  claim->set_justification(short_text + "æ");
  EXPECT_TRUE(core_->EvaluateMunicipality(evaluate).ok());
}

TEST_F(AwardCoreTest, AnnouncementRefusesNomineesMadeIneligibleByRevisedFigures) {
  OpenCycle("2016");
  v1::SubmitNominationRequest request;
  request.set_cycle_id("2016");
  request.set_municipality_code("4601");
  *request.mutable_nominator() = Office(stats::v1::IMDI_REGION_VEST);
  request.set_justification("settled all it was asked to");
  v1::AssessmentClaim* claim = request.add_claims();
  claim->set_criterion("anchored_plans");
  claim->set_justification("Anchored in the municipal master plan for the long term.");
  auto bergen = core_->SubmitNomination(request, caller_);
  ASSERT_TRUE(bergen.ok()) << bergen.status();
  ASSERT_TRUE(bergen->nomination().evaluation().eligible());
  // Criterion 1 rested on settled 720 of 720; the figure is corrected.
  stats_.SetFigures("4601", 2016, Settled(720, 600));
  v1::AnnounceNomineesRequest announce;
  announce.set_cycle_id("2016");
  auto refused = core_->AnnounceNominees(announce, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NOT_ELIGIBLE");
  ASSERT_THAT(PreconditionViolations(refused.status()), SizeIs(1));
  EXPECT_EQ(PreconditionViolations(refused.status())[0].subject,
            bergen->nomination().nomination_id());
  v1::GetCycleRequest get;
  get.set_cycle_id("2016");
  EXPECT_EQ(core_->GetCycle(get)->cycle().state(), v1::CYCLE_STATE_NOMINATIONS_OPEN);
}

TEST_F(AwardCoreTest, AnnouncingReadsInBulkOnce) {
  OpenCycle("2016");
  ASSERT_TRUE(Nominate("2016", "5001", stats::v1::IMDI_REGION_MIDT_NORGE).ok());
  ASSERT_TRUE(Nominate("2016", "4601", stats::v1::IMDI_REGION_VEST).ok());
  const int lists = stats_.calls("ListMunicipalities");
  const int batches = stats_.calls("BatchGetFigures");
  const int singles = stats_.calls("GetMunicipality");
  v1::AnnounceNomineesRequest announce;
  announce.set_cycle_id("2016");
  ASSERT_TRUE(core_->AnnounceNominees(announce, caller_).ok());
  // One listing (nominees and comparables), one batch of figures, no
  // call per nominee.
  EXPECT_EQ(stats_.calls("ListMunicipalities") - lists, 1);
  EXPECT_EQ(stats_.calls("BatchGetFigures") - batches, 1);
  EXPECT_EQ(stats_.calls("GetMunicipality") - singles, 0);
}

TEST_F(AwardCoreTest, UnreachableStatsLeavesNothingHalfWritten) {
  OpenCycle("2016");
  const size_t events = Audit("2016").size();
  stats_.SetUnavailable(true);
  auto result = Nominate("2016", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(result.status()), "STATS_UNAVAILABLE");
  v1::ListNominationsRequest list;
  list.set_cycle_id("2016");
  EXPECT_THAT(core_->ListNominations(list)->nominations(), SizeIs(0));
  EXPECT_THAT(Audit("2016"), SizeIs(events));
  stats_.SetUnavailable(false);
  EXPECT_TRUE(Nominate("2016", "5001", stats::v1::IMDI_REGION_MIDT_NORGE).ok());
}

TEST_F(AwardCoreTest, ScreeningReadsInBulk) {
  v1::CreateCycleRequest create;
  create.set_cycle_id("2016");
  *create.mutable_config() = LoadConfig("bosettingsprisen-2016.json");
  ASSERT_TRUE(core_->CreateCycle(create, caller_).ok());
  v1::ScreenMunicipalitiesRequest screen;
  screen.set_cycle_id("2016");
  int64_t version = 0;
  auto all = core_->ScreenMunicipalities(screen, &version);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(*all, SizeIs(4));
  // One stream (municipalities and figures, which tells the version) and
  // one batch of region totals at that version; nothing else.
  EXPECT_EQ(stats_.calls("StreamSnapshot"), 1);
  EXPECT_EQ(stats_.calls("BatchGetRegionSettled"), 1);
  EXPECT_EQ(stats_.calls("DataVersion"), 0);
  EXPECT_EQ(stats_.calls("ListMunicipalities"), 0);
  EXPECT_EQ(stats_.calls("GetMunicipality"), 0);
  EXPECT_EQ(stats_.calls("BatchGetFigures"), 0);
  EXPECT_EQ(version, *stats_.DataVersion());
  for (const auto& e : *all) EXPECT_EQ(e.data_version(), version);
  screen.set_imdi_region(stats::v1::IMDI_REGION_MIDT_NORGE);
  auto midt = core_->ScreenMunicipalities(screen, &version);
  ASSERT_TRUE(midt.ok());
  EXPECT_THAT(*midt, SizeIs(2));
}

TEST_F(AwardCoreTest, ScreeningStreamsChunksInCodeOrderAndTheBasicViewLeavesOutFigures) {
  v1::CreateCycleRequest create;
  create.set_cycle_id("2016");
  *create.mutable_config() = LoadConfig("bosettingsprisen-2016.json");
  ASSERT_TRUE(core_->CreateCycle(create, caller_).ok());
  v1::ScreenMunicipalitiesRequest request;
  request.set_cycle_id("2016");
  int64_t version = 0;
  auto all = core_->ScreenMunicipalities(request, &version);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_THAT(*all, SizeIs(4));

  auto screening = core_->StartScreening(request);
  ASSERT_TRUE(screening.ok()) << screening.status();
  EXPECT_EQ((*screening)->data_version(), version);
  std::vector<v1::Evaluation> streamed;
  int chunks = 0;
  v1::ScreenMunicipalitiesResponse chunk;
  while ((*screening)->Next(3, kMaxReplyBytes, chunk)) {
    ++chunks;
    EXPECT_LE(chunk.evaluations_size(), 3);
    for (const auto& e : chunk.evaluations()) streamed.push_back(e);
    chunk.Clear();
  }
  EXPECT_TRUE((*screening)->done());
  EXPECT_EQ(chunks, 2);
  ASSERT_THAT(streamed, SizeIs(all->size()));
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].SerializeAsString(), (*all)[i].SerializeAsString());
  }
  // A byte bound of 1 still makes progress: one evaluation per chunk.
  screening = core_->StartScreening(request);
  ASSERT_TRUE(screening.ok());
  chunks = 0;
  while ((*screening)->Next(64, 1, chunk)) {
    EXPECT_EQ(chunk.evaluations_size(), 1);
    chunk.Clear();
    ++chunks;
  }
  EXPECT_EQ(chunks, 4);

  request.set_view(v1::EVALUATION_VIEW_BASIC);
  auto basic = core_->ScreenMunicipalities(request, &version);
  ASSERT_TRUE(basic.ok()) << basic.status();
  ASSERT_THAT(*basic, SizeIs(all->size()));
  for (size_t i = 0; i < basic->size(); ++i) {
    EXPECT_EQ((*basic)[i].verdict(), (*all)[i].verdict());
    EXPECT_LT((*basic)[i].ByteSizeLong(), (*all)[i].ByteSizeLong());
    for (int c = 0; c < (*basic)[i].criteria_size(); ++c) {
      EXPECT_EQ((*basic)[i].criteria(c).figures_size(), 0);
      EXPECT_EQ((*basic)[i].criteria(c).explanation(), (*all)[i].criteria(c).explanation());
    }
  }
  request.set_view(static_cast<v1::EvaluationView>(7));
  auto unknown = core_->ScreenMunicipalities(request, &version);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AwardCoreTest, StaleEtagsAreAborted) {
  OpenCycle("2016");
  auto nomination = Nominate("2016", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  ASSERT_TRUE(nomination.ok());
  v1::WithdrawNominationRequest withdraw;
  withdraw.set_cycle_id("2016");
  withdraw.set_nomination_id(nomination->nomination().nomination_id());
  withdraw.set_etag("0000000000000000");
  auto stale = core_->WithdrawNomination(withdraw, caller_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale.status()), "ETAG_MISMATCH");
  withdraw.set_etag(nomination->nomination().etag());
  auto withdrawn = core_->WithdrawNomination(withdraw, caller_);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->nomination().state(), v1::NOMINATION_STATE_WITHDRAWN);
  EXPECT_NE(withdrawn->nomination().etag(), nomination->nomination().etag());
  // The region is free again.
  EXPECT_TRUE(Nominate("2016", "1506", stats::v1::IMDI_REGION_MIDT_NORGE).ok());
}

TEST_F(AwardCoreTest, TextsOfRequestsAreBoundedWithTheirField) {
  OpenCycle("2016");
  v1::SubmitNominationRequest request;
  request.set_cycle_id("2016");
  request.set_municipality_code("5001");
  *request.mutable_nominator() = Office(stats::v1::IMDI_REGION_MIDT_NORGE);
  request.set_justification(std::string(3'900'000, 'j'));
  auto refused = core_->SubmitNomination(request, caller_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldViolations(refused.status()),
              ElementsAre(FieldViolation{"justification", "is 3900000 bytes long; at most 8000"}));
  request.set_justification("fine");
  request.mutable_nominator()->set_display_name(std::string(kMaxNameBytes + 1, 'n'));
  refused = core_->SubmitNomination(request, caller_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(refused.status())[0].field, "nominator.display_name");

  v1::RegisterJurorRequest juror;
  juror.set_cycle_id("2016");
  juror.mutable_juror()->set_juror_id("j1");
  juror.mutable_juror()->set_display_name("two\nlines");
  auto bad_juror = core_->RegisterJuror(juror, caller_);
  ASSERT_EQ(bad_juror.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(bad_juror.status())[0].field, "juror.display_name");
}

TEST_F(AwardCoreTest, JuryAndVotesAreBounded) {
  OpenCycle("2016");
  for (int i = 0; i < 50; ++i) {
    v1::RegisterJurorRequest juror;
    juror.set_cycle_id("2016");
    juror.mutable_juror()->set_juror_id(absl::StrCat("j", i));
    juror.mutable_juror()->set_display_name("juror");
    ASSERT_TRUE(core_->RegisterJuror(juror, caller_).ok()) << i;
  }
  v1::RegisterJurorRequest one_more;
  one_more.set_cycle_id("2016");
  one_more.mutable_juror()->set_juror_id("j50");
  one_more.mutable_juror()->set_display_name("juror");
  auto full = core_->RegisterJuror(one_more, caller_);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(full.status()), "JURY_FULL");

  v1::RecordVotesRequest votes;
  votes.set_cycle_id("2016");
  votes.set_request_id("votes-1");
  v1::VoteTally* tally = votes.add_tallies();
  tally->set_nomination_id("n1");
  tally->set_votes(std::numeric_limits<int64_t>::max());
  auto too_many = core_->RecordVotes(votes, caller_);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(too_many.status())[0].field, "tallies[0].votes");
}

TEST_F(AwardCoreTest, ACycleRecordStaysWithinItsBoundAndARefusedChangeWritesNothing) {
  // Each nomination at its bounds is ~24 KB; withdrawn ones stay in the
  // record, so nominating and withdrawing the same municipality grows it
  // until the bound refuses the next change.
  OpenCycle("big", [](v1::CycleConfig& config) {
    config.mutable_nomination_policy()->set_max_per_region(0);
  });
  const std::string long_text(kMaxJustificationBytes, 'x');
  absl::Status last;
  int nominated = 0;
  for (; nominated < 200; ++nominated) {
    v1::SubmitNominationRequest request;
    request.set_cycle_id("big");
    request.set_municipality_code("5001");
    *request.mutable_nominator() = Office(stats::v1::IMDI_REGION_MIDT_NORGE);
    request.set_justification(long_text);
    for (const char* criterion : {"creative_housing", "anchored_plans"}) {
      v1::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion(criterion);
      claim->set_justification(long_text);
    }
    auto submitted = core_->SubmitNomination(request, caller_);
    if (!submitted.ok()) {
      last = submitted.status();
      break;
    }
    v1::WithdrawNominationRequest withdraw;
    withdraw.set_cycle_id("big");
    withdraw.set_nomination_id(submitted->nomination().nomination_id());
    auto withdrawn = core_->WithdrawNomination(withdraw, caller_);
    if (!withdrawn.ok()) {
      last = withdrawn.status();
      break;
    }
  }
  ASSERT_LT(nominated, 200);
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted) << last;
  EXPECT_EQ(ErrorReason(last), "CYCLE_TOO_LARGE");
  // Nothing of the refused change is stored: the audit trail ends with the
  // last change that was made, and every reply is far below 4 MiB.
  v1::GetCycleRequest get;
  get.set_cycle_id("big");
  auto cycle = core_->GetCycle(get);
  ASSERT_TRUE(cycle.ok());
  v1::ListNominationsRequest list;
  list.set_cycle_id("big");
  list.set_show_withdrawn(true);
  auto nominations = core_->ListNominations(list);
  ASSERT_TRUE(nominations.ok());
  EXPECT_LE(nominations->ByteSizeLong(), size_t{2} << 20);
  EXPECT_GE(nominations->nominations_size(), nominated);
  const std::vector<v1::AuditEvent> audit = Audit("big");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().sequence(), static_cast<int64_t>(audit.size()));
}

// Runs a cycle to the jury with two nominees, Trondheim and Bergen, their
// claims confirmed.
class JuryTest : public AwardCoreTest {
 protected:
  void ToJury(const std::function<void(v1::CycleConfig&)>& edit) {
    OpenCycle("c", edit);
    auto t = Nominate("c", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
    auto b = Nominate("c", "4601", stats::v1::IMDI_REGION_VEST);
    ASSERT_TRUE(t.ok() && b.ok());
    trondheim_ = t->nomination().nomination_id();
    bergen_ = b->nomination().nomination_id();
    v1::AnnounceNomineesRequest announce;
    announce.set_cycle_id("c");
    ASSERT_TRUE(core_->AnnounceNominees(announce, caller_).ok());
    for (const std::string& id : {trondheim_, bergen_}) {
      for (const char* criterion : {"creative_housing", "anchored_plans"}) {
        v1::ConfirmAssessmentRequest confirm;
        confirm.set_cycle_id("c");
        confirm.set_nomination_id(id);
        confirm.set_criterion(criterion);
        confirm.set_confirmed(true);
        ASSERT_TRUE(core_->ConfirmAssessment(confirm, caller_).ok());
      }
    }
    for (const char* juror : {"a", "b"}) {
      v1::RegisterJurorRequest reg;
      reg.set_cycle_id("c");
      reg.mutable_juror()->set_juror_id(juror);
      reg.mutable_juror()->set_display_name(juror);
      reg.mutable_juror()->set_chair(std::string(juror) == "a");
      ASSERT_TRUE(core_->RegisterJuror(reg, caller_).ok());
    }
  }

  absl::Status Score(const std::string& juror, const std::string& nomination, double settlement,
                     double qualification, double anchoring) {
    for (auto [criterion, value] : std::vector<std::pair<std::string, double>>{
             {"settlement", settlement}, {"qualification", qualification}, {"anchoring", anchoring}}) {
      v1::SubmitScoreRequest score;
      score.set_cycle_id("c");
      score.set_juror_id(juror);
      score.set_nomination_id(nomination);
      score.set_criterion(criterion);
      score.set_score(value);
      auto result = core_->SubmitScore(score, caller_);
      if (!result.ok()) return result.status();
    }
    return absl::OkStatus();
  }

  absl::StatusOr<v1::DecideWinnerResponse> Decide(const std::string& chair_choice = "",
                                                  const std::string& actor = "a") {
    v1::DecideWinnerRequest decide;
    decide.set_cycle_id("c");
    decide.set_chair_choice_nomination_id(chair_choice);
    return core_->DecideWinner(decide, Caller{.actor = actor, .trace_id = "t", .principal = std::nullopt});
  }

  std::string trondheim_, bergen_;
};

TEST_F(JuryTest, UnsettledTieAsksTheChairAndIsAudited) {
  ToJury([](v1::CycleConfig& c) { c.mutable_decision_policy()->clear_tie_breaks(); });
  v1::StartJuryDeliberationRequest start;
  start.set_cycle_id("c");
  ASSERT_TRUE(core_->StartJuryDeliberation(start, caller_).ok());
  ASSERT_TRUE(Score("a", trondheim_, 9, 8, 8).ok());
  ASSERT_TRUE(Score("a", bergen_, 9, 8, 8).ok());
  ASSERT_TRUE(Score("b", trondheim_, 8, 9, 9).ok());
  ASSERT_TRUE(Score("b", bergen_, 8, 9, 9).ok());
  auto tie = Decide();
  EXPECT_EQ(tie.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(tie.status()), "TIE_UNRESOLVED");
  EXPECT_THAT(Audit("c").back().detail(), HasSubstr("refused: TIE_UNRESOLVED"));
  auto not_the_chair = Decide(bergen_, "b");
  EXPECT_EQ(not_the_chair.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(not_the_chair.status()), "CHAIR_ONLY");
  auto chair = Decide(bergen_, "a");
  ASSERT_TRUE(chair.ok()) << chair.status();
  EXPECT_TRUE(chair->decision().chair_decided());
  EXPECT_EQ(chair->decision().winner_nomination_id(), bergen_);

  v1::AnnounceWinnerRequest announce;
  announce.set_cycle_id("c");
  announce.set_announce_date("2017-04-26");
  auto winner = core_->AnnounceWinner(announce, caller_);
  ASSERT_TRUE(winner.ok()) << winner.status();
  EXPECT_EQ(winner->winner().municipality_name(), "Bergen");
  auto history = core_->ListWinners({});
  ASSERT_THAT(history->winners(), SizeIs(1));
  EXPECT_EQ(history->winners(0).cycle_id(), "c");
}

TEST_F(JuryTest, PublicVotePicksTheFinalists) {
  ToJury([](v1::CycleConfig& c) {
    c.mutable_decision_policy()->set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
    c.mutable_decision_policy()->set_finalist_count(1);
  });
  v1::StartJuryDeliberationRequest start;
  start.set_cycle_id("c");
  EXPECT_EQ(ErrorReason(core_->StartJuryDeliberation(start, caller_).status()), "VOTE_REQUIRED");
  v1::OpenPublicVotingRequest vote;
  vote.set_cycle_id("c");
  ASSERT_TRUE(core_->OpenPublicVoting(vote, caller_).ok());
  v1::RecordVotesRequest votes;
  votes.set_cycle_id("c");
  votes.set_request_id("batch-1");
  auto* tally = votes.add_tallies();
  tally->set_nomination_id(bergen_);
  tally->set_votes(300);
  tally = votes.add_tallies();
  tally->set_nomination_id(trondheim_);
  tally->set_votes(200);
  ASSERT_TRUE(core_->RecordVotes(votes, caller_).ok());
  auto replay = core_->RecordVotes(votes, caller_);  // the same batch, retried
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->totals(0).votes() + replay->totals(1).votes(), 500);
  votes.clear_request_id();
  EXPECT_EQ(core_->RecordVotes(votes, caller_).status().code(), absl::StatusCode::kInvalidArgument);

  auto started = core_->StartJuryDeliberation(start, caller_);
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_THAT(started->candidates(), SizeIs(1));
  EXPECT_EQ(started->candidates(0).nomination_id(), bergen_);
  EXPECT_EQ(ErrorReason(Score("a", trondheim_, 10, 10, 10)), "NOT_A_CANDIDATE");
  ASSERT_TRUE(Score("a", bergen_, 7, 7, 7).ok());
  ASSERT_TRUE(Score("b", bergen_, 8, 8, 8).ok());
  auto decided = Decide();
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->decision().winner_nomination_id(), bergen_);
  EXPECT_DOUBLE_EQ(decided->decision().ranking(0).vote_share(), 300.0 / 500.0);
}

TEST_F(JuryTest, ConflictExcludesScoresAndRefusesNewOnes) {
  ToJury({});
  v1::StartJuryDeliberationRequest start;
  start.set_cycle_id("c");
  ASSERT_TRUE(core_->StartJuryDeliberation(start, caller_).ok());
  ASSERT_TRUE(Score("b", bergen_, 10, 10, 10).ok());
  v1::DeclareConflictRequest conflict;
  conflict.set_cycle_id("c");
  conflict.set_juror_id("b");
  conflict.set_nomination_id(bergen_);
  conflict.set_reason("lives in Bergen");
  ASSERT_TRUE(core_->DeclareConflict(conflict, caller_).ok());
  EXPECT_EQ(ErrorReason(Score("b", bergen_, 10, 10, 10)), "JUROR_CONFLICTED");
  ASSERT_TRUE(Score("a", trondheim_, 9, 9, 9).ok());
  ASSERT_TRUE(Score("a", bergen_, 8, 8, 8).ok());
  ASSERT_TRUE(Score("b", trondheim_, 7, 7, 7).ok());
  auto decided = Decide();
  ASSERT_TRUE(decided.ok()) << decided.status();
  // Bergen: juror a alone (8); b's earlier 10s no longer count.
  EXPECT_DOUBLE_EQ(decided->decision().ranking(1).jury_score(), 8.0);
  EXPECT_DOUBLE_EQ(decided->decision().ranking(0).jury_score(), 8.0);
  EXPECT_EQ(decided->decision().winner_nomination_id(), trondheim_);  // anchoring tie-break: 9 vs 8
}

TEST_F(AwardCoreTest, EverythingSurvivesAReopen) {
  OpenCycle("2016");
  ASSERT_TRUE(Nominate("2016", "5001", stats::v1::IMDI_REGION_MIDT_NORGE).ok());
  const auto before = Audit("2016");
  Open();
  v1::GetCycleRequest get;
  get.set_cycle_id("2016");
  auto cycle = core_->GetCycle(get);
  ASSERT_TRUE(cycle.ok());
  EXPECT_EQ(cycle->cycle().state(), v1::CYCLE_STATE_NOMINATIONS_OPEN);
  EXPECT_EQ(Audit("2016").size(), before.size());
  v1::ListAuditEventsRequest page;
  page.set_cycle_id("2016");
  page.set_page_size(2);
  auto first = core_->ListAuditEvents(page);
  ASSERT_TRUE(first.ok());
  ASSERT_THAT(first->events(), SizeIs(2));
  page.set_page_token(first->next_page_token());
  auto second = core_->ListAuditEvents(page);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->events(0).sequence(), 3);
  page.set_cycle_id("other");
  EXPECT_EQ(core_->ListAuditEvents(page).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace imdi::award
