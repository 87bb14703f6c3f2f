// Authentication and authorization of every call, in one place.
//
// AccessControl::Admit runs before any handler code: it names the caller
// from a bearer token (`authorization: Bearer ...`) or a verified client
// certificate (mutual TLS), then checks the per-RPC table of roles below.
// A call without credentials, or with unknown ones, is UNAUTHENTICATED; a
// known principal without a role the RPC accepts is PERMISSION_DENIED. The
// check happens before any resource is touched, so neither says whether a
// resource exists.
//
// Without a credential store (development mode, which the binaries only
// allow with an explicit flag) every caller is the principal "developer"
// with every role. Health and reflection are separate services and are
// never checked; channelz (grpc.channelz.v1.Channelz/*) is admitted by the
// same table, for the admin roles, by common/admin_interceptor.h.
// Thread-safe.
#ifndef IMDI_COMMON_AUTH_ACCESS_H_
#define IMDI_COMMON_AUTH_ACCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/credentials.h"
#include "grpcpp/server_context.h"

namespace imdi::auth {

class AccessControl {
 public:
  // `credentials` (not owned) may be null: development mode.
  explicit AccessControl(const CredentialStore* credentials) : credentials_(credentials) {}

  bool development() const { return credentials_ == nullptr; }

  // The caller of `method` ("package.Service/Method") if the table lets it in.
  absl::StatusOr<Principal> Admit(const grpc::ServerContextBase& context,
                                  absl::string_view method) const;

  // Who the caller is, if it sent credentials; UNAUTHENTICATED when they
  // name no one.
  absl::StatusOr<std::optional<Principal>> Authenticate(
      const grpc::ServerContextBase& context) const;

 private:
  const CredentialStore* const credentials_;
};

// The roles that may call `method`; nullptr for a method the table does not
// know (refused).
const std::vector<absl::string_view>* RolesFor(absl::string_view method);

// Every method of our services the table names, for tests and the README's review.
std::vector<std::string> TableMethods();

}  // namespace imdi::auth

#endif  // IMDI_COMMON_AUTH_ACCESS_H_
