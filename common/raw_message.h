// Requests and replies as raw bytes. Both services register their methods
// as gRPC "raw callback" methods (the generated WithRawCallbackMethod_*
// mixins) and decode each request here, not in gRPC: a request gRPC could
// not decode would otherwise get UNIMPLEMENTED with an empty message, and a
// client-stream message it could not decode would look like the end of the
// stream. Here it is INVALID_ARGUMENT (reason UNREADABLE_REQUEST) naming the
// message type and, where the wire format shows it, the field whose text is
// not UTF-8.
//
// Pure functions; thread-safe.
#ifndef IMDI_COMMON_RAW_MESSAGE_H_
#define IMDI_COMMON_RAW_MESSAGE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace imdi {

// Parses `bytes` into `message` (cleared first). INVALID_ARGUMENT with
// reason UNREADABLE_REQUEST when they are not a `message` on the wire, with
// a field violation for the first text field that is not UTF-8.
absl::Status ParseMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message& message);

// The path of the first text field of `message` that is not UTF-8 (e.g.
// "criteria[2].title"), or nullopt. Such a message serializes, but no
// receiver can parse it: clients check what they built from files.
std::optional<std::string> InvalidUtf8Field(const google::protobuf::Message& message);

// Serializes `message` into `bytes`. INTERNAL when it cannot be.
absl::Status SerializeMessage(const google::protobuf::Message& message, grpc::ByteBuffer* bytes);

}  // namespace imdi

#endif  // IMDI_COMMON_RAW_MESSAGE_H_
