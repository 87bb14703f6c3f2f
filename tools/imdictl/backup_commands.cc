// imdictl backup create|list|verify: the admin services' backup calls on the
// service named by --service (imdi.stats.v1.StatsAdminService or
// imdi.award.v1.AwardAdminService, role stats.admin or award.admin).
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "imdi/award/v1/award_admin.grpc.pb.h"
#include "imdi/stats/v1/stats_admin.grpc.pb.h"
#include "tools/imdictl/client.h"
#include "tools/imdictl/commands.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/flags.h"

namespace imdi::imdictl {
namespace {

enum class Which { kStats, kAward };

// --service, or nullopt after printing a usage error.
std::optional<Which> ServiceFromFlag() {
  const std::string service = absl::GetFlag(FLAGS_service);
  if (service == "stats") return Which::kStats;
  if (service == "award") return Which::kAward;
  std::cerr << "imdictl: --service must be stats or award"
            << (service.empty() ? "" : absl::StrCat(", not \"", service, "\"")) << "\n";
  return std::nullopt;
}

// One backup as both admin APIs describe it.
struct Row {
  uint32_t id = 0;
  int64_t seconds = 0;
  uint64_t size = 0;
  uint32_t files = 0;
  std::optional<uint64_t> data_version;
};

Row RowOf(const stats::v1::Backup& b) {
  Row r{b.backup_id(), b.create_time().seconds(), b.size_bytes(), b.file_count(), std::nullopt};
  if (b.has_data_version()) r.data_version = b.data_version();
  return r;
}
Row RowOf(const award::v1::Backup& b) {
  return Row{b.backup_id(), b.create_time().seconds(), b.size_bytes(), b.file_count(),
             std::nullopt};
}

void PrintRows(const std::vector<Row>& rows, bool with_version) {
  std::cout << absl::StrFormat("%-6s %-20s %14s %6s%s\n", "ID", "TAKEN (UTC)", "BYTES", "FILES",
                               with_version ? "  DATA VERSION" : "");
  for (const Row& r : rows) {
    std::cout << absl::StrFormat(
        "%-6d %-20s %14d %6d%s\n", r.id,
        absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(r.seconds),
                         absl::UTCTimeZone()),
        r.size, r.files,
        !with_version    ? ""
        : r.data_version ? absl::StrCat("  ", *r.data_version)
                         : "  unknown");
  }
}

// Calls `method` on the service's admin stub and prints the reply: as JSON,
// or its backups as a table.
template <typename Stub, typename Request, typename Response, typename Rows>
int CallAndPrint(Client& client, Stub* stub,
                 grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                 absl::string_view name, const Request& request, bool with_version,
                 const Rows& rows_of) {
  if (stub == nullptr) return kExitFile;
  Response response;
  if (int rc = client.Call(stub, method, name, request, response)) return rc;
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    PrintRows(rows_of(response), with_version);
  }
  return kExitOk;
}

template <typename Api>
std::vector<Row> Single(const Api& response) {
  return {RowOf(response.backup())};
}
template <typename Api>
std::vector<Row> Many(const Api& response) {
  std::vector<Row> rows;
  for (const auto& b : response.backups()) rows.push_back(RowOf(b));
  return rows;
}

}  // namespace

int BackupCreate(Client& client, const Args& args) {
  if (!args.empty())
    return (std::cerr << "imdictl: backup create takes no arguments\n", kExitUsage);
  std::optional<Which> which = ServiceFromFlag();
  if (!which) return kExitUsage;
  if (*which == Which::kStats) {
    using Api = stats::v1::StatsAdminService::Stub;
    return CallAndPrint(client, client.StatsAdmin(), &Api::CreateBackup, "CreateBackup",
                        stats::v1::CreateBackupRequest(), true,
                        Single<stats::v1::CreateBackupResponse>);
  }
  using Api = award::v1::AwardAdminService::Stub;
  return CallAndPrint(client, client.AwardAdmin(), &Api::CreateBackup, "CreateBackup",
                      award::v1::CreateBackupRequest(), false,
                      Single<award::v1::CreateBackupResponse>);
}

int BackupList(Client& client, const Args& args) {
  if (!args.empty()) return (std::cerr << "imdictl: backup list takes no arguments\n", kExitUsage);
  std::optional<Which> which = ServiceFromFlag();
  if (!which) return kExitUsage;
  if (*which == Which::kStats) {
    using Api = stats::v1::StatsAdminService::Stub;
    return CallAndPrint(client, client.StatsAdmin(), &Api::ListBackups, "ListBackups",
                        stats::v1::ListBackupsRequest(), true,
                        Many<stats::v1::ListBackupsResponse>);
  }
  using Api = award::v1::AwardAdminService::Stub;
  return CallAndPrint(client, client.AwardAdmin(), &Api::ListBackups, "ListBackups",
                      award::v1::ListBackupsRequest(), false, Many<award::v1::ListBackupsResponse>);
}

int BackupVerify(Client& client, const Args& args) {
  if (!args.empty())
    return (std::cerr << "imdictl: backup verify takes no arguments\n", kExitUsage);
  std::optional<Which> which = ServiceFromFlag();
  if (!which) return kExitUsage;
  const int64_t id = absl::GetFlag(FLAGS_backup_id);
  if (id <= 0 || id > UINT32_MAX) {
    std::cerr << "imdictl: backup verify needs --backup_id=N (see imdictl backup list)\n";
    return kExitUsage;
  }
  if (*which == Which::kStats) {
    using Api = stats::v1::StatsAdminService::Stub;
    stats::v1::VerifyBackupRequest request;
    request.set_backup_id(static_cast<uint32_t>(id));
    return CallAndPrint(client, client.StatsAdmin(), &Api::VerifyBackup, "VerifyBackup", request,
                        true, Single<stats::v1::VerifyBackupResponse>);
  }
  using Api = award::v1::AwardAdminService::Stub;
  award::v1::VerifyBackupRequest request;
  request.set_backup_id(static_cast<uint32_t>(id));
  return CallAndPrint(client, client.AwardAdmin(), &Api::VerifyBackup, "VerifyBackup", request,
                      false, Single<award::v1::VerifyBackupResponse>);
}

}  // namespace imdi::imdictl
