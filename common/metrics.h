// Prometheus metrics of a server (prometheus-cpp): one registry per server,
// served over HTTP on its own port (--metrics_listen), and the per-RPC
// figures that every call records.
//
// Names follow Prometheus' conventions (base units, `_total` counters,
// `_seconds` durations):
//
//   imdi_grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   imdi_grpc_server_handling_seconds{grpc_service,grpc_method}  (histogram)
//   imdi_grpc_server_calls_in_flight{grpc_service,grpc_method}
//
// Every method of a service added with AddService has its series created up
// front (every code at 0), so that recording a call is a hash lookup and a
// few atomic additions, and a rate() sees a method's first call. Thread-safe.
#ifndef IMDI_COMMON_METRICS_H_
#define IMDI_COMMON_METRICS_H_

#include <array>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace imdi {

// A registry served at http://LISTEN/metrics. Collectors added with
// AddCollector are read at every scrape (figures that live elsewhere:
// RocksDB's properties, a data version). Thread-safe.
class MetricsEndpoint {
 public:
  // Serves on `listen` (IP:PORT; port 0 picks a free port). UNAVAILABLE
  // naming the address when it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& listen);
  ~MetricsEndpoint();

  // Families registered here are served; whoever records into them keeps
  // the registry alive.
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // The port actually bound.
  int port() const { return port_; }

  // `collect` runs on the exposer's thread at every scrape; it must be
  // thread-safe and outlive the endpoint (or be removed by destroying it).
  void AddCollector(std::function<std::vector<prometheus::MetricFamily>()> collect);

 private:
  MetricsEndpoint() = default;

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectors_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

// A gauge family of one sample per label set, for collectors.
prometheus::MetricFamily GaugeFamily(
    std::string name, std::string help,
    const std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>>& samples);
// The same as a counter family.
prometheus::MetricFamily CounterFamily(
    std::string name, std::string help,
    const std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>>& samples);

// The series of one method.
struct MethodCallMetrics {
  // By gRPC status code (0-16).
  std::array<prometheus::Counter*, 17> handled{};
  prometheus::Histogram* seconds = nullptr;
  prometheus::Gauge* in_flight = nullptr;

  void Started() const { in_flight->Increment(); }
  void Finished(int grpc_code, absl::Duration elapsed) const;
};

// The methods of one service, created up front.
class ServiceCallMetrics {
 public:
  // nullptr for a method the service does not have.
  const MethodCallMetrics* Find(absl::string_view method) const {
    auto it = methods_.find(method);
    return it == methods_.end() ? nullptr : it->second.get();
  }

 private:
  friend class GrpcServerMetrics;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodCallMetrics>> methods_;
};

// The per-RPC figures of one server, in one registry.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(std::shared_ptr<prometheus::Registry> registry);

  // Creates the series of every method of `service` ("package.Service", as
  // the generated descriptor pool knows it; a service it does not know gets
  // none, and its methods are created on first use by ForMethod) and
  // returns them; the same object for the same name. Stable for the life of
  // this object.
  const ServiceCallMetrics* AddService(absl::string_view service) ABSL_LOCKS_EXCLUDED(mu_);

  // The series of "/package.Service/Method" (gRPC's full method name), for
  // calls outside RpcScope (health, reflection, channelz). Creates them on
  // first use.
  const MethodCallMetrics* ForMethod(absl::string_view full_method) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::unique_ptr<MethodCallMetrics> Create(absl::string_view service, absl::string_view method)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<ServiceCallMetrics>> services_
      ABSL_GUARDED_BY(mu_);
};

// Calls a client makes to another service, by method and outcome (the
// gRPC code's name): `<prefix>_calls_total{method,outcome}` and
// `<prefix>_call_seconds{method}`. Series are created on first use (these
// calls are few and slow). Thread-safe.
class ClientCallMetrics {
 public:
  ClientCallMetrics(std::shared_ptr<prometheus::Registry> registry, const std::string& prefix,
                    const std::string& what);

  void Record(absl::string_view method, absl::StatusCode code, absl::Duration elapsed)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, prometheus::Histogram*> seconds_by_method_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Counter*> calls_by_key_ ABSL_GUARDED_BY(mu_);
};

// A store's figures, read at scrape time; absent where the store cannot
// tell (never 0 for unknown).
struct StorageFigures {
  std::optional<double> live_data_bytes;           // rocksdb.estimate-live-data-size
  std::optional<double> pending_compaction_bytes;  // rocksdb.estimate-pending-compaction-bytes
  std::optional<double> block_cache_usage_bytes;   // rocksdb.block-cache-usage
  std::optional<double> block_cache_capacity_bytes;
  std::optional<double> block_cache_hits;          // BLOCK_CACHE_HIT, since the store opened
  std::optional<double> block_cache_misses;        // BLOCK_CACHE_MISS
};

// `figures` as imdi_rocksdb_* families with the label service="<service>".
std::vector<prometheus::MetricFamily> StorageFamilies(const std::string& service,
                                                      const StorageFigures& figures);

// The bucket bounds of the duration histograms, in seconds.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// "OK", "NOT_FOUND", ... for a gRPC code (0-16); "UNKNOWN" otherwise.
absl::string_view GrpcCodeName(int code);

}  // namespace imdi

#endif  // IMDI_COMMON_METRICS_H_
