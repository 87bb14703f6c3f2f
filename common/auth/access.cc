#include "common/auth/access.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"

namespace imdi::auth {
namespace {

using Roles = std::vector<absl::string_view>;

// The authorization table: every RPC of both services and the roles that
// may call it. Reviewed in the README ("Roles").
const std::map<std::string, Roles, std::less<>>& Table() {
  static const auto* table = [] {
    auto* t = new std::map<std::string, Roles, std::less<>>;
    const Roles stats_read = {kStatsReader, kStatsWriter, kAwardService};
    const Roles stats_write = {kStatsWriter};
    for (const char* m : {"GetMunicipality", "ListMunicipalities", "GetFigures",
                          "BatchGetFigures", "ListFigures", "StreamFigures",
                          "GetFiguresHistory", "GetAggregate", "BatchGetAggregates",
                          "GetDataVersion", "ExportFigures", "WatchFigures"}) {
      (*t)[absl::StrCat("imdi.stats.v1.StatsService/", m)] = stats_read;
    }
    for (const char* m :
         {"UpsertMunicipality", "BatchUpsertMunicipalities", "PutFigures", "ImportFigures"}) {
      (*t)[absl::StrCat("imdi.stats.v1.StatsService/", m)] = stats_write;
    }
    const Roles award_read = {kAwardAdmin, kAwardNominator, kAwardJuror, kAwardAuditor};
    const Roles admin = {kAwardAdmin};
    const std::map<std::string, Roles> award = {
        {"CreateCycle", admin},
        {"GetCycle", award_read},
        {"ListCycles", award_read},
        {"EvaluateMunicipality", award_read},
        {"ScreenMunicipalities", award_read},
        {"CompareWithLatest", award_read},
        {"OpenNominations", admin},
        {"SubmitNomination", {kAwardNominator, kAwardAdmin}},
        {"WithdrawNomination", {kAwardNominator, kAwardAdmin}},
        {"ListNominations", award_read},
        {"AnnounceNominees", admin},
        {"OpenPublicVoting", admin},
        {"RecordVotes", admin},
        {"StartJuryDeliberation", admin},
        {"RegisterJuror", admin},
        {"DeclareConflict", {kAwardJuror, kAwardAdmin}},
        {"ConfirmAssessment", {kAwardJuror}},
        {"SubmitScore", {kAwardJuror}},
        {"SubmitScoreSheet", {kAwardJuror}},
        {"CorrectVotes", admin},
        {"GetCycleProgress", award_read},
        {"DecideWinner", {kAwardAdmin, kAwardJuror}},
        {"AnnounceWinner", admin},
        {"ArchiveCycle", admin},
        {"CancelCycle", admin},
        {"ImportWinners", admin},
        {"ListWinners", award_read},
        {"ListAuditEvents", {kAwardAuditor, kAwardAdmin}},
        {"ExportCycleResults", {kAwardAdmin, kAwardJuror, kAwardAuditor}},
        {"RecordCitation", {kAwardAdmin, kAwardJuror}},
        {"RenderAnnouncement", award_read},
        {"UploadNominationDocument", {kAwardNominator, kAwardAdmin}},
        {"DownloadNominationDocument", award_read},
    };
    for (const auto& [m, roles] : award) (*t)[absl::StrCat("imdi.award.v1.AwardService/", m)] = roles;
    // Backups: the operators of each service.
    for (const char* m : {"CreateBackup", "ListBackups", "VerifyBackup"}) {
      (*t)[absl::StrCat("imdi.stats.v1.StatsAdminService/", m)] = {kStatsAdmin};
      (*t)[absl::StrCat("imdi.award.v1.AwardAdminService/", m)] = {kAwardAdmin};
    }
    return t;
  }();
  return *table;
}

Principal Developer() {
  Principal p;
  p.name = "developer";
  for (absl::string_view role : {kStatsReader, kStatsWriter, kStatsAdmin, kAwardAdmin,
                                 kAwardNominator, kAwardJuror, kAwardAuditor, kAwardService}) {
    p.roles.emplace(role);
  }
  return p;
}

absl::Status Unauthenticated(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kUnauthenticated, reason, message);
}

}  // namespace

const std::vector<absl::string_view>* RolesFor(absl::string_view method) {
  // channelz, which gRPC serves beside our services (common/admin_interceptor.h),
  // shows every connection and peer of the process: the admin roles only.
  if (absl::StartsWith(method, "grpc.channelz.v1.Channelz/")) {
    static const auto* admins = new Roles{kStatsAdmin, kAwardAdmin};
    return admins;
  }
  auto it = Table().find(method);
  return it == Table().end() ? nullptr : &it->second;
}

std::vector<std::string> TableMethods() {
  std::vector<std::string> out;
  for (const auto& [method, roles] : Table()) out.push_back(method);
  return out;
}

absl::StatusOr<std::optional<Principal>> AccessControl::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (credentials_ == nullptr) return std::optional<Principal>(Developer());
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  if (header != metadata.end()) {
    absl::string_view value(header->second.data(), header->second.size());
    if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
      return Unauthenticated("INVALID_CREDENTIALS",
                             "the authorization metadata must be `Bearer <token>`");
    }
    const absl::string_view token = absl::StripAsciiWhitespace(value.substr(7));
    if (token.empty()) return Unauthenticated("INVALID_CREDENTIALS", "the bearer token is empty");
    std::optional<Principal> principal = credentials_->FindToken(token);
    if (!principal) return Unauthenticated("INVALID_CREDENTIALS", "the token is not valid");
    return principal;
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const grpc::string_ref& name : auth->FindPropertyValues("x509_common_name")) {
      std::optional<Principal> principal =
          credentials_->FindCertificate(absl::string_view(name.data(), name.size()));
      if (principal) return principal;
      return Unauthenticated("INVALID_CREDENTIALS",
                             "the client certificate names no known principal");
    }
  }
  return std::optional<Principal>();
}

absl::StatusOr<Principal> AccessControl::Admit(const grpc::ServerContextBase& context,
                                               absl::string_view method) const {
  absl::StatusOr<std::optional<Principal>> caller = Authenticate(context);
  if (!caller.ok()) return caller.status();
  if (!caller->has_value()) {
    return Unauthenticated("CREDENTIALS_REQUIRED",
                           "this call needs credentials: a bearer token or a client certificate");
  }
  Principal& principal = **caller;
  const Roles* roles = RolesFor(method);
  if (roles != nullptr) {
    for (absl::string_view role : *roles) {
      if (principal.Has(role)) return std::move(principal);
    }
  }
  std::vector<std::string> needed;
  if (roles != nullptr) {
    for (absl::string_view role : *roles) needed.emplace_back(role);
  }
  return MakeError(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                   absl::StrCat(principal.name, " may not call ", method,
                                needed.empty() ? "" : absl::StrCat(" (needs one of: ",
                                                                   absl::StrJoin(needed, ", "), ")")));
}

}  // namespace imdi::auth
