// Opaque AIP-158 page tokens. A token pins the data version of the first
// page (so every page of a listing reads the same snapshot), remembers where
// the previous page ended, and fingerprints the request's other parameters
// so that a token cannot be replayed with a different filter.
// Pure functions; thread-safe.
#ifndef IMDI_STATS_DOMAIN_PAGE_TOKEN_H_
#define IMDI_STATS_DOMAIN_PAGE_TOKEN_H_

#include "absl/strings/string_view.h"
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace imdi::stats {

struct PageToken {
  uint64_t data_version = 0;
  uint64_t fingerprint = 0;
  // Position after which the next page starts (meaning depends on the list).
  int32_t last_id = 0;
  int32_t last_year = 0;
  // The data version of the last revision a history page returned.
  uint64_t last_version = 0;
};

std::string EncodePageToken(const PageToken& token);

// INVALID_ARGUMENT on field "page_token" when `text` is not a token this
// service issued, or when its fingerprint differs from `fingerprint`.
absl::StatusOr<PageToken> DecodePageToken(absl::string_view text,
                                          uint64_t fingerprint);

// Default and maximum page sizes (AIP-158). Returns the size to use, or
// INVALID_ARGUMENT for a negative size.
absl::StatusOr<int> EffectivePageSize(int requested);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_PAGE_TOKEN_H_
