// The commit protocol of the award service, in one place: every change is
// one atomic AwardStore commit of the new cycle record, its audit event and
// (with a request_id) the stored response that answers retries. Here are
// the request fingerprint, the etags, the audit event and the stored
// request record; the use cases (core/<topic>.cc) only say what a change
// does.
//
// Transactions is thread-safe: changes are serialised by its mutex. It does
// not own the store, which must outlive it.
#ifndef IMDI_AWARD_CORE_TRANSACTION_H_
#define IMDI_AWARD_CORE_TRANSACTION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "award-service/domain/caller.h"
#include "award-service/storage/award_store.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// A cycle as stored: the cycle, its nominations, jurors and scores.
using Record = storage::v1::CycleRecord;

// What one change did, for the audit trail.
struct Step {
  std::string detail;
  std::string nomination_id;
  std::vector<v1::Winner> winners;
  // Dates of the schedule the change went against (DEADLINE_RULE_WARN).
  std::vector<std::string> warnings;
  // Nomination documents to store with the change: (sha256 hex, bytes).
  std::vector<std::pair<std::string, std::string>> documents;
};

uint64_t Fnv1a(absl::string_view bytes);

// The etag of `what` (a cycle id, or "cycle/nomination") at `revision`.
std::string Etag(absl::string_view what, int64_t revision);

// Deterministic bytes of `request` without its request_id and view fields:
// a retry that asks for another view is the same request (the stored reply
// is full; the view is applied to what goes out).
std::string Fingerprint(const google::protobuf::Message& request);

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& t);

// Touches a nomination for a change at the cycle's next revision.
void Touch(v1::Nomination& n, const storage::v1::CycleRecord& record, absl::Time now);

// The audit event of `method` on a cycle by `caller`, before its outcome
// (sequence, state after, detail) is known.
v1::AuditEvent NewAuditEvent(const std::string& cycle_id, absl::Time now, const Caller& caller,
                             const std::string& request_id, absl::string_view method,
                             v1::CycleState state_before);

// The stored answer to `request`, for retries with its request id.
storage::v1::RequestRecord StoredRequest(absl::string_view method,
                                         const google::protobuf::Message& request,
                                         const Caller& caller,
                                         const google::protobuf::Message& response);

class Transactions {
 public:
  // `store` is not owned and must outlive this; `now` is the clock.
  Transactions(AwardStore* store, std::function<absl::Time()> now);

  // Applies one change to a cycle under the mutex: checks the request id,
  // loads the record, runs `apply`, then commits the record, its audit event
  // and the response in one write. A FAILED_PRECONDITION refusal from
  // `apply` is itself recorded in the audit trail.
  absl::Status Mutate(
      absl::string_view method, const google::protobuf::Message& request,
      const std::string& request_id, const std::string& cycle_id, const Caller& caller,
      const std::function<absl::Status(Record&, Step&)>& apply, google::protobuf::Message& response,
      const std::function<void(const Record&, const Step&, google::protobuf::Message&)>& respond);

  // A change that is not a read-modify-write of one existing cycle (a new
  // cycle, the winners history), under the mutex: the stored response of
  // an earlier call with `request_id`, or else `build` fills `response` and
  // the commit, which is written with the response for retries.
  absl::Status Write(absl::string_view method, const google::protobuf::Message& request,
                     const std::string& request_id, const Caller& caller,
                     google::protobuf::Message& response,
                     const std::function<absl::StatusOr<AwardCommit>()>& build);

  // The stored response of an earlier call with `request_id`, if any;
  // INVALID_ARGUMENT when the id was used for another request.
  absl::StatusOr<bool> Replay(absl::string_view method, const google::protobuf::Message& request,
                              const std::string& request_id, const Caller& caller,
                              google::protobuf::Message& response) ABSL_LOCKS_EXCLUDED(mu_);

  // The cycle's record; NOT_FOUND CYCLE_NOT_FOUND without one.
  absl::StatusOr<Record> LoadCycle(const std::string& cycle_id) const;

 private:
  absl::StatusOr<bool> ReplayLocked(absl::string_view method,
                                    const google::protobuf::Message& request,
                                    const std::string& request_id, const Caller& caller,
                                    google::protobuf::Message& response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  AwardStore* const store_;
  const std::function<absl::Time()> now_;
  absl::Mutex mu_;  // serialises every change (read-modify-write of records)
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_CORE_TRANSACTION_H_
