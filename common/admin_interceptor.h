// The server interceptor for the services that gRPC itself serves beside
// ours (grpc.health.v1, server reflection, grpc.channelz.v1): those calls
// never pass RpcScope, so they are counted here (GrpcServerMetrics), and
// channelz, which shows every connection and peer of the process, is
// admitted through the access table (the admin roles) here.
//
// Our own services' calls are left alone (no interceptor is created for
// them): RpcScope admits and counts them. Thread-safe.
#ifndef IMDI_COMMON_ADMIN_INTERCEPTOR_H_
#define IMDI_COMMON_ADMIN_INTERCEPTOR_H_

#include <memory>

#include "common/auth/access.h"
#include "common/metrics.h"
#include "grpcpp/support/server_interceptor.h"

namespace imdi {

// The full method names' prefix of the calls RpcScope handles.
inline constexpr char kOwnServicesPrefix[] = "/imdi.";
// The channelz service's method prefix.
inline constexpr char kChannelzPrefix[] = "/grpc.channelz.v1.Channelz/";

// `metrics` (may be null: not counted) and `access` (may be null: channelz
// unchecked, as for every call without access control) must outlive the
// server. A channelz caller the table refuses gets UNAUTHENTICATED or
// PERMISSION_DENIED and an empty reply in place of the one channelz made.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeAdminInterceptorFactory(
    GrpcServerMetrics* metrics, const auth::AccessControl* access);

}  // namespace imdi

#endif  // IMDI_COMMON_ADMIN_INTERCEPTOR_H_
