// Where `imdictl municipalities load` finds the bundled data: --data_root,
// else ./data, else the installed copy (/usr/share/imdi/data in the image).
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/imdictl/bundled_data.h"

namespace imdi::imdictl {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class ImdictlBundledData : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(base_);
    std::filesystem::create_directories(base_ / "local" / "regions");
    std::filesystem::create_directories(base_ / "installed" / "regions");
    std::filesystem::create_directories(base_ / "installed" / "klass");
    Touch(base_ / "local" / "regions" / "kommuner.json");
    Touch(base_ / "installed" / "regions" / "kommuner.json");
    Touch(base_ / "installed" / "klass" / "kommuner-1994-2024.csv");
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  static void Touch(const std::filesystem::path& path) { std::ofstream(path) << "x"; }
  std::vector<std::string> Search() const {
    return {(base_ / "local").string(), (base_ / "installed").string()};
  }

  std::filesystem::path base_;
};

TEST_F(ImdictlBundledData, TheLocalCopyComesFirst) {
  EXPECT_EQ(BundledDataFile("", "regions/kommuner.json", Search()).value(),
            (base_ / "local" / "regions" / "kommuner.json").string());
}

TEST_F(ImdictlBundledData, AFileMissingLocallyIsTakenFromTheInstalledCopy) {
  EXPECT_EQ(BundledDataFile("", "klass/kommuner-1994-2024.csv", Search()).value(),
            (base_ / "installed" / "klass" / "kommuner-1994-2024.csv").string());
}

TEST_F(ImdictlBundledData, AGivenRootIsUsedAsItIs) {
  EXPECT_EQ(BundledDataFile("/elsewhere", "regions/kommuner.json", Search()).value(),
            "/elsewhere/regions/kommuner.json");
}

TEST_F(ImdictlBundledData, NotFoundNamesEveryPlaceAndTheFlag) {
  absl::StatusOr<std::string> path = BundledDataFile("", "regions/other.json", Search());
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(path.status().message()),
              AllOf(HasSubstr("regions/other.json"), HasSubstr((base_ / "local").string()),
                    HasSubstr((base_ / "installed").string()), HasSubstr("--data_root")));
}

TEST(ImdictlBundledDataDefaults, LooksInTheCheckoutThenInTheImage) {
  // The default search: ./data, then where the image keeps the data.
  absl::StatusOr<std::string> path = BundledDataFile("", "no/such/file");
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(std::string(path.status().message()),
              HasSubstr("not in data nor in /usr/share/imdi/data"));
}

}  // namespace
}  // namespace imdi::imdictl
