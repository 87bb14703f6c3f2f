// A fresh temporary directory per test, removed afterwards. Lives under
// GoogleTest's TempDir() (which honours TEST_TMPDIR), so tests never share
// paths and stay safe under ctest -j.
#ifndef IMDI_TESTS_TESTING_TEMP_DIR_H_
#define IMDI_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace imdi::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "imdi-test-XXXXXX";
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_TEMP_DIR_H_
