// A test fixture for AwardCore: a real RocksDB store in a fresh temporary
// directory, the in-memory statistics fake (behind a wrapper that can run a
// hook in the middle of a use case, to force a concurrent change), a pinned
// clock, and steps that drive a cycle from the shipped 2016 configuration to
// the jury's decision. Not thread-safe; one per test.
#ifndef IMDI_TESTS_TESTING_AWARD_CORE_FIXTURE_H_
#define IMDI_TESTS_TESTING_AWARD_CORE_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "award-service/core/award_core.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_stats_client.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"

namespace imdi::award::testing {

// Delegates to the fake; runs `before_batch` (once) before BatchGetFigures,
// i.e. while a use case evaluates outside its lock.
class HookedStatsClient final : public StatsClient {
 public:
  explicit HookedStatsClient(StatsClient* inner) : inner_(inner) {}
  std::function<void()> before_batch;

  absl::StatusOr<int64_t> DataVersion() override { return inner_->DataVersion(); }
  absl::StatusOr<MunicipalityInfo> GetMunicipality(const std::string& code,
                                                   int64_t version) override {
    return inner_->GetMunicipality(code, version);
  }
  absl::StatusOr<std::vector<MunicipalityInfo>> ListMunicipalities(int64_t version) override {
    return inner_->ListMunicipalities(version);
  }
  absl::StatusOr<FiguresByMunicipality> BatchGetFigures(const std::vector<std::string>& codes,
                                                        int first_year, int last_year,
                                                        int64_t version) override {
    if (before_batch) std::exchange(before_batch, nullptr)();
    return inner_->BatchGetFigures(codes, first_year, last_year, version);
  }
  absl::StatusOr<StatsSnapshot> StreamSnapshot(int first_year, int last_year,
                                               stats::v1::ImdiRegion region,
                                               int64_t version) override {
    return inner_->StreamSnapshot(first_year, last_year, region, version);
  }
  absl::StatusOr<RegionSettledByRegion> BatchGetRegionSettled(
      const std::vector<stats::v1::ImdiRegion>& regions, int year, int64_t version) override {
    return inner_->BatchGetRegionSettled(regions, year, version);
  }
  absl::StatusOr<std::vector<AreaTotal>> BatchGetAreaTotals(
      const std::vector<stats::v1::Area>& areas, const std::string& field, int year,
      int64_t version) override {
    return inner_->BatchGetAreaTotals(areas, field, year, version);
  }
  absl::Status CheckHealth() override { return inner_->CheckHealth(); }

 private:
  StatsClient* inner_;
};

class AwardCoreFixture : public ::testing::Test {
 protected:
  static MunicipalityInfo Municipality(std::string code, std::string name,
                                       stats::v1::ImdiRegion region,
                                       std::vector<std::string> old_codes = {}) {
    MunicipalityInfo info;
    info.code = code;
    info.name = name;
    info.imdi_region = region;
    info.codes.push_back(code);
    for (auto& c : old_codes) info.codes.push_back(c);
    return info;
  }

  static stats::v1::Figures Settled(int requested, int settled) {
    stats::v1::Figures f;
    f.set_refugees_requested(requested);
    f.set_refugees_settled(settled);
    return f;
  }

  static v1::CycleConfig Config2016() {
    auto config =
        award_files::LoadCycleConfig(IMDI_SOURCE_DIR "/data/award/bosettingsprisen-2016.json");
    EXPECT_TRUE(config.ok()) << config.status();
    return config.ok() ? *config : v1::CycleConfig();
  }

  void SetUp() override {
    // Trondheim was 1601 until Trøndelag's counties merged in 2018.
    MunicipalityInfo trondheim =
        Municipality("5001", "Trondheim", stats::v1::IMDI_REGION_MIDT_NORGE, {"1601"});
    trondheim.code_history = {{"1601", "Trondheim", std::nullopt, 2017},
                              {"5001", "Trondheim", 2018, std::nullopt}};
    stats_.AddMunicipality(std::move(trondheim));
    stats_.AddMunicipality(Municipality("4601", "Bergen", stats::v1::IMDI_REGION_VEST, {"1201"}));
    stats_.AddMunicipality(Municipality("1804", "Bodø", stats::v1::IMDI_REGION_NORD));
    stats_.SetFigures("5001", 2016, Settled(600, 627));
    stats_.SetFigures("4601", 2016, Settled(720, 720));
    auto store = OpenRocksDbAwardStore({.path = dir_.Sub("award"), .sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<AwardCore>(store_.get(), &hooked_, Comparables(),
                                        AwardCoreOptions{.now = [this] { return now_; }});
  }

  absl::StatusOr<v1::CreateCycleResponse> Create(
      const std::string& id, const std::function<void(v1::CycleConfig&)>& edit = {}) {
    v1::CreateCycleRequest create;
    create.set_cycle_id(id);
    *create.mutable_config() = Config2016();
    if (edit) edit(*create.mutable_config());
    return core_->CreateCycle(create, caller_);
  }

  void OpenCycle(const std::string& id, const std::function<void(v1::CycleConfig&)>& edit = {}) {
    ASSERT_TRUE(Create(id, edit).ok());
    v1::OpenNominationsRequest open;
    open.set_cycle_id(id);
    ASSERT_TRUE(core_->OpenNominations(open, caller_).ok());
  }

  v1::SubmitNominationRequest Nomination(const std::string& cycle, const std::string& code,
                                         stats::v1::ImdiRegion region) {
    v1::SubmitNominationRequest request;
    request.set_cycle_id(cycle);
    request.set_municipality_code(code);
    request.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
    request.mutable_nominator()->set_imdi_region(region);
    request.mutable_nominator()->set_display_name("regional office");
    request.set_justification("deserves it");
    for (const char* criterion : {"creative_housing", "anchored_plans"}) {
      v1::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion(criterion);
      claim->set_justification("Written at length, as the criterion asks for it.");
    }
    return request;
  }

  absl::StatusOr<v1::SubmitNominationResponse> Nominate(const std::string& cycle,
                                                        const std::string& code,
                                                        stats::v1::ImdiRegion region) {
    return core_->SubmitNomination(Nomination(cycle, code, region), caller_);
  }

  std::vector<v1::AuditEvent> Audit(const std::string& cycle) {
    v1::ListAuditEventsRequest request;
    request.set_cycle_id(cycle);
    request.set_page_size(1000);
    auto response = core_->ListAuditEvents(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return {response->events().begin(), response->events().end()};
  }

  v1::Cycle Cycle(const std::string& id) {
    v1::GetCycleRequest get;
    get.set_cycle_id(id);
    auto response = core_->GetCycle(get);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->cycle() : v1::Cycle();
  }

  // Cycle "c": Trondheim and Bergen nominated and announced, their claims
  // confirmed, in jury deliberation with `jurors` registered (the first is
  // the chair when `chair`).
  void ToJury(std::vector<std::string> jurors = {"a", "b"}, bool chair = true) {
    OpenCycle("c");
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
    v1::StartJuryDeliberationRequest start;
    start.set_cycle_id("c");
    ASSERT_TRUE(core_->StartJuryDeliberation(start, caller_).ok());
    for (size_t i = 0; i < jurors.size(); ++i) {
      v1::RegisterJurorRequest reg;
      reg.set_cycle_id("c");
      reg.mutable_juror()->set_juror_id(jurors[i]);
      reg.mutable_juror()->set_display_name(jurors[i]);
      reg.mutable_juror()->set_chair(chair && i == 0);
      ASSERT_TRUE(core_->RegisterJuror(reg, caller_).ok());
    }
  }

  // ToJury, then both jurors score and the jury decides: Trondheim wins.
  void ToDecision() {
    ToJury();
    for (const char* juror : {"a", "b"}) {
      for (const auto& [nomination, value] :
           std::vector<std::pair<std::string, double>>{{trondheim_, 9}, {bergen_, 7}}) {
        for (const char* criterion : {"settlement", "qualification", "anchoring"}) {
          v1::SubmitScoreRequest score;
          score.set_cycle_id("c");
          score.set_juror_id(juror);
          score.set_nomination_id(nomination);
          score.set_criterion(criterion);
          score.set_score(value);
          ASSERT_TRUE(core_->SubmitScore(score, caller_).ok());
        }
      }
    }
    v1::DecideWinnerRequest decide;
    decide.set_cycle_id("c");
    auto decided = core_->DecideWinner(decide, caller_);
    ASSERT_TRUE(decided.ok()) << decided.status();
    ASSERT_EQ(decided->decision().winner_nomination_id(), trondheim_);
  }

  absl::StatusOr<v1::ImportWinnersResponse> Import(std::vector<v1::Winner> winners) {
    v1::ImportWinnersRequest request;
    for (auto& w : winners) *request.add_winners() = std::move(w);
    return core_->ImportWinners(request, caller_);
  }

  static v1::Winner Winner(int year, std::string name, std::string code) {
    v1::Winner w;
    w.set_award_year(year);
    w.set_municipality_name(std::move(name));
    w.set_code_at_the_time(std::move(code));
    w.set_source("award-history.csv");
    return w;
  }

  imdi::testing::TempDir dir_;
  FakeStatsClient stats_;
  HookedStatsClient hooked_{&stats_};
  std::unique_ptr<AwardStore> store_;
  std::unique_ptr<AwardCore> core_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2017, 1, 15, 12, 0, 0), absl::UTCTimeZone());
  Caller caller_{.actor = "tester", .trace_id = "trace-1", .principal = std::nullopt};
  std::string trondheim_, bergen_;
};

}  // namespace imdi::award::testing

#endif  // IMDI_TESTS_TESTING_AWARD_CORE_FIXTURE_H_
