#include "common/rocksdb_open.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/rocksdb_backup.h"
#include "rocksdb/cache.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"

namespace imdi {

OpenedRocksDb::~OpenedRocksDb() {
  if (db == nullptr) return;
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close().PermitUncheckedError();
}

absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  if (status.IsNoSpace()) {
    Log(LogLevel::kError, "", absl::StrCat("storage full while ", what, ": ", status.ToString()));
    return MakeError(absl::StatusCode::kResourceExhausted, "STORAGE_FULL",
                     "the service's disk is full; nothing was written. Retry once the "
                     "operator has made room: reads still work, and writes resume without "
                     "a restart");
  }
  return absl::InternalError(absl::StrCat(what, ": ", status.ToString()));
}

absl::Status CommitBatch(rocksdb::DB& db, const rocksdb::WriteOptions& options,
                         rocksdb::WriteBatch& batch) {
  rocksdb::Status s = db.Write(options, &batch);
  if (s.IsNoSpace()) {
    // Either this write hit the full disk, or an earlier one did and the
    // store still refuses writes: resuming succeeds once there is room.
    // RocksDB's own recovery polls for room every few seconds; asking sooner
    // is answered "busy" while it waits, and is harmless.
    if (db.Resume().ok()) s = db.Write(options, &batch);
  }
  return FromRocks(s, "committing");
}

StorageFigures ReadStorageFigures(rocksdb::DB& db) {
  StorageFigures figures;
  uint64_t value = 0;
  // Summed over the column families.
  if (db.GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimateLiveDataSize, &value)) {
    figures.live_data_bytes = static_cast<double>(value);
  }
  if (db.GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                                  &value)) {
    figures.pending_compaction_bytes = static_cast<double>(value);
  }
  // The families share one cache: any family's figure is the cache's.
  if (db.GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &value)) {
    figures.block_cache_usage_bytes = static_cast<double>(value);
  }
  if (db.GetIntProperty(rocksdb::DB::Properties::kBlockCacheCapacity, &value)) {
    figures.block_cache_capacity_bytes = static_cast<double>(value);
  }
  if (std::shared_ptr<rocksdb::Statistics> stats = db.GetDBOptions().statistics) {
    figures.block_cache_hits = static_cast<double>(stats->getTickerCount(rocksdb::BLOCK_CACHE_HIT));
    figures.block_cache_misses =
        static_cast<double>(stats->getTickerCount(rocksdb::BLOCK_CACHE_MISS));
  }
  return figures;
}

absl::StatusOr<OpenedRocksDb> OpenRocksDb(const RocksDbOpenOptions& options) {
  if (absl::Status restored = CheckNoInterruptedRestore(options.path); !restored.ok()) {
    return restored;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create data directory ", options.path, ": ", ec.message()));
  }
  rocksdb::DBOptions db_options;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.keep_log_file_num = 5;
  // Tickers only (the block cache's hits and misses for the metrics): no
  // histograms or timers on the read path.
  db_options.statistics = rocksdb::CreateDBStatistics();
  db_options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  // Memory: RocksDB's defaults give every column family memtables of up to
  // 64 MiB (two while one flushes) and its own 8 MiB block cache. Here all
  // memtables together flush at 32 MiB, and the families share one 8 MiB
  // cache: the newest figures are served from memory above the store, so
  // its reads are as-of reads, history and the writes' merge bases.
  db_options.db_write_buffer_size = size_t{32} << 20;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(size_t{8} << 20);
  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::ColumnFamilyOptions blob_options = family_options;
  blob_options.enable_blob_files = true;
  blob_options.min_blob_size = options.min_blob_bytes;
  blob_options.enable_blob_garbage_collection = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (size_t i = 0; i < options.column_families.size(); ++i) {
    const bool blobs = std::find(options.blob_families.begin(), options.blob_families.end(),
                                 static_cast<int>(i)) != options.blob_families.end();
    families.emplace_back(std::string(options.column_families[i]),
                          blobs ? blob_options : family_options);
  }
  OpenedRocksDb opened;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, families, &opened.handles, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the store at ", options.path, ": ", s.ToString()));
  }
  opened.db.reset(raw);

  rocksdb::ColumnFamilyHandle* meta = opened.handles[options.meta_family];
  std::string value;
  uint64_t schema = 0;
  s = opened.db->Get(rocksdb::ReadOptions(), meta, ToSlice(options.schema_key), &value);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions write;
    write.sync = options.sync;
    s = opened.db->Put(write, meta, ToSlice(options.schema_key), EncodeU64(options.schema_version));
    if (!s.ok()) return FromRocks(s, "writing the schema version");
    schema = options.schema_version;
  } else if (!s.ok()) {
    return FromRocks(s, "reading the schema version");
  } else {
    schema = DecodeU64(value).value_or(0);
  }
  const uint64_t oldest = options.oldest_readable_schema_version != 0
                              ? options.oldest_readable_schema_version
                              : options.schema_version;
  if (schema >= oldest && schema < options.schema_version) {
    rocksdb::WriteOptions write;
    write.sync = options.sync;
    s = opened.db->Put(write, meta, ToSlice(options.schema_key), EncodeU64(options.schema_version));
    if (!s.ok()) return FromRocks(s, "upgrading the schema version");
    schema = options.schema_version;
  }
  if (schema != options.schema_version) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store at ", options.path, " has schema version ", schema,
                     "; this build reads version ", options.schema_version));
  }
  return opened;
}

}  // namespace imdi
