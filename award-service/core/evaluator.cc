#include "award-service/core/evaluator.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "award-service/domain/criteria.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/status_macros.h"

namespace imdi::award {

Evaluator::Evaluator(StatsClient* stats, Comparables comparables)
    : stats_(stats), comparables_(std::move(comparables)) {}

absl::StatusOr<int64_t> Evaluator::DataVersion() { return stats_->DataVersion(); }

absl::StatusOr<MunicipalityInfo> Evaluator::Municipality(const std::string& code, int64_t version) {
  return stats_->GetMunicipality(code, version);
}

absl::StatusOr<int64_t> Evaluator::VersionFor(const v1::Cycle& cycle, bool use_latest) {
  if (cycle.data_version() > 0 && !use_latest) return cycle.data_version();
  return stats_->DataVersion();
}

absl::StatusOr<const std::vector<MunicipalityInfo>*> Evaluator::ListAll(Listing& listing,
                                                                        int64_t version) {
  if (!listing) {
    IMDI_ASSIGN_OR_RETURN(listing, stats_->ListMunicipalities(version));
  }
  return &*listing;
}

absl::StatusOr<std::vector<MunicipalityInfo>> Evaluator::Resolve(
    const std::vector<std::string>& codes, int64_t version, Listing& listing) {
  if (codes.size() == 1) {
    IMDI_ASSIGN_OR_RETURN(MunicipalityInfo info, stats_->GetMunicipality(codes[0], version));
    return std::vector<MunicipalityInfo>{std::move(info)};
  }
  IMDI_ASSIGN_OR_RETURN(const std::vector<MunicipalityInfo>* all, ListAll(listing, version));
  std::map<std::string, const MunicipalityInfo*> by_code;
  for (const MunicipalityInfo& m : *all) {
    for (const std::string& code : m.codes) by_code.emplace(code, &m);
  }
  std::vector<MunicipalityInfo> out;
  for (const std::string& code : codes) {
    auto it = by_code.find(code);
    if (it == by_code.end()) {
      return MakeError(
          absl::StatusCode::kNotFound, "UNKNOWN_MUNICIPALITY",
          absl::StrCat("no municipality has had code ", code, " at data version ", version));
    }
    out.push_back(*it->second);
  }
  return out;
}

absl::StatusOr<FiguresByMunicipality> Evaluator::Figures(const std::vector<std::string>& codes,
                                                         int first_year, int last_year,
                                                         int64_t version) {
  return stats_->BatchGetFigures(codes, first_year, last_year, version);
}

absl::StatusOr<std::vector<AreaTotal>> Evaluator::AreaTotals(
    const std::vector<stats::v1::Area>& areas, const std::string& field, int year,
    int64_t version) {
  return stats_->BatchGetAreaTotals(areas, field, year, version);
}

absl::StatusOr<std::map<std::string, std::string>> Evaluator::CurrentCodes() {
  IMDI_ASSIGN_OR_RETURN(int64_t version, stats_->DataVersion());
  IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> all, stats_->ListMunicipalities(version));
  std::map<std::string, std::string> out;
  for (const MunicipalityInfo& m : all) {
    for (const std::string& code : m.codes) out.emplace(code, m.code);
  }
  return out;
}

absl::StatusOr<std::vector<v1::Evaluation>> Evaluator::EvaluateMany(
    const v1::CycleConfig& config, const std::vector<MunicipalityInfo>& infos,
    const std::vector<std::map<std::string, v1::AssessmentClaim>>& claims, int64_t version,
    Listing& listing) {
  const auto [first_year, last_year] = YearsRead(config);
  // The comparables list names codes of its time; the listing maps them to
  // current codes and leaves out any the statistics service does not know.
  std::vector<std::vector<std::string>> comparables(infos.size());
  if (NeedsComparables(config)) {
    IMDI_ASSIGN_OR_RETURN(const std::vector<MunicipalityInfo>* all, ListAll(listing, version));
    std::map<std::string, std::string> current_by_code;
    for (const MunicipalityInfo& m : *all) {
      for (const std::string& code : m.codes) current_by_code.emplace(code, m.code);
    }
    for (size_t i = 0; i < infos.size(); ++i) {
      std::set<std::string> seen;
      for (const std::string& code : comparables_.For(infos[i].codes)) {
        auto current = current_by_code.find(code);
        if (current == current_by_code.end() || current->second == infos[i].code) continue;
        if (seen.insert(current->second).second) comparables[i].push_back(current->second);
      }
    }
  }
  std::vector<std::string> wanted;
  for (size_t i = 0; i < infos.size(); ++i) {
    wanted.push_back(infos[i].code);
    wanted.insert(wanted.end(), comparables[i].begin(), comparables[i].end());
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  IMDI_ASSIGN_OR_RETURN(FiguresByMunicipality figures,
                        stats_->BatchGetFigures(wanted, first_year, last_year, version));
  RegionSettledByRegion regions;
  if (NeedsRegionTotals(config)) {
    std::set<stats::v1::ImdiRegion> wanted_regions;
    for (const MunicipalityInfo& info : infos) {
      if (info.imdi_region != stats::v1::IMDI_REGION_UNSPECIFIED) {
        wanted_regions.insert(info.imdi_region);
      }
    }
    if (!wanted_regions.empty()) {
      IMDI_ASSIGN_OR_RETURN(regions, stats_->BatchGetRegionSettled(
                                         std::vector<stats::v1::ImdiRegion>(
                                             wanted_regions.begin(), wanted_regions.end()),
                                         config.figures_year(), version));
    }
  }
  std::vector<v1::Evaluation> out;
  for (size_t i = 0; i < infos.size(); ++i) {
    EvaluationInput input;
    input.municipality_code = infos[i].code;
    input.municipality_name = infos[i].NameIn(config.figures_year());
    input.imdi_region = infos[i].imdi_region;
    input.data_version = version;
    input.figures = figures[infos[i].code];
    for (const std::string& code : comparables[i]) input.comparables[code] = figures[code];
    auto region = regions.find(infos[i].imdi_region);
    if (region != regions.end()) input.region_settled[config.figures_year()] = region->second;
    input.claims = claims[i];
    out.push_back(Evaluate(config, input));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Screening>> Evaluator::StartScreening(
    const v1::CycleConfig& config, const Screening::Options& options) {
  return Screening::Start(*stats_, comparables_, config, options);
}

absl::StatusOr<std::vector<v1::Evaluation>> Evaluator::Screen(const v1::CycleConfig& config,
                                                              const Screening::Options& options,
                                                              int64_t* data_version) {
  IMDI_ASSIGN_OR_RETURN(std::unique_ptr<Screening> screening, StartScreening(config, options));
  *data_version = screening->data_version();
  std::vector<v1::Evaluation> out;
  v1::ScreenMunicipalitiesResponse chunk;
  while (screening->Next(64, kMaxReplyBytes, chunk)) {
    for (v1::Evaluation& evaluation : *chunk.mutable_evaluations()) {
      out.push_back(std::move(evaluation));
    }
    chunk.Clear();
  }
  return out;
}

}  // namespace imdi::award
