// stats-service: the statistics service binary.
//
//   stats-service --listen=127.0.0.1:50051 --data_dir=PATH
//
// Opens the RocksDB store under --data_dir, serves imdi.stats.v1.StatsService
// with server reflection and grpc.health.v1.Health, and shuts down
// gracefully on SIGTERM or SIGINT. The flags become StatsServerOptions; the
// wiring is stats-service/server.h, shared with the tests.
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/backup_flags.h"
#include "common/log.h"
#include "common/process_flags.h"
#include "common/server_host.h"
#include "common/server_security.h"
#include "stats-service/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve on, HOST:PORT; port 0 picks a free port.");
ABSL_FLAG(std::string, data_dir, "", "Directory of the RocksDB store (required).");
ABSL_FLAG(bool, sync, true,
          "fsync the write-ahead log on every commit. Without it a machine "
          "crash (not a process crash) may lose the last commits.");
ABSL_FLAG(std::string, port_file, "",
          "When set, write the bound port to this file once serving.");
ABSL_FLAG(int, watch_queue_commits, 1024,
          "WatchFigures: commits queued for one watcher at most; a watcher further "
          "behind is cut off (RESOURCE_EXHAUSTED, WATCHER_TOO_SLOW).");
ABSL_FLAG(int, watch_queue_mib, 32,
          "WatchFigures: MiB of changes queued for one watcher at most.");
ABSL_FLAG(int, watch_max_watchers, 64,
          "WatchFigures: calls at once at most (RESOURCE_EXHAUSTED, TOO_MANY_WATCHERS).");
ABSL_FLAG(std::string, metrics_listen, "",
          "IP:PORT of the Prometheus endpoint (/metrics, plaintext, no credentials); off "
          "when empty.");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "How long to let calls in flight finish on SIGTERM.");

int main(int argc, char** argv) {
  imdi::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "Serves imdi.stats.v1.StatsService.\n"
      "Usage: stats-service --listen=127.0.0.1:50051 --data_dir=PATH");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status applied = imdi::ApplyProcessFlags(); !applied.ok()) {
    imdi::LogError(std::string(applied.message()));
    return imdi::StartFailureExitCode(applied);
  }

  if (std::optional<int> restored =
          imdi::RestoreIfAsked("stats-service", absl::GetFlag(FLAGS_data_dir))) {
    return *restored;  // an offline restore: no serving
  }

  imdi::stats::StatsServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.sync = absl::GetFlag(FLAGS_sync);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  const imdi::BackupFlags backup = imdi::BackupFlagsFromFlags();
  options.backup_dir = backup.backup_dir;
  options.backup_keep = backup.backup_keep;
  options.security = imdi::SecurityOptionsFromFlags();
  const int watch_commits = absl::GetFlag(FLAGS_watch_queue_commits);
  const int watch_mib = absl::GetFlag(FLAGS_watch_queue_mib);
  const int watchers = absl::GetFlag(FLAGS_watch_max_watchers);
  if (watch_commits < 1 || watch_mib < 1 || watch_mib > 4096 || watchers < 0) {
    imdi::LogError(
        "--watch_queue_commits and --watch_queue_mib (at most 4096) must be positive, "
        "--watch_max_watchers not negative");
    return imdi::StartFailureExitCode(absl::InvalidArgumentError("watch flags"));
  }
  options.changes.queue_commits = static_cast<size_t>(watch_commits);
  options.changes.queue_bytes = static_cast<size_t>(watch_mib) << 20;
  options.changes.max_watchers = static_cast<size_t>(watchers);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  auto server = imdi::stats::StatsServer::Start(options);
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
