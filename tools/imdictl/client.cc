#include "tools/imdictl/client.h"

#include <chrono>

#include "absl/strings/ascii.h"
#include "common/auth/tls.h"
#include "google/protobuf/util/json_util.h"

namespace imdi::imdictl {

std::shared_ptr<grpc::Channel> Client::Connect(const std::string& target) {
  if (!token_read_ && !settings_.token_file.empty()) {
    absl::StatusOr<std::string> token = imdi::auth::ReadFile(settings_.token_file);
    if (!token.ok()) {
      std::cerr << "imdictl: " << token.status().message() << "\n";
      return nullptr;
    }
    token_ = std::string(absl::StripAsciiWhitespace(*token));
  }
  token_read_ = true;
  if (settings_.tls_ca.empty() && settings_.tls_cert.empty()) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }
  auto credentials =
      imdi::auth::MakeChannelCredentials({settings_.tls_ca, settings_.tls_cert, settings_.tls_key});
  if (!credentials.ok()) {
    std::cerr << "imdictl: " << credentials.status().message() << "\n";
    return nullptr;
  }
  grpc::ChannelArguments args;
  if (!settings_.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(settings_.tls_server_name);
  }
  return grpc::CreateCustomChannel(target, *credentials, args);
}

stats::v1::StatsService::Stub* Client::Stats() {
  if (stats_ == nullptr) {
    std::shared_ptr<grpc::Channel> channel = Connect(settings_.stats_target);
    if (channel == nullptr) return nullptr;
    stats_ = stats::v1::StatsService::NewStub(channel);
  }
  return stats_.get();
}

award::v1::AwardService::Stub* Client::Award() {
  if (award_ == nullptr) {
    std::shared_ptr<grpc::Channel> channel = Connect(settings_.award_target);
    if (channel == nullptr) return nullptr;
    award_ = award::v1::AwardService::NewStub(channel);
  }
  return award_.get();
}

stats::v1::StatsAdminService::Stub* Client::StatsAdmin() {
  if (stats_admin_ == nullptr) {
    std::shared_ptr<grpc::Channel> channel = Connect(settings_.stats_target);
    if (channel == nullptr) return nullptr;
    stats_admin_ = stats::v1::StatsAdminService::NewStub(channel);
  }
  return stats_admin_.get();
}

award::v1::AwardAdminService::Stub* Client::AwardAdmin() {
  if (award_admin_ == nullptr) {
    std::shared_ptr<grpc::Channel> channel = Connect(settings_.award_target);
    if (channel == nullptr) return nullptr;
    award_admin_ = award::v1::AwardAdminService::NewStub(channel);
  }
  return award_admin_.get();
}

void Client::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(settings_.timeout_seconds));
  if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
  if (!settings_.actor.empty()) context.AddMetadata("x-actor", settings_.actor);
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    // Only a reply that is not valid UTF-8, which the services never send;
    // say so rather than print half a document.
    std::cerr << "imdictl: the reply cannot be printed as JSON: " << status.message() << "\n";
    return "null";
  }
  return out;
}

}  // namespace imdi::imdictl
