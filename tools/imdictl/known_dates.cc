#include "tools/imdictl/known_dates.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/limits.h"

namespace imdi::imdictl {

absl::StatusOr<std::string> ParseKnownDate(absl::string_view text) {
  absl::CivilDay day;
  // The round trip refuses what parsing would normalise ("2016-02-30") or
  // accept loosely ("2016-2-1").
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      absl::FormatCivilTime(day) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat("known date ", Excerpt(text), " is not a day written YYYY-MM-DD"));
  }
  return std::string(text);
}

absl::StatusOr<std::string> KnownDateFromName(absl::string_view path) {
  const std::string stem = std::filesystem::path(std::string(path)).stem().string();
  const size_t dash = stem.rfind('-');
  const absl::string_view digits =
      dash == std::string::npos ? absl::string_view() : absl::string_view(stem).substr(dash + 1);
  const bool six_digits =
      digits.size() == 6 && std::all_of(digits.begin(), digits.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      });
  if (!six_digits) {
    return absl::InvalidArgumentError(absl::StrCat(
        Excerpt(path, 200), ": the name does not end with the date it was known, -YYMMDD"));
  }
  absl::StatusOr<std::string> date = ParseKnownDate(
      absl::StrCat("20", digits.substr(0, 2), "-", digits.substr(2, 2), "-", digits.substr(4, 2)));
  if (!date.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Excerpt(path, 200), ": -", digits, " at the end of the name is not a day"));
  }
  return date;
}

absl::StatusOr<std::vector<std::string>> KnownDates(const std::vector<std::string>& files,
                                                    absl::string_view known_date, bool from_name) {
  if (from_name && !known_date.empty()) {
    return absl::InvalidArgumentError("--known_date and --known_date_from_name exclude each other");
  }
  std::string date;
  if (!known_date.empty()) {
    absl::StatusOr<std::string> parsed = ParseKnownDate(known_date);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--known_date: ", parsed.status().message()));
    }
    date = *parsed;
  }
  std::vector<std::string> dates;
  for (const std::string& file : files) {
    if (!from_name) {
      dates.push_back(date);
      continue;
    }
    absl::StatusOr<std::string> named = KnownDateFromName(file);
    if (!named.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--known_date_from_name: ", named.status().message()));
    }
    dates.push_back(*named);
  }
  return dates;
}

}  // namespace imdi::imdictl
