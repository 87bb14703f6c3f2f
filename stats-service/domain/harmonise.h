// Harmonised figures: a municipality's figures for a year before it existed,
// summed from the municipalities that later merged into it (Kinn 4602 in 2014
// = Flora 1401 + Vågsøy 1439), so that a series reads across a merger.
//
// Pure functions over plain values and an immutable directory; thread-safe.
#ifndef IMDI_STATS_DOMAIN_HARMONISE_H_
#define IMDI_STATS_DOMAIN_HARMONISE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "stats-service/domain/figures.h"
#include "stats-service/domain/municipality.h"

namespace imdi::stats {

// The municipalities whose figures make up `whole`'s in `year`: its
// predecessors that existed then and, for a predecessor formed later still,
// that one's parts, recursively; ordered by their code in `year`. Empty when
// harmonising does not apply: `whole` existed in `year`, `year` is after it
// ended, or none of its predecessors goes back to `year`.
std::vector<const Municipality*> HarmonisedParts(const MunicipalityDirectory& directory,
                                                 const Municipality& whole, int year);

// The figures of `whole` in `year` as the field-by-field sum of `parts`,
// each part's record in that year (revision 0 and no values when it has
// none), which the result keeps as `harmonised_parts`:
//  - a count is absent when it is absent in any part (unknown stays unknown)
//    or when the sum exceeds what the API carries (int32);
//  - a percent is not summed: it is the part's when there is exactly one
//    part, absent otherwise;
//  - the status is the weakest of the parts' (unspecified, then
//    preliminary), the source the parts' distinct sources joined by "; ".
// The result is no stored revision (revision 0, no etag). NOT_FOUND
// (FIGURES_NOT_FOUND) naming the parts when none of them has figures.
absl::StatusOr<FiguresRecord> HarmoniseFigures(const Municipality& whole, int year,
                                               std::vector<FiguresRecord> parts,
                                               const MunicipalityDirectory& directory);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_HARMONISE_H_
