// stats-service/domain/filter.h: the AIP-160 filter subset.
//
// The first byte picks the fields allowed: even the ones of ListFigures and
// StreamFigures, odd the ones of ListMunicipalities; the rest is the filter.
//
// Invariants: OK or INVALID_ARGUMENT; a filter that can match has a year
// range within the service's years; parsing is deterministic; the filter
// written back from what was parsed parses to the same canonical form.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "stats-service/domain/filter.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using imdi::stats::RecordFilter;

const std::vector<absl::string_view> kFigureFields = {"year", "county_code", "imdi_region",
                                                      "municipality_code"};
const std::vector<absl::string_view> kMunicipalityFields = {"year", "county_code", "imdi_region"};

std::string WrittenBack(const RecordFilter& f) {
  std::vector<std::string> clauses = {absl::StrFormat("year >= %04d", f.year_min),
                                      absl::StrFormat("year<=\"%04d\"", f.year_max)};
  if (f.county) clauses.push_back(absl::StrFormat("county_code = '%02d'", *f.county));
  if (f.region) {
    clauses.push_back(absl::StrCat("imdi_region = ", imdi::stats::RegionCode(*f.region)));
  }
  if (f.municipality_code) {
    clauses.push_back(absl::StrFormat("municipality_code=%04d", *f.municipality_code));
  }
  return absl::StrJoin(clauses, " AND ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& allowed = data[0] % 2 == 0 ? kFigureFields : kMunicipalityFields;
  const std::string text = imdi::fuzz::AsText(data + 1, size - 1);
  absl::StatusOr<RecordFilter> filter = imdi::stats::ParseFilter(text, allowed);
  if (!filter.ok()) {
    IMDI_FUZZ_CHECK(filter.status().code() == absl::StatusCode::kInvalidArgument,
                    filter.status().ToString());
    return 0;
  }
  IMDI_FUZZ_CHECK(!filter->canonical.empty(), "no canonical form");
  absl::StatusOr<RecordFilter> again = imdi::stats::ParseFilter(text, allowed);
  IMDI_FUZZ_CHECK(again.ok() && again->canonical == filter->canonical, "parsing is not stable");
  if (filter->contradictory) return 0;

  IMDI_FUZZ_CHECK(filter->year_min >= imdi::stats::kMinYear &&
                      filter->year_max <= imdi::stats::kMaxYear &&
                      filter->year_min <= filter->year_max,
                  absl::StrCat("years ", filter->year_min, "-", filter->year_max));
  const std::string written = WrittenBack(*filter);
  absl::StatusOr<RecordFilter> back = imdi::stats::ParseFilter(written, kFigureFields);
  IMDI_FUZZ_CHECK(back.ok(), absl::StrCat("\"", written, "\": ", back.status().ToString()));
  IMDI_FUZZ_CHECK(back->canonical == filter->canonical,
                  absl::StrCat("\"", text, "\" is ", filter->canonical, "; written back as \"",
                               written, "\" it is ", back->canonical));
  return 0;
}
