#include "award-service/server.h"

#include <csignal>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "award-service/domain/comparables.h"
#include "common/log.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace imdi::award {
namespace {

// The options' own consistency, before anything is opened.
absl::Status CheckOptions(const AwardServerOptions& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data_dir is required");
  if (options.stats_attempts < 2 || options.stats_attempts > 5) {
    return absl::InvalidArgumentError(
        "--stats_attempts must be between 2 and 5 (the retry policy's limits)");
  }
  if (options.workers < 1 || options.store_workers < 1 ||
      options.stats_deadline < absl::Milliseconds(1) || options.stats_attempts < 1 ||
      options.health_interval < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(
        "--workers, --store_workers, --stats_deadline_ms, --stats_attempts and "
        "--health_interval_ms must be at least 1");
  }
  return absl::OkStatus();
}

absl::StatusOr<Comparables> LoadComparables(const std::string& path) {
  if (path.empty()) {
    LogWarning(
        "no --comparables: comparisons with comparable municipalities "
        "report insufficient data");
    return Comparables();
  }
  auto loaded = Comparables::Load(path);
  if (!loaded.ok()) return absl::FailedPreconditionError(loaded.status().message());
  return loaded;
}

// The award service's own credentials towards the statistics service.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> StatsCredentials(
    const AwardServerOptions& options) {
  if (!options.stats_tls.ca.empty() || !options.stats_tls.cert.empty()) {
    auto tls = auth::MakeChannelCredentials(options.stats_tls);
    if (!tls.ok()) return absl::FailedPreconditionError(tls.status().message());
    return tls;
  }
  if (!options.security.insecure_dev) {
    return absl::FailedPreconditionError(
        "award-service talks to the statistics service over TLS: give --stats_tls_ca "
        "(or --insecure_dev for development on localhost)");
  }
  if (!IsLoopback(options.stats_target)) {
    return absl::FailedPreconditionError(
        "without --stats_tls_ca the statistics service must be on a loopback address");
  }
  return grpc::InsecureChannelCredentials();
}

absl::StatusOr<std::string> StatsToken(const std::string& path) {
  if (path.empty()) return std::string();
  auto token = auth::ReadFile(path);
  if (!token.ok()) return absl::FailedPreconditionError(token.status().message());
  return std::string(absl::StripAsciiWhitespace(*token));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AwardServer>> AwardServer::Start(const AwardServerOptions& options) {
  if (absl::Status checked = CheckOptions(options); !checked.ok()) return checked;
  auto comparables = LoadComparables(options.comparables);
  if (!comparables.ok()) return comparables.status();
  auto security = MakeServerSecurity("award-service", options.listen, options.security);
  if (!security.ok()) return security.status();
  auto stats_credentials = StatsCredentials(options);
  if (!stats_credentials.ok()) return stats_credentials.status();
  auto stats_token = StatsToken(options.stats_token_file);
  if (!stats_token.ok()) return stats_token.status();

  auto server = std::unique_ptr<AwardServer>(new AwardServer);
  server->security_ = *std::move(security);
  if (!options.backup_dir.empty()) {
    auto backups = RocksDbBackups::Open(options.backup_dir, options.backup_keep);
    if (!backups.ok()) return backups.status();
    server->backups_ = *std::move(backups);
  }
  // Before the store: a metrics address that cannot be bound stops the start.
  if (!options.metrics_listen.empty()) {
    auto endpoint = MetricsEndpoint::Start(options.metrics_listen);
    if (!endpoint.ok()) return endpoint.status();
    server->endpoint_ = *std::move(endpoint);
    server->call_metrics_ = std::make_unique<GrpcServerMetrics>(server->endpoint_->registry());
    server->stats_call_metrics_ = std::make_unique<ClientCallMetrics>(
        server->endpoint_->registry(), "imdi_award_stats", "the statistics service");
    server->security_.server_options.metrics = server->call_metrics_.get();
  }
  auto store = OpenRocksDbAwardStore({.path = options.data_dir, .sync = options.sync});
  if (!store.ok()) {
    return absl::InternalError(absl::StrCat("cannot open the store: ", store.status().message()));
  }
  server->store_ = *std::move(store);
  if (server->endpoint_ != nullptr) {
    const AwardStore* award_store = server->store_.get();
    server->endpoint_->AddCollector(
        [award_store] { return StorageFamilies("award", award_store->ReadStorageFigures()); });
  }

  // One channel for the life of the process.
  server->stats_channel_ = grpc::CreateCustomChannel(options.stats_target, *stats_credentials,
                                                     StatsChannelArguments(options.stats_attempts));
  GrpcStatsClientOptions stats_options;
  stats_options.deadline = options.stats_deadline;
  stats_options.bearer_token = *std::move(stats_token);
  stats_options.metrics = server->stats_call_metrics_.get();
  server->stats_ = std::make_unique<GrpcStatsClient>(server->stats_channel_, stats_options);
  server->core_ = std::make_unique<AwardCore>(server->store_.get(), server->stats_.get(),
                                              *std::move(comparables), options.core);
  server->stats_pool_ = std::make_unique<WorkerPool>(options.workers);
  server->store_pool_ = std::make_unique<WorkerPool>(options.store_workers);
  server->service_ =
      std::make_unique<AwardServiceImpl>(server->core_.get(), server->stats_pool_.get(),
                                         server->store_pool_.get(), server->security_.access.get(),
                                         server->call_metrics_ != nullptr
                                             ? server->call_metrics_->AddService(
                                                   v1::AwardService::service_full_name())
                                             : nullptr);
  AwardStore* store_for_backups = server->store_.get();
  server->admin_ = std::make_unique<AwardAdminServiceImpl>(
      BackupOperations{
          .backups = server->backups_.get(),
          .take = [store_for_backups](
                      RocksDbBackups& backups) { return store_for_backups->Backup(backups); }},
      server->security_.access.get());
  auto host =
      ServerHost::Start(options.listen,
                        {{server->service_.get(), v1::AwardService::service_full_name()},
                         {server->admin_.get(), v1::AwardAdminService::service_full_name()}},
                        server->security_.server_options);
  if (!host.ok()) return host.status();
  server->host_ = *std::move(host);
  if (!options.port_file.empty()) {
    absl::Status written = WritePortFile(options.port_file, server->host_->port());
    if (!written.ok()) return written;
  }
  AwardServer* self = server.get();
  {
    absl::MutexLock lock(&server->shutdown_mu_);
    server->monitor_ = std::make_unique<StatsHealthMonitor>(
        server->stats_.get(), options.health_interval,
        [self](bool healthy, const absl::Status& status) {
          self->SetServing(healthy);
          if (healthy) {
            LogInfo("statistics service reachable: SERVING");
          } else {
            LogWarning(absl::StrCat("statistics service unreachable: NOT_SERVING (",
                                    status.message(), ")"));
          }
        });
  }
  LogInfo(absl::StrCat("award-service listening on port ", server->host_->port(), " (listen ",
                       options.listen, "), data_dir ", options.data_dir, ", stats ",
                       options.stats_target,
                       server->endpoint_ != nullptr
                           ? absl::StrCat(", metrics on port ", server->endpoint_->port())
                           : ""));
  return server;
}

AwardServer::~AwardServer() {
  if (host_ != nullptr) Shutdown(absl::Seconds(5));
}

void AwardServer::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  stats_->SetReachable(serving);
  host_->SetServing(serving);
  serving_ = serving;
}

bool AwardServer::WaitUntilServing(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&serving_), timeout);
}

int AwardServer::ServeUntilSignal() const {
  int signal = WaitForTerminationSignal();
  for (; signal == SIGHUP; signal = WaitForTerminationSignal()) {
    ReloadCredentials().IgnoreError();  // logged; the old credentials stay
  }
  return signal;
}

void AwardServer::Shutdown(absl::Duration grace) {
  absl::MutexLock shutdown(&shutdown_mu_);
  {
    // Health goes NOT_SERVING first; stopping the monitor may wait for one
    // health check, and it must not report SERVING again meanwhile.
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    serving_ = false;
    host_->SetServing(false);
  }
  monitor_.reset();
  host_->Shutdown(grace);
}

}  // namespace imdi::award
