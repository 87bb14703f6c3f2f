// One invocation's connection to the services: long-lived channels made on
// first use from the resolved settings, a deadline, the bearer token and
// the actor on every call, and failed calls printed decoded (rpc_error.h).
//
// Not thread-safe; imdictl makes its calls one after the other.
#ifndef IMDI_TOOLS_IMDICTL_CLIENT_H_
#define IMDI_TOOLS_IMDICTL_CLIENT_H_

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/award/v1/award_admin.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "imdi/stats/v1/stats_admin.grpc.pb.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/rpc_error.h"
#include "tools/imdictl/settings.h"

namespace imdi::imdictl {

class Client {
 public:
  explicit Client(Settings settings) : settings_(std::move(settings)) {}

  const Settings& settings() const { return settings_; }
  bool json() const { return settings_.json; }

  // The stubs, connected on first use; nullptr when the channel cannot be
  // made (a certificate or token file unreadable): the reason is printed
  // and the command exits with kExitFile.
  stats::v1::StatsService::Stub* Stats();
  award::v1::AwardService::Stub* Award();
  // The admin services (backups), on the same targets.
  stats::v1::StatsAdminService::Stub* StatsAdmin();
  award::v1::AwardAdminService::Stub* AwardAdmin();

  // A deadline, the bearer token and the actor.
  void Prepare(grpc::ClientContext& context) const;

  // Calls `method`; on failure prints the decoded error under `name` and
  // returns the exit status for it, else 0.
  template <typename Stub, typename Request, typename Response>
  int Call(Stub* stub,
           grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           absl::string_view name, const Request& request, Response& response) {
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = (stub->*method)(&context, request, &response);
    if (status.ok()) return 0;
    std::cerr << FormatRpcError(name, status);
    return ExitCodeFor(status);
  }

 private:
  std::shared_ptr<grpc::Channel> Connect(const std::string& target);

  Settings settings_;
  std::string token_;
  bool token_read_ = false;
  std::unique_ptr<stats::v1::StatsService::Stub> stats_;
  std::unique_ptr<award::v1::AwardService::Stub> award_;
  std::unique_ptr<stats::v1::StatsAdminService::Stub> stats_admin_;
  std::unique_ptr<award::v1::AwardAdminService::Stub> award_admin_;
};

// The reply as the API's JSON (MessageToJsonString, one line).
std::string ToJson(const google::protobuf::Message& message);

// A listing that has not ended after this many pages is the service's fault.
inline constexpr int kMaxPages = 10000;

// Reads every page of a listing (AIP-158): `call(request, page)` reads one
// page and returns an exit status, `keep(page)` takes its items. Returns
// the first failure's status, or kExitRpc when the pages do not end.
template <typename Page, typename Request, typename Call, typename Keep>
int ReadPages(Request& request, const Call& call, const Keep& keep) {
  for (int i = 0; i < kMaxPages; ++i) {
    Page page;
    if (int rc = call(request, page)) return rc;
    keep(page);
    if (page.next_page_token().empty()) return kExitOk;
    request.set_page_token(page.next_page_token());
  }
  std::cerr << "imdictl: the listing did not end after " << kMaxPages << " pages\n";
  return kExitRpc;
}

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_CLIENT_H_
