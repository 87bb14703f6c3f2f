#include "common/auth/tls.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace imdi::auth {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files) {
  if (files.cert.empty() || files.key.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and its key");
  }
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  IMDI_ASSIGN_OR_RETURN(pair.cert_chain, ReadFile(files.cert));
  IMDI_ASSIGN_OR_RETURN(pair.private_key, ReadFile(files.key));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!files.client_ca.empty()) {
    IMDI_ASSIGN_OR_RETURN(options.pem_root_certs, ReadFile(files.client_ca));
    // Verified when presented; token clients connect without one.
    options.client_certificate_request = GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsFiles& files) {
  grpc::SslCredentialsOptions options;
  if (!files.ca.empty()) {
    IMDI_ASSIGN_OR_RETURN(options.pem_root_certs, ReadFile(files.ca));
  }
  if (files.cert.empty() != files.key.empty()) {
    return absl::InvalidArgumentError("a client certificate needs its key, and a key its certificate");
  }
  if (!files.cert.empty()) {
    IMDI_ASSIGN_OR_RETURN(options.pem_cert_chain, ReadFile(files.cert));
    IMDI_ASSIGN_OR_RETURN(options.pem_private_key, ReadFile(files.key));
  }
  return grpc::SslCredentials(options);
}

}  // namespace imdi::auth
