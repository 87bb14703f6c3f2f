#include "award-service/stats/grpc_stats_client.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "absl/strings/strip.h"
#include "award-service/stats/call_deadline.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace imdi::award {
namespace {

constexpr int kListPageSize = 1000;
// The statistics service's limit of keys per BatchGetFigures.
constexpr size_t kMaxBatchKeys = 1000;

bool Unreachable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

void SetDeadline(grpc::ClientContext& context, absl::Duration deadline) {
  context.set_deadline(absl::ToChronoTime(
      OutgoingDeadline(absl::Now(), deadline, ScopedCallDeadline::Current())));
}

MunicipalityInfo ToInfo(const stats::v1::Municipality& m) {
  MunicipalityInfo info;
  info.code = m.code();
  info.name = m.name();
  info.imdi_region = m.imdi_region();
  info.codes.push_back(m.code());
  for (const auto& c : m.code_history()) {
    if (c.code() != m.code()) info.codes.push_back(c.code());
    info.code_history.push_back(
        {c.code(), c.name(), c.has_valid_from_year() ? std::optional<int>(c.valid_from_year()) : std::nullopt,
         c.has_valid_to_year() ? std::optional<int>(c.valid_to_year()) : std::nullopt});
  }
  if (m.has_valid_from_year()) info.valid_from_year = m.valid_from_year();
  if (m.has_valid_to_year()) info.valid_to_year = m.valid_to_year();
  return info;
}

std::string YearFilter(int first_year, int last_year) {
  return absl::StrCat("year >= ", first_year, " AND year <= ", last_year);
}

}  // namespace

GrpcStatsClient::GrpcStatsClient(std::shared_ptr<grpc::Channel> channel,
                                 GrpcStatsClientOptions options)
    : channel_(std::move(channel)),
      stub_(stats::v1::StatsService::NewStub(channel_)),
      options_(options) {}

template <typename Call>
absl::Status GrpcStatsClient::Invoke(absl::string_view what, absl::Duration budget, Call call) {
  const absl::Time incoming = ScopedCallDeadline::Current();
  const absl::Time now = absl::Now();
  if (incoming <= now) {
    return MakeError(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                     "the call's deadline passed before the statistics service was asked");
  }
  if (!reachable_.load()) {
    return MakeError(absl::StatusCode::kUnavailable, "STATS_UNAVAILABLE",
                     "the statistics service is unreachable; try again later");
  }
  const absl::Time deadline = OutgoingDeadline(now, budget, incoming);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  if (!options_.bearer_token.empty()) {
    context.AddMetadata("authorization", "Bearer " + options_.bearer_token);
  }
  const grpc::Status status = call(context);
  if (options_.metrics != nullptr) {
    options_.metrics->Record(what, static_cast<absl::StatusCode>(status.error_code()),
                             absl::Now() - now);
  }
  if (status.ok()) return absl::OkStatus();
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && deadline == incoming) {
    return MakeError(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                     "the call's deadline passed while waiting for the statistics service");
  }
  if (Unreachable(status.error_code())) {
    LogWarning(absl::StrCat("statistics service: ", what, ": ", status.error_message()));
    return MakeError(absl::StatusCode::kUnavailable, "STATS_UNAVAILABLE",
                     "the statistics service is unreachable; try again later");
  }
  absl::Status error = FromGrpcStatus(status);
  if (error.code() == absl::StatusCode::kNotFound) return error;  // e.g. UNKNOWN_MUNICIPALITY
  // Anything else refuses the award service's own request: not the client's
  // to fix, and its details name fields the client never sent.
  LogError(absl::StrCat("statistics service refused ", what, ": ", error.ToString()));
  return MakeError(absl::StatusCode::kInternal, "STATS_ERROR",
                   absl::StrCat("the statistics service refused ", what));
}

std::string StatsServiceConfig(int max_attempts) {
  std::string names;
  for (const char* method : {"GetDataVersion", "GetMunicipality", "ListMunicipalities",
                             "BatchGetFigures", "StreamFigures", "GetAggregate",
                             "BatchGetAggregates"}) {
    absl::StrAppend(&names, names.empty() ? "" : ",",
                    R"({"service":"imdi.stats.v1.StatsService","method":")", method, R"("})");
  }
  return absl::StrCat(
      R"({"methodConfig":[{"name":[)", names,
      R"(],"retryPolicy":{"maxAttempts":)", std::clamp(max_attempts, 2, 5),
      R"(,"initialBackoff":"0.1s","maxBackoff":"2s","backoffMultiplier":2,)",
      R"("retryableStatusCodes":["UNAVAILABLE"]}}]})");
}

grpc::ChannelArguments StatsChannelArguments(int max_attempts) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(StatsServiceConfig(max_attempts));
  return args;
}

absl::StatusOr<int64_t> GrpcStatsClient::DataVersion() {
  stats::v1::GetDataVersionResponse response;
  absl::Status status = Invoke("GetDataVersion", options_.deadline, [&](auto& context) {
    return stub_->GetDataVersion(&context, stats::v1::GetDataVersionRequest(), &response);
  });
  if (!status.ok()) return status;
  return response.data_version();
}

absl::StatusOr<MunicipalityInfo> GrpcStatsClient::GetMunicipality(const std::string& code,
                                                                  int64_t version) {
  stats::v1::GetMunicipalityRequest request;
  request.set_code(code);
  request.set_as_of_version(version);
  stats::v1::GetMunicipalityResponse response;
  absl::Status status = Invoke("GetMunicipality", options_.deadline, [&](auto& context) {
    return stub_->GetMunicipality(&context, request, &response);
  });
  if (!status.ok()) return status;
  return ToInfo(response.municipality());
}

absl::StatusOr<std::vector<MunicipalityInfo>> GrpcStatsClient::ListMunicipalities(
    int64_t version) {
  std::vector<MunicipalityInfo> out;
  stats::v1::ListMunicipalitiesRequest request;
  request.set_page_size(kListPageSize);
  request.set_as_of_version(version);
  do {
    stats::v1::ListMunicipalitiesResponse response;
    absl::Status status = Invoke("ListMunicipalities", options_.deadline, [&](auto& context) {
      return stub_->ListMunicipalities(&context, request, &response);
    });
    if (!status.ok()) return status;
    for (const auto& m : response.municipalities()) out.push_back(ToInfo(m));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<FiguresByMunicipality> GrpcStatsClient::BatchGetFigures(
    const std::vector<std::string>& codes, int first_year, int last_year, int64_t version) {
  std::vector<stats::v1::FiguresKey> keys;
  for (const std::string& code : codes) {
    for (int year = first_year; year <= last_year; ++year) {
      stats::v1::FiguresKey& key = keys.emplace_back();
      key.set_municipality_code(code);
      key.set_year(year);
    }
  }
  FiguresByMunicipality out;
  // Every batch reads the same version, so the result is one consistent view.
  for (size_t start = 0; start < keys.size(); start += kMaxBatchKeys) {
    stats::v1::BatchGetFiguresRequest request;
    request.set_as_of_version(version);
    request.set_allow_missing(true);
    // A span over a merger reads the years before it as the sum of the
    // municipalities that merged (marked harmonised, named in explanations).
    request.set_harmonise(true);
    for (size_t i = start; i < keys.size() && i < start + kMaxBatchKeys; ++i) {
      *request.add_keys() = keys[i];
    }
    stats::v1::BatchGetFiguresResponse response;
    absl::Status status =
        Invoke("BatchGetFigures", options_.deadline,
                    [&](auto& context) { return stub_->BatchGetFigures(&context, request, &response); });
    if (!status.ok()) return status;
    for (auto& f : *response.mutable_figures()) {
      const std::string code = f.municipality_code();
      const int year = f.year();
      out[code][year] = std::move(f);
    }
  }
  return out;
}

absl::StatusOr<StatsSnapshot> GrpcStatsClient::StreamSnapshot(int first_year, int last_year,
                                                              stats::v1::ImdiRegion region,
                                                              int64_t version) {
  stats::v1::StreamFiguresRequest request;
  std::string filter = YearFilter(first_year, last_year);
  if (region != stats::v1::IMDI_REGION_UNSPECIFIED) {
    // The filter names a region without the enum's prefix: "MIDT_NORGE".
    absl::StrAppend(&filter, " AND imdi_region = ",
                    absl::StripPrefix(stats::v1::ImdiRegion_Name(region), "IMDI_REGION_"));
  }
  request.set_filter(filter);
  request.set_as_of_version(version);
  request.set_include_municipalities(true);
  StatsSnapshot out;
  absl::Status status =
      Invoke("StreamFigures", options_.stream_deadline, [&](grpc::ClientContext& context) {
        out = StatsSnapshot();
        auto reader = stub_->StreamFigures(&context, request);
        stats::v1::StreamFiguresResponse chunk;
        while (reader->Read(&chunk)) {
          out.data_version = chunk.data_version();
          for (const auto& m : chunk.municipalities()) out.municipalities.push_back(ToInfo(m));
          for (auto& f : *chunk.mutable_figures()) {
            FiguresByYear& years = out.figures[f.municipality_code()];
            const int year = f.year();
            years[year] = std::move(f);
          }
        }
        return reader->Finish();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<RegionSettledByRegion> GrpcStatsClient::BatchGetRegionSettled(
    const std::vector<stats::v1::ImdiRegion>& regions, int year, int64_t version) {
  std::vector<stats::v1::Area> areas;
  for (stats::v1::ImdiRegion region : regions) {
    stats::v1::Area& area = areas.emplace_back();
    area.set_kind(stats::v1::AREA_KIND_IMDI_REGION);
    area.set_imdi_region(region);
  }
  IMDI_ASSIGN_OR_RETURN(std::vector<AreaTotal> totals,
                        BatchGetAreaTotals(areas, "refugees_settled", year, version));
  RegionSettledByRegion out;
  for (size_t i = 0; i < regions.size() && i < totals.size(); ++i) {
    RegionSettled& settled = out[regions[i]];
    settled.region_name = std::move(totals[i].area_name);
    settled.published = totals[i].published;
    settled.sum = totals[i].sum;
    settled.municipalities_missing = totals[i].municipalities_missing;
  }
  return out;
}

absl::StatusOr<std::vector<AreaTotal>> GrpcStatsClient::BatchGetAreaTotals(
    const std::vector<stats::v1::Area>& areas, const std::string& field, int year,
    int64_t version) {
  std::vector<AreaTotal> out;
  if (areas.empty()) return out;
  // The aggregate names each summed figure like the Figures field it sums.
  const google::protobuf::FieldDescriptor* value_field =
      stats::v1::GetAggregateResponse::descriptor()->FindFieldByName(field);
  if (value_field == nullptr || value_field->message_type() == nullptr ||
      value_field->message_type() != stats::v1::AggregateValue::descriptor()) {
    return MakeError(absl::StatusCode::kInvalidArgument, "INVALID_FIELD",
                     absl::StrCat("the statistics service sums no field named ", field));
  }
  stats::v1::BatchGetAggregatesRequest request;
  for (const stats::v1::Area& area : areas) *request.add_areas() = area;
  request.set_year(year);
  request.set_as_of_version(version);
  stats::v1::BatchGetAggregatesResponse response;
  absl::Status status = Invoke("BatchGetAggregates", options_.deadline, [&](auto& context) {
    return stub_->BatchGetAggregates(&context, request, &response);
  });
  if (!status.ok()) return status;
  if (response.aggregates_size() != request.areas_size()) {
    return MakeError(absl::StatusCode::kInternal, "STATS_ERROR",
                     "the statistics service answered a batch of aggregates incompletely");
  }
  for (const stats::v1::GetAggregateResponse& aggregate : response.aggregates()) {
    const auto& value = static_cast<const stats::v1::AggregateValue&>(
        aggregate.GetReflection()->GetMessage(aggregate, value_field));
    AreaTotal& total = out.emplace_back();
    total.area_name = aggregate.area().name();
    if (value.has_published()) total.published = value.published();
    if (value.has_sum()) total.sum = value.sum();
    total.municipalities_reported = value.municipalities_reported();
    total.municipalities_missing = value.municipalities_missing();
  }
  return out;
}

absl::Status GrpcStatsClient::CheckHealth() {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(stats::v1::StatsService::service_full_name());
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  SetDeadline(context, options_.deadline);
  grpc::Status status = health->Check(&context, request, &response);
  if (!status.ok()) {
    return MakeError(absl::StatusCode::kUnavailable, "STATS_UNAVAILABLE",
                     absl::StrCat("the statistics service is unreachable: ",
                                  status.error_message()));  // for the log only
  }
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return MakeError(absl::StatusCode::kUnavailable, "STATS_UNAVAILABLE",
                     "the statistics service is not serving");
  }
  // Reachable, but does it take our credentials? One read tells.
  stats::v1::GetDataVersionResponse version;
  grpc::ClientContext read;
  SetDeadline(read, options_.deadline);
  if (!options_.bearer_token.empty()) {
    read.AddMetadata("authorization", "Bearer " + options_.bearer_token);
  }
  status = stub_->GetDataVersion(&read, stats::v1::GetDataVersionRequest(), &version);
  if (!status.ok()) {
    return MakeError(absl::StatusCode::kUnavailable, "STATS_UNAVAILABLE",
                     absl::StrCat("the statistics service refuses the award service's reads: ",
                                  status.error_message()));
  }
  return absl::OkStatus();
}

}  // namespace imdi::award
