// WatchFigures on an in-process statistics service (real RocksDB, real
// gRPC on loopback): resuming from the last data version seen gets every
// change exactly once, across writes, concurrent imports, a watcher cut off
// for being slow, and a restart; too many watchers and shutdown end with
// their statuses.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/stats_server.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace imdi::stats {
namespace {

namespace api = ::imdi::stats::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

// The records the tests write: Oslo, the country and each IMDi region, for
// the years 2000-2020: 8 x 21 = 168.
constexpr int kRecordsPerRound = 8 * 21;

// One change as a consumer sees it.
struct Change {
  std::string subject;
  int year = 0;
  int64_t data_version = 0;
  auto operator<=>(const Change&) const = default;
};

Change ChangeOf(const api::Figures& f) {
  std::string subject = f.municipality_code();
  if (subject.empty()) {
    subject = absl::StrCat("area ", f.area().kind(), " ", f.area().imdi_region());
  }
  return {subject, f.year(), f.data_version()};
}

// A consumer of one WatchFigures call.
class Watch {
 public:
  Watch(api::StatsService::Stub& stub, int64_t since, const std::string& filter = "") {
    api::WatchFiguresRequest request;
    request.set_since_data_version(since);
    request.set_filter(filter);
    reader_ = stub.WatchFigures(&context_, request);
    data_version_ = since;
  }
  ~Watch() {
    if (!finished_) {
      context_.TryCancel();
      Finish();
    }
  }

  // Reads messages until `done` holds or the stream ends; false when it
  // ended.
  template <typename Done>
  bool ReadUntil(Done done) {
    api::WatchFiguresResponse message;
    while (!done(*this)) {
      if (!reader_->Read(&message)) return false;
      for (const api::Figures& f : message.changes()) changes_.push_back(ChangeOf(f));
      data_version_ = message.data_version();
      live_ = live_ || message.live();
      ++messages_;
    }
    return true;
  }
  bool ReadUntilLive() {
    return ReadUntil([](const Watch& w) { return w.live(); });
  }
  bool ReadThrough(int64_t version) {
    return ReadUntil([version](const Watch& w) { return w.live() && w.data_version() >= version; });
  }

  // Ends the call (cancelling it when still open) and returns its status.
  grpc::Status Finish() {
    if (finished_) return status_;
    finished_ = true;
    status_ = reader_->Finish();
    return status_;
  }
  void Cancel() { context_.TryCancel(); }

  // What a consumer keeps when it disconnects: the changes up to the last
  // data version received (those of a commit still being sent come again).
  std::vector<Change> Kept() const {
    std::vector<Change> kept;
    for (const Change& c : changes_) {
      if (c.data_version <= data_version_) kept.push_back(c);
    }
    return kept;
  }

  const std::vector<Change>& changes() const { return changes_; }
  int64_t data_version() const { return data_version_; }
  bool live() const { return live_; }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<api::WatchFiguresResponse>> reader_;
  std::vector<Change> changes_;
  int64_t data_version_ = 0;
  bool live_ = false;
  int messages_ = 0;
  bool finished_ = false;
  grpc::Status status_;
};

// Fails when a change appears twice.
void ExpectNoDuplicates(const std::vector<Change>& changes) {
  std::set<Change> unique(changes.begin(), changes.end());
  EXPECT_EQ(unique.size(), changes.size()) << "duplicate changes";
}

class StatsWatchTest : public ::testing::Test {
 protected:
  explicit StatsWatchTest(std::function<void(StatsServerOptions&)> configure = nullptr)
      : server_(std::move(configure)) {}

  void SetUp() override {
    auto municipalities = import::LoadMunicipalities(kData + "klass/kommuner-1994-2024.csv",
                                                     kData + "regions/kommuner.json");
    ASSERT_TRUE(municipalities.ok()) << municipalities.status();
    auto request = import::MunicipalitiesRequest(*municipalities);
    ASSERT_TRUE(request.ok());
    grpc::ClientContext context;
    api::BatchUpsertMunicipalitiesResponse response;
    grpc::Status status = server_.stub().BatchUpsertMunicipalities(&context, *request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Writes every record once with values of `round`, `per_message` rows to
  // a message (one commit each), and returns the records changed.
  int64_t Import(int round, int per_message, const std::string& note = "") {
    grpc::ClientContext context;
    api::ImportFiguresResponse response;
    auto writer = server_.stub().ImportFigures(&context, &response);
    api::ImportFiguresRequest message;
    int index = 0;
    auto flush = [&] {
      if (message.rows_size() == 0) return;
      message.set_source(absl::StrCat("round-", round, ".csv"));
      EXPECT_TRUE(writer->Write(message));
      message.Clear();
    };
    for (int subject = 0; subject < 8; ++subject) {
      for (int year = 2000; year <= 2020; ++year) {
        api::ImportRow* row = message.add_rows();
        row->set_line(++index);
        api::Figures* f = row->mutable_figures();
        if (subject == 0) {
          f->set_municipality_code("0301");
        } else if (subject == 1) {
          f->mutable_area()->set_kind(api::AREA_KIND_COUNTRY);
        } else {
          f->mutable_area()->set_kind(api::AREA_KIND_IMDI_REGION);
          f->mutable_area()->set_imdi_region(static_cast<api::ImdiRegion>(subject - 1));
        }
        f->set_year(year);
        f->set_refugees_settled(round * 1000 + index);
        if (!note.empty()) f->set_note(note);
        if (message.rows_size() == per_message) flush();
      }
    }
    flush();
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.rows_rejected(), 0);
    return response.rows_changed();
  }

  int64_t DataVersion() {
    grpc::ClientContext context;
    api::GetDataVersionResponse response;
    EXPECT_TRUE(server_.stub().GetDataVersion(&context, {}, &response).ok());
    return response.data_version();
  }

  imdi::testing::StatsServer server_;
};

TEST_F(StatsWatchTest, AConsumerThatResumesFromTheLastVersionSeenGetsEveryChangeOnce) {
  const int64_t start = DataVersion();
  int64_t changed = Import(1, 40);
  ASSERT_EQ(changed, kRecordsPerRound);

  std::vector<Change> seen;
  int64_t resume_from = 0;
  {
    Watch first(server_.stub(), start);
    ASSERT_TRUE(first.ReadUntil([](const Watch& w) { return w.changes().size() >= 100; }));
    first.Cancel();
    seen = first.Kept();
    resume_from = first.data_version();
  }
  const size_t before = seen.size();
  // Written while the consumer is away, and while it catches up.
  changed += Import(2, 40);
  changed += Import(3, 25);
  {
    Watch resumed(server_.stub(), resume_from);
    int64_t changed_meanwhile = 0;
    std::thread writer([&] { changed_meanwhile = Import(4, 50); });
    EXPECT_TRUE(resumed.ReadUntil([](const Watch& w) { return w.changes().size() >= 50; }));
    writer.join();
    changed += changed_meanwhile;
    const int64_t newest = DataVersion();
    ASSERT_TRUE(resumed.ReadThrough(newest));
    for (const Change& c : resumed.Kept()) seen.push_back(c);
  }
  std::cout << "resume: " << before << " before disconnect + " << seen.size() - before
            << " after = " << seen.size() << " (changed: " << changed << ")\n";
  EXPECT_EQ(static_cast<int64_t>(seen.size()), changed);
  ExpectNoDuplicates(seen);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end(), [](const Change& a, const Change& b) {
    return a.data_version < b.data_version;
  }));
}

TEST_F(StatsWatchTest, LiveChangesOfConcurrentImportsComeOnceEachAndFiltersSelect) {
  const int64_t start = DataVersion();
  Watch all(server_.stub(), start);
  Watch oslo(server_.stub(), start, R"(municipality_code = "0301" AND year >= 2010)");
  Watch areas_2005(server_.stub(), start, "year = 2005");
  ASSERT_TRUE(all.ReadUntilLive());
  ASSERT_TRUE(oslo.ReadUntilLive());
  EXPECT_THAT(all.changes(), IsEmpty());
  EXPECT_EQ(all.data_version(), start);

  int64_t changed_a = 0;
  int64_t changed_b = 0;
  std::thread a([&] {
    for (int round = 1; round <= 3; ++round) changed_a += Import(round, 30);
  });
  std::thread b([&] {
    for (int round = 11; round <= 13; ++round) changed_b += Import(round, 17);
  });
  a.join();
  b.join();
  const int64_t newest = DataVersion();
  ASSERT_TRUE(all.ReadThrough(newest));
  EXPECT_EQ(static_cast<int64_t>(all.changes().size()), changed_a + changed_b);
  ExpectNoDuplicates(all.changes());

  // The filtered watchers get exactly the matching ones.
  std::vector<Change> expected_oslo;
  std::vector<Change> expected_2005;
  for (const Change& c : all.changes()) {
    if (c.subject == "0301" && c.year >= 2010) expected_oslo.push_back(c);
    if (c.year == 2005) expected_2005.push_back(c);
  }
  ASSERT_TRUE(oslo.ReadUntil(
      [&](const Watch& w) { return w.changes().size() >= expected_oslo.size(); }));
  ASSERT_TRUE(areas_2005.ReadUntil(
      [&](const Watch& w) { return w.changes().size() >= expected_2005.size(); }));
  EXPECT_EQ(oslo.changes(), expected_oslo);
  EXPECT_EQ(areas_2005.changes(), expected_2005);
  EXPECT_EQ(expected_oslo.size(), 11u * 6);  // 2010-2020, six rounds
}

TEST_F(StatsWatchTest, RefusesAVersionPastTheNewestAndBadFilters) {
  Import(1, 100);
  const int64_t newest = DataVersion();
  {
    Watch past(server_.stub(), newest + 1);
    EXPECT_FALSE(past.ReadUntilLive());
    const absl::Status status = FromGrpcStatus(past.Finish());
    EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << status;
    EXPECT_THAT(FieldViolations(status),
                ElementsAre(::testing::Field(&FieldViolation::field, "since_data_version")));
  }
  {
    Watch negative(server_.stub(), -1);
    EXPECT_FALSE(negative.ReadUntilLive());
    EXPECT_EQ(negative.Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    Watch bad(server_.stub(), 0, "colour = red");
    EXPECT_FALSE(bad.ReadUntilLive());
    const absl::Status status = FromGrpcStatus(bad.Finish());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_EQ(ErrorReason(status), "INVALID_FILTER");
  }
  // The newest version itself is fine: nothing to catch up on.
  Watch at_newest(server_.stub(), newest);
  ASSERT_TRUE(at_newest.ReadUntilLive());
  EXPECT_THAT(at_newest.changes(), IsEmpty());
  EXPECT_EQ(at_newest.data_version(), newest);
}

TEST_F(StatsWatchTest, ShutdownEndsWatchersUnavailableAndTheyResumeAfterARestart) {
  int64_t changed = Import(1, 60);
  std::vector<Change> seen;
  int64_t resume_from = 0;
  {
    Watch watch(server_.stub(), 0);
    ASSERT_TRUE(watch.ReadUntilLive());
    server_.Stop();
    EXPECT_FALSE(watch.ReadUntil([](const Watch&) { return false; }));
    const absl::Status status = FromGrpcStatus(watch.Finish());
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_EQ(ErrorReason(status), "SHUTTING_DOWN");
    seen = watch.Kept();
    resume_from = watch.data_version();
  }
  server_.Start();
  changed += Import(2, 60);
  Watch resumed(server_.stub(), resume_from);
  ASSERT_TRUE(resumed.ReadThrough(DataVersion()));
  for (const Change& c : resumed.Kept()) seen.push_back(c);
  EXPECT_EQ(static_cast<int64_t>(seen.size()), changed);
  ExpectNoDuplicates(seen);
}

class StatsWatchLimitsTest : public StatsWatchTest {
 protected:
  StatsWatchLimitsTest()
      : StatsWatchTest([](StatsServerOptions& options) {
          options.changes.queue_commits = 4;
          options.changes.max_watchers = 2;
        }) {}
};

TEST_F(StatsWatchLimitsTest, AThirdWatcherIsRefusedUntilOneLeaves) {
  auto first = std::make_unique<Watch>(server_.stub(), 0);
  Watch second(server_.stub(), 0);
  ASSERT_TRUE(first->ReadUntilLive());
  ASSERT_TRUE(second.ReadUntilLive());
  {
    Watch third(server_.stub(), 0);
    EXPECT_FALSE(third.ReadUntilLive());
    const absl::Status status = FromGrpcStatus(third.Finish());
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
    EXPECT_EQ(ErrorReason(status), "TOO_MANY_WATCHERS");
  }
  first.reset();  // cancelled; its place frees once the server has seen it end
  bool admitted = false;
  for (int attempt = 0; attempt < 200 && !admitted; ++attempt) {
    Watch again(server_.stub(), 0);
    admitted = again.ReadUntilLive();
    if (!admitted) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(admitted);
}

TEST_F(StatsWatchLimitsTest, ASlowWatcherIsCutOffWritersGoOnAndItsResumeGetsTheRest) {
  // A consumer that reads nothing while 6 x 9 commits of large records are
  // written: its transport fills, then its queue of 4 commits.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
  auto channel = grpc::CreateCustomChannel(server_.target(), grpc::InsecureChannelCredentials(),
                                           args);
  auto slow_stub = api::StatsService::NewStub(channel);
  const int64_t start = DataVersion();
  Watch slow(*slow_stub, start);
  ASSERT_TRUE(slow.ReadUntilLive());
  const std::string note(1500, 'n');
  int64_t changed = 0;
  for (int round = 1; round <= 6; ++round) changed += Import(round, 20, note);
  EXPECT_EQ(changed, 6 * kRecordsPerRound);  // every writer finished

  EXPECT_FALSE(slow.ReadUntil([](const Watch&) { return false; }));
  const absl::Status status = FromGrpcStatus(slow.Finish());
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(ErrorReason(status), "WATCHER_TOO_SLOW");
  std::vector<Change> seen = slow.Kept();
  const size_t before = seen.size();
  EXPECT_LT(static_cast<int64_t>(before), changed);

  Watch resumed(server_.stub(), slow.data_version());
  ASSERT_TRUE(resumed.ReadThrough(DataVersion()));
  for (const Change& c : resumed.Kept()) seen.push_back(c);
  std::cout << "slow watcher: " << before << " before the cut + " << seen.size() - before
            << " on resume = " << seen.size() << " (changed: " << changed << ")\n";
  EXPECT_EQ(static_cast<int64_t>(seen.size()), changed);
  ExpectNoDuplicates(seen);
}

}  // namespace
}  // namespace imdi::stats
