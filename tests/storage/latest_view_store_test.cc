// A differential test of StatsCore's latest view against the RocksDB store,
// in a fresh temporary directory: over a random sequence of writes (puts
// with masks, partial imports naming absent figures, known dates out of
// order, restarts), after every write the view at the visible version holds
// exactly the store's fold of every record, and reads served through it
// (known-date bounds, year streams) equal the store's.
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "stats-service/domain/latest_view.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/storage/rocksdb_stats_store.h"
#include "tests/testing/municipalities.h"
#include "tests/testing/temp_dir.h"

namespace imdi::stats {
namespace {

constexpr Subject::Kind kKinds[] = {Subject::Kind::kMunicipality, Subject::Kind::kCountry,
                                    Subject::Kind::kCounty, Subject::Kind::kImdiRegion};

void ExpectSame(const FiguresRecord& a, const FiguresRecord& b, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.year, b.year);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.revision, b.revision);
  EXPECT_EQ(a.data_version, b.data_version);
  EXPECT_EQ(a.update_time, b.update_time);
  EXPECT_EQ(a.known_date, b.known_date);
  EXPECT_EQ(a.partial, b.partial);
  EXPECT_EQ(a.field_sources, b.field_sources);
  EXPECT_EQ(FiguresEtag(a), FiguresEtag(b));
}

std::string Where(const FiguresRecord& r) {
  return absl::StrCat(DescribeSubject(r.subject), " ", r.year);
}

class LatestViewStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Start();
    auto seeded = core_->BatchUpsertMunicipalities(examples::AllMunicipalities());
    ASSERT_TRUE(seeded.ok()) << seeded.status();
  }

  // Opens the store and builds the core (and its view) from it.
  void Start() {
    core_.reset();
    auto store = RocksDbStatsStore::Open({.path = dir_.Sub("db"), .sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->get();
    auto core = StatsCore::Create(std::move(*store));
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
  }

  // Every record of the store, folded at the visible version (no bound).
  std::vector<FiguresRecord> StoreRecords(uint64_t version) {
    std::vector<FiguresRecord> out;
    for (Subject::Kind kind : kKinds) {
      FiguresScan scan;
      scan.kind = kind;
      scan.as_of = version;
      EXPECT_TRUE(store_
                      ->ScanFigures(scan,
                                    [&](FiguresRecord&& r) {
                                      out.push_back(std::move(r));
                                      return true;
                                    })
                      .ok());
    }
    return out;
  }

  void ExpectViewEqualsStore(const std::string& step) {
    SCOPED_TRACE(step);
    const uint64_t version = core_->data_version();
    std::shared_ptr<const LatestView> view = core_->latest_view();
    ASSERT_NE(view, nullptr);
    ASSERT_EQ(view->version(), version);
    const std::vector<FiguresRecord> stored = StoreRecords(version);
    std::vector<FiguresRecord> viewed;
    for (Subject::Kind kind : kKinds) {
      view->Scan(
          kind, kMinYear, kMaxYear, std::nullopt, [](int, int) { return true; },
          [&](FiguresRecord&& r) {
            viewed.push_back(std::move(r));
            return true;
          });
    }
    ASSERT_EQ(viewed.size(), stored.size());
    for (size_t i = 0; i < stored.size(); ++i) {
      ExpectSame(viewed[i], stored[i], Where(stored[i]));
      const std::optional<FiguresRecord> found = view->Find(stored[i].subject, stored[i].year);
      ASSERT_TRUE(found) << Where(stored[i]);
      ExpectSame(*found, stored[i], Where(stored[i]));
    }
  }

  imdi::testing::TempDir dir_;
  RocksDbStatsStore* store_ = nullptr;  // owned by core_
  std::unique_ptr<StatsCore> core_;
};

// The municipality-years written: (code in that year, year).
struct Target {
  Subject subject;
  int year;
};

std::vector<Target> Targets() {
  std::vector<Target> out;
  for (int year = 2016; year <= 2021; ++year) {
    out.push_back({Subject::Municipality(301), year});
    out.push_back({Subject::Municipality(year < 2020 ? 1201 : 4601), year});
    out.push_back({Subject::Municipality(year < 2018 ? 1601 : 5001), year});
    out.push_back({Subject::Country(), year});
    out.push_back({Subject::County(50), year});
  }
  return out;
}

TEST_F(LatestViewStoreTest, ViewEqualsTheStoreFoldAfterRandomWrites) {
  std::mt19937 random(20240601);
  const std::vector<Target> targets = Targets();
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  // Known dates in any order: none (the write's date), or 2016-2024.
  auto known_date = [&] {
    if (pick(3) == 0) return 0;
    return (2016 + pick(9)) * 10000 + (1 + pick(12)) * 100 + 1 + pick(28);
  };
  auto random_values = [&](FiguresRecord& r, FiguresMask& set, FiguresMask& cleared) {
    for (int i = 0; i < kNumCounts; ++i) {
      const int what = pick(6);
      if (what == 0) {
        r.values.counts[i] = pick(500);
        set.counts[i] = true;
      } else if (what == 1) {
        cleared.counts[i] = true;
      }
    }
    for (int i = 0; i < kNumPercents; ++i) {
      const int what = pick(6);
      if (what == 0) {
        r.values.percents[i] = 0.5 * pick(200);
        set.percents[i] = true;
      } else if (what == 1) {
        cleared.percents[i] = true;
      }
    }
  };

  ExpectViewEqualsStore("start");
  for (int step = 0; step < 250; ++step) {
    const std::string name = absl::StrCat("step ", step);
    const int op = pick(10);
    if (op < 5) {
      const Target& t = targets[static_cast<size_t>(pick(static_cast<int>(targets.size())))];
      FiguresRecord r;
      r.subject = t.subject;
      r.year = t.year;
      FiguresMask set, cleared;
      random_values(r, set, cleared);
      FiguresMask mask;
      mask.counts = set.counts | cleared.counts;
      mask.percents = set.percents | cleared.percents;
      mask.status = pick(2) == 0;
      r.status = pick(2) == 0 ? FiguresStatus::kFinal : FiguresStatus::kPreliminary;
      mask.note = pick(3) == 0;
      r.note = pick(2) == 0 ? "" : absl::StrCat("note ", step);
      mask.source = pick(2) == 0;
      r.source = pick(2) == 0 ? "" : absl::StrCat("source ", step % 4);
      WriteOrigin origin;
      origin.known_date = known_date();
      origin.principal = absl::StrCat("user", pick(3));
      origin.request_id = absl::StrCat("req-", step);
      (void)core_->PutFigures(std::move(r), mask, "", origin);
    } else if (op < 9) {
      std::vector<ImportRowInput> rows;
      const int n = 1 + pick(6);
      for (int i = 0; i < n; ++i) {
        const Target& t = targets[static_cast<size_t>(pick(static_cast<int>(targets.size())))];
        ImportRowInput row;
        row.line = i + 2;
        row.record.subject = t.subject;
        row.record.year = t.year;
        if (pick(4) == 0) row.record.note = absl::StrCat("imported ", step);
        FiguresMask set;
        random_values(row.record, set, row.absent);
        rows.push_back(std::move(row));
      }
      WriteOrigin origin;
      origin.known_date = known_date();
      origin.request_id = absl::StrCat("import-", step);
      const FiguresStatus status =
          pick(2) == 0 ? FiguresStatus::kUnspecified : FiguresStatus::kFinal;
      auto result = core_->ImportBatch(absl::StrCat("file", pick(3), ".csv"), status,
                                       std::move(rows), origin);
      ASSERT_TRUE(result.ok()) << result.status();
    } else {
      Start();
      if (HasFatalFailure()) return;
    }
    ExpectViewEqualsStore(name);
    if (HasFatalFailure()) return;

    // A read with a known-date bound, and a year's stream, through the core
    // equal the store's.
    const Target& t = targets[static_cast<size_t>(pick(static_cast<int>(targets.size())))];
    const int bound = (2016 + pick(10)) * 10000 + 101;
    const uint64_t version = core_->data_version();
    auto read = core_->GetFigures(t.subject, t.year, 0, bound);
    const Subject identity =
        t.subject.is_municipality()
            ? Subject::Municipality((*core_->directory()->ResolveInYear(t.subject.id, t.year))->id)
            : t.subject;
    auto expected = store_->ReadFigures(identity, t.year, version, bound);
    ASSERT_TRUE(expected.ok());
    ASSERT_EQ(read.ok(), expected->has_value()) << name << " " << read.status();
    if (read.ok()) ExpectSame(read->first, **expected, absl::StrCat(name, " known as of ", bound));

    const int year = 2016 + pick(6);
    const std::optional<int> stream_bound = pick(2) == 0 ? std::nullopt : std::optional<int>(bound);
    auto cursor = core_->StreamFigures(absl::StrCat("year = ", year), 0, stream_bound);
    ASSERT_TRUE(cursor.ok()) << cursor.status();
    std::vector<FiguresRecord> streamed, chunk;
    while (true) {
      auto more = (*cursor)->Next(2, chunk);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) break;
      for (FiguresRecord& r : chunk) streamed.push_back(std::move(r));
    }
    FiguresScan scan;
    scan.as_of = version;
    scan.known_as_of = stream_bound;
    scan.want = [&](int, int y) { return y == year; };
    std::vector<FiguresRecord> scanned;
    ASSERT_TRUE(store_
                    ->ScanFigures(scan,
                                  [&](FiguresRecord&& r) {
                                    scanned.push_back(std::move(r));
                                    return true;
                                  })
                    .ok());
    ASSERT_EQ(streamed.size(), scanned.size()) << name;
    for (size_t i = 0; i < scanned.size(); ++i) {
      ExpectSame(streamed[i], scanned[i], absl::StrCat(name, " stream ", Where(scanned[i])));
    }
  }
}

}  // namespace
}  // namespace imdi::stats
