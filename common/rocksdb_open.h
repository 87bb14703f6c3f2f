// Opening a service's RocksDB store the same way for both services: the
// directory created when missing, every column family opened (created when
// missing), and the schema version in a meta column family written on first
// open and checked on every later one. Thread-compatible: one caller.
#ifndef IMDI_COMMON_ROCKSDB_OPEN_H_
#define IMDI_COMMON_ROCKSDB_OPEN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/metrics.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace imdi {

struct RocksDbOpenOptions {
  std::string path;
  bool sync = true;  // for the schema-version write
  std::vector<absl::string_view> column_families;  // "default" first
  int meta_family = 1;                             // index into column_families
  absl::string_view schema_key;
  uint64_t schema_version = 1;
  // The oldest schema version this build still reads (0: only
  // `schema_version`). A store of an older readable version is marked
  // `schema_version` on open, so older builds refuse it from then on.
  uint64_t oldest_readable_schema_version = 0;
  // Column families (indexes into column_families) whose values are kept in
  // blob files (RocksDB's integrated BlobDB) when at least `min_blob_bytes`:
  // large values (documents) stay out of the LSM tree, so compactions do
  // not rewrite them.
  std::vector<int> blob_families = {};
  uint64_t min_blob_bytes = uint64_t{64} << 10;
  // The environment RocksDB works in; nullptr is the default one. Tests pass
  // one that fails writes (a full disk).
  rocksdb::Env* env = nullptr;
};

// An open database and its column-family handles, in the order asked for.
// Destroys the handles, then closes the database, unless moved from.
struct OpenedRocksDb {
  OpenedRocksDb() = default;
  OpenedRocksDb(OpenedRocksDb&&) = default;
  OpenedRocksDb& operator=(OpenedRocksDb&&) = default;
  ~OpenedRocksDb();

  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
};

// UNAVAILABLE when the store cannot be opened (e.g. locked by another
// process), FAILED_PRECONDITION when it was written with another schema
// version, INTERNAL for other storage errors.
absl::StatusOr<OpenedRocksDb> OpenRocksDb(const RocksDbOpenOptions& options);

// OK, or the error for `status`: RESOURCE_EXHAUSTED with reason
// STORAGE_FULL for a full disk (the client may retry once an operator has
// made room; RocksDB's message goes to the log), INTERNAL naming `what`
// with RocksDB's message (which the edge keeps for the log) otherwise.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what);

// Writes `batch` in one atomic write. A write that fails on a full disk
// leaves RocksDB refusing writes until it resumes; every later write asks
// it to resume first, so writes work again as soon as there is room,
// without a restart. A failed write writes nothing.
absl::Status CommitBatch(rocksdb::DB& db, const rocksdb::WriteOptions& options,
                         rocksdb::WriteBatch& batch);

// The store's figures for the metrics (live data, pending compaction, block
// cache). Thread-safe; cheap enough for every scrape.
StorageFigures ReadStorageFigures(rocksdb::DB& db);

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace imdi

#endif  // IMDI_COMMON_ROCKSDB_OPEN_H_
