// The cycle's workflow as a state machine:
//
//   DRAFT -> NOMINATIONS_OPEN -> NOMINEES_ANNOUNCED -> [PUBLIC_VOTING]
//         -> JURY_DELIBERATION -> WINNER_ANNOUNCED -> ARCHIVED
//   and CANCELLED from any state before WINNER_ANNOUNCED.
//
// Every RPC that changes a cycle is an Action; CheckAction says whether the
// state (and the decision policy, for the vote) allows it, and NextState
// where it leads. Pure and thread-safe.
#ifndef IMDI_AWARD_DOMAIN_WORKFLOW_H_
#define IMDI_AWARD_DOMAIN_WORKFLOW_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

enum class Action {
  kOpenNominations,
  kSubmitNomination,
  kWithdrawNomination,
  kAnnounceNominees,
  kOpenPublicVoting,
  kRecordVotes,
  kStartJuryDeliberation,
  kRegisterJuror,
  kDeclareConflict,
  kConfirmAssessment,
  kSubmitScore,
  kDecideWinner,
  kAnnounceWinner,
  kArchive,
  kCancel,
};

// Every action, for tests and tables.
const std::vector<Action>& AllActions();

// The RPC name of an action, e.g. "SubmitNomination".
std::string ActionName(Action action);

// The short name of a state, e.g. "NOMINATIONS_OPEN".
std::string StateName(v1::CycleState state);

// OK when `action` is allowed in `state` under `policy`; otherwise
// FAILED_PRECONDITION with reason WRONG_STATE (or VOTE_REQUIRED /
// NO_PUBLIC_VOTE for the vote steps) and a STATE precondition violation.
absl::Status CheckAction(v1::CycleState state, Action action, const v1::DecisionPolicy& policy);

// The state after `action`, which must have passed CheckAction; the same
// state for actions that do not move the cycle.
v1::CycleState NextState(v1::CycleState state, Action action);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_WORKFLOW_H_
