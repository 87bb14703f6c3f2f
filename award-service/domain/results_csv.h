// The results of an award cycle as one CSV document (ExportCycleResults):
// the ranking, every juror's scores per nomination and criterion, and each
// active nomination's verdicts with the stats data version they were read
// at. One row per fact; the `section` column says which. Pure; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_RESULTS_CSV_H_
#define IMDI_AWARD_DOMAIN_RESULTS_CSV_H_

#include <string>

#include "imdi/award/storage/v1/storage.pb.h"

namespace imdi::award {

inline constexpr char kCycleResultsHeader[] =
    "cycle_id,section,nomination_id,municipality_code,municipality_name,rank,juror_id,"
    "criterion,score,jury_score,vote_share,final_score,verdict,data_version,note";

struct CycleResultsCsv {
  std::string csv;
  int rows = 0;  // data rows
};

// Rows in this order: ranking (best first), scores (by nomination in
// submission order, juror, criterion), verdicts and the requirement (by
// nomination, the criteria in configuration order). Withdrawn nominations
// are left out. Numbers are written in their shortest exact form; an empty
// cell is unknown or does not apply (never 0).
CycleResultsCsv RenderCycleResults(const storage::v1::CycleRecord& record);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_RESULTS_CSV_H_
