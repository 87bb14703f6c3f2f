#include "tools/import/figures_source.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/csv.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/domain/validation.h"

namespace imdi::import {
namespace {

using stats::Count;
using stats::FigureValues;
using stats::Percent;
using stats::Subject;

constexpr absl::string_view kNull = "NULL";

// Skip reasons, counted per file.
constexpr char kSkipDistrict[] = "city district (bydel) rows: not stored";
constexpr char kSkipCommerce[] = "commerce region (naringsregion) rows: not stored";
constexpr char kSkipUnknownMunicipality[] =
    "unknown municipality (9999): not a municipality";
constexpr char kSkipBySex[] = "breakdowns by sex: only totals are stored";
constexpr char kSkipDerived[] =
    "per-mille and three-year columns: derived from counts, not stored";
constexpr char kSkipReason8[] = "breakdown by reason for leaving: not stored";
constexpr char kSkipOtherOutcome[] = "outcome 'annet' (other): not stored";
constexpr char kSkipCohort[] =
    "cohorts measured more than one year after leaving: not a one-year follow-up";
constexpr char kSkipAgeBreakdown[] =
    "breakdowns by immigrant category: only totals are stored";
constexpr char kSkipOtherStatus[] = "follow-up statuses other than work or education";
constexpr char kSkipPopulationUnknown[] =
    "population with an age group without a value: population left unknown";

// Refugees settled in an unknown municipality: the settlement files' row
// 9999 is kept as the figures of county 99 ("Uoppgitt"), where the national
// files of 2014 keep the same thing; aggregates read it as such.
constexpr int kUnknownMunicipalityCode = 9999;
constexpr int kUnknownCounty = 99;
constexpr char kUnknownMunicipalityNote[] =
    "the unknown-municipality row 9999: refugees settled in an unknown municipality";

struct Header {
  // Looked up by string_view for every value of every row: a hash, no
  // string built, no string compared but the one found.
  absl::flat_hash_map<std::string, size_t> index;
  bool has(absl::string_view name) const { return index.contains(name); }
  // Only for the columns a file of its kind has (as std::map::at, throws otherwise).
  size_t at(absl::string_view name) const {
    auto it = index.find(name);
    if (it == index.end()) throw std::out_of_range("no such column");
    return it->second;
  }
};

// A value as printed: absent (".", ":" or empty) or a number with the
// number of decimals it was printed with.
struct Printed {
  std::optional<double> number;
  int decimals = 0;
};

// How a file writes decimals: "85.00", or in the 2015-2016 files "777,00"
// (which also leave a value blank with a space).
enum class Decimals { kPoint, kComma };

absl::StatusOr<Printed> ParsePrinted(absl::string_view text, Decimals decimals = Decimals::kPoint) {
  Printed out;
  std::string number(text);
  if (decimals == Decimals::kComma) {
    number = std::string(absl::StripAsciiWhitespace(text));
    if (!absl::StrContains(number, '.')) absl::StrReplaceAll({{",", "."}}, &number);
  }
  if (number.empty() || number == "." || number == ":") return out;
  double value = 0;
  if (!absl::SimpleAtod(number, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat(Excerpt(text), " is not a number"));
  }
  const size_t dot = number.find('.');
  out.decimals = dot == std::string::npos ? 0 : static_cast<int>(number.size() - dot - 1);
  out.number = value;
  return out;
}

absl::StatusOr<std::optional<int64_t>> ParseCount(absl::string_view text,
                                                  Decimals decimals = Decimals::kPoint) {
  IMDI_ASSIGN_OR_RETURN(Printed printed, ParsePrinted(text, decimals));
  if (!printed.number) return std::nullopt;
  const double v = *printed.number;
  if (v != std::floor(v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("count ", Excerpt(text), " is not a whole number"));
  }
  if (v < 0)
    return absl::InvalidArgumentError(absl::StrCat("count ", Excerpt(text), " is negative"));
  // Counts travel as int32; a larger one is not a count of people.
  if (v > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("count ", Excerpt(text), " is too large"));
  }
  return static_cast<int64_t>(v);
}

// A percent printed in the file that must agree with the counts it derives
// from: numerator / denominator * scale.
struct RatioCheck {
  int64_t line = 0;
  std::string label;
  Printed printed;
  Count numerator;
  Count denominator;
  double scale = 100;
};

// Why `check` disagrees with the counts in `v`, or nullopt when it agrees or
// a value it needs is absent (or the denominator is 0).
std::optional<std::string> RatioDisagreement(const RatioCheck& check, const FigureValues& v) {
  const auto& n = v[check.numerator];
  const auto& d = v[check.denominator];
  if (!check.printed.number || !n || !d || *d == 0) return std::nullopt;
  const double computed = static_cast<double>(*n) / static_cast<double>(*d) * check.scale;
  const double tolerance = 0.5 * std::pow(10.0, -check.printed.decimals) + 1e-9;
  if (std::fabs(computed - *check.printed.number) <= tolerance) return std::nullopt;
  return absl::StrFormat("%s %g does not agree with %s/%s = %d/%d = %.4f", check.label,
                         *check.printed.number,
                         stats::kCountNames[static_cast<int>(check.numerator)],
                         stats::kCountNames[static_cast<int>(check.denominator)], *n, *d, computed);
}

// Collects values per (subject, year) across the rows of one file.
class Assembler {
 public:
  void SetCount(const Subject& subject, int year, int64_t line, Count count,
                std::optional<int64_t> value) {
    Entry& e = Touch(subject, year, line);
    if (!value) return;
    std::optional<int64_t>& slot = e.record.values[count];
    if (slot && *slot != *value) {
      e.problems.push_back(absl::StrCat("line ", line, ": ",
                                        stats::kCountNames[static_cast<int>(count)], " ",
                                        *value, " contradicts ", *slot,
                                        " given earlier in the file"));
    }
    slot = value;
  }

  // The row has a column for `count` but no value in it: not known then.
  void SetAbsent(const Subject& subject, int year, int64_t line, Count count) {
    Touch(subject, year, line).record.absent_counts.insert(count);
  }

  void SetPercent(const Subject& subject, int year, int64_t line, Percent percent,
                  std::optional<double> value) {
    Entry& e = Touch(subject, year, line);
    if (!value) return;
    std::optional<double>& slot = e.record.values[percent];
    if (slot && *slot != *value) {
      e.problems.push_back(absl::StrCat("line ", line, ": ",
                                        stats::kPercentNames[static_cast<int>(percent)],
                                        " contradicts the value given earlier"));
    }
    slot = value;
  }

  // The record's status and known date, as the exported figures give them
  // on each of its rows: every row must say the same.
  void SetStatusAndDate(const Subject& subject, int year, int64_t line,
                        std::optional<stats::FiguresStatus> status, absl::string_view known_date) {
    Entry& e = Touch(subject, year, line);
    if (!e.has_status_and_date) {
      e.has_status_and_date = true;
      e.record.status = status;
      e.record.known_date = std::string(known_date);
    } else if (e.record.status != status || e.record.known_date != known_date) {
      e.problems.push_back(absl::StrCat(
          "line ", line, ": status or known_date differs from an earlier row of the record"));
    }
  }

  void AddCheck(const Subject& subject, int year, RatioCheck check) {
    Touch(subject, year, check.line).checks.push_back(std::move(check));
  }

  void AddText(const Subject& subject, int year, int64_t line, absl::string_view source,
               absl::string_view note) {
    Entry& e = Touch(subject, year, line);
    if (!source.empty()) e.sources.insert(std::string(source));
    if (!note.empty()) e.notes.insert(std::string(note));
  }

  // A row that belongs to (subject, year) is bad: the whole record is
  // rejected, since the rest of it cannot be trusted either. The same rule
  // holds for every format.
  void Problem(const Subject& subject, int year, int64_t line, absl::string_view reason) {
    Touch(subject, year, line).problems.push_back(absl::StrCat("line ", line, ": ", reason));
  }

  // A row that cannot be placed at all.
  void Reject(int64_t line, std::string reason) { rejected_.push_back({line, std::move(reason)}); }

  // A record that cannot be made from its rows, for a reason of its own.
  void RejectRecord(const Subject& subject, int year, int64_t line, std::string reason) {
    rejected_keys_.insert(std::make_pair(subject, year));
    rejected_.push_back({line, std::move(reason)});
  }

  // Records (subject, year) not imported because of a bad row.
  const std::set<std::pair<Subject, int>>& rejected_keys() const { return rejected_keys_; }

  void Finish(ParsedFile& out) {
    for (auto& [key, e] : entries_) {
      for (const RatioCheck& check : e.checks) {
        std::optional<std::string> problem = RatioDisagreement(check, e.record.values);
        if (problem) e.problems.push_back(absl::StrCat("line ", check.line, ": ", *problem));
      }
      if (!e.problems.empty()) {
        rejected_keys_.insert(key);
        out.rejected.push_back(
            {e.record.line,
             absl::StrCat(stats::DescribeSubject(e.record.subject), " ", e.record.year,
                          " not imported: ", absl::StrJoin(e.problems, "; "))});
        continue;
      }
      // A value another row gives is known after all.
      const stats::FigureValues& values = e.record.values;  // clang 14: no captured bindings
      std::erase_if(e.record.absent_counts,
                    [&values](Count count) { return values[count].has_value(); });
      if (e.record.values.empty() && e.record.absent_counts.empty()) continue;
      e.record.source = absl::StrJoin(e.sources, "; ");
      e.record.note = absl::StrJoin(e.notes, "; ");
      // Each row's texts were within bounds; together they must be too.
      std::vector<std::string> too_long;
      if (e.record.source.size() > kMaxLineBytes) too_long.push_back("sources");
      if (e.record.note.size() > kMaxNoteBytes) too_long.push_back("notes");
      if (!too_long.empty()) {
        rejected_keys_.insert(key);
        out.rejected.push_back(
            {e.record.line,
             absl::StrCat(stats::DescribeSubject(e.record.subject), " ", e.record.year,
                          " not imported: its rows' ", absl::StrJoin(too_long, " and "),
                          " together are longer than one record holds (", kMaxLineBytes,
                          " bytes of sources, ", kMaxNoteBytes, " of notes)")});
        continue;
      }
      out.records.push_back(std::move(e.record));
    }
    for (RowProblem& p : rejected_) out.rejected.push_back(std::move(p));
    std::sort(out.rejected.begin(), out.rejected.end(),
              [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  }

 private:
  struct Entry {
    ImportRecord record;
    std::vector<RatioCheck> checks;
    std::vector<std::string> problems;
    std::set<std::string> sources;
    std::set<std::string> notes;
    bool has_status_and_date = false;
  };

  Entry& Touch(const Subject& subject, int year, int64_t line) {
    auto [it, inserted] = entries_.try_emplace(std::make_pair(subject, year));
    if (inserted) {
      it->second.record.subject = subject;
      it->second.record.year = year;
      it->second.record.line = line;
    }
    return it->second;
  }

  std::map<std::pair<Subject, int>, Entry> entries_;
  std::vector<RowProblem> rejected_;
  std::set<std::pair<Subject, int>> rejected_keys_;
};

// Where one row of the IMDi export belongs.
struct AreaColumns {
  std::string municipality, county, commerce, district;
};

// Returns the subject (with a note for the record, when it needs one), or a
// skip reason, or an error.
struct Area {
  std::optional<Subject> subject;
  const char* skip = nullptr;
  const char* note = nullptr;
};

// `settlement`: the file is one of settlement figures, whose 9999 rows are
// kept as county 99; other files' 9999 rows are skipped (county 99 holds
// only "settled in an unknown municipality").
absl::StatusOr<Area> AreaOf(const std::vector<std::string>& f, const Header& h,
                            const AreaColumns& c, bool settlement) {
  auto value = [&](const std::string& column) -> absl::string_view {
    return f[h.at(column)];
  };
  const absl::string_view municipality = value(c.municipality);
  const absl::string_view county = value(c.county);
  const bool is_commerce = value(c.commerce) != kNull;
  const bool is_district = value(c.district) != kNull;
  const int named = (municipality != kNull) + (county != kNull) + is_commerce + is_district;
  if (named != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the row names ", named, " areas; exactly one of ", c.municipality, ", ",
                     c.county, ", ", c.commerce, ", ", c.district, " must be set"));
  }
  if (is_district) return Area{std::nullopt, kSkipDistrict};
  if (is_commerce) return Area{std::nullopt, kSkipCommerce};
  if (municipality != kNull) {
    std::optional<int> code = stats::ParseDigits(municipality, 4);
    if (!code) {
      return absl::InvalidArgumentError(
          absl::StrCat("municipality code ", Excerpt(municipality), " is not four digits"));
    }
    if (*code == kUnknownMunicipalityCode) {
      if (!settlement) return Area{std::nullopt, kSkipUnknownMunicipality};
      return Area{Subject::County(kUnknownCounty), nullptr, kUnknownMunicipalityNote};
    }
    return Area{Subject::Municipality(*code), nullptr};
  }
  std::optional<int> number = stats::ParseDigits(county, 2);
  if (!number) {
    return absl::InvalidArgumentError(
        absl::StrCat("county code ", Excerpt(county), " is not two digits"));
  }
  return Area{*number == 0 ? Subject::Country() : Subject::County(*number), nullptr};
}

struct Context {
  const Header& header;
  Assembler& assembler;
  ParsedFile& out;
  const std::vector<std::string>* fields = nullptr;
  int64_t line = 0;
  int64_t* skips = nullptr;  // rows skipped in the file so far, when counted

  absl::string_view operator[](absl::string_view column) const {
    return (*fields)[header.at(column)];
  }
  void Skip(const char* reason) const {
    auto it = out.skipped.find(absl::string_view(reason));
    if (it == out.skipped.end()) it = out.skipped.emplace(reason, 0).first;
    ++it->second;
    if (skips != nullptr) ++*skips;
  }
};

std::optional<Count> SettlementCount(absl::string_view measure) {
  if (measure == "anmodning") return Count::kRefugeesRequested;
  if (measure == "vedtak") return Count::kRefugeesDecided;
  if (measure == "bosatt") return Count::kRefugeesSettled;
  return std::nullopt;
}

// bosetting.csv: counts as persons, two percents to check, derived columns.
absl::Status SettlementRow(Context& c, const Subject& subject, int year) {
  const absl::string_view measure = c["bosetting"];
  const absl::string_view value = c["tabellvariabel"];
  if (std::optional<Count> count = SettlementCount(measure)) {
    if (c["enhet"] != "personer") return absl::InvalidArgumentError("counts must be in persons");
    IMDI_ASSIGN_OR_RETURN(auto n, ParseCount(value));
    c.assembler.SetCount(subject, year, c.line, *count, n);
  } else if (measure == "bosatt_av_anmodede" || measure == "bosatt_av_vedtak") {
    IMDI_ASSIGN_OR_RETURN(Printed printed, ParsePrinted(value));
    c.assembler.AddCheck(subject, year,
                         {c.line, std::string(measure), printed, Count::kRefugeesSettled,
                          measure == "bosatt_av_anmodede" ? Count::kRefugeesRequested
                                                          : Count::kRefugeesDecided,
                          100});
  } else if (measure == "bosatt_per_1000" || measure == "bosatt_siste_trear" ||
             measure == "bosatt_per_1000_snitt_trear") {
    c.Skip(kSkipDerived);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown measure ", Excerpt(measure)));
  }
  return absl::OkStatus();
}

// bosatt_anmodede.csv: each count in persons and as a percent of the request.
absl::Status SettledOfRequestedRow(Context& c, const Subject& subject, int year) {
  const absl::string_view measure = c["bosetting"];
  std::optional<Count> count = SettlementCount(measure);
  if (!count) return absl::InvalidArgumentError(absl::StrCat("unknown measure ", Excerpt(measure)));
  if (c["enhet"] == "personer") {
    IMDI_ASSIGN_OR_RETURN(auto n, ParseCount(c["tabellvariabel"]));
    c.assembler.SetCount(subject, year, c.line, *count, n);
  } else if (c["enhet"] == "prosent") {
    IMDI_ASSIGN_OR_RETURN(Printed printed, ParsePrinted(c["tabellvariabel"]));
    c.assembler.AddCheck(subject, year,
                         {c.line, absl::StrCat(measure, " prosent"), printed, *count,
                          Count::kRefugeesRequested, 100});
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown unit ", Excerpt(c["enhet"])));
  }
  return absl::OkStatus();
}

// intro_avslutning_direkte.csv: who left the programme, and whether directly
// to work or education (avslutning_arsak_3 = arbutd).
absl::Status IntroCompletionRow(Context& c, const Subject& subject, int year) {
  if (c["avslutning_arsak_3"] == kNull) {
    c.Skip(kSkipReason8);
    return absl::OkStatus();
  }
  if (c["kjonn"] != "alle") {
    c.Skip(kSkipBySex);
    return absl::OkStatus();
  }
  const absl::string_view outcome = c["avslutning_arsak_3"];
  if (outcome == "annet") {
    c.Skip(kSkipOtherOutcome);
    return absl::OkStatus();
  }
  Count count;
  if (outcome == "alle") {
    count = Count::kIntroFinished;
  } else if (outcome == "arbutd") {
    count = Count::kIntroToWorkOrEducation;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown outcome ", Excerpt(outcome)));
  }
  if (c["enhet"] == "personer") {
    IMDI_ASSIGN_OR_RETURN(auto n, ParseCount(c["tabellvariabel"]));
    c.assembler.SetCount(subject, year, c.line, count, n);
  } else if (c["enhet"] == "prosent") {
    IMDI_ASSIGN_OR_RETURN(Printed printed, ParsePrinted(c["tabellvariabel"]));
    c.assembler.AddCheck(subject, year,
                         {c.line, absl::StrCat(outcome, " prosent"), printed, count,
                          Count::kIntroFinished, 100});
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown unit ", Excerpt(c["enhet"])));
  }
  return absl::OkStatus();
}

// intro_status_arbutd.csv: status in year `aar` of those who left the
// programme in `kohort`. Only the cohort of the year before is a one-year
// follow-up; it is stored under the cohort's year.
absl::Status IntroFollowupRow(Context& c, const Subject& subject, int year) {
  std::optional<int> parsed_cohort = stats::ParseDigits(c["kohort"], 4);
  if (!parsed_cohort) {
    return absl::InvalidArgumentError(
        absl::StrCat("cohort ", Excerpt(c["kohort"]), " is not a year"));
  }
  const int cohort = *parsed_cohort;
  if (cohort != year - 1) {
    c.Skip(kSkipCohort);
    return absl::OkStatus();
  }
  if (c["kjonn"] != "alle") {
    c.Skip(kSkipBySex);
    return absl::OkStatus();
  }
  const absl::string_view status = c["avslutning_status_4"];
  const absl::string_view unit = c["enhet"];
  if (status == "alle" && unit == "personer") {
    IMDI_ASSIGN_OR_RETURN(auto n, ParseCount(c["tabellvariabel"]));
    c.assembler.SetCount(subject, cohort, c.line, Count::kIntroFollowupTotal, n);
  } else if (status == "arbutd" && unit == "prosent") {
    IMDI_ASSIGN_OR_RETURN(Printed printed, ParsePrinted(c["tabellvariabel"]));
    c.assembler.SetPercent(subject, cohort, c.line, Percent::kIntroFollowupWorkOrEducation,
                           printed.number);
  } else if (status == "alle" && unit == "prosent") {
    // 100 % of the cohort: carries nothing.
    c.Skip(kSkipOtherStatus);
  } else {
    c.Skip(kSkipOtherStatus);
  }
  return absl::OkStatus();
}

constexpr std::array<absl::string_view, 7> kAgeGroups = {"0_5",   "6_15",  "16_19", "20_29",
                                                         "30_54", "55_66", "67+"};

struct AgeSums {
  int64_t line = 0;
  bool broken = false;  // a row was bad; the assembler has the problem
  std::map<std::string, std::optional<int64_t>> groups;
};

absl::Status AddAgeGroup(const Context& c, AgeSums& s) {
  const std::string group(c["alder_grupper"]);
  if (std::find(kAgeGroups.begin(), kAgeGroups.end(), group) == kAgeGroups.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown age group ", Excerpt(group)));
  }
  IMDI_ASSIGN_OR_RETURN(auto n, ParseCount(c["tabellvariabel"]));
  if (s.groups.contains(group)) {
    return absl::InvalidArgumentError(absl::StrCat("age group ", group, " given twice"));
  }
  s.groups[group] = n;
  return absl::OkStatus();
}

// befolkning_alder.csv: population on 1 January as the sum of the age
// groups of everyone (innvkat_3 = alle, kjonn = alle).
absl::Status PopulationRow(Context& c, const Subject& subject, int year,
                           std::map<std::pair<Subject, int>, AgeSums>& sums) {
  if (c["innvkat_3"] != "alle") {
    c.Skip(kSkipAgeBreakdown);
    return absl::OkStatus();
  }
  if (c["kjonn"] != "alle") {
    c.Skip(kSkipBySex);
    return absl::OkStatus();
  }
  AgeSums& s = sums[std::make_pair(subject, year)];
  if (s.line == 0) s.line = c.line;
  absl::Status status = AddAgeGroup(c, s);
  // The caller rejects the whole record with this row's problem; the sum is
  // then not reported again.
  if (!status.ok()) s.broken = true;
  return status;
}

void FinishPopulation(std::map<std::pair<Subject, int>, AgeSums>& sums, Assembler& assembler,
                      ParsedFile& out) {
  for (auto& [key, s] : sums) {
    if (s.broken) continue;
    if (s.groups.size() != kAgeGroups.size()) {
      assembler.RejectRecord(
          key.first, key.second, s.line,
          absl::StrCat(stats::DescribeSubject(key.first), " ", key.second, ": ", s.groups.size(),
                       " of ", kAgeGroups.size(), " age groups; population not computed"));
      continue;
    }
    int64_t total = 0;
    bool known = true;
    for (const auto& [group, value] : s.groups) {
      if (!value) known = false; else total += *value;
    }
    if (!known) {
      ++out.skipped[kSkipPopulationUnknown];
      continue;
    }
    // Each group fits a count; their sum must too.
    if (total > std::numeric_limits<int32_t>::max()) {
      assembler.Problem(key.first, key.second, s.line,
                        absl::StrCat("the age groups add up to a population of ", total,
                                     ", too large to be a count of people"));
      continue;
    }
    assembler.SetCount(key.first, key.second, s.line, Count::kPopulation, total);
  }
}

// published/figures-*.csv: code, name, year, measure, value, note, source.
// Where a row belongs: the subject its code names and its year.
// The exported figures have the same columns, `code` for code_2016.
absl::StatusOr<std::pair<Subject, int>> PublishedPlace(const Context& c,
                                                       absl::string_view code_column) {
  const absl::string_view code = c[code_column];
  std::optional<int> county = code.size() == 3 && code[0] == 'F'
                                  ? stats::ParseDigits(code.substr(1), 2)
                                  : std::nullopt;
  std::optional<int> municipality = stats::ParseDigits(code, 4);
  Subject subject;
  if (code == "0000") {
    subject = Subject::Country();
  } else if (county) {
    subject = Subject::County(*county);
  } else if (absl::StartsWith(code, "R-")) {
    static const std::map<std::string, stats::ImdiRegion, std::less<>> kRegions = {
        {"R-OST", stats::ImdiRegion::kOst},   {"R-INDRE-OST", stats::ImdiRegion::kIndreOst},
        {"R-SOR", stats::ImdiRegion::kSor},   {"R-VEST", stats::ImdiRegion::kVest},
        {"R-MIDT", stats::ImdiRegion::kMidtNorge}, {"R-NORD", stats::ImdiRegion::kNord}};
    auto it = kRegions.find(code);
    if (it == kRegions.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown region code ", Excerpt(code)));
    }
    subject = Subject::Region(it->second);
  } else if (municipality) {
    subject = Subject::Municipality(*municipality);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "code ", Excerpt(code), " is neither 0000, F + county, R- + region nor four digits"));
  }
  std::optional<int> parsed_year = stats::ParseDigits(c["year"], 4);
  if (!parsed_year) {
    return absl::InvalidArgumentError(absl::StrCat("year ", Excerpt(c["year"]), " is not a year"));
  }
  return std::make_pair(subject, *parsed_year);
}

// The value of a placed row, with its source and note.
absl::Status PublishedRow(Context& c, const Subject& subject, int year) {
  const absl::string_view measure = c["measure"];
  if (std::optional<Count> count = stats::CountByName(measure)) {
    IMDI_ASSIGN_OR_RETURN(auto n, ParseCount(c["value"]));
    c.assembler.SetCount(subject, year, c.line, *count, n);
  } else if (std::optional<Percent> percent = stats::PercentByName(measure)) {
    IMDI_ASSIGN_OR_RETURN(Printed printed, ParsePrinted(c["value"]));
    c.assembler.SetPercent(subject, year, c.line, *percent, printed.number);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown measure ", Excerpt(measure)));
  }
  if (auto v = CheckText(c["source"], "source", kMaxLineBytes)) {
    return absl::InvalidArgumentError(absl::StrCat("source ", v->description));
  }
  if (auto v = CheckText(c["note"], "note", kMaxNoteBytes, TextKind::kParagraphs)) {
    return absl::InvalidArgumentError(absl::StrCat("note ", v->description));
  }
  c.assembler.AddText(subject, year, c.line, c["source"], c["note"]);
  return absl::OkStatus();
}

// The service's export: a published-figures row with the record's status
// and known date.
absl::Status ExportedRow(Context& c, const Subject& subject, int year) {
  IMDI_RETURN_IF_ERROR(PublishedRow(c, subject, year));
  // The file states every record's status; empty is "not stated", which
  // the import's --status does not override.
  std::optional<stats::FiguresStatus> status = stats::FiguresStatus::kUnspecified;
  const absl::string_view word = c["status"];
  if (word == "preliminary") {
    status = stats::FiguresStatus::kPreliminary;
  } else if (word == "final") {
    status = stats::FiguresStatus::kFinal;
  } else if (!word.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("status ", Excerpt(word), " is not preliminary, final or empty"));
  }
  const absl::string_view date = c["known_date"];
  if (!date.empty()) {
    absl::StatusOr<int> parsed = stats::ParseKnownDate(date, "known_date", absl::Now());
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("known_date ", Excerpt(date), ": ", parsed.status().message()));
    }
  }
  c.assembler.SetStatusAndDate(subject, year, c.line, status, date);
  return absl::OkStatus();
}

// The 2015-2016 files (imdikator-2015-2016/): semicolons or commas, codes
// with or without their leading zeros, decimal commas.

// kommune_nr as written there: the four-digit code, with the leading zeros
// some files drop restored ("101" is 0101). Whether the code was in use in
// the row's year is the service's to check; nothing else is guessed here.
absl::StatusOr<Area> MunicipalityArea(absl::string_view text) {
  std::optional<int> code =
      text.empty() || text.size() > 4 ? std::nullopt : stats::ParseDigits(text, text.size());
  if (!code || *code == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("municipality code ", Excerpt(text), " is not a code of one to four digits"));
  }
  if (*code == kUnknownMunicipalityCode) {
    return Area{Subject::County(kUnknownCounty), nullptr, kUnknownMunicipalityNote};
  }
  return Area{Subject::Municipality(*code), nullptr};
}

// fylke_nr as written there: "2" is county 02, "0" the whole country.
absl::StatusOr<Area> CountyArea(absl::string_view text) {
  std::optional<int> number =
      text.empty() || text.size() > 2 ? std::nullopt : stats::ParseDigits(text, text.size());
  if (!number) {
    return absl::InvalidArgumentError(
        absl::StrCat("county code ", Excerpt(text), " is not a code of one or two digits"));
  }
  return Area{*number == 0 ? Subject::Country() : Subject::County(*number), nullptr};
}

// The per-year settlement table: one row per municipality and year, one
// column per count, named as in bosatt_anmodede-kommune-2015.csv
// (bosetting.*) or as in the 2016-01-26 snapshot (bosatt.*).
constexpr std::array<std::pair<absl::string_view, Count>, 6> kTableColumns = {{
    {"bosetting.anmodning", Count::kRefugeesRequested},
    {"bosetting.vedtak", Count::kRefugeesDecided},
    {"bosetting.bosatt", Count::kRefugeesSettled},
    {"bosatt.anmodede", Count::kRefugeesRequested},
    {"bosatt.vedtak", Count::kRefugeesDecided},
    {"bosatt.bosatt", Count::kRefugeesSettled},
}};

absl::Status SettlementTableRow(Context& c, const Subject& subject, int year) {
  for (const auto& [column, count] : kTableColumns) {
    if (!c.header.has(column)) continue;
    absl::StatusOr<std::optional<int64_t>> n = ParseCount(c[column], Decimals::kComma);
    if (!n.ok())
      return absl::InvalidArgumentError(absl::StrCat(column, ": ", n.status().message()));
    c.assembler.SetCount(subject, year, c.line, count, *n);
    if (!*n) c.assembler.SetAbsent(subject, year, c.line, count);
  }
  return absl::OkStatus();
}

// A column of the wide tables: MEASURE_YEAR_UNIT, e.g. vedtak_2016_personer
// (decided in 2016, persons) or vedtak_2016_prosent (the same as a percent
// of the request).
struct WideColumn {
  size_t index = 0;
  std::string name;
  Count count = Count::kRefugeesRequested;
  int year = 0;
  bool percent = false;
};

// The layout of a wide file: its area column (kommune_nr or fylke_nr) and
// the measure columns, which are all the others.
struct WideLayout {
  FileKind kind = FileKind::kWideMunicipal;
  std::string area;
  std::vector<WideColumn> columns;
  std::vector<int> years;  // every year a column names, ascending
};

std::optional<WideColumn> ParseWideColumn(const std::string& name, size_t index) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '_');
  if (parts.size() != 3) return std::nullopt;
  std::optional<Count> count = SettlementCount(parts[0]);
  std::optional<int> year = stats::ParseDigits(parts[1], 4);
  if (!count || !year || (parts[2] != "personer" && parts[2] != "prosent")) return std::nullopt;
  return WideColumn{index, name, *count, *year, parts[2] == "prosent"};
}

// A wide layout when the header is one: an area column and at least one
// measure column, and nothing else.
std::optional<WideLayout> WideLayoutOf(const std::vector<std::string>& columns) {
  WideLayout layout;
  std::set<int> years;
  for (size_t i = 0; i < columns.size(); ++i) {
    if ((columns[i] == "kommune_nr" || columns[i] == "fylke_nr") && layout.area.empty()) {
      layout.area = columns[i];
      layout.kind = columns[i] == "kommune_nr" ? FileKind::kWideMunicipal : FileKind::kWideCounty;
    } else if (std::optional<WideColumn> column = ParseWideColumn(columns[i], i)) {
      years.insert(column->year);
      layout.columns.push_back(*std::move(column));
    } else {
      return std::nullopt;
    }
  }
  if (layout.area.empty() || layout.columns.empty()) return std::nullopt;
  layout.years.assign(years.begin(), years.end());
  return layout;
}

// One wide row: the counts of every year, and each percent checked against
// the counts of its year in the same row (anmodning_prosent is 100 of
// itself; vedtak and bosatt are percents of the request). The row is taken
// whole or not at all: a bad cell rejects every record of the row.
absl::Status WideRow(Context& c, const Subject& subject, const WideLayout& layout) {
  std::map<int, FigureValues> values;
  for (const WideColumn& column : layout.columns) {
    if (column.percent) continue;
    absl::StatusOr<std::optional<int64_t>> n =
        ParseCount((*c.fields)[column.index], Decimals::kComma);
    if (!n.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(column.name, ": ", n.status().message()));
    }
    values[column.year][column.count] = *n;
  }
  for (const WideColumn& column : layout.columns) {
    if (!column.percent) continue;
    absl::StatusOr<Printed> printed = ParsePrinted((*c.fields)[column.index], Decimals::kComma);
    if (!printed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(column.name, ": ", printed.status().message()));
    }
    const RatioCheck check{c.line, column.name, *printed, column.count, Count::kRefugeesRequested,
                           100};
    if (std::optional<std::string> problem = RatioDisagreement(check, values[column.year])) {
      return absl::InvalidArgumentError(*problem);
    }
  }
  for (const WideColumn& column : layout.columns) {
    if (column.percent) continue;
    const std::optional<int64_t>& value = values[column.year][column.count];
    c.assembler.SetCount(subject, column.year, c.line, column.count, value);
    if (!value) c.assembler.SetAbsent(subject, column.year, c.line, column.count);
  }
  return absl::OkStatus();
}

// A problem of the row's bytes, before its values are read: too long to be
// real, or a field that is not UTF-8 (it could not be sent: protobuf text
// is UTF-8).
std::optional<std::string> RowBytesProblem(const CsvRecord& row,
                                           const std::vector<std::string>& columns) {
  if (row.too_long) {
    return absl::StrCat("the row is longer than ", kMaxCsvRecordBytes, " bytes or has more than ",
                        kMaxCsvFields, " columns");
  }
  for (size_t i = 0; i < row.fields.size(); ++i) {
    // Nearly every field is ASCII, which is UTF-8.
    const std::string& field = row.fields[i];
    unsigned char high = 0;
    for (char ch : field) high |= static_cast<unsigned char>(ch);
    if (high < 0x80) continue;
    if (std::optional<size_t> bad = FirstInvalidUtf8(field)) {
      return absl::StrCat("column ", i < columns.size() ? columns[i] : absl::StrCat(i + 1),
                          ": byte ", *bad + 1, " is not UTF-8 (save the file as UTF-8)");
    }
  }
  return std::nullopt;
}

struct KindInfo {
  FileKind kind;
  std::vector<std::string> columns;  // required
  std::string table;                 // tabell_navn, "" when none
  AreaColumns area;
};

const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kinds = {
      {FileKind::kSettlement,
       {"aar", "fylke_id", "bosetting", "enhet", "tabellvariabel", "tabell_navn", "kommune_id",
        "naringsregion_id", "bydel_id"},
       "bosetting",
       {"kommune_id", "fylke_id", "naringsregion_id", "bydel_id"}},
      {FileKind::kSettledOfRequested,
       {"aar", "fylke_nr", "bosetting", "enhet", "tabellvariabel", "tabell_navn", "kommune_nr",
        "naringsregion_nr", "bydel_nr"},
       "bosatt_anmodede",
       {"kommune_nr", "fylke_nr", "naringsregion_nr", "bydel_nr"}},
      {FileKind::kIntroCompletion,
       {"aar", "bydel_nr", "avslutning_arsak_8", "kjonn", "enhet", "tabellvariabel", "tabell_navn",
        "avslutning_arsak_3", "fylke_nr", "naringsregion_nr", "kommune_nr"},
       "intro_avslutning_direkte",
       {"kommune_nr", "fylke_nr", "naringsregion_nr", "bydel_nr"}},
      {FileKind::kIntroFollowup,
       {"aar", "fylke_nr", "kohort", "kjonn", "avslutning_status_4", "enhet", "tabellvariabel",
        "tabell_navn", "bydel_nr", "kommune_nr", "naringsregion_nr"},
       "intro_status_arbutd",
       {"kommune_nr", "fylke_nr", "naringsregion_nr", "bydel_nr"}},
      {FileKind::kPopulationByAge,
       {"aar", "bydel_nr", "innvkat_3", "alder_grupper", "kjonn", "enhet", "tabellvariabel",
        "tabell_navn", "fylke_nr", "naringsregion_nr", "kommune_nr"},
       "befolkning_alder",
       {"kommune_nr", "fylke_nr", "naringsregion_nr", "bydel_nr"}},
      {FileKind::kPublishedFigures,
       {"code_2016", "name", "year", "measure", "value", "note", "source"},
       "",
       {}},
      {FileKind::kExportedFigures,
       {"code", "name", "year", "measure", "value", "status", "known_date", "note", "source"},
       "",
       {}},
      {FileKind::kSettlementTable,
       {"kommune_nr", "aar", "bosetting.anmodning", "bosetting.vedtak", "bosetting.bosatt"},
       "",
       {}},
      {FileKind::kSettlementTable,
       {"kommune_nr", "aar", "bosatt.anmodede", "bosatt.vedtak", "bosatt.bosatt"},
       "",
       {}},
  };
  return kinds;
}

// Where a row belongs: its subject and the years of the records it fills
// (one, but for the wide files' rows), with a note for those records when
// they need one; or a skip reason; or why the row cannot be placed.
struct Placement {
  std::optional<Subject> subject;
  int row_year = 0;
  std::vector<int> record_years;
  const char* note = nullptr;
  const char* skip = nullptr;
  absl::Status status;
};

Placement Unplaced(absl::Status status) {
  Placement p;
  p.status = std::move(status);
  return p;
}

// The tables of IMDi's statistics export, whose rows of every year name
// municipalities by the codes of the export's latest year.
bool IsImdiExport(FileKind kind) {
  return kind == FileKind::kSettlement || kind == FileKind::kSettledOfRequested ||
         kind == FileKind::kIntroCompletion || kind == FileKind::kIntroFollowup ||
         kind == FileKind::kPopulationByAge;
}

// The published figures file names municipalities by their codes of 2016
// (its column code_2016).
constexpr int kPublishedCodesYear = 2016;

Placement PlaceRow(const Context& c, const KindInfo& kind, const WideLayout* wide) {
  Placement p;
  absl::StatusOr<Area> area;
  if (wide != nullptr) {
    area = wide->kind == FileKind::kWideCounty ? CountyArea(c[wide->area])
                                               : MunicipalityArea(c[wide->area]);
    if (!area.ok()) return Unplaced(area.status());
    p.record_years = wide->years;
  } else if (kind.kind == FileKind::kPublishedFigures ||
             kind.kind == FileKind::kExportedFigures) {
    absl::StatusOr<std::pair<Subject, int>> place =
        PublishedPlace(c, kind.kind == FileKind::kPublishedFigures ? "code_2016" : "code");
    if (!place.ok()) return Unplaced(place.status());
    area = Area{place->first, nullptr};
    p.row_year = place->second;
  } else {
    std::optional<int> year = stats::ParseDigits(c["aar"], 4);
    if (kind.kind == FileKind::kSettlementTable) {
      area = MunicipalityArea(c["kommune_nr"]);
    } else if (c["tabell_navn"] != kind.table) {
      return Unplaced(absl::InvalidArgumentError(absl::StrCat(
          "table ", Excerpt(c["tabell_navn"]), " in a file of table ", Excerpt(kind.table))));
    } else {
      const bool settlement =
          kind.kind == FileKind::kSettlement || kind.kind == FileKind::kSettledOfRequested;
      area = AreaOf(*c.fields, c.header, kind.area, settlement);
    }
    if (!year) {
      return Unplaced(
          absl::InvalidArgumentError(absl::StrCat("year ", Excerpt(c["aar"]), " is not a year")));
    }
    if (!area.ok()) return Unplaced(area.status());
    p.row_year = *year;
  }
  if (area->skip != nullptr) {
    p.skip = area->skip;
    return p;
  }
  p.subject = area->subject;
  p.note = area->note;
  if (p.record_years.empty()) {
    // Follow-up rows are stored under the cohort's year (the one before).
    p.record_years = {kind.kind == FileKind::kIntroFollowup ? p.row_year - 1 : p.row_year};
  }
  return p;
}

}  // namespace

std::string DescribeKind(FileKind kind) {
  switch (kind) {
    case FileKind::kSettlement:
      return "IMDi settlement (bosetting)";
    case FileKind::kSettledOfRequested:
      return "IMDi settled of requested (bosatt_anmodede)";
    case FileKind::kIntroCompletion:
      return "IMDi introduction programme completion (intro_avslutning_direkte)";
    case FileKind::kIntroFollowup:
      return "IMDi introduction programme follow-up (intro_status_arbutd)";
    case FileKind::kPopulationByAge:
      return "IMDi population by age (befolkning_alder)";
    case FileKind::kPublishedFigures:
      return "published figures";
    case FileKind::kExportedFigures:
      return "exported figures (imdictl figures export)";
    case FileKind::kSettlementTable:
      return "IMDi settlement per municipality and year (kommune_nr, aar)";
    case FileKind::kWideMunicipal:
      return "IMDi settlement per municipality, a column per measure and year";
    case FileKind::kWideCounty:
      return "IMDi settlement per county, a column per measure and year";
  }
  return "?";
}

absl::StatusOr<ParsedFile> ParseFiguresFile(std::istream& in) {
  CsvReader reader(in, CsvSeparator::kDetect);
  CsvRecord row;
  IMDI_ASSIGN_OR_RETURN(bool has_header, reader.Next(row));
  if (!has_header) return absl::InvalidArgumentError("the file is empty");
  Header header;
  for (size_t i = 0; i < row.fields.size(); ++i) {
    if (!header.index.emplace(row.fields[i], i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("the header names column ", Excerpt(row.fields[i]), " twice"));
    }
  }
  const KindInfo* kind = nullptr;
  for (const KindInfo& k : Kinds()) {
    if (std::all_of(k.columns.begin(), k.columns.end(),
                    [&](const std::string& col) { return header.has(col); })) {
      kind = &k;
      break;
    }
  }
  const std::optional<WideLayout> wide = kind == nullptr ? WideLayoutOf(row.fields) : std::nullopt;
  const KindInfo wide_kind{wide ? wide->kind : FileKind::kWideMunicipal, {}, "", {}};
  if (wide) kind = &wide_kind;
  if (kind == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unrecognised header (", absl::StrJoin(row.fields, ","),
        "); expected one of the IMDi export tables or the published figures file"));
  }

  const std::vector<std::string> columns = row.fields;
  ParsedFile out;
  out.kind = kind->kind;
  if (kind->kind == FileKind::kPublishedFigures) out.codes_year = kPublishedCodesYear;
  Assembler assembler;
  std::map<std::pair<Subject, int>, AgeSums> age_sums;
  // The records each row was placed in (one, but for the wide files' rows),
  // to tell what became of the rows at the end.
  using Key = std::pair<Subject, int>;
  std::map<std::vector<Key>, int64_t> placed;
  int64_t skips = 0;  // what out.skipped adds up to, kept as it grows
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(row);
    if (!more.ok()) {
      // Quoting broken: nothing after this point can be trusted.
      out.rejected.push_back({row.line, std::string(more.status().message())});
      ++out.rows;
      ++out.fates.rejected_alone;
      break;
    }
    if (!*more) break;
    ++out.rows;
    const std::optional<std::string> bytes_problem = RowBytesProblem(row, columns);
    if (row.fields.size() != header.index.size()) {
      ++out.fates.rejected_alone;
      assembler.Reject(row.line,
                       bytes_problem.value_or(absl::StrCat("expected ", header.index.size(),
                                                           " columns, found ", row.fields.size())));
      continue;
    }
    Context c{header, assembler, out, &row.fields, row.line, &skips};
    // Where the row belongs. A row that cannot be placed is rejected by
    // itself; once placed, any problem of the row rejects its whole record
    // (one rule for every format: no record is imported in part).
    const Placement place = PlaceRow(c, *kind, wide ? &*wide : nullptr);
    if (IsImdiExport(kind->kind)) out.codes_year = std::max(out.codes_year, place.row_year);
    if (place.skip != nullptr) {
      c.Skip(place.skip);
      ++out.fates.skipped;
      continue;
    }
    if (!place.subject) {
      ++out.fates.rejected_alone;
      assembler.Reject(row.line, bytes_problem.value_or(std::string(place.status.message())));
      continue;
    }
    const Subject& subject = *place.subject;
    std::vector<Key> keys;
    for (int year : place.record_years) keys.emplace_back(subject, year);
    auto problem = [&](absl::string_view reason) {
      for (int year : place.record_years) assembler.Problem(subject, year, row.line, reason);
    };
    if (bytes_problem) {
      ++placed[keys];
      problem(*bytes_problem);
      continue;
    }
    if (place.note != nullptr) {
      for (int year : place.record_years)
        assembler.AddText(subject, year, row.line, "", place.note);
    }
    const int64_t skipped_before = skips;
    absl::Status status;
    switch (kind->kind) {
      case FileKind::kSettlement:
        status = SettlementRow(c, subject, place.row_year);
        break;
      case FileKind::kSettledOfRequested:
        status = SettledOfRequestedRow(c, subject, place.row_year);
        break;
      case FileKind::kIntroCompletion:
        status = IntroCompletionRow(c, subject, place.row_year);
        break;
      case FileKind::kIntroFollowup:
        status = IntroFollowupRow(c, subject, place.row_year);
        break;
      case FileKind::kPopulationByAge:
        status = PopulationRow(c, subject, place.row_year, age_sums);
        break;
      case FileKind::kPublishedFigures:
        status = PublishedRow(c, subject, place.row_year);
        break;
      case FileKind::kExportedFigures:
        status = ExportedRow(c, subject, place.row_year);
        break;
      case FileKind::kSettlementTable:
        status = SettlementTableRow(c, subject, place.row_year);
        break;
      case FileKind::kWideMunicipal:
      case FileKind::kWideCounty:
        status = WideRow(c, subject, *wide);
        break;
    }
    if (!status.ok()) problem(status.message());
    if (status.ok() && skips > skipped_before) {
      ++out.fates.skipped;
    } else {
      ++placed[keys];
    }
  }
  FinishPopulation(age_sums, assembler, out);
  assembler.Finish(out);
  std::set<Key> imported;
  for (const ImportRecord& record : out.records) {
    imported.insert(std::make_pair(record.subject, record.year));
  }
  // A row is in a rejected record when any of its records is rejected (all
  // of them are, then), accepted when one of them is imported.
  for (const auto& entry : placed) {
    // Named references: clang 14 cannot capture a structured binding.
    const std::vector<Key>& keys = entry.first;
    const int64_t rows = entry.second;
    auto any = [&keys](const std::set<Key>& set) {
      return std::any_of(keys.begin(), keys.end(),
                         [&set](const Key& k) { return set.contains(k); });
    };
    if (any(assembler.rejected_keys())) {
      out.fates.in_rejected_records += rows;
    } else if (any(imported)) {
      out.fates.accepted += rows;
    } else {
      out.fates.without_value += rows;
    }
  }
  out.records_rejected = static_cast<int64_t>(assembler.rejected_keys().size());
  return out;
}

absl::StatusOr<ParsedFile> ParseFiguresPath(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return ParseFiguresFile(in);
}

}  // namespace imdi::import
