// The criteria engine: evaluates a cycle's configured criteria and their
// requirement tree on plain figures. Knows nothing of gRPC or storage; the
// figures arrive as stats messages already read at one data version.
//
// A figure that is not known is absent and yields VERDICT_INSUFFICIENT_DATA,
// never a comparison with 0. All functions are pure and thread-safe.
#ifndef IMDI_AWARD_DOMAIN_CRITERIA_H_
#define IMDI_AWARD_DOMAIN_CRITERIA_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "imdi/award/v1/award.pb.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi::award {

// A municipality's figures by year.
using FiguresByYear = std::map<int, stats::v1::Figures>;

// A region's settled refugees in one year, as GetAggregate reports it.
struct RegionSettled {
  std::string region_name;
  std::optional<int64_t> published;  // IMDi's published total
  std::optional<int64_t> sum;        // sum over municipalities with a value
  int municipalities_missing = 0;    // municipalities lacking a value
};

// Everything one evaluation reads, at one data version.
struct EvaluationInput {
  std::string municipality_code;  // current code
  std::string municipality_name;
  stats::v1::ImdiRegion imdi_region = stats::v1::IMDI_REGION_UNSPECIFIED;
  int64_t data_version = 0;
  FiguresByYear figures;
  // The directorate's comparable municipalities (current code -> figures);
  // empty when none are known.
  std::map<std::string, FiguresByYear> comparables;
  // Set instead of `figures` and `comparables` by a caller that holds the
  // figures already: a screening holds the whole country's, and one
  // municipality is the comparable of several, so it points to them rather
  // than copying them into every evaluation. The comparables ordered by
  // code, each once.
  const FiguresByYear* figures_in_place = nullptr;
  std::vector<std::pair<std::string, const FiguresByYear*>> comparables_in_place;
  // The region's settlement by year, for region-share criteria.
  std::map<int, RegionSettled> region_settled;
  // Assessed criteria claimed (by criterion name), with the jury's state.
  std::map<std::string, v1::AssessmentClaim> claims;
};

// Evaluates every criterion of `config` and the requirement tree. `config`
// must have passed ValidateCycleConfig.
v1::Evaluation Evaluate(const v1::CycleConfig& config, const EvaluationInput& input);

// The same, written into `out` (empty; it may live on an arena, whose
// allocations the evaluation then uses).
void EvaluateInto(const v1::CycleConfig& config, const EvaluationInput& input,
                  v1::Evaluation& out);

// Evaluates one criterion.
v1::CriterionResult EvaluateCriterion(const v1::Criterion& criterion, int figures_year,
                                      const EvaluationInput& input);
void EvaluateCriterionInto(const v1::Criterion& criterion, int figures_year,
                           const EvaluationInput& input, v1::CriterionResult& out);

// Combines the criterion results under `requirement`.
v1::RequirementResult Combine(const v1::Requirement& requirement,
                              const std::map<std::string, v1::CriterionResult>& results);
void CombineInto(const v1::Requirement& requirement,
                 const std::map<std::string, const v1::CriterionResult*>& results,
                 v1::RequirementResult& out);

// Re-evaluates the assessed criteria of `evaluation` under `claims` (the
// jury's confirmations) and recombines the requirement; figure criteria keep
// their results.
void ApplyAssessments(const v1::CycleConfig& config,
                      const std::map<std::string, v1::AssessmentClaim>& claims,
                      v1::Evaluation& evaluation);

// MET or NEEDS_ASSESSMENT: may be nominated without an override.
bool IsEligible(v1::Verdict verdict);

// "met", "not met", "insufficient data", "needs assessment".
std::string VerdictText(v1::Verdict verdict);

// The years a cycle reads: from the earliest year any span reaches back to,
// through the figures year.
std::pair<int, int> YearsRead(const v1::CycleConfig& config);

// Whether any criterion needs comparables or region totals.
bool NeedsComparables(const v1::CycleConfig& config);
bool NeedsRegionTotals(const v1::CycleConfig& config);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_CRITERIA_H_
