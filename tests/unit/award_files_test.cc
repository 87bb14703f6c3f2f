// The award service's input files: the shipped winners history and cycle
// configurations in JSON and text protobuf.
#include "tools/award/award_files.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award_files {
namespace {

using ::testing::HasSubstr;

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

TEST(WinnersHistoryTest, ShippedFileHasTheWinners2008To2023) {
  std::ifstream in(kData + "published/award-history.csv");
  auto winners = ParseWinnersHistory(in, 2008, 2100);
  ASSERT_TRUE(winners.ok()) << winners.status();
  std::vector<int> years;
  for (const auto& w : *winners) years.push_back(w.award_year());
  EXPECT_THAT(years, ::testing::ElementsAre(2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016,
                                            2018, 2019, 2021, 2022, 2023));
  const auto& trondheim = (*winners)[8];
  EXPECT_EQ(trondheim.municipality_name(), "Trondheim");
  EXPECT_EQ(trondheim.code_at_the_time(), "1601");
  EXPECT_EQ(trondheim.imdi_region(), stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(trondheim.announce_date(), "2017-04-26");
  EXPECT_EQ(trondheim.event(), "Faglig forum for kommunalt flyktningarbeid, landsmøte (Trondheim)");
  EXPECT_EQ(trondheim.source(), "seed 001_4877896464efe804.txt");
  // 2019's date is a month only: no date rather than a wrong one.
  EXPECT_EQ((*winners)[10].award_year(), 2019);
  EXPECT_EQ((*winners)[10].announce_date(), "");
}

TEST(WinnersHistoryTest, YearRangeAndBrokenRows) {
  std::istringstream csv(
      "award_year,role,municipality,code_at_the_time,imdi_region,nominees_announced,"
      "winner_announced,event,source\n"
      "2014,winner,Drammen,0602,Indre Øst,,,,s\n"
      "2015,nominee,Lavangen,1920,Nord,2016-02-10,,,s\n"
      "2015,winner,Grimstad,0904,Sør,2016-02-10,2016-05-12,Maihaugen,s\n");
  auto winners = ParseWinnersHistory(csv, 2015, 2015);
  ASSERT_TRUE(winners.ok()) << winners.status();
  ASSERT_EQ(winners->size(), 1u);
  EXPECT_EQ((*winners)[0].municipality_name(), "Grimstad");

  std::istringstream broken(
      "award_year,role,municipality,code_at_the_time,imdi_region,nominees_announced,"
      "winner_announced,event,source\n"
      "2016,winner,Trondheim,1601,Midt-Norge,,2017-04-26,Faglig forum, landsmøte,s\n");
  auto refused = ParseWinnersHistory(broken, 2008, 2100);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("line 2: 10 fields"));
}

TEST(CycleConfigFileTest, JsonAndTextProtoReadTheSameMessage) {
  auto json = LoadCycleConfig(kData + "award/bosettingsprisen-2021.json");
  ASSERT_TRUE(json.ok()) << json.status();
  auto text = ParseCycleConfig(
      "title: \"Bosettings- og integreringsprisen 2021\" award_year: 2021 figures_year: 2019 "
      "criteria { name: \"intro_one_year_after\" intro_outcome { measure: "
      "INTRO_MEASURE_ONE_YEAR_AFTER threshold { percent: 50 strictly_above: true } } }",
      "config.textproto");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->criteria(0).intro_outcome().SerializeAsString(),
            json->criteria(0).intro_outcome().SerializeAsString());
  EXPECT_FALSE(ParseCycleConfig("{\"awardYear\": \"soon\"}", "x.json").ok());
  EXPECT_FALSE(ParseCycleConfig("award_year: soon", "x.textproto").ok());
  EXPECT_EQ(LoadCycleConfig(kData + "award/none.json").status().code(),
            absl::StatusCode::kNotFound);
}

// Findings of the fuzz targets (tests/fuzz/findings/README.md).

TEST(WinnersHistoryTest, TextThatIsNotUtf8IsRefusedWithItsLine) {  // F1
  std::istringstream latin1(
      "award_year,role,municipality,code_at_the_time,imdi_region,nominees_announced,"
      "winner_announced,event,source\n"
      "2017,winner,Bod\xf8,1804,Nord,,,,s\n");
  auto refused = ParseWinnersHistory(latin1, 2008, 2100);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("line 2: byte 4"));
  EXPECT_THAT(refused.status().message(), HasSubstr("is not UTF-8"));
}

TEST(WinnersHistoryTest, AHeaderThatNamesAColumnTwiceIsRefused) {  // F5
  std::istringstream twice(
      "award_year,award_year,role,municipality,code_at_the_time,imdi_region,"
      "nominees_announced,winner_announced,event,source\n"
      "2017,winner,Bodø,1804,Nord,,,,s\n");
  auto refused = ParseWinnersHistory(twice, 2008, 2100);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("names column \"award_year\" twice"));
}

TEST(CycleConfigFileTest, TextThatIsNotUtf8IsRefusedNamingTheField) {  // F3
  auto refused = ParseCycleConfig("title: \"Bosettingsprisen \xf8\" award_year: 2016",
                                  "config.textproto");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("title is not UTF-8"));
  auto nested = ParseCycleConfig("criteria { name: \"a\" title: \"\xc3\" }", "c.textproto");
  ASSERT_FALSE(nested.ok());
  EXPECT_THAT(nested.status().message(), HasSubstr("criteria[0].title is not UTF-8"));
}

// A winners history names days that exist: a day that does not is refused
// with its line, not passed on to the service; a month alone is no date.
TEST(WinnersHistoryTest, ImpossibleDatesAreRefusedWithTheirLine) {
  const std::string header =
      "award_year,role,municipality,code_at_the_time,imdi_region,nominees_announced,"
      "winner_announced,event,source\n";
  for (const char* bad : {"2017-02-31", "2017/04/26", "26.04.2017", "2017-4-26"}) {
    std::istringstream csv(header + "2016,winner,Trondheim,1601,Midt-Norge,," + bad + ",e,s\n");
    auto refused = ParseWinnersHistory(csv, 2008, 2100);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_THAT(refused.status().message(), HasSubstr("line 2: winner_announced")) << bad;
  }
  std::istringstream month(header + "2019,winner,Kristiansand,4204,Sør,,2020-01,e,s\n");
  auto winners = ParseWinnersHistory(month, 2008, 2100);
  ASSERT_TRUE(winners.ok()) << winners.status();
  EXPECT_EQ((*winners)[0].announce_date(), "");
}

}  // namespace
}  // namespace imdi::award_files
