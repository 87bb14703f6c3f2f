// What counting a call costs: RpcScope (request id, log decision, status
// mapping) with and without the per-method Prometheus series, and the
// series alone (lookup, in-flight gauge, code counter, latency histogram).
// The difference between the first two is the metrics' cost per call.
#include <memory>

#include "absl/status/status.h"
#include "benchmark/benchmark.h"
#include "common/metrics.h"
#include "common/rpc_scope.h"
#include "grpcpp/server_context.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "prometheus/registry.h"

namespace imdi {
namespace {

struct Fixture {
  Fixture() {
    // Links the service's descriptor, from which its methods' series come.
    (void)stats::v1::GetFiguresRequest::descriptor();
    calls = metrics.AddService(stats::v1::StatsService::service_full_name());
  }
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  GrpcServerMetrics metrics{registry};
  const ServiceCallMetrics* calls = nullptr;
};

Fixture& Shared() {
  static auto* fixture = new Fixture;
  return *fixture;
}

void RunScopes(benchmark::State& state, const ServiceCallMetrics* calls) {
  SetAccessLog(false);  // the log line is not what is measured
  const CallPolicy policy{stats::v1::StatsService::service_full_name(), "stats.imdi.no", nullptr,
                          calls};
  const absl::Status not_found = absl::NotFoundError("no figures");
  int i = 0;
  for (auto _ : state) {
    grpc::CallbackServerContext context;
    RpcScope scope(&context, "GetFigures", policy);
    benchmark::DoNotOptimize(scope.Finish((++i & 3) == 0 ? not_found : absl::OkStatus()));
  }
}

void BM_RpcScopeWithoutMetrics(benchmark::State& state) { RunScopes(state, nullptr); }
BENCHMARK(BM_RpcScopeWithoutMetrics)->ThreadRange(1, 2);

void BM_RpcScopeWithMetrics(benchmark::State& state) { RunScopes(state, Shared().calls); }
BENCHMARK(BM_RpcScopeWithMetrics)->ThreadRange(1, 2);

void BM_MethodSeriesAlone(benchmark::State& state) {
  const ServiceCallMetrics* calls = Shared().calls;
  for (auto _ : state) {
    const MethodCallMetrics* method = calls->Find("GetFigures");
    if (method == nullptr) {
      state.SkipWithError("no series for GetFigures");
      return;
    }
    method->Started();
    method->Finished(0, absl::Microseconds(40));
  }
}
BENCHMARK(BM_MethodSeriesAlone)->ThreadRange(1, 2);

}  // namespace
}  // namespace imdi

BENCHMARK_MAIN();
