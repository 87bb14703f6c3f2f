// The jury's decision under a cycle's decision policy: weighted jury scores
// (mean over non-conflicted jurors per scoring criterion), vote shares, the
// ranking, and the tie-break rules fixed in the configuration. A tie the
// rules leave at the top needs the chair's choice. Pure and thread-safe.
#ifndef IMDI_AWARD_DOMAIN_DECISION_H_
#define IMDI_AWARD_DOMAIN_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// A nominee the jury decides among.
struct Candidate {
  std::string nomination_id;
  std::string municipality_code;
  std::string municipality_name;
  int64_t votes = 0;
};

// One juror's score of one nominee on one scoring criterion.
struct JuryScore {
  std::string juror_id;
  std::string nomination_id;
  std::string criterion;
  double score = 0;
};

struct DecisionInput {
  v1::DecisionPolicy policy;
  std::vector<Candidate> candidates;
  std::vector<v1::Juror> jurors;  // with their conflicts
  std::vector<JuryScore> scores;
  int64_t total_votes = 0;        // votes cast for every nominee
  std::string chair_choice;       // nomination id, or empty
};

// Whether `juror` declared a conflict with `nomination_id`.
bool IsConflicted(const v1::Juror& juror, const std::string& nomination_id);

// The weighted jury score of one nominee from the scores so far (criteria
// without a score are left out of the weights); nothing without scores.
std::optional<double> WeightedJuryScore(const v1::DecisionPolicy& policy,
                                        const std::vector<v1::Juror>& jurors,
                                        const std::vector<JuryScore>& scores,
                                        const std::string& nomination_id);

// Ranks the candidates. FAILED_PRECONDITION with reason SCORES_MISSING
// (every non-conflicted juror must score every candidate on every criterion),
// NO_VOTES (a vote policy with no votes) or TIE_UNRESOLVED (the tie-breaks
// leave a tie for first and no chair's choice settles it, listing the tied
// nominations) or CHAIR_CHOICE_NOT_TIED (a chair's choice outside such a
// tie, or without one), or NUMBERS_NOT_FINITE (a weight, the score scale, a
// score or a computed score is not a finite number). It always ends: the
// work grows with candidates x jurors x criteria, which the configuration
// and the cycle bound.
absl::StatusOr<v1::Decision> Decide(const DecisionInput& input);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_DECISION_H_
