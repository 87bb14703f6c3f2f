// The award store on real RocksDB in a temporary directory: the key codec's
// byte order, atomic commits, the audit trail by cycle, reopen, and a store
// locked by another process.
#include "award-service/storage/award_store.h"

#include "absl/time/clock.h"
#include "award-service/storage/award_keys.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/testing/full_disk.h"
#include "tests/testing/temp_dir.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

TEST(AwardKeysTest, AuditKeysSortBySequenceWithinTheirCycle) {
  EXPECT_LT(keys::AuditKey("2016", 2), keys::AuditKey("2016", 10));
  EXPECT_LT(keys::AuditKey("2016", 255), keys::AuditKey("2016", 256));
  EXPECT_EQ(keys::AuditSequence(keys::AuditKey("2016", 1234567)), 1234567u);
  EXPECT_EQ(keys::AuditSequence("no separator"), std::nullopt);
  // "a" and "a-b" are different cycles: one's prefix never covers the other.
  const std::string a = keys::AuditPrefix("a");
  const std::string ab_key = keys::AuditKey("a-b", 1);
  EXPECT_NE(ab_key.compare(0, a.size(), a), 0);
  EXPECT_LT(keys::AuditKey("a", ~0ull), keys::PrefixEnd(a));
}

TEST(AwardKeysTest, WinnerKeysSortByYear) {
  EXPECT_LT(keys::WinnerKey(2009), keys::WinnerKey(2010));
  EXPECT_LT(keys::WinnerKey(2015), keys::WinnerKey(2256));
  EXPECT_EQ(keys::DecodeU64(keys::EncodeU64(77)), 77u);
  EXPECT_EQ(keys::DecodeU64("short"), std::nullopt);
  EXPECT_EQ(keys::PrefixEnd("a\xff"), "b");
}

v1::AuditEvent Event(const std::string& cycle, int64_t sequence, const std::string& detail) {
  v1::AuditEvent e;
  e.set_cycle_id(cycle);
  e.set_sequence(sequence);
  e.set_detail(detail);
  return e;
}

class AwardStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<AwardStore> Open() {
    auto store = OpenRocksDbAwardStore({.path = dir_.Sub("award"), .sync = false});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  imdi::testing::TempDir dir_;
};

TEST_F(AwardStoreTest, CommitWritesEverythingOfAStepAndSurvivesReopen) {
  {
    auto store = Open();
    AwardCommit commit;
    commit.cycle.emplace();
    commit.cycle->mutable_cycle()->set_cycle_id("2016");
    commit.cycle->mutable_cycle()->set_state(v1::CYCLE_STATE_DRAFT);
    commit.cycle->set_last_audit_sequence(1);
    commit.audit_events.push_back(Event("2016", 1, "created"));
    storage::v1::RequestRecord request;
    request.set_method("CreateCycle");
    request.set_fingerprint("f");
    commit.request.emplace("req-1", request);
    v1::Winner winner;
    winner.set_award_year(2015);
    winner.set_municipality_name("Grimstad");
    commit.winners.push_back(winner);
    ASSERT_TRUE(store->Commit(commit).ok());
  }
  auto store = Open();
  auto cycle = store->ReadCycle("2016");
  ASSERT_TRUE(cycle.ok() && cycle->has_value());
  EXPECT_EQ((*cycle)->cycle().state(), v1::CYCLE_STATE_DRAFT);
  auto missing = store->ReadCycle("2017");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto request = store->ReadRequest("req-1");
  ASSERT_TRUE(request.ok() && request->has_value());
  EXPECT_EQ((*request)->method(), "CreateCycle");
  auto winners = store->ReadWinners();
  ASSERT_TRUE(winners.ok());
  ASSERT_THAT(*winners, SizeIs(1));
  EXPECT_EQ((*winners)[0].municipality_name(), "Grimstad");
  auto audit = store->ReadAudit("2016", 0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_THAT(*audit, SizeIs(1));
  EXPECT_EQ((*audit)[0].detail(), "created");
}

TEST_F(AwardStoreTest, AuditIsReadInOrderPerCycleAndPaged) {
  auto store = Open();
  AwardCommit commit;
  for (int i = 12; i >= 1; --i) commit.audit_events.push_back(Event("a", i, std::to_string(i)));
  commit.audit_events.push_back(Event("a-b", 1, "other cycle"));
  ASSERT_TRUE(store->Commit(commit).ok());
  auto first = store->ReadAudit("a", 0, 5);
  ASSERT_TRUE(first.ok());
  std::vector<int64_t> sequences;
  for (const auto& e : *first) sequences.push_back(e.sequence());
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3, 4, 5));
  auto rest = store->ReadAudit("a", 10, 100);
  ASSERT_TRUE(rest.ok());
  ASSERT_THAT(*rest, SizeIs(2));
  EXPECT_EQ(rest->back().sequence(), 12);
  auto other = store->ReadAudit("a-b", 0, 100);
  ASSERT_TRUE(other.ok());
  ASSERT_THAT(*other, SizeIs(1));
  EXPECT_EQ((*other)[0].detail(), "other cycle");
}

TEST_F(AwardStoreTest, WinnersComeBackByYear) {
  auto store = Open();
  AwardCommit commit;
  for (int year : {2016, 2008, 2015}) {
    v1::Winner w;
    w.set_award_year(year);
    commit.winners.push_back(w);
  }
  ASSERT_TRUE(store->Commit(commit).ok());
  auto winners = store->ReadWinners();
  ASSERT_TRUE(winners.ok());
  std::vector<int> years;
  for (const auto& w : *winners) years.push_back(w.award_year());
  EXPECT_THAT(years, ElementsAre(2008, 2015, 2016));
}

TEST_F(AwardStoreTest, DocumentsAreStoredByTheirHashWithTheRecordThatListsThem) {
  const std::string large(size_t{200} << 10, 'p');  // past the blob threshold
  const std::string sha(64, 'a');
  {
    auto store = Open();
    AwardCommit commit;
    commit.cycle.emplace();
    commit.cycle->mutable_cycle()->set_cycle_id("2016");
    commit.documents.emplace_back(sha, large);
    commit.documents.emplace_back(std::string(64, 'b'), "small");
    ASSERT_TRUE(store->Commit(commit).ok());
  }
  auto store = Open();
  auto read = store->ReadDocument(sha);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_TRUE(**read == large);
  EXPECT_EQ(**store->ReadDocument(std::string(64, 'b')), "small");
  EXPECT_FALSE(store->ReadDocument(std::string(64, 'c'))->has_value());
}

// A store written by the release before documents (schema 1, without the
// documents family) opens: the family is created and the store marked 2.
TEST_F(AwardStoreTest, ASchemaOneStoreOpensAndGainsTheDocumentsFamily) {
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (absl::string_view name : {"default", "meta", "cycles", "audit", "requests", "winners"}) {
      families.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("award"), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), handles[1], "schema_version", keys::EncodeU64(1)).ok());
    storage::v1::CycleRecord record;
    record.mutable_cycle()->set_cycle_id("2015");
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), handles[2], "2015", record.SerializeAsString()).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto cycle = store->ReadCycle("2015");
  ASSERT_TRUE(cycle.ok() && cycle->has_value());
  AwardCommit commit;
  commit.documents.emplace_back(std::string(64, 'd'), "bytes");
  ASSERT_TRUE(store->Commit(commit).ok());
  EXPECT_EQ(**store->ReadDocument(std::string(64, 'd')), "bytes");
}

TEST_F(AwardStoreTest, ASecondOpenOfALockedStoreIsUnavailable) {
  auto store = Open();
  auto second = OpenRocksDbAwardStore({.path = dir_.Sub("award"), .sync = false});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(AwardStoreFullDiskTest, AFullDiskFailsCommitsCleanlyAndWritesResumeWithoutARestart) {
  imdi::testing::TempDir dir;
  imdi::testing::FullDisk disk;
  auto store =
      OpenRocksDbAwardStore({.path = dir.Sub("award"), .sync = true, .env = disk.env.get()});
  ASSERT_TRUE(store.ok()) << store.status();
  AwardCommit first;
  first.audit_events.push_back(Event("2016", 1, "created"));
  ASSERT_TRUE((*store)->Commit(first).ok());

  disk.fs->SetFull(true);
  AwardCommit second;
  second.audit_events.push_back(Event("2016", 2, "opened"));
  absl::Status full = (*store)->Commit(second);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  EXPECT_EQ(ErrorReason(full), "STORAGE_FULL");
  auto audit = (*store)->ReadAudit("2016", 0, 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_THAT(*audit, SizeIs(1));

  disk.fs->SetFull(false);
  const absl::Time start = absl::Now();
  absl::Status resumed;
  do {
    resumed = (*store)->Commit(second);
    if (!resumed.ok()) absl::SleepFor(absl::Milliseconds(50));
  } while (!resumed.ok() && absl::Now() - start < absl::Seconds(30));
  ASSERT_TRUE(resumed.ok()) << resumed;
  audit = (*store)->ReadAudit("2016", 0, 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_THAT(*audit, SizeIs(2));
}

}  // namespace
}  // namespace imdi::award
