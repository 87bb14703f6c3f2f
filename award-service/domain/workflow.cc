#include "award-service/domain/workflow.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "award-service/domain/cycle_config.h"
#include "common/errors.h"

namespace imdi::award {
namespace {

using S = v1::CycleState;

struct Rule {
  Action action;
  std::vector<S> from;
  S to;  // CYCLE_STATE_UNSPECIFIED: the state does not change
};

const std::vector<Rule>& Rules() {
  static const auto* rules = new std::vector<Rule>{
      {Action::kOpenNominations, {v1::CYCLE_STATE_DRAFT}, v1::CYCLE_STATE_NOMINATIONS_OPEN},
      {Action::kSubmitNomination, {v1::CYCLE_STATE_NOMINATIONS_OPEN}, v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kWithdrawNomination, {v1::CYCLE_STATE_NOMINATIONS_OPEN},
       v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kAnnounceNominees, {v1::CYCLE_STATE_NOMINATIONS_OPEN},
       v1::CYCLE_STATE_NOMINEES_ANNOUNCED},
      {Action::kOpenPublicVoting, {v1::CYCLE_STATE_NOMINEES_ANNOUNCED},
       v1::CYCLE_STATE_PUBLIC_VOTING},
      {Action::kRecordVotes, {v1::CYCLE_STATE_PUBLIC_VOTING}, v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kStartJuryDeliberation,
       {v1::CYCLE_STATE_NOMINEES_ANNOUNCED, v1::CYCLE_STATE_PUBLIC_VOTING},
       v1::CYCLE_STATE_JURY_DELIBERATION},
      {Action::kRegisterJuror,
       {v1::CYCLE_STATE_DRAFT, v1::CYCLE_STATE_NOMINATIONS_OPEN,
        v1::CYCLE_STATE_NOMINEES_ANNOUNCED, v1::CYCLE_STATE_PUBLIC_VOTING,
        v1::CYCLE_STATE_JURY_DELIBERATION},
       v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kDeclareConflict,
       {v1::CYCLE_STATE_NOMINATIONS_OPEN, v1::CYCLE_STATE_NOMINEES_ANNOUNCED,
        v1::CYCLE_STATE_PUBLIC_VOTING, v1::CYCLE_STATE_JURY_DELIBERATION},
       v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kConfirmAssessment,
       {v1::CYCLE_STATE_NOMINEES_ANNOUNCED, v1::CYCLE_STATE_PUBLIC_VOTING,
        v1::CYCLE_STATE_JURY_DELIBERATION},
       v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kSubmitScore, {v1::CYCLE_STATE_JURY_DELIBERATION}, v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kDecideWinner, {v1::CYCLE_STATE_JURY_DELIBERATION}, v1::CYCLE_STATE_UNSPECIFIED},
      {Action::kAnnounceWinner, {v1::CYCLE_STATE_JURY_DELIBERATION},
       v1::CYCLE_STATE_WINNER_ANNOUNCED},
      {Action::kArchive, {v1::CYCLE_STATE_WINNER_ANNOUNCED}, v1::CYCLE_STATE_ARCHIVED},
      {Action::kCancel,
       {v1::CYCLE_STATE_DRAFT, v1::CYCLE_STATE_NOMINATIONS_OPEN,
        v1::CYCLE_STATE_NOMINEES_ANNOUNCED, v1::CYCLE_STATE_PUBLIC_VOTING,
        v1::CYCLE_STATE_JURY_DELIBERATION},
       v1::CYCLE_STATE_CANCELLED},
  };
  return *rules;
}

const Rule& RuleOf(Action action) {
  for (const Rule& rule : Rules()) {
    if (rule.action == action) return rule;
  }
  return Rules().front();  // unreachable: every action has a rule
}

absl::Status StateError(absl::string_view reason, v1::CycleState state, Action action,
                        const std::string& description) {
  return FailedPreconditionError(
      reason,
      absl::StrCat(ActionName(action), " is not allowed in state ", StateName(state), ": ",
                   description),
      {{"STATE", StateName(state), description}});
}

}  // namespace

const std::vector<Action>& AllActions() {
  static const auto* actions = [] {
    auto* out = new std::vector<Action>;
    for (const Rule& rule : Rules()) out->push_back(rule.action);
    return out;
  }();
  return *actions;
}

std::string ActionName(Action action) {
  switch (action) {
    case Action::kOpenNominations: return "OpenNominations";
    case Action::kSubmitNomination: return "SubmitNomination";
    case Action::kWithdrawNomination: return "WithdrawNomination";
    case Action::kAnnounceNominees: return "AnnounceNominees";
    case Action::kOpenPublicVoting: return "OpenPublicVoting";
    case Action::kRecordVotes: return "RecordVotes";
    case Action::kStartJuryDeliberation: return "StartJuryDeliberation";
    case Action::kRegisterJuror: return "RegisterJuror";
    case Action::kDeclareConflict: return "DeclareConflict";
    case Action::kConfirmAssessment: return "ConfirmAssessment";
    case Action::kSubmitScore: return "SubmitScore";
    case Action::kDecideWinner: return "DecideWinner";
    case Action::kAnnounceWinner: return "AnnounceWinner";
    case Action::kArchive: return "ArchiveCycle";
    case Action::kCancel: return "CancelCycle";
  }
  return "Unknown";
}

std::string StateName(v1::CycleState state) {
  std::string name = v1::CycleState_Name(state);
  constexpr absl::string_view kPrefix = "CYCLE_STATE_";
  if (absl::StartsWith(name, kPrefix)) name.erase(0, kPrefix.size());
  return name;
}

absl::Status CheckAction(v1::CycleState state, Action action, const v1::DecisionPolicy& policy) {
  const Rule& rule = RuleOf(action);
  if (std::find(rule.from.begin(), rule.from.end(), state) == rule.from.end()) {
    std::vector<std::string> allowed;
    for (S s : rule.from) allowed.push_back(StateName(s));
    return StateError("WRONG_STATE", state, action,
                      absl::StrCat("allowed in ", absl::StrJoin(allowed, ", ")));
  }
  if (action == Action::kOpenPublicVoting && !HasPublicVote(policy)) {
    return StateError("NO_PUBLIC_VOTE", state, action,
                      "the cycle's decision policy has no public vote");
  }
  if (action == Action::kStartJuryDeliberation && state == v1::CYCLE_STATE_NOMINEES_ANNOUNCED &&
      HasPublicVote(policy)) {
    return StateError("VOTE_REQUIRED", state, action,
                      "the cycle's decision policy has a public vote; open it first");
  }
  return absl::OkStatus();
}

v1::CycleState NextState(v1::CycleState state, Action action) {
  const Rule& rule = RuleOf(action);
  return rule.to == v1::CYCLE_STATE_UNSPECIFIED ? state : rule.to;
}

}  // namespace imdi::award
