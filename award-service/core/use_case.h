// What every use case of the award core works with, and the helpers they
// share. The use cases are free functions in namespace use_case, one file
// per topic, each declared here beside the file that defines it:
//
//   cycles.cc       create, read, list, the plain transitions, progress
//   evaluation.cc   evaluate, screen, compare with the newest figures
//   nominations.cc  submit, withdraw, list, announce the nominees
//   voting.cc       the public vote: open it, record and correct votes
//   jury.cc         deliberation, jurors, conflicts, assessments, scores
//   winners.cc      the decision, the announcement, the winners history
//   citation.cc     the jury's citation, its figures resolved and checked
//   announcements.cc the public texts of a cycle
//   audit.cc        the audit trail
//   documents.cc    a nomination's documents: add one, read one
//
// A change goes through Transactions::Mutate (core/transaction.h); reads of
// the statistics service through the Evaluator (core/evaluator.h), before
// the mutex is taken; pure rules live in award-service/domain/.
//
// Internal to award_core; AwardCore (award_core.h) is the front.
#ifndef IMDI_AWARD_CORE_USE_CASE_H_
#define IMDI_AWARD_CORE_USE_CASE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "award-service/core/evaluator.h"
#include "award-service/core/transaction.h"
#include "award-service/domain/caller.h"
#include "award-service/domain/views.h"
#include "award-service/domain/workflow.h"
#include "award-service/storage/award_store.h"
#include "common/status_macros.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award::use_case {

// The parts of the core a use case uses; none owned.
struct Context {
  AwardStore* store;
  Transactions* tx;
  Evaluator* evaluator;
  std::function<absl::Time()> now;
};

using Listing = Evaluator::Listing;

// --------------------------------------------------------------------------
// Helpers (use_case.cc).

absl::Status NotFound(absl::string_view reason, absl::string_view what);

// ABORTED ETAG_MISMATCH unless `given` is empty or `current`.
absl::Status CheckEtag(const std::string& given, const std::string& current,
                       absl::string_view what);

v1::Nomination* FindNomination(storage::v1::CycleRecord& record, const std::string& id);
v1::Juror* FindJuror(v1::Cycle& cycle, const std::string& id);

std::map<std::string, v1::AssessmentClaim> ClaimMap(
    const google::protobuf::RepeatedPtrField<v1::AssessmentClaim>& claims);

void ApplyNominationsView(v1::NominationView view,
                          google::protobuf::RepeatedPtrField<v1::Nomination>& nominations);

int PageSize(int requested, int fallback, int max);

// A transition that only moves the state, with the warnings of its
// schedule dates.
absl::Status Transition(storage::v1::CycleRecord& record, Action action, const std::string& etag,
                        absl::Time now, std::vector<std::string>& warnings);

// A reply that carries the cycle it changed carries its header.
template <typename Response>
Response& WithCycleHeader(Response& response) {
  if (response.has_cycle()) ApplyCycleView(v1::CYCLE_VIEW_BASIC, *response.mutable_cycle());
  return response;
}

template <typename Response>
void RespondCycle(const storage::v1::CycleRecord& record, const std::vector<std::string>& warnings,
                  google::protobuf::Message& response) {
  auto& r = static_cast<Response&>(response);
  *r.mutable_cycle() = record.cycle();
  if constexpr (requires { r.add_warnings(std::string()); }) {
    for (const std::string& w : warnings) r.add_warnings(w);
  }
}

// A reply that carries the nomination `nomination_id` as the change left it.
template <typename Response>
void RespondNomination(const storage::v1::CycleRecord& record, const std::string& nomination_id,
                       google::protobuf::Message& response) {
  for (const auto& n : record.nominations()) {
    if (n.nomination_id() == nomination_id) {
      *static_cast<Response&>(response).mutable_nomination() = n;
    }
  }
}

// A change that moves the cycle's state by `action` (and, with `also`,
// records more on the cycle), answered with the cycle.
template <typename Response, typename Request>
absl::StatusOr<Response> MoveState(const Context& ctx, absl::string_view method,
                                   const Request& request, const Caller& caller, Action action,
                                   std::string detail,
                                   const std::function<void(Record&)>& also = nullptr) {
  Response response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      method, request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) {
        IMDI_RETURN_IF_ERROR(Transition(record, action, request.etag(), ctx.now(), step.warnings));
        if (also) also(record);
        step.detail = detail;
        return absl::OkStatus();
      },
      response,
      [](const Record& r, const Step& step, google::protobuf::Message& m) {
        RespondCycle<Response>(r, step.warnings, m);
      }));
  return WithCycleHeader(response);
}

// --------------------------------------------------------------------------
// cycles.cc

absl::StatusOr<v1::CreateCycleResponse> CreateCycle(const Context& ctx,
                                                    const v1::CreateCycleRequest& request,
                                                    const Caller& caller);
absl::StatusOr<v1::GetCycleResponse> GetCycle(const Context& ctx,
                                              const v1::GetCycleRequest& request);
absl::StatusOr<v1::ListCyclesResponse> ListCycles(const Context& ctx,
                                                  const v1::ListCyclesRequest& request);
absl::StatusOr<v1::OpenNominationsResponse> OpenNominations(
    const Context& ctx, const v1::OpenNominationsRequest& request, const Caller& caller);
absl::StatusOr<v1::ArchiveCycleResponse> ArchiveCycle(const Context& ctx,
                                                      const v1::ArchiveCycleRequest& request,
                                                      const Caller& caller);
absl::StatusOr<v1::CancelCycleResponse> CancelCycle(const Context& ctx,
                                                    const v1::CancelCycleRequest& request,
                                                    const Caller& caller);
// The cycle's results as CSV (results.cc).
absl::StatusOr<v1::ExportCycleResultsResponse> ExportCycleResults(
    const Context& ctx, const v1::ExportCycleResultsRequest& request);
absl::StatusOr<v1::GetCycleProgressResponse> GetCycleProgress(
    const Context& ctx, const v1::GetCycleProgressRequest& request);

// --------------------------------------------------------------------------
// evaluation.cc

absl::StatusOr<v1::EvaluateMunicipalityResponse> EvaluateMunicipality(
    const Context& ctx, const v1::EvaluateMunicipalityRequest& request);
// The screening a request asks for, read and ready to evaluate chunk by
// chunk.
absl::StatusOr<std::unique_ptr<Screening>> StartScreening(
    const Context& ctx, const v1::ScreenMunicipalitiesRequest& request);
absl::StatusOr<std::vector<v1::Evaluation>> ScreenMunicipalities(
    const Context& ctx, const v1::ScreenMunicipalitiesRequest& request, int64_t* data_version);
absl::StatusOr<v1::CompareWithLatestResponse> CompareWithLatest(
    const Context& ctx, const v1::CompareWithLatestRequest& request);

// --------------------------------------------------------------------------
// nominations.cc

absl::StatusOr<v1::SubmitNominationResponse> SubmitNomination(
    const Context& ctx, const v1::SubmitNominationRequest& request, const Caller& caller);
absl::StatusOr<v1::WithdrawNominationResponse> WithdrawNomination(
    const Context& ctx, const v1::WithdrawNominationRequest& request, const Caller& caller);
absl::StatusOr<v1::ListNominationsResponse> ListNominations(
    const Context& ctx, const v1::ListNominationsRequest& request);
absl::StatusOr<v1::AnnounceNomineesResponse> AnnounceNominees(
    const Context& ctx, const v1::AnnounceNomineesRequest& request, const Caller& caller);

// --------------------------------------------------------------------------
// voting.cc

absl::StatusOr<v1::OpenPublicVotingResponse> OpenPublicVoting(
    const Context& ctx, const v1::OpenPublicVotingRequest& request, const Caller& caller);
absl::StatusOr<v1::RecordVotesResponse> RecordVotes(const Context& ctx,
                                                    const v1::RecordVotesRequest& request,
                                                    const Caller& caller);
absl::StatusOr<v1::CorrectVotesResponse> CorrectVotes(const Context& ctx,
                                                      const v1::CorrectVotesRequest& request,
                                                      const Caller& caller);

// --------------------------------------------------------------------------
// jury.cc

absl::StatusOr<v1::StartJuryDeliberationResponse> StartJuryDeliberation(
    const Context& ctx, const v1::StartJuryDeliberationRequest& request, const Caller& caller);
absl::StatusOr<v1::RegisterJurorResponse> RegisterJuror(const Context& ctx,
                                                        const v1::RegisterJurorRequest& request,
                                                        const Caller& caller);
absl::StatusOr<v1::DeclareConflictResponse> DeclareConflict(
    const Context& ctx, const v1::DeclareConflictRequest& request, const Caller& caller);
absl::StatusOr<v1::ConfirmAssessmentResponse> ConfirmAssessment(
    const Context& ctx, const v1::ConfirmAssessmentRequest& request, const Caller& caller);
absl::StatusOr<v1::SubmitScoreResponse> SubmitScore(const Context& ctx,
                                                    const v1::SubmitScoreRequest& request,
                                                    const Caller& caller);
absl::StatusOr<v1::SubmitScoreSheetResponse> SubmitScoreSheet(
    const Context& ctx, const v1::SubmitScoreSheetRequest& request, const Caller& caller);

// --------------------------------------------------------------------------
// winners.cc

absl::StatusOr<v1::DecideWinnerResponse> DecideWinner(const Context& ctx,
                                                      const v1::DecideWinnerRequest& request,
                                                      const Caller& caller);
absl::StatusOr<v1::AnnounceWinnerResponse> AnnounceWinner(const Context& ctx,
                                                          const v1::AnnounceWinnerRequest& request,
                                                          const Caller& caller);
absl::StatusOr<v1::ImportWinnersResponse> ImportWinners(const Context& ctx,
                                                        const v1::ImportWinnersRequest& request,
                                                        const Caller& caller);
absl::StatusOr<v1::ListWinnersResponse> ListWinners(const Context& ctx,
                                                    const v1::ListWinnersRequest& request);

// --------------------------------------------------------------------------
// citation.cc

absl::StatusOr<v1::RecordCitationResponse> RecordCitation(const Context& ctx,
                                                          const v1::RecordCitationRequest& request,
                                                          const Caller& caller);

// --------------------------------------------------------------------------
// announcements.cc

absl::StatusOr<v1::RenderAnnouncementResponse> RenderAnnouncement(
    const Context& ctx, const v1::RenderAnnouncementRequest& request);

// --------------------------------------------------------------------------
// audit.cc

absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(
    const Context& ctx, const v1::ListAuditEventsRequest& request);

// --------------------------------------------------------------------------
// documents.cc

// What an upload delivered: its header, its bytes and their SHA-256 as
// computed while they arrived (computed here when empty).
struct DocumentUpload {
  v1::DocumentUploadHeader header;
  std::string bytes;
  std::string sha256;
};

// A document's description with its bytes.
struct NominationDocumentBytes {
  v1::NominationDocument document;
  std::string bytes;
};

// Adds a document to an active nomination while the cycle is in
// NOMINATIONS_OPEN or NOMINEES_ANNOUNCED, by its nominator or an
// administrator. The same bytes on the same nomination again return the
// existing entry and write nothing.
absl::StatusOr<v1::UploadNominationDocumentResponse> AddNominationDocument(
    const Context& ctx, const DocumentUpload& upload, const Caller& caller);
// NOT_FOUND (DOCUMENT_NOT_FOUND) when the nomination does not list it.
absl::StatusOr<NominationDocumentBytes> ReadNominationDocument(
    const Context& ctx, const v1::DownloadNominationDocumentRequest& request);

}  // namespace imdi::award::use_case

#endif  // IMDI_AWARD_CORE_USE_CASE_H_
