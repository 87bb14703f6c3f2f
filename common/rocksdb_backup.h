// Backups of a service's RocksDB store with rocksdb::BackupEngine, and the
// offline restore, for both services.
//
// A backup is hot and consistent: it is taken from the open database while
// it serves (memtables flushed first, then the live files and the write-ahead
// log as of that moment copied, so a restore recovers exactly the writes
// committed before it). Backups are incremental: table files are shared
// between backups by name and checksum, so a backup copies only the files
// written since the last one. After each backup, only the newest `keep` are
// kept.
//
// The restore is offline (the store must not be open): it restores into a
// staging directory inside the data directory, then moves the files into
// place. A marker file written before the old files are removed and deleted
// after the new ones are in place makes a half-restored store recognisable:
// OpenRocksDb refuses it (CheckNoInterruptedRestore), and a new restore
// replaces it.
#ifndef IMDI_COMMON_ROCKSDB_BACKUP_H_
#define IMDI_COMMON_ROCKSDB_BACKUP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rocksdb {
class BackupEngine;
class DB;
}  // namespace rocksdb

namespace imdi {

// One backup as BackupEngine describes it.
struct BackupRecord {
  uint32_t backup_id = 0;
  // When it was taken, seconds since the Unix epoch.
  int64_t timestamp_seconds = 0;
  // Bytes of the files it consists of (shared files counted in every
  // backup that holds them) and how many files.
  uint64_t size_bytes = 0;
  uint32_t file_count = 0;
  // What the store recorded with it (e.g. its data version).
  std::string app_metadata;
};

// The backups in one directory. Thread-safe (BackupEngine serialises its
// operations: a backup waits for another one in progress). Owns its
// BackupEngine; the database passed to Create is the caller's.
class RocksDbBackups {
 public:
  // Opens (creating when missing) the backup directory `backup_dir`,
  // keeping the newest `keep` backups (at least 1). UNAVAILABLE when it
  // cannot be opened.
  static absl::StatusOr<std::unique_ptr<RocksDbBackups>> Open(const std::string& backup_dir,
                                                              int keep);
  ~RocksDbBackups();
  RocksDbBackups(const RocksDbBackups&) = delete;
  RocksDbBackups& operator=(const RocksDbBackups&) = delete;

  // Takes a backup of the open `db` with `app_metadata`, then deletes all
  // but the newest `keep`. A store calls this (it knows what its metadata
  // must say and what must not change meanwhile).
  absl::StatusOr<BackupRecord> Create(rocksdb::DB* db, const std::string& app_metadata);

  // The backups, oldest first.
  std::vector<BackupRecord> List() const;

  // Checks that every file of backup `backup_id` is there with the size and
  // checksum it was written with. NOT_FOUND for an unknown id, DATA_LOSS
  // (reason BACKUP_CORRUPT) when a file is missing or damaged.
  absl::StatusOr<BackupRecord> Verify(uint32_t backup_id) const;

  const std::string& dir() const { return dir_; }
  int keep() const { return keep_; }

 private:
  RocksDbBackups(std::string dir, int keep, std::unique_ptr<rocksdb::BackupEngine> engine);

  const std::string dir_;
  const int keep_;
  std::unique_ptr<rocksdb::BackupEngine> engine_;
};

struct RestoreRequest {
  // The backup directory to restore from.
  std::string backup_dir;
  // The backup to restore; the newest good one when absent.
  std::optional<uint32_t> backup_id;
  // The store's data directory (created when missing).
  std::string data_dir;
  // Replace a store that has data; without it such a store is refused.
  bool overwrite = false;
};

// Restores a backup into `request.data_dir`, which no process may have open.
// FAILED_PRECONDITION (reason STORE_NOT_EMPTY) when the directory holds a
// store and `overwrite` is false; UNAVAILABLE (STORE_IN_USE) when a process
// holds the store open; NOT_FOUND for an unknown backup or an empty backup
// directory; DATA_LOSS when a backup file is damaged (nothing was changed).
// Returns the backup restored.
absl::StatusOr<BackupRecord> RestoreRocksDbBackup(const RestoreRequest& request);

// The metadata a store records with a backup: what took it and, for a
// versioned store, the data version it holds ("imdi-stats data_version=7").
std::string BackupMetadata(absl::string_view store, std::optional<uint64_t> data_version);
// The data version recorded in `backup`'s metadata; absent when none was.
std::optional<uint64_t> BackupDataVersion(const BackupRecord& backup);

// The name of the marker file an unfinished restore leaves in a data
// directory.
inline constexpr absl::string_view kRestoreMarker = "RESTORE_IN_PROGRESS";

// FAILED_PRECONDITION (reason RESTORE_INTERRUPTED) when `data_dir` holds
// the marker of a restore that did not finish.
absl::Status CheckNoInterruptedRestore(const std::string& data_dir);

}  // namespace imdi

#endif  // IMDI_COMMON_ROCKSDB_BACKUP_H_
