// Human output: tables aligned by characters, a nomination's verdicts with
// their explanations, the cycle's dashboard, and request ids from input.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/imdictl/output.h"

namespace imdi::imdictl {
namespace {

using ::testing::HasSubstr;
namespace api = ::imdi::award::v1;

TEST(ImdictlOutput, TablesAlignByCharactersNotBytes) {
  Table table({"code", "name", "region"});
  table.Add({"1804", "Bodø", "IMDi Nord"});
  table.Add({"0228", "Rælingen", "IMDi Øst"});
  EXPECT_EQ(table.Render(),
            "code  name      region\n"
            "1804  Bodø      IMDi Nord\n"
            "0228  Rælingen  IMDi Øst\n");
}

TEST(ImdictlOutput, ANominationWithEachCriterionsVerdictAndExplanation) {
  api::Nomination n;
  n.set_nomination_id("n5");
  n.set_municipality_code("5001");
  n.set_code_at_the_time("1601");
  n.set_municipality_name("Trondheim");
  n.set_imdi_region(stats::v1::IMDI_REGION_MIDT_NORGE);
  n.mutable_nominator()->set_display_name("IMDi Midt-Norge");
  api::Evaluation* e = n.mutable_evaluation();
  e->set_figures_year(2016);
  e->set_data_version(8);
  e->set_verdict(api::VERDICT_MET);
  e->set_eligible(true);
  api::CriterionResult* c = e->add_criteria();
  c->set_criterion("region_share");
  c->set_verdict(api::VERDICT_MET);
  c->set_explanation("settled 627 of 2702 in IMDi Midt-Norge (published total) in 2016: 23.2 %");
  c = e->add_criteria();
  c->set_criterion("settled_as_requested");
  c->set_verdict(api::VERDICT_INSUFFICIENT_DATA);
  c->set_explanation("requested not known in 2016 (settled 627)");
  api::AssessmentClaim* claim = n.add_claims();
  claim->set_criterion("anchored_plans");
  claim->set_state(api::ASSESSMENT_STATE_CONFIRMED);
  claim->set_jury_note("anchored in plans");
  EXPECT_EQ(DescribeNomination(n),
            "nomination n5: Trondheim (5001, 1601 in 2016), IMDi Midt-Norge\n"
            "  nominated by IMDi Midt-Norge\n"
            "  verdict: met (eligible), data version 8\n"
            "    met                region_share: settled 627 of 2702 in IMDi Midt-Norge "
            "(published total) in 2016: 23.2 %\n"
            "    insufficient data  settled_as_requested: requested not known in 2016 "
            "(settled 627)\n"
            "  claim anchored_plans (confirmed), jury: anchored in plans\n");
}

TEST(ImdictlOutput, TheDashboardShowsScheduleRegionsScoresAndWhatBlocks) {
  api::GetCycleProgressResponse p;
  p.set_cycle_id("2016");
  p.set_title("Bosettingsprisen 2016");
  p.set_state(api::CYCLE_STATE_JURY_DELIBERATION);
  p.set_data_version(8);
  p.set_etag("e1");
  api::ScheduleDate* d = p.add_schedule();
  d->set_name("nominees_announce_date");
  d->set_date("2017-02-17");
  d->set_days_left(-12);
  d->set_passed(true);
  d = p.add_schedule();
  d->set_name("winner_announce_date");
  d->set_date("2017-04-26");
  d->set_days_left(56);
  api::RegionProgress* r = p.add_regions();
  r->set_imdi_region(stats::v1::IMDI_REGION_NORD);
  r->set_quota(1);
  r->set_active(1);
  r->set_filled(true);
  r->add_nominees("Bodø");
  api::PendingAssessment* a = p.add_pending_assessments();
  a->set_nomination_id("n1");
  a->set_municipality_name("Arendal");
  a->set_criterion("creative_housing");
  api::JurorProgress* j = p.add_jurors();
  j->set_juror_id("juror-2");
  j->set_display_name("Juror two");
  j->set_scores_expected(18);
  j->set_scores_recorded(17);
  api::MissingScore* m = j->add_missing();
  m->set_nomination_id("n6");
  m->set_municipality_name("Tynset");
  m->set_criterion("anchoring");
  api::TransitionProgress* t = p.add_transitions();
  t->set_method("DecideWinner");
  t->set_to_state(api::CYCLE_STATE_JURY_DELIBERATION);
  auto* b = t->add_blockers();
  b->set_type("SCORES");
  b->set_subject("juror-2");
  b->set_description("1 score missing");
  t = p.add_transitions();
  t->set_method("CancelCycle");
  t->set_to_state(api::CYCLE_STATE_CANCELLED);
  t->set_allowed(true);

  const std::string out = DescribeProgress(p);
  EXPECT_THAT(out, HasSubstr("Bosettingsprisen 2016 (cycle 2016): jury deliberation, data "
                             "version 8 (frozen)\n"));
  EXPECT_THAT(out, HasSubstr("  nominees_announce_date  2017-02-17  12 days ago\n"));
  EXPECT_THAT(out, HasSubstr("  winner_announce_date    2017-04-26  in 56 days\n"));
  EXPECT_THAT(out, HasSubstr("  IMDi Nord  1      1       0          Bodø (filled)\n"));
  EXPECT_THAT(out, HasSubstr("Pending assessments: 1\n  Arendal (n1): creative_housing\n"));
  EXPECT_THAT(out, HasSubstr("  juror-2  Juror two  17/18   Tynset anchoring\n"));
  EXPECT_THAT(out, HasSubstr("  DecideWinner -> jury deliberation: blocked\n"
                             "      SCORES juror-2: 1 score missing\n"));
  EXPECT_THAT(out, HasSubstr("  CancelCycle -> cancelled: allowed\n"));
}

TEST(ImdictlOutput, RequestIdsComeFromTheInputAndHaveNoSpaces) {
  api::OpenNominationsRequest a;
  a.set_cycle_id("2016");
  api::OpenNominationsRequest b = a;
  EXPECT_EQ(InputRequestId("cycle open", a), InputRequestId("cycle open", b));
  EXPECT_THAT(InputRequestId("cycle open", a), ::testing::StartsWith("imdictl-cycle-open-"));
  b.set_etag("x");
  EXPECT_NE(InputRequestId("cycle open", a), InputRequestId("cycle open", b));
}

}  // namespace
}  // namespace imdi::imdictl
