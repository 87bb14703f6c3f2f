// Benchmarks of the statistics service's hot paths, reporting figures:
//   - parsing the largest IMDi export file,
//   - committing import batches to RocksDB,
//   - point reads at the latest and at an old data version,
//   - a full as-of scan (what StreamFigures and GetAggregate do),
//   - the latest view (latest_view.h) against the store it stands in for:
//     a point read, a one-year slice at 1x and 100x the records, a
//     commit's update, its bytes per record, and StatsCore::GetFigures
//     from the view and from the store.
// Run: build/tests/stats_benchmark [--benchmark_filter=...]
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "stats-service/server.h"
#include "stats-service/domain/latest_view.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/storage/rocksdb_stats_store.h"
#include "tests/testing/municipalities.h"
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

// --- The latest view ---

// Real data: ~430 municipalities x 7 years (~3,000 municipality-years).
constexpr int kRealMunicipalities = 430;
constexpr int kYears = 7;
constexpr int kFirstYear = 2015;

// A store of `scale` x the real data, each record written like an import
// would: three partial revisions from three files, each setting a few
// counts with its file, line and request id.
std::unique_ptr<Filled> FillImported(int scale) {
  auto filled = std::make_unique<Filled>();
  filled->store =
      std::move(*RocksDbStatsStore::Open({.path = filled->dir.Sub("db"), .sync = false}));
  const int municipalities = kRealMunicipalities * scale;
  const char* const files[] = {"imdi/bosatte_anmodede_vedtak.csv", "ssb/befolkning_alder.csv",
                               "imdi/introduksjonsprogram_resultater.csv"};
  const std::vector<std::vector<Count>> sets = {
      {Count::kRefugeesRequested, Count::kRefugeesDecided, Count::kRefugeesSettled,
       Count::kMinorsSettled},
      {Count::kPopulation},
      {Count::kIntroFinished, Count::kIntroToWorkOrEducation, Count::kFamilyReunified}};
  int batch_no = 0;
  for (int f = 0; f < 3; ++f) {
    std::vector<FiguresRecord> batch;
    auto flush = [&] {
      std::vector<Municipality> none;
      (void)filled->store->Commit(batch, none);
      batch.clear();
      ++batch_no;
    };
    for (int m = 0; m < municipalities; ++m) {
      for (int y = 0; y < kYears; ++y) {
        FiguresRecord rec;
        rec.subject = Subject::Municipality(101 + m);
        rec.year = kFirstYear + y;
        rec.revision = f + 1;
        rec.partial = true;
        rec.known_date = 20200101 + f;
        rec.principal = "imdictl";
        rec.request_id = absl::StrCat("import-", batch_no);
        for (Count c : sets[static_cast<size_t>(f)]) {
          rec.values[c] = (m * 7 + y * 3 + static_cast<int>(c)) % 5000;
          rec.field_sources.push_back(
              FieldSource::Of(static_cast<int>(c), files[f], 2 + m * kYears + y));
        }
        rec.source = files[f];
        batch.push_back(std::move(rec));
        if (batch.size() == 5000) flush();
      }
    }
    if (!batch.empty()) flush();
  }
  return filled;
}

// The view of a filled store, built as StatsCore::Create builds it.
std::shared_ptr<const LatestView> ViewOf(const StatsStore& store) {
  LatestView::Builder builder(store.data_version());
  FiguresScan scan;
  scan.as_of = store.data_version();
  (void)store.ScanFigures(scan, [&](FiguresRecord&& r) {
    builder.Add(r);
    return true;
  });
  return std::move(builder).Build();
}

struct Scaled {
  std::unique_ptr<Filled> filled;
  std::shared_ptr<const LatestView> view;
};

const Scaled& ScaledData(int scale) {
  static std::map<int, Scaled>* data = new std::map<int, Scaled>();
  Scaled& s = (*data)[scale];
  if (!s.filled) {
    s.filled = FillImported(scale);
    s.view = ViewOf(*s.filled->store);
  }
  return s;
}

// The heap a FiguresRecord takes (what a view of full records would hold).
size_t FullRecordBytes(const FiguresRecord& r) {
  auto text = [](const std::string& t) { return t.size() > 15 ? t.capacity() + 1 : 0; };
  size_t n = sizeof(FiguresRecord) + text(r.source) + text(r.note) + text(r.principal) +
             text(r.request_id) + r.field_sources.capacity() * sizeof(FieldSource);
  for (const FieldSource& f : r.field_sources) {
    n += text(f.source) + text(f.principal) + text(f.request_id);
  }
  return n;
}

void ReportMemory(benchmark::State& state, const Scaled& s) {
  const double records = static_cast<double>(s.view->size());
  state.counters["records"] = records;
  state.counters["view_MiB"] = static_cast<double>(s.view->MemoryBytes()) / (1 << 20);
  state.counters["view_B/record"] = static_cast<double>(s.view->MemoryBytes()) / records;
  auto one = s.view->Find(Subject::Municipality(101), kFirstYear);
  state.counters["full_B/record"] = static_cast<double>(FullRecordBytes(*one));
}

// A point read of the latest figures: the view's lookup and decode...
void BM_LatestPointRead(benchmark::State& state) {
  const Scaled& s = ScaledData(static_cast<int>(state.range(0)));
  const int municipalities = kRealMunicipalities * static_cast<int>(state.range(0));
  std::mt19937 random(1);
  for (auto _ : state) {
    const int m = static_cast<int>(random() % static_cast<unsigned>(municipalities));
    auto read = s.view->Find(Subject::Municipality(101 + m),
                             kFirstYear + static_cast<int>(random() % kYears));
    benchmark::DoNotOptimize(read);
  }
  ReportMemory(state, s);
}
BENCHMARK(BM_LatestPointRead)->Arg(1)->Arg(100);

// ... against the store's (an iterator, a prefix scan, a fold).
void BM_StorePointRead(benchmark::State& state) {
  const Scaled& s = ScaledData(static_cast<int>(state.range(0)));
  const int municipalities = kRealMunicipalities * static_cast<int>(state.range(0));
  const uint64_t version = s.filled->store->data_version();
  std::mt19937 random(1);
  for (auto _ : state) {
    const int m = static_cast<int>(random() % static_cast<unsigned>(municipalities));
    auto read = s.filled->store->ReadFigures(Subject::Municipality(101 + m),
                                             kFirstYear + static_cast<int>(random() % kYears),
                                             version, std::nullopt);
    benchmark::DoNotOptimize(read);
  }
}
BENCHMARK(BM_StorePointRead)->Arg(1)->Arg(100);

// The same record copied whole (a view of full FiguresRecords) against
// decoded (the compact view).
void BM_RecordCopyVsDecode(benchmark::State& state) {
  const Scaled& s = ScaledData(1);
  const FiguresRecord full = *s.view->Find(Subject::Municipality(150), kFirstYear + 2);
  for (auto _ : state) {
    if (state.range(0) == 0) {
      FiguresRecord copy = full;
      benchmark::DoNotOptimize(copy);
    } else {
      auto decoded = s.view->Find(Subject::Municipality(150), kFirstYear + 2);
      benchmark::DoNotOptimize(decoded);
    }
  }
  state.SetLabel(state.range(0) == 0 ? "copy of a full record" : "lookup and decode");
}
BENCHMARK(BM_RecordCopyVsDecode)->Arg(0)->Arg(1);

// One year's records (what a one-year StreamFigures or a country
// aggregate reads): the view's slice...
void BM_LatestYearSlice(benchmark::State& state) {
  const Scaled& s = ScaledData(static_cast<int>(state.range(0)));
  int64_t rows = 0;
  for (auto _ : state) {
    s.view->Scan(
        Subject::Kind::kMunicipality, kFirstYear + 3, kFirstYear + 3, std::nullopt,
        [](int, int) { return true; },
        [&](FiguresRecord&& r) {
          benchmark::DoNotOptimize(r);
          ++rows;
          return true;
        });
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LatestYearSlice)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond);

// ... against the store's scan, which visits every municipality-year.
void BM_StoreYearScan(benchmark::State& state) {
  const Scaled& s = ScaledData(static_cast<int>(state.range(0)));
  int64_t rows = 0;
  for (auto _ : state) {
    FiguresScan scan;
    scan.as_of = s.filled->store->data_version();
    scan.want = [](int, int year) { return year == kFirstYear + 3; };
    (void)s.filled->store->ScanFigures(scan, [&](FiguresRecord&& r) {
      benchmark::DoNotOptimize(r);
      ++rows;
      return true;
    });
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StoreYearScan)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond);

// Building the view at startup: one scan of the store.
void BM_BuildLatestView(benchmark::State& state) {
  const Scaled& s = ScaledData(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto view = ViewOf(*s.filled->store);
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_BuildLatestView)->Arg(1)->Arg(100)->Iterations(2)->Unit(benchmark::kMillisecond);

// A commit's update of the view: one record, or an import batch of 5,000.
void BM_LatestViewCommit(benchmark::State& state) {
  const Scaled& s = ScaledData(static_cast<int>(state.range(0)));
  const int municipalities = kRealMunicipalities * static_cast<int>(state.range(0));
  std::vector<FiguresRecord> records;
  for (int i = 0; i < state.range(1); ++i) {
    FiguresRecord r = *s.view->Find(Subject::Municipality(101 + (i * 7) % municipalities),
                                    kFirstYear + i % kYears);
    r.values[Count::kRefugeesSettled] = i;
    records.push_back(std::move(r));
  }
  for (auto _ : state) {
    auto next = s.view->With(s.view->version() + 1, records);
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_LatestViewCommit)->Args({1, 1})->Args({100, 1})->Args({100, 5000})
    ->Unit(benchmark::kMicrosecond);

// StatsCore::GetFigures of the latest version (from the view) and of the
// version before (from the store), directory resolution included.
void BM_CoreGetFigures(benchmark::State& state) {
  struct Core {
    imdi::testing::TempDir dir;
    std::unique_ptr<StatsCore> core;
  };
  static Core* c = [] {
    auto* made = new Core;
    made->core = std::move(*StatsCore::Create(
        std::move(*RocksDbStatsStore::Open({.path = made->dir.Sub("db"), .sync = false}))));
    (void)made->core->BatchUpsertMunicipalities(examples::AllMunicipalities());
    for (int year = 2016; year <= 2021; ++year) {
      for (int code : {301, 4601, 5001}) {
        for (int r = 0; r < 3; ++r) {
          FiguresRecord rec;
          rec.subject = Subject::Municipality(code);
          rec.year = year;
          rec.values[Count::kRefugeesSettled] = r;
          rec.values[Count::kPopulation] = 1000 + r;
          rec.source = "bench.csv";
          (void)made->core->PutFigures(std::move(rec), FiguresMask::All(), "");
        }
      }
    }
    return made;
  }();
  const int64_t as_of = state.range(0) == 0 ? 0 : static_cast<int64_t>(c->core->data_version()) - 1;
  int i = 0;
  for (auto _ : state) {
    auto read = c->core->GetFigures(301, 2016 + i % 6, as_of);
    if (!read.ok()) state.SkipWithError("read failed");
    benchmark::DoNotOptimize(read);
    ++i;
  }
  state.SetLabel(state.range(0) == 0 ? "latest (view)" : "as of the version before (store)");
}
BENCHMARK(BM_CoreGetFigures)->Arg(0)->Arg(1);

// --- Through the server: GetFigures against Health/Check ---

// A stats server in process on a store of the example municipalities with
// three writes of each of their records for 2016-2021, and one client.
struct Served {
  imdi::testing::TempDir dir;
  std::unique_ptr<StatsServer> server;
  std::unique_ptr<v1::StatsService::Stub> stats;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  int64_t latest = 0;
};

Served& ServedData() {
  static Served* served = [] {
    auto* s = new Served;
    {
      auto core = std::move(*StatsCore::Create(
          std::move(*RocksDbStatsStore::Open({.path = s->dir.Sub("stats"), .sync = false}))));
      (void)core->BatchUpsertMunicipalities(examples::AllMunicipalities());
      for (int r = 0; r < 3; ++r) {
        for (int year = 2016; year <= 2021; ++year) {
          for (int code : {301, 4601, 5001}) {
            FiguresRecord rec;
            rec.subject = Subject::Municipality(code);
            rec.year = year;
            rec.values[Count::kRefugeesSettled] = r;
            rec.values[Count::kPopulation] = 1000 + r;
            rec.source = "bench.csv";
            (void)core->PutFigures(std::move(rec), FiguresMask::All(), "");
          }
        }
      }
      s->latest = static_cast<int64_t>(core->data_version());
    }
    StatsServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = s->dir.Sub("stats");
    options.sync = false;
    options.security.insecure_dev = true;
    s->server = std::move(*StatsServer::Start(options));
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", s->server->port()),
                                       grpc::InsecureChannelCredentials());
    s->stats = v1::StatsService::NewStub(channel);
    s->health = grpc::health::v1::Health::NewStub(channel);
    return s;
  }();
  return *served;
}

// CPU of the whole process (server and client) per call.
double ProcessCpuMicros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

void BM_ServerHealthCheck(benchmark::State& state) {
  Served& s = ServedData();
  const double cpu = ProcessCpuMicros();
  for (auto _ : state) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (!s.health->Check(&context, request, &response).ok()) state.SkipWithError("failed");
  }
  state.counters["process_cpu_us/call"] =
      (ProcessCpuMicros() - cpu) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ServerHealthCheck)->Unit(benchmark::kMicrosecond);

// GetFigures of the latest version (the view), and as of the version
// before (the store: what every read did before the view).
void BM_ServerGetFigures(benchmark::State& state) {
  Served& s = ServedData();
  const double cpu = ProcessCpuMicros();
  int i = 0;
  for (auto _ : state) {
    grpc::ClientContext context;
    v1::GetFiguresRequest request;
    request.set_municipality_code("0301");
    request.set_year(2016 + i++ % 6);
    if (state.range(0) != 0) request.set_as_of_version(s.latest - 1);
    v1::GetFiguresResponse response;
    if (!s.stats->GetFigures(&context, request, &response).ok()) state.SkipWithError("failed");
  }
  state.counters["process_cpu_us/call"] =
      (ProcessCpuMicros() - cpu) / static_cast<double>(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "latest (view)" : "as of the version before (store)");
}
BENCHMARK(BM_ServerGetFigures)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace imdi::stats

BENCHMARK_MAIN();
