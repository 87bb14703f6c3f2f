#include "award-service/domain/nomination_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/workflow.h"
#include "common/errors.h"
#include "common/imdi_region.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"

namespace imdi::award {

std::string RegionName(stats::v1::ImdiRegion region) {
  const absl::string_view name = ImdiRegionName(region);
  return name.empty() ? "no IMDi region" : std::string(name);
}

absl::Status CheckNominationOpen(v1::CycleState state, const v1::CycleConfig& config,
                                 v1::NominatorKind kind, absl::Time now) {
  IMDI_RETURN_IF_ERROR(CheckAction(state, Action::kSubmitNomination, config.decision_policy()));
  const auto& policy = config.nomination_policy();
  if (std::find(policy.nominators().begin(), policy.nominators().end(), kind) ==
      policy.nominators().end()) {
    return Refuse("NOMINATOR_NOT_ALLOWED", "POLICY", v1::NominatorKind_Name(kind),
                  absl::StrCat("this cycle's nomination policy does not accept nominations by ",
                               v1::NominatorKind_Name(kind)));
  }
  if (policy.has_deadline() &&
      now > absl::FromUnixNanos(
                google::protobuf::util::TimeUtil::TimestampToNanoseconds(policy.deadline()))) {
    return Refuse(
        "DEADLINE_PASSED", "DEADLINE",
        google::protobuf::util::TimeUtil::ToString(policy.deadline()),
        absl::StrCat("the nomination deadline ",
                     google::protobuf::util::TimeUtil::ToString(policy.deadline()), " has passed"));
  }
  return absl::OkStatus();
}

absl::Status CheckNominatorRegion(const v1::Nominator& nominator, const Nominee& info) {
  if (nominator.kind() == v1::NOMINATOR_KIND_REGIONAL_OFFICE &&
      nominator.imdi_region() != info.imdi_region) {
    return Refuse("NOMINATOR_OUTSIDE_REGION", "REGION", info.code,
                  absl::StrCat(info.name_then, " belongs to ", RegionName(info.imdi_region),
                               "; a regional office nominates in its own region (",
                               RegionName(nominator.imdi_region()), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> AdmitNomination(const storage::v1::CycleRecord& record,
                                            const v1::Nominator& nominator, const Nominee& info,
                                            const v1::Evaluation& evaluation,
                                            const std::string& requested_override) {
  const auto& policy = record.cycle().config().nomination_policy();
  if (nominator.kind() == v1::NOMINATOR_KIND_MUNICIPALITY &&
      std::find(info.codes.begin(), info.codes.end(), nominator.municipality_code()) ==
          info.codes.end()) {
    return Refuse("NOMINATOR_NOT_NOMINEE", "NOMINATOR", nominator.municipality_code(),
                  "a municipality may nominate only itself");
  }
  int in_region = 0;
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
    if (n.municipality_code() == info.code) {
      return MakeError(absl::StatusCode::kAlreadyExists, "ALREADY_NOMINATED",
                       absl::StrCat(info.name, " is already nominated (", n.nomination_id(), ")"));
    }
    if (n.imdi_region() == info.imdi_region) ++in_region;
  }
  if (policy.max_per_region() > 0 && in_region >= policy.max_per_region()) {
    return Refuse(
        "NOMINATION_REGION_TAKEN", "REGION", RegionName(info.imdi_region),
        absl::StrCat(RegionName(info.imdi_region), " already has ", in_region,
                     " nomination(s); the policy allows ", policy.max_per_region(), " per region"));
  }
  std::string override_reason;
  if (!evaluation.eligible()) {
    const std::string why = absl::StrCat(info.name_then, " does not meet the cycle's requirement (",
                                         evaluation.requirement().explanation(), ")");
    if (requested_override.empty()) {
      return Refuse(
          "NOT_ELIGIBLE", "ELIGIBILITY", info.code,
          absl::StrCat(why, policy.allow_override() ? "; nominate with an override_reason" : ""));
    }
    if (!policy.allow_override()) {
      return Refuse("NOT_ELIGIBLE", "ELIGIBILITY", info.code,
                    absl::StrCat(why, "; this cycle's policy allows no override"));
    }
    override_reason = requested_override;
  }
  if (record.nominations_size() >= kMaxNominationsPerCycle) {
    return Refuse("NOMINATIONS_FULL", "CYCLE", record.cycle().cycle_id(),
                  absl::StrCat("the cycle holds ", record.nominations_size(),
                               " nominations (withdrawn ones included), the most it takes"));
  }
  return override_reason;
}

}  // namespace imdi::award
