// common/rocksdb_backup.h on real RocksDB stores: backups of an open
// database, incremental sharing, retention, verification that finds a
// damaged file, and the offline restore's refusals and its marker.
#include "common/rocksdb_backup.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "common/errors.h"
#include "common/rocksdb_open.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/testing/temp_dir.h"

namespace imdi {
namespace {

// The requests below name only the fields they set.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace fs = std::filesystem;
using ::imdi::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

RocksDbOpenOptions StoreOptions(const std::string& path) {
  return RocksDbOpenOptions{.path = path,
                            .column_families = {"default", "meta"},
                            .meta_family = 1,
                            .schema_key = "schema",
                            .schema_version = 1};
}

OpenedRocksDb Open(const std::string& path) {
  auto opened = OpenRocksDb(StoreOptions(path));
  EXPECT_TRUE(opened.ok()) << opened.status();
  return *std::move(opened);
}

void Put(OpenedRocksDb& db, int from, int to) {
  for (int i = from; i < to; ++i) {
    ASSERT_TRUE(db.db
                    ->Put(rocksdb::WriteOptions(), db.handles[0], "key" + std::to_string(i),
                          std::string(100, static_cast<char>('a' + i % 26)))
                    .ok());
  }
}

// Every key of the default family.
std::set<std::string> Keys(OpenedRocksDb& db) {
  std::set<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.handles[0]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.insert(it->key().ToString());
  EXPECT_TRUE(it->status().ok());
  return out;
}

std::set<std::string> KeysRange(int from, int to) {
  std::set<std::string> out;
  for (int i = from; i < to; ++i) out.insert("key" + std::to_string(i));
  return out;
}

std::set<std::string> SharedFiles(const std::string& backup_dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(backup_dir) / "shared_checksum")) {
    out.insert(e.path().filename().string());
  }
  return out;
}

std::unique_ptr<RocksDbBackups> Backups(const std::string& dir, int keep = 7) {
  auto backups = RocksDbBackups::Open(dir, keep);
  EXPECT_TRUE(backups.ok()) << backups.status();
  return *std::move(backups);
}

TEST(RocksDbBackupTest, RestoresExactlyWhatTheBackupHeldWhileTheStoreWasOpen) {
  TempDir tmp;
  auto backups = Backups(tmp.Sub("backups"));
  std::unique_ptr<RocksDbBackups>& b = backups;
  {
    OpenedRocksDb db = Open(tmp.Sub("store"));
    Put(db, 0, 50);  // in the memtable and the WAL only
    auto made = b->Create(db.db.get(), BackupMetadata("test", 42));
    ASSERT_TRUE(made.ok()) << made.status();
    EXPECT_EQ(made->backup_id, 1u);
    EXPECT_GT(made->size_bytes, 0u);
    EXPECT_GT(made->file_count, 0u);
    EXPECT_GT(made->timestamp_seconds, 1'600'000'000);
    EXPECT_EQ(BackupDataVersion(*made), 42u);
    Put(db, 50, 80);  // after the backup: not in it
    EXPECT_EQ(Keys(db).size(), 80u);
  }
  auto restored =
      RestoreRocksDbBackup({.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("restored")});
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->backup_id, 1u);
  EXPECT_EQ(BackupDataVersion(*restored), 42u);
  OpenedRocksDb db = Open(tmp.Sub("restored"));
  EXPECT_EQ(Keys(db), KeysRange(0, 50));
  EXPECT_FALSE(fs::exists(tmp.Sub("restored/.restore-staging")));
  EXPECT_FALSE(fs::exists(tmp.Sub("restored/RESTORE_IN_PROGRESS")));
}

TEST(RocksDbBackupTest, LaterBackupsCopyOnlyNewTableFiles) {
  TempDir tmp;
  auto b = Backups(tmp.Sub("backups"));
  OpenedRocksDb db = Open(tmp.Sub("store"));
  Put(db, 0, 1000);
  auto first = b->Create(db.db.get(), "");
  ASSERT_TRUE(first.ok()) << first.status();
  const std::set<std::string> after_first = SharedFiles(tmp.Sub("backups"));
  ASSERT_FALSE(after_first.empty());

  Put(db, 1000, 1100);
  auto second = b->Create(db.db.get(), "");
  ASSERT_TRUE(second.ok()) << second.status();
  const std::set<std::string> after_second = SharedFiles(tmp.Sub("backups"));
  // The first backup's tables are shared, not copied again; only the new
  // flush's tables were added.
  EXPECT_THAT(after_second, IsSupersetOf(after_first));
  EXPECT_GT(after_second.size(), after_first.size());
  EXPECT_LE(after_second.size() - after_first.size(), 2u);  // one table per family at most

  // Nothing written since: nothing new to share.
  auto third = b->Create(db.db.get(), "");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(SharedFiles(tmp.Sub("backups")), after_second);
  EXPECT_EQ(third->size_bytes, second->size_bytes);
}

TEST(RocksDbBackupTest, KeepsOnlyTheNewestBackups) {
  TempDir tmp;
  auto b = Backups(tmp.Sub("backups"), /*keep=*/2);
  OpenedRocksDb db = Open(tmp.Sub("store"));
  for (int i = 0; i < 4; ++i) {
    Put(db, i * 10, i * 10 + 10);
    ASSERT_TRUE(b->Create(db.db.get(), BackupMetadata("test", i)).ok());
  }
  std::vector<uint32_t> ids;
  for (const BackupRecord& r : b->List()) ids.push_back(r.backup_id);
  EXPECT_THAT(ids, ElementsAre(3u, 4u));
  // A backup purged is gone for a restore too.
  auto gone = RestoreRocksDbBackup(
      {.backup_dir = tmp.Sub("backups"), .backup_id = 1, .data_dir = tmp.Sub("r")});
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(gone.status()), "BACKUP_NOT_FOUND");
  // And the old ones' tables that no kept backup needs are deleted.
  auto older = RestoreRocksDbBackup(
      {.backup_dir = tmp.Sub("backups"), .backup_id = 3, .data_dir = tmp.Sub("r")});
  ASSERT_TRUE(older.ok()) << older.status();
  OpenedRocksDb restored = Open(tmp.Sub("r"));
  EXPECT_EQ(Keys(restored), KeysRange(0, 30));

  // A directory whose parents are missing is made.
  EXPECT_TRUE(RocksDbBackups::Open(tmp.Sub("a/b/c"), 1).ok());
  EXPECT_EQ(RocksDbBackups::Open(tmp.Sub("other"), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RocksDbBackupTest, VerifyFindsADamagedFile) {
  TempDir tmp;
  auto b = Backups(tmp.Sub("backups"));
  {
    OpenedRocksDb db = Open(tmp.Sub("store"));
    Put(db, 0, 500);
    ASSERT_TRUE(b->Create(db.db.get(), "").ok());
  }
  auto good = b->Verify(1);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->backup_id, 1u);
  EXPECT_EQ(b->Verify(9).status().code(), absl::StatusCode::kNotFound);

  // One byte of a table file changed, its size the same.
  std::string table;
  for (const std::string& f : SharedFiles(tmp.Sub("backups"))) {
    if (f.ends_with(".sst")) table = tmp.Sub("backups/shared_checksum/" + f);
  }
  ASSERT_FALSE(table.empty());
  {
    std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    char c = 0;
    f.seekg(10);
    f.get(c);
    f.seekp(10);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  auto bad = b->Verify(1);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ErrorReason(bad.status()), "BACKUP_CORRUPT");
  // A fresh engine (another process) finds it too.
  auto reopened = Backups(tmp.Sub("backups"));
  EXPECT_EQ(reopened->Verify(1).status().code(), absl::StatusCode::kDataLoss);
  // And a restore refuses it, leaving the target untouched.
  auto restored =
      RestoreRocksDbBackup({.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("restored")});
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(fs::exists(tmp.Sub("restored/CURRENT")));
  EXPECT_FALSE(fs::exists(tmp.Sub("restored/RESTORE_IN_PROGRESS")));
}

TEST(RocksDbBackupTest, RestoreRefusesAStoreWithDataUnlessToldToReplaceIt) {
  TempDir tmp;
  auto b = Backups(tmp.Sub("backups"));
  {
    OpenedRocksDb db = Open(tmp.Sub("store"));
    Put(db, 0, 10);
    ASSERT_TRUE(b->Create(db.db.get(), "").ok());
  }
  {
    OpenedRocksDb other = Open(tmp.Sub("target"));
    Put(other, 100, 120);
  }
  auto refused =
      RestoreRocksDbBackup({.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("target")});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "STORE_NOT_EMPTY");
  EXPECT_THAT(refused.status().message(), HasSubstr("--restore_overwrite"));
  {
    OpenedRocksDb other = Open(tmp.Sub("target"));
    EXPECT_EQ(Keys(other), KeysRange(100, 120));  // untouched
  }
  auto replaced = RestoreRocksDbBackup(
      {.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("target"), .overwrite = true});
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  OpenedRocksDb restored = Open(tmp.Sub("target"));
  EXPECT_EQ(Keys(restored), KeysRange(0, 10));
}

TEST(RocksDbBackupTest, RestoreRefusesAStoreInUseAndUnknownBackups) {
  TempDir tmp;
  auto b = Backups(tmp.Sub("backups"));
  OpenedRocksDb db = Open(tmp.Sub("store"));
  Put(db, 0, 10);
  ASSERT_TRUE(b->Create(db.db.get(), "").ok());
  auto in_use = RestoreRocksDbBackup(
      {.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("store"), .overwrite = true});
  EXPECT_EQ(in_use.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(in_use.status()), "STORE_IN_USE");
  EXPECT_EQ(Keys(db), KeysRange(0, 10));

  auto unknown = RestoreRocksDbBackup(
      {.backup_dir = tmp.Sub("backups"), .backup_id = 7, .data_dir = tmp.Sub("r")});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  auto no_dir = RestoreRocksDbBackup({.backup_dir = tmp.Sub("nothing"), .data_dir = tmp.Sub("r")});
  EXPECT_EQ(no_dir.status().code(), absl::StatusCode::kNotFound);
  auto empty = RestoreRocksDbBackup({.backup_dir = tmp.Sub("empty"), .data_dir = tmp.Sub("r")});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kNotFound);
}

TEST(RocksDbBackupTest, AHalfRestoredStoreIsRefusedAtOpenAndReplacedByANewRestore) {
  TempDir tmp;
  auto b = Backups(tmp.Sub("backups"));
  {
    OpenedRocksDb db = Open(tmp.Sub("store"));
    Put(db, 0, 10);
    ASSERT_TRUE(b->Create(db.db.get(), "").ok());
  }
  ASSERT_TRUE(
      RestoreRocksDbBackup({.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("target")}).ok());
  // What a restore that stopped while moving files leaves: its marker, some
  // of the new files, none of the old.
  { std::ofstream(tmp.Sub("target/RESTORE_IN_PROGRESS")) << "restoring backup 1\n"; }
  fs::remove(tmp.Sub("target/CURRENT"));

  auto refused = OpenRocksDb(StoreOptions(tmp.Sub("target")));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "RESTORE_INTERRUPTED");
  EXPECT_THAT(refused.status().message(), HasSubstr("half-restored"));
  EXPECT_EQ(CheckNoInterruptedRestore(tmp.Sub("target")).code(),
            absl::StatusCode::kFailedPrecondition);

  // Nothing of the old store is left to protect: a new restore replaces it
  // without --restore_overwrite.
  auto again =
      RestoreRocksDbBackup({.backup_dir = tmp.Sub("backups"), .data_dir = tmp.Sub("target")});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(CheckNoInterruptedRestore(tmp.Sub("target")).ok());
  OpenedRocksDb restored = Open(tmp.Sub("target"));
  EXPECT_EQ(Keys(restored), KeysRange(0, 10));
}

}  // namespace
}  // namespace imdi
