// The statistics service's storage interface: versioned records.
//
// Every Commit writes its records as new revisions under one new global
// data version, atomically. Reads name a data version (`as_of`) and a known
// date and see, for each record, the fold of the revisions written at or
// before that version and known on or before that date (revisions.h), so a
// read at version N returns exactly what was stored then, however much was
// written since. Old revisions are never deleted.
//
// Implementations are thread-safe: reads may run concurrently with each
// other and with one Commit.
#ifndef IMDI_STATS_STORAGE_STATS_STORE_H_
#define IMDI_STATS_STORAGE_STATS_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "stats-service/domain/figures.h"
#include "stats-service/domain/municipality.h"

namespace imdi::stats {

struct FiguresScan {
  // Which kind of subject to scan (municipalities, counties, ...).
  Subject::Kind kind = Subject::Kind::kMunicipality;
  // Start after this (subject id, year), exclusive; from the start if unset.
  std::optional<std::pair<int, int>> after;
  // Read as of this data version.
  uint64_t as_of = 0;
  // Read what was known on this date (YYYYMMDD); nullopt: no bound.
  std::optional<int> known_as_of;
  // Cheap predicate on (subject id, year), checked before a value is
  // decoded; null accepts everything.
  std::function<bool(int id, int year)> want;
};

// One figures record changed by a commit: the revision of (subject, year)
// written at `data_version`.
struct ChangeRef {
  uint64_t data_version = 0;
  Subject subject;
  int year = 0;
  bool operator==(const ChangeRef&) const = default;
};

class StatsStore {
 public:
  virtual ~StatsStore() = default;

  // The newest committed data version; 0 for an empty store.
  virtual uint64_t data_version() const = 0;

  // The figures of (subject, year) as known on `known_as_of` (nullopt: no
  // bound) at data version `as_of`: its revisions folded (revisions.h), or
  // nullopt when none qualifies.
  virtual absl::StatusOr<std::optional<FiguresRecord>> ReadFigures(
      const Subject& subject, int year, uint64_t as_of,
      std::optional<int> known_as_of) const = 0;

  // Visits the records visible at `scan.as_of` and `scan.known_as_of`,
  // folded like ReadFigures, in (subject id, year) order until `visit`
  // returns false.
  virtual absl::Status ScanFigures(
      const FiguresScan& scan,
      absl::FunctionRef<bool(FiguresRecord&&)> visit) const = 0;

  // The revisions of (subject, year) written after data version
  // `after_version`, as stored (partial ones hold only what they set),
  // oldest first, at most `limit` of them.
  virtual absl::StatusOr<std::vector<FiguresRecord>> ReadFiguresHistory(const Subject& subject,
                                                                        int year,
                                                                        uint64_t after_version,
                                                                        size_t limit) const = 0;

  // Every municipality as visible at `as_of`, ordered by id.
  virtual absl::StatusOr<std::vector<Municipality>> ReadMunicipalities(
      uint64_t as_of) const = 0;

  // The data versions at which municipalities were written, ascending.
  virtual absl::StatusOr<std::vector<uint64_t>> ReadMunicipalityVersions() const = 0;

  // The figures records changed by the commits after `after_version` up to
  // `up_to_version`, in (data version, subject, year) order: at least
  // `limit` of them where there are, and always every change of the last
  // commit read, so a batch ends at a commit's end.
  virtual absl::StatusOr<std::vector<ChangeRef>> ReadChanges(uint64_t after_version,
                                                             uint64_t up_to_version,
                                                             size_t limit) const = 0;

  // Writes each record as a new revision (its `revision` field set by the
  // caller) under one new data version, all or nothing, with its change
  // (ReadChanges) in the same atomic write. Fills in
  // `data_version` and `update_time` of every record and returns the new
  // data version. Committing nothing is a no-op that returns the current
  // version.
  virtual absl::StatusOr<uint64_t> Commit(std::vector<FiguresRecord>& figures,
                                          std::vector<Municipality>& municipalities) = 0;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_STORAGE_STATS_STORE_H_
