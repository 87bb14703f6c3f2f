#include "tools/imdictl/award_helpers.h"

#include <fstream>

#include "absl/flags/flag.h"
#include "tools/imdictl/flags.h"

namespace imdi::imdictl {

int UsageError(absl::string_view message) {
  std::cerr << "imdictl: " << message << "\n";
  return kExitUsage;
}

std::optional<std::string> CycleFromFlags() {
  std::string cycle = absl::GetFlag(FLAGS_cycle);
  if (cycle.empty()) cycle = absl::GetFlag(FLAGS_cycle_id);
  if (cycle.empty()) {
    UsageError("name the cycle: --cycle=ID (imdictl cycle list shows them)");
    return std::nullopt;
  }
  return cycle;
}

std::optional<std::string> ReadInputFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "imdictl: cannot read " << path << "\n";
    return std::nullopt;
  }
  std::string text(kMaxInputFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxInputFileBytes) {
    std::cerr << "imdictl: " << path << " is larger than " << kMaxInputFileBytes << " bytes\n";
    return std::nullopt;
  }
  return text;
}

int ReadAuditEvents(Client& client, award_api::ListAuditEventsRequest& request,
                    award_api::ListAuditEventsResponse& all) {
  return ReadPages<award_api::ListAuditEventsResponse>(
      request,
      [&](const auto& r, auto& page) {
        return Read(client, &award_api::AwardService::Stub::ListAuditEvents, "ListAuditEvents", r,
                    page);
      },
      [&](auto& page) {
        for (auto& e : *page.mutable_events()) *all.add_events() = std::move(e);
      });
}

std::optional<award_api::ListNominationsResponse> ListNominations(Client& client,
                                                                  const std::string& cycle,
                                                                  bool full, int& exit_code) {
  award_api::ListNominationsRequest request;
  request.set_cycle_id(cycle);
  request.set_show_withdrawn(true);
  request.set_view(full ? award_api::NOMINATION_VIEW_FULL : award_api::NOMINATION_VIEW_BASIC);
  award_api::ListNominationsResponse response;
  exit_code = Read(client, &award_api::AwardService::Stub::ListNominations, "ListNominations",
                   request, response);
  if (exit_code != kExitOk) return std::nullopt;
  return response;
}

void PrintCycleLine(const award_api::Cycle& cycle) {
  std::cout << "cycle " << cycle.cycle_id() << " (" << cycle.config().title()
            << "): " << StateName(cycle.state());
  if (cycle.data_version() != 0) std::cout << ", data version " << cycle.data_version();
  std::cout << "; etag " << cycle.etag() << "\n";
}

void PrintWarnings(const google::protobuf::RepeatedPtrField<std::string>& warnings) {
  for (const std::string& w : warnings) std::cerr << "warning: " << w << "\n";
}

}  // namespace imdi::imdictl
