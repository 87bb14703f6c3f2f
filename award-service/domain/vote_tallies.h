// The public vote's tallies checked against the cycle: each names a
// nomination of the cycle, stays within the cycle's electorate, and names
// no withdrawn nomination.
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_VOTE_TALLIES_H_
#define IMDI_AWARD_DOMAIN_VOTE_TALLIES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "imdi/award/storage/v1/storage.pb.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// Tallies (or corrected totals) that name nominations of the cycle and stay
// within its electorate (INVALID_ARGUMENT, every bad tally listed), and no
// withdrawn nomination (FAILED_PRECONDITION NOMINATION_WITHDRAWN, one
// violation per nomination).
// `field` names the request's repeated field in violations.
absl::Status CheckTallies(const storage::v1::CycleRecord& record,
                          const google::protobuf::RepeatedPtrField<v1::VoteTally>& tallies,
                          absl::string_view field = "tallies");

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_VOTE_TALLIES_H_
