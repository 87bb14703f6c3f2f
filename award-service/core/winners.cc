#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/actor_rules.h"
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

constexpr int kMaxWinnersPerImport = 200;
constexpr size_t kMaxCodeBytes = 4;

// The same municipality: by its code at the time where both records have
// one (names change: "Trondheim" is now "Trondheim - Tråante").
bool SameWinner(const v1::Winner& a, const v1::Winner& b) {
  if (!a.code_at_the_time().empty() && !b.code_at_the_time().empty()) {
    return a.code_at_the_time() == b.code_at_the_time();
  }
  return a.municipality_name() == b.municipality_name();
}

}  // namespace

absl::StatusOr<v1::DecideWinnerResponse> DecideWinner(const Context& ctx,
                                                      const v1::DecideWinnerRequest& request,
                                                      const Caller& caller) {
  v1::DecideWinnerResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "DecideWinner", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(
            CheckAction(cycle.state(), Action::kDecideWinner, cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has already decided");
        }
        IMDI_RETURN_IF_ERROR(CheckCallsDecision(caller, cycle));
        if (!request.chair_choice_nomination_id().empty()) {
          const v1::Juror* chair = nullptr;
          for (const auto& j : cycle.jurors()) {
            if (j.chair()) chair = &j;
          }
          if (chair == nullptr) {
            return Refuse("NO_CHAIR", "JURY", cycle.cycle_id(),
                          "the jury has no chair to settle a tie; register one");
          }
          if (caller.actor != chair->juror_id()) {
            return MakeError(
                absl::StatusCode::kPermissionDenied, "CHAIR_ONLY",
                absl::StrCat("only the chair (", chair->juror_id(), ") settles a tie"));
          }
          if (IsConflicted(*chair, request.chair_choice_nomination_id())) {
            return Refuse("JUROR_CONFLICTED", "CONFLICT", request.chair_choice_nomination_id(),
                          "the chair has declared a conflict with that nominee");
          }
        }
        IMDI_RETURN_IF_ERROR(CheckTransition(record, Action::kDecideWinner, ctx.now()).Error());
        std::vector<std::string> excluded;
        DecisionInput input = DecisionInputOf(record, &excluded);
        input.chair_choice = request.chair_choice_nomination_id();
        absl::StatusOr<v1::Decision> decision = Decide(input);
        if (!decision.ok()) return decision.status();
        *decision->mutable_decide_time() = ToProto(ctx.now());
        if (!excluded.empty()) {
          decision->set_explanation(absl::StrCat(
              decision->explanation(),
              "; not eligible after the jury's assessment: ", absl::StrJoin(excluded, ", ")));
        }
        *cycle.mutable_decision() = *decision;
        step.nomination_id = decision->winner_nomination_id();
        step.detail = absl::StrCat("decided: ", decision->explanation());
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step&, google::protobuf::Message& m) {
        *static_cast<v1::DecideWinnerResponse&>(m).mutable_decision() = record.cycle().decision();
      }));
  return response;
}

absl::StatusOr<v1::AnnounceWinnerResponse> AnnounceWinner(const Context& ctx,
                                                          const v1::AnnounceWinnerRequest& request,
                                                          const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    if (!request.announce_date().empty()) {
      checks.Add(ValidateDate(request.announce_date(), "announce_date"));
    }
    checks.Add(CheckRequestText(request.event(), "event", false, kMaxLineBytes));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  // The winner's code today, and that of a history row for the year, from
  // the statistics service before the lock is taken. Without it the entry
  // is stored without one (ListWinners fills it in later).
  std::map<std::string, std::string> current_codes;
  if (absl::StatusOr<std::map<std::string, std::string>> codes = ctx.evaluator->CurrentCodes();
      codes.ok()) {
    current_codes = *std::move(codes);
  }
  auto current_code = [&](const std::string& code) -> std::string {
    auto it = current_codes.find(code);
    return it == current_codes.end() ? "" : it->second;
  };
  v1::AnnounceWinnerResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "AnnounceWinner", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), cycle.etag(), "cycle"));
        const TransitionCheck check = CheckTransition(record, Action::kAnnounceWinner, ctx.now());
        IMDI_RETURN_IF_ERROR(check.Error());
        step.warnings = check.warnings;
        const v1::Nomination* winner =
            FindNomination(record, cycle.decision().winner_nomination_id());
        v1::Winner entry;
        entry.set_award_year(cycle.config().award_year());
        entry.set_municipality_name(winner->municipality_name());
        entry.set_code_at_the_time(winner->code_at_the_time().empty() ? winner->municipality_code()
                                                                      : winner->code_at_the_time());
        entry.set_imdi_region(winner->imdi_region());
        entry.set_municipality_code(current_code(entry.code_at_the_time()));
        std::string date = request.announce_date();
        if (date.empty()) date = cycle.config().schedule().winner_announce_date();
        if (date.empty()) date = absl::FormatTime("%Y-%m-%d", ctx.now(), absl::UTCTimeZone());
        entry.set_announce_date(date);
        entry.set_event(request.event().empty() ? cycle.config().schedule().event()
                                                : request.event());
        entry.set_source(absl::StrCat("award cycle ", cycle.cycle_id()));
        entry.set_cycle_id(cycle.cycle_id());
        IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> history, ctx.store->ReadWinners());
        std::string replaced;
        for (const v1::Winner& w : history) {
          if (w.award_year() != entry.award_year()) continue;
          // The same municipality by its code today where both are known
          // (a row may name it by an older code), else as the import does.
          const std::string w_code = !w.municipality_code().empty()
                                         ? w.municipality_code()
                                         : current_code(w.code_at_the_time());
          const bool same = !w_code.empty() && !entry.municipality_code().empty()
                                ? w_code == entry.municipality_code()
                                : SameWinner(w, entry);
          if (same) continue;  // one row, now the cycle's
          const std::string row =
              absl::StrCat(w.municipality_name(), w.code_at_the_time().empty() ? "" : " (",
                           w.code_at_the_time(), w.code_at_the_time().empty() ? "" : ")",
                           w.source().empty() ? "" : absl::StrCat(", source: ", w.source()),
                           w.cycle_id().empty() ? "" : absl::StrCat(", cycle ", w.cycle_id()));
          if (!w.cycle_id().empty() && w.cycle_id() != cycle.cycle_id()) {
            return Refuse(
                "WINNER_ALREADY_RECORDED", "WINNER", absl::StrCat(w.award_year()),
                absl::StrCat("cycle ", w.cycle_id(), " already announced ", w.municipality_name(),
                             " as the winner of ", w.award_year()));
          }
          if (!request.replace_history_row()) {
            return Refuse("WINNER_HISTORY_CONFLICT", "WINNER_HISTORY", absl::StrCat(w.award_year()),
                          absl::StrCat("the winners history records ", row, " as the winner of ",
                                       w.award_year(), "; the cycle decided ",
                                       entry.municipality_name(), " (", entry.code_at_the_time(),
                                       "); announce with replace_history_row to replace that row"));
          }
          replaced = row;
        }
        cycle.set_state(NextState(cycle.state(), Action::kAnnounceWinner));
        step.nomination_id = winner->nomination_id();
        step.winners.push_back(entry);
        step.detail = absl::StrCat(
            "announced the winner: ", entry.municipality_name(), " on ", entry.announce_date(),
            entry.event().empty() ? "" : absl::StrCat(" at ", entry.event()));
        if (!replaced.empty()) {
          absl::StrAppend(&step.detail, "; replaced the history row for ", entry.award_year(),
                          ": was ", replaced, ", now ", entry.municipality_name(), " (",
                          entry.code_at_the_time(), ", cycle ", cycle.cycle_id(), ")");
        }
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        auto& r = static_cast<v1::AnnounceWinnerResponse&>(m);
        *r.mutable_cycle() = record.cycle();
        for (const std::string& w : step.warnings) r.add_warnings(w);
        if (!step.winners.empty()) *r.mutable_winner() = step.winners.front();
      }));
  return WithCycleHeader(response);
}

absl::StatusOr<v1::ImportWinnersResponse> ImportWinners(const Context& ctx,
                                                        const v1::ImportWinnersRequest& request,
                                                        const Caller& caller) {
  std::vector<FieldViolation> violations;
  std::set<int> years;
  for (int i = 0; i < request.winners_size() && i < kMaxWinnersPerImport; ++i) {
    const v1::Winner& w = request.winners(i);
    const std::string f = absl::StrCat("winners[", i, "]");
    if (w.award_year() < 2008 || w.award_year() > 2100) {
      violations.push_back({f + ".award_year", "must be between 2008 and 2100"});
    }
    if (!years.insert(w.award_year()).second) {
      violations.push_back({f + ".award_year", "appears twice in the request"});
    }
    if (w.municipality_name().empty())
      violations.push_back({f + ".municipality_name", "is required"});
    for (auto v : {imdi::CheckText(w.municipality_name(), f + ".municipality_name", kMaxNameBytes),
                   imdi::CheckText(w.code_at_the_time(), f + ".code_at_the_time", kMaxCodeBytes),
                   imdi::CheckText(w.event(), f + ".event", kMaxLineBytes),
                   imdi::CheckText(w.source(), f + ".source", kMaxLineBytes)}) {
      if (v) violations.push_back(*std::move(v));
    }
    if (!w.announce_date().empty() && !ValidateDate(w.announce_date(), "").ok()) {
      violations.push_back({f + ".announce_date", "must be a date YYYY-MM-DD"});
    }
    if (!w.cycle_id().empty()) {
      violations.push_back({f + ".cycle_id", "is set by AnnounceWinner, not imported"});
    }
  }
  if (request.winners().empty()) violations.push_back({"winners", "must not be empty"});
  if (request.winners_size() > kMaxWinnersPerImport) {
    violations.push_back({"winners", absl::StrCat(request.winners_size(), " winners; at most ",
                                                  kMaxWinnersPerImport, " per request")});
  }
  for (const FieldViolation& v : FieldViolations(CheckRequestId(request.request_id()))) {
    violations.push_back(v);
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_WINNERS", violations);
  // Each row's code today, before the lock; without the statistics service
  // rows are stored without it (ListWinners fills it in later).
  std::map<std::string, std::string> current_codes;
  if (absl::StatusOr<std::map<std::string, std::string>> codes = ctx.evaluator->CurrentCodes();
      codes.ok()) {
    current_codes = *std::move(codes);
  }

  v1::ImportWinnersResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Write(
      "ImportWinners", request, request.request_id(), caller, response,
      [&]() -> absl::StatusOr<AwardCommit> {
        IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> history, ctx.store->ReadWinners());
        std::map<int, v1::Winner> by_year;
        for (auto& w : history) by_year[w.award_year()] = std::move(w);
        AwardCommit commit;
        std::vector<PreconditionViolation> conflicts;
        for (const v1::Winner& w : request.winners()) {
          auto it = by_year.find(w.award_year());
          if (it == by_year.end()) {
            v1::Winner& added = commit.winners.emplace_back(w);
            auto code = current_codes.find(w.code_at_the_time());
            added.set_municipality_code(code == current_codes.end() ? "" : code->second);
            continue;
          }
          if (SameWinner(it->second, w)) {
            response.set_unchanged_count(response.unchanged_count() + 1);
          } else {
            conflicts.push_back(
                {"WINNER", absl::StrCat(w.award_year()),
                 absl::StrCat("the history records ", it->second.municipality_name(),
                              ", the import says ", w.municipality_name())});
          }
        }
        if (!conflicts.empty()) {
          return FailedPreconditionError("WINNER_ALREADY_RECORDED",
                                         "winners already recorded differ; nothing was imported",
                                         conflicts);
        }
        response.set_added_count(static_cast<int>(commit.winners.size()));
        return commit;
      }));
  return response;
}

absl::StatusOr<v1::ListWinnersResponse> ListWinners(const Context& ctx,
                                                    const v1::ListWinnersRequest&) {
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> winners, ctx.store->ReadWinners());
  // Rows stored without their code today (before the statistics service
  // knew them, or while it was away) are resolved in one listing; without
  // the statistics service they go out without it.
  const bool unresolved = std::any_of(winners.begin(), winners.end(), [](const v1::Winner& w) {
    return w.municipality_code().empty() && !w.code_at_the_time().empty();
  });
  if (unresolved) {
    if (absl::StatusOr<std::map<std::string, std::string>> codes = ctx.evaluator->CurrentCodes();
        codes.ok()) {
      for (v1::Winner& w : winners) {
        if (!w.municipality_code().empty()) continue;
        auto code = codes->find(w.code_at_the_time());
        if (code != codes->end()) w.set_municipality_code(code->second);
      }
    }
  }
  v1::ListWinnersResponse response;
  for (auto& w : winners) *response.add_winners() = std::move(w);
  return response;
}

}  // namespace imdi::award::use_case
