// stats-service: the statistics service binary.
//
//   stats-service --listen=127.0.0.1:50051 --data_dir=PATH
//
// Opens the RocksDB store under --data_dir, serves imdi.stats.v1.StatsService
// with server reflection and grpc.health.v1.Health, and shuts down
// gracefully on SIGTERM or SIGINT.
#include <csignal>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/server_host.h"
#include "common/server_security.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/service/stats_service.h"
#include "stats-service/storage/rocksdb_stats_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve on, HOST:PORT; port 0 picks a free port.");
ABSL_FLAG(std::string, data_dir, "", "Directory of the RocksDB store (required).");
ABSL_FLAG(bool, sync, true,
          "fsync the write-ahead log on every commit. Without it a machine "
          "crash (not a process crash) may lose the last commits.");
ABSL_FLAG(std::string, port_file, "",
          "When set, write the bound port to this file once serving.");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "How long to let calls in flight finish on SIGTERM.");

int main(int argc, char** argv) {
  imdi::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "Serves imdi.stats.v1.StatsService.\n"
      "Usage: stats-service --listen=127.0.0.1:50051 --data_dir=PATH");
  absl::ParseCommandLine(argc, argv);

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    imdi::LogError("--data_dir is required");
    return 2;
  }
  auto security = imdi::ServerSecurityFromFlags("stats-service", absl::GetFlag(FLAGS_listen));
  if (!security.ok()) {
    imdi::LogError(std::string(security.status().message()));
    return 2;
  }
  auto store = imdi::stats::RocksDbStatsStore::Open(
      {.path = data_dir, .sync = absl::GetFlag(FLAGS_sync)});
  if (!store.ok()) {
    imdi::LogError(absl::StrCat("cannot open the store: ", store.status().message()));
    return 1;
  }
  auto core = imdi::stats::StatsCore::Create(std::move(*store));
  if (!core.ok()) {
    imdi::LogError(absl::StrCat("cannot load the store: ", core.status().ToString()));
    return 1;
  }
  imdi::stats::StatsServiceImpl service(core->get(), security->access.get());
  auto host = imdi::ServerHost::Start(
      absl::GetFlag(FLAGS_listen),
      {{&service, imdi::stats::v1::StatsService::service_full_name()}},
      security->server_options);
  if (!host.ok()) {
    imdi::LogError(std::string(host.status().message()));
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    absl::Status written = imdi::WritePortFile(port_file, (*host)->port());
    if (!written.ok()) {
      imdi::LogError(std::string(written.message()));
      return 1;
    }
  }
  (*host)->SetServing(true);
  imdi::LogInfo(absl::StrCat("stats-service serving on port ", (*host)->port(),
                             " (listen ", absl::GetFlag(FLAGS_listen), "), data_dir ",
                             data_dir, ", data version ", (*core)->data_version(),
                             ", municipalities ", (*core)->directory()->all().size()));

  int signal = imdi::WaitForTerminationSignal();
  for (; signal == SIGHUP; signal = imdi::WaitForTerminationSignal()) security->Reload();
  imdi::LogInfo(absl::StrCat("signal ", signal, ": shutting down"));
  (*host)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  host->reset();
  core->reset();
  imdi::LogInfo("stopped");
  return 0;
}
