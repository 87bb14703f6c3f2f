// The one-line account of a figures import that adds up: what became of
// every row of the file (parsed by figures_source.h) and of every record
// the service received (ImportFiguresResponse).
//
//   NAME: R rows: A accepted, W without a value, S skipped, J rejected;
//   N records sent: C changed, U unchanged, X rejected by the service;
//   K records not imported because of a bad row; ... rows/s; data version V
//
// with R = A + W + S + J and N = C + U + X. Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMPORT_IMPORT_SUMMARY_H_
#define IMDI_TOOLS_IMPORT_IMPORT_SUMMARY_H_

#include <string>
#include <vector>

#include "imdi/stats/v1/stats.pb.h"
#include "tools/import/figures_source.h"

namespace imdi::import {

// The summary line (no newline), without the rate when `rows_per_second` < 0.
std::string ImportSummary(const std::string& name, const ParsedFile& parsed,
                          const stats::v1::ImportFiguresResponse& response, double rows_per_second);

// Counts that do not add up, as sentences; empty when all reconcile. A
// non-empty answer means a count is wrong somewhere: imdictl reports it.
std::vector<std::string> ImportCountMismatches(const ParsedFile& parsed,
                                               const stats::v1::ImportFiguresResponse& response);

// Rows or records rejected, on either side: imdictl then exits with 1.
int64_t ImportRejections(const ParsedFile& parsed,
                         const stats::v1::ImportFiguresResponse& response);

}  // namespace imdi::import

#endif  // IMDI_TOOLS_IMPORT_IMPORT_SUMMARY_H_
