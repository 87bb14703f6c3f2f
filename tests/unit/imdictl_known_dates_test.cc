// The known dates of `imdictl figures import`: --known_date for every file,
// --known_date_from_name from each file's trailing -YYMMDD, never both, and
// every problem found before anything is sent (exit status 2).
#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/imdictl/cli.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/known_dates.h"

namespace imdi::imdictl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(ImdictlKnownDates, ADateIsARealDayWrittenInFull) {
  EXPECT_EQ(*ParseKnownDate("2016-02-12"), "2016-02-12");
  EXPECT_EQ(*ParseKnownDate("2016-02-29"), "2016-02-29");  // a leap day
  for (const char* bad : {"2015-02-29", "2016-02-30", "2016-13-01", "2016-2-1", "16-02-12",
                          "2016-02-12T00:00", " 2016-02-12", "160212", ""}) {
    absl::StatusOr<std::string> date = ParseKnownDate(bad);
    EXPECT_FALSE(date.ok()) << bad;
    EXPECT_THAT(Message(date.status()), HasSubstr("YYYY-MM-DD")) << bad;
  }
}

TEST(ImdictlKnownDates, TheNameEndsWithTheDate) {
  EXPECT_EQ(*KnownDateFromName("data/snapshots-2016/bosatt_anmodede-kommune-2016-160212.csv"),
            "2016-02-12");
  EXPECT_EQ(*KnownDateFromName("bosatt_anmodede-kommune-2015_2016-160126.csv"), "2016-01-26");
  EXPECT_EQ(*KnownDateFromName("export-991231"), "2099-12-31");
  // No date at the end of the name, or one that is not a day.
  for (const char* bad : {"bosatt_anmodede-kommune-2015.csv", "bosatt-160212x.csv",
                          "bosatt_160212.csv", "bosatt-16021.csv", "bosatt-1602120.csv",
                          "bosatt-160230.csv", "160212-bosatt.csv", "-.csv"}) {
    EXPECT_FALSE(KnownDateFromName(bad).ok()) << bad;
  }
  EXPECT_THAT(Message(KnownDateFromName("bosatt-160230.csv").status()),
              HasSubstr("-160230 at the end of the name is not a day"));
  EXPECT_THAT(Message(KnownDateFromName("dir-160212/bosatt.csv").status()),
              HasSubstr("does not end with the date"));
}

TEST(ImdictlKnownDates, OneDatePerFileInTheirOrder) {
  const std::vector<std::string> files = {"a-160301.csv", "b-160212.csv"};
  EXPECT_THAT(*KnownDates(files, "", false), ElementsAre("", ""));
  EXPECT_THAT(*KnownDates(files, "2016-01-15", false), ElementsAre("2016-01-15", "2016-01-15"));
  EXPECT_THAT(*KnownDates(files, "", true), ElementsAre("2016-03-01", "2016-02-12"));
}

TEST(ImdictlKnownDates, ProblemsNameTheFlagOrTheFile) {
  absl::StatusOr<std::vector<std::string>> both = KnownDates({"a-160301.csv"}, "2016-03-01", true);
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(Message(both.status()), HasSubstr("exclude each other"));
  absl::StatusOr<std::vector<std::string>> bad = KnownDates({"a.csv"}, "2016-03-32", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(Message(bad.status()), HasSubstr("--known_date: known date \"2016-03-32\""));
  absl::StatusOr<std::vector<std::string>> unnamed =
      KnownDates({"a-160301.csv", "data/bosatt-2015.csv"}, "", true);
  ASSERT_FALSE(unnamed.ok());
  EXPECT_THAT(Message(unnamed.status()),
              HasSubstr("--known_date_from_name: \"data/bosatt-2015.csv\": the name does not end"));
}

TEST(ImdictlKnownDates, TheImportStopsWithUsageBeforeConnecting) {
  // The target is unreachable: an exit status 2 shows nothing was tried.
  auto run = [](std::vector<std::string> args) {
    absl::FlagSaver saver;  // each run starts from the flags' defaults
    args.insert(args.begin(), {"imdictl", "figures", "import", "--target=127.0.0.1:1"});
    return imdictl::Run(args);
  };
  EXPECT_EQ(run({"--known_date=2016-03-01", "--known_date_from_name", "a-160301.csv"}), kExitUsage);
  EXPECT_EQ(run({"--known_date_from_name", "a-160301.csv", "b.csv"}), kExitUsage);
  EXPECT_EQ(run({"--known_date=yesterday", "a.csv"}), kExitUsage);
  // A file that cannot be read, with good dates, is a file error: the
  // dates passed.
  EXPECT_EQ(run({"--known_date_from_name", "/nonexistent/a-160301.csv"}), kExitFile);
}

}  // namespace
}  // namespace imdi::imdictl
