#include "common/errors.h"

#include <algorithm>
#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"

namespace imdi {
namespace {

template <typename Message>
std::optional<Message> Payload(const absl::Status& status,
                               absl::string_view type_url) {
  auto cord = status.GetPayload(type_url);
  if (!cord) return std::nullopt;
  Message message;
  if (!message.ParseFromString(std::string(*cord))) return std::nullopt;
  return message;
}

void SetPayload(absl::Status& status, absl::string_view type_url,
                const google::protobuf::MessageLite& message) {
  status.SetPayload(type_url, absl::Cord(message.SerializeAsString()));
}

// One part of an error (a field path, a description), cut to a length that
// keeps the whole error small; cut on a UTF-8 character boundary.
std::string Bounded(absl::string_view text) {
  if (text.size() <= kMaxViolationPartBytes) return std::string(text);
  size_t end = kMaxViolationPartBytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "...");
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, absl::string_view reason,
                       absl::string_view message) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  SetPayload(status, kErrorInfoTypeUrl, info);
  return status;
}

absl::Status InvalidArgumentError(absl::string_view reason,
                                  const std::vector<FieldViolation>& violations) {
  std::vector<std::string> parts;
  google::rpc::BadRequest bad_request;
  const size_t shown = std::min(violations.size(), kMaxViolationsReported);
  size_t message_bytes = 0;
  for (size_t i = 0; i < shown; ++i) {
    const FieldViolation& v = violations[i];
    std::string field = Bounded(v.field);
    std::string description = Bounded(v.description);
    std::string part = absl::StrCat(field, ": ", description);
    if (parts.size() < kViolationsInMessage && parts.size() == i &&
        message_bytes + part.size() <= kMaxComposedMessageBytes) {
      message_bytes += part.size() + 2;
      parts.push_back(std::move(part));
    }
    auto* out = bad_request.add_field_violations();
    out->set_field(std::move(field));
    out->set_description(std::move(description));
  }
  std::string message = absl::StrJoin(parts, "; ");
  if (violations.size() > parts.size()) {
    absl::StrAppend(&message, "; and ", violations.size() - parts.size(), " more");
  }
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, reason, message);
  SetPayload(status, kBadRequestTypeUrl, bad_request);
  if (violations.size() > shown) {
    AddErrorMetadata(status, "violations_total", absl::StrCat(violations.size()));
  }
  return status;
}

absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view description) {
  return InvalidArgumentError("INVALID_FIELD",
                              {{std::string(field), std::string(description)}});
}

absl::Status OutOfRangeFieldError(absl::string_view field,
                                  absl::string_view description) {
  absl::Status status =
      MakeError(absl::StatusCode::kOutOfRange, "OUT_OF_RANGE",
                absl::StrCat(field, ": ", description));
  google::rpc::BadRequest bad_request;
  auto* out = bad_request.add_field_violations();
  out->set_field(std::string(field));
  out->set_description(std::string(description));
  SetPayload(status, kBadRequestTypeUrl, bad_request);
  return status;
}

absl::Status FailedPreconditionError(
    absl::string_view reason, absl::string_view message,
    const std::vector<PreconditionViolation>& violations) {
  absl::Status status =
      MakeError(absl::StatusCode::kFailedPrecondition, reason, message);
  google::rpc::PreconditionFailure failure;
  const size_t shown = std::min(violations.size(), kMaxViolationsReported);
  for (size_t i = 0; i < shown; ++i) {
    const PreconditionViolation& v = violations[i];
    auto* out = failure.add_violations();
    out->set_type(Bounded(v.type));
    out->set_subject(Bounded(v.subject));
    out->set_description(Bounded(v.description));
  }
  SetPayload(status, kPreconditionFailureTypeUrl, failure);
  if (violations.size() > shown) {
    AddErrorMetadata(status, "violations_total", absl::StrCat(violations.size()));
  }
  return status;
}

std::string ErrorReason(const absl::Status& status) {
  auto info = Payload<google::rpc::ErrorInfo>(status, kErrorInfoTypeUrl);
  return info ? info->reason() : std::string();
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto bad_request = Payload<google::rpc::BadRequest>(status, kBadRequestTypeUrl);
  if (!bad_request) return out;
  for (const auto& v : bad_request->field_violations()) {
    out.push_back({v.field(), v.description()});
  }
  return out;
}

std::vector<PreconditionViolation> PreconditionViolations(
    const absl::Status& status) {
  std::vector<PreconditionViolation> out;
  auto failure = Payload<google::rpc::PreconditionFailure>(
      status, kPreconditionFailureTypeUrl);
  if (!failure) return out;
  for (const auto& v : failure->violations()) {
    out.push_back({v.type(), v.subject(), v.description()});
  }
  return out;
}

void AddErrorMetadata(absl::Status& status, absl::string_view key, absl::string_view value) {
  google::rpc::ErrorInfo info =
      Payload<google::rpc::ErrorInfo>(status, kErrorInfoTypeUrl).value_or(google::rpc::ErrorInfo());
  (*info.mutable_metadata())[std::string(key)] = std::string(value);
  SetPayload(status, kErrorInfoTypeUrl, info);
}

absl::Status WithMessage(const absl::Status& status, absl::string_view message) {
  absl::Status out(status.code(), message);
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

std::map<std::string, std::string> ErrorMetadata(const absl::Status& status) {
  std::map<std::string, std::string> out;
  if (auto info = Payload<google::rpc::ErrorInfo>(status, kErrorInfoTypeUrl)) {
    for (const auto& [key, value] : info->metadata()) out[key] = value;
  }
  return out;
}

}  // namespace imdi
