// A failed call as one readable block for stderr, decoded from the
// google.rpc.Status the services put in grpc-status-details-bin (see
// common/grpc_status.h): the code's name and the message, the ErrorInfo
// reason, every BadRequest field violation, every PreconditionFailure
// violation, and how many violations there were when the service cut them.
//
// Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMDICTL_RPC_ERROR_H_
#define IMDI_TOOLS_IMDICTL_RPC_ERROR_H_

#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace imdi::imdictl {

// "imdictl: <what> failed: CODE: message" and one indented line per detail.
std::string FormatRpcError(absl::string_view what, const grpc::Status& status);

// The exit status for a failed call: kExitUnreachable when a retry may work
// (UNAVAILABLE, DEADLINE_EXCEEDED), kExitRpc otherwise.
int ExitCodeFor(const grpc::Status& status);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_RPC_ERROR_H_
