// One screening of municipalities against a cycle's criteria (the
// ScreenMunicipalities stream): everything it reads from the statistics
// service in at most two calls pinned to one data version (one stream of the
// municipalities and the figures of the years the criteria read, and one
// batch of the region totals they need), then an evaluation of one
// municipality after another in the order of their codes, a chunk at a time,
// so that a reply streams while it is computed and no screening's
// evaluations are ever held all at once.
//
// Not thread-safe: one screening serves one call, one chunk at a time (the
// caller may move it between threads between chunks). Owns what it read and
// frees it with itself. `comparables` is not owned and must outlive it.
#ifndef IMDI_AWARD_CORE_SCREENING_H_
#define IMDI_AWARD_CORE_SCREENING_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "award-service/domain/comparables.h"
#include "award-service/stats/stats_client.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

class Screening {
 public:
  struct Options {
    // 0: the newest data version (the stream tells which it was).
    int64_t version = 0;
    // Only this region's municipalities; unspecified: the whole country.
    stats::v1::ImdiRegion region = stats::v1::IMDI_REGION_UNSPECIFIED;
    bool eligible_only = false;
    v1::EvaluationView view = v1::EVALUATION_VIEW_FULL;
  };

  // Reads what `config` needs at one data version; `config` must have
  // passed ValidateCycleConfig. Blocks on the statistics service.
  static absl::StatusOr<std::unique_ptr<Screening>> Start(StatsClient& stats,
                                                          const Comparables& comparables,
                                                          const v1::CycleConfig& config,
                                                          const Options& options);

  // The statistics data version every evaluation reads.
  int64_t data_version() const { return snapshot_.data_version; }

  // Appends the next evaluations to `chunk`, at most `max_count` and, after
  // the first, no more than `max_bytes` in all; false when there were none
  // left to append.
  bool Next(int max_count, size_t max_bytes, v1::ScreenMunicipalitiesResponse& chunk);

  // Whether every municipality has been evaluated and handed out.
  bool done() const { return next_ >= order_.size(); }

 private:
  Screening(const Comparables& comparables, const v1::CycleConfig& config, const Options& options)
      : comparables_(comparables), config_(config), options_(options) {}

  // Writes the evaluation of the municipality at order_[i], in the view
  // asked for, into `evaluation` (empty).
  void EvaluateAt(size_t i, v1::Evaluation& evaluation) const;

  const Comparables& comparables_;
  const v1::CycleConfig config_;
  const Options options_;
  StatsSnapshot snapshot_;
  std::map<stats::v1::ImdiRegion, RegionSettled> regions_;
  // Any code a municipality ever had -> its code today.
  std::map<std::string, std::string> current_by_code_;
  // Indexes into snapshot_.municipalities of those screened, by code.
  std::vector<size_t> order_;
  size_t next_ = 0;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_CORE_SCREENING_H_
