#include "common/rocksdb_backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/log.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"

namespace imdi {
namespace {

namespace fs = std::filesystem;

// Where a restore puts the backup's files before they replace the store's.
constexpr absl::string_view kStagingDir = ".restore-staging";
// RocksDB's lock file: a running service holds it.
constexpr absl::string_view kLockFile = "LOCK";

BackupRecord ToRecord(const rocksdb::BackupInfo& info) {
  return BackupRecord{.backup_id = info.backup_id,
                      .timestamp_seconds = info.timestamp,
                      .size_bytes = info.size,
                      .file_count = info.number_files,
                      .app_metadata = info.app_metadata};
}

absl::Status BackupError(const rocksdb::Status& s, absl::string_view what) {
  if (s.IsNoSpace()) {
    Log(LogLevel::kError, "", absl::StrCat(what, ": ", s.ToString()));
    return MakeError(absl::StatusCode::kResourceExhausted, "BACKUP_STORAGE_FULL",
                     absl::StrCat(what, " failed: the backup disk is full"));
  }
  if (s.IsCorruption()) {
    Log(LogLevel::kError, "", absl::StrCat(what, ": ", s.ToString()));
    return MakeError(absl::StatusCode::kDataLoss, "BACKUP_CORRUPT",
                     absl::StrCat(what, " failed: a backup file is missing or damaged"));
  }
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

// fsyncs a directory so that renames and deletions in it are durable.
absl::Status SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return absl::InternalError(absl::StrCat("opening ", dir.string(), ": ", strerror(errno)));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0)
    return absl::InternalError(absl::StrCat("syncing ", dir.string(), ": ", strerror(err)));
  return absl::OkStatus();
}

absl::Status WriteMarker(const fs::path& marker, const std::string& text) {
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("writing ", marker.string(), ": ", strerror(errno)));
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok)
    return absl::InternalError(absl::StrCat("writing ", marker.string(), ": ", strerror(err)));
  return SyncDir(marker.parent_path());
}

// Holds RocksDB's lock of a store directory, as an open database does, so
// that no service opens the store while it is being restored.
class StoreLock {
 public:
  static absl::StatusOr<std::unique_ptr<StoreLock>> Acquire(const fs::path& dir) {
    rocksdb::Env* env = rocksdb::Env::Default();
    rocksdb::FileLock* lock = nullptr;
    rocksdb::Status s = env->LockFile((dir / std::string(kLockFile)).string(), &lock);
    if (!s.ok()) {
      Log(LogLevel::kError, "", absl::StrCat("locking ", dir.string(), ": ", s.ToString()));
      return MakeError(absl::StatusCode::kUnavailable, "STORE_IN_USE",
                       absl::StrCat("the store at ", dir.string(),
                                    " is open in another process; stop the service first"));
    }
    return std::unique_ptr<StoreLock>(new StoreLock(env, lock));
  }
  ~StoreLock() { env_->UnlockFile(lock_).PermitUncheckedError(); }

 private:
  StoreLock(rocksdb::Env* env, rocksdb::FileLock* lock) : env_(env), lock_(lock) {}
  rocksdb::Env* env_;
  rocksdb::FileLock* lock_;
};

}  // namespace

RocksDbBackups::RocksDbBackups(std::string dir, int keep,
                               std::unique_ptr<rocksdb::BackupEngine> engine)
    : dir_(std::move(dir)), keep_(keep), engine_(std::move(engine)) {}

RocksDbBackups::~RocksDbBackups() = default;

absl::StatusOr<std::unique_ptr<RocksDbBackups>> RocksDbBackups::Open(const std::string& backup_dir,
                                                                     int keep) {
  if (backup_dir.empty()) return absl::InvalidArgumentError("--backup_dir is empty");
  if (keep < 1) return absl::InvalidArgumentError("--backup_keep must be at least 1");
  std::error_code ec;
  fs::create_directories(backup_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the backup directory ", backup_dir, ": ", ec.message()));
  }
  rocksdb::BackupEngineOptions options(backup_dir);
  options.share_table_files = true;
  options.share_files_with_checksum = true;
  options.sync = true;
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the backup directory ", backup_dir, ": ", s.ToString()));
  }
  return std::unique_ptr<RocksDbBackups>(
      new RocksDbBackups(backup_dir, keep, std::unique_ptr<rocksdb::BackupEngine>(raw)));
}

absl::StatusOr<BackupRecord> RocksDbBackups::Create(rocksdb::DB* db,
                                                    const std::string& app_metadata) {
  rocksdb::CreateBackupOptions options;
  // Tables for what the memtables hold, so the write-ahead log copied is short.
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  rocksdb::IOStatus s = engine_->CreateNewBackupWithMetadata(options, db, app_metadata, &id);
  if (!s.ok()) return BackupError(s, "creating a backup");
  s = engine_->PurgeOldBackups(static_cast<uint32_t>(keep_));
  if (!s.ok()) {
    // The backup is good; the old ones are deleted by the next purge.
    Log(LogLevel::kWarning, "", absl::StrCat("deleting old backups: ", s.ToString()));
  }
  rocksdb::BackupInfo info;
  rocksdb::Status got = engine_->GetBackupInfo(id, &info);
  if (!got.ok()) return BackupError(got, "reading the new backup's description");
  return ToRecord(info);
}

std::vector<BackupRecord> RocksDbBackups::List() const {
  std::vector<rocksdb::BackupInfo> infos;
  engine_->GetBackupInfo(&infos);
  std::vector<BackupRecord> out;
  out.reserve(infos.size());
  for (const rocksdb::BackupInfo& info : infos) out.push_back(ToRecord(info));
  return out;
}

absl::StatusOr<BackupRecord> RocksDbBackups::Verify(uint32_t backup_id) const {
  rocksdb::BackupInfo info;
  rocksdb::Status got = engine_->GetBackupInfo(backup_id, &info);
  if (got.IsNotFound()) {
    return MakeError(absl::StatusCode::kNotFound, "BACKUP_NOT_FOUND",
                     absl::StrCat("there is no backup ", backup_id));
  }
  if (!got.ok()) return BackupError(got, absl::StrCat("verifying backup ", backup_id));
  rocksdb::IOStatus s = engine_->VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  if (!s.ok()) {
    Log(LogLevel::kError, "",
        absl::StrCat("backup ", backup_id, " in ", dir_, " failed verification: ", s.ToString()));
    return MakeError(
        absl::StatusCode::kDataLoss, "BACKUP_CORRUPT",
        absl::StrCat("backup ", backup_id, " failed verification: a file is missing or damaged"));
  }
  return ToRecord(info);
}

std::string BackupMetadata(absl::string_view store, std::optional<uint64_t> data_version) {
  std::string out(store);
  if (data_version.has_value()) absl::StrAppend(&out, " data_version=", *data_version);
  return out;
}

std::optional<uint64_t> BackupDataVersion(const BackupRecord& backup) {
  for (absl::string_view part : absl::StrSplit(backup.app_metadata, ' ')) {
    uint64_t version = 0;
    if (absl::ConsumePrefix(&part, "data_version=") && absl::SimpleAtoi(part, &version)) {
      return version;
    }
  }
  return std::nullopt;
}

absl::Status CheckNoInterruptedRestore(const std::string& data_dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(data_dir) / std::string(kRestoreMarker), ec)) return absl::OkStatus();
  return MakeError(absl::StatusCode::kFailedPrecondition, "RESTORE_INTERRUPTED",
                   absl::StrCat("the store at ", data_dir,
                                " is half-restored: a restore into it did not finish. Run the "
                                "restore again (--restore_from)"));
}

absl::StatusOr<BackupRecord> RestoreRocksDbBackup(const RestoreRequest& request) {
  const fs::path data_dir(request.data_dir);
  const fs::path staging = data_dir / std::string(kStagingDir);
  const fs::path marker = data_dir / std::string(kRestoreMarker);
  std::error_code ec;
  if (request.backup_dir.empty() || !fs::is_directory(request.backup_dir, ec)) {
    return MakeError(absl::StatusCode::kNotFound, "BACKUP_NOT_FOUND",
                     absl::StrCat("there is no backup directory ", request.backup_dir));
  }
  fs::create_directories(data_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the data directory ", data_dir.string(), ": ", ec.message()));
  }
  auto lock = StoreLock::Acquire(data_dir);
  if (!lock.ok()) return lock.status();

  const bool interrupted = fs::exists(marker, ec);
  std::vector<fs::path> old_entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(data_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kLockFile || name == kStagingDir || name == kRestoreMarker) continue;
    old_entries.push_back(entry.path());
  }
  if (ec)
    return absl::InternalError(absl::StrCat("listing ", data_dir.string(), ": ", ec.message()));
  if (!old_entries.empty() && !interrupted && !request.overwrite) {
    return FailedPreconditionError(
        "STORE_NOT_EMPTY",
        absl::StrCat("the data directory ", data_dir.string(),
                     " already holds a store; restoring would replace it. Pass "
                     "--restore_overwrite to replace it"),
        {{.type = "STORE_NOT_EMPTY",
          .subject = data_dir.string(),
          .description = "the target store has data"}});
  }

  rocksdb::BackupEngineOptions options(request.backup_dir);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return BackupError(s, "opening the backup directory");
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  rocksdb::BackupInfo info;
  rocksdb::Status got = request.backup_id.has_value()
                            ? engine->GetBackupInfo(*request.backup_id, &info)
                            : engine->GetLatestBackupInfo(&info);
  if (got.IsNotFound()) {
    return MakeError(
        absl::StatusCode::kNotFound, "BACKUP_NOT_FOUND",
        request.backup_id.has_value()
            ? absl::StrCat("there is no backup ", *request.backup_id, " in ", request.backup_dir)
            : absl::StrCat("there is no backup in ", request.backup_dir));
  }
  if (!got.ok()) return BackupError(got, "reading the backup's description");

  // Into the staging directory first: a failure there leaves the store as
  // it was.
  fs::remove_all(staging, ec);
  s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), info.backup_id, staging.string(),
                                  staging.string());
  if (!s.ok()) {
    fs::remove_all(staging, ec);
    return BackupError(s, absl::StrCat("restoring backup ", info.backup_id));
  }
  // From here until the marker is gone the store is neither the old one nor
  // the restored one.
  if (absl::Status m = WriteMarker(marker, absl::StrCat("restoring backup ", info.backup_id,
                                                        " from ", request.backup_dir, "\n"));
      !m.ok()) {
    return m;
  }
  for (const fs::path& entry : old_entries) {
    fs::remove_all(entry, ec);
    if (ec) {
      return absl::InternalError(absl::StrCat("removing ", entry.string(), ": ", ec.message()));
    }
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(staging, ec)) {
    fs::rename(entry.path(), data_dir / entry.path().filename(), ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("moving ", entry.path().string(), " into place: ", ec.message()));
    }
  }
  if (ec)
    return absl::InternalError(absl::StrCat("listing ", staging.string(), ": ", ec.message()));
  if (absl::Status synced = SyncDir(data_dir); !synced.ok()) return synced;
  fs::remove_all(staging, ec);
  fs::remove(marker, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("removing ", marker.string(), ": ", ec.message()));
  if (absl::Status synced = SyncDir(data_dir); !synced.ok()) return synced;
  return ToRecord(info);
}

}  // namespace imdi
