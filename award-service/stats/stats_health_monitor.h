// Watches the statistics service's health and reports every change, so that
// the award service can say NOT_SERVING while it cannot evaluate. One
// thread, polling with the client's deadline; stops on destruction.
#ifndef IMDI_AWARD_STATS_STATS_HEALTH_MONITOR_H_
#define IMDI_AWARD_STATS_STATS_HEALTH_MONITOR_H_

#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "award-service/stats/stats_client.h"

namespace imdi::award {

class StatsHealthMonitor {
 public:
  // Calls `on_change(healthy, status)` from the monitor thread: once at
  // the first check, then on every change. `client` must outlive it.
  StatsHealthMonitor(StatsClient* client, absl::Duration interval,
                     std::function<void(bool, const absl::Status&)> on_change);
  ~StatsHealthMonitor();
  StatsHealthMonitor(const StatsHealthMonitor&) = delete;
  StatsHealthMonitor& operator=(const StatsHealthMonitor&) = delete;

 private:
  void Run();

  StatsClient* const client_;
  const absl::Duration interval_;
  const std::function<void(bool, const absl::Status&)> on_change_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_STATS_STATS_HEALTH_MONITOR_H_
