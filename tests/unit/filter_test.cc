// Tests of the AIP-160 filter subset in stats-service/domain/filter.h.
#include "stats-service/domain/filter.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

// The fields ListFigures accepts.
const std::vector<absl::string_view> kAll = {"year", "county_code", "imdi_region",
                                             "municipality_code"};

RecordFilter Parse(absl::string_view text,
                   const std::vector<absl::string_view>& allowed = kAll) {
  absl::StatusOr<RecordFilter> filter = ParseFilter(text, allowed);
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status();
  return filter.ok() ? *filter : RecordFilter{};
}

// Expects `text` to fail as INVALID_ARGUMENT on "filter" (INVALID_FILTER)
// and returns the message for further checks.
std::string ExpectFilterError(absl::string_view text,
                              const std::vector<absl::string_view>& allowed = kAll) {
  absl::StatusOr<RecordFilter> filter = ParseFilter(text, allowed);
  EXPECT_FALSE(filter.ok()) << text << " parsed";
  if (filter.ok()) return "";
  const absl::Status& status = filter.status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
  EXPECT_EQ(ErrorReason(status), "INVALID_FILTER") << text;
  std::vector<FieldViolation> violations = FieldViolations(status);
  EXPECT_EQ(violations.size(), 1u) << text;
  if (!violations.empty()) {
    EXPECT_EQ(violations[0].field, "filter") << text;
  }
  return std::string(status.message());
}

TEST(FilterTest, EmptyFilterMatchesEverything) {
  RecordFilter f = Parse("");
  EXPECT_EQ(f.year_min, kMinYear);
  EXPECT_EQ(f.year_max, kMaxYear);
  EXPECT_FALSE(f.county.has_value());
  EXPECT_FALSE(f.region.has_value());
  EXPECT_FALSE(f.municipality_code.has_value());
  EXPECT_FALSE(f.contradictory);
  EXPECT_EQ(Parse("   ").canonical, f.canonical);
}

TEST(FilterTest, YearEquals) {
  RecordFilter f = Parse("year = 2016");
  EXPECT_EQ(f.year_min, 2016);
  EXPECT_EQ(f.year_max, 2016);
  EXPECT_TRUE(f.YearInRange(2016));
  EXPECT_FALSE(f.YearInRange(2015));
  EXPECT_FALSE(f.YearInRange(2017));
}

TEST(FilterTest, YearComparisons) {
  RecordFilter ge = Parse("year >= 2012");
  EXPECT_EQ(ge.year_min, 2012);
  EXPECT_EQ(ge.year_max, kMaxYear);
  RecordFilter gt = Parse("year > 2012");
  EXPECT_EQ(gt.year_min, 2013);
  RecordFilter le = Parse("year <= 2014");
  EXPECT_EQ(le.year_min, kMinYear);
  EXPECT_EQ(le.year_max, 2014);
  RecordFilter lt = Parse("year < 2014");
  EXPECT_EQ(lt.year_max, 2013);
}

TEST(FilterTest, YearRangeJoinedWithAnd) {
  RecordFilter f = Parse("year >= 2012 AND year <= 2014");
  EXPECT_EQ(f.year_min, 2012);
  EXPECT_EQ(f.year_max, 2014);
  EXPECT_FALSE(f.contradictory);
  // The tighter bound wins.
  RecordFilter tighter = Parse("year >= 2012 AND year > 2013 AND year <= 2020 AND year < 2016");
  EXPECT_EQ(tighter.year_min, 2014);
  EXPECT_EQ(tighter.year_max, 2015);
}

TEST(FilterTest, OperatorsNeedNoSpaces) {
  RecordFilter f = Parse("year>=2012 AND county_code=\"09\"");
  EXPECT_EQ(f.year_min, 2012);
  EXPECT_THAT(f.county, Optional(9));
}

TEST(FilterTest, CountyCodeQuotedOrBare) {
  EXPECT_THAT(Parse("county_code = \"09\"").county, Optional(9));
  EXPECT_THAT(Parse("county_code = '09'").county, Optional(9));
  EXPECT_THAT(Parse("county_code = 09").county, Optional(9));
  EXPECT_THAT(Parse("county_code = 50").county, Optional(50));
}

TEST(FilterTest, MunicipalityCodeKeepsLeadingZeros) {
  EXPECT_THAT(Parse("municipality_code = \"0906\"").municipality_code, Optional(906));
  EXPECT_THAT(Parse("municipality_code = 0906").municipality_code, Optional(906));
  EXPECT_THAT(Parse("municipality_code = \"1601\"").municipality_code, Optional(1601));
}

TEST(FilterTest, RegionInEveryAcceptedSpelling) {
  for (const char* text :
       {"imdi_region = MIDT_NORGE", "imdi_region = IMDI_REGION_MIDT_NORGE",
        "imdi_region = \"IMDi Midt-Norge\"", "imdi_region = \"MIDT_NORGE\"",
        "imdi_region = 'Midt-Norge'"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(Parse(text).region, Optional(ImdiRegion::kMidtNorge));
  }
  EXPECT_THAT(Parse("imdi_region = INDRE_OST").region, Optional(ImdiRegion::kIndreOst));
  EXPECT_THAT(Parse("imdi_region = NORD").region, Optional(ImdiRegion::kNord));
}

TEST(FilterTest, AllFieldsTogether) {
  RecordFilter f = Parse(
      "year >= 2012 AND year <= 2014 AND county_code = \"50\" AND "
      "imdi_region = MIDT_NORGE AND municipality_code = \"5001\"");
  EXPECT_EQ(f.year_min, 2012);
  EXPECT_EQ(f.year_max, 2014);
  EXPECT_THAT(f.county, Optional(50));
  EXPECT_THAT(f.region, Optional(ImdiRegion::kMidtNorge));
  EXPECT_THAT(f.municipality_code, Optional(5001));
  EXPECT_FALSE(f.contradictory);
}

TEST(FilterTest, UnknownFieldIsRejectedListingTheKnownOnes) {
  std::string message = ExpectFilterError("kommune = \"0301\"");
  EXPECT_THAT(message, HasSubstr("kommune"));
  for (absl::string_view known : kAll) EXPECT_THAT(message, HasSubstr(std::string(known)));
}

TEST(FilterTest, FieldsOutsideTheAllowedListAreRejected) {
  const std::vector<absl::string_view> municipality_fields = {"year", "county_code",
                                                              "imdi_region"};
  std::string message =
      ExpectFilterError("municipality_code = \"0301\"", municipality_fields);
  EXPECT_THAT(message, HasSubstr("municipality_code"));
  EXPECT_THAT(message, HasSubstr("year, county_code, imdi_region"));
  // The same fields are fine where they are allowed.
  EXPECT_TRUE(ParseFilter("year = 2016 AND imdi_region = NORD", municipality_fields).ok());
}

TEST(FilterTest, OrIsRejected) {
  std::string message = ExpectFilterError("year = 2012 OR year = 2014");
  EXPECT_THAT(message, HasSubstr("OR"));
}

TEST(FilterTest, OperatorsAFieldDoesNotSupportAreRejected) {
  EXPECT_THAT(ExpectFilterError("county_code >= \"09\""), HasSubstr("county_code"));
  ExpectFilterError("imdi_region < NORD");
  ExpectFilterError("municipality_code > 0301");
  ExpectFilterError("year != 2012");
  ExpectFilterError("year ! 2012");
}

TEST(FilterTest, MalformedValuesAreRejected) {
  ExpectFilterError("year = abc");
  ExpectFilterError("year = \"twenty\"");
  ExpectFilterError("year = 99999999999999999999");
  ExpectFilterError("county_code = \"9\"");
  ExpectFilterError("county_code = \"0a\"");
  ExpectFilterError("municipality_code = \"906\"");
  ExpectFilterError("municipality_code = 906");
  ExpectFilterError("municipality_code = \"09a6\"");
  ExpectFilterError("imdi_region = ATLANTIS");
}

TEST(FilterTest, IncompleteClausesAreRejected) {
  ExpectFilterError("year");
  ExpectFilterError("year =");
  ExpectFilterError("year = 2012 AND");
  ExpectFilterError("year = 2012 year = 2013");
  ExpectFilterError("AND year = 2012");
  ExpectFilterError("= 2012");
  ExpectFilterError("year = = 2012");
  ExpectFilterError("year = 2012 AND (county_code = 09)");
}

TEST(FilterTest, UnclosedQuotesAreRejected) {
  EXPECT_THAT(ExpectFilterError("county_code = \"09"), HasSubstr("quote"));
  ExpectFilterError("imdi_region = 'NORD");
  ExpectFilterError("county_code = \"09' AND year = 2012");
}

TEST(FilterTest, ContradictionsAreFlagged) {
  EXPECT_TRUE(Parse("year = 2012 AND year = 2014").contradictory);
  EXPECT_TRUE(Parse("year > 2014 AND year < 2012").contradictory);
  EXPECT_TRUE(Parse("year >= 2015 AND year < 2015").contradictory);
  EXPECT_TRUE(Parse("county_code = \"09\" AND county_code = \"10\"").contradictory);
  EXPECT_TRUE(Parse("imdi_region = NORD AND imdi_region = VEST").contradictory);
  EXPECT_TRUE(
      Parse("municipality_code = \"0301\" AND municipality_code = \"4601\"").contradictory);
}

TEST(FilterTest, RepeatedEqualClausesAreNotContradictions) {
  EXPECT_FALSE(Parse("county_code = \"09\" AND county_code = 09").contradictory);
  EXPECT_FALSE(
      Parse("imdi_region = NORD AND imdi_region = \"IMDi Nord\"").contradictory);
  EXPECT_FALSE(Parse("year >= 2015 AND year <= 2015").contradictory);
}

TEST(FilterTest, YearsOutsideTheServiceRangeMatchNothing) {
  EXPECT_TRUE(Parse("year = 1800").contradictory);
  EXPECT_TRUE(Parse("year > 2100").contradictory);
}

// The largest int: "after it" is no year at all, so nothing can match (and
// computing year + 1 must not overflow into "every year").
TEST(FilterTest, YearsAreFourDigits) {
  // Not a year at all; must not overflow into "every year".
  EXPECT_THAT(ExpectFilterError("year > 2147483647"), HasSubstr("2147483647"));
  EXPECT_THAT(ExpectFilterError("year = -2014"), HasSubstr("-"));
  EXPECT_THAT(ExpectFilterError("year = 214"), HasSubstr("214"));
  RecordFilter f = Parse("year > 9999");
  EXPECT_TRUE(f.contradictory);
  EXPECT_FALSE(f.YearInRange(2016));
}

TEST(FilterTest, CanonicalFormIgnoresClauseOrderAndSpacing) {
  const std::string a =
      Parse("year >= 2012 AND county_code = \"09\" AND imdi_region = SOR").canonical;
  const std::string b =
      Parse("imdi_region = SOR AND year>=2012 AND   county_code = \"09\"").canonical;
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a.empty());
}

TEST(FilterTest, CanonicalFormIgnoresQuoting) {
  EXPECT_EQ(Parse("county_code = \"09\"").canonical, Parse("county_code = 09").canonical);
  EXPECT_EQ(Parse("year = \"2016\"").canonical, Parse("year = 2016").canonical);
}

TEST(FilterTest, CanonicalFormDiffersForDifferentFilters) {
  EXPECT_NE(Parse("year >= 2012").canonical, Parse("year <= 2012").canonical);
  EXPECT_NE(Parse("year >= 2012").canonical, Parse("year >= 2013").canonical);
  EXPECT_NE(Parse("county_code = 09").canonical, Parse("county_code = 10").canonical);
  EXPECT_NE(Parse("").canonical, Parse("year = 2012").canonical);
}

// The header promises "equal for equal filters": the accepted spellings of
// one region are the same filter, so a page token issued for one must
// carry on with the other.
TEST(FilterTest, CanonicalFormIsEqualForEverySpellingOfARegion) {
  const std::string code = Parse("imdi_region = MIDT_NORGE").canonical;
  EXPECT_EQ(Parse("imdi_region = IMDI_REGION_MIDT_NORGE").canonical, code);
  EXPECT_EQ(Parse("imdi_region = \"IMDi Midt-Norge\"").canonical, code);
}

}  // namespace
}  // namespace imdi::stats
