#include "award-service/domain/announcement.h"

#include "common/errors.h"

namespace imdi::award {

absl::StatusOr<RenderedAnnouncement> RenderAnnouncementText(const AnnouncementInput&,
                                                            v1::AnnouncementKind,
                                                            v1::AnnouncementFormat) {
  return MakeError(absl::StatusCode::kUnimplemented, "NOT_IMPLEMENTED",
                   "announcements are not rendered yet");
}

}  // namespace imdi::award
