// Validation of what clients send: codes, years, figure values, and
// municipalities. Every check names the field at fault so that the error can
// carry a google.rpc.BadRequest field violation. Pure functions; thread-safe.
#ifndef IMDI_STATS_DOMAIN_VALIDATION_H_
#define IMDI_STATS_DOMAIN_VALIDATION_H_

#include "absl/strings/string_view.h"
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/errors.h"
#include "stats-service/domain/figures.h"
#include "stats-service/domain/municipality.h"

namespace imdi::stats {

// Upper bounds that no real municipality comes near; a larger value is a
// typing or unit error (e.g. a per-mille column read as a count).
inline constexpr int64_t kMaxPopulation = 10'000'000;
inline constexpr int64_t kMaxRefugeesPerMunicipality = 50'000;
inline constexpr int64_t kMaxRefugeesPerArea = 1'000'000;

// Exactly `width` ASCII digits, nothing else (no sign, no spaces): the
// number, or nullopt.
std::optional<int> ParseDigits(absl::string_view text, size_t width);

// A municipality code: exactly four digits ("0906"). Returns the number.
absl::StatusOr<int> ParseMunicipalityCode(absl::string_view text,
                                          absl::string_view field);

// A county code: exactly two digits ("09"). Returns the number.
absl::StatusOr<int> ParseCountyCode(absl::string_view text, absl::string_view field);

// A year within [kMinYear, kMaxYear].
absl::Status ValidateYear(int year, absl::string_view field);

// Checks one set of figures: counts not negative and within plausible
// bounds, percents within 0..100, parts not larger than their whole
// (minors within refugees, intro outcomes within their totals), settled not
// larger than the population. Field paths are `prefix` + field name.
std::vector<FieldViolation> CheckFigureValues(const FigureValues& values,
                                              bool is_municipality,
                                              absl::string_view prefix);

// A record's free texts: `source` one line of at most kMaxLineBytes, `note`
// at most kMaxNoteBytes (common/limits.h).
std::vector<FieldViolation> CheckFiguresText(absl::string_view source, absl::string_view note,
                                             absl::string_view prefix);

// Codes a municipality may have had, and municipalities it may have merged.
inline constexpr size_t kMaxCodePeriods = 32;
inline constexpr size_t kMaxPredecessors = 32;

// Checks a municipality's own content: codes, names, periods in order and
// not overlapping, the latest code equal to the identity, texts and lists
// within their bounds. Field paths are `prefix` + field name.
std::vector<FieldViolation> CheckMunicipality(const Municipality& municipality,
                                              absl::string_view prefix);

// Joins `prefix` and `field` with a dot when the prefix is not empty.
std::string FieldPath(absl::string_view prefix, absl::string_view field);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_VALIDATION_H_
