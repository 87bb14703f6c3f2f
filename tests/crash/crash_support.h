// What the crash tests share: the real service binaries as child processes
// that can be killed with SIGKILL at a random moment, the scratch directory,
// the run's options (cycles, seed), and small gRPC helpers.
//
// Every wait is bounded. A ServiceProcess owns its child: the destructor
// kills and reaps it, so a failing test leaves no server behind. Only the
// driver thread reaps; the Killer only signals, so a pid is never reused
// under it.
#ifndef IMDI_TESTS_CRASH_CRASH_SUPPORT_H_
#define IMDI_TESTS_CRASH_CRASH_SUPPORT_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

namespace imdi::crash {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Options of one test binary, from its command line and the environment:
//   --cycles=N          kills to perform (else $IMDI_CRASH_CYCLES, else --default_cycles)
//   --default_cycles=N  the CI default, set by CMake
//   --seed=S            random seed (else $IMDI_CRASH_SEED, else random; always printed)
//   --stats_service=PATH --award_service=PATH --source_dir=PATH
//   --batch=N           rows per ImportFigures message (stats test)
//   --keep              keep the scratch directory
struct Options {
  int cycles = 5;
  uint64_t seed = 0;
  std::string stats_service;
  std::string award_service;
  std::string source_dir;
  int batch = 25;
  bool keep = false;
};

// Parses the options (flags are removed from argv by the caller's gtest init
// first; unknown flags are an error).
Options ParseOptions(int argc, char** argv);
const Options& GetOptions();
void SetOptions(Options options);

// A fresh directory under $TEST_TMPDIR (or $TMPDIR, or /tmp); removed by the
// destructor unless `keep` or the test failed.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// One run of a service binary, stdout and stderr appended to `log_path`.
// Not thread-safe except pid() and Kill(), which the Killer calls.
class ServiceProcess {
 public:
  // Starts `binary` with `args`; `port_file` is removed first and is where the
  // service writes its port.
  static std::unique_ptr<ServiceProcess> Start(const std::string& binary,
                                               const std::vector<std::string>& args,
                                               const std::string& port_file,
                                               const std::string& log_path);
  ~ServiceProcess();

  pid_t pid() const { return pid_; }
  // The bound port once the port file exists; nullopt when the process died
  // first or `timeout` passed (then `died()` tells which).
  std::optional<int> WaitForPort(Millis timeout);
  bool died() const { return exited_; }
  // SIGKILL (idempotent; a no-op once reaped).
  void Kill();
  // Reaps the process; false when it did not exit within `timeout`.
  bool WaitExit(Millis timeout);
  // SIGTERM, wait up to `timeout`, then SIGKILL. Returns the exit status
  // (as from waitpid) when it exited by itself.
  std::optional<int> Terminate(Millis timeout);
  int exit_status() const { return status_; }
  std::string Target() const;

 private:
  ServiceProcess() = default;
  bool Reap(bool block);
  std::mutex mu_;  // serialises Kill() against reaping, so a reaped pid is never signalled
  pid_t pid_ = -1;
  std::string port_file_;
  int port_ = 0;
  std::atomic<bool> exited_{false};
  int status_ = 0;
};

// Kills a process with SIGKILL after a delay unless cancelled first; at the
// moment of the kill it samples `phase` (what the driver was doing).
// Thread-safe.
class Killer {
 public:
  Killer() = default;
  ~Killer() { Cancel(); }
  void Arm(ServiceProcess* process, Millis delay, std::function<int()> phase);
  // Stops the timer and joins the thread; returns whether the kill happened
  // since the last Arm, once (a second call returns false).
  bool Cancel();
  int phase_at_kill() const { return phase_at_kill_.load(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;  // guarded by mu_
  std::thread thread_;
  std::atomic<bool> fired_{false};
  std::atomic<int> phase_at_kill_{-1};
};

// The random source of a run; seeded from the options.
std::mt19937_64& Rng();
// Uniform in [lo, hi].
int64_t Uniform(int64_t lo, int64_t hi);

// Sets a deadline of `timeout` on `context`.
void SetDeadline(grpc::ClientContext& context, Millis timeout);

// The google.rpc.ErrorInfo reason of a failed call, or "" when it carries
// none (a transport failure: the server is gone).
std::string ErrorReason(const grpc::Status& status);

// Waits until the gRPC health service of the server behind `channel` reports
// SERVING for `service`, the process dies, or `timeout` passes.
bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 ServiceProcess& process, Millis timeout);

// The last `lines` lines of a log, for failure messages.
std::string LogTail(const std::string& path, int lines = 40);

// Appends a marker line to a log (which process instance starts here).
void LogMarker(const std::string& path, const std::string& text);

// Clears every google.protobuf.Timestamp field of `message`, recursively:
// times differ between runs and are not part of what is compared.
void ClearTimestamps(google::protobuf::Message& message);

// Human-readable differences between two messages ("" when equal).
std::string Diff(const google::protobuf::Message& expected,
                 const google::protobuf::Message& actual);

// Milliseconds since `start`.
inline int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<Millis>(Clock::now() - start).count();
}

}  // namespace imdi::crash

#endif  // IMDI_TESTS_CRASH_CRASH_SUPPORT_H_
