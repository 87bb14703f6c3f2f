#include "common/process_flags.h"

#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/rpc_scope.h"

ABSL_FLAG(std::string, log_level, "info",
          "Least severe log lines written: debug, info, warning or error.");
ABSL_FLAG(bool, access_log, true,
          "Log one line per call (method, status, time, principal). Off, only calls "
          "refused or failed by the service itself are logged.");

namespace imdi {

absl::Status ApplyProcessFlags() {
  const std::string name = absl::GetFlag(FLAGS_log_level);
  std::optional<LogLevel> level = ParseLogLevel(name);
  if (!level) {
    return absl::InvalidArgumentError(
        absl::StrCat("--log_level must be debug, info, warning or error, not \"",
                     name.substr(0, 32), "\""));
  }
  SetLogLevel(*level);
  SetAccessLog(absl::GetFlag(FLAGS_access_log));
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  return absl::OkStatus();
}

}  // namespace imdi
