// AwardStore on RocksDB, one column family per kind of record
// (award_keys.h). Reads go straight to RocksDB; a Commit is one WriteBatch.
#include "absl/strings/str_cat.h"
#include "award-service/storage/award_keys.h"
#include "award-service/storage/award_store.h"
#include "common/rocksdb_open.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace imdi::award {
namespace {

using keys::ColumnFamily;


template <typename Message>
absl::StatusOr<Message> Decode(const rocksdb::Slice& bytes, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("cannot decode ", what));
  }
  return message;
}

class RocksDbAwardStore final : public AwardStore {
 public:
  RocksDbAwardStore(std::unique_ptr<rocksdb::DB> db,
                    std::vector<rocksdb::ColumnFamilyHandle*> handles, bool sync)
      : db_(std::move(db)), handles_(std::move(handles)), sync_(sync) {}

  ~RocksDbAwardStore() override {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
  }

  absl::StatusOr<std::optional<storage::v1::CycleRecord>> ReadCycle(
      const std::string& cycle_id) const override {
    return Get<storage::v1::CycleRecord>(ColumnFamily::kCycles, keys::CycleKey(cycle_id),
                                         "cycle record");
  }

  absl::StatusOr<std::vector<storage::v1::CycleRecord>> ReadCycles() const override {
    std::vector<storage::v1::CycleRecord> out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), family(ColumnFamily::kCycles)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto record = Decode<storage::v1::CycleRecord>(it->value(), "cycle record");
      if (!record.ok()) return record.status();
      out.push_back(*std::move(record));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning cycles");
    return out;
  }

  absl::StatusOr<std::vector<v1::AuditEvent>> ReadAudit(const std::string& cycle_id,
                                                        uint64_t after,
                                                        int limit) const override {
    const std::string upper = keys::PrefixEnd(keys::AuditPrefix(cycle_id));
    const rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, family(ColumnFamily::kAudit)));
    std::vector<v1::AuditEvent> out;
    for (it->Seek(keys::AuditKey(cycle_id, after + 1));
         it->Valid() && static_cast<int>(out.size()) < limit; it->Next()) {
      auto event = Decode<v1::AuditEvent>(it->value(), "audit event");
      if (!event.ok()) return event.status();
      out.push_back(*std::move(event));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning the audit trail");
    return out;
  }

  absl::StatusOr<std::optional<storage::v1::RequestRecord>> ReadRequest(
      const std::string& request_id) const override {
    return Get<storage::v1::RequestRecord>(ColumnFamily::kRequests,
                                           keys::RequestKey(request_id), "request record");
  }

  absl::StatusOr<std::vector<v1::Winner>> ReadWinners() const override {
    std::vector<v1::Winner> out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), family(ColumnFamily::kWinners)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto winner = Decode<v1::Winner>(it->value(), "winner");
      if (!winner.ok()) return winner.status();
      out.push_back(*std::move(winner));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning winners");
    return out;
  }

  absl::StatusOr<std::optional<std::string>> ReadDocument(
      const std::string& sha256) const override {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family(ColumnFamily::kDocuments),
                                 ToSlice(keys::DocumentKey(sha256)), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "reading a document");
    return std::optional<std::string>(value.ToString());
  }

  StorageFigures ReadStorageFigures() const override { return imdi::ReadStorageFigures(*db_); }

  absl::Status Commit(const AwardCommit& commit) override {
    rocksdb::WriteBatch batch;
    rocksdb::Status s;
    if (commit.cycle) {
      s = batch.Put(family(ColumnFamily::kCycles), keys::CycleKey(commit.cycle->cycle().cycle_id()),
                    commit.cycle->SerializeAsString());
      if (!s.ok()) return FromRocks(s, "batching the cycle");
    }
    for (const v1::AuditEvent& event : commit.audit_events) {
      s = batch.Put(family(ColumnFamily::kAudit),
                    keys::AuditKey(event.cycle_id(), static_cast<uint64_t>(event.sequence())),
                    event.SerializeAsString());
      if (!s.ok()) return FromRocks(s, "batching an audit event");
    }
    if (commit.request) {
      s = batch.Put(family(ColumnFamily::kRequests), keys::RequestKey(commit.request->first),
                    commit.request->second.SerializeAsString());
      if (!s.ok()) return FromRocks(s, "batching the request outcome");
    }
    // The documents go in the same batch as the cycle record that lists
    // them: a nomination never lists bytes that are not there.
    for (const auto& [sha256, bytes] : commit.documents) {
      s = batch.Put(family(ColumnFamily::kDocuments), keys::DocumentKey(sha256), bytes);
      if (!s.ok()) return FromRocks(s, "batching a document");
    }
    for (const v1::Winner& winner : commit.winners) {
      s = batch.Put(family(ColumnFamily::kWinners), keys::WinnerKey(winner.award_year()),
                    winner.SerializeAsString());
      if (!s.ok()) return FromRocks(s, "batching a winner");
    }
    rocksdb::WriteOptions options;
    options.sync = sync_;
    return CommitBatch(*db_, options, batch);
  }

  absl::StatusOr<BackupRecord> Backup(RocksDbBackups& backups) override {
    return backups.Create(db_.get(), BackupMetadata("imdi-award", std::nullopt));
  }

 private:
  rocksdb::ColumnFamilyHandle* family(ColumnFamily cf) const {
    return handles_[static_cast<int>(cf)];
  }

  template <typename Message>
  absl::StatusOr<std::optional<Message>> Get(ColumnFamily cf, const std::string& key,
                                             absl::string_view what) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family(cf), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<Message>();
    if (!s.ok()) return FromRocks(s, absl::StrCat("reading a ", what));
    auto decoded = Decode<Message>(value, what);
    if (!decoded.ok()) return decoded.status();
    return std::optional<Message>(*std::move(decoded));
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  const bool sync_;
};

}  // namespace

absl::StatusOr<std::optional<std::string>> AwardStore::ReadDocument(const std::string&) const {
  return absl::UnimplementedError("this store keeps no documents");
}

absl::StatusOr<BackupRecord> AwardStore::Backup(RocksDbBackups&) {
  return absl::UnimplementedError("this store keeps no backups");
}

absl::StatusOr<std::unique_ptr<AwardStore>> OpenRocksDbAwardStore(
    const AwardStoreOptions& options) {
  auto opened = OpenRocksDb(
      {.path = options.path,
       .sync = options.sync,
       .column_families = {keys::kColumnFamilyNames.begin(), keys::kColumnFamilyNames.end()},
       .meta_family = static_cast<int>(ColumnFamily::kMeta),
       .schema_key = keys::kSchemaVersionKey,
       .schema_version = keys::kSchemaVersion,
       .oldest_readable_schema_version = keys::kOldestReadableSchemaVersion,
       .blob_families = {static_cast<int>(ColumnFamily::kDocuments)},
       .min_blob_bytes = keys::kDocumentMinBlobBytes,
       .env = options.env});
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<AwardStore>(new RocksDbAwardStore(
      std::move(opened->db), std::move(opened->handles), options.sync));
}

}  // namespace imdi::award
