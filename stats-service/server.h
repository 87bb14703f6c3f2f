// The statistics service's composition root: the RocksDB store, StatsCore,
// the gRPC handlers, security, health and reflection, wired and started
// from one options struct. main.cc, the integration tests and anything else
// that runs the service build it here, so they all run the same wiring.
//
// Thread-safe. The server owns everything it builds; destroying it shuts it
// down (with a grace of 5 seconds) and closes the store.
#ifndef IMDI_STATS_SERVICE_SERVER_H_
#define IMDI_STATS_SERVICE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rocksdb_backup.h"
#include "common/metrics.h"
#include "common/server_host.h"
#include "common/server_security.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/service/stats_admin_service.h"
#include "stats-service/service/stats_service.h"

namespace imdi::stats {

// What the binary's flags say (stats-service/main.cc).
struct StatsServerOptions {
  // HOST:PORT; port 0 picks a free port (see StatsServer::port()).
  std::string listen = "127.0.0.1:50051";
  // Directory of the RocksDB store (required).
  std::string data_dir;
  // fsync the write-ahead log on every commit.
  bool sync = true;
  // When set, the bound port is written here once the server listens.
  std::string port_file;
  // The change feed's bounds (WatchFigures): queue per watcher, watchers.
  ChangeHubOptions changes;
  // TLS, credentials, reflection and the health port.
  SecurityOptions security;
  // Where StatsAdminService takes backups (empty: it answers that none are
  // kept), and how many of the newest it keeps.
  std::string backup_dir;
  int backup_keep = 7;
  // IP:PORT of the Prometheus endpoint (/metrics); off when empty.
  std::string metrics_listen;
};

class StatsServer {
 public:
  // Opens the store, starts serving and reports SERVING. INVALID_ARGUMENT or
  // FAILED_PRECONDITION when the options may not start; another code when
  // starting failed (the store, the address, the port file).
  static absl::StatusOr<std::unique_ptr<StatsServer>> Start(const StatsServerOptions& options);

  ~StatsServer();
  StatsServer(const StatsServer&) = delete;
  StatsServer& operator=(const StatsServer&) = delete;

  // The port actually bound.
  int port() const { return host_->port(); }
  // The plaintext health port actually bound; 0 without health_listen.
  int health_port() const { return host_->health_port(); }
  // The metrics port actually bound; 0 without metrics_listen.
  int metrics_port() const { return endpoint_ != nullptr ? endpoint_->port() : 0; }

  // Reads the credentials again, as on SIGHUP; keeps the old ones on error.
  absl::Status ReloadCredentials() const { return security_.Reload(); }

  // Blocks until SIGINT or SIGTERM (see BlockTerminationSignals), reloading
  // the credentials on every SIGHUP, and returns the signal.
  int ServeUntilSignal() const;

  // Reports NOT_SERVING, ends every WatchFigures call (UNAVAILABLE,
  // SHUTTING_DOWN), stops accepting calls and waits up to `grace` for
  // calls in flight. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  StatsServer() = default;

  ServerSecurity security_;
  std::unique_ptr<RocksDbBackups> backups_;  // null without a backup_dir
  // The figures outlive the server's calls; the endpoint, which reads the
  // core at every scrape, goes first.
  std::unique_ptr<GrpcServerMetrics> call_metrics_;
  std::unique_ptr<StatsMetrics> metrics_;
  std::unique_ptr<StatsCore> core_;
  std::unique_ptr<StatsServiceImpl> service_;
  std::unique_ptr<StatsAdminServiceImpl> admin_;  // destroyed before the core
  std::unique_ptr<ServerHost> host_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_SERVER_H_
