#include "tools/award/award_files.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "award-service/domain/cycle_config.h"
#include "common/csv.h"
#include "common/limits.h"
#include "common/raw_message.h"
#include "common/utf8.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "stats-service/domain/figures.h"

namespace imdi::award_files {
namespace {

// "2020-01": a month without its day.
bool IsYearMonth(absl::string_view text) {
  return text.size() == 7 && text[4] == '-' &&
         std::all_of(text.begin(), text.begin() + 4, absl::ascii_isdigit) &&
         absl::ascii_isdigit(text[5]) && absl::ascii_isdigit(text[6]);
}

}  // namespace

absl::StatusOr<award::v1::CycleConfig> ParseCycleConfig(const std::string& text,
                                                        const std::string& path) {
  award::v1::CycleConfig config;
  if (absl::EndsWith(path, ".json")) {
    auto parsed = google::protobuf::util::JsonStringToMessage(text, &config);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.ToString()));
    }
  } else if (!google::protobuf::TextFormat::ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a text CycleConfig"));
  }
  // The text format lets bytes that are not UTF-8 into strings; the service
  // could not read a request carrying them.
  if (std::optional<std::string> field = InvalidUtf8Field(config)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", *field, " is not UTF-8 (save the file as UTF-8)"));
  }
  return config;
}

absl::StatusOr<award::v1::CycleConfig> LoadCycleConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseCycleConfig(buffer.str(), path);
}

absl::StatusOr<std::vector<award::v1::Winner>> ParseWinnersHistory(std::istream& csv,
                                                                   int first_year,
                                                                   int last_year) {
  CsvReader reader(csv);
  CsvRecord record;
  std::map<std::string, size_t> column;
  std::vector<award::v1::Winner> out;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(record);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (column.empty()) {
      for (size_t i = 0; i < record.fields.size(); ++i) {
        if (!column.emplace(record.fields[i], i).second) {
          return absl::InvalidArgumentError(
              absl::StrCat("award history: the header names column ", Excerpt(record.fields[i]),
                           " twice"));
        }
      }
      for (const char* name : {"award_year", "role", "municipality", "code_at_the_time",
                               "imdi_region", "winner_announced", "event", "source"}) {
        if (!column.count(name)) {
          return absl::InvalidArgumentError(absl::StrCat("award history: no column ", name));
        }
      }
      continue;
    }
    if (record.too_long) {
      return absl::InvalidArgumentError(
          absl::StrCat("award history line ", record.line, ": the row is too long to be real"));
    }
    for (const std::string& f : record.fields) {
      if (std::optional<size_t> bad = FirstInvalidUtf8(f)) {
        return absl::InvalidArgumentError(absl::StrCat("award history line ", record.line,
                                                       ": byte ", *bad + 1, " of ", Excerpt(f),
                                                       " is not UTF-8 (save the file as UTF-8)"));
      }
    }
    if (record.fields.size() != column.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "award history line ", record.line, ": ", record.fields.size(), " fields where the header has ",
          column.size(), " (a comma in an unquoted field?)"));
    }
    auto field = [&](const char* name) -> const std::string& { return record.fields[column.at(name)]; };
    if (field("role") != "winner") continue;
    int year = 0;
    if (!absl::SimpleAtoi(field("award_year"), &year)) {
      return absl::InvalidArgumentError(
          absl::StrCat("award history line ", record.line, ": bad award_year"));
    }
    if (year < first_year || year > last_year) continue;
    award::v1::Winner winner;
    winner.set_award_year(year);
    winner.set_municipality_name(field("municipality"));
    winner.set_code_at_the_time(field("code_at_the_time"));
    if (auto region = stats::ParseRegion(field("imdi_region"))) {
      winner.set_imdi_region(static_cast<stats::v1::ImdiRegion>(static_cast<int>(*region)));
    }
    // A date with only a month ("2020-01") is no date; anything else must
    // be a day that exists.
    const std::string& announced = field("winner_announced");
    if (!announced.empty() && !IsYearMonth(announced)) {
      if (!award::ValidateDate(announced, "winner_announced").ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("award history line ", record.line, ": winner_announced ",
                         Excerpt(announced), " is not a date YYYY-MM-DD (nor a month YYYY-MM)"));
      }
      winner.set_announce_date(announced);
    }
    winner.set_event(field("event"));
    winner.set_source(field("source"));
    out.push_back(std::move(winner));
  }
  return out;
}

}  // namespace imdi::award_files
