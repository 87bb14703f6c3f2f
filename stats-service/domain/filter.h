// The AIP-160 filter subset that ListFigures, StreamFigures and
// ListMunicipalities accept: comparisons joined by AND.
//
//   year >= 2012 AND year <= 2014 AND county_code = "09"
//   imdi_region = MIDT_NORGE AND municipality_code = "1601"
//
// Fields: year (=, <, <=, >, >=), county_code, imdi_region,
// municipality_code (=). Values may be quoted or bare. An unknown field, an
// operator a field does not support, OR, or a malformed value is
// INVALID_ARGUMENT on the field "filter" (reason INVALID_FILTER).
// Pure functions; thread-safe.
#ifndef IMDI_STATS_DOMAIN_FILTER_H_
#define IMDI_STATS_DOMAIN_FILTER_H_

#include "absl/strings/string_view.h"
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "stats-service/domain/figures.h"

namespace imdi::stats {

struct RecordFilter {
  int year_min = kMinYear;
  int year_max = kMaxYear;
  std::optional<int> county;
  std::optional<ImdiRegion> region;
  std::optional<int> municipality_code;  // any code the municipality had
  // True when two clauses contradict each other (nothing can match).
  bool contradictory = false;
  // Normalised form, equal for equal filters; part of page tokens.
  std::string canonical;

  bool YearInRange(int year) const { return year >= year_min && year <= year_max; }
};

// Parses `text`, accepting only the fields in `allowed`.
absl::StatusOr<RecordFilter> ParseFilter(absl::string_view text,
                                         const std::vector<absl::string_view>& allowed);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_FILTER_H_
