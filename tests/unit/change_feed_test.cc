// The change feed's hub: bounded queues per watcher, cut-offs, limits and
// shutdown.
#include "stats-service/domain/change_feed.h"

#include <deque>
#include <memory>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::stats {
namespace {

using Queue = std::deque<std::shared_ptr<const CommittedChanges>>;

std::shared_ptr<const CommittedChanges> Commit(uint64_t version, int records = 1,
                                               size_t note_bytes = 0) {
  std::vector<FiguresRecord> changed;
  for (int i = 0; i < records; ++i) {
    FiguresRecord r;
    r.subject = Subject::Municipality(301);
    r.year = 2000 + i;
    r.note = std::string(note_bytes, 'x');
    changed.push_back(std::move(r));
  }
  return CommittedChanges::Make(version, std::move(changed));
}

ChangeHubOptions Options(size_t commits, size_t bytes = size_t{32} << 20, size_t watchers = 64) {
  ChangeHubOptions options;
  options.queue_commits = commits;
  options.queue_bytes = bytes;
  options.max_watchers = watchers;
  return options;
}

std::vector<uint64_t> Versions(const Queue& queue) {
  std::vector<uint64_t> out;
  for (const auto& c : queue) out.push_back(c->data_version);
  return out;
}

TEST(ChangeHubTest, AWatcherGetsEveryCommitAfterItsSubscriptionInOrder) {
  ChangeHub hub({}, 7);
  hub.Publish(Commit(8));
  auto watcher = hub.Subscribe();
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  EXPECT_EQ((*watcher)->subscribed_at(), 8u);
  hub.Publish(Commit(9));
  hub.Publish(Commit(10, 3));
  Queue taken;
  ASSERT_TRUE((*watcher)->Take(taken).ok());
  EXPECT_THAT(Versions(taken), ::testing::ElementsAre(9u, 10u));
  EXPECT_EQ(taken.back()->records.size(), 3u);
  Queue again;
  EXPECT_TRUE((*watcher)->Take(again).ok());
  EXPECT_TRUE(again.empty());
}

TEST(ChangeHubTest, AWatcherPastItsQueueOfCommitsIsCutOffAndOthersAreNot) {
  ChangeHub hub(Options(3), 0);
  auto slow = hub.Subscribe();
  auto fast = hub.Subscribe();
  ASSERT_TRUE(slow.ok() && fast.ok());
  for (uint64_t v = 1; v <= 10; ++v) {
    hub.Publish(Commit(v));  // never waits for either
    Queue taken;
    ASSERT_TRUE((*fast)->Take(taken).ok());
    EXPECT_THAT(Versions(taken), ::testing::ElementsAre(v));
  }
  Queue taken;
  const absl::Status status = (*slow)->Take(taken);
  EXPECT_TRUE(taken.empty());  // the queue is dropped: the log has it
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(ErrorReason(status), "WATCHER_TOO_SLOW");
}

TEST(ChangeHubTest, TheQueueIsBoundedByBytesTooButTakesOneLargeCommit) {
  ChangeHub hub(Options(100, 10000), 0);
  auto watcher = hub.Subscribe();
  ASSERT_TRUE(watcher.ok());
  hub.Publish(Commit(1, 1, 50000));  // larger than the bound, into an empty queue
  Queue taken;
  ASSERT_TRUE((*watcher)->Take(taken).ok());
  ASSERT_EQ(taken.size(), 1u);
  for (uint64_t v = 2; v <= 40; ++v) hub.Publish(Commit(v, 1, 1000));
  taken.clear();
  EXPECT_EQ(ErrorReason((*watcher)->Take(taken)), "WATCHER_TOO_SLOW");
}

TEST(ChangeHubTest, AtMostMaxWatchersAtOnce) {
  ChangeHub hub(Options(1024, size_t{32} << 20, 2), 0);
  auto a = hub.Subscribe();
  auto b = hub.Subscribe();
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = hub.Subscribe();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(c.status()), "TOO_MANY_WATCHERS");
  hub.Unsubscribe(*a);
  EXPECT_EQ(hub.watchers(), 1u);
  EXPECT_TRUE(hub.Subscribe().ok());
}

TEST(ChangeHubTest, ShutdownEndsWatchersUnavailableAndRefusesNewOnes) {
  ChangeHub hub({}, 0);
  auto watcher = hub.Subscribe();
  ASSERT_TRUE(watcher.ok());
  absl::Notification woken;
  (*watcher)->SetWake([&] {
    if (!woken.HasBeenNotified()) woken.Notify();
  });
  hub.Publish(Commit(1));
  hub.Shutdown();
  woken.WaitForNotification();  // from the hub's own thread
  Queue taken;
  const absl::Status status = (*watcher)->Take(taken);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(status), "SHUTTING_DOWN");
  (*watcher)->SetWake(nullptr);
  auto late = hub.Subscribe();
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(late.status()), "SHUTTING_DOWN");
}

TEST(ChangeHubTest, ALostCommitEndsWatchersSoTheyResumeFromTheLog) {
  ChangeHub hub({}, 0);
  auto watcher = hub.Subscribe();
  ASSERT_TRUE(watcher.ok());
  hub.Lost(1);
  Queue taken;
  EXPECT_EQ((*watcher)->Take(taken).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(hub.published_version(), 1u);
}

}  // namespace
}  // namespace imdi::stats
