// LatestView: the current figures of every (subject, year), folded, at one
// data version, in memory. It serves the reads of the newest version (a
// point read is a lookup, a year's read a slice that costs what it returns)
// while the store stays the source of truth for older versions, known-date
// bounds and history.
//
// Layout: one table per (subject kind, year), its records ordered by subject
// id and cut into chunks of at most kMaxChunkRecords. A chunk holds its
// records encoded compactly (varints, its own table of the texts they name:
// sources, notes, principals, request ids), so a record costs tens of bytes
// instead of the ~1 KiB of a FiguresRecord; reads decode it. Tables and
// chunks are shared_ptr'd and immutable: a new version's view (With) copies
// the table index and rebuilds only the chunks its records fall in, and
// shares everything else with the view it came from.
//
// Immutable once built, so thread-safe; owners share it by shared_ptr.
#ifndef IMDI_STATS_DOMAIN_LATEST_VIEW_H_
#define IMDI_STATS_DOMAIN_LATEST_VIEW_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "stats-service/domain/figures.h"

namespace imdi::stats {

class LatestView {
 public:
  // A chunk holds at most this many records (the work a commit redoes per
  // chunk it touches); chunks built in one go hold kChunkRecords.
  static constexpr size_t kChunkRecords = 64;
  static constexpr size_t kMaxChunkRecords = 2 * kChunkRecords;

  // Builds a view from folded records added in (subject id) order within
  // each (kind, year), as a store scan visits them. Not thread-safe.
  class Builder {
   public:
    explicit Builder(uint64_t version);
    ~Builder();
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    // Adds the current figures of (record.subject, record.year). Records of
    // one (kind, year) must come in ascending subject id.
    void Add(const FiguresRecord& record);
    std::shared_ptr<const LatestView> Build() &&;

   private:
    struct Pending;
    uint64_t version_;
    std::map<std::pair<Subject::Kind, int>, std::unique_ptr<Pending>> pending_;
  };

  // An empty view at `version`.
  explicit LatestView(uint64_t version) : version_(version) {}

  uint64_t version() const { return version_; }

  // The current figures of (subject, year); nullopt when it has none.
  std::optional<FiguresRecord> Find(const Subject& subject, int year) const;

  // Visits the records of `kind` with a year in [year_min, year_max] in
  // (subject id, year) order, after `after` (exclusive) when set, until
  // `visit` returns false. `want` is asked before a record is decoded.
  void Scan(Subject::Kind kind, int year_min, int year_max,
            std::optional<std::pair<int, int>> after,
            absl::FunctionRef<bool(int id, int year)> want,
            absl::FunctionRef<bool(FiguresRecord&&)> visit) const;

  // The view at `version` with `records` (folded; new, or replacing the
  // same (subject, year)) in place. Shares every table and chunk the
  // records do not fall in.
  std::shared_ptr<const LatestView> With(uint64_t version,
                                         const std::vector<FiguresRecord>& records) const;

  // How many records the view holds, and the bytes it takes in memory
  // (shared chunks counted once per view).
  size_t size() const;
  size_t MemoryBytes() const;

  // Records of one (kind, year), encoded (opaque outside latest_view.cc).
  struct Chunk;
  struct Table;
  // Whether this view and `other` share the chunk of (subject, year) (the
  // same object, not a copy): for tests of structural sharing.
  bool SharesChunk(const LatestView& other, const Subject& subject, int year) const;

 private:
  using Key = std::pair<Subject::Kind, int>;  // (kind, year)
  const Table* FindTable(Key key) const;

  uint64_t version_;
  // Sorted by key.
  std::vector<std::pair<Key, std::shared_ptr<const Table>>> tables_;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_LATEST_VIEW_H_
