// StatsClient over gRPC: one long-lived channel and stub, and a deadline on
// every call, capped by the deadline of the incoming call being served
// (ScopedCallDeadline). Retries with exponential backoff for UNAVAILABLE come
// from the channel's service config (StatsChannelArguments): every method
// called here is an idempotent read. Batches stay under the statistics
// service's limit of keys per call. Errors that are not the caller's (a refusal of the award
// service's own request) become INTERNAL; transport details go to the log,
// not to clients. Blocking: call it from worker threads, never from a gRPC
// reactor. Thread-safe.
#ifndef IMDI_AWARD_STATS_GRPC_STATS_CLIENT_H_
#define IMDI_AWARD_STATS_GRPC_STATS_CLIENT_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "award-service/stats/stats_client.h"
#include "common/metrics.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "imdi/stats/v1/stats.grpc.pb.h"

namespace imdi::award {

struct GrpcStatsClientOptions {
  // Deadline of a unary call, retries included.
  absl::Duration deadline = absl::Seconds(5);
  // Deadline of a whole figures stream.
  absl::Duration stream_deadline = absl::Seconds(60);
  // The award service's bearer token for the statistics service, if any.
  std::string bearer_token;
  // Where the calls are counted, by method and outcome; null: not counted.
  // Must outlive the client.
  ClientCallMetrics* metrics = nullptr;
};

// The service config of the channel to the statistics service: its read
// methods are retried on UNAVAILABLE up to `max_attempts` times (2-5) with
// exponential backoff from 0.1 s.
std::string StatsServiceConfig(int max_attempts);

// Channel arguments carrying that service config.
grpc::ChannelArguments StatsChannelArguments(int max_attempts);

class GrpcStatsClient final : public StatsClient {
 public:
  GrpcStatsClient(std::shared_ptr<grpc::Channel> channel, GrpcStatsClientOptions options = {});

  absl::StatusOr<int64_t> DataVersion() override;
  absl::StatusOr<MunicipalityInfo> GetMunicipality(const std::string& code,
                                                   int64_t version) override;
  absl::StatusOr<std::vector<MunicipalityInfo>> ListMunicipalities(int64_t version) override;
  absl::StatusOr<FiguresByMunicipality> BatchGetFigures(const std::vector<std::string>& codes,
                                                        int first_year, int last_year,
                                                        int64_t version) override;
  absl::StatusOr<StatsSnapshot> StreamSnapshot(int first_year, int last_year,
                                               stats::v1::ImdiRegion region,
                                               int64_t version) override;
  absl::StatusOr<RegionSettledByRegion> BatchGetRegionSettled(
      const std::vector<stats::v1::ImdiRegion>& regions, int year, int64_t version) override;
  absl::StatusOr<std::vector<AreaTotal>> BatchGetAreaTotals(
      const std::vector<stats::v1::Area>& areas, const std::string& field, int year,
      int64_t version) override;
  // Health, then one authenticated read: credentials the statistics service
  // refuses make the award service not ready, too.
  absl::Status CheckHealth() override;

  // Set by the health monitor: while the statistics service is known to be
  // unreachable, calls fail at once instead of waiting out their retries.
  void SetReachable(bool reachable) { reachable_.store(reachable); }

 private:
  // Runs `call(context)` with the deadline, the token, and the error mapping.
  template <typename Call>
  absl::Status Invoke(absl::string_view what, absl::Duration budget, Call call);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stats::v1::StatsService::Stub> stub_;
  const GrpcStatsClientOptions options_;
  std::atomic<bool> reachable_{true};
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_STATS_GRPC_STATS_CLIENT_H_
