#include "tools/imdictl/rpc_error.h"

#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tools/imdictl/exit_codes.h"

namespace imdi::imdictl {

std::string FormatRpcError(absl::string_view what, const grpc::Status& status) {
  std::string out = absl::StrCat(
      "imdictl: ", what,
      " failed: ", absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
      ": ", status.error_message(), "\n");
  google::rpc::Status details;
  if (status.error_details().empty()) return out;
  if (!details.ParseFromString(status.error_details())) {
    absl::StrAppend(&out, "  (the error's details could not be decoded)\n");
    return out;
  }
  std::map<std::string, std::string> metadata;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::PreconditionFailure failure;
    if (any.Is<google::rpc::ErrorInfo>() && any.UnpackTo(&info)) {
      absl::StrAppend(&out, "  reason: ", info.reason());
      if (!info.domain().empty()) absl::StrAppend(&out, " (", info.domain(), ")");
      absl::StrAppend(&out, "\n");
      metadata.insert(info.metadata().begin(), info.metadata().end());
    } else if (any.Is<google::rpc::BadRequest>() && any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        absl::StrAppend(&out, "  field ", v.field(), ": ", v.description(), "\n");
      }
    } else if (any.Is<google::rpc::PreconditionFailure>() && any.UnpackTo(&failure)) {
      for (const auto& v : failure.violations()) {
        absl::StrAppend(&out, "  precondition ", v.type(), " ", v.subject(), ": ", v.description(),
                        "\n");
      }
    } else {
      absl::StrAppend(&out, "  detail of type ", any.type_url(), "\n");
    }
  }
  // The total first: it says the list above is cut.
  if (auto it = metadata.find("violations_total"); it != metadata.end()) {
    absl::StrAppend(&out, "  violations: ", it->second, " in all; the service listed fewer\n");
    metadata.erase(it);
  }
  for (const auto& [key, value] : metadata) absl::StrAppend(&out, "  ", key, ": ", value, "\n");
  return out;
}

int ExitCodeFor(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return kExitUnreachable;
  }
  return kExitRpc;
}

}  // namespace imdi::imdictl
