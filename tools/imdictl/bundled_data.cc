#include "tools/imdictl/bundled_data.h"

#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace imdi::imdictl {

absl::StatusOr<std::string> BundledDataFile(absl::string_view data_root,
                                            absl::string_view relative,
                                            const std::vector<std::string>& search) {
  if (!data_root.empty()) return absl::StrCat(data_root, "/", relative);
  for (const std::string& root : search) {
    std::string path = absl::StrCat(root, "/", relative);
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) return path;
  }
  return absl::NotFoundError(absl::StrCat(relative, " of the bundled data is not in ",
                                          absl::StrJoin(search, " nor in "),
                                          "; name the data's directory with --data_root"));
}

}  // namespace imdi::imdictl
