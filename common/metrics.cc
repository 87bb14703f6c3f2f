#include "common/metrics.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/exposer.h"

namespace imdi {
namespace {

// A collector that asks a function at every scrape.
class FunctionCollector final : public prometheus::Collectable {
 public:
  explicit FunctionCollector(std::function<std::vector<prometheus::MetricFamily>()> collect)
      : collect_(std::move(collect)) {}
  std::vector<prometheus::MetricFamily> Collect() const override { return collect_(); }

 private:
  std::function<std::vector<prometheus::MetricFamily>()> collect_;
};

prometheus::MetricFamily Family(
    std::string name, std::string help, prometheus::MetricType type,
    const std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>>& samples) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  for (const auto& [labels, value] : samples) {
    prometheus::ClientMetric& metric = family.metric.emplace_back();
    metric.label = labels;
    if (type == prometheus::MetricType::Counter) {
      metric.counter.value = value;
    } else {
      metric.gauge.value = value;
    }
  }
  return family;
}

constexpr std::array<absl::string_view, 17> kCodeNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

}  // namespace

absl::string_view GrpcCodeName(int code) {
  return code >= 0 && code < static_cast<int>(kCodeNames.size()) ? kCodeNames[code] : "UNKNOWN";
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *buckets;
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(const std::string& listen) {
  auto endpoint = std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint);
  endpoint->registry_ = std::make_shared<prometheus::Registry>();
  try {
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, " (--metrics_listen): ", e.what()));
  }
  std::vector<int> ports = endpoint->exposer_->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, " (--metrics_listen)"));
  }
  endpoint->port_ = ports.front();
  endpoint->exposer_->RegisterCollectable(endpoint->registry_);
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  // Stops the HTTP server (and its scrapes) before the collectors go.
  exposer_.reset();
}

void MetricsEndpoint::AddCollector(std::function<std::vector<prometheus::MetricFamily>()> collect) {
  auto collector = std::make_shared<FunctionCollector>(std::move(collect));
  collectors_.push_back(collector);
  exposer_->RegisterCollectable(collector);
}

prometheus::MetricFamily GaugeFamily(
    std::string name, std::string help,
    const std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>>& samples) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Gauge, samples);
}

prometheus::MetricFamily CounterFamily(
    std::string name, std::string help,
    const std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>>& samples) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Counter, samples);
}

std::vector<prometheus::MetricFamily> StorageFamilies(const std::string& service,
                                                      const StorageFigures& figures) {
  const std::vector<prometheus::ClientMetric::Label> labels = {{"service", service}};
  std::vector<prometheus::MetricFamily> out;
  auto gauge = [&](const char* name, const char* help, const std::optional<double>& value) {
    if (value.has_value()) out.push_back(GaugeFamily(name, help, {{labels, *value}}));
  };
  auto counter = [&](const char* name, const char* help, const std::optional<double>& value) {
    if (value.has_value()) out.push_back(CounterFamily(name, help, {{labels, *value}}));
  };
  gauge("imdi_rocksdb_live_data_bytes", "RocksDB's estimate of the live data in the store.",
        figures.live_data_bytes);
  gauge("imdi_rocksdb_pending_compaction_bytes",
        "Bytes RocksDB estimates compaction has to rewrite to settle the store.",
        figures.pending_compaction_bytes);
  gauge("imdi_rocksdb_block_cache_usage_bytes", "Bytes held in the store's block cache.",
        figures.block_cache_usage_bytes);
  gauge("imdi_rocksdb_block_cache_capacity_bytes", "Capacity of the store's block cache.",
        figures.block_cache_capacity_bytes);
  counter("imdi_rocksdb_block_cache_hits_total",
          "Block cache lookups that found the block, since the store opened.",
          figures.block_cache_hits);
  counter("imdi_rocksdb_block_cache_misses_total",
          "Block cache lookups that read the block from disk, since the store opened.",
          figures.block_cache_misses);
  return out;
}

void MethodCallMetrics::Finished(int grpc_code, absl::Duration elapsed) const {
  in_flight->Decrement();
  handled[grpc_code >= 0 && grpc_code < 17 ? grpc_code : 2]->Increment();
  seconds->Observe(absl::ToDoubleSeconds(elapsed));
}

GrpcServerMetrics::GrpcServerMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("imdi_grpc_server_handled_total")
                   .Help("RPCs completed on the server, by method and gRPC status code.")
                   .Register(*registry_)),
      seconds_(prometheus::BuildHistogram()
                   .Name("imdi_grpc_server_handling_seconds")
                   .Help("Time from a call's arrival to its status, by method.")
                   .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("imdi_grpc_server_calls_in_flight")
                     .Help("Calls started and not yet finished, by method.")
                     .Register(*registry_)) {}

std::unique_ptr<MethodCallMetrics> GrpcServerMetrics::Create(absl::string_view service,
                                                             absl::string_view method) {
  auto m = std::make_unique<MethodCallMetrics>();
  const std::string s(service), name(method);
  for (int code = 0; code < 17; ++code) {
    m->handled[code] = &handled_.Add(
        {{"grpc_service", s}, {"grpc_method", name}, {"grpc_code", std::string(GrpcCodeName(code))}});
  }
  m->seconds = &seconds_.Add({{"grpc_service", s}, {"grpc_method", name}}, LatencyBuckets());
  m->in_flight = &in_flight_.Add({{"grpc_service", s}, {"grpc_method", name}});
  return m;
}

const ServiceCallMetrics* GrpcServerMetrics::AddService(absl::string_view service) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<ServiceCallMetrics>& entry = services_[service];
  if (entry != nullptr) return entry.get();
  entry = std::make_unique<ServiceCallMetrics>();
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor != nullptr) {
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string& method = descriptor->method(i)->name();
      entry->methods_[method] = Create(service, method);
    }
  }
  return entry.get();
}

const MethodCallMetrics* GrpcServerMetrics::ForMethod(absl::string_view full_method) {
  absl::string_view path = absl::StripPrefix(full_method, "/");
  const size_t slash = path.rfind('/');
  const absl::string_view service = slash == absl::string_view::npos ? "" : path.substr(0, slash);
  const absl::string_view method = slash == absl::string_view::npos ? path : path.substr(slash + 1);
  {
    absl::MutexLock lock(&mu_);
    auto it = services_.find(service);
    if (it != services_.end()) {
      if (const MethodCallMetrics* found = it->second->Find(method)) return found;
    }
  }
  AddService(service);
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodCallMetrics>& entry = services_[service]->methods_[method];
  if (entry == nullptr) entry = Create(service, method);
  return entry.get();
}

ClientCallMetrics::ClientCallMetrics(std::shared_ptr<prometheus::Registry> registry,
                                     const std::string& prefix, const std::string& what)
    : registry_(std::move(registry)),
      calls_(prometheus::BuildCounter()
                 .Name(absl::StrCat(prefix, "_calls_total"))
                 .Help(absl::StrCat("Calls to ", what, ", by method and outcome (gRPC code)."))
                 .Register(*registry_)),
      seconds_(prometheus::BuildHistogram()
                   .Name(absl::StrCat(prefix, "_call_seconds"))
                   .Help(absl::StrCat("Duration of calls to ", what, ", by method."))
                   .Register(*registry_)) {}

void ClientCallMetrics::Record(absl::string_view method, absl::StatusCode code,
                               absl::Duration elapsed) {
  const absl::string_view outcome = GrpcCodeName(static_cast<int>(code));
  prometheus::Counter* calls;
  prometheus::Histogram* seconds;
  {
    absl::MutexLock lock(&mu_);
    prometheus::Counter*& counter = calls_by_key_[absl::StrCat(method, "/", outcome)];
    if (counter == nullptr) {
      counter = &calls_.Add({{"method", std::string(method)}, {"outcome", std::string(outcome)}});
    }
    calls = counter;
    prometheus::Histogram*& histogram = seconds_by_method_[method];
    if (histogram == nullptr) {
      histogram = &seconds_.Add({{"method", std::string(method)}}, LatencyBuckets());
    }
    seconds = histogram;
  }
  calls->Increment();
  seconds->Observe(absl::ToDoubleSeconds(elapsed));
}

}  // namespace imdi
