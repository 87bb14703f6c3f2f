// A service's security from its flags, shared by both binaries:
//
//   --tls_cert, --tls_key     serve TLS with this certificate and key
//   --tls_client_ca           verify client certificates signed by this CA
//                             (mutual TLS: the certificate names the caller)
//   --credentials             tokens and certificates -> principals and roles
//                             (a file or a directory; reloaded on SIGHUP)
//   --insecure_dev            development only: allow plaintext on a loopback
//                             address and, without --credentials, no checks
//   --reflection              serve gRPC server reflection (default on)
//   --health_listen           a plaintext port with only grpc.health.v1, for
//                             probes that cannot speak TLS
//
// A production configuration (no --insecure_dev) without TLS or without
// credentials refuses to start; development mode says so loudly in the log.
// The flags fill a SecurityOptions; the servers' composition roots
// (stats-service/server.h, award-service/server.h) take the options, so tests
// configure security exactly as the binaries do.
#ifndef IMDI_COMMON_SERVER_SECURITY_H_
#define IMDI_COMMON_SERVER_SECURITY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/access.h"
#include "common/auth/credentials.h"
#include "common/server_host.h"

namespace imdi {

// What the flags above say, one field per flag.
struct SecurityOptions {
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string credentials;
  bool insecure_dev = false;
  bool reflection = true;
  std::string health_listen;
};

// The flags' values.
SecurityOptions SecurityOptionsFromFlags();

struct ServerSecurity {
  ServerOptions server_options;
  std::unique_ptr<auth::CredentialStore> credentials;  // null without --credentials
  std::unique_ptr<auth::AccessControl> access;         // always set

  // Reads the credentials again (SIGHUP) and logs the outcome; keeps the old
  // ones on error, which it returns.
  absl::Status Reload() const;
};

// FAILED_PRECONDITION with what to fix when the configuration may not start.
absl::StatusOr<ServerSecurity> MakeServerSecurity(absl::string_view binary,
                                                  absl::string_view listen,
                                                  const SecurityOptions& options);

// Whether `listen` (HOST:PORT) is a loopback address.
bool IsLoopback(absl::string_view listen);

}  // namespace imdi

#endif  // IMDI_COMMON_SERVER_SECURITY_H_
