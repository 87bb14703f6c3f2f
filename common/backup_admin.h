// What the admin services' backup calls do (imdi.stats.v1.StatsAdminService
// and imdi.award.v1.AwardAdminService have the same three), shared by both
// services' handlers: the checks and the mapping of a BackupRecord to their
// `Backup` messages. Stateless; thread-safe as RocksDbBackups is.
#ifndef IMDI_COMMON_BACKUP_ADMIN_H_
#define IMDI_COMMON_BACKUP_ADMIN_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/errors.h"
#include "common/rocksdb_backup.h"

namespace imdi {

// A service's backups as its composition root wires them.
struct BackupOperations {
  // The backup directory; null when the service runs without --backup_dir.
  RocksDbBackups* backups = nullptr;
  // Takes a backup of the service's store into `backups`.
  std::function<absl::StatusOr<BackupRecord>(RocksDbBackups&)> take;
};

inline absl::Status BackupsConfigured(const BackupOperations& ops) {
  if (ops.backups != nullptr && ops.take) return absl::OkStatus();
  return FailedPreconditionError(
      "BACKUPS_NOT_CONFIGURED",
      "this service keeps no backups: it was started without --backup_dir",
      {{.type = "BACKUPS_NOT_CONFIGURED",
        .subject = "--backup_dir",
        .description = "start the service with --backup_dir=DIR to take backups"}});
}

inline absl::StatusOr<BackupRecord> CreateBackupNow(const BackupOperations& ops) {
  if (absl::Status configured = BackupsConfigured(ops); !configured.ok()) return configured;
  return ops.take(*ops.backups);
}

inline absl::StatusOr<std::vector<BackupRecord>> ListBackupsKept(const BackupOperations& ops) {
  if (absl::Status configured = BackupsConfigured(ops); !configured.ok()) return configured;
  return ops.backups->List();
}

inline absl::StatusOr<BackupRecord> VerifyBackupById(const BackupOperations& ops,
                                                     uint32_t backup_id) {
  if (absl::Status configured = BackupsConfigured(ops); !configured.ok()) return configured;
  if (backup_id == 0) {
    return InvalidFieldError("backup_id", "required: the id of a backup (see ListBackups)");
  }
  return ops.backups->Verify(backup_id);
}

// Fills the fields both services' `Backup` messages have.
template <typename BackupProto>
void SetBackupFields(const BackupRecord& record, BackupProto* out) {
  out->set_backup_id(record.backup_id);
  out->mutable_create_time()->set_seconds(record.timestamp_seconds);
  out->set_size_bytes(record.size_bytes);
  out->set_file_count(record.file_count);
}

}  // namespace imdi

#endif  // IMDI_COMMON_BACKUP_ADMIN_H_
