// What the award service reads from the statistics service, behind a small
// interface: a gRPC implementation (grpc_stats_client.h) and an in-memory
// fake for unit tests. Every read names the data version it reads at, so one
// evaluation sees one consistent state of the figures.
//
// Errors: NOT_FOUND for an unknown municipality (the stats service's
// reason), UNAVAILABLE with reason STATS_UNAVAILABLE when the statistics
// service cannot be reached. Implementations are thread-safe.
#ifndef IMDI_AWARD_STATS_STATS_CLIENT_H_
#define IMDI_AWARD_STATS_STATS_CLIENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "award-service/domain/criteria.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi::award {

// A municipality as the award service needs it.
struct MunicipalityInfo {
  std::string code;  // current code
  std::string name;
  stats::v1::ImdiRegion imdi_region = stats::v1::IMDI_REGION_UNSPECIFIED;
  std::vector<std::string> codes;  // every code it ever had, current first
  std::optional<int> valid_from_year;
  std::optional<int> valid_to_year;
  // Each code with the years it was valid (absent bound: open).
  struct CodePeriod {
    std::string code;
    std::string name;  // the municipality's name under this code
    std::optional<int> from_year;
    std::optional<int> to_year;
  };
  std::vector<CodePeriod> code_history;

  // The code and name in `year`; the current ones when the history does
  // not say.
  const CodePeriod* PeriodIn(int year) const {
    for (const CodePeriod& p : code_history) {
      if ((!p.from_year || *p.from_year <= year) && (!p.to_year || year <= *p.to_year)) {
        return &p;
      }
    }
    return nullptr;
  }
  std::string CodeIn(int year) const {
    const CodePeriod* p = PeriodIn(year);
    return p != nullptr ? p->code : code;
  }
  std::string NameIn(int year) const {
    const CodePeriod* p = PeriodIn(year);
    return p != nullptr && !p->name.empty() ? p->name : name;
  }

  bool ExistsIn(int year) const {
    return (!valid_from_year || *valid_from_year <= year) &&
           (!valid_to_year || year <= *valid_to_year);
  }
};

// Figures by current municipality code.
using FiguresByMunicipality = std::map<std::string, FiguresByYear>;

// What one stream of the statistics service tells at one data version:
// every municipality and the figures of some years.
struct StatsSnapshot {
  int64_t data_version = 0;  // the version everything was read at
  std::vector<MunicipalityInfo> municipalities;  // every one, ordered by code
  FiguresByMunicipality figures;
};

// Region totals by region.
using RegionSettledByRegion = std::map<stats::v1::ImdiRegion, RegionSettled>;

// One area's total of one count field in one year (stats GetAggregate).
struct AreaTotal {
  std::string area_name;
  std::optional<int64_t> published;  // the published total, where stored
  std::optional<int64_t> sum;        // over the municipalities with a value
  int municipalities_reported = 0;
  int municipalities_missing = 0;    // lacking a value (unknown, not 0)
};

class StatsClient {
 public:
  virtual ~StatsClient() = default;

  // The newest data version.
  virtual absl::StatusOr<int64_t> DataVersion() = 0;

  // One municipality by any code it ever had.
  virtual absl::StatusOr<MunicipalityInfo> GetMunicipality(const std::string& code,
                                                           int64_t version) = 0;

  // Every municipality (one paged listing).
  virtual absl::StatusOr<std::vector<MunicipalityInfo>> ListMunicipalities(int64_t version) = 0;

  // The figures of the named municipalities (any codes) in the years
  // [first_year, last_year], in one batch; unknown records are left out.
  virtual absl::StatusOr<FiguresByMunicipality> BatchGetFigures(
      const std::vector<std::string>& codes, int first_year, int last_year,
      int64_t version) = 0;

  // Every municipality, and the figures in [first_year, last_year] of
  // every municipality (of `region` only, unless it is unspecified), in one
  // stream at `version`; 0 reads the newest, and the snapshot says which
  // version that was.
  virtual absl::StatusOr<StatsSnapshot> StreamSnapshot(int first_year, int last_year,
                                                       stats::v1::ImdiRegion region,
                                                       int64_t version) = 0;

  // The settled refugees of IMDi regions in a year, in one call at
  // `version` (not 0: the caller pins it).
  virtual absl::StatusOr<RegionSettledByRegion> BatchGetRegionSettled(
      const std::vector<stats::v1::ImdiRegion>& regions, int year, int64_t version) = 0;

  // The totals of the count field `field` (a Figures field, e.g.
  // "refugees_settled") of `areas` in `year`, in request order, in one call
  // at `version` (not 0). UNIMPLEMENTED where a client does not offer it.
  virtual absl::StatusOr<std::vector<AreaTotal>> BatchGetAreaTotals(
      const std::vector<stats::v1::Area>& areas, const std::string& field, int year,
      int64_t version);

  // OK when the statistics service reports SERVING.
  virtual absl::Status CheckHealth() = 0;
};

inline absl::StatusOr<std::vector<AreaTotal>> StatsClient::BatchGetAreaTotals(
    const std::vector<stats::v1::Area>&, const std::string&, int, int64_t) {
  return absl::UnimplementedError("this statistics client reads no area totals");
}

}  // namespace imdi::award

#endif  // IMDI_AWARD_STATS_STATS_CLIENT_H_
