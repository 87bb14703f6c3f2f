#include "common/imdi_region.h"

namespace imdi {

absl::string_view ImdiRegionName(stats::v1::ImdiRegion region) {
  switch (region) {
    case stats::v1::IMDI_REGION_OST:
      return "IMDi Øst";
    case stats::v1::IMDI_REGION_INDRE_OST:
      return "IMDi Indre Øst";
    case stats::v1::IMDI_REGION_SOR:
      return "IMDi Sør";
    case stats::v1::IMDI_REGION_VEST:
      return "IMDi Vest";
    case stats::v1::IMDI_REGION_MIDT_NORGE:
      return "IMDi Midt-Norge";
    case stats::v1::IMDI_REGION_NORD:
      return "IMDi Nord";
    default:
      return "";
  }
}

}  // namespace imdi
