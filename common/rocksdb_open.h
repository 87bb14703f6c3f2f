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
#include "rocksdb/db.h"

namespace imdi {

struct RocksDbOpenOptions {
  std::string path;
  bool sync = true;  // for the schema-version write
  std::vector<absl::string_view> column_families;  // "default" first
  int meta_family = 1;                             // index into column_families
  absl::string_view schema_key;
  uint64_t schema_version = 1;
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

// INTERNAL naming `what`, with RocksDB's message (for the log), or OK.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what);

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace imdi

#endif  // IMDI_COMMON_ROCKSDB_OPEN_H_
