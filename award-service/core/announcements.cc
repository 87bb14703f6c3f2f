#include "award-service/core/use_case.h"
#include "award-service/domain/announcement.h"
#include "common/errors.h"

namespace imdi::award::use_case {

absl::StatusOr<v1::RenderAnnouncementResponse> RenderAnnouncement(
    const Context&, const v1::RenderAnnouncementRequest&) {
  return MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED",
                   "announcements are not rendered yet");
}

}  // namespace imdi::award::use_case
