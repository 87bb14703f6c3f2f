// The cycle's nomination policy applied to one nomination: who may
// nominate and until when, one region's quota, one active nomination per
// municipality, eligibility and its override, and the cycle's capacity.
// Each refusal is FAILED_PRECONDITION (ALREADY_EXISTS for a municipality
// already nominated) with the reason the API documents.
//
// Pure functions on plain values; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_NOMINATION_POLICY_H_
#define IMDI_AWARD_DOMAIN_NOMINATION_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "imdi/award/storage/v1/storage.pb.h"
#include "imdi/award/v1/award.pb.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi::award {

// Active and withdrawn nominations together.
inline constexpr int kMaxNominationsPerCycle = 500;

// "IMDi Vest", for messages and the audit trail.
std::string RegionName(stats::v1::ImdiRegion region);

// The municipality nominated, as the statistics service knows it at the
// cycle's data version.
struct Nominee {
  std::string code;       // today's code
  std::string name;       // today's name
  std::string name_then;  // its name in the cycle's figures year
  stats::v1::ImdiRegion imdi_region = stats::v1::IMDI_REGION_UNSPECIFIED;
  std::vector<std::string> codes;  // every code it has had
};

// The cheap checks, made before the statistics service is asked and again
// at the commit: the cycle takes nominations, from `kind`, before the
// policy's deadline.
absl::Status CheckNominationOpen(v1::CycleState state, const v1::CycleConfig& config,
                                 v1::NominatorKind kind, absl::Time now);

// A regional office nominates in its own region.
absl::Status CheckNominatorRegion(const v1::Nominator& nominator, const Nominee& nominee);

// The rest of the policy against the cycle's nominations: a municipality
// nominates only itself, once; the region's quota; eligibility (or the
// override the policy allows, given as `override_reason`); the cycle's
// capacity. Returns the override reason to store ("" for an eligible
// nominee).
absl::StatusOr<std::string> AdmitNomination(const storage::v1::CycleRecord& record,
                                            const v1::Nominator& nominator, const Nominee& info,
                                            const v1::Evaluation& evaluation,
                                            const std::string& override_reason);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_NOMINATION_POLICY_H_
