// How much of a cycle or a nomination a reply carries (AIP-157).
//
// The basic view of a cycle is its header: everything but the rules of its
// configuration (criteria, requirement, nomination and decision policies,
// source). The basic view of a nomination leaves out its large fields: the
// written texts (justification, override reason, the claims' justifications
// and jury notes) and the evaluation's details (per-criterion results with
// their explanations and figures, the requirement's tree); it keeps who,
// where, by whom, the state, the claims' criteria and states, and the
// evaluation's overall verdict, eligibility and data version. Six nominees
// fit in a few KB, whatever their texts.
//
// Replies stored for request-id replays hold the full resources; the view
// is applied to whatever goes out, fresh or replayed, so a retry gets the
// same reply in the view it asks for.
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_VIEWS_H_
#define IMDI_AWARD_DOMAIN_VIEWS_H_

#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// `view`, or `fallback` when it is not set (or not a view this service
// knows).
v1::CycleView EffectiveCycleView(v1::CycleView view, v1::CycleView fallback);

// Cuts `cycle` down to `view` (UNSPECIFIED is BASIC).
void ApplyCycleView(v1::CycleView view, v1::Cycle& cycle);

// Cuts `nomination` down to `view` (UNSPECIFIED is BASIC).
void ApplyNominationView(v1::NominationView view, v1::Nomination& nomination);

// Cuts an evaluation down to its verdicts.
void BasicEvaluation(v1::Evaluation& evaluation);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_VIEWS_H_
