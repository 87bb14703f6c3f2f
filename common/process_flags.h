// The flags every service binary shares for how it runs (as opposed to what
// it serves): --log_level and --access_log. ApplyProcessFlags() applies them
// after absl::ParseCommandLine and turns Abseil's mutex deadlock detection
// off in release builds (NDEBUG), where it costs every lock and finds
// nothing the debug builds and tests would not.
#ifndef IMDI_COMMON_PROCESS_FLAGS_H_
#define IMDI_COMMON_PROCESS_FLAGS_H_

#include "absl/status/status.h"

namespace imdi {

// INVALID_ARGUMENT for a --log_level that names no level.
absl::Status ApplyProcessFlags();

}  // namespace imdi

#endif  // IMDI_COMMON_PROCESS_FLAGS_H_
