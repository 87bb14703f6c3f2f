// Bootstrap shared by both services: binds the listening address, registers
// the services with server reflection, channelz and the standard health
// service, and shuts down gracefully.
//
// Health: every registered service and the server as a whole ("") report
// NOT_SERVING until SetServing(true); Shutdown() flips them back to
// NOT_SERVING before draining calls. ServerHost is thread-safe.
#ifndef IMDI_COMMON_SERVER_HOST_H_
#define IMDI_COMMON_SERVER_HOST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/access.h"
#include "common/metrics.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"

namespace imdi {

// A service to host and its full gRPC name (for health checks by name).
struct HostedService {
  grpc::Service* service;
  std::string name;  // e.g. "imdi.stats.v1.StatsService"
};

struct ServerOptions {
  // TLS (see common/auth/tls.h); null serves plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Server reflection (grpc.reflection.v1alpha), for grpcurl-style tools.
  bool reflection = true;
  // When set ("HOST:PORT"), a second, plaintext server that serves only
  // grpc.health.v1 with the same statuses: for probes that cannot speak TLS
  // (Kubernetes' native gRPC probes). It carries no data and no credentials.
  std::string health_listen;
  // gRPC's channelz (grpc.channelz.v1), admitted by `access` for the admin
  // roles (common/admin_interceptor.h).
  bool channelz = true;
  // The access control channelz calls pass; null: unchecked.
  const auth::AccessControl* access = nullptr;
  // When set, health, reflection and channelz calls are counted here (our
  // own services' calls are counted by RpcScope). Must outlive the host.
  GrpcServerMetrics* metrics = nullptr;
};

class ServerHost {
 public:
  // Starts a server on `listen` ("HOST:PORT"; port 0 picks a free port)
  // serving `services`, which must outlive the host.
  static absl::StatusOr<std::unique_ptr<ServerHost>> Start(
      const std::string& listen, const std::vector<HostedService>& services,
      const ServerOptions& options = {});

  ~ServerHost();

  // The port actually bound.
  int port() const { return port_; }
  // The health port actually bound; 0 without options.health_listen.
  int health_port() const { return health_port_; }

  // Readiness: sets the health status of each of its services by name. The
  // server as a whole ("", the liveness check) turns SERVING at the first
  // call and stays so until shutdown: a service waiting for a dependency is
  // alive but not ready.
  void SetServing(bool serving);

  // Reports NOT_SERVING, stops accepting calls, and waits up to `grace` for
  // calls in flight before cancelling them. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  ServerHost(std::unique_ptr<grpc::Server> server, int port, std::vector<std::string> names);

  // Every health service to update: the server's, and the health server's.
  std::vector<grpc::HealthCheckServiceInterface*> HealthServices() const;

  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::unique_ptr<grpc::CallbackGenericService> unimplemented_ =
      std::make_unique<grpc::CallbackGenericService>();
  std::unique_ptr<grpc::Server> health_server_;
  int health_port_ = 0;
  std::vector<std::string> names_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every thread
// it starts later. Call at the top of main, before any other thread exists.
void BlockTerminationSignals();

// Waits for SIGINT, SIGTERM or SIGHUP (blocked by BlockTerminationSignals)
// and returns its number. SIGHUP asks to reload the credentials.
int WaitForTerminationSignal();

// The exit status of a binary whose server did not start: 2 when the
// configuration may not start (INVALID_ARGUMENT, FAILED_PRECONDITION), 1 when
// starting failed (the store, the address).
int StartFailureExitCode(const absl::Status& status);

// Writes `port` to `path` atomically (write to a temporary, then rename), for
// scripts and tests that start a server on port 0.
absl::Status WritePortFile(const std::string& path, int port);

}  // namespace imdi

#endif  // IMDI_COMMON_SERVER_HOST_H_
