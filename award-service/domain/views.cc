#include "award-service/domain/views.h"

namespace imdi::award {

v1::CycleView EffectiveCycleView(v1::CycleView view, v1::CycleView fallback) {
  return view == v1::CYCLE_VIEW_BASIC || view == v1::CYCLE_VIEW_FULL ? view : fallback;
}

void ApplyCycleView(v1::CycleView view, v1::Cycle& cycle) {
  if (view == v1::CYCLE_VIEW_FULL) return;
  cycle.clear_citation();
  if (!cycle.has_config()) return;
  v1::CycleConfig& config = *cycle.mutable_config();
  config.clear_criteria();
  config.clear_requirement();
  config.clear_nomination_policy();
  config.clear_decision_policy();
  config.clear_source();
}

void BasicEvaluation(v1::Evaluation& evaluation) {
  evaluation.clear_requirement();
  evaluation.clear_criteria();
  // The nomination names the municipality already.
  evaluation.clear_municipality_code();
  evaluation.clear_municipality_name();
  evaluation.clear_imdi_region();
}

void ApplyNominationView(v1::NominationView view, v1::Nomination& nomination) {
  if (view == v1::NOMINATION_VIEW_FULL) return;
  nomination.clear_justification();
  nomination.clear_override_reason();
  // Up to 64 KiB each; the documents' descriptions are small and stay.
  nomination.clear_full_text();
  for (v1::AssessmentClaim& claim : *nomination.mutable_claims()) {
    claim.clear_justification();
    claim.clear_jury_note();
  }
  if (nomination.has_evaluation()) BasicEvaluation(*nomination.mutable_evaluation());
}

}  // namespace imdi::award
