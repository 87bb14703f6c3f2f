// Who makes a call to the award service: the actor named in the audit
// trail, the trace id, and the authenticated principal the per-resource
// rules (domain/actor_rules.h) are checked against.
//
// A plain value; copy it freely.
#ifndef IMDI_AWARD_DOMAIN_CALLER_H_
#define IMDI_AWARD_DOMAIN_CALLER_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/credentials.h"

namespace imdi::award {

// Who makes a call, for the audit trail and the per-resource rules.
struct Caller {
  std::string actor = "anonymous";
  // The call's x-request-id, recorded when the request carries no request_id.
  std::string trace_id;
  // The authenticated principal, when the service checks credentials. Then
  // the core also checks what the RPC table cannot: a nominator nominates
  // only in its region (or itself), a juror acts only as itself and only in
  // cycles it is registered for, and only the chair settles a tie.
  std::optional<auth::Principal> principal;

  bool Is(absl::string_view role) const { return principal && principal->Has(role); }
  // Rules apply to authenticated callers that are not administrators.
  bool Bound() const { return principal && !principal->Has(auth::kAwardAdmin); }
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_CALLER_H_
