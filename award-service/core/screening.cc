#include "award-service/core/screening.h"

#include <algorithm>
#include <set>
#include <utility>

#include "award-service/domain/criteria.h"
#include "common/status_macros.h"

namespace imdi::award {
namespace {

// Drops what no criterion reads (criteria.cc reads the values, the known
// date and the harmonised parts' names and codes): a municipality's figures
// are copied into the input of every municipality it is compared with, and
// a screening holds the whole country's.
void KeepWhatCriteriaRead(stats::v1::Figures& f) {
  f.clear_municipality_code();
  f.clear_municipality_name();
  f.clear_code_at_the_time();
  f.clear_area();
  f.clear_source();
  f.clear_note();
  f.clear_etag();
  f.clear_update_time();
  f.clear_current_name();
  f.clear_field_sources();
}

// In the basic view a criterion's node of the requirement tree keeps its
// label and verdict; its explanation is the criterion's, already in
// `criteria`.
void ClearLeafExplanations(v1::RequirementResult& node) {
  if (node.parts_size() == 0) {
    node.clear_explanation();
    return;
  }
  for (v1::RequirementResult& part : *node.mutable_parts()) ClearLeafExplanations(part);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Screening>> Screening::Start(StatsClient& stats,
                                                            const Comparables& comparables,
                                                            const v1::CycleConfig& config,
                                                            const Options& options) {
  std::unique_ptr<Screening> screening(new Screening(comparables, config, options));
  const auto [first_year, last_year] = YearsRead(config);
  // Comparables may lie in other regions: then every region's figures.
  const stats::v1::ImdiRegion figures_region =
      NeedsComparables(config) ? stats::v1::IMDI_REGION_UNSPECIFIED : options.region;
  // Call 1: the municipalities and the figures, at the version asked for.
  IMDI_ASSIGN_OR_RETURN(screening->snapshot_,
                        stats.StreamSnapshot(first_year, last_year, figures_region,
                                             options.version));
  for (auto& [code, years] : screening->snapshot_.figures) {
    for (auto& [year, figures] : years) KeepWhatCriteriaRead(figures);
  }
  const std::vector<MunicipalityInfo>& all = screening->snapshot_.municipalities;
  std::set<stats::v1::ImdiRegion> regions;
  for (size_t i = 0; i < all.size(); ++i) {
    const MunicipalityInfo& m = all[i];
    for (const std::string& code : m.codes) screening->current_by_code_.emplace(code, m.code);
    if (!m.ExistsIn(config.figures_year())) continue;
    if (options.region != stats::v1::IMDI_REGION_UNSPECIFIED && m.imdi_region != options.region) {
      continue;
    }
    screening->order_.push_back(i);
    if (m.imdi_region != stats::v1::IMDI_REGION_UNSPECIFIED) regions.insert(m.imdi_region);
  }
  std::sort(screening->order_.begin(), screening->order_.end(),
            [&all](size_t a, size_t b) { return all[a].code < all[b].code; });
  // Call 2: the totals of the regions screened, at the stream's version.
  if (NeedsRegionTotals(config) && !regions.empty()) {
    IMDI_ASSIGN_OR_RETURN(screening->regions_,
                          stats.BatchGetRegionSettled(
                              std::vector<stats::v1::ImdiRegion>(regions.begin(), regions.end()),
                              config.figures_year(), screening->snapshot_.data_version));
  }
  return screening;
}

void Screening::EvaluateAt(size_t i, v1::Evaluation& evaluation) const {
  const MunicipalityInfo& m = snapshot_.municipalities[order_[i]];
  const int year = config_.figures_year();
  EvaluationInput input;
  input.municipality_code = m.code;
  input.municipality_name = m.NameIn(year);
  input.imdi_region = m.imdi_region;
  input.data_version = snapshot_.data_version;
  // The figures are read where the snapshot holds them, not copied.
  static const FiguresByYear kNone;
  auto own = snapshot_.figures.find(m.code);
  input.figures_in_place = own != snapshot_.figures.end() ? &own->second : &kNone;
  if (NeedsComparables(config_)) {
    std::set<std::string> codes;
    for (const std::string& code : comparables_.For(m.codes)) {
      auto current = current_by_code_.find(code);
      if (current != current_by_code_.end() && current->second != m.code) {
        codes.insert(current->second);
      }
    }
    for (const std::string& code : codes) {
      auto found = snapshot_.figures.find(code);
      input.comparables_in_place.emplace_back(
          code, found != snapshot_.figures.end() ? &found->second : &kNone);
    }
  }
  if (NeedsRegionTotals(config_) && m.imdi_region != stats::v1::IMDI_REGION_UNSPECIFIED) {
    auto region = regions_.find(m.imdi_region);
    input.region_settled[year] = region != regions_.end() ? region->second : RegionSettled{};
  }
  EvaluateInto(config_, input, evaluation);
  if (options_.view == v1::EVALUATION_VIEW_BASIC) {
    for (v1::CriterionResult& result : *evaluation.mutable_criteria()) {
      result.clear_figures();
      result.clear_title();
    }
    ClearLeafExplanations(*evaluation.mutable_requirement());
  }
}

bool Screening::Next(int max_count, size_t max_bytes, v1::ScreenMunicipalitiesResponse& chunk) {
  size_t bytes = 0;
  int added = 0;
  while (added < max_count && next_ < order_.size()) {
    // Evaluated in place, on the chunk's arena when it has one.
    v1::Evaluation* evaluation = chunk.add_evaluations();
    EvaluateAt(next_, *evaluation);
    if (options_.eligible_only && !evaluation->eligible()) {
      chunk.mutable_evaluations()->RemoveLast();
      ++next_;
      continue;
    }
    const size_t size = evaluation->ByteSizeLong();
    if (added > 0 && bytes + size > max_bytes) {
      // Full: evaluated again for the next chunk (rare: a chunk of
      // max_count evaluations is far below the bound).
      chunk.mutable_evaluations()->RemoveLast();
      break;
    }
    bytes += size;
    ++next_;
    ++added;
  }
  return added > 0;
}

}  // namespace imdi::award
