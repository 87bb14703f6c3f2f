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
// The use cases themselves live one topic to a file (core/use_case.h lists
// them); this class is the front the handlers call.
//
// Thread-safe. Methods block on the statistics service: call them from
// worker threads, not from gRPC reactors.
#ifndef IMDI_AWARD_CORE_AWARD_CORE_H_
#define IMDI_AWARD_CORE_AWARD_CORE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "award-service/core/evaluator.h"
#include "award-service/core/transaction.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/caller.h"
#include "award-service/domain/comparables.h"
#include "award-service/stats/stats_client.h"
#include "award-service/storage/award_store.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

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
  // The same screening, to evaluate and stream a chunk at a time (the
  // ScreenMunicipalities stream); it reads the statistics service before
  // returning and holds only what it read.
  absl::StatusOr<std::unique_ptr<Screening>> StartScreening(
      const v1::ScreenMunicipalitiesRequest& request);
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
  absl::StatusOr<v1::ExportCycleResultsResponse> ExportCycleResults(
      const v1::ExportCycleResultsRequest& request);
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
  // The jury's citation, every figure resolved at the frozen data version.
  absl::StatusOr<v1::RecordCitationResponse> RecordCitation(
      const v1::RecordCitationRequest& request, const Caller& caller);
  // The public texts (domain/announcement.h).
  absl::StatusOr<v1::RenderAnnouncementResponse> RenderAnnouncement(
      const v1::RenderAnnouncementRequest& request);

  // A nomination's documents (core/documents.cc): the bytes arrive whole,
  // at most kMaxDocumentBytes, with their SHA-256 as computed on arrival.
  absl::StatusOr<v1::UploadNominationDocumentResponse> AddNominationDocument(
      const use_case::DocumentUpload& upload, const Caller& caller);
  absl::StatusOr<use_case::NominationDocumentBytes> ReadNominationDocument(
      const v1::DownloadNominationDocumentRequest& request);

 private:
  Transactions transactions_;  // the commit protocol and the mutex
  Evaluator evaluator_;        // every read of the statistics service
  const use_case::Context context_;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_CORE_AWARD_CORE_H_
