// The backup and restore flags both services share: --backup_dir and
// --backup_keep for backups taken while serving, --restore_from,
// --backup_id and --restore_overwrite for the offline restore.
#ifndef IMDI_COMMON_BACKUP_FLAGS_H_
#define IMDI_COMMON_BACKUP_FLAGS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace imdi {

struct BackupFlags {
  // Empty: the service keeps no backups (the admin calls say so).
  std::string backup_dir;
  int backup_keep = 7;
};

BackupFlags BackupFlagsFromFlags();

// With --restore_from: restores the backup into `data_dir` instead of
// serving, logs what it did and returns the process's exit code (0 when
// restored). Without it: nullopt, and the service starts as usual.
std::optional<int> RestoreIfAsked(absl::string_view service, const std::string& data_dir);

}  // namespace imdi

#endif  // IMDI_COMMON_BACKUP_FLAGS_H_
