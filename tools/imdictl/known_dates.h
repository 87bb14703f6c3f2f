// The known date of each file `imdictl figures import` sends: the date its
// figures were published or known (ImportFiguresRequest.known_date), from
// --known_date for every file, or from each file's name with
// --known_date_from_name ("...-160212.csv" was exported on 2016-02-12), or
// none (the service takes the date of the import). Everything is checked
// before anything is sent.
//
// Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMDICTL_KNOWN_DATES_H_
#define IMDI_TOOLS_IMDICTL_KNOWN_DATES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imdi::imdictl {

// `text` when it is a real day written YYYY-MM-DD ("2016-02-12").
absl::StatusOr<std::string> ParseKnownDate(absl::string_view text);

// The day a file's name ends with, before its extension: a trailing
// "-YYMMDD" of the years 2000-2099 ("bosatt-2016-160212.csv" is
// 2016-02-12).
absl::StatusOr<std::string> KnownDateFromName(absl::string_view path);

// One known date per file, in their order ("" for none): `known_date` for
// every file, or each file's from its name when `from_name`. An error
// (exclusive flags, a bad date, a name without a date) names the flag or
// the file.
absl::StatusOr<std::vector<std::string>> KnownDates(const std::vector<std::string>& files,
                                                    absl::string_view known_date, bool from_name);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_KNOWN_DATES_H_
