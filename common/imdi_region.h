// The names of IMDi's regional offices, for the API's region enum: one table
// for the award service's messages and imdictl's tables.
#ifndef IMDI_COMMON_IMDI_REGION_H_
#define IMDI_COMMON_IMDI_REGION_H_

#include "absl/strings/string_view.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi {

// "IMDi Øst", "IMDi Midt-Norge", ...; "" for IMDI_REGION_UNSPECIFIED and
// values this build does not know.
absl::string_view ImdiRegionName(stats::v1::ImdiRegion region);

}  // namespace imdi

#endif  // IMDI_COMMON_IMDI_REGION_H_
