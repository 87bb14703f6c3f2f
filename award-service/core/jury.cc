#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/actor_rules.h"
#include "award-service/domain/criteria.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/decision.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/request_checks.h"
#include "award-service/domain/transitions.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award::use_case {

namespace {

constexpr int kMaxJurorsPerCycle = 50;
// Scores of one score sheet: more than a jury gives in a whole cycle.
constexpr int kMaxSheetScores = 1000;

std::vector<JuryScore> Scores(const storage::v1::CycleRecord& record) {
  std::vector<JuryScore> out;
  for (const auto& s : record.scores()) {
    out.push_back({s.juror_id(), s.nomination_id(), s.criterion(), s.score()});
  }
  return out;
}

std::vector<v1::Juror> Jurors(const v1::Cycle& cycle) {
  return {cycle.jurors().begin(), cycle.jurors().end()};
}

}  // namespace

absl::StatusOr<v1::StartJuryDeliberationResponse> StartJuryDeliberation(
    const Context& ctx, const v1::StartJuryDeliberationRequest& request, const Caller& caller) {
  v1::StartJuryDeliberationResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "StartJuryDeliberation", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(Transition(record, Action::kStartJuryDeliberation, request.etag(),
                                        ctx.now(), step.warnings));
        const auto& policy = record.cycle().config().decision_policy();
        if (policy.kind() != v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS) {
          step.detail = "jury deliberation started";
          return absl::OkStatus();
        }
        std::vector<int64_t> votes;
        for (const auto& n : record.nominations()) {
          if (n.state() == v1::NOMINATION_STATE_ACTIVE) votes.push_back(n.votes());
        }
        std::sort(votes.rbegin(), votes.rend());
        const size_t k = std::min<size_t>(policy.finalist_count(), votes.size());
        // Nominees tied with the last finalist are finalists too.
        const int64_t cutoff = k == 0 ? 0 : votes[k - 1];
        std::vector<std::string> names;
        for (v1::Nomination& n : *record.mutable_nominations()) {
          if (n.state() != v1::NOMINATION_STATE_ACTIVE || n.votes() < cutoff) continue;
          n.set_finalist(true);
          Touch(n, record, ctx.now());
          names.push_back(absl::StrCat(n.municipality_name(), " (", n.votes(), " votes)"));
        }
        step.detail = absl::StrCat("jury deliberation started; finalists by the public vote: ",
                                   absl::StrJoin(names, ", "));
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        auto& r = static_cast<v1::StartJuryDeliberationResponse&>(m);
        *r.mutable_cycle() = record.cycle();
        for (const std::string& w : step.warnings) r.add_warnings(w);
        for (const v1::Nomination* n : Candidates(record)) *r.add_candidates() = *n;
      }));
  ApplyNominationsView(request.view(), *response.mutable_candidates());
  return WithCycleHeader(response);
}

absl::StatusOr<v1::RegisterJurorResponse> RegisterJuror(const Context& ctx,
                                                        const v1::RegisterJurorRequest& request,
                                                        const Caller& caller) {
  const v1::Juror& juror = request.juror();
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(ValidateCycleId(juror.juror_id(), "juror.juror_id"));
    checks.Add(CheckRequestText(juror.display_name(), "juror.display_name", true, kMaxNameBytes));
    if (!juror.conflicted_nomination_ids().empty()) {
      checks.Add("juror.conflicted_nomination_ids",
                 "is output only; declare conflicts with DeclareConflict");
    }
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::RegisterJurorResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "RegisterJuror", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(
            CheckAction(cycle.state(), Action::kRegisterJuror, cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; no jurors join now");
        }
        if (FindJuror(cycle, juror.juror_id()) != nullptr) {
          return MakeError(absl::StatusCode::kAlreadyExists, "JUROR_EXISTS",
                           absl::StrCat("juror \"", juror.juror_id(), "\" is already registered"));
        }
        for (const auto& j : cycle.jurors()) {
          if (juror.chair() && j.chair()) {
            return Refuse("CHAIR_EXISTS", "JUROR", j.juror_id(),
                          absl::StrCat("the jury already has a chair: ", j.juror_id()));
          }
        }
        if (cycle.jurors_size() >= kMaxJurorsPerCycle) {
          return Refuse("JURY_FULL", "JUROR", juror.juror_id(),
                        absl::StrCat("the jury has ", cycle.jurors_size(),
                                     " jurors, the most a "
                                     "cycle takes"));
        }
        *cycle.add_jurors() = juror;
        step.detail = absl::StrCat("registered juror ", juror.juror_id(), " (",
                                   juror.display_name(), juror.chair() ? ", chair" : "", ")");
        return absl::OkStatus();
      },
      response,
      [&](const Record&, const Step&, google::protobuf::Message& m) {
        *static_cast<v1::RegisterJurorResponse&>(m).mutable_juror() = juror;
      }));
  return response;
}

absl::StatusOr<v1::DeclareConflictResponse> DeclareConflict(
    const Context& ctx, const v1::DeclareConflictRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckRequestText(request.reason(), "reason", true, kMaxLineBytes));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::DeclareConflictResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "DeclareConflict", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, cycle, request.juror_id()));
        v1::Juror* juror = FindJuror(cycle, request.juror_id());
        if (juror == nullptr) {
          return NotFound("JUROR_NOT_FOUND",
                          absl::StrCat("no juror ", Excerpt(request.juror_id()), " in the cycle"));
        }
        if (FindNomination(record, request.nomination_id()) == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
        }
        IMDI_RETURN_IF_ERROR(
            CheckAction(cycle.state(), Action::kDeclareConflict, cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; conflicts had to be declared before");
        }
        if (IsConflicted(*juror, request.nomination_id())) {
          step.detail = "conflict already declared";
          return absl::OkStatus();
        }
        juror->add_conflicted_nomination_ids(request.nomination_id());
        // Scores the juror already gave the nominee no longer count.
        auto* scores = record.mutable_scores();
        const int before = scores->size();
        scores->erase(std::remove_if(scores->begin(), scores->end(),
                                     [&](const storage::v1::ScoreRecord& s) {
                                       return s.juror_id() == request.juror_id() &&
                                              s.nomination_id() == request.nomination_id();
                                     }),
                      scores->end());
        step.detail = absl::StrCat(
            "juror ", request.juror_id(), " declared a conflict: ", request.reason(),
            before != scores->size()
                ? absl::StrCat("; ", before - scores->size(), " earlier scores excluded")
                : "");
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        for (const auto& j : record.cycle().jurors()) {
          if (j.juror_id() == request.juror_id()) {
            *static_cast<v1::DeclareConflictResponse&>(m).mutable_juror() = j;
          }
        }
      }));
  return response;
}

absl::StatusOr<v1::ConfirmAssessmentResponse> ConfirmAssessment(
    const Context& ctx, const v1::ConfirmAssessmentRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckRequestText(request.jury_note(), "jury_note", false, kMaxNoteBytes,
                                TextKind::kParagraphs));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::ConfirmAssessmentResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "ConfirmAssessment", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, record.cycle(), "", /*jury_only=*/true));
        v1::Nomination* n = FindNomination(record, request.nomination_id());
        if (n == nullptr || n->state() != v1::NOMINATION_STATE_ACTIVE) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no active nomination ", Excerpt(request.nomination_id())));
        }
        if (caller.principal) {
          for (const auto& j : record.cycle().jurors()) {
            if (j.juror_id() == caller.principal->name && IsConflicted(j, n->nomination_id())) {
              return Refuse("JUROR_CONFLICTED", "CONFLICT",
                            absl::StrCat(j.juror_id(), "/", n->nomination_id()),
                            absl::StrCat("juror ", j.juror_id(), " has declared a conflict with ",
                                         n->municipality_name(), " and may not assess it"));
            }
          }
        }
        const v1::Cycle& cycle = record.cycle();
        IMDI_RETURN_IF_ERROR(CheckAction(cycle.state(), Action::kConfirmAssessment,
                                         cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(), "the jury has decided");
        }
        v1::AssessmentClaim* claim = nullptr;
        for (auto& c : *n->mutable_claims()) {
          if (c.criterion() == request.criterion()) claim = &c;
        }
        if (claim == nullptr) {
          return Refuse("NOT_CLAIMED", "CLAIM", request.criterion(),
                        absl::StrCat(n->municipality_name(), "'s nomination claims no ",
                                     Excerpt(request.criterion())));
        }
        claim->set_state(request.confirmed() ? v1::ASSESSMENT_STATE_CONFIRMED
                                             : v1::ASSESSMENT_STATE_REJECTED);
        claim->set_jury_note(request.jury_note());
        ApplyAssessments(cycle.config(), ClaimMap(n->claims()), *n->mutable_evaluation());
        Touch(*n, record, ctx.now());
        step.detail = absl::StrCat(request.confirmed() ? "confirmed " : "rejected ",
                                   request.criterion(), " for ", n->municipality_name(),
                                   "; verdict now ", VerdictText(n->evaluation().verdict()));
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        RespondNomination<v1::ConfirmAssessmentResponse>(record, request.nomination_id(), m);
      }));
  ApplyNominationView(request.view(), *response.mutable_nomination());
  return response;
}

absl::StatusOr<v1::SubmitScoreResponse> SubmitScore(const Context& ctx,
                                                    const v1::SubmitScoreRequest& request,
                                                    const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    if (!std::isfinite(request.score())) checks.Add("score", "must be a number");
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::SubmitScoreResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "SubmitScore", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        const v1::Cycle& cycle = record.cycle();
        const auto& policy = cycle.config().decision_policy();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, cycle, request.juror_id(), /*jury_only=*/true));
        v1::Juror* juror = FindJuror(*record.mutable_cycle(), request.juror_id());
        if (juror == nullptr) {
          return NotFound("JUROR_NOT_FOUND",
                          absl::StrCat("no juror ", Excerpt(request.juror_id()), " in the cycle"));
        }
        v1::Nomination* n = FindNomination(record, request.nomination_id());
        if (n == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
        }
        bool known = false;
        for (const auto& c : policy.scoring_criteria())
          known = known || c.name() == request.criterion();
        FieldChecks checks;
        if (!known) {
          checks.Add("criterion", absl::StrCat(Excerpt(request.criterion()),
                                               " is not a scoring criterion of the cycle"));
        }
        if (request.score() < policy.min_score() || request.score() > policy.max_score()) {
          checks.Add("score", absl::StrCat("must be between ", policy.min_score(), " and ",
                                           policy.max_score()));
        }
        IMDI_RETURN_IF_ERROR(checks.Result());
        IMDI_RETURN_IF_ERROR(CheckAction(cycle.state(), Action::kSubmitScore, policy));
        IMDI_RETURN_IF_ERROR(CheckScoringDeadline(cycle.config().schedule(), ctx.now()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; scores are closed");
        }
        if (IsConflicted(*juror, n->nomination_id())) {
          return Refuse("JUROR_CONFLICTED", "CONFLICT",
                        absl::StrCat(juror->juror_id(), "/", n->nomination_id()),
                        absl::StrCat("juror ", juror->juror_id(), " has declared a conflict with ",
                                     n->municipality_name(), " and may not score it"));
        }
        const auto candidates = Candidates(record);
        if (std::find(candidates.begin(), candidates.end(), n) == candidates.end()) {
          return Refuse("NOT_A_CANDIDATE", "NOMINATION", n->nomination_id(),
                        absl::StrCat(n->municipality_name(), " is not among the candidates"));
        }
        bool replaced = false;
        for (auto& s : *record.mutable_scores()) {
          if (s.juror_id() == request.juror_id() && s.nomination_id() == request.nomination_id() &&
              s.criterion() == request.criterion()) {
            s.set_score(request.score());
            replaced = true;
          }
        }
        if (!replaced) {
          storage::v1::ScoreRecord* s = record.add_scores();
          s->set_juror_id(request.juror_id());
          s->set_nomination_id(request.nomination_id());
          s->set_criterion(request.criterion());
          s->set_score(request.score());
        }
        step.detail = absl::StrCat("juror ", request.juror_id(), " scored ", n->municipality_name(),
                                   " ", request.score(), " on ", request.criterion(),
                                   replaced ? " (replacing a score)" : "");
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        auto& r = static_cast<v1::SubmitScoreResponse&>(m);
        std::optional<double> score =
            WeightedJuryScore(record.cycle().config().decision_policy(), Jurors(record.cycle()),
                              Scores(record), request.nomination_id());
        if (score) r.set_jury_score(*score);
        int recorded = 0;
        for (const auto& s : record.scores())
          recorded += s.nomination_id() == request.nomination_id();
        r.set_scores_recorded(recorded);
      }));
  return response;
}

absl::StatusOr<v1::SubmitScoreSheetResponse> SubmitScoreSheet(
    const Context& ctx, const v1::SubmitScoreSheetRequest& request, const Caller& caller) {
  IMDI_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (request.scores().empty()) return InvalidFieldError("scores", "must not be empty");
  if (request.scores_size() > kMaxSheetScores) {
    return InvalidFieldError("scores", absl::StrCat(request.scores_size(), " scores; at most ",
                                                    kMaxSheetScores, " per sheet"));
  }
  // What the request says in itself: every bad entry at once.
  {
    std::vector<FieldViolation> violations;
    std::map<std::pair<std::string, std::string>, int> first;
    for (int i = 0; i < request.scores_size(); ++i) {
      const v1::ScoreSheetEntry& e = request.scores(i);
      const std::string f = absl::StrCat("scores[", i, "]");
      if (!std::isfinite(e.score())) violations.push_back({f + ".score", "must be a number"});
      auto [it, fresh] = first.emplace(std::pair{e.nomination_id(), e.criterion()}, i);
      if (!fresh) {
        violations.push_back(
            {f, absl::StrCat("scores ", Excerpt(e.nomination_id()), " on ", Excerpt(e.criterion()),
                             " again (first in scores[", it->second, "])")});
      }
    }
    if (!violations.empty()) return InvalidArgumentError("INVALID_SCORES", violations);
  }
  v1::SubmitScoreSheetResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "SubmitScoreSheet", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        const v1::Cycle& cycle = record.cycle();
        const auto& policy = cycle.config().decision_policy();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, cycle, request.juror_id(), /*jury_only=*/true));
        const v1::Juror* juror = FindJuror(*record.mutable_cycle(), request.juror_id());
        if (juror == nullptr) {
          return NotFound("JUROR_NOT_FOUND",
                          absl::StrCat("no juror ", Excerpt(request.juror_id()), " in the cycle"));
        }
        // The cycle takes scores at all: the state, the deadline, no decision.
        IMDI_RETURN_IF_ERROR(CheckAction(cycle.state(), Action::kSubmitScore, policy));
        IMDI_RETURN_IF_ERROR(CheckScoringDeadline(cycle.config().schedule(), ctx.now()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; scores are closed");
        }
        // Each entry as SubmitScore checks a score, every bad one listed.
        std::set<std::string> criteria;
        for (const auto& c : policy.scoring_criteria()) criteria.insert(c.name());
        const auto candidates = Candidates(record);
        std::vector<FieldViolation> invalid;
        for (int i = 0; i < request.scores_size(); ++i) {
          const v1::ScoreSheetEntry& e = request.scores(i);
          const std::string f = absl::StrCat("scores[", i, "]");
          const v1::Nomination* n = FindNomination(record, e.nomination_id());
          if (n == nullptr) {
            invalid.push_back(
                {f + ".nomination_id", absl::StrCat("no nomination ", Excerpt(e.nomination_id()))});
          } else if (std::find(candidates.begin(), candidates.end(), n) == candidates.end()) {
            invalid.push_back({f + ".nomination_id", absl::StrCat(n->municipality_name(),
                                                                  " is not among the candidates")});
          }
          if (!criteria.count(e.criterion())) {
            invalid.push_back({f + ".criterion", absl::StrCat(Excerpt(e.criterion()),
                                                              " is not a scoring criterion of "
                                                              "the cycle")});
          }
          if (e.score() < policy.min_score() || e.score() > policy.max_score()) {
            invalid.push_back({f + ".score", absl::StrCat("must be between ", policy.min_score(),
                                                          " and ", policy.max_score())});
          }
        }
        if (!invalid.empty()) return InvalidArgumentError("INVALID_SCORES", invalid);
        // Conflicts, one violation per conflicted nominee.
        std::vector<PreconditionViolation> conflicts;
        std::vector<std::string> nominees;  // the sheet's nominees, in order
        for (const v1::ScoreSheetEntry& e : request.scores()) {
          if (std::find(nominees.begin(), nominees.end(), e.nomination_id()) != nominees.end()) {
            continue;
          }
          nominees.push_back(e.nomination_id());
          if (IsConflicted(*juror, e.nomination_id())) {
            conflicts.push_back(
                {"CONFLICT", absl::StrCat(juror->juror_id(), "/", e.nomination_id()),
                 absl::StrCat("juror ", juror->juror_id(), " has declared a conflict with ",
                              FindNomination(record, e.nomination_id())->municipality_name(),
                              " and may not score it")});
          }
        }
        if (!conflicts.empty()) {
          return FailedPreconditionError(
              "JUROR_CONFLICTED",
              absl::StrCat("juror ", juror->juror_id(), " has declared a conflict with ",
                           conflicts.size(), " nominee(s) of the sheet; nothing was recorded"),
              conflicts);
        }
        int replaced = 0;
        for (const v1::ScoreSheetEntry& e : request.scores()) {
          bool found = false;
          for (auto& s : *record.mutable_scores()) {
            if (s.juror_id() == request.juror_id() && s.nomination_id() == e.nomination_id() &&
                s.criterion() == e.criterion()) {
              s.set_score(e.score());
              found = true;
            }
          }
          replaced += found;
          if (!found) {
            storage::v1::ScoreRecord* s = record.add_scores();
            s->set_juror_id(request.juror_id());
            s->set_nomination_id(e.nomination_id());
            s->set_criterion(e.criterion());
            s->set_score(e.score());
          }
        }
        if (nominees.size() == 1) step.nomination_id = nominees.front();
        step.detail = absl::StrCat(
            "juror ", request.juror_id(), " submitted a score sheet: ", request.scores_size(),
            " scores of ", nominees.size(), " nominee(s)",
            replaced > 0 ? absl::StrCat(", replacing ", replaced, " earlier scores") : "");
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        auto& r = static_cast<v1::SubmitScoreSheetResponse&>(m);
        r.set_juror_id(request.juror_id());
        r.set_scores_recorded(request.scores_size());
        const std::vector<v1::Juror> jurors = Jurors(record.cycle());
        const std::vector<JuryScore> scores = Scores(record);
        std::set<std::string> done;
        for (const v1::ScoreSheetEntry& e : request.scores()) {
          if (!done.insert(e.nomination_id()).second) continue;
          v1::NomineeScore* nominee = r.add_nominees();
          nominee->set_nomination_id(e.nomination_id());
          for (const auto& n : record.nominations()) {
            if (n.nomination_id() == e.nomination_id()) {
              nominee->set_municipality_name(n.municipality_name());
            }
          }
          std::optional<double> score = WeightedJuryScore(record.cycle().config().decision_policy(),
                                                          jurors, scores, e.nomination_id());
          if (score) nominee->set_jury_score(*score);
          int recorded = 0;
          for (const auto& s : record.scores()) recorded += s.nomination_id() == e.nomination_id();
          nominee->set_scores_recorded(recorded);
        }
        for (const v1::Juror& j : jurors) {
          if (j.juror_id() != request.juror_id()) continue;
          int missing = 0;
          for (const OwedScore& o : OwedScores(record, j)) missing += !o.given;
          r.set_scores_missing(missing);
        }
      }));
  return response;
}

}  // namespace imdi::award::use_case
