// Tests of the public vote's tallies against the cycle
// (award-service/domain/vote_tallies.h): every bad tally listed at once,
// withdrawn nominations refused once each.
#include "absl/status/status.h"
#include "award-service/domain/vote_tallies.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

storage::v1::CycleRecord Record() {
  storage::v1::CycleRecord record;
  record.mutable_cycle()->mutable_config()->mutable_decision_policy()->set_electorate(1000);
  for (const char* id : {"n1", "n2"}) {
    v1::Nomination* n = record.add_nominations();
    n->set_nomination_id(id);
    n->set_municipality_name(id[1] == '1' ? "Bergen" : "Steinkjer");
    n->set_state(v1::NOMINATION_STATE_ACTIVE);
  }
  return record;
}

google::protobuf::RepeatedPtrField<v1::VoteTally> Tallies(
    std::initializer_list<std::pair<const char*, int64_t>> tallies) {
  google::protobuf::RepeatedPtrField<v1::VoteTally> out;
  for (const auto& [id, votes] : tallies) {
    v1::VoteTally* t = out.Add();
    t->set_nomination_id(id);
    t->set_votes(votes);
  }
  return out;
}

TEST(VoteTalliesTest, TalliesOfTheCyclesNominationsWithinTheElectoratePass) {
  EXPECT_TRUE(CheckTallies(Record(), Tallies({{"n1", 1000}, {"n2", 0}, {"n1", 3}})).ok());
}

TEST(VoteTalliesTest, EveryBadTallyIsListedUnderTheRequestsField) {
  const absl::Status s = CheckTallies(Record(), Tallies({{"n9", 1}, {"n1", 1001}}), "totals");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldViolations(s),
              ElementsAre(Field(&FieldViolation::field, "totals[0].nomination_id"),
                          Field(&FieldViolation::field, "totals[1].votes")));
}

TEST(VoteTalliesTest, AWithdrawnNominationTakesNoVotes) {
  storage::v1::CycleRecord record = Record();
  record.mutable_nominations(1)->set_state(v1::NOMINATION_STATE_WITHDRAWN);
  const absl::Status s = CheckTallies(record, Tallies({{"n2", 1}, {"n2", 2}, {"n1", 1}}));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "NOMINATION_WITHDRAWN");
  EXPECT_THAT(s.message(), HasSubstr("1 nomination(s) named are withdrawn"));
}

}  // namespace
}  // namespace imdi::award
