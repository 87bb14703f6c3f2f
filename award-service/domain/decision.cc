#include "award-service/domain/decision.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"

namespace imdi::award {
namespace {

constexpr double kEpsilon = 1e-9;

bool Same(double a, double b) { return std::fabs(a - b) < kEpsilon; }

absl::Status NotFinite(const std::vector<PreconditionViolation>& violations) {
  return FailedPreconditionError(
      "NUMBERS_NOT_FINITE",
      "the decision rests on numbers that are not finite (weights, score scale or scores); "
      "correct the configuration or the scores",
      violations);
}

// Scores by (juror, nomination, criterion); the latest wins.
using ScoreTable = std::map<std::tuple<std::string, std::string, std::string>, double>;

ScoreTable Table(const std::vector<JuryScore>& scores) {
  ScoreTable table;
  for (const JuryScore& s : scores) table[{s.juror_id, s.nomination_id, s.criterion}] = s.score;
  return table;
}

struct Scored {
  const Candidate* candidate;
  std::map<std::string, double> criterion_mean;
  double jury = 0;
  std::optional<double> vote_share;
  double final_score = 0;
  int first_places = 0;
  std::string tie_note;
};

// The weighted mean of `means`. Weights are scaled by the largest one first,
// so that large but finite weights cannot overflow.
double Weighted(const v1::DecisionPolicy& policy, const std::map<std::string, double>& means) {
  double largest = 0;
  for (const auto& c : policy.scoring_criteria()) largest = std::max(largest, c.weight());
  if (!(largest > 0)) return 0;
  double sum = 0, weights = 0;
  for (const auto& c : policy.scoring_criteria()) {
    auto it = means.find(c.name());
    if (it == means.end()) continue;
    const double weight = c.weight() / largest;
    sum += weight * it->second;
    weights += weight;
  }
  return weights > 0 ? sum / weights : 0;
}

// Every number the decision rests on is finite. The configuration and the
// scores are validated when they are stored; this keeps the ranking total
// even for records written before those checks, or sums that overflow.
absl::Status CheckFinite(const DecisionInput& input) {
  std::vector<PreconditionViolation> bad;
  auto check = [&](double value, std::string subject) {
    if (!std::isfinite(value) && bad.size() < 10) {
      bad.push_back({"NUMBER", std::move(subject), absl::StrCat(value, " is not a finite number")});
    }
  };
  const v1::DecisionPolicy& policy = input.policy;
  for (const auto& c : policy.scoring_criteria()) {
    check(c.weight(), absl::StrCat("decision_policy.scoring_criteria.", c.name(), ".weight"));
  }
  check(policy.min_score(), "decision_policy.min_score");
  check(policy.max_score(), "decision_policy.max_score");
  check(policy.vote_weight(), "decision_policy.vote_weight");
  for (const JuryScore& score : input.scores) {
    check(score.score,
          absl::StrCat(score.juror_id, "/", score.nomination_id, "/", score.criterion));
  }
  if (bad.empty()) return absl::OkStatus();
  return NotFinite(bad);
}

std::string TieBreakText(const v1::TieBreak& rule) {
  switch (rule.kind()) {
    case v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE:
      return absl::StrCat("higher score on ", rule.criterion());
    case v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE: return "higher vote share";
    case v1::TIE_BREAK_KIND_MORE_FIRST_PLACES: return "more jurors' first places";
    default: return "unspecified";
  }
}

double TieKey(const Scored& s, const v1::TieBreak& rule) {
  switch (rule.kind()) {
    case v1::TIE_BREAK_KIND_HIGHER_CRITERION_SCORE: {
      auto it = s.criterion_mean.find(rule.criterion());
      return it == s.criterion_mean.end() ? 0 : it->second;
    }
    case v1::TIE_BREAK_KIND_HIGHER_VOTE_SHARE: return s.vote_share.value_or(0);
    case v1::TIE_BREAK_KIND_MORE_FIRST_PLACES: return s.first_places;
    default: return 0;
  }
}

// Orders a group tied on the final score by the tie-break rules from `rule`
// on; returns the ordered subgroups that remain tied.
std::vector<std::vector<Scored*>> Untie(std::vector<Scored*> group,
                                        const v1::DecisionPolicy& policy, int rule) {
  if (group.size() <= 1 || rule >= policy.tie_breaks_size()) return {group};
  const v1::TieBreak& tb = policy.tie_breaks(rule);
  std::stable_sort(group.begin(), group.end(), [&](const Scored* a, const Scored* b) {
    return TieKey(*a, tb) > TieKey(*b, tb) + kEpsilon;
  });
  std::vector<std::vector<Scored*>> out;
  std::vector<Scored*> current;
  for (Scored* s : group) {
    if (!current.empty() && !Same(TieKey(*current.front(), tb), TieKey(*s, tb))) {
      for (auto& sub : Untie(current, policy, rule + 1)) out.push_back(sub);
      current.clear();
    }
    current.push_back(s);
  }
  for (auto& sub : Untie(current, policy, rule + 1)) out.push_back(sub);
  if (out.size() > 1) {
    for (Scored* s : group) {
      if (s->tie_note.empty()) {
        s->tie_note = absl::StrCat("tied on the final score; ordered by ", TieBreakText(tb));
      }
    }
  }
  return out;
}

}  // namespace

bool IsConflicted(const v1::Juror& juror, const std::string& nomination_id) {
  return std::find(juror.conflicted_nomination_ids().begin(),
                   juror.conflicted_nomination_ids().end(),
                   nomination_id) != juror.conflicted_nomination_ids().end();
}

std::optional<double> WeightedJuryScore(const v1::DecisionPolicy& policy,
                                        const std::vector<v1::Juror>& jurors,
                                        const std::vector<JuryScore>& scores,
                                        const std::string& nomination_id) {
  const ScoreTable table = Table(scores);
  std::map<std::string, double> means;
  for (const auto& c : policy.scoring_criteria()) {
    double sum = 0;
    int n = 0;
    for (const v1::Juror& juror : jurors) {
      if (IsConflicted(juror, nomination_id)) continue;
      auto it = table.find({juror.juror_id(), nomination_id, c.name()});
      if (it == table.end()) continue;
      sum += it->second;
      ++n;
    }
    if (n > 0) means[c.name()] = sum / n;
  }
  if (means.empty()) return std::nullopt;
  return Weighted(policy, means);
}

absl::StatusOr<v1::Decision> Decide(const DecisionInput& input) {
  const v1::DecisionPolicy& policy = input.policy;
  if (input.candidates.empty()) {
    return FailedPreconditionError("NO_CANDIDATES", "there are no candidates to decide among",
                                   {{"CANDIDATES", "cycle", "no active nominee"}});
  }
  const bool has_vote = policy.kind() != v1::DECISION_KIND_JURY_ONLY;
  if (has_vote && input.total_votes <= 0) {
    return FailedPreconditionError("NO_VOTES", "the decision policy needs the public vote, "
                                   "and no votes are recorded",
                                   {{"VOTES", "cycle", "no votes recorded"}});
  }
  if (absl::Status finite = CheckFinite(input); !finite.ok()) return finite;
  const ScoreTable table = Table(input.scores);
  std::vector<PreconditionViolation> missing;
  std::vector<Scored> scored;
  for (const Candidate& candidate : input.candidates) {
    Scored s{&candidate, {}, 0, std::nullopt, 0, 0, ""};
    int jurors_counted = 0;
    for (const v1::Juror& juror : input.jurors) {
      if (IsConflicted(juror, candidate.nomination_id)) continue;
      ++jurors_counted;
    }
    if (jurors_counted == 0) {
      missing.push_back({"SCORE", candidate.nomination_id,
                         absl::StrCat(candidate.municipality_name,
                                      " has no juror without a conflict")});
    }
    for (const auto& c : policy.scoring_criteria()) {
      double sum = 0;
      int n = 0;
      for (const v1::Juror& juror : input.jurors) {
        if (IsConflicted(juror, candidate.nomination_id)) continue;
        auto it = table.find({juror.juror_id(), candidate.nomination_id, c.name()});
        if (it == table.end()) {
          missing.push_back({"SCORE", absl::StrCat(juror.juror_id(), "/", candidate.nomination_id,
                                                   "/", c.name()),
                             absl::StrCat("juror ", juror.juror_id(), " has not scored ",
                                          candidate.municipality_name, " on ", c.name())});
          continue;
        }
        sum += it->second;
        ++n;
      }
      if (n > 0) s.criterion_mean[c.name()] = sum / n;
    }
    s.jury = Weighted(policy, s.criterion_mean);
    if (has_vote) {
      s.vote_share = static_cast<double>(candidate.votes) / static_cast<double>(input.total_votes);
    }
    if (policy.kind() == v1::DECISION_KIND_WEIGHTED_BLEND) {
      const double normalised =
          (s.jury - policy.min_score()) / (policy.max_score() - policy.min_score());
      s.final_score = policy.vote_weight() * *s.vote_share + (1 - policy.vote_weight()) * normalised;
    } else {
      s.final_score = s.jury;
    }
    if (!std::isfinite(s.final_score)) {
      return NotFinite({{"NUMBER", candidate.nomination_id,
                         absl::StrCat("the final score of ", candidate.municipality_name,
                                      " is not a finite number; the scores overflow")}});
    }
    scored.push_back(std::move(s));
  }
  if (!missing.empty()) {
    return FailedPreconditionError(
        "SCORES_MISSING",
        absl::StrCat(missing.size(), " scores are missing; every juror without a conflict "
                                     "scores every candidate on every criterion"),
        missing);
  }
  // First places: per juror, the candidates with the juror's best score.
  for (const v1::Juror& juror : input.jurors) {
    std::vector<std::pair<Scored*, double>> mine;
    for (Scored& s : scored) {
      if (IsConflicted(juror, s.candidate->nomination_id)) continue;
      std::map<std::string, double> own;
      for (const auto& c : policy.scoring_criteria()) {
        own[c.name()] = table.at({juror.juror_id(), s.candidate->nomination_id, c.name()});
      }
      mine.emplace_back(&s, Weighted(policy, own));
    }
    double best = -1e300;
    for (const auto& [s, v] : mine) best = std::max(best, v);
    for (const auto& [s, v] : mine) {
      if (Same(v, best)) ++s->first_places;
    }
  }

  std::vector<Scored*> order;
  for (Scored& s : scored) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const Scored* a, const Scored* b) {
    return a->final_score > b->final_score + kEpsilon;
  });
  std::vector<std::vector<Scored*>> groups;
  for (size_t i = 0; i < order.size();) {
    // Every pass takes at least one candidate, so the loop ends.
    size_t j = i + 1;
    std::vector<Scored*> group{order[i]};
    while (j < order.size() && Same(order[j]->final_score, order[i]->final_score)) {
      group.push_back(order[j++]);
    }
    for (auto& sub : Untie(group, policy, 0)) groups.push_back(sub);
    i = j;
  }

  v1::Decision decision;
  bool chair_decided = false;
  if (groups.front().size() > 1) {
    std::vector<Scored*>& top = groups.front();
    auto chosen = std::find_if(top.begin(), top.end(), [&](const Scored* s) {
      return s->candidate->nomination_id == input.chair_choice;
    });
    if (input.chair_choice.empty() || chosen == top.end()) {
      std::vector<PreconditionViolation> tied;
      std::vector<std::string> names;
      for (const Scored* s : top) {
        tied.push_back({"TIE", s->candidate->nomination_id,
                        absl::StrFormat("%s tied for first with final score %.4f",
                                        s->candidate->municipality_name, s->final_score)});
        names.push_back(absl::StrCat(s->candidate->municipality_name, " (",
                                     s->candidate->nomination_id, ")"));
      }
      if (!input.chair_choice.empty()) {
        return FailedPreconditionError(
            "CHAIR_CHOICE_NOT_TIED",
            absl::StrCat("the chair's choice must be one of the nominations tied for first: ",
                         absl::StrJoin(names, ", ")),
            tied);
      }
      return FailedPreconditionError(
          "TIE_UNRESOLVED",
          absl::StrCat("the tie-break rules leave a tie for first between ",
                       absl::StrJoin(names, ", "),
                       "; the chair decides: call DecideWinner again with "
                       "chair_choice_nomination_id"),
          tied);
    }
    Scored* winner = *chosen;
    winner->tie_note = "tied for first after every tie-break rule; the chair's decision";
    top.erase(chosen);
    for (Scored* other : top) {
      other->tie_note = "tied for first after every tie-break rule; the chair chose another";
    }
    groups.insert(groups.begin(), std::vector<Scored*>{winner});
    chair_decided = true;
  } else if (!input.chair_choice.empty()) {
    return FailedPreconditionError(
        "CHAIR_CHOICE_NOT_TIED",
        "the chair decides only a tie for first that the tie-break rules leave; there is none",
        {{"TIE", input.chair_choice, "no tie for first"}});
  }

  int rank = 1;
  for (const auto& group : groups) {
    for (const Scored* s : group) {
      v1::RankedCandidate* r = decision.add_ranking();
      r->set_nomination_id(s->candidate->nomination_id);
      r->set_municipality_code(s->candidate->municipality_code);
      r->set_municipality_name(s->candidate->municipality_name);
      r->set_rank(rank);
      r->set_jury_score(s->jury);
      if (s->vote_share) r->set_vote_share(*s->vote_share);
      r->set_final_score(s->final_score);
      r->set_tie_note(s->tie_note);
    }
    rank += static_cast<int>(group.size());
  }
  const v1::RankedCandidate& first = decision.ranking(0);
  decision.set_winner_nomination_id(first.nomination_id());
  decision.set_chair_decided(chair_decided);
  decision.set_explanation(absl::StrFormat(
      "%s wins with final score %.4f (jury score %.3f%s)%s", first.municipality_name(),
      first.final_score(), first.jury_score(),
      first.has_vote_share() ? absl::StrFormat(", vote share %.3f", first.vote_share()) : "",
      first.tie_note().empty() ? "" : absl::StrCat("; ", first.tie_note())));
  return decision;
}

}  // namespace imdi::award
