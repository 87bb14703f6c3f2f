#include "award-service/domain/request_checks.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "award-service/domain/cycle_config.h"
#include "common/errors.h"

namespace imdi::award {

namespace {

// Characters (code points) of UTF-8 text: "æøå" is 3, not 6.
int Utf8Length(absl::string_view text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidFieldError("request_id",
                             absl::StrCat("must be at most ", kMaxRequestIdLength, " characters"));
  }
  for (char c : request_id) {
    if (!absl::ascii_isgraph(c)) {
      return InvalidFieldError("request_id", "must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMunicipalityCode(const std::string& code, absl::string_view field) {
  if (code.size() == 4 && std::all_of(code.begin(), code.end(), absl::ascii_isdigit)) {
    return absl::OkStatus();
  }
  return InvalidFieldError(field, "must be a four-digit municipality code, e.g. \"5001\"");
}

absl::Status CheckRequestText(const std::string& text, absl::string_view field, bool required,
                              size_t max_bytes, TextKind kind) {
  if (required && text.empty()) return InvalidFieldError(field, "is required");
  if (auto violation = imdi::CheckText(text, field, max_bytes, kind)) {
    return InvalidArgumentError("INVALID_FIELD", {*violation});
  }
  return absl::OkStatus();
}

// The identifiers every change names: its cycle and its request id.
void CheckIds(FieldChecks& checks, const std::string& cycle_id, const std::string& request_id) {
  checks.Add(ValidateCycleId(cycle_id));
  checks.Add(CheckRequestId(request_id));
}

// Checks claimed assessed criteria against the configuration.
absl::Status CheckClaims(const v1::CycleConfig& config,
                         const google::protobuf::RepeatedPtrField<v1::AssessmentClaim>& claims) {
  std::vector<FieldViolation> violations;
  std::set<std::string> seen;
  for (int i = 0; i < claims.size(); ++i) {
    const auto& claim = claims[i];
    const std::string field = absl::StrCat("claims[", i, "]");
    const v1::Criterion* criterion = nullptr;
    for (const auto& c : config.criteria()) {
      if (c.name() == claim.criterion()) criterion = &c;
    }
    if (criterion == nullptr || !criterion->has_assessed()) {
      std::vector<std::string> assessed;
      for (const auto& c : config.criteria()) {
        if (c.has_assessed()) assessed.push_back(c.name());
      }
      violations.push_back(
          {field + ".criterion",
           absl::StrCat(Excerpt(claim.criterion()), " is not an assessed criterion of the cycle (",
                        absl::StrJoin(assessed, ", "), ")")});
      continue;
    }
    if (!seen.insert(claim.criterion()).second) {
      violations.push_back({field + ".criterion", "claimed twice"});
    }
    if (claim.state() != v1::ASSESSMENT_STATE_UNSPECIFIED) {
      violations.push_back({field + ".state", "is output only: the jury assesses claims"});
    }
    if (!claim.jury_note().empty()) {
      violations.push_back({field + ".jury_note", "is output only: the jury assesses claims"});
    }
    const int min_chars = std::max(1, criterion->assessed().min_justification_chars());
    if (Utf8Length(claim.justification()) < min_chars) {
      violations.push_back(
          {field + ".justification",
           absl::StrCat("needs a written justification of at least ", min_chars, " characters")});
    }
    if (auto v = imdi::CheckText(claim.justification(), field + ".justification",
                                 kMaxJustificationBytes, TextKind::kParagraphs)) {
      violations.push_back(*std::move(v));
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentError("INVALID_CLAIMS", violations);
}

}  // namespace imdi::award
