#include "award-service/domain/criteria.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace imdi::award {
namespace {

using v1::Verdict;

// Getter of an optional stats field: the value, or nothing when absent.
struct CountField {
  const char* name;
  bool (stats::v1::Figures::*has)() const;
  int32_t (stats::v1::Figures::*get)() const;
};

constexpr CountField kPopulation{"population", &stats::v1::Figures::has_population,
                                 &stats::v1::Figures::population};
constexpr CountField kRequested{"refugees_requested",
                                &stats::v1::Figures::has_refugees_requested,
                                &stats::v1::Figures::refugees_requested};
constexpr CountField kDecided{"refugees_decided", &stats::v1::Figures::has_refugees_decided,
                              &stats::v1::Figures::refugees_decided};
constexpr CountField kSettled{"refugees_settled", &stats::v1::Figures::has_refugees_settled,
                              &stats::v1::Figures::refugees_settled};
constexpr CountField kMinorsRequested{"minors_requested",
                                      &stats::v1::Figures::has_minors_requested,
                                      &stats::v1::Figures::minors_requested};
constexpr CountField kMinorsSettled{"minors_settled", &stats::v1::Figures::has_minors_settled,
                                    &stats::v1::Figures::minors_settled};
constexpr CountField kIntroFinished{"intro_finished", &stats::v1::Figures::has_intro_finished,
                                    &stats::v1::Figures::intro_finished};
constexpr CountField kIntroDirect{"intro_to_work_or_education",
                                  &stats::v1::Figures::has_intro_to_work_or_education,
                                  &stats::v1::Figures::intro_to_work_or_education};
constexpr CountField kFollowupTotal{"intro_followup_total",
                                    &stats::v1::Figures::has_intro_followup_total,
                                    &stats::v1::Figures::intro_followup_total};
constexpr CountField kFollowupWork{"intro_followup_work_or_education",
                                   &stats::v1::Figures::has_intro_followup_work_or_education,
                                   &stats::v1::Figures::intro_followup_work_or_education};

std::string Percent(double value) { return absl::StrFormat("%.1f %%", value); }

std::string ThresholdText(const v1::Threshold& t) {
  return absl::StrCat(t.strictly_above() ? "> " : ">= ", Percent(t.percent()));
}

bool Passes(double value, const v1::Threshold& t) {
  return t.strictly_above() ? value > t.percent() : value >= t.percent();
}

const FiguresByYear& OwnFigures(const EvaluationInput& input) {
  return input.figures_in_place != nullptr ? *input.figures_in_place : input.figures;
}

// The comparables by code, wherever the input holds them.
std::vector<std::pair<const std::string*, const FiguresByYear*>> Comparables(
    const EvaluationInput& input) {
  std::vector<std::pair<const std::string*, const FiguresByYear*>> all;
  if (input.figures_in_place != nullptr) {
    for (const auto& [code, figures] : input.comparables_in_place) all.emplace_back(&code, figures);
  } else {
    for (const auto& [code, figures] : input.comparables) all.emplace_back(&code, &figures);
  }
  return all;
}

// Collects the figures a criterion reads and what it found.
class Reader {
 public:
  Reader(const EvaluationInput& input, v1::CriterionResult& result)
      : input_(input), result_(result) {}

  // The municipality's count in `year`; records it as used.
  std::optional<int64_t> Count(const CountField& field, int year) {
    return CountOf(OwnFigures(input_), input_.municipality_code, field, year);
  }

  std::optional<int64_t> CountOf(const FiguresByYear& figures, const std::string& subject,
                                 const CountField& field, int year) {
    std::optional<int64_t> value;
    auto it = figures.find(year);
    const stats::v1::Figures* record = it == figures.end() ? nullptr : &it->second;
    if (record != nullptr && (record->*field.has)()) value = (record->*field.get)();
    Record(subject, year, field.name, value ? std::optional<double>(*value) : std::nullopt,
           record);
    return value;
  }

  std::optional<double> Percent(bool (stats::v1::Figures::*has)() const,
                                double (stats::v1::Figures::*get)() const,
                                const char* name, int year) {
    std::optional<double> value;
    const FiguresByYear& figures = OwnFigures(input_);
    auto it = figures.find(year);
    const stats::v1::Figures* record = it == figures.end() ? nullptr : &it->second;
    if (record != nullptr && (record->*has)()) value = (record->*get)();
    Record(input_.municipality_code, year, name, value, record);
    return value;
  }

  // `record` is the stored figures the value comes from, when there are any.
  void Record(const std::string& subject, int year, const std::string& field,
              std::optional<double> value, const stats::v1::Figures* record = nullptr) {
    v1::FigureUsed* used = result_.add_figures();
    used->set_subject(subject);
    used->set_year(year);
    used->set_field(field);
    if (value) used->set_value(*value);
    used->set_data_version(input_.data_version);
    if (record == nullptr) return;
    used->set_known_date(record->known_date());
    used->set_harmonised(record->harmonised());
    if (record->harmonised()) harmonised_.emplace(year, record);
  }

  // The harmonised records read, by year.
  const std::map<int, const stats::v1::Figures*>& harmonised() const { return harmonised_; }

 private:
  const EvaluationInput& input_;
  v1::CriterionResult& result_;
  std::map<int, const stats::v1::Figures*> harmonised_;
};

// Verdicts of several years: NOT_MET wins, then INSUFFICIENT_DATA.
Verdict CombineYears(const std::vector<Verdict>& verdicts) {
  if (std::count(verdicts.begin(), verdicts.end(), v1::VERDICT_NOT_MET)) return v1::VERDICT_NOT_MET;
  if (std::count(verdicts.begin(), verdicts.end(), v1::VERDICT_INSUFFICIENT_DATA)) {
    return v1::VERDICT_INSUFFICIENT_DATA;
  }
  return v1::VERDICT_MET;
}

int FirstYear(int figures_year, int span_years) {
  return figures_year - std::max(span_years, 1) + 1;
}

// " (data version 12; figures known 2016-03-22)": the version every figure
// was read at, the dates the figures used were known, and which years'
// figures are harmonised sums of the municipalities that later merged.
std::string VersionNote(const EvaluationInput& input, const v1::CriterionResult& out,
                        const Reader& read) {
  std::set<std::string> known;
  for (const v1::FigureUsed& used : out.figures()) {
    if (used.has_value() && !used.known_date().empty()) known.insert(used.known_date());
  }
  std::string note = absl::StrCat(" (data version ", input.data_version);
  if (known.size() == 1) {
    absl::StrAppend(&note, "; figures known ", *known.begin());
  } else if (!known.empty()) {
    absl::StrAppend(&note, "; figures known ", *known.begin(), " to ", *known.rbegin());
  }
  for (const auto& [year, record] : read.harmonised()) {
    std::vector<std::string> parts;
    for (const stats::v1::Figures& part : record->harmonised_parts()) {
      parts.push_back(absl::StrCat(part.municipality_name(), " ", part.code_at_the_time()));
    }
    absl::StrAppend(&note, "; ", year, " harmonised: ", absl::StrJoin(parts, " + "));
  }
  absl::StrAppend(&note, ")");
  return note;
}

// One count against another, in the figures year or each year of a span:
// settled against requested or decided, decided against requested.
struct CountVsBasis {
  const CountField& count;
  const char* count_word;
  const CountField& basis;
  const char* basis_word;
  const v1::Threshold& threshold;
  int span_years;
};

void CompareCounts(const CountVsBasis& c, int figures_year, const EvaluationInput& input,
                   Reader& read, v1::CriterionResult& out) {
  std::vector<Verdict> verdicts;
  std::vector<std::string> parts;
  for (int year = FirstYear(figures_year, c.span_years); year <= figures_year; ++year) {
    std::optional<int64_t> count = read.Count(c.count, year);
    std::optional<int64_t> wanted = read.Count(c.basis, year);
    if (!count || !wanted) {
      verdicts.push_back(v1::VERDICT_INSUFFICIENT_DATA);
      std::vector<std::string> unknown;
      if (!count) unknown.push_back(c.count_word);
      if (!wanted) unknown.push_back(c.basis_word);
      parts.push_back(absl::StrCat(
          absl::StrJoin(unknown, " and "), " not known in ", year,
          count ? absl::StrCat(" (", c.count_word, " ", *count, ")") : "",
          wanted ? absl::StrCat(" (", c.basis_word, " ", *wanted, ")") : ""));
      continue;
    }
    if (*wanted == 0) {
      verdicts.push_back(v1::VERDICT_NOT_MET);
      parts.push_back(absl::StrCat(c.basis_word, " 0 in ", year, ": nothing to settle against"));
      continue;
    }
    const double pct = 100.0 * static_cast<double>(*count) / static_cast<double>(*wanted);
    const bool ok = Passes(pct, c.threshold);
    verdicts.push_back(ok ? v1::VERDICT_MET : v1::VERDICT_NOT_MET);
    parts.push_back(absl::StrCat(c.count_word, " ", *count, ok ? " meets " : " falls short of ",
                                 ThresholdText(c.threshold), " of ", c.basis_word, " ", *wanted,
                                 " (", Percent(pct), ") in ", year));
  }
  out.set_verdict(CombineYears(verdicts));
  out.set_explanation(absl::StrCat(absl::StrJoin(parts, "; "), VersionNote(input, out, read)));
}

void SettledVsRequested(const v1::SettledVsRequestedCriterion& c, int figures_year,
                        const EvaluationInput& input, Reader& read, v1::CriterionResult& out) {
  const bool decided = c.basis() == v1::SETTLEMENT_BASIS_DECIDED;
  CompareCounts({kSettled, "settled", decided ? kDecided : kRequested,
                 decided ? "decided" : "requested", c.threshold(), c.span_years()},
                figures_year, input, read, out);
}

void DecidedVsRequested(const v1::DecidedVsRequestedCriterion& c, int figures_year,
                        const EvaluationInput& input, Reader& read, v1::CriterionResult& out) {
  CompareCounts({kDecided, "decided", kRequested, "requested", c.threshold(), c.span_years()},
                figures_year, input, read, out);
}

void MinorsSettled(const v1::MinorsSettledCriterion& c, int year, const EvaluationInput& input,
                   Reader& read, v1::CriterionResult& out) {
  std::optional<int64_t> settled = read.Count(kMinorsSettled, year);
  if (!settled) {
    out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
    out.set_explanation(absl::StrCat("unaccompanied minors settled not known in ", year,
                                     VersionNote(input, out, read)));
    return;
  }
  std::vector<std::string> parts;
  bool ok = true;
  if (c.min_settled() > 0) {
    const bool count_ok = *settled >= c.min_settled();
    ok = ok && count_ok;
    parts.push_back(absl::StrCat("unaccompanied minors settled ", *settled,
                                 count_ok ? " >= " : " < ", c.min_settled(), " in ", year));
  }
  if (c.has_of_requested()) {
    std::optional<int64_t> requested = read.Count(kMinorsRequested, year);
    if (!requested && !ok) {
      // The count already fails; the unknown request cannot change that.
      parts.push_back(absl::StrCat("unaccompanied minors requested not known in ", year));
    } else if (!requested) {
      out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
      out.set_explanation(absl::StrCat("unaccompanied minors requested not known in ", year,
                                       " (settled ", *settled, ")", VersionNote(input, out, read)));
      return;
    } else if (*requested == 0) {
      ok = false;
      parts.push_back(absl::StrCat("no unaccompanied minors requested in ", year));
    } else {
      const double pct = 100.0 * static_cast<double>(*settled) / static_cast<double>(*requested);
      const bool ratio_ok = Passes(pct, c.of_requested());
      ok = ok && ratio_ok;
      parts.push_back(absl::StrCat("unaccompanied minors settled ", *settled, " of requested ",
                                   *requested, " (", Percent(pct), ratio_ok ? ", meets " : ", below ",
                                   ThresholdText(c.of_requested()), ") in ", year));
    }
  }
  if (parts.empty()) {
    parts.push_back(absl::StrCat("unaccompanied minors settled ", *settled, " in ", year));
  }
  out.set_verdict(ok ? v1::VERDICT_MET : v1::VERDICT_NOT_MET);
  out.set_explanation(absl::StrCat(absl::StrJoin(parts, "; "), VersionNote(input, out, read)));
}

void SettledPerThousand(const v1::SettledPerThousandCriterion& c, int figures_year,
                        const EvaluationInput& input, Reader& read, v1::CriterionResult& out) {
  const std::vector<std::pair<const std::string*, const FiguresByYear*>> comparables =
      Comparables(input);
  if (comparables.empty()) {
    out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
    out.set_explanation(absl::StrCat("no comparable municipalities are known for this municipality",
                                     VersionNote(input, out, read)));
    return;
  }
  std::vector<Verdict> verdicts;
  std::vector<std::string> parts;
  for (int year = FirstYear(figures_year, c.span_years()); year <= figures_year; ++year) {
    std::optional<int64_t> settled = read.Count(kSettled, year);
    std::optional<int64_t> population = read.Count(kPopulation, year);
    int64_t group_settled = 0;
    int64_t group_population = 0;
    int used = 0;
    for (const auto& [code, figures] : comparables) {
      std::optional<int64_t> s = read.CountOf(*figures, *code, kSettled, year);
      std::optional<int64_t> p = read.CountOf(*figures, *code, kPopulation, year);
      if (s && p && *p > 0) {
        group_settled += *s;
        group_population += *p;
        ++used;
      }
    }
    if (!settled || !population || *population == 0 || used == 0) {
      verdicts.push_back(v1::VERDICT_INSUFFICIENT_DATA);
      parts.push_back(absl::StrCat(
          year, ": ", !settled ? "settled not known" : "",
          !settled && (!population || *population == 0) ? " and " : "",
          !population || *population == 0 ? "population not known" : "",
          (settled && population && *population > 0) ? "no comparable municipality has both "
                                                       "settled and population"
                                                     : ""));
      continue;
    }
    const double own = 1000.0 * static_cast<double>(*settled) / static_cast<double>(*population);
    const double group = 1000.0 * static_cast<double>(group_settled) /
                         static_cast<double>(group_population);
    const double pct = group > 0 ? 100.0 * own / group : (own > 0 ? 1e9 : 0.0);
    const bool ok = group > 0 ? Passes(pct, c.of_comparables()) : own > 0;
    verdicts.push_back(ok ? v1::VERDICT_MET : v1::VERDICT_NOT_MET);
    parts.push_back(absl::StrFormat(
        "%d: %.2f settled per 1,000 inhabitants against %.2f in %d of %d comparable "
        "municipalities (%s, %s %s)",
        year, own, group, used, static_cast<int>(comparables.size()),
        group > 0 ? Percent(pct) : std::string("comparables settled none"),
        ok ? "meets" : "below", ThresholdText(c.of_comparables())));
  }
  out.set_verdict(CombineYears(verdicts));
  out.set_explanation(absl::StrCat(absl::StrJoin(parts, "; "), VersionNote(input, out, read)));
}

void RegionShare(const v1::RegionShareCriterion& c, int year, const EvaluationInput& input,
                 Reader& read, v1::CriterionResult& out) {
  std::optional<int64_t> settled = read.Count(kSettled, year);
  auto region = input.region_settled.find(year);
  std::optional<int64_t> total;
  std::string basis;
  std::string region_name = "the region";
  if (region != input.region_settled.end()) {
    region_name = region->second.region_name;
    if (region->second.published) {
      total = region->second.published;
      basis = "published total";
    } else if (region->second.sum && region->second.municipalities_missing == 0) {
      total = region->second.sum;
      basis = "sum over its municipalities";
    }
  }
  read.Record(region_name, year, "refugees_settled",
              total ? std::optional<double>(*total) : std::nullopt);
  if (!settled || !total || *total == 0) {
    out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
    std::string why = !settled ? absl::StrCat("settled not known in ", year)
                               : absl::StrCat(region_name, "'s settlement in ", year,
                                              " not known");
    if (settled && region != input.region_settled.end() && region->second.sum) {
      absl::StrAppend(&why, " (no published total; ", region->second.municipalities_missing,
                      " municipalities lack a value)");
    }
    out.set_explanation(absl::StrCat(why, VersionNote(input, out, read)));
    return;
  }
  const double pct = 100.0 * static_cast<double>(*settled) / static_cast<double>(*total);
  const bool ok = Passes(pct, c.share());
  out.set_verdict(ok ? v1::VERDICT_MET : v1::VERDICT_NOT_MET);
  out.set_explanation(absl::StrCat("settled ", *settled, " of ", *total, " in ", region_name,
                                   " (", basis, ") in ", year, ": ", Percent(pct),
                                   ok ? ", meets " : ", below ", ThresholdText(c.share()),
                                   VersionNote(input, out, read)));
}

void IntroOutcome(const v1::IntroOutcomeCriterion& c, int year, const EvaluationInput& input,
                  Reader& read, v1::CriterionResult& out) {
  const bool direct = c.measure() == v1::INTRO_MEASURE_DIRECT;
  const CountField& total_field = direct ? kIntroFinished : kFollowupTotal;
  const CountField& work_field = direct ? kIntroDirect : kFollowupWork;
  const char* what = direct ? "went directly to work or education"
                            : "were in work or education one year after";
  std::optional<int64_t> total = read.Count(total_field, year);
  std::optional<int64_t> work = read.Count(work_field, year);
  std::optional<double> pct;
  std::string basis;
  if (total && work && *total > 0) {
    pct = 100.0 * static_cast<double>(*work) / static_cast<double>(*total);
    basis = absl::StrCat(*work, " of ", *total, " who left the programme in ", year);
  } else {
    pct = direct ? read.Percent(&stats::v1::Figures::has_intro_to_work_or_education_pct,
                                &stats::v1::Figures::intro_to_work_or_education_pct,
                                "intro_to_work_or_education_pct", year)
                 : read.Percent(&stats::v1::Figures::has_intro_followup_work_or_education_pct,
                                &stats::v1::Figures::intro_followup_work_or_education_pct,
                                "intro_followup_work_or_education_pct", year);
    basis = absl::StrCat("published percentage for ", year);
  }
  if (!pct) {
    out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
    out.set_explanation(absl::StrCat("how many ", what, " is not known for ", year,
                                     VersionNote(input, out, read)));
    return;
  }
  const bool ok = Passes(*pct, c.threshold());
  out.set_verdict(ok ? v1::VERDICT_MET : v1::VERDICT_NOT_MET);
  out.set_explanation(absl::StrCat(Percent(*pct), " ", what, " (", basis, "), ",
                                   ok ? "meets " : "below ", ThresholdText(c.threshold()),
                                   VersionNote(input, out, read)));
}

void Assessed(const v1::Criterion& criterion, const EvaluationInput& input,
              v1::CriterionResult& out) {
  auto claim = input.claims.find(criterion.name());
  if (claim == input.claims.end() || claim->second.justification().empty()) {
    out.set_verdict(v1::VERDICT_NOT_MET);
    out.set_explanation("not claimed: needs a written justification from the nominator");
    return;
  }
  switch (claim->second.state()) {
    case v1::ASSESSMENT_STATE_CONFIRMED:
      out.set_verdict(v1::VERDICT_MET);
      out.set_explanation(absl::StrCat("confirmed by the jury",
                                       claim->second.jury_note().empty()
                                           ? ""
                                           : absl::StrCat(": ", claim->second.jury_note())));
      return;
    case v1::ASSESSMENT_STATE_REJECTED:
      out.set_verdict(v1::VERDICT_NOT_MET);
      out.set_explanation(absl::StrCat("rejected by the jury",
                                       claim->second.jury_note().empty()
                                           ? ""
                                           : absl::StrCat(": ", claim->second.jury_note())));
      return;
    default:
      out.set_verdict(v1::VERDICT_NEEDS_ASSESSMENT);
      out.set_explanation(absl::StrCat("claimed by the nominator (",
                                       claim->second.justification().size(),
                                       " characters of justification); awaits the jury"));
  }
}

}  // namespace

std::string VerdictText(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_MET: return "met";
    case v1::VERDICT_NOT_MET: return "not met";
    case v1::VERDICT_INSUFFICIENT_DATA: return "insufficient data";
    case v1::VERDICT_NEEDS_ASSESSMENT: return "needs assessment";
    default: return "unspecified";
  }
}

bool IsEligible(v1::Verdict verdict) {
  return verdict == v1::VERDICT_MET || verdict == v1::VERDICT_NEEDS_ASSESSMENT;
}

v1::CriterionResult EvaluateCriterion(const v1::Criterion& criterion, int figures_year,
                                      const EvaluationInput& input) {
  v1::CriterionResult out;
  EvaluateCriterionInto(criterion, figures_year, input, out);
  return out;
}

void EvaluateCriterionInto(const v1::Criterion& criterion, int figures_year,
                           const EvaluationInput& input, v1::CriterionResult& out) {
  out.set_criterion(criterion.name());
  out.set_title(criterion.title());
  Reader read(input, out);
  switch (criterion.kind_case()) {
    case v1::Criterion::kSettledVsRequested:
      SettledVsRequested(criterion.settled_vs_requested(), figures_year, input, read, out);
      break;
    case v1::Criterion::kMinorsSettled:
      MinorsSettled(criterion.minors_settled(), figures_year, input, read, out);
      break;
    case v1::Criterion::kSettledPerThousand:
      SettledPerThousand(criterion.settled_per_thousand(), figures_year, input, read, out);
      break;
    case v1::Criterion::kRegionShare:
      RegionShare(criterion.region_share(), figures_year, input, read, out);
      break;
    case v1::Criterion::kIntroOutcome:
      IntroOutcome(criterion.intro_outcome(), figures_year, input, read, out);
      break;
    case v1::Criterion::kDecidedVsRequested:
      DecidedVsRequested(criterion.decided_vs_requested(), figures_year, input, read, out);
      break;
    case v1::Criterion::kAssessed:
      Assessed(criterion, input, out);
      break;
    case v1::Criterion::KIND_NOT_SET:
      out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
      out.set_explanation("the criterion has no kind");
      break;
  }
}

v1::RequirementResult Combine(const v1::Requirement& requirement,
                              const std::map<std::string, v1::CriterionResult>& results) {
  std::map<std::string, const v1::CriterionResult*> by_name;
  for (const auto& [name, result] : results) by_name.emplace(name, &result);
  v1::RequirementResult out;
  CombineInto(requirement, by_name, out);
  return out;
}

void CombineInto(const v1::Requirement& requirement,
                 const std::map<std::string, const v1::CriterionResult*>& results,
                 v1::RequirementResult& out) {
  if (requirement.node_case() == v1::Requirement::kCriterion) {
    auto it = results.find(requirement.criterion());
    out.set_label(requirement.label().empty()
                      ? (it != results.end() && !it->second->title().empty() ? it->second->title()
                                                                             : requirement.criterion())
                      : requirement.label());
    if (it == results.end()) {
      out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
      out.set_explanation(absl::StrCat("unknown criterion ", requirement.criterion()));
    } else {
      out.set_verdict(it->second->verdict());
      out.set_explanation(absl::StrCat(requirement.criterion(), ": ",
                                       VerdictText(it->second->verdict()), ": ",
                                       it->second->explanation()));
    }
    return;
  }
  const google::protobuf::RepeatedPtrField<v1::Requirement>* operands = nullptr;
  int needed = 0;
  std::string rule;
  switch (requirement.node_case()) {
    case v1::Requirement::kAllOf:
      operands = &requirement.all_of().requirements();
      needed = operands->size();
      rule = "all of";
      break;
    case v1::Requirement::kAnyOf:
      operands = &requirement.any_of().requirements();
      needed = 1;
      rule = "any of";
      break;
    case v1::Requirement::kAtLeast:
      operands = &requirement.at_least().requirements();
      needed = requirement.at_least().count();
      rule = absl::StrCat("at least ", needed, " of");
      break;
    default:
      out.set_label(requirement.label());
      out.set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
      out.set_explanation("empty requirement");
      return;
  }
  int met = 0, assess = 0, insufficient = 0;
  std::vector<std::string> labels;
  for (const v1::Requirement& operand : *operands) {
    v1::RequirementResult* part = out.add_parts();
    CombineInto(operand, results, *part);
    labels.push_back(part->label());
    switch (part->verdict()) {
      case v1::VERDICT_MET: ++met; break;
      case v1::VERDICT_NEEDS_ASSESSMENT: ++assess; break;
      case v1::VERDICT_INSUFFICIENT_DATA: ++insufficient; break;
      default: break;
    }
  }
  Verdict verdict = v1::VERDICT_NOT_MET;
  if (met >= needed) {
    verdict = v1::VERDICT_MET;
  } else if (met + assess >= needed) {
    verdict = v1::VERDICT_NEEDS_ASSESSMENT;
  } else if (met + assess + insufficient >= needed) {
    verdict = v1::VERDICT_INSUFFICIENT_DATA;
  }
  const int total = operands->size();
  out.set_label(requirement.label().empty()
                    ? absl::StrCat(rule, " (", absl::StrJoin(labels, ", "), ")")
                    : requirement.label());
  out.set_verdict(verdict);
  out.set_explanation(absl::StrCat(VerdictText(verdict), ": ", rule, " ", total, " needed ",
                                   needed, "; met ", met, ", needs assessment ", assess,
                                   ", insufficient data ", insufficient, ", not met ",
                                   total - met - assess - insufficient));
}

v1::Evaluation Evaluate(const v1::CycleConfig& config, const EvaluationInput& input) {
  v1::Evaluation out;
  EvaluateInto(config, input, out);
  return out;
}

void EvaluateInto(const v1::CycleConfig& config, const EvaluationInput& input,
                  v1::Evaluation& out) {
  out.set_municipality_code(input.municipality_code);
  out.set_municipality_name(input.municipality_name);
  out.set_imdi_region(input.imdi_region);
  out.set_figures_year(config.figures_year());
  out.set_data_version(input.data_version);
  // Each result is written in place (on the evaluation's arena, if any)
  // and the requirement reads it there.
  std::map<std::string, const v1::CriterionResult*> results;
  for (const v1::Criterion& criterion : config.criteria()) {
    v1::CriterionResult* result = out.add_criteria();
    EvaluateCriterionInto(criterion, config.figures_year(), input, *result);
    results.emplace(criterion.name(), result);
  }
  CombineInto(config.requirement(), results, *out.mutable_requirement());
  out.set_verdict(out.requirement().verdict());
  out.set_eligible(IsEligible(out.verdict()));
}

void ApplyAssessments(const v1::CycleConfig& config,
                      const std::map<std::string, v1::AssessmentClaim>& claims,
                      v1::Evaluation& evaluation) {
  EvaluationInput input;
  input.claims = claims;
  std::map<std::string, v1::CriterionResult> results;
  for (v1::CriterionResult& result : *evaluation.mutable_criteria()) {
    for (const v1::Criterion& criterion : config.criteria()) {
      if (criterion.name() == result.criterion() && criterion.has_assessed()) {
        result = EvaluateCriterion(criterion, config.figures_year(), input);
      }
    }
    results.emplace(result.criterion(), result);
  }
  *evaluation.mutable_requirement() = Combine(config.requirement(), results);
  evaluation.set_verdict(evaluation.requirement().verdict());
  evaluation.set_eligible(IsEligible(evaluation.verdict()));
}

std::pair<int, int> YearsRead(const v1::CycleConfig& config) {
  int span = 1;
  for (const v1::Criterion& c : config.criteria()) {
    if (c.has_settled_vs_requested()) span = std::max(span, c.settled_vs_requested().span_years());
    if (c.has_settled_per_thousand()) span = std::max(span, c.settled_per_thousand().span_years());
    if (c.has_decided_vs_requested()) span = std::max(span, c.decided_vs_requested().span_years());
  }
  return {FirstYear(config.figures_year(), span), config.figures_year()};
}

bool NeedsComparables(const v1::CycleConfig& config) {
  return std::any_of(config.criteria().begin(), config.criteria().end(),
                     [](const v1::Criterion& c) { return c.has_settled_per_thousand(); });
}

bool NeedsRegionTotals(const v1::CycleConfig& config) {
  return std::any_of(config.criteria().begin(), config.criteria().end(),
                     [](const v1::Criterion& c) { return c.has_region_share(); });
}

}  // namespace imdi::award
