#include "award-service/domain/cycle_config.h"

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award {
namespace {

constexpr int kMaxSpanYears = 10;
constexpr int kMaxRequirementDepth = 8;
// Bounds that keep a configuration, and the work on it, small: no real
// prize comes near them.
constexpr int kMaxCriteria = 32;
constexpr int kMaxRequirementOperands = 32;
constexpr int kMaxRequirementNodes = 128;
constexpr int kMaxScoringCriteria = 16;
constexpr int kMaxTieBreaks = 8;
constexpr int kMaxNominatorKinds = 4;
constexpr int kMaxPerRegion = 50;
constexpr int kMaxFinalists = 50;
constexpr double kMaxWeight = 1000;
// Scores are points on a jury's scale, e.g. 1 to 10 or 0 to 100.
constexpr double kMaxScoreMagnitude = 1000;
constexpr int kMaxMinorsThreshold = 100'000;
constexpr int kMaxJustificationChars = 4000;
// The most people a public vote may count: more than Norway's population by
// far, small enough that no vote total can overflow.
constexpr int64_t kMaxElectorate = 100'000'000;

bool IsName(const std::string& name) {
  if (name.empty() || name.size() > 63 || !absl::ascii_islower(name[0])) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

class Checker {
 public:
  void Check(bool ok, std::string field, std::string description) {
    if (!ok) violations_.push_back({std::move(field), std::move(description)});
  }
  void Text(const std::string& text, const std::string& field, size_t max_bytes,
            TextKind kind = TextKind::kLine) {
    if (auto v = CheckText(text, field, max_bytes, kind)) violations_.push_back(*std::move(v));
  }
  // At most `max` entries in a list.
  bool Count(int size, int max, const std::string& field) {
    Check(size <= max, field, absl::StrCat(size, " entries; at most ", max));
    return size <= max;
  }
  const std::vector<FieldViolation>& violations() const { return violations_; }

 private:
  std::vector<FieldViolation> violations_;
};

// Not NaN and not infinite: every comparison with NaN is false, so each
// range check below also refuses it.
void CheckThreshold(Checker& check, const v1::Threshold& t, const std::string& field) {
  check.Check(t.percent() >= 0 && t.percent() <= 100000, field + ".percent",
              "must be a number between 0 and 100000");
}

void CheckSpan(Checker& check, int span, const std::string& field) {
  check.Check(span >= 0 && span <= kMaxSpanYears, field,
              absl::StrCat("must be between 0 and ", kMaxSpanYears));
}

void CheckCriterion(Checker& check, const v1::Criterion& c, const std::string& f) {
  check.Check(IsName(c.name()), f + ".name",
              "must be 1-63 lower case letters, digits or '_', starting with a letter");
  check.Text(c.title(), f + ".title", kMaxNameBytes);
  switch (c.kind_case()) {
    case v1::Criterion::kSettledVsRequested:
      check.Check(c.settled_vs_requested().has_threshold(), f + ".settled_vs_requested.threshold",
                  "is required");
      CheckThreshold(check, c.settled_vs_requested().threshold(),
                     f + ".settled_vs_requested.threshold");
      CheckSpan(check, c.settled_vs_requested().span_years(),
                f + ".settled_vs_requested.span_years");
      check.Check(v1::SettlementBasis_IsValid(c.settled_vs_requested().basis()),
                  f + ".settled_vs_requested.basis", "is not a known settlement basis");
      break;
    case v1::Criterion::kDecidedVsRequested:
      check.Check(c.decided_vs_requested().has_threshold(), f + ".decided_vs_requested.threshold",
                  "is required");
      CheckThreshold(check, c.decided_vs_requested().threshold(),
                     f + ".decided_vs_requested.threshold");
      CheckSpan(check, c.decided_vs_requested().span_years(),
                f + ".decided_vs_requested.span_years");
      break;
    case v1::Criterion::kMinorsSettled:
      check.Check(c.minors_settled().min_settled() >= 0 &&
                      c.minors_settled().min_settled() <= kMaxMinorsThreshold,
                  f + ".minors_settled.min_settled",
                  absl::StrCat("must be between 0 and ", kMaxMinorsThreshold));
      check.Check(c.minors_settled().min_settled() > 0 || c.minors_settled().has_of_requested(),
                  f + ".minors_settled", "needs min_settled or of_requested");
      CheckThreshold(check, c.minors_settled().of_requested(), f + ".minors_settled.of_requested");
      break;
    case v1::Criterion::kSettledPerThousand:
      check.Check(c.settled_per_thousand().has_of_comparables(),
                  f + ".settled_per_thousand.of_comparables", "is required");
      CheckThreshold(check, c.settled_per_thousand().of_comparables(),
                     f + ".settled_per_thousand.of_comparables");
      CheckSpan(check, c.settled_per_thousand().span_years(),
                f + ".settled_per_thousand.span_years");
      break;
    case v1::Criterion::kRegionShare:
      check.Check(c.region_share().has_share(), f + ".region_share.share", "is required");
      CheckThreshold(check, c.region_share().share(), f + ".region_share.share");
      check.Check(c.region_share().share().percent() <= 100, f + ".region_share.share.percent",
                  "a share is at most 100");
      break;
    case v1::Criterion::kIntroOutcome:
      check.Check(c.intro_outcome().measure() != v1::INTRO_MEASURE_UNSPECIFIED &&
                      v1::IntroMeasure_IsValid(c.intro_outcome().measure()),
                  f + ".intro_outcome.measure",
                  "is required: INTRO_MEASURE_DIRECT or INTRO_MEASURE_ONE_YEAR_AFTER");
      check.Check(c.intro_outcome().has_threshold(), f + ".intro_outcome.threshold",
                  "is required");
      CheckThreshold(check, c.intro_outcome().threshold(), f + ".intro_outcome.threshold");
      check.Check(c.intro_outcome().threshold().percent() <= 100,
                  f + ".intro_outcome.threshold.percent", "a share is at most 100");
      break;
    case v1::Criterion::kAssessed:
      check.Check(c.assessed().min_justification_chars() >= 0 &&
                      c.assessed().min_justification_chars() <= kMaxJustificationChars,
                  f + ".assessed.min_justification_chars",
                  absl::StrCat("must be between 0 and ", kMaxJustificationChars,
                               " (a justification is at most ", kMaxJustificationBytes, " bytes)"));
      check.Text(c.assessed().guidance(), f + ".assessed.guidance", kMaxNoteBytes,
                 TextKind::kParagraphs);
      break;
    case v1::Criterion::KIND_NOT_SET:
      check.Check(false, f, "needs a kind (settled_vs_requested, decided_vs_requested, "
                            "minors_settled, settled_per_thousand, region_share, "
                            "intro_outcome or assessed)");
      break;
  }
}

// `nodes` counts the nodes checked so far, so that a wide and deep tree
// is refused before it costs much.
void CheckRequirement(Checker& check, const v1::Requirement& r, const std::string& f,
                      const std::set<std::string>& names, int depth, int& nodes) {
  if (depth > kMaxRequirementDepth) {
    check.Check(false, f, absl::StrCat("nests deeper than ", kMaxRequirementDepth, " levels"));
    return;
  }
  if (++nodes > kMaxRequirementNodes) {
    if (nodes == kMaxRequirementNodes + 1) {
      check.Check(false, f,
                  absl::StrCat("the requirement has more than ", kMaxRequirementNodes, " parts"));
    }
    return;
  }
  check.Text(r.label(), f + ".label", kMaxNameBytes);
  const google::protobuf::RepeatedPtrField<v1::Requirement>* operands = nullptr;
  std::string operands_field;
  switch (r.node_case()) {
    case v1::Requirement::kCriterion:
      check.Check(names.count(r.criterion()) > 0, f + ".criterion",
                  absl::StrCat("names no criterion of the cycle: ", Excerpt(r.criterion())));
      return;
    case v1::Requirement::kAllOf:
      operands = &r.all_of().requirements();
      operands_field = f + ".all_of.requirements";
      break;
    case v1::Requirement::kAnyOf:
      operands = &r.any_of().requirements();
      operands_field = f + ".any_of.requirements";
      break;
    case v1::Requirement::kAtLeast:
      operands = &r.at_least().requirements();
      operands_field = f + ".at_least.requirements";
      check.Check(r.at_least().count() >= 1 && r.at_least().count() <= operands->size(),
                  f + ".at_least.count",
                  absl::StrCat("must be between 1 and the number of requirements (",
                               operands->size(), ")"));
      break;
    case v1::Requirement::NODE_NOT_SET:
      check.Check(false, f, "needs criterion, all_of, any_of or at_least");
      return;
  }
  check.Check(!operands->empty(), operands_field, "must not be empty");
  if (!check.Count(operands->size(), kMaxRequirementOperands, operands_field)) return;
  for (int i = 0; i < operands->size(); ++i) {
    CheckRequirement(check, (*operands)[i], absl::StrCat(operands_field, "[", i, "]"), names,
                     depth + 1, nodes);
  }
}

void CheckDecisionPolicy(Checker& check, const v1::DecisionPolicy& p, const std::string& f) {
  // Proto3 enums carry any number; only the values the schema defines mean
  // something to the engine.
  check.Check(p.kind() != v1::DECISION_KIND_UNSPECIFIED && v1::DecisionKind_IsValid(p.kind()),
              f + ".kind",
              "is required: DECISION_KIND_JURY_ONLY, DECISION_KIND_PUBLIC_VOTE_FINALISTS or "
              "DECISION_KIND_WEIGHTED_BLEND");
  if (p.kind() == v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS) {
    check.Check(p.finalist_count() >= 1 && p.finalist_count() <= kMaxFinalists,
                f + ".finalist_count",
                absl::StrCat("must be between 1 and ", kMaxFinalists,
                             " when a public vote picks finalists"));
  }
  if (p.kind() == v1::DECISION_KIND_WEIGHTED_BLEND) {
    check.Check(p.vote_weight() > 0 && p.vote_weight() < 1, f + ".vote_weight",
                "must be between 0 and 1 (exclusive) for a weighted blend");
  } else {
    check.Check(p.vote_weight() >= 0 && p.vote_weight() <= 1, f + ".vote_weight",
                "must be a number between 0 and 1");
  }
  check.Check(p.electorate() >= 0 && p.electorate() <= kMaxElectorate, f + ".electorate",
              absl::StrCat("must be between 0 (Norway's population) and ", kMaxElectorate));
  check.Check(!p.scoring_criteria().empty(), f + ".scoring_criteria", "must not be empty");
  check.Count(p.scoring_criteria_size(), kMaxScoringCriteria, f + ".scoring_criteria");
  check.Count(p.tie_breaks_size(), kMaxTieBreaks, f + ".tie_breaks");
  std::set<std::string> names;
  for (int i = 0; i < p.scoring_criteria_size() && i < kMaxScoringCriteria; ++i) {
    const auto& c = p.scoring_criteria(i);
    const std::string cf = absl::StrCat(f, ".scoring_criteria[", i, "]");
    check.Check(IsName(c.name()), cf + ".name",
                "must be 1-63 lower case letters, digits or '_', starting with a letter");
    check.Check(names.insert(c.name()).second, cf + ".name",
                absl::StrCat("duplicate scoring criterion ", Excerpt(c.name())));
    check.Text(c.title(), cf + ".title", kMaxNameBytes);
    check.Check(c.weight() > 0 && c.weight() <= kMaxWeight, cf + ".weight",
                absl::StrCat("must be a positive number of at most ", kMaxWeight));
  }
  const bool min_ok = std::fabs(p.min_score()) <= kMaxScoreMagnitude;
  const bool max_ok = std::fabs(p.max_score()) <= kMaxScoreMagnitude;
  check.Check(
      min_ok, f + ".min_score",
      absl::StrCat("must be a number between ", -kMaxScoreMagnitude, " and ", kMaxScoreMagnitude));
  check.Check(
      max_ok, f + ".max_score",
      absl::StrCat("must be a number between ", -kMaxScoreMagnitude, " and ", kMaxScoreMagnitude));
  if (min_ok && max_ok) {
    check.Check(p.max_score() > p.min_score(), f + ".max_score", "must be above min_score");
  }
  for (int i = 0; i < p.tie_breaks_size() && i < kMaxTieBreaks; ++i) {
    const auto& t = p.tie_breaks(i);
    const std::string tf = absl::StrCat(f, ".tie_breaks[", i, "]");
    check.Check(t.kind() != v1::TIE_BREAK_KIND_UNSPECIFIED && v1::TieBreakKind_IsValid(t.kind()),
                tf + ".kind", "is required: a known tie-break kind");
    if (t.kind() == v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE) {
      check.Check(names.count(t.criterion()) > 0, tf + ".criterion",
                  absl::StrCat("names no scoring criterion: ", Excerpt(t.criterion())));
    }
    if (t.kind() == v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE) {
      check.Check(HasPublicVote(p), tf + ".kind", "the decision policy has no public vote");
    }
  }
}

}  // namespace

bool HasPublicVote(const v1::DecisionPolicy& policy) {
  return policy.kind() == v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS ||
         policy.kind() == v1::DECISION_KIND_WEIGHTED_BLEND;
}

absl::Status ValidateDate(absl::string_view date, absl::string_view field) {
  auto digits = [&](size_t from, size_t count, int& value) {
    value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(date[i]))) return false;
      value = value * 10 + (date[i] - '0');
    }
    return true;
  };
  int y = 0, m = 0, d = 0;
  const bool shaped = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                      digits(0, 4, y) && digits(5, 2, m) && digits(8, 2, d);
  // A day that exists: the civil day of (y, m, d) is the same (y, m, d)
  // (absl normalises 2017-02-30 to 2017-03-02).
  const absl::CivilDay day(y, m, d);
  if (shaped && day.year() == y && day.month() == m && day.day() == d) return absl::OkStatus();
  return InvalidFieldError(field, absl::StrCat(Excerpt(date), " is not a date YYYY-MM-DD"));
}

absl::Status ValidateCycleId(absl::string_view id, absl::string_view field) {
  bool ok = !id.empty() && id.size() <= 63 && id[0] != '-';
  for (char c : id) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-');
  }
  if (ok) return absl::OkStatus();
  return InvalidFieldError(field,
                           "must be 1-63 lower case letters, digits or '-', not starting with '-'");
}

absl::Status ValidateCycleConfig(const v1::CycleConfig& config, absl::string_view prefix) {
  Checker check;
  const std::string p(prefix);
  check.Check(!config.title().empty(), p + ".title", "is required");
  check.Text(config.title(), p + ".title", kMaxNameBytes);
  check.Text(config.source(), p + ".source", kMaxLineBytes);
  check.Text(config.schedule().event(), p + ".schedule.event", kMaxLineBytes);
  for (const auto& [date, name] :
       {std::pair{&config.schedule().nominees_announce_date(), "nominees_announce_date"},
        std::pair{&config.schedule().winner_announce_date(), "winner_announce_date"},
        std::pair{&config.schedule().scoring_deadline(), "scoring_deadline"}}) {
    if (date->empty()) continue;
    absl::Status valid = ValidateDate(*date, absl::StrCat(p, ".schedule.", name));
    for (FieldViolation& v : FieldViolations(valid)) check.Check(false, v.field, v.description);
  }
  if (config.nomination_policy().has_deadline()) {
    // Seconds of 2000-01-01 and 2100-01-01 UTC: a deadline of this world,
    // whose conversions cannot overflow.
    const google::protobuf::Timestamp& deadline = config.nomination_policy().deadline();
    check.Check(deadline.seconds() >= 946684800 && deadline.seconds() < 4102444800 &&
                    deadline.nanos() >= 0 && deadline.nanos() < 1000000000,
                p + ".nomination_policy.deadline", "must be an instant of the years 2000 to 2099");
  }
  check.Check(v1::DeadlineRule_IsValid(config.schedule().deadline_rule()),
              p + ".schedule.deadline_rule",
              "must be DEADLINE_RULE_WARN or DEADLINE_RULE_REFUSE (unset is WARN)");
  check.Check(config.award_year() >= 2008 && config.award_year() <= 2100, p + ".award_year",
              "must be between 2008 (the first prize) and 2100");
  check.Check(config.figures_year() >= 2000 && config.figures_year() <= config.award_year(),
              p + ".figures_year", "must be between 2000 and the award year");
  check.Check(!config.criteria().empty(), p + ".criteria", "must not be empty");
  check.Count(config.criteria_size(), kMaxCriteria, p + ".criteria");
  std::set<std::string> names;
  for (int i = 0; i < config.criteria_size() && i < kMaxCriteria; ++i) {
    const std::string f = absl::StrCat(p, ".criteria[", i, "]");
    CheckCriterion(check, config.criteria(i), f);
    check.Check(names.insert(config.criteria(i).name()).second, f + ".name",
                absl::StrCat("duplicate criterion ", Excerpt(config.criteria(i).name())));
  }
  check.Check(config.has_requirement(), p + ".requirement", "is required");
  if (config.has_requirement()) {
    int nodes = 0;
    CheckRequirement(check, config.requirement(), p + ".requirement", names, 0, nodes);
  }
  const auto& np = config.nomination_policy();
  check.Check(!np.nominators().empty(), p + ".nomination_policy.nominators",
              "must name at least one kind of nominator");
  check.Count(np.nominators_size(), kMaxNominatorKinds, p + ".nomination_policy.nominators");
  for (int i = 0; i < np.nominators_size() && i < kMaxNominatorKinds; ++i) {
    check.Check(np.nominators(i) != v1::NOMINATOR_KIND_UNSPECIFIED &&
                    v1::NominatorKind_IsValid(np.nominators(i)),
                absl::StrCat(p, ".nomination_policy.nominators[", i, "]"),
                "must be NOMINATOR_KIND_REGIONAL_OFFICE or NOMINATOR_KIND_MUNICIPALITY");
  }
  check.Check(np.max_per_region() >= 0 && np.max_per_region() <= kMaxPerRegion,
              p + ".nomination_policy.max_per_region",
              absl::StrCat("must be between 0 (no limit) and ", kMaxPerRegion));
  CheckDecisionPolicy(check, config.decision_policy(), p + ".decision_policy");
  if (check.violations().empty()) return absl::OkStatus();
  return InvalidArgumentError("INVALID_CYCLE_CONFIG", check.violations());
}

}  // namespace imdi::award
