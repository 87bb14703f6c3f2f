// The project's error vocabulary on top of absl::Status.
//
// Every error made here carries a stable reason (google.rpc.ErrorInfo) and,
// where it applies, BadRequest field violations or PreconditionFailure
// violations. They ride as absl::Status payloads encoded as the standard
// google.rpc messages, so the edge (grpc_status.h) forwards them unchanged
// and code above the edge never touches protobuf or gRPC.
//
// All functions are thread-safe (they are pure).
#ifndef IMDI_COMMON_ERRORS_H_
#define IMDI_COMMON_ERRORS_H_

#include "absl/strings/string_view.h"
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace imdi {

// One invalid field of a request: a dotted path and why.
struct FieldViolation {
  std::string field;
  std::string description;
  bool operator==(const FieldViolation&) const = default;
};

// One failed precondition: its kind (e.g. "STATE"), subject and why.
struct PreconditionViolation {
  std::string type;
  std::string subject;
  std::string description;
};

// How many violations an error lists; the rest are counted in the
// ErrorInfo metadata "violations_total" and the message ("and N more").
inline constexpr size_t kMaxViolationsReported = 20;
// How many of them the message itself spells out, within how many bytes
// (the rest is "and N more").
inline constexpr size_t kViolationsInMessage = 10;
inline constexpr size_t kMaxComposedMessageBytes = 900;
// Longest field path, subject or description of one violation, in bytes.
inline constexpr size_t kMaxViolationPartBytes = 300;

// An error with `code`, a stable UPPER_SNAKE `reason` and a message.
absl::Status MakeError(absl::StatusCode code, absl::string_view reason,
                       absl::string_view message);

// INVALID_ARGUMENT listing the violations (the first kMaxViolationsReported,
// each part cut to kMaxViolationPartBytes); the message joins the first few.
absl::Status InvalidArgumentError(absl::string_view reason,
                                  const std::vector<FieldViolation>& violations);

// INVALID_ARGUMENT for one field.
absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view description);

// OUT_OF_RANGE for one field (e.g. a data version past the newest).
absl::Status OutOfRangeFieldError(absl::string_view field,
                                  absl::string_view description);

// FAILED_PRECONDITION with a reason and violations.
absl::Status FailedPreconditionError(
    absl::string_view reason, absl::string_view message,
    const std::vector<PreconditionViolation>& violations);

// The stable reason of `status`, or "" when it carries none.
std::string ErrorReason(const absl::Status& status);

// The field violations `status` carries.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

// The precondition violations `status` carries.
std::vector<PreconditionViolation> PreconditionViolations(
    const absl::Status& status);

// Adds `key`: `value` to the metadata of the status's ErrorInfo (e.g. what
// a failed stream had already committed). Keeps the reason.
void AddErrorMetadata(absl::Status& status, absl::string_view key, absl::string_view value);

// `status` with `message` instead of its own, keeping code, reason, details
// and metadata.
absl::Status WithMessage(const absl::Status& status, absl::string_view message);

// The metadata of the status's ErrorInfo.
std::map<std::string, std::string> ErrorMetadata(const absl::Status& status);

// Payload type URLs used for the details above.
inline constexpr absl::string_view kErrorInfoTypeUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kPreconditionFailureTypeUrl =
    "type.googleapis.com/google.rpc.PreconditionFailure";

}  // namespace imdi

#endif  // IMDI_COMMON_ERRORS_H_
