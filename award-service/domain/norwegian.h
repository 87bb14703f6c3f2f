// Numbers, dates, lists and names the Norwegian (bokmål) way, for the
// award's public texts (announcement.h): "15 291", "23,2 %",
// "26. april 2017", "a, b og c", "IMDi Midt-Norge", "bosatte flyktninger".
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_NORWEGIAN_H_
#define IMDI_AWARD_DOMAIN_NORWEGIAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "imdi/award/v1/award.pb.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi::award::norwegian {

// A count rounded to an integer, with a space (U+0020) between groups of
// three digits from 1 000 up: "627", "2 702", "1 234 567", "-1 000".
std::string FormatCount(double value);

// A percentage with one decimal, a decimal comma and a space before the
// sign: 23.2 -> "23,2 %", 53 -> "53,0 %".
std::string FormatPercent(double value);

// "2017-04-26" -> "26. april 2017"; anything that is not a valid
// YYYY-MM-DD date comes back unchanged.
std::string FormatDate(absl::string_view iso_date);

// {"a"} -> "a"; {"a", "b"} -> "a og b"; {"a", "b", "c"} -> "a, b og c";
// {} -> "".
std::string JoinList(const std::vector<std::string>& items);

// A key that sorts names in Norwegian order: letters without regard to
// case, Æ, Ø and Å after Z, in that order ("Ørsta" before "Ålesund").
std::string SortKey(absl::string_view name);

// "IMDi Øst", "IMDi Indre Øst", "IMDi Sør", "IMDi Vest", "IMDi Midt-Norge",
// "IMDi Nord"; "" for IMDI_REGION_UNSPECIFIED and values not known.
std::string RegionName(stats::v1::ImdiRegion region);

// The bokmål noun phrase of a statistics field, e.g. refugees_settled ->
// "bosatte flyktninger"; a field not known comes back as its name.
std::string FieldPhrase(absl::string_view field);

// "tre" for 3, up to twelve; digits above (and for zero or less).
std::string NumberWord(int n);

// A file size in decimal units: "812 byte", "340 kB", "1,2 MB", "3,4 GB".
std::string FormatBytes(int64_t bytes);

// Whether a cited figure is a percentage: shares, ratios and fields ending
// in "_pct".
bool IsPercentFigure(const v1::CitedFigure& figure);

// The printed value of a resolved figure: FormatPercent for percentages
// (IsPercentFigure), FormatCount otherwise; "" when its value is absent
// (not known: left out, never printed as 0).
std::string FormatFigure(const v1::CitedFigure& figure);

// Where a share's denominator comes from, in bokmål: "published total" ->
// "publisert totaltall", "sum of 48 municipalities" -> "sum av 48
// kommuner"; anything else unchanged.
std::string DenominatorSource(absl::string_view source);

}  // namespace imdi::award::norwegian

#endif  // IMDI_AWARD_DOMAIN_NORWEGIAN_H_
