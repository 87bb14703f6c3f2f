// Checks of what an award request says in itself, before any state is
// read: request ids, municipality codes, free texts and assessment claims.
// Each fails with INVALID_ARGUMENT naming the field.
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_REQUEST_CHECKS_H_
#define IMDI_AWARD_DOMAIN_REQUEST_CHECKS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "award-service/domain/field_checks.h"
#include "common/limits.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

inline constexpr int kMaxRequestIdLength = 128;

// A request id: at most kMaxRequestIdLength printable ASCII characters
// without spaces; empty (no retries) is fine.
absl::Status CheckRequestId(const std::string& request_id);

absl::Status CheckMunicipalityCode(const std::string& code, absl::string_view field);

// A free text of a request: required or not, at most `max_bytes`, one line
// unless it is `kParagraphs`.
absl::Status CheckRequestText(const std::string& text, absl::string_view field, bool required,
                              size_t max_bytes, TextKind kind = TextKind::kLine);

// The identifiers every change names: its cycle and its request id.
void CheckIds(FieldChecks& checks, const std::string& cycle_id, const std::string& request_id);

// Checks claimed assessed criteria against the configuration.
absl::Status CheckClaims(const v1::CycleConfig& config,
                         const google::protobuf::RepeatedPtrField<v1::AssessmentClaim>& claims);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_REQUEST_CHECKS_H_
