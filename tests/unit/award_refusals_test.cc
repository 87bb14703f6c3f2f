// One test per refusal reason of the award service that no other test
// produces: each asserts the status code, the ErrorInfo reason and the
// subject (or field) the error names, and that nothing was written.
#include <string>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/award_core_fixture.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class AwardRefusalsTest : public testing::AwardCoreFixture {};

// The subjects of the precondition violations of `status`.
std::vector<std::string> Subjects(const absl::Status& status) {
  std::vector<std::string> out;
  for (const PreconditionViolation& v : PreconditionViolations(status)) out.push_back(v.subject);
  return out;
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(status)) out.push_back(v.field);
  return out;
}

TEST_F(AwardRefusalsTest, AlreadyWithdrawn) {
  OpenCycle("c");
  auto t = Nominate("c", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  ASSERT_TRUE(t.ok()) << t.status();
  v1::WithdrawNominationRequest withdraw;
  withdraw.set_cycle_id("c");
  withdraw.set_nomination_id(t->nomination().nomination_id());
  ASSERT_TRUE(core_->WithdrawNomination(withdraw, caller_).ok());
  const int64_t revision = Cycle("c").revision();
  auto again = core_->WithdrawNomination(withdraw, caller_);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(again.status()), "ALREADY_WITHDRAWN");
  EXPECT_THAT(Subjects(again.status()), ElementsAre(t->nomination().nomination_id()));
  EXPECT_EQ(Cycle("c").revision(), revision);
}

TEST_F(AwardRefusalsTest, NotTheNominator) {
  OpenCycle("c");
  auto t = Nominate("c", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  ASSERT_TRUE(t.ok()) << t.status();
  Caller vest{.actor = "imdi-vest", .trace_id = "t", .principal = auth::Principal{}};
  vest.principal->name = "imdi-vest";
  vest.principal->roles = {std::string(auth::kAwardNominator)};
  vest.principal->region = "IMDI_REGION_VEST";
  v1::WithdrawNominationRequest withdraw;
  withdraw.set_cycle_id("c");
  withdraw.set_nomination_id(t->nomination().nomination_id());
  const int64_t revision = Cycle("c").revision();
  auto refused = core_->WithdrawNomination(withdraw, vest);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(refused.status()), "NOT_THE_NOMINATOR");
  EXPECT_THAT(refused.status().message(), HasSubstr("imdi-vest did not make this nomination"));
  EXPECT_EQ(Cycle("c").revision(), revision);
  v1::ListNominationsRequest list;
  list.set_cycle_id("c");
  EXPECT_EQ(core_->ListNominations(list)->nominations(0).state(), v1::NOMINATION_STATE_ACTIVE);
}

TEST_F(AwardRefusalsTest, ChairExists) {
  ToJury({"a", "b"});
  v1::RegisterJurorRequest reg;
  reg.set_cycle_id("c");
  reg.mutable_juror()->set_juror_id("second-chair");
  reg.mutable_juror()->set_display_name("Second chair");
  reg.mutable_juror()->set_chair(true);
  auto refused = core_->RegisterJuror(reg, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "CHAIR_EXISTS");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("a"));
  EXPECT_EQ(Cycle("c").jurors_size(), 2);
}

TEST_F(AwardRefusalsTest, JurorExists) {
  ToJury({"a", "b"});
  v1::RegisterJurorRequest reg;
  reg.set_cycle_id("c");
  reg.mutable_juror()->set_juror_id("b");
  reg.mutable_juror()->set_display_name("B again");
  auto refused = core_->RegisterJuror(reg, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(refused.status()), "JUROR_EXISTS");
  EXPECT_THAT(refused.status().message(), HasSubstr("\"b\""));
  EXPECT_EQ(Cycle("c").jurors_size(), 2);
  EXPECT_EQ(Cycle("c").jurors(1).display_name(), "b");
}

TEST_F(AwardRefusalsTest, NoNominees) {
  OpenCycle("c");
  v1::AnnounceNomineesRequest announce;
  announce.set_cycle_id("c");
  auto refused = core_->AnnounceNominees(announce, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NO_NOMINEES");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("c"));
  EXPECT_EQ(Cycle("c").state(), v1::CYCLE_STATE_NOMINATIONS_OPEN);
  EXPECT_EQ(Cycle("c").data_version(), 0);
}

TEST_F(AwardRefusalsTest, NotFrozen) {
  OpenCycle("c");
  v1::CompareWithLatestRequest compare;
  compare.set_cycle_id("c");
  auto refused = core_->CompareWithLatest(compare);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NOT_FROZEN");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre(StateName(v1::CYCLE_STATE_NOMINATIONS_OPEN)));
}

TEST_F(AwardRefusalsTest, NoDecision) {
  ToJury();
  const int64_t revision = Cycle("c").revision();
  v1::AnnounceWinnerRequest announce;
  announce.set_cycle_id("c");
  auto refused = core_->AnnounceWinner(announce, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NO_DECISION");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("c"));
  EXPECT_EQ(Cycle("c").state(), v1::CYCLE_STATE_JURY_DELIBERATION);
  EXPECT_EQ(Cycle("c").revision(), revision);
  EXPECT_THAT(core_->ListWinners({})->winners(), IsEmpty());
}

TEST_F(AwardRefusalsTest, NotClaimed) {
  ToJury();
  v1::ConfirmAssessmentRequest confirm;
  confirm.set_cycle_id("c");
  confirm.set_nomination_id(trondheim_);
  confirm.set_criterion("innovative_intro");  // an assessed criterion Trondheim did not claim
  confirm.set_confirmed(true);
  const int64_t revision = Cycle("c").revision();
  auto refused = core_->ConfirmAssessment(confirm, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NOT_CLAIMED");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("innovative_intro"));
  EXPECT_EQ(Cycle("c").revision(), revision);
}

TEST_F(AwardRefusalsTest, NoChair) {
  ToJury({"a", "b"}, /*chair=*/false);
  v1::DecideWinnerRequest decide;
  decide.set_cycle_id("c");
  decide.set_chair_choice_nomination_id(trondheim_);
  auto refused = core_->DecideWinner(decide, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "NO_CHAIR");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("c"));
  EXPECT_FALSE(Cycle("c").has_decision());
}

// Bergen is withdrawn while the nominees are evaluated outside the lock:
// the announcement finds the cycle changed and writes nothing.
TEST_F(AwardRefusalsTest, ConcurrentChange) {
  OpenCycle("c");
  auto t = Nominate("c", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  auto b = Nominate("c", "4601", stats::v1::IMDI_REGION_VEST);
  ASSERT_TRUE(t.ok() && b.ok());
  hooked_.before_batch = [&] {
    v1::WithdrawNominationRequest withdraw;
    withdraw.set_cycle_id("c");
    withdraw.set_nomination_id(b->nomination().nomination_id());
    ASSERT_TRUE(core_->WithdrawNomination(withdraw, caller_).ok());
  };
  const size_t events = Audit("c").size();
  v1::AnnounceNomineesRequest announce;
  announce.set_cycle_id("c");
  announce.set_request_id("announce-1");
  auto refused = core_->AnnounceNominees(announce, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(refused.status()), "CONCURRENT_CHANGE");
  EXPECT_THAT(refused.status().message(), HasSubstr("retry"));
  EXPECT_EQ(Cycle("c").state(), v1::CYCLE_STATE_NOMINATIONS_OPEN);
  EXPECT_EQ(Audit("c").size(), events + 1);  // the withdrawal only
  // The retry with the same request id is a fresh attempt, and succeeds.
  auto retried = core_->AnnounceNominees(announce, caller_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->nominations_size(), 1);
}

TEST_F(AwardRefusalsTest, WinnerAlreadyRecorded) {
  ASSERT_TRUE(Import({Winner(2015, "Grimstad", "0904")}).ok());
  auto refused = Import({Winner(2014, "Drammen", "0602"), Winner(2015, "Arendal", "0906")});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "WINNER_ALREADY_RECORDED");
  EXPECT_THAT(Subjects(refused.status()), ElementsAre("2015"));
  auto winners = core_->ListWinners({});
  ASSERT_EQ(winners->winners_size(), 1);  // not even 2014
  EXPECT_EQ(winners->winners(0).municipality_name(), "Grimstad");
}

TEST_F(AwardRefusalsTest, InvalidWinners) {
  v1::Winner no_name = Winner(2015, "", "0904");
  v1::Winner bad_year = Winner(1999, "Grimstad", "0904");
  bad_year.set_announce_date("2017-02-31");
  auto refused = Import({no_name, bad_year});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(refused.status()), "INVALID_WINNERS");
  EXPECT_THAT(Fields(refused.status()),
              ElementsAre("winners[0].municipality_name", "winners[1].award_year",
                          "winners[1].announce_date"));
  EXPECT_THAT(core_->ListWinners({})->winners(), IsEmpty());
}

}  // namespace
}  // namespace imdi::award
