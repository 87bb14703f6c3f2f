#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace imdi {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

// A line as queued: the caller's part; the writer adds the time's text.
struct Pending {
  absl::Time time;
  LogLevel level;
  std::string request_id;
  std::string message;
};

size_t Cost(const Pending& line) { return 64 + line.request_id.size() + line.message.size(); }

// Formats the times of lines, which mostly share their second: the text
// of the second is made once. Used by the writer thread only.
class TimeFormatter {
 public:
  // Appends "2016-03-22T10:15:30.123Z".
  void Append(absl::Time time, std::string& out) {
    const int64_t ms = absl::ToUnixMillis(time);
    const int64_t second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != second_ || prefix_.empty()) {
      second_ = second;
      prefix_ = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                                 absl::UTCTimeZone());
    }
    const int64_t milli = ms - second * 1000;
    const char digits[] = {'.', static_cast<char>('0' + milli / 100),
                           static_cast<char>('0' + milli / 10 % 10),
                           static_cast<char>('0' + milli % 10), 'Z'};
    absl::StrAppend(&out, prefix_, absl::string_view(digits, sizeof(digits)));
  }

 private:
  int64_t second_ = 0;
  std::string prefix_;
};

void AppendLine(const Pending& line, TimeFormatter& times, std::string& out) {
  times.Append(line.time, out);
  absl::StrAppend(&out, " ", LevelName(line.level));
  if (!line.request_id.empty()) absl::StrAppend(&out, " [", line.request_id, "]");
  absl::StrAppend(&out, " ", line.message, "\n");
}

// Writes all of `text` to stderr, retrying short writes; gives up on an
// error (there is nowhere to report it).
void WriteAll(absl::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// The queue and its writer thread. Never destroyed: the thread may still
// run while static objects are destroyed at exit.
class Writer {
 public:
  static Writer& Get() {
    static Writer* const writer = new Writer;
    return *writer;
  }

  void Push(Pending line) {
    const bool urgent = line.level >= LogLevel::kWarning;
    absl::MutexLock lock(&mu_);
    const size_t cost = Cost(line);
    if (queued_bytes_ + cost > kMaxQueuedLogBytes) {
      ++dropped_;
      return;
    }
    queued_bytes_ += cost;
    queue_.push_back(std::move(line));
    ++accepted_;
    // Waking the writer for each line would cost a context switch a line:
    // the first line after a quiet spell wakes it, and it then collects
    // lines for kWriteInterval. A warning or error (which may come just
    // before the process dies) or a queue filling up cuts that short.
    hurry_ = hurry_ || urgent || queued_bytes_ > kWakeBytes;
    if (idle_ || hurry_) work_.Signal();
  }

  // Waits until the lines accepted so far are written, at most
  // kMaxFlushWait (stderr may be a pipe nobody reads).
  void Flush() {
    const absl::Time deadline = absl::Now() + kMaxFlushWait;
    absl::MutexLock lock(&mu_);
    const uint64_t target = accepted_;
    if (written_ < target) {
      hurry_ = true;
      work_.Signal();
    }
    while (written_ < target) {
      if (written_cv_.WaitWithDeadline(&mu_, deadline)) return;
    }
  }

 private:
  static constexpr absl::Duration kMaxFlushWait = absl::Seconds(2);
  // How long an INFO line waits at most before it is written.
  static constexpr absl::Duration kWriteInterval = absl::Milliseconds(20);
  // Queued bytes that wake the writer before its interval is up.
  static constexpr size_t kWakeBytes = 64 << 10;

  Writer() {
    std::thread([this] { Run(); }).detach();
    std::atexit([] { FlushLog(); });
  }

  void Run() {
    std::vector<Pending> batch;
    std::string text;
    TimeFormatter times;
    for (;;) {
      uint64_t dropped = 0;
      {
        absl::MutexLock lock(&mu_);
        written_ += batch.size();
        written_cv_.SignalAll();
        batch.clear();
        while (queue_.empty() && dropped_ == 0) {
          idle_ = true;
          work_.Wait(&mu_);
        }
        idle_ = false;
        if (!hurry_) work_.WaitWithTimeout(&mu_, kWriteInterval);
        hurry_ = false;
        batch.swap(queue_);
        queued_bytes_ = 0;
        dropped = dropped_;
        dropped_ = 0;
      }
      text.clear();
      for (const Pending& line : batch) AppendLine(line, times, text);
      if (dropped > 0) {
        AppendLine({absl::Now(), LogLevel::kWarning, "",
                    absl::StrCat(dropped, " log lines dropped: stderr was too slow")},
                   times, text);
      }
      WriteAll(text);
    }
  }

  absl::Mutex mu_;
  absl::CondVar work_;        // lines to write, or drops to report
  absl::CondVar written_cv_;  // written_ advanced
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  bool idle_ ABSL_GUARDED_BY(mu_) = false;   // the writer waits for a first line
  bool hurry_ ABSL_GUARDED_BY(mu_) = false;  // write what is queued without waiting
  // Lines queued and lines written since the start.
  uint64_t accepted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

void SetLogLevel(LogLevel level) { min_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= min_level.load(); }

std::optional<LogLevel> ParseLogLevel(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "debug") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warning" || lower == "warn") return LogLevel::kWarning;
  if (lower == "error") return LogLevel::kError;
  return std::nullopt;
}

void Log(LogLevel level, absl::string_view request_id, absl::string_view message) {
  if (!LogEnabled(level)) return;
  Writer::Get().Push({absl::Now(), level, std::string(request_id), std::string(message)});
}

void FlushLog() { Writer::Get().Flush(); }

}  // namespace imdi
