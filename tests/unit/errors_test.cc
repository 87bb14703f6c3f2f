// Tests of the error vocabulary in common/errors.h: reasons, field
// violations and precondition violations survive as absl::Status payloads
// encoded as the standard google.rpc messages.
#include "common/errors.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace imdi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ErrorsTest, MakeErrorCarriesCodeMessageAndReason) {
  absl::Status status =
      MakeError(absl::StatusCode::kNotFound, "UNKNOWN_MUNICIPALITY", "no such code");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no such code");
  EXPECT_EQ(ErrorReason(status), "UNKNOWN_MUNICIPALITY");
  EXPECT_THAT(FieldViolations(status), IsEmpty());
  EXPECT_THAT(PreconditionViolations(status), IsEmpty());
}

TEST(ErrorsTest, PlainStatusHasNoReasonOrViolations) {
  absl::Status status = absl::InvalidArgumentError("plain");
  EXPECT_EQ(ErrorReason(status), "");
  EXPECT_THAT(FieldViolations(status), IsEmpty());
  EXPECT_THAT(PreconditionViolations(status), IsEmpty());
  EXPECT_EQ(ErrorReason(absl::OkStatus()), "");
}

TEST(ErrorsTest, InvalidArgumentRoundTripsEveryViolationInOrder) {
  const std::vector<FieldViolation> violations = {
      {"figures.refugees_settled", "-1 is negative"},
      {"figures.population", "not plausible"},
  };
  absl::Status status = InvalidArgumentError("INVALID_FIGURES", violations);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_FIGURES");
  EXPECT_EQ(FieldViolations(status), violations);
  EXPECT_EQ(status.message(),
            "figures.refugees_settled: -1 is negative; figures.population: not plausible");
}

TEST(ErrorsTest, InvalidFieldErrorNamesOneField) {
  absl::Status status = InvalidFieldError("page_size", "-3 is negative");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_FIELD");
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(FieldViolation{"page_size", "-3 is negative"}));
}

TEST(ErrorsTest, OutOfRangeFieldErrorNamesTheField) {
  absl::Status status = OutOfRangeFieldError("as_of_version", "too new");
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ErrorReason(status), "OUT_OF_RANGE");
  EXPECT_THAT(FieldViolations(status),
              ElementsAre(FieldViolation{"as_of_version", "too new"}));
  EXPECT_THAT(status.message(), HasSubstr("as_of_version"));
}

TEST(ErrorsTest, FailedPreconditionRoundTripsViolations) {
  absl::Status status = FailedPreconditionError(
      "UNKNOWN_REFERENCE", "refers to a missing municipality",
      {{"REFERENCE", "1401", "must exist"}, {"STATE", "4602", "not yet"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "refers to a missing municipality");
  EXPECT_EQ(ErrorReason(status), "UNKNOWN_REFERENCE");
  std::vector<PreconditionViolation> got = PreconditionViolations(status);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, "REFERENCE");
  EXPECT_EQ(got[0].subject, "1401");
  EXPECT_EQ(got[0].description, "must exist");
  EXPECT_EQ(got[1].type, "STATE");
  EXPECT_EQ(got[1].subject, "4602");
  EXPECT_EQ(got[1].description, "not yet");
  EXPECT_THAT(FieldViolations(status), IsEmpty());
}

// The edge forwards payloads unchanged, so they must be the standard
// google.rpc messages under their standard type URLs.
TEST(ErrorsTest, PayloadsAreStandardGoogleRpcMessages) {
  absl::Status status = InvalidFieldError("filter", "bad");
  auto info_bytes = status.GetPayload(kErrorInfoTypeUrl);
  ASSERT_TRUE(info_bytes.has_value());
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(info.ParseFromString(std::string(*info_bytes)));
  EXPECT_EQ(info.reason(), "INVALID_FIELD");

  auto bad_request_bytes = status.GetPayload(kBadRequestTypeUrl);
  ASSERT_TRUE(bad_request_bytes.has_value());
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(bad_request.ParseFromString(std::string(*bad_request_bytes)));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "filter");
  EXPECT_EQ(bad_request.field_violations(0).description(), "bad");

  absl::Status precondition = FailedPreconditionError("R", "m", {{"T", "S", "D"}});
  auto failure_bytes = precondition.GetPayload(kPreconditionFailureTypeUrl);
  ASSERT_TRUE(failure_bytes.has_value());
  google::rpc::PreconditionFailure failure;
  ASSERT_TRUE(failure.ParseFromString(std::string(*failure_bytes)));
  ASSERT_EQ(failure.violations_size(), 1);
  EXPECT_EQ(failure.violations(0).subject(), "S");
}

TEST(ErrorsTest, MetadataJoinsTheErrorInfoAndKeepsTheReason) {
  absl::Status status = MakeError(absl::StatusCode::kInternal, "STORE_FAILED", "disk");
  AddErrorMetadata(status, "data_version", "41");
  AddErrorMetadata(status, "rows_committed", "500");
  EXPECT_EQ(ErrorReason(status), "STORE_FAILED");
  const std::map<std::string, std::string> metadata = ErrorMetadata(status);
  EXPECT_EQ(metadata.at("data_version"), "41");
  EXPECT_EQ(metadata.at("rows_committed"), "500");
  EXPECT_TRUE(ErrorMetadata(absl::InternalError("plain")).empty());
}

TEST(ErrorsTest, ManyViolationsAreCappedAndCounted) {
  std::vector<FieldViolation> violations;
  for (int i = 0; i < 1000; ++i) {
    violations.push_back({absl::StrCat("keys[", i, "]"), std::string(5000, 'd')});
  }
  absl::Status status = InvalidArgumentError("INVALID_FIELD", violations);
  const std::vector<FieldViolation> reported = FieldViolations(status);
  ASSERT_EQ(reported.size(), kMaxViolationsReported);
  EXPECT_LE(reported[0].description.size(), kMaxViolationPartBytes);
  EXPECT_EQ(ErrorMetadata(status).at("violations_total"), "1000");
  EXPECT_LE(status.message().size(), kMaxComposedMessageBytes + 32);
  EXPECT_THAT(std::string(status.message()), HasSubstr("more"));
}

TEST(ErrorsTest, WithMessageKeepsReasonAndDetails) {
  absl::Status status = InvalidFieldError("year", "out of range");
  absl::Status renamed = WithMessage(status, "message 3 of the stream: out of range");
  EXPECT_EQ(renamed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(renamed.message(), "message 3 of the stream: out of range");
  EXPECT_EQ(ErrorReason(renamed), "INVALID_FIELD");
  EXPECT_THAT(FieldViolations(renamed), ElementsAre(FieldViolation{"year", "out of range"}));
}

}  // namespace
}  // namespace imdi
