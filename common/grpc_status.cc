#include "common/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/log.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace imdi {
namespace {

bool IsInternal(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal ||
         code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

// Default reason for errors that carry none: the code's own name.
std::string DefaultReason(absl::StatusCode code) {
  return absl::StatusCodeToString(code);
}

// Drops the last violation of a BadRequest or PreconditionFailure detail;
// false when it has none left.
bool DropLastViolation(google::protobuf::Any& any) {
  if (any.type_url() == kBadRequestTypeUrl) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request) || bad_request.field_violations().empty()) return false;
    bad_request.mutable_field_violations()->RemoveLast();
    any.PackFrom(bad_request);
    return true;
  }
  if (any.type_url() == kPreconditionFailureTypeUrl) {
    google::rpc::PreconditionFailure failure;
    if (!any.UnpackTo(&failure) || failure.violations().empty()) return false;
    failure.mutable_violations()->RemoveLast();
    any.PackFrom(failure);
    return true;
  }
  return false;
}

// The violations the BadRequest and PreconditionFailure details list.
int CountViolations(const google::rpc::Status& proto) {
  int count = 0;
  for (const google::protobuf::Any& any : proto.details()) {
    google::rpc::BadRequest bad_request;
    google::rpc::PreconditionFailure failure;
    if (any.type_url() == kBadRequestTypeUrl && any.UnpackTo(&bad_request)) {
      count += bad_request.field_violations_size();
    } else if (any.type_url() == kPreconditionFailureTypeUrl && any.UnpackTo(&failure)) {
      count += failure.violations_size();
    }
  }
  return count;
}

// Errors made with common/errors.h are small already; this keeps any other
// within kMaxErrorDetailsBytes: violations go first, last ones first, then
// whole details other than the ErrorInfo (the first). When any violation is
// dropped, the ErrorInfo says how many there were ("violations_total"), as
// common/errors.h does for the ones it leaves out.
void FitDetails(google::rpc::Status& proto) {
  if (proto.ByteSizeLong() <= kMaxErrorDetailsBytes) return;
  // Violations go first, so some will: the total goes in before the cut,
  // so that it counts against the bound too.
  const int before = CountViolations(proto);
  google::rpc::ErrorInfo info;
  if (before > 0 && proto.details_size() > 0 && proto.details(0).UnpackTo(&info) &&
      !info.metadata().contains("violations_total")) {
    (*info.mutable_metadata())["violations_total"] = absl::StrCat(before);
    proto.mutable_details(0)->PackFrom(info);
  }
  for (int i = proto.details_size() - 1; i >= 1 && proto.ByteSizeLong() > kMaxErrorDetailsBytes;) {
    if (!DropLastViolation(*proto.mutable_details(i))) --i;
  }
  while (proto.details_size() > 1 && proto.ByteSizeLong() > kMaxErrorDetailsBytes) {
    proto.mutable_details()->RemoveLast();
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status,
                          absl::string_view error_domain,
                          absl::string_view request_id) {
  if (status.ok()) return grpc::Status::OK;

  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  if (IsInternal(status.code())) {
    Log(LogLevel::kError, request_id,
        absl::StrCat("internal error: ", status.ToString()));
    proto.set_message(absl::StrCat(
        "internal error; the service log has the details under request id ",
        request_id));
  } else {
    proto.set_message(CleanText(status.message(), kMaxErrorMessageBytes));
  }

  google::rpc::ErrorInfo info;
  info.set_reason(ErrorReason(status));
  for (const auto& [key, value] : ErrorMetadata(status)) (*info.mutable_metadata())[key] = value;
  if (info.reason().empty() || IsInternal(status.code())) {
    info.set_reason(DefaultReason(status.code()));
  }
  info.set_domain(std::string(error_domain));
  if (!request_id.empty()) {
    (*info.mutable_metadata())["request_id"] = std::string(request_id);
  }
  proto.add_details()->PackFrom(info);

  if (!IsInternal(status.code())) {
    status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
      if (url == kErrorInfoTypeUrl) return;
      google::protobuf::Any* any = proto.add_details();
      any->set_type_url(std::string(url));
      any->set_value(std::string(payload));
    });
  }
  FitDetails(proto);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      proto.message(), proto.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  google::rpc::Status proto;
  if (!status.error_details().empty() &&
      proto.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : proto.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace imdi
