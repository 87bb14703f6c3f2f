// The change log of the statistics store: every figures revision has its
// change entry, written in the same batch; stores written before it get
// theirs on open.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "stats-service/storage/key_codec.h"
#include "stats-service/storage/rocksdb_stats_store.h"
#include "tests/testing/full_disk.h"
#include "tests/testing/temp_dir.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

FiguresRecord Record(const Subject& subject, int year, int64_t revision, int64_t settled) {
  FiguresRecord r;
  r.subject = subject;
  r.year = year;
  r.revision = revision;
  r.values[Count::kRefugeesSettled] = settled;
  r.source = "test";
  return r;
}

Municipality MakeMunicipality(int code) {
  Municipality m;
  m.id = code;
  m.code = code;
  m.name = "M";
  m.region = ImdiRegion::kSor;
  m.codes.push_back({code, "M", std::nullopt, std::nullopt});
  m.revision = 1;
  return m;
}

uint64_t Commit(RocksDbStatsStore& store, std::vector<FiguresRecord> figures,
                std::vector<Municipality> municipalities = {}) {
  auto version = store.Commit(figures, municipalities);
  EXPECT_TRUE(version.ok()) << version.status();
  return version.value_or(0);
}

std::vector<ChangeRef> AllChanges(const RocksDbStatsStore& store, uint64_t after = 0) {
  auto changes = store.ReadChanges(after, store.data_version(), 1 << 30);
  EXPECT_TRUE(changes.ok()) << changes.status();
  return changes.value_or(std::vector<ChangeRef>{});
}

TEST(KeyCodecChanges, OrderByVersionThenSubjectAndRoundTrip) {
  const std::string a = keys::ChangeKey(2, Subject::Municipality(5001), 2016);
  const std::string b = keys::ChangeKey(2, Subject::Country(), 2015);
  const std::string c = keys::ChangeKey(10, Subject::Municipality(301), 2014);
  EXPECT_LT(a, c);
  EXPECT_LT(b, c);
  EXPECT_LT(a, b);  // municipality before country within a version
  EXPECT_LT(keys::ChangesAfter(1), a);
  EXPECT_GT(keys::ChangesAfter(2), b);
  auto parts = keys::DecodeChangeKey(c);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->data_version, 10u);
  EXPECT_EQ(parts->subject, Subject::Municipality(301));
  EXPECT_EQ(parts->year, 2014);
  EXPECT_FALSE(keys::DecodeChangeKey(c.substr(1)).has_value());
  std::string bad_kind = c;
  bad_kind[8] = 9;
  EXPECT_FALSE(keys::DecodeChangeKey(bad_kind).has_value());
}

class ChangeLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<RocksDbStatsStore> Open() {
    auto store = RocksDbStatsStore::Open({.path = dir_.Sub("db"), .sync = false});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Makes the store what schema 2 left: no changes, no marker.
  void ForgetChanges() {
    rocksdb::DBOptions options;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (absl::string_view name : keys::kColumnFamilyNames) {
      families.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("db"), families, &handles, &db).ok());
    auto* meta = handles[static_cast<int>(keys::ColumnFamily::kMeta)];
    auto* changes = handles[static_cast<int>(keys::ColumnFamily::kChanges)];
    rocksdb::WriteOptions wo;
    ASSERT_TRUE(db->DeleteRange(wo, changes, keys::ChangesAfter(0), keys::ChangesAfter(1 << 30))
                    .ok());
    ASSERT_TRUE(db->Delete(wo, meta, std::string(keys::kChangesIndexedKey)).ok());
    ASSERT_TRUE(db->Put(wo, meta, std::string(keys::kSchemaVersionKey), keys::EncodeU64(2)).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }

  imdi::testing::TempDir dir_;
};

TEST_F(ChangeLogTest, EveryFiguresCommitHasItsChangesAndMunicipalitiesNone) {
  auto store = Open();
  const Subject oslo = Subject::Municipality(301);
  const Subject bergen = Subject::Municipality(4601);
  EXPECT_EQ(Commit(*store, {Record(bergen, 2016, 1, 10), Record(oslo, 2016, 1, 5)}), 1u);
  EXPECT_EQ(Commit(*store, {}, {MakeMunicipality(301)}), 2u);
  EXPECT_EQ(Commit(*store, {Record(oslo, 2016, 2, 6), Record(Subject::Country(), 2016, 1, 99)}),
            3u);
  EXPECT_THAT(AllChanges(*store),
              ElementsAre(ChangeRef{1, oslo, 2016}, ChangeRef{1, bergen, 2016},
                          ChangeRef{3, oslo, 2016}, ChangeRef{3, Subject::Country(), 2016}));
  EXPECT_THAT(AllChanges(*store, 1), SizeIs(2));
  EXPECT_THAT(AllChanges(*store, 3), IsEmpty());
  // Up to a version: nothing after it.
  auto up_to_two = store->ReadChanges(0, 2, 100);
  ASSERT_TRUE(up_to_two.ok());
  EXPECT_THAT(*up_to_two, SizeIs(2));
  // A batch ends at a commit's end, however small the limit.
  auto one = store->ReadChanges(0, 3, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_THAT(*one, SizeIs(2));
  auto next = store->ReadChanges(1, 3, 1);
  ASSERT_TRUE(next.ok());
  EXPECT_THAT(*next, ElementsAre(ChangeRef{3, oslo, 2016}, ChangeRef{3, Subject::Country(), 2016}));
}

TEST_F(ChangeLogTest, AFailedCommitWritesNeitherFiguresNorChanges) {
  imdi::testing::FullDisk disk;
  auto opened =
      RocksDbStatsStore::Open({.path = dir_.Sub("full"), .sync = true, .env = disk.env.get()});
  ASSERT_TRUE(opened.ok()) << opened.status();
  RocksDbStatsStore& store = **opened;
  const Subject arendal = Subject::Municipality(906);
  ASSERT_EQ(Commit(store, {Record(arendal, 2014, 1, 85)}), 1u);
  disk.fs->SetFull(true);
  std::vector<FiguresRecord> figures{Record(arendal, 2015, 1, 100)};
  std::vector<Municipality> none;
  ASSERT_FALSE(store.Commit(figures, none).ok());
  disk.fs->SetFull(false);
  opened->reset();
  // Reopened without the faulty disk: what is there is whole.
  auto reopened = RocksDbStatsStore::Open({.path = dir_.Sub("full"), .sync = false});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->data_version(), 1u);
  EXPECT_THAT(AllChanges(**reopened), ElementsAre(ChangeRef{1, arendal, 2014}));
  auto read = (*reopened)->ReadFigures(arendal, 2015, 1, std::nullopt);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
}

// A store written before the change log (schema 2, no entries, no marker)
// gets an entry for every revision when opened, and is marked schema 3.
TEST_F(ChangeLogTest, OpeningAnOlderStoreIndexesItsRevisions) {
  constexpr int kMunicipalities = 50;
  constexpr int kCommits = 20;
  std::vector<ChangeRef> expected;
  {
    auto store = Open();
    for (int c = 1; c <= kCommits; ++c) {
      std::vector<FiguresRecord> figures;
      for (int m = 1; m <= kMunicipalities; ++m) {
        if ((m + c) % 3 == 0) continue;
        figures.push_back(Record(Subject::Municipality(100 + m), 2000 + c % 5, c, c * m));
      }
      Commit(*store, figures);
    }
    expected = AllChanges(*store);
  }
  ASSERT_FALSE(expected.empty());
  ASSERT_NO_FATAL_FAILURE(ForgetChanges());
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    // The open indexed them.
    EXPECT_EQ(AllChanges(*store), expected);
    // And the next commit adds its own after them.
    Commit(*store, {Record(Subject::Municipality(101), 2030, 99, 1)});
    EXPECT_THAT(AllChanges(*store, kCommits), ElementsAre(ChangeRef{
                                                  kCommits + 1, Subject::Municipality(101), 2030}));
  }
}

// The time the open takes to index a store of IMDI_BACKFILL_REVISIONS
// revisions (bench: 265274 at 100 times the bundled data); skipped unless
// set.
TEST_F(ChangeLogTest, BackfillTime) {
  const char* env = std::getenv("IMDI_BACKFILL_REVISIONS");
  if (env == nullptr) GTEST_SKIP() << "IMDI_BACKFILL_REVISIONS not set";
  const int64_t revisions = std::atoll(env);
  {
    auto store = Open();
    int64_t written = 0;
    int version = 0;
    while (written < revisions) {
      ++version;
      std::vector<FiguresRecord> figures;
      for (int i = 0; i < 5000 && written < revisions; ++i, ++written) {
        FiguresRecord r = Record(Subject::Municipality(1 + i % 3000), 1990 + (i / 3000) + version % 90,
                                 version, written);
        r.source = "bosatt_anmodede-kommune-syntetisk.csv";
        r.note = std::string(200, 'n');
        figures.push_back(std::move(r));
      }
      Commit(*store, figures);
    }
  }
  ASSERT_NO_FATAL_FAILURE(ForgetChanges());
  const absl::Time start = absl::Now();
  auto store = Open();
  const absl::Duration took = absl::Now() - start;
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(AllChanges(*store), SizeIs(revisions));
  std::cout << "indexed " << revisions << " revisions on open in " << absl::FormatDuration(took)
            << "\n";
}

}  // namespace
}  // namespace imdi::stats
