#include "award-service/service/award_service.h"

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "award-service/stats/call_deadline.h"
#include "common/rpc_scope.h"

namespace imdi::award {
namespace {

constexpr int kScreenChunk = 64;
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

// Runs `call(caller)` (returning StatusOr<Response>) on the pool and finishes
// the unary call with its result.
template <typename Response, typename Call>
grpc::ServerUnaryReactor* Offload(grpc::CallbackServerContext* context, absl::string_view method,
                                  const CallPolicy& policy, WorkerPool* pool, Response* response,
                                  Call call) {
  auto scope = std::make_shared<RpcScope>(context, method, policy);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!scope->admission().ok()) {
    reactor->Finish(scope->Finish(scope->admission()));
    return reactor;
  }
  Caller caller = CallerOf(context, *scope, policy);
  const absl::Time deadline = absl::FromChrono(context->deadline());
  pool->Schedule([scope, reactor, response, deadline, caller = std::move(caller),
                  call = std::move(call)]() mutable {
    // Calls to the statistics service made for this call end with it.
    ScopedCallDeadline call_deadline(deadline);
    absl::Status status;
    try {
      auto result = call(caller);
      if (result.ok()) {
        *response = *std::move(result);
      } else {
        status = result.status();
      }
    } catch (const std::exception& e) {
      status = absl::InternalError(e.what());
    }
    reactor->Finish(scope->Finish(status));
  });
  return reactor;
}

// Streams the screening: computed on the pool, written in chunks.
class ScreenWriter final : public grpc::ServerWriteReactor<v1::ScreenMunicipalitiesResponse> {
 public:
  ScreenWriter(grpc::CallbackServerContext* context, AwardCore* core, WorkerPool* pool,
               const CallPolicy& policy, const v1::ScreenMunicipalitiesRequest& request)
      : scope_(context, "ScreenMunicipalities", policy) {
    if (!scope_.admission().ok()) {
      Finish(scope_.Finish(scope_.admission()));
      return;
    }
    const absl::Time deadline = absl::FromChrono(context->deadline());
    pool->Schedule([this, core, request, deadline] {
      ScopedCallDeadline call_deadline(deadline);
      absl::StatusOr<std::vector<v1::Evaluation>> result;
      try {
        result = core->ScreenMunicipalities(request, &data_version_);
      } catch (const std::exception& e) {
        result = absl::InternalError(e.what());
      }
      if (!result.ok()) {
        Finish(scope_.Finish(result.status()));
        return;
      }
      evaluations_ = *std::move(result);
      NextWrite();
    });
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
  void NextWrite() {
    // The first message goes out even when empty: it carries the version.
    if (next_ >= evaluations_.size() && sent_any_) {
      Finish(scope_.Finish(absl::OkStatus()));
      return;
    }
    sent_any_ = true;
    chunk_.Clear();
    chunk_.set_data_version(data_version_);
    for (int i = 0; i < kScreenChunk && next_ < evaluations_.size(); ++i) {
      *chunk_.add_evaluations() = std::move(evaluations_[next_++]);
    }
    StartWrite(&chunk_);
  }

  RpcScope scope_;
  int64_t data_version_ = 0;
  std::vector<v1::Evaluation> evaluations_;
  size_t next_ = 0;
  bool sent_any_ = false;
  v1::ScreenMunicipalitiesResponse chunk_;
};

}  // namespace

#define IMDI_AWARD_READ(Name, pool)                                                          \
  grpc::ServerUnaryReactor* AwardServiceImpl::Name(grpc::CallbackServerContext* context,     \
                                                   const v1::Name##Request* request,         \
                                                   v1::Name##Response* response) {           \
    return Offload(context, #Name, policy_, pool, response,                                           \
                   [core = core_, request](const Caller&) { return core->Name(*request); }); \
  }
#define IMDI_AWARD_WRITE(Name, pool)                                                     \
  grpc::ServerUnaryReactor* AwardServiceImpl::Name(grpc::CallbackServerContext* context, \
                                                   const v1::Name##Request* request,     \
                                                   v1::Name##Response* response) {       \
    return Offload(context, #Name, policy_, pool, response,                                       \
                   [core = core_, request](const Caller& caller) {                       \
                     return core->Name(*request, caller);                                \
                   });                                                                   \
  }

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
IMDI_AWARD_WRITE(DecideWinner, store_pool_)
IMDI_AWARD_WRITE(AnnounceWinner, store_pool_)
IMDI_AWARD_WRITE(ArchiveCycle, store_pool_)
IMDI_AWARD_WRITE(CancelCycle, store_pool_)
IMDI_AWARD_WRITE(ImportWinners, store_pool_)
IMDI_AWARD_READ(ListWinners, store_pool_)
IMDI_AWARD_READ(ListAuditEvents, store_pool_)

#undef IMDI_AWARD_READ
#undef IMDI_AWARD_WRITE

grpc::ServerWriteReactor<v1::ScreenMunicipalitiesResponse>* AwardServiceImpl::ScreenMunicipalities(
    grpc::CallbackServerContext* context, const v1::ScreenMunicipalitiesRequest* request) {
  return new ScreenWriter(context, core_, stats_pool_, policy_, *request);
}

}  // namespace imdi::award
