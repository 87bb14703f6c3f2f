#include "stats-service/domain/change_feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace imdi::stats {

std::shared_ptr<const CommittedChanges> CommittedChanges::Make(
    uint64_t data_version, std::vector<FiguresRecord> records) {
  auto commit = std::make_shared<CommittedChanges>();
  commit->data_version = data_version;
  commit->records = std::move(records);
  for (const FiguresRecord& record : commit->records) commit->bytes += record.ReplyBytes();
  return commit;
}

absl::Status ChangeWatcher::Take(std::deque<std::shared_ptr<const CommittedChanges>>& out) {
  absl::MutexLock lock(&mu_);
  if (queue_.empty()) return ended_;
  for (auto& commit : queue_) out.push_back(std::move(commit));
  queue_.clear();
  queued_bytes_ = 0;
  return absl::OkStatus();
}

void ChangeWatcher::SetWake(std::function<void()> wake) {
  absl::MutexLock lock(&wake_mu_);
  wake_ = std::move(wake);
}

void ChangeWatcher::Wake() {
  absl::MutexLock lock(&wake_mu_);
  if (wake_) wake_();
}

bool ChangeWatcher::Offer(const std::shared_ptr<const CommittedChanges>& commit,
                          const ChangeHubOptions& options) {
  absl::MutexLock lock(&mu_);
  if (!ended_.ok()) return false;
  const bool was_empty = queue_.empty();
  if (!was_empty && (queue_.size() + 1 > options.queue_commits ||
                     queued_bytes_ + commit->bytes > options.queue_bytes)) {
    queue_.clear();
    queued_bytes_ = 0;
    ended_ = MakeError(
        absl::StatusCode::kResourceExhausted, "WATCHER_TOO_SLOW",
        absl::StrCat("the watcher fell behind by more than ", options.queue_commits,
                     " commits or ", options.queue_bytes >> 20,
                     " MiB of changes and was cut off; resume from the last data version "
                     "received"));
    return true;
  }
  queue_.push_back(commit);
  queued_bytes_ += commit->bytes;
  return was_empty;
}

bool ChangeWatcher::End(absl::Status status) {
  absl::MutexLock lock(&mu_);
  if (!ended_.ok()) return false;
  queue_.clear();
  queued_bytes_ = 0;
  ended_ = std::move(status);
  return true;
}

ChangeHub::ChangeHub(const ChangeHubOptions& options, uint64_t published_version)
    : options_(options), published_version_(published_version) {
  notifier_ = std::thread([this] { RunNotifier(); });
}

ChangeHub::~ChangeHub() {
  Shutdown();
  {
    absl::MutexLock lock(&notify_mu_);
    stop_notifier_ = true;
  }
  notifier_.join();
}

absl::StatusOr<std::shared_ptr<ChangeWatcher>> ChangeHub::Subscribe() {
  absl::MutexLock lock(&mu_);
  if (shut_down_) {
    return MakeError(absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
                     "the service is shutting down");
  }
  if (watchers_.size() >= options_.max_watchers) {
    return MakeError(absl::StatusCode::kResourceExhausted, "TOO_MANY_WATCHERS",
                     absl::StrCat("the service already has ", options_.max_watchers,
                                  " watchers, its limit; try again later"));
  }
  auto watcher = std::shared_ptr<ChangeWatcher>(new ChangeWatcher(published_version_));
  watchers_.push_back(watcher);
  return watcher;
}

void ChangeHub::Unsubscribe(const std::shared_ptr<ChangeWatcher>& watcher) {
  absl::MutexLock lock(&mu_);
  watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), watcher), watchers_.end());
}

void ChangeHub::Publish(std::shared_ptr<const CommittedChanges> commit) {
  std::vector<std::shared_ptr<ChangeWatcher>> woken;
  {
    absl::MutexLock lock(&mu_);
    published_version_ = std::max(published_version_, commit->data_version);
    for (const auto& watcher : watchers_) {
      if (watcher->Offer(commit, options_)) woken.push_back(watcher);
    }
  }
  Notify(std::move(woken));
}

void ChangeHub::Lost(uint64_t data_version) {
  std::vector<std::shared_ptr<ChangeWatcher>> woken;
  {
    absl::MutexLock lock(&mu_);
    published_version_ = std::max(published_version_, data_version);
    for (const auto& watcher : watchers_) {
      if (watcher->End(MakeError(absl::StatusCode::kUnavailable, "CHANGES_UNREADABLE",
                                 absl::StrCat("the changes of data version ", data_version,
                                              " could not be read; resume from the last "
                                              "data version received")))) {
        woken.push_back(watcher);
      }
    }
  }
  Notify(std::move(woken));
}

void ChangeHub::Shutdown() {
  std::vector<std::shared_ptr<ChangeWatcher>> woken;
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
    for (const auto& watcher : watchers_) {
      if (watcher->End(MakeError(absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
                                 "the service is shutting down; resume from the last data "
                                 "version received"))) {
        woken.push_back(watcher);
      }
    }
  }
  Notify(std::move(woken));
}

size_t ChangeHub::watchers() const {
  absl::MutexLock lock(&mu_);
  return watchers_.size();
}

uint64_t ChangeHub::published_version() const {
  absl::MutexLock lock(&mu_);
  return published_version_;
}

void ChangeHub::Notify(std::vector<std::shared_ptr<ChangeWatcher>> woken) {
  if (woken.empty()) return;
  absl::MutexLock lock(&notify_mu_);
  for (auto& watcher : woken) to_wake_.push_back(std::move(watcher));
}

void ChangeHub::RunNotifier() {
  for (;;) {
    std::vector<std::shared_ptr<ChangeWatcher>> woken;
    {
      absl::MutexLock lock(&notify_mu_);
      notify_mu_.Await(absl::Condition(
          +[](ChangeHub* hub) ABSL_EXCLUSIVE_LOCKS_REQUIRED(hub->notify_mu_) {
            return hub->stop_notifier_ || !hub->to_wake_.empty();
          },
          this));
      if (to_wake_.empty()) return;  // stopping, and nothing left to tell
      woken.swap(to_wake_);
    }
    // One wake per watcher per round is enough: it takes its whole queue.
    std::sort(woken.begin(), woken.end());
    woken.erase(std::unique(woken.begin(), woken.end()), woken.end());
    for (const auto& watcher : woken) watcher->Wake();
  }
}

}  // namespace imdi::stats
