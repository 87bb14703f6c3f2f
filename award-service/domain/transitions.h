// What a workflow transition checks before it changes a cycle: the state
// machine, the cycle's contents (nominees to announce, claims awaiting the
// jury, a decision) and the dates of the schedule that bind it. One function
// answers for the RPC that makes the transition and for GetCycleProgress,
// so the two never disagree. Checks that need the statistics service or the
// winners history stay with the RPC.
//
// Pure and thread-safe.
#ifndef IMDI_AWARD_DOMAIN_TRANSITIONS_H_
#define IMDI_AWARD_DOMAIN_TRANSITIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "award-service/domain/decision.h"
#include "award-service/domain/workflow.h"
#include "common/errors.h"
#include "imdi/award/storage/v1/storage.pb.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// Norway's population rounded up: the electorate when the policy names none.
inline constexpr int64_t kDefaultElectorate = 6'000'000;

// One reason a transition cannot be made now, as its RPC refuses it
// (FAILED_PRECONDITION with `reason`, `message` and `violations`).
struct Blocker {
  std::string reason;
  std::string message;
  std::vector<PreconditionViolation> violations;
};

struct TransitionCheck {
  std::vector<Blocker> blockers;
  // Dates of the schedule the transition goes against (DEADLINE_RULE_WARN).
  std::vector<std::string> warnings;

  bool allowed() const { return blockers.empty(); }
  // OK, or the first blocker as the RPC's error.
  absl::Status Error() const;
};

// The checks of `action` on `record` at `now`: the state (CheckAction),
// then, by action, NO_NOMINEES (AnnounceNominees), DECISION_RECORDED and
// ASSESSMENTS_PENDING (DecideWinner), NO_DECISION (AnnounceWinner), and the
// schedule: OpenNominations after the nomination deadline,
// StartJuryDeliberation after the scoring deadline, AnnounceNominees and
// AnnounceWinner before their dates. Under DEADLINE_RULE_REFUSE a date is a
// blocker (SCHEDULE_DATE, violation type SCHEDULE naming the date); under
// WARN (the default) a warning.
TransitionCheck CheckTransition(const storage::v1::CycleRecord& record, Action action,
                                absl::Time now);

// FAILED_PRECONDITION SCORING_DEADLINE_PASSED when today (UTC) is after the
// schedule's scoring deadline; OK without one.
absl::Status CheckScoringDeadline(const v1::Schedule& schedule, absl::Time now);

// The decision policy's electorate: at most this many votes per nominee.
int64_t Electorate(const v1::DecisionPolicy& policy);

// The day `now` falls on in UTC.
absl::CivilDay UtcDay(absl::Time now);
// A date YYYY-MM-DD as a day; nullopt when it is not one.
std::optional<absl::CivilDay> ParseDay(absl::string_view date);

// Nominations the jury scores: active nominees (finalists only when a vote
// picks finalists), in submission order.
std::vector<const v1::Nomination*> Candidates(const storage::v1::CycleRecord& record);

// What the jury decides on: the candidates eligible (or nominated with an
// override), the jurors, scores and votes. `excluded` receives the
// candidates left out, as text.
DecisionInput DecisionInputOf(const storage::v1::CycleRecord& record,
                              std::vector<std::string>* excluded = nullptr);

// The scores `juror` owes and has not given: (nomination, criterion) of
// every decision candidate it has no conflict with.
struct OwedScore {
  const v1::Nomination* nomination;
  std::string criterion;
  bool given;
};
std::vector<OwedScore> OwedScores(const storage::v1::CycleRecord& record, const v1::Juror& juror);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_TRANSITIONS_H_
