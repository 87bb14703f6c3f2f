// The credentials files, the authorization table and the loopback rule of
// development mode.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/auth/access.h"
#include "common/auth/credentials.h"
#include "common/auth/sha256.h"
#include "common/server_security.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "imdi/award/v1/award.pb.h"
#include "imdi/award/v1/award_admin.pb.h"
#include "imdi/stats/v1/stats.pb.h"
#include "imdi/stats/v1/stats_admin.pb.h"
#include "tests/testing/temp_dir.h"

namespace imdi::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

TEST(Sha256Test, KnownDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CredentialStoreTest, TokensAreFoundByTheirHashAndCertificatesByName) {
  imdi::testing::TempDir dir;
  Write(dir.Sub("c"), "# comment\n\ntoken " + Sha256Hex("s3cret") +
                          "  imdi-midt  award.nominator region=IMDI_REGION_MIDT_NORGE  # office\n"
                          "cert award-service award-service award.service\n"
                          "token " + Sha256Hex("kinn") + " kinn award.nominator municipality=4602\n");
  auto store = CredentialStore::Open(dir.Sub("c"));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->size(), 3u);
  auto midt = (*store)->FindToken("s3cret");
  ASSERT_TRUE(midt.has_value());
  EXPECT_EQ(midt->name, "imdi-midt");
  EXPECT_TRUE(midt->Has(kAwardNominator));
  EXPECT_FALSE(midt->Has(kAwardAdmin));
  EXPECT_EQ(midt->region, "IMDI_REGION_MIDT_NORGE");
  EXPECT_EQ((*store)->FindToken("kinn")->municipality, "4602");
  EXPECT_FALSE((*store)->FindToken(Sha256Hex("s3cret")).has_value());  // the hash is no token
  EXPECT_FALSE((*store)->FindToken("S3cret").has_value());
  EXPECT_TRUE((*store)->FindCertificate("award-service")->Has(kAwardService));
  EXPECT_FALSE((*store)->FindCertificate("stranger").has_value());
}

TEST(CredentialStoreTest, BadLinesAreRefusedWithFileAndLine) {
  imdi::testing::TempDir dir;
  const std::string hash = Sha256Hex("t");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"token " + hash + " a stats.owner", "unknown role stats.owner"},
      {"token " + hash + " a award.nominator", "bound to a region= or a municipality="},
      {"token abc a stats.reader", "64 hex digits"},
      {"token " + hash + " a stats.reader colour=blue", "unknown attribute colour=blue"},
      {"token " + hash + " a award.nominator region=IMDI_REGION_OSLO", "unknown region"},
      {"key " + hash + " a stats.reader", "expected `token|cert"},
      {"token " + hash + " a stats.reader\ntoken " + hash + " b stats.reader", "the same token twice"},
      {"token " + Sha256Hex("") + " a stats.reader", "hash of an empty token"},
      {"token " + hash + " Anne@imdi.no award.juror", "a juror's principal is its juror id"},
      {"# only a comment", ": no credentials"},
  };
  for (const auto& [text, why] : cases) {
    Write(dir.Sub("c"), "# first line\n" + text + "\n");
    auto store = CredentialStore::Open(dir.Sub("c"));
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(store.status().message(), HasSubstr(why)) << text;
    EXPECT_THAT(store.status().message(), HasSubstr(dir.Sub("c") + ":")) << text;
  }
  EXPECT_EQ(CredentialStore::Open(dir.Sub("none")).status().code(), absl::StatusCode::kNotFound);
  imdi::testing::TempDir empty;
  EXPECT_EQ(CredentialStore::Open(empty.path()).status().code(), absl::StatusCode::kNotFound);
}

TEST(CredentialStoreTest, ADirectoryMergesItsCredentialFiles) {
  imdi::testing::TempDir dir;
  Write(dir.Sub("people.credentials"), "token " + Sha256Hex("a") + " alice award.admin\n");
  Write(dir.Sub("services.credentials"), "cert award-service award-service award.service\n");
  Write(dir.Sub("README"), "not a credentials file\n");
  auto store = CredentialStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->size(), 2u);
  EXPECT_TRUE((*store)->FindToken("a").has_value());
  // Reload picks up a new file, and a broken one keeps the old table.
  Write(dir.Sub("jury.credentials"), "token " + Sha256Hex("j") + " juror award.juror\n");
  ASSERT_TRUE((*store)->Reload().ok());
  EXPECT_TRUE((*store)->FindToken("j").has_value());
  Write(dir.Sub("jury.credentials"), "token x\n");
  EXPECT_FALSE((*store)->Reload().ok());
  EXPECT_TRUE((*store)->FindToken("j").has_value());
}

std::vector<std::string> MethodsOf(const google::protobuf::ServiceDescriptor* service) {
  std::vector<std::string> out;
  for (int i = 0; i < service->method_count(); ++i) {
    out.push_back(service->full_name() + "/" + service->method(i)->name());
  }
  return out;
}

TEST(AuthorizationTableTest, NamesEveryRpcOfBothServicesAndNothingElse) {
  std::vector<std::string> methods = MethodsOf(stats::v1::GetDataVersionRequest::descriptor()
                                                   ->file()->FindServiceByName("StatsService"));
  for (const auto& m : MethodsOf(award::v1::CreateCycleRequest::descriptor()->file()
                                     ->FindServiceByName("AwardService"))) {
    methods.push_back(m);
  }
  for (const auto* admin : {stats::v1::CreateBackupRequest::descriptor()->file()->FindServiceByName(
                                "StatsAdminService"),
                            award::v1::CreateBackupRequest::descriptor()->file()->FindServiceByName(
                                "AwardAdminService")}) {
    for (const auto& m : MethodsOf(admin)) methods.push_back(m);
  }
  EXPECT_THAT(TableMethods(), UnorderedElementsAreArray(methods));
  for (const std::string& m : methods) {
    const auto* roles = RolesFor(m);
    ASSERT_NE(roles, nullptr) << m;
    EXPECT_FALSE(roles->empty()) << m;
    for (absl::string_view role : *roles) EXPECT_TRUE(IsKnownRole(role)) << m << " " << role;
  }
  EXPECT_EQ(RolesFor("imdi.stats.v1.StatsService/DropEverything"), nullptr);
  // Backups are the operators' alone.
  for (const std::string m : {"CreateBackup", "ListBackups", "VerifyBackup"}) {
    EXPECT_THAT(*RolesFor("imdi.stats.v1.StatsAdminService/" + m), ElementsAre(kStatsAdmin));
    EXPECT_THAT(*RolesFor("imdi.award.v1.AwardAdminService/" + m), ElementsAre(kAwardAdmin));
  }
}

TEST(AuthorizationTableTest, ChannelzIsForTheAdminRoles) {
  for (const char* m : {"GetTopChannels", "GetServers", "GetServer", "GetServerSockets",
                        "GetChannel", "GetSubchannel", "GetSocket"}) {
    const auto* roles = RolesFor(absl::StrCat("grpc.channelz.v1.Channelz/", m));
    ASSERT_NE(roles, nullptr) << m;
    EXPECT_THAT(*roles, UnorderedElementsAreArray(std::vector<absl::string_view>{kStatsAdmin, kAwardAdmin})) << m;
  }
  EXPECT_EQ(RolesFor("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"), nullptr);
}

TEST(AuthorizationTableTest, TheRulesTheReadmeStates) {
  auto allows = [](const std::string& method, absl::string_view role) {
    const auto* roles = RolesFor(method);
    return roles != nullptr && std::find(roles->begin(), roles->end(), role) != roles->end();
  };
  const std::string s = "imdi.stats.v1.StatsService/";
  const std::string a = "imdi.award.v1.AwardService/";
  EXPECT_TRUE(allows(s + "StreamFigures", kAwardService));
  // The batched aggregates are read by exactly whoever may read one.
  ASSERT_NE(RolesFor(s + "BatchGetAggregates"), nullptr);
  EXPECT_EQ(*RolesFor(s + "BatchGetAggregates"), *RolesFor(s + "GetAggregate"));
  EXPECT_FALSE(allows(s + "PutFigures", kAwardService));
  EXPECT_FALSE(allows(s + "ImportFigures", kStatsReader));
  EXPECT_TRUE(allows(s + "ImportFigures", kStatsWriter));
  for (const char* m : {"OpenNominations", "AnnounceNominees", "AnnounceWinner", "CreateCycle"}) {
    EXPECT_TRUE(allows(a + m, kAwardAdmin)) << m;
    for (absl::string_view role : {kAwardNominator, kAwardJuror, kAwardAuditor}) {
      EXPECT_FALSE(allows(a + m, role)) << m << " " << role;
    }
  }
  EXPECT_TRUE(allows(a + "SubmitNomination", kAwardNominator));
  EXPECT_TRUE(allows(a + "SubmitScore", kAwardJuror));
  EXPECT_FALSE(allows(a + "SubmitScore", kAwardAdmin));
  EXPECT_TRUE(allows(a + "ListAuditEvents", kAwardAuditor));
  EXPECT_FALSE(allows(a + "ListAuditEvents", kAwardJuror));
}

TEST(ServerSecurityTest, PlaintextOnlyOnLoopback) {
  EXPECT_TRUE(IsLoopback("127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopback("localhost:0"));
  EXPECT_TRUE(IsLoopback("[::1]:50051"));
  EXPECT_FALSE(IsLoopback("0.0.0.0:50051"));
  EXPECT_FALSE(IsLoopback("10.0.0.5:50051"));
  EXPECT_FALSE(IsLoopback("stats.imdi.svc:50051"));
  EXPECT_FALSE(IsLoopback("127.0.0.1.example.com:50051"));
  EXPECT_FALSE(IsLoopback("127.0.0.256:50051"));
  EXPECT_TRUE(IsLoopback("127.1.2.3:1"));
}

}  // namespace
}  // namespace imdi::auth
