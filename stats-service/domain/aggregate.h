// Aggregate arithmetic: sums of counts over the municipalities of an area,
// how many lacked each value, ratios computed from sums (never averages of
// ratios), and the published totals beside them, reconciled part by part
// (municipalities + the unknown municipality + what nothing explains).
// Pure; thread-safe.
#ifndef IMDI_STATS_DOMAIN_AGGREGATE_H_
#define IMDI_STATS_DOMAIN_AGGREGATE_H_

#include "absl/strings/string_view.h"
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats-service/domain/figures.h"

namespace imdi::stats {

struct CountAggregate {
  std::optional<int64_t> sum;  // absent when no municipality has a value
  int reported = 0;
  int missing = 0;
  std::optional<int64_t> published;
  // Counted in no municipality: the unknown municipality's value (country
  // only); absent where there is no such record or value.
  std::optional<int64_t> unknown_municipality;
  // published - sum - (unknown_municipality or 0), when published and sum
  // are known: what nothing stored explains (negative when the parts exceed
  // the published total).
  std::optional<int64_t> unexplained;
  // The same in one readable line, e.g. "7719 in 428 municipalities + 65 in
  // an unknown municipality (county 99 Uoppgitt) = 7784 published; fully
  // explained".
  std::string reconciliation;
};

// The figures of people counted in no municipality are stored as the
// published totals of county 99 ("Uoppgitt", unknown); the 2015 files' row
// 9999 ("Uoppgitt kommune") is imported there too.
inline constexpr int kUnknownMunicipalityCounty = 99;

struct RatioAggregate {
  std::optional<double> value;  // from municipalities with both counts
  int used = 0;
  std::optional<double> published;
};

// A ratio numerator / denominator * scale.
struct RatioDefinition {
  absl::string_view name;
  Count numerator;
  Count denominator;
  double scale;
  // A published percent that stands in for the ratio of published counts
  // when those are not stored.
  std::optional<Percent> published_percent;
};

inline constexpr int kNumRatios = 7;
// settled_of_requested_pct, settled_of_decided_pct, decided_of_requested_pct,
// settled_per_1000, minors_settled_of_requested_pct,
// intro_to_work_or_education_pct, intro_followup_work_or_education_pct.
extern const std::array<RatioDefinition, kNumRatios> kRatios;

struct AggregateResult {
  int municipality_count = 0;
  std::array<CountAggregate, kNumCounts> counts;
  std::array<RatioAggregate, kNumRatios> ratios;
};

// `members` holds one entry per municipality of the area; nullptr for a
// municipality without a record that year (all its values are missing).
// `published` is the area's stored totals, or nullptr. `unknown_municipality`
// is the unknown municipality's figures (for the country), or nullptr.
AggregateResult ComputeAggregate(const std::vector<const FigureValues*>& members,
                                 const FigureValues* published,
                                 const FigureValues* unknown_municipality = nullptr);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_AGGREGATE_H_
