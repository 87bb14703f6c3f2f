// A refusal of a request that is fine in itself but not in the cycle's
// state: FAILED_PRECONDITION with one violation naming what stands in the
// way (type, subject) and why.
//
// Pure; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_REFUSAL_H_
#define IMDI_AWARD_DOMAIN_REFUSAL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"

namespace imdi::award {

inline absl::Status Refuse(absl::string_view reason, absl::string_view type,
                           absl::string_view subject, absl::string_view message) {
  return FailedPreconditionError(reason, message,
                                 {{std::string(type), std::string(subject), std::string(message)}});
}

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_REFUSAL_H_
