#include "award-service/service/award_service.h"

#include <memory>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <utility>

#include "absl/strings/ascii.h"
#include "google/protobuf/arena.h"
#include "award-service/stats/call_deadline.h"
#include "common/limits.h"
#include "common/raw_message.h"
#include "common/rpc_scope.h"

namespace imdi::award {

constexpr size_t kMaxActorLength = 64;

Caller CallerOf(grpc::CallbackServerContext* context, const RpcScope& scope,
                const CallPolicy& policy) {
  Caller caller;
  caller.trace_id = scope.request_id();
  // With credentials checked, the principal acts and the core's rules apply;
  // in development mode (everyone is "developer") neither does.
  const bool checked = policy.access != nullptr && !policy.access->development();
  if (checked && scope.principal() != nullptr) {
    caller.principal = *scope.principal();
    caller.actor = scope.principal()->name;
    return caller;
  }
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(kActorHeader);
  if (it != metadata.end() && !it->second.empty() && it->second.size() <= kMaxActorLength) {
    std::string actor(it->second.data(), it->second.size());
    bool printable = true;
    for (char c : actor) printable = printable && absl::ascii_isprint(c);
    if (printable) caller.actor = std::move(actor);
  }
  return caller;
}

namespace {

// Runs `call(request, caller)` (returning StatusOr<Response>) on the pool
// with ServeUnaryOn: an unreadable request is refused on the callback
// thread, before any work is scheduled. Calls to the statistics service
// made for this call end with its deadline.
template <typename Request, typename Response, typename Call>
grpc::ServerUnaryReactor* Offload(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* raw_request,
                                  grpc::ByteBuffer* raw_response, absl::string_view method,
                                  const CallPolicy& policy, WorkerPool* pool, Call call) {
  return ServeUnaryOn<Request, Response>(
      pool, context, raw_request, raw_response, method, policy,
      [context, &policy, call = std::move(call)](RpcScope& scope, const Request* request,
                                                 Response* response) mutable -> absl::Status {
        ScopedCallDeadline call_deadline(absl::FromChrono(context->deadline()));
        absl::StatusOr<Response> result = call(*request, CallerOf(context, scope, policy));
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        return absl::OkStatus();
      });
}

// A screening frees everything it read when it ends, but glibc keeps freed
// memory of its many small allocations in its arenas: hand it back to the
// system, so that the service's size does not follow the largest screening.
void ReleaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

// Evaluations per ScreenMunicipalities message at most; messages are cut
// by bytes too (kMaxReplyBytes).
constexpr int kScreenChunk = 64;

// Streams a screening: the statistics service is read on the pool, then
// each message is evaluated on the pool and written while the next waits,
// so the reply starts before the last municipality is evaluated and the
// evaluations are never all in memory at once.
class ScreenWriter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  ScreenWriter(grpc::CallbackServerContext* context, AwardCore* core, WorkerPool* pool,
               const CallPolicy& policy, const grpc::ByteBuffer& raw_request)
      : scope_(context, "ScreenMunicipalities", policy), pool_(pool) {
    v1::ScreenMunicipalitiesRequest request;
    absl::Status admitted = scope_.admission();
    if (admitted.ok()) admitted = ParseMessage(raw_request, request);
    if (!admitted.ok()) {
      Finish(scope_.Finish(admitted));
      return;
    }
    const absl::Time deadline = absl::FromChrono(context->deadline());
    pool->Schedule([this, core, request = std::move(request), deadline] {
      ScopedCallDeadline call_deadline(deadline);
      absl::StatusOr<std::unique_ptr<Screening>> started;
      try {
        started = core->StartScreening(request);
      } catch (const std::exception& e) {
        started = absl::InternalError(e.what());
      }
      if (!started.ok()) {
        Finish(scope_.Finish(started.status()));
        return;
      }
      screening_ = *std::move(started);
      NextWrite();
    });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(scope_.Finish(absl::CancelledError("the client went away")));
      return;
    }
    // Evaluating is work for the pool, not for a callback thread.
    pool_->Schedule([this] { NextWrite(); });
  }

  void OnDone() override { delete this; }

 private:
  // Evaluates and writes the next message, or finishes. Runs on the pool.
  void NextWrite() {
    // The previous message is serialized in buffer_: its arena can go.
    arena_.Reset();
    auto* chunk = google::protobuf::Arena::CreateMessage<v1::ScreenMunicipalitiesResponse>(&arena_);
    chunk->set_data_version(screening_->data_version());
    bool more = false;
    try {
      more = screening_->Next(kScreenChunk, kMaxReplyBytes, *chunk);
    } catch (const std::exception& e) {
      screening_.reset();
      Finish(scope_.Finish(absl::InternalError(e.what())));
      return;
    }
    // The first message goes out even when empty: it carries the version.
    if (!more && sent_any_) {
      screening_.reset();  // what it read goes before the call ends
      arena_.Reset();
      WorkerPool* pool = pool_;  // `this` may be gone once finished
      Finish(scope_.Finish(absl::OkStatus()));
      pool->Schedule([] { ReleaseFreedMemory(); });
      return;
    }
    sent_any_ = true;
    absl::Status serialized = SerializeMessage(*chunk, &buffer_);
    if (!serialized.ok()) {
      screening_.reset();
      Finish(scope_.Finish(serialized));
      return;
    }
    StartWrite(&buffer_);
  }

  RpcScope scope_;
  WorkerPool* const pool_;
  std::unique_ptr<Screening> screening_;
  bool sent_any_ = false;
  // One message's evaluations, allocated together and freed together.
  google::protobuf::Arena arena_;
  grpc::ByteBuffer buffer_;
};

}  // namespace

#define IMDI_AWARD_CALL(Name, pool, ...)                                                          \
  grpc::ServerUnaryReactor* AwardServiceImpl::Name(grpc::CallbackServerContext* context,          \
                                                   const grpc::ByteBuffer* raw_request,           \
                                                   grpc::ByteBuffer* raw_response) {              \
    return Offload<v1::Name##Request, v1::Name##Response>(                                        \
        context, raw_request, raw_response, #Name, policy_, pool,                                 \
        [core = core_](const v1::Name##Request& request, [[maybe_unused]] const Caller& caller) { \
          return core->Name(request __VA_ARGS__);                                                 \
        });                                                                                       \
  }
#define IMDI_AWARD_READ(Name, pool) IMDI_AWARD_CALL(Name, pool)
#define IMDI_AWARD_WRITE(Name, pool) IMDI_AWARD_CALL(Name, pool, , caller)

IMDI_AWARD_WRITE(CreateCycle, store_pool_)
IMDI_AWARD_READ(GetCycle, store_pool_)
IMDI_AWARD_READ(ListCycles, store_pool_)
IMDI_AWARD_READ(EvaluateMunicipality, stats_pool_)
IMDI_AWARD_READ(CompareWithLatest, stats_pool_)
IMDI_AWARD_WRITE(OpenNominations, store_pool_)
IMDI_AWARD_WRITE(SubmitNomination, stats_pool_)
IMDI_AWARD_WRITE(WithdrawNomination, store_pool_)
IMDI_AWARD_READ(ListNominations, store_pool_)
IMDI_AWARD_WRITE(AnnounceNominees, stats_pool_)
IMDI_AWARD_WRITE(OpenPublicVoting, store_pool_)
IMDI_AWARD_WRITE(RecordVotes, store_pool_)
IMDI_AWARD_WRITE(StartJuryDeliberation, store_pool_)
IMDI_AWARD_WRITE(RegisterJuror, store_pool_)
IMDI_AWARD_WRITE(DeclareConflict, store_pool_)
IMDI_AWARD_WRITE(ConfirmAssessment, store_pool_)
IMDI_AWARD_WRITE(SubmitScore, store_pool_)
IMDI_AWARD_WRITE(SubmitScoreSheet, store_pool_)
IMDI_AWARD_WRITE(CorrectVotes, store_pool_)
IMDI_AWARD_READ(GetCycleProgress, store_pool_)
IMDI_AWARD_READ(ExportCycleResults, store_pool_)
IMDI_AWARD_WRITE(DecideWinner, store_pool_)
IMDI_AWARD_WRITE(AnnounceWinner, store_pool_)
IMDI_AWARD_WRITE(ArchiveCycle, store_pool_)
IMDI_AWARD_WRITE(CancelCycle, store_pool_)
IMDI_AWARD_WRITE(ImportWinners, store_pool_)
IMDI_AWARD_READ(ListWinners, store_pool_)
IMDI_AWARD_READ(ListAuditEvents, store_pool_)
IMDI_AWARD_WRITE(RecordCitation, stats_pool_)
IMDI_AWARD_READ(RenderAnnouncement, stats_pool_)

#undef IMDI_AWARD_READ
#undef IMDI_AWARD_WRITE
#undef IMDI_AWARD_CALL

grpc::ServerWriteReactor<grpc::ByteBuffer>* AwardServiceImpl::ScreenMunicipalities(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new ScreenWriter(context, core_, stats_pool_, policy_, *request);
}

}  // namespace imdi::award
