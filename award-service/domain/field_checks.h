// Collects the field violations of a request's checks, so that a request
// with several bad fields hears of all of them in one INVALID_ARGUMENT
// (within the cap of common/errors.h, which counts the rest in
// violations_total), not of the first only.
//
// Not thread-safe; one per request.
#ifndef IMDI_AWARD_DOMAIN_FIELD_CHECKS_H_
#define IMDI_AWARD_DOMAIN_FIELD_CHECKS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"

namespace imdi::award {

class FieldChecks {
 public:
  // Adds the violations of a failed check. An error that is not
  // INVALID_ARGUMENT is kept as it is and wins over every violation.
  void Add(const absl::Status& status) {
    if (status.ok()) return;
    if (status.code() != absl::StatusCode::kInvalidArgument) {
      if (other_.ok()) other_ = status;
      return;
    }
    if (reason_.empty()) reason_ = ErrorReason(status);
    std::vector<FieldViolation> violations = FieldViolations(status);
    if (violations.empty()) violations.push_back({"", std::string(status.message())});
    for (FieldViolation& v : violations) violations_.push_back(std::move(v));
  }
  void Add(absl::string_view field, absl::string_view description) {
    if (reason_.empty()) reason_ = "INVALID_FIELD";
    violations_.push_back({std::string(field), std::string(description)});
  }

  bool ok() const { return other_.ok() && violations_.empty(); }

  // OK, the first error that was not INVALID_ARGUMENT, or INVALID_ARGUMENT
  // with every violation under the first check's reason.
  absl::Status Result() const {
    if (!other_.ok()) return other_;
    if (violations_.empty()) return absl::OkStatus();
    return InvalidArgumentError(reason_.empty() ? "INVALID_FIELD" : reason_, violations_);
  }

 private:
  std::string reason_;
  std::vector<FieldViolation> violations_;
  absl::Status other_;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_FIELD_CHECKS_H_
