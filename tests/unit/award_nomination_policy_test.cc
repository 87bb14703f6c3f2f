// Tests of the nomination policy (award-service/domain/nomination_policy.h)
// on plain values: every refusal reason it gives, and what it admits.
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "award-service/domain/nomination_policy.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::HasSubstr;

constexpr auto kOffice = v1::NOMINATOR_KIND_REGIONAL_OFFICE;
constexpr auto kMunicipality = v1::NOMINATOR_KIND_MUNICIPALITY;

v1::CycleConfig Config() {
  v1::CycleConfig config;
  config.set_figures_year(2016);
  auto& policy = *config.mutable_nomination_policy();
  policy.add_nominators(kOffice);
  policy.add_nominators(kMunicipality);
  policy.set_max_per_region(1);
  return config;
}

storage::v1::CycleRecord RecordWith(const v1::CycleConfig& config) {
  storage::v1::CycleRecord record;
  record.mutable_cycle()->set_cycle_id("bp-2017");
  record.mutable_cycle()->set_state(v1::CYCLE_STATE_NOMINATIONS_OPEN);
  *record.mutable_cycle()->mutable_config() = config;
  return record;
}

Nominee Bergen() {
  return {"4601", "Bergen", "Bergen", stats::v1::IMDI_REGION_VEST, {"1201", "4601"}};
}

v1::Nominator Office(stats::v1::ImdiRegion region) {
  v1::Nominator n;
  n.set_kind(kOffice);
  n.set_imdi_region(region);
  return n;
}

v1::Evaluation Eligible(bool eligible) {
  v1::Evaluation e;
  e.set_eligible(eligible);
  e.mutable_requirement()->set_explanation("settled 40 of 50 requested");
  return e;
}

TEST(NominationPolicyTest, RegionNamesAreTheOfficesNames) {
  EXPECT_EQ(RegionName(stats::v1::IMDI_REGION_VEST), "IMDi Vest");
  EXPECT_EQ(RegionName(stats::v1::IMDI_REGION_MIDT_NORGE), "IMDi Midt-Norge");
  EXPECT_EQ(RegionName(stats::v1::IMDI_REGION_UNSPECIFIED), "no IMDi region");
}

TEST(NominationPolicyTest, OpenChecksTheStateTheNominatorAndTheDeadline) {
  v1::CycleConfig config = Config();
  const absl::Time now = absl::FromUnixSeconds(1'500'000'000);
  EXPECT_TRUE(CheckNominationOpen(v1::CYCLE_STATE_NOMINATIONS_OPEN, config, kOffice, now).ok());
  EXPECT_EQ(CheckNominationOpen(v1::CYCLE_STATE_DRAFT, config, kOffice, now).code(),
            absl::StatusCode::kFailedPrecondition);

  config.mutable_nomination_policy()->clear_nominators();
  config.mutable_nomination_policy()->add_nominators(kOffice);
  absl::Status s =
      CheckNominationOpen(v1::CYCLE_STATE_NOMINATIONS_OPEN, config, kMunicipality, now);
  EXPECT_EQ(ErrorReason(s), "NOMINATOR_NOT_ALLOWED");

  *config.mutable_nomination_policy()->mutable_deadline() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(1'499'999'999);
  s = CheckNominationOpen(v1::CYCLE_STATE_NOMINATIONS_OPEN, config, kOffice, now);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "DEADLINE_PASSED");
}

TEST(NominationPolicyTest, ARegionalOfficeNominatesInItsOwnRegion) {
  EXPECT_TRUE(CheckNominatorRegion(Office(stats::v1::IMDI_REGION_VEST), Bergen()).ok());
  absl::Status s = CheckNominatorRegion(Office(stats::v1::IMDI_REGION_NORD), Bergen());
  EXPECT_EQ(ErrorReason(s), "NOMINATOR_OUTSIDE_REGION");
  EXPECT_THAT(s.message(), HasSubstr("Bergen belongs to IMDi Vest"));
}

TEST(NominationPolicyTest, AdmitsAnEligibleNomineeWithoutOverride) {
  const storage::v1::CycleRecord record = RecordWith(Config());
  absl::StatusOr<std::string> admitted =
      AdmitNomination(record, Office(stats::v1::IMDI_REGION_VEST), Bergen(), Eligible(true), "");
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(*admitted, "");
}

TEST(NominationPolicyTest, AMunicipalityNominatesOnlyItselfByAnyOfItsCodes) {
  const storage::v1::CycleRecord record = RecordWith(Config());
  v1::Nominator self;
  self.set_kind(kMunicipality);
  self.set_municipality_code("1201");  // Bergen's code before 2020
  EXPECT_TRUE(AdmitNomination(record, self, Bergen(), Eligible(true), "").ok());
  self.set_municipality_code("5001");
  EXPECT_EQ(ErrorReason(AdmitNomination(record, self, Bergen(), Eligible(true), "").status()),
            "NOMINATOR_NOT_NOMINEE");
}

TEST(NominationPolicyTest, OneActiveNominationPerMunicipalityAndTheRegionsQuota) {
  storage::v1::CycleRecord record = RecordWith(Config());
  v1::Nomination& n = *record.add_nominations();
  n.set_nomination_id("n1");
  n.set_municipality_code("4601");
  n.set_imdi_region(stats::v1::IMDI_REGION_VEST);
  n.set_state(v1::NOMINATION_STATE_ACTIVE);
  absl::Status s =
      AdmitNomination(record, Office(stats::v1::IMDI_REGION_VEST), Bergen(), Eligible(true), "")
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(s), "ALREADY_NOMINATED");

  n.set_municipality_code("4631");  // another municipality of the region
  s = AdmitNomination(record, Office(stats::v1::IMDI_REGION_VEST), Bergen(), Eligible(true), "")
          .status();
  EXPECT_EQ(ErrorReason(s), "NOMINATION_REGION_TAKEN");

  n.set_state(v1::NOMINATION_STATE_WITHDRAWN);  // a withdrawn one counts for neither
  EXPECT_TRUE(
      AdmitNomination(record, Office(stats::v1::IMDI_REGION_VEST), Bergen(), Eligible(true), "")
          .ok());
}

TEST(NominationPolicyTest, AnIneligibleNomineeNeedsTheOverrideThePolicyAllows) {
  v1::CycleConfig config = Config();
  const v1::Nominator office = Office(stats::v1::IMDI_REGION_VEST);
  absl::Status s =
      AdmitNomination(RecordWith(config), office, Bergen(), Eligible(false), "").status();
  EXPECT_EQ(ErrorReason(s), "NOT_ELIGIBLE");
  EXPECT_THAT(s.message(), HasSubstr("settled 40 of 50 requested"));
  s = AdmitNomination(RecordWith(config), office, Bergen(), Eligible(false), "a good reason")
          .status();
  EXPECT_THAT(s.message(), HasSubstr("allows no override"));

  config.mutable_nomination_policy()->set_allow_override(true);
  absl::StatusOr<std::string> admitted =
      AdmitNomination(RecordWith(config), office, Bergen(), Eligible(false), "a good reason");
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(*admitted, "a good reason");
  // An eligible nominee stores no override, whatever the request says.
  admitted = AdmitNomination(RecordWith(config), office, Bergen(), Eligible(true), "a reason");
  ASSERT_TRUE(admitted.ok());
  EXPECT_EQ(*admitted, "");
}

TEST(NominationPolicyTest, ACycleTakesAtMostItsCapacityWithdrawnIncluded) {
  storage::v1::CycleRecord record = RecordWith(Config());
  record.mutable_cycle()->mutable_config()->mutable_nomination_policy()->set_max_per_region(0);
  for (int i = 0; i < kMaxNominationsPerCycle; ++i) {
    v1::Nomination& n = *record.add_nominations();
    n.set_municipality_code("0000");
    n.set_state(v1::NOMINATION_STATE_WITHDRAWN);
  }
  absl::Status s =
      AdmitNomination(record, Office(stats::v1::IMDI_REGION_VEST), Bergen(), Eligible(true), "")
          .status();
  EXPECT_EQ(ErrorReason(s), "NOMINATIONS_FULL");
}

}  // namespace
}  // namespace imdi::award
