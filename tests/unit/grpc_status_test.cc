// Tests of the one absl <-> gRPC status mapping (common/grpc_status.h): what
// leaves a service fits the metadata a default client accepts, keeps its
// ErrorInfo, and never shows an internal error's message.
#include "common/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/utf8.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace imdi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(GrpcStatusTest, AnyErrorFitsWellUnderEightKibibytesOfTrailers) {
  // Built without the caps of common/errors.h, as a careless caller could:
  // 200 violations of 1 KB each and a 20 KB message that is not UTF-8.
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, "HUGE",
                                  absl::StrCat(std::string(20000, 'm'), "\xff"));
  google::rpc::BadRequest bad_request;
  for (int i = 0; i < 200; ++i) {
    auto* v = bad_request.add_field_violations();
    v->set_field(absl::StrCat("rows[", i, "]"));
    v->set_description(std::string(1000, 'd'));
  }
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));

  grpc::Status out = ToGrpcStatus(status, "test.imdi.no", "req-1");
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(out.error_message().size(), kMaxErrorMessageBytes);
  EXPECT_EQ(FirstInvalidUtf8(out.error_message()), std::nullopt);
  EXPECT_LE(out.error_details().size(), kMaxErrorDetailsBytes);
  // Base64 of the details plus the percent-encoded message: far below 8 KiB.
  EXPECT_LT(out.error_details().size() * 4 / 3 + out.error_message().size() * 3, 8192u);

  const absl::Status back = FromGrpcStatus(out);
  EXPECT_EQ(ErrorReason(back), "HUGE");
  EXPECT_EQ(ErrorMetadata(back).at("request_id"), "req-1");
  EXPECT_FALSE(FieldViolations(back).empty());  // as many as fit
  EXPECT_EQ(FieldViolations(back)[0].field, "rows[0]");
  // The client learns that the list is cut, and how long it was.
  EXPECT_LT(FieldViolations(back).size(), 200u);
  EXPECT_EQ(ErrorMetadata(back).at("violations_total"), "200");
}

TEST(GrpcStatusTest, InternalErrorsShowOnlyTheRequestId) {
  grpc::Status out = ToGrpcStatus(absl::InternalError("IO error: /var/lib/stats/000123.sst"),
                                  "test.imdi.no", "req-2");
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(out.error_message(), Not(HasSubstr("/var/lib")));
  EXPECT_THAT(out.error_message(), HasSubstr("req-2"));
}

}  // namespace
}  // namespace imdi
