#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/cycle_page_token.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/progress.h"
#include "award-service/domain/request_checks.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award::use_case {

namespace {

constexpr int kDefaultCyclePage = 50;
constexpr int kMaxCyclePage = 500;

}  // namespace

absl::StatusOr<v1::CreateCycleResponse> CreateCycle(const Context& ctx,
                                                    const v1::CreateCycleRequest& request,
                                                    const Caller& caller) {
  {
    FieldChecks checks;
    checks.Add(ValidateCycleConfig(request.config()));
    CheckIds(checks, request.cycle_id(), request.request_id());
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::CreateCycleResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Write(
      "CreateCycle", request, request.request_id(), caller, response,
      [&]() -> absl::StatusOr<AwardCommit> {
        IMDI_ASSIGN_OR_RETURN(std::optional<Record> existing,
                              ctx.store->ReadCycle(request.cycle_id()));
        if (existing) {
          return MakeError(absl::StatusCode::kAlreadyExists, "CYCLE_EXISTS",
                           absl::StrCat("cycle \"", request.cycle_id(), "\" already exists"));
        }
        const absl::Time now = ctx.now();
        Record record;
        v1::Cycle& cycle = *record.mutable_cycle();
        cycle.set_cycle_id(request.cycle_id());
        *cycle.mutable_config() = request.config();
        cycle.set_state(v1::CYCLE_STATE_DRAFT);
        cycle.set_revision(1);
        cycle.set_etag(Etag(cycle.cycle_id(), 1));
        *cycle.mutable_create_time() = ToProto(now);
        *cycle.mutable_update_time() = ToProto(now);
        record.set_last_audit_sequence(1);

        v1::AuditEvent event = NewAuditEvent(cycle.cycle_id(), now, caller, request.request_id(),
                                             "CreateCycle", v1::CYCLE_STATE_UNSPECIFIED);
        event.set_sequence(1);
        event.set_state_after(v1::CYCLE_STATE_DRAFT);
        event.set_detail(absl::StrCat("created \"", request.config().title(), "\", award year ",
                                      request.config().award_year(), ", figures year ",
                                      request.config().figures_year()));
        *response.mutable_cycle() = cycle;
        AwardCommit commit;
        commit.audit_events.push_back(event);
        commit.cycle = std::move(record);
        return commit;
      }));
  return WithCycleHeader(response);
}

absl::StatusOr<v1::GetCycleResponse> GetCycle(const Context& ctx,
                                              const v1::GetCycleRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  v1::GetCycleResponse response;
  *response.mutable_cycle() = record.cycle();
  ApplyCycleView(EffectiveCycleView(request.view(), v1::CYCLE_VIEW_FULL),
                 *response.mutable_cycle());
  return response;
}

absl::StatusOr<v1::ListCyclesResponse> ListCycles(const Context& ctx,
                                                  const v1::ListCyclesRequest& request) {
  const v1::CycleView view = EffectiveCycleView(request.view(), v1::CYCLE_VIEW_BASIC);
  // The token belongs to a listing in one view; the page size may change.
  const uint64_t fingerprint = Fnv1a(absl::StrCat("ListCycles|", static_cast<int>(view)));
  std::optional<CyclePageToken> after;
  if (!request.page_token().empty()) {
    IMDI_ASSIGN_OR_RETURN(after, DecodeCyclePageToken(request.page_token(), fingerprint));
  }
  const int size = PageSize(request.page_size(), kDefaultCyclePage, kMaxCyclePage);
  IMDI_ASSIGN_OR_RETURN(std::vector<Record> records, ctx.store->ReadCycles());
  std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
    if (a.cycle().config().award_year() != b.cycle().config().award_year()) {
      return a.cycle().config().award_year() > b.cycle().config().award_year();
    }
    return a.cycle().cycle_id() < b.cycle().cycle_id();
  });
  v1::ListCyclesResponse response;
  ByteBudget budget;
  bool more = false;
  for (Record& record : records) {
    const v1::Cycle& cycle = record.cycle();
    if (after && !ComesAfter(*after, cycle.config().award_year(), cycle.cycle_id())) continue;
    v1::Cycle out = cycle;
    ApplyCycleView(view, out);
    if (response.cycles_size() >= size || !budget.Take(out.ByteSizeLong())) {
      more = true;
      break;
    }
    *response.add_cycles() = std::move(out);
  }
  if (more && response.cycles_size() > 0) {
    const v1::Cycle& last = response.cycles(response.cycles_size() - 1);
    response.set_next_page_token(
        EncodeCyclePageToken({fingerprint, last.config().award_year(), last.cycle_id()}));
  }
  return response;
}

absl::StatusOr<v1::OpenNominationsResponse> OpenNominations(
    const Context& ctx, const v1::OpenNominationsRequest& request, const Caller& caller) {
  return MoveState<v1::OpenNominationsResponse>(ctx, "OpenNominations", request, caller,
                                                Action::kOpenNominations, "nominations opened");
}

absl::StatusOr<v1::ArchiveCycleResponse> ArchiveCycle(const Context& ctx,
                                                      const v1::ArchiveCycleRequest& request,
                                                      const Caller& caller) {
  return MoveState<v1::ArchiveCycleResponse>(ctx, "ArchiveCycle", request, caller, Action::kArchive,
                                             "archived");
}

absl::StatusOr<v1::CancelCycleResponse> CancelCycle(const Context& ctx,
                                                    const v1::CancelCycleRequest& request,
                                                    const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckRequestText(request.reason(), "reason", true, kMaxLineBytes));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  return MoveState<v1::CancelCycleResponse>(
      ctx, "CancelCycle", request, caller, Action::kCancel,
      absl::StrCat("cancelled: ", request.reason()),
      [&](Record& record) { record.mutable_cycle()->set_cancel_reason(request.reason()); });
}

absl::StatusOr<v1::GetCycleProgressResponse> GetCycleProgress(
    const Context& ctx, const v1::GetCycleProgressRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  return CycleProgress(record, ctx.now());
}

}  // namespace imdi::award::use_case
