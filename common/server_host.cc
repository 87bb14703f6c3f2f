#include "common/server_host.h"

#include <algorithm>

#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/impl/server_builder_plugin.h"

#include <csignal>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/admin_interceptor.h"
#include "common/log.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/channelz_service_plugin.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace imdi {
namespace {

// Drops the plugins whose names contain any of `names`: server reflection
// and channelz register theirs for every ServerBuilder once initialised.
class WithoutPlugins final : public grpc::ServerBuilderOption {
 public:
  explicit WithoutPlugins(std::vector<std::string> names) : names_(std::move(names)) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [this](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
                                    for (const std::string& name : names_) {
                                      if (plugin->name().find(name) != std::string::npos) {
                                        return true;
                                      }
                                    }
                                    return false;
                                  }),
                   plugins->end());
  }

 private:
  std::vector<std::string> names_;
};

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
  // linker drops the static registration otherwise). It answers from
  // protobuf's generated pool, so every message linked into the binary is
  // describable, not only the registered services' files: the google.rpc
  // error details that grpc_status.cc sends, for clients that resolve them
  // by name (tests/e2e/error_details_e2e.sh). Touching the health
  // descriptor keeps grpc.health.v1 describable too.
  if (options.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // channelz is only served where an admin may be checked for: never on the
  // plaintext health port.
  if (options.channelz) grpc::channelz::experimental::InitChannelzService();
  grpc::EnableDefaultHealthCheckService(true);
  (void)grpc::health::v1::HealthCheckRequest::descriptor();

  grpc::ServerBuilder builder;
  std::vector<std::string> without;
  if (!options.reflection) without.push_back("reflection");
  if (!options.channelz) without.push_back("channelz");
  if (!without.empty()) builder.SetOption(std::make_unique<WithoutPlugins>(std::move(without)));
  if (options.metrics != nullptr || options.access != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(MakeAdminInterceptorFactory(options.metrics, options.access));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
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
  std::vector<std::string> names;
  for (const HostedService& hosted : services) names.push_back(hosted.name);
  auto host = std::unique_ptr<ServerHost>(new ServerHost(std::move(server), port, std::move(names)));
  if (!options.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    // health only
    health_builder.SetOption(
        std::make_unique<WithoutPlugins>(std::vector<std::string>{"reflection", "channelz"}));
    // Answers every other method UNIMPLEMENTED, and gives the server the
    // callback queue gRPC wants polled.
    health_builder.RegisterCallbackGenericService(host->unimplemented_.get());
    health_builder.AddListeningPort(options.health_listen, grpc::InsecureServerCredentials(),
                                    &host->health_port_);
    host->health_server_ = health_builder.BuildAndStart();
    if (host->health_server_ == nullptr || host->health_port_ == 0) {
      host->Shutdown(absl::ZeroDuration());
      return absl::UnavailableError(
          absl::StrCat("cannot listen for health checks on ", options.health_listen));
    }
  }
  // Known to health checks by name too, and not serving until told.
  for (grpc::HealthCheckServiceInterface* health : host->HealthServices()) {
    health->SetServingStatus("", false);
    for (const std::string& name : host->names_) health->SetServingStatus(name, false);
  }
  return host;
}

std::vector<grpc::HealthCheckServiceInterface*> ServerHost::HealthServices() const {
  std::vector<grpc::HealthCheckServiceInterface*> out;
  if (auto* health = server_->GetHealthCheckService()) out.push_back(health);
  if (health_server_ != nullptr) {
    if (auto* health = health_server_->GetHealthCheckService()) out.push_back(health);
  }
  return out;
}

ServerHost::ServerHost(std::unique_ptr<grpc::Server> server, int port,
                       std::vector<std::string> names)
    : server_(std::move(server)), port_(port), names_(std::move(names)) {}

ServerHost::~ServerHost() { Shutdown(absl::Seconds(5)); }

void ServerHost::SetServing(bool serving) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  for (grpc::HealthCheckServiceInterface* health : HealthServices()) {
    health->SetServingStatus("", true);
    for (const std::string& name : names_) health->SetServingStatus(name, serving);
  }
}

void ServerHost::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  for (grpc::HealthCheckServiceInterface* health : HealthServices()) {
    health->SetServingStatus(false);
    health->Shutdown();
  }
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
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

int StartFailureExitCode(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kFailedPrecondition
             ? 2
             : 1;
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
