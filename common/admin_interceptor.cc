#include "common/admin_interceptor.h"

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/rpc_scope.h"
#include "grpcpp/support/interceptor.h"

namespace imdi {
namespace {

using grpc::experimental::InterceptionHookPoints;

class AdminInterceptor final : public grpc::experimental::Interceptor {
 public:
  AdminInterceptor(grpc::experimental::ServerRpcInfo* info, const MethodCallMetrics* metrics,
                   const auth::AccessControl* access)
      : info_(info), metrics_(metrics), access_(access), start_(absl::Now()) {
    if (metrics_ != nullptr) metrics_->Started();
  }

  ~AdminInterceptor() override {
    // A call that ended without a status (the client went away).
    if (metrics_ != nullptr) metrics_->Finished(code_.value_or(grpc::CANCELLED), absl::Now() - start_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA) &&
        access_ != nullptr) {
      // The channelz service is synchronous: its handler runs after this,
      // whatever happens here, so a refused call's reply is replaced below.
      absl::StatusOr<auth::Principal> admitted = access_->Admit(
          *info_->server_context(), absl::StripPrefix(info_->method(), "/"));
      if (!admitted.ok()) refusal_ = ToGrpcStatus(admitted.status(), "imdi.no", NewRequestId());
    }
    if (refusal_.has_value() &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      grpc::ByteBuffer* message = methods->GetSerializedSendMessage();
      if (message != nullptr) {
        grpc::Slice empty;
        *message = grpc::ByteBuffer(&empty, 1);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (refusal_.has_value()) methods->ModifySendStatus(*refusal_);
      code_ = refusal_.has_value() ? refusal_->error_code() : methods->GetSendStatus().error_code();
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  const MethodCallMetrics* const metrics_;
  const auth::AccessControl* const access_;  // set for channelz only
  const absl::Time start_;
  std::optional<grpc::Status> refusal_;
  std::optional<int> code_;
};

class AdminInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  AdminInterceptorFactory(GrpcServerMetrics* metrics, const auth::AccessControl* access)
      : metrics_(metrics), access_(access) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const absl::string_view method = info->method() == nullptr ? "" : info->method();
    if (absl::StartsWith(method, kOwnServicesPrefix)) return nullptr;
    const bool channelz = absl::StartsWith(method, kChannelzPrefix);
    const MethodCallMetrics* metrics = metrics_ != nullptr ? metrics_->ForMethod(method) : nullptr;
    if (metrics == nullptr && !(channelz && access_ != nullptr)) return nullptr;
    return new AdminInterceptor(info, metrics, channelz ? access_ : nullptr);
  }

 private:
  GrpcServerMetrics* const metrics_;
  const auth::AccessControl* const access_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeAdminInterceptorFactory(
    GrpcServerMetrics* metrics, const auth::AccessControl* access) {
  return std::make_unique<AdminInterceptorFactory>(metrics, access);
}

}  // namespace imdi
