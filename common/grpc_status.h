// The one place where absl::Status and grpc::Status meet.
//
// ToGrpcStatus turns a domain error into a gRPC status whose
// `grpc-status-details-bin` trailer holds a google.rpc.Status with an
// ErrorInfo (reason, domain, request id) and the BadRequest or
// PreconditionFailure details the error carries. Internal failures
// (INTERNAL, UNKNOWN, DATA_LOSS) never show their message to the client: it
// goes to the log with the request id instead.
//
// The message is cut to kMaxErrorMessageBytes and the details to
// kMaxErrorDetailsBytes, so that with their encodings (percent-encoding,
// base64) the trailers stay far below the 8 KiB of metadata a default
// client accepts.
//
// FromGrpcStatus does the reverse for clients of our services.
// Both are thread-safe.
#ifndef IMDI_COMMON_GRPC_STATUS_H_
#define IMDI_COMMON_GRPC_STATUS_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace imdi {

inline constexpr size_t kMaxErrorMessageBytes = 1024;
inline constexpr size_t kMaxErrorDetailsBytes = 3072;

// `error_domain` names the service in ErrorInfo.domain, e.g. "stats.imdi.no".
grpc::Status ToGrpcStatus(const absl::Status& status,
                          absl::string_view error_domain,
                          absl::string_view request_id);

// Keeps code, message and the google.rpc details as payloads (so ErrorReason
// and FieldViolations work on the result).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace imdi

#endif  // IMDI_COMMON_GRPC_STATUS_H_
