// The jury's citation (RecordCitation) and the announcements rendered from
// the record (RenderAnnouncement), on a real award store and the statistics
// fake: figures resolved at the frozen data version, stated numbers checked,
// refusals with the computed value, the audit trail, and the states each
// text needs.
#include <string>

#include "absl/strings/match.h"
#include "common/errors.h"
#include "gtest/gtest.h"
#include "tests/testing/award_core_fixture.h"

namespace imdi::award::testing {
namespace {

class AwardCitationTest : public AwardCoreFixture {
 protected:
  void SetUp() override {
    AwardCoreFixture::SetUp();
    RegionSettled midt;
    midt.region_name = "IMDi Midt-Norge";
    midt.published = 2702;
    stats_.SetRegionSettled(stats::v1::IMDI_REGION_MIDT_NORGE, 2016, midt);
  }

  static v1::CitedFigure Share(double stated, double tolerance) {
    v1::CitedFigure f;
    f.set_kind(v1::CITED_FIGURE_KIND_SHARE_OF_REGION);
    f.set_municipality_code("1601");
    f.set_year(2016);
    f.set_field("refugees_settled");
    f.set_stated_value(stated);
    f.set_tolerance(tolerance);
    return f;
  }

  v1::RecordCitationRequest Citation(std::initializer_list<v1::CitedFigure> figures,
                                     std::string text = "bosetter om lag 25 % av flyktningene") {
    v1::RecordCitationRequest request;
    request.set_cycle_id("c");
    request.add_reasons()->set_text("Godt forankret i kommunens planer");
    v1::CitationReason* reason = request.add_reasons();
    reason->set_text(text);
    for (const v1::CitedFigure& f : figures) *reason->add_figures() = f;
    return request;
  }

  v1::RenderAnnouncementRequest Render(v1::AnnouncementKind kind) {
    v1::RenderAnnouncementRequest request;
    request.set_cycle_id("c");
    request.set_kind(kind);
    return request;
  }
};

TEST_F(AwardCitationTest, ResolvesEveryFigureAtTheFrozenVersion) {
  ToDecision();
  const int64_t frozen = Cycle("c").data_version();
  ASSERT_GT(frozen, 0);
  // Figures that change after the freeze are not what the citation reads.
  stats_.SetFigures("5001", 2016, Settled(600, 900));
  v1::CitedFigure ratio;
  ratio.set_kind(v1::CITED_FIGURE_KIND_RATIO);
  ratio.set_municipality_code("5001");
  ratio.set_year(2016);
  ratio.set_field("refugees_settled");
  ratio.set_denominator_field("refugees_requested");
  auto recorded = core_->RecordCitation(
      Citation({Share(25, 2.5), ratio}, "bosetter {1} av regionens flyktninger"), caller_);
  ASSERT_TRUE(recorded.ok()) << recorded.status();

  const v1::Citation& citation = recorded->citation();
  EXPECT_EQ(citation.data_version(), frozen);
  EXPECT_EQ(citation.recorded_by(), "tester");
  ASSERT_EQ(citation.reasons_size(), 2);
  const v1::CitedFigure& share = citation.reasons(1).figures(0);
  EXPECT_NEAR(share.value(), 100.0 * 627 / 2702, 1e-9);
  EXPECT_EQ(share.numerator(), 627);
  EXPECT_EQ(share.denominator(), 2702);
  EXPECT_EQ(share.area_name(), "IMDi Midt-Norge");
  EXPECT_EQ(share.denominator_source(), "published total");
  EXPECT_EQ(share.resolved_code(), "5001");
  EXPECT_EQ(share.code_at_the_time(), "1601");
  EXPECT_EQ(share.municipality_name(), "Trondheim");
  EXPECT_EQ(share.data_version(), frozen);
  const v1::CitedFigure& settled_of_requested = citation.reasons(1).figures(1);
  EXPECT_NEAR(settled_of_requested.value(), 100.0 * 627 / 600, 1e-9);

  // In GetCycle and in the audit trail, with the figures and the version.
  const v1::Cycle cycle = Cycle("c");
  ASSERT_EQ(cycle.citation().reasons_size(), 2);
  EXPECT_EQ(cycle.citation().reasons(1).figures(0).numerator(), 627);
  const std::vector<v1::AuditEvent> audit = Audit("c");
  EXPECT_EQ(audit.back().action(), "RecordCitation");
  EXPECT_EQ(audit.back().data_version(), frozen);
  EXPECT_TRUE(absl::StrContains(audit.back().detail(),
                                absl::StrCat("figures at data version ", frozen)))
      << audit.back().detail();
  EXPECT_TRUE(absl::StrContains(audit.back().detail(), "23.2 % (627 of 2702, published total)"))
      << audit.back().detail();
  // The header view leaves the citation out.
  EXPECT_FALSE(recorded->cycle().has_citation());
}

TEST_F(AwardCitationTest, SharesOfTheCountyAndTheCountryAndTheCountrysTotal) {
  ToDecision();
  v1::CitedFigure county = Share(100, 0);
  county.set_kind(v1::CITED_FIGURE_KIND_SHARE_OF_COUNTY);  // Sør-Trøndelag (16) in 2016
  auto recorded = core_->RecordCitation(Citation({county}, "{1}"), caller_);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  const v1::CitedFigure& share = recorded->citation().reasons(1).figures(0);
  EXPECT_EQ(share.denominator(), 627);
  EXPECT_EQ(share.area_name(), "county 16");
  EXPECT_EQ(share.denominator_source(), "sum of 1 municipality");

  // Bodø has no figure and the country no published total: the country's
  // sum is not its total, so neither the share nor the total is known.
  v1::CitedFigure country = Share(46.5, 0.1);
  country.set_kind(v1::CITED_FIGURE_KIND_SHARE_OF_COUNTRY);
  auto share_refused = core_->RecordCitation(Citation({country}), caller_);
  EXPECT_EQ(ErrorReason(share_refused.status()), "FIGURE_NOT_KNOWN") << share_refused.status();
  v1::CitedFigure total;
  total.set_kind(v1::CITED_FIGURE_KIND_COUNTRY_TOTAL);
  total.set_year(2016);
  total.set_field("refugees_settled");
  auto total_refused = core_->RecordCitation(Citation({total}), caller_);
  EXPECT_EQ(ErrorReason(total_refused.status()), "FIGURE_NOT_KNOWN") << total_refused.status();
}

TEST_F(AwardCitationTest, OnlyTheServiceFillsTheResolvedFields) {
  ToDecision();
  v1::CitedFigure forged = Share(25, 2.5);
  forged.set_kind(v1::CITED_FIGURE_KIND_VALUE);
  forged.clear_stated_value();
  forged.set_tolerance(0);
  forged.set_area_name("Hele verden\n- injected");
  forged.set_denominator_source("forged");
  forged.set_known_date("1999-01-01");
  forged.set_numerator(1);
  forged.set_data_version(1);
  auto recorded = core_->RecordCitation(Citation({forged}, "{1}"), caller_);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  const v1::CitedFigure& f = recorded->citation().reasons(1).figures(0);
  EXPECT_EQ(f.value(), 627);
  EXPECT_TRUE(f.area_name().empty());
  EXPECT_TRUE(f.denominator_source().empty());
  EXPECT_FALSE(f.has_numerator());
  EXPECT_NE(f.known_date(), "1999-01-01");
  EXPECT_EQ(f.data_version(), Cycle("c").data_version());
}

TEST_F(AwardCitationTest, ARetryGetsItsReplyWithoutTheStatisticsService) {
  ToDecision();
  v1::RecordCitationRequest request = Citation({Share(25, 2.5)});
  request.set_request_id("cite-1");
  auto first = core_->RecordCitation(request, caller_);
  ASSERT_TRUE(first.ok()) << first.status();
  stats_.SetUnavailable(true);
  auto retried = core_->RecordCitation(request, caller_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->citation().reasons(1).figures(0).numerator(), 627);
  EXPECT_EQ(retried->cycle().etag(), first->cycle().etag());
}

TEST_F(AwardCitationTest, RefusesAClaimTheFiguresContradictWithTheComputedValue) {
  ToDecision();
  auto refused = core_->RecordCitation(Citation({Share(35, 2)}), caller_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_EQ(ErrorReason(refused.status()), "CITATION_CONTRADICTED");
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "states 35.0 %"))
      << refused.status().message();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "is 23.2 % (627 of 2702"))
      << refused.status().message();
  EXPECT_EQ(ErrorMetadata(refused.status())["computed_value"], "23.205");
  // Nothing recorded; the refusal is in the trail.
  EXPECT_FALSE(Cycle("c").has_citation());
  EXPECT_TRUE(absl::StartsWith(Audit("c").back().detail(), "refused: CITATION_CONTRADICTED"));
  // Within the tolerance it is accepted; without one, only the printed value.
  EXPECT_TRUE(core_->RecordCitation(Citation({Share(23.2, 0)}), caller_).ok());
  EXPECT_FALSE(core_->RecordCitation(Citation({Share(23.4, 0)}), caller_).ok());
}

TEST_F(AwardCitationTest, RefusesAFigureThatIsNotKnown) {
  ToDecision();
  v1::CitedFigure minors;  // no minors figure is stored for Trondheim
  minors.set_kind(v1::CITED_FIGURE_KIND_VALUE);
  minors.set_municipality_code("1601");
  minors.set_year(2016);
  minors.set_field("minors_settled");
  auto refused = core_->RecordCitation(Citation({minors}), caller_);
  EXPECT_EQ(ErrorReason(refused.status()), "FIGURE_NOT_KNOWN") << refused.status();
  EXPECT_FALSE(Cycle("c").has_citation());
}

TEST_F(AwardCitationTest, ChecksEveryReferenceBeforeReading) {
  ToDecision();
  v1::CitedFigure bad = Share(25, 2.5);
  bad.set_field("refugees_settled_total");
  bad.set_municipality_code("16x1");
  v1::CitedFigure no_stated;
  no_stated.set_kind(v1::CITED_FIGURE_KIND_VALUE);
  no_stated.set_municipality_code("1601");
  no_stated.set_year(2016);
  no_stated.set_field("refugees_settled");
  no_stated.set_tolerance(3);
  auto refused = core_->RecordCitation(Citation({bad, no_stated}, "{1} og {3}"), caller_);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolations(refused.status())) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "reasons[1].text", "reasons[1].figures[0].municipality_code",
                        "reasons[1].figures[0].field", "reasons[1].figures[1].tolerance"}));
}

TEST_F(AwardCitationTest, IsRecordedOnlyBetweenTheDecisionAndTheAnnouncement) {
  ToJury();
  auto early = core_->RecordCitation(Citation({Share(25, 2.5)}), caller_);
  EXPECT_EQ(ErrorReason(early.status()), "NO_DECISION") << early.status();
}

TEST_F(AwardCitationTest, EachTextNeedsItsState) {
  OpenCycle("c");
  auto nominees = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_NOMINEES));
  EXPECT_EQ(ErrorReason(nominees.status()), "WRONG_STATE") << nominees.status();
  EXPECT_TRUE(absl::StrContains(nominees.status().message(), "AnnounceNominees"));
  auto winner = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_WINNER));
  EXPECT_EQ(ErrorReason(winner.status()), "WRONG_STATE") << winner.status();
  auto unspecified = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_UNSPECIFIED));
  EXPECT_EQ(unspecified.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AwardCitationTest, TheWinnersTextNeedsTheCitationAndIsADraftUntilAnnounced) {
  ToDecision();
  auto without = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_WINNER));
  EXPECT_EQ(ErrorReason(without.status()), "NO_CITATION") << without.status();
  ASSERT_TRUE(core_->RecordCitation(Citation({Share(25, 2.5)}), caller_).ok());
  auto draft = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_WINNER));
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_TRUE(draft->draft());
  EXPECT_TRUE(absl::StrContains(draft->text(), "23,2 %")) << draft->text();
  EXPECT_TRUE(absl::StrContains(draft->text(), "627 av 2 702")) << draft->text();
  EXPECT_EQ(draft->data_version(), Cycle("c").data_version());
  EXPECT_EQ(draft->media_type(), "text/markdown; charset=utf-8");

  v1::AnnounceWinnerRequest announce;
  announce.set_cycle_id("c");
  ASSERT_TRUE(core_->AnnounceWinner(announce, caller_).ok());
  auto published = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_WINNER));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_FALSE(published->draft());
  // After the announcement the citation is closed.
  auto late = core_->RecordCitation(Citation({Share(25, 2.5)}), caller_);
  EXPECT_EQ(ErrorReason(late.status()), "WRONG_STATE") << late.status();
}

TEST_F(AwardCitationTest, TheNomineesTextReadsTheirFiguresAtTheFrozenVersion) {
  ToJury();
  const int64_t frozen = Cycle("c").data_version();
  stats_.SetFigures("5001", 2016, Settled(600, 999));  // after the freeze
  auto nominees = core_->RenderAnnouncement(Render(v1::ANNOUNCEMENT_KIND_NOMINEES));
  ASSERT_TRUE(nominees.ok()) << nominees.status();
  EXPECT_TRUE(absl::StrContains(nominees->text(), "627")) << nominees->text();
  EXPECT_FALSE(absl::StrContains(nominees->text(), "999")) << nominees->text();
  ASSERT_GT(nominees->sources_size(), 0);
  for (const v1::AnnouncementSource& s : nominees->sources()) {
    EXPECT_EQ(s.data_version(), frozen) << s.note();
  }
}

}  // namespace
}  // namespace imdi::award::testing
