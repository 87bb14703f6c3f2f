// The results of a cycle as CSV: read from the cycle's record, rendered by
// the domain (award-service/domain/results_csv.h).
#include "award-service/core/use_case.h"
#include "award-service/domain/results_csv.h"

namespace imdi::award::use_case {

absl::StatusOr<v1::ExportCycleResultsResponse> ExportCycleResults(
    const Context& ctx, const v1::ExportCycleResultsRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  CycleResultsCsv results = RenderCycleResults(record);
  v1::ExportCycleResultsResponse response;
  response.set_cycle_id(record.cycle().cycle_id());
  response.set_csv(std::move(results.csv));
  response.set_rows(results.rows);
  response.set_data_version(record.cycle().data_version());
  response.set_state(record.cycle().state());
  return response;
}

}  // namespace imdi::award::use_case
