// Turns parsed source files into StatsService requests: one
// BatchUpsertMunicipalities request for the municipality directory, and
// ImportFigures stream messages for a parsed figure file. Shared by imdictl
// and the tests. Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMPORT_IMPORT_REQUESTS_H_
#define IMDI_TOOLS_IMPORT_IMPORT_REQUESTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "imdi/stats/v1/stats.pb.h"
#include "tools/import/figures_source.h"
#include "tools/import/municipality_source.h"

namespace imdi::import {

absl::StatusOr<stats::v1::BatchUpsertMunicipalitiesRequest> MunicipalitiesRequest(
    const MunicipalitySource& source);

// Bytes of one ImportFigures message at most: far below the 4 MiB a
// service accepts by default, and small enough to commit quickly.
inline constexpr size_t kMaxImportMessageBytes = size_t{1} << 20;

// Messages of one ImportFigures stream carrying `parsed.records`, at most
// `batch` rows and kMaxImportMessageBytes each, every message naming
// `source_name` (made valid one-line UTF-8 within the bound of a source),
// `status` and `known_date` (YYYY-MM-DD, or "" for the date of the import).
std::vector<stats::v1::ImportFiguresRequest> ImportRequests(const ParsedFile& parsed,
                                                            const std::string& source_name,
                                                            stats::v1::FiguresStatus status,
                                                            size_t batch,
                                                            const std::string& known_date = "");

}  // namespace imdi::import

#endif  // IMDI_TOOLS_IMPORT_IMPORT_REQUESTS_H_
