#include "award-service/domain/comparables.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace imdi::award {

absl::StatusOr<Comparables> Comparables::Parse(absl::string_view json) {
  google::protobuf::ListValue list;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &list);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("comparable municipalities: not a JSON array: ", parsed.ToString()));
  }
  Comparables out;
  for (int i = 0; i < list.values_size(); ++i) {
    const auto& fields = list.values(i).struct_value().fields();
    auto code = fields.find("code");
    auto similar = fields.find("similar");
    if (code == fields.end() || similar == fields.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("comparable municipalities: entry ", i, " lacks code or similar"));
    }
    std::vector<std::string>& codes = out.similar_[code->second.string_value()];
    for (const auto& value : similar->second.list_value().values()) {
      codes.push_back(value.string_value());
    }
  }
  return out;
}

absl::StatusOr<Comparables> Comparables::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str());
}

std::vector<std::string> Comparables::For(const std::vector<std::string>& codes) const {
  for (const std::string& code : codes) {
    auto it = similar_.find(code);
    if (it != similar_.end()) return it->second;
  }
  return {};
}

}  // namespace imdi::award
