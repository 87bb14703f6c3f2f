#include "stats-service/service/stats_metrics.h"

#include <utility>

namespace imdi::stats {

StatsMetrics::StatsMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)) {
  auto& rows = prometheus::BuildCounter()
                   .Name("imdi_stats_import_rows_total")
                   .Help("Import rows the service received, by result: changed the figures, "
                         "changed nothing, or rejected.")
                   .Register(*registry_);
  changed_ = &rows.Add({{"result", "changed"}});
  unchanged_ = &rows.Add({{"result", "unchanged"}});
  rejected_ = &rows.Add({{"result", "rejected"}});
  watchers_ = &prometheus::BuildGauge()
                   .Name("imdi_stats_watchers")
                   .Help("Change-feed streams open.")
                   .Register(*registry_)
                   .Add({});
}

void StatsMetrics::RowsImported(int64_t changed, int64_t unchanged, int64_t rejected) const {
  if (registry_ == nullptr) return;
  if (changed > 0) changed_->Increment(static_cast<double>(changed));
  if (unchanged > 0) unchanged_->Increment(static_cast<double>(unchanged));
  if (rejected > 0) rejected_->Increment(static_cast<double>(rejected));
}

void StatsMetrics::WatcherStarted() const {
  if (watchers_ != nullptr) watchers_->Increment();
}

void StatsMetrics::WatcherEnded() const {
  if (watchers_ != nullptr) watchers_->Decrement();
}

}  // namespace imdi::stats
