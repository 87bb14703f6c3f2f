// Tests of the validation of cycle configurations and identifiers
// (award-service/domain/cycle_config.h): every violation is reported with the
// path of its field, all of them at once, under reason INVALID_CYCLE_CONFIG.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "award-service/domain/cycle_config.h"
#include "common/errors.h"
#include "common/limits.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

template <typename T>
T Parse(absl::string_view text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message))
      << text;
  return message;
}

// A valid jury-only configuration in the shape of 2016.
v1::CycleConfig ValidConfig() {
  return Parse<v1::CycleConfig>(R"pb(
    title: "Bosettingsprisen 2016"
    award_year: 2017
    figures_year: 2016
    criteria {
      name: "settled"
      settled_vs_requested {
        threshold { percent: 100 }
        span_years: 3
      }
    }
    criteria {
      name: "housing"
      assessed { guidance: "creative housing solutions" }
    }
    criteria {
      name: "intro"
      intro_outcome {
        measure: INTRO_MEASURE_DIRECT
        threshold { percent: 55 }
      }
    }
    requirement {
      all_of {
        requirements {
          any_of {
            requirements { criterion: "settled" }
            requirements { criterion: "housing" }
          }
        }
        requirements { criterion: "intro" }
      }
    }
    nomination_policy { nominators: NOMINATOR_KIND_REGIONAL_OFFICE max_per_region: 2 }
    decision_policy {
      kind: DECISION_KIND_JURY_ONLY
      scoring_criteria { name: "settlement" weight: 2 }
      scoring_criteria { name: "integration" weight: 1 }
      min_score: 1
      max_score: 10
      tie_breaks { kind: TIE_BREAK_KIND_MORE_FIRST_PLACES }
    }
  )pb");
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolations(status)) fields.push_back(v.field);
  return fields;
}

// Validates `config`, expects an INVALID_CYCLE_CONFIG error and returns the
// fields it names.
std::vector<std::string> Invalid(const v1::CycleConfig& config) {
  absl::Status status = ValidateCycleConfig(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(ErrorReason(status), "INVALID_CYCLE_CONFIG") << status;
  return Fields(status);
}

// The description of the violation of `field`, or "" without one.
std::string Description(const v1::CycleConfig& config, const std::string& field) {
  for (const FieldViolation& v : FieldViolations(ValidateCycleConfig(config))) {
    if (v.field == field) return v.description;
  }
  return "";
}

TEST(ValidateCycleConfigTest, ValidConfigPasses) {
  EXPECT_TRUE(ValidateCycleConfig(ValidConfig()).ok()) << ValidateCycleConfig(ValidConfig());
}

TEST(ValidateCycleConfigTest, ValidVoteConfigsPass) {
  v1::CycleConfig finalists = ValidConfig();
  finalists.mutable_decision_policy()->set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
  finalists.mutable_decision_policy()->set_finalist_count(3);
  finalists.mutable_decision_policy()->add_tie_breaks()->set_kind(
      v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE);
  EXPECT_TRUE(ValidateCycleConfig(finalists).ok()) << ValidateCycleConfig(finalists);

  v1::CycleConfig blend = ValidConfig();
  blend.mutable_decision_policy()->set_kind(v1::DECISION_KIND_WEIGHTED_BLEND);
  blend.mutable_decision_policy()->set_vote_weight(0.3);
  EXPECT_TRUE(ValidateCycleConfig(blend).ok()) << ValidateCycleConfig(blend);
}

TEST(ValidateCycleConfigTest, NominationDeadlineIsAnInstantOfThisWorld) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_nomination_policy()->mutable_deadline()->set_seconds(1485907199);  // 2017-01-31
  EXPECT_TRUE(ValidateCycleConfig(config).ok()) << ValidateCycleConfig(config);
  // Far enough that converting it to nanoseconds would overflow.
  config.mutable_nomination_policy()->mutable_deadline()->set_seconds(int64_t{1} << 60);
  EXPECT_THAT(Invalid(config), UnorderedElementsAre("config.nomination_policy.deadline"));
  config.mutable_nomination_policy()->mutable_deadline()->set_seconds(-1);
  EXPECT_THAT(Invalid(config), UnorderedElementsAre("config.nomination_policy.deadline"));
}

TEST(ValidateCycleConfigTest, DuplicateCriterionName) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(1)->set_name("settled");
  // The requirement's "housing" is now unknown too.
  EXPECT_THAT(Invalid(config),
              UnorderedElementsAre(
                  "config.criteria[1].name",
                  "config.requirement.all_of.requirements[0].any_of.requirements[1].criterion"));
  EXPECT_THAT(Description(config, "config.criteria[1].name"), HasSubstr("duplicate"));
}

TEST(ValidateCycleConfigTest, InvalidCriterionName) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(2)->set_name("Intro-Outcome");
  config.mutable_requirement()->mutable_all_of()->mutable_requirements(1)->set_criterion(
      "Intro-Outcome");
  EXPECT_THAT(Invalid(config), ElementsAre("config.criteria[2].name"));
}

TEST(ValidateCycleConfigTest, UnknownCriterionInRequirement) {
  v1::CycleConfig config = ValidConfig();
  *config.mutable_requirement() = Parse<v1::Requirement>(R"pb(
    all_of {
      requirements { criterion: "planning" }
      requirements { criterion: "intro" }
    }
  )pb");
  EXPECT_THAT(Invalid(config), ElementsAre("config.requirement.all_of.requirements[0].criterion"));
  EXPECT_THAT(Description(config, "config.requirement.all_of.requirements[0].criterion"),
              HasSubstr("\"planning\""));
}

TEST(ValidateCycleConfigTest, AtLeastCountOutOfRange) {
  for (int count : {0, -1, 3}) {
    v1::CycleConfig config = ValidConfig();
    *config.mutable_requirement() = Parse<v1::Requirement>(R"pb(
      at_least {
        requirements { criterion: "settled" }
        requirements { criterion: "intro" }
      }
    )pb");
    config.mutable_requirement()->mutable_at_least()->set_count(count);
    EXPECT_THAT(Invalid(config), ElementsAre("config.requirement.at_least.count")) << count;
  }
  for (int count : {1, 2}) {
    v1::CycleConfig config = ValidConfig();
    *config.mutable_requirement() = Parse<v1::Requirement>(R"pb(
      at_least {
        requirements { criterion: "settled" }
        requirements { criterion: "intro" }
      }
    )pb");
    config.mutable_requirement()->mutable_at_least()->set_count(count);
    EXPECT_TRUE(ValidateCycleConfig(config).ok()) << count;
  }
}

TEST(ValidateCycleConfigTest, EmptyAndMissingRequirementNodes) {
  v1::CycleConfig empty_any = ValidConfig();
  empty_any.mutable_requirement()->mutable_all_of()->mutable_requirements(0)->mutable_any_of()
      ->clear_requirements();
  EXPECT_THAT(Invalid(empty_any),
              ElementsAre("config.requirement.all_of.requirements[0].any_of.requirements"));

  v1::CycleConfig no_node = ValidConfig();
  no_node.mutable_requirement()->mutable_all_of()->add_requirements()->set_label("nothing");
  EXPECT_THAT(Invalid(no_node), ElementsAre("config.requirement.all_of.requirements[2]"));

  v1::CycleConfig missing = ValidConfig();
  missing.clear_requirement();
  EXPECT_THAT(Invalid(missing), ElementsAre("config.requirement"));
}

TEST(ValidateCycleConfigTest, RequirementTooDeep) {
  v1::CycleConfig config = ValidConfig();
  v1::Requirement leaf;
  leaf.set_criterion("intro");
  v1::Requirement node = leaf;
  for (int i = 0; i < 10; ++i) {
    v1::Requirement parent;
    *parent.mutable_any_of()->add_requirements() = node;
    node = parent;
  }
  *config.mutable_requirement() = node;
  // The root is level 0; the node at level 9 is refused.
  std::string too_deep = "config.requirement";
  for (int i = 0; i < 9; ++i) too_deep += ".any_of.requirements[0]";
  EXPECT_THAT(Invalid(config), ElementsAre(too_deep));
  EXPECT_THAT(Description(config, too_deep), HasSubstr("nests deeper than 8"));
}

TEST(ValidateCycleConfigTest, MissingKind) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(1)->clear_assessed();
  EXPECT_THAT(Invalid(config), ElementsAre("config.criteria[1]"));
  EXPECT_THAT(Description(config, "config.criteria[1]"), HasSubstr("needs a kind"));
}

TEST(ValidateCycleConfigTest, CriterionParametersOutOfRange) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(0)->mutable_settled_vs_requested()->set_span_years(11);
  config.mutable_criteria(0)->mutable_settled_vs_requested()->mutable_threshold()->set_percent(
      -1);
  config.mutable_criteria(2)->mutable_intro_outcome()->set_measure(
      v1::INTRO_MEASURE_UNSPECIFIED);
  config.mutable_criteria(2)->mutable_intro_outcome()->mutable_threshold()->set_percent(101);
  EXPECT_THAT(Invalid(config),
              UnorderedElementsAre("config.criteria[0].settled_vs_requested.span_years",
                                   "config.criteria[0].settled_vs_requested.threshold.percent",
                                   "config.criteria[2].intro_outcome.measure",
                                   "config.criteria[2].intro_outcome.threshold.percent"));
}

TEST(ValidateCycleConfigTest, ThresholdRequired) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(0)->mutable_settled_vs_requested()->clear_threshold();
  EXPECT_THAT(Invalid(config), ElementsAre("config.criteria[0].settled_vs_requested.threshold"));
}

TEST(ValidateCycleConfigTest, MinorsNeedACountOrARatio) {
  v1::CycleConfig config = ValidConfig();
  config.add_criteria()->set_name("minors");
  config.mutable_criteria(3)->mutable_minors_settled();
  EXPECT_THAT(Invalid(config), ElementsAre("config.criteria[3].minors_settled"));
  config.mutable_criteria(3)->mutable_minors_settled()->set_min_settled(5);
  EXPECT_TRUE(ValidateCycleConfig(config).ok());
}

TEST(ValidateCycleConfigTest, VoteTieBreakWithoutVotePolicy) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_decision_policy()->clear_tie_breaks();
  config.mutable_decision_policy()->add_tie_breaks()->set_kind(
      v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE);
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.tie_breaks[0].kind"));
  EXPECT_THAT(Description(config, "config.decision_policy.tie_breaks[0].kind"),
              HasSubstr("no public vote"));
}

TEST(ValidateCycleConfigTest, CriterionTieBreakNamesAScoringCriterion) {
  v1::CycleConfig config = ValidConfig();
  v1::TieBreak* tie_break = config.mutable_decision_policy()->add_tie_breaks();
  tie_break->set_kind(v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE);
  tie_break->set_criterion("housing");  // a criterion, not a scoring criterion
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.tie_breaks[1].criterion"));
  tie_break->set_criterion("settlement");
  EXPECT_TRUE(ValidateCycleConfig(config).ok());
  config.mutable_decision_policy()->add_tie_breaks();  // no kind
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.tie_breaks[2].kind"));
}

TEST(ValidateCycleConfigTest, BlendVoteWeightOutOfRange) {
  for (double weight : {0.0, 1.0, -0.2, 1.5}) {
    v1::CycleConfig config = ValidConfig();
    config.mutable_decision_policy()->set_kind(v1::DECISION_KIND_WEIGHTED_BLEND);
    config.mutable_decision_policy()->set_vote_weight(weight);
    EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.vote_weight")) << weight;
  }
}

TEST(ValidateCycleConfigTest, FinalistsNeedACount) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_decision_policy()->set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.finalist_count"));
}

TEST(ValidateCycleConfigTest, DecisionKindRequired) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_decision_policy()->set_kind(v1::DECISION_KIND_UNSPECIFIED);
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.kind"));
}

TEST(ValidateCycleConfigTest, NoScoringCriteria) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_decision_policy()->clear_scoring_criteria();
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.scoring_criteria"));
}

TEST(ValidateCycleConfigTest, ScoringCriteriaNamesAndWeights) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_decision_policy()->mutable_scoring_criteria(1)->set_name("settlement");
  config.mutable_decision_policy()->mutable_scoring_criteria(0)->set_weight(0);
  EXPECT_THAT(Invalid(config),
              UnorderedElementsAre("config.decision_policy.scoring_criteria[1].name",
                                   "config.decision_policy.scoring_criteria[0].weight"));
}

TEST(ValidateCycleConfigTest, MaxScoreMustBeAboveMinScore) {
  for (double max : {1.0, 0.0}) {
    v1::CycleConfig config = ValidConfig();
    config.mutable_decision_policy()->set_max_score(max);  // min_score is 1
    EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.max_score")) << max;
  }
}

// Numbers a decision multiplies and compares must be finite and plausible:
// an infinite or huge weight or score scale once made DecideWinner loop.
TEST(ValidateCycleConfigTest, WeightsAndScoreScaleAreFiniteAndBounded) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double weight : {1e308, inf, -inf, nan, 1001.0}) {
    v1::CycleConfig config = ValidConfig();
    config.mutable_decision_policy()->mutable_scoring_criteria(0)->set_weight(weight);
    EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.scoring_criteria[0].weight"))
        << weight;
  }
  for (double max : {inf, nan, 1e308}) {
    v1::CycleConfig config = ValidConfig();
    config.mutable_decision_policy()->set_max_score(max);
    EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.max_score")) << max;
  }
  for (double min : {-inf, nan, -1e9}) {
    v1::CycleConfig config = ValidConfig();
    config.mutable_decision_policy()->set_min_score(min);
    EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.min_score")) << min;
  }
  for (double vote_weight : {nan, inf, -0.5}) {
    v1::CycleConfig config = ValidConfig();  // jury only
    config.mutable_decision_policy()->set_vote_weight(vote_weight);
    EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.vote_weight")) << vote_weight;
  }
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(0)->mutable_settled_vs_requested()->mutable_threshold()->set_percent(nan);
  EXPECT_THAT(Invalid(config),
              ElementsAre("config.criteria[0].settled_vs_requested.threshold.percent"));
  // The largest accepted values are fine.
  config = ValidConfig();
  config.mutable_decision_policy()->mutable_scoring_criteria(0)->set_weight(1000);
  config.mutable_decision_policy()->set_min_score(-1000);
  config.mutable_decision_policy()->set_max_score(1000);
  EXPECT_TRUE(ValidateCycleConfig(config).ok()) << ValidateCycleConfig(config);
}

TEST(ValidateCycleConfigTest, JsonInfinityIsRefused) {
  // The proto3 JSON mapping reads "Infinity" and "NaN" into doubles.
  v1::CycleConfig config = ValidConfig();
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(config, &json).ok());
  json.replace(json.find("\"maxScore\":10"), std::string("\"maxScore\":10").size(),
               "\"maxScore\":\"Infinity\"");
  v1::CycleConfig parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  ASSERT_TRUE(std::isinf(parsed.decision_policy().max_score()));
  EXPECT_THAT(Invalid(parsed), ElementsAre("config.decision_policy.max_score"));
}

TEST(ValidateCycleConfigTest, TextsAndListsAreBounded) {
  v1::CycleConfig config = ValidConfig();
  config.set_title(std::string(kMaxNameBytes + 1, 'x'));
  config.set_source(std::string(kMaxLineBytes + 1, 'x'));
  config.mutable_criteria(1)->mutable_assessed()->set_guidance(std::string(kMaxNoteBytes + 1, 'x'));
  config.mutable_requirement()->set_label("two\nlines");
  EXPECT_THAT(Invalid(config), UnorderedElementsAre("config.title", "config.source",
                                                    "config.criteria[1].assessed.guidance",
                                                    "config.requirement.label"));
  EXPECT_THAT(Description(config, "config.title"),
              HasSubstr(absl::StrCat(kMaxNameBytes + 1, " bytes long; at most ", kMaxNameBytes)));

  config = ValidConfig();
  for (int i = 0; i < 40; ++i) {
    v1::Criterion* c = config.add_criteria();
    c->set_name(absl::StrCat("extra_", i));
    c->mutable_assessed();
  }
  EXPECT_THAT(Invalid(config), ElementsAre("config.criteria"));

  config = ValidConfig();
  for (int i = 0; i < 20; ++i) {
    v1::ScoringCriterion* c = config.mutable_decision_policy()->add_scoring_criteria();
    c->set_name(absl::StrCat("extra_", i));
    c->set_weight(1);
  }
  EXPECT_THAT(Invalid(config), ElementsAre("config.decision_policy.scoring_criteria"));

  config = ValidConfig();
  config.mutable_nomination_policy()->set_max_per_region(51);
  EXPECT_THAT(Invalid(config), ElementsAre("config.nomination_policy.max_per_region"));
}

TEST(ValidateCycleConfigTest, RequirementTreesAreBoundedInSize) {
  // 8 levels of 32 operands would be 32^8 nodes; the check stops early.
  v1::CycleConfig config = ValidConfig();
  v1::Requirement* level = config.mutable_requirement();
  level->Clear();
  for (int depth = 0; depth < 4; ++depth) {
    v1::AnyOf* any = level->mutable_any_of();
    for (int i = 0; i < 31; ++i) any->add_requirements()->set_criterion("settled");
    level = any->add_requirements();
  }
  level->set_criterion("intro");
  const std::vector<std::string> fields = Invalid(config);
  ASSERT_EQ(fields.size(), 1u) << ::testing::PrintToString(fields);
  EXPECT_THAT(Description(config, fields[0]), HasSubstr("more than 128 parts"));
}

TEST(ValidateCycleConfigTest, EnumValuesTheSchemaDoesNotDefineAreRefused) {
  // Finding F6 of the fuzz targets: proto3 enums carry any number, and only
  // UNSPECIFIED was refused.
  v1::CycleConfig config = ValidConfig();
  config.mutable_decision_policy()->set_kind(static_cast<v1::DecisionKind>(4));
  config.mutable_decision_policy()->mutable_tie_breaks(0)->set_kind(
      static_cast<v1::TieBreakKind>(9));
  config.mutable_nomination_policy()->set_nominators(0, static_cast<v1::NominatorKind>(7));
  config.mutable_criteria(2)->mutable_intro_outcome()->set_measure(
      static_cast<v1::IntroMeasure>(3));
  config.mutable_criteria(0)->mutable_settled_vs_requested()->set_basis(
      static_cast<v1::SettlementBasis>(5));
  EXPECT_THAT(Invalid(config),
              UnorderedElementsAre("config.decision_policy.kind",
                                   "config.decision_policy.tie_breaks[0].kind",
                                   "config.nomination_policy.nominators[0]",
                                   "config.criteria[2].intro_outcome.measure",
                                   "config.criteria[0].settled_vs_requested.basis"));
}

TEST(ValidateCycleConfigTest, NoNominators) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_nomination_policy()->clear_nominators();
  EXPECT_THAT(Invalid(config), ElementsAre("config.nomination_policy.nominators"));

  config.mutable_nomination_policy()->add_nominators(v1::NOMINATOR_KIND_UNSPECIFIED);
  EXPECT_THAT(Invalid(config), ElementsAre("config.nomination_policy.nominators[0]"));
}

TEST(ValidateCycleConfigTest, TitleAndYears) {
  v1::CycleConfig config = ValidConfig();
  config.clear_title();
  config.set_award_year(2007);
  config.set_figures_year(2008);  // after the award year
  EXPECT_THAT(Invalid(config), UnorderedElementsAre("config.title", "config.award_year",
                                                    "config.figures_year"));
}

TEST(ValidateCycleConfigTest, SeveralViolationsReportedTogether) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(2)->set_name("settled");  // duplicate; "intro" now unknown
  config.mutable_criteria(1)->clear_assessed();
  config.mutable_nomination_policy()->clear_nominators();
  config.mutable_decision_policy()->set_kind(v1::DECISION_KIND_WEIGHTED_BLEND);
  config.mutable_decision_policy()->set_vote_weight(2);
  config.mutable_decision_policy()->clear_scoring_criteria();
  config.mutable_decision_policy()->set_max_score(0);
  config.mutable_decision_policy()->clear_tie_breaks();

  absl::Status status = ValidateCycleConfig(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_CYCLE_CONFIG");
  EXPECT_THAT(Fields(status),
              UnorderedElementsAre("config.criteria[2].name", "config.criteria[1]",
                                   "config.requirement.all_of.requirements[1].criterion",
                                   "config.nomination_policy.nominators",
                                   "config.decision_policy.vote_weight",
                                   "config.decision_policy.scoring_criteria",
                                   "config.decision_policy.max_score"));
  // The message names each of them.
  for (const std::string& field : Fields(status)) {
    EXPECT_THAT(std::string(status.message()), HasSubstr(field));
  }
}

TEST(ValidateCycleConfigTest, FieldsUnderThePrefix) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_criteria(1)->set_name("settled");
  config.mutable_nomination_policy()->clear_nominators();
  EXPECT_THAT(Fields(ValidateCycleConfig(config, "cycle.config")),
              IsSupersetOf({"cycle.config.criteria[1].name",
                            "cycle.config.nomination_policy.nominators"}));
}

TEST(ValidateCycleIdTest, AcceptsLowerCaseDigitsAndDashes) {
  const std::vector<std::string> ids = {"2016", "replay-2015", "a", "x-1-y",
                                       std::string(63, 'a')};
  for (const std::string& id : ids) {
    EXPECT_TRUE(ValidateCycleId(id).ok()) << id;
  }
}

TEST(ValidateCycleIdTest, RejectsTheRest) {
  const std::vector<std::string> ids = {"",           "-x",          "Upper", std::string(64, 'a'),
                                       "with space", "under_score", "2016/x"};
  for (const std::string& id : ids) {
    absl::Status status = ValidateCycleId(id);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_THAT(Fields(status), ElementsAre("cycle_id")) << id;
  }
}

TEST(ValidateCycleIdTest, NamesTheGivenField) {
  EXPECT_THAT(Fields(ValidateCycleId("Bad", "request.cycle_id")),
              ElementsAre("request.cycle_id"));
}

TEST(ValidateDateTest, OnlyDaysThatExistWrittenYyyyMmDd) {
  for (const char* good : {"2017-04-26", "2016-02-29", "2000-02-29", "2100-12-31"}) {
    EXPECT_TRUE(ValidateDate(good, "date").ok()) << good;
  }
  // Findings F8 and F9 of the fuzz targets: signs and spaces passed as digits.
  for (const char* bad : {"2017-04-+6", " 202-+1- 1", "2017-4-26", "2017-02-30", "2017-13-01",
                          "2017-00-10", "2015-02-29", "soon", "2025-02-3x", "", "2017/04/26",
                          "2017-04-26 "}) {
    absl::Status status = ValidateDate(bad, "announce_date");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Fields(status), ElementsAre("announce_date")) << bad;
  }
}

TEST(ValidateCycleConfigTest, ScheduleDatesAreDatesOrEmpty) {
  v1::CycleConfig config = ValidConfig();
  config.mutable_schedule()->set_nominees_announce_date("2017-02-17");
  EXPECT_TRUE(ValidateCycleConfig(config).ok()) << ValidateCycleConfig(config);
  config.mutable_schedule()->set_winner_announce_date("soon");
  EXPECT_THAT(Invalid(config), ElementsAre("config.schedule.winner_announce_date"));
}

TEST(HasPublicVoteTest, OnlyVoteKinds) {
  v1::DecisionPolicy policy;
  EXPECT_FALSE(HasPublicVote(policy));
  policy.set_kind(v1::DECISION_KIND_JURY_ONLY);
  EXPECT_FALSE(HasPublicVote(policy));
  policy.set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
  EXPECT_TRUE(HasPublicVote(policy));
  policy.set_kind(v1::DECISION_KIND_WEIGHTED_BLEND);
  EXPECT_TRUE(HasPublicVote(policy));
}

}  // namespace
}  // namespace imdi::award
