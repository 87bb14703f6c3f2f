// The figures export renderers (stats-service/domain/export.h) on a small
// store: the CSV rows and the JSON-stat dataset byte for byte, unknown
// values absent (CSV) or null (JSON-stat), never 0.
#include "stats-service/domain/export.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/in_memory_stats_store.h"
#include "tests/testing/municipalities.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace examples;  // NOLINT: the shared test municipalities

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = std::make_unique<fakes::InMemoryStatsStore>(
        [this] { return absl::FromUnixSeconds(1'700'000'000 + ticks_++); });
    auto core = StatsCore::Create(std::move(store));
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
    ASSERT_TRUE(core_->BatchUpsertMunicipalities(AllMunicipalities()).ok());
    // Trondheim 2015: final, settled and requested known, a note with a comma.
    FiguresRecord t;
    t.subject = Subject::Municipality(5001);
    t.year = 2015;
    t.values[Count::kRefugeesRequested] = 400;
    t.values[Count::kRefugeesSettled] = 0;  // a real 0 stays 0
    t.status = FiguresStatus::kFinal;
    t.note = "settled, as \"published\"";
    t.source = "figures.csv";
    WriteOrigin known_2016;
    known_2016.known_date = 20160301;
    ASSERT_TRUE(core_->PutFigures(t, FiguresMask::All(), "", known_2016).ok());
    // Oslo 2016: preliminary, a percent.
    FiguresRecord o;
    o.subject = Subject::Municipality(301);
    o.year = 2016;
    o.values[Count::kPopulation] = 658390;
    o.values[Percent::kIntroToWorkOrEducation] = 61.3;
    o.status = FiguresStatus::kPreliminary;
    o.source = "oslo.csv";
    WriteOrigin known_2017;
    known_2017.known_date = 20170101;
    ASSERT_TRUE(core_->PutFigures(o, FiguresMask::All(), "", known_2017).ok());
  }

  std::string Render(ExportQuery query, ExportCounts* counts = nullptr) {
    auto exporter = FiguresExport::Start(*core_, std::move(query));
    EXPECT_TRUE(exporter.ok()) << exporter.status();
    if (!exporter.ok()) return "";
    std::string out;
    for (;;) {
      absl::StatusOr<bool> more = (*exporter)->Next(16, out);  // small pieces
      EXPECT_TRUE(more.ok()) << more.status();
      if (!more.ok() || !*more) break;
    }
    if (counts != nullptr) *counts = (*exporter)->counts();
    EXPECT_EQ((*exporter)->counts().bytes, static_cast<int64_t>(out.size()));
    return out;
  }

  int ticks_ = 0;
  std::unique_ptr<StatsCore> core_;
};

TEST_F(ExportTest, CsvHasOneRowPerKnownValueWithCodeNameStatusAndKnownDate) {
  ExportCounts counts;
  const std::string csv = Render({.format = ExportFormat::kCsv, .years = {2015, 2016}}, &counts);
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  EXPECT_THAT(
      lines,
      ElementsAre(kExportCsvHeader,
                  "0301,Oslo,2016,population,658390,preliminary,2017-01-01,,oslo.csv",
                  "0301,Oslo,2016,intro_to_work_or_education_pct,61.3,preliminary,2017-01-01,,"
                  "oslo.csv",
                  // Trondheim by its code in 2015, 1601; unknown values have no row.
                  "1601,Trondheim,2015,refugees_requested,400,final,2016-03-01,"
                  "\"settled, as \"\"published\"\"\",figures.csv",
                  "1601,Trondheim,2015,refugees_settled,0,final,2016-03-01,"
                  "\"settled, as \"\"published\"\"\",figures.csv",
                  ""));
  EXPECT_EQ(counts.records, 2);
  EXPECT_EQ(counts.values, 4);
}

TEST_F(ExportTest, JsonStatIsRowMajorWithNullsAndStatusPerValue) {
  ExportCounts counts;
  const std::string json = Render(
      {.format = ExportFormat::kJsonStat, .years = {2015}, .region = ImdiRegion::kMidtNorge},
      &counts);
  // Midt-Norge: Trondheim (id 5001) and Klæbu (id 5030) existed in 2015.
  EXPECT_THAT(json, HasSubstr("\"id\":[\"Region\",\"Tid\",\"ContentsCode\"],\"size\":[2,1,14]"));
  EXPECT_THAT(json, HasSubstr("\"Region\":{\"label\":\"region\",\"category\":{\"index\":"
                              "{\"5001\":0,\"5030\":1},\"label\":{\"5001\":\"Trondheim\","
                              "\"5030\":\"Klæbu\"}}}"));
  std::string values = "null,400,null,0";
  for (int i = 4; i < 28; ++i) values += ",null";
  EXPECT_THAT(json, HasSubstr(absl::StrCat("\"value\":[", values,
                                           "],\"status\":{\"1\":\"f\",\"3\":\"f\"}")));
  EXPECT_THAT(json, HasSubstr("\"updated\":\"2023-11-14T22:13:"));
  EXPECT_THAT(json, HasSubstr("NLOD"));
  EXPECT_THAT(json, HasSubstr("\"extension\":{\"data_version\":3,\"language\":\"nb\""));
  EXPECT_EQ(counts.cells, 28);
  EXPECT_EQ(counts.values, 2);
  EXPECT_EQ(counts.records, 1);
}

TEST_F(ExportTest, JsonStatLabelsInEnglishOnRequestAndBothInTheExtension) {
  const std::string json = Render({.format = ExportFormat::kJsonStat,
                                   .years = {2016},
                                   .municipality_codes = {301},
                                   .language = ExportLanguage::kEnglish});
  EXPECT_THAT(json, HasSubstr("\"label\":{\"population\":\"Population\""));
  EXPECT_THAT(json, HasSubstr("\"nb\":{\"population\":\"Folkemengde\""));
  EXPECT_THAT(json, HasSubstr("\"en\":{\"population\":\"Population\""));
  EXPECT_THAT(json, HasSubstr("\"value\":[658390,null,"));
  EXPECT_THAT(json, HasSubstr(",61.3,null],\"status\":{\"0\":\"p\",\"12\":\"p\"}"));
}

TEST_F(ExportTest, MunicipalitiesByAnyCodeAndAnOldDataVersion) {
  // Trondheim by its old code. Versions: the directory 1, Trondheim 2, Oslo 3.
  const std::string csv = Render(
      {.format = ExportFormat::kCsv, .years = {2015, 2016}, .municipality_codes = {1601}});
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  const std::string old =
      Render({.format = ExportFormat::kCsv, .years = {2015, 2016}, .as_of = 1});
  EXPECT_EQ(old, absl::StrCat(kExportCsvHeader, "\n"));
}

TEST_F(ExportTest, RefusesUnboundedOrUnknownInput) {
  EXPECT_EQ(FiguresExport::Start(*core_, {.years = {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ExportQuery many;
  many.years = {2015};
  many.municipality_codes.assign(kMaxExportMunicipalities + 1, 301);
  EXPECT_EQ(FiguresExport::Start(*core_, many).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FiguresExport::Start(*core_, {.years = {2015}, .municipality_codes = {9998}})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(ExportTextTest, QuotingAndNumbers) {
  EXPECT_EQ(CsvField("Bø"), "Bø");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(ShortestDouble(61.3), "61.3");
  EXPECT_EQ(ShortestDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(ShortestDouble(50), "50");
}

}  // namespace
}  // namespace imdi::stats
