// StatsCore: the statistics service's business logic over a StatsStore.
//
// It resolves municipality codes through the directory, validates figures,
// checks etags, merges imports field by field, assigns revisions and reads
// consistent snapshots (every read is pinned to one data version). It knows
// nothing of gRPC; the transport maps its results and errors.
//
// Thread-safe. Writes are serialised by one mutex (read, check, commit must
// not interleave); reads run concurrently. Municipality directories are
// immutable snapshots, one per data version at which municipalities were
// written, so a read at version N resolves codes, counties and regions as
// they were at N. A data version becomes visible to reads only once its
// directory and its latest view are in place.
//
// The latest view (latest_view.h) holds the current figures of every record
// in memory, built from one scan of the store at startup and replaced at
// each commit. Reads of the newest version are served from it (and reads
// with a known-date bound, record by record, where the record's figures
// were all known by then); reads of an older version, and history, go to
// the store, which stays the source of truth. Writes merge onto the view's
// figures where they equal those as known on the write's date.
#ifndef IMDI_STATS_DOMAIN_STATS_CORE_H_
#define IMDI_STATS_DOMAIN_STATS_CORE_H_

#include "absl/strings/string_view.h"
#include <atomic>
#include <bitset>
#include <deque>
#include <map>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "stats-service/domain/aggregate.h"
#include "stats-service/domain/change_feed.h"
#include "stats-service/domain/figures.h"
#include "stats-service/domain/filter.h"
#include "stats-service/domain/latest_view.h"
#include "stats-service/domain/municipality.h"
#include "stats-service/domain/page_token.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/storage/stats_store.h"

namespace imdi::stats {

// Which parts of a record a write replaces.
struct FiguresMask {
  std::bitset<kNumCounts> counts;
  std::bitset<kNumPercents> percents;
  bool status = false;
  bool source = false;
  bool note = false;

  static FiguresMask All();
};

// When and by whom a write was made, recorded on the revisions it stores.
struct WriteOrigin {
  // The date the figures were published or known, YYYYMMDD; 0: the date of
  // the write. Not after today.
  int known_date = 0;
  // The caller's principal and the request id (x-request-id), where known.
  std::string principal;
  std::string request_id;
  // Imports: the year whose municipality codes the rows use; 0: each row's
  // own year.
  int codes_year = 0;
};

// A row of an import, already decoded: the subject may name a municipality
// by any code it had (kind kMunicipality, id = that code).
struct ImportRowInput {
  int64_t line = 0;
  FiguresRecord record;
  // The counts and percents the row states as not known (its file has the
  // column but no value): cleared as known on the import's date. None of
  // them may have a value in `record`.
  FiguresMask absent;
};

struct ImportRowError {
  int64_t line = 0;
  std::string field;
  std::string reason;
};

// Rejected rows listed per import response; the rest are only counted.
inline constexpr size_t kMaxImportErrors = 1000;
// Rows one import message may carry (one atomic write each).
inline constexpr size_t kMaxImportRowsPerMessage = 5000;

struct ImportBatchResult {
  int64_t rows_received = 0;
  int64_t rows_changed = 0;
  int64_t rows_unchanged = 0;
  int64_t rows_rejected = 0;
  std::vector<ImportRowError> errors;
  uint64_t data_version = 0;
};

struct FiguresPage {
  std::vector<FiguresRecord> records;
  std::string next_page_token;
  uint64_t data_version = 0;
};

struct HistoryPage {
  std::vector<FiguresRecord> revisions;  // oldest first
  std::string next_page_token;
};

struct HistoryQuery {
  int page_size = 0;  // 0: the default
  std::string page_token;
};

struct MunicipalityPage {
  std::vector<Municipality> municipalities;
  std::string next_page_token;
  uint64_t data_version = 0;
};

struct ListQuery {
  std::string filter;
  int page_size = 0;
  std::string page_token;
  int64_t as_of = 0;  // 0: latest
  std::optional<int> known_as_of = std::nullopt;  // YYYYMMDD; nullopt: known now
};

struct AggregateRead {
  Subject area;
  int year = 0;
  uint64_t data_version = 0;
  AggregateResult result;
};

class StatsCore {
 public:
  // Loads the municipality directory from `store`, which the core owns.
  // `changes` bounds the change feed's watchers.
  static absl::StatusOr<std::unique_ptr<StatsCore>> Create(
      std::unique_ptr<StatsStore> store, const ChangeHubOptions& changes = {});

  // The newest data version reads may name.
  uint64_t data_version() const { return visible_version_.load(); }

  // The latest municipality directory.
  std::shared_ptr<const MunicipalityDirectory> directory() const;

  // The latest view: the current figures at its version(), which is the
  // visible data version or (while a commit publishes) the next one. Null
  // when a commit could not bring it up to date (reads then go to the
  // store, until a later commit builds it again from a scan).
  std::shared_ptr<const LatestView> latest_view() const { return view_.load(); }

  // The municipality directory as it was at `version` (for resolving and
  // rendering what a read at that version returns).
  absl::StatusOr<std::shared_ptr<const MunicipalityDirectory>> DirectoryAt(
      uint64_t version) const;

  // Resolves `as_of` (0 = latest) to a data version that exists; OUT_OF_RANGE
  // on field "as_of_version" for one past the newest, INVALID_ARGUMENT for
  // a negative one.
  absl::StatusOr<uint64_t> ResolveVersion(int64_t as_of) const;

  // --- The change feed ---

  // Where committed changes of figures go to live watchers (each commit is
  // published once it is visible).
  ChangeHub& change_hub() const { return *hub_; }

  // A WatchFigures filter: the fields of ListFigures' filter. County,
  // region and municipality clauses match municipality figures only; an
  // area's published totals match a filter of years alone.
  struct ChangeFilter {
    RecordFilter filter;
    std::optional<int> municipality;  // the identity the filter names
  };
  absl::StatusOr<ChangeFilter> ParseChangeFilter(absl::string_view text) const;
  // Whether a changed record matches, its municipality looked up in the
  // latest directory.
  bool ChangeMatches(const ChangeFilter& filter, const FiguresRecord& record) const;

  // The commits after `after_version` up to `up_to_version` from the
  // store's change log, whole commits of about `limit` changes in all,
  // each record as it was right after its commit.
  absl::StatusOr<std::vector<std::shared_ptr<const CommittedChanges>>> ReadChanges(
      uint64_t after_version, uint64_t up_to_version, size_t limit) const;

  // --- Municipalities ---

  // Creates or replaces one municipality, found by any of its codes (a new
  // one gets an id). `predecessors` and `successor` name any code the other
  // municipality had. `etag`, when not empty, must match the stored
  // revision (ABORTED otherwise).
  absl::StatusOr<Municipality> UpsertMunicipality(Municipality municipality,
                                                  absl::string_view etag);

  struct BatchUpsertResult {
    std::vector<Municipality> municipalities;
    int changed = 0;
    uint64_t data_version = 0;
  };
  // Creates or replaces many municipalities in one atomic write; `etags[i]`,
  // when given and not empty, must match the stored revision of entry i.
  absl::StatusOr<BatchUpsertResult> BatchUpsertMunicipalities(
      std::vector<Municipality> municipalities, std::vector<std::string> etags = {});

  // The municipality that ever had `code`, as of `as_of`.
  absl::StatusOr<std::pair<Municipality, uint64_t>> GetMunicipality(int code,
                                                                    int64_t as_of);

  absl::StatusOr<MunicipalityPage> ListMunicipalities(const ListQuery& query);

  // --- Figures ---

  struct PutResult {
    FiguresRecord record;
    bool changed = false;
  };
  // Writes the parts of `record` that `mask` selects, as known on
  // `origin.known_date`: the write merges onto the figures as known then and
  // stores a partial revision of the fields whose value differs from them
  // (nothing when none does). `record.subject` may name a municipality by
  // any code it had. `etag`, when not empty, must match the current
  // figures (ABORTED otherwise). Fields without a `record.source` are
  // attributed to the caller ("PutFigures by ..."). Returns the current
  // figures.
  absl::StatusOr<PutResult> PutFigures(FiguresRecord record, const FiguresMask& mask,
                                       absl::string_view etag,
                                       const WriteOrigin& origin = {});

  // The figures of the municipality that had `code`, for `year`.
  // Reads name a data version (`as_of`, 0: latest) and a known date
  // (`known_as_of`, YYYYMMDD; nullopt: what is known now).
  absl::StatusOr<std::pair<FiguresRecord, uint64_t>> GetFigures(
      int code, int year, int64_t as_of, std::optional<int> known_as_of = std::nullopt) {
    return GetFigures(Subject::Municipality(code), year, as_of, known_as_of);
  }
  // The same for a municipality (by any code it had) or an area's published
  // totals. With `harmonise`, a municipality read for a year before it
  // existed gives the sum of the municipalities it was formed from
  // (harmonise.h) instead of NOT_FOUND (MUNICIPALITY_NOT_IN_YEAR).
  absl::StatusOr<std::pair<FiguresRecord, uint64_t>> GetFigures(
      const Subject& subject, int year, int64_t as_of,
      std::optional<int> known_as_of = std::nullopt, bool harmonise = false);

  // Many municipality-years at one version, in request order. With
  // `allow_missing`, a missing record comes back with revision 0 and no
  // values; otherwise it fails the call with NOT_FOUND. `harmonise` as for
  // GetFigures.
  absl::StatusOr<std::pair<std::vector<FiguresRecord>, uint64_t>> BatchGetFigures(
      const std::vector<std::pair<int, int>>& code_years, int64_t as_of,
      bool allow_missing, std::optional<int> known_as_of = std::nullopt,
      bool harmonise = false);

  absl::StatusOr<FiguresPage> ListFigures(const ListQuery& query);

  // Reads every record matching a filter at one version, chunk by chunk.
  // Not thread-safe; one cursor serves one stream.
  class FiguresCursor {
   public:
    uint64_t data_version() const { return data_version_; }
    // Fills `chunk` with up to `max` records; false when none were left.
    absl::StatusOr<bool> Next(size_t max, std::vector<FiguresRecord>& chunk);

    // The directory of the stream's data version.
    const MunicipalityDirectory& directory() const { return *directory_; }

   private:
    friend class StatsCore;
    FiguresCursor(const StatsCore* core, RecordFilter filter,
                  std::shared_ptr<const MunicipalityDirectory> directory,
                  std::shared_ptr<const LatestView> view,
                  std::optional<int> municipality, uint64_t data_version,
                  std::optional<int> known_as_of)
        : core_(core), filter_(std::move(filter)), directory_(std::move(directory)),
          view_(std::move(view)), municipality_(municipality), data_version_(data_version),
          known_as_of_(known_as_of) {}
    const StatsCore* core_;
    RecordFilter filter_;
    std::shared_ptr<const MunicipalityDirectory> directory_;
    // The view of the stream's version, when it is the latest one: kept for
    // the whole stream, so later commits do not move it to the store.
    std::shared_ptr<const LatestView> view_;
    std::optional<int> municipality_;
    uint64_t data_version_;
    std::optional<int> known_as_of_;
    std::optional<std::pair<int, int>> after_;
    bool done_ = false;
  };
  absl::StatusOr<std::unique_ptr<FiguresCursor>> StreamFigures(
      absl::string_view filter, int64_t as_of,
      std::optional<int> known_as_of = std::nullopt) const;

  // The revisions of the municipality-year (or an area's published
  // totals) in data-version order, oldest first, a page at a time: at most
  // page_size revisions and kMaxReplyBytes. Each shows the figures as known
  // on its known date once it was written, with its own known date, data
  // version, update time and revision. The token pins the data version of
  // the first page.
  absl::StatusOr<HistoryPage> GetFiguresHistory(int code, int year,
                                                const HistoryQuery& query = {}) {
    return GetFiguresHistory(Subject::Municipality(code), year, query);
  }
  absl::StatusOr<HistoryPage> GetFiguresHistory(const Subject& subject, int year,
                                                const HistoryQuery& query = {});

  // Imports one batch of rows in one atomic write, as known on
  // `origin.known_date`: each row sets the figures it carries, clears those
  // it names absent, and leaves the others; rows that fail validation (a
  // municipality code not in use in the row's year among them, a figure
  // both given and named absent) are rejected with line and reason; rows
  // that change nothing against the figures as known then write nothing.
  // Each field written names its row's source (or `source`) and line.
  absl::StatusOr<ImportBatchResult> ImportBatch(absl::string_view source,
                                                FiguresStatus status,
                                                std::vector<ImportRowInput> rows,
                                                const WriteOrigin& origin = {});

  // Sums over the municipalities of `area` (country, county, IMDi region)
  // in `year`, with the area's published totals where stored and, for the
  // country, the unknown municipality's (county 99) figures beside them.
  absl::StatusOr<AggregateRead> GetAggregate(const Subject& area, int year,
                                             int64_t as_of,
                                             std::optional<int> known_as_of = std::nullopt);

  // The aggregates of several areas in one year, each as GetAggregate
  // computes it, at one version and from one scan of the figures.
  absl::StatusOr<std::vector<AggregateRead>> GetAggregates(
      const std::vector<Subject>& areas, int year, int64_t as_of,
      std::optional<int> known_as_of = std::nullopt);

 private:
  StatsCore(std::unique_ptr<StatsStore> store, const ChangeHubOptions& changes)
      : store_(std::move(store)),
        visible_version_(store_->data_version()),
        hub_(std::make_unique<ChangeHub>(changes, store_->data_version())) {}

  // Hands the changes of the commit at `version` (the revisions `written`,
  // `current` their figures after it where known) to the watchers.
  void PublishChanges(uint64_t version, const std::vector<FiguresRecord>& written,
                      absl::StatusOr<std::vector<FiguresRecord>> current) const;

  // The view of `store` at `version`, from one scan of each kind of
  // subject.
  static absl::StatusOr<std::shared_ptr<const LatestView>> BuildView(const StatsStore& store,
                                                                     uint64_t version);

  // The latest view if it is the view of `version`, else null.
  std::shared_ptr<const LatestView> ViewAt(uint64_t version) const;

  // The figures of (subject, year) at `version` as known on `known_as_of`:
  // from `view` (the view of `version`, or null) where it holds them, else
  // from the store.
  absl::StatusOr<std::optional<FiguresRecord>> ReadFigures(
      const LatestView* view, const Subject& subject, int year, uint64_t version,
      std::optional<int> known_as_of) const;

  // The version a listing reads: the page token's, or `as_of` resolved.
  absl::StatusOr<uint64_t> ListVersion(const std::optional<PageToken>& token,
                                       int64_t as_of) const;

  // Resolves a record's subject to its identity (municipality codes to the
  // municipality's latest code) and checks that it existed in the year.
  absl::StatusOr<Subject> ResolveSubject(const Subject& subject, int year,
                                         const MunicipalityDirectory& directory) const;

  // With `harmonise`, the harmonised figures of `code` in `year` when
  // `not_in_year` (ResolveSubject's failure) is MUNICIPALITY_NOT_IN_YEAR and
  // the municipality has parts then; otherwise `not_in_year` itself.
  absl::StatusOr<FiguresRecord> ReadHarmonised(const LatestView* view, int code, int year,
                                               uint64_t version,
                                               std::optional<int> known_as_of,
                                               const MunicipalityDirectory& directory,
                                               const absl::Status& not_in_year) const;

  // Checks the references of a set of municipalities and commits the changed
  // ones. Requires write_mu_.
  absl::StatusOr<BatchUpsertResult> CommitMunicipalities(
      std::vector<Municipality> municipalities, const std::vector<std::string>& etags,
      bool single) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Every predecessor and successor names a municipality of `directory`.
  static absl::Status CheckReferences(const MunicipalityDirectory& directory);

  // Changing a municipality's years must not leave stored figures outside
  // them (they would be unreachable). Requires write_mu_.
  absl::Status CheckFiguresWithinValidity(const std::vector<Municipality>& changed,
                                          const MunicipalityDirectory& directory) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Whether a municipality record (id, year) matches `filter`.
  static bool Matches(const RecordFilter& filter, std::optional<int> municipality,
                      const MunicipalityDirectory& directory, int id, int year);

  // Visits the records `scan` selects, those with a year in [year_min,
  // year_max] (which `scan.want` also checks), like StatsStore::ScanFigures:
  // from `view` (the view of `scan.as_of`, or null) where it holds them.
  absl::Status ScanRecords(const LatestView* view, const FiguresScan& scan, int year_min,
                           int year_max, absl::FunctionRef<bool(FiguresRecord&&)> visit) const;

  // Scans municipality figures after `after`, up to `limit` records; from
  // `view` (the view of `version`, or null) where it holds them.
  absl::Status Scan(const LatestView* view, const RecordFilter& filter,
                    const MunicipalityDirectory& directory,
                    std::optional<int> municipality, uint64_t version,
                    std::optional<int> known_as_of,
                    std::optional<std::pair<int, int>> after, size_t limit,
                    std::vector<FiguresRecord>& out) const;

  // Every revision of (subject, year) written at or before `version`,
  // oldest first; RESOURCE_EXHAUSTED past kMaxRevisionsPerRecord.
  absl::StatusOr<std::vector<FiguresRecord>> ReadRevisions(const Subject& subject, int year,
                                                           uint64_t version) const;

  // Commits and then makes the new version visible, its directory and its
  // latest view in place first. Requires write_mu_.
  absl::StatusOr<uint64_t> CommitAndPublish(
      std::vector<FiguresRecord>& figures, std::vector<Municipality>& municipalities,
      std::shared_ptr<const MunicipalityDirectory> next_directory)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // The current figures of `written` (the revisions a commit at `version`
  // stored) for the next view. Requires write_mu_.
  absl::StatusOr<std::vector<FiguresRecord>> FoldCommitted(
      const LatestView& view, const std::vector<FiguresRecord>& written, uint64_t version) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // What a write merges onto, read from the latest view where it can be:
  // the current figures, those as known on the write's date, and the
  // highest revision. Requires write_mu_ (the view is then the view of the
  // visible version).
  struct WriteBase {
    std::optional<FiguresRecord> current;
    std::optional<FiguresRecord> known_then;
    int64_t highest_revision = 0;
  };
  absl::StatusOr<WriteBase> ReadWriteBase(const Subject& subject, int year, uint64_t version,
                                          int known_date) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  std::unique_ptr<StatsStore> store_;
  absl::Mutex write_mu_;
  // Stored after view_ (and the directory), so a reader that sees a
  // version finds its view in place.
  std::atomic<uint64_t> visible_version_;
  // Replaced only under write_mu_.
  std::atomic<std::shared_ptr<const LatestView>> view_;
  // The change feed's live watchers.
  std::unique_ptr<ChangeHub> hub_;
  // How many directories of old versions stay in memory.
  static constexpr size_t kOldDirectoriesKept = 4;
  mutable absl::Mutex directory_mu_;
  // Directory by the data version from which it holds; null when not in
  // memory (built again on use). Always has an entry for 0.
  mutable std::map<uint64_t, std::shared_ptr<const MunicipalityDirectory>> directories_
      ABSL_GUARDED_BY(directory_mu_);
  // The directory of the newest version; always in memory.
  std::shared_ptr<const MunicipalityDirectory> latest_ ABSL_GUARDED_BY(directory_mu_);
  // Old versions whose directories were built on demand, oldest first.
  mutable std::deque<uint64_t> cached_old_ ABSL_GUARDED_BY(directory_mu_);
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_STATS_CORE_H_
