// The award service's composition root: the RocksDB store, the statistics
// service's client on one long-lived channel, AwardCore, the worker pools,
// the gRPC handlers, security, health (following the statistics service's
// reachability) and reflection, wired and started from one options struct.
// main.cc, the integration tests and anything else that runs the service
// build it here, so they all run the same wiring.
//
// Thread-safe. The server owns everything it builds; destroying it shuts it
// down (with a grace of 5 seconds) and closes the store.
#ifndef IMDI_AWARD_SERVICE_SERVER_H_
#define IMDI_AWARD_SERVICE_SERVER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "award-service/core/award_core.h"
#include "award-service/service/award_admin_service.h"
#include "award-service/service/award_service.h"
#include "award-service/stats/grpc_stats_client.h"
#include "award-service/stats/stats_health_monitor.h"
#include "award-service/storage/award_store.h"
#include "common/auth/tls.h"
#include "common/rocksdb_backup.h"
#include "common/metrics.h"
#include "common/server_host.h"
#include "common/server_security.h"
#include "common/worker_pool.h"
#include "grpcpp/channel.h"

namespace imdi::award {

// What the binary's flags say (award-service/main.cc).
struct AwardServerOptions {
  // HOST:PORT; port 0 picks a free port (see AwardServer::port()).
  std::string listen = "127.0.0.1:50052";
  // Directory of the RocksDB store (required).
  std::string data_dir;
  // fsync the write-ahead log on every commit.
  bool sync = true;
  // When set, the bound port is written here once the server listens.
  std::string port_file;
  // TLS, credentials, reflection and the health port of this server.
  SecurityOptions security;

  // The statistics service, HOST:PORT.
  std::string stats_target = "127.0.0.1:50051";
  // TLS towards it (a CA; a client certificate and key for mutual TLS).
  // Without a CA only development mode may talk to it, in plaintext on a
  // loopback address.
  auth::ClientTlsFiles stats_tls;
  // File holding the bearer token presented to it, if any.
  std::string stats_token_file;
  // Deadline of one call to it, and attempts per read (2-5, the channel's
  // retry policy).
  absl::Duration stats_deadline = absl::Seconds(5);
  int stats_attempts = 4;
  // How often its health is checked.
  absl::Duration health_interval = absl::Seconds(2);

  // The directorate's comparable municipalities
  // (data/regions/similarMunicipalities.json); without them, criteria that
  // compare with comparable municipalities report insufficient data.
  std::string comparables;
  // Threads that run calls that read from the statistics service, and
  // threads that run calls that touch only the award store.
  int workers = 8;
  int store_workers = 4;
  // The core's own options (the clock).
  AwardCoreOptions core;
  // Where AwardAdminService takes backups (empty: it answers that none are
  // kept), and how many of the newest it keeps.
  std::string backup_dir;
  int backup_keep = 7;
  // IP:PORT of the Prometheus endpoint (/metrics); off when empty.
  std::string metrics_listen;
};

class AwardServer {
 public:
  // Opens the store, starts serving, and starts watching the statistics
  // service: SERVING once it answers its health check. INVALID_ARGUMENT or
  // FAILED_PRECONDITION when the options may not start; another code when
  // starting failed (the store, the address, the port file).
  static absl::StatusOr<std::unique_ptr<AwardServer>> Start(const AwardServerOptions& options);

  ~AwardServer();
  AwardServer(const AwardServer&) = delete;
  AwardServer& operator=(const AwardServer&) = delete;

  // The port actually bound.
  int port() const { return host_->port(); }
  // The plaintext health port actually bound; 0 without health_listen.
  int health_port() const { return host_->health_port(); }
  // The metrics port actually bound; 0 without metrics_listen.
  int metrics_port() const { return endpoint_ != nullptr ? endpoint_->port() : 0; }
  // The one channel to the statistics service.
  std::shared_ptr<grpc::Channel> stats_channel() const { return stats_channel_; }

  // What the statistics service's health monitor reports on every change:
  // the statistics service reachable or not, and this service SERVING or
  // NOT_SERVING with it. Ignored once shutting down.
  void SetServing(bool serving) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits up to `timeout` for SERVING; whether it came.
  bool WaitUntilServing(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  // Reads the credentials again, as on SIGHUP; keeps the old ones on error.
  absl::Status ReloadCredentials() const { return security_.Reload(); }

  // Blocks until SIGINT or SIGTERM (see BlockTerminationSignals), reloading
  // the credentials on every SIGHUP, and returns the signal.
  int ServeUntilSignal() const;

  // Reports NOT_SERVING, stops watching the statistics service, stops
  // accepting calls and waits up to `grace` for calls in flight. Idempotent.
  void Shutdown(absl::Duration grace) ABSL_LOCKS_EXCLUDED(shutdown_mu_, mu_);

 private:
  AwardServer() = default;

  ServerSecurity security_;
  std::unique_ptr<RocksDbBackups> backups_;  // null without a backup_dir
  // The figures outlive the calls that record them.
  std::unique_ptr<GrpcServerMetrics> call_metrics_;
  std::unique_ptr<ClientCallMetrics> stats_call_metrics_;
  std::unique_ptr<AwardStore> store_;
  std::shared_ptr<grpc::Channel> stats_channel_;
  std::unique_ptr<GrpcStatsClient> stats_;
  std::unique_ptr<AwardCore> core_;
  std::unique_ptr<WorkerPool> stats_pool_;
  std::unique_ptr<WorkerPool> store_pool_;
  std::unique_ptr<AwardServiceImpl> service_;
  std::unique_ptr<AwardAdminServiceImpl> admin_;  // destroyed before the store
  std::unique_ptr<ServerHost> host_;
  // Reads the store at every scrape: goes before it.
  std::unique_ptr<MetricsEndpoint> endpoint_;

  // Serialises Shutdown; never taken by the monitor's thread.
  absl::Mutex shutdown_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::unique_ptr<StatsHealthMonitor> monitor_ ABSL_GUARDED_BY(shutdown_mu_);

  absl::Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_SERVICE_SERVER_H_
