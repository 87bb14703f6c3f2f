// The gRPC face of the award service's operations
// (imdi.award.v1.AwardAdminService): backups of the store while it serves.
// The work runs on a thread of its own, never on a callback thread; backups
// are taken one at a time. Thread-safe; the backups and the access control
// must outlive it.
#ifndef IMDI_AWARD_SERVICE_AWARD_ADMIN_SERVICE_H_
#define IMDI_AWARD_SERVICE_AWARD_ADMIN_SERVICE_H_

#include "common/backup_admin.h"
#include "common/rpc_scope.h"
#include "common/worker_pool.h"
#include "imdi/award/v1/award_admin.grpc.pb.h"

namespace imdi::award {

// Raw methods, as AwardService's: an unreadable request is a clear
// INVALID_ARGUMENT (common/raw_message.h).
using RawAwardAdminService = v1::AwardAdminService::WithRawCallbackMethod_CreateBackup<
    v1::AwardAdminService::WithRawCallbackMethod_ListBackups<
        v1::AwardAdminService::WithRawCallbackMethod_VerifyBackup<v1::AwardAdminService::Service>>>;

class AwardAdminServiceImpl final : public RawAwardAdminService {
 public:
  // Without `access` calls are not checked (tests of the service itself).
  explicit AwardAdminServiceImpl(BackupOperations backups,
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

}  // namespace imdi::award

#endif  // IMDI_AWARD_SERVICE_AWARD_ADMIN_SERVICE_H_
