#include "common/rpc_scope.h"

#include <atomic>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"

namespace imdi {
namespace {

std::atomic<bool> access_log{true};

// Failures of the service itself, logged even without the access log.
bool ServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDataLoss || code == absl::StatusCode::kUnknown;
}

bool SaneRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.' && c != ':') {
      return false;
    }
  }
  return true;
}

}  // namespace

void SetAccessLog(bool enabled) { access_log = enabled; }

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

RpcScope::RpcScope(grpc::CallbackServerContext* context, absl::string_view method,
                   const CallPolicy& policy)
    : method_(method), error_domain_(policy.error_domain), start_(absl::Now()) {
  if (policy.metrics != nullptr) {
    metrics_ = policy.metrics->Find(method);
    if (metrics_ != nullptr) metrics_->Started();
  }
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(kRequestIdHeader);
  if (it != metadata.end()) {
    absl::string_view sent(it->second.data(), it->second.size());
    if (SaneRequestId(sent)) request_id_ = std::string(sent);
  }
  if (request_id_.empty()) request_id_ = NewRequestId();
  context->AddInitialMetadata(kRequestIdHeader, request_id_);
  if (policy.access != nullptr) {
    absl::StatusOr<auth::Principal> admitted =
        policy.access->Admit(*context, absl::StrCat(policy.service, "/", method));
    if (admitted.ok()) {
      principal_ = *std::move(admitted);
    } else {
      admission_ = admitted.status();
      // Who was refused what: the principal when the credentials named one.
      absl::StatusOr<std::optional<auth::Principal>> who = policy.access->Authenticate(*context);
      if (who.ok() && who->has_value()) principal_ = **who;
    }
  }
}

RpcScope::~RpcScope() {
  if (metrics_ != nullptr) metrics_->in_flight->Decrement();
}

grpc::Status RpcScope::Finish(const absl::Status& status) {
  grpc::Status sent = ToGrpcStatus(status, error_domain_, request_id_);
  if (metrics_ != nullptr) {
    metrics_->Finished(sent.error_code(), absl::Now() - start_);
    metrics_ = nullptr;
  }
  const bool refused = status.code() == absl::StatusCode::kUnauthenticated ||
                       status.code() == absl::StatusCode::kPermissionDenied;
  const LogLevel level = refused ? LogLevel::kWarning : LogLevel::kInfo;
  if ((access_log.load(std::memory_order_relaxed) || refused || ServerFault(status.code())) &&
      LogEnabled(level)) {
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - start_);
    Log(level, request_id_,
        absl::StrFormat("%s %s %.2fms principal=%s%s%s", method_,
                        absl::StatusCodeToString(status.code()), ms,
                        principal_ ? principal_->name : std::string("-"),
                        status.ok() ? "" : ": ", status.message()));
  }
  return sent;
}

}  // namespace imdi
