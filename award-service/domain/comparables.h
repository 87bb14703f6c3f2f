// The directorate's comparable municipalities (regions/similarMunicipalities
// .json): for a municipality, the codes of the municipalities IMDi compares
// it with. Codes are those of the file's time (2016); a municipality is
// looked up by any code it ever had. Immutable after Parse; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_COMPARABLES_H_
#define IMDI_AWARD_DOMAIN_COMPARABLES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imdi::award {

class Comparables {
 public:
  Comparables() = default;

  // Parses the JSON array [{"code": "0301", "similar": ["1201", ...]}, ...].
  static absl::StatusOr<Comparables> Parse(absl::string_view json);

  // Reads and parses a file; NOT_FOUND when it cannot be read.
  static absl::StatusOr<Comparables> Load(const std::string& path);

  // The comparables of the first of `codes` (a municipality's codes, any
  // order) that the list knows; empty when none is known.
  std::vector<std::string> For(const std::vector<std::string>& codes) const;

  size_t size() const { return similar_.size(); }

 private:
  std::map<std::string, std::vector<std::string>> similar_;
};

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_COMPARABLES_H_
