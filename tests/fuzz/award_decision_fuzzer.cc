// award-service/domain/decision.h Decide(): the jury's decision, on a
// decision policy that passes award-service/domain/cycle_config.h
// ValidateCycleConfig and scores within the policy's scale, as AwardCore
// gives it (it refuses a score outside [min_score, max_score]).
//
// FuzzedDataProvider builds the policy (kind, weights, scale, tie-breaks;
// doubles include extremes, infinities and NaN for validation to judge),
// up to 6 candidates with votes, up to 5 jurors with conflicts, their scores
// (some missing, many tied) and the chair's choice. Inputs whose policy does
// not validate stop after validation.
//
// Invariants: Decide ends (libFuzzer's -timeout catches a hang); it says OK
// or FAILED_PRECONDITION; a decision ranks every candidate once, ranks run
// from 1 and never fall, the winner ranks first, scores are finite, and
// without the chair's choice no one ranks above the winner's final score.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/decision.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "google/protobuf/text_format.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace v1 = ::imdi::award::v1;

// Everything of a valid configuration but the decision policy.
const v1::CycleConfig& BaseConfig() {
  static const auto* config = [] {
    auto* c = new v1::CycleConfig;
    const bool parsed = google::protobuf::TextFormat::ParseFromString(
        R"pb(
          title: "Bosettingsprisen (fuzz)"
          award_year: 2016
          figures_year: 2015
          criteria {
            name: "settled_as_requested"
            settled_vs_requested {
              threshold { percent: 100 }
              span_years: 1
            }
          }
          requirement { criterion: "settled_as_requested" }
          nomination_policy { nominators: NOMINATOR_KIND_REGIONAL_OFFICE }
        )pb",
        c);
    IMDI_FUZZ_CHECK(parsed, "the base configuration does not parse");
    return c;
  }();
  return *config;
}

constexpr const char* kCriterionNames[] = {"settlement", "integration", "cooperation", "settlement",
                                           "Bad-Name"};

double TakeDouble(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0:
      return in.ConsumeIntegralInRange<int>(-3, 12);
    case 1:
      return in.ConsumeProbability<double>();
    case 2: {
      static constexpr double kSpecial[] = {0,
                                            0.5,
                                            1e-300,
                                            1e300,
                                            -1e300,
                                            std::numeric_limits<double>::max(),
                                            -std::numeric_limits<double>::max(),
                                            std::numeric_limits<double>::denorm_min(),
                                            std::numeric_limits<double>::infinity(),
                                            -std::numeric_limits<double>::infinity(),
                                            std::numeric_limits<double>::quiet_NaN()};
      return kSpecial[in.ConsumeIntegralInRange<size_t>(0, std::size(kSpecial) - 1)];
    }
    case 3: {
      const uint64_t bits = in.ConsumeIntegral<uint64_t>();
      double value;
      std::memcpy(&value, &bits, sizeof value);
      return value;
    }
    default:
      return in.ConsumeFloatingPoint<double>();
  }
}

v1::DecisionPolicy TakePolicy(FuzzedDataProvider& in) {
  v1::DecisionPolicy p;
  p.set_kind(static_cast<v1::DecisionKind>(in.ConsumeIntegralInRange<int>(0, 4)));
  p.set_finalist_count(in.ConsumeIntegralInRange<int>(-1, 4));
  p.set_vote_weight(TakeDouble(in));
  const int criteria = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < criteria; ++i) {
    auto* c = p.add_scoring_criteria();
    c->set_name(kCriterionNames[in.ConsumeIntegralInRange<size_t>(0, 4)]);
    c->set_weight(TakeDouble(in));
  }
  p.set_min_score(TakeDouble(in));
  p.set_max_score(TakeDouble(in));
  const int tie_breaks = in.ConsumeIntegralInRange<int>(0, 3);
  for (int i = 0; i < tie_breaks; ++i) {
    auto* t = p.add_tie_breaks();
    t->set_kind(static_cast<v1::TieBreakKind>(in.ConsumeIntegralInRange<int>(0, 3)));
    t->set_criterion(kCriterionNames[in.ConsumeIntegralInRange<size_t>(0, 4)]);
  }
  return p;
}

// A score within the scale (clamped), or nothing when none is finite.
std::optional<double> TakeScore(FuzzedDataProvider& in, double min, double max) {
  double score;
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      score = min;
      break;
    case 1:
      score = max;
      break;
    case 2: {
      const double p = in.ConsumeProbability<double>();
      score = min * (1 - p) + max * p;
      break;
    }
    default:
      score = TakeDouble(in);
      break;
  }
  if (std::isnan(score)) return std::nullopt;
  score = std::clamp(score, min, max);
  if (!std::isfinite(score)) return std::nullopt;
  return score;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  v1::CycleConfig config = BaseConfig();
  *config.mutable_decision_policy() = TakePolicy(in);
  const absl::Status valid = imdi::award::ValidateCycleConfig(config);
  IMDI_FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument,
                  valid.ToString());
  if (!valid.ok()) return 0;

  imdi::award::DecisionInput input;
  input.policy = config.decision_policy();
  const int candidates = in.ConsumeIntegralInRange<int>(0, 6);
  for (int i = 0; i < candidates; ++i) {
    input.candidates.push_back({absl::StrCat("n", i), absl::StrCat("0", 301 + i),
                                absl::StrCat("Kommune ", i),
                                in.ConsumeIntegralInRange<int64_t>(0, 3)});
    input.total_votes += input.candidates.back().votes;
  }
  input.total_votes += in.ConsumeIntegralInRange<int64_t>(0, 2);
  const int jurors = in.ConsumeIntegralInRange<int>(0, 5);
  for (int j = 0; j < jurors; ++j) {
    v1::Juror juror;
    juror.set_juror_id(absl::StrCat("j", j));
    juror.set_chair(j == 0);
    for (int i = 0; i < candidates; ++i) {
      if (in.ConsumeIntegralInRange<int>(0, 7) == 0) {
        juror.add_conflicted_nomination_ids(absl::StrCat("n", i));
      }
    }
    input.jurors.push_back(std::move(juror));
  }
  const double min = input.policy.min_score(), max = input.policy.max_score();
  for (const v1::Juror& juror : input.jurors) {
    for (const auto& candidate : input.candidates) {
      for (const auto& criterion : input.policy.scoring_criteria()) {
        if (in.ConsumeIntegralInRange<int>(0, 15) == 0) continue;  // not scored yet
        if (std::optional<double> score = TakeScore(in, min, max)) {
          input.scores.push_back(
              {juror.juror_id(), candidate.nomination_id, criterion.name(), *score});
        }
      }
    }
  }
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      input.chair_choice = absl::StrCat("n", in.ConsumeIntegralInRange<int>(0, 6));
      break;
    case 1:
      input.chair_choice = "unknown";
      break;
    default:
      break;
  }

  // IMDI_FUZZ_VERBOSE=1 shows what a reproducer decides on.
  if (std::getenv("IMDI_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "policy: %s\n", input.policy.ShortDebugString().c_str());
    for (const auto& c : input.candidates) {
      std::fprintf(stderr, "candidate %s votes %lld\n", c.nomination_id.c_str(),
                   static_cast<long long>(c.votes));
    }
    for (const auto& j : input.jurors)
      std::fprintf(stderr, "juror %s\n", j.ShortDebugString().c_str());
    for (const auto& s : input.scores) {
      std::fprintf(stderr, "score %s/%s/%s = %.17g\n", s.juror_id.c_str(), s.nomination_id.c_str(),
                   s.criterion.c_str(), s.score);
    }
    std::fprintf(stderr, "total votes %lld, chair's choice \"%s\"\n",
                 static_cast<long long>(input.total_votes), input.chair_choice.c_str());
  }
  for (const auto& candidate : input.candidates) {
    (void)imdi::award::WeightedJuryScore(input.policy, input.jurors, input.scores,
                                         candidate.nomination_id);
  }
  absl::StatusOr<v1::Decision> decision = imdi::award::Decide(input);
  if (!decision.ok()) {
    IMDI_FUZZ_CHECK(decision.status().code() == absl::StatusCode::kFailedPrecondition,
                    decision.status().ToString());
    return 0;
  }
  const auto& ranking = decision->ranking();
  IMDI_FUZZ_CHECK(ranking.size() == static_cast<int>(input.candidates.size()),
                  absl::StrCat(ranking.size(), " ranked of ", input.candidates.size()));
  std::set<std::string> ranked;
  for (int i = 0; i < ranking.size(); ++i) {
    const v1::RankedCandidate& r = ranking[i];
    IMDI_FUZZ_CHECK(ranked.insert(r.nomination_id()).second, "a candidate ranked twice");
    IMDI_FUZZ_CHECK(i == 0 ? r.rank() == 1 : r.rank() >= ranking[i - 1].rank(),
                    absl::StrCat("rank ", r.rank(), " at position ", i));
    IMDI_FUZZ_CHECK(std::isfinite(r.final_score()) && std::isfinite(r.jury_score()),
                    absl::StrCat(r.nomination_id(), " final score ", r.final_score(),
                                 ", jury score ", r.jury_score()));
    if (!decision->chair_decided()) {
      IMDI_FUZZ_CHECK(r.final_score() <= ranking[0].final_score() + 1e-9,
                      absl::StrCat(r.nomination_id(), " scores above the winner"));
    }
  }
  IMDI_FUZZ_CHECK(decision->winner_nomination_id() == ranking[0].nomination_id(),
                  "the winner does not rank first");
  return 0;
}
