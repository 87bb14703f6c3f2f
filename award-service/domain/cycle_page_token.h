// Opaque AIP-158 page tokens of ListCycles, in the manner of the statistics
// service's (stats-service/domain/page_token.h): a token names the last
// cycle a page returned by its sort key (award year, newest first, then
// cycle id), so cycles created or cancelled between pages neither shift nor
// repeat the rest, and it fingerprints the request's other parameters, so a
// token cannot be replayed with another request.
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_CYCLE_PAGE_TOKEN_H_
#define IMDI_AWARD_DOMAIN_CYCLE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imdi::award {

struct CyclePageToken {
  uint64_t fingerprint = 0;
  // The sort key of the last cycle returned.
  int32_t last_award_year = 0;
  std::string last_cycle_id;
};

std::string EncodeCyclePageToken(const CyclePageToken& token);

// INVALID_ARGUMENT (INVALID_FIELD, as the award service's other listings)
// on field "page_token" when `text` is
// not a token this service issued or was issued for a request whose other
// parameters differ (`fingerprint`).
absl::StatusOr<CyclePageToken> DecodeCyclePageToken(absl::string_view text, uint64_t fingerprint);

// Whether a cycle with key (award_year, cycle_id) comes after `token`'s last
// cycle in ListCycles' order.
bool ComesAfter(const CyclePageToken& token, int32_t award_year, absl::string_view cycle_id);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_CYCLE_PAGE_TOKEN_H_
