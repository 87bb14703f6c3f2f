// A failed call's details decoded into one readable block.
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/rpc_error.h"

namespace imdi::imdictl {
namespace {

using ::testing::HasSubstr;

TEST(ImdictlRpcError, PreconditionFailureWithReasonAndViolations) {
  const absl::Status error = FailedPreconditionError(
      "NOMINATION_REGION_TAKEN", "IMDi Midt-Norge has nominated already",
      {{"REGION", "IMDI_REGION_MIDT_NORGE", "Trondheim is the region's nominee"},
       {"STATE", "cycle 2016", "nominations are open"}});
  const grpc::Status status = ToGrpcStatus(error, "award.imdi.no", "req-1");
  EXPECT_EQ(FormatRpcError("SubmitNomination", status),
            "imdictl: SubmitNomination failed: FAILED_PRECONDITION: IMDi Midt-Norge has "
            "nominated already\n"
            "  reason: NOMINATION_REGION_TAKEN (award.imdi.no)\n"
            "  precondition REGION IMDI_REGION_MIDT_NORGE: Trondheim is the region's nominee\n"
            "  precondition STATE cycle 2016: nominations are open\n"
            "  request_id: req-1\n");
  EXPECT_EQ(ExitCodeFor(status), kExitRpc);
}

TEST(ImdictlRpcError, EveryFieldViolationAndTheTotalWhenCut) {
  std::vector<FieldViolation> violations;
  for (int i = 0; i < 25; ++i) {
    violations.push_back({absl::StrCat("scores[", i, "].score"), "must be 1 to 10"});
  }
  const grpc::Status status =
      ToGrpcStatus(InvalidArgumentError("INVALID_FIELD", violations), "award.imdi.no", "");
  const std::string block = FormatRpcError("SubmitScoreSheet", status);
  EXPECT_THAT(block, HasSubstr("imdictl: SubmitScoreSheet failed: INVALID_ARGUMENT: "));
  EXPECT_THAT(block, HasSubstr("  reason: INVALID_FIELD (award.imdi.no)\n"));
  for (size_t i = 0; i < kMaxViolationsReported; ++i) {
    EXPECT_THAT(block, HasSubstr(absl::StrCat("  field scores[", i, "].score: must be 1 to 10\n")));
  }
  EXPECT_THAT(block, HasSubstr("  violations: 25 in all; the service listed fewer\n"));
}

TEST(ImdictlRpcError, DetailsBuiltByHandAsAnyServerWould) {
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  proto.set_message("bad");
  google::rpc::ErrorInfo info;
  info.set_reason("REQUEST_ID_REUSED");
  (*info.mutable_metadata())["violations_total"] = "3";
  proto.add_details()->PackFrom(info);
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("request_id");
  v->set_description("used before with another request");
  proto.add_details()->PackFrom(bad);
  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "bad", proto.SerializeAsString());
  EXPECT_EQ(FormatRpcError("OpenNominations", status),
            "imdictl: OpenNominations failed: INVALID_ARGUMENT: bad\n"
            "  reason: REQUEST_ID_REUSED\n"
            "  field request_id: used before with another request\n"
            "  violations: 3 in all; the service listed fewer\n");
}

TEST(ImdictlRpcError, WithoutDetailsAndUnreachable) {
  const grpc::Status status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses");
  EXPECT_EQ(FormatRpcError("GetCycle", status),
            "imdictl: GetCycle failed: UNAVAILABLE: failed to connect to all addresses\n");
  EXPECT_EQ(ExitCodeFor(status), kExitUnreachable);
  EXPECT_EQ(ExitCodeFor(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "")), kExitUnreachable);
  const grpc::Status garbled(grpc::StatusCode::INTERNAL, "x", "\xff\xff not a proto");
  EXPECT_THAT(FormatRpcError("GetCycle", garbled), HasSubstr("could not be decoded"));
}

}  // namespace
}  // namespace imdi::imdictl
