// Benchmarks of the statistics service's hot paths, reporting figures:
//   - parsing the largest IMDi export file,
//   - committing import batches to RocksDB,
//   - point reads at the latest and at an old data version,
//   - a full as-of scan (what StreamFigures and GetAggregate do).
// Run: build/tests/stats_benchmark [--benchmark_filter=...]
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "stats-service/storage/rocksdb_stats_store.h"
#include "tests/testing/temp_dir.h"
#include "tools/import/figures_source.h"

namespace imdi::stats {
namespace {

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

void BM_ParsePopulationFile(benchmark::State& state) {
  int64_t rows = 0;
  for (auto _ : state) {
    auto parsed = import::ParseFiguresPath(kData + "imdikator/befolkning_alder.csv");
    if (!parsed.ok()) state.SkipWithError("parse failed");
    rows += parsed->rows;
    benchmark::DoNotOptimize(parsed);
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParsePopulationFile)->Unit(benchmark::kMillisecond);

// A store holding `municipalities` x `years` records, each written
// `revisions` times.
struct Filled {
  imdi::testing::TempDir dir;
  std::unique_ptr<RocksDbStatsStore> store;
};

std::unique_ptr<Filled> Fill(int municipalities, int years, int revisions) {
  auto filled = std::make_unique<Filled>();
  filled->store = std::move(*RocksDbStatsStore::Open({.path = filled->dir.Sub("db"), .sync = false}));
  for (int r = 1; r <= revisions; ++r) {
    std::vector<FiguresRecord> batch;
    for (int m = 0; m < municipalities; ++m) {
      for (int y = 0; y < years; ++y) {
        FiguresRecord rec;
        rec.subject = Subject::Municipality(101 + m);
        rec.year = 2010 + y;
        rec.revision = r;
        rec.values[Count::kRefugeesSettled] = m + y + r;
        rec.values[Count::kPopulation] = 10000 + m;
        batch.push_back(std::move(rec));
      }
    }
    std::vector<Municipality> none;
    (void)filled->store->Commit(batch, none);
  }
  return filled;
}

void BM_CommitBatch(benchmark::State& state) {
  const bool sync = state.range(1) != 0;
  imdi::testing::TempDir dir;
  auto store = std::move(*RocksDbStatsStore::Open({.path = dir.Sub("db"), .sync = sync}));
  int64_t records = 0;
  int revision = 0;
  for (auto _ : state) {
    ++revision;
    std::vector<FiguresRecord> batch;
    for (int i = 0; i < state.range(0); ++i) {
      FiguresRecord rec;
      rec.subject = Subject::Municipality(101 + i % 5000);
      rec.year = 2014;
      rec.revision = revision;
      rec.values[Count::kRefugeesSettled] = i;
      batch.push_back(std::move(rec));
    }
    std::vector<Municipality> none;
    if (!store->Commit(batch, none).ok()) state.SkipWithError("commit failed");
    records += state.range(0);
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CommitBatch)->Args({500, 0})->Args({500, 1})->Args({1, 1})->Unit(benchmark::kMicrosecond);

void BM_ReadFigures(benchmark::State& state) {
  static auto filled = Fill(430, 6, 5);
  const uint64_t as_of = state.range(0) == 0 ? filled->store->data_version() : 2;
  int i = 0;
  for (auto _ : state) {
    auto read = filled->store->ReadFigures(Subject::Municipality(101 + i % 430), 2010 + i % 6, as_of,
                                             std::nullopt);
    benchmark::DoNotOptimize(read);
    ++i;
  }
  state.SetLabel(state.range(0) == 0 ? "latest" : "as of an old version");
}
BENCHMARK(BM_ReadFigures)->Arg(0)->Arg(1);

void BM_ScanAll(benchmark::State& state) {
  static auto filled = Fill(430, 6, 5);
  int64_t records = 0;
  for (auto _ : state) {
    FiguresScan scan;
    scan.as_of = state.range(0) == 0 ? filled->store->data_version() : 2;
    (void)filled->store->ScanFigures(scan, [&](FiguresRecord&& r) {
      benchmark::DoNotOptimize(r);
      ++records;
      return true;
    });
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScanAll)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imdi::stats

BENCHMARK_MAIN();
