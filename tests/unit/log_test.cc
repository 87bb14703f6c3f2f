#include "common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace imdi {
namespace {

// Sends stderr to a file while it lives; Text() flushes the log and reads it.
class CapturedStderr {
 public:
  explicit CapturedStderr(const std::string& path) : path_(path), saved_(::dup(STDERR_FILENO)) {
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~CapturedStderr() {
    FlushLog();
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  std::string Text() const {
    FlushLog();
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
  int saved_;
};

TEST(LogTest, LinesCarryTimeLevelRequestIdAndMessage) {
  testing::TempDir dir;
  CapturedStderr captured(dir.path() + "/stderr");
  Log(LogLevel::kInfo, "req-1", "GetFigures OK 0.12ms principal=-");
  LogWarning("no request id");
  const std::vector<std::string> lines = absl::StrSplit(captured.Text(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  const std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(lines[0].substr(0, 24), time)) << lines[0];
  EXPECT_EQ(lines[0].substr(24), " INFO [req-1] GetFigures OK 0.12ms principal=-");
  EXPECT_EQ(lines[1].substr(24), " WARN no request id");
}

TEST(LogTest, LevelsBelowTheMinimumAreDropped) {
  testing::TempDir dir;
  CapturedStderr captured(dir.path() + "/stderr");
  SetLogLevel(LogLevel::kWarning);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  LogInfo("dropped");
  LogError("kept");
  SetLogLevel(LogLevel::kInfo);
  const std::string text = captured.Text();
  EXPECT_EQ(text.find("dropped"), std::string::npos);
  EXPECT_NE(text.find(" ERROR kept\n"), std::string::npos);
}

TEST(LogTest, EveryLineOfManyThreadsIsWrittenWholeInEachThreadsOrder) {
  testing::TempDir dir;
  CapturedStderr captured(dir.path() + "/stderr");
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) Log(LogLevel::kInfo, absl::StrCat("t", t), absl::StrCat(i));
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<std::string> lines = absl::StrSplit(captured.Text(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  const std::regex line(R"(\S+ INFO \[t(\d)\] (\d+))");
  for (const std::string& l : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, line)) << l;
    const int t = std::stoi(m[1]);
    EXPECT_EQ(std::stoi(m[2]), next[t]++) << "thread " << t;
  }
}

TEST(LogTest, ParsesLevelNames) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("INFO"), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("warning"), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("loud"), std::nullopt);
  EXPECT_EQ(ParseLogLevel(""), std::nullopt);
}

}  // namespace
}  // namespace imdi
