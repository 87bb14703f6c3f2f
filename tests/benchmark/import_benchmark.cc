// Benchmarks of `imdictl import`'s client side, reporting figures (rows/s):
//   - reading the bundled figure files as CSV (common/csv.h) alone,
//   - parsing them into import records (tools/import/figures_source.h),
//   - building the ImportFigures messages of a parsed file
//     (tools/import/import_requests.h).
// The files are the ones scripts/load-stats-data.sh imports, in its order.
// Run: build/tests/import_benchmark [--benchmark_filter=...]
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/csv.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"

namespace imdi::import {
namespace {

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

// The bundled figure files, as scripts/load-stats-data.sh imports them.
const std::vector<std::string>& BundledFiles() {
  static const std::vector<std::string> files = [] {
    const std::string k = "imdikator-2015-2016/";
    const std::string s = k + "snapshots-2016/bosatt_anmodede-kommune-";
    std::vector<std::string> out = {
        "imdikator/befolkning_alder.csv",
        "imdikator/bosatt_anmodede.csv",
        "imdikator/bosetting.csv",
        "imdikator/intro_avslutning_direkte.csv",
        "imdikator/intro_status_arbutd.csv",
        "published/figures-2016-2017.csv",
        k + "bosatt_anmodede-kommune-2015.csv",
        k + "bosatt_anmodede-kommune-2015_2017.csv",
        k + "bosatt_anmodede-fylke-2015_2017.csv",
        s + "2015_2016-160126.csv",
    };
    for (const char* date :
         {"160202", "160212", "160218", "160301", "160308", "160315", "160322"}) {
      out.push_back(s + "2016-" + date + ".csv");
    }
    for (std::string& f : out) f = kData + f;
    return out;
  }();
  return files;
}

// The file's bytes, read once: the benchmarks measure parsing, not the disk.
const std::string& Contents(const std::string& path) {
  static std::map<std::string, std::string>* cache = new std::map<std::string, std::string>;
  auto [it, inserted] = cache->try_emplace(path);
  if (inserted) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    it->second = text.str();
  }
  return it->second;
}

// range(0): index into BundledFiles(), or -1 for all of them in turn.
std::vector<std::string> FilesOf(const benchmark::State& state) {
  if (state.range(0) < 0) return BundledFiles();
  return {BundledFiles()[static_cast<size_t>(state.range(0))]};
}

void SetLabel(benchmark::State& state) {
  state.SetLabel(state.range(0) < 0
                     ? "all bundled files"
                     : BundledFiles()[static_cast<size_t>(state.range(0))].substr(kData.size()));
}

void BM_ReadCsv(benchmark::State& state) {
  const std::vector<std::string> files = FilesOf(state);
  int64_t rows = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& file : files) {
      std::istringstream in(Contents(file));
      CsvReader reader(in, CsvSeparator::kDetect);
      CsvRecord record;
      for (;;) {
        absl::StatusOr<bool> more = reader.Next(record);
        if (!more.ok() || !*more) break;
        ++rows;
      }
      bytes += static_cast<int64_t>(Contents(file).size());
    }
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(bytes);
  SetLabel(state);
}

void BM_ParseFiguresFile(benchmark::State& state) {
  const std::vector<std::string> files = FilesOf(state);
  int64_t rows = 0;
  for (auto _ : state) {
    for (const std::string& file : files) {
      std::istringstream in(Contents(file));
      absl::StatusOr<ParsedFile> parsed = ParseFiguresFile(in);
      if (!parsed.ok()) {
        state.SkipWithError("parse failed");
        return;
      }
      rows += parsed->rows;
      benchmark::DoNotOptimize(parsed);
    }
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  SetLabel(state);
}

void BM_ImportRequests(benchmark::State& state) {
  std::vector<ParsedFile> parsed;
  int64_t rows = 0;
  for (const std::string& file : FilesOf(state)) {
    std::istringstream in(Contents(file));
    parsed.push_back(*ParseFiguresFile(in));
  }
  for (auto _ : state) {
    for (const ParsedFile& p : parsed) {
      auto requests = ImportRequests(p, "file.csv", stats::v1::FIGURES_STATUS_FINAL, 500);
      rows += p.rows;
      benchmark::DoNotOptimize(requests);
    }
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  SetLabel(state);
}

// Every file alone (the five IMDi export tables are the big ones), then all.
void EachFile(benchmark::internal::Benchmark* b) {
  for (int i = 0; i < 5; ++i) b->Arg(i);
  b->Arg(-1);
}

BENCHMARK(BM_ReadCsv)->Apply(EachFile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFiguresFile)->Apply(EachFile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImportRequests)->Arg(-1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imdi::import

BENCHMARK_MAIN();
