#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "award-service/core/use_case.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award::use_case {

namespace {

constexpr int kDefaultAuditPage = 100;
constexpr int kMaxAuditPage = 1000;

std::string EncodeToken(absl::string_view kind, absl::string_view scope, int64_t position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kind, "|", scope, "|", position));
}

absl::StatusOr<int64_t> DecodeToken(const std::string& token, absl::string_view kind,
                                    absl::string_view scope) {
  if (token.empty()) return 0;
  std::string raw;
  std::vector<std::string> parts;
  int64_t position = 0;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, '|');
  if (parts.size() != 3 || parts[0] != kind || parts[1] != scope ||
      !absl::SimpleAtoi(parts[2], &position) || position < 0) {
    return InvalidFieldError("page_token",
                             "is not a token of this listing; start again without one");
  }
  return position;
}

}  // namespace

absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(
    const Context& ctx, const v1::ListAuditEventsRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  IMDI_ASSIGN_OR_RETURN(int64_t after,
                        DecodeToken(request.page_token(), "audit", request.cycle_id()));
  const int size = PageSize(request.page_size(), kDefaultAuditPage, kMaxAuditPage);
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::AuditEvent> events,
                        ctx.store->ReadAudit(request.cycle_id(), after, size + 1));
  v1::ListAuditEventsResponse response;
  ByteBudget budget;
  int taken = 0;
  while (taken < static_cast<int>(events.size()) && taken < size &&
         budget.Take(events[taken].ByteSizeLong())) {
    *response.add_events() = std::move(events[taken++]);
  }
  if (static_cast<int>(events.size()) > taken) {
    response.set_next_page_token(
        EncodeToken("audit", request.cycle_id(), response.events(taken - 1).sequence()));
  }
  return response;
}

}  // namespace imdi::award::use_case
