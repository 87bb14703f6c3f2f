#include "award-service/domain/vote_tallies.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "award-service/domain/transitions.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award {

namespace {

const v1::Nomination* FindNomination(const storage::v1::CycleRecord& record,
                                     const std::string& id) {
  for (const v1::Nomination& n : record.nominations()) {
    if (n.nomination_id() == id) return &n;
  }
  return nullptr;
}

}  // namespace

absl::Status CheckTallies(const storage::v1::CycleRecord& record,
                          const google::protobuf::RepeatedPtrField<v1::VoteTally>& tallies,
                          absl::string_view field) {
  const int64_t electorate = Electorate(record.cycle().config().decision_policy());
  std::vector<FieldViolation> invalid;
  std::vector<PreconditionViolation> withdrawn;
  std::set<std::string> named_withdrawn;
  for (int i = 0; i < tallies.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    const v1::Nomination* n = FindNomination(record, tallies[i].nomination_id());
    if (n == nullptr) {
      invalid.push_back({f + ".nomination_id", absl::StrCat(Excerpt(tallies[i].nomination_id()),
                                                            " names no nomination of the cycle")});
      continue;
    }
    if (tallies[i].votes() > electorate) {
      invalid.push_back({f + ".votes", absl::StrCat(tallies[i].votes(), " votes; at most the ",
                                                    electorate, " people who may vote")});
    }
    if (n->state() != v1::NOMINATION_STATE_ACTIVE &&
        named_withdrawn.insert(n->nomination_id()).second) {
      withdrawn.push_back(
          {"NOMINATION", n->nomination_id(),
           absl::StrCat(n->municipality_name(), "'s nomination is withdrawn; it takes no votes")});
    }
  }
  if (!invalid.empty()) return InvalidArgumentError("INVALID_FIELD", invalid);
  if (!withdrawn.empty()) {
    return FailedPreconditionError(
        "NOMINATION_WITHDRAWN",
        absl::StrCat(withdrawn.size(), " nomination(s) named are withdrawn; nothing was recorded"),
        withdrawn);
  }
  return absl::OkStatus();
}

}  // namespace imdi::award
