#include "stats-service/server.h"

#include <csignal>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "stats-service/storage/rocksdb_stats_store.h"

namespace imdi::stats {

absl::StatusOr<std::unique_ptr<StatsServer>> StatsServer::Start(const StatsServerOptions& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data_dir is required");
  auto security = MakeServerSecurity("stats-service", options.listen, options.security);
  if (!security.ok()) return security.status();
  auto server = std::unique_ptr<StatsServer>(new StatsServer);
  server->security_ = *std::move(security);
  // Before the store: a metrics address that cannot be bound stops the start.
  if (!options.metrics_listen.empty()) {
    auto endpoint = MetricsEndpoint::Start(options.metrics_listen);
    if (!endpoint.ok()) return endpoint.status();
    server->endpoint_ = *std::move(endpoint);
    server->call_metrics_ = std::make_unique<GrpcServerMetrics>(server->endpoint_->registry());
    server->metrics_ = std::make_unique<StatsMetrics>(server->endpoint_->registry());
    server->security_.server_options.metrics = server->call_metrics_.get();
  }

  if (!options.backup_dir.empty()) {
    auto backups = RocksDbBackups::Open(options.backup_dir, options.backup_keep);
    if (!backups.ok()) return backups.status();
    server->backups_ = *std::move(backups);
  }

  auto store = RocksDbStatsStore::Open({.path = options.data_dir, .sync = options.sync});
  if (!store.ok()) {
    return absl::InternalError(absl::StrCat("cannot open the store: ", store.status().message()));
  }
  RocksDbStatsStore* rocks = store->get();  // owned by the core from here
  auto core = StatsCore::Create(std::move(*store), options.changes);
  if (!core.ok()) {
    return absl::InternalError(absl::StrCat("cannot load the store: ", core.status().ToString()));
  }
  server->core_ = *std::move(core);
  if (server->endpoint_ != nullptr) {
    const StatsCore* core = server->core_.get();
    server->endpoint_->AddCollector([core, rocks] {
      std::vector<prometheus::MetricFamily> families =
          StorageFamilies("stats", rocks->ReadStorageFigures());
      families.push_back(GaugeFamily("imdi_stats_data_version",
                                     "The latest committed data version.",
                                     {{{}, static_cast<double>(core->data_version())}}));
      return families;
    });
  }
  server->service_ = std::make_unique<StatsServiceImpl>(
      server->core_.get(), server->security_.access.get(),
      StatsServiceImpl::kDefaultReplyCacheBytes,
      server->call_metrics_ != nullptr
          ? server->call_metrics_->AddService(v1::StatsService::service_full_name())
          : nullptr,
      server->metrics_.get());
  server->admin_ = std::make_unique<StatsAdminServiceImpl>(
      BackupOperations{.backups = server->backups_.get(),
                       .take = [rocks](RocksDbBackups& backups) { return rocks->Backup(backups); }},
      server->security_.access.get());
  auto host =
      ServerHost::Start(options.listen,
                        {{server->service_.get(), v1::StatsService::service_full_name()},
                         {server->admin_.get(), v1::StatsAdminService::service_full_name()}},
                        server->security_.server_options);
  if (!host.ok()) return host.status();
  server->host_ = *std::move(host);
  if (!options.port_file.empty()) {
    absl::Status written = WritePortFile(options.port_file, server->host_->port());
    if (!written.ok()) return written;
  }
  server->host_->SetServing(true);
  LogInfo(absl::StrCat("stats-service serving on port ", server->host_->port(), " (listen ",
                       options.listen, "), data_dir ", options.data_dir, ", data version ",
                       server->core_->data_version(), ", municipalities ",
                       server->core_->directory()->all().size(),
                       server->endpoint_ != nullptr
                           ? absl::StrCat(", metrics on port ", server->endpoint_->port())
                           : ""));
  return server;
}

StatsServer::~StatsServer() {
  if (core_ != nullptr) core_->change_hub().Shutdown();
  if (host_ != nullptr) host_->Shutdown(absl::Seconds(5));
}

int StatsServer::ServeUntilSignal() const {
  int signal = WaitForTerminationSignal();
  for (; signal == SIGHUP; signal = WaitForTerminationSignal()) {
    ReloadCredentials().IgnoreError();  // logged; the old credentials stay
  }
  return signal;
}

void StatsServer::Shutdown(absl::Duration grace) {
  // Watchers never end by themselves: they end first, with a status that
  // tells their consumers to resume elsewhere or later.
  core_->change_hub().Shutdown();
  host_->Shutdown(grace);
}

}  // namespace imdi::stats
