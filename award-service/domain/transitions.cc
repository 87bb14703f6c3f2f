#include "award-service/domain/transitions.h"

#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "award-service/domain/criteria.h"
#include "award-service/domain/cycle_config.h"
#include "google/protobuf/util/time_util.h"

namespace imdi::award {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

void AddStatus(TransitionCheck& check, const absl::Status& status) {
  if (status.ok()) return;
  check.blockers.push_back(
      {ErrorReason(status), std::string(status.message()), PreconditionViolations(status)});
}

void Add(TransitionCheck& check, std::string reason, std::string type, std::string subject,
         std::string description) {
  check.blockers.push_back(
      {std::move(reason), description, {{std::move(type), std::move(subject), description}}});
}

// A date of the schedule that `action` goes against: a blocker under
// REFUSE, a warning otherwise.
void ScheduleDate(TransitionCheck& check, const v1::Schedule& schedule, Action action,
                  absl::string_view name, const std::string& date, const std::string& how) {
  const std::string text = absl::StrCat(ActionName(action), " ", how, " (", name, " ", date, ")");
  if (schedule.deadline_rule() == v1::DEADLINE_RULE_REFUSE) {
    Add(check, "SCHEDULE_DATE", "SCHEDULE", std::string(name), text);
  } else {
    check.warnings.push_back(text);
  }
}

// `how` many days from `from` to `to`, for a message.
std::string Days(absl::CivilDay from, absl::CivilDay to) {
  const int64_t n = to - from;
  return absl::StrCat(n, n == 1 ? " day" : " days");
}

}  // namespace

absl::Status TransitionCheck::Error() const {
  if (blockers.empty()) return absl::OkStatus();
  return FailedPreconditionError(blockers.front().reason, blockers.front().message,
                                 blockers.front().violations);
}

absl::CivilDay UtcDay(absl::Time now) { return absl::ToCivilDay(now, absl::UTCTimeZone()); }

std::optional<absl::CivilDay> ParseDay(absl::string_view date) {
  if (!ValidateDate(date, "").ok()) return std::nullopt;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return std::nullopt;
  return day;
}

int64_t Electorate(const v1::DecisionPolicy& policy) {
  return policy.electorate() > 0 ? policy.electorate() : kDefaultElectorate;
}

absl::Status CheckScoringDeadline(const v1::Schedule& schedule, absl::Time now) {
  const std::optional<absl::CivilDay> deadline = ParseDay(schedule.scoring_deadline());
  if (!deadline || UtcDay(now) <= *deadline) return absl::OkStatus();
  const std::string message =
      absl::StrCat("the scoring deadline ", DayText(*deadline), " has passed (",
                   Days(*deadline, UtcDay(now)), " ago); no scores are taken");
  return FailedPreconditionError("SCORING_DEADLINE_PASSED", message,
                                 {{"SCHEDULE", "scoring_deadline", message}});
}

TransitionCheck CheckTransition(const storage::v1::CycleRecord& record, Action action,
                                absl::Time now) {
  TransitionCheck check;
  const v1::Cycle& cycle = record.cycle();
  const v1::CycleConfig& config = cycle.config();
  const v1::Schedule& schedule = config.schedule();
  AddStatus(check, CheckAction(cycle.state(), action, config.decision_policy()));
  const absl::CivilDay today = UtcDay(now);
  switch (action) {
    case Action::kOpenNominations: {
      const auto& policy = config.nomination_policy();
      if (policy.has_deadline() && now > FromProto(policy.deadline())) {
        const absl::CivilDay day = UtcDay(FromProto(policy.deadline()));
        ScheduleDate(check, schedule, action, "nomination_deadline", DayText(day),
                     absl::StrCat("after the nomination deadline (", Days(day, today), " late)"));
      }
      break;
    }
    case Action::kAnnounceNominees: {
      bool any = false;
      for (const v1::Nomination& n : record.nominations()) {
        any = any || n.state() == v1::NOMINATION_STATE_ACTIVE;
      }
      if (!any) {
        Add(check, "NO_NOMINEES", "NOMINATIONS", cycle.cycle_id(),
            "there is no active nomination to announce");
      }
      const auto day = ParseDay(schedule.nominees_announce_date());
      if (day && today < *day) {
        ScheduleDate(
            check, schedule, action, "nominees_announce_date", DayText(*day),
            absl::StrCat("before the nominees' announcement date (", Days(today, *day), " early)"));
      }
      break;
    }
    case Action::kStartJuryDeliberation: {
      const auto day = ParseDay(schedule.scoring_deadline());
      if (day && today > *day) {
        ScheduleDate(check, schedule, action, "scoring_deadline", DayText(*day),
                     absl::StrCat("after the scoring deadline (", Days(*day, today),
                                  " late; no scores can be given)"));
      }
      break;
    }
    case Action::kDecideWinner: {
      if (cycle.has_decision()) {
        Add(check, "DECISION_RECORDED", "DECISION", cycle.cycle_id(),
            "the jury has already decided");
      }
      std::vector<PreconditionViolation> pending;
      for (const v1::Nomination* n : Candidates(record)) {
        for (const auto& c : n->claims()) {
          if (c.state() == v1::ASSESSMENT_STATE_PENDING) {
            pending.push_back({"ASSESSMENT", absl::StrCat(n->nomination_id(), "/", c.criterion()),
                               absl::StrCat(n->municipality_name(), "'s claim of ", c.criterion(),
                                            " awaits the jury")});
          }
        }
      }
      if (!pending.empty()) {
        check.blockers.push_back(
            {"ASSESSMENTS_PENDING",
             absl::StrCat(pending.size(), " assessed criteria await the jury's confirmation"),
             std::move(pending)});
      }
      break;
    }
    case Action::kAnnounceWinner: {
      if (!cycle.has_decision()) {
        Add(check, "NO_DECISION", "DECISION", cycle.cycle_id(),
            "the jury has not decided; call DecideWinner first");
      }
      const auto day = ParseDay(schedule.winner_announce_date());
      if (day && today < *day) {
        ScheduleDate(check, schedule, action, "winner_announce_date", DayText(*day),
                     absl::StrCat("before the winner's announcement date (", Days(today, *day),
                                  " early: the embargo)"));
      }
      break;
    }
    default:
      break;
  }
  return check;
}

std::vector<const v1::Nomination*> Candidates(const storage::v1::CycleRecord& record) {
  const bool finalists_only =
      record.cycle().config().decision_policy().kind() == v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS;
  std::vector<const v1::Nomination*> out;
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
    if (finalists_only && !n.finalist()) continue;
    out.push_back(&n);
  }
  return out;
}

DecisionInput DecisionInputOf(const storage::v1::CycleRecord& record,
                              std::vector<std::string>* excluded) {
  const v1::Cycle& cycle = record.cycle();
  DecisionInput input;
  input.policy = cycle.config().decision_policy();
  input.jurors.assign(cycle.jurors().begin(), cycle.jurors().end());
  for (const auto& s : record.scores()) {
    input.scores.push_back({s.juror_id(), s.nomination_id(), s.criterion(), s.score()});
  }
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() == v1::NOMINATION_STATE_ACTIVE) input.total_votes += n.votes();
  }
  for (const v1::Nomination* n : Candidates(record)) {
    if (!n->evaluation().eligible() && n->override_reason().empty()) {
      if (excluded != nullptr) {
        excluded->push_back(absl::StrCat(n->municipality_name(), " (",
                                         VerdictText(n->evaluation().verdict()), ")"));
      }
      continue;
    }
    input.candidates.push_back(
        {n->nomination_id(), n->municipality_code(), n->municipality_name(), n->votes()});
  }
  return input;
}

std::vector<OwedScore> OwedScores(const storage::v1::CycleRecord& record, const v1::Juror& juror) {
  std::set<std::pair<std::string, std::string>> given;
  for (const auto& s : record.scores()) {
    if (s.juror_id() == juror.juror_id()) given.emplace(s.nomination_id(), s.criterion());
  }
  std::vector<OwedScore> out;
  for (const v1::Nomination* n : Candidates(record)) {
    if (!n->evaluation().eligible() && n->override_reason().empty()) continue;
    if (IsConflicted(juror, n->nomination_id())) continue;
    for (const auto& c : record.cycle().config().decision_policy().scoring_criteria()) {
      out.push_back({n, c.name(), given.count({n->nomination_id(), c.name()}) > 0});
    }
  }
  return out;
}

}  // namespace imdi::award
