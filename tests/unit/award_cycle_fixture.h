// A small award cycle for unit tests of AwardCore: a real RocksDB store in a
// temporary directory, the statistics service faked, the clock pinned, and
// helpers that run the shipped 2016 configuration step by step (Trondheim
// and Bergen nominated, jurors "a" (chair) and "b").
#ifndef IMDI_TESTS_UNIT_AWARD_CYCLE_FIXTURE_H_
#define IMDI_TESTS_UNIT_AWARD_CYCLE_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "award-service/core/award_core.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_stats_client.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"

namespace imdi::award::testing {

inline absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 12, 0, 0), absl::UTCTimeZone());
}

class AwardCycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stats_.AddMunicipality(Info("5001", "Trondheim", stats::v1::IMDI_REGION_MIDT_NORGE));
    stats_.AddMunicipality(Info("4601", "Bergen", stats::v1::IMDI_REGION_VEST));
    stats_.AddMunicipality(Info("1804", "Bodø", stats::v1::IMDI_REGION_NORD));
    stats_.SetFigures("5001", 2016, Settled(600, 627));
    stats_.SetFigures("4601", 2016, Settled(720, 720));
    stats_.SetFigures("1804", 2016, Settled(100, 60));
    Fresh("award");
  }

  // A new, empty store in the temporary directory's `sub`.
  void Fresh(const std::string& sub) {
    core_.reset();
    store_.reset();
    auto store = OpenRocksDbAwardStore({.path = dir_.Sub(sub), .sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<AwardCore>(store_.get(), &stats_, Comparables(),
                                        AwardCoreOptions{.now = [this] { return now_; }});
  }

  static MunicipalityInfo Info(std::string code, std::string name, stats::v1::ImdiRegion region) {
    MunicipalityInfo info;
    info.code = code;
    info.name = name;
    info.imdi_region = region;
    info.codes.push_back(code);
    return info;
  }

  static stats::v1::Figures Settled(int requested, int settled) {
    stats::v1::Figures f;
    f.set_refugees_requested(requested);
    f.set_refugees_settled(settled);
    return f;
  }

  // The shipped 2016 configuration, edited.
  void Create(const std::function<void(v1::CycleConfig&)>& edit = {}) {
    v1::CreateCycleRequest create;
    create.set_cycle_id("c");
    auto config =
        award_files::LoadCycleConfig(IMDI_SOURCE_DIR "/data/award/bosettingsprisen-2016.json");
    ASSERT_TRUE(config.ok()) << config.status();
    *create.mutable_config() = *config;
    if (edit) edit(*create.mutable_config());
    auto created = core_->CreateCycle(create, caller_);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  absl::StatusOr<v1::OpenNominationsResponse> OpenNominations() {
    v1::OpenNominationsRequest open;
    open.set_cycle_id("c");
    return core_->OpenNominations(open, caller_);
  }

  absl::StatusOr<v1::SubmitNominationResponse> Nominate(const std::string& code,
                                                        stats::v1::ImdiRegion region) {
    v1::SubmitNominationRequest request;
    request.set_cycle_id("c");
    request.set_municipality_code(code);
    request.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
    request.mutable_nominator()->set_imdi_region(region);
    request.set_justification("deserves it");
    for (const char* criterion : {"creative_housing", "anchored_plans"}) {
      v1::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion(criterion);
      claim->set_justification("A justification long enough for the assessed criterion.");
    }
    return core_->SubmitNomination(request, caller_);
  }

  // Opens the cycle and nominates Trondheim and Bergen.
  void NominateBoth(const std::function<void(v1::CycleConfig&)>& edit = {}) {
    Create(edit);
    ASSERT_TRUE(OpenNominations().ok());
    auto t = Nominate("5001", stats::v1::IMDI_REGION_MIDT_NORGE);
    auto b = Nominate("4601", stats::v1::IMDI_REGION_VEST);
    ASSERT_TRUE(t.ok()) << t.status();
    ASSERT_TRUE(b.ok()) << b.status();
    trondheim_ = t->nomination().nomination_id();
    bergen_ = b->nomination().nomination_id();
  }

  absl::StatusOr<v1::AnnounceNomineesResponse> AnnounceNominees() {
    v1::AnnounceNomineesRequest announce;
    announce.set_cycle_id("c");
    return core_->AnnounceNominees(announce, caller_);
  }

  void ConfirmClaims() {
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
  }

  void RegisterJurors() {
    for (const char* juror : {"a", "b"}) {
      v1::RegisterJurorRequest reg;
      reg.set_cycle_id("c");
      reg.mutable_juror()->set_juror_id(juror);
      reg.mutable_juror()->set_display_name(std::string("Juror ") + juror);
      reg.mutable_juror()->set_chair(std::string(juror) == "a");
      ASSERT_TRUE(core_->RegisterJuror(reg, caller_).ok());
    }
  }

  absl::StatusOr<v1::StartJuryDeliberationResponse> StartJury() {
    v1::StartJuryDeliberationRequest start;
    start.set_cycle_id("c");
    return core_->StartJuryDeliberation(start, caller_);
  }

  // Nominees announced, claims confirmed, jurors registered, jury started.
  void ToJury(const std::function<void(v1::CycleConfig&)>& edit = {}) {
    NominateBoth(edit);
    ASSERT_TRUE(AnnounceNominees().ok());
    ConfirmClaims();
    RegisterJurors();
    auto started = StartJury();
    ASSERT_TRUE(started.ok()) << started.status();
  }

  static v1::ScoreSheetEntry Entry(const std::string& nomination, const std::string& criterion,
                                   double score) {
    v1::ScoreSheetEntry e;
    e.set_nomination_id(nomination);
    e.set_criterion(criterion);
    e.set_score(score);
    return e;
  }

  absl::StatusOr<v1::SubmitScoreSheetResponse> Sheet(const std::string& juror,
                                                     const std::vector<v1::ScoreSheetEntry>& scores,
                                                     const std::string& request_id = "") {
    v1::SubmitScoreSheetRequest request;
    request.set_cycle_id("c");
    request.set_juror_id(juror);
    request.set_request_id(request_id);
    for (const auto& e : scores) *request.add_scores() = e;
    return core_->SubmitScoreSheet(request, caller_);
  }

  // Every score of `juror` for `nomination`, all `value`.
  static std::vector<v1::ScoreSheetEntry> All(const std::string& nomination, double value) {
    return {Entry(nomination, "settlement", value), Entry(nomination, "qualification", value),
            Entry(nomination, "anchoring", value)};
  }

  v1::GetCycleProgressResponse Progress() {
    v1::GetCycleProgressRequest request;
    request.set_cycle_id("c");
    auto progress = core_->GetCycleProgress(request);
    EXPECT_TRUE(progress.ok()) << progress.status();
    return progress.ok() ? *progress : v1::GetCycleProgressResponse();
  }

  std::vector<v1::AuditEvent> Audit() {
    v1::ListAuditEventsRequest request;
    request.set_cycle_id("c");
    request.set_page_size(1000);
    auto response = core_->ListAuditEvents(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return {response->events().begin(), response->events().end()};
  }

  imdi::testing::TempDir dir_;
  imdi::award::testing::FakeStatsClient stats_;
  std::unique_ptr<AwardStore> store_;
  std::unique_ptr<AwardCore> core_;
  // Between the 2016 cycle's nominees (2017-02-17) and winner (2017-04-26).
  absl::Time now_ = Day(2017, 3, 1);
  Caller caller_{.actor = "tester", .trace_id = "trace-1", .principal = std::nullopt};
  std::string trondheim_, bergen_;
};

}  // namespace imdi::award::testing

#endif  // IMDI_TESTS_UNIT_AWARD_CYCLE_FIXTURE_H_
