// Where a cycle stands (GetCycleProgress): the schedule seen from now,
// nominations per IMDi region, claims awaiting the jury, the scores each
// juror still owes, and every transition out of the current state with
// what blocks it, computed by the same checks the transitions' RPCs make
// (transitions.h). A juror's missing scores are listed up to 100; the
// counts are complete.
//
// Pure and thread-safe.
#ifndef IMDI_AWARD_DOMAIN_PROGRESS_H_
#define IMDI_AWARD_DOMAIN_PROGRESS_H_

#include "absl/time/time.h"
#include "imdi/award/storage/v1/storage.pb.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

v1::GetCycleProgressResponse CycleProgress(const storage::v1::CycleRecord& record, absl::Time now);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_PROGRESS_H_
