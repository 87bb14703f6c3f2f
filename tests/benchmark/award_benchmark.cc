// Benchmarks of the award service's hot paths, reporting figures:
//   - evaluating one municipality against the 2016 rule (the criteria engine),
//   - screening a country of 428 municipalities, each with 15 comparable
//     municipalities, through AwardCore as the ScreenMunicipalities stream
//     does it (bulk reads from an in-memory statistics service, evaluation
//     a chunk at a time), in the full and the basic view, with the bytes
//     of the reply per evaluation,
//   - a juror's score committed to RocksDB with its audit event.
// Run: build/tests/award_benchmark [--benchmark_filter=...]
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "award-service/core/award_core.h"
#include "award-service/domain/criteria.h"
#include "benchmark/benchmark.h"
#include "common/limits.h"
#include "tests/fakes/fake_stats_client.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"

namespace imdi::award {
namespace {

const std::string kConfig = std::string(IMDI_SOURCE_DIR) + "/data/award/bosettingsprisen-2016.json";
constexpr int kMunicipalities = 428;

v1::CycleConfig Config() {
  auto config = award_files::LoadCycleConfig(kConfig);
  return config.ok() ? *config : v1::CycleConfig();
}

stats::v1::Figures Figures(int i, int year) {
  stats::v1::Figures f;
  f.set_refugees_requested(20 + i % 50);
  f.set_refugees_settled(15 + (i * 7 + year) % 60);
  f.set_population(2000 + i * 300);
  f.set_minors_settled(i % 9);
  f.set_intro_finished(10 + i % 20);
  f.set_intro_to_work_or_education(i % 25);
  return f;
}

std::string Code(int i) { return absl::StrFormat("%04d", 1000 + i); }

void BM_EvaluateOne(benchmark::State& state) {
  const v1::CycleConfig config = Config();
  EvaluationInput input;
  input.municipality_code = "5001";
  input.data_version = 8;
  for (int year = 2014; year <= 2016; ++year) input.figures[year] = Figures(7, year);
  for (int c = 0; c < 15; ++c) input.comparables[Code(c)][2016] = Figures(c, 2016);
  input.region_settled[2016] = RegionSettled{"IMDi Midt-Norge", 2702, 627, 0};
  int64_t evaluations = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Evaluate(config, input));
    ++evaluations;
  }
  state.counters["evaluations/s"] =
      benchmark::Counter(static_cast<double>(evaluations), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EvaluateOne);

struct Country {
  imdi::testing::TempDir dir;
  testing::FakeStatsClient stats;
  std::unique_ptr<AwardStore> store;
  std::unique_ptr<AwardCore> core;
};

Country* MakeCountry() {
  auto* country = new Country;
  std::vector<MunicipalityInfo> municipalities;
  FiguresByMunicipality figures;
  for (int i = 0; i < kMunicipalities; ++i) {
    MunicipalityInfo& info = municipalities.emplace_back();
    info.code = Code(i);
    info.name = "Municipality " + info.code;
    info.imdi_region = static_cast<stats::v1::ImdiRegion>(1 + i % 6);
    info.codes = {info.code};
    for (int year = 2014; year <= 2016; ++year) figures[info.code][year] = Figures(i, year);
  }
  country->stats.Load(municipalities, figures);
  for (int r = 1; r <= 6; ++r) {
    country->stats.SetRegionSettled(static_cast<stats::v1::ImdiRegion>(r), 2016,
                                    RegionSettled{"IMDi region", 2500, 2400, 0});
  }
  // Each municipality compared with the next 15.
  std::string similar = "[";
  for (int i = 0; i < kMunicipalities; ++i) {
    absl::StrAppend(&similar, i > 0 ? "," : "", "{\"code\":\"", Code(i), "\",\"similar\":[");
    for (int c = 1; c <= 15; ++c) {
      absl::StrAppend(&similar, c > 1 ? "," : "", "\"", Code((i + c) % kMunicipalities), "\"");
    }
    absl::StrAppend(&similar, "]}");
  }
  absl::StrAppend(&similar, "]");
  auto comparables = Comparables::Parse(similar);
  country->store = *OpenRocksDbAwardStore({.path = country->dir.Sub("award"), .sync = false});
  country->core = std::make_unique<AwardCore>(country->store.get(), &country->stats,
                                              comparables.ok() ? *comparables : Comparables());
  v1::CreateCycleRequest create;
  create.set_cycle_id("2016");
  *create.mutable_config() = Config();
  (void)country->core->CreateCycle(create, Caller{});
  return country;
}

// Arg: the view (1 full, 2 basic).
void BM_ScreenCountry(benchmark::State& state) {
  static Country* country = MakeCountry();
  v1::ScreenMunicipalitiesRequest request;
  request.set_cycle_id("2016");
  request.set_view(static_cast<v1::EvaluationView>(state.range(0)));
  int64_t evaluations = 0;
  size_t bytes = 0;
  v1::ScreenMunicipalitiesResponse chunk;
  for (auto _ : state) {
    auto screening = country->core->StartScreening(request);
    if (!screening.ok()) {
      state.SkipWithError("screening failed");
      break;
    }
    while ((*screening)->Next(64, kMaxReplyBytes, chunk)) {
      evaluations += chunk.evaluations_size();
      bytes += chunk.ByteSizeLong();
      chunk.Clear();
    }
  }
  state.counters["evaluations/s"] =
      benchmark::Counter(static_cast<double>(evaluations), benchmark::Counter::kIsRate);
  state.counters["bytes/evaluation"] =
      evaluations > 0 ? static_cast<double>(bytes) / static_cast<double>(evaluations) : 0;
}
BENCHMARK(BM_ScreenCountry)
    ->ArgName("view")
    ->Arg(v1::EVALUATION_VIEW_FULL)
    ->Arg(v1::EVALUATION_VIEW_BASIC)
    ->Unit(benchmark::kMillisecond);

// A juror's score committed with its audit event, in a cycle of six
// nominees at deliberation: the record stays the size of a real cycle.
void BM_SubmitScore(benchmark::State& state) {
  static Country* country = [] {
    Country* c = MakeCountry();
    v1::OpenNominationsRequest open;
    open.set_cycle_id("2016");
    (void)c->core->OpenNominations(open, Caller{});
    for (int i = 0; i < 6; ++i) {  // one per region
      v1::SubmitNominationRequest nominate;
      nominate.set_cycle_id("2016");
      nominate.set_municipality_code(Code(i));
      nominate.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
      nominate.mutable_nominator()->set_imdi_region(static_cast<stats::v1::ImdiRegion>(1 + i));
      nominate.set_justification("benchmark");
      for (const char* criterion : {"creative_housing", "anchored_plans"}) {
        v1::AssessmentClaim* claim = nominate.add_claims();
        claim->set_criterion(criterion);
        claim->set_justification("A justification long enough for the configuration's minimum.");
      }
      (void)c->core->SubmitNomination(nominate, Caller{});
    }
    v1::AnnounceNomineesRequest announce;
    announce.set_cycle_id("2016");
    (void)c->core->AnnounceNominees(announce, Caller{});
    v1::StartJuryDeliberationRequest start;
    start.set_cycle_id("2016");
    (void)c->core->StartJuryDeliberation(start, Caller{});
    v1::RegisterJurorRequest juror;
    juror.set_cycle_id("2016");
    juror.mutable_juror()->set_juror_id("j");
    juror.mutable_juror()->set_display_name("juror");
    (void)c->core->RegisterJuror(juror, Caller{});
    return c;
  }();
  v1::SubmitScoreRequest score;
  score.set_cycle_id("2016");
  score.set_juror_id("j");
  score.set_nomination_id("n1");
  score.set_criterion("settlement");
  int64_t commits = 0;
  for (auto _ : state) {
    score.set_score(1 + commits % 10);
    auto result = country->core->SubmitScore(score, Caller{});
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      break;
    }
    ++commits;
  }
  state.counters["commits/s"] =
      benchmark::Counter(static_cast<double>(commits), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SubmitScore)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace imdi::award

BENCHMARK_MAIN();
