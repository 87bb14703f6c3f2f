// Validation of a cycle's configuration and identifiers, before anything is
// stored. Pure and thread-safe.
#ifndef IMDI_AWARD_DOMAIN_CYCLE_CONFIG_H_
#define IMDI_AWARD_DOMAIN_CYCLE_CONFIG_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// 1-63 characters: lower case letters, digits and '-', starting with a letter
// or digit. INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateCycleId(absl::string_view id, absl::string_view field = "cycle_id");

// Checks every rule of a configuration and reports every violation at once
// (INVALID_ARGUMENT, reason INVALID_CYCLE_CONFIG, fields under `prefix`):
// unique criterion names, a kind on every criterion, thresholds and spans in
// range, a requirement that names only known criteria with sane counts, a
// nomination policy with nominators, a decision policy whose kind, weights,
// score scale and tie-breaks agree and whose electorate is 0 to 100,000,000,
// schedule dates that exist and a known deadline rule.
absl::Status ValidateCycleConfig(const v1::CycleConfig& config,
                                 absl::string_view prefix = "config");

// A calendar date written YYYY-MM-DD: four, two and two ASCII digits (no
// signs, no spaces) naming a day that exists, e.g. "2017-04-26".
// INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateDate(absl::string_view date, absl::string_view field);

// Whether the decision policy has a public vote.
bool HasPublicVote(const v1::DecisionPolicy& policy);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_CYCLE_CONFIG_H_
