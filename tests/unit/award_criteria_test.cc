// Tests of the criteria engine (award-service/domain/criteria.h): every
// criterion kind on plain figures, absent figures as INSUFFICIENT_DATA (never
// read as 0), explanations with the numbers and the data version, the figures
// recorded as used, and the all_of / any_of / at_least combinators.
#include "award-service/domain/criteria.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::HasSubstr;

constexpr int kYear = 2016;
constexpr int64_t kVersion = 42;
constexpr char kCode[] = "4601";
constexpr char kVersionText[] = "data version 42";

template <typename T>
T Parse(absl::string_view text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message))
      << text;
  return message;
}

// --- Inputs -----------------------------------------------------------------

EvaluationInput Input() {
  EvaluationInput input;
  input.municipality_code = kCode;
  input.municipality_name = "Bergen";
  input.imdi_region = stats::v1::IMDI_REGION_VEST;
  input.data_version = kVersion;
  return input;
}

// The municipality's figures of `year`, created empty (every field absent).
stats::v1::Figures& Year(EvaluationInput& input, int year = kYear) {
  stats::v1::Figures& figures = input.figures[year];
  figures.set_municipality_code(kCode);
  figures.set_year(year);
  return figures;
}

void SetSettled(EvaluationInput& input, int year, int settled, int requested) {
  Year(input, year).set_refugees_settled(settled);
  Year(input, year).set_refugees_requested(requested);
}

void AddComparable(EvaluationInput& input, const std::string& code, std::optional<int> settled,
                   std::optional<int> population, int year = kYear) {
  stats::v1::Figures& figures = input.comparables[code][year];
  figures.set_municipality_code(code);
  figures.set_year(year);
  if (settled) figures.set_refugees_settled(*settled);
  if (population) figures.set_population(*population);
}

void Claim(EvaluationInput& input, const std::string& criterion, const std::string& text,
           v1::AssessmentState state, const std::string& note = "") {
  v1::AssessmentClaim& claim = input.claims[criterion];
  claim.set_criterion(criterion);
  claim.set_justification(text);
  claim.set_state(state);
  claim.set_jury_note(note);
}

// --- Criteria ---------------------------------------------------------------

v1::Criterion SettledVsRequested(double percent, int span = 0,
                                 v1::SettlementBasis basis = v1::SETTLEMENT_BASIS_UNSPECIFIED) {
  v1::Criterion c;
  c.set_name("settled");
  c.set_title("Settled against requested");
  c.mutable_settled_vs_requested()->mutable_threshold()->set_percent(percent);
  c.mutable_settled_vs_requested()->set_span_years(span);
  c.mutable_settled_vs_requested()->set_basis(basis);
  return c;
}

v1::Criterion MinorsSettled(int min_settled, std::optional<double> of_requested) {
  v1::Criterion c;
  c.set_name("minors");
  c.mutable_minors_settled()->set_min_settled(min_settled);
  if (of_requested) c.mutable_minors_settled()->mutable_of_requested()->set_percent(*of_requested);
  return c;
}

v1::Criterion PerThousand(double percent) {
  v1::Criterion c;
  c.set_name("per_thousand");
  c.mutable_settled_per_thousand()->mutable_of_comparables()->set_percent(percent);
  return c;
}

v1::Criterion RegionShare(double percent) {
  v1::Criterion c;
  c.set_name("region_share");
  c.mutable_region_share()->mutable_share()->set_percent(percent);
  return c;
}

v1::Criterion Intro(v1::IntroMeasure measure, double percent, bool strictly_above = false) {
  v1::Criterion c;
  c.set_name("intro");
  c.set_title("Introduction programme");
  c.mutable_intro_outcome()->set_measure(measure);
  c.mutable_intro_outcome()->mutable_threshold()->set_percent(percent);
  c.mutable_intro_outcome()->mutable_threshold()->set_strictly_above(strictly_above);
  return c;
}

v1::Criterion Assessed(const std::string& name) {
  v1::Criterion c;
  c.set_name(name);
  c.mutable_assessed()->set_guidance("creative housing solutions");
  return c;
}

v1::CriterionResult Eval(const v1::Criterion& criterion, const EvaluationInput& input) {
  return EvaluateCriterion(criterion, kYear, input);
}

// The figure recorded for (subject, year, field); fails the test when absent.
v1::FigureUsed Figure(const v1::CriterionResult& result, const std::string& subject, int year,
                      const std::string& field) {
  for (const v1::FigureUsed& used : result.figures()) {
    if (used.subject() == subject && used.year() == year && used.field() == field) return used;
  }
  ADD_FAILURE() << "no figure " << subject << "/" << year << "/" << field << " in "
                << result.DebugString();
  return v1::FigureUsed();
}

// --- settled_vs_requested ---------------------------------------------------

TEST(SettledVsRequestedTest, MetInOneYear) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 45, 50);  // 90 %
  v1::CriterionResult r = Eval(SettledVsRequested(80), input);
  EXPECT_EQ(r.criterion(), "settled");
  EXPECT_EQ(r.title(), "Settled against requested");
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("settled 45"));
  EXPECT_THAT(r.explanation(), HasSubstr("requested 50"));
  EXPECT_THAT(r.explanation(), HasSubstr("90.0 %"));
  EXPECT_THAT(r.explanation(), HasSubstr("2016"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  v1::FigureUsed settled = Figure(r, kCode, kYear, "refugees_settled");
  ASSERT_TRUE(settled.has_value());
  EXPECT_EQ(settled.value(), 45);
  EXPECT_EQ(settled.data_version(), kVersion);
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_requested").value(), 50);
}

TEST(SettledVsRequestedTest, NotMetBelowThreshold) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 30, 50);  // 60 %
  v1::CriterionResult r = Eval(SettledVsRequested(80), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("60.0 %"));
  EXPECT_THAT(r.explanation(), HasSubstr("falls short"));
}

TEST(SettledVsRequestedTest, ExactlyAtThresholdMeetsUnlessStrictlyAbove) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 40, 50);  // exactly 80 %
  EXPECT_EQ(Eval(SettledVsRequested(80), input).verdict(), v1::VERDICT_MET);
  v1::Criterion strict = SettledVsRequested(80);
  strict.mutable_settled_vs_requested()->mutable_threshold()->set_strictly_above(true);
  EXPECT_EQ(Eval(strict, input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(SettledVsRequestedTest, SettledKnownRequestedAbsentIsInsufficientNotZero) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(12);  // requested absent: not 0, not "infinitely many"
  v1::CriterionResult r = Eval(SettledVsRequested(80), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("requested not known in 2016"));
  EXPECT_THAT(r.explanation(), HasSubstr("settled 12"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_settled").value(), 12);
  EXPECT_FALSE(Figure(r, kCode, kYear, "refugees_requested").has_value());
}

TEST(SettledVsRequestedTest, SettledAbsentIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_refugees_requested(20);
  v1::CriterionResult r = Eval(SettledVsRequested(80), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("settled not known in 2016"));
  EXPECT_FALSE(Figure(r, kCode, kYear, "refugees_settled").has_value());
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_requested").value(), 20);
}

TEST(SettledVsRequestedTest, RequestedZeroIsNotMet) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 5, 0);
  v1::CriterionResult r = Eval(SettledVsRequested(80), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("requested 0 in 2016"));
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_requested").value(), 0);
}

TEST(SettledVsRequestedTest, DecidedBasisComparesWithTheCouncilsDecision) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(18);
  Year(input).set_refugees_decided(20);    // 90 % of decided
  Year(input).set_refugees_requested(40);  // 45 % of requested
  v1::CriterionResult decided =
      Eval(SettledVsRequested(80, 0, v1::SETTLEMENT_BASIS_DECIDED), input);
  EXPECT_EQ(decided.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(decided.explanation(), HasSubstr("decided 20"));
  EXPECT_THAT(decided.explanation(), HasSubstr("90.0 %"));
  EXPECT_EQ(Figure(decided, kCode, kYear, "refugees_decided").value(), 20);

  // Unspecified basis is read as requested.
  EXPECT_EQ(Eval(SettledVsRequested(80), input).verdict(), v1::VERDICT_NOT_MET);
  EXPECT_EQ(Eval(SettledVsRequested(80, 0, v1::SETTLEMENT_BASIS_REQUESTED), input).verdict(),
            v1::VERDICT_NOT_MET);
}

TEST(SettledVsRequestedTest, DecidedBasisAbsentIsInsufficientEvenWithRequested) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 18, 20);
  v1::CriterionResult r = Eval(SettledVsRequested(80, 0, v1::SETTLEMENT_BASIS_DECIDED), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("decided not known"));
  EXPECT_FALSE(Figure(r, kCode, kYear, "refugees_decided").has_value());
}

TEST(SettledVsRequestedTest, SpanMetInEveryYear) {
  EvaluationInput input = Input();
  SetSettled(input, 2014, 9, 10);
  SetSettled(input, 2015, 10, 10);
  SetSettled(input, 2016, 17, 20);
  v1::CriterionResult r = Eval(SettledVsRequested(80, 3), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  for (int year : {2014, 2015, 2016}) {
    EXPECT_THAT(r.explanation(), HasSubstr(absl::StrCat(year)));
    EXPECT_TRUE(Figure(r, kCode, year, "refugees_settled").has_value());
  }
  EXPECT_THAT(r.explanation(), HasSubstr("85.0 %"));  // 17 of 20 in 2016
}

TEST(SettledVsRequestedTest, SpanWithOneBadYearIsNotMet) {
  EvaluationInput input = Input();
  SetSettled(input, 2014, 9, 10);
  SetSettled(input, 2015, 5, 10);  // 50 %
  SetSettled(input, 2016, 10, 10);
  v1::CriterionResult r = Eval(SettledVsRequested(80, 3), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("settled 5 falls short"));
  EXPECT_THAT(r.explanation(), HasSubstr("50.0 %) in 2015"));
}

TEST(SettledVsRequestedTest, SpanWithOneUnknownYearIsInsufficient) {
  EvaluationInput input = Input();
  // 2014 has no figures at all.
  SetSettled(input, 2015, 10, 10);
  SetSettled(input, 2016, 10, 10);
  v1::CriterionResult r = Eval(SettledVsRequested(80, 3), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("settled and requested not known in 2014"));
  EXPECT_FALSE(Figure(r, kCode, 2014, "refugees_settled").has_value());
  EXPECT_FALSE(Figure(r, kCode, 2014, "refugees_requested").has_value());
}

TEST(SettledVsRequestedTest, SpanWithBadAndUnknownYearsIsNotMet) {
  EvaluationInput input = Input();
  SetSettled(input, 2015, 1, 10);
  SetSettled(input, 2016, 10, 10);
  EXPECT_EQ(Eval(SettledVsRequested(80, 3), input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(SettledVsRequestedTest, SpanZeroOrOneReadsTheFiguresYearOnly) {
  EvaluationInput input = Input();
  SetSettled(input, 2015, 0, 10);  // a bad year before the figures year
  SetSettled(input, 2016, 10, 10);
  for (int span : {0, 1}) {
    v1::CriterionResult r = Eval(SettledVsRequested(80, span), input);
    EXPECT_EQ(r.verdict(), v1::VERDICT_MET) << span;
    for (const v1::FigureUsed& used : r.figures()) EXPECT_EQ(used.year(), kYear);
  }
}


// --- decided_vs_requested ---------------------------------------------------

v1::Criterion DecidedVsRequested(double percent, int span = 0) {
  v1::Criterion c;
  c.set_name("decided");
  c.set_title("Decided against requested");
  c.mutable_decided_vs_requested()->mutable_threshold()->set_percent(percent);
  c.mutable_decided_vs_requested()->set_span_years(span);
  return c;
}

TEST(DecidedVsRequestedTest, ComparesTheCouncilsDecisionWithTheRequest) {
  EvaluationInput input = Input();
  Year(input).set_refugees_decided(57);
  Year(input).set_refugees_requested(70);  // 81.4 %
  v1::CriterionResult r = Eval(DecidedVsRequested(100), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("decided 57 falls short of >= 100.0 % of requested 70"));
  EXPECT_THAT(r.explanation(), HasSubstr("81.4 %"));
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_decided").value(), 57);
  EXPECT_EQ(Eval(DecidedVsRequested(80), input).verdict(), v1::VERDICT_MET);
}

TEST(DecidedVsRequestedTest, SettledIsNotNeeded) {
  EvaluationInput input = Input();
  Year(input).set_refugees_decided(80);
  Year(input).set_refugees_requested(80);
  EXPECT_EQ(Eval(DecidedVsRequested(100), input).verdict(), v1::VERDICT_MET);
  // Settled against requested, on the same record, cannot be judged.
  v1::CriterionResult settled = Eval(SettledVsRequested(100), input);
  EXPECT_EQ(settled.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(settled.explanation(), HasSubstr("settled not known in 2016 (requested 80)"));
}

TEST(DecidedVsRequestedTest, DecisionNotKnownIsInsufficientNotZero) {
  EvaluationInput input = Input();
  Year(input).set_refugees_requested(15);
  v1::CriterionResult r = Eval(DecidedVsRequested(100), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("decided not known in 2016 (requested 15)"));
}

TEST(ExplanationTest, NamesTheKnownDatesOfTheFiguresUsed) {
  EvaluationInput input = Input();
  Year(input).set_refugees_decided(57);
  Year(input).set_refugees_requested(70);
  Year(input).set_known_date("2016-03-22");
  v1::CriterionResult r = Eval(DecidedVsRequested(100), input);
  EXPECT_THAT(r.explanation(), HasSubstr("(data version 42; figures known 2016-03-22)"));
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_decided").known_date(), "2016-03-22");

  // Over a span, the range of dates.
  Year(input, 2015).set_refugees_decided(48);
  Year(input, 2015).set_refugees_requested(30);
  Year(input, 2015).set_known_date("2016-01-26");
  r = Eval(DecidedVsRequested(50, 2), input);
  EXPECT_THAT(r.explanation(), HasSubstr("figures known 2016-01-26 to 2016-03-22)"));
}

TEST(ExplanationTest, SaysWhichYearsAreHarmonised) {
  EvaluationInput input = Input();
  for (int year : {2014, 2015, 2016}) SetSettled(input, year, 60, 50);
  stats::v1::Figures& y2014 = Year(input, 2014);
  y2014.set_harmonised(true);
  for (auto [code, name] : {std::pair{"1401", "Flora"}, std::pair{"1439", "Vågsøy"}}) {
    stats::v1::Figures* part = y2014.add_harmonised_parts();
    part->set_code_at_the_time(code);
    part->set_municipality_name(name);
  }
  v1::CriterionResult r = Eval(SettledVsRequested(100, 3), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("2014 harmonised: Flora 1401 + Vågsøy 1439"));
  EXPECT_TRUE(Figure(r, kCode, 2014, "refugees_settled").harmonised());
  EXPECT_FALSE(Figure(r, kCode, 2015, "refugees_settled").harmonised());
}

// --- minors_settled ---------------------------------------------------------

TEST(MinorsSettledTest, MinimumCount) {
  EvaluationInput input = Input();
  Year(input).set_minors_settled(6);
  v1::CriterionResult met = Eval(MinorsSettled(5, std::nullopt), input);
  EXPECT_EQ(met.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(met.explanation(), HasSubstr("settled 6 >= 5"));
  EXPECT_THAT(met.explanation(), HasSubstr(kVersionText));

  v1::CriterionResult exact = Eval(MinorsSettled(6, std::nullopt), input);
  EXPECT_EQ(exact.verdict(), v1::VERDICT_MET);

  v1::CriterionResult short_of = Eval(MinorsSettled(7, std::nullopt), input);
  EXPECT_EQ(short_of.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(short_of.explanation(), HasSubstr("settled 6 < 7"));
}

TEST(MinorsSettledTest, RatioOfRequested) {
  EvaluationInput input = Input();
  Year(input).set_minors_settled(6);
  Year(input).set_minors_requested(8);  // 75 %
  v1::CriterionResult met = Eval(MinorsSettled(0, 75), input);
  EXPECT_EQ(met.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(met.explanation(), HasSubstr("settled 6 of requested 8"));
  EXPECT_THAT(met.explanation(), HasSubstr("75.0 %"));
  EXPECT_EQ(Figure(met, kCode, kYear, "minors_requested").value(), 8);

  v1::CriterionResult not_met = Eval(MinorsSettled(0, 80), input);
  EXPECT_EQ(not_met.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(not_met.explanation(), HasSubstr("below >= 80.0 %"));
}

TEST(MinorsSettledTest, CountAndRatioMustBothHold) {
  EvaluationInput input = Input();
  Year(input).set_minors_settled(6);
  Year(input).set_minors_requested(6);  // 100 %
  EXPECT_EQ(Eval(MinorsSettled(5, 90), input).verdict(), v1::VERDICT_MET);
  EXPECT_EQ(Eval(MinorsSettled(10, 90), input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(MinorsSettledTest, NoneRequestedFailsTheRatio) {
  EvaluationInput input = Input();
  Year(input).set_minors_settled(2);
  Year(input).set_minors_requested(0);
  v1::CriterionResult r = Eval(MinorsSettled(0, 50), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("no unaccompanied minors requested in 2016"));
}

TEST(MinorsSettledTest, SettledAbsentIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_minors_requested(10);
  v1::CriterionResult r = Eval(MinorsSettled(1, std::nullopt), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_FALSE(Figure(r, kCode, kYear, "minors_settled").has_value());
}

TEST(MinorsSettledTest, RequestedAbsentIsInsufficientForTheRatio) {
  EvaluationInput input = Input();
  Year(input).set_minors_settled(6);
  v1::CriterionResult r = Eval(MinorsSettled(0, 50), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("requested not known in 2016 (settled 6)"));
  EXPECT_FALSE(Figure(r, kCode, kYear, "minors_requested").has_value());
}

TEST(MinorsSettledTest, FailedCountIsNotMetEvenWhenTheRatioCannotBeChecked) {
  // The minimum count is known to fail (3 < 5), so the criterion cannot be
  // met whatever the unknown minors_requested is: a known failure wins over
  // missing data, as in spans and in all_of.
  EvaluationInput input = Input();
  Year(input).set_minors_settled(3);
  v1::CriterionResult r = Eval(MinorsSettled(5, 50), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET) << r.explanation();
}

// --- settled_per_thousand ---------------------------------------------------

TEST(SettledPerThousandTest, AgainstComparables) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(30);
  Year(input).set_population(10000);  // 3.00 per 1,000
  AddComparable(input, "1001", 10, 5000);
  AddComparable(input, "1002", 30, 15000);  // group: 40 / 20,000 = 2.00 per 1,000
  AddComparable(input, "1003", 50, std::nullopt);  // no population: left out
  // 3.00 / 2.00 = 150 % of the comparables.
  v1::CriterionResult met = Eval(PerThousand(120), input);
  EXPECT_EQ(met.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(met.explanation(), HasSubstr("3.00 settled per 1,000 inhabitants against 2.00"));
  EXPECT_THAT(met.explanation(), HasSubstr("in 2 of 3 comparable municipalities"));
  EXPECT_THAT(met.explanation(), HasSubstr("150.0 %"));
  EXPECT_THAT(met.explanation(), HasSubstr(kVersionText));
  EXPECT_EQ(Figure(met, "1002", kYear, "population").value(), 15000);
  EXPECT_EQ(Figure(met, "1003", kYear, "refugees_settled").value(), 50);
  EXPECT_FALSE(Figure(met, "1003", kYear, "population").has_value());

  v1::CriterionResult not_met = Eval(PerThousand(160), input);
  EXPECT_EQ(not_met.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(not_met.explanation(), HasSubstr("below"));
}

TEST(SettledPerThousandTest, NoComparablesIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(30);
  Year(input).set_population(10000);
  v1::CriterionResult r = Eval(PerThousand(100), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("no comparable municipalities"));
}

TEST(SettledPerThousandTest, ComparablesLackingPopulationIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(30);
  Year(input).set_population(10000);
  AddComparable(input, "1001", 10, std::nullopt);
  AddComparable(input, "1002", 20, std::nullopt);
  v1::CriterionResult r = Eval(PerThousand(100), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("no comparable municipality has both settled and "
                                         "population"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_FALSE(Figure(r, "1001", kYear, "population").has_value());
  EXPECT_FALSE(Figure(r, "1002", kYear, "population").has_value());
}

TEST(SettledPerThousandTest, OwnPopulationAbsentIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(30);
  AddComparable(input, "1001", 10, 5000);
  v1::CriterionResult r = Eval(PerThousand(100), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("population not known"));
  EXPECT_FALSE(Figure(r, kCode, kYear, "population").has_value());
}

// --- region_share -----------------------------------------------------------

void SetRegion(EvaluationInput& input, std::optional<int64_t> published,
               std::optional<int64_t> sum, int missing) {
  RegionSettled& region = input.region_settled[kYear];
  region.region_name = "IMDi Vest";
  region.published = published;
  region.sum = sum;
  region.municipalities_missing = missing;
}

TEST(RegionShareTest, PublishedTotal) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(50);
  SetRegion(input, 400, 350, 2);  // 50 / 400 = 12.5 %; the published total wins
  v1::CriterionResult r = Eval(RegionShare(10), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("settled 50 of 400 in IMDi Vest (published total)"));
  EXPECT_THAT(r.explanation(), HasSubstr("12.5 %"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_EQ(Figure(r, "IMDi Vest", kYear, "refugees_settled").value(), 400);
  EXPECT_EQ(Figure(r, kCode, kYear, "refugees_settled").value(), 50);

  EXPECT_EQ(Eval(RegionShare(13), input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(RegionShareTest, CompleteSumWithoutPublishedTotal) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(50);
  SetRegion(input, std::nullopt, 500, 0);  // 50 / 500 = exactly 10 %
  v1::CriterionResult r = Eval(RegionShare(10), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("of 500"));
  EXPECT_THAT(r.explanation(), HasSubstr("sum over its municipalities"));
  EXPECT_EQ(Figure(r, "IMDi Vest", kYear, "refugees_settled").value(), 500);

  v1::Criterion strict = RegionShare(10);
  strict.mutable_region_share()->mutable_share()->set_strictly_above(true);
  EXPECT_EQ(Eval(strict, input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(RegionShareTest, IncompleteSumWithoutPublishedTotalIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(50);
  SetRegion(input, std::nullopt, 450, 3);  // a partial sum is no total
  v1::CriterionResult r = Eval(RegionShare(5), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("no published total; 3 municipalities lack a value"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_FALSE(Figure(r, "IMDi Vest", kYear, "refugees_settled").has_value());
}

TEST(RegionShareTest, OwnSettledAbsentIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_population(1000);
  SetRegion(input, 400, std::nullopt, 0);
  v1::CriterionResult r = Eval(RegionShare(0), input);  // even a 0 % threshold
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("settled not known in 2016"));
  EXPECT_FALSE(Figure(r, kCode, kYear, "refugees_settled").has_value());
}

TEST(RegionShareTest, RegionUnknownIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(50);
  v1::CriterionResult r = Eval(RegionShare(0), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("not known"));
}

// --- intro_outcome ----------------------------------------------------------

TEST(IntroOutcomeTest, DirectFromCounts) {
  EvaluationInput input = Input();
  Year(input).set_intro_finished(40);
  Year(input).set_intro_to_work_or_education(30);  // 75 %
  Year(input).set_intro_to_work_or_education_pct(10);  // counts take precedence
  v1::CriterionResult r = Eval(Intro(v1::INTRO_MEASURE_DIRECT, 70), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("75.0 %"));
  EXPECT_THAT(r.explanation(), HasSubstr("30 of 40"));
  EXPECT_THAT(r.explanation(), HasSubstr("directly to work or education"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_EQ(Figure(r, kCode, kYear, "intro_finished").value(), 40);
  EXPECT_EQ(Figure(r, kCode, kYear, "intro_to_work_or_education").value(), 30);

  EXPECT_EQ(Eval(Intro(v1::INTRO_MEASURE_DIRECT, 80), input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(IntroOutcomeTest, PublishedPercentWhenCountsAbsent) {
  EvaluationInput input = Input();
  Year(input).set_intro_to_work_or_education_pct(65.5);
  v1::CriterionResult below = Eval(Intro(v1::INTRO_MEASURE_DIRECT, 70), input);
  EXPECT_EQ(below.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(below.explanation(), HasSubstr("65.5 %"));
  EXPECT_THAT(below.explanation(), HasSubstr("published percentage for 2016"));
  EXPECT_FALSE(Figure(below, kCode, kYear, "intro_finished").has_value());
  EXPECT_FALSE(Figure(below, kCode, kYear, "intro_to_work_or_education").has_value());
  EXPECT_EQ(Figure(below, kCode, kYear, "intro_to_work_or_education_pct").value(), 65.5);

  EXPECT_EQ(Eval(Intro(v1::INTRO_MEASURE_DIRECT, 60), input).verdict(), v1::VERDICT_MET);
}

TEST(IntroOutcomeTest, NothingKnownIsInsufficient) {
  EvaluationInput input = Input();
  Year(input).set_intro_finished(40);  // the count of those who went on is absent
  v1::CriterionResult r = Eval(Intro(v1::INTRO_MEASURE_DIRECT, 0), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("not known for 2016"));
  EXPECT_THAT(r.explanation(), HasSubstr(kVersionText));
  EXPECT_FALSE(Figure(r, kCode, kYear, "intro_to_work_or_education").has_value());
  EXPECT_FALSE(Figure(r, kCode, kYear, "intro_to_work_or_education_pct").has_value());
}

TEST(IntroOutcomeTest, OneYearAfterReadsTheFollowUp) {
  EvaluationInput input = Input();
  Year(input).set_intro_finished(10);
  Year(input).set_intro_to_work_or_education(10);  // direct: 100 %, not this measure
  Year(input).set_intro_followup_total(60);
  Year(input).set_intro_followup_work_or_education(33);  // 55 %
  v1::CriterionResult r = Eval(Intro(v1::INTRO_MEASURE_ONE_YEAR_AFTER, 60), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("55.0 %"));
  EXPECT_THAT(r.explanation(), HasSubstr("33 of 60"));
  EXPECT_THAT(r.explanation(), HasSubstr("one year after"));
  EXPECT_EQ(Figure(r, kCode, kYear, "intro_followup_total").value(), 60);

  EXPECT_EQ(Eval(Intro(v1::INTRO_MEASURE_ONE_YEAR_AFTER, 55), input).verdict(),
            v1::VERDICT_MET);
}

TEST(IntroOutcomeTest, OneYearAfterPublishedPercentAndAbsence) {
  EvaluationInput input = Input();
  Year(input).set_intro_finished(10);
  Year(input).set_intro_to_work_or_education(10);
  EXPECT_EQ(Eval(Intro(v1::INTRO_MEASURE_ONE_YEAR_AFTER, 0), input).verdict(),
            v1::VERDICT_INSUFFICIENT_DATA);

  Year(input).set_intro_followup_work_or_education_pct(61);
  v1::CriterionResult r = Eval(Intro(v1::INTRO_MEASURE_ONE_YEAR_AFTER, 60), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_EQ(Figure(r, kCode, kYear, "intro_followup_work_or_education_pct").value(), 61);
}

TEST(IntroOutcomeTest, StrictlyAboveAtExactlyTheThresholdIsNotMet) {
  EvaluationInput input = Input();
  Year(input).set_intro_finished(70);
  Year(input).set_intro_to_work_or_education(35);  // exactly 50 %
  v1::CriterionResult strict = Eval(Intro(v1::INTRO_MEASURE_DIRECT, 50, true), input);
  EXPECT_EQ(strict.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(strict.explanation(), HasSubstr("below > 50.0 %"));
  v1::CriterionResult at_or_above = Eval(Intro(v1::INTRO_MEASURE_DIRECT, 50, false), input);
  EXPECT_EQ(at_or_above.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(at_or_above.explanation(), HasSubstr("meets >= 50.0 %"));

  EvaluationInput published = Input();
  Year(published).set_intro_to_work_or_education_pct(50);
  EXPECT_EQ(Eval(Intro(v1::INTRO_MEASURE_DIRECT, 50, true), published).verdict(),
            v1::VERDICT_NOT_MET);
  EXPECT_EQ(Eval(Intro(v1::INTRO_MEASURE_DIRECT, 49.9, true), published).verdict(),
            v1::VERDICT_MET);
}

// --- assessed ---------------------------------------------------------------

TEST(AssessedTest, NotClaimedIsNotMet) {
  EvaluationInput input = Input();
  v1::CriterionResult r = Eval(Assessed("housing"), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("not claimed"));
  EXPECT_EQ(r.figures_size(), 0);

  Claim(input, "planning", "a claim of another criterion", v1::ASSESSMENT_STATE_PENDING);
  EXPECT_EQ(Eval(Assessed("housing"), input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(AssessedTest, ClaimWithoutJustificationIsNotMet) {
  EvaluationInput input = Input();
  Claim(input, "housing", "", v1::ASSESSMENT_STATE_PENDING);
  EXPECT_EQ(Eval(Assessed("housing"), input).verdict(), v1::VERDICT_NOT_MET);
}

TEST(AssessedTest, ClaimedPendingNeedsAssessment) {
  EvaluationInput input = Input();
  Claim(input, "housing", "Twelve new flats", v1::ASSESSMENT_STATE_PENDING);
  v1::CriterionResult r = Eval(Assessed("housing"), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  EXPECT_THAT(r.explanation(), HasSubstr("16 characters"));
  EXPECT_THAT(r.explanation(), HasSubstr("awaits the jury"));

  Claim(input, "housing", "Twelve new flats", v1::ASSESSMENT_STATE_UNSPECIFIED);
  EXPECT_EQ(Eval(Assessed("housing"), input).verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
}

TEST(AssessedTest, ConfirmedIsMet) {
  EvaluationInput input = Input();
  Claim(input, "housing", "Twelve new flats", v1::ASSESSMENT_STATE_CONFIRMED, "convincing");
  v1::CriterionResult r = Eval(Assessed("housing"), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("confirmed by the jury: convincing"));
}

TEST(AssessedTest, RejectedIsNotMet) {
  EvaluationInput input = Input();
  Claim(input, "housing", "Twelve new flats", v1::ASSESSMENT_STATE_REJECTED, "not new");
  v1::CriterionResult r = Eval(Assessed("housing"), input);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_THAT(r.explanation(), HasSubstr("rejected by the jury: not new"));
}

TEST(CriterionTest, NoKindIsInsufficient) {
  v1::Criterion c;
  c.set_name("empty");
  EXPECT_EQ(Eval(c, Input()).verdict(), v1::VERDICT_INSUFFICIENT_DATA);
}

// --- Combinators ------------------------------------------------------------

constexpr v1::Verdict kVerdicts[] = {v1::VERDICT_MET, v1::VERDICT_NOT_MET,
                                     v1::VERDICT_INSUFFICIENT_DATA,
                                     v1::VERDICT_NEEDS_ASSESSMENT};

// Criterion results with the given verdicts, named c0, c1, ...
std::map<std::string, v1::CriterionResult> Results(const std::vector<v1::Verdict>& verdicts) {
  std::map<std::string, v1::CriterionResult> results;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    v1::CriterionResult& r = results[absl::StrCat("c", i)];
    r.set_criterion(absl::StrCat("c", i));
    r.set_title(absl::StrCat("Criterion ", i));
    r.set_verdict(verdicts[i]);
    r.set_explanation(absl::StrCat("explanation ", i));
  }
  return results;
}

v1::Requirement Leaf(const std::string& name) {
  v1::Requirement r;
  r.set_criterion(name);
  return r;
}

v1::Requirement AllOf(const std::vector<v1::Requirement>& parts) {
  v1::Requirement r;
  for (const auto& p : parts) *r.mutable_all_of()->add_requirements() = p;
  return r;
}

v1::Requirement AnyOf(const std::vector<v1::Requirement>& parts) {
  v1::Requirement r;
  for (const auto& p : parts) *r.mutable_any_of()->add_requirements() = p;
  return r;
}

v1::Requirement AtLeast(int count, const std::vector<v1::Requirement>& parts) {
  v1::Requirement r;
  r.mutable_at_least()->set_count(count);
  for (const auto& p : parts) *r.mutable_at_least()->add_requirements() = p;
  return r;
}

std::vector<v1::Requirement> Leaves(size_t n) {
  std::vector<v1::Requirement> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(Leaf(absl::StrCat("c", i)));
  return leaves;
}

// Independent oracle: "at least k of" is met when k operands are met; needs
// assessment when k are met or awaiting the jury; insufficient when k could
// still be met given the missing data; not met otherwise. That is the k-th
// best verdict in the order NOT_MET < INSUFFICIENT_DATA < NEEDS_ASSESSMENT <
// MET. all_of is k = n, any_of is k = 1.
int Rank(v1::Verdict v) {
  switch (v) {
    case v1::VERDICT_MET: return 3;
    case v1::VERDICT_NEEDS_ASSESSMENT: return 2;
    case v1::VERDICT_INSUFFICIENT_DATA: return 1;
    default: return 0;
  }
}

v1::Verdict KthBest(std::vector<v1::Verdict> verdicts, size_t k) {
  std::sort(verdicts.begin(), verdicts.end(),
            [](v1::Verdict a, v1::Verdict b) { return Rank(a) > Rank(b); });
  return verdicts[k - 1];
}

// Every sequence of 1 to 3 verdicts.
std::vector<std::vector<v1::Verdict>> AllMixes() {
  std::vector<std::vector<v1::Verdict>> mixes = {{}};
  std::vector<std::vector<v1::Verdict>> out;
  for (int n = 1; n <= 3; ++n) {
    std::vector<std::vector<v1::Verdict>> longer;
    for (const auto& mix : mixes) {
      for (v1::Verdict v : kVerdicts) {
        auto next = mix;
        next.push_back(v);
        longer.push_back(next);
      }
    }
    mixes = longer;
    out.insert(out.end(), mixes.begin(), mixes.end());
  }
  return out;
}

std::string Describe(const std::vector<v1::Verdict>& verdicts) {
  std::string out;
  for (v1::Verdict v : verdicts) absl::StrAppend(&out, VerdictText(v), "; ");
  return out;
}

TEST(CombineTest, AllOfEveryMix) {
  for (const auto& mix : AllMixes()) {
    v1::RequirementResult r = Combine(AllOf(Leaves(mix.size())), Results(mix));
    EXPECT_EQ(r.verdict(), KthBest(mix, mix.size())) << Describe(mix);
    ASSERT_EQ(r.parts_size(), static_cast<int>(mix.size()));
    for (size_t i = 0; i < mix.size(); ++i) EXPECT_EQ(r.parts(i).verdict(), mix[i]);
  }
}

TEST(CombineTest, AnyOfEveryMix) {
  for (const auto& mix : AllMixes()) {
    v1::RequirementResult r = Combine(AnyOf(Leaves(mix.size())), Results(mix));
    EXPECT_EQ(r.verdict(), KthBest(mix, 1)) << Describe(mix);
  }
}

TEST(CombineTest, AtLeastEveryMixAndCount) {
  for (const auto& mix : AllMixes()) {
    for (size_t k = 1; k <= mix.size(); ++k) {
      v1::RequirementResult r =
          Combine(AtLeast(static_cast<int>(k), Leaves(mix.size())), Results(mix));
      EXPECT_EQ(r.verdict(), KthBest(mix, k)) << "at least " << k << " of " << Describe(mix);
    }
  }
}

TEST(CombineTest, HandPickedMixes) {
  using V = std::vector<v1::Verdict>;
  const auto met = v1::VERDICT_MET, not_met = v1::VERDICT_NOT_MET,
             insufficient = v1::VERDICT_INSUFFICIENT_DATA,
             assess = v1::VERDICT_NEEDS_ASSESSMENT;
  auto all_of = [](const V& v) { return Combine(AllOf(Leaves(v.size())), Results(v)).verdict(); };
  auto any_of = [](const V& v) { return Combine(AnyOf(Leaves(v.size())), Results(v)).verdict(); };
  auto at_least = [](int k, const V& v) {
    return Combine(AtLeast(k, Leaves(v.size())), Results(v)).verdict();
  };
  EXPECT_EQ(all_of({met, met}), met);
  EXPECT_EQ(all_of({met, assess}), assess);
  EXPECT_EQ(all_of({met, insufficient}), insufficient);
  EXPECT_EQ(all_of({assess, insufficient}), insufficient);
  EXPECT_EQ(all_of({met, not_met}), not_met);
  EXPECT_EQ(all_of({insufficient, not_met}), not_met);  // a known failure wins
  EXPECT_EQ(any_of({not_met, met}), met);
  EXPECT_EQ(any_of({not_met, assess}), assess);
  EXPECT_EQ(any_of({insufficient, assess}), assess);
  EXPECT_EQ(any_of({not_met, insufficient}), insufficient);
  EXPECT_EQ(any_of({not_met, not_met}), not_met);
  EXPECT_EQ(at_least(2, {met, not_met, met}), met);
  EXPECT_EQ(at_least(2, {met, not_met, assess}), assess);
  EXPECT_EQ(at_least(2, {met, not_met, insufficient}), insufficient);
  EXPECT_EQ(at_least(2, {met, not_met, not_met}), not_met);
  EXPECT_EQ(at_least(3, {met, met, assess}), assess);
}

TEST(CombineTest, ExplanationCountsTheOperands) {
  v1::RequirementResult r =
      Combine(AtLeast(2, Leaves(4)), Results({v1::VERDICT_MET, v1::VERDICT_NEEDS_ASSESSMENT,
                                              v1::VERDICT_INSUFFICIENT_DATA,
                                              v1::VERDICT_NOT_MET}));
  EXPECT_EQ(r.verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  EXPECT_THAT(r.explanation(), HasSubstr("at least 2 of"));
  EXPECT_THAT(r.explanation(), HasSubstr("met 1, needs assessment 1, insufficient data 1, "
                                         "not met 1"));
  EXPECT_EQ(r.label(), "at least 2 of (Criterion 0, Criterion 1, Criterion 2, Criterion 3)");
}

TEST(CombineTest, LeafCarriesTheCriterionAndItsExplanation) {
  v1::RequirementResult r = Combine(Leaf("c0"), Results({v1::VERDICT_NOT_MET}));
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_EQ(r.label(), "Criterion 0");
  EXPECT_THAT(r.explanation(), HasSubstr("c0: not met: explanation 0"));

  v1::Requirement labelled = Leaf("c0");
  labelled.set_label("1");
  EXPECT_EQ(Combine(labelled, Results({v1::VERDICT_MET})).label(), "1");
}

TEST(CombineTest, UnknownCriterionIsInsufficient) {
  v1::RequirementResult r = Combine(Leaf("nowhere"), Results({v1::VERDICT_MET}));
  EXPECT_EQ(r.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_THAT(r.explanation(), HasSubstr("unknown criterion nowhere"));
}

TEST(CombineTest, NestedTrees) {
  // all_of[any_of[c0 NOT_MET, c1 MET], at_least 2 of [c2 MET, c3 NEEDS_ASSESSMENT, c4 NOT_MET]]
  //   = all_of[MET, NEEDS_ASSESSMENT] = NEEDS_ASSESSMENT
  const auto results = Results({v1::VERDICT_NOT_MET, v1::VERDICT_MET, v1::VERDICT_MET,
                                v1::VERDICT_NEEDS_ASSESSMENT, v1::VERDICT_NOT_MET});
  v1::Requirement tree = AllOf({AnyOf({Leaf("c0"), Leaf("c1")}),
                                AtLeast(2, {Leaf("c2"), Leaf("c3"), Leaf("c4")})});
  tree.set_label("the rule");
  v1::RequirementResult r = Combine(tree, results);
  EXPECT_EQ(r.label(), "the rule");
  EXPECT_EQ(r.verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  ASSERT_EQ(r.parts_size(), 2);
  EXPECT_EQ(r.parts(0).verdict(), v1::VERDICT_MET);
  EXPECT_EQ(r.parts(1).verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  ASSERT_EQ(r.parts(1).parts_size(), 3);
  EXPECT_EQ(r.parts(1).parts(2).verdict(), v1::VERDICT_NOT_MET);

  // any_of[all_of[c0 NOT_MET, c1 MET], any_of[c4 NOT_MET, all_of[c2 MET, c3 NA]]] = NA
  v1::Requirement other = AnyOf({AllOf({Leaf("c0"), Leaf("c1")}),
                                 AnyOf({Leaf("c4"), AllOf({Leaf("c2"), Leaf("c3")})})});
  EXPECT_EQ(Combine(other, results).verdict(), v1::VERDICT_NEEDS_ASSESSMENT);

  // Three levels, a failure deep down decides.
  v1::Requirement deep =
      AllOf({Leaf("c1"), AllOf({Leaf("c2"), AnyOf({Leaf("c0"), Leaf("c4")})})});
  EXPECT_EQ(Combine(deep, results).verdict(), v1::VERDICT_NOT_MET);
}

TEST(VerdictTest, EligibleIsMetOrNeedsAssessment) {
  EXPECT_TRUE(IsEligible(v1::VERDICT_MET));
  EXPECT_TRUE(IsEligible(v1::VERDICT_NEEDS_ASSESSMENT));
  EXPECT_FALSE(IsEligible(v1::VERDICT_NOT_MET));
  EXPECT_FALSE(IsEligible(v1::VERDICT_INSUFFICIENT_DATA));
  EXPECT_FALSE(IsEligible(v1::VERDICT_UNSPECIFIED));
}

// --- Whole configurations ---------------------------------------------------

// The 2016 criteria: (1 or housing) and (intro or planning).
v1::CycleConfig Config(const std::string& requirement) {
  v1::CycleConfig config = Parse<v1::CycleConfig>(R"pb(
    title: "Bosettingsprisen"
    award_year: 2017
    figures_year: 2016
    criteria {
      name: "settled"
      title: "Settled as requested"
      settled_vs_requested { threshold { percent: 90 } }
    }
    criteria {
      name: "minors"
      title: "Unaccompanied minors"
      minors_settled { min_settled: 5 }
    }
    criteria {
      name: "housing"
      title: "Creative housing"
      assessed { guidance: "creative housing solutions" }
    }
    criteria {
      name: "intro"
      title: "Introduction programme"
      intro_outcome {
        measure: INTRO_MEASURE_DIRECT
        threshold { percent: 55 }
      }
    }
    criteria {
      name: "planning"
      title: "Anchored planning"
      assessed { guidance: "plans anchored in the municipality" }
    }
  )pb");
  *config.mutable_requirement() = Parse<v1::Requirement>(requirement);
  return config;
}

constexpr char k2016Requirement[] = R"pb(
  all_of {
    requirements {
      label: "settlement"
      any_of {
        requirements { criterion: "settled" }
        requirements { criterion: "housing" }
      }
    }
    requirements {
      label: "integration"
      any_of {
        requirements { criterion: "intro" }
        requirements { criterion: "planning" }
      }
    }
  }
)pb";

constexpr char k2015Requirement[] = R"pb(
  any_of {
    requirements { criterion: "settled" }
    requirements { criterion: "minors" }
    requirements { criterion: "intro" }
  }
)pb";

TEST(EvaluateTest, Shape2016InsufficientFigureButClaimedHousingNeedsAssessment) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(40);  // requested absent: insufficient
  Year(input).set_intro_finished(20);
  Year(input).set_intro_to_work_or_education(12);  // 60 % >= 55 %
  Claim(input, "housing", "Municipal flats bought for refugees", v1::ASSESSMENT_STATE_PENDING);

  v1::Evaluation e = Evaluate(Config(k2016Requirement), input);
  EXPECT_EQ(e.municipality_code(), kCode);
  EXPECT_EQ(e.municipality_name(), "Bergen");
  EXPECT_EQ(e.imdi_region(), stats::v1::IMDI_REGION_VEST);
  EXPECT_EQ(e.figures_year(), 2016);
  EXPECT_EQ(e.data_version(), kVersion);
  ASSERT_EQ(e.criteria_size(), 5);
  EXPECT_EQ(e.criteria(0).criterion(), "settled");
  EXPECT_EQ(e.criteria(0).verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_EQ(e.criteria(2).verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  EXPECT_EQ(e.criteria(3).verdict(), v1::VERDICT_MET);
  EXPECT_EQ(e.criteria(4).verdict(), v1::VERDICT_NOT_MET);
  ASSERT_EQ(e.requirement().parts_size(), 2);
  EXPECT_EQ(e.requirement().parts(0).label(), "settlement");
  EXPECT_EQ(e.requirement().parts(0).verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  EXPECT_EQ(e.requirement().parts(1).verdict(), v1::VERDICT_MET);
  EXPECT_EQ(e.verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  EXPECT_TRUE(e.eligible());

  // Once the jury confirms the housing claim, the whole is met.
  Claim(input, "housing", "Municipal flats bought for refugees", v1::ASSESSMENT_STATE_CONFIRMED);
  EXPECT_EQ(Evaluate(Config(k2016Requirement), input).verdict(), v1::VERDICT_MET);
  // Rejected, the insufficient figure is all that is left.
  Claim(input, "housing", "Municipal flats bought for refugees", v1::ASSESSMENT_STATE_REJECTED);
  v1::Evaluation rejected = Evaluate(Config(k2016Requirement), input);
  EXPECT_EQ(rejected.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_FALSE(rejected.eligible());
}

TEST(EvaluateTest, Shape2015MetViaIntroWhere2016IsNotMet) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 20, 40);  // 50 %: not met
  Year(input).set_minors_settled(1);  // < 5: not met
  Year(input).set_intro_finished(20);
  Year(input).set_intro_to_work_or_education(15);  // 75 %: met
  // Nothing claimed.

  v1::Evaluation e2015 = Evaluate(Config(k2015Requirement), input);
  EXPECT_EQ(e2015.verdict(), v1::VERDICT_MET);
  EXPECT_TRUE(e2015.eligible());
  ASSERT_EQ(e2015.requirement().parts_size(), 3);
  EXPECT_EQ(e2015.requirement().parts(0).verdict(), v1::VERDICT_NOT_MET);
  EXPECT_EQ(e2015.requirement().parts(1).verdict(), v1::VERDICT_NOT_MET);
  EXPECT_EQ(e2015.requirement().parts(2).verdict(), v1::VERDICT_MET);
  EXPECT_EQ(e2015.requirement().parts(2).label(), "Introduction programme");

  v1::Evaluation e2016 = Evaluate(Config(k2016Requirement), input);
  EXPECT_EQ(e2016.verdict(), v1::VERDICT_NOT_MET);
  EXPECT_FALSE(e2016.eligible());
  EXPECT_EQ(e2016.requirement().parts(0).verdict(), v1::VERDICT_NOT_MET);
  EXPECT_EQ(e2016.requirement().parts(1).verdict(), v1::VERDICT_MET);
}

TEST(EvaluateTest, EveryCriterionExplanationNamesTheDataVersion) {
  EvaluationInput input = Input();
  SetSettled(input, kYear, 20, 40);
  Year(input).set_minors_settled(1);
  v1::Evaluation e = Evaluate(Config(k2015Requirement), input);
  for (const v1::CriterionResult& r : e.criteria()) {
    if (r.criterion() == "housing" || r.criterion() == "planning") continue;  // no figures
    EXPECT_THAT(r.explanation(), HasSubstr(kVersionText)) << r.criterion();
    for (const v1::FigureUsed& used : r.figures()) EXPECT_EQ(used.data_version(), kVersion);
  }
}

TEST(ApplyAssessmentsTest, ReevaluatesOnlyAssessedCriteria) {
  EvaluationInput input = Input();
  Year(input).set_refugees_settled(40);  // requested absent: insufficient
  Year(input).set_intro_finished(20);
  Year(input).set_intro_to_work_or_education(12);  // 60 %: met
  Claim(input, "housing", "Municipal flats bought for refugees", v1::ASSESSMENT_STATE_PENDING);
  const v1::CycleConfig config = Config(k2016Requirement);
  v1::Evaluation e = Evaluate(config, input);
  ASSERT_EQ(e.verdict(), v1::VERDICT_NEEDS_ASSESSMENT);
  const v1::CriterionResult settled_before = e.criteria(0);

  std::map<std::string, v1::AssessmentClaim> claims = input.claims;
  claims["housing"].set_state(v1::ASSESSMENT_STATE_CONFIRMED);
  ApplyAssessments(config, claims, e);
  EXPECT_EQ(e.criteria(2).verdict(), v1::VERDICT_MET);
  EXPECT_EQ(e.verdict(), v1::VERDICT_MET);
  EXPECT_TRUE(e.eligible());
  // The figure criteria keep their results (read at data version 42).
  EXPECT_EQ(e.criteria(0).SerializeAsString(), settled_before.SerializeAsString());
  EXPECT_THAT(e.criteria(3).explanation(), HasSubstr(kVersionText));
  EXPECT_EQ(e.data_version(), kVersion);

  claims["housing"].set_state(v1::ASSESSMENT_STATE_REJECTED);
  ApplyAssessments(config, claims, e);
  EXPECT_EQ(e.criteria(2).verdict(), v1::VERDICT_NOT_MET);
  EXPECT_EQ(e.verdict(), v1::VERDICT_INSUFFICIENT_DATA);
  EXPECT_FALSE(e.eligible());
}

TEST(YearsReadTest, ReachesBackOverTheLongestSpan) {
  v1::CycleConfig config = Config(k2015Requirement);
  EXPECT_EQ(YearsRead(config), std::make_pair(2016, 2016));
  config.mutable_criteria(0)->mutable_settled_vs_requested()->set_span_years(3);
  EXPECT_EQ(YearsRead(config), std::make_pair(2014, 2016));
  *config.add_criteria() = PerThousand(100);
  config.mutable_criteria(5)->mutable_settled_per_thousand()->set_span_years(5);
  EXPECT_EQ(YearsRead(config), std::make_pair(2012, 2016));
}

TEST(NeedsTest, ComparablesAndRegionTotals) {
  v1::CycleConfig config = Config(k2015Requirement);
  EXPECT_FALSE(NeedsComparables(config));
  EXPECT_FALSE(NeedsRegionTotals(config));
  *config.add_criteria() = PerThousand(100);
  EXPECT_TRUE(NeedsComparables(config));
  EXPECT_FALSE(NeedsRegionTotals(config));
  *config.add_criteria() = RegionShare(5);
  EXPECT_TRUE(NeedsRegionTotals(config));
}

}  // namespace
}  // namespace imdi::award
