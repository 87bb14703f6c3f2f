// InMemoryStatsStore: a StatsStore kept in memory, for unit tests of the
// layer above (StatsCore). It keeps every revision like the real store and
// folds them the same way (revisions.h), so reads at an older data version
// or known date return exactly what the real store returns.
//
// Thread-safe: every method takes one absl::Mutex. ScanFigures calls the
// cheap `want` predicate under the lock but copies the visible records and
// calls `visit` after releasing it, so a visitor may call back into the
// store.
//
// Fault injection (leveldb style): FailNextCommit makes the next Commit fail
// with a given status before anything is written, to test that callers keep
// their own state consistent when a write is lost.
#ifndef IMDI_TESTS_FAKES_IN_MEMORY_STATS_STORE_H_
#define IMDI_TESTS_FAKES_IN_MEMORY_STATS_STORE_H_

#include <cstdint>
#include <algorithm>
#include <functional>
#include <tuple>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/storage/stats_store.h"

namespace imdi::stats::fakes {

class InMemoryStatsStore final : public StatsStore {
 public:
  // `clock` gives the update_time of each commit; absl::Now by default.
  explicit InMemoryStatsStore(std::function<absl::Time()> clock = &absl::Now)
      : clock_(std::move(clock)) {}

  uint64_t data_version() const override {
    absl::MutexLock lock(&mu_);
    return data_version_;
  }

  absl::StatusOr<std::optional<FiguresRecord>> ReadFigures(
      const Subject& subject, int year, uint64_t as_of,
      std::optional<int> known_as_of) const override {
    absl::MutexLock lock(&mu_);
    auto it = figures_.find({subject, year});
    if (it == figures_.end()) return std::optional<FiguresRecord>();
    return FoldRevisions(it->second, as_of, known_as_of);
  }

  absl::Status ScanFigures(const FiguresScan& scan,
                           absl::FunctionRef<bool(FiguresRecord&&)> visit) const override {
    std::vector<FiguresRecord> visible;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [key, revisions] : figures_) {
        const auto& [subject, year] = key;
        if (subject.kind != scan.kind) continue;
        if (scan.after && std::make_pair(subject.id, year) <= *scan.after) continue;
        if (scan.want && !scan.want(subject.id, year)) continue;
        std::optional<FiguresRecord> record =
            FoldRevisions(revisions, scan.as_of, scan.known_as_of);
        if (record) visible.push_back(std::move(*record));
      }
    }
    for (FiguresRecord& record : visible) {
      if (!visit(std::move(record))) break;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<FiguresRecord>> ReadFiguresHistory(const Subject& subject, int year,
                                                                uint64_t after_version,
                                                                size_t limit) const override {
    absl::MutexLock lock(&mu_);
    std::vector<FiguresRecord> out;
    auto it = figures_.find({subject, year});
    if (it == figures_.end()) return out;
    for (const FiguresRecord& r : it->second) {
      if (r.data_version > after_version && out.size() < limit) out.push_back(r);
    }
    return out;
  }

  absl::StatusOr<std::vector<Municipality>> ReadMunicipalities(
      uint64_t as_of) const override {
    absl::MutexLock lock(&mu_);
    std::vector<Municipality> out;
    for (const auto& [id, revisions] : municipalities_) {
      std::optional<Municipality> m = Visible(revisions, as_of);
      if (m) out.push_back(std::move(*m));
    }
    return out;
  }

  absl::StatusOr<std::vector<uint64_t>> ReadMunicipalityVersions() const override {
    absl::MutexLock lock(&mu_);
    std::set<uint64_t> versions;
    for (const auto& [id, revisions] : municipalities_) {
      for (const Municipality& m : revisions) versions.insert(m.data_version);
    }
    return std::vector<uint64_t>(versions.begin(), versions.end());
  }

  absl::StatusOr<std::vector<ChangeRef>> ReadChanges(uint64_t after_version,
                                                     uint64_t up_to_version,
                                                     size_t limit) const override {
    absl::MutexLock lock(&mu_);
    std::vector<ChangeRef> out;
    for (const ChangeRef& change : changes_) {
      if (change.data_version <= after_version) continue;
      if (change.data_version > up_to_version) break;
      if (out.size() >= limit && out.back().data_version != change.data_version) break;
      out.push_back(change);
    }
    return out;
  }

  absl::StatusOr<uint64_t> Commit(std::vector<FiguresRecord>& figures,
                                  std::vector<Municipality>& municipalities) override {
    absl::MutexLock lock(&mu_);
    if (figures.empty() && municipalities.empty()) return data_version_;
    ++commit_attempts_;
    if (!next_commit_error_.ok()) {
      absl::Status error = std::move(next_commit_error_);
      next_commit_error_ = absl::OkStatus();
      return error;  // nothing written
    }
    const uint64_t version = data_version_ + 1;
    const absl::Time now = clock_();
    for (FiguresRecord& record : figures) {
      record.data_version = version;
      record.update_time = now;
    }
    for (Municipality& m : municipalities) {
      m.data_version = version;
      m.update_time = now;
    }
    // Nothing below can fail, so the commit is all or nothing.
    std::vector<ChangeRef> changed;
    for (const FiguresRecord& record : figures) {
      figures_[{record.subject, record.year}].push_back(record);
      changed.push_back({version, record.subject, record.year});
    }
    std::sort(changed.begin(), changed.end(), [](const ChangeRef& a, const ChangeRef& b) {
      return std::tie(a.subject, a.year) < std::tie(b.subject, b.year);
    });
    changes_.insert(changes_.end(), changed.begin(), changed.end());
    for (const Municipality& m : municipalities) {
      municipalities_[m.id].push_back(m);
    }
    data_version_ = version;
    return version;
  }

  // --- Test controls ---

  // The next non-empty Commit fails with `error` and writes nothing.
  void FailNextCommit(absl::Status error) {
    absl::MutexLock lock(&mu_);
    next_commit_error_ = std::move(error);
  }

  // Non-empty Commit calls so far, including failed ones.
  int commit_attempts() const {
    absl::MutexLock lock(&mu_);
    return commit_attempts_;
  }

 private:
  // The newest revision written at or before `as_of`; revisions are kept
  // in commit order, so data versions ascend.
  template <typename T>
  static std::optional<T> Visible(const std::vector<T>& revisions, uint64_t as_of) {
    for (auto it = revisions.rbegin(); it != revisions.rend(); ++it) {
      if (it->data_version <= as_of) return *it;
    }
    return std::nullopt;
  }

  const std::function<absl::Time()> clock_;
  mutable absl::Mutex mu_;
  uint64_t data_version_ ABSL_GUARDED_BY(mu_) = 0;
  // Every revision of every record, oldest first, ordered by (subject, year)
  // like the real store's keys.
  std::map<std::pair<Subject, int>, std::vector<FiguresRecord>> figures_
      ABSL_GUARDED_BY(mu_);
  std::map<int, std::vector<Municipality>> municipalities_ ABSL_GUARDED_BY(mu_);
  // Every figures change, in (data version, subject, year) order.
  std::vector<ChangeRef> changes_ ABSL_GUARDED_BY(mu_);
  absl::Status next_commit_error_ ABSL_GUARDED_BY(mu_);
  int commit_attempts_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace imdi::stats::fakes

#endif  // IMDI_TESTS_FAKES_IN_MEMORY_STATS_STORE_H_
