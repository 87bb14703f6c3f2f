// Where imdictl finds the bundled data (the source tree's data/), which
// `municipalities load` reads by default: ./data in a checkout,
// /usr/share/imdi/data in the container image and on the systemd hosts
// (deploy/), or wherever --data_root says.
#ifndef IMDI_TOOLS_IMDICTL_BUNDLED_DATA_H_
#define IMDI_TOOLS_IMDICTL_BUNDLED_DATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imdi::imdictl {

// Where the image and the packaged installs keep the bundled data.
inline constexpr char kInstalledDataRoot[] = "/usr/share/imdi/data";

// The path of `relative` (e.g. "regions/kommuner.json") in the bundled
// data: under `data_root` when it is given (whether or not the file is
// there: reading it says so), else under the first of `search` that holds
// it. NOT_FOUND names every place looked in.
absl::StatusOr<std::string> BundledDataFile(
    absl::string_view data_root, absl::string_view relative,
    const std::vector<std::string>& search = {"data", kInstalledDataRoot});

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_BUNDLED_DATA_H_
