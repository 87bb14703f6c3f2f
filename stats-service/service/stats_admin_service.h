// The gRPC face of the statistics service's operations
// (imdi.stats.v1.StatsAdminService): backups of the store while it serves.
// The work runs on a thread of its own, never on a callback thread; backups
// are taken one at a time. Thread-safe; the backups and the access control
// must outlive it.
#ifndef IMDI_STATS_SERVICE_STATS_ADMIN_SERVICE_H_
#define IMDI_STATS_SERVICE_STATS_ADMIN_SERVICE_H_

#include "common/backup_admin.h"
#include "common/rpc_scope.h"
#include "common/worker_pool.h"
#include "imdi/stats/v1/stats_admin.grpc.pb.h"

namespace imdi::stats {

// Raw methods, as StatsService's: an unreadable request is a clear
// INVALID_ARGUMENT (common/raw_message.h).
using RawStatsAdminService = v1::StatsAdminService::WithRawCallbackMethod_CreateBackup<
    v1::StatsAdminService::WithRawCallbackMethod_ListBackups<
        v1::StatsAdminService::WithRawCallbackMethod_VerifyBackup<v1::StatsAdminService::Service>>>;

class StatsAdminServiceImpl final : public RawStatsAdminService {
 public:
  // Without `access` calls are not checked (tests of the service itself).
  explicit StatsAdminServiceImpl(BackupOperations backups,
                                 const auth::AccessControl* access = nullptr);

  using Context = grpc::CallbackServerContext;
  using Unary = grpc::ServerUnaryReactor;
  using Bytes = grpc::ByteBuffer;
  Unary* CreateBackup(Context* context, const Bytes* request, Bytes* response) override;
  Unary* ListBackups(Context* context, const Bytes* request, Bytes* response) override;
  Unary* VerifyBackup(Context* context, const Bytes* request, Bytes* response) override;

 private:
  const BackupOperations backups_;
  const CallPolicy policy_;
  WorkerPool worker_{1};
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_STATS_ADMIN_SERVICE_H_
