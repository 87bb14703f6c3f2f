// The gRPC face of the statistics service (imdi.stats.v1.StatsService) on
// the callback API. Each handler decodes the request, calls StatsCore and
// encodes the result; errors leave through the one mapping in
// common/grpc_status.h. Thread-safe; holds no data of its own.
#ifndef IMDI_STATS_SERVICE_STATS_SERVICE_H_
#define IMDI_STATS_SERVICE_STATS_SERVICE_H_

#include "common/rpc_scope.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "stats-service/domain/stats_core.h"

namespace imdi::stats {

// ErrorInfo.domain of this service's errors.
inline constexpr char kStatsErrorDomain[] = "stats.imdi.no";

class StatsServiceImpl final : public ::imdi::stats::v1::StatsService::CallbackService {
 public:
  // `core` and `access` must outlive the service; without `access` calls
  // are not checked (tests of the service itself).
  explicit StatsServiceImpl(StatsCore* core, const auth::AccessControl* access = nullptr)
      : core_(core),
        policy_{v1::StatsService::service_full_name(), kStatsErrorDomain, access} {}

  using Context = grpc::CallbackServerContext;
  using Unary = grpc::ServerUnaryReactor;

  Unary* UpsertMunicipality(Context* context, const v1::UpsertMunicipalityRequest* request,
                            v1::UpsertMunicipalityResponse* response) override;
  Unary* BatchUpsertMunicipalities(Context* context,
                                   const v1::BatchUpsertMunicipalitiesRequest* request,
                                   v1::BatchUpsertMunicipalitiesResponse* response) override;
  Unary* GetMunicipality(Context* context, const v1::GetMunicipalityRequest* request,
                         v1::GetMunicipalityResponse* response) override;
  Unary* ListMunicipalities(Context* context, const v1::ListMunicipalitiesRequest* request,
                            v1::ListMunicipalitiesResponse* response) override;
  Unary* PutFigures(Context* context, const v1::PutFiguresRequest* request,
                    v1::PutFiguresResponse* response) override;
  Unary* GetFigures(Context* context, const v1::GetFiguresRequest* request,
                    v1::GetFiguresResponse* response) override;
  Unary* BatchGetFigures(Context* context, const v1::BatchGetFiguresRequest* request,
                         v1::BatchGetFiguresResponse* response) override;
  Unary* ListFigures(Context* context, const v1::ListFiguresRequest* request,
                     v1::ListFiguresResponse* response) override;
  grpc::ServerWriteReactor<v1::StreamFiguresResponse>* StreamFigures(
      Context* context, const v1::StreamFiguresRequest* request) override;
  Unary* GetFiguresHistory(Context* context, const v1::GetFiguresHistoryRequest* request,
                           v1::GetFiguresHistoryResponse* response) override;
  grpc::ServerReadReactor<v1::ImportFiguresRequest>* ImportFigures(
      Context* context, v1::ImportFiguresResponse* response) override;
  Unary* GetAggregate(Context* context, const v1::GetAggregateRequest* request,
                      v1::GetAggregateResponse* response) override;
  Unary* GetDataVersion(Context* context, const v1::GetDataVersionRequest* request,
                        v1::GetDataVersionResponse* response) override;

 private:
  StatsCore* const core_;
  const CallPolicy policy_;
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_STATS_SERVICE_H_
