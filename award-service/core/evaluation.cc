#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/criteria.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/request_checks.h"

namespace imdi::award::use_case {

absl::StatusOr<v1::EvaluateMunicipalityResponse> EvaluateMunicipality(
    const Context& ctx, const v1::EvaluateMunicipalityRequest& request) {
  FieldChecks checks;
  checks.Add(CheckMunicipalityCode(request.municipality_code(), "municipality_code"));
  checks.Add(ValidateCycleId(request.cycle_id()));
  IMDI_RETURN_IF_ERROR(checks.Result());
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  IMDI_RETURN_IF_ERROR(CheckClaims(record.cycle().config(), request.claims()));
  IMDI_ASSIGN_OR_RETURN(int64_t version,
                        ctx.evaluator->VersionFor(record.cycle(), request.use_latest()));
  Listing listing;
  IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> infos,
                        ctx.evaluator->Resolve({request.municipality_code()}, version, listing));
  IMDI_ASSIGN_OR_RETURN(
      std::vector<v1::Evaluation> evaluations,
      ctx.evaluator->EvaluateMany(record.cycle().config(), infos, {ClaimMap(request.claims())},
                                  version, listing));
  v1::EvaluateMunicipalityResponse response;
  *response.mutable_evaluation() = std::move(evaluations.front());
  return response;
}

namespace {

// What a screening request asks for: the cycle's frozen version (or the
// newest, 0, which the statistics service resolves in the screening's first
// call), the region, and the view.
absl::StatusOr<Screening::Options> ScreeningOptions(const v1::Cycle& cycle,
                                                    const v1::ScreenMunicipalitiesRequest& request) {
  if (!v1::EvaluationView_IsValid(request.view())) {
    return InvalidFieldError("view", absl::StrCat("unknown view ", request.view()));
  }
  Screening::Options options;
  if (cycle.data_version() > 0 && !request.use_latest()) options.version = cycle.data_version();
  options.region = request.imdi_region();
  options.eligible_only = request.eligible_only();
  options.view = request.view() == v1::EVALUATION_VIEW_BASIC ? v1::EVALUATION_VIEW_BASIC
                                                               : v1::EVALUATION_VIEW_FULL;
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Screening>> StartScreening(
    const Context& ctx, const v1::ScreenMunicipalitiesRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  IMDI_ASSIGN_OR_RETURN(Screening::Options options, ScreeningOptions(record.cycle(), request));
  return ctx.evaluator->StartScreening(record.cycle().config(), options);
}

absl::StatusOr<std::vector<v1::Evaluation>> ScreenMunicipalities(
    const Context& ctx, const v1::ScreenMunicipalitiesRequest& request, int64_t* data_version) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  IMDI_ASSIGN_OR_RETURN(Screening::Options options, ScreeningOptions(record.cycle(), request));
  return ctx.evaluator->Screen(record.cycle().config(), options, data_version);
}

absl::StatusOr<v1::CompareWithLatestResponse> CompareWithLatest(
    const Context& ctx, const v1::CompareWithLatestRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  const v1::Cycle& cycle = record.cycle();
  if (cycle.data_version() == 0) {
    return Refuse("NOT_FROZEN", "STATE", StateName(cycle.state()),
                  "the cycle's data version is frozen when the nominees are announced; "
                  "until then evaluations read the newest figures");
  }
  IMDI_ASSIGN_OR_RETURN(int64_t latest, ctx.evaluator->DataVersion());
  std::vector<std::string> codes;
  std::vector<std::map<std::string, v1::AssessmentClaim>> claims;
  std::vector<const v1::Nomination*> nominations;
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
    codes.push_back(n.municipality_code());
    claims.push_back(ClaimMap(n.claims()));
    nominations.push_back(&n);
  }
  v1::CompareWithLatestResponse response;
  response.set_frozen_data_version(cycle.data_version());
  response.set_latest_data_version(latest);
  if (codes.empty() || latest == cycle.data_version()) return response;
  Listing frozen_listing, latest_listing;
  IMDI_ASSIGN_OR_RETURN(auto frozen_infos,
                        ctx.evaluator->Resolve(codes, cycle.data_version(), frozen_listing));
  IMDI_ASSIGN_OR_RETURN(auto frozen,
                        ctx.evaluator->EvaluateMany(cycle.config(), frozen_infos, claims,
                                                    cycle.data_version(), frozen_listing));
  IMDI_ASSIGN_OR_RETURN(auto latest_infos, ctx.evaluator->Resolve(codes, latest, latest_listing));
  IMDI_ASSIGN_OR_RETURN(auto newest, ctx.evaluator->EvaluateMany(cycle.config(), latest_infos,
                                                                 claims, latest, latest_listing));
  for (size_t i = 0; i < codes.size(); ++i) {
    v1::VerdictChange change;
    change.set_nomination_id(nominations[i]->nomination_id());
    change.set_municipality_code(nominations[i]->municipality_code());
    change.set_frozen_verdict(frozen[i].verdict());
    change.set_latest_verdict(newest[i].verdict());
    for (int c = 0; c < frozen[i].criteria_size(); ++c) {
      const auto& a = frozen[i].criteria(c);
      const auto& b = newest[i].criteria(c);
      if (a.verdict() != b.verdict()) {
        change.add_changes(absl::StrCat(a.criterion(), ": ", VerdictText(a.verdict()), " -> ",
                                        VerdictText(b.verdict()), " (was: ", a.explanation(),
                                        "; now: ", b.explanation(), ")"));
      }
    }
    if (change.frozen_verdict() != change.latest_verdict() || change.changes_size() > 0) {
      *response.add_changes() = std::move(change);
    }
  }
  return response;
}

}  // namespace imdi::award::use_case
