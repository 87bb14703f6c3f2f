// Who may call: principals, their roles, and the credentials that name them.
//
// A credentials file (or every *.credentials file of a directory) has one
// credential per line; `#` starts a comment:
//
//   token <sha256-hex of the token> <principal> <role>[,<role>...] [region=R] [municipality=C]
//   cert  <certificate common name> <principal> <role>[,<role>...] [region=R] [municipality=C]
//
// Tokens are stored only as hashes (`imdictl hash-token` prints one). A
// `cert` line names a client certificate's subject common name; with mutual
// TLS the verified certificate is the identity. `region=IMDI_REGION_...`
// binds an award.nominator to one IMDi region, `municipality=NNNN` to one
// municipality (self-nomination).
//
// CredentialStore is thread-safe; Reload() swaps in a new table atomically
// and keeps the old one when the new files do not parse.
#ifndef IMDI_COMMON_AUTH_CREDENTIALS_H_
#define IMDI_COMMON_AUTH_CREDENTIALS_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace imdi::auth {

// The roles. Per-RPC requirements are in access.cc.
inline constexpr absl::string_view kStatsReader = "stats.reader";
inline constexpr absl::string_view kStatsWriter = "stats.writer";
// Operates the statistics service: backups, introspection.
inline constexpr absl::string_view kStatsAdmin = "stats.admin";
inline constexpr absl::string_view kAwardAdmin = "award.admin";
inline constexpr absl::string_view kAwardNominator = "award.nominator";
inline constexpr absl::string_view kAwardJuror = "award.juror";
inline constexpr absl::string_view kAwardAuditor = "award.auditor";
// The award service's own identity towards the statistics service.
inline constexpr absl::string_view kAwardService = "award.service";

bool IsKnownRole(absl::string_view role);

struct Principal {
  std::string name;
  std::set<std::string, std::less<>> roles;
  std::string region;        // IMDI_REGION_..., for a nominator bound to a region
  std::string municipality;  // a municipality code, for a self-nominating municipality

  bool Has(absl::string_view role) const { return roles.count(role) > 0; }
};

class CredentialStore {
 public:
  // Reads `path` (a file, or a directory of *.credentials files).
  // INVALID_ARGUMENT naming the file and line of the first bad entry.
  static absl::StatusOr<std::unique_ptr<CredentialStore>> Open(const std::string& path);

  // Reads the files again; on error keeps the current table.
  absl::Status Reload();

  // The principal a bearer token names, if any.
  std::optional<Principal> FindToken(absl::string_view token) const;
  // The principal a client certificate's common name names, if any.
  std::optional<Principal> FindCertificate(absl::string_view common_name) const;

  size_t size() const;

 private:
  struct Table {
    std::map<std::string, Principal, std::less<>> tokens;  // by sha256 hex
    std::map<std::string, Principal, std::less<>> certs;   // by common name
  };
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}
  static absl::StatusOr<std::shared_ptr<const Table>> Read(const std::string& path);
  std::shared_ptr<const Table> table() const;

  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Table> table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace imdi::auth

#endif  // IMDI_COMMON_AUTH_CREDENTIALS_H_
