#include "tests/crash/crash_support.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"

namespace imdi::crash {
namespace {

Options& MutableOptions() {
  static Options options;
  return options;
}

bool ParseFlag(const std::string& arg, const std::string& name, std::string& value) {
  const std::string prefix = "--" + name + "=";
  if (arg.rfind(prefix, 0) != 0) return false;
  value = arg.substr(prefix.size());
  return true;
}

}  // namespace

Options ParseOptions(int argc, char** argv) {
  Options options;
  std::optional<int> cycles;
  std::optional<uint64_t> seed;
  int default_cycles = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    if (ParseFlag(arg, "cycles", value)) {
      cycles = std::stoi(value);
    } else if (ParseFlag(arg, "default_cycles", value)) {
      default_cycles = std::stoi(value);
    } else if (ParseFlag(arg, "seed", value)) {
      seed = std::stoull(value);
    } else if (ParseFlag(arg, "stats_service", value)) {
      options.stats_service = value;
    } else if (ParseFlag(arg, "award_service", value)) {
      options.award_service = value;
    } else if (ParseFlag(arg, "source_dir", value)) {
      options.source_dir = value;
    } else if (ParseFlag(arg, "batch", value)) {
      options.batch = std::stoi(value);
    } else if (arg == "--keep") {
      options.keep = true;
    } else {
      std::cerr << "crash test: unknown argument " << arg << "\n";
      std::exit(2);
    }
  }
  if (!cycles) {
    if (const char* env = std::getenv("IMDI_CRASH_CYCLES"); env != nullptr && *env != '\0') {
      cycles = std::stoi(env);
    }
  }
  options.cycles = cycles.value_or(default_cycles);
  if (!seed) {
    if (const char* env = std::getenv("IMDI_CRASH_SEED"); env != nullptr && *env != '\0') {
      seed = std::stoull(env);
    }
  }
  options.seed = seed.value_or(std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32));
  if (std::getenv("IMDI_CRASH_KEEP") != nullptr) options.keep = true;
  return options;
}

const Options& GetOptions() { return MutableOptions(); }

void SetOptions(Options options) {
  MutableOptions() = std::move(options);
  Rng().seed(MutableOptions().seed);
}

ScratchDir::ScratchDir(const std::string& prefix) {
  const char* base = std::getenv("TEST_TMPDIR");
  if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
  if (base == nullptr || *base == '\0') base = "/tmp";
  std::string pattern = std::string(base) + "/" + prefix + "-XXXXXX";
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  if (GetOptions().keep || ::testing::Test::HasFailure()) {
    std::cerr << "scratch directory kept: " << path_ << "\n";
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<ServiceProcess> ServiceProcess::Start(const std::string& binary,
                                                      const std::vector<std::string>& args,
                                                      const std::string& port_file,
                                                      const std::string& log_path) {
  std::error_code ignored;
  std::filesystem::remove(port_file, ignored);
  std::unique_ptr<ServiceProcess> process(new ServiceProcess);
  process->port_file_ = port_file;

  // Everything the child needs is made before fork: after it, in a
  // multi-threaded parent, only async-signal-safe calls.
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    ADD_FAILURE() << "cannot open " << log_path << " or /dev/null: " << std::strerror(errno);
    if (log_fd >= 0) close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return nullptr;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The service must not outlive the test driver (a ctest timeout kills
    // only the driver).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const int fork_errno = errno;
  close(log_fd);
  close(null_fd);
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(fork_errno);
    return nullptr;
  }
  process->pid_ = pid;
  return process;
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0 && !exited_) {
    Kill();
    WaitExit(Millis(10000));
  }
}

bool ServiceProcess::Reap(bool block) {
  std::lock_guard<std::mutex> lock(mu_);
  if (exited_) return true;
  int status = 0;
  const pid_t got = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (got == pid_) {
    status_ = status;
    exited_ = true;
    return true;
  }
  if (got < 0 && errno == ECHILD) {
    exited_ = true;
    return true;
  }
  return false;
}

std::optional<int> ServiceProcess::WaitForPort(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::ifstream in(port_file_);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = port;
      return port;
    }
    if (Reap(false)) return std::nullopt;
    std::this_thread::sleep_for(Millis(2));
  }
  return std::nullopt;
}

void ServiceProcess::Kill() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ > 0 && !exited_) kill(pid_, SIGKILL);
}

bool ServiceProcess::WaitExit(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!Reap(false)) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(1));
  }
  return true;
}

std::optional<int> ServiceProcess::Terminate(Millis timeout) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (exited_) return status_;
    kill(pid_, SIGTERM);
  }
  if (WaitExit(timeout)) return status_;
  Kill();
  WaitExit(Millis(10000));
  return std::nullopt;
}

std::string ServiceProcess::Target() const { return "127.0.0.1:" + std::to_string(port_); }

void Killer::Arm(ServiceProcess* process, Millis delay, std::function<int()> phase) {
  Cancel();
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = false;
  }
  fired_ = false;
  phase_at_kill_ = -1;
  thread_ = std::thread([this, process, delay, phase = std::move(phase)] {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, delay, [this] { return cancelled_; })) return;
    // Sample first, then kill: the phase is what the driver was doing when
    // the process died.
    phase_at_kill_ = phase();
    process->Kill();
    fired_ = true;
  });
}

bool Killer::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return fired_.exchange(false);
}

std::mt19937_64& Rng() {
  static std::mt19937_64 rng;
  return rng;
}

int64_t Uniform(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return std::uniform_int_distribution<int64_t>(lo, hi)(Rng());
}

void SetDeadline(grpc::ClientContext& context, Millis timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

std::string ErrorReason(const grpc::Status& status) {
  if (status.ok() || status.error_details().empty()) return "";
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 ServiceProcess& process, Millis timeout) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    grpc::ClientContext context;
    SetDeadline(context, Millis(500));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    if (process.died() || process.WaitExit(Millis(0))) return false;
    std::this_thread::sleep_for(Millis(5));
  }
  return false;
}

std::string LogTail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::ostringstream out;
  out << "---- last lines of " << path << "\n";
  for (const std::string& l : tail) out << l << "\n";
  return out.str();
}

void LogMarker(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << "==== crash test: " << text << "\n";
}

void ClearTimestamps(google::protobuf::Message& message) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
      reflection->ClearField(&message, field);
      continue;
    }
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(message, field); ++j) {
        ClearTimestamps(*reflection->MutableRepeatedMessage(&message, field, j));
      }
    } else if (reflection->HasField(message, field)) {
      ClearTimestamps(*reflection->MutableMessage(&message, field));
    }
  }
}

std::string Diff(const google::protobuf::Message& expected,
                 const google::protobuf::Message& actual) {
  std::string report;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  if (differencer.Compare(expected, actual)) return "";
  return report.empty() ? "messages differ" : report;
}

}  // namespace imdi::crash
