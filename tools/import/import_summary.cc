#include "tools/import/import_summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace imdi::import {

std::string ImportSummary(const std::string& name, const ParsedFile& parsed,
                          const stats::v1::ImportFiguresResponse& response,
                          double rows_per_second) {
  const RowFates& f = parsed.fates;
  std::string out = absl::StrFormat(
      "%s: %d rows: %d accepted, %d without a value, %d skipped, %d rejected; "
      "%d records sent: %d changed, %d unchanged, %d rejected by the service; "
      "%d records not imported because of a bad row",
      name, parsed.rows, f.accepted, f.without_value, f.skipped, f.rejected(),
      response.rows_received(), response.rows_changed(), response.rows_unchanged(),
      response.rows_rejected(), parsed.records_rejected);
  if (rows_per_second >= 0) absl::StrAppendFormat(&out, "; %.0f rows/s", rows_per_second);
  absl::StrAppend(&out, "; data version ", response.data_version());
  return out;
}

std::vector<std::string> ImportCountMismatches(const ParsedFile& parsed,
                                               const stats::v1::ImportFiguresResponse& response) {
  std::vector<std::string> out;
  const RowFates& f = parsed.fates;
  if (f.total() != parsed.rows) {
    out.push_back(absl::StrFormat(
        "%d rows read, but %d accepted + %d without a value + %d skipped + %d rejected = %d",
        parsed.rows, f.accepted, f.without_value, f.skipped, f.rejected(), f.total()));
  }
  if (response.rows_received() != static_cast<int64_t>(parsed.records.size())) {
    out.push_back(absl::StrFormat("%d records parsed, but the service received %d",
                                  parsed.records.size(), response.rows_received()));
  }
  const int64_t accounted =
      response.rows_changed() + response.rows_unchanged() + response.rows_rejected();
  if (accounted != response.rows_received()) {
    out.push_back(absl::StrFormat(
        "the service received %d records, but %d changed + %d unchanged + %d rejected = %d",
        response.rows_received(), response.rows_changed(), response.rows_unchanged(),
        response.rows_rejected(), accounted));
  }
  if ((f.in_rejected_records > 0) != (parsed.records_rejected > 0)) {
    out.push_back(absl::StrFormat("%d rows in rejected records, but %d records rejected",
                                  f.in_rejected_records, parsed.records_rejected));
  }
  return out;
}

int64_t ImportRejections(const ParsedFile& parsed,
                         const stats::v1::ImportFiguresResponse& response) {
  return parsed.fates.rejected() + response.rows_rejected();
}

}  // namespace imdi::import
