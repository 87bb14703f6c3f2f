// Tests of the checks of what an award request says in itself
// (award-service/domain/request_checks.h): each INVALID_ARGUMENT names the
// field, and claims are checked against the cycle's assessed criteria.
#include <string>

#include "absl/status/status.h"
#include "award-service/domain/request_checks.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(RequestChecksTest, ARequestIdIsShortPrintableAsciiOrEmpty) {
  EXPECT_TRUE(CheckRequestId("").ok());
  EXPECT_TRUE(CheckRequestId("imdictl-2017-04-01T10:00:00Z-1").ok());
  EXPECT_TRUE(CheckRequestId(std::string(kMaxRequestIdLength, 'x')).ok());
  EXPECT_EQ(CheckRequestId(std::string(kMaxRequestIdLength + 1, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRequestId("two words").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRequestId("bjørn").code(), absl::StatusCode::kInvalidArgument);
}

TEST(RequestChecksTest, AMunicipalityCodeIsFourDigits) {
  EXPECT_TRUE(CheckMunicipalityCode("0301", "municipality_code").ok());
  for (const char* bad : {"", "301", "03011", "03a1", "+301"}) {
    absl::Status s = CheckMunicipalityCode(bad, "nominator.municipality_code");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(FieldViolations(s),
                ElementsAre(Field(&FieldViolation::field, "nominator.municipality_code")));
  }
}

TEST(RequestChecksTest, ATextIsRequiredOrNotAndBounded) {
  EXPECT_TRUE(CheckRequestText("", "reason", false, 10).ok());
  EXPECT_THAT(CheckRequestText("", "reason", true, 10).message(), HasSubstr("required"));
  EXPECT_EQ(CheckRequestText("eleven char", "reason", true, 10).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRequestText("two\nlines", "reason", true, 100).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckRequestText("two\nparagraphs", "reason", true, 100, TextKind::kParagraphs).ok());
}

TEST(RequestChecksTest, IdsAreCheckedTogether) {
  FieldChecks checks;
  CheckIds(checks, "", "a b");
  const absl::Status s = checks.Result();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(s).size(), 2u);
}

TEST(RequestChecksTest, ClaimsNameAssessedCriteriaOnceWithAJustification) {
  v1::CycleConfig config;
  v1::Criterion* assessed = config.add_criteria();
  assessed->set_name("introduction");
  assessed->mutable_assessed()->set_min_justification_chars(10);
  google::protobuf::RepeatedPtrField<v1::AssessmentClaim> claims;
  v1::AssessmentClaim* claim = claims.Add();
  claim->set_criterion("introduction");
  claim->set_justification("æøå æøå æø");  // ten characters, more bytes
  EXPECT_TRUE(CheckClaims(config, claims).ok());

  claim->set_justification("æøå");
  absl::Status s = CheckClaims(config, claims);
  EXPECT_EQ(ErrorReason(s), "INVALID_CLAIMS");
  EXPECT_THAT(FieldViolations(s),
              ElementsAre(Field(&FieldViolation::field, "claims[0].justification")));

  claim->set_justification("a justification long enough");
  *claims.Add() = *claim;
  claims.Add()->set_criterion("unknown");  // no more is checked of it
  s = CheckClaims(config, claims);
  EXPECT_THAT(FieldViolations(s),
              ElementsAre(Field(&FieldViolation::field, "claims[1].criterion"),
                          Field(&FieldViolation::field, "claims[2].criterion")));
}

}  // namespace
}  // namespace imdi::award
