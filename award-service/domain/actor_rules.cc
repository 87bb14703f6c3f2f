#include "award-service/domain/actor_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi::award {

namespace {

absl::Status Deny(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kPermissionDenied, reason, message);
}

}  // namespace

absl::Status CheckJuror(const Caller& caller, const v1::Cycle& cycle, const std::string& juror_id,
                        bool jury_only) {
  if (!(jury_only ? caller.principal.has_value() : caller.Bound())) return absl::OkStatus();
  const std::string& name = caller.principal->name;
  if (!juror_id.empty() && juror_id != name) {
    return Deny("NOT_THIS_JUROR", absl::StrCat(name, " acts only as juror ", name));
  }
  for (const auto& j : cycle.jurors()) {
    if (j.juror_id() == name) return absl::OkStatus();
  }
  return Deny("NOT_A_JUROR_OF_THIS_CYCLE",
              absl::StrCat(name, " is not a registered juror of cycle ", cycle.cycle_id()));
}

absl::Status CheckNominatorBound(const Caller& caller, const v1::Nominator& nominator,
                                 const std::vector<std::string>& nominee_codes,
                                 absl::string_view nominee_name) {
  if (!caller.Bound()) return absl::OkStatus();
  const auth::Principal& p = *caller.principal;
  const bool office_ok = nominator.kind() == v1::NOMINATOR_KIND_REGIONAL_OFFICE &&
                         !p.region.empty() &&
                         p.region == stats::v1::ImdiRegion_Name(nominator.imdi_region());
  const bool self_ok =
      nominator.kind() == v1::NOMINATOR_KIND_MUNICIPALITY && !p.municipality.empty() &&
      std::find(nominee_codes.begin(), nominee_codes.end(), p.municipality) != nominee_codes.end();
  if (!office_ok && !self_ok) {
    return Deny(
        "NOMINATOR_NOT_BOUND",
        absl::StrCat(p.name, " nominates only ",
                     p.region.empty() ? absl::StrCat("municipality ", p.municipality)
                                      : absl::StrCat("in ", p.region),
                     "; not ", nominee_name, " as ", v1::NominatorKind_Name(nominator.kind())));
  }
  return absl::OkStatus();
}

absl::Status CheckNominationOwner(const Caller& caller, const v1::Nomination& nomination) {
  if (!caller.Bound()) return absl::OkStatus();
  const auth::Principal& p = *caller.principal;
  const v1::Nominator& nominator = nomination.nominator();
  const bool own =
      (!p.region.empty() && nominator.kind() == v1::NOMINATOR_KIND_REGIONAL_OFFICE &&
       p.region == stats::v1::ImdiRegion_Name(nominator.imdi_region())) ||
      (!p.municipality.empty() && nominator.kind() == v1::NOMINATOR_KIND_MUNICIPALITY &&
       p.municipality == nominator.municipality_code());
  if (!own) {
    return Deny("NOT_THE_NOMINATOR", absl::StrCat(p.name, " did not make this nomination"));
  }
  return absl::OkStatus();
}

absl::Status CheckCallsDecision(const Caller& caller, const v1::Cycle& cycle) {
  if (!caller.Bound()) return absl::OkStatus();
  bool chair = false;
  for (const auto& j : cycle.jurors()) chair = chair || (j.chair() && j.juror_id() == caller.actor);
  if (!chair) {
    return Deny("CHAIR_ONLY", "of the jury, only the chair calls for the decision");
  }
  return absl::OkStatus();
}

}  // namespace imdi::award
