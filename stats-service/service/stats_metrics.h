// The statistics service's own figures for Prometheus, beside the per-RPC
// ones (common/metrics.h):
//
//   imdi_stats_import_rows_total{result="changed|unchanged|rejected"}
//   imdi_stats_watchers   (change-feed streams open)
//
// A default-constructed StatsMetrics records nothing (metrics off), so the
// handlers call it unconditionally. Thread-safe.
#ifndef IMDI_STATS_SERVICE_STATS_METRICS_H_
#define IMDI_STATS_SERVICE_STATS_METRICS_H_

#include <cstdint>
#include <memory>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace imdi::stats {

class StatsMetrics {
 public:
  StatsMetrics() = default;
  // Registers the families in `registry`, which it keeps alive.
  explicit StatsMetrics(std::shared_ptr<prometheus::Registry> registry);

  // Rows of one import message, as ImportFiguresResponse counts them.
  void RowsImported(int64_t changed, int64_t unchanged, int64_t rejected) const;

  // A change-feed stream opened, and ended (however it ended).
  void WatcherStarted() const;
  void WatcherEnded() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter* changed_ = nullptr;
  prometheus::Counter* unchanged_ = nullptr;
  prometheus::Counter* rejected_ = nullptr;
  prometheus::Gauge* watchers_ = nullptr;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_STATS_METRICS_H_
