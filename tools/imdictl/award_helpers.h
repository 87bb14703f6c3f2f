// What the award commands share: the cycle named on the command line,
// bounded reads of input files, the cycle's nominations for resolving the
// names in a file, and the call that derives a request id from its input.
#ifndef IMDI_TOOLS_IMDICTL_AWARD_HELPERS_H_
#define IMDI_TOOLS_IMDICTL_AWARD_HELPERS_H_

#include <iostream>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "tools/imdictl/client.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/output.h"

namespace imdi::imdictl {

namespace award_api = ::imdi::award::v1;

// Input files are small; a larger one is refused.
inline constexpr size_t kMaxInputFileBytes = 4 << 20;

// Prints the message and returns kExitUsage.
int UsageError(absl::string_view message);

// --cycle (or the deprecated --cycle_id); empty after printing a usage
// error when neither is given.
std::optional<std::string> CycleFromFlags();

// The file's bytes, or nullopt after printing why not (exit kExitFile).
std::optional<std::string> ReadInputFile(const std::string& path);

// The cycle's nominations (withdrawn ones too, FULL view when `full`);
// nullopt after printing the error, `exit_code` set.
std::optional<award_api::ListNominationsResponse> ListNominations(Client& client,
                                                                  const std::string& cycle,
                                                                  bool full, int& exit_code);

// Sets the request id from the request's content, then calls. The same
// input always sends the same id, so running the command again changes
// nothing.
template <typename Request, typename Response>
int Mutate(Client& client, absl::string_view command,
           grpc::Status (award_api::AwardService::Stub::*method)(grpc::ClientContext*,
                                                                 const Request&, Response*),
           absl::string_view rpc, Request& request, Response& response) {
  request.clear_request_id();
  request.set_request_id(InputRequestId(command, request));
  award_api::AwardService::Stub* stub = client.Award();
  if (stub == nullptr) return kExitFile;
  return client.Call(stub, method, rpc, request, response);
}

// A read-only call.
template <typename Request, typename Response>
int Read(Client& client,
         grpc::Status (award_api::AwardService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                               Response*),
         absl::string_view rpc, const Request& request, Response& response) {
  award_api::AwardService::Stub* stub = client.Award();
  if (stub == nullptr) return kExitFile;
  return client.Call(stub, method, rpc, request, response);
}

// Every audit event the request's listing gives, page after page, into `all`.
int ReadAuditEvents(Client& client, award_api::ListAuditEventsRequest& request,
                    award_api::ListAuditEventsResponse& all);

// "cycle 2016 (Bosettingsprisen 2016): nominations open; etag ..." and the
// schedule warnings.
void PrintCycleLine(const award_api::Cycle& cycle);
void PrintWarnings(const google::protobuf::RepeatedPtrField<std::string>& warnings);

// A transition's reply: its schedule warnings, then the API's JSON or the
// cycle's line.
template <typename Response>
int ShowCycleReply(Client& client, const Response& response) {
  if constexpr (requires { response.warnings(); }) PrintWarnings(response.warnings());
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    PrintCycleLine(response.cycle());
  }
  return kExitOk;
}

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_AWARD_HELPERS_H_
