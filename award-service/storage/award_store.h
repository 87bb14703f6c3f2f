// The award service's persistence: cycles (each with its nominations, jurors
// and scores as one record), the append-only audit trail, the outcomes of
// requests by request id, and the winners history.
//
// A Commit is atomic: every change of one workflow step (the cycle record,
// its audit events, the request outcome, a winner) lands in one write or
// none does.
#ifndef IMDI_AWARD_STORAGE_AWARD_STORE_H_
#define IMDI_AWARD_STORAGE_AWARD_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/rocksdb_backup.h"
#include "common/metrics.h"
#include "imdi/award/storage/v1/storage.pb.h"
#include "imdi/award/v1/award.pb.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace imdi::award {

// Everything one workflow step writes.
struct AwardCommit {
  std::optional<storage::v1::CycleRecord> cycle;
  std::vector<v1::AuditEvent> audit_events;  // sequences already assigned
  std::optional<std::pair<std::string, storage::v1::RequestRecord>> request;
  std::vector<v1::Winner> winners;
  // Nomination documents: (sha256 hex, bytes), written content-addressed
  // with the cycle record that lists them.
  std::vector<std::pair<std::string, std::string>> documents;
};

// Thread-safe. Errors are INTERNAL (with the storage message, for the log)
// or DATA_LOSS for a record that cannot be decoded.
class AwardStore {
 public:
  virtual ~AwardStore() = default;

  virtual absl::StatusOr<std::optional<storage::v1::CycleRecord>> ReadCycle(
      const std::string& cycle_id) const = 0;
  // Every cycle record (cycles are few: one per award year).
  virtual absl::StatusOr<std::vector<storage::v1::CycleRecord>> ReadCycles() const = 0;
  // Up to `limit` audit events of a cycle with sequence > `after`, in order.
  virtual absl::StatusOr<std::vector<v1::AuditEvent>> ReadAudit(const std::string& cycle_id,
                                                                uint64_t after,
                                                                int limit) const = 0;
  virtual absl::StatusOr<std::optional<storage::v1::RequestRecord>> ReadRequest(
      const std::string& request_id) const = 0;
  // The winners, by award year.
  virtual absl::StatusOr<std::vector<v1::Winner>> ReadWinners() const = 0;

  virtual absl::Status Commit(const AwardCommit& commit) = 0;

  // The bytes of the document with this SHA-256 (64 lower-case hex
  // digits); nothing when none is stored. UNIMPLEMENTED for a store that
  // keeps no documents.
  virtual absl::StatusOr<std::optional<std::string>> ReadDocument(const std::string& sha256) const;

  // Takes a backup into `backups` (common/rocksdb_backup.h) while reads and
  // commits go on; it holds every commit made before it, and none partly.
  // UNIMPLEMENTED for a store that is not on RocksDB.
  virtual absl::StatusOr<BackupRecord> Backup(RocksDbBackups& backups);
  // The store's figures for the metrics; all absent for a store that has
  // none (not on RocksDB).
  virtual StorageFigures ReadStorageFigures() const { return {}; }
};

struct AwardStoreOptions {
  // Directory of the database; created when missing.
  std::string path;
  // fsync the WAL on every commit.
  bool sync = true;
  // RocksDB's environment; nullptr is the default (tests inject faults).
  rocksdb::Env* env = nullptr;
};

// Opens the RocksDB store at `options.path`. UNAVAILABLE when it cannot be
// opened (e.g. locked by another process), FAILED_PRECONDITION for another
// schema version.
absl::StatusOr<std::unique_ptr<AwardStore>> OpenRocksDbAwardStore(
    const AwardStoreOptions& options);

}  // namespace imdi::award

#endif  // IMDI_AWARD_STORAGE_AWARD_STORE_H_
