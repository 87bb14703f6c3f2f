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

struct ServerSecurity {
  ServerOptions server_options;
  std::unique_ptr<auth::CredentialStore> credentials;  // null without --credentials
  std::unique_ptr<auth::AccessControl> access;         // always set

  // Reads the credentials again (SIGHUP); keeps the old ones on error.
  void Reload() const;
};

// FAILED_PRECONDITION with what to fix when the configuration may not start.
absl::StatusOr<ServerSecurity> ServerSecurityFromFlags(absl::string_view binary,
                                                       absl::string_view listen);

// Whether --insecure_dev was given.
bool DevelopmentMode();

// Whether `listen` (HOST:PORT) is a loopback address.
bool IsLoopback(absl::string_view listen);

}  // namespace imdi

#endif  // IMDI_COMMON_SERVER_SECURITY_H_
