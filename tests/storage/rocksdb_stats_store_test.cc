// The RocksDB store on a real database in a fresh temporary directory:
// versioning, as-of reads, scans, history, atomic commits, reopening.
#include "stats-service/storage/rocksdb_stats_store.h"

#include <memory>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "stats-service/storage/key_codec.h"
#include "tests/testing/full_disk.h"
#include "tests/testing/temp_dir.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

FiguresRecord Record(const Subject& subject, int year, int64_t revision,
                     std::optional<int64_t> settled, std::optional<int64_t> requested = {}) {
  FiguresRecord r;
  r.subject = subject;
  r.year = year;
  r.revision = revision;
  r.values[Count::kRefugeesSettled] = settled;
  r.values[Count::kRefugeesRequested] = requested;
  r.source = "test";
  return r;
}

Municipality MakeMunicipality(int code, std::string name) {
  Municipality m;
  m.id = code;
  m.code = code;
  m.name = name;
  m.region = ImdiRegion::kSor;
  m.codes.push_back({code, std::move(name), std::nullopt, std::nullopt});
  m.revision = 1;
  return m;
}

class RocksDbStatsStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<RocksDbStatsStore> Open(const std::string& name = "db") {
    auto store = RocksDbStatsStore::Open({.path = dir_.Sub(name), .sync = false});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  uint64_t Commit(RocksDbStatsStore& store, std::vector<FiguresRecord> figures,
                  std::vector<Municipality> municipalities = {}) {
    auto version = store.Commit(figures, municipalities);
    EXPECT_TRUE(version.ok()) << version.status();
    return version.value_or(0);
  }

  std::vector<FiguresRecord> ScanAll(const RocksDbStatsStore& store, uint64_t as_of,
                                     Subject::Kind kind = Subject::Kind::kMunicipality) {
    std::vector<FiguresRecord> out;
    FiguresScan scan;
    scan.kind = kind;
    scan.as_of = as_of;
    EXPECT_TRUE(store.ScanFigures(scan, [&](FiguresRecord&& r) {
                       out.push_back(std::move(r));
                       return true;
                     }).ok());
    return out;
  }

  imdi::testing::TempDir dir_;
};

TEST_F(RocksDbStatsStoreTest, EmptyStoreHasVersionZeroAndNoRecords) {
  auto store = Open();
  EXPECT_EQ(store->data_version(), 0u);
  auto read = store->ReadFigures(Subject::Municipality(906), 2014, 0, std::nullopt);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
  EXPECT_TRUE(ScanAll(*store, 0).empty());
  auto municipalities = store->ReadMunicipalities(0);
  ASSERT_TRUE(municipalities.ok());
  EXPECT_TRUE(municipalities->empty());
}

TEST_F(RocksDbStatsStoreTest, EachCommitAdvancesTheVersionAndStampsRecords) {
  auto store = Open();
  std::vector<FiguresRecord> figures = {Record(Subject::Municipality(906), 2014, 1, 85),
                                        Record(Subject::Municipality(1601), 2014, 1, 314)};
  std::vector<Municipality> none;
  auto v1 = store->Commit(figures, none);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(*v1, 1u);
  EXPECT_EQ(figures[0].data_version, 1u);
  EXPECT_EQ(figures[1].data_version, 1u);  // one commit, one version
  EXPECT_EQ(Commit(*store, {Record(Subject::Municipality(906), 2014, 2, 86)}), 2u);
  EXPECT_EQ(store->data_version(), 2u);
}

TEST_F(RocksDbStatsStoreTest, EmptyCommitIsNoOp) {
  auto store = Open();
  EXPECT_EQ(Commit(*store, {}), 0u);
  Commit(*store, {Record(Subject::Municipality(906), 2014, 1, 85)});
  EXPECT_EQ(Commit(*store, {}), 1u);
  EXPECT_EQ(store->data_version(), 1u);
}

TEST_F(RocksDbStatsStoreTest, AsOfReadsReturnExactlyWhatWasStoredThen) {
  auto store = Open();
  const Subject arendal = Subject::Municipality(906);
  Commit(*store, {Record(arendal, 2014, 1, 80, 95)});                  // v1
  Commit(*store, {Record(Subject::Municipality(1601), 2014, 1, 314)});  // v2
  Commit(*store, {Record(arendal, 2014, 2, 85, std::nullopt)});        // v3

  auto at1 = store->ReadFigures(arendal, 2014, 1, std::nullopt);
  ASSERT_TRUE(at1.ok() && at1->has_value());
  EXPECT_EQ((**at1).values[Count::kRefugeesSettled], 80);
  EXPECT_EQ((**at1).values[Count::kRefugeesRequested], 95);
  EXPECT_EQ((**at1).revision, 1);

  auto at2 = store->ReadFigures(arendal, 2014, 2, std::nullopt);
  ASSERT_TRUE(at2.ok() && at2->has_value());
  EXPECT_EQ((**at2).values[Count::kRefugeesSettled], 80);

  auto at3 = store->ReadFigures(arendal, 2014, 3, std::nullopt);
  ASSERT_TRUE(at3.ok() && at3->has_value());
  EXPECT_EQ((**at3).values[Count::kRefugeesSettled], 85);
  // Unknown stays unknown: not 0.
  EXPECT_FALSE((**at3).values[Count::kRefugeesRequested].has_value());
  EXPECT_EQ((**at3).revision, 2);
  EXPECT_EQ((**at3).data_version, 3u);

  auto at0 = store->ReadFigures(arendal, 2014, 0, std::nullopt);
  ASSERT_TRUE(at0.ok());
  EXPECT_FALSE(at0->has_value());
  // Another year of the same municipality is another record.
  auto other_year = store->ReadFigures(arendal, 2013, 3, std::nullopt);
  ASSERT_TRUE(other_year.ok());
  EXPECT_FALSE(other_year->has_value());
}

TEST_F(RocksDbStatsStoreTest, ScanSeesEachRecordOnceAtItsVisibleRevision) {
  auto store = Open();
  Commit(*store, {Record(Subject::Municipality(906), 2013, 1, 60),
                  Record(Subject::Municipality(906), 2014, 1, 80)});  // v1
  Commit(*store, {Record(Subject::Municipality(906), 2014, 2, 85),
                  Record(Subject::Municipality(101), 2014, 1, 22)});   // v2
  Commit(*store, {Record(Subject::Country(), 2014, 1, 7784)});         // v3

  std::vector<FiguresRecord> at1 = ScanAll(*store, 1);
  ASSERT_EQ(at1.size(), 2u);
  EXPECT_EQ(at1[1].values[Count::kRefugeesSettled], 80);

  std::vector<FiguresRecord> at3 = ScanAll(*store, 3);
  ASSERT_EQ(at3.size(), 3u);  // ordered by municipality, then year
  EXPECT_EQ(at3[0].subject, Subject::Municipality(101));
  EXPECT_EQ(at3[1].year, 2013);
  EXPECT_EQ(at3[2].values[Count::kRefugeesSettled], 85);

  std::vector<FiguresRecord> areas = ScanAll(*store, 3, Subject::Kind::kCountry);
  ASSERT_EQ(areas.size(), 1u);
  EXPECT_EQ(areas[0].values[Count::kRefugeesSettled], 7784);
}

TEST_F(RocksDbStatsStoreTest, ScanResumesAfterAKeyFiltersAndStops) {
  auto store = Open();
  std::vector<FiguresRecord> records;
  for (int code : {101, 104, 105, 906}) {
    for (int year : {2012, 2013, 2014}) {
      records.push_back(Record(Subject::Municipality(code), year, 1, code + year));
    }
  }
  Commit(*store, records);

  FiguresScan scan;
  scan.as_of = 1;
  scan.after = std::make_pair(104, 2013);
  scan.want = [](int, int year) { return year == 2014; };
  std::vector<std::pair<int, int>> seen;
  ASSERT_TRUE(store
                  ->ScanFigures(scan,
                                [&](FiguresRecord&& r) {
                                  seen.emplace_back(r.subject.id, r.year);
                                  return seen.size() < 2;
                                })
                  .ok());
  EXPECT_THAT(seen, ElementsAre(std::make_pair(104, 2014), std::make_pair(105, 2014)));
}

TEST_F(RocksDbStatsStoreTest, HistoryListsEveryRevisionOldestFirst) {
  auto store = Open();
  const Subject arendal = Subject::Municipality(906);
  Commit(*store, {Record(arendal, 2014, 1, 80)});
  Commit(*store, {Record(Subject::Municipality(101), 2014, 1, 22)});
  Commit(*store, {Record(arendal, 2014, 2, 85)});
  auto history = store->ReadFiguresHistory(arendal, 2014, 0, 100);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].revision, 1);
  EXPECT_EQ((*history)[0].data_version, 1u);
  EXPECT_EQ((*history)[0].values[Count::kRefugeesSettled], 80);
  EXPECT_EQ((*history)[1].revision, 2);
  EXPECT_EQ((*history)[1].data_version, 3u);
  // From after a data version, and at most `limit` revisions.
  auto later = store->ReadFiguresHistory(arendal, 2014, 1, 100);
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].revision, 2);
  auto first = store->ReadFiguresHistory(arendal, 2014, 0, 1);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].revision, 1);
}

TEST_F(RocksDbStatsStoreTest, MunicipalitiesAreVersionedToo) {
  auto store = Open();
  Commit(*store, {}, {MakeMunicipality(906, "Arendal"), MakeMunicipality(101, "Halden")});
  Municipality renamed = MakeMunicipality(906, "Arendal kommune");
  renamed.revision = 2;
  Commit(*store, {}, {renamed});

  auto at1 = store->ReadMunicipalities(1);
  ASSERT_TRUE(at1.ok());
  ASSERT_EQ(at1->size(), 2u);
  EXPECT_EQ((*at1)[0].code, 101);
  EXPECT_EQ((*at1)[1].name, "Arendal");
  auto at2 = store->ReadMunicipalities(2);
  ASSERT_TRUE(at2.ok());
  EXPECT_EQ((*at2)[1].name, "Arendal kommune");
  EXPECT_EQ((*at2)[1].revision, 2);
  EXPECT_EQ((*at2)[1].region, ImdiRegion::kSor);
}

TEST_F(RocksDbStatsStoreTest, ReopenKeepsEverything) {
  {
    auto store = Open();
    Commit(*store, {}, {MakeMunicipality(906, "Arendal")});
    FiguresRecord r = Record(Subject::Municipality(906), 2014, 1, 85, 95);
    r.values[Percent::kIntroFollowupWorkOrEducation] = 68.0;
    r.status = FiguresStatus::kFinal;
    r.note = "note";
    Commit(*store, {r});
  }
  auto store = Open();
  EXPECT_EQ(store->data_version(), 2u);
  auto read = store->ReadFigures(Subject::Municipality(906), 2014, 2, std::nullopt);
  ASSERT_TRUE(read.ok() && read->has_value());
  const FiguresRecord& r = **read;
  EXPECT_EQ(r.values[Count::kRefugeesSettled], 85);
  EXPECT_EQ(r.values[Count::kRefugeesRequested], 95);
  EXPECT_FALSE(r.values[Count::kRefugeesDecided].has_value());
  EXPECT_EQ(r.values[Percent::kIntroFollowupWorkOrEducation], 68.0);
  EXPECT_EQ(r.status, FiguresStatus::kFinal);
  EXPECT_EQ(r.source, "test");
  EXPECT_EQ(r.note, "note");
  EXPECT_GT(absl::ToUnixMicros(r.update_time), 0);
  auto municipalities = store->ReadMunicipalities(2);
  ASSERT_TRUE(municipalities.ok());
  ASSERT_EQ(municipalities->size(), 1u);
  EXPECT_EQ(municipalities->front().name, "Arendal");
  // Versions keep counting from where they were.
  EXPECT_EQ(Commit(*store, {Record(Subject::Municipality(906), 2014, 2, 86)}), 3u);
}

TEST_F(RocksDbStatsStoreTest, SecondOpenOfALockedStoreIsUnavailable) {
  auto first = Open();
  auto second = RocksDbStatsStore::Open({.path = dir_.Sub("db"), .sync = false});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RocksDbStatsStoreTest, RefusesAStoreOfAnotherSchemaVersion) {
  { Open(); }
  {
    // Rewrite the schema version behind the store's back.
    rocksdb::DBOptions options;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (absl::string_view name : keys::kColumnFamilyNames) {
      families.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("db"), families, &handles, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        handles[static_cast<int>(keys::ColumnFamily::kMeta)],
                        std::string(keys::kSchemaVersionKey), keys::EncodeU64(99))
                    .ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  auto store = RocksDbStatsStore::Open({.path = dir_.Sub("db"), .sync = false});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(RocksDbStatsStoreTest, AFullDiskFailsCommitsCleanlyAndWritesResumeWithoutARestart) {
  imdi::testing::FullDisk disk;
  auto opened =
      RocksDbStatsStore::Open({.path = dir_.Sub("full"), .sync = true, .env = disk.env.get()});
  ASSERT_TRUE(opened.ok()) << opened.status();
  RocksDbStatsStore& store = **opened;
  const Subject arendal = Subject::Municipality(906);
  ASSERT_EQ(Commit(store, {Record(arendal, 2014, 1, 85)}), 1u);

  disk.fs->SetFull(true);
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::vector<FiguresRecord> figures{Record(arendal, 2015, 1, 100)};
    std::vector<Municipality> none;
    auto failed = store.Commit(figures, none);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted) << failed.status();
    EXPECT_EQ(ErrorReason(failed.status()), "STORAGE_FULL");
    // The message is for the client: no paths, no RocksDB internals.
    EXPECT_THAT(std::string(failed.status().message()), Not(HasSubstr(dir_.path())));
  }
  // Reads go on; nothing of the failed commits is visible.
  EXPECT_EQ(store.data_version(), 1u);
  auto read = store.ReadFigures(arendal, 2014, 1, std::nullopt);
  ASSERT_TRUE(read.ok());
  EXPECT_THAT((*read)->values[Count::kRefugeesSettled], Optional(85));

  // Once there is room, RocksDB's own recovery (it polls every 5 s) or the
  // next commit's request to resume makes the store writable again, with
  // no restart. RocksDB tells nobody when; the loop asks until it does.
  disk.fs->SetFull(false);
  const absl::Time start = absl::Now();
  absl::StatusOr<uint64_t> resumed;
  do {
    std::vector<FiguresRecord> figures{Record(arendal, 2015, 1, 100)};
    std::vector<Municipality> none;
    resumed = store.Commit(figures, none);
    if (!resumed.ok()) absl::SleepFor(absl::Milliseconds(50));
  } while (!resumed.ok() && absl::Now() - start < absl::Seconds(30));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(*resumed, 2u);
  opened->reset();
  auto reopened = Open("full");
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->data_version(), 2u);
  EXPECT_THAT(ScanAll(*reopened, 2), ::testing::SizeIs(2));
}

}  // namespace
}  // namespace imdi::stats
