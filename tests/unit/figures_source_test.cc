// Tests of the figures importer (tools/import/figures_source.h) on the real
// IMDi export files under data/ and on small synthetic files for the quirks
// and failure paths.
//
// The expected values of the real files were read off the files themselves
// (grep/csv), not off the importer: e.g. bosetting.csv line 10578 is
// Arendal's 2014 request of "95.00" persons.
#include "tools/import/figures_source.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/csv.h"
#include "common/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::import {

// Readable failure messages (found by argument-dependent lookup).
void PrintTo(const ImportRecord& r, std::ostream* os) {
  *os << stats::DescribeSubject(r.subject) << " " << r.year << " (line " << r.line << ")";
}

namespace {

using stats::Count;
using stats::ImdiRegion;
using stats::Percent;
using stats::Subject;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

// ---------------------------------------------------------------------------
// Helpers

// Parses a real file once per test binary; the files are read-only inputs.
const ParsedFile& Real(const std::string& relative) {
  static auto* cache = new std::map<std::string, ParsedFile>();
  auto it = cache->find(relative);
  if (it == cache->end()) {
    absl::StatusOr<ParsedFile> parsed =
        ParseFiguresPath(absl::StrCat(IMDI_SOURCE_DIR, "/data/", relative));
    EXPECT_TRUE(parsed.ok()) << relative << ": " << parsed.status();
    it = cache->emplace(relative, parsed.ok() ? *std::move(parsed) : ParsedFile{}).first;
  }
  return it->second;
}

absl::StatusOr<ParsedFile> ParseText(const std::string& text) {
  std::istringstream in(text);
  return ParseFiguresFile(in);
}

// Parses a synthetic file that must be readable as a whole.
ParsedFile MustParse(const std::string& text) {
  absl::StatusOr<ParsedFile> parsed = ParseText(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  return parsed.ok() ? *std::move(parsed) : ParsedFile{};
}

const ImportRecord* Find(const ParsedFile& file, const Subject& subject, int year) {
  for (const ImportRecord& r : file.records) {
    if (r.subject == subject && r.year == year) return &r;
  }
  return nullptr;
}

bool AnyRecordFor(const ParsedFile& file, const Subject& subject) {
  return std::any_of(file.records.begin(), file.records.end(),
                     [&](const ImportRecord& r) { return r.subject == subject; });
}

// Rows skipped for reasons whose text mentions `word` ("bydel", ...).
int64_t SkippedMentioning(const ParsedFile& file, absl::string_view word) {
  int64_t n = 0;
  for (const auto& [reason, rows] : file.skipped) {
    if (absl::StrContains(reason, word)) n += rows;
  }
  return n;
}

std::vector<int64_t> RejectedLines(const ParsedFile& file) {
  std::vector<int64_t> lines;
  for (const RowProblem& p : file.rejected) lines.push_back(p.line);
  return lines;
}

std::string DescribeRejected(const ParsedFile& file) {
  std::vector<std::string> parts;
  for (const RowProblem& p : file.rejected) parts.push_back(absl::StrCat(p.line, ": ", p.reason));
  return absl::StrJoin(parts, "\n");
}

bool SortedBySubjectAndYear(const ParsedFile& file) {
  for (size_t i = 1; i < file.records.size(); ++i) {
    const ImportRecord& a = file.records[i - 1];
    const ImportRecord& b = file.records[i];
    if (!(std::make_pair(a.subject, a.year) < std::make_pair(b.subject, b.year))) return false;
  }
  return true;
}

// Synthetic bosetting.csv: header and rows for one municipality.
constexpr char kSettlementHeader[] =
    "aar,fylke_id,bosetting,enhet,tabellvariabel,tabell_navn,kommune_id,naringsregion_id,"
    "bydel_id\n";

std::string SettlementRow(absl::string_view year, absl::string_view municipality,
                          absl::string_view measure, absl::string_view unit,
                          absl::string_view value) {
  return absl::StrCat(year, ",NULL,", measure, ",", unit, ",", value, ",bosetting,", municipality,
                      ",NULL,NULL\n");
}

// Arendal 2014 as in the real file, with `ratio` as bosatt_av_anmodede
// (line 5).
std::string ArendalWithRatio(absl::string_view ratio) {
  return absl::StrCat(kSettlementHeader,                                                //
                      SettlementRow("2014", "0906", "anmodning", "personer", "95.00"),  // 2
                      SettlementRow("2014", "0906", "vedtak", "personer", "95.00"),     // 3
                      SettlementRow("2014", "0906", "bosatt", "personer", "85.00"),     // 4
                      SettlementRow("2014", "0906", "bosatt_av_anmodede", "prosent", ratio));
}

constexpr char kSettledOfRequestedHeader[] =
    "aar,fylke_nr,bosetting,enhet,tabellvariabel,tabell_navn,kommune_nr,naringsregion_nr,"
    "bydel_nr\n";

constexpr char kFollowupHeader[] =
    "aar,fylke_nr,kohort,kjonn,avslutning_status_4,enhet,tabellvariabel,tabell_navn,bydel_nr,"
    "kommune_nr,naringsregion_nr\n";

std::string FollowupRow(absl::string_view cohort, absl::string_view sex, absl::string_view status,
                        absl::string_view unit, absl::string_view value) {
  return absl::StrCat("2013,NULL,", cohort, ",", sex, ",", status, ",", unit, ",", value,
                      ",intro_status_arbutd,NULL,0906,NULL\n");
}

constexpr char kPopulationHeader[] =
    "aar,bydel_nr,innvkat_3,alder_grupper,kjonn,enhet,tabellvariabel,tabell_navn,fylke_nr,"
    "naringsregion_nr,kommune_nr\n";

std::string PopulationRow(absl::string_view group, absl::string_view value,
                          absl::string_view category = "alle", absl::string_view sex = "alle") {
  return absl::StrCat("2014,NULL,", category, ",", group, ",", sex, ",personer,", value,
                      ",befolkning_alder,NULL,NULL,0906\n");
}

// Arendal's seven age groups of 2014 as in the real file (sum 43841), with
// the value of the first group replaced by `first`.
std::string ArendalPopulation(absl::string_view first) {
  return absl::StrCat(kPopulationHeader, PopulationRow("0_5", first),  // line 2
                      PopulationRow("6_15", "5336"), PopulationRow("16_19", "2301"),
                      PopulationRow("20_29", "5398"), PopulationRow("30_54", "14745"),
                      PopulationRow("55_66", "6758"), PopulationRow("67+", "6161"));
}

constexpr char kPublishedHeader[] = "code_2016,name,year,measure,value,note,source\n";

// ---------------------------------------------------------------------------
// The real IMDi export files

TEST(RealFiguresFiles, SettlementCountsLandInTheirRecords) {
  const ParsedFile& f = Real("imdikator/bosetting.csv");
  EXPECT_EQ(f.kind, FileKind::kSettlement);
  EXPECT_EQ(f.rows, 12848);  // wc -l minus the header

  const ImportRecord* arendal = Find(f, Subject::Municipality(906), 2014);
  ASSERT_NE(arendal, nullptr);
  EXPECT_THAT(arendal->values[Count::kRefugeesRequested], Optional(95));
  EXPECT_THAT(arendal->values[Count::kRefugeesDecided], Optional(95));
  EXPECT_THAT(arendal->values[Count::kRefugeesSettled], Optional(85));
  EXPECT_EQ(arendal->values[Count::kPopulation], std::nullopt);
  EXPECT_EQ(arendal->line, 10578);  // the "anmodning" row, Arendal's first of 2014

  // Lavangen 2012: vedtak is "." (no value); anmodning and bosatt are a real 0.
  const ImportRecord* lavangen = Find(f, Subject::Municipality(1920), 2012);
  ASSERT_NE(lavangen, nullptr);
  EXPECT_EQ(lavangen->values[Count::kRefugeesDecided], std::nullopt);
  EXPECT_THAT(lavangen->values[Count::kRefugeesRequested], Optional(0));
  EXPECT_THAT(lavangen->values[Count::kRefugeesSettled], Optional(0));
  EXPECT_EQ(lavangen->line, 3282);
}

TEST(RealFiguresFiles, SettlementHasCountiesButNotTheCountry) {
  const ParsedFile& f = Real("imdikator/bosetting.csv");
  EXPECT_FALSE(AnyRecordFor(f, Subject::Country()));
  // Østfold 2012, the first data line: anmodning 425, vedtak 201.
  const ImportRecord* ostfold = Find(f, Subject::County(1), 2012);
  ASSERT_NE(ostfold, nullptr);
  EXPECT_THAT(ostfold->values[Count::kRefugeesRequested], Optional(425));
  EXPECT_THAT(ostfold->values[Count::kRefugeesDecided], Optional(201));
  EXPECT_EQ(ostfold->line, 2);
  // Every county of 2014 except 13 (which does not exist) has its totals.
  for (int county : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20}) {
    EXPECT_NE(Find(f, Subject::County(county), 2014), nullptr) << "county " << county;
  }
  // County 99 ("unknown") has only "." in 2012 and 2013: no record; in 2014
  // 65 settled and nothing else.
  EXPECT_EQ(Find(f, Subject::County(99), 2012), nullptr);
  EXPECT_EQ(Find(f, Subject::County(99), 2013), nullptr);
  const ImportRecord* unknown = Find(f, Subject::County(99), 2014);
  ASSERT_NE(unknown, nullptr);
  EXPECT_THAT(unknown->values[Count::kRefugeesSettled], Optional(65));
  EXPECT_EQ(unknown->values[Count::kRefugeesRequested], std::nullopt);
  EXPECT_EQ(unknown->values[Count::kRefugeesDecided], std::nullopt);
  // Halden (0101) has no row in bosetting.csv at all.
  EXPECT_FALSE(AnyRecordFor(f, Subject::Municipality(101)));
}

TEST(RealFiguresFiles, SettlementSkipsAndRejectsNothingElse) {
  const ParsedFile& f = Real("imdikator/bosetting.csv");
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  // Counted with a CSV reader over the file: rows whose bydel_id /
  // naringsregion_id is set, and the per-mille and three-year columns of the
  // remaining rows.
  EXPECT_EQ(SkippedMentioning(f, "bydel"), 144);
  EXPECT_EQ(SkippedMentioning(f, "naringsregion"), 1976);
  EXPECT_EQ(SkippedMentioning(f, "per-mille"), 4023);
  EXPECT_EQ(SkippedMentioning(f, "9999"), 0);  // the file has no 9999 rows
  EXPECT_TRUE(SortedBySubjectAndYear(f));

  // Sum of settled over municipalities in 2014, as the data README says
  // (smaller than the published national total of 7784).
  int64_t settled = 0;
  for (const ImportRecord& r : f.records) {
    if (r.subject.is_municipality() && r.year == 2014) {
      settled += r.values[Count::kRefugeesSettled].value_or(0);
    }
  }
  EXPECT_EQ(settled, 7697);
}

TEST(RealFiguresFiles, SettledOfRequestedHasTheNationalTotal) {
  const ParsedFile& f = Real("imdikator/bosatt_anmodede.csv");
  EXPECT_EQ(f.kind, FileKind::kSettledOfRequested);
  EXPECT_EQ(f.rows, 9696);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);

  // fylke_nr 00 is all of Norway.
  const ImportRecord* norway = Find(f, Subject::Country(), 2014);
  ASSERT_NE(norway, nullptr);
  EXPECT_THAT(norway->values[Count::kRefugeesSettled], Optional(7784));
  EXPECT_THAT(norway->values[Count::kRefugeesRequested], Optional(10973));
  EXPECT_THAT(norway->values[Count::kRefugeesDecided], Optional(8084));
  EXPECT_EQ(norway->line, 6500);
  EXPECT_FALSE(AnyRecordFor(f, Subject::County(0)));

  // Halden is here although absent from bosetting.csv; its 2013 percent is
  // printed "33.33333333" (10 of 30).
  const ImportRecord* halden = Find(f, Subject::Municipality(101), 2012);
  ASSERT_NE(halden, nullptr);
  EXPECT_THAT(halden->values[Count::kRefugeesRequested], Optional(30));
  EXPECT_THAT(halden->values[Count::kRefugeesDecided], Optional(10));
  EXPECT_THAT(halden->values[Count::kRefugeesSettled], Optional(6));
  const ImportRecord* halden13 = Find(f, Subject::Municipality(101), 2013);
  ASSERT_NE(halden13, nullptr);
  EXPECT_THAT(halden13->values[Count::kRefugeesSettled], Optional(10));

  // County 99: only "." before 2014, then 65 settled.
  EXPECT_EQ(Find(f, Subject::County(99), 2012), nullptr);
  EXPECT_EQ(Find(f, Subject::County(99), 2013), nullptr);
  const ImportRecord* unknown = Find(f, Subject::County(99), 2014);
  ASSERT_NE(unknown, nullptr);
  EXPECT_THAT(unknown->values[Count::kRefugeesSettled], Optional(65));
  EXPECT_EQ(unknown->values[Count::kRefugeesRequested], std::nullopt);

  EXPECT_EQ(SkippedMentioning(f, "bydel"), 114);
  EXPECT_EQ(SkippedMentioning(f, "naringsregion"), 1500);
  EXPECT_TRUE(SortedBySubjectAndYear(f));
}

TEST(RealFiguresFiles, IntroCompletion) {
  const ParsedFile& f = Real("imdikator/intro_avslutning_direkte.csv");
  EXPECT_EQ(f.kind, FileKind::kIntroCompletion);
  EXPECT_EQ(f.rows, 33180);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);

  const ImportRecord* arendal = Find(f, Subject::Municipality(906), 2014);
  ASSERT_NE(arendal, nullptr);
  EXPECT_THAT(arendal->values[Count::kIntroFinished], Optional(46));
  EXPECT_THAT(arendal->values[Count::kIntroToWorkOrEducation], Optional(19));

  const ImportRecord* norway = Find(f, Subject::Country(), 2014);
  ASSERT_NE(norway, nullptr);
  EXPECT_THAT(norway->values[Count::kIntroFinished], Optional(3229));

  // The 60 rows of "unknown municipality" 9999 are skipped, not imported.
  EXPECT_FALSE(AnyRecordFor(f, Subject::Municipality(9999)));
  EXPECT_EQ(SkippedMentioning(f, "9999"), 60);
  EXPECT_EQ(SkippedMentioning(f, "bydel"), 1140);
  EXPECT_EQ(SkippedMentioning(f, "naringsregion"), 5040);
}

TEST(RealFiguresFiles, IntroFollowupKeepsOnlyTheOneYearCohort) {
  const ParsedFile& f = Real("imdikator/intro_status_arbutd.csv");
  EXPECT_EQ(f.kind, FileKind::kIntroFollowup);
  EXPECT_EQ(f.rows, 18183);

  // Measured in 2013; the cohort that left in 2012 is stored under 2012.
  const ImportRecord* arendal = Find(f, Subject::Municipality(906), 2012);
  ASSERT_NE(arendal, nullptr);
  EXPECT_THAT(arendal->values[Count::kIntroFollowupTotal], Optional(25));
  EXPECT_THAT(arendal->values[Percent::kIntroFollowupWorkOrEducation], Optional(68.0));
  // Nothing under the measurement year or the older cohorts (2008, 2010).
  for (int year : {2008, 2010, 2011, 2013}) {
    EXPECT_EQ(Find(f, Subject::Municipality(906), year), nullptr) << year;
  }
  for (const ImportRecord& r : f.records) EXPECT_EQ(r.year, 2012);

  const ImportRecord* norway = Find(f, Subject::Country(), 2012);
  ASSERT_NE(norway, nullptr);
  EXPECT_THAT(norway->values[Count::kIntroFollowupTotal], Optional(3843));
  EXPECT_THAT(norway->values[Percent::kIntroFollowupWorkOrEducation], Optional(62.0));

  // Every county's total of the 2012 cohort is printed "192.15" persons:
  // each of those 19 records is rejected, with its line.
  EXPECT_THAT(RejectedLines(f),
              ElementsAreArray<int64_t>({63, 96, 129, 162, 195, 228, 261, 294, 327, 360, 393, 426,
                                         459, 492, 525, 558, 591, 624, 657}));
  for (const RowProblem& p : f.rejected) {
    EXPECT_THAT(p.reason, HasSubstr("192.15"));
    EXPECT_THAT(p.reason, HasSubstr(absl::StrCat("line ", p.line)));
  }
  for (int county = 1; county <= 20; ++county) {
    EXPECT_EQ(Find(f, Subject::County(county), 2012), nullptr) << "county " << county;
  }
  // Rows of the 2008 and 2010 cohorts outside city districts and commerce
  // regions, counted with a CSV reader.
  EXPECT_EQ(SkippedMentioning(f, "cohort"), 9856);
  EXPECT_EQ(SkippedMentioning(f, "bydel"), 627);
  EXPECT_EQ(SkippedMentioning(f, "naringsregion"), 2772);
  // 216 subjects have a 2012-cohort value; 19 counties rejected.
  EXPECT_EQ(f.records.size(), 197u);
}

TEST(RealFiguresFiles, PopulationIsTheSumOfTheAgeGroups) {
  const ParsedFile& f = Real("imdikator/befolkning_alder.csv");
  EXPECT_EQ(f.kind, FileKind::kPopulationByAge);
  EXPECT_EQ(f.rows, 34713);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);

  // 3142 + 5336 + 2301 + 5398 + 14745 + 6758 + 6161
  const ImportRecord* arendal = Find(f, Subject::Municipality(906), 2014);
  ASSERT_NE(arendal, nullptr);
  EXPECT_THAT(arendal->values[Count::kPopulation], Optional(43841));
  // 13724 + 20153 + 8549 + 32635 + 62803 + 23096 + 21075
  const ImportRecord* trondheim = Find(f, Subject::Municipality(1601), 2014);
  ASSERT_NE(trondheim, nullptr);
  EXPECT_THAT(trondheim->values[Count::kPopulation], Optional(182035));
  // Norway on 1 January 2014.
  const ImportRecord* norway = Find(f, Subject::Country(), 2014);
  ASSERT_NE(norway, nullptr);
  EXPECT_THAT(norway->values[Count::kPopulation], Optional(5109056));

  // County 99 has "." in every age group: population unknown, no record.
  EXPECT_EQ(Find(f, Subject::County(99), 2014), nullptr);
  EXPECT_EQ(SkippedMentioning(f, "without a value"), 1);
  EXPECT_EQ(SkippedMentioning(f, "bydel"), 1197);
  EXPECT_EQ(SkippedMentioning(f, "naringsregion"), 5229);
}

TEST(RealFiguresFiles, PublishedFigures) {
  const ParsedFile& f = Real("published/figures-2016-2017.csv");
  EXPECT_EQ(f.kind, FileKind::kPublishedFigures);
  EXPECT_EQ(f.rows, 179);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);

  const ImportRecord* norway = Find(f, Subject::Country(), 2016);
  ASSERT_NE(norway, nullptr);
  EXPECT_THAT(norway->values[Count::kRefugeesSettled], Optional(15291));
  EXPECT_THAT(norway->values[Count::kMinorsRequested], Optional(4637));
  // Two sources for the country's 2016 figures, both kept.
  EXPECT_THAT(norway->source, HasSubstr("planlegging-og-bosetting/anmodning-og-vedtak"));
  EXPECT_THAT(norway->source, HasSubstr("arsrapport-for-busetting-2016"));

  const ImportRecord* ostfold = Find(f, Subject::County(1), 2016);
  ASSERT_NE(ostfold, nullptr);
  EXPECT_THAT(ostfold->values[Count::kRefugeesRequested], Optional(780));

  const ImportRecord* midt = Find(f, Subject::Region(ImdiRegion::kMidtNorge), 2016);
  ASSERT_NE(midt, nullptr);
  EXPECT_THAT(midt->values[Count::kRefugeesSettled], Optional(2702));

  const ImportRecord* arendal = Find(f, Subject::Municipality(906), 2016);
  ASSERT_NE(arendal, nullptr);
  EXPECT_THAT(arendal->values[Count::kRefugeesDecided], Optional(150));
  EXPECT_THAT(arendal->values[Count::kMinorsDecided], Optional(35));
  EXPECT_EQ(arendal->source, "seed 000_ee52cdf1a6cb159a.txt");
  EXPECT_EQ(arendal->note,
            "the municipality decided to settle 150 persons including 35 unaccompanied minors");

  // Bergen's two rows repeat one note (with quoted quotes): kept once.
  const ImportRecord* bergen = Find(f, Subject::Municipality(1201), 2016);
  ASSERT_NE(bergen, nullptr);
  EXPECT_EQ(bergen->note,
            "the seed says Bergen was asked to settle 720 including 160 unaccompanied minors, "
            "and did (\"Det gjorde kommunen\")");

  const ImportRecord* trondheim = Find(f, Subject::Municipality(1601), 2016);
  ASSERT_NE(trondheim, nullptr);
  EXPECT_THAT(trondheim->values[Percent::kIntroToWorkOrEducation], Optional(53.0));
  EXPECT_THAT(trondheim->values[Count::kRefugeesSettled], Optional(627));
}

TEST(RealFiguresFiles, MissingFileIsNotFound) {
  absl::StatusOr<ParsedFile> parsed =
      ParseFiguresPath(IMDI_SOURCE_DIR "/data/imdikator/no-such-file.csv");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Values as printed

// Whose codes each file uses: the export writes every year in the codes of
// its latest year (Harstad's 2012 figures under 1903, its code from 2013),
// the published file in those of 2016, the 2015-2016 files each row in its
// own year's.
TEST(FiguresCodesYear, EachFileSaysWhoseCodesItsRowsUse) {
  EXPECT_EQ(Real("imdikator/bosetting.csv").codes_year, 2014);
  EXPECT_EQ(Real("imdikator/intro_status_arbutd.csv").codes_year, 2013);
  EXPECT_EQ(Real("published/figures-2016-2017.csv").codes_year, 2016);
  EXPECT_EQ(Real("imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv").codes_year, 0);
  EXPECT_EQ(Real("imdikator-2015-2016/bosatt_anmodede-kommune-2015_2017.csv").codes_year, 0);
}

TEST(FiguresQuirks, NoValueMarkersAreAbsentNotZero) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader,                                               //
                   SettlementRow("2014", "0906", "anmodning", "personer", "0.00"),  // a real 0
                   SettlementRow("2014", "0906", "vedtak", "personer", "."),        //
                   SettlementRow("2014", "0906", "bosatt", "personer", ":"),        //
                   SettlementRow("2013", "0906", "anmodning", "personer", ""),      //
                   SettlementRow("2013", "0906", "vedtak", "personer", "12.00"),    //
                   SettlementRow("2013", "0906", "bosatt", "personer", "0")));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  const ImportRecord* r14 = Find(f, Subject::Municipality(906), 2014);
  ASSERT_NE(r14, nullptr);
  EXPECT_THAT(r14->values[Count::kRefugeesRequested], Optional(0));
  EXPECT_EQ(r14->values[Count::kRefugeesDecided], std::nullopt);
  EXPECT_EQ(r14->values[Count::kRefugeesSettled], std::nullopt);
  const ImportRecord* r13 = Find(f, Subject::Municipality(906), 2013);
  ASSERT_NE(r13, nullptr);
  EXPECT_EQ(r13->values[Count::kRefugeesRequested], std::nullopt);
  EXPECT_THAT(r13->values[Count::kRefugeesDecided], Optional(12));
  EXPECT_THAT(r13->values[Count::kRefugeesSettled], Optional(0));
  // The export gives one measure per row and is merged from several files:
  // a value it leaves out says nothing, and clears nothing.
  EXPECT_THAT(r14->absent_counts, IsEmpty());
  EXPECT_THAT(r13->absent_counts, IsEmpty());
}

TEST(FiguresQuirks, NeitherTheExportNorThePublishedFileNamesAbsentCounts) {
  for (const char* file : {"imdikator/bosetting.csv", "imdikator/bosatt_anmodede.csv",
                           "published/figures-2016-2017.csv"}) {
    SCOPED_TRACE(file);
    const ParsedFile& f = Real(file);
    ASSERT_FALSE(f.records.empty());
    for (const ImportRecord& r : f.records) {
      ASSERT_THAT(r.absent_counts, IsEmpty()) << stats::DescribeSubject(r.subject) << " " << r.year;
    }
  }
}

TEST(FiguresQuirks, RecordWithOnlyNoValuesIsNotImported) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader, SettlementRow("2012", "0906", "anmodning", "personer", "."),
                   SettlementRow("2012", "0906", "bosatt", "personer", ":")));
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(f.rejected, IsEmpty());
  EXPECT_EQ(f.rows, 2);
}

TEST(FiguresQuirks, WholeCountsWithDecimalsAreAccepted) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader, SettlementRow("2014", "0906", "bosatt", "personer", "85.00"),
                   SettlementRow("2014", "0906", "anmodning", "personer", "95.0")));
  const ImportRecord* r = Find(f, Subject::Municipality(906), 2014);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(r->values[Count::kRefugeesSettled], Optional(85));
  EXPECT_THAT(r->values[Count::kRefugeesRequested], Optional(95));
}

TEST(FiguresQuirks, FractionalCountRejectsTheRecordNamingTheLine) {
  const ParsedFile f =
      MustParse(absl::StrCat(kSettlementHeader,                                                //
                             SettlementRow("2014", "0906", "anmodning", "personer", "95.00"),  // 2
                             SettlementRow("2014", "0906", "bosatt", "personer", "85.5"),      // 3
                             SettlementRow("2014", "0301", "bosatt", "personer", "12.00")));   // 4
  EXPECT_EQ(Find(f, Subject::Municipality(906), 2014), nullptr);
  ASSERT_EQ(f.rejected.size(), 1u) << DescribeRejected(f);
  EXPECT_EQ(f.rejected[0].line, 2);  // the record's first line
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 3"));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("85.5"));
  // Other records of the file are unaffected.
  const ImportRecord* oslo = Find(f, Subject::Municipality(301), 2014);
  ASSERT_NE(oslo, nullptr);
  EXPECT_THAT(oslo->values[Count::kRefugeesSettled], Optional(12));
}

TEST(FiguresQuirks, TextValueRejectsTheRecord) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader, SettlementRow("2014", "0906", "bosatt", "personer", "n/a")));
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u);
  EXPECT_EQ(f.rejected[0].line, 2);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("n/a"));
}

// ---------------------------------------------------------------------------
// Area codes

TEST(FiguresQuirks, MunicipalityCodesKeepLeadingZeros) {
  const ParsedFile f =
      MustParse(absl::StrCat(kSettlementHeader,                                              //
                             SettlementRow("2014", "0906", "bosatt", "personer", "85.00"),   // 2
                             SettlementRow("2014", "906", "bosatt", "personer", "85.00"),    // 3
                             SettlementRow("2014", "09060", "bosatt", "personer", "85.00"),  // 4
                             SettlementRow("2014", "1601", "bosatt", "personer", "300")));   // 5
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[0].subject, Subject::Municipality(906));
  EXPECT_EQ(f.records[1].subject, Subject::Municipality(1601));
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({3, 4}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("\"906\""));
  EXPECT_THAT(f.rejected[1].reason, HasSubstr("\"09060\""));
}

TEST(FiguresQuirks, MunicipalityCodeWithSignOrSpaceIsNotFourDigits) {
  // Four characters, but not four digits: each row must be rejected rather
  // than read as municipality 906 or -906.
  const ParsedFile f =
      MustParse(absl::StrCat(kSettlementHeader,                                             //
                             SettlementRow("2014", "+906", "bosatt", "personer", "85.00"),  // 2
                             SettlementRow("2014", "-906", "bosatt", "personer", "85.00"),  // 3
                             SettlementRow("2014", " 906", "bosatt", "personer", "85.00")));
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 3, 4}));
}

TEST(FiguresQuirks, CountryCountyAndSkippedAreas) {
  const ParsedFile f = MustParse(absl::StrCat(
      kSettledOfRequestedHeader,
      "2014,00,bosatt,personer,7784,bosatt_anmodede,NULL,NULL,NULL\n",   // country
      "2014,09,bosatt,personer,300,bosatt_anmodede,NULL,NULL,NULL\n",    // county 9
      "2014,NULL,bosatt,personer,99,bosatt_anmodede,NULL,78,NULL\n",     // commerce region
      "2014,NULL,bosatt,personer,5,bosatt_anmodede,NULL,NULL,030101\n",  // city district
      "2014,NULL,bosatt,personer,1,bosatt_anmodede,9999,NULL,NULL\n",    // unknown
      "2014,9,bosatt,personer,1,bosatt_anmodede,NULL,NULL,NULL\n"));     // line 7: bad county
  ASSERT_EQ(f.records.size(), 3u) << DescribeRejected(f);
  EXPECT_THAT(f.records[0].values[Count::kRefugeesSettled], Optional(7784));
  EXPECT_EQ(f.records[0].subject, Subject::Country());
  EXPECT_EQ(f.records[1].subject, Subject::County(9));
  EXPECT_THAT(f.records[1].values[Count::kRefugeesSettled], Optional(300));
  // Settled in an unknown municipality: county 99, as the national files
  // keep it.
  EXPECT_EQ(f.records[2].subject, Subject::County(99));
  EXPECT_THAT(f.records[2].values[Count::kRefugeesSettled], Optional(1));
  EXPECT_THAT(f.records[2].note, HasSubstr("9999"));
  EXPECT_EQ(SkippedMentioning(f, "naringsregion"), 1);
  EXPECT_EQ(SkippedMentioning(f, "bydel"), 1);
  EXPECT_EQ(SkippedMentioning(f, "9999"), 0);
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({7}));
}

TEST(FiguresQuirks, RowNamingTwoAreasOrNoneIsRejectedWithItsLine) {
  const ParsedFile f = MustParse(absl::StrCat(
      kSettlementHeader,
      "2014,09,bosatt,personer,85.00,bosetting,0906,NULL,NULL\n",    // 2: county and municipality
      "2014,NULL,bosatt,personer,85.00,bosetting,NULL,NULL,NULL\n",  // 3: none
      "2014,NULL,bosatt,personer,85.00,bosetting,NULL,32,030101\n",  // 4: two skipped kinds
      SettlementRow("2014", "0301", "bosatt", "personer", "12")));   // 5: fine
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 3, 4}));
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].subject, Subject::Municipality(301));
  EXPECT_EQ(SkippedMentioning(f, "bydel") + SkippedMentioning(f, "naringsregion"), 0);
}

// ---------------------------------------------------------------------------
// Ratio columns against the counts

TEST(FiguresQuirks, RatioThatDisagreesWithTheCountsRejectsTheRecord) {
  const ParsedFile f = MustParse(ArendalWithRatio("50.00"));  // 85 of 95 is 89.47 %
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u);
  EXPECT_EQ(f.rejected[0].line, 2);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 5"));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("bosatt_av_anmodede"));
}

TEST(FiguresQuirks, RatioAgreesWithinTheRoundingOfThePrintedValue) {
  // 85 / 95 * 100 = 89.4737
  struct Case {
    const char* printed;
    bool accepted;
  };
  for (const Case& c : std::vector<Case>{{"89.47", true},
                                         {"89.474", true},
                                         {"89.5", true},
                                         {"89", true},
                                         {"89.00", false},
                                         {"89.4", false},
                                         {"89.48", false},
                                         {"90", false},
                                         {".", true},
                                         {"", true}}) {
    SCOPED_TRACE(c.printed);
    const ParsedFile f = MustParse(ArendalWithRatio(c.printed));
    EXPECT_EQ(f.records.size(), c.accepted ? 1u : 0u);
    EXPECT_EQ(f.rejected.size(), c.accepted ? 0u : 1u) << DescribeRejected(f);
    if (c.accepted && !f.records.empty()) {
      EXPECT_THAT(f.records[0].values[Count::kRefugeesSettled], Optional(85));
    }
  }
}

TEST(FiguresQuirks, RatioOrderInTheFileDoesNotMatter) {
  // The percent comes before the counts it derives from.
  const ParsedFile f = MustParse(absl::StrCat(
      kSettlementHeader, SettlementRow("2014", "0906", "bosatt_av_anmodede", "prosent", "10.00"),
      SettlementRow("2014", "0906", "anmodning", "personer", "95"),
      SettlementRow("2014", "0906", "bosatt", "personer", "85")));
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2}));
}

TEST(FiguresQuirks, SettledOfDecidedIsCheckedAgainstTheDecision) {
  // 85 settled of 100 requested and 85 decided: 100 % of the decision.
  auto file = [](absl::string_view of_decided) {
    return absl::StrCat(kSettlementHeader,
                        SettlementRow("2014", "0906", "anmodning", "personer", "100"),
                        SettlementRow("2014", "0906", "vedtak", "personer", "85"),
                        SettlementRow("2014", "0906", "bosatt", "personer", "85"),
                        SettlementRow("2014", "0906", "bosatt_av_anmodede", "prosent", "85.00"),
                        SettlementRow("2014", "0906", "bosatt_av_vedtak", "prosent", of_decided));
  };
  const ParsedFile good = MustParse(file("100.00"));
  EXPECT_EQ(good.records.size(), 1u) << DescribeRejected(good);
  const ParsedFile bad = MustParse(file("85.00"));
  EXPECT_THAT(bad.records, IsEmpty());
  ASSERT_EQ(bad.rejected.size(), 1u);
  EXPECT_THAT(bad.rejected[0].reason, HasSubstr("line 6"));
}

TEST(FiguresQuirks, RatioWithZeroRequestIsNotChecked) {
  // Lavangen-style: nothing requested, the percent cannot be computed.
  const ParsedFile f = MustParse(absl::StrCat(
      kSettlementHeader, SettlementRow("2012", "1920", "anmodning", "personer", "0.00"),
      SettlementRow("2012", "1920", "bosatt", "personer", "0.00"),
      SettlementRow("2012", "1920", "bosatt_av_anmodede", "prosent", "0.00")));
  ASSERT_EQ(f.records.size(), 1u) << DescribeRejected(f);
  EXPECT_THAT(f.records[0].values[Count::kRefugeesRequested], Optional(0));
}

TEST(FiguresQuirks, SettledOfRequestedPercentsAreChecked) {
  // Halden 2012 from the real file: 30 requested, 10 decided, 6 settled.
  auto file = [](absl::string_view decided_percent) {
    return absl::StrCat(kSettledOfRequestedHeader,
                        "2012,NULL,anmodning,personer,30,bosatt_anmodede,0101,NULL,NULL\n",
                        "2012,NULL,anmodning,prosent,100,bosatt_anmodede,0101,NULL,NULL\n",
                        "2012,NULL,bosatt,personer,6,bosatt_anmodede,0101,NULL,NULL\n",
                        "2012,NULL,bosatt,prosent,20.00,bosatt_anmodede,0101,NULL,NULL\n",
                        "2012,NULL,vedtak,personer,10,bosatt_anmodede,0101,NULL,NULL\n",
                        absl::StrCat("2012,NULL,vedtak,prosent,", decided_percent,
                                     ",bosatt_anmodede,0101,NULL,NULL\n"));
  };
  const ParsedFile good = MustParse(file("33.33"));
  ASSERT_EQ(good.records.size(), 1u) << DescribeRejected(good);
  EXPECT_THAT(good.records[0].values[Count::kRefugeesDecided], Optional(10));
  const ParsedFile bad = MustParse(file("50.00"));
  EXPECT_THAT(bad.records, IsEmpty());
  ASSERT_EQ(bad.rejected.size(), 1u);
  EXPECT_THAT(bad.rejected[0].reason, HasSubstr("line 7"));
}

// ---------------------------------------------------------------------------
// Contradictions and malformed rows

TEST(FiguresQuirks, ContradictingValuesRejectTheRecord) {
  const ParsedFile f =
      MustParse(absl::StrCat(kSettlementHeader,                                               //
                             SettlementRow("2014", "0906", "bosatt", "personer", "85.00"),    // 2
                             SettlementRow("2014", "0301", "bosatt", "personer", "12.00"),    // 3
                             SettlementRow("2014", "0906", "bosatt", "personer", "86.00")));  // 4
  EXPECT_EQ(Find(f, Subject::Municipality(906), 2014), nullptr);
  ASSERT_EQ(f.rejected.size(), 1u);
  EXPECT_EQ(f.rejected[0].line, 2);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 4"));
  EXPECT_NE(Find(f, Subject::Municipality(301), 2014), nullptr);
}

TEST(FiguresQuirks, RepeatingTheSameValueIsNotAContradiction) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader, SettlementRow("2014", "0906", "bosatt", "personer", "85.00"),
                   SettlementRow("2014", "0906", "bosatt", "personer", "85")));
  ASSERT_EQ(f.records.size(), 1u) << DescribeRejected(f);
  EXPECT_THAT(f.records[0].values[Count::kRefugeesSettled], Optional(85));
}

TEST(FiguresQuirks, UnknownMeasureRejectsItsRecord) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader, SettlementRow("2014", "0906", "bosatt", "personer", "85.00"),
                   SettlementRow("2014", "0906", "utvandret", "personer", "3")));  // line 3
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 3"));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("utvandret"));
}

TEST(FiguresQuirks, CountsInAnotherUnitRejectTheRecord) {
  const ParsedFile f = MustParse(
      absl::StrCat(kSettlementHeader, SettlementRow("2014", "0906", "bosatt", "prosent", "85.00")));
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2}));
}

TEST(FiguresQuirks, MalformedRowsAreRejectedWithTheirLines) {
  const ParsedFile f = MustParse(absl::StrCat(
      kSettlementHeader,
      "2014,NULL,bosatt,personer,85.00,bosetting,0906,NULL\n",             // 2: 8 columns
      "20x4,NULL,bosatt,personer,85.00,bosetting,0301,NULL,NULL\n",        // 3: year
      "2014,NULL,bosatt,personer,85.00,bosatt_anmodede,1601,NULL,NULL\n",  // 4: other table
      SettlementRow("2014", "1201", "bosatt", "personer", "40")));         // 5
  EXPECT_EQ(f.rows, 4);
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 3, 4}));
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].subject, Subject::Municipality(1201));
}

TEST(FiguresQuirks, BrokenQuotingStopsTheFileWithTheLine) {
  const ParsedFile f = MustParse(absl::StrCat(
      kSettlementHeader, SettlementRow("2014", "0301", "bosatt", "personer", "12"),
      "2014,NULL,bosatt,personer,\"85.00,bosetting,0906,NULL,NULL\n"));  // line 3: unclosed
  ASSERT_FALSE(f.rejected.empty());
  EXPECT_EQ(f.rejected.back().line, 3);
  EXPECT_EQ(Find(f, Subject::Municipality(906), 2014), nullptr);
}

TEST(FiguresQuirks, UnknownHeaderOrEmptyFileIsAnError) {
  EXPECT_EQ(ParseText("kommune,aar,verdi\n0906,2014,85\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseText("").status().code(), absl::StatusCode::kInvalidArgument);
  // A header missing one required column of bosetting.csv.
  EXPECT_EQ(ParseText("aar,fylke_id,bosetting,enhet,tabellvariabel,tabell_navn,kommune_id,"
                      "naringsregion_id\n")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FiguresQuirks, HeaderOnlyFileHasNoRows) {
  const ParsedFile f = MustParse(kSettlementHeader);
  EXPECT_EQ(f.kind, FileKind::kSettlement);
  EXPECT_EQ(f.rows, 0);
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(f.rejected, IsEmpty());
}

TEST(FiguresQuirks, KindIsDetectedFromTheHeaderWhateverTheColumnOrder) {
  // bosatt_anmodede.csv's columns, reordered and quoted.
  const ParsedFile f = MustParse(
      "\"tabellvariabel\",\"aar\",\"kommune_nr\",\"fylke_nr\",\"bosetting\",\"enhet\","
      "\"tabell_navn\",\"naringsregion_nr\",\"bydel_nr\"\n"
      "\"30\",\"2012\",\"0101\",\"NULL\",\"anmodning\",\"personer\",\"bosatt_anmodede\","
      "\"NULL\",\"NULL\"\n");
  EXPECT_EQ(f.kind, FileKind::kSettledOfRequested);
  ASSERT_EQ(f.records.size(), 1u) << DescribeRejected(f);
  EXPECT_EQ(f.records[0].subject, Subject::Municipality(101));
  EXPECT_THAT(f.records[0].values[Count::kRefugeesRequested], Optional(30));
}

// ---------------------------------------------------------------------------
// Introduction programme and population

TEST(FiguresQuirks, IntroFollowupStoresTheCohortOfTheYearBefore) {
  const ParsedFile f = MustParse(
      absl::StrCat(kFollowupHeader,                                         //
                   FollowupRow("2012", "alle", "alle", "personer", "25"),   // 2
                   FollowupRow("2012", "alle", "alle", "prosent", "100"),   // 3
                   FollowupRow("2012", "alle", "arbutd", "prosent", "68"),  // 4
                   FollowupRow("2012", "0", "alle", "personer", "11"),      // 5: by sex
                   FollowupRow("2010", "alle", "alle", "personer", "30"),   // 6: older cohort
                   FollowupRow("2008", "alle", "arbutd", "prosent", "50"),  // 7: older cohort
                   FollowupRow("2012", "alle", "ledig_tiltak", "prosent", "12")));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  ASSERT_EQ(f.records.size(), 1u);
  const ImportRecord& r = f.records[0];
  EXPECT_EQ(r.subject, Subject::Municipality(906));
  EXPECT_EQ(r.year, 2012);
  EXPECT_EQ(r.line, 2);
  EXPECT_THAT(r.values[Count::kIntroFollowupTotal], Optional(25));
  EXPECT_THAT(r.values[Percent::kIntroFollowupWorkOrEducation], Optional(68.0));
  EXPECT_EQ(r.values[Count::kIntroFollowupWorkOrEducation], std::nullopt);
  EXPECT_EQ(SkippedMentioning(f, "cohort"), 2);
  EXPECT_EQ(SkippedMentioning(f, "sex"), 1);
}

TEST(FiguresQuirks, IntroFollowupFractionalPersonsRejectTheRecord) {
  const ParsedFile f = MustParse(absl::StrCat(
      kFollowupHeader, FollowupRow("2012", "alle", "alle", "personer", "192.15"),
      FollowupRow("2012", "alle", "arbutd", "prosent", "68"),
      FollowupRow("2010", "alle", "alle", "personer", "192.15")));  // skipped: older cohort
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("2012"));
}

TEST(FiguresQuirks, IntroCompletionChecksItsPercent) {
  constexpr char kHeader[] =
      "aar,bydel_nr,avslutning_arsak_8,kjonn,enhet,tabellvariabel,tabell_navn,"
      "avslutning_arsak_3,fylke_nr,naringsregion_nr,kommune_nr\n";
  auto row = [](absl::string_view reason8, absl::string_view sex, absl::string_view unit,
                absl::string_view value, absl::string_view reason3) {
    return absl::StrCat("2014,NULL,", reason8, ",", sex, ",", unit, ",", value,
                        ",intro_avslutning_direkte,", reason3, ",NULL,NULL,0906\n");
  };
  auto file = [&](absl::string_view percent) {
    return absl::StrCat(kHeader, row("arbeid", "alle", "personer", "11", "NULL"),  // reason 8
                        row("NULL", "alle", "personer", "46", "alle"),             // 3
                        row("NULL", "alle", "personer", "19", "arbutd"),           // 4
                        row("NULL", "alle", "prosent", percent, "arbutd"),         // 5
                        row("NULL", "0", "personer", "9", "arbutd"),               // by sex
                        row("NULL", "alle", "personer", "27", "annet"));           // other
  };
  const ParsedFile good = MustParse(file("41.30434783"));  // 19 / 46
  ASSERT_EQ(good.records.size(), 1u) << DescribeRejected(good);
  EXPECT_THAT(good.records[0].values[Count::kIntroFinished], Optional(46));
  EXPECT_THAT(good.records[0].values[Count::kIntroToWorkOrEducation], Optional(19));
  EXPECT_EQ(SkippedMentioning(good, "reason"), 1);
  EXPECT_EQ(SkippedMentioning(good, "sex"), 1);
  EXPECT_EQ(SkippedMentioning(good, "annet"), 1);
  const ParsedFile bad = MustParse(file("58.7"));
  EXPECT_THAT(bad.records, IsEmpty());
  ASSERT_EQ(bad.rejected.size(), 1u);
  EXPECT_THAT(bad.rejected[0].reason, HasSubstr("line 5"));
}

TEST(FiguresQuirks, PopulationSumsTheSevenAgeGroupsOfEveryone) {
  const ParsedFile f =
      MustParse(absl::StrCat(ArendalPopulation("3142"), PopulationRow("0_5", "999", "innvandrere"),
                             PopulationRow("0_5", "1500", "alle", "0")));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_THAT(f.records[0].values[Count::kPopulation], Optional(43841));
  EXPECT_EQ(f.records[0].line, 2);
}

TEST(FiguresQuirks, PopulationWithAnAbsentAgeGroupIsUnknown) {
  const ParsedFile f = MustParse(ArendalPopulation("."));
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(f.rejected, IsEmpty());
  EXPECT_EQ(SkippedMentioning(f, "without a value"), 1);
}

TEST(FiguresQuirks, PopulationWithAMissingAgeGroupIsRejected) {
  const ParsedFile f = MustParse(
      absl::StrCat(kPopulationHeader, PopulationRow("0_5", "3142"), PopulationRow("6_15", "5336"),
                   PopulationRow("16_19", "2301"), PopulationRow("20_29", "5398"),
                   PopulationRow("30_54", "14745"), PopulationRow("55_66", "6758")));  // no 67+
  EXPECT_THAT(f.records, IsEmpty());
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("6 of 7"));
}

TEST(FiguresQuirks, PopulationWithAFractionalAgeGroupIsRejectedOnce) {
  // The bad row comes first; the six good rows after it must not hide it,
  // and the record is reported once, naming the bad line.
  const ParsedFile f = MustParse(ArendalPopulation("3142.5"));
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u) << DescribeRejected(f);
  EXPECT_EQ(f.rejected[0].line, 2);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("3142.5"));
}

TEST(FiguresQuirks, PopulationWithARepeatedAgeGroupIsRejected) {
  const ParsedFile f =
      MustParse(absl::StrCat(ArendalPopulation("3142"), PopulationRow("6_15", "5336")));  // 9
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u) << DescribeRejected(f);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 9"));
}

TEST(FiguresQuirks, PopulationWithAnUnknownAgeGroupIsRejected) {
  const ParsedFile f =
      MustParse(absl::StrCat(ArendalPopulation("3142"), PopulationRow("90+", "12")));  // 9
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_FALSE(f.rejected.empty());
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 9"));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("90+"));
}

// ---------------------------------------------------------------------------
// The published figures file

TEST(PublishedFigures, SubjectsFromCodes) {
  const ParsedFile f = MustParse(absl::StrCat(
      kPublishedHeader,                                          //
      "0000,Norge,2016,refugees_settled,15291,,src-a\n",         // 2
      "F01,fylke Østfold,2016,refugees_requested,780,,src-b\n",  // 3
      "R-MIDT,\"IMDi Midt-Norge (Møre og Romsdal)\",2016,refugees_settled,2702,,src-c\n",
      "0906,Arendal,2016,refugees_decided,150,,src-d\n",                     // 5
      "1601,Trondheim,2016,intro_to_work_or_education_pct,53.5,,src-e\n"));  // 6
  EXPECT_EQ(f.kind, FileKind::kPublishedFigures);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  ASSERT_EQ(f.records.size(), 5u);
  const ImportRecord* norway = Find(f, Subject::Country(), 2016);
  ASSERT_NE(norway, nullptr);
  EXPECT_THAT(norway->values[Count::kRefugeesSettled], Optional(15291));
  const ImportRecord* ostfold = Find(f, Subject::County(1), 2016);
  ASSERT_NE(ostfold, nullptr);
  EXPECT_THAT(ostfold->values[Count::kRefugeesRequested], Optional(780));
  const ImportRecord* midt = Find(f, Subject::Region(ImdiRegion::kMidtNorge), 2016);
  ASSERT_NE(midt, nullptr);
  EXPECT_THAT(midt->values[Count::kRefugeesSettled], Optional(2702));
  EXPECT_EQ(midt->source, "src-c");
  const ImportRecord* arendal = Find(f, Subject::Municipality(906), 2016);
  ASSERT_NE(arendal, nullptr);
  EXPECT_EQ(arendal->line, 5);
  const ImportRecord* trondheim = Find(f, Subject::Municipality(1601), 2016);
  ASSERT_NE(trondheim, nullptr);
  EXPECT_THAT(trondheim->values[Percent::kIntroToWorkOrEducation], Optional(53.5));
}

TEST(PublishedFigures, JoinsSourcesAndNotesPerRecord) {
  const ParsedFile f = MustParse(
      absl::StrCat(kPublishedHeader,  //
                   "0906,Arendal,2016,refugees_decided,150,decided 150,seed A\n",
                   "0906,Arendal,2016,minors_decided,35,,seed A\n",
                   "0906,Arendal,2016,refugees_settled,140,\"settled, in the end\",annual report\n",
                   "0906,Arendal,2017,refugees_decided,60,,other\n"));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  const ImportRecord* r16 = Find(f, Subject::Municipality(906), 2016);
  ASSERT_NE(r16, nullptr);
  EXPECT_THAT(r16->values[Count::kRefugeesDecided], Optional(150));
  EXPECT_THAT(r16->values[Count::kMinorsDecided], Optional(35));
  EXPECT_THAT(r16->values[Count::kRefugeesSettled], Optional(140));
  // Each distinct source and note once; one record's texts never leak into
  // another's.
  EXPECT_THAT(r16->source, HasSubstr("seed A"));
  EXPECT_THAT(r16->source, HasSubstr("annual report"));
  EXPECT_EQ(r16->source.find("seed A"), r16->source.rfind("seed A"));
  EXPECT_THAT(r16->source, ::testing::Not(HasSubstr("other")));
  EXPECT_THAT(r16->note, HasSubstr("decided 150"));
  EXPECT_THAT(r16->note, HasSubstr("settled, in the end"));
  const ImportRecord* r17 = Find(f, Subject::Municipality(906), 2017);
  ASSERT_NE(r17, nullptr);
  EXPECT_EQ(r17->source, "other");
  EXPECT_EQ(r17->note, "");
}

TEST(PublishedFigures, UnknownMeasureOrCodeIsRejectedWithItsLine) {
  const ParsedFile f = MustParse(
      absl::StrCat(kPublishedHeader,                                    //
                   "0906,Arendal,2016,refugees_decided,150,,s\n",       // 2
                   "0906,Arendal,2016,refugees_welcomed,150,,s\n",      // 3: unknown measure
                   "R-VESTLAND,Vestland,2016,refugees_settled,1,,s\n",  // 4: unknown region
                   "906,Arendal,2016,refugees_settled,1,,s\n",          // 5: three digits
                   "F01,fylke Østfold,20x6,refugees_settled,1,,s\n",    // 6: year
                   "0301,Oslo,2016,refugees_settled,10.5,,s\n",         // 7: fractional
                   "1201,Bergen,2016,refugees_settled,720,,s\n"));      // 8
  // Rows that cannot be placed are rejected by themselves (4, 5, 6); a bad
  // row of a record rejects the record, reported at its first line (2 for
  // Arendal, whose line 3 is bad; 7 for Oslo). The same rule holds for the
  // IMDi export formats: no record is imported in part.
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 4, 5, 6, 7}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("municipality 0906 2016"));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("not imported"));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 3: unknown measure \"refugees_welcomed\""));
  EXPECT_EQ(Find(f, Subject::Municipality(906), 2016), nullptr);
  EXPECT_EQ(Find(f, Subject::Municipality(301), 2016), nullptr);
  const ImportRecord* bergen = Find(f, Subject::Municipality(1201), 2016);
  ASSERT_NE(bergen, nullptr);
  EXPECT_THAT(bergen->values[Count::kRefugeesSettled], Optional(720));
}

TEST(PublishedFigures, TextsBeyondTheirBoundsRejectTheRecord) {
  const std::string long_source(kMaxLineBytes + 1, 's');
  const std::string half_source(kMaxLineBytes / 2 + 10, 'h');
  const ParsedFile f =
      MustParse(absl::StrCat(kPublishedHeader,                                               //
                             "0906,Arendal,2016,refugees_decided,150,,", long_source, "\n",  // 2
                             "1201,Bergen,2016,refugees_settled,720,two\tcolumns,s\n",       // 3
                             "1201,Bergen,2016,refugees_decided,720,,s\n",                   // 4
                             "0301,Oslo,2016,refugees_decided,10,,", half_source, "1\n",     // 5
                             "0301,Oslo,2016,refugees_settled,10,,", half_source, "2\n"));   // 6
  // Arendal's source is too long; Oslo's two sources are each fine, but
  // joined they are more than one record holds. Bergen's note with a tab
  // is fine: notes may hold tabs and line breaks.
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 5}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("source is 501 bytes long; at most 500"));
  EXPECT_THAT(f.rejected[1].reason, HasSubstr("together are longer than one record holds"));
  ASSERT_NE(Find(f, Subject::Municipality(1201), 2016), nullptr);
}

TEST(FiguresQuirks, ARowThatIsNotUtf8RejectsItsRecordWithTheLine) {
  // Latin-1 "Ø" (0xD8) in a name: such a row could not be sent (protobuf
  // text is UTF-8), and it is reported here with its line, not by the
  // service for the whole message.
  const ParsedFile f = MustParse(
      absl::StrCat(kPublishedHeader,                                              //
                   "0906,Arendal,2016,refugees_decided,150,,s\n",                 // 2
                   "0906,Arendal,2016,refugees_settled,100,,fylke \xd8stfold\n",  // 3
                   "F01,fylke \xd8stfold,2016,refugees_settled,1,,s\n",  // 4: the name column
                   "9\xff"
                   "06,Arendal,2016,refugees_settled,1,,s\n",       // 5: cannot be placed
                   "1201,Bergen,2016,refugees_settled,720,,s\n"));  // 6
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 4, 5}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 3: column source: byte 7 is not UTF-8"));
  EXPECT_THAT(f.rejected[1].reason, HasSubstr("line 4: column name: byte 7 is not UTF-8"));
  EXPECT_THAT(f.rejected[2].reason, HasSubstr("column code_2016: byte 2 is not UTF-8"));
  EXPECT_THAT(f.records, ::testing::SizeIs(1));
}

TEST(FiguresQuirks, AnOversizedRowIsRejectedAndTheRestOfTheFileIsRead) {
  const std::string huge(kMaxCsvRecordBytes + 10, 'x');
  const ParsedFile f = MustParse(
      absl::StrCat(kPublishedHeader,                                             //
                   "0906,Arendal,2016,refugees_decided,150,,s\n",                // 2
                   "0906,Arendal,2016,refugees_settled,100,\"", huge, "\",s\n",  // 3: 64 KiB note
                   "1201,Bergen,2016,refugees_settled,720,,s\n",                 // 4
                   "0301,Oslo,2016,refugees_settled,10,,", huge, "\n",           // 5
                   "1804,Bodø,2016,refugees_settled,60,,s\n"));                  // 6
  // Both oversized rows are placed from the part that was kept: each
  // rejects its record, and the file goes on after them.
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 5}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 3: the row is longer than 65536 bytes"));
  EXPECT_EQ(f.rows, 5);
  EXPECT_NE(Find(f, Subject::Municipality(1201), 2016), nullptr);
  EXPECT_NE(Find(f, Subject::Municipality(1804), 2016), nullptr);
}

TEST(PublishedFigures, ContradictingRowsRejectTheRecord) {
  const ParsedFile f =
      MustParse(absl::StrCat(kPublishedHeader, "0906,Arendal,2016,refugees_decided,150,,s1\n",
                             "0906,Arendal,2016,refugees_decided,151,,s2\n"));
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u);
  EXPECT_EQ(f.rejected[0].line, 2);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("line 3"));
}

// ---------------------------------------------------------------------------
// The 2015-2016 files (imdikator-2015-2016/): semicolons, codes without their
// leading zeros, decimal commas, wide tables. Expected values read off the
// files with grep.

constexpr char kTableHeader[] =
    "kommune_nr;aar;bosetting.anmodning;bosetting.vedtak;bosetting.bosatt\n";
constexpr char kWideHeader[] =
    "kommune_nr;anmodning_2016_personer;vedtak_2016_personer;bosatt_2016_personer;"
    "anmodning_2016_prosent;vedtak_2016_prosent;bosatt_2016_prosent\n";

const ImportRecord& MustFind(const ParsedFile& file, const Subject& subject, int year) {
  static const ImportRecord kNone;
  const ImportRecord* r = Find(file, subject, year);
  EXPECT_NE(r, nullptr) << stats::DescribeSubject(subject) << " " << year;
  return r != nullptr ? *r : kNone;
}

TEST(Figures2015, TheYearTableOf2015) {
  const ParsedFile& f = Real("imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv");
  EXPECT_EQ(f.kind, FileKind::kSettlementTable);
  EXPECT_EQ(f.rows, 429);  // 428 municipalities and 9999
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  EXPECT_EQ(f.records.size(), 429u);
  EXPECT_EQ(f.fates.accepted, 429);
  // Line 2 "101;2015;30;48;49": Halden, its leading zero restored.
  const ImportRecord& halden = MustFind(f, Subject::Municipality(101), 2015);
  EXPECT_EQ(halden.line, 2);
  EXPECT_THAT(halden.values[Count::kRefugeesRequested], Optional(30));
  EXPECT_THAT(halden.values[Count::kRefugeesDecided], Optional(48));
  EXPECT_THAT(halden.values[Count::kRefugeesSettled], Optional(49));
  // Line 213 "1234;2015;10;;0": the empty decision is absent, the 0 a real 0.
  const ImportRecord& r1234 = MustFind(f, Subject::Municipality(1234), 2015);
  EXPECT_EQ(r1234.values[Count::kRefugeesDecided], std::nullopt);
  EXPECT_THAT(r1234.values[Count::kRefugeesSettled], Optional(0));
  // Line 430 "9999;2015;;;74": settled in an unknown municipality, kept as
  // county 99 with a note saying so.
  EXPECT_FALSE(AnyRecordFor(f, Subject::Municipality(9999)));
  const ImportRecord& unknown = MustFind(f, Subject::County(99), 2015);
  EXPECT_EQ(unknown.line, 430);
  EXPECT_THAT(unknown.values[Count::kRefugeesSettled], Optional(74));
  EXPECT_EQ(unknown.values[Count::kRefugeesRequested], std::nullopt);
  EXPECT_THAT(unknown.note, HasSubstr("9999"));
  EXPECT_THAT(unknown.note, HasSubstr("unknown municipality"));
  EXPECT_TRUE(halden.note.empty());
  // The data README: 11,268 settled in the 428 municipalities; 11,342 with
  // the unknown municipality.
  int64_t municipalities = 0;
  int64_t settled = 0;
  for (const ImportRecord& r : f.records) {
    if (!r.subject.is_municipality()) continue;
    ++municipalities;
    settled += r.values[Count::kRefugeesSettled].value_or(0);
  }
  EXPECT_EQ(municipalities, 428);
  EXPECT_EQ(settled, 11268);
  EXPECT_EQ(settled + *unknown.values[Count::kRefugeesSettled], 11342);
  EXPECT_TRUE(SortedBySubjectAndYear(f));
}

TEST(Figures2015, TheWideMunicipalTableMapsEachColumnToItsYearAndMeasure) {
  const ParsedFile& f = Real("imdikator-2015-2016/bosatt_anmodede-kommune-2015_2017.csv");
  EXPECT_EQ(f.kind, FileKind::kWideMunicipal);
  EXPECT_EQ(f.rows, 428);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  EXPECT_EQ(f.fates.accepted, 428);
  // Line 2: 0101;;30;48;70;57;;80;.;;;100;160;100;81,42857143;;100;.;
  for (int year : {2015, 2016, 2017}) {
    EXPECT_EQ(MustFind(f, Subject::Municipality(101), year).line, 2) << year;
  }
  const ImportRecord& y2015 = MustFind(f, Subject::Municipality(101), 2015);
  EXPECT_THAT(y2015.values[Count::kRefugeesRequested], Optional(30));
  EXPECT_THAT(y2015.values[Count::kRefugeesDecided], Optional(48));
  EXPECT_EQ(y2015.values[Count::kRefugeesSettled], std::nullopt);  // empty
  const ImportRecord& y2016 = MustFind(f, Subject::Municipality(101), 2016);
  EXPECT_THAT(y2016.values[Count::kRefugeesRequested], Optional(70));
  EXPECT_THAT(y2016.values[Count::kRefugeesDecided], Optional(57));
  const ImportRecord& y2017 = MustFind(f, Subject::Municipality(101), 2017);
  EXPECT_THAT(y2017.values[Count::kRefugeesRequested], Optional(80));
  EXPECT_EQ(y2017.values[Count::kRefugeesDecided], std::nullopt);  // "."
  // Bergen (1201) 2016: 350 decided of 720, printed 48,61111111 %.
  EXPECT_THAT(MustFind(f, Subject::Municipality(1201), 2016).values[Count::kRefugeesDecided],
              Optional(350));
  EXPECT_EQ(f.records.size(), 428u * 3);
}

TEST(Figures2015, TheWideCountyTableHasTheCountryAsCountyZero) {
  const ParsedFile& f = Real("imdikator-2015-2016/bosatt_anmodede-fylke-2015_2017.csv");
  EXPECT_EQ(f.kind, FileKind::kWideCounty);
  EXPECT_EQ(f.rows, 20);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  // Line 2 "2;777,00;910,00;;1410,00;1114,00;;1650,00;392,00;;...": Akershus.
  const ImportRecord& akershus = MustFind(f, Subject::County(2), 2015);
  EXPECT_THAT(akershus.values[Count::kRefugeesRequested], Optional(777));
  EXPECT_THAT(akershus.values[Count::kRefugeesDecided], Optional(910));
  EXPECT_EQ(akershus.values[Count::kRefugeesSettled], std::nullopt);
  EXPECT_THAT(MustFind(f, Subject::County(2), 2017).values[Count::kRefugeesDecided], Optional(392));
  // Line 17 "0;11185,00;11719,00;;18521,00;14556,00;;21498,00;5944,00;...".
  EXPECT_FALSE(AnyRecordFor(f, Subject::County(0)));
  const ImportRecord& norway = MustFind(f, Subject::Country(), 2016);
  EXPECT_EQ(norway.line, 17);
  EXPECT_THAT(norway.values[Count::kRefugeesRequested], Optional(18521));
  EXPECT_THAT(norway.values[Count::kRefugeesDecided], Optional(14556));
  EXPECT_THAT(MustFind(f, Subject::Country(), 2015).values[Count::kRefugeesRequested],
              Optional(11185));
  // Line 20: Buskerud (7) decided "0,00" in 2017, a real 0.
  EXPECT_THAT(MustFind(f, Subject::County(7), 2017).values[Count::kRefugeesDecided], Optional(0));
}

TEST(Figures2015, TheQuotedCommaSnapshotHas2015And2016) {
  const ParsedFile& f =
      Real("imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2015_2016-160126.csv");
  EXPECT_EQ(f.kind, FileKind::kSettlementTable);
  EXPECT_EQ(f.rows, 856);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  EXPECT_EQ(f.records.size(), 856u);
  // 101,2015,30,"48","." and 101,2016,70,"57",".".
  const ImportRecord& y2015 = MustFind(f, Subject::Municipality(101), 2015);
  EXPECT_THAT(y2015.values[Count::kRefugeesRequested], Optional(30));
  EXPECT_THAT(y2015.values[Count::kRefugeesDecided], Optional(48));
  EXPECT_EQ(y2015.values[Count::kRefugeesSettled], std::nullopt);
  const ImportRecord& y2016 = MustFind(f, Subject::Municipality(101), 2016);
  EXPECT_THAT(y2016.values[Count::kRefugeesRequested], Optional(70));
  EXPECT_THAT(y2016.values[Count::kRefugeesDecided], Optional(57));
}

TEST(Figures2015, EverySnapshotIsReadWhole) {
  for (const char* date : {"160202", "160212", "160218", "160301", "160308", "160315", "160322"}) {
    SCOPED_TRACE(date);
    const ParsedFile& f = Real(absl::StrCat(
        "imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2016-", date, ".csv"));
    EXPECT_EQ(f.kind, FileKind::kSettlementTable);
    EXPECT_EQ(f.rows, 428);
    EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
    EXPECT_EQ(f.records.size(), 428u);
    EXPECT_THAT(MustFind(f, Subject::Municipality(101), 2016).values[Count::kRefugeesRequested],
                Optional(70));
  }
  // 160202 line 11 "0123;2016;30; ;.": a blank decision is absent; on
  // 160218 Spydeberg had decided 15.
  const ParsedFile& early =
      Real("imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2016-160202.csv");
  const ImportRecord& spydeberg = MustFind(early, Subject::Municipality(123), 2016);
  EXPECT_THAT(spydeberg.values[Count::kRefugeesRequested], Optional(30));
  EXPECT_EQ(spydeberg.values[Count::kRefugeesDecided], std::nullopt);
  const ParsedFile& later =
      Real("imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2016-160218.csv");
  EXPECT_THAT(MustFind(later, Subject::Municipality(123), 2016).values[Count::kRefugeesDecided],
              Optional(15));
}

TEST(Figures2015, CodesOfOneToFourDigitsKeepTheirLeadingZeros) {
  const ParsedFile f =
      MustParse(absl::StrCat(kTableHeader,  //
                             "101;2016;70;57;\n", "0104;2016;80;80;\n", "21;2016;1;1;\n"));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  EXPECT_THAT(MustFind(f, Subject::Municipality(101), 2016).values[Count::kRefugeesRequested],
              Optional(70));
  EXPECT_NE(Find(f, Subject::Municipality(104), 2016), nullptr);
  EXPECT_NE(Find(f, Subject::Municipality(21), 2016), nullptr);
}

TEST(Figures2015, CodesOfFiveDigitsOrNotDigitsAreRejectedWithTheirLines) {
  const ParsedFile f = MustParse(absl::StrCat(kTableHeader,           //
                                              "01010;2016;70;57;\n",  // 2
                                              "1O1;2016;70;57;\n",    // 3
                                              ";2016;70;57;\n",       // 4
                                              "0;2016;70;57;\n",      // 5
                                              "-101;2016;70;57;\n",   // 6
                                              "0104;2016;80;80;\n"));
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({2, 3, 4, 5, 6}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("municipality code \"01010\""));
  EXPECT_EQ(f.fates.rejected_alone, 5);
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].subject, Subject::Municipality(104));
}

TEST(Figures2015, DotAndEmptyAndBlankAreAbsentNeverZero) {
  const ParsedFile f =
      MustParse(absl::StrCat(kTableHeader,  //
                             "101;2016;.;;0\n", "104;2016; ;0,00;.\n", "105;2016;.;;\n"));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  const ImportRecord& r101 = MustFind(f, Subject::Municipality(101), 2016);
  EXPECT_EQ(r101.values[Count::kRefugeesRequested], std::nullopt);
  EXPECT_EQ(r101.values[Count::kRefugeesDecided], std::nullopt);
  EXPECT_THAT(r101.values[Count::kRefugeesSettled], Optional(0));
  const ImportRecord& r104 = MustFind(f, Subject::Municipality(104), 2016);
  EXPECT_EQ(r104.values[Count::kRefugeesRequested], std::nullopt);
  EXPECT_THAT(r104.values[Count::kRefugeesDecided], Optional(0));
  EXPECT_EQ(r104.values[Count::kRefugeesSettled], std::nullopt);
  // The table states every count on every row: what it leaves empty was
  // not known on its date, and the record says so.
  EXPECT_THAT(r101.absent_counts, ElementsAre(Count::kRefugeesRequested, Count::kRefugeesDecided));
  EXPECT_THAT(r104.absent_counts, ElementsAre(Count::kRefugeesRequested, Count::kRefugeesSettled));
  // Nothing known: a record that says only that, sent so that it clears
  // what was known before.
  const ImportRecord& r105 = MustFind(f, Subject::Municipality(105), 2016);
  EXPECT_TRUE(r105.values.empty());
  EXPECT_THAT(r105.absent_counts, ElementsAre(Count::kRefugeesRequested, Count::kRefugeesDecided,
                                              Count::kRefugeesSettled));
  EXPECT_EQ(f.fates.accepted, 3);
  EXPECT_EQ(f.fates.without_value, 0);
  EXPECT_EQ(f.fates.total(), f.rows);
}

TEST(Figures2015, KrodsheradsDecisionIsZeroThenNotKnownThen15) {
  // Line 102 of each: "0622;2016;15;0;.", "0622;2016;15;;.", "622;2016;15;15;".
  const auto record = [](const char* date) {
    const ParsedFile& f = Real(absl::StrCat(
        "imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2016-", date, ".csv"));
    EXPECT_EQ(f.fates.total(), f.rows);
    return MustFind(f, Subject::Municipality(622), 2016);
  };
  const ImportRecord on0202 = record("160202");
  EXPECT_THAT(on0202.values[Count::kRefugeesDecided], Optional(0));
  EXPECT_THAT(on0202.absent_counts, ElementsAre(Count::kRefugeesSettled));
  const ImportRecord on0212 = record("160212");
  EXPECT_EQ(on0212.values[Count::kRefugeesDecided], std::nullopt);
  EXPECT_THAT(on0212.values[Count::kRefugeesRequested], Optional(15));
  EXPECT_THAT(on0212.absent_counts, ElementsAre(Count::kRefugeesDecided, Count::kRefugeesSettled));
  const ImportRecord on0308 = record("160308");
  EXPECT_THAT(on0308.values[Count::kRefugeesDecided], Optional(15));
  EXPECT_THAT(on0308.absent_counts, ElementsAre(Count::kRefugeesSettled));
}

TEST(Figures2015, AWideRowNamesTheCountsItLeavesEmptyInEachYear) {
  // Requested 70 and decided "." in 2016; settled " ".
  const ParsedFile f = MustParse(absl::StrCat(kWideHeader, "0101;70;.; ;100;;\n"));
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  const ImportRecord& r = MustFind(f, Subject::Municipality(101), 2016);
  EXPECT_THAT(r.values[Count::kRefugeesRequested], Optional(70));
  EXPECT_THAT(r.absent_counts, ElementsAre(Count::kRefugeesDecided, Count::kRefugeesSettled));
  EXPECT_EQ(f.fates.accepted, 1);
}

TEST(Figures2015, DecimalCommaCountsMustBeWhole) {
  const ParsedFile f = MustParse(absl::StrCat(kTableHeader,  //
                                              "101;2016;777,00;48;\n",
                                              "104;2016;80;77,5;\n",      // 3
                                              "105;2016;1,234,5;1;\n"));  // 4
  EXPECT_THAT(MustFind(f, Subject::Municipality(101), 2016).values[Count::kRefugeesRequested],
              Optional(777));
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({3, 4}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("bosetting.vedtak: count \"77,5\" is not a whole"));
  EXPECT_THAT(f.rejected[1].reason, HasSubstr("\"1,234,5\" is not a number"));
  EXPECT_EQ(f.records.size(), 1u);
}

TEST(Figures2015, TheSnapshotSpellingOfTheHeaderIsTheSameKind) {
  const ParsedFile f = MustParse(
      "\"kommune_nr\",\"aar\",\"bosatt.anmodede\",\"bosatt.vedtak\",\"bosatt.bosatt\"\n"
      "101,2015,30,\"48\",\".\"\n"
      "9999,2015,\"\",\"\",\"74\"\n");
  EXPECT_EQ(f.kind, FileKind::kSettlementTable);
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  EXPECT_THAT(MustFind(f, Subject::Municipality(101), 2015).values[Count::kRefugeesDecided],
              Optional(48));
  EXPECT_THAT(MustFind(f, Subject::County(99), 2015).values[Count::kRefugeesSettled], Optional(74));
}

TEST(Figures2015, AContradictingUnknownMunicipalityAndCounty99RejectTheRecord) {
  // The old export files keep 9999 as county 99 too; a file giving both
  // with different values cannot be trusted for either.
  const ParsedFile f = MustParse(absl::StrCat(
      kSettledOfRequestedHeader, "2014,99,bosatt,personer,65,bosatt_anmodede,NULL,NULL,NULL\n",
      "2014,NULL,bosatt,personer,66,bosatt_anmodede,9999,NULL,NULL\n"));
  EXPECT_EQ(Find(f, Subject::County(99), 2014), nullptr);
  EXPECT_THAT(DescribeRejected(f), HasSubstr("66 contradicts 65"));
}

TEST(Figures2015, WidePercentsAreCheckedWithinTheirPrintedPrecision) {
  // 57 of 70 is 81.428571 %.
  for (const auto& [printed, accepted] :
       std::vector<std::pair<std::string, bool>>{{"81,42857143", true},
                                                 {"81,43", true},
                                                 {"81", true},
                                                 {".", true},
                                                 {"", true},
                                                 {"81,5", false},
                                                 {"81,42", false},
                                                 {"82", false}}) {
    SCOPED_TRACE(printed);
    const ParsedFile f = MustParse(absl::StrCat(kWideHeader, "0101;70;57;;100;", printed, ";\n"));
    EXPECT_EQ(f.records.size(), accepted ? 1u : 0u) << DescribeRejected(f);
    EXPECT_EQ(f.rejected.size(), accepted ? 0u : 1u);
  }
}

TEST(Figures2015, ABadWidePercentRejectsEveryRecordOfItsRowWithTheLine) {
  const ParsedFile f = MustParse(
      "kommune_nr;anmodning_2015_personer;vedtak_2015_personer;anmodning_2016_personer;"
      "vedtak_2016_personer;anmodning_2016_prosent;vedtak_2016_prosent\n"
      "0101;30;48;70;57;100;81,42857143\n"
      "0104;40;43;80;80;100;90\n"        // 3: 80 of 80 is 100 %
      "0105;65;70;130;130;99;100\n"      // 4: the request is 100 % of itself
      "0106;90;105;100;100;100;1OO\n");  // 5: not a number
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({3, 3, 4, 4, 5, 5}))
      << DescribeRejected(f);
  EXPECT_THAT(DescribeRejected(f),
              HasSubstr("0104 2016 not imported: line 3: vedtak_2016_prosent 90 does not agree "
                        "with refugees_decided/refugees_requested = 80/80"));
  EXPECT_THAT(DescribeRejected(f), HasSubstr("line 4: anmodning_2016_prosent 99"));
  EXPECT_THAT(DescribeRejected(f),
              HasSubstr("line 5: vedtak_2016_prosent: \"1OO\" is not a number"));
  EXPECT_EQ(f.records.size(), 2u);  // 0101, 2015 and 2016
  EXPECT_EQ(f.records_rejected, 6);
  EXPECT_EQ(f.fates.accepted, 1);
  EXPECT_EQ(f.fates.in_rejected_records, 3);
  EXPECT_EQ(f.fates.total(), f.rows);
}

TEST(Figures2015, WideCountyCodes) {
  const ParsedFile f = MustParse(
      "fylke_nr;anmodning_2016_personer;anmodning_2016_prosent\n"
      "0;18521,00;100,00\n"
      "2;1410,00;100,00\n"
      "20;612,00;100,00\n"
      "100;1,00;100,00\n"  // 5: three digits
      "x;1,00;100,00\n");  // 6
  EXPECT_THAT(MustFind(f, Subject::Country(), 2016).values[Count::kRefugeesRequested],
              Optional(18521));
  EXPECT_THAT(MustFind(f, Subject::County(2), 2016).values[Count::kRefugeesRequested],
              Optional(1410));
  EXPECT_NE(Find(f, Subject::County(20), 2016), nullptr);
  EXPECT_THAT(RejectedLines(f), ElementsAreArray<int64_t>({5, 6}));
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("county code \"100\""));
}

TEST(Figures2015, AWideHeaderWithAnUnknownColumnIsNotRecognised) {
  EXPECT_FALSE(ParseText("kommune_nr;anmodning_2016_personer;kommentar\n0101;70;x\n").ok());
  EXPECT_FALSE(ParseText("kommune_nr;anmodning_2016_tusen\n0101;70\n").ok());
  EXPECT_FALSE(ParseText("kommune_nr\n0101\n").ok());
  EXPECT_FALSE(ParseText("anmodning_2016_personer\n70\n").ok());
}

TEST(DescribeKindTest, NamesTheTable) {
  EXPECT_THAT(DescribeKind(FileKind::kSettlement), HasSubstr("bosetting"));
  EXPECT_THAT(DescribeKind(FileKind::kSettledOfRequested), HasSubstr("bosatt_anmodede"));
  EXPECT_THAT(DescribeKind(FileKind::kIntroCompletion), HasSubstr("intro_avslutning_direkte"));
  EXPECT_THAT(DescribeKind(FileKind::kIntroFollowup), HasSubstr("intro_status_arbutd"));
  EXPECT_THAT(DescribeKind(FileKind::kPopulationByAge), HasSubstr("befolkning_alder"));
}

TEST(FiguresQuirks, CountsBeyondInt32AreRejectedNotWrapped) {
  std::istringstream in(
      "code_2016,name,year,measure,value,note,source\n"
      "0906,Arendal,2016,refugees_settled,4294967296,,x\n"
      "0906,Arendal,2016,refugees_decided,1e300,,x\n"
      "0906,Arendal,2016,refugees_requested,-5,,x\n"
      "0906,Arendal,2016,minors_settled,35,,x\n"
      "1201,Bergen,2016,refugees_requested,2147483647,,x\n");
  auto parsed = ParseFiguresFile(in);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  // Arendal's record has three bad rows: it is rejected whole, naming each.
  ASSERT_EQ(parsed->rejected.size(), 1u);
  EXPECT_EQ(parsed->rejected[0].line, 2);
  EXPECT_THAT(parsed->rejected[0].reason, HasSubstr("line 2: count \"4294967296\" is too large"));
  EXPECT_THAT(parsed->rejected[0].reason, HasSubstr("line 3: count \"1e300\" is too large"));
  EXPECT_THAT(parsed->rejected[0].reason, HasSubstr("line 4: count \"-5\" is negative"));
  ASSERT_EQ(parsed->records.size(), 1u);
  EXPECT_EQ(parsed->records[0].values[Count::kRefugeesRequested], 2147483647);
}

TEST(FiguresQuirks, APopulationTooLargeForACountRejectsItsRecord) {
  // Finding F4 of the fuzz targets: every age group fits a count, their sum
  // does not; building the request once aborted imdictl.
  const ParsedFile f = MustParse(ArendalPopulation("2147483647"));
  EXPECT_THAT(f.records, IsEmpty());
  ASSERT_EQ(f.rejected.size(), 1u);
  EXPECT_THAT(f.rejected[0].reason, HasSubstr("too large to be a count of people"));
}

TEST(FiguresQuirks, AHeaderThatNamesAColumnTwiceRefusesTheFile) {
  // Finding F5 of the fuzz targets: rows were read past their last field.
  std::istringstream in(
      "aar,aar,fylke_id,bosetting,enhet,tabellvariabel,tabell_navn,kommune_id,"
      "naringsregion_id,bydel_id\n2016,NULL,anmodning,personer,5,bosetting,0301,NULL,NULL\n");
  auto parsed = ParseFiguresFile(in);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("names column \"aar\" twice"));
}

// ---------------------------------------------------------------------------
// The service's CSV export (ExportFigures)


constexpr char kExportedHeader[] = "code,name,year,measure,value,status,known_date,note,source\n";

TEST(ExportedFigures, EachRowsOwnCodeStatusAndKnownDate) {
  const ParsedFile f = MustParse(absl::StrCat(
      kExportedHeader,                                                               //
      "1601,Trondheim,2015,refugees_settled,0,preliminary,2016-01-26,,a.csv\n",    // 2
      "1601,Trondheim,2015,refugees_requested,400,preliminary,2016-01-26,,a.csv\n",
      "5001,Trondheim,2018,population,193501,final,2019-01-01,\"x, y\",b.csv\n",  // 4
      "0301,Oslo,2016,intro_to_work_or_education_pct,61.3,,,,\n"));
  EXPECT_EQ(f.kind, FileKind::kExportedFigures);
  EXPECT_EQ(f.codes_year, 0);  // each row in its own year's codes
  EXPECT_THAT(f.rejected, IsEmpty()) << DescribeRejected(f);
  ASSERT_EQ(f.records.size(), 3u);
  const ImportRecord* t2015 = Find(f, Subject::Municipality(1601), 2015);
  ASSERT_NE(t2015, nullptr);
  EXPECT_THAT(t2015->values[Count::kRefugeesSettled], Optional(0));  // a real 0
  EXPECT_THAT(t2015->values[Count::kRefugeesRequested], Optional(400));
  EXPECT_FALSE(t2015->values[Count::kPopulation].has_value());
  EXPECT_EQ(t2015->status, stats::FiguresStatus::kPreliminary);
  EXPECT_EQ(t2015->known_date, "2016-01-26");
  const ImportRecord* t2018 = Find(f, Subject::Municipality(5001), 2018);
  ASSERT_NE(t2018, nullptr);
  EXPECT_EQ(t2018->status, stats::FiguresStatus::kFinal);
  EXPECT_EQ(t2018->note, "x, y");
  const ImportRecord* oslo = Find(f, Subject::Municipality(301), 2016);
  ASSERT_NE(oslo, nullptr);
  EXPECT_EQ(oslo->status, stats::FiguresStatus::kUnspecified);  // stated: none
  EXPECT_EQ(oslo->known_date, "");
}

TEST(ExportedFigures, BadStatusDateOrDisagreeingRowsRejectTheRecord) {
  const ParsedFile f = MustParse(absl::StrCat(
      kExportedHeader,                                                     //
      "0301,Oslo,2015,population,1,draft,,,\n",                          // 2
      "0906,Arendal,2015,population,1,final,2016-02-30,,\n",             // 3
      "1601,Trondheim,2015,population,1,final,2016-01-26,,\n",           // 4
      "1601,Trondheim,2015,refugees_settled,2,preliminary,2016-01-26,,\n"));
  EXPECT_THAT(f.records, IsEmpty());
  const std::string rejected = DescribeRejected(f);
  EXPECT_THAT(rejected, HasSubstr("status \"draft\""));
  EXPECT_THAT(rejected, HasSubstr("known_date \"2016-02-30\""));
  EXPECT_THAT(rejected, HasSubstr("status or known_date differs"));
}


}  // namespace
}  // namespace imdi::import
