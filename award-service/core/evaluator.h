// Evaluation of municipalities on figures read from the statistics service:
// everything the award core reads from stats-service goes through here, at
// one data version per use (the listing of municipalities fetched at most
// once), so the use cases never talk to the statistics client themselves.
//
// Thread-safe (it keeps no state of its own; the statistics client is
// thread-safe). Methods block on the statistics service: call them before
// a change takes the transaction mutex. `stats` is not owned and must
// outlive the evaluator.
#ifndef IMDI_AWARD_CORE_EVALUATOR_H_
#define IMDI_AWARD_CORE_EVALUATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "award-service/core/screening.h"
#include "award-service/domain/comparables.h"
#include "award-service/stats/stats_client.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

class Evaluator {
 public:
  Evaluator(StatsClient* stats, Comparables comparables);

  // Every municipality at one data version, fetched at most once per use.
  using Listing = std::optional<std::vector<MunicipalityInfo>>;

  // The newest data version of the statistics service.
  absl::StatusOr<int64_t> DataVersion();

  // One municipality by any of its codes, at `version`.
  absl::StatusOr<MunicipalityInfo> Municipality(const std::string& code, int64_t version);

  // The version evaluations of `cycle` read: frozen, or the newest.
  absl::StatusOr<int64_t> VersionFor(const v1::Cycle& cycle, bool use_latest);

  // The municipalities named by any of their codes, at `version`: one
  // GetMunicipality for one, the listing for several.
  absl::StatusOr<std::vector<MunicipalityInfo>> Resolve(const std::vector<std::string>& codes,
                                                        int64_t version, Listing& listing);

  // Evaluates municipalities with their claims at `version`, reading the
  // figures in one batch (and the listing, for comparables, once).
  absl::StatusOr<std::vector<v1::Evaluation>> EvaluateMany(
      const v1::CycleConfig& config, const std::vector<MunicipalityInfo>& infos,
      const std::vector<std::map<std::string, v1::AssessmentClaim>>& claims, int64_t version,
      Listing& listing);

  // A screening of every municipality that exists in the figures year (of
  // `options.region`, unless it is unspecified), read at one data version
  // in at most two calls and evaluated a chunk at a time in code order;
  // with `eligible_only`, the eligible ones.
  absl::StatusOr<std::unique_ptr<Screening>> StartScreening(const v1::CycleConfig& config,
                                                            const Screening::Options& options);

  // The same screening's evaluations all at once, and the version read.
  absl::StatusOr<std::vector<v1::Evaluation>> Screen(const v1::CycleConfig& config,
                                                     const Screening::Options& options,
                                                     int64_t* data_version);

  // The figures of the named municipalities (any codes) in [first_year,
  // last_year] at `version`, by current code, in one batch.
  absl::StatusOr<FiguresByMunicipality> Figures(const std::vector<std::string>& codes,
                                                int first_year, int last_year, int64_t version);

  // The totals of the count field `field` of `areas` in `year` at `version`,
  // in request order, in one call.
  absl::StatusOr<std::vector<AreaTotal>> AreaTotals(const std::vector<stats::v1::Area>& areas,
                                                    const std::string& field, int year,
                                                    int64_t version);

  // Every code any municipality ever had, to its code today, from one
  // listing at the newest data version.
  absl::StatusOr<std::map<std::string, std::string>> CurrentCodes();

 private:
  absl::StatusOr<const std::vector<MunicipalityInfo>*> ListAll(Listing& listing, int64_t version);

  StatsClient* const stats_;
  const Comparables comparables_;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_CORE_EVALUATOR_H_
