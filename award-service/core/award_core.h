// The award service's use cases: cycles from configuration, evaluation on
// figures pulled from the statistics service at one data version, and the
// workflow from nominations to the winner.
//
// Every change of a cycle is one atomic AwardStore commit holding the new
// cycle record, its audit event and (with a request_id) the response for
// retries. Changes are serialised by a mutex; calls to the statistics
// service are made before it is taken, so a slow or unreachable statistics
// service never holds up other changes and never leaves half-written state.
//
// Thread-safe. Methods block on the statistics service: call them from
// worker threads, not from gRPC reactors.
#ifndef IMDI_AWARD_CORE_AWARD_CORE_H_
#define IMDI_AWARD_CORE_AWARD_CORE_H_

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "award-service/domain/comparables.h"
#include "award-service/domain/workflow.h"
#include "common/auth/credentials.h"
#include "award-service/stats/stats_client.h"
#include "award-service/storage/award_store.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// Who makes a call, for the audit trail and the per-resource rules.
struct Caller {
  std::string actor = "anonymous";
  // The call's x-request-id, recorded when the request carries no request_id.
  std::string trace_id;
  // The authenticated principal, when the service checks credentials. Then
  // the core also checks what the RPC table cannot: a nominator nominates
  // only in its region (or itself), a juror acts only as itself and only in
  // cycles it is registered for, and only the chair settles a tie.
  std::optional<auth::Principal> principal;

  bool Is(absl::string_view role) const { return principal && principal->Has(role); }
  // Rules apply to authenticated callers that are not administrators.
  bool Bound() const { return principal && !principal->Has(auth::kAwardAdmin); }
};

struct AwardCoreOptions {
  // The clock (tests pin it).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class AwardCore {
 public:
  // `store` and `stats` are not owned and must outlive the core.
  AwardCore(AwardStore* store, StatsClient* stats, Comparables comparables,
            AwardCoreOptions options = {});

  absl::StatusOr<v1::CreateCycleResponse> CreateCycle(const v1::CreateCycleRequest& request,
                                                      const Caller& caller);
  absl::StatusOr<v1::GetCycleResponse> GetCycle(const v1::GetCycleRequest& request);
  absl::StatusOr<v1::ListCyclesResponse> ListCycles(const v1::ListCyclesRequest& request);

  absl::StatusOr<v1::EvaluateMunicipalityResponse> EvaluateMunicipality(
      const v1::EvaluateMunicipalityRequest& request);
  // Evaluations ordered by municipality code, all at one data version.
  absl::StatusOr<std::vector<v1::Evaluation>> ScreenMunicipalities(
      const v1::ScreenMunicipalitiesRequest& request, int64_t* data_version);
  absl::StatusOr<v1::CompareWithLatestResponse> CompareWithLatest(
      const v1::CompareWithLatestRequest& request);

  absl::StatusOr<v1::OpenNominationsResponse> OpenNominations(
      const v1::OpenNominationsRequest& request, const Caller& caller);
  absl::StatusOr<v1::SubmitNominationResponse> SubmitNomination(
      const v1::SubmitNominationRequest& request, const Caller& caller);
  absl::StatusOr<v1::WithdrawNominationResponse> WithdrawNomination(
      const v1::WithdrawNominationRequest& request, const Caller& caller);
  absl::StatusOr<v1::ListNominationsResponse> ListNominations(
      const v1::ListNominationsRequest& request);
  absl::StatusOr<v1::AnnounceNomineesResponse> AnnounceNominees(
      const v1::AnnounceNomineesRequest& request, const Caller& caller);
  absl::StatusOr<v1::OpenPublicVotingResponse> OpenPublicVoting(
      const v1::OpenPublicVotingRequest& request, const Caller& caller);
  absl::StatusOr<v1::RecordVotesResponse> RecordVotes(const v1::RecordVotesRequest& request,
                                                      const Caller& caller);
  absl::StatusOr<v1::StartJuryDeliberationResponse> StartJuryDeliberation(
      const v1::StartJuryDeliberationRequest& request, const Caller& caller);
  absl::StatusOr<v1::RegisterJurorResponse> RegisterJuror(const v1::RegisterJurorRequest& request,
                                                          const Caller& caller);
  absl::StatusOr<v1::DeclareConflictResponse> DeclareConflict(
      const v1::DeclareConflictRequest& request, const Caller& caller);
  absl::StatusOr<v1::ConfirmAssessmentResponse> ConfirmAssessment(
      const v1::ConfirmAssessmentRequest& request, const Caller& caller);
  absl::StatusOr<v1::SubmitScoreResponse> SubmitScore(const v1::SubmitScoreRequest& request,
                                                      const Caller& caller);
  // A juror's scores in one atomic call: every entry valid or nothing
  // recorded.
  absl::StatusOr<v1::SubmitScoreSheetResponse> SubmitScoreSheet(
      const v1::SubmitScoreSheetRequest& request, const Caller& caller);
  absl::StatusOr<v1::CorrectVotesResponse> CorrectVotes(const v1::CorrectVotesRequest& request,
                                                        const Caller& caller);
  // Read-only: where the cycle stands at the core's clock (domain/progress.h).
  absl::StatusOr<v1::GetCycleProgressResponse> GetCycleProgress(
      const v1::GetCycleProgressRequest& request);
  absl::StatusOr<v1::DecideWinnerResponse> DecideWinner(const v1::DecideWinnerRequest& request,
                                                        const Caller& caller);
  absl::StatusOr<v1::AnnounceWinnerResponse> AnnounceWinner(
      const v1::AnnounceWinnerRequest& request, const Caller& caller);
  absl::StatusOr<v1::ArchiveCycleResponse> ArchiveCycle(const v1::ArchiveCycleRequest& request,
                                                        const Caller& caller);
  absl::StatusOr<v1::CancelCycleResponse> CancelCycle(const v1::CancelCycleRequest& request,
                                                      const Caller& caller);
  absl::StatusOr<v1::ImportWinnersResponse> ImportWinners(const v1::ImportWinnersRequest& request,
                                                          const Caller& caller);
  absl::StatusOr<v1::ListWinnersResponse> ListWinners(const v1::ListWinnersRequest& request);
  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(
      const v1::ListAuditEventsRequest& request);

 private:
  struct Step;
  using Record = storage::v1::CycleRecord;

  // Applies one change to a cycle under the mutex: checks the request id,
  // loads the record, runs `apply`, then commits the record, its audit event
  // and the response in one write. A FAILED_PRECONDITION refusal from
  // `apply` is itself recorded in the audit trail.
  absl::Status Mutate(absl::string_view method, const google::protobuf::Message& request,
                      const std::string& request_id, const std::string& cycle_id,
                      const Caller& caller,
                      const std::function<absl::Status(Record&, Step&)>& apply,
                      google::protobuf::Message& response,
                      const std::function<void(const Record&, const Step&,
                                               google::protobuf::Message&)>& respond);

  // A change that moves the cycle's state by `action` (and, with `also`,
  // records more on the cycle), answered with the cycle.
  template <typename Response, typename Request>
  absl::StatusOr<Response> MoveState(absl::string_view method, const Request& request,
                                     const Caller& caller, Action action, std::string detail,
                                     const std::function<void(Record&)>& also = nullptr);

  // The stored response of an earlier call with `request_id`, if any;
  // INVALID_ARGUMENT when the id was used for another request.
  absl::StatusOr<bool> Replay(absl::string_view method, const google::protobuf::Message& request,
                              const std::string& request_id, const Caller& caller,
                              google::protobuf::Message& response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::StatusOr<Record> LoadCycle(const std::string& cycle_id) const;

  // Every municipality at one data version, fetched at most once per use.
  using Listing = std::optional<std::vector<MunicipalityInfo>>;
  absl::StatusOr<const std::vector<MunicipalityInfo>*> ListAll(Listing& listing, int64_t version);

  // The municipalities named by any of their codes, at `version`: one
  // GetMunicipality for one, the listing for several.
  absl::StatusOr<std::vector<MunicipalityInfo>> Resolve(const std::vector<std::string>& codes,
                                                        int64_t version, Listing& listing);
  // Evaluates municipalities with their claims at `version`, reading the
  // figures in one batch (and the listing, for comparables, once).
  absl::StatusOr<std::vector<v1::Evaluation>> EvaluateMany(
      const v1::CycleConfig& config, const std::vector<MunicipalityInfo>& infos,
      const std::vector<std::map<std::string, v1::AssessmentClaim>>& claims, int64_t version,
      Listing& listing);
  // Every code any municipality ever had, to its code today, from one
  // listing at the newest data version.
  absl::StatusOr<std::map<std::string, std::string>> CurrentCodes();

  // The version evaluations of `cycle` read: frozen, or the newest.
  absl::StatusOr<int64_t> VersionFor(const v1::Cycle& cycle, bool use_latest);

  AwardStore* const store_;
  StatsClient* const stats_;
  const Comparables comparables_;
  const AwardCoreOptions options_;
  absl::Mutex mu_;  // serialises every change (read-modify-write of records)
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_CORE_AWARD_CORE_H_
