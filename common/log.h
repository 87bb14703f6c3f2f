// Structured logging to stderr: one line per event with UTC time, level and
// (when known) the request id.
//
// Log() never waits for stderr: it queues the line and one background
// thread writes what is queued in batches, one write per batch, so a slow
// terminal or pipe cannot slow a call down and lines never interleave. The
// queue is bounded (kMaxQueuedLogBytes); lines that find it full are
// dropped, counted, and the count is logged once there is room again.
// Queued lines are written at exit (FlushLog runs then) and by FlushLog().
// Thread-safe.
#ifndef IMDI_COMMON_LOG_H_
#define IMDI_COMMON_LOG_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/strings/string_view.h"

namespace imdi {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Bytes of lines the queue holds at most.
inline constexpr size_t kMaxQueuedLogBytes = size_t{8} << 20;

// Lines below `level` are dropped. Default kInfo.
void SetLogLevel(LogLevel level);
// Whether a line at `level` would be written (to skip building it).
bool LogEnabled(LogLevel level);
// "debug", "info", "warning" (or "warn"), "error"; nullopt otherwise.
std::optional<LogLevel> ParseLogLevel(absl::string_view name);

// Queues one line. `request_id` may be empty.
void Log(LogLevel level, absl::string_view request_id, absl::string_view message);

// Returns once every line queued before the call is written.
void FlushLog();

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
