// Tests of stats-service/domain/validation.h: codes, years, figure values and
// municipalities, each error naming the field at fault.
#include "stats-service/domain/validation.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::stats {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// The field paths of `violations`, in order.
std::vector<std::string> Paths(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> out;
  for (const FieldViolation& v : violations) out.push_back(v.field);
  return out;
}

// The single field an INVALID_ARGUMENT error names.
void ExpectInvalidField(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(Paths(FieldViolations(status)), ElementsAre(field)) << status;
}

// --- Codes and years ---

TEST(ParseMunicipalityCodeTest, AcceptsFourDigitsKeepingLeadingZeros) {
  absl::StatusOr<int> code = ParseMunicipalityCode("0906", "code");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 906);
  absl::StatusOr<int> trondheim = ParseMunicipalityCode("5001", "code");
  ASSERT_TRUE(trondheim.ok()) << trondheim.status();
  EXPECT_EQ(*trondheim, 5001);
  absl::StatusOr<int> oslo = ParseMunicipalityCode("0301", "code");
  ASSERT_TRUE(oslo.ok()) << oslo.status();
  EXPECT_EQ(*oslo, 301);
}

TEST(ParseMunicipalityCodeTest, RejectsAnythingButFourDigitsNamingTheField) {
  for (const char* bad : {"906", "09a6", "", "09066", " 906", "-906", "9 06", "+906"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<int> code = ParseMunicipalityCode(bad, "keys[2].municipality_code");
    ASSERT_FALSE(code.ok());
    ExpectInvalidField(code.status(), "keys[2].municipality_code");
  }
}

TEST(ParseCountyCodeTest, AcceptsTwoDigits) {
  absl::StatusOr<int> county = ParseCountyCode("09", "county_code");
  ASSERT_TRUE(county.ok()) << county.status();
  EXPECT_EQ(*county, 9);
  absl::StatusOr<int> trondelag = ParseCountyCode("50", "county_code");
  ASSERT_TRUE(trondelag.ok()) << trondelag.status();
  EXPECT_EQ(*trondelag, 50);
}

TEST(ParseCountyCodeTest, RejectsAnythingButTwoDigitsNamingTheField) {
  for (const char* bad : {"9", "009", "", "0a", "5 "}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<int> county = ParseCountyCode(bad, "county_code");
    ASSERT_FALSE(county.ok());
    ExpectInvalidField(county.status(), "county_code");
  }
}

TEST(ValidateYearTest, AcceptsTheBoundsAndRejectsBeyond) {
  EXPECT_TRUE(ValidateYear(kMinYear, "year").ok());
  EXPECT_TRUE(ValidateYear(2016, "year").ok());
  EXPECT_TRUE(ValidateYear(kMaxYear, "year").ok());
  ExpectInvalidField(ValidateYear(kMinYear - 1, "figures.year"), "figures.year");
  ExpectInvalidField(ValidateYear(kMaxYear + 1, "year"), "year");
  ExpectInvalidField(ValidateYear(0, "year"), "year");
  ExpectInvalidField(ValidateYear(-2016, "year"), "year");
}

TEST(FieldPathTest, JoinsWithADotOnlyWhenThereIsAPrefix) {
  EXPECT_EQ(FieldPath("", "population"), "population");
  EXPECT_EQ(FieldPath("figures", "population"), "figures.population");
}

// --- Figure values ---

// Plausible figures of a mid-sized municipality, every part within its whole.
FigureValues Plausible() {
  FigureValues v;
  v[Count::kPopulation] = 40'000;
  v[Count::kRefugeesRequested] = 60;
  v[Count::kRefugeesDecided] = 50;
  v[Count::kRefugeesSettled] = 45;
  v[Count::kMinorsRequested] = 6;
  v[Count::kMinorsDecided] = 5;
  v[Count::kMinorsSettled] = 5;
  v[Count::kFamilyReunified] = 10;
  v[Count::kIntroFinished] = 30;
  v[Count::kIntroToWorkOrEducation] = 18;
  v[Count::kIntroFollowupTotal] = 25;
  v[Count::kIntroFollowupWorkOrEducation] = 20;
  v[Percent::kIntroToWorkOrEducation] = 60.0;
  v[Percent::kIntroFollowupWorkOrEducation] = 80.0;
  return v;
}

TEST(CheckFigureValuesTest, PlausibleAndEmptyFiguresPass) {
  EXPECT_THAT(CheckFigureValues(Plausible(), /*is_municipality=*/true, "figures"),
              IsEmpty());
  EXPECT_THAT(CheckFigureValues(FigureValues{}, true, "figures"), IsEmpty());
  FigureValues zeros;
  for (auto& c : zeros.counts) c = 0;
  for (auto& p : zeros.percents) p = 0.0;
  EXPECT_THAT(CheckFigureValues(zeros, true, "figures"), IsEmpty());
}

TEST(CheckFigureValuesTest, NegativeCountsAreRejectedEachByName) {
  FigureValues v;
  v[Count::kRefugeesRequested] = -1;
  v[Count::kFamilyReunified] = -5;
  v[Count::kPopulation] = 1000;
  EXPECT_THAT(Paths(CheckFigureValues(v, true, "figures")),
              UnorderedElementsAre("figures.refugees_requested",
                                   "figures.family_reunified"));
}

TEST(CheckFigureValuesTest, EveryNegativeCountIsCaught) {
  for (int i = 0; i < kNumCounts; ++i) {
    SCOPED_TRACE(kCountNames[i]);
    FigureValues v;
    v.counts[i] = -1;
    EXPECT_THAT(Paths(CheckFigureValues(v, true, "")),
                ElementsAre(std::string(kCountNames[i])));
  }
}

TEST(CheckFigureValuesTest, ImplausibleMunicipalityCountsAreRejected) {
  FigureValues at_bounds;
  at_bounds[Count::kPopulation] = kMaxPopulation;
  at_bounds[Count::kRefugeesRequested] = kMaxRefugeesPerMunicipality;
  EXPECT_THAT(CheckFigureValues(at_bounds, true, "figures"), IsEmpty());

  FigureValues over;
  over[Count::kPopulation] = kMaxPopulation + 1;
  over[Count::kRefugeesRequested] = kMaxRefugeesPerMunicipality + 1;
  EXPECT_THAT(Paths(CheckFigureValues(over, true, "figures")),
              UnorderedElementsAre("figures.population", "figures.refugees_requested"));
}

TEST(CheckFigureValuesTest, AreasHaveLargerBounds) {
  FigureValues v;
  v[Count::kPopulation] = kMaxPopulation + 1;  // fine for a county
  v[Count::kRefugeesRequested] = kMaxRefugeesPerMunicipality + 1;
  EXPECT_THAT(CheckFigureValues(v, /*is_municipality=*/false, "figures"), IsEmpty());
  // The same population is implausible for one municipality.
  EXPECT_THAT(Paths(CheckFigureValues(v, /*is_municipality=*/true, "figures")),
              UnorderedElementsAre("figures.population", "figures.refugees_requested"));

  FigureValues over;
  over[Count::kRefugeesSettled] = kMaxRefugeesPerArea + 1;
  EXPECT_THAT(Paths(CheckFigureValues(over, false, "")), ElementsAre("refugees_settled"));
}

TEST(CheckFigureValuesTest, PercentsMustLieWithinZeroAndHundred) {
  FigureValues edges;
  edges[Percent::kIntroToWorkOrEducation] = 0.0;
  edges[Percent::kIntroFollowupWorkOrEducation] = 100.0;
  EXPECT_THAT(CheckFigureValues(edges, true, ""), IsEmpty());

  FigureValues over;
  over[Percent::kIntroToWorkOrEducation] = 100.5;
  over[Percent::kIntroFollowupWorkOrEducation] = -0.1;
  EXPECT_THAT(Paths(CheckFigureValues(over, true, "figures")),
              UnorderedElementsAre("figures.intro_to_work_or_education_pct",
                                   "figures.intro_followup_work_or_education_pct"));
}

TEST(CheckFigureValuesTest, NanAndInfinityAreNotPercents) {
  FigureValues nan;
  nan[Percent::kIntroToWorkOrEducation] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(Paths(CheckFigureValues(nan, true, "figures")),
              ElementsAre("figures.intro_to_work_or_education_pct"));
  FigureValues inf;
  inf[Percent::kIntroFollowupWorkOrEducation] = std::numeric_limits<double>::infinity();
  EXPECT_THAT(Paths(CheckFigureValues(inf, true, "figures")),
              ElementsAre("figures.intro_followup_work_or_education_pct"));
}

TEST(CheckFigureValuesTest, MinorsSettledMayNotExceedRefugeesSettled) {
  FigureValues v = Plausible();
  v[Count::kMinorsSettled] = 46;  // refugees_settled is 45
  EXPECT_THAT(Paths(CheckFigureValues(v, true, "figures")),
              ElementsAre("figures.minors_settled"));
  v[Count::kMinorsSettled] = 45;  // equal is fine
  EXPECT_THAT(CheckFigureValues(v, true, "figures"), IsEmpty());
}

TEST(CheckFigureValuesTest, IntroOutcomeMayNotExceedIntroFinished) {
  FigureValues v = Plausible();
  v[Count::kIntroToWorkOrEducation] = 31;  // intro_finished is 30
  EXPECT_THAT(Paths(CheckFigureValues(v, true, "figures")),
              ElementsAre("figures.intro_to_work_or_education"));
}

TEST(CheckFigureValuesTest, OtherPartsMayNotExceedTheirWholes) {
  FigureValues requested;
  requested[Count::kMinorsRequested] = 7;
  requested[Count::kRefugeesRequested] = 6;
  EXPECT_THAT(Paths(CheckFigureValues(requested, true, "")),
              ElementsAre("minors_requested"));
  FigureValues decided;
  decided[Count::kMinorsDecided] = 7;
  decided[Count::kRefugeesDecided] = 6;
  EXPECT_THAT(Paths(CheckFigureValues(decided, true, "")), ElementsAre("minors_decided"));
  FigureValues followup;
  followup[Count::kIntroFollowupWorkOrEducation] = 7;
  followup[Count::kIntroFollowupTotal] = 6;
  EXPECT_THAT(Paths(CheckFigureValues(followup, true, "")),
              ElementsAre("intro_followup_work_or_education"));
}

TEST(CheckFigureValuesTest, PartWithoutItsWholeIsNotCompared) {
  FigureValues v;
  v[Count::kMinorsSettled] = 10;  // refugees_settled unknown, not 0
  EXPECT_THAT(CheckFigureValues(v, true, ""), IsEmpty());
}

TEST(CheckFigureValuesTest, SettledAbovePopulationOnlyForMunicipalities) {
  FigureValues v;
  v[Count::kPopulation] = 100;
  v[Count::kRefugeesSettled] = 101;
  EXPECT_THAT(Paths(CheckFigureValues(v, /*is_municipality=*/true, "figures")),
              ElementsAre("figures.refugees_settled"));
  // Published totals of an area may mix sources; the check is not made.
  EXPECT_THAT(CheckFigureValues(v, /*is_municipality=*/false, "figures"), IsEmpty());
}

TEST(CheckFigureValuesTest, ViolationsDescribeTheProblem) {
  FigureValues v;
  v[Count::kRefugeesSettled] = -3;
  std::vector<FieldViolation> violations = CheckFigureValues(v, true, "");
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].description, ::testing::HasSubstr("-3"));
}

// --- Municipalities ---

CodePeriod Period(int code, const std::string& name, std::optional<int> from,
                  std::optional<int> to) {
  return CodePeriod{code, name, from, to};
}

// Trondheim: 1601 until 2017, 5001 since 2018.
Municipality Trondheim() {
  Municipality m;
  m.code = 5001;
  m.name = "Trondheim";
  m.region = ImdiRegion::kMidtNorge;
  m.codes = {Period(1601, "Trondheim", std::nullopt, 2017),
             Period(5001, "Trondheim", 2018, std::nullopt)};
  return m;
}

TEST(CheckMunicipalityTest, AValidMunicipalityPasses) {
  EXPECT_THAT(CheckMunicipality(Trondheim(), "municipality"), IsEmpty());
}

TEST(CheckMunicipalityTest, MissingNameIsNamed) {
  Municipality m = Trondheim();
  m.name.clear();
  EXPECT_THAT(Paths(CheckMunicipality(m, "municipality")),
              ElementsAre("municipality.name"));
}

TEST(CheckMunicipalityTest, NoCodesIsNamed) {
  Municipality m = Trondheim();
  m.codes.clear();
  EXPECT_THAT(Paths(CheckMunicipality(m, "")), ElementsAre("code_history"));
}

TEST(CheckMunicipalityTest, LastCodeMustBeTheIdentity) {
  Municipality m = Trondheim();
  m.code = 1601;  // identity must be the latest code, 5001
  EXPECT_THAT(Paths(CheckMunicipality(m, "municipality")),
              Contains("municipality.code_history"));
}

TEST(CheckMunicipalityTest, OverlappingPeriodsAreRejected) {
  Municipality m = Trondheim();
  m.codes[1].valid_from = 2017;  // 1601 is valid until 2017
  EXPECT_THAT(Paths(CheckMunicipality(m, "municipality")),
              ElementsAre("municipality.code_history[0]"));
}

TEST(CheckMunicipalityTest, CodesOutOfOrderAreRejected) {
  Municipality m = Trondheim();
  m.code = 1601;
  m.codes = {Period(5001, "Trondheim", 2018, 2019),
             Period(1601, "Trondheim", 1990, 2017)};
  EXPECT_THAT(Paths(CheckMunicipality(m, "")), ElementsAre("code_history[0]"));
}

// A later code without a first year is open towards the past, so it
// overlaps every earlier code (CodeIn would be ambiguous).
TEST(CheckMunicipalityTest, LaterCodeWithoutValidFromOverlapsTheEarlierOne) {
  Municipality m = Trondheim();
  m.codes[1].valid_from.reset();
  EXPECT_THAT(CheckMunicipality(m, "municipality"), Not(IsEmpty()));
}

TEST(CheckMunicipalityTest, EveryCodeButTheLastNeedsValidTo) {
  Municipality m = Trondheim();
  m.codes[0].valid_to.reset();
  EXPECT_THAT(Paths(CheckMunicipality(m, "municipality")),
              ElementsAre("municipality.code_history[0].valid_to_year"));
}

TEST(CheckMunicipalityTest, PeriodEndingBeforeItStartsIsRejected) {
  Municipality m = Trondheim();
  m.codes[1].valid_to = 2010;  // valid_from 2018
  EXPECT_THAT(Paths(CheckMunicipality(m, "")), Contains("code_history[1]"));
}

TEST(CheckMunicipalityTest, ImplausibleYearsAreNamed) {
  Municipality m = Trondheim();
  m.codes[1].valid_from = 20180;
  EXPECT_THAT(Paths(CheckMunicipality(m, "")),
              Contains("code_history[1].valid_from_year"));
}

TEST(CheckMunicipalityTest, AMunicipalityCannotSucceedItself) {
  Municipality m = Trondheim();
  m.successor = 5001;
  EXPECT_THAT(Paths(CheckMunicipality(m, "m")), ElementsAre("m.successor"));
}

}  // namespace
}  // namespace imdi::stats
