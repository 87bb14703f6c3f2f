#include "award-service/stats/stats_health_monitor.h"

#include <optional>

namespace imdi::award {

StatsHealthMonitor::StatsHealthMonitor(StatsClient* client, absl::Duration interval,
                                       std::function<void(bool, const absl::Status&)> on_change)
    : client_(client), interval_(interval), on_change_(std::move(on_change)),
      thread_([this] { Run(); }) {}

StatsHealthMonitor::~StatsHealthMonitor() {
  stop_.Notify();
  thread_.join();
}

void StatsHealthMonitor::Run() {
  std::optional<bool> last;
  do {
    absl::Status status = client_->CheckHealth();
    const bool healthy = status.ok();
    if (!last || *last != healthy) {
      on_change_(healthy, status);
      last = healthy;
    }
  } while (!stop_.WaitForNotificationWithTimeout(interval_));
}

}  // namespace imdi::award
