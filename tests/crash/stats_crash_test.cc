// Crash test of stats-service: the real binary (fsync on every commit, the
// default --sync=true) is killed with SIGKILL at random moments while the
// bundled municipalities and figure files are imported, restarted on the same
// data directory, and the import is run again from the start (re-importing
// is idempotent: rows already stored write nothing).
//
// The reference is a clean, uninterrupted import into a fresh store by a
// second stats-service that stays up for the whole test. Because a commit
// that changes nothing writes nothing and advances no version, a crashed
// store that replays the import goes through exactly the same sequence of
// commits as the clean one, so data versions, revisions and etags (derived
// from the data version) must match too, and the state of the crashed store
// at any moment must equal the clean store read `as_of_version` the crashed
// store's current version. That one comparison after every restart says:
//   * acknowledged is durable: the version is at least the clean version
//     after the last message whose stream the server acknowledged (Finish OK);
//   * no partial batch: a message is one WriteBatch, so a store holding part
//     of one is no prefix of the clean history and differs from it;
//   * nothing phantom: the version is at most the clean version after the
//     last message sent.
// Only update_time is not compared. A round starts from a fresh directory and
// ends when an import runs to completion; its final state must equal the
// clean store's, also after one more SIGKILL and restart.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "tests/crash/crash_support.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace imdi::crash {
namespace {

namespace api = ::imdi::stats::v1;

constexpr char kStatsService[] = "imdi.stats.v1.StatsService";
constexpr Millis kStartTimeout(15000);
constexpr Millis kCallTimeout(30000);
constexpr Millis kExitTimeout(10000);
constexpr int kMaxAttemptsPerRound = 2000;
constexpr int kStartupKillPercent = 15;
constexpr int kMaxStreamMessages = 4;

// What the driver is doing, sampled by the Killer at the moment of a kill.
enum Phase : int {
  kStarting = 0,      // process spawned, not serving yet
  kVerifying = 1,     // reading the store after a restart
  kMunicipalities = 2,  // BatchUpsertMunicipalities in flight
  kStreaming = 3,     // an ImportFigures stream open
  kBetweenCalls = 4,  // the import between two calls
  kDone = 5,          // the import finished
  kNumPhases = 6,
};

const char* PhaseName(int phase) {
  switch (phase) {
    case kStarting: return "during startup";
    case kVerifying: return "while verifying after a restart";
    case kMunicipalities: return "mid-call: BatchUpsertMunicipalities";
    case kStreaming: return "mid-import: ImportFigures stream open";
    case kBetweenCalls: return "mid-import: between calls";
    case kDone: return "after the import";
    default: return "?";
  }
}

// Everything the import sends, in order: operation 0 is the municipality
// batch, operation i >= 1 is ImportFigures message i - 1.
struct ImportPlan {
  api::BatchUpsertMunicipalitiesRequest municipalities;
  std::vector<api::ImportFiguresRequest> messages;
  std::vector<std::string> message_file;
  std::vector<std::pair<api::Area, int>> area_keys;  // published totals to read back
  size_t rows = 0;
};

std::vector<std::string> FigureFiles(const std::string& source_dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir + "/data/imdikator")) {
    if (entry.path().extension() == ".csv") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());  // the order of the shell's glob
  files.push_back(source_dir + "/data/published/figures-2016-2017.csv");
  return files;
}

ImportPlan BuildPlan(const Options& options) {
  ImportPlan plan;
  auto source = imdi::import::LoadMunicipalities(
      options.source_dir + "/data/klass/kommuner-1994-2024.csv",
      options.source_dir + "/data/regions/kommuner.json");
  EXPECT_TRUE(source.ok()) << source.status();
  if (!source.ok()) return plan;
  auto request = imdi::import::MunicipalitiesRequest(*source);
  EXPECT_TRUE(request.ok()) << request.status();
  if (!request.ok()) return plan;
  plan.municipalities = *std::move(request);

  std::set<std::string> seen_areas;
  for (const std::string& path : FigureFiles(options.source_dir)) {
    auto parsed = imdi::import::ParseFiguresPath(path);
    EXPECT_TRUE(parsed.ok()) << path << ": " << parsed.status();
    if (!parsed.ok()) continue;
    const std::string name = std::filesystem::path(path).filename().string();
    for (api::ImportFiguresRequest& message : imdi::import::ImportRequests(
             *parsed, name, api::FIGURES_STATUS_FINAL, static_cast<size_t>(options.batch))) {
      for (const api::ImportRow& row : message.rows()) {
        ++plan.rows;
        if (!row.figures().has_area()) continue;
        const std::string key =
            absl::StrCat(row.figures().area().ShortDebugString(), "/", row.figures().year());
        if (seen_areas.insert(key).second) {
          plan.area_keys.emplace_back(row.figures().area(), row.figures().year());
        }
      }
      plan.messages.push_back(std::move(message));
      plan.message_file.push_back(name);
    }
  }
  return plan;
}

// The store as a client sees it at one data version.
struct Dump {
  int64_t data_version = 0;
  std::map<std::string, api::Municipality> municipalities;     // by code
  std::map<std::pair<std::string, int>, api::Figures> figures;  // by code and year
  std::map<std::string, api::Figures> areas;                    // by area and year
  size_t size() const { return municipalities.size() + figures.size() + areas.size(); }
};

// Reads everything at `version`. Version 0 is the empty store before the
// first commit (as_of_version 0 would mean "latest", so it is not read).
grpc::Status ReadDump(api::StatsService::Stub& stub, int64_t version, const ImportPlan& plan,
                      Dump& dump) {
  dump = Dump();
  dump.data_version = version;
  if (version == 0) return grpc::Status::OK;
  std::string token;
  do {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    api::ListMunicipalitiesRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    request.set_as_of_version(version);
    api::ListMunicipalitiesResponse response;
    grpc::Status status = stub.ListMunicipalities(&context, request, &response);
    if (!status.ok()) return status;
    if (response.data_version() != version) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          absl::StrCat("ListMunicipalities served version ",
                                       response.data_version(), ", asked ", version));
    }
    for (api::Municipality& m : *response.mutable_municipalities()) {
      m.clear_update_time();
      dump.municipalities[m.code()] = std::move(m);
    }
    token = response.next_page_token();
  } while (!token.empty());

  {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    api::StreamFiguresRequest request;
    request.set_as_of_version(version);  // empty filter: every municipal record
    auto reader = stub.StreamFigures(&context, request);
    api::StreamFiguresResponse response;
    while (reader->Read(&response)) {
      if (response.data_version() != version) {
        context.TryCancel();
        reader->Finish();
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            absl::StrCat("StreamFigures served version ",
                                         response.data_version(), ", asked ", version));
      }
      for (api::Figures& f : *response.mutable_figures()) {
        f.clear_update_time();
        auto key = std::make_pair(f.municipality_code(), f.year());
        if (!dump.figures.emplace(key, std::move(f)).second) {
          context.TryCancel();
          reader->Finish();
          return grpc::Status(grpc::StatusCode::INTERNAL,
                              absl::StrCat("StreamFigures sent ", key.first, "/", key.second,
                                           " twice"));
        }
      }
    }
    grpc::Status status = reader->Finish();
    if (!status.ok()) return status;
  }

  // Published totals are not municipal records, so StreamFigures leaves them
  // out; read each one the files carry.
  for (const auto& [area, year] : plan.area_keys) {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    api::GetFiguresRequest request;
    *request.mutable_area() = area;
    request.set_year(year);
    request.set_as_of_version(version);
    api::GetFiguresResponse response;
    grpc::Status status = stub.GetFigures(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND && !ErrorReason(status).empty()) {
      continue;  // not imported (yet, or rejected)
    }
    if (!status.ok()) return status;
    response.mutable_figures()->clear_update_time();
    dump.areas[absl::StrCat(area.ShortDebugString(), "/", year)] = response.figures();
  }
  return grpc::Status::OK;
}

template <typename Map>
void CompareMaps(const Map& expected, const Map& actual, const std::string& what,
                 std::vector<std::string>& diffs) {
  auto key_text = [](const auto& key) {
    if constexpr (std::is_same_v<std::decay_t<decltype(key)>, std::string>) {
      return key;
    } else {
      return absl::StrCat(key.first, "/", key.second);
    }
  };
  for (const auto& [key, value] : expected) {
    auto it = actual.find(key);
    if (it == actual.end()) {
      diffs.push_back(absl::StrCat(what, " ", key_text(key), " missing"));
    } else if (std::string d = Diff(value, it->second); !d.empty()) {
      diffs.push_back(absl::StrCat(what, " ", key_text(key), " differs: ", d));
    }
  }
  for (const auto& [key, value] : actual) {
    if (!expected.contains(key)) {
      diffs.push_back(absl::StrCat(what, " ", key_text(key), " unexpected: ",
                                   value.ShortDebugString()));
    }
  }
}

// Differences between two dumps, at most a few listed.
std::string CompareDumps(const Dump& expected, const Dump& actual) {
  std::vector<std::string> diffs;
  if (expected.data_version != actual.data_version) {
    diffs.push_back(absl::StrCat("data version ", actual.data_version, ", expected ",
                                 expected.data_version));
  }
  CompareMaps(expected.municipalities, actual.municipalities, "municipality", diffs);
  CompareMaps(expected.figures, actual.figures, "figures", diffs);
  CompareMaps(expected.areas, actual.areas, "published totals", diffs);
  if (diffs.empty()) return "";
  std::string out = absl::StrCat(diffs.size(), " differences:");
  for (size_t i = 0; i < diffs.size() && i < 10; ++i) absl::StrAppend(&out, "\n  ", diffs[i]);
  return out;
}

grpc::Status GetDataVersion(api::StatsService::Stub& stub, int64_t& version) {
  grpc::ClientContext context;
  SetDeadline(context, kCallTimeout);
  api::GetDataVersionResponse response;
  grpc::Status status = stub.GetDataVersion(&context, api::GetDataVersionRequest(), &response);
  version = response.data_version();
  return status;
}

// The change feed up to `version`: one line per change (data version,
// subject, year, revision), from WatchFigures since 0.
grpc::Status ReadChangeFeed(api::StatsService::Stub& stub, int64_t version,
                            std::vector<std::string>& out) {
  grpc::ClientContext context;
  SetDeadline(context, kCallTimeout);
  api::WatchFiguresRequest request;
  auto reader = stub.WatchFigures(&context, request);
  api::WatchFiguresResponse message;
  while (reader->Read(&message)) {
    for (const api::Figures& f : message.changes()) {
      if (f.data_version() > version) continue;
      out.push_back(absl::StrCat(f.data_version(), " ", f.municipality_code(), " ",
                                 f.area().ShortDebugString(), " ", f.year(), " ", f.revision()));
    }
    if (message.live() && message.data_version() >= version) {
      context.TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
  }
  grpc::Status status = reader->Finish();
  return status.ok() ? grpc::Status(grpc::StatusCode::INTERNAL, "the watch ended with OK")
                     : status;
}

// Runs the whole import, recording what was sent and what the server
// acknowledged. Thread-compatible; `phase` is read by the Killer.
class ImportDriver {
 public:
  explicit ImportDriver(const ImportPlan& plan) : plan_(plan) {}

  std::atomic<int> phase{kStarting};
  // Operations (see ImportPlan) sent and acknowledged, over a whole round.
  int64_t max_sent_op = -1;
  int64_t max_acked_op = -1;
  int64_t rows_changed = 0;
  int64_t messages_acked = 0;
  int64_t streams = 0;

  // `stream_sizes` draws how many messages go into each ImportFigures call.
  grpc::Status Run(api::StatsService::Stub& stub, const std::function<int()>& stream_size,
                   std::vector<int64_t>* version_after_op = nullptr) {
    rows_changed = 0;
    {
      phase = kMunicipalities;
      max_sent_op = std::max<int64_t>(max_sent_op, 0);
      grpc::ClientContext context;
      SetDeadline(context, kCallTimeout);
      api::BatchUpsertMunicipalitiesResponse response;
      grpc::Status status = stub.BatchUpsertMunicipalities(&context, plan_.municipalities, &response);
      phase = kBetweenCalls;
      if (!status.ok()) return status;
      max_acked_op = std::max<int64_t>(max_acked_op, 0);
      if (version_after_op) version_after_op->push_back(response.data_version());
    }
    size_t next = 0;
    while (next < plan_.messages.size()) {
      const size_t count = std::min<size_t>(std::max(1, stream_size()), plan_.messages.size() - next);
      grpc::ClientContext context;
      SetDeadline(context, kCallTimeout);
      api::ImportFiguresResponse response;
      phase = kStreaming;
      auto writer = stub.ImportFigures(&context, &response);
      for (size_t i = next; i < next + count; ++i) {
        max_sent_op = std::max<int64_t>(max_sent_op, static_cast<int64_t>(i) + 1);
        if (!writer->Write(plan_.messages[i])) break;  // Finish says why
      }
      writer->WritesDone();
      grpc::Status status = writer->Finish();
      phase = kBetweenCalls;
      if (!status.ok()) return status;
      ++streams;
      next += count;
      max_acked_op = std::max<int64_t>(max_acked_op, static_cast<int64_t>(next));
      messages_acked += static_cast<int64_t>(count);
      rows_changed += response.rows_changed();
      if (version_after_op) version_after_op->push_back(response.data_version());
    }
    phase = kDone;
    return grpc::Status::OK;
  }

 private:
  const ImportPlan& plan_;
};

std::vector<std::string> StatsArgs(const std::string& dir, const std::string& port_file) {
  return {"--listen=127.0.0.1:0", "--port_file=" + port_file, "--data_dir=" + dir,
          "--insecure_dev", "--shutdown_grace_seconds=2"};
}

struct Counts {
  int rounds = 0;
  int attempts = 0;
  int kills = 0;
  int kills_by_phase[kNumPhases] = {};
  int final_kills = 0;
  int restarts_verified = 0;
  int restarts_with_unacked_commits = 0;
  int64_t records_compared = 0;
  int64_t changes_compared = 0;
  int64_t messages_acked = 0;
};

class StatsCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = GetOptions();
    ASSERT_FALSE(options_.stats_service.empty()) << "--stats_service is required";
    ASSERT_FALSE(options_.source_dir.empty()) << "--source_dir is required";
    plan_ = BuildPlan(options_);
    ASSERT_FALSE(plan_.messages.empty());
  }

  std::unique_ptr<ServiceProcess> StartStats(const std::string& dir, const std::string& log,
                                             std::shared_ptr<grpc::Channel>& channel) {
    auto process = ServiceProcess::Start(options_.stats_service,
                                         StatsArgs(dir, dir + ".port"), dir + ".port", log);
    if (!process) return nullptr;
    auto port = process->WaitForPort(kStartTimeout);
    if (!port) {
      ADD_FAILURE() << "stats-service did not start\n" << LogTail(log);
      return nullptr;
    }
    channel = grpc::CreateChannel(process->Target(), grpc::InsecureChannelCredentials());
    if (!WaitServing(channel, kStatsService, *process, kStartTimeout)) {
      ADD_FAILURE() << "stats-service is not serving\n" << LogTail(log);
      return nullptr;
    }
    return process;
  }

  // The crashed store after a restart must be the clean store as of its
  // version, and that version between what was acknowledged and what was
  // sent. Returns false when the kill of a startup-kill attempt interrupted
  // the reads (the check then happens after the next restart).
  bool VerifyAfterRestart(api::StatsService::Stub& crashed, const ImportDriver& driver,
                          Killer& killer, const std::string& log, int64_t& version) {
    grpc::Status status = GetDataVersion(crashed, version);
    if (!status.ok()) {
      if (killer.Cancel()) return false;
      ADD_FAILURE() << "GetDataVersion after restart: " << status.error_message() << "\n"
                    << LogTail(log);
      return true;
    }
    const int64_t floor =
        driver.max_acked_op >= 0 ? clean_version_after_op_[driver.max_acked_op] : 0;
    const int64_t ceiling =
        driver.max_sent_op >= 0 ? clean_version_after_op_[driver.max_sent_op] : 0;
    EXPECT_GE(version, floor) << "an acknowledged write was lost: the store came back at data "
                                 "version " << version << ", but operation " << driver.max_acked_op
                              << " was acknowledged, which the clean import had committed by "
                                 "version " << floor;
    EXPECT_LE(version, ceiling) << "the store came back at data version " << version
                                << ", beyond anything sent (operation " << driver.max_sent_op
                                << " reaches version " << ceiling << " in the clean import)";

    Dump actual;
    status = ReadDump(crashed, version, plan_, actual);
    if (!status.ok()) {
      if (killer.Cancel()) return false;
      ADD_FAILURE() << "reading the crashed store: " << status.error_message() << "\n"
                    << LogTail(log);
      return true;
    }
    Dump expected;
    status = ReadDump(*clean_stub_, version, plan_, expected);
    EXPECT_TRUE(status.ok()) << "reading the clean store as of " << version << ": "
                             << status.error_message();
    const std::string diff = CompareDumps(expected, actual);
    EXPECT_EQ(diff, "") << "after a restart the store at data version " << version
                        << " is not the clean store as of that version (a partial or lost "
                           "batch)";
    // Every change of the crashed store's versions is in its change feed,
    // exactly as the clean store's: none lost beside its figures, none extra.
    std::vector<std::string> actual_changes;
    status = ReadChangeFeed(crashed, version, actual_changes);
    if (!status.ok()) {
      if (killer.Cancel()) return false;
      ADD_FAILURE() << "reading the crashed store's change feed: " << status.error_message()
                    << "\n" << LogTail(log);
      return true;
    }
    std::vector<std::string> expected_changes;
    status = ReadChangeFeed(*clean_stub_, version, expected_changes);
    EXPECT_TRUE(status.ok()) << "the clean store's change feed: " << status.error_message();
    EXPECT_EQ(actual_changes, expected_changes)
        << "after a restart the change feed up to data version " << version
        << " differs from the clean store's";
    counts_.changes_compared += static_cast<int64_t>(expected_changes.size());
    counts_.records_compared += static_cast<int64_t>(expected.size());
    ++counts_.restarts_verified;
    if (version > floor) ++counts_.restarts_with_unacked_commits;
    return true;
  }

  // One round: a fresh store, killed and restarted until an import runs to
  // completion.
  void RunRound(int round) {
    const std::string dir = scratch_->Sub(absl::StrCat("round-", round));
    const std::string log = dir + ".log";
    ImportDriver driver(plan_);
    ++counts_.rounds;
    for (int attempt = 0; attempt < kMaxAttemptsPerRound; ++attempt) {
      ++counts_.attempts;
      LogMarker(log, absl::StrCat("round ", round, " attempt ", attempt));
      driver.phase = kStarting;
      auto process = ServiceProcess::Start(options_.stats_service,
                                           StatsArgs(dir, dir + ".port"), dir + ".port", log);
      ASSERT_NE(process, nullptr);
      Killer killer;
      auto probe = [&driver] { return driver.phase.load(); };
      const bool killing = counts_.kills < options_.cycles;
      const bool startup_kill = killing && Uniform(0, 99) < kStartupKillPercent;
      if (startup_kill) killer.Arm(process.get(), Millis(Uniform(0, startup_ms_ * 3 / 2)), probe);

      auto note_kill = [&] {
        ++counts_.kills;
        ++counts_.kills_by_phase[killer.phase_at_kill()];
        ASSERT_TRUE(process->WaitExit(kExitTimeout)) << "a killed stats-service did not exit";
        ASSERT_TRUE(WIFSIGNALED(process->exit_status()) &&
                    WTERMSIG(process->exit_status()) == SIGKILL)
            << "stats-service ended otherwise than by our SIGKILL, status "
            << process->exit_status() << "\n" << LogTail(log);
      };

      std::optional<int> port = process->WaitForPort(kStartTimeout);
      std::shared_ptr<grpc::Channel> channel;
      if (port) {
        channel = grpc::CreateChannel(process->Target(), grpc::InsecureChannelCredentials());
        if (!WaitServing(channel, kStatsService, *process, kStartTimeout)) port.reset();
      }
      if (!port) {
        if (killer.Cancel()) {
          note_kill();
          continue;
        }
        FAIL() << "stats-service did not start (round " << round << ", attempt " << attempt
               << ")\n" << LogTail(log);
      }
      auto stub = api::StatsService::NewStub(channel);

      driver.phase = kVerifying;
      if (attempt > 0) {
        int64_t version = 0;
        if (!VerifyAfterRestart(*stub, driver, killer, log, version)) {
          note_kill();
          continue;
        }
        if (HasFailure()) return;
      }

      if (killing && !startup_kill) {
        killer.Arm(process.get(), Millis(Uniform(0, import_ms_)), probe);
      }
      const int max_stream = static_cast<int>(Uniform(1, kMaxStreamMessages));
      grpc::Status status =
          driver.Run(*stub, [max_stream] { return static_cast<int>(Uniform(1, max_stream)); });
      if (killer.Cancel()) {
        note_kill();
        continue;
      }
      ASSERT_TRUE(status.ok()) << "the import failed without a kill: " << status.error_message()
                               << "\n" << LogTail(log);

      // Complete: the store is the clean one, also after one more SIGKILL
      // now that everything is acknowledged.
      Dump actual;
      int64_t version = 0;
      ASSERT_TRUE(GetDataVersion(*stub, version).ok());
      ASSERT_TRUE(ReadDump(*stub, version, plan_, actual).ok());
      EXPECT_EQ(CompareDumps(reference_, actual), "")
          << "round " << round << ": the completed import differs from the clean import";
      counts_.records_compared += static_cast<int64_t>(reference_.size());

      process->Kill();
      ASSERT_TRUE(process->WaitExit(kExitTimeout));
      ++counts_.final_kills;
      LogMarker(log, absl::StrCat("round ", round, ": restart after the final SIGKILL"));
      process = StartStats(dir, log, channel);
      ASSERT_NE(process, nullptr);
      stub = api::StatsService::NewStub(channel);
      ASSERT_TRUE(GetDataVersion(*stub, version).ok());
      ASSERT_TRUE(ReadDump(*stub, version, plan_, actual).ok());
      EXPECT_EQ(CompareDumps(reference_, actual), "")
          << "round " << round << ": after SIGKILL of the completed import the store differs";
      counts_.records_compared += static_cast<int64_t>(reference_.size());
      counts_.messages_acked += driver.messages_acked;
      // Our idle connection would hold SIGTERM's shutdown for its whole grace.
      stub.reset();
      channel.reset();
      auto exit = process->Terminate(kExitTimeout);
      EXPECT_TRUE(exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0)
          << "stats-service did not stop cleanly on SIGTERM\n" << LogTail(log);
      return;
    }
    FAIL() << "round " << round << " made no progress in " << kMaxAttemptsPerRound
           << " attempts";
  }

  Options options_;
  ImportPlan plan_;
  std::unique_ptr<ScratchDir> scratch_;
  std::unique_ptr<api::StatsService::Stub> clean_stub_;
  std::vector<int64_t> clean_version_after_op_;
  Dump reference_;
  int64_t startup_ms_ = 0;
  int64_t import_ms_ = 0;
  Counts counts_;
};

TEST_F(StatsCrashTest, ImportsSurviveSigkill) {
  const auto test_start = Clock::now();
  std::cout << absl::StrFormat(
      "stats crash test: %d kills, seed %d (IMDI_CRASH_SEED=%d reproduces the choices), "
      "%d messages of at most %d rows (%d rows), %d published-total keys\n",
      options_.cycles, options_.seed, options_.seed, plan_.messages.size(), options_.batch,
      plan_.rows, plan_.area_keys.size());
  scratch_ = std::make_unique<ScratchDir>("imdi-crash-stats");

  // The reference: a clean import, one message per stream so that the
  // version after every operation is known.
  const std::string clean_dir = scratch_->Sub("clean");
  const std::string clean_log = clean_dir + ".log";
  std::shared_ptr<grpc::Channel> clean_channel;
  auto start = Clock::now();
  auto clean = StartStats(clean_dir, clean_log, clean_channel);
  ASSERT_NE(clean, nullptr);
  startup_ms_ = std::max<int64_t>(MsSince(start), 1);
  clean_stub_ = api::StatsService::NewStub(clean_channel);
  ImportDriver clean_driver(plan_);
  start = Clock::now();
  grpc::Status status = clean_driver.Run(*clean_stub_, [] { return 1; }, &clean_version_after_op_);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << LogTail(clean_log);
  import_ms_ = std::max<int64_t>(MsSince(start), 1);
  int64_t clean_version = 0;
  ASSERT_TRUE(GetDataVersion(*clean_stub_, clean_version).ok());
  ASSERT_EQ(clean_version, clean_version_after_op_.back());
  for (size_t i = 1; i < clean_version_after_op_.size(); ++i) {
    ASSERT_LE(clean_version_after_op_[i] - clean_version_after_op_[i - 1], 1)
        << "one import message made more than one commit";
  }

  // The method rests on this: importing everything again writes nothing.
  ImportDriver again(plan_);
  ASSERT_TRUE(again.Run(*clean_stub_, [] { return kMaxStreamMessages; }).ok());
  int64_t version_again = 0;
  ASSERT_TRUE(GetDataVersion(*clean_stub_, version_again).ok());
  ASSERT_EQ(again.rows_changed, 0) << "re-importing the same files changed rows";
  ASSERT_EQ(version_again, clean_version) << "re-importing the same files advanced the version";

  ASSERT_TRUE(ReadDump(*clean_stub_, clean_version, plan_, reference_).ok());
  std::cout << absl::StrFormat(
      "clean import: startup %d ms, import %d ms, data version %d, %d municipalities, "
      "%d municipal records, %d published totals\n",
      startup_ms_, import_ms_, clean_version, reference_.municipalities.size(),
      reference_.figures.size(), reference_.areas.size());

  for (int round = 1; counts_.kills < options_.cycles || round == 1; ++round) {
    RunRound(round);
    if (HasFailure()) break;
  }

  clean_stub_.reset();
  clean_channel.reset();
  auto exit = clean->Terminate(kExitTimeout);
  EXPECT_TRUE(exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0)
      << "the clean stats-service did not stop cleanly\n" << LogTail(clean_log);

  std::cout << absl::StrFormat(
      "stats crash test: %d rounds, %d starts, %d random SIGKILLs (+%d after completed "
      "imports), %d restarts verified (%d found unacknowledged messages committed), "
      "%d import messages acknowledged in completed rounds, %d records and %d changes "
      "compared, %d ms\n",
      counts_.rounds, counts_.attempts, counts_.kills, counts_.final_kills,
      counts_.restarts_verified, counts_.restarts_with_unacked_commits, counts_.messages_acked,
      counts_.records_compared, counts_.changes_compared, MsSince(test_start));
  for (int p = 0; p < kNumPhases; ++p) {
    if (counts_.kills_by_phase[p] > 0) {
      std::cout << absl::StrFormat("  kills %s: %d\n", PhaseName(p), counts_.kills_by_phase[p]);
    }
  }
}

}  // namespace
}  // namespace imdi::crash

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  imdi::crash::SetOptions(imdi::crash::ParseOptions(argc, argv));
  return RUN_ALL_TESTS();
}
