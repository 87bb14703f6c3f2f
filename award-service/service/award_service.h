// The gRPC transport of imdi.award.v1.AwardService: each handler decodes
// who is calling, hands the request to AwardCore on a worker thread, and
// maps the result to a grpc::Status with google.rpc details. Calls that read
// from the statistics service run on one pool and calls that only touch the
// award store on another, so a slow statistics service never holds up
// GetCycle, ListAuditEvents or the jury; callback threads never wait.
//
// Thread-safe. Does not own the core or the pools; they outlive the server.
#ifndef IMDI_AWARD_SERVICE_AWARD_SERVICE_H_
#define IMDI_AWARD_SERVICE_AWARD_SERVICE_H_

#include "award-service/core/award_core.h"
#include "common/rpc_scope.h"
#include "common/worker_pool.h"
#include "imdi/award/v1/award.grpc.pb.h"

namespace imdi::award {

inline constexpr char kAwardErrorDomain[] = "award.imdi.no";
// Metadata naming who acts, recorded in the audit trail when the service
// checks no credentials (tests, development mode); otherwise the
// authenticated principal is the actor.
inline constexpr char kActorHeader[] = "x-actor";

// Who makes the call: the authenticated principal when credentials are
// checked, else the x-actor metadata (award_service.cc; the document
// streams use it too).
Caller CallerOf(grpc::CallbackServerContext* context, const RpcScope& scope,
                const CallPolicy& policy);

// Every method is a raw callback method: the handlers decode the request
// bytes themselves (common/raw_message.h), so that an unreadable request is
// a clear INVALID_ARGUMENT rather than gRPC's UNIMPLEMENTED.
// clang-format off
#define IMDI_RAW(Name, ...) v1::AwardService::WithRawCallbackMethod_##Name<__VA_ARGS__>
using RawAwardService =
    IMDI_RAW(CreateCycle, IMDI_RAW(GetCycle, IMDI_RAW(ListCycles,
    IMDI_RAW(EvaluateMunicipality, IMDI_RAW(ScreenMunicipalities, IMDI_RAW(CompareWithLatest,
    IMDI_RAW(OpenNominations, IMDI_RAW(SubmitNomination, IMDI_RAW(WithdrawNomination,
    IMDI_RAW(ListNominations, IMDI_RAW(AnnounceNominees, IMDI_RAW(OpenPublicVoting,
    IMDI_RAW(RecordVotes, IMDI_RAW(StartJuryDeliberation, IMDI_RAW(RegisterJuror,
    IMDI_RAW(DeclareConflict, IMDI_RAW(ConfirmAssessment, IMDI_RAW(SubmitScore,
    IMDI_RAW(SubmitScoreSheet, IMDI_RAW(CorrectVotes, IMDI_RAW(GetCycleProgress,
    IMDI_RAW(DecideWinner, IMDI_RAW(AnnounceWinner, IMDI_RAW(ArchiveCycle,
    IMDI_RAW(CancelCycle, IMDI_RAW(ImportWinners, IMDI_RAW(ListWinners,
    IMDI_RAW(ListAuditEvents, IMDI_RAW(ExportCycleResults, IMDI_RAW(RecordCitation,
    IMDI_RAW(RenderAnnouncement, IMDI_RAW(UploadNominationDocument,
    IMDI_RAW(DownloadNominationDocument,
    v1::AwardService::Service)))))))))))))))))))))))))))))))));
#undef IMDI_RAW
// clang-format on

class AwardServiceImpl final : public RawAwardService {
 public:
  // Without `access` calls are not checked (tests of the service itself);
  // with `calls` (which must outlive the service) they are counted.
  AwardServiceImpl(AwardCore* core, WorkerPool* stats_pool, WorkerPool* store_pool,
                   const auth::AccessControl* access = nullptr,
                   const ServiceCallMetrics* calls = nullptr)
      : core_(core),
        stats_pool_(stats_pool),
        store_pool_(store_pool),
        policy_{v1::AwardService::service_full_name(), kAwardErrorDomain, access, calls} {}

#define IMDI_AWARD_RPC(Name)                                                               \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context,                     \
                                 const grpc::ByteBuffer* request,                          \
                                 grpc::ByteBuffer* response) override;
  IMDI_AWARD_RPC(CreateCycle)
  IMDI_AWARD_RPC(GetCycle)
  IMDI_AWARD_RPC(ListCycles)
  IMDI_AWARD_RPC(EvaluateMunicipality)
  IMDI_AWARD_RPC(CompareWithLatest)
  IMDI_AWARD_RPC(OpenNominations)
  IMDI_AWARD_RPC(SubmitNomination)
  IMDI_AWARD_RPC(WithdrawNomination)
  IMDI_AWARD_RPC(ListNominations)
  IMDI_AWARD_RPC(AnnounceNominees)
  IMDI_AWARD_RPC(OpenPublicVoting)
  IMDI_AWARD_RPC(RecordVotes)
  IMDI_AWARD_RPC(StartJuryDeliberation)
  IMDI_AWARD_RPC(RegisterJuror)
  IMDI_AWARD_RPC(DeclareConflict)
  IMDI_AWARD_RPC(ConfirmAssessment)
  IMDI_AWARD_RPC(SubmitScore)
  IMDI_AWARD_RPC(SubmitScoreSheet)
  IMDI_AWARD_RPC(CorrectVotes)
  IMDI_AWARD_RPC(GetCycleProgress)
  IMDI_AWARD_RPC(ExportCycleResults)
  IMDI_AWARD_RPC(DecideWinner)
  IMDI_AWARD_RPC(AnnounceWinner)
  IMDI_AWARD_RPC(ArchiveCycle)
  IMDI_AWARD_RPC(CancelCycle)
  IMDI_AWARD_RPC(ImportWinners)
  IMDI_AWARD_RPC(ListWinners)
  IMDI_AWARD_RPC(ListAuditEvents)
  IMDI_AWARD_RPC(RecordCitation)
  IMDI_AWARD_RPC(RenderAnnouncement)
#undef IMDI_AWARD_RPC

  grpc::ServerWriteReactor<grpc::ByteBuffer>* ScreenMunicipalities(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  // The documents of nominations (service/document_streams.cc).
  grpc::ServerReadReactor<grpc::ByteBuffer>* UploadNominationDocument(
      grpc::CallbackServerContext* context, grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* DownloadNominationDocument(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

 private:
  AwardCore* const core_;
  WorkerPool* const stats_pool_;  // calls that read from the statistics service
  WorkerPool* const store_pool_;  // calls that touch only the award store
  const CallPolicy policy_;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_SERVICE_AWARD_SERVICE_H_
