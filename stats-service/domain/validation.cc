#include "stats-service/domain/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/limits.h"

namespace imdi::stats {
namespace {


struct PartOfWhole {
  Count part;
  Count whole;
};

// Each part is a subset of its whole.
constexpr PartOfWhole kParts[] = {
    {Count::kMinorsRequested, Count::kRefugeesRequested},
    {Count::kMinorsDecided, Count::kRefugeesDecided},
    {Count::kMinorsSettled, Count::kRefugeesSettled},
    {Count::kIntroToWorkOrEducation, Count::kIntroFinished},
    {Count::kIntroFollowupWorkOrEducation, Count::kIntroFollowupTotal},
};

}  // namespace

std::optional<int> ParseDigits(absl::string_view text, size_t width) {
  if (text.size() != width || width > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

absl::StatusOr<int> ParseMunicipalityCode(absl::string_view text,
                                          absl::string_view field) {
  if (text.empty()) return InvalidFieldError(field, "a municipality code is required");
  std::optional<int> code = ParseDigits(text, 4);
  if (!code) {
    return InvalidFieldError(field,
                             absl::StrCat(Excerpt(text),
                                          " is not a municipality code: expected four digits "
                                          "with leading zeros, e.g. \"0906\""));
  }
  return *code;
}

absl::StatusOr<int> ParseCountyCode(absl::string_view text, absl::string_view field) {
  std::optional<int> county = ParseDigits(text, 2);
  if (!county) {
    return InvalidFieldError(field, absl::StrCat(Excerpt(text),
                                                 " is not a county code: expected two digits, "
                                                 "e.g. \"09\""));
  }
  return *county;
}

absl::Status ValidateYear(int year, absl::string_view field) {
  if (year < kMinYear || year > kMaxYear) {
    return InvalidFieldError(field, absl::StrCat("year ", year, " is outside ",
                                                 kMinYear, "-", kMaxYear));
  }
  return absl::OkStatus();
}

std::vector<FieldViolation> CheckFigureValues(const FigureValues& values,
                                              bool is_municipality,
                                              absl::string_view prefix) {
  std::vector<FieldViolation> out;
  const int64_t refugee_bound =
      is_municipality ? kMaxRefugeesPerMunicipality : kMaxRefugeesPerArea;
  for (int i = 0; i < kNumCounts; ++i) {
    const std::optional<int64_t>& v = values.counts[i];
    if (!v) continue;
    const auto count = static_cast<Count>(i);
    const std::string field = FieldPath(prefix, kCountNames[i]);
    if (*v < 0) {
      out.push_back({field, absl::StrCat(*v, " is negative; a count is 0 or more")});
      continue;
    }
    const int64_t bound =
        count == Count::kPopulation ? kMaxPopulation * (is_municipality ? 1 : 2)
                                    : refugee_bound;
    if (*v > bound) {
      out.push_back({field, absl::StrCat(*v, " is not plausible (more than ",
                                         bound, ")")});
    }
  }
  for (int i = 0; i < kNumPercents; ++i) {
    const std::optional<double>& v = values.percents[i];
    if (v && !(*v >= 0 && *v <= 100)) {
      out.push_back({FieldPath(prefix, kPercentNames[i]),
                     absl::StrCat(*v, " is not a percent between 0 and 100")});
    }
  }
  for (const PartOfWhole& pw : kParts) {
    const auto& part = values[pw.part];
    const auto& whole = values[pw.whole];
    if (part && whole && *part >= 0 && *part > *whole) {
      out.push_back({FieldPath(prefix, kCountNames[static_cast<int>(pw.part)]),
                     absl::StrCat(*part, " is more than ",
                                  kCountNames[static_cast<int>(pw.whole)], " ",
                                  *whole, ", of which it is a part")});
    }
  }
  const auto& settled = values[Count::kRefugeesSettled];
  const auto& population = values[Count::kPopulation];
  if (is_municipality && settled && population && *settled > *population) {
    out.push_back({FieldPath(prefix, "refugees_settled"),
                   absl::StrCat(*settled, " settled is more than the population ",
                                *population)});
  }
  return out;
}

std::vector<FieldViolation> CheckFiguresText(absl::string_view source, absl::string_view note,
                                             absl::string_view prefix) {
  std::vector<FieldViolation> out;
  if (auto v = CheckText(source, FieldPath(prefix, "source"), kMaxLineBytes)) out.push_back(*v);
  if (auto v = CheckText(note, FieldPath(prefix, "note"), kMaxNoteBytes, TextKind::kParagraphs)) {
    out.push_back(*v);
  }
  return out;
}

std::vector<FieldViolation> CheckMunicipality(const Municipality& m,
                                              absl::string_view prefix) {
  std::vector<FieldViolation> out;
  if (m.name.empty()) out.push_back({FieldPath(prefix, "name"), "a name is required"});
  if (auto v = CheckText(m.name, FieldPath(prefix, "name"), kMaxNameBytes)) out.push_back(*v);
  if (auto v = CheckText(m.note, FieldPath(prefix, "note"), kMaxNoteBytes, TextKind::kParagraphs)) {
    out.push_back(*v);
  }
  if (m.codes.size() > kMaxCodePeriods) {
    out.push_back({FieldPath(prefix, "code_history"),
                   absl::StrCat(m.codes.size(), " codes; at most ", kMaxCodePeriods)});
    return out;
  }
  if (m.predecessors.size() > kMaxPredecessors) {
    out.push_back(
        {FieldPath(prefix, "predecessors"),
         absl::StrCat(m.predecessors.size(), " predecessors; at most ", kMaxPredecessors)});
  }
  for (size_t i = 0; i < m.codes.size(); ++i) {
    if (auto v = CheckText(m.codes[i].name,
                           absl::StrCat(FieldPath(prefix, "code_history"), "[", i, "].name"),
                           kMaxNameBytes)) {
      out.push_back(*v);
    }
  }
  if (m.codes.empty()) {
    out.push_back({FieldPath(prefix, "code_history"),
                   "at least one code (the latest) is required"});
    return out;
  }
  if (m.codes.back().code != m.code) {
    out.push_back({FieldPath(prefix, "code_history"),
                   absl::StrCat("the last code must be the municipality's code ",
                                FormatCode(m.code))});
  }
  for (size_t i = 0; i < m.codes.size(); ++i) {
    const CodePeriod& p = m.codes[i];
    const std::string field = absl::StrCat(FieldPath(prefix, "code_history"), "[", i, "]");
    if (p.valid_from && (*p.valid_from < 1800 || *p.valid_from > kMaxYear)) {
      out.push_back({field + ".valid_from_year", "not a plausible year"});
    }
    if (p.valid_to && (*p.valid_to < 1800 || *p.valid_to > kMaxYear)) {
      out.push_back({field + ".valid_to_year", "not a plausible year"});
    }
    if (p.valid_from && p.valid_to && *p.valid_from > *p.valid_to) {
      out.push_back({field, "valid_from_year is after valid_to_year"});
    }
    if (i + 1 < m.codes.size()) {
      const CodePeriod& next = m.codes[i + 1];
      if (!p.valid_to) {
        out.push_back({field + ".valid_to_year",
                       "every code but the latest needs the last year it was valid"});
      } else if (!next.valid_from) {
        out.push_back({absl::StrCat(FieldPath(prefix, "code_history"), "[", i + 1,
                                    "].valid_from_year"),
                       "every code after the first needs the first year it was valid"});
      } else if (*next.valid_from <= *p.valid_to) {
        out.push_back({field, "overlaps the next code; list codes oldest first"});
      }
    }
  }
  if (m.successor && *m.successor == m.code) {
    out.push_back({FieldPath(prefix, "successor"), "a municipality cannot succeed itself"});
  }
  return out;
}

}  // namespace imdi::stats
