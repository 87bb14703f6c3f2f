// What the award service's replies carry: lean views of cycles and
// nominations (AIP-157) that replay the same, ListCycles' position-based
// page tokens, every bad field of a request at once, and dates that exist.
#include <set>
#include <string>
#include <vector>

#include "award-service/domain/views.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/award_core_fixture.h"

namespace imdi::award {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

class AwardRepliesTest : public testing::AwardCoreFixture {};

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(status)) out.push_back(v.field);
  return out;
}

// An evaluation in the basic view: verdicts, nothing that explains them.
// The basic view: no texts and no per-criterion results; the verdict stays.
void ExpectBasic(const v1::Nomination& n) {
  EXPECT_TRUE(n.justification().empty());
  for (const v1::AssessmentClaim& claim : n.claims()) {
    EXPECT_FALSE(claim.criterion().empty());
    EXPECT_TRUE(claim.justification().empty() && claim.jury_note().empty()) << claim.criterion();
  }
  const v1::Evaluation& e = n.evaluation();
  EXPECT_FALSE(e.has_requirement());
  EXPECT_THAT(e.criteria(), IsEmpty());
  EXPECT_NE(e.verdict(), v1::VERDICT_UNSPECIFIED);
  EXPECT_GT(e.data_version(), 0);
}

void ExpectFull(const v1::Nomination& n) {
  EXPECT_FALSE(n.justification().empty());
  const v1::Evaluation& e = n.evaluation();
  EXPECT_TRUE(e.has_requirement());
  ASSERT_GT(e.criteria_size(), 0);
  EXPECT_FALSE(e.criteria(0).explanation().empty());
  EXPECT_FALSE(e.criteria(0).title().empty());
}

void ExpectHeader(const v1::Cycle& cycle) {
  EXPECT_FALSE(cycle.config().title().empty());
  EXPECT_NE(cycle.config().award_year(), 0);
  EXPECT_NE(cycle.config().figures_year(), 0);
  EXPECT_TRUE(cycle.config().has_schedule());
  EXPECT_THAT(cycle.config().criteria(), IsEmpty());
  EXPECT_FALSE(cycle.config().has_requirement());
  EXPECT_FALSE(cycle.config().has_nomination_policy());
  EXPECT_FALSE(cycle.config().has_decision_policy());
  EXPECT_TRUE(cycle.config().source().empty());
  EXPECT_FALSE(cycle.etag().empty());
}

TEST(ViewsTest, BasicCycleKeepsTheHeaderAndFullKeepsAll) {
  v1::Cycle cycle;
  cycle.set_cycle_id("c");
  cycle.mutable_config()->set_title("Bosettingsprisen 2016");
  cycle.mutable_config()->set_source("IMDi");
  cycle.mutable_config()->add_criteria()->set_name("x");
  cycle.add_jurors()->set_juror_id("a");
  v1::Cycle full = cycle;
  ApplyCycleView(v1::CYCLE_VIEW_FULL, full);
  EXPECT_EQ(full.SerializeAsString(), cycle.SerializeAsString());
  ApplyCycleView(v1::CYCLE_VIEW_UNSPECIFIED, cycle);
  EXPECT_EQ(cycle.config().title(), "Bosettingsprisen 2016");
  EXPECT_EQ(cycle.jurors_size(), 1);
  EXPECT_THAT(cycle.config().criteria(), IsEmpty());
  EXPECT_TRUE(cycle.config().source().empty());
  EXPECT_EQ(EffectiveCycleView(static_cast<v1::CycleView>(7), v1::CYCLE_VIEW_FULL),
            v1::CYCLE_VIEW_FULL);
}

TEST_F(AwardRepliesTest, ChangesReturnTheCycleHeaderAndReadsTheirView) {
  auto created = Create("c");
  ASSERT_TRUE(created.ok()) << created.status();
  ExpectHeader(created->cycle());
  v1::OpenNominationsRequest open;
  open.set_cycle_id("c");
  auto opened = core_->OpenNominations(open, caller_);
  ASSERT_TRUE(opened.ok());
  ExpectHeader(opened->cycle());

  v1::GetCycleRequest get;
  get.set_cycle_id("c");
  EXPECT_GT(core_->GetCycle(get)->cycle().config().criteria_size(), 0);  // FULL by default
  get.set_view(v1::CYCLE_VIEW_BASIC);
  ExpectHeader(core_->GetCycle(get)->cycle());

  v1::ListCyclesRequest list;
  ExpectHeader(core_->ListCycles(list)->cycles(0));  // BASIC by default
  list.set_view(v1::CYCLE_VIEW_FULL);
  EXPECT_GT(core_->ListCycles(list)->cycles(0).config().criteria_size(), 0);
}

TEST_F(AwardRepliesTest, NominationsAreBasicUnlessFullIsAskedForAndReplaysAgree) {
  OpenCycle("c");
  v1::SubmitNominationRequest request = Nomination("c", "5001", stats::v1::IMDI_REGION_MIDT_NORGE);
  request.set_request_id("nominate-1");
  auto first = core_->SubmitNomination(request, caller_);
  ASSERT_TRUE(first.ok()) << first.status();
  ExpectBasic(first->nomination());
  EXPECT_EQ(first->nomination().municipality_code(), "5001");
  EXPECT_EQ(first->nomination().evaluation().figures_year(), 2016);
  EXPECT_GT(first->nomination().evaluation().data_version(), 0);
  EXPECT_TRUE(first->nomination().evaluation().eligible());

  // A retry gets the same reply; a retry asking for the full view gets the
  // same nomination in full (the stored reply is full).
  auto again = core_->SubmitNomination(request, caller_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  request.set_view(v1::NOMINATION_VIEW_FULL);
  auto full = core_->SubmitNomination(request, caller_);
  ASSERT_TRUE(full.ok()) << full.status();
  ExpectFull(full->nomination());
  EXPECT_EQ(full->nomination().etag(), first->nomination().etag());

  v1::ListNominationsRequest list;
  list.set_cycle_id("c");
  ExpectBasic(core_->ListNominations(list)->nominations(0));
  list.set_view(v1::NOMINATION_VIEW_FULL);
  ExpectFull(core_->ListNominations(list)->nominations(0));

  ASSERT_TRUE(Nominate("c", "4601", stats::v1::IMDI_REGION_VEST).ok());
  v1::AnnounceNomineesRequest announce;
  announce.set_cycle_id("c");
  announce.set_request_id("announce-1");
  auto announced = core_->AnnounceNominees(announce, caller_);
  ASSERT_TRUE(announced.ok()) << announced.status();
  ExpectHeader(announced->cycle());
  ASSERT_EQ(announced->nominations_size(), 2);
  for (const auto& n : announced->nominations()) ExpectBasic(n);
  auto replayed = core_->AnnounceNominees(announce, caller_);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->SerializeAsString(), announced->SerializeAsString());
  announce.set_view(v1::NOMINATION_VIEW_FULL);
  auto replayed_full = core_->AnnounceNominees(announce, caller_);
  ASSERT_TRUE(replayed_full.ok()) << replayed_full.status();
  ExpectFull(replayed_full->nominations(0));
  ExpectHeader(replayed_full->cycle());

  v1::StartJuryDeliberationRequest start;
  start.set_cycle_id("c");
  auto started = core_->StartJuryDeliberation(start, caller_);
  ASSERT_TRUE(started.ok()) << started.status();
  ExpectHeader(started->cycle());
  for (const auto& n : started->candidates()) ExpectBasic(n);

  v1::ConfirmAssessmentRequest confirm;
  confirm.set_cycle_id("c");
  confirm.set_nomination_id(first->nomination().nomination_id());
  confirm.set_criterion("creative_housing");
  confirm.set_confirmed(true);
  auto confirmed = core_->ConfirmAssessment(confirm, caller_);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  ExpectBasic(confirmed->nomination());
}

// Cycles created between pages neither shift nor repeat the rest.
TEST_F(AwardRepliesTest, CyclePagesAreStableWhileCyclesAreCreated) {
  for (const char* id : {"b", "d", "f", "h", "j"}) ASSERT_TRUE(Create(id).ok());
  v1::ListCyclesRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  int page = 0;
  do {
    auto response = core_->ListCycles(request);
    ASSERT_TRUE(response.ok()) << response.status();
    for (const auto& c : response->cycles()) seen.push_back(c.cycle_id());
    if (page++ == 0) {
      // Before the position, at it and after it.
      for (const char* id : {"a", "c", "i"}) ASSERT_TRUE(Create(id).ok());
    }
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  // Every cycle there from the start once; "i", after the position, too.
  EXPECT_THAT(seen, ElementsAre("b", "d", "f", "h", "i", "j"));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(AwardRepliesTest, AlteredOrForeignCyclePageTokensAreRefused) {
  for (const char* id : {"b", "d", "f"}) ASSERT_TRUE(Create(id).ok());
  v1::ListCyclesRequest request;
  request.set_page_size(1);
  auto first = core_->ListCycles(request);
  ASSERT_TRUE(first.ok());
  const std::string token = first->next_page_token();
  ASSERT_FALSE(token.empty());
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {altered, std::string("bm90IGEgdG9rZW4"), std::string("%%%")}) {
    request.set_page_token(bad);
    auto refused = core_->ListCycles(request);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Fields(refused.status()), ElementsAre("page_token")) << bad;
  }
  // A token of the basic listing does not page the full one.
  request.set_page_token(token);
  request.set_view(v1::CYCLE_VIEW_FULL);
  EXPECT_THAT(Fields(core_->ListCycles(request).status()), ElementsAre("page_token"));
  request.set_view(v1::CYCLE_VIEW_BASIC);
  auto second = core_->ListCycles(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->cycles(0).cycle_id(), "d");
}

TEST_F(AwardRepliesTest, EveryBadFieldOfARequestIsReported) {
  v1::RegisterJurorRequest juror;
  juror.set_cycle_id("Not A Cycle");
  juror.mutable_juror()->set_juror_id("-x");
  juror.mutable_juror()->add_conflicted_nomination_ids("n1");
  juror.set_request_id("has space");
  auto refused = core_->RegisterJuror(juror, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()),
              ElementsAre("cycle_id", "request_id", "juror.juror_id", "juror.display_name",
                          "juror.conflicted_nomination_ids"));

  v1::CreateCycleRequest create;
  create.set_cycle_id("Bad Id");
  *create.mutable_config() = Config2016();
  create.mutable_config()->set_title("");
  auto bad_cycle = core_->CreateCycle(create, caller_);
  EXPECT_EQ(ErrorReason(bad_cycle.status()), "INVALID_CYCLE_CONFIG");
  EXPECT_THAT(Fields(bad_cycle.status()), ElementsAre("config.title", "cycle_id"));

  OpenCycle("c");
  v1::SubmitNominationRequest nomination =
      Nomination("c", "50", stats::v1::IMDI_REGION_UNSPECIFIED);
  nomination.set_justification("");
  nomination.mutable_claims(0)->set_criterion("no_such_criterion");
  auto bad_nomination = core_->SubmitNomination(nomination, caller_);
  EXPECT_THAT(Fields(bad_nomination.status()),
              ElementsAre("municipality_code", "justification", "nominator.imdi_region",
                          "claims[0].criterion"));

  v1::RecordVotesRequest votes;
  votes.set_cycle_id("c");
  votes.add_tallies()->set_votes(-1);
  votes.add_tallies()->set_votes(-2);
  EXPECT_THAT(Fields(core_->RecordVotes(votes, caller_).status()),
              ElementsAre("request_id", "tallies[0].votes", "tallies[1].votes"));

  v1::AnnounceWinnerRequest winner;
  winner.set_cycle_id("c");
  winner.set_announce_date("2017-02-31");
  winner.set_event(std::string(10'000, 'x'));
  EXPECT_THAT(Fields(core_->AnnounceWinner(winner, caller_).status()),
              ElementsAre("announce_date", "event"));
  EXPECT_EQ(Audit("c").size(), 2u);  // created and opened; no refusal is a change
}

// The cap of common/errors.h holds, and counts what it leaves out.
TEST_F(AwardRepliesTest, ManyBadFieldsStayWithinTheCap) {
  OpenCycle("c");
  v1::RecordVotesRequest votes;
  votes.set_cycle_id("c");
  votes.set_request_id("votes-1");
  for (int i = 0; i < 30; ++i) votes.add_tallies()->set_votes(-1);
  absl::Status refused = core_->RecordVotes(votes, caller_).status();
  EXPECT_EQ(FieldViolations(refused).size(), kMaxViolationsReported);
  EXPECT_EQ(ErrorMetadata(refused)["violations_total"], "30");
}

TEST_F(AwardRepliesTest, ImpossibleDatesAreRefusedWhereverTheyEnter) {
  auto schedule = Create(
      "c", [](v1::CycleConfig& c) { c.mutable_schedule()->set_scoring_deadline("2017-02-31"); });
  EXPECT_EQ(schedule.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(schedule.status()), ElementsAre("config.schedule.scoring_deadline"));

  ToDecision();
  v1::AnnounceWinnerRequest announce;
  announce.set_cycle_id("c");
  announce.set_announce_date("2017-02-31");
  auto refused = core_->AnnounceWinner(announce, caller_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()), ElementsAre("announce_date"));
  EXPECT_EQ(Cycle("c").state(), v1::CYCLE_STATE_JURY_DELIBERATION);

  v1::Winner w = Winner(2015, "Grimstad", "0904");
  w.set_announce_date("2016-02-30");
  auto imported = Import({w});
  EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(imported.status()), ElementsAre("winners[0].announce_date"));
  EXPECT_THAT(core_->ListWinners({})->winners(), IsEmpty());
}

}  // namespace
}  // namespace imdi::award
