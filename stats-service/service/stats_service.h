// The gRPC face of the statistics service (imdi.stats.v1.StatsService) on
// the callback API. Each handler decodes the request, calls StatsCore and
// encodes the result; errors leave through the one mapping in
// common/grpc_status.h. Writes (puts, upserts, imports) run on one writer
// thread, in the order they came, so that no callback thread waits for a
// commit; reads run on the callback threads. Thread-safe; holds no data of
// its own.
#ifndef IMDI_STATS_SERVICE_STATS_SERVICE_H_
#define IMDI_STATS_SERVICE_STATS_SERVICE_H_

#include <memory>

#include "common/reply_cache.h"
#include "common/rpc_scope.h"
#include "common/worker_pool.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "stats-service/service/stats_metrics.h"
#include "stats-service/domain/stats_core.h"

namespace imdi::stats {

// ErrorInfo.domain of this service's errors.
inline constexpr char kStatsErrorDomain[] = "stats.imdi.no";

// Every method is a raw callback method: the handlers decode the request
// bytes themselves (common/raw_message.h), so that an unreadable request or
// import message is a clear INVALID_ARGUMENT, never gRPC's UNIMPLEMENTED or
// a silently shortened import stream.
// clang-format off
using RawStatsService = v1::StatsService::WithRawCallbackMethod_UpsertMunicipality<
    v1::StatsService::WithRawCallbackMethod_BatchUpsertMunicipalities<
    v1::StatsService::WithRawCallbackMethod_GetMunicipality<
    v1::StatsService::WithRawCallbackMethod_ListMunicipalities<
    v1::StatsService::WithRawCallbackMethod_PutFigures<
    v1::StatsService::WithRawCallbackMethod_GetFigures<
    v1::StatsService::WithRawCallbackMethod_BatchGetFigures<
    v1::StatsService::WithRawCallbackMethod_ListFigures<
    v1::StatsService::WithRawCallbackMethod_StreamFigures<
    v1::StatsService::WithRawCallbackMethod_GetFiguresHistory<
    v1::StatsService::WithRawCallbackMethod_ImportFigures<
    v1::StatsService::WithRawCallbackMethod_GetAggregate<
    v1::StatsService::WithRawCallbackMethod_GetDataVersion<
    v1::StatsService::WithRawCallbackMethod_BatchGetAggregates<
    v1::StatsService::WithRawCallbackMethod_ExportFigures<
    v1::StatsService::WithRawCallbackMethod_WatchFigures<
    v1::StatsService::Service>>>>>>>>>>>>>>>>;
// clang-format on

class StatsServiceImpl final : public RawStatsService {
 public:
  // `core` and `access` must outlive the service; without `access` calls
  // are not checked (tests of the service itself).
  // `reply_cache_bytes` bounds the replies kept for reads repeated at the
  // same data version (common/reply_cache.h); 0 keeps none. Calls are
  // counted in `calls` and the service's own figures in `metrics` when
  // given (both must outlive the service).
  explicit StatsServiceImpl(StatsCore* core, const auth::AccessControl* access = nullptr,
                            size_t reply_cache_bytes = kDefaultReplyCacheBytes,
                            const ServiceCallMetrics* calls = nullptr,
                            const StatsMetrics* metrics = nullptr)
      : core_(core),
        policy_{v1::StatsService::service_full_name(), kStatsErrorDomain, access, calls},
        metrics_(metrics != nullptr ? metrics : &no_metrics_),
        replies_(reply_cache_bytes > 0 ? std::make_unique<ReplyCache>(reply_cache_bytes)
                                       : nullptr) {}

  static constexpr size_t kDefaultReplyCacheBytes = size_t{16} << 20;

  using Context = grpc::CallbackServerContext;
  using Unary = grpc::ServerUnaryReactor;
  using Bytes = grpc::ByteBuffer;

  Unary* UpsertMunicipality(Context* context, const Bytes* request, Bytes* response) override;
  Unary* BatchUpsertMunicipalities(Context* context, const Bytes* request,
                                   Bytes* response) override;
  Unary* GetMunicipality(Context* context, const Bytes* request, Bytes* response) override;
  Unary* ListMunicipalities(Context* context, const Bytes* request, Bytes* response) override;
  Unary* PutFigures(Context* context, const Bytes* request, Bytes* response) override;
  Unary* GetFigures(Context* context, const Bytes* request, Bytes* response) override;
  Unary* BatchGetFigures(Context* context, const Bytes* request, Bytes* response) override;
  Unary* ListFigures(Context* context, const Bytes* request, Bytes* response) override;
  grpc::ServerWriteReactor<Bytes>* StreamFigures(Context* context, const Bytes* request) override;
  Unary* GetFiguresHistory(Context* context, const Bytes* request, Bytes* response) override;
  grpc::ServerReadReactor<Bytes>* ImportFigures(Context* context, Bytes* response) override;
  Unary* GetAggregate(Context* context, const Bytes* request, Bytes* response) override;
  Unary* GetDataVersion(Context* context, const Bytes* request, Bytes* response) override;
  Unary* BatchGetAggregates(Context* context, const Bytes* request, Bytes* response) override;
  grpc::ServerWriteReactor<Bytes>* ExportFigures(Context* context, const Bytes* request) override;
  grpc::ServerWriteReactor<Bytes>* WatchFigures(Context* context, const Bytes* request) override;

 private:
  StatsCore* const core_;
  const CallPolicy policy_;
  const StatsMetrics no_metrics_{};
  // The service's own figures (WatcherStarted/WatcherEnded for change feeds).
  const StatsMetrics* const metrics_;
  // Replies of streams, by request and data version; null when off.
  std::unique_ptr<ReplyCache> replies_;
  // The writer. Destroyed (its queue run) before the core.
  WorkerPool writer_{1};
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_STATS_SERVICE_H_
