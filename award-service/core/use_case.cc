#include "award-service/core/use_case.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "award-service/domain/transitions.h"
#include "common/errors.h"

namespace imdi::award::use_case {

absl::Status NotFound(absl::string_view reason, absl::string_view what) {
  return MakeError(absl::StatusCode::kNotFound, reason, what);
}

absl::Status CheckEtag(const std::string& given, const std::string& current,
                       absl::string_view what) {
  if (given.empty() || given == current) return absl::OkStatus();
  return MakeError(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                   absl::StrCat("the ", what, " changed since it was read (etag ", given, ", now ",
                                current, "); read it again and retry"));
}

v1::Nomination* FindNomination(storage::v1::CycleRecord& record, const std::string& id) {
  for (v1::Nomination& n : *record.mutable_nominations()) {
    if (n.nomination_id() == id) return &n;
  }
  return nullptr;
}

v1::Juror* FindJuror(v1::Cycle& cycle, const std::string& id) {
  for (v1::Juror& j : *cycle.mutable_jurors()) {
    if (j.juror_id() == id) return &j;
  }
  return nullptr;
}

std::map<std::string, v1::AssessmentClaim> ClaimMap(
    const google::protobuf::RepeatedPtrField<v1::AssessmentClaim>& claims) {
  std::map<std::string, v1::AssessmentClaim> out;
  for (const auto& c : claims) out[c.criterion()] = c;
  return out;
}

void ApplyNominationsView(v1::NominationView view,
                          google::protobuf::RepeatedPtrField<v1::Nomination>& nominations) {
  for (v1::Nomination& n : nominations) ApplyNominationView(view, n);
}

int PageSize(int requested, int fallback, int max) {
  if (requested <= 0) return fallback;
  return std::min(requested, max);
}

// A transition that only moves the state, with the warnings of its
// schedule dates.
absl::Status Transition(storage::v1::CycleRecord& record, Action action, const std::string& etag,
                        absl::Time now, std::vector<std::string>& warnings) {
  v1::Cycle& cycle = *record.mutable_cycle();
  IMDI_RETURN_IF_ERROR(CheckEtag(etag, cycle.etag(), "cycle"));
  const TransitionCheck check = CheckTransition(record, action, now);
  IMDI_RETURN_IF_ERROR(check.Error());
  warnings = check.warnings;
  cycle.set_state(NextState(cycle.state(), action));
  return absl::OkStatus();
}

}  // namespace imdi::award::use_case
