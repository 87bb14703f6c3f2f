// AwardCore's jury and vote rules, and the schedule's dates: score sheets
// (all or nothing, every bad entry listed, idempotent, conflicts per
// nominee, earlier scores replaced), votes bounded by the electorate,
// corrections of votes, and each date of the schedule under WARN and
// REFUSE with a pinned clock.
#include <limits>
#include <string>
#include <vector>

#include "award-service/domain/cycle_config.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/award_cycle_fixture.h"

namespace imdi::award::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(status)) out.push_back(v.field);
  return out;
}

std::vector<std::string> Subjects(const absl::Status& status) {
  std::vector<std::string> out;
  for (const PreconditionViolation& v : PreconditionViolations(status)) out.push_back(v.subject);
  return out;
}

int ScoresOf(const v1::GetCycleProgressResponse& progress, const std::string& juror) {
  for (const auto& j : progress.jurors()) {
    if (j.juror_id() == juror) return j.scores_recorded();
  }
  return -1;
}

Caller Bound(const std::string& name) {
  auth::Principal p;
  p.name = name;
  p.roles.emplace(auth::kAwardJuror);
  return Caller{.actor = name, .trace_id = "t", .principal = p};
}

// ---------------------------------------------------------------------------
// Score sheets.

using ScoreSheetTest = AwardCycleTest;

TEST_F(ScoreSheetTest, OneBadEntryStoresNothingAndEveryBadEntryIsListed) {
  ToJury();
  const size_t audit_before = Audit().size();
  auto bad = Sheet("a", {Entry(trondheim_, "settlement", 8), Entry(trondheim_, "nope", 8),
                         Entry(bergen_, "settlement", 11), Entry("n99", "anchoring", 5),
                         Entry(bergen_, "qualification", 7),
                         Entry(bergen_, "anchoring", std::numeric_limits<double>::quiet_NaN())});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(bad.status()), "INVALID_SCORES");
  // A NaN is wrong in the request itself, and is reported before the cycle
  // is read.
  EXPECT_THAT(Fields(bad.status()), ElementsAre("scores[5].score"));
  bad = Sheet("a", {Entry(trondheim_, "settlement", 8), Entry(trondheim_, "nope", 8),
                    Entry(bergen_, "settlement", 11), Entry("n99", "anchoring", 5),
                    Entry(bergen_, "qualification", 0.5)});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(bad.status()), ElementsAre("scores[1].criterion", "scores[2].score",
                                                "scores[3].nomination_id", "scores[4].score"));
  auto twice = Sheet("a", {Entry(trondheim_, "settlement", 8), Entry(trondheim_, "settlement", 9)});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(twice.status()), ElementsAre("scores[1]"));
  EXPECT_EQ(Sheet("a", {}).status().code(), absl::StatusCode::kInvalidArgument);
  // Nothing recorded, nothing audited (bad input is not a refusal).
  EXPECT_EQ(ScoresOf(Progress(), "a"), 0);
  EXPECT_EQ(Audit().size(), audit_before);
}

TEST_F(ScoreSheetTest, RecordsEverythingOnceAndARetryAnswersTheSame) {
  ToJury();
  std::vector<v1::ScoreSheetEntry> scores = All(trondheim_, 8);
  for (const auto& e : All(bergen_, 6)) scores.push_back(e);
  auto first = Sheet("a", scores, "sheet-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->juror_id(), "a");
  EXPECT_EQ(first->scores_recorded(), 6);
  EXPECT_EQ(first->scores_missing(), 0);
  ASSERT_THAT(first->nominees(), SizeIs(2));
  EXPECT_EQ(first->nominees(0).nomination_id(), trondheim_);
  EXPECT_EQ(first->nominees(0).municipality_name(), "Trondheim");
  EXPECT_DOUBLE_EQ(first->nominees(0).jury_score(), 8.0);
  EXPECT_EQ(first->nominees(0).scores_recorded(), 3);
  EXPECT_DOUBLE_EQ(first->nominees(1).jury_score(), 6.0);
  const std::vector<v1::AuditEvent> audit = Audit();
  EXPECT_EQ(audit.back().action(), "SubmitScoreSheet");
  EXPECT_THAT(audit.back().detail(), HasSubstr("6 scores of 2 nominee(s)"));

  auto retry = Sheet("a", scores, "sheet-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Audit().size(), audit.size());  // one event for the sheet
  EXPECT_EQ(ScoresOf(Progress(), "a"), 6);
  scores.pop_back();
  EXPECT_EQ(ErrorReason(Sheet("a", scores, "sheet-1").status()), "REQUEST_ID_REUSED");
  // Juror b still owes all six.
  auto b = Sheet("b", {Entry(trondheim_, "settlement", 7)});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->scores_missing(), 5);
  EXPECT_EQ(b->nominees(0).scores_recorded(), 4);  // a's three and b's one
}

TEST_F(ScoreSheetTest, ConflictsAreRefusedOncePerNominee) {
  ToJury();
  for (const std::string& id : {trondheim_, bergen_}) {
    v1::DeclareConflictRequest conflict;
    conflict.set_cycle_id("c");
    conflict.set_juror_id("b");
    conflict.set_nomination_id(id);
    conflict.set_reason("related to the mayor");
    ASSERT_TRUE(core_->DeclareConflict(conflict, caller_).ok());
  }
  std::vector<v1::ScoreSheetEntry> scores = All(trondheim_, 8);
  for (const auto& e : All(bergen_, 6)) scores.push_back(e);
  auto refused = Sheet("b", scores);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "JUROR_CONFLICTED");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("b/" + trondheim_, "b/" + bergen_));
  EXPECT_EQ(ScoresOf(Progress(), "b"), 0);
  EXPECT_THAT(Audit().back().detail(), HasSubstr("refused: JUROR_CONFLICTED"));
  // Juror a, without conflicts, is not held up.
  EXPECT_TRUE(Sheet("a", scores).ok());
}

TEST_F(ScoreSheetTest, ReplacesAnEarlierScoreOfTheSamePair) {
  ToJury();
  v1::SubmitScoreRequest score;
  score.set_cycle_id("c");
  score.set_juror_id("a");
  score.set_nomination_id(trondheim_);
  score.set_criterion("settlement");
  score.set_score(3);
  ASSERT_TRUE(core_->SubmitScore(score, caller_).ok());
  auto sheet = Sheet("a", {Entry(trondheim_, "settlement", 9)});
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  EXPECT_EQ(sheet->nominees(0).scores_recorded(), 1);
  EXPECT_DOUBLE_EQ(sheet->nominees(0).jury_score(), 9.0);
  EXPECT_EQ(sheet->scores_missing(), 5);
  EXPECT_THAT(Audit().back().detail(), HasSubstr("replacing 1 earlier scores"));
}

TEST_F(ScoreSheetTest, SameActorRulesAndStateAsSubmitScore) {
  NominateBoth();
  ASSERT_TRUE(AnnounceNominees().ok());
  ConfirmClaims();
  RegisterJurors();
  auto early = Sheet("a", All(trondheim_, 8));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(early.status()), "WRONG_STATE");
  // The state comes first: a sheet sent too early is told so, whatever its entries.
  std::vector<v1::ScoreSheetEntry> bad = All(trondheim_, 8);
  bad[0].set_score(1000);
  EXPECT_EQ(ErrorReason(Sheet("a", bad).status()), "WRONG_STATE");
  ASSERT_TRUE(StartJury().ok());

  v1::SubmitScoreSheetRequest request;
  request.set_cycle_id("c");
  request.set_juror_id("a");
  *request.add_scores() = Entry(trondheim_, "settlement", 8);
  auto as_other = core_->SubmitScoreSheet(request, Bound("b"));
  EXPECT_EQ(as_other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(as_other.status()), "NOT_THIS_JUROR");
  request.set_juror_id("z");
  auto outsider = core_->SubmitScoreSheet(request, Bound("z"));
  EXPECT_EQ(ErrorReason(outsider.status()), "NOT_A_JUROR_OF_THIS_CYCLE");
  EXPECT_EQ(ErrorReason(Sheet("z", All(trondheim_, 8)).status()), "JUROR_NOT_FOUND");
  request.set_juror_id("a");
  EXPECT_TRUE(core_->SubmitScoreSheet(request, Bound("a")).ok());
}

TEST_F(ScoreSheetTest, NoScoresAfterTheScoringDeadline) {
  ToJury([](v1::CycleConfig& c) { c.mutable_schedule()->set_scoring_deadline("2017-03-10"); });
  now_ = Day(2017, 3, 10);  // the last day
  ASSERT_TRUE(Sheet("a", All(trondheim_, 8)).ok());
  now_ = Day(2017, 3, 11);
  auto late = Sheet("a", All(bergen_, 8));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(late.status()), "SCORING_DEADLINE_PASSED");
  EXPECT_THAT(Subjects(late.status()), ElementsAre("scoring_deadline"));
  v1::SubmitScoreRequest score;
  score.set_cycle_id("c");
  score.set_juror_id("a");
  score.set_nomination_id(bergen_);
  score.set_criterion("settlement");
  score.set_score(8);
  EXPECT_EQ(ErrorReason(core_->SubmitScore(score, caller_).status()), "SCORING_DEADLINE_PASSED");
  EXPECT_EQ(ScoresOf(Progress(), "a"), 3);
}

// ---------------------------------------------------------------------------
// Votes.

class VotesTest : public AwardCycleTest {
 protected:
  void ToVoting(int64_t electorate, bool withdraw_bergen = false) {
    NominateBoth([&](v1::CycleConfig& c) {
      c.mutable_decision_policy()->set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
      c.mutable_decision_policy()->set_finalist_count(1);
      c.mutable_decision_policy()->set_electorate(electorate);
    });
    if (withdraw_bergen) {
      v1::WithdrawNominationRequest withdraw;
      withdraw.set_cycle_id("c");
      withdraw.set_nomination_id(bergen_);
      ASSERT_TRUE(core_->WithdrawNomination(withdraw, caller_).ok());
    }
    ASSERT_TRUE(AnnounceNominees().ok());
    v1::OpenPublicVotingRequest open;
    open.set_cycle_id("c");
    ASSERT_TRUE(core_->OpenPublicVoting(open, caller_).ok());
  }

  absl::StatusOr<v1::RecordVotesResponse> Record(
      const std::vector<std::pair<std::string, int64_t>>& tallies, const std::string& id) {
    v1::RecordVotesRequest request;
    request.set_cycle_id("c");
    request.set_request_id(id);
    for (const auto& [nomination, votes] : tallies) {
      v1::VoteTally* t = request.add_tallies();
      t->set_nomination_id(nomination);
      t->set_votes(votes);
    }
    return core_->RecordVotes(request, caller_);
  }

  absl::StatusOr<v1::CorrectVotesResponse> Correct(
      const std::vector<std::pair<std::string, int64_t>>& totals, const std::string& reason,
      const std::string& id = "") {
    v1::CorrectVotesRequest request;
    request.set_cycle_id("c");
    request.set_reason(reason);
    request.set_request_id(id);
    for (const auto& [nomination, votes] : totals) {
      v1::VoteTally* t = request.add_totals();
      t->set_nomination_id(nomination);
      t->set_votes(votes);
    }
    return core_->CorrectVotes(request, caller_);
  }

  int64_t VotesOf(const std::string& nomination) {
    v1::ListNominationsRequest list;
    list.set_cycle_id("c");
    list.set_show_withdrawn(true);
    auto listed = core_->ListNominations(list);
    for (const auto& n : listed->nominations()) {
      if (n.nomination_id() == nomination) return n.votes();
    }
    return -1;
  }
};

TEST_F(VotesTest, TalliesAndTotalsStayWithinTheElectorate) {
  ToVoting(1000);
  auto over = Record({{trondheim_, 1001}, {bergen_, 10}, {"n99", 5}}, "v0");
  ASSERT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(over.status()), ElementsAre("tallies[0].votes", "tallies[2].nomination_id"));
  auto negative = Record({{trondheim_, -1}, {bergen_, std::numeric_limits<int64_t>::max()}}, "v1");
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(negative.status()), ElementsAre("tallies[0].votes", "tallies[1].votes"));

  ASSERT_TRUE(Record({{trondheim_, 600}, {bergen_, 100}}, "v2").ok());
  // Two batches that would bring Trondheim to 1100: the second is refused
  // whole, Bergen's part too.
  auto above = Record({{bergen_, 50}, {trondheim_, 300}, {trondheim_, 200}}, "v3");
  ASSERT_EQ(above.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(above.status()), "VOTES_ABOVE_ELECTORATE");
  EXPECT_THAT(Subjects(above.status()), ElementsAre(trondheim_));
  EXPECT_EQ(VotesOf(trondheim_), 600);
  EXPECT_EQ(VotesOf(bergen_), 100);
  ASSERT_TRUE(Record({{trondheim_, 400}}, "v4").ok());  // exactly the electorate
  EXPECT_EQ(VotesOf(trondheim_), 1000);
}

TEST_F(VotesTest, NoElectorateIsNorwaysPopulation) {
  ToVoting(0);
  EXPECT_EQ(ErrorReason(Record({{trondheim_, 6'000'001}}, "v1").status()), "INVALID_FIELD");
  ASSERT_TRUE(Record({{trondheim_, 6'000'000}}, "v2").ok());
  EXPECT_EQ(ErrorReason(Record({{trondheim_, 1}}, "v3").status()), "VOTES_ABOVE_ELECTORATE");
}

TEST_F(VotesTest, AWithdrawnNominationTakesNoVotes) {
  ToVoting(1000, /*withdraw_bergen=*/true);
  auto refused = Record({{trondheim_, 10}, {bergen_, 10}}, "v1");
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NOMINATION_WITHDRAWN");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre(bergen_));
  EXPECT_EQ(VotesOf(trondheim_), 0);
  EXPECT_EQ(ErrorReason(Correct({{bergen_, 5}}, "typo").status()), "NOMINATION_WITHDRAWN");
}

TEST_F(VotesTest, CorrectionsAreAuditedWithOldAndNewTotals) {
  ToVoting(1000);
  ASSERT_TRUE(Record({{trondheim_, 300}, {bergen_, 200}}, "v1").ok());
  EXPECT_EQ(Correct({{trondheim_, 250}}, "").status().code(),
            absl::StatusCode::kInvalidArgument);  // the reason is required
  EXPECT_EQ(Correct({{trondheim_, 250}}, std::string(600, 'x')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(Correct({{trondheim_, 250}, {trondheim_, 240}}, "typo").status()),
              ElementsAre("totals[1].nomination_id"));
  EXPECT_THAT(Fields(Correct({{trondheim_, 1001}}, "typo").status()),
              ElementsAre("totals[0].votes"));
  EXPECT_EQ(VotesOf(trondheim_), 300);

  auto corrected =
      Correct({{trondheim_, 250}, {bergen_, 210}}, "ballot box 3 counted twice", "fix-1");
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_THAT(corrected->totals(), SizeIs(2));
  EXPECT_EQ(VotesOf(trondheim_), 250);
  EXPECT_EQ(VotesOf(bergen_), 210);
  const std::vector<v1::AuditEvent> audit = Audit();
  EXPECT_EQ(audit.back().action(), "CorrectVotes");
  EXPECT_THAT(audit.back().detail(), HasSubstr("Trondheim (" + trondheim_ + ") 300 -> 250"));
  EXPECT_THAT(audit.back().detail(), HasSubstr("Bergen (" + bergen_ + ") 200 -> 210"));
  EXPECT_THAT(audit.back().detail(), HasSubstr("reason: ballot box 3 counted twice"));
  // A retry changes nothing more and is not audited again.
  ASSERT_TRUE(Record({{trondheim_, 5}}, "v2").ok());
  auto retry = Correct({{trondheim_, 250}, {bergen_, 210}}, "ballot box 3 counted twice", "fix-1");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->SerializeAsString(), corrected->SerializeAsString());
  EXPECT_EQ(VotesOf(trondheim_), 255);
  EXPECT_EQ(Audit().size(), audit.size() + 1);
  // The detail lists what changed, not totals given as they were.
  ASSERT_TRUE(Correct({{trondheim_, 255}, {bergen_, 200}}, "recount", "fix-2").ok());
  EXPECT_THAT(Audit().back().detail(), HasSubstr("Bergen (" + bergen_ + ") 210 -> 200"));
  EXPECT_THAT(Audit().back().detail(), Not(HasSubstr("Trondheim")));
}

TEST_F(VotesTest, CorrectionsOnlyDuringThePublicVote) {
  ToVoting(1000);
  ASSERT_TRUE(Record({{trondheim_, 300}}, "v1").ok());
  ASSERT_TRUE(StartJury().ok());
  auto late = Correct({{trondheim_, 250}}, "recount");
  ASSERT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(late.status()), "WRONG_STATE");
  EXPECT_EQ(VotesOf(trondheim_), 300);
  EXPECT_THAT(Audit().back().detail(), HasSubstr("refused: WRONG_STATE"));
}

TEST(CycleConfigScheduleTest, ElectorateScoringDeadlineAndRuleAreValidated) {
  auto config =
      award_files::LoadCycleConfig(IMDI_SOURCE_DIR "/data/award/bosettingsprisen-2016.json");
  ASSERT_TRUE(config.ok());
  v1::CycleConfig c = *config;
  c.mutable_decision_policy()->set_electorate(-1);
  c.mutable_schedule()->set_scoring_deadline("2017-02-30");
  c.mutable_schedule()->set_deadline_rule(static_cast<v1::DeadlineRule>(7));
  const absl::Status invalid = ValidateCycleConfig(c);
  EXPECT_EQ(ErrorReason(invalid), "INVALID_CYCLE_CONFIG");
  EXPECT_THAT(Fields(invalid), ::testing::UnorderedElementsAre("config.decision_policy.electorate",
                                                               "config.schedule.scoring_deadline",
                                                               "config.schedule.deadline_rule"));
  c.mutable_decision_policy()->set_electorate(100'000'001);
  c.mutable_schedule()->set_scoring_deadline("2017-03-10");
  c.mutable_schedule()->set_deadline_rule(v1::DEADLINE_RULE_REFUSE);
  EXPECT_THAT(Fields(ValidateCycleConfig(c)), ElementsAre("config.decision_policy.electorate"));
  c.mutable_decision_policy()->set_electorate(100'000'000);
  EXPECT_TRUE(ValidateCycleConfig(c).ok());
}

// ---------------------------------------------------------------------------
// The schedule's dates, under each rule.

class ScheduleTest : public AwardCycleTest, public ::testing::WithParamInterface<v1::DeadlineRule> {
 protected:
  bool Refuse() const { return GetParam() == v1::DEADLINE_RULE_REFUSE; }
  void WithRule(v1::CycleConfig& c) const { c.mutable_schedule()->set_deadline_rule(GetParam()); }

  // Under REFUSE: SCHEDULE_DATE naming `date`, nothing changed, the refusal
  // audited. Under WARN: done, the warning in the reply and the audit.
  template <typename Response>
  void Expect(const absl::StatusOr<Response>& result, const std::string& date,
              v1::CycleState state_after) {
    if (Refuse()) {
      ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(ErrorReason(result.status()), "SCHEDULE_DATE");
      EXPECT_THAT(Subjects(result.status()), ElementsAre(date));
      EXPECT_THAT(Audit().back().detail(), HasSubstr("refused: SCHEDULE_DATE"));
      EXPECT_NE(Progress().state(), state_after);
    } else {
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_THAT(result->warnings(), SizeIs(1));
      EXPECT_THAT(result->warnings(0), HasSubstr(date));
      EXPECT_THAT(Audit().back().detail(), HasSubstr("warning: "));
      EXPECT_THAT(Audit().back().detail(), HasSubstr(date));
      EXPECT_EQ(Progress().state(), state_after);
    }
  }
};

TEST_P(ScheduleTest, OpeningNominationsAfterTheNominationDeadline) {
  Create([&](v1::CycleConfig& c) {
    WithRule(c);
    c.mutable_nomination_policy()->mutable_deadline()->set_seconds(
        absl::ToUnixSeconds(Day(2017, 1, 31)));
  });
  now_ = Day(2017, 1, 31);  // before noon of the deadline's day: fine
  now_ -= absl::Hours(1);
  {
    v1::GetCycleProgressResponse p = Progress();
    ASSERT_THAT(p.transitions(), SizeIs(2));
    EXPECT_TRUE(p.transitions(0).allowed());
    EXPECT_THAT(p.transitions(0).warnings(), IsEmpty());
  }
  now_ = Day(2017, 2, 2);
  Expect(OpenNominations(), "nomination_deadline", v1::CYCLE_STATE_NOMINATIONS_OPEN);
}

TEST_P(ScheduleTest, AnnouncingNomineesBeforeTheirDate) {
  NominateBoth([&](v1::CycleConfig& c) { WithRule(c); });
  now_ = Day(2017, 2, 10);
  Expect(AnnounceNominees(), "nominees_announce_date", v1::CYCLE_STATE_NOMINEES_ANNOUNCED);
}

TEST_P(ScheduleTest, StartingTheJuryAfterTheScoringDeadline) {
  NominateBoth([&](v1::CycleConfig& c) {
    WithRule(c);
    c.mutable_schedule()->set_scoring_deadline("2017-03-10");
  });
  ASSERT_TRUE(AnnounceNominees().ok());
  now_ = Day(2017, 3, 11);
  Expect(StartJury(), "scoring_deadline", v1::CYCLE_STATE_JURY_DELIBERATION);
}

TEST_P(ScheduleTest, AnnouncingTheWinnerBeforeItsDate) {
  ToJury([&](v1::CycleConfig& c) { WithRule(c); });
  std::vector<v1::ScoreSheetEntry> scores = All(trondheim_, 9);
  for (const auto& e : All(bergen_, 6)) scores.push_back(e);
  ASSERT_TRUE(Sheet("a", scores).ok());
  ASSERT_TRUE(Sheet("b", scores).ok());
  v1::DecideWinnerRequest decide;
  decide.set_cycle_id("c");
  ASSERT_TRUE(core_->DecideWinner(decide, caller_).ok());
  now_ = Day(2017, 4, 1);  // the embargo: the winner is announced on 2017-04-26
  v1::AnnounceWinnerRequest announce;
  announce.set_cycle_id("c");
  Expect(core_->AnnounceWinner(announce, caller_), "winner_announce_date",
         v1::CYCLE_STATE_WINNER_ANNOUNCED);
  if (Refuse()) {
    now_ = Day(2017, 4, 26);
    auto on_the_day = core_->AnnounceWinner(announce, caller_);
    ASSERT_TRUE(on_the_day.ok()) << on_the_day.status();
    EXPECT_THAT(on_the_day->warnings(), IsEmpty());
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, ScheduleTest,
                         ::testing::Values(v1::DEADLINE_RULE_UNSPECIFIED, v1::DEADLINE_RULE_WARN,
                                           v1::DEADLINE_RULE_REFUSE),
                         [](const auto& info) { return v1::DeadlineRule_Name(info.param); });

using NominationDeadlineTest = AwardCycleTest;

TEST_F(NominationDeadlineTest, NominationsAfterTheDeadlineStayRefused) {
  Create([](v1::CycleConfig& c) {
    c.mutable_nomination_policy()->mutable_deadline()->set_seconds(
        absl::ToUnixSeconds(Day(2017, 1, 31)));
  });
  now_ = Day(2017, 1, 20);
  ASSERT_TRUE(OpenNominations().ok());
  now_ = Day(2017, 2, 1);
  EXPECT_EQ(ErrorReason(Nominate("5001", stats::v1::IMDI_REGION_MIDT_NORGE).status()),
            "DEADLINE_PASSED");
}

}  // namespace
}  // namespace imdi::award::testing
