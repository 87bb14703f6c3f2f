// Tests of the jury's decision (award-service/domain/decision.h): weighted
// jury scores over non-conflicted jurors, the three decision kinds, the
// tie-break rules, the chair's choice and the preconditions. Every expected
// number is worked out by hand from the inputs in the comments.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "award-service/domain/decision.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr double kTolerance = 1e-9;

// Two scoring criteria, "settlement" weighing 2 and "integration" 1, on a
// scale from 1 to 10.
v1::DecisionPolicy Policy(v1::DecisionKind kind = v1::DECISION_KIND_JURY_ONLY) {
  v1::DecisionPolicy policy;
  policy.set_kind(kind);
  v1::ScoringCriterion* settlement = policy.add_scoring_criteria();
  settlement->set_name("settlement");
  settlement->set_weight(2);
  v1::ScoringCriterion* integration = policy.add_scoring_criteria();
  integration->set_name("integration");
  integration->set_weight(1);
  policy.set_min_score(1);
  policy.set_max_score(10);
  return policy;
}

void AddTieBreak(v1::DecisionPolicy& policy, v1::TieBreakKind kind,
                 const std::string& criterion = "") {
  v1::TieBreak* rule = policy.add_tie_breaks();
  rule->set_kind(kind);
  rule->set_criterion(criterion);
}

v1::Juror Juror(const std::string& id, const std::vector<std::string>& conflicts = {}) {
  v1::Juror juror;
  juror.set_juror_id(id);
  juror.set_display_name(id);
  for (const std::string& c : conflicts) juror.add_conflicted_nomination_ids(c);
  return juror;
}

Candidate Nominee(const std::string& id, const std::string& name, int64_t votes = 0) {
  return Candidate{id, "code-" + id, name, votes};
}

// `juror` scores `nomination` with `settlement` and `integration`.
void Score(DecisionInput& input, const std::string& juror, const std::string& nomination,
           double settlement, double integration) {
  input.scores.push_back({juror, nomination, "settlement", settlement});
  input.scores.push_back({juror, nomination, "integration", integration});
}

// The weighted score of the policy: (2 * settlement + 1 * integration) / 3.
double Weighted(double settlement, double integration) {
  return (2 * settlement + integration) / 3;
}

std::vector<std::string> Order(const v1::Decision& decision) {
  std::vector<std::string> ids;
  for (const auto& r : decision.ranking()) ids.push_back(r.nomination_id());
  return ids;
}

std::vector<int> Ranks(const v1::Decision& decision) {
  std::vector<int> ranks;
  for (const auto& r : decision.ranking()) ranks.push_back(r.rank());
  return ranks;
}

std::vector<std::string> Subjects(const absl::Status& status) {
  std::vector<std::string> subjects;
  for (const PreconditionViolation& v : PreconditionViolations(status)) {
    subjects.push_back(v.subject);
  }
  return subjects;
}

// Jurors j1 and j2, nominees n1..n3, every score given.
DecisionInput JuryOnlyInput() {
  DecisionInput input;
  input.policy = Policy();
  input.candidates = {Nominee("n1", "Asker"), Nominee("n2", "Bodø"), Nominee("n3", "Dovre")};
  input.jurors = {Juror("j1"), Juror("j2")};
  Score(input, "j1", "n1", 8, 6);
  Score(input, "j2", "n1", 6, 9);  // means 7 and 7.5: (14 + 7.5) / 3 = 7.1667
  Score(input, "j1", "n2", 9, 3);
  Score(input, "j2", "n2", 7, 5);  // means 8 and 4: (16 + 4) / 3 = 6.6667
  Score(input, "j1", "n3", 5, 5);
  Score(input, "j2", "n3", 5, 5);  // 5
  return input;
}

TEST(DecideTest, JuryOnlyRanksByWeightedMeanScore) {
  DecisionInput input = JuryOnlyInput();
  // Reverse the candidates: the ranking must not follow the input order.
  std::reverse(input.candidates.begin(), input.candidates.end());
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2", "n3"));
  EXPECT_THAT(Ranks(*decision), ElementsAre(1, 2, 3));
  EXPECT_EQ(decision->winner_nomination_id(), "n1");
  EXPECT_FALSE(decision->chair_decided());

  const v1::RankedCandidate& first = decision->ranking(0);
  EXPECT_EQ(first.municipality_name(), "Asker");
  EXPECT_EQ(first.municipality_code(), "code-n1");
  EXPECT_NEAR(first.jury_score(), Weighted(7, 7.5), kTolerance);
  EXPECT_NEAR(first.jury_score(), 21.5 / 3, kTolerance);
  EXPECT_NEAR(first.final_score(), first.jury_score(), kTolerance);
  EXPECT_FALSE(first.has_vote_share());
  EXPECT_THAT(first.tie_note(), IsEmpty());
  EXPECT_NEAR(decision->ranking(1).jury_score(), 20.0 / 3, kTolerance);
  EXPECT_NEAR(decision->ranking(2).jury_score(), 5.0, kTolerance);
  EXPECT_THAT(decision->explanation(), HasSubstr("Asker wins"));
}

TEST(DecideTest, WeightsDecideBetweenCandidates) {
  // n1 is better on the heavier criterion, n2 on the lighter one, with equal
  // unweighted sums: (2*9 + 3) / 3 = 7 against (2*3 + 9) / 3 = 5.
  DecisionInput input;
  input.policy = Policy();
  input.candidates = {Nominee("n2", "Bodø"), Nominee("n1", "Asker")};
  input.jurors = {Juror("j1")};
  Score(input, "j1", "n1", 9, 3);
  Score(input, "j1", "n2", 3, 9);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2"));
  EXPECT_NEAR(decision->ranking(0).jury_score(), 7.0, kTolerance);
  EXPECT_NEAR(decision->ranking(1).jury_score(), 5.0, kTolerance);
}

TEST(DecideTest, MeanOverNonConflictedJurorsOnly) {
  DecisionInput input = JuryOnlyInput();
  input.jurors.push_back(Juror("j3", {"n2"}));
  Score(input, "j3", "n1", 10, 10);
  Score(input, "j3", "n3", 2, 2);
  Score(input, "j3", "n2", 1, 1);  // conflicted: must be ignored
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  // n1: means (8+6+10)/3 = 8 and (6+9+10)/3 = 25/3 -> (16 + 25/3) / 3 = 73/9.
  // n2: j3 ignored, as before: 20/3 (with j3: means 17/3 and 3 -> 43/9).
  // n3: means (5+5+2)/3 = 4 on both -> 4.
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2", "n3"));
  EXPECT_NEAR(decision->ranking(0).jury_score(), 73.0 / 9, kTolerance);
  EXPECT_NEAR(decision->ranking(1).jury_score(), 20.0 / 3, kTolerance);
  EXPECT_NEAR(decision->ranking(2).jury_score(), 4.0, kTolerance);
}

TEST(DecideTest, ConflictedJurorNeedNotScore) {
  DecisionInput input = JuryOnlyInput();
  input.jurors.push_back(Juror("j3", {"n2"}));
  Score(input, "j3", "n1", 8, 6);
  Score(input, "j3", "n3", 5, 5);
  // j3 gives no score to n2 and is not missed.
  EXPECT_TRUE(Decide(input).ok());
}

TEST(DecideTest, ScoresMissingListsJurorNomineeAndCriterion) {
  DecisionInput input = JuryOnlyInput();
  input.jurors.push_back(Juror("j3", {"n1"}));
  Score(input, "j3", "n2", 5, 5);
  input.scores.push_back({"j3", "n3", "settlement", 5});  // no integration score
  input.scores.push_back({"j9", "n1", "settlement", 5});  // not a juror: ignored
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(decision.status()), "SCORES_MISSING");
  const std::vector<PreconditionViolation> violations =
      PreconditionViolations(decision.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].type, "SCORE");
  EXPECT_EQ(violations[0].subject, "j3/n3/integration");
  EXPECT_THAT(violations[0].description, HasSubstr("Dovre"));
  EXPECT_THAT(std::string(decision.status().message()), HasSubstr("scores are missing"));
}

TEST(DecideTest, ScoresMissingForEveryGap) {
  DecisionInput input = JuryOnlyInput();
  input.jurors.push_back(Juror("j3"));
  Score(input, "j3", "n1", 5, 5);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  EXPECT_EQ(ErrorReason(decision.status()), "SCORES_MISSING");
  EXPECT_THAT(Subjects(decision.status()),
              UnorderedElementsAre("j3/n2/settlement", "j3/n2/integration",
                                   "j3/n3/settlement", "j3/n3/integration"));
}

TEST(DecideTest, CandidateWithEveryJurorConflicted) {
  DecisionInput input = JuryOnlyInput();
  input.jurors = {Juror("j1", {"n3"}), Juror("j2", {"n3"})};
  absl::StatusOr<v1::Decision> decision = Decide(input);
  EXPECT_EQ(ErrorReason(decision.status()), "SCORES_MISSING");
  EXPECT_THAT(PreconditionViolations(decision.status()),
              ElementsAre(AllOf(Field(&PreconditionViolation::subject, "n3"),
                                Field(&PreconditionViolation::description,
                                      HasSubstr("no juror without a conflict")))));
}

TEST(DecideTest, NoCandidates) {
  DecisionInput input;
  input.policy = Policy();
  EXPECT_EQ(ErrorReason(Decide(input).status()), "NO_CANDIDATES");
}

// n1 and n2 tie on the weighted score; n2 comes first in the input so that
// a win of n1 is the rule's doing.
//   n1: settlement 8, integration 5 -> (16 + 5) / 3 = 7
//   n2: settlement 7, integration 7 -> (14 + 7) / 3 = 7
DecisionInput TiedOnWeighted() {
  DecisionInput input;
  input.policy = Policy();
  input.candidates = {Nominee("n2", "Bodø"), Nominee("n1", "Asker"), Nominee("n3", "Dovre")};
  input.jurors = {Juror("j1")};
  Score(input, "j1", "n1", 8, 5);
  Score(input, "j1", "n2", 7, 7);
  Score(input, "j1", "n3", 2, 2);
  return input;
}

TEST(DecideTest, TieBrokenByHigherCriterionScore) {
  DecisionInput input = TiedOnWeighted();
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE, "settlement");
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2", "n3"));
  EXPECT_THAT(Ranks(*decision), ElementsAre(1, 2, 3));
  EXPECT_NEAR(decision->ranking(0).final_score(), 7.0, kTolerance);
  EXPECT_NEAR(decision->ranking(1).final_score(), 7.0, kTolerance);
  EXPECT_THAT(decision->ranking(0).tie_note(), HasSubstr("higher score on settlement"));
  EXPECT_THAT(decision->ranking(1).tie_note(), HasSubstr("higher score on settlement"));
  EXPECT_THAT(decision->ranking(2).tie_note(), IsEmpty());
  EXPECT_FALSE(decision->chair_decided());

  // On the other criterion the order turns.
  DecisionInput other = TiedOnWeighted();
  AddTieBreak(other.policy, v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE, "integration");
  absl::StatusOr<v1::Decision> turned = Decide(other);
  ASSERT_TRUE(turned.ok()) << turned.status();
  EXPECT_THAT(Order(*turned), ElementsAre("n2", "n1", "n3"));
}

TEST(DecideTest, TieBrokenByMoreFirstPlaces) {
  // Equal scores on both criteria, so each juror's weighted score is that.
  //   n1: j1 9, j2 9, j3 3 -> mean 7; first for j1 and j2
  //   n2: j1 6, j2 6, j3 9 -> mean 7; first for j3
  DecisionInput input;
  input.policy = Policy();
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_MORE_FIRST_PLACES);
  input.candidates = {Nominee("n2", "Bodø"), Nominee("n1", "Asker")};
  input.jurors = {Juror("j1"), Juror("j2"), Juror("j3")};
  Score(input, "j1", "n1", 9, 9);
  Score(input, "j2", "n1", 9, 9);
  Score(input, "j3", "n1", 3, 3);
  Score(input, "j1", "n2", 6, 6);
  Score(input, "j2", "n2", 6, 6);
  Score(input, "j3", "n2", 9, 9);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2"));
  EXPECT_NEAR(decision->ranking(0).final_score(), 7.0, kTolerance);
  EXPECT_NEAR(decision->ranking(1).final_score(), 7.0, kTolerance);
  EXPECT_THAT(decision->ranking(0).tie_note(), HasSubstr("first places"));
}

TEST(DecideTest, TieBrokenByHigherVoteShare) {
  // Finalists n1 and n2 tie on the jury score (7); of 1,000 votes n1 has 300
  // (0.3) and n2 500 (0.5); the rest went to nominees not in the final.
  DecisionInput input = TiedOnWeighted();
  input.policy.set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
  input.policy.set_finalist_count(3);
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE);
  input.candidates = {Nominee("n1", "Asker", 300), Nominee("n2", "Bodø", 500),
                      Nominee("n3", "Dovre", 100)};
  input.total_votes = 1000;
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n2", "n1", "n3"));
  EXPECT_NEAR(decision->ranking(0).vote_share(), 0.5, kTolerance);
  EXPECT_NEAR(decision->ranking(1).vote_share(), 0.3, kTolerance);
  EXPECT_THAT(decision->ranking(0).tie_note(), HasSubstr("higher vote share"));
}

TEST(DecideTest, LaterTieBreakAppliesWhenTheFirstLeavesTheTie) {
  // n1 and n2 tie on the jury score (7), on settlement (7) and on first
  // places (the one juror's best, 7, is both's: one each); only the third
  // rule, the vote share (0.4 against 0.6), separates them.
  DecisionInput input;
  input.policy = Policy(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
  input.policy.set_finalist_count(2);
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE, "settlement");
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_MORE_FIRST_PLACES);
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE);
  input.candidates = {Nominee("n1", "Asker", 40), Nominee("n2", "Bodø", 60)};
  input.total_votes = 100;
  input.jurors = {Juror("j1")};
  Score(input, "j1", "n1", 7, 7);
  Score(input, "j1", "n2", 7, 7);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n2", "n1"));
  EXPECT_THAT(decision->ranking(0).tie_note(), HasSubstr("higher vote share"));
}

// n1 and n2 tie on everything; n3 is behind.
DecisionInput TiedForGood() {
  DecisionInput input;
  input.policy = Policy();
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE, "settlement");
  AddTieBreak(input.policy, v1::TIE_BREAK_KIND_MORE_FIRST_PLACES);
  input.candidates = {Nominee("n1", "Asker"), Nominee("n2", "Bodø"), Nominee("n3", "Dovre")};
  input.jurors = {Juror("j1"), Juror("j2")};
  Score(input, "j1", "n1", 8, 6);
  Score(input, "j2", "n1", 6, 8);  // means 7 and 7 -> 7
  Score(input, "j1", "n2", 6, 8);
  Score(input, "j2", "n2", 8, 6);  // means 7 and 7 -> 7
  // j1: n1 (16+6)/3 = 7.33, n2 (12+8)/3 = 6.67 -> first place to n1.
  // j2: n1 (12+8)/3 = 6.67, n2 (16+6)/3 = 7.33 -> first place to n2.
  Score(input, "j1", "n3", 3, 3);
  Score(input, "j2", "n3", 3, 3);
  return input;
}

TEST(DecideTest, TieLeftByTheRulesIsUnresolved) {
  absl::StatusOr<v1::Decision> decision = Decide(TiedForGood());
  ASSERT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(decision.status()), "TIE_UNRESOLVED");
  EXPECT_THAT(Subjects(decision.status()), UnorderedElementsAre("n1", "n2"));
  for (const PreconditionViolation& v : PreconditionViolations(decision.status())) {
    EXPECT_EQ(v.type, "TIE");
  }
  EXPECT_THAT(std::string(decision.status().message()), HasSubstr("Asker (n1)"));
  EXPECT_THAT(std::string(decision.status().message()), HasSubstr("Bodø (n2)"));
  EXPECT_THAT(std::string(decision.status().message()), HasSubstr("chair"));
}

TEST(DecideTest, TieWithoutAnyRuleIsUnresolved) {
  DecisionInput input = TiedOnWeighted();  // no tie-break rules
  EXPECT_THAT(Subjects(Decide(input).status()), UnorderedElementsAre("n1", "n2"));
}

TEST(DecideTest, ChairChoiceSettlesTheTie) {
  DecisionInput input = TiedForGood();
  input.chair_choice = "n2";
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_TRUE(decision->chair_decided());
  EXPECT_EQ(decision->winner_nomination_id(), "n2");
  EXPECT_THAT(Order(*decision), ElementsAre("n2", "n1", "n3"));
  EXPECT_THAT(Ranks(*decision), ElementsAre(1, 2, 3));
  EXPECT_THAT(decision->ranking(0).tie_note(), HasSubstr("chair"));
  EXPECT_THAT(decision->explanation(), HasSubstr("Bodø wins"));

  input.chair_choice = "n1";
  decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->winner_nomination_id(), "n1");
}

TEST(DecideTest, ChairChoiceWithoutATieIsRefused) {
  DecisionInput input = JuryOnlyInput();
  input.chair_choice = "n2";
  absl::StatusOr<v1::Decision> decision = Decide(input);
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(decision.status()), "CHAIR_CHOICE_NOT_TIED");
}

TEST(DecideTest, ChairChoiceOutsideTheTieIsRefused) {
  DecisionInput input = TiedForGood();
  input.chair_choice = "n3";
  absl::StatusOr<v1::Decision> decision = Decide(input);
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(decision.status()), "CHAIR_CHOICE_NOT_TIED");
  const std::vector<PreconditionViolation> tied = PreconditionViolations(decision.status());
  ASSERT_EQ(tied.size(), 2u);
  EXPECT_EQ(tied[0].subject, "n1");
  EXPECT_EQ(tied[1].subject, "n2");

  input.chair_choice = "n99";
  EXPECT_EQ(ErrorReason(Decide(input).status()), "CHAIR_CHOICE_NOT_TIED");
}

TEST(DecideTest, PublicVoteFinalistsRankOnTheJuryScore) {
  // The vote picked the finalists; the jury decides among them, so the vote
  // share is reported but does not rank.
  DecisionInput input = JuryOnlyInput();
  input.policy.set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
  input.policy.set_finalist_count(3);
  input.candidates = {Nominee("n1", "Asker", 100), Nominee("n2", "Bodø", 500),
                      Nominee("n3", "Dovre", 200)};
  input.total_votes = 1000;
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2", "n3"));
  EXPECT_NEAR(decision->ranking(0).final_score(), 21.5 / 3, kTolerance);
  EXPECT_NEAR(decision->ranking(0).vote_share(), 0.1, kTolerance);
  EXPECT_NEAR(decision->ranking(1).vote_share(), 0.5, kTolerance);
  EXPECT_NEAR(decision->ranking(2).vote_share(), 0.2, kTolerance);
  EXPECT_THAT(decision->explanation(), HasSubstr("vote share 0.100"));
}

TEST(DecideTest, WeightedBlendOfVoteShareAndNormalisedJuryScore) {
  // vote_weight 0.4, scale 1..10:
  //   n1: jury 7 -> (7-1)/9 = 2/3; votes 100/1000 = 0.1
  //       final = 0.4*0.1 + 0.6*2/3 = 0.04 + 0.4 = 0.44
  //   n2: jury 4 -> (4-1)/9 = 1/3; votes 800/1000 = 0.8
  //       final = 0.4*0.8 + 0.6*1/3 = 0.32 + 0.2 = 0.52
  // The vote overturns the jury.
  DecisionInput input;
  input.policy = Policy(v1::DECISION_KIND_WEIGHTED_BLEND);
  input.policy.set_vote_weight(0.4);
  input.candidates = {Nominee("n1", "Asker", 100), Nominee("n2", "Bodø", 800)};
  input.total_votes = 1000;
  input.jurors = {Juror("j1"), Juror("j2")};
  Score(input, "j1", "n1", 6, 8);
  Score(input, "j2", "n1", 8, 6);  // means 7 and 7
  Score(input, "j1", "n2", 4, 4);
  Score(input, "j2", "n2", 4, 4);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n2", "n1"));
  const v1::RankedCandidate& n2 = decision->ranking(0);
  const v1::RankedCandidate& n1 = decision->ranking(1);
  EXPECT_NEAR(n2.jury_score(), 4.0, kTolerance);
  EXPECT_NEAR(n2.vote_share(), 0.8, kTolerance);
  EXPECT_NEAR(n2.final_score(), 0.52, kTolerance);
  EXPECT_NEAR(n1.jury_score(), 7.0, kTolerance);
  EXPECT_NEAR(n1.final_score(), 0.44, kTolerance);

  // With the vote weighing less the jury wins: w = 0.1:
  //   n1: 0.1*0.1 + 0.9*2/3 = 0.61; n2: 0.1*0.8 + 0.9*1/3 = 0.38.
  input.policy.set_vote_weight(0.1);
  decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2"));
  EXPECT_NEAR(decision->ranking(0).final_score(), 0.61, kTolerance);
  EXPECT_NEAR(decision->ranking(1).final_score(), 0.38, kTolerance);
}

TEST(DecideTest, VotePoliciesNeedVotes) {
  for (v1::DecisionKind kind :
       {v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS, v1::DECISION_KIND_WEIGHTED_BLEND}) {
    DecisionInput input = JuryOnlyInput();
    input.policy.set_kind(kind);
    input.policy.set_finalist_count(3);
    input.policy.set_vote_weight(0.5);
    input.total_votes = 0;
    absl::StatusOr<v1::Decision> decision = Decide(input);
    EXPECT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ErrorReason(decision.status()), "NO_VOTES");
  }
  // A jury-only decision needs none.
  EXPECT_TRUE(Decide(JuryOnlyInput()).ok());
}

TEST(DecideTest, LowerTiesShareARank) {
  // n2 and n3 tie for second with no rule to separate them; only a tie for
  // first needs the chair. n4 comes fourth, after the two seconds.
  DecisionInput input;
  input.policy = Policy();
  input.candidates = {Nominee("n4", "Eidfjord"), Nominee("n1", "Asker"), Nominee("n2", "Bodø"),
                      Nominee("n3", "Dovre")};
  input.jurors = {Juror("j1")};
  Score(input, "j1", "n1", 9, 9);
  Score(input, "j1", "n2", 5, 5);
  Score(input, "j1", "n3", 5, 5);
  Score(input, "j1", "n4", 2, 2);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->winner_nomination_id(), "n1");
  EXPECT_EQ(decision->ranking(3).nomination_id(), "n4");
  EXPECT_THAT(Ranks(*decision), ElementsAre(1, 2, 2, 4));
}

// Decide() is total: whatever numbers reach it (the configuration and the
// scores are validated before, but the ranking must not depend on that), it
// ends with a ranking of every candidate or a precondition failure.
TEST(DecideTest, OverflowingWeightsStillRankEveryCandidate) {
  // 1e308 * 10 overflows to infinity: every weighted sum is inf / inf.
  DecisionInput input = JuryOnlyInput();
  input.policy.mutable_scoring_criteria(0)->set_weight(1e308);
  input.policy.mutable_scoring_criteria(1)->set_weight(1e308);
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_TRUE(decision.ok()) << decision.status();
  // Normalised weights (1/2 each) keep the scores finite and comparable:
  // n1 (7 + 7.5) / 2, n2 (8 + 4) / 2, n3 5.
  EXPECT_THAT(Order(*decision), ElementsAre("n1", "n2", "n3"));
  EXPECT_NEAR(decision->ranking(0).jury_score(), 7.25, kTolerance);
}

TEST(DecideTest, NonFiniteNumbersAreRefusedNeverLooped) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double weight : {2.0, inf, nan, -inf}) {
    for (double max_score : {10.0, inf}) {
      for (double score : {10.0, inf, -inf, nan}) {
        if (weight == 2.0 && max_score == 10.0 && score == 10.0) continue;  // all finite
        DecisionInput input = JuryOnlyInput();
        input.policy.mutable_scoring_criteria(0)->set_weight(weight);
        input.policy.set_max_score(max_score);
        AddTieBreak(input.policy, v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE, "settlement");
        AddTieBreak(input.policy, v1::TIE_BREAK_KIND_MORE_FIRST_PLACES);
        for (JuryScore& s : input.scores) {
          if (s.nomination_id != "n3") s.score = score;
        }
        absl::StatusOr<v1::Decision> decision = Decide(input);
        ASSERT_FALSE(decision.ok()) << weight << " " << max_score << " " << score;
        EXPECT_EQ(decision.status().code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_EQ(ErrorReason(decision.status()), "NUMBERS_NOT_FINITE")
            << weight << " " << max_score << " " << score << ": " << decision.status();
      }
    }
  }
}

TEST(DecideTest, ScoresThatOverflowTheirSumAreRefused) {
  // Each score is finite, their sum is not.
  DecisionInput input = JuryOnlyInput();
  input.policy.set_max_score(std::numeric_limits<double>::max());
  for (JuryScore& s : input.scores) s.score = std::numeric_limits<double>::max();
  absl::StatusOr<v1::Decision> decision = Decide(input);
  ASSERT_FALSE(decision.ok());
  EXPECT_EQ(ErrorReason(decision.status()), "NUMBERS_NOT_FINITE") << decision.status();
}

TEST(WeightedJuryScoreTest, PartialScores) {
  const v1::DecisionPolicy policy = Policy();
  std::vector<v1::Juror> jurors = {Juror("j1"), Juror("j2"), Juror("j3", {"n1"})};
  std::vector<JuryScore> scores;
  EXPECT_FALSE(WeightedJuryScore(policy, jurors, scores, "n1").has_value());

  // One settlement score only: integration is left out of the weights.
  scores.push_back({"j1", "n1", "settlement", 8});
  EXPECT_NEAR(WeightedJuryScore(policy, jurors, scores, "n1").value(), 8.0, kTolerance);

  // j2 adds both: settlement mean 7, integration 9 -> (14 + 9) / 3 = 23/3.
  scores.push_back({"j2", "n1", "settlement", 6});
  scores.push_back({"j2", "n1", "integration", 9});
  EXPECT_NEAR(WeightedJuryScore(policy, jurors, scores, "n1").value(), 23.0 / 3, kTolerance);

  // The conflicted j3 does not count.
  scores.push_back({"j3", "n1", "settlement", 1});
  scores.push_back({"j3", "n1", "integration", 1});
  EXPECT_NEAR(WeightedJuryScore(policy, jurors, scores, "n1").value(), 23.0 / 3, kTolerance);

  // A later score of the same juror replaces the earlier one: settlement
  // mean (10 + 6) / 2 = 8 -> (16 + 9) / 3 = 25/3.
  scores.push_back({"j1", "n1", "settlement", 10});
  EXPECT_NEAR(WeightedJuryScore(policy, jurors, scores, "n1").value(), 25.0 / 3, kTolerance);

  // Other nominees' scores are not mixed in; a score only from a conflicted
  // juror is no score.
  EXPECT_FALSE(WeightedJuryScore(policy, jurors, {{"j3", "n1", "settlement", 5}}, "n1")
                   .has_value());
  EXPECT_FALSE(WeightedJuryScore(policy, jurors, scores, "n2").has_value());
}

TEST(IsConflictedTest, OnlyDeclaredNominations) {
  const v1::Juror juror = Juror("j1", {"n1", "n3"});
  EXPECT_TRUE(IsConflicted(juror, "n1"));
  EXPECT_TRUE(IsConflicted(juror, "n3"));
  EXPECT_FALSE(IsConflicted(juror, "n2"));
}

}  // namespace
}  // namespace imdi::award
