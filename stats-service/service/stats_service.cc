#include "stats-service/service/stats_service.h"

#include <malloc.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/raw_message.h"
#include "common/rpc_scope.h"
#include "common/status_macros.h"
#include "absl/time/clock.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/domain/validation.h"
#include "stats-service/service/api_convert.h"
#include "stats-service/service/figures_exporter.h"

namespace imdi::stats {
namespace {

// Who makes a write, and as known on which date.
WriteOrigin Origin(const RpcScope& scope, int known_date) {
  WriteOrigin origin;
  origin.known_date = known_date;
  if (scope.principal() != nullptr) origin.principal = scope.principal()->name;
  origin.request_id = scope.request_id();
  return origin;
}

// An import frees the rows it decoded and the view chunks its commits
// replaced, but glibc keeps freed memory of many small allocations in its
// arenas: hand it back to the system once an import is complete, so that
// the service's size does not follow the largest import.
void ReleaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

// Records per StreamFigures message at most; messages are cut by bytes too
// (kMaxReplyBytes), so that every message fits a default client's 4 MiB.
constexpr int kStreamChunk = 256;

// Areas per BatchGetAggregates at most: the country, its counties and the
// IMDi regions with room to spare.
constexpr size_t kMaxAggregatesPerBatch = 100;

// Streams the records of one StreamFigures call, a message per write. The
// messages of a complete stream are kept in the reply cache, and a stream
// of the same request at the same data version is sent from there.
class FiguresStreamer final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  FiguresStreamer(grpc::CallbackServerContext* context, StatsCore* core, ReplyCache* replies,
                  const CallPolicy& policy, const grpc::ByteBuffer& raw_request)
      : scope_(context, "StreamFigures", policy), replies_(replies) {
    v1::StreamFiguresRequest request;
    absl::Status status = scope_.admission();
    if (status.ok()) status = ParseMessage(raw_request, request);
    if (!status.ok()) {
      Finish(scope_.Finish(status));
      return;
    }
    absl::StatusOr<std::optional<int>> known_as_of =
        DecodeAsOfKnownDate(request.as_of_known_date());
    if (!known_as_of.ok()) {
      Finish(scope_.Finish(known_as_of.status()));
      return;
    }
    if (replies_ != nullptr) {
      const uint64_t version = request.as_of_version() > 0
                                   ? static_cast<uint64_t>(request.as_of_version())
                                   : core->data_version();
      cached_ = replies_->Find(kMethod, version, raw_request);
      if (cached_ != nullptr) {
        NextWrite();
        return;
      }
      raw_request_ = raw_request;
    }
    absl::StatusOr<std::unique_ptr<StatsCore::FiguresCursor>> cursor =
        core->StreamFigures(request.filter(), request.as_of_version(), *known_as_of);
    if (!cursor.ok()) {
      Finish(scope_.Finish(cursor.status()));
      return;
    }
    cursor_ = std::move(*cursor);
    if (request.include_municipalities()) {
      const auto& by_code = cursor_->directory().ids_by_current_code();
      next_municipality_ = by_code.begin();
      municipalities_end_ = by_code.end();
    }
    NextWrite();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(scope_.Finish(absl::CancelledError("the client went away")));
      return;
    }
    NextWrite();
  }

  void OnDone() override { delete this; }

 private:
  static constexpr char kMethod[] = "StreamFigures";
  // A stream with more bytes than this is not kept (the cache's own bound
  // is tighter still for most).
  static constexpr size_t kMaxKeptBytes = size_t{8} << 20;

  // Fills the next message; false when the stream is complete.
  absl::StatusOr<bool> Fill() {
    response_.Clear();
    response_.set_data_version(static_cast<int64_t>(cursor_->data_version()));
    ByteBudget budget;
    // With include_municipalities, the directory goes first, then records.
    if (next_municipality_ != municipalities_end_) {
      const MunicipalityDirectory& directory = cursor_->directory();
      while (next_municipality_ != municipalities_end_ &&
             response_.municipalities_size() < kStreamChunk) {
        const Municipality& m = *directory.FindById(next_municipality_->second);
        if (!budget.Take(m.ReplyBytes())) break;
        EncodeMunicipality(m, directory, response_.add_municipalities());
        ++next_municipality_;
      }
      return true;
    }
    while (response_.figures_size() < kStreamChunk) {
      if (next_ >= records_.size()) {
        next_ = 0;
        absl::StatusOr<bool> more = cursor_->Next(kStreamChunk, records_);
        if (!more.ok()) return more.status();
        if (!*more) break;
      }
      v1::Figures* figures = response_.add_figures();
      EncodeFigures(records_[next_], cursor_->directory(), figures);
      if (!budget.Take(figures->ByteSizeLong())) {
        response_.mutable_figures()->RemoveLast();
        break;
      }
      ++next_;
    }
    // The first message goes out even when empty so that the client learns
    // the data version.
    return response_.figures_size() > 0 || !sent_any_;
  }

  void NextWrite() {
    if (cached_ != nullptr) {
      if (next_ >= cached_->size()) {
        Finish(scope_.Finish(absl::OkStatus()));
        return;
      }
      grpc::Slice message = (*cached_)[next_++];
      buffer_ = grpc::ByteBuffer(&message, 1);
      StartWrite(&buffer_);
      return;
    }
    absl::StatusOr<bool> more = Fill();
    if (more.ok() && *more) {
      absl::Status serialized = SerializeMessage(response_, &buffer_);
      if (serialized.ok()) {
        sent_any_ = true;
        Keep();
        StartWrite(&buffer_);
        return;
      }
      more = serialized;
    }
    if (more.ok() && replies_ != nullptr && kept_bytes_ <= kMaxKeptBytes) {
      replies_->Insert(kMethod, cursor_->data_version(), raw_request_, std::move(kept_));
    }
    Finish(scope_.Finish(more.ok() ? absl::OkStatus() : more.status()));
  }

  // Adds the message in buffer_ to those the cache may keep.
  void Keep() {
    if (replies_ == nullptr || kept_bytes_ > kMaxKeptBytes) return;
    kept_bytes_ += buffer_.Length();
    if (kept_bytes_ > kMaxKeptBytes) {
      kept_.clear();
      return;
    }
    std::vector<grpc::Slice> slices;
    if (!buffer_.Dump(&slices).ok()) {
      kept_bytes_ = kMaxKeptBytes + 1;
      kept_.clear();
      return;
    }
    if (slices.size() == 1) {
      kept_.push_back(std::move(slices.front()));
    } else {
      std::string joined;
      for (const grpc::Slice& slice : slices) {
        joined.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
      kept_.emplace_back(std::move(joined));
    }
  }

  RpcScope scope_;
  ReplyCache* replies_;  // null: nothing is kept
  ReplyCache::Reply cached_;  // the reply sent, when the cache had it
  grpc::ByteBuffer raw_request_;  // the key of what is kept
  std::vector<grpc::Slice> kept_;
  size_t kept_bytes_ = 0;
  std::unique_ptr<StatsCore::FiguresCursor> cursor_;
  // The municipalities still to send (include_municipalities), by code, in
  // the cursor's directory; equal when none are.
  std::map<int, int>::const_iterator next_municipality_;
  std::map<int, int>::const_iterator municipalities_end_;
  std::vector<FiguresRecord> records_;  // read from the cursor, not yet sent
  size_t next_ = 0;  // of records_, or of the cached reply's messages
  v1::StreamFiguresResponse response_;
  grpc::ByteBuffer buffer_;
  bool sent_any_ = false;
};

// Imports the messages of one ImportFigures stream, one atomic batch each,
// on the writer (one thread for every write of the service, so that no
// callback thread waits for a commit). While one message is imported the
// next is read, so reading and committing overlap; at most
// kImportMessagesInFlight messages are read and not yet imported. Messages
// are imported in the order they came.
//
// A message whose rows cannot be imported as a whole has its rows reported
// as rejected and the stream goes on. A message that cannot be read at all
// ends the call with INVALID_ARGUMENT, and a failure of the service itself
// with its error; either way the error says what was already committed
// (ErrorInfo metadata), and nothing after it is imported. Only the client's
// half-close ends an import with OK.
class FiguresImporter final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  FiguresImporter(grpc::CallbackServerContext* context, StatsCore* core, WorkerPool* writer,
                  const CallPolicy& policy, const StatsMetrics* metrics,
                  grpc::ByteBuffer* response)
      : context_(context),
        scope_(context, "ImportFigures", policy),
        core_(core),
        metrics_(metrics),
        writer_(writer),
        raw_response_(response) {
    if (!scope_.admission().ok()) {
      finished_ = true;
      Finish(scope_.Finish(scope_.admission()));
      return;
    }
    StartRead(&raw_request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The client half-closed (the import is complete) or went away: say so
      // once the messages before have been imported.
      const bool cancelled = context_->IsCancelled();
      Schedule([this, cancelled] {
        if (cancelled) {
          FinishOnce(WithProgress(absl::CancelledError("the client cancelled the import")));
          return;
        }
        response_.set_data_version(static_cast<int64_t>(core_->data_version()));
        ReleaseFreedMemory();
        Log(LogLevel::kInfo, scope_.request_id(),
            absl::StrCat("import of ", source_, ": ", messages_, " messages, ",
                         response_.rows_received(), " rows, ", response_.rows_changed(),
                         " changed, ", response_.rows_unchanged(), " unchanged, ",
                         response_.rows_rejected(), " rejected"));
        FinishOnce(SerializeMessage(response_, raw_response_));
      }, /*read_more=*/false);
      return;
    }
    auto request = std::make_shared<v1::ImportFiguresRequest>();
    absl::Status parsed = ParseMessage(raw_request_, *request);
    if (!parsed.ok()) {
      // Reading on would import the messages after a gap: stop here.
      Schedule([this, parsed] {
        FinishOnce(WithProgress(WithMessage(
            parsed, absl::StrCat("message ", messages_ + 1,
                                 " of the import stream cannot be read; the ", messages_,
                                 " messages before it (", response_.rows_received(),
                                 " rows) are imported and nothing after it: ",
                                 parsed.message()))));
      }, /*read_more=*/false);
      return;
    }
    Schedule([this, request] {
      ++messages_;
      const int64_t changed = response_.rows_changed();
      const int64_t unchanged = response_.rows_unchanged();
      const int64_t rejected = response_.rows_rejected();
      absl::Status status = ImportMessage(*request);
      metrics_->RowsImported(response_.rows_changed() - changed,
                             response_.rows_unchanged() - unchanged,
                             response_.rows_rejected() - rejected);
      if (!status.ok()) FinishOnce(WithProgress(std::move(status)));
    }, /*read_more=*/true);
  }

  void OnDone() override {
    bool last;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      last = tasks_ == 0;
    }
    if (last) delete this;
  }

 private:
  // Messages read and not yet imported, at most.
  static constexpr int kImportMessagesInFlight = 2;

  // Runs `task` on the writer after the tasks scheduled before, unless the
  // call has finished by then; with `read_more`, reads the next message
  // now when fewer than kImportMessagesInFlight wait, else once one is done.
  //
  // The next read starts before the task is queued, so the task cannot
  // finish the call (and OnDone delete the reactor) before the read is
  // started; and both happen under mu_, so the next message's task, queued
  // from its OnReadDone (never run inline by StartRead), queues after this
  // one.
  void Schedule(std::function<void()> task, bool read_more) {
    absl::MutexLock lock(&mu_);
    ++tasks_;
    if (read_more) {
      if (tasks_ < kImportMessagesInFlight) {
        StartRead(&raw_request_);
      } else {
        read_deferred_ = true;
      }
    }
    writer_->Schedule([this, task = std::move(task)] {
      if (!finished_) task();
      bool last;
      {
        absl::MutexLock lock(&mu_);
        --tasks_;
        if (read_deferred_ && !finished_) {
          read_deferred_ = false;
          StartRead(&raw_request_);
        }
        last = done_ && tasks_ == 0;
      }
      if (last) delete this;
    });
  }

  // Finishes the call; the tasks still queued then do nothing. Runs on the
  // writer only.
  void FinishOnce(absl::Status status) {
    finished_ = true;
    Finish(scope_.Finish(status));
  }

  absl::Status ImportMessage(const v1::ImportFiguresRequest& request) {
    if (!request.source().empty()) source_ = request.source();
    response_.set_rows_received(response_.rows_received() + request.rows_size());
    // A problem of the message as a whole: every row is rejected with it.
    std::optional<FieldViolation> whole_message;
    absl::StatusOr<int> known_date =
        ParseKnownDate(request.known_date(), "known_date", absl::Now());
    if (!known_date.ok()) {
      whole_message = FieldViolations(known_date.status()).front();
    } else if (request.codes_year() != 0 &&
               !ValidateYear(request.codes_year(), "codes_year").ok()) {
      whole_message = FieldViolations(ValidateYear(request.codes_year(), "codes_year")).front();
    } else if (request.status() < v1::FIGURES_STATUS_UNSPECIFIED ||
        request.status() > v1::FIGURES_STATUS_FINAL) {
      whole_message = {"status", absl::StrCat("unknown status value ", request.status())};
    } else if (static_cast<size_t>(request.rows_size()) > kMaxImportRowsPerMessage) {
      whole_message = {"rows", absl::StrCat("the message carries ", request.rows_size(),
                                            " rows; at most ", kMaxImportRowsPerMessage)};
    } else if (auto bad_source = CheckText(request.source(), "source", kMaxLineBytes)) {
      whole_message = *bad_source;
    }
    if (whole_message) {
      for (const v1::ImportRow& row : request.rows()) {
        Reject(row.line(), whole_message->field, whole_message->description);
      }
      return absl::OkStatus();
    }

    std::vector<ImportRowInput> rows;
    rows.reserve(request.rows_size());
    for (const v1::ImportRow& row : request.rows()) {
      absl::StatusOr<FiguresRecord> record = DecodeFigures(row.figures(), "");
      if (!record.ok()) {
        std::vector<FieldViolation> violations = FieldViolations(record.status());
        Reject(row.line(), violations.empty() ? "" : violations.front().field,
               violations.empty() ? std::string(record.status().message())
                                  : violations.front().description);
        continue;
      }
      absl::StatusOr<FiguresMask> absent = DecodeAbsentFields(row.absent_fields(), "absent_fields");
      if (!absent.ok()) {
        Reject(row.line(), "absent_fields", FieldViolations(absent.status()).front().description);
        continue;
      }
      rows.push_back({row.line(), std::move(*record), *absent});
    }
    IMDI_ASSIGN_OR_RETURN(ImportBatchResult result,
                          core_->ImportBatch(source_,
                                             static_cast<FiguresStatus>(request.status()),
                                             std::move(rows), ImportOrigin(*known_date, request.codes_year())));
    response_.set_rows_changed(response_.rows_changed() + result.rows_changed);
    response_.set_rows_unchanged(response_.rows_unchanged() + result.rows_unchanged);
    // Rows the core rejected, counted there; only the listed ones are named.
    response_.set_rows_rejected(response_.rows_rejected() + result.rows_rejected -
                                static_cast<int64_t>(result.errors.size()));
    for (const ImportRowError& error : result.errors) Reject(error.line, error.field, error.reason);
    if (result.rows_changed > 0) committed_version_ = result.data_version;
    return absl::OkStatus();
  }

  // Who imports, when the figures were known, and whose codes the rows use.
  WriteOrigin ImportOrigin(int known_date, int codes_year) const {
    WriteOrigin origin = Origin(scope_, known_date);
    origin.codes_year = codes_year;
    return origin;
  }

  void Reject(int64_t line, const std::string& field, const std::string& reason) {
    response_.set_rows_rejected(response_.rows_rejected() + 1);
    if (static_cast<size_t>(response_.errors_size()) >= kMaxImportErrors) return;
    v1::ImportRowError* error = response_.add_errors();
    error->set_source(source_);
    error->set_line(line);
    error->set_field(field);
    error->set_reason(reason);
  }

  // The messages before a failure stay committed; say how far it got.
  absl::Status WithProgress(absl::Status status) const {
    AddErrorMetadata(status, "messages_imported", absl::StrCat(messages_));
    AddErrorMetadata(status, "rows_received", absl::StrCat(response_.rows_received()));
    AddErrorMetadata(status, "rows_changed", absl::StrCat(response_.rows_changed()));
    AddErrorMetadata(status, "committed_data_version", absl::StrCat(committed_version_));
    return status;
  }

  grpc::CallbackServerContext* context_;
  RpcScope scope_;
  StatsCore* core_;
  const StatsMetrics* metrics_;
  WorkerPool* writer_;
  grpc::ByteBuffer* raw_response_;
  // The message being read; parsed into its own request before the next.
  grpc::ByteBuffer raw_request_;

  absl::Mutex mu_;
  int tasks_ ABSL_GUARDED_BY(mu_) = 0;  // scheduled on the writer, not yet run
  bool read_deferred_ ABSL_GUARDED_BY(mu_) = false;  // read when a task is done
  bool done_ ABSL_GUARDED_BY(mu_) = false;           // OnDone came

  // Written on the writer only (and by the constructor before any task).
  std::atomic<bool> finished_{false};
  v1::ImportFiguresResponse response_;
  std::string source_;
  int64_t messages_ = 0;  // read and imported
  uint64_t committed_version_ = 0;
};

// Serves one WatchFigures call: the changes in the store's change log after
// `since_data_version` up to the version the hub subscribed the call at,
// then those the hub queues for it (deduplicated by data version), a
// message per write. Messages end at a commit's end unless a commit has
// more changes than fit one; `data_version` is the last version sent whole.
//
// The messages are built by whichever thread pumps (the callback thread of
// the last write, or the hub's notifier) while `busy_`; a wake-up that
// comes meanwhile makes the pump look again before it goes idle.
class FiguresWatcher final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  FiguresWatcher(grpc::CallbackServerContext* context, StatsCore* core, const CallPolicy& policy,
                 const StatsMetrics* metrics, const grpc::ByteBuffer& raw_request)
      : scope_(context, "WatchFigures", policy), core_(core), metrics_(metrics) {
    absl::Status status = Start(raw_request);
    if (!status.ok()) {
      FinishOnce(status);
      return;
    }
    watcher_->SetWake([this] { Pump(); });
    Pump();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      FinishOnce(absl::CancelledError("the client went away"));
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      busy_ = false;
    }
    Pump();
  }

  void OnCancel() override { FinishOnce(absl::CancelledError("the client cancelled")); }

  void OnDone() override {
    if (watcher_ != nullptr) {
      watcher_->SetWake(nullptr);
      core_->change_hub().Unsubscribe(watcher_);
      metrics_->WatcherEnded();
    }
    delete this;
  }

 private:
  // Changes per message at most (and kMaxReplyBytes); changes read from the
  // log per store read, about.
  static constexpr int kChunk = 256;
  static constexpr size_t kBacklogRead = 256;

  absl::Status Start(const grpc::ByteBuffer& raw_request) {
    IMDI_RETURN_IF_ERROR(scope_.admission());
    v1::WatchFiguresRequest request;
    IMDI_RETURN_IF_ERROR(ParseMessage(raw_request, request));
    if (request.since_data_version() < 0) {
      return InvalidFieldError("since_data_version", "must not be negative");
    }
    const uint64_t newest = core_->data_version();
    if (static_cast<uint64_t>(request.since_data_version()) > newest) {
      return OutOfRangeFieldError(
          "since_data_version",
          absl::StrCat("data version ", request.since_data_version(),
                       " is past the newest, ", newest));
    }
    IMDI_ASSIGN_OR_RETURN(filter_, core_->ParseChangeFilter(request.filter()));
    IMDI_ASSIGN_OR_RETURN(watcher_, core_->change_hub().Subscribe());
    metrics_->WatcherStarted();
    sent_through_ = static_cast<uint64_t>(request.since_data_version());
    read_after_ = sent_through_;
    return absl::OkStatus();
  }

  void FinishOnce(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(scope_.Finish(status));
  }

  enum class Step { kSend, kIdle, kFinish };

  void Pump() {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      if (busy_) {
        again_ = true;
        return;
      }
      busy_ = true;
    }
    for (;;) {
      const Step step = Build();
      absl::MutexLock lock(&mu_);
      if (finished_) {
        busy_ = false;
        return;
      }
      if (step == Step::kIdle && again_) {
        again_ = false;
        continue;
      }
      again_ = false;
      if (step == Step::kSend) {
        mu_.Unlock();
        StartWrite(&buffer_);
        mu_.Lock();
        return;
      }
      busy_ = false;
      if (step == Step::kFinish) {
        finished_ = true;
        mu_.Unlock();
        Finish(scope_.Finish(end_));
        mu_.Lock();
      }
      return;
    }
  }

  // The next commit to send from, or null when none is there yet.
  absl::StatusOr<std::shared_ptr<const CommittedChanges>> NextCommit() {
    while (!live_) {
      if (!backlog_.empty()) {
        auto commit = std::move(backlog_.front());
        backlog_.pop_front();
        return commit;
      }
      IMDI_ASSIGN_OR_RETURN(auto read, core_->ReadChanges(read_after_, watcher_->subscribed_at(),
                                                          kBacklogRead));
      if (read.empty()) {
        live_ = true;
        announce_live_ = true;
        sent_through_ = std::max(sent_through_, watcher_->subscribed_at());
        break;
      }
      read_after_ = read.back()->data_version;
      for (auto& commit : read) backlog_.push_back(std::move(commit));
    }
    while (true) {
      if (queued_.empty()) {
        absl::Status taken = watcher_->Take(queued_);
        if (!taken.ok()) return taken;
        if (queued_.empty()) return nullptr;
      }
      auto commit = std::move(queued_.front());
      queued_.pop_front();
      // Already sent from the log (the hub queued it before the call's
      // version was known).
      if (commit->data_version <= sent_through_) continue;
      return commit;
    }
  }

  Step Build() {
    if (!end_.ok()) return Step::kFinish;
    response_.Clear();
    size_t used = 0;  // bytes, about (FiguresRecord::ReplyBytes)
    std::shared_ptr<const MunicipalityDirectory> directory = core_->directory();
    bool full = false;
    while (!full) {
      if (current_ == nullptr) {
        absl::StatusOr<std::shared_ptr<const CommittedChanges>> next = NextCommit();
        if (!next.ok()) {
          end_ = next.status();
          break;
        }
        if (*next == nullptr) break;
        current_ = *std::move(next);
        next_record_ = 0;
      }
      if (next_record_ == 0 && response_.changes_size() > 0) {
        // Whole commits to a message where they fit: a commit is split
        // only when it alone is more than a message holds.
        int count = 0;
        size_t bytes = 0;
        for (const FiguresRecord& record : current_->records) {
          if (!core_->ChangeMatches(filter_, record)) continue;
          ++count;
          bytes += record.ReplyBytes();
        }
        if (response_.changes_size() + count > kChunk || used + bytes > kMaxReplyBytes) break;
      }
      for (; next_record_ < current_->records.size(); ++next_record_) {
        const FiguresRecord& record = current_->records[next_record_];
        if (!core_->ChangeMatches(filter_, record)) continue;
        const size_t bytes = record.ReplyBytes();
        if (response_.changes_size() >= kChunk || (used > 0 && used + bytes > kMaxReplyBytes)) {
          full = true;
          break;
        }
        used += bytes;
        EncodeFigures(record, *directory, response_.add_changes());
      }
      if (full) break;
      sent_through_ = current_->data_version;
      current_ = nullptr;
    }
    if (response_.changes_size() == 0 && !announce_live_) {
      return end_.ok() ? Step::kIdle : Step::kFinish;
    }
    announce_live_ = false;
    response_.set_data_version(static_cast<int64_t>(sent_through_));
    response_.set_live(live_);
    absl::Status serialized = SerializeMessage(response_, &buffer_);
    if (!serialized.ok()) {
      end_ = serialized;
      return Step::kFinish;
    }
    return Step::kSend;
  }

  RpcScope scope_;
  StatsCore* const core_;
  const StatsMetrics* const metrics_;
  StatsCore::ChangeFilter filter_;
  std::shared_ptr<ChangeWatcher> watcher_;

  absl::Mutex mu_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;   // building or writing a message
  bool again_ ABSL_GUARDED_BY(mu_) = false;  // woken while busy
  bool finished_ ABSL_GUARDED_BY(mu_) = false;

  // Touched only by the pump while busy_.
  uint64_t sent_through_ = 0;  // every change up to it sent
  uint64_t read_after_ = 0;    // the log read up to here
  bool live_ = false;
  bool announce_live_ = false;
  absl::Status end_;  // why the call ends, once it does
  std::deque<std::shared_ptr<const CommittedChanges>> backlog_;
  std::deque<std::shared_ptr<const CommittedChanges>> queued_;
  std::shared_ptr<const CommittedChanges> current_;
  size_t next_record_ = 0;
  v1::WatchFiguresResponse response_;
  grpc::ByteBuffer buffer_;
};

}  // namespace

StatsServiceImpl::Unary* StatsServiceImpl::UpsertMunicipality(Context* context,
                                                              const Bytes* raw_request,
                                                              Bytes* raw_response) {
  return ServeUnaryOn<v1::UpsertMunicipalityRequest, v1::UpsertMunicipalityResponse>(
      &writer_, context, raw_request, raw_response, "UpsertMunicipality", policy_,
      [this](RpcScope&, const v1::UpsertMunicipalityRequest* request,
          v1::UpsertMunicipalityResponse* response) {
        IMDI_ASSIGN_OR_RETURN(Municipality m,
                              DecodeMunicipality(request->municipality(), "municipality"));
        IMDI_ASSIGN_OR_RETURN(
            Municipality stored,
            core_->UpsertMunicipality(std::move(m), request->municipality().etag()));
        EncodeMunicipality(stored, *core_->directory(), response->mutable_municipality());
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::BatchUpsertMunicipalities(Context* context,
                                                                     const Bytes* raw_request,
                                                                     Bytes* raw_response) {
  return ServeUnaryOn<v1::BatchUpsertMunicipalitiesRequest, v1::BatchUpsertMunicipalitiesResponse>(
      &writer_, context, raw_request, raw_response, "BatchUpsertMunicipalities", policy_,
      [this](RpcScope&, const v1::BatchUpsertMunicipalitiesRequest* request,
          v1::BatchUpsertMunicipalitiesResponse* response) {
        std::vector<Municipality> municipalities;
        std::vector<FieldViolation> violations;
        for (int i = 0; i < request->municipalities_size(); ++i) {
          absl::StatusOr<Municipality> m = DecodeMunicipality(
              request->municipalities(i), absl::StrCat("municipalities[", i, "]"));
          if (m.ok()) {
            municipalities.push_back(std::move(*m));
          } else {
            for (auto& v : FieldViolations(m.status())) violations.push_back(std::move(v));
          }
        }
        if (!violations.empty()) return InvalidArgumentError("INVALID_MUNICIPALITY", violations);
        IMDI_ASSIGN_OR_RETURN(StatsCore::BatchUpsertResult result,
                              core_->BatchUpsertMunicipalities(std::move(municipalities)));
        const auto directory = core_->directory();
        for (const Municipality& m : result.municipalities) {
          EncodeMunicipality(m, *directory, response->add_municipalities());
        }
        response->set_changed_count(result.changed);
        response->set_data_version(static_cast<int64_t>(result.data_version));
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::GetMunicipality(Context* context,
                                                           const Bytes* raw_request,
                                                           Bytes* raw_response) {
  return ServeUnary<v1::GetMunicipalityRequest, v1::GetMunicipalityResponse>(
      context, raw_request, raw_response, "GetMunicipality", policy_,
      [&](RpcScope&, const v1::GetMunicipalityRequest* request,
          v1::GetMunicipalityResponse* response) {
        IMDI_ASSIGN_OR_RETURN(int code, ParseMunicipalityCode(request->code(), "code"));
        IMDI_ASSIGN_OR_RETURN(auto read, core_->GetMunicipality(code, request->as_of_version()));
        IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(read.second));
        EncodeMunicipality(read.first, *directory, response->mutable_municipality());
        response->set_data_version(static_cast<int64_t>(read.second));
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::ListMunicipalities(Context* context,
                                                              const Bytes* raw_request,
                                                              Bytes* raw_response) {
  return ServeUnary<v1::ListMunicipalitiesRequest, v1::ListMunicipalitiesResponse>(
      context, raw_request, raw_response, "ListMunicipalities", policy_,
      [&](RpcScope&, const v1::ListMunicipalitiesRequest* request,
          v1::ListMunicipalitiesResponse* response) {
        IMDI_ASSIGN_OR_RETURN(
            MunicipalityPage page,
            core_->ListMunicipalities({request->filter(), request->page_size(),
                                       request->page_token(), request->as_of_version()}));
        IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(page.data_version));
        for (const Municipality& m : page.municipalities) {
          EncodeMunicipality(m, *directory, response->add_municipalities());
        }
        response->set_next_page_token(page.next_page_token);
        response->set_data_version(static_cast<int64_t>(page.data_version));
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::PutFigures(Context* context, const Bytes* raw_request,
                                                      Bytes* raw_response) {
  return ServeUnaryOn<v1::PutFiguresRequest, v1::PutFiguresResponse>(
      &writer_, context, raw_request, raw_response, "PutFigures", policy_,
      [this](RpcScope& scope, const v1::PutFiguresRequest* request,
          v1::PutFiguresResponse* response) {
        IMDI_ASSIGN_OR_RETURN(FiguresRecord record, DecodeFigures(request->figures(), "figures"));
        IMDI_ASSIGN_OR_RETURN(FiguresMask mask,
                              DecodeFiguresMask(request->update_mask(), "update_mask"));
        const WriteOrigin origin = Origin(scope, record.known_date);
        IMDI_ASSIGN_OR_RETURN(
            StatsCore::PutResult result,
            core_->PutFigures(std::move(record), mask, request->figures().etag(), origin));
        EncodeFigures(result.record, *core_->directory(), response->mutable_figures());
        response->set_changed(result.changed);
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::GetFigures(Context* context, const Bytes* raw_request,
                                                      Bytes* raw_response) {
  return ServeUnary<v1::GetFiguresRequest, v1::GetFiguresResponse>(
      context, raw_request, raw_response, "GetFigures", policy_,
      [&](RpcScope&, const v1::GetFiguresRequest* request, v1::GetFiguresResponse* response) {
        IMDI_ASSIGN_OR_RETURN(Subject subject, DecodeSubject(request->municipality_code(),
                                                             request->has_area(), request->area()));
        IMDI_ASSIGN_OR_RETURN(std::optional<int> known_as_of,
                              DecodeAsOfKnownDate(request->as_of_known_date()));
        IMDI_ASSIGN_OR_RETURN(
            auto read, core_->GetFigures(subject, request->year(), request->as_of_version(),
                                         known_as_of, request->harmonise()));
        IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(read.second));
        EncodeFigures(read.first, *directory, response->mutable_figures(),
                      request->include_field_sources());
        response->set_data_version(static_cast<int64_t>(read.second));
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::BatchGetFigures(Context* context,
                                                           const Bytes* raw_request,
                                                           Bytes* raw_response) {
  return ServeUnary<v1::BatchGetFiguresRequest, v1::BatchGetFiguresResponse>(
      context, raw_request, raw_response, "BatchGetFigures", policy_,
      [&](RpcScope&, const v1::BatchGetFiguresRequest* request,
          v1::BatchGetFiguresResponse* response) {
        std::vector<std::pair<int, int>> keys;
        std::vector<FieldViolation> violations;
        for (int i = 0; i < request->keys_size(); ++i) {
          absl::StatusOr<int> code =
              ParseMunicipalityCode(request->keys(i).municipality_code(),
                                    absl::StrCat("keys[", i, "].municipality_code"));
          if (!code.ok()) {
            for (auto& v : FieldViolations(code.status())) violations.push_back(std::move(v));
            continue;
          }
          keys.emplace_back(*code, request->keys(i).year());
        }
        for (int i = 0; i < request->keys_size(); ++i) {
          absl::Status year =
              ValidateYear(request->keys(i).year(), absl::StrCat("keys[", i, "].year"));
          for (auto& v : FieldViolations(year)) violations.push_back(std::move(v));
        }
        absl::StatusOr<std::optional<int>> known_as_of =
            DecodeAsOfKnownDate(request->as_of_known_date());
        for (auto& v : FieldViolations(known_as_of.status())) violations.push_back(std::move(v));
        if (!violations.empty()) return InvalidArgumentError("INVALID_FIELD", violations);
        IMDI_ASSIGN_OR_RETURN(auto read,
                              core_->BatchGetFigures(keys, request->as_of_version(),
                                                     request->allow_missing(), *known_as_of,
                                                     request->harmonise()));
        IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(read.second));
        for (const FiguresRecord& record : read.first) {
          EncodeFigures(record, *directory, response->add_figures(),
                        request->include_field_sources());
        }
        response->set_data_version(static_cast<int64_t>(read.second));
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::ListFigures(Context* context, const Bytes* raw_request,
                                                       Bytes* raw_response) {
  return ServeUnary<v1::ListFiguresRequest, v1::ListFiguresResponse>(
      context, raw_request, raw_response, "ListFigures", policy_,
      [&](RpcScope&, const v1::ListFiguresRequest* request, v1::ListFiguresResponse* response) {
        IMDI_ASSIGN_OR_RETURN(std::optional<int> known_as_of,
                              DecodeAsOfKnownDate(request->as_of_known_date()));
        IMDI_ASSIGN_OR_RETURN(
            FiguresPage page,
            core_->ListFigures({request->filter(), request->page_size(), request->page_token(),
                                request->as_of_version(), known_as_of}));
        IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(page.data_version));
        for (const FiguresRecord& record : page.records) {
          EncodeFigures(record, *directory, response->add_figures());
        }
        response->set_next_page_token(page.next_page_token);
        response->set_data_version(static_cast<int64_t>(page.data_version));
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* StatsServiceImpl::StreamFigures(Context* context,
                                                                            const Bytes* request) {
  return new FiguresStreamer(context, core_, replies_.get(), policy_, *request);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* StatsServiceImpl::WatchFigures(Context* context,
                                                                           const Bytes* request) {
  return new FiguresWatcher(context, core_, policy_, metrics_, *request);
}

StatsServiceImpl::Unary* StatsServiceImpl::GetFiguresHistory(Context* context,
                                                             const Bytes* raw_request,
                                                             Bytes* raw_response) {
  return ServeUnary<v1::GetFiguresHistoryRequest, v1::GetFiguresHistoryResponse>(
      context, raw_request, raw_response, "GetFiguresHistory", policy_,
      [&](RpcScope&, const v1::GetFiguresHistoryRequest* request,
          v1::GetFiguresHistoryResponse* response) {
        IMDI_ASSIGN_OR_RETURN(Subject subject, DecodeSubject(request->municipality_code(),
                                                             request->has_area(), request->area()));
        IMDI_ASSIGN_OR_RETURN(HistoryPage page, core_->GetFiguresHistory(
                                                    subject, request->year(),
                                                    {request->page_size(), request->page_token()}));
        const auto directory = core_->directory();
        for (const FiguresRecord& record : page.revisions) {
          EncodeFigures(record, *directory, response->add_revisions());
        }
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* StatsServiceImpl::ImportFigures(Context* context,
                                                                           Bytes* response) {
  return new FiguresImporter(context, core_, &writer_, policy_, metrics_, response);
}

StatsServiceImpl::Unary* StatsServiceImpl::GetAggregate(Context* context, const Bytes* raw_request,
                                                        Bytes* raw_response) {
  return ServeUnary<v1::GetAggregateRequest, v1::GetAggregateResponse>(
      context, raw_request, raw_response, "GetAggregate", policy_,
      [&](RpcScope&, const v1::GetAggregateRequest* request, v1::GetAggregateResponse* response) {
        IMDI_ASSIGN_OR_RETURN(Subject area, DecodeArea(request->area(), "area"));
        IMDI_ASSIGN_OR_RETURN(std::optional<int> known_as_of,
                              DecodeAsOfKnownDate(request->as_of_known_date()));
        IMDI_ASSIGN_OR_RETURN(AggregateRead read,
                              core_->GetAggregate(area, request->year(), request->as_of_version(),
                                                  known_as_of));
        EncodeAggregate(read, response);
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::BatchGetAggregates(Context* context,
                                                              const Bytes* raw_request,
                                                              Bytes* raw_response) {
  return ServeUnary<v1::BatchGetAggregatesRequest, v1::BatchGetAggregatesResponse>(
      context, raw_request, raw_response, "BatchGetAggregates", policy_,
      [&](RpcScope&, const v1::BatchGetAggregatesRequest* request,
          v1::BatchGetAggregatesResponse* response) {
        std::vector<FieldViolation> violations;
        if (request->areas().empty()) violations.push_back({"areas", "name at least one area"});
        if (static_cast<size_t>(request->areas_size()) > kMaxAggregatesPerBatch) {
          violations.push_back({"areas", absl::StrCat("the request names ", request->areas_size(),
                                                       " areas; at most ",
                                                       kMaxAggregatesPerBatch)});
        }
        std::vector<Subject> areas;
        for (int i = 0; i < request->areas_size() && violations.empty(); ++i) {
          absl::StatusOr<Subject> area =
              DecodeArea(request->areas(i), absl::StrCat("areas[", i, "]"));
          if (area.ok()) {
            areas.push_back(*area);
          } else {
            for (auto& v : FieldViolations(area.status())) violations.push_back(std::move(v));
          }
        }
        absl::StatusOr<std::optional<int>> known_as_of =
            DecodeAsOfKnownDate(request->as_of_known_date());
        for (auto& v : FieldViolations(known_as_of.status())) violations.push_back(std::move(v));
        if (!violations.empty()) return InvalidArgumentError("INVALID_FIELD", violations);
        IMDI_ASSIGN_OR_RETURN(std::vector<AggregateRead> reads,
                              core_->GetAggregates(areas, request->year(),
                                                   request->as_of_version(), *known_as_of));
        for (const AggregateRead& read : reads) EncodeAggregate(read, response->add_aggregates());
        response->set_data_version(static_cast<int64_t>(
            reads.empty() ? core_->data_version() : reads.front().data_version));
        return absl::OkStatus();
      });
}

StatsServiceImpl::Unary* StatsServiceImpl::GetDataVersion(Context* context,
                                                          const Bytes* raw_request,
                                                          Bytes* raw_response) {
  return ServeUnary<v1::GetDataVersionRequest, v1::GetDataVersionResponse>(
      context, raw_request, raw_response, "GetDataVersion", policy_,
      [&](RpcScope&, const v1::GetDataVersionRequest*, v1::GetDataVersionResponse* response) {
        response->set_data_version(static_cast<int64_t>(core_->data_version()));
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* StatsServiceImpl::ExportFigures(
    Context* context, const Bytes* raw_request) {
  return NewFiguresExporter(context, core_, policy_, *raw_request);
}

}  // namespace imdi::stats
