#include "stats-service/storage/rocksdb_stats_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/rocksdb_open.h"
#include "common/status_macros.h"
#include "rocksdb/write_batch.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/storage/key_codec.h"
#include "stats-service/storage/record_codec.h"

namespace imdi::stats {
namespace {

absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// An iterator over the keys that start with `prefix`, positioned at `start`
// (the prefix itself by default). It owns the upper bound the iterator
// points at, so it is neither copied nor moved.
class PrefixScan {
 public:
  PrefixScan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, const std::string& prefix,
             const std::string& start = "")
      : upper_(keys::PrefixEnd(prefix)), upper_slice_(upper_) {
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(options, family));
    it_->Seek(start.empty() ? prefix : start);
  }
  PrefixScan(const PrefixScan&) = delete;
  PrefixScan& operator=(const PrefixScan&) = delete;

  rocksdb::Iterator* operator->() const { return it_.get(); }

 private:
  const std::string upper_;
  const rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Gives every figures revision its change entry, for a store written
// before the changes column family existed (schema 1 and 2), then marks
// that done. Writes in batches; an interrupted run is run again on the next
// open (the entries are keys only, so writing one twice changes nothing).
absl::Status IndexChanges(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
                          rocksdb::ColumnFamilyHandle* revisions,
                          rocksdb::ColumnFamilyHandle* changes, bool sync) {
  std::string marker;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), meta, ToSlice(keys::kChangesIndexedKey),
                              &marker);
  if (s.ok()) return absl::OkStatus();
  if (!s.IsNotFound()) return FromRocks(s, "reading the changes marker");
  const absl::Time start = absl::Now();
  constexpr size_t kEntriesPerBatch = 100000;
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::WriteBatch batch;
  size_t total = 0;
  const std::string prefix(1, static_cast<char>(keys::RecordType::kFigures));
  PrefixScan it(db, revisions, prefix);
  for (; it->Valid(); it->Next()) {
    std::optional<keys::FiguresKeyParts> parts = keys::DecodeFiguresKey(ToView(it->key()));
    if (!parts) return absl::DataLossError("undecodable figures key");
    IMDI_RETURN_IF_ERROR(FromRocks(
        batch.Put(changes, keys::ChangeKey(parts->data_version, parts->subject, parts->year),
                  rocksdb::Slice()),
        "batching a change"));
    if (static_cast<size_t>(batch.Count()) >= kEntriesPerBatch) {
      total += batch.Count();
      IMDI_RETURN_IF_ERROR(CommitBatch(*db, wo, batch));
      batch.Clear();
    }
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "reading revisions for the changes"));
  total += batch.Count();
  IMDI_RETURN_IF_ERROR(
      FromRocks(batch.Put(meta, ToSlice(keys::kChangesIndexedKey), keys::EncodeU64(1)),
                "batching the changes marker"));
  IMDI_RETURN_IF_ERROR(CommitBatch(*db, wo, batch));
  if (total > 0) {
    LogInfo(absl::StrCat("indexed ", total, " figures revisions as changes in ",
                         absl::FormatDuration(absl::Now() - start)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbStatsStore>> RocksDbStatsStore::Open(
    const RocksDbStoreOptions& options) {
  IMDI_ASSIGN_OR_RETURN(OpenedRocksDb opened,
                        OpenRocksDb({.path = options.path,
                                     .sync = options.sync,
                                     .column_families = {keys::kColumnFamilyNames.begin(),
                                                         keys::kColumnFamilyNames.end()},
                                     .meta_family = static_cast<int>(keys::ColumnFamily::kMeta),
                                     .schema_key = keys::kSchemaVersionKey,
                                     .schema_version = keys::kSchemaVersion,
                                     .oldest_readable_schema_version =
                                         keys::kOldestReadableSchemaVersion,
                                     .env = options.env}));
  auto* meta = opened.handles[static_cast<int>(keys::ColumnFamily::kMeta)];
  IMDI_RETURN_IF_ERROR(IndexChanges(opened.db.get(), meta,
                                    opened.handles[static_cast<int>(keys::ColumnFamily::kRevisions)],
                                    opened.handles[static_cast<int>(keys::ColumnFamily::kChanges)],
                                    options.sync));
  std::string value;
  rocksdb::Status s;
  uint64_t data_version = 0;
  s = opened.db->Get(rocksdb::ReadOptions(), meta, ToSlice(keys::kDataVersionKey), &value);
  if (s.ok()) {
    std::optional<uint64_t> decoded = keys::DecodeU64(value);
    if (!decoded) return absl::DataLossError("corrupt data version");
    data_version = *decoded;
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the data version");
  }
  return std::unique_ptr<RocksDbStatsStore>(new RocksDbStatsStore(
      std::move(opened.db), std::move(opened.handles), options.sync, data_version));
}

RocksDbStatsStore::RocksDbStatsStore(std::unique_ptr<rocksdb::DB> db,
                                     std::vector<rocksdb::ColumnFamilyHandle*> handles,
                                     bool sync, uint64_t data_version)
    : db_(std::move(db)), handles_(std::move(handles)), sync_(sync),
      data_version_(data_version) {}

RocksDbStatsStore::~RocksDbStatsStore() {
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  db_->Close().PermitUncheckedError();
}

rocksdb::ColumnFamilyHandle* RocksDbStatsStore::meta() const {
  return handles_[static_cast<int>(keys::ColumnFamily::kMeta)];
}

rocksdb::ColumnFamilyHandle* RocksDbStatsStore::revisions() const {
  return handles_[static_cast<int>(keys::ColumnFamily::kRevisions)];
}

rocksdb::ColumnFamilyHandle* RocksDbStatsStore::changes() const {
  return handles_[static_cast<int>(keys::ColumnFamily::kChanges)];
}

absl::StatusOr<std::vector<ChangeRef>> RocksDbStatsStore::ReadChanges(uint64_t after_version,
                                                                      uint64_t up_to_version,
                                                                      size_t limit) const {
  std::vector<ChangeRef> out;
  if (up_to_version <= after_version) return out;
  const std::string upper = keys::ChangesAfter(up_to_version);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, changes()));
  for (it->Seek(keys::ChangesAfter(after_version)); it->Valid(); it->Next()) {
    std::optional<keys::ChangeKeyParts> parts = keys::DecodeChangeKey(ToView(it->key()));
    if (!parts) return absl::DataLossError("undecodable change key");
    if (out.size() >= limit && out.back().data_version != parts->data_version) break;
    out.push_back({parts->data_version, parts->subject, parts->year});
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "reading changes"));
  return out;
}

absl::StatusOr<std::optional<FiguresRecord>> RocksDbStatsStore::ReadFigures(
    const Subject& subject, int year, uint64_t as_of, std::optional<int> known_as_of) const {
  PrefixScan it(db_.get(), revisions(), keys::FiguresRecordPrefix(subject, year));
  std::vector<FiguresRecord> found;
  for (; it->Valid(); it->Next()) {
    std::optional<keys::FiguresKeyParts> parts = keys::DecodeFiguresKey(ToView(it->key()));
    if (!parts) return absl::DataLossError("undecodable figures key");
    if (parts->data_version > as_of) break;  // oldest first
    IMDI_ASSIGN_OR_RETURN(FiguresRecord revision,
                          DecodeFiguresValue(subject, year, ToView(it->value())));
    found.push_back(std::move(revision));
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "reading figures"));
  return FoldRevisions(found, as_of, known_as_of);
}

absl::Status RocksDbStatsStore::ScanFigures(
    const FiguresScan& scan, absl::FunctionRef<bool(FiguresRecord&&)> visit) const {
  const std::string kind_prefix = keys::FiguresKindPrefix(scan.kind);
  PrefixScan it(db_.get(), revisions(), kind_prefix,
                scan.after ? keys::FiguresRecordPrefix({scan.kind, scan.after->first},
                                                       scan.after->second + 1)
                           : "");

  // Within one record the revisions come oldest first; those at or before
  // `as_of` are folded once the record's last one has been read.
  std::string group;
  std::vector<FiguresRecord> found;
  auto flush = [&]() -> bool {
    std::optional<FiguresRecord> record = FoldRevisions(found, scan.as_of, scan.known_as_of);
    found.clear();
    return !record || visit(std::move(*record));
  };

  while (it->Valid()) {
    const absl::string_view key = ToView(it->key());
    std::optional<keys::FiguresKeyParts> parts = keys::DecodeFiguresKey(key);
    if (!parts) return absl::DataLossError("undecodable figures key");
    const absl::string_view this_group = key.substr(0, keys::kFiguresRecordPrefixSize);
    if (this_group != group) {
      if (!flush()) return absl::OkStatus();
      group = std::string(this_group);
      if (scan.want && !scan.want(parts->subject.id, parts->year)) {
        it->Seek(keys::PrefixEnd(group));
        continue;
      }
    }
    if (parts->data_version <= scan.as_of) {
      IMDI_ASSIGN_OR_RETURN(FiguresRecord revision,
                            DecodeFiguresValue(parts->subject, parts->year, ToView(it->value())));
      found.push_back(std::move(revision));
    }
    it->Next();
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "scanning figures"));
  flush();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FiguresRecord>> RocksDbStatsStore::ReadFiguresHistory(
    const Subject& subject, int year, uint64_t after_version, size_t limit) const {
  PrefixScan it(db_.get(), revisions(), keys::FiguresRecordPrefix(subject, year),
                keys::FiguresKey(subject, year, after_version + 1));
  std::vector<FiguresRecord> out;
  for (; it->Valid() && out.size() < limit; it->Next()) {
    IMDI_ASSIGN_OR_RETURN(FiguresRecord record,
                          DecodeFiguresValue(subject, year, ToView(it->value())));
    out.push_back(std::move(record));
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "reading history"));
  return out;
}

absl::StatusOr<std::vector<Municipality>> RocksDbStatsStore::ReadMunicipalities(
    uint64_t as_of) const {
  PrefixScan it(db_.get(), revisions(), keys::MunicipalitiesPrefix());
  std::vector<Municipality> out;
  std::optional<int> candidate_code;
  std::string candidate_value;
  int group = -1;
  auto flush = [&]() -> absl::Status {
    if (!candidate_code) return absl::OkStatus();
    IMDI_ASSIGN_OR_RETURN(Municipality m, DecodeMunicipalityValue(candidate_value));
    out.push_back(std::move(m));
    candidate_code.reset();
    return absl::OkStatus();
  };
  for (; it->Valid(); it->Next()) {
    std::optional<keys::MunicipalityKeyParts> parts =
        keys::DecodeMunicipalityKey(ToView(it->key()));
    if (!parts) return absl::DataLossError("undecodable municipality key");
    if (parts->id != group) {
      IMDI_RETURN_IF_ERROR(flush());
      group = parts->id;
    }
    if (parts->data_version <= as_of) {
      candidate_code = parts->id;
      candidate_value.assign(it->value().data(), it->value().size());
    }
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "reading municipalities"));
  IMDI_RETURN_IF_ERROR(flush());
  return out;
}

absl::StatusOr<std::vector<uint64_t>> RocksDbStatsStore::ReadMunicipalityVersions() const {
  PrefixScan it(db_.get(), revisions(), keys::MunicipalitiesPrefix());
  std::vector<uint64_t> versions;
  for (; it->Valid(); it->Next()) {
    std::optional<keys::MunicipalityKeyParts> parts =
        keys::DecodeMunicipalityKey(ToView(it->key()));
    if (!parts) return absl::DataLossError("undecodable municipality key");
    versions.push_back(parts->data_version);
  }
  IMDI_RETURN_IF_ERROR(FromRocks(it->status(), "reading municipality versions"));
  std::sort(versions.begin(), versions.end());
  versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
  return versions;
}

absl::StatusOr<uint64_t> RocksDbStatsStore::Commit(
    std::vector<FiguresRecord>& figures, std::vector<Municipality>& municipalities) {
  absl::MutexLock lock(&commit_mu_);
  if (figures.empty() && municipalities.empty()) return data_version_.load();
  const uint64_t version = data_version_.load() + 1;
  // At the precision stored (micros), so the records the caller keeps read
  // the same as what is read back.
  const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  rocksdb::WriteBatch batch;
  for (FiguresRecord& record : figures) {
    record.data_version = version;
    record.update_time = now;
    IMDI_RETURN_IF_ERROR(FromRocks(
        batch.Put(revisions(), keys::FiguresKey(record.subject, record.year, version),
                  EncodeFiguresValue(record)),
        "batching figures"));
    IMDI_RETURN_IF_ERROR(FromRocks(
        batch.Put(changes(), keys::ChangeKey(version, record.subject, record.year),
                  rocksdb::Slice()),
        "batching a change"));
  }
  for (Municipality& m : municipalities) {
    m.data_version = version;
    m.update_time = now;
    IMDI_RETURN_IF_ERROR(FromRocks(
        batch.Put(revisions(), keys::MunicipalityKey(m.id, version),
                  EncodeMunicipalityValue(m)),
        "batching municipality"));
  }
  IMDI_RETURN_IF_ERROR(FromRocks(
      batch.Put(meta(), ToSlice(keys::kDataVersionKey), keys::EncodeU64(version)),
      "batching data version"));
  rocksdb::WriteOptions wo;
  wo.sync = sync_;
  IMDI_RETURN_IF_ERROR(CommitBatch(*db_, wo, batch));
  data_version_.store(version);
  return version;
}

absl::StatusOr<BackupRecord> RocksDbStatsStore::Backup(RocksDbBackups& backups) {
  absl::MutexLock lock(&commit_mu_);
  return backups.Create(db_.get(), BackupMetadata("imdi-stats", data_version_.load()));
}

StorageFigures RocksDbStatsStore::ReadStorageFigures() const {
  return imdi::ReadStorageFigures(*db_);
}

}  // namespace imdi::stats
