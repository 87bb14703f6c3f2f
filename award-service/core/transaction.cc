#include "award-service/core/transaction.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/request_checks.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"

namespace imdi::award {

namespace {

// A cycle record (the cycle, its nominations with their evaluations, jurors
// and scores) is read and rewritten whole on every change and returned in
// parts by GetCycle and ListNominations; this keeps both well under what a
// client accepts in one reply. Real prizes use a few percent of it.
constexpr size_t kMaxCycleRecordBytes = size_t{2} << 20;

// Whose request a stored response answers ("" without authentication).
std::string PrincipalOf(const Caller& caller) {
  return caller.principal ? caller.principal->name : "";
}

}  // namespace

uint64_t Fnv1a(absl::string_view bytes) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Etag(absl::string_view what, int64_t revision) {
  return absl::StrFormat("%016x", Fnv1a(absl::StrCat(what, "@", revision)));
}

std::string Fingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  for (const char* name : {"request_id", "view"}) {
    const auto* field = copy->GetDescriptor()->FindFieldByName(name);
    if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return absl::StrFormat("%016x", Fnv1a(bytes));
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

void Touch(v1::Nomination& n, const storage::v1::CycleRecord& record, absl::Time now) {
  n.set_etag(
      Etag(absl::StrCat(n.cycle_id(), "/", n.nomination_id()), record.cycle().revision() + 1));
  *n.mutable_update_time() = ToProto(now);
}

v1::AuditEvent NewAuditEvent(const std::string& cycle_id, absl::Time now, const Caller& caller,
                             const std::string& request_id, absl::string_view method,
                             v1::CycleState state_before) {
  v1::AuditEvent event;
  event.set_cycle_id(cycle_id);
  *event.mutable_event_time() = ToProto(now);
  event.set_actor(caller.actor);
  event.set_request_id(request_id.empty() ? caller.trace_id : request_id);
  event.set_action(std::string(method));
  event.set_state_before(state_before);
  return event;
}

storage::v1::RequestRecord StoredRequest(absl::string_view method,
                                         const google::protobuf::Message& request,
                                         const Caller& caller,
                                         const google::protobuf::Message& response) {
  storage::v1::RequestRecord stored;
  stored.set_method(std::string(method));
  stored.set_fingerprint(Fingerprint(request));
  stored.set_principal(PrincipalOf(caller));
  stored.set_response(response.SerializeAsString());
  return stored;
}

Transactions::Transactions(AwardStore* store, std::function<absl::Time()> now)
    : store_(store), now_(std::move(now)) {}

absl::StatusOr<Record> Transactions::LoadCycle(const std::string& cycle_id) const {
  IMDI_RETURN_IF_ERROR(ValidateCycleId(cycle_id));
  IMDI_ASSIGN_OR_RETURN(std::optional<Record> record, store_->ReadCycle(cycle_id));
  if (!record) {
    return MakeError(absl::StatusCode::kNotFound, "CYCLE_NOT_FOUND",
                     absl::StrCat("no cycle ", Excerpt(cycle_id)));
  }
  return *std::move(record);
}

absl::StatusOr<bool> Transactions::Replay(absl::string_view method,
                                          const google::protobuf::Message& request,
                                          const std::string& request_id, const Caller& caller,
                                          google::protobuf::Message& response) {
  absl::MutexLock lock(&mu_);
  return ReplayLocked(method, request, request_id, caller, response);
}

absl::StatusOr<bool> Transactions::ReplayLocked(absl::string_view method,
                                                const google::protobuf::Message& request,
                                                const std::string& request_id, const Caller& caller,
                                                google::protobuf::Message& response) {
  if (request_id.empty()) return false;
  IMDI_RETURN_IF_ERROR(CheckRequestId(request_id));
  IMDI_ASSIGN_OR_RETURN(std::optional<storage::v1::RequestRecord> stored,
                        store_->ReadRequest(request_id));
  if (!stored) return false;
  // A stored answer goes back only to the principal that made the request.
  if (stored->method() != method || stored->fingerprint() != Fingerprint(request) ||
      stored->principal() != PrincipalOf(caller)) {
    return InvalidArgumentError(
        "REQUEST_ID_REUSED",
        {{"request_id", absl::StrCat(Excerpt(request_id),
                                     " was used for a different request; use a fresh id per "
                                     "request")}});
  }
  if (!response.ParseFromString(stored->response())) {
    return absl::DataLossError("a stored response cannot be decoded");
  }
  return true;
}

absl::Status Transactions::Mutate(
    absl::string_view method, const google::protobuf::Message& request,
    const std::string& request_id, const std::string& cycle_id, const Caller& caller,
    const std::function<absl::Status(Record&, Step&)>& apply, google::protobuf::Message& response,
    const std::function<void(const Record&, const Step&, google::protobuf::Message&)>& respond) {
  absl::MutexLock lock(&mu_);
  IMDI_ASSIGN_OR_RETURN(bool replayed, ReplayLocked(method, request, request_id, caller, response));
  if (replayed) return absl::OkStatus();
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(cycle_id));
  const absl::Time now = now_();
  const v1::CycleState before = record.cycle().state();

  v1::AuditEvent event = NewAuditEvent(cycle_id, now, caller, request_id, method, before);

  Record changed = record;
  Step step;
  absl::Status applied = apply(changed, step);
  if (!applied.ok()) {
    if (applied.code() == absl::StatusCode::kFailedPrecondition ||
        applied.code() == absl::StatusCode::kPermissionDenied) {
      // The refusal is part of the record: who tried what, and why not.
      record.set_last_audit_sequence(record.last_audit_sequence() + 1);
      event.set_sequence(record.last_audit_sequence());
      event.set_state_after(before);
      event.set_data_version(record.cycle().data_version());
      event.set_nomination_id(step.nomination_id);
      event.set_detail(absl::StrCat("refused: ", ErrorReason(applied), ": ", applied.message()));
      AwardCommit refusal;
      refusal.cycle = std::move(record);
      refusal.audit_events.push_back(std::move(event));
      IMDI_RETURN_IF_ERROR(store_->Commit(refusal));
    }
    return applied;
  }

  v1::Cycle& cycle = *changed.mutable_cycle();
  cycle.set_revision(cycle.revision() + 1);
  cycle.set_etag(Etag(cycle_id, cycle.revision()));
  *cycle.mutable_update_time() = ToProto(now);
  changed.set_last_audit_sequence(changed.last_audit_sequence() + 1);
  event.set_sequence(changed.last_audit_sequence());
  event.set_state_after(cycle.state());
  event.set_data_version(cycle.data_version());
  event.set_nomination_id(step.nomination_id);
  event.set_detail(
      step.warnings.empty()
          ? step.detail
          : absl::StrCat(step.detail, "; warning: ", absl::StrJoin(step.warnings, "; ")));

  if (const size_t bytes = changed.ByteSizeLong(); bytes > kMaxCycleRecordBytes) {
    return MakeError(
        absl::StatusCode::kResourceExhausted, "CYCLE_TOO_LARGE",
        absl::StrCat("the change would make cycle ", cycle_id, " ", bytes, " bytes, more than the ",
                     kMaxCycleRecordBytes, " a cycle may hold; nothing was changed"));
  }
  respond(changed, step, response);
  AwardCommit commit;
  commit.audit_events.push_back(std::move(event));
  commit.winners = step.winners;
  commit.documents = std::move(step.documents);
  if (!request_id.empty()) {
    commit.request.emplace(request_id, StoredRequest(method, request, caller, response));
  }
  commit.cycle = std::move(changed);
  return store_->Commit(commit);
}

absl::Status Transactions::Write(absl::string_view method, const google::protobuf::Message& request,
                                 const std::string& request_id, const Caller& caller,
                                 google::protobuf::Message& response,
                                 const std::function<absl::StatusOr<AwardCommit>()>& build) {
  absl::MutexLock lock(&mu_);
  IMDI_ASSIGN_OR_RETURN(bool replayed, ReplayLocked(method, request, request_id, caller, response));
  if (replayed) return absl::OkStatus();
  IMDI_ASSIGN_OR_RETURN(AwardCommit commit, build());
  if (!request_id.empty()) {
    commit.request.emplace(request_id, StoredRequest(method, request, caller, response));
  }
  return store_->Commit(commit);
}

}  // namespace imdi::award
