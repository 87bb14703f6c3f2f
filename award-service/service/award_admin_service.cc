#include "award-service/service/award_admin_service.h"

#include <utility>

#include "award-service/service/award_service.h"

namespace imdi::award {
namespace {

void ToProto(const BackupRecord& record, v1::Backup* out) { SetBackupFields(record, out); }

}  // namespace

AwardAdminServiceImpl::AwardAdminServiceImpl(BackupOperations backups,
                                             const auth::AccessControl* access)
    : backups_(std::move(backups)),
      policy_{v1::AwardAdminService::service_full_name(), kAwardErrorDomain, access} {}

AwardAdminServiceImpl::Unary* AwardAdminServiceImpl::CreateBackup(Context* context,
                                                                  const Bytes* request,
                                                                  Bytes* response) {
  return ServeUnaryOn<v1::CreateBackupRequest, v1::CreateBackupResponse>(
      &worker_, context, request, response, "CreateBackup", policy_,
      [this](RpcScope&, const v1::CreateBackupRequest*, v1::CreateBackupResponse* out) {
        absl::StatusOr<BackupRecord> made = CreateBackupNow(backups_);
        if (!made.ok()) return made.status();
        ToProto(*made, out->mutable_backup());
        return absl::OkStatus();
      });
}

AwardAdminServiceImpl::Unary* AwardAdminServiceImpl::ListBackups(Context* context,
                                                                 const Bytes* request,
                                                                 Bytes* response) {
  return ServeUnaryOn<v1::ListBackupsRequest, v1::ListBackupsResponse>(
      &worker_, context, request, response, "ListBackups", policy_,
      [this](RpcScope&, const v1::ListBackupsRequest*, v1::ListBackupsResponse* out) {
        absl::StatusOr<std::vector<BackupRecord>> kept = ListBackupsKept(backups_);
        if (!kept.ok()) return kept.status();
        for (const BackupRecord& record : *kept) ToProto(record, out->add_backups());
        return absl::OkStatus();
      });
}

AwardAdminServiceImpl::Unary* AwardAdminServiceImpl::VerifyBackup(Context* context,
                                                                  const Bytes* request,
                                                                  Bytes* response) {
  return ServeUnaryOn<v1::VerifyBackupRequest, v1::VerifyBackupResponse>(
      &worker_, context, request, response, "VerifyBackup", policy_,
      [this](RpcScope&, const v1::VerifyBackupRequest* in, v1::VerifyBackupResponse* out) {
        absl::StatusOr<BackupRecord> checked = VerifyBackupById(backups_, in->backup_id());
        if (!checked.ok()) return checked.status();
        ToProto(*checked, out->mutable_backup());
        return absl::OkStatus();
      });
}

}  // namespace imdi::award
