#include "common/backup_flags.h"

#include <cstdint>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/rocksdb_backup.h"
#include "common/server_host.h"

ABSL_FLAG(std::string, backup_dir, "",
          "Directory of the store's backups (RocksDB BackupEngine), taken while serving "
          "with the admin service's CreateBackup. Empty: no backups.");
ABSL_FLAG(int, backup_keep, 7, "How many of the newest backups to keep (at least 1).");
ABSL_FLAG(std::string, restore_from, "",
          "Restore a backup from this backup directory into --data_dir, then exit "
          "(0 when restored) without serving. The service must be stopped.");
ABSL_FLAG(int64_t, backup_id, 0,
          "With --restore_from: the backup to restore (see ListBackups); 0 is the newest.");
ABSL_FLAG(bool, restore_overwrite, false,
          "With --restore_from: replace a store that has data (refused without it).");

namespace imdi {

BackupFlags BackupFlagsFromFlags() {
  return BackupFlags{.backup_dir = absl::GetFlag(FLAGS_backup_dir),
                     .backup_keep = absl::GetFlag(FLAGS_backup_keep)};
}

std::optional<int> RestoreIfAsked(absl::string_view service, const std::string& data_dir) {
  const std::string from = absl::GetFlag(FLAGS_restore_from);
  if (from.empty()) return std::nullopt;
  const int64_t id = absl::GetFlag(FLAGS_backup_id);
  if (data_dir.empty()) {
    LogError("--restore_from needs --data_dir: the store to restore into");
    return 2;
  }
  if (id < 0 || id > UINT32_MAX) {
    LogError(absl::StrCat("--backup_id=", id, " is not a backup id"));
    return 2;
  }
  RestoreRequest request;
  request.backup_dir = from;
  request.data_dir = data_dir;
  request.overwrite = absl::GetFlag(FLAGS_restore_overwrite);
  if (id != 0) request.backup_id = static_cast<uint32_t>(id);
  const absl::Time start = absl::Now();
  absl::StatusOr<BackupRecord> restored = RestoreRocksDbBackup(request);
  if (!restored.ok()) {
    LogError(absl::StrCat(service, ": restore failed: ", restored.status().ToString()));
    return StartFailureExitCode(restored.status());
  }
  std::string version;
  if (std::optional<uint64_t> v = BackupDataVersion(*restored)) {
    version = absl::StrCat(", data version ", *v);
  }
  LogInfo(absl::StrCat(
      service, ": restored backup ", restored->backup_id, " (taken ",
      absl::FormatTime(absl::FromUnixSeconds(restored->timestamp_seconds), absl::UTCTimeZone()),
      version, ", ", restored->file_count, " files, ", restored->size_bytes, " bytes) from ", from,
      " into ", data_dir, " in ", absl::FormatDuration(absl::Now() - start)));
  return 0;
}

}  // namespace imdi
