// Minimal structured logging to stderr: one line per event with UTC time,
// level and (when known) the request id. Thread-safe: each line is written
// with one call under a mutex, so lines never interleave.
#ifndef IMDI_COMMON_LOG_H_
#define IMDI_COMMON_LOG_H_

#include "absl/strings/string_view.h"
#include <string_view>

namespace imdi {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below `level` are dropped. Default kInfo.
void SetLogLevel(LogLevel level);

// Writes one line. `request_id` may be empty.
void Log(LogLevel level, absl::string_view request_id, absl::string_view message);

inline void LogInfo(absl::string_view message) {
  Log(LogLevel::kInfo, {}, message);
}
inline void LogWarning(absl::string_view message) {
  Log(LogLevel::kWarning, {}, message);
}
inline void LogError(absl::string_view message) {
  Log(LogLevel::kError, {}, message);
}

}  // namespace imdi

#endif  // IMDI_COMMON_LOG_H_
