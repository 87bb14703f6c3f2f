#include "award-service/core/award_core.h"

#include <utility>

namespace imdi::award {

AwardCore::AwardCore(AwardStore* store, StatsClient* stats, Comparables comparables,
                     AwardCoreOptions options)
    : transactions_(store, options.now),
      evaluator_(stats, std::move(comparables)),
      context_{store, &transactions_, &evaluator_, std::move(options.now)} {}

absl::StatusOr<v1::CreateCycleResponse> AwardCore::CreateCycle(
    const v1::CreateCycleRequest& request, const Caller& caller) {
  return use_case::CreateCycle(context_, request, caller);
}

absl::StatusOr<v1::GetCycleResponse> AwardCore::GetCycle(const v1::GetCycleRequest& request) {
  return use_case::GetCycle(context_, request);
}

absl::StatusOr<v1::ListCyclesResponse> AwardCore::ListCycles(const v1::ListCyclesRequest& request) {
  return use_case::ListCycles(context_, request);
}

absl::StatusOr<v1::EvaluateMunicipalityResponse> AwardCore::EvaluateMunicipality(
    const v1::EvaluateMunicipalityRequest& request) {
  return use_case::EvaluateMunicipality(context_, request);
}

absl::StatusOr<std::vector<v1::Evaluation>> AwardCore::ScreenMunicipalities(
    const v1::ScreenMunicipalitiesRequest& request, int64_t* data_version) {
  return use_case::ScreenMunicipalities(context_, request, data_version);
}

absl::StatusOr<std::unique_ptr<Screening>> AwardCore::StartScreening(
    const v1::ScreenMunicipalitiesRequest& request) {
  return use_case::StartScreening(context_, request);
}

absl::StatusOr<v1::CompareWithLatestResponse> AwardCore::CompareWithLatest(
    const v1::CompareWithLatestRequest& request) {
  return use_case::CompareWithLatest(context_, request);
}

absl::StatusOr<v1::OpenNominationsResponse> AwardCore::OpenNominations(
    const v1::OpenNominationsRequest& request, const Caller& caller) {
  return use_case::OpenNominations(context_, request, caller);
}

absl::StatusOr<v1::SubmitNominationResponse> AwardCore::SubmitNomination(
    const v1::SubmitNominationRequest& request, const Caller& caller) {
  return use_case::SubmitNomination(context_, request, caller);
}

absl::StatusOr<v1::WithdrawNominationResponse> AwardCore::WithdrawNomination(
    const v1::WithdrawNominationRequest& request, const Caller& caller) {
  return use_case::WithdrawNomination(context_, request, caller);
}

absl::StatusOr<v1::ListNominationsResponse> AwardCore::ListNominations(
    const v1::ListNominationsRequest& request) {
  return use_case::ListNominations(context_, request);
}

absl::StatusOr<v1::AnnounceNomineesResponse> AwardCore::AnnounceNominees(
    const v1::AnnounceNomineesRequest& request, const Caller& caller) {
  return use_case::AnnounceNominees(context_, request, caller);
}

absl::StatusOr<v1::OpenPublicVotingResponse> AwardCore::OpenPublicVoting(
    const v1::OpenPublicVotingRequest& request, const Caller& caller) {
  return use_case::OpenPublicVoting(context_, request, caller);
}

absl::StatusOr<v1::RecordVotesResponse> AwardCore::RecordVotes(
    const v1::RecordVotesRequest& request, const Caller& caller) {
  return use_case::RecordVotes(context_, request, caller);
}

absl::StatusOr<v1::StartJuryDeliberationResponse> AwardCore::StartJuryDeliberation(
    const v1::StartJuryDeliberationRequest& request, const Caller& caller) {
  return use_case::StartJuryDeliberation(context_, request, caller);
}

absl::StatusOr<v1::RegisterJurorResponse> AwardCore::RegisterJuror(
    const v1::RegisterJurorRequest& request, const Caller& caller) {
  return use_case::RegisterJuror(context_, request, caller);
}

absl::StatusOr<v1::DeclareConflictResponse> AwardCore::DeclareConflict(
    const v1::DeclareConflictRequest& request, const Caller& caller) {
  return use_case::DeclareConflict(context_, request, caller);
}

absl::StatusOr<v1::ConfirmAssessmentResponse> AwardCore::ConfirmAssessment(
    const v1::ConfirmAssessmentRequest& request, const Caller& caller) {
  return use_case::ConfirmAssessment(context_, request, caller);
}

absl::StatusOr<v1::SubmitScoreResponse> AwardCore::SubmitScore(
    const v1::SubmitScoreRequest& request, const Caller& caller) {
  return use_case::SubmitScore(context_, request, caller);
}

absl::StatusOr<v1::SubmitScoreSheetResponse> AwardCore::SubmitScoreSheet(
    const v1::SubmitScoreSheetRequest& request, const Caller& caller) {
  return use_case::SubmitScoreSheet(context_, request, caller);
}

absl::StatusOr<v1::CorrectVotesResponse> AwardCore::CorrectVotes(
    const v1::CorrectVotesRequest& request, const Caller& caller) {
  return use_case::CorrectVotes(context_, request, caller);
}

absl::StatusOr<v1::ExportCycleResultsResponse> AwardCore::ExportCycleResults(
    const v1::ExportCycleResultsRequest& request) {
  return use_case::ExportCycleResults(context_, request);
}

absl::StatusOr<v1::GetCycleProgressResponse> AwardCore::GetCycleProgress(
    const v1::GetCycleProgressRequest& request) {
  return use_case::GetCycleProgress(context_, request);
}

absl::StatusOr<v1::DecideWinnerResponse> AwardCore::DecideWinner(
    const v1::DecideWinnerRequest& request, const Caller& caller) {
  return use_case::DecideWinner(context_, request, caller);
}

absl::StatusOr<v1::AnnounceWinnerResponse> AwardCore::AnnounceWinner(
    const v1::AnnounceWinnerRequest& request, const Caller& caller) {
  return use_case::AnnounceWinner(context_, request, caller);
}

absl::StatusOr<v1::ArchiveCycleResponse> AwardCore::ArchiveCycle(
    const v1::ArchiveCycleRequest& request, const Caller& caller) {
  return use_case::ArchiveCycle(context_, request, caller);
}

absl::StatusOr<v1::CancelCycleResponse> AwardCore::CancelCycle(
    const v1::CancelCycleRequest& request, const Caller& caller) {
  return use_case::CancelCycle(context_, request, caller);
}

absl::StatusOr<v1::ImportWinnersResponse> AwardCore::ImportWinners(
    const v1::ImportWinnersRequest& request, const Caller& caller) {
  return use_case::ImportWinners(context_, request, caller);
}

absl::StatusOr<v1::ListWinnersResponse> AwardCore::ListWinners(
    const v1::ListWinnersRequest& request) {
  return use_case::ListWinners(context_, request);
}

absl::StatusOr<v1::ListAuditEventsResponse> AwardCore::ListAuditEvents(
    const v1::ListAuditEventsRequest& request) {
  return use_case::ListAuditEvents(context_, request);
}

absl::StatusOr<v1::RecordCitationResponse> AwardCore::RecordCitation(
    const v1::RecordCitationRequest& request, const Caller& caller) {
  return use_case::RecordCitation(context_, request, caller);
}

absl::StatusOr<v1::RenderAnnouncementResponse> AwardCore::RenderAnnouncement(
    const v1::RenderAnnouncementRequest& request) {
  return use_case::RenderAnnouncement(context_, request);
}

absl::StatusOr<v1::UploadNominationDocumentResponse> AwardCore::AddNominationDocument(
    const use_case::DocumentUpload& upload, const Caller& caller) {
  return use_case::AddNominationDocument(context_, upload, caller);
}

absl::StatusOr<use_case::NominationDocumentBytes> AwardCore::ReadNominationDocument(
    const v1::DownloadNominationDocumentRequest& request) {
  return use_case::ReadNominationDocument(context_, request);
}

}  // namespace imdi::award
