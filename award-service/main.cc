// award-service: the settlement award service binary.
//
//   award-service --listen=127.0.0.1:50052 --data_dir=PATH
//                 --stats_target=127.0.0.1:50051
//
// Opens the RocksDB store under --data_dir, talks to the statistics service
// over one long-lived channel, serves imdi.award.v1.AwardService with server
// reflection and grpc.health.v1.Health (NOT_SERVING while the statistics
// service is unreachable), and shuts down gracefully on SIGTERM or SIGINT.
#include <csignal>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "award-service/core/award_core.h"
#include "award-service/domain/comparables.h"
#include "award-service/service/award_service.h"
#include "award-service/stats/grpc_stats_client.h"
#include "award-service/stats/stats_health_monitor.h"
#include "award-service/storage/award_store.h"
#include "common/log.h"
#include "common/server_host.h"
#include "common/server_security.h"
#include "common/auth/tls.h"
#include "common/worker_pool.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052",
          "Address to serve on, HOST:PORT; port 0 picks a free port.");
ABSL_FLAG(std::string, data_dir, "", "Directory of the RocksDB store (required).");
ABSL_FLAG(std::string, stats_target, "127.0.0.1:50051",
          "The statistics service, HOST:PORT.");
ABSL_FLAG(std::string, comparables, "",
          "The directorate's comparable municipalities "
          "(data/regions/similarMunicipalities.json). Without it, criteria that "
          "compare with comparable municipalities report insufficient data.");
ABSL_FLAG(bool, sync, true, "fsync the write-ahead log on every commit.");
ABSL_FLAG(std::string, port_file, "", "When set, write the bound port to this file once serving.");
ABSL_FLAG(int, shutdown_grace_seconds, 10, "How long to let calls in flight finish on SIGTERM.");
ABSL_FLAG(int, workers, 8, "Threads that run calls that read from the statistics service.");
ABSL_FLAG(int, store_workers, 4, "Threads that run calls that touch only the award store.");
ABSL_FLAG(int, stats_deadline_ms, 5000, "Deadline of one call to the statistics service.");
ABSL_FLAG(int, stats_attempts, 4,
          "Attempts per read from the statistics service (2-5; the channel's retry policy).");
ABSL_FLAG(int, health_interval_ms, 2000, "How often the statistics service's health is checked.");
ABSL_FLAG(std::string, stats_tls_ca, "",
          "PEM CA of the statistics service's certificate; talk to it over TLS.");
ABSL_FLAG(std::string, stats_tls_cert, "",
          "PEM client certificate for the statistics service (mutual TLS identity).");
ABSL_FLAG(std::string, stats_tls_key, "", "PEM private key of --stats_tls_cert.");
ABSL_FLAG(std::string, stats_token_file, "",
          "File holding the bearer token the award service presents to the statistics service.");

int main(int argc, char** argv) {
  imdi::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "Serves imdi.award.v1.AwardService.\n"
      "Usage: award-service --listen=127.0.0.1:50052 --data_dir=PATH "
      "--stats_target=127.0.0.1:50051");
  absl::ParseCommandLine(argc, argv);

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    imdi::LogError("--data_dir is required");
    return 2;
  }
  if (absl::GetFlag(FLAGS_stats_attempts) < 2 || absl::GetFlag(FLAGS_stats_attempts) > 5) {
    imdi::LogError("--stats_attempts must be between 2 and 5 (the retry policy's limits)");
    return 2;
  }
  if (absl::GetFlag(FLAGS_workers) < 1 || absl::GetFlag(FLAGS_store_workers) < 1 || absl::GetFlag(FLAGS_stats_deadline_ms) < 1 ||
      absl::GetFlag(FLAGS_stats_attempts) < 1 || absl::GetFlag(FLAGS_health_interval_ms) < 1) {
    imdi::LogError("--workers, --store_workers, --stats_deadline_ms, --stats_attempts and "
                   "--health_interval_ms must be at least 1");
    return 2;
  }
  imdi::award::Comparables comparables;
  if (const std::string path = absl::GetFlag(FLAGS_comparables); !path.empty()) {
    auto loaded = imdi::award::Comparables::Load(path);
    if (!loaded.ok()) {
      imdi::LogError(std::string(loaded.status().message()));
      return 2;
    }
    comparables = *std::move(loaded);
  } else {
    imdi::LogWarning("no --comparables: comparisons with comparable municipalities "
                     "report insufficient data");
  }
  auto security = imdi::ServerSecurityFromFlags("award-service", absl::GetFlag(FLAGS_listen));
  if (!security.ok()) {
    imdi::LogError(std::string(security.status().message()));
    return 2;
  }
  // The award service's own credentials towards the statistics service.
  std::shared_ptr<grpc::ChannelCredentials> stats_credentials = grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_stats_tls_ca).empty() || !absl::GetFlag(FLAGS_stats_tls_cert).empty()) {
    auto tls = imdi::auth::MakeChannelCredentials({absl::GetFlag(FLAGS_stats_tls_ca),
                                                   absl::GetFlag(FLAGS_stats_tls_cert),
                                                   absl::GetFlag(FLAGS_stats_tls_key)});
    if (!tls.ok()) {
      imdi::LogError(std::string(tls.status().message()));
      return 2;
    }
    stats_credentials = *std::move(tls);
  } else if (!imdi::DevelopmentMode()) {
    imdi::LogError("award-service talks to the statistics service over TLS: give --stats_tls_ca "
                   "(or --insecure_dev for development on localhost)");
    return 2;
  } else if (!imdi::IsLoopback(absl::GetFlag(FLAGS_stats_target))) {
    imdi::LogError("without --stats_tls_ca the statistics service must be on a loopback address");
    return 2;
  }
  std::string stats_token;
  if (const std::string path = absl::GetFlag(FLAGS_stats_token_file); !path.empty()) {
    auto token = imdi::auth::ReadFile(path);
    if (!token.ok()) {
      imdi::LogError(std::string(token.status().message()));
      return 2;
    }
    stats_token = std::string(absl::StripAsciiWhitespace(*token));
  }
  auto store = imdi::award::OpenRocksDbAwardStore(
      {.path = data_dir, .sync = absl::GetFlag(FLAGS_sync)});
  if (!store.ok()) {
    imdi::LogError(absl::StrCat("cannot open the store: ", store.status().message()));
    return 1;
  }

  // One channel for the life of the process.
  auto channel = grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_stats_target), stats_credentials,
      imdi::award::StatsChannelArguments(absl::GetFlag(FLAGS_stats_attempts)));
  imdi::award::GrpcStatsClientOptions stats_options;
  stats_options.deadline = absl::Milliseconds(absl::GetFlag(FLAGS_stats_deadline_ms));
  stats_options.bearer_token = stats_token;
  imdi::award::GrpcStatsClient stats(channel, stats_options);
  imdi::award::AwardCore core(store->get(), &stats, std::move(comparables));
  imdi::WorkerPool stats_pool(absl::GetFlag(FLAGS_workers));
  imdi::WorkerPool store_pool(absl::GetFlag(FLAGS_store_workers));
  imdi::award::AwardServiceImpl service(&core, &stats_pool, &store_pool, security->access.get());
  auto host = imdi::ServerHost::Start(
      absl::GetFlag(FLAGS_listen),
      {{&service, imdi::award::v1::AwardService::service_full_name()}},
      security->server_options);
  if (!host.ok()) {
    imdi::LogError(std::string(host.status().message()));
    return 1;
  }
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    absl::Status written = imdi::WritePortFile(port_file, (*host)->port());
    if (!written.ok()) {
      imdi::LogError(std::string(written.message()));
      return 1;
    }
  }
  imdi::ServerHost* server = host->get();
  auto monitor = std::make_unique<imdi::award::StatsHealthMonitor>(
      &stats, absl::Milliseconds(absl::GetFlag(FLAGS_health_interval_ms)),
      [server, &stats](bool healthy, const absl::Status& status) {
        stats.SetReachable(healthy);
        server->SetServing(healthy);
        if (healthy) {
          imdi::LogInfo("statistics service reachable: SERVING");
        } else {
          imdi::LogWarning(absl::StrCat("statistics service unreachable: NOT_SERVING (",
                                        status.message(), ")"));
        }
      });
  imdi::LogInfo(absl::StrCat("award-service listening on port ", (*host)->port(), " (listen ",
                             absl::GetFlag(FLAGS_listen), "), data_dir ", data_dir,
                             ", stats ", absl::GetFlag(FLAGS_stats_target)));

  int signal = imdi::WaitForTerminationSignal();
  for (; signal == SIGHUP; signal = imdi::WaitForTerminationSignal()) {
    security->Reload().IgnoreError();  // logged; the old credentials stay
  }
  imdi::LogInfo(absl::StrCat("signal ", signal, ": shutting down"));
  // Health goes NOT_SERVING first; stopping the monitor may wait for one
  // health check, and it must not report SERVING again meanwhile.
  server->SetServing(false);
  monitor.reset();
  (*host)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  host->reset();
  imdi::LogInfo("stopped");
  return 0;
}
