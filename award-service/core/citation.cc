#include "award-service/core/use_case.h"
#include "common/errors.h"

namespace imdi::award::use_case {

absl::StatusOr<v1::RecordCitationResponse> RecordCitation(const Context&,
                                                          const v1::RecordCitationRequest&,
                                                          const Caller&) {
  return MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED",
                   "citations are not recorded yet");
}

}  // namespace imdi::award::use_case
