// StatsClient over gRPC: one long-lived channel and stub, a deadline on every
// call, and retries with exponential backoff for UNAVAILABLE and (for unary
// calls) DEADLINE_EXCEEDED; every call here is an idempotent read. While the
// health monitor reports the statistics service unreachable, a call makes one
// attempt and fails fast. Batches stay under the statistics service's limit
// of keys per call. Errors that are not the caller's (a refusal of the award
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
#include "grpcpp/channel.h"
#include "imdi/stats/v1/stats.grpc.pb.h"

namespace imdi::award {

struct GrpcStatsClientOptions {
  // Deadline of one attempt of a unary call.
  absl::Duration deadline = absl::Seconds(5);
  // Deadline of a whole figures stream.
  absl::Duration stream_deadline = absl::Seconds(60);
  // Attempts per call, including the first.
  int max_attempts = 4;
  // Backoff before the second attempt; doubles each time.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  // The award service's bearer token for the statistics service, if any.
  std::string bearer_token;
};

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
  absl::StatusOr<FiguresByMunicipality> StreamFigures(int first_year, int last_year,
                                                      int64_t version) override;
  absl::StatusOr<RegionSettled> GetRegionSettled(stats::v1::ImdiRegion region, int year,
                                                 int64_t version) override;
  absl::Status CheckHealth() override;

  // Set by the health monitor.
  void SetReachable(bool reachable) { reachable_.store(reachable); }

 private:
  // Runs `call(context)` with a fresh context and deadline per attempt,
  // retrying what a retry may fix.
  template <typename Call>
  absl::Status WithRetries(absl::string_view what, absl::Duration deadline, bool stream,
                           Call call);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stats::v1::StatsService::Stub> stub_;
  const GrpcStatsClientOptions options_;
  std::atomic<bool> reachable_{true};
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_STATS_GRPC_STATS_CLIENT_H_
