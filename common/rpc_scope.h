// Per-call bookkeeping for gRPC handlers: the request id, timing, the log
// line, and the mapping of the result to a grpc::Status.
//
// The request id is the client's `x-request-id` metadata when it sends a
// sane one, otherwise a fresh random id; it is echoed back in the initial
// metadata so that a client can quote it. One RpcScope belongs to one call
// and is not shared between threads.
#ifndef IMDI_COMMON_RPC_SCOPE_H_
#define IMDI_COMMON_RPC_SCOPE_H_

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/access.h"
#include "common/metrics.h"
#include "common/raw_message.h"
#include "common/worker_pool.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"

namespace imdi {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// What a service's calls share: its full name, its ErrorInfo domain, the
// access control every call passes first (none: no checks, as in tests that
// exercise a service without credentials), and where calls are counted
// (none: not counted).
struct CallPolicy {
  absl::string_view service;       // e.g. "imdi.stats.v1.StatsService"
  absl::string_view error_domain;  // e.g. "stats.imdi.no"
  const auth::AccessControl* access = nullptr;
  const ServiceCallMetrics* metrics = nullptr;
};

class RpcScope {
 public:
  // `method` names the RPC in logs and in the access table. The caller is
  // authenticated and authorized here, before any handler code runs.
  RpcScope(grpc::CallbackServerContext* context, absl::string_view method,
           const CallPolicy& policy);
  // A call that never finished (the reactor went without a status) leaves
  // the in-flight count uncounted.
  ~RpcScope();
  RpcScope(const RpcScope&) = delete;
  RpcScope& operator=(const RpcScope&) = delete;

  const std::string& request_id() const { return request_id_; }
  absl::string_view method() const { return method_; }

  // OK when the caller may make this call; UNAUTHENTICATED or
  // PERMISSION_DENIED otherwise.
  const absl::Status& admission() const { return admission_; }
  // The authenticated caller; nullptr without access control or credentials.
  const auth::Principal* principal() const {
    return principal_.has_value() ? &*principal_ : nullptr;
  }

  // Logs the outcome with the elapsed time, counts it (the first time only)
  // and returns the status to send.
  grpc::Status Finish(const absl::Status& status);

 private:
  std::string method_;
  std::string error_domain_;
  std::string request_id_;
  absl::Status admission_;
  std::optional<auth::Principal> principal_;
  absl::Time start_;
  // Counted while in flight; null once finished, or when not counted.
  const MethodCallMetrics* metrics_ = nullptr;
};

// Whether every call is logged (the access log, the default), or only
// those refused or failed by the service itself (INTERNAL, UNAVAILABLE,
// DATA_LOSS, UNKNOWN). Process-wide; thread-safe.
void SetAccessLog(bool enabled);

// Returns a fresh random request id (16 hex digits).
std::string NewRequestId();

// Serves a unary call of a raw callback method: admits the caller, parses
// the request bytes into a `Request`, runs `fn(scope, &request, &response)`
// (which returns absl::Status) and finishes the call with the serialized
// `Response` or the mapped error. An undecodable request is
// INVALID_ARGUMENT (common/raw_message.h). Exceptions never escape a
// handler.
template <typename Request, typename Response, typename Fn>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* raw_request,
                                     grpc::ByteBuffer* raw_response, absl::string_view method,
                                     const CallPolicy& policy, Fn&& fn) {
  RpcScope scope(context, method, policy);
  absl::Status status = scope.admission();
  Request request;
  Response response;
  try {
    if (status.ok()) status = ParseMessage(*raw_request, request);
    if (status.ok()) status = std::forward<Fn>(fn)(scope, &request, &response);
    if (status.ok()) status = SerializeMessage(response, raw_response);
  } catch (const std::exception& e) {
    status = absl::InternalError(e.what());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(scope.Finish(status));
  return reactor;
}

// ServeUnary with `fn` run on `pool` instead of the callback thread: the
// caller is admitted and the request parsed on the callback thread, and the
// call finishes from the pool's thread.
template <typename Request, typename Response, typename Fn>
grpc::ServerUnaryReactor* ServeUnaryOn(WorkerPool* pool, grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* raw_request,
                                       grpc::ByteBuffer* raw_response, absl::string_view method,
                                       const CallPolicy& policy, Fn fn) {
  auto scope = std::make_shared<RpcScope>(context, method, policy);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto request = std::make_shared<Request>();
  absl::Status admitted = scope->admission();
  if (admitted.ok()) admitted = ParseMessage(*raw_request, *request);
  if (!admitted.ok()) {
    reactor->Finish(scope->Finish(admitted));
    return reactor;
  }
  pool->Schedule([scope, reactor, request, raw_response, fn = std::move(fn)]() mutable {
    absl::Status status;
    Response response;
    try {
      status = fn(*scope, request.get(), &response);
      if (status.ok()) status = SerializeMessage(response, raw_response);
    } catch (const std::exception& e) {
      status = absl::InternalError(e.what());
    }
    reactor->Finish(scope->Finish(status));
  });
  return reactor;
}

}  // namespace imdi

#endif  // IMDI_COMMON_RPC_SCOPE_H_
