// Tests of what a bound caller may do (award-service/domain/actor_rules.h):
// every PERMISSION_DENIED reason, and that administrators and calls
// without authentication are not bound.
#include <string>

#include "absl/status/status.h"
#include "award-service/domain/actor_rules.h"
#include "common/auth/credentials.h"
#include "common/errors.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

Caller As(const std::string& name, absl::string_view role) {
  Caller caller;
  caller.actor = name;
  caller.principal = auth::Principal{name, {std::string(role)}, "", ""};
  return caller;
}

v1::Cycle CycleWithJurors() {
  v1::Cycle cycle;
  cycle.set_cycle_id("bp-2017");
  v1::Juror* chair = cycle.add_jurors();
  chair->set_juror_id("kari");
  chair->set_chair(true);
  cycle.add_jurors()->set_juror_id("ola");
  return cycle;
}

TEST(ActorRulesTest, AJurorActsOnlyAsItselfInItsCycles) {
  const v1::Cycle cycle = CycleWithJurors();
  EXPECT_TRUE(CheckJuror(As("ola", auth::kAwardJuror), cycle, "ola").ok());
  EXPECT_TRUE(CheckJuror(As("ola", auth::kAwardJuror), cycle, "").ok());
  absl::Status s = CheckJuror(As("ola", auth::kAwardJuror), cycle, "kari");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(s), "NOT_THIS_JUROR");
  EXPECT_EQ(ErrorReason(CheckJuror(As("per", auth::kAwardJuror), cycle, "")),
            "NOT_A_JUROR_OF_THIS_CYCLE");
}

TEST(ActorRulesTest, AnAdministratorIsBoundOnlyForTheJurysOwnCalls) {
  const v1::Cycle cycle = CycleWithJurors();
  EXPECT_TRUE(CheckJuror(As("admin", auth::kAwardAdmin), cycle, "kari").ok());
  EXPECT_EQ(ErrorReason(CheckJuror(As("admin", auth::kAwardAdmin), cycle, "kari", true)),
            "NOT_THIS_JUROR");
  EXPECT_TRUE(CheckJuror(Caller{}, cycle, "kari", true).ok());  // no authentication
}

TEST(ActorRulesTest, ANominatorNominatesInItsRegionOrItself) {
  Caller office = As("imdi-vest", auth::kAwardNominator);
  office.principal->region = "IMDI_REGION_VEST";
  v1::Nominator nominator;
  nominator.set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
  nominator.set_imdi_region(stats::v1::IMDI_REGION_VEST);
  EXPECT_TRUE(CheckNominatorBound(office, nominator, {"4601"}, "Bergen").ok());
  nominator.set_imdi_region(stats::v1::IMDI_REGION_NORD);
  absl::Status s = CheckNominatorBound(office, nominator, {"4601"}, "Bergen");
  EXPECT_EQ(ErrorReason(s), "NOMINATOR_NOT_BOUND");

  Caller bergen = As("bergen", auth::kAwardNominator);
  bergen.principal->municipality = "1201";
  nominator.set_kind(v1::NOMINATOR_KIND_MUNICIPALITY);
  EXPECT_TRUE(CheckNominatorBound(bergen, nominator, {"1201", "4601"}, "Bergen").ok());
  EXPECT_EQ(ErrorReason(CheckNominatorBound(bergen, nominator, {"5001"}, "Trondheim")),
            "NOMINATOR_NOT_BOUND");
  EXPECT_TRUE(CheckNominatorBound(As("admin", auth::kAwardAdmin), nominator, {}, "x").ok());
}

TEST(ActorRulesTest, ANominatorWithdrawsOnlyItsOwnNominations) {
  Caller office = As("imdi-vest", auth::kAwardNominator);
  office.principal->region = "IMDI_REGION_VEST";
  v1::Nomination n;
  n.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
  n.mutable_nominator()->set_imdi_region(stats::v1::IMDI_REGION_VEST);
  EXPECT_TRUE(CheckNominationOwner(office, n).ok());
  n.mutable_nominator()->set_imdi_region(stats::v1::IMDI_REGION_SOR);
  EXPECT_EQ(ErrorReason(CheckNominationOwner(office, n)), "NOT_THE_NOMINATOR");
  EXPECT_TRUE(CheckNominationOwner(Caller{}, n).ok());
}

TEST(ActorRulesTest, OnlyTheChairCallsForTheDecision) {
  const v1::Cycle cycle = CycleWithJurors();
  EXPECT_TRUE(CheckCallsDecision(As("kari", auth::kAwardJuror), cycle).ok());
  EXPECT_EQ(ErrorReason(CheckCallsDecision(As("ola", auth::kAwardJuror), cycle)), "CHAIR_ONLY");
  EXPECT_TRUE(CheckCallsDecision(As("admin", auth::kAwardAdmin), cycle).ok());
}

}  // namespace
}  // namespace imdi::award
