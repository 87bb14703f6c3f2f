// The change feed's live half: a hub that hands every committed change of
// figures to the watchers subscribed at the time (WatchFigures).
//
// A writer publishes each commit once it is visible; the hub only appends
// it to each watcher's bounded queue (a count of commits and of bytes) and
// never waits for a watcher. A watcher whose queue would overflow is cut
// off: its queue is dropped and it ends with RESOURCE_EXHAUSTED (reason
// WATCHER_TOO_SLOW); its consumer resumes from the last version it got,
// and the change log (StatsStore::ReadChanges) has the rest. Shutdown ends
// every watcher with UNAVAILABLE (reason SHUTTING_DOWN).
//
// A watcher learns that its queue has something (or that it was cut off)
// through its wake function, called on the hub's own notifier thread, never
// on the writer's.
//
// Thread-safe.
#ifndef IMDI_STATS_DOMAIN_CHANGE_FEED_H_
#define IMDI_STATS_DOMAIN_CHANGE_FEED_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "stats-service/domain/figures.h"

namespace imdi::stats {

// The figures changed by one commit, each as it is after the commit (the
// latest view's figures at `data_version`), in (subject, year) order.
struct CommittedChanges {
  uint64_t data_version = 0;
  std::vector<FiguresRecord> records;
  // What the records take in memory, about (FiguresRecord::ReplyBytes).
  size_t bytes = 0;

  static std::shared_ptr<const CommittedChanges> Make(uint64_t data_version,
                                                      std::vector<FiguresRecord> records);
};

struct ChangeHubOptions {
  // Commits one watcher may have queued (not yet sent) at most.
  size_t queue_commits = 1024;
  // Bytes of changes one watcher may have queued at most; a single commit
  // larger than this is still taken into an empty queue.
  size_t queue_bytes = size_t{32} << 20;
  // Watchers at once at most.
  size_t max_watchers = 64;
};

class ChangeHub;

class ChangeWatcher {
 public:
  // Every commit after this version is queued for the watcher; those up to
  // it are already in the store's change log.
  uint64_t subscribed_at() const { return subscribed_at_; }

  // Appends the queued commits to `out`, oldest first, and empties the
  // queue. Once the queue is empty and the watcher was cut off (too slow,
  // shutdown, a commit whose changes could not be read), returns why; no
  // commit comes after that.
  absl::Status Take(std::deque<std::shared_ptr<const CommittedChanges>>& out);

  // Sets what is called when a commit was queued or the watcher was cut
  // off. nullptr clears it; once that returns, the old one is not running
  // and is never called again.
  void SetWake(std::function<void()> wake);

 private:
  friend class ChangeHub;
  explicit ChangeWatcher(uint64_t subscribed_at) : subscribed_at_(subscribed_at) {}

  // Queues `commit` or cuts the watcher off; true when it should be woken.
  bool Offer(const std::shared_ptr<const CommittedChanges>& commit,
             const ChangeHubOptions& options);
  // Cuts the watcher off with `status` (the first such status stays); true
  // when it should be woken.
  bool End(absl::Status status);
  void Wake();

  const uint64_t subscribed_at_;
  absl::Mutex mu_;
  std::deque<std::shared_ptr<const CommittedChanges>> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status ended_ ABSL_GUARDED_BY(mu_);
  // Held while the wake function runs, so clearing it waits for a call in
  // progress.
  absl::Mutex wake_mu_;
  std::function<void()> wake_ ABSL_GUARDED_BY(wake_mu_);
};

class ChangeHub {
 public:
  // `published_version`: the newest committed version, which watchers
  // subscribed before the first Publish start after.
  ChangeHub(const ChangeHubOptions& options, uint64_t published_version);
  // Shuts down.
  ~ChangeHub();
  ChangeHub(const ChangeHub&) = delete;
  ChangeHub& operator=(const ChangeHub&) = delete;

  // A new watcher, subscribed at the newest published version.
  // RESOURCE_EXHAUSTED (TOO_MANY_WATCHERS) at max_watchers, UNAVAILABLE
  // (SHUTTING_DOWN) after Shutdown.
  absl::StatusOr<std::shared_ptr<ChangeWatcher>> Subscribe();
  // Removes a watcher (its call ended); no-op for one already removed.
  void Unsubscribe(const std::shared_ptr<ChangeWatcher>& watcher);

  // Hands a visible commit to every watcher. Never blocks on them.
  void Publish(std::shared_ptr<const CommittedChanges> commit);
  // A commit at `data_version` whose changes could not be read: every
  // watcher ends with UNAVAILABLE (its consumer resumes from the store).
  void Lost(uint64_t data_version);

  // Ends every watcher with UNAVAILABLE (SHUTTING_DOWN) and refuses new
  // ones. Idempotent.
  void Shutdown();

  size_t watchers() const;
  uint64_t published_version() const;
  const ChangeHubOptions& options() const { return options_; }

 private:
  // Queues the wake-ups of `woken` for the notifier thread.
  void Notify(std::vector<std::shared_ptr<ChangeWatcher>> woken);
  void RunNotifier();

  const ChangeHubOptions options_;
  mutable absl::Mutex mu_;
  uint64_t published_version_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<ChangeWatcher>> watchers_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex notify_mu_;
  std::vector<std::shared_ptr<ChangeWatcher>> to_wake_ ABSL_GUARDED_BY(notify_mu_);
  bool stop_notifier_ ABSL_GUARDED_BY(notify_mu_) = false;
  std::thread notifier_;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_CHANGE_FEED_H_
