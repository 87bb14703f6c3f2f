// An in-memory StatsClient for unit tests of the award core: municipalities
// and figures kept per data version (every change makes a new version), a
// switch that makes every call UNAVAILABLE, and a count of calls per method
// so that tests can check that reads are made in bulk. Thread-safe.
#ifndef IMDI_TESTS_FAKES_FAKE_STATS_CLIENT_H_
#define IMDI_TESTS_FAKES_FAKE_STATS_CLIENT_H_

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "award-service/stats/stats_client.h"
#include "common/errors.h"

namespace imdi::award::testing {

// Counts the call; fails it while the fake is unavailable.
#define IMDI_FAKE_CHECK(method)                                                   \
  ++calls_[method];                                                               \
  if (unavailable_) {                                                             \
    return MakeError(absl::StatusCode::kUnavailable, "STATS_UNAVAILABLE",         \
                     "the statistics service is unreachable (fake)");             \
  }


class FakeStatsClient final : public StatsClient {
 public:
  FakeStatsClient() { versions_.emplace_back(); }

  // Adds a municipality (a new data version).
  void AddMunicipality(MunicipalityInfo info) {
    absl::MutexLock lock(&mu_);
    State next = versions_.back();
    next.municipalities[info.code] = std::move(info);
    versions_.push_back(std::move(next));
  }

  // Adds many municipalities and their figures in one data version.
  void Load(const std::vector<MunicipalityInfo>& municipalities,
            const FiguresByMunicipality& figures) {
    absl::MutexLock lock(&mu_);
    State next = versions_.back();
    for (const MunicipalityInfo& info : municipalities) next.municipalities[info.code] = info;
    for (const auto& [code, years] : figures) {
      for (const auto& [year, f] : years) {
        stats::v1::Figures& record = next.figures[code][year];
        record = f;
        record.set_municipality_code(code);
        record.set_year(year);
      }
    }
    versions_.push_back(std::move(next));
  }

  // Sets one record (a new data version); the record's code and year say where.
  void SetFigures(const std::string& code, int year, stats::v1::Figures figures) {
    absl::MutexLock lock(&mu_);
    State next = versions_.back();
    figures.set_municipality_code(code);
    figures.set_year(year);
    next.figures[code][year] = std::move(figures);
    versions_.push_back(std::move(next));
  }

  // Sets a region's settled total (a new data version).
  void SetRegionSettled(stats::v1::ImdiRegion region, int year, RegionSettled settled) {
    absl::MutexLock lock(&mu_);
    State next = versions_.back();
    next.regions[{region, year}] = std::move(settled);
    versions_.push_back(std::move(next));
  }

  void SetUnavailable(bool unavailable) {
    absl::MutexLock lock(&mu_);
    unavailable_ = unavailable;
  }

  int calls(const std::string& method) const {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(method);
    return it == calls_.end() ? 0 : it->second;
  }

  absl::StatusOr<int64_t> DataVersion() override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("DataVersion");
    return static_cast<int64_t>(versions_.size() - 1);
  }

  absl::StatusOr<MunicipalityInfo> GetMunicipality(const std::string& code,
                                                   int64_t version) override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("GetMunicipality");
    for (const auto& [current, info] : At(version).municipalities) {
      if (std::find(info.codes.begin(), info.codes.end(), code) != info.codes.end()) return info;
    }
    return MakeError(absl::StatusCode::kNotFound, "UNKNOWN_MUNICIPALITY",
                     "no municipality has had code " + code);
  }

  absl::StatusOr<std::vector<MunicipalityInfo>> ListMunicipalities(int64_t version) override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("ListMunicipalities");
    std::vector<MunicipalityInfo> out;
    for (const auto& [code, info] : At(version).municipalities) out.push_back(info);
    return out;
  }

  absl::StatusOr<FiguresByMunicipality> BatchGetFigures(const std::vector<std::string>& codes,
                                                        int first_year, int last_year,
                                                        int64_t version) override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("BatchGetFigures");
    const State& state = At(version);
    FiguresByMunicipality out;
    for (const std::string& code : codes) {
      std::string current = code;
      for (const auto& [c, info] : state.municipalities) {
        if (std::find(info.codes.begin(), info.codes.end(), code) != info.codes.end()) current = c;
      }
      auto it = state.figures.find(current);
      if (it == state.figures.end()) continue;
      for (const auto& [year, f] : it->second) {
        if (year >= first_year && year <= last_year) out[current][year] = f;
      }
    }
    return out;
  }

  absl::StatusOr<StatsSnapshot> StreamSnapshot(int first_year, int last_year,
                                               stats::v1::ImdiRegion region,
                                               int64_t version) override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("StreamSnapshot");
    const State& state = At(version);
    StatsSnapshot out;
    out.data_version = Resolve(version);
    for (const auto& [code, info] : state.municipalities) out.municipalities.push_back(info);
    for (const auto& [code, years] : state.figures) {
      if (region != stats::v1::IMDI_REGION_UNSPECIFIED) {
        auto m = state.municipalities.find(code);
        if (m == state.municipalities.end() || m->second.imdi_region != region) continue;
      }
      for (const auto& [year, f] : years) {
        if (year >= first_year && year <= last_year) out.figures[code][year] = f;
      }
    }
    return out;
  }

  absl::StatusOr<RegionSettledByRegion> BatchGetRegionSettled(
      const std::vector<stats::v1::ImdiRegion>& regions, int year, int64_t version) override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("BatchGetRegionSettled");
    const State& state = At(version);
    RegionSettledByRegion out;
    for (stats::v1::ImdiRegion region : regions) {
      auto it = state.regions.find({region, year});
      out[region] = it == state.regions.end() ? RegionSettled{} : it->second;
    }
    return out;
  }

  // Sums the municipalities of each area; a region's refugees_settled takes
  // its published total from SetRegionSettled.
  absl::StatusOr<std::vector<AreaTotal>> BatchGetAreaTotals(
      const std::vector<stats::v1::Area>& areas, const std::string& field, int year,
      int64_t version) override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("BatchGetAreaTotals");
    const State& state = At(version);
    const auto* descriptor = stats::v1::Figures::descriptor()->FindFieldByName(field);
    if (descriptor == nullptr) return absl::InvalidArgumentError("no such field " + field);
    std::vector<AreaTotal> out;
    for (const stats::v1::Area& area : areas) {
      AreaTotal& total = out.emplace_back();
      total.area_name = area.kind() == stats::v1::AREA_KIND_COUNTRY ? "Norge"
                        : area.kind() == stats::v1::AREA_KIND_COUNTY
                            ? "county " + area.county_code()
                            : stats::v1::ImdiRegion_Name(area.imdi_region());
      for (const auto& [code, info] : state.municipalities) {
        const bool in = area.kind() == stats::v1::AREA_KIND_COUNTRY ||
                        (area.kind() == stats::v1::AREA_KIND_IMDI_REGION &&
                         info.imdi_region == area.imdi_region()) ||
                        (area.kind() == stats::v1::AREA_KIND_COUNTY &&
                         info.CodeIn(year).substr(0, 2) == area.county_code());
        if (!in) continue;
        const stats::v1::Figures* f = nullptr;
        if (auto m = state.figures.find(code); m != state.figures.end()) {
          if (auto y = m->second.find(year); y != m->second.end()) f = &y->second;
        }
        if (f == nullptr || !f->GetReflection()->HasField(*f, descriptor)) {
          ++total.municipalities_missing;
          continue;
        }
        ++total.municipalities_reported;
        total.sum = total.sum.value_or(0) + f->GetReflection()->GetInt32(*f, descriptor);
      }
      if (area.kind() == stats::v1::AREA_KIND_IMDI_REGION && field == "refugees_settled") {
        auto it = state.regions.find({area.imdi_region(), year});
        if (it != state.regions.end()) {
          total.published = it->second.published;
          if (!it->second.region_name.empty()) total.area_name = it->second.region_name;
        }
      }
    }
    return out;
  }

  absl::Status CheckHealth() override {
    absl::MutexLock lock(&mu_);
    IMDI_FAKE_CHECK("CheckHealth");
    return absl::OkStatus();
  }

 private:
  struct State {
    std::map<std::string, MunicipalityInfo> municipalities;
    FiguresByMunicipality figures;
    std::map<std::pair<stats::v1::ImdiRegion, int>, RegionSettled> regions;
  };

  // The version a read names: the newest for 0 (or one the fake lacks).
  int64_t Resolve(int64_t version) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (version <= 0 || version >= static_cast<int64_t>(versions_.size())) {
      return static_cast<int64_t>(versions_.size() - 1);
    }
    return version;
  }

  const State& At(int64_t version) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return versions_[Resolve(version)];
  }

  mutable absl::Mutex mu_;
  std::vector<State> versions_ ABSL_GUARDED_BY(mu_);
  bool unavailable_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
};

#undef IMDI_FAKE_CHECK

}  // namespace imdi::award::testing

#endif  // IMDI_TESTS_FAKES_FAKE_STATS_CLIENT_H_
