#include "common/server_host.h"

#include <csignal>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace imdi {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerHost>> ServerHost::Start(
    const std::string& listen, const std::vector<HostedService>& services,
    const ServerOptions& options) {
  // Reflection only answers when its plugin is initialised explicitly (the
  // linker drops the static registration otherwise). Touching the health
  // descriptor keeps grpc.health.v1 describable over reflection.
  if (options.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::EnableDefaultHealthCheckService(true);
  (void)grpc::health::v1::HealthCheckRequest::descriptor();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      listen, options.credentials ? options.credentials : grpc::InsecureServerCredentials(), &port);
  for (const HostedService& hosted : services) builder.RegisterService(hosted.service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen,
                     " (address in use or not valid)"));
  }
  // Known to health checks by name too, and not serving until told.
  if (auto* health = server->GetHealthCheckService()) {
    health->SetServingStatus("", false);
    for (const HostedService& hosted : services) health->SetServingStatus(hosted.name, false);
  }
  return std::unique_ptr<ServerHost>(
      new ServerHost(std::move(server), port));
}

ServerHost::ServerHost(std::unique_ptr<grpc::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

ServerHost::~ServerHost() { Shutdown(absl::Seconds(5)); }

void ServerHost::SetServing(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
}

void ServerHost::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(false);
    health->Shutdown();
  }
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set = TerminationSignals();
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

absl::Status WritePortFile(const std::string& path, int port) {
  const std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) {
      return absl::InternalError(absl::StrCat("cannot write ", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace imdi
