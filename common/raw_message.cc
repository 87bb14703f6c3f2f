#include "common/raw_message.h"

#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace imdi {
namespace {

namespace pb = ::google::protobuf;

// Nesting followed when looking for the bad text; protobuf's own limit.
constexpr int kMaxDepth = 100;

// The path of the first string field under `fields` (a message of type
// `type`) whose bytes are not UTF-8, e.g. "rows[3].figures.note".
std::optional<std::string> InvalidUtf8Field(const pb::UnknownFieldSet& fields,
                                            const pb::Descriptor& type, int depth) {
  if (depth > kMaxDepth) return std::nullopt;
  std::map<int, int> seen;  // field number -> occurrences so far (repeated fields)
  for (int i = 0; i < fields.field_count(); ++i) {
    const pb::UnknownField& field = fields.field(i);
    const int index = seen[field.number()]++;
    if (field.type() != pb::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const pb::FieldDescriptor* descriptor = type.FindFieldByNumber(field.number());
    if (descriptor == nullptr) continue;
    const std::string name = descriptor->is_repeated()
                                 ? absl::StrCat(descriptor->name(), "[", index, "]")
                                 : descriptor->name();
    if (descriptor->type() == pb::FieldDescriptor::TYPE_STRING) {
      if (FirstInvalidUtf8(field.length_delimited())) return name;
    } else if (descriptor->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
      pb::UnknownFieldSet nested;
      if (!nested.ParseFromString(field.length_delimited())) continue;
      if (auto inner = InvalidUtf8Field(nested, *descriptor->message_type(), depth + 1)) {
        return absl::StrCat(name, ".", *inner);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

absl::Status ParseMessage(const grpc::ByteBuffer& bytes, pb::Message& message) {
  message.Clear();
  grpc::ByteBuffer copy(bytes);  // shares the slices
  grpc::ProtoBufferReader reader(&copy);
  {
    // Protobuf logs every text that is not UTF-8 on its own; the call's own
    // log line says it once, so a client cannot flood the log with them.
    pb::LogSilencer quiet;
    if (reader.status().ok() && message.ParseFromZeroCopyStream(&reader)) return absl::OkStatus();
  }

  const std::string type = message.GetDescriptor()->full_name();
  // The wire format read without types: a text that is not UTF-8 is the
  // usual cause, and it can be named.
  grpc::ByteBuffer again(bytes);
  grpc::ProtoBufferReader untyped_reader(&again);
  pb::UnknownFieldSet untyped;
  if (untyped_reader.status().ok() && untyped.ParseFromZeroCopyStream(&untyped_reader)) {
    if (std::optional<std::string> field = InvalidUtf8Field(untyped, *message.GetDescriptor(), 0)) {
      return InvalidArgumentError("UNREADABLE_REQUEST",
                                  {{*field, absl::StrCat("is not valid UTF-8, so the ", type,
                                                         " cannot be read; send text as UTF-8")}});
    }
  }
  return MakeError(absl::StatusCode::kInvalidArgument, "UNREADABLE_REQUEST",
                   absl::StrCat("the request is not a readable ", type, " (", bytes.Length(),
                                " bytes that are not this message in protobuf's wire format)"));
}

std::optional<std::string> InvalidUtf8Field(const pb::Message& message) {
  std::string bytes;
  {
    pb::LogSilencer quiet;  // protobuf logs the bad text while serializing
    if (!message.SerializeToString(&bytes)) return std::nullopt;
  }
  pb::UnknownFieldSet untyped;
  if (!untyped.ParseFromString(bytes)) return std::nullopt;
  return InvalidUtf8Field(untyped, *message.GetDescriptor(), 0);
}

absl::Status SerializeMessage(const pb::Message& message, grpc::ByteBuffer* bytes) {
  bytes->Clear();  // a buffer reused for the next message of a stream
  bool own_buffer = false;
  grpc::Status status =
      grpc::SerializationTraits<pb::Message>::Serialize(message, bytes, &own_buffer);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat(
        "cannot serialize ", message.GetDescriptor()->full_name(), ": ", status.error_message()));
  }
  return absl::OkStatus();
}

}  // namespace imdi
