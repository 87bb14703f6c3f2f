// StatsStore on RocksDB: one column family of revisions (every revision of
// every record, keyed by key_codec.h), one of changes (the figures
// revisions by data version, for the change feed) and one of meta values
// (the data version counter, the schema version). A commit is one
// WriteBatch holding the new revisions, their changes and the advanced
// counter, written with the WAL on.
//
// Thread-safe: reads go straight to RocksDB; commits are serialised by a
// mutex so that data versions are assigned in order.
#ifndef IMDI_STATS_STORAGE_ROCKSDB_STATS_STORE_H_
#define IMDI_STATS_STORAGE_ROCKSDB_STATS_STORE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/rocksdb_backup.h"
#include "common/metrics.h"
#include "rocksdb/db.h"
#include "stats-service/storage/stats_store.h"

namespace imdi::stats {

struct RocksDbStoreOptions {
  // Directory of the database; created when missing.
  std::string path;
  // fsync the WAL on every commit. Off trades the last commits before a
  // machine crash (not a process crash) for speed.
  bool sync = true;
  // RocksDB's environment; nullptr is the default (tests inject faults).
  rocksdb::Env* env = nullptr;
};

class RocksDbStatsStore final : public StatsStore {
 public:
  // Opens (creating when missing) the store at `options.path`. Fails with
  // FAILED_PRECONDITION when the store was written by an incompatible
  // schema version, UNAVAILABLE when it cannot be opened (e.g. locked by
  // another process).
  static absl::StatusOr<std::unique_ptr<RocksDbStatsStore>> Open(
      const RocksDbStoreOptions& options);

  ~RocksDbStatsStore() override;

  uint64_t data_version() const override { return data_version_.load(); }
  absl::StatusOr<std::optional<FiguresRecord>> ReadFigures(
      const Subject& subject, int year, uint64_t as_of,
      std::optional<int> known_as_of) const override;
  absl::Status ScanFigures(const FiguresScan& scan,
                           absl::FunctionRef<bool(FiguresRecord&&)> visit) const override;
  absl::StatusOr<std::vector<FiguresRecord>> ReadFiguresHistory(const Subject& subject, int year,
                                                                uint64_t after_version,
                                                                size_t limit) const override;
  absl::StatusOr<std::vector<Municipality>> ReadMunicipalities(
      uint64_t as_of) const override;
  absl::StatusOr<std::vector<uint64_t>> ReadMunicipalityVersions() const override;
  absl::StatusOr<std::vector<ChangeRef>> ReadChanges(uint64_t after_version,
                                                     uint64_t up_to_version,
                                                     size_t limit) const override;
  absl::StatusOr<uint64_t> Commit(std::vector<FiguresRecord>& figures,
                                  std::vector<Municipality>& municipalities) override;

  // Takes a backup into `backups` (common/rocksdb_backup.h) recording the
  // data version it holds (BackupDataVersion). Reads go on meanwhile;
  // commits wait until it is taken, so that the version recorded is exactly
  // the one restored.
  absl::StatusOr<BackupRecord> Backup(RocksDbBackups& backups) ABSL_LOCKS_EXCLUDED(commit_mu_);
  // RocksDB's figures for the metrics (common/rocksdb_open.h). Thread-safe.
  StorageFigures ReadStorageFigures() const;

 private:
  RocksDbStatsStore(std::unique_ptr<rocksdb::DB> db,
                    std::vector<rocksdb::ColumnFamilyHandle*> handles, bool sync,
                    uint64_t data_version);

  rocksdb::ColumnFamilyHandle* meta() const;
  rocksdb::ColumnFamilyHandle* revisions() const;
  rocksdb::ColumnFamilyHandle* changes() const;

  std::unique_ptr<rocksdb::DB> db_;
  // Owned; destroyed before db_.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const bool sync_;
  absl::Mutex commit_mu_;
  // Written only under commit_mu_, after the batch is durable.
  std::atomic<uint64_t> data_version_;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_STORAGE_ROCKSDB_STATS_STORE_H_
