// GetCycleProgress at every stage of a small cycle (draft, nominations open
// with a region filled, nominees announced, the jury with scores missing,
// decided), checking what is missing and what blocks the next step, and
// that a blocker is what the transition's RPC answers.
#include <string>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/award_cycle_fixture.h"

namespace imdi::award::testing {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using ProgressTest = AwardCycleTest;

const v1::TransitionProgress* Find(const v1::GetCycleProgressResponse& p,
                                   const std::string& method) {
  for (const auto& t : p.transitions()) {
    if (t.method() == method) return &t;
  }
  return nullptr;
}

std::vector<std::string> Methods(const v1::GetCycleProgressResponse& p) {
  std::vector<std::string> out;
  for (const auto& t : p.transitions()) out.push_back(t.method());
  return out;
}

std::vector<std::string> Types(const v1::TransitionProgress& t) {
  std::vector<std::string> out;
  for (const auto& b : t.blockers()) out.push_back(b.type());
  return out;
}

const v1::RegionProgress& Region(const v1::GetCycleProgressResponse& p,
                                 stats::v1::ImdiRegion region) {
  for (const auto& r : p.regions()) {
    if (r.imdi_region() == region) return r;
  }
  static const v1::RegionProgress none;
  return none;
}

// The blockers of a transition are the violations its RPC refuses with.
void ExpectSameAs(const v1::TransitionProgress& t, const absl::Status& refusal) {
  ASSERT_EQ(refusal.code(), absl::StatusCode::kFailedPrecondition) << refusal;
  const std::vector<PreconditionViolation> violations = PreconditionViolations(refusal);
  ASSERT_EQ(t.blockers_size(), static_cast<int>(violations.size()));
  for (size_t i = 0; i < violations.size(); ++i) {
    EXPECT_EQ(t.blockers(i).type(), violations[i].type);
    EXPECT_EQ(t.blockers(i).subject(), violations[i].subject);
    EXPECT_EQ(t.blockers(i).description(), violations[i].description);
  }
}

TEST_F(ProgressTest, Draft) {
  Create();
  const v1::GetCycleProgressResponse p = Progress();
  EXPECT_EQ(p.cycle_id(), "c");
  EXPECT_EQ(p.title(), "Bosettingsprisen 2016");
  EXPECT_EQ(p.state(), v1::CYCLE_STATE_DRAFT);
  EXPECT_EQ(p.compute_time().seconds(), absl::ToUnixSeconds(now_));
  // Today is 2017-03-01: the nominees' date has passed, the winner's not.
  ASSERT_THAT(p.schedule(), SizeIs(2));
  EXPECT_EQ(p.schedule(0).name(), "nominees_announce_date");
  EXPECT_EQ(p.schedule(0).date(), "2017-02-17");
  EXPECT_EQ(p.schedule(0).days_left(), -12);
  EXPECT_TRUE(p.schedule(0).passed());
  EXPECT_EQ(p.schedule(1).name(), "winner_announce_date");
  EXPECT_EQ(p.schedule(1).days_left(), 56);
  EXPECT_FALSE(p.schedule(1).passed());
  // Every region, in the enum's order.
  ASSERT_THAT(p.regions(), SizeIs(6));
  EXPECT_EQ(p.regions(0).imdi_region(), stats::v1::IMDI_REGION_OST);
  EXPECT_EQ(p.regions(5).imdi_region(), stats::v1::IMDI_REGION_NORD);
  EXPECT_EQ(p.regions(0).quota(), 1);
  EXPECT_FALSE(p.regions(0).filled());
  EXPECT_THAT(p.jurors(), IsEmpty());
  EXPECT_THAT(Methods(p), ElementsAre("OpenNominations", "CancelCycle"));
  EXPECT_TRUE(p.transitions(0).allowed());
  EXPECT_EQ(p.transitions(0).to_state(), v1::CYCLE_STATE_NOMINATIONS_OPEN);
}

TEST_F(ProgressTest, NominationsOpenWithARegionFilled) {
  Create([](v1::CycleConfig& c) { c.mutable_schedule()->set_scoring_deadline("2017-03-20"); });
  ASSERT_TRUE(OpenNominations().ok());
  {
    const v1::GetCycleProgressResponse p = Progress();
    const v1::TransitionProgress* announce = Find(p, "AnnounceNominees");
    ASSERT_NE(announce, nullptr);
    EXPECT_FALSE(announce->allowed());
    EXPECT_THAT(Types(*announce), ElementsAre("NOMINATIONS"));
    ExpectSameAs(*announce, AnnounceNominees().status());
  }
  auto t = Nominate("5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  auto b = Nominate("4601", stats::v1::IMDI_REGION_VEST);
  ASSERT_TRUE(t.ok() && b.ok());
  v1::WithdrawNominationRequest withdraw;
  withdraw.set_cycle_id("c");
  withdraw.set_nomination_id(b->nomination().nomination_id());
  ASSERT_TRUE(core_->WithdrawNomination(withdraw, caller_).ok());

  const v1::GetCycleProgressResponse p = Progress();
  EXPECT_EQ(p.state(), v1::CYCLE_STATE_NOMINATIONS_OPEN);
  ASSERT_THAT(p.schedule(), SizeIs(3));
  EXPECT_EQ(p.schedule(1).name(), "scoring_deadline");
  EXPECT_EQ(p.schedule(1).days_left(), 19);
  const v1::RegionProgress& midt = Region(p, stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(midt.active(), 1);
  EXPECT_TRUE(midt.filled());
  EXPECT_THAT(midt.nominees(), ElementsAre("Trondheim"));
  const v1::RegionProgress& vest = Region(p, stats::v1::IMDI_REGION_VEST);
  EXPECT_EQ(vest.active(), 0);
  EXPECT_EQ(vest.withdrawn(), 1);
  EXPECT_FALSE(vest.filled());
  EXPECT_THAT(vest.nominees(), IsEmpty());
  EXPECT_THAT(p.pending_assessments(), SizeIs(2));  // Trondheim's two claims
  EXPECT_THAT(Methods(p), ElementsAre("AnnounceNominees", "CancelCycle"));
  EXPECT_TRUE(Find(p, "AnnounceNominees")->allowed());
}

TEST_F(ProgressTest, AnnouncedWithClaimsPending) {
  NominateBoth();
  ASSERT_TRUE(AnnounceNominees().ok());
  const v1::GetCycleProgressResponse p = Progress();
  EXPECT_EQ(p.state(), v1::CYCLE_STATE_NOMINEES_ANNOUNCED);
  EXPECT_GT(p.data_version(), 0);
  ASSERT_THAT(p.pending_assessments(), SizeIs(4));
  EXPECT_EQ(p.pending_assessments(0).municipality_name(), "Trondheim");
  EXPECT_EQ(p.pending_assessments(0).criterion(), "creative_housing");
  EXPECT_THAT(p.jurors(), IsEmpty());
  EXPECT_THAT(Methods(p), ElementsAre("OpenPublicVoting", "StartJuryDeliberation", "CancelCycle"));
  // The 2016 prize has no public vote.
  const v1::TransitionProgress* vote = Find(p, "OpenPublicVoting");
  EXPECT_FALSE(vote->allowed());
  v1::OpenPublicVotingRequest open;
  open.set_cycle_id("c");
  ExpectSameAs(*vote, core_->OpenPublicVoting(open, caller_).status());
  EXPECT_TRUE(Find(p, "StartJuryDeliberation")->allowed());
}

TEST_F(ProgressTest, JuryWithScoresMissingAndClaimsPending) {
  NominateBoth();
  ASSERT_TRUE(AnnounceNominees().ok());
  RegisterJurors();
  ASSERT_TRUE(StartJury().ok());
  {
    // Claims unconfirmed: the decision waits for them first.
    const v1::GetCycleProgressResponse p = Progress();
    const v1::TransitionProgress* decide = Find(p, "DecideWinner");
    ASSERT_NE(decide, nullptr);
    EXPECT_THAT(Types(*decide), Each(std::string("ASSESSMENT")));
    v1::DecideWinnerRequest request;
    request.set_cycle_id("c");
    ExpectSameAs(*decide, core_->DecideWinner(request, caller_).status());
  }
  ConfirmClaims();
  ASSERT_TRUE(Sheet("a", All(trondheim_, 8)).ok());

  const v1::GetCycleProgressResponse p = Progress();
  EXPECT_EQ(p.state(), v1::CYCLE_STATE_JURY_DELIBERATION);
  EXPECT_THAT(p.pending_assessments(), IsEmpty());
  ASSERT_THAT(p.jurors(), SizeIs(2));
  EXPECT_EQ(p.jurors(0).juror_id(), "a");
  EXPECT_TRUE(p.jurors(0).chair());
  EXPECT_EQ(p.jurors(0).display_name(), "Juror a");
  EXPECT_EQ(p.jurors(0).scores_expected(), 6);
  EXPECT_EQ(p.jurors(0).scores_recorded(), 3);
  ASSERT_THAT(p.jurors(0).missing(), SizeIs(3));
  EXPECT_EQ(p.jurors(0).missing(0).municipality_name(), "Bergen");
  EXPECT_EQ(p.jurors(0).missing(0).criterion(), "settlement");
  EXPECT_EQ(p.jurors(1).scores_recorded(), 0);
  EXPECT_THAT(p.jurors(1).missing(), SizeIs(6));

  EXPECT_THAT(Methods(p), ElementsAre("DecideWinner", "AnnounceWinner", "CancelCycle"));
  const v1::TransitionProgress* decide = Find(p, "DecideWinner");
  EXPECT_FALSE(decide->allowed());
  EXPECT_THAT(decide->blockers(), SizeIs(9));  // a's three and b's six
  EXPECT_THAT(Types(*decide), Each(std::string("SCORE")));
  v1::DecideWinnerRequest request;
  request.set_cycle_id("c");
  const absl::Status refused = core_->DecideWinner(request, caller_).status();
  EXPECT_EQ(ErrorReason(refused), "SCORES_MISSING");
  ExpectSameAs(*decide, refused);
  const v1::TransitionProgress* announce = Find(p, "AnnounceWinner");
  EXPECT_FALSE(announce->allowed());
  EXPECT_THAT(Types(*announce), ElementsAre("DECISION"));
  v1::AnnounceWinnerRequest winner;
  winner.set_cycle_id("c");
  ExpectSameAs(*announce, core_->AnnounceWinner(winner, caller_).status());
}

TEST_F(ProgressTest, DecidedUnderEachScheduleRule) {
  for (v1::DeadlineRule rule : {v1::DEADLINE_RULE_WARN, v1::DEADLINE_RULE_REFUSE}) {
    SCOPED_TRACE(v1::DeadlineRule_Name(rule));
    Fresh(v1::DeadlineRule_Name(rule));
    now_ = Day(2017, 3, 1);
    ToJury([&](v1::CycleConfig& c) { c.mutable_schedule()->set_deadline_rule(rule); });
    std::vector<v1::ScoreSheetEntry> scores = All(trondheim_, 9);
    for (const auto& e : All(bergen_, 6)) scores.push_back(e);
    ASSERT_TRUE(Sheet("a", scores).ok());
    ASSERT_TRUE(Sheet("b", scores).ok());
    v1::DecideWinnerRequest decide;
    decide.set_cycle_id("c");
    ASSERT_TRUE(core_->DecideWinner(decide, caller_).ok());

    const v1::GetCycleProgressResponse p = Progress();
    EXPECT_EQ(p.jurors(0).scores_recorded(), 6);
    EXPECT_THAT(p.jurors(0).missing(), IsEmpty());
    const v1::TransitionProgress* again = Find(p, "DecideWinner");
    EXPECT_FALSE(again->allowed());
    EXPECT_THAT(Types(*again), ElementsAre("DECISION"));
    // Before 2017-04-26 the announcement is the embargo's business.
    const v1::TransitionProgress* announce = Find(p, "AnnounceWinner");
    v1::AnnounceWinnerRequest winner;
    winner.set_cycle_id("c");
    if (rule == v1::DEADLINE_RULE_REFUSE) {
      EXPECT_FALSE(announce->allowed());
      ASSERT_THAT(announce->blockers(), SizeIs(1));
      EXPECT_EQ(announce->blockers(0).type(), "SCHEDULE");
      EXPECT_EQ(announce->blockers(0).subject(), "winner_announce_date");
      EXPECT_THAT(announce->warnings(), IsEmpty());
      ExpectSameAs(*announce, core_->AnnounceWinner(winner, caller_).status());
    } else {
      EXPECT_TRUE(announce->allowed());
      ASSERT_THAT(announce->warnings(), SizeIs(1));
      auto announced = core_->AnnounceWinner(winner, caller_);
      ASSERT_TRUE(announced.ok()) << announced.status();
      EXPECT_THAT(announced->warnings(), ElementsAre(announce->warnings(0)));
      const v1::GetCycleProgressResponse after = Progress();
      EXPECT_EQ(after.state(), v1::CYCLE_STATE_WINNER_ANNOUNCED);
      EXPECT_THAT(Methods(after), ElementsAre("ArchiveCycle"));
      EXPECT_THAT(after.jurors(), SizeIs(2));
    }
  }
}

TEST_F(ProgressTest, UnknownCycle) {
  v1::GetCycleProgressRequest request;
  request.set_cycle_id("nope");
  EXPECT_EQ(core_->GetCycleProgress(request).status().code(), absl::StatusCode::kNotFound);
  request.set_cycle_id("Not An Id");
  EXPECT_EQ(core_->GetCycleProgress(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace imdi::award::testing
