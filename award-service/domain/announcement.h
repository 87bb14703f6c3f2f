// The public texts of a cycle (RenderAnnouncement), in Norwegian bokmål:
// the nominees' announcement and the winner's, rendered from the cycle's
// record and figures already resolved at its frozen data version, as
// Markdown or as one self-contained HTML page. Every figure printed carries
// a numbered note of its source and data version.
//
// Pure: no I/O; the figures come in resolved (core/citation.cc).
#ifndef IMDI_AWARD_DOMAIN_ANNOUNCEMENT_H_
#define IMDI_AWARD_DOMAIN_ANNOUNCEMENT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "imdi/award/storage/v1/storage.pb.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

struct AnnouncementInput {
  // The cycle with its nominations; not owned.
  const storage::v1::CycleRecord* record = nullptr;
  // Winners of earlier award years, in any order.
  std::vector<v1::Winner> earlier_winners;
  // The nominees' text: the country's figures of the figures year (refugees
  // settled, unaccompanied minors settled), resolved; those not known are
  // left out.
  std::vector<v1::CitedFigure> country_figures;
  // The nominees' text: each active nominee's figures of the figures year,
  // by nomination id, resolved.
  std::map<std::string, std::vector<v1::CitedFigure>> nominee_figures;
  // The winner's text before AnnounceWinner: marked as not public yet.
  bool draft = false;
  // The winner's text after AnnounceWinner: the history row it added, whose
  // date and event (perhaps not the schedule's) the text gives.
  std::optional<v1::Winner> announced;
};

struct RenderedAnnouncement {
  std::string text;
  std::string media_type;
  std::vector<v1::AnnouncementSource> sources;
};

// The text of `kind` in `format`. FAILED_PRECONDITION when the record lacks
// what the kind needs (no nominees; no decision or citation).
absl::StatusOr<RenderedAnnouncement> RenderAnnouncementText(const AnnouncementInput& input,
                                                            v1::AnnouncementKind kind,
                                                            v1::AnnouncementFormat format);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_ANNOUNCEMENT_H_
