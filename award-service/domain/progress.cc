#include "award-service/domain/progress.h"

#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "award-service/domain/decision.h"
#include "award-service/domain/transitions.h"
#include "award-service/domain/workflow.h"
#include "common/errors.h"
#include "google/protobuf/util/time_util.h"

namespace imdi::award {
namespace {

// Missing scores listed per juror (50 jurors at most keep the reply small);
// scores_expected less scores_recorded always counts all of them.
constexpr int kMaxMissingListed = 100;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

void AddDate(v1::GetCycleProgressResponse& out, absl::string_view name,
             std::optional<absl::CivilDay> day, absl::CivilDay today) {
  if (!day) return;
  v1::ScheduleDate* d = out.add_schedule();
  d->set_name(std::string(name));
  d->set_date(absl::FormatCivilTime(*day));
  d->set_days_left(static_cast<int32_t>(*day - today));
  d->set_passed(today > *day);
}

void AddViolations(v1::TransitionProgress& t, const std::vector<PreconditionViolation>& vs) {
  for (const PreconditionViolation& v : vs) {
    auto* b = t.add_blockers();
    b->set_type(v.type);
    b->set_subject(v.subject);
    b->set_description(v.description);
  }
}

}  // namespace

v1::GetCycleProgressResponse CycleProgress(const storage::v1::CycleRecord& record, absl::Time now) {
  const v1::Cycle& cycle = record.cycle();
  const v1::CycleConfig& config = cycle.config();
  const v1::CycleState state = cycle.state();
  const absl::CivilDay today = UtcDay(now);
  v1::GetCycleProgressResponse out;
  out.set_cycle_id(cycle.cycle_id());
  out.set_title(config.title());
  out.set_state(state);
  out.set_data_version(cycle.data_version());
  out.set_etag(cycle.etag());
  *out.mutable_compute_time() = ToProto(now);

  // The schedule, in the order of the workflow.
  std::optional<absl::CivilDay> nomination_deadline;
  if (config.nomination_policy().has_deadline()) {
    nomination_deadline =
        UtcDay(absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
            config.nomination_policy().deadline())));
  }
  AddDate(out, "nomination_deadline", nomination_deadline, today);
  AddDate(out, "nominees_announce_date", ParseDay(config.schedule().nominees_announce_date()),
          today);
  AddDate(out, "scoring_deadline", ParseDay(config.schedule().scoring_deadline()), today);
  AddDate(out, "winner_announce_date", ParseDay(config.schedule().winner_announce_date()), today);

  // Nominations per region, in the enum's order.
  const int quota = config.nomination_policy().max_per_region();
  const auto* regions = stats::v1::ImdiRegion_descriptor();
  for (int i = 0; i < regions->value_count(); ++i) {
    const auto region = static_cast<stats::v1::ImdiRegion>(regions->value(i)->number());
    if (region == stats::v1::IMDI_REGION_UNSPECIFIED) continue;
    v1::RegionProgress* r = out.add_regions();
    r->set_imdi_region(region);
    r->set_quota(quota);
    for (const v1::Nomination& n : record.nominations()) {
      if (n.imdi_region() != region) continue;
      if (n.state() == v1::NOMINATION_STATE_ACTIVE) {
        r->set_active(r->active() + 1);
        r->add_nominees(n.municipality_name());
      } else if (n.state() == v1::NOMINATION_STATE_WITHDRAWN) {
        r->set_withdrawn(r->withdrawn() + 1);
      }
    }
    r->set_filled(quota > 0 && r->active() >= quota);
  }

  // Claims of active nominees awaiting the jury.
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
    for (const auto& c : n.claims()) {
      if (c.state() != v1::ASSESSMENT_STATE_PENDING) continue;
      v1::PendingAssessment* p = out.add_pending_assessments();
      p->set_nomination_id(n.nomination_id());
      p->set_municipality_name(n.municipality_name());
      p->set_criterion(c.criterion());
    }
  }

  // Each juror's scoring, once the jury deliberates.
  if (state == v1::CYCLE_STATE_JURY_DELIBERATION || state == v1::CYCLE_STATE_WINNER_ANNOUNCED ||
      state == v1::CYCLE_STATE_ARCHIVED) {
    for (const v1::Juror& juror : cycle.jurors()) {
      v1::JurorProgress* j = out.add_jurors();
      j->set_juror_id(juror.juror_id());
      j->set_display_name(juror.display_name());
      j->set_chair(juror.chair());
      const std::vector<OwedScore> owed = OwedScores(record, juror);
      j->set_scores_expected(static_cast<int32_t>(owed.size()));
      for (const OwedScore& o : owed) {
        if (o.given) {
          j->set_scores_recorded(j->scores_recorded() + 1);
        } else if (j->missing_size() < kMaxMissingListed) {
          v1::MissingScore* m = j->add_missing();
          m->set_nomination_id(o.nomination->nomination_id());
          m->set_municipality_name(o.nomination->municipality_name());
          m->set_criterion(o.criterion);
        }
      }
    }
  }

  // The transitions out of the current state (and the decision, which
  // the announcement needs), each with the checks of its RPC.
  for (Action action : AllActions()) {
    const bool moves = NextState(state, action) != state;
    if (!moves && action != Action::kDecideWinner) continue;
    if (ErrorReason(CheckAction(state, action, config.decision_policy())) == "WRONG_STATE") {
      continue;
    }
    const TransitionCheck check = CheckTransition(record, action, now);
    v1::TransitionProgress* t = out.add_transitions();
    t->set_method(ActionName(action));
    t->set_to_state(NextState(state, action));
    for (const Blocker& b : check.blockers) AddViolations(*t, b.violations);
    if (action == Action::kDecideWinner && check.allowed()) {
      // What the decision itself would refuse: scores missing, no votes,
      // a tie the chair has to settle.
      absl::StatusOr<v1::Decision> decision = Decide(DecisionInputOf(record));
      if (!decision.ok()) AddViolations(*t, PreconditionViolations(decision.status()));
    }
    t->set_allowed(t->blockers_size() == 0);
    for (const std::string& w : check.warnings) t->add_warnings(w);
  }
  return out;
}

}  // namespace imdi::award
