// Tests of the cycle's state machine (award-service/domain/workflow.h): the
// whole (state x action) table, for a jury-only policy and for both policies
// with a public vote, against an expected table written out here.
#include "award-service/domain/workflow.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

using S = v1::CycleState;
constexpr S kDraft = v1::CYCLE_STATE_DRAFT;
constexpr S kOpen = v1::CYCLE_STATE_NOMINATIONS_OPEN;
constexpr S kAnnounced = v1::CYCLE_STATE_NOMINEES_ANNOUNCED;
constexpr S kVoting = v1::CYCLE_STATE_PUBLIC_VOTING;
constexpr S kJury = v1::CYCLE_STATE_JURY_DELIBERATION;
constexpr S kWinner = v1::CYCLE_STATE_WINNER_ANNOUNCED;
constexpr S kArchived = v1::CYCLE_STATE_ARCHIVED;
constexpr S kCancelled = v1::CYCLE_STATE_CANCELLED;

// Every state but UNSPECIFIED, with the name errors use for it.
const std::map<S, std::string>& StateNames() {
  static const auto* names = new std::map<S, std::string>{
      {kDraft, "DRAFT"},
      {kOpen, "NOMINATIONS_OPEN"},
      {kAnnounced, "NOMINEES_ANNOUNCED"},
      {kVoting, "PUBLIC_VOTING"},
      {kJury, "JURY_DELIBERATION"},
      {kWinner, "WINNER_ANNOUNCED"},
      {kArchived, "ARCHIVED"},
      {kCancelled, "CANCELLED"},
  };
  return *names;
}

const std::map<Action, std::string>& ActionNames() {
  static const auto* names = new std::map<Action, std::string>{
      {Action::kOpenNominations, "OpenNominations"},
      {Action::kSubmitNomination, "SubmitNomination"},
      {Action::kWithdrawNomination, "WithdrawNomination"},
      {Action::kAnnounceNominees, "AnnounceNominees"},
      {Action::kOpenPublicVoting, "OpenPublicVoting"},
      {Action::kRecordVotes, "RecordVotes"},
      {Action::kStartJuryDeliberation, "StartJuryDeliberation"},
      {Action::kRegisterJuror, "RegisterJuror"},
      {Action::kDeclareConflict, "DeclareConflict"},
      {Action::kConfirmAssessment, "ConfirmAssessment"},
      {Action::kSubmitScore, "SubmitScore"},
      {Action::kDecideWinner, "DecideWinner"},
      {Action::kAnnounceWinner, "AnnounceWinner"},
      {Action::kArchive, "ArchiveCycle"},
      {Action::kCancel, "CancelCycle"},
  };
  return *names;
}

// What the table expects of one (state, action, policy).
struct Expected {
  bool allowed = false;
  S next = v1::CYCLE_STATE_UNSPECIFIED;  // when allowed
  std::string reason;                   // when refused
};

Expected Allow(S next) { return {true, next, ""}; }
Expected Refuse(const std::string& reason = "WRONG_STATE") {
  return {false, v1::CYCLE_STATE_UNSPECIFIED, reason};
}

// The expected table, written from the rules of the workflow.
Expected Expect(S state, Action action, bool vote) {
  const std::set<S> before_winner = {kDraft, kOpen, kAnnounced, kVoting, kJury};
  const std::set<S> open_to_jury = {kOpen, kAnnounced, kVoting, kJury};
  const std::set<S> announced_to_jury = {kAnnounced, kVoting, kJury};
  auto stay_in = [&](const std::set<S>& states) {
    return states.count(state) ? Allow(state) : Refuse();
  };
  switch (action) {
    case Action::kOpenNominations:
      return state == kDraft ? Allow(kOpen) : Refuse();
    case Action::kSubmitNomination:
    case Action::kWithdrawNomination:
      return stay_in({kOpen});
    case Action::kAnnounceNominees:
      return state == kOpen ? Allow(kAnnounced) : Refuse();
    case Action::kOpenPublicVoting:
      if (state != kAnnounced) return Refuse();
      return vote ? Allow(kVoting) : Refuse("NO_PUBLIC_VOTE");
    case Action::kRecordVotes:
      return stay_in({kVoting});
    case Action::kStartJuryDeliberation:
      if (state == kVoting) return Allow(kJury);
      if (state == kAnnounced) return vote ? Refuse("VOTE_REQUIRED") : Allow(kJury);
      return Refuse();
    case Action::kRegisterJuror:
      return stay_in(before_winner);
    case Action::kDeclareConflict:
      return stay_in(open_to_jury);
    case Action::kConfirmAssessment:
      return stay_in(announced_to_jury);
    case Action::kSubmitScore:
    case Action::kDecideWinner:
      return stay_in({kJury});
    case Action::kAnnounceWinner:
      return state == kJury ? Allow(kWinner) : Refuse();
    case Action::kArchive:
      return state == kWinner ? Allow(kArchived) : Refuse();
    case Action::kCancel:
      return before_winner.count(state) ? Allow(kCancelled) : Refuse();
  }
  ADD_FAILURE() << "action missing from the expected table";
  return Refuse();
}

v1::DecisionPolicy Policy(v1::DecisionKind kind) {
  v1::DecisionPolicy policy;
  policy.set_kind(kind);
  return policy;
}

TEST(WorkflowTest, AllActionsListsEveryActionOnce) {
  std::vector<Action> expected;
  for (const auto& [action, name] : ActionNames()) expected.push_back(action);
  EXPECT_THAT(AllActions(), UnorderedElementsAreArray(expected));
}

TEST(WorkflowTest, ActionNamesAreTheRpcNames) {
  for (const auto& [action, name] : ActionNames()) EXPECT_EQ(ActionName(action), name);
}

TEST(WorkflowTest, StateNamesDropThePrefix) {
  for (const auto& [state, name] : StateNames()) EXPECT_EQ(StateName(state), name);
}

TEST(WorkflowTest, TableCoversEveryState) {
  const google::protobuf::EnumDescriptor* states = v1::CycleState_descriptor();
  for (int i = 0; i < states->value_count(); ++i) {
    const S state = static_cast<S>(states->value(i)->number());
    if (state == v1::CYCLE_STATE_UNSPECIFIED) continue;
    EXPECT_TRUE(StateNames().count(state)) << states->value(i)->name();
  }
  EXPECT_EQ(StateNames().size(), static_cast<size_t>(states->value_count() - 1));
}

// Checks every state x every action under `policy` against the table.
void CheckTable(const v1::DecisionPolicy& policy, bool vote) {
  int allowed = 0;
  for (const auto& [state, state_name] : StateNames()) {
    for (Action action : AllActions()) {
      SCOPED_TRACE(absl::StrCat(state_name, " x ", ActionName(action), " under ",
                                v1::DecisionKind_Name(policy.kind())));
      const Expected expected = Expect(state, action, vote);
      const absl::Status status = CheckAction(state, action, policy);
      if (expected.allowed) {
        ++allowed;
        EXPECT_TRUE(status.ok()) << status;
        EXPECT_EQ(NextState(state, action), expected.next);
        continue;
      }
      EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
      EXPECT_EQ(ErrorReason(status), expected.reason);
      EXPECT_THAT(std::string(status.message()), HasSubstr(ActionName(action)));
      EXPECT_THAT(std::string(status.message()), HasSubstr(state_name));
      const std::vector<PreconditionViolation> violations = PreconditionViolations(status);
      ASSERT_EQ(violations.size(), 1u);
      EXPECT_EQ(violations[0].type, "STATE");
      EXPECT_EQ(violations[0].subject, state_name);
      EXPECT_FALSE(violations[0].description.empty());
    }
  }
  // A guard on the table itself, counted from the rules per action:
  // 1+1+1+1 + OpenPublicVoting (vote ? 1 : 0) + 1 + StartJuryDeliberation
  // (vote ? 1 : 2) + 5+4+3 + 1+1+1+1 + 5 = 28 either way.
  EXPECT_EQ(allowed, 28);
}

TEST(WorkflowTest, FullTableJuryOnly) { CheckTable(Policy(v1::DECISION_KIND_JURY_ONLY), false); }

TEST(WorkflowTest, FullTablePublicVoteFinalists) {
  CheckTable(Policy(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS), true);
}

TEST(WorkflowTest, FullTableWeightedBlend) {
  CheckTable(Policy(v1::DECISION_KIND_WEIGHTED_BLEND), true);
}

TEST(WorkflowTest, JuryOnlyHappyPath) {
  const v1::DecisionPolicy policy = Policy(v1::DECISION_KIND_JURY_ONLY);
  S state = kDraft;
  for (Action action : {Action::kOpenNominations, Action::kSubmitNomination,
                        Action::kAnnounceNominees, Action::kStartJuryDeliberation,
                        Action::kSubmitScore, Action::kDecideWinner, Action::kAnnounceWinner,
                        Action::kArchive}) {
    ASSERT_TRUE(CheckAction(state, action, policy).ok()) << ActionName(action);
    state = NextState(state, action);
  }
  EXPECT_EQ(state, kArchived);
}

TEST(WorkflowTest, VoteHappyPath) {
  const v1::DecisionPolicy policy = Policy(v1::DECISION_KIND_WEIGHTED_BLEND);
  S state = kDraft;
  std::vector<S> seen;
  for (Action action : {Action::kOpenNominations, Action::kAnnounceNominees,
                        Action::kOpenPublicVoting, Action::kRecordVotes,
                        Action::kStartJuryDeliberation, Action::kAnnounceWinner}) {
    ASSERT_TRUE(CheckAction(state, action, policy).ok()) << ActionName(action);
    state = NextState(state, action);
    seen.push_back(state);
  }
  EXPECT_EQ(seen, (std::vector<S>{kOpen, kAnnounced, kVoting, kVoting, kJury, kWinner}));
}

TEST(WorkflowTest, VoteStepsNameTheirReasons) {
  const absl::Status no_vote =
      CheckAction(kAnnounced, Action::kOpenPublicVoting, Policy(v1::DECISION_KIND_JURY_ONLY));
  EXPECT_EQ(ErrorReason(no_vote), "NO_PUBLIC_VOTE");
  EXPECT_THAT(std::string(no_vote.message()), HasSubstr("no public vote"));

  const absl::Status vote_required = CheckAction(
      kAnnounced, Action::kStartJuryDeliberation, Policy(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS));
  EXPECT_EQ(ErrorReason(vote_required), "VOTE_REQUIRED");
  EXPECT_THAT(std::string(vote_required.message()), HasSubstr("open it first"));
}

TEST(WorkflowTest, WrongStateSaysWhereTheActionIsAllowed) {
  const absl::Status status =
      CheckAction(kDraft, Action::kSubmitNomination, Policy(v1::DECISION_KIND_JURY_ONLY));
  EXPECT_THAT(PreconditionViolations(status)[0].description,
              HasSubstr("allowed in NOMINATIONS_OPEN"));
}

}  // namespace
}  // namespace imdi::award
