#include "common/server_security.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/tls.h"
#include "common/log.h"

ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain to serve TLS with.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA whose client certificates are verified and name callers (mutual TLS).");
ABSL_FLAG(std::string, credentials, "",
          "Credentials file or directory: hashed tokens and certificate names -> principals "
          "and roles. Reloaded on SIGHUP.");
ABSL_FLAG(bool, insecure_dev, false,
          "DEVELOPMENT ONLY: allow plaintext on a loopback address and, without "
          "--credentials, serve every caller with every role.");
ABSL_FLAG(bool, reflection, true, "Serve gRPC server reflection for grpcurl-style tools.");
ABSL_FLAG(std::string, health_listen, "",
          "HOST:PORT of a plaintext server with only grpc.health.v1, for probes that cannot "
          "speak TLS (Kubernetes' gRPC probes); off when empty.");

namespace imdi {

SecurityOptions SecurityOptionsFromFlags() {
  SecurityOptions options;
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  options.credentials = absl::GetFlag(FLAGS_credentials);
  options.insecure_dev = absl::GetFlag(FLAGS_insecure_dev);
  options.reflection = absl::GetFlag(FLAGS_reflection);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  return options;
}

bool IsLoopback(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? listen : listen.substr(0, colon);
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  // An IPv4 literal 127.a.b.c, not a name that starts with "127.".
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view part : parts) {
    int value = 0;
    if (part.empty() || part.size() > 3 || !absl::SimpleAtoi(part, &value) || value > 255) {
      return false;
    }
  }
  return true;
}

absl::Status ServerSecurity::Reload() const {
  if (credentials == nullptr) {
    LogInfo("SIGHUP: no --credentials to reload");
    return absl::OkStatus();
  }
  absl::Status reloaded = credentials->Reload();
  if (reloaded.ok()) {
    LogInfo(absl::StrCat("SIGHUP: credentials reloaded, ", credentials->size(), " entries"));
  } else {
    LogError(absl::StrCat("SIGHUP: credentials not reloaded, keeping the old ones: ",
                          reloaded.message()));
  }
  return reloaded;
}

absl::StatusOr<ServerSecurity> MakeServerSecurity(absl::string_view binary,
                                                  absl::string_view listen,
                                                  const SecurityOptions& options) {
  ServerSecurity security;
  security.server_options.reflection = options.reflection;
  security.server_options.health_listen = options.health_listen;
  const bool dev = options.insecure_dev;
  const std::string& cert = options.tls_cert;
  const std::string& key = options.tls_key;
  const std::string& client_ca = options.tls_client_ca;
  const std::string& credentials = options.credentials;
  if (!dev && (cert.empty() || key.empty() || credentials.empty())) {
    return absl::FailedPreconditionError(absl::StrCat(
        binary, " refuses to start without security: give --tls_cert, --tls_key and "
                "--credentials (and --tls_client_ca for mutual TLS), or --insecure_dev for "
                "development on localhost"));
  }
  if (!cert.empty() || !key.empty()) {
    auto tls = auth::MakeServerCredentials({cert, key, client_ca});
    if (!tls.ok()) return absl::FailedPreconditionError(tls.status().message());
    security.server_options.credentials = *std::move(tls);
  } else if (!client_ca.empty()) {
    return absl::FailedPreconditionError("--tls_client_ca needs --tls_cert and --tls_key");
  }
  // Plaintext, or nobody checked: only where no one else can connect.
  if ((!security.server_options.credentials || credentials.empty()) && !IsLoopback(listen)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--insecure_dev without TLS or without --credentials serves only a loopback address, "
        "not ", listen));
  }
  if (!credentials.empty()) {
    auto store = auth::CredentialStore::Open(credentials);
    if (!store.ok()) return absl::FailedPreconditionError(store.status().message());
    security.credentials = *std::move(store);
  }
  security.access = std::make_unique<auth::AccessControl>(security.credentials.get());
  security.server_options.access = security.access.get();
  if (dev) {
    LogWarning(absl::StrCat(
        "DEVELOPMENT MODE (--insecure_dev): ", binary,
        security.server_options.credentials ? " serves TLS" : " serves PLAINTEXT",
        security.credentials ? " and checks credentials"
                             : " and checks NO credentials: every caller has every role",
        ". Never run this in production."));
  }
  return security;
}

}  // namespace imdi
