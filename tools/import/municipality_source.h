// Builds the municipality directory from the published sources:
//
//  * Statistics Norway's code history (klass/kommuner-1994-2024.csv): every
//    code valid since 1994, grouped by the 2024 municipality it became part
//    of, with the years each code was valid in its text ("Halden (-2019)").
//  * IMDi's 2015 municipality list (regions/kommuner.json): the IMDi region
//    of every municipality of 2015.
//
// A group holds the municipality's own line of codes (same name: Trondheim
// 1601 -> 5001) and the municipalities merged into it (Klæbu). Codes that
// Statistics Norway files under "divided municipalities" join the current
// municipality of the same name (Narvik 1805 -> 1806), or end without a
// successor. Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMPORT_MUNICIPALITY_SOURCE_H_
#define IMDI_TOOLS_IMPORT_MUNICIPALITY_SOURCE_H_

#include <istream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "stats-service/domain/municipality.h"

namespace imdi::import {

struct MunicipalitySource {
  std::vector<stats::Municipality> municipalities;  // ordered by code
  std::vector<std::string> warnings;                // rows passed over, and why
};

// IMDi region by 2015 municipality code, from regions/kommuner.json.
absl::StatusOr<std::map<int, stats::ImdiRegion>> ParseRegions(std::istream& json);

// The municipalities of the code history, with regions from `regions`.
absl::StatusOr<MunicipalitySource> BuildMunicipalities(
    std::istream& klass_csv, const std::map<int, stats::ImdiRegion>& regions);

// Reads both files and builds the municipalities.
absl::StatusOr<MunicipalitySource> LoadMunicipalities(const std::string& klass_path,
                                                      const std::string& regions_path);

}  // namespace imdi::import

#endif  // IMDI_TOOLS_IMPORT_MUNICIPALITY_SOURCE_H_
