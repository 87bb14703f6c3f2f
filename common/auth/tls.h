// TLS credentials from PEM files, for servers and for clients. Thread-safe.
#ifndef IMDI_COMMON_AUTH_TLS_H_
#define IMDI_COMMON_AUTH_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace imdi::auth {

struct ServerTlsFiles {
  std::string cert;       // the server's certificate chain
  std::string key;        // its private key
  std::string client_ca;  // when set: client certificates signed by this CA are
                          // verified and name principals (mutual TLS); clients
                          // without one may still use a bearer token
};

struct ClientTlsFiles {
  std::string ca;    // the CA that signed the server's certificate
  std::string cert;  // optional: the client's certificate (mutual TLS)
  std::string key;   // its private key
};

// NOT_FOUND for a file that cannot be read, INVALID_ARGUMENT for a missing
// cert/key pair.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files);
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsFiles& files);

// The contents of a file; NOT_FOUND when it cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace imdi::auth

#endif  // IMDI_COMMON_AUTH_TLS_H_
