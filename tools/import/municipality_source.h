// Builds the municipality directory from the published sources:
//
//  * Statistics Norway's code history (klass/kommuner-1994-2024.csv): every
//    code valid since 1994, grouped by the 2024 municipality it became part
//    of, with the years each code was valid in its text ("Halden (-2019)").
//  * IMDi's 2015 municipality list (regions/kommuner.json): the IMDi region
//    of every municipality of 2015, and its name then.
//
// Statistics Norway names an ended code by its name when it ended
// ("Loabák - Lavangen (1907-2019)" for 1920), which for a municipality that
// took a Sami name late is not the name of the years the data covers
// (Lavangen in 2012-2015). A code that ended after 2015 therefore keeps the
// name of IMDi's 2015 list when that name is one of the parts of Statistics
// Norway's ("Lavangen" of "Loabák - Lavangen"); one code holds one name, so
// its last years show the earlier name too.
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

// Name by 2015 municipality code, from regions/kommuner.json.
absl::StatusOr<std::map<int, std::string>> ParseNames2015(std::istream& json);

// The municipalities of the code history, with regions from `regions` and
// the 2015 names of `names_2015` where they apply (see above).
absl::StatusOr<MunicipalitySource> BuildMunicipalities(
    std::istream& klass_csv, const std::map<int, stats::ImdiRegion>& regions,
    const std::map<int, std::string>& names_2015 = {});

// Reads both files and builds the municipalities.
absl::StatusOr<MunicipalitySource> LoadMunicipalities(const std::string& klass_path,
                                                      const std::string& regions_path);

}  // namespace imdi::import

#endif  // IMDI_TOOLS_IMPORT_MUNICIPALITY_SOURCE_H_
