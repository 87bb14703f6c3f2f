#include "award-service/domain/views.h"

namespace imdi::award {

v1::CycleView EffectiveCycleView(v1::CycleView view, v1::CycleView fallback) {
  return view == v1::CYCLE_VIEW_BASIC || view == v1::CYCLE_VIEW_FULL ? view : fallback;
}

void ApplyCycleView(v1::CycleView view, v1::Cycle& cycle) {
  if (view == v1::CYCLE_VIEW_FULL || !cycle.has_config()) return;
  v1::CycleConfig& config = *cycle.mutable_config();
  config.clear_criteria();
  config.clear_requirement();
  config.clear_nomination_policy();
  config.clear_decision_policy();
  config.clear_source();
}

void BasicEvaluation(v1::Evaluation& evaluation) {
  evaluation.clear_requirement();
  for (v1::CriterionResult& c : *evaluation.mutable_criteria()) {
    c.clear_title();
    c.clear_explanation();
    c.clear_figures();
  }
}

void ApplyNominationView(v1::NominationView view, v1::Nomination& nomination) {
  if (view == v1::NOMINATION_VIEW_FULL || !nomination.has_evaluation()) return;
  BasicEvaluation(*nomination.mutable_evaluation());
}

}  // namespace imdi::award
