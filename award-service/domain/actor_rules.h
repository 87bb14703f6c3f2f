// What an authenticated caller may do to a particular cycle, nomination or
// juror, beyond what the RPC table allows its role: a juror acts only as
// itself and only in cycles it is registered for, a nominator nominates only
// in its region (or itself) and withdraws only its own nominations, and of
// the jury only the chair calls for the decision. Each refusal is
// PERMISSION_DENIED with its reason.
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_ACTOR_RULES_H_
#define IMDI_AWARD_DOMAIN_ACTOR_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "award-service/domain/caller.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// A juror acts as itself, and only in a cycle it is registered for. For the
// jury's own RPCs (scores, assessments) this holds for administrators with
// the juror role too.
absl::Status CheckJuror(const Caller& caller, const v1::Cycle& cycle, const std::string& juror_id,
                        bool jury_only = false);

// A bound nominator nominates as the regional office of its region, or as
// its own municipality (one of `nominee_codes`, the nominee's codes over
// time); `nominee_name` names the nominee in the refusal.
absl::Status CheckNominatorBound(const Caller& caller, const v1::Nominator& nominator,
                                 const std::vector<std::string>& nominee_codes,
                                 absl::string_view nominee_name);

// A bound nominator withdraws only nominations it made.
absl::Status CheckNominationOwner(const Caller& caller, const v1::Nomination& nomination);

// Of a bound jury, only the chair calls for the decision.
absl::Status CheckCallsDecision(const Caller& caller, const v1::Cycle& cycle);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_ACTOR_RULES_H_
