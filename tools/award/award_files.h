// The award service's input files: cycle configurations (JSON or text
// protobuf, the imdi.award.v1.CycleConfig message) and the published
// winners history (published/award-history.csv). Pure; thread-safe.
#ifndef IMDI_TOOLS_AWARD_AWARD_FILES_H_
#define IMDI_TOOLS_AWARD_AWARD_FILES_H_

#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award_files {

// Parses a cycle configuration; `path` ending in ".json" is read as JSON
// (proto3 JSON mapping), anything else as text protobuf.
absl::StatusOr<award::v1::CycleConfig> ParseCycleConfig(const std::string& text,
                                                        const std::string& path);

// Reads and parses a cycle configuration file.
absl::StatusOr<award::v1::CycleConfig> LoadCycleConfig(const std::string& path);

// The winners of award-history.csv (rows with role "winner") in the years
// [first_year, last_year], oldest first. Nominee rows are skipped.
absl::StatusOr<std::vector<award::v1::Winner>> ParseWinnersHistory(std::istream& csv,
                                                                   int first_year,
                                                                   int last_year);

}  // namespace imdi::award_files

#endif  // IMDI_TOOLS_AWARD_AWARD_FILES_H_
