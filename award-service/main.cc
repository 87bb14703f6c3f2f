// award-service: the settlement award service binary.
//
//   award-service --listen=127.0.0.1:50052 --data_dir=PATH
//                 --stats_target=127.0.0.1:50051
//
// Opens the RocksDB store under --data_dir, talks to the statistics service
// over one long-lived channel, serves imdi.award.v1.AwardService with server
// reflection and grpc.health.v1.Health (NOT_SERVING while the statistics
// service is unreachable), and shuts down gracefully on SIGTERM or SIGINT.
// The flags become AwardServerOptions; the wiring is award-service/server.h,
// shared with the tests.
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "award-service/server.h"
#include "common/backup_flags.h"
#include "common/log.h"
#include "common/process_flags.h"
#include "common/server_host.h"
#include "common/server_security.h"

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
ABSL_FLAG(std::string, metrics_listen, "",
          "IP:PORT of the Prometheus endpoint (/metrics, plaintext, no credentials); off "
          "when empty.");
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
  if (absl::Status applied = imdi::ApplyProcessFlags(); !applied.ok()) {
    imdi::LogError(std::string(applied.message()));
    return imdi::StartFailureExitCode(applied);
  }

  if (std::optional<int> restored =
          imdi::RestoreIfAsked("award-service", absl::GetFlag(FLAGS_data_dir))) {
    return *restored;  // an offline restore: no serving
  }

  imdi::award::AwardServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.sync = absl::GetFlag(FLAGS_sync);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  const imdi::BackupFlags backup = imdi::BackupFlagsFromFlags();
  options.backup_dir = backup.backup_dir;
  options.backup_keep = backup.backup_keep;
  options.security = imdi::SecurityOptionsFromFlags();
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.stats_target = absl::GetFlag(FLAGS_stats_target);
  options.stats_tls = {absl::GetFlag(FLAGS_stats_tls_ca), absl::GetFlag(FLAGS_stats_tls_cert),
                       absl::GetFlag(FLAGS_stats_tls_key)};
  options.stats_token_file = absl::GetFlag(FLAGS_stats_token_file);
  options.stats_deadline = absl::Milliseconds(absl::GetFlag(FLAGS_stats_deadline_ms));
  options.stats_attempts = absl::GetFlag(FLAGS_stats_attempts);
  options.health_interval = absl::Milliseconds(absl::GetFlag(FLAGS_health_interval_ms));
  options.comparables = absl::GetFlag(FLAGS_comparables);
  options.workers = absl::GetFlag(FLAGS_workers);
  options.store_workers = absl::GetFlag(FLAGS_store_workers);
  auto server = imdi::award::AwardServer::Start(options);
  if (!server.ok()) {
    imdi::LogError(std::string(server.status().message()));
    return imdi::StartFailureExitCode(server.status());
  }

  int signal = (*server)->ServeUntilSignal();
  imdi::LogInfo(absl::StrCat("signal ", signal, ": shutting down"));
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->reset();
  imdi::LogInfo("stopped");
  return 0;
}
