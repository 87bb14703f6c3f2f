// Both services in-process with real TLS (a throwaway CA made for the test),
// bearer tokens and client certificates: who is let in, with which roles,
// the award service's own rules for nominators and jurors, mutual TLS as an
// identity, and credentials reloaded without a restart.
#include <cstdlib>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "award-service/server.h"
#include "common/auth/access.h"
#include "common/auth/credentials.h"
#include "common/auth/sha256.h"
#include "common/auth/tls.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/server_host.h"
#include "common/worker_pool.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "stats-service/server.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace imdi {
namespace {

namespace api = ::imdi::award::v1;
using ::testing::HasSubstr;

const std::string kSource = IMDI_SOURCE_DIR;
const std::string kData = kSource + "/data/";

std::string Credentials(const std::map<std::string, std::string>& tokens_to_lines) {
  std::string out = "# test credentials\n";
  for (const auto& [token, rest] : tokens_to_lines) {
    absl::StrAppend(&out, "token ", auth::Sha256Hex(token), " ", rest, "\n");
  }
  absl::StrAppend(&out, "cert award-service award-service award.service\n");
  return out;
}

const std::map<std::string, std::string> kTokens = {
    {"admin-token", "imdi-admin award.admin"},
    {"stats-admin-token", "stats-ops stats.admin"},
    {"reader-token", "stats-reader stats.reader"},
    {"writer-token", "stats-loader stats.writer"},
    {"midt-token", "imdi-midt-norge award.nominator region=IMDI_REGION_MIDT_NORGE"},
    {"juror-a-token", "juror-a award.juror"},
    {"juror-b-token", "juror-b award.juror"},
    {"auditor-token", "riksrevisjon award.auditor"},
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// What a failed call says, with its details decoded.
struct Failure {
  grpc::StatusCode code;
  std::string reason;
  std::string message;
};
Failure Failed(const grpc::Status& status) {
  return {status.error_code(), ErrorReason(FromGrpcStatus(status)), status.error_message()};
}

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new testing::TempDir;
    const std::string command = absl::StrCat("bash ", kSource, "/tests/testing/make_pki.sh ",
                                             pki_->path(), " award-service stranger");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { delete pki_; }

  static std::string Pki(const std::string& name) { return pki_->Sub(name); }

  void SetUp() override {
    WriteFile(dir_.Sub("credentials"), Credentials(kTokens));
    // Both services as their binaries run them with --tls_cert, --tls_key,
    // --tls_client_ca and --credentials, reading the same credentials file.
    SecurityOptions security;
    security.tls_cert = Pki("server.pem");
    security.tls_key = Pki("server.key");
    security.tls_client_ca = Pki("ca.pem");
    security.credentials = dir_.Sub("credentials");

    stats::StatsServerOptions stats_options;
    stats_options.listen = "127.0.0.1:0";
    stats_options.data_dir = dir_.Sub("stats");
    stats_options.sync = false;
    stats_options.security = security;
    auto stats_server = stats::StatsServer::Start(stats_options);
    ASSERT_TRUE(stats_server.ok()) << stats_server.status();
    stats_host_ = *std::move(stats_server);
    stats_stub_ = stats::v1::StatsService::NewStub(Channel(stats_host_->port()));
    LoadStats();

    // The award service reaches the statistics service with its certificate.
    award::AwardServerOptions award_options;
    award_options.listen = "127.0.0.1:0";
    award_options.data_dir = dir_.Sub("award");
    award_options.sync = false;
    award_options.security = security;
    award_options.security.health_listen = "127.0.0.1:0";
    award_options.stats_target = absl::StrCat("127.0.0.1:", stats_host_->port());
    award_options.stats_tls = {Pki("ca.pem"), Pki("award-service.pem"), Pki("award-service.key")};
    award_options.workers = 4;
    award_options.store_workers = 4;
    auto award_server = award::AwardServer::Start(award_options);
    ASSERT_TRUE(award_server.ok()) << award_server.status();
    award_host_ = *std::move(award_server);
    ASSERT_TRUE(award_host_->WaitUntilServing(absl::Seconds(10)));
    credentials_ = std::make_unique<BothCredentials>(stats_host_.get(), award_host_.get());
    award_channel_ = Channel(award_host_->port());
    award_ = api::AwardService::NewStub(award_channel_);

    auto config = award_files::LoadCycleConfig(kData + "award/bosettingsprisen-2016.json");
    ASSERT_TRUE(config.ok());
    api::CreateCycleRequest create;
    create.set_cycle_id("2016");
    *create.mutable_config() = *config;
    api::CreateCycleResponse created;
    ASSERT_TRUE(award_->CreateCycle(Ctx("admin-token").get(), create, &created).ok());
  }

  void TearDown() override {
    if (award_host_) award_host_->Shutdown(absl::Seconds(1));
    if (stats_host_) stats_host_->Shutdown(absl::Seconds(1));
  }

  // A TLS channel to a local port, optionally with a client certificate.
  static std::shared_ptr<grpc::Channel> Channel(int port, const std::string& client_cn = "") {
    auth::ClientTlsFiles files{Pki("ca.pem"), "", ""};
    if (!client_cn.empty()) files = {Pki("ca.pem"), Pki(client_cn + ".pem"), Pki(client_cn + ".key")};
    auto credentials = auth::MakeChannelCredentials(files);
    EXPECT_TRUE(credentials.ok());
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port), *credentials, args);
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  void LoadStats() {
    auto municipalities = import::LoadMunicipalities(kData + "klass/kommuner-1994-2024.csv",
                                                     kData + "regions/kommuner.json");
    ASSERT_TRUE(municipalities.ok());
    auto request = import::MunicipalitiesRequest(*municipalities);
    ASSERT_TRUE(request.ok());
    stats::v1::BatchUpsertMunicipalitiesResponse upserted;
    grpc::Status status =
        stats_stub_->BatchUpsertMunicipalities(Ctx("writer-token").get(), *request, &upserted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    auto parsed = import::ParseFiguresPath(kData + "published/figures-2016-2017.csv");
    ASSERT_TRUE(parsed.ok());
    stats::v1::ImportFiguresResponse imported;
    auto context = Ctx("writer-token");
    auto writer = stats_stub_->ImportFigures(context.get(), &imported);
    for (const auto& r : import::ImportRequests(*parsed, "published", stats::v1::FIGURES_STATUS_FINAL, 500)) {
      ASSERT_TRUE(writer->Write(r));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }

  grpc::Status Nominate(const std::string& token, const std::string& code,
                        stats::v1::ImdiRegion office) {
    api::SubmitNominationRequest request;
    request.set_cycle_id("2016");
    request.set_municipality_code(code);
    request.mutable_nominator()->set_kind(api::NOMINATOR_KIND_REGIONAL_OFFICE);
    request.mutable_nominator()->set_imdi_region(office);
    request.set_justification("Settles many, over many years, in line with the request.");
    for (const char* criterion : {"creative_housing", "anchored_plans"}) {
      api::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion(criterion);
      claim->set_justification("A justification long enough for the configuration's minimum.");
    }
    api::SubmitNominationResponse response;
    return award_->SubmitNomination(Ctx(token).get(), request, &response);
  }

  grpc::Status Admin(const std::function<grpc::Status(grpc::ClientContext*)>& call) {
    return call(Ctx("admin-token").get());
  }

  // The credentials file of both servers, reloaded in each as on SIGHUP.
  class BothCredentials {
   public:
    BothCredentials(stats::StatsServer* stats, award::AwardServer* award)
        : stats_(stats), award_(award) {}
    absl::Status Reload() {
      absl::Status status = stats_->ReloadCredentials();
      status.Update(award_->ReloadCredentials());
      return status;
    }

   private:
    stats::StatsServer* const stats_;
    award::AwardServer* const award_;
  };

  static testing::TempDir* pki_;
  testing::TempDir dir_;
  std::unique_ptr<stats::StatsServer> stats_host_;
  std::unique_ptr<stats::v1::StatsService::Stub> stats_stub_;
  std::unique_ptr<award::AwardServer> award_host_;
  std::unique_ptr<BothCredentials> credentials_;
  std::shared_ptr<grpc::Channel> award_channel_;
  std::unique_ptr<api::AwardService::Stub> award_;
};

testing::TempDir* SecurityTest::pki_ = nullptr;

// Whether a server answers server reflection: one generic call to its
// method; a server without it says UNIMPLEMENTED.
bool ServesReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                 grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status.error_code() != grpc::StatusCode::UNIMPLEMENTED;
}

// A channelz call (an empty request: the defaults) with `token`; its status,
// and the reply's bytes in `reply`.
grpc::Status CallChannelz(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& token, std::string* reply) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.channelz.v1.Channelz/" + method, grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  std::vector<grpc::Slice> slices;
  reply->clear();
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      reply->append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return status;
}

TEST_F(SecurityTest, ChannelzIsForTheAdminRolesOnly) {
  std::string reply;
  auto stats_channel = Channel(stats_host_->port());
  // An admin sees the servers of the process, with their listening sockets.
  grpc::Status status = CallChannelz(stats_channel, "GetServers", "stats-admin-token", &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(reply, HasSubstr("chttp2 listener"));
  status = CallChannelz(award_channel_, "GetServers", "admin-token", &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(reply, HasSubstr("chttp2 listener"));
  status = CallChannelz(award_channel_, "GetTopChannels", "admin-token", &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Anyone else is refused and sees nothing.
  for (const char* token : {"reader-token", "writer-token", "juror-a-token"}) {
    status = CallChannelz(stats_channel, "GetServers", token, &reply);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << token;
    EXPECT_THAT(status.error_message(), HasSubstr("grpc.channelz.v1.Channelz/GetServers"));
    EXPECT_EQ(reply, "") << token;
  }
  status = CallChannelz(award_channel_, "GetTopChannels", "auditor-token", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(reply, "");
  status = CallChannelz(award_channel_, "GetServers", "", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(reply, "");
  status = CallChannelz(stats_channel, "GetServers", "no-such-token", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Never on the plaintext health port.
  auto plain = grpc::CreateChannel(absl::StrCat("127.0.0.1:", award_host_->health_port()),
                                   grpc::InsecureChannelCredentials());
  status = CallChannelz(plain, "GetServers", "admin-token", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(MetricsListenTest, AnAddressThatCannotBeBoundStopsTheStart) {
  testing::TempDir dir;
  stats::StatsServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.Sub("first");
  options.sync = false;
  options.security.insecure_dev = true;
  options.metrics_listen = "127.0.0.1:0";
  auto first = stats::StatsServer::Start(options);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_GT((*first)->metrics_port(), 0);
  options.data_dir = dir.Sub("second");
  options.metrics_listen = absl::StrCat("127.0.0.1:", (*first)->metrics_port());
  auto second = stats::StatsServer::Start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("--metrics_listen"));
  EXPECT_EQ(StartFailureExitCode(second.status()), 1);
  (*first)->Shutdown(absl::Seconds(1));
}

TEST_F(SecurityTest, HealthNeedsNoCredentials) {
  auto health = grpc::health::v1::Health::NewStub(award_channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(SecurityTest, ProbesGetHealthOnAPlaintextPortThatServesNothingElse) {
  ASSERT_GT(award_host_->health_port(), 0);
  auto plain = grpc::CreateChannel(absl::StrCat("127.0.0.1:", award_host_->health_port()),
                                   grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(plain);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  request.set_service(api::AwardService::service_full_name());
  ASSERT_TRUE(health->Check(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  // Readiness follows the service; liveness ("") stays SERVING.
  award_host_->SetServing(false);
  ASSERT_TRUE(health->Check(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  request.clear_service();
  ASSERT_TRUE(health->Check(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  auto award = api::AwardService::NewStub(plain);
  api::ListWinnersResponse winners;
  EXPECT_EQ(award->ListWinners(Ctx("admin-token").get(), {}, &winners).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // Not even the schema: reflection is on the TLS port only.
  EXPECT_FALSE(ServesReflection(plain));
  EXPECT_TRUE(ServesReflection(award_channel_));
}

TEST_F(SecurityTest, ReflectionCanBeTurnedOff) {
  stats::StatsServerOptions options;  // stats-service --reflection=false
  options.listen = "127.0.0.1:0";
  options.data_dir = dir_.Sub("stats-without-reflection");
  options.sync = false;
  options.security.tls_cert = Pki("server.pem");
  options.security.tls_key = Pki("server.key");
  options.security.credentials = dir_.Sub("credentials");
  options.security.reflection = false;
  auto host = stats::StatsServer::Start(options);
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_FALSE(ServesReflection(Channel((*host)->port())));
  (*host)->Shutdown(absl::Seconds(1));
}

TEST_F(SecurityTest, AStoredAnswerGoesBackOnlyToWhoAsked) {
  api::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  open.set_request_id("open-2016");
  api::OpenNominationsResponse opened;
  ASSERT_TRUE(award_->OpenNominations(Ctx("admin-token").get(), open, &opened).ok());
  ASSERT_TRUE(award_->OpenNominations(Ctx("admin-token").get(), open, &opened).ok());  // a retry
  // Another principal with the same request id and body gets no replay.
  auto tokens = kTokens;
  tokens["admin2-token"] = "imdi-admin-2 award.admin";
  WriteFile(dir_.Sub("credentials"), Credentials(tokens));
  ASSERT_TRUE(credentials_->Reload().ok());
  Failure other = Failed(award_->OpenNominations(Ctx("admin2-token").get(), open, &opened));
  EXPECT_EQ(other.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(other.reason, "REQUEST_ID_REUSED");
  EXPECT_THAT(other.message, ::testing::Not(HasSubstr("OpenNominations")));
}

TEST_F(SecurityTest, MissingOrWrongCredentialsAreUnauthenticatedWithoutSayingMore) {
  stats::v1::GetDataVersionResponse version;
  Failure none = Failed(stats_stub_->GetDataVersion(Ctx().get(), {}, &version));
  EXPECT_EQ(none.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(none.reason, "CREDENTIALS_REQUIRED");
  Failure wrong = Failed(stats_stub_->GetDataVersion(Ctx("guess").get(), {}, &version));
  EXPECT_EQ(wrong.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.reason, "INVALID_CREDENTIALS");
  // The same answer for a cycle that exists and one that does not.
  api::GetCycleResponse cycle;
  api::GetCycleRequest exists, missing;
  exists.set_cycle_id("2016");
  missing.set_cycle_id("1999");
  Failure a = Failed(award_->GetCycle(Ctx("guess").get(), exists, &cycle));
  Failure b = Failed(award_->GetCycle(Ctx("guess").get(), missing, &cycle));
  EXPECT_EQ(a.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.reason, b.reason);
}

TEST_F(SecurityTest, EachRpcClassTakesItsRoles) {
  stats::v1::GetDataVersionResponse version;
  EXPECT_TRUE(stats_stub_->GetDataVersion(Ctx("reader-token").get(), {}, &version).ok());
  stats::v1::PutFiguresRequest put;
  stats::v1::PutFiguresResponse put_response;
  Failure reader_writes = Failed(stats_stub_->PutFigures(Ctx("reader-token").get(), put, &put_response));
  EXPECT_EQ(reader_writes.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(reader_writes.message, HasSubstr("stats-reader may not call"));
  // A writer's malformed write gets past the gate to the validation.
  EXPECT_EQ(stats_stub_->PutFigures(Ctx("writer-token").get(), put, &put_response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Award roles do not reach the statistics service.
  EXPECT_EQ(stats_stub_->GetDataVersion(Ctx("admin-token").get(), {}, &version).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  api::ListAuditEventsRequest audit;
  audit.set_cycle_id("2016");
  api::ListAuditEventsResponse events;
  EXPECT_TRUE(award_->ListAuditEvents(Ctx("auditor-token").get(), audit, &events).ok());
  EXPECT_EQ(award_->ListAuditEvents(Ctx("midt-token").get(), audit, &events).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Denied alike whether the cycle exists or not.
  api::ListAuditEventsRequest missing = audit;
  missing.set_cycle_id("1999");
  EXPECT_EQ(Failed(award_->ListAuditEvents(Ctx("midt-token").get(), missing, &events)).message,
            Failed(award_->ListAuditEvents(Ctx("midt-token").get(), audit, &events)).message);
  // Every juror's scores: the auditor and the jury, not a nominator.
  api::ExportCycleResultsRequest results;
  results.set_cycle_id("2016");
  api::ExportCycleResultsResponse csv;
  EXPECT_TRUE(award_->ExportCycleResults(Ctx("auditor-token").get(), results, &csv).ok());
  EXPECT_EQ(award_->ExportCycleResults(Ctx("midt-token").get(), results, &csv).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Figures exports are a statistics read.
  stats::v1::ExportFiguresRequest export_request;
  export_request.set_format(stats::v1::EXPORT_FORMAT_CSV);
  export_request.add_years(2016);
  stats::v1::ExportFiguresResponse chunk;
  for (const auto& [token, code] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"reader-token", grpc::StatusCode::OK},
           {"admin-token", grpc::StatusCode::PERMISSION_DENIED}}) {
    std::unique_ptr<grpc::ClientContext> context = Ctx(token);
    auto reader = stats_stub_->ExportFigures(context.get(), export_request);
    while (reader->Read(&chunk)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), code) << token;
  }
  api::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  api::OpenNominationsResponse opened;
  for (const char* token : {"midt-token", "juror-a-token", "auditor-token", "reader-token"}) {
    EXPECT_EQ(award_->OpenNominations(Ctx(token).get(), open, &opened).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << token;
  }
  EXPECT_TRUE(award_->OpenNominations(Ctx("admin-token").get(), open, &opened).ok());
  api::GetCycleRequest get;
  get.set_cycle_id("2016");
  api::GetCycleResponse cycle;
  EXPECT_TRUE(award_->GetCycle(Ctx("juror-a-token").get(), get, &cycle).ok());
  EXPECT_EQ(Nominate("juror-a-token", "1601", stats::v1::IMDI_REGION_MIDT_NORGE).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SecurityTest, ANominatorNominatesOnlyInItsRegion) {
  api::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  api::OpenNominationsResponse opened;
  ASSERT_TRUE(award_->OpenNominations(Ctx("admin-token").get(), open, &opened).ok());
  Failure other_office = Failed(Nominate("midt-token", "1201", stats::v1::IMDI_REGION_VEST));
  EXPECT_EQ(other_office.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(other_office.reason, "NOMINATOR_NOT_BOUND");
  Failure other_region = Failed(Nominate("midt-token", "1201", stats::v1::IMDI_REGION_MIDT_NORGE));
  EXPECT_EQ(other_region.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(other_region.reason, "NOMINATOR_OUTSIDE_REGION");
  grpc::Status own = Nominate("midt-token", "1601", stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_TRUE(own.ok()) << own.error_message();

  api::ListAuditEventsRequest audit;
  audit.set_cycle_id("2016");
  api::ListAuditEventsResponse events;
  ASSERT_TRUE(award_->ListAuditEvents(Ctx("auditor-token").get(), audit, &events).ok());
  int refusals = 0;
  for (const auto& e : events.events()) {
    if (e.actor() == "imdi-midt-norge" && absl::StartsWith(e.detail(), "refused:")) ++refusals;
  }
  EXPECT_EQ(refusals, 2);
}

TEST_F(SecurityTest, JurorsActAsThemselvesInTheirCycles) {
  api::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  api::OpenNominationsResponse opened;
  ASSERT_TRUE(award_->OpenNominations(Ctx("admin-token").get(), open, &opened).ok());
  ASSERT_TRUE(Nominate("midt-token", "1601", stats::v1::IMDI_REGION_MIDT_NORGE).ok());
  api::AnnounceNomineesRequest announce;
  announce.set_cycle_id("2016");
  api::AnnounceNomineesResponse announced;
  ASSERT_TRUE(award_->AnnounceNominees(Ctx("admin-token").get(), announce, &announced).ok());
  const std::string nominee = announced.nominations(0).nomination_id();
  api::StartJuryDeliberationRequest start;
  start.set_cycle_id("2016");
  api::StartJuryDeliberationResponse started;
  ASSERT_TRUE(award_->StartJuryDeliberation(Ctx("admin-token").get(), start, &started).ok());
  api::RegisterJurorRequest reg;
  reg.set_cycle_id("2016");
  reg.mutable_juror()->set_juror_id("juror-a");
  reg.mutable_juror()->set_display_name("Juror A");
  api::RegisterJurorResponse registered;
  ASSERT_TRUE(award_->RegisterJuror(Ctx("admin-token").get(), reg, &registered).ok());

  api::SubmitScoreRequest score;
  score.set_cycle_id("2016");
  score.set_nomination_id(nominee);
  score.set_criterion("settlement");
  score.set_score(9);
  api::SubmitScoreResponse scored;
  score.set_juror_id("juror-b");
  EXPECT_EQ(Failed(award_->SubmitScore(Ctx("juror-b-token").get(), score, &scored)).reason,
            "NOT_A_JUROR_OF_THIS_CYCLE");
  EXPECT_EQ(Failed(award_->SubmitScore(Ctx("juror-a-token").get(), score, &scored)).reason,
            "NOT_THIS_JUROR");
  score.set_juror_id("juror-a");
  EXPECT_TRUE(award_->SubmitScore(Ctx("juror-a-token").get(), score, &scored).ok());
  EXPECT_EQ(award_->SubmitScore(Ctx("admin-token").get(), score, &scored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);  // administrators do not score

  api::DeclareConflictRequest conflict;
  conflict.set_cycle_id("2016");
  conflict.set_juror_id("juror-a");
  conflict.set_nomination_id(nominee);
  conflict.set_reason("advised the municipality");
  api::DeclareConflictResponse declared;
  ASSERT_TRUE(award_->DeclareConflict(Ctx("juror-a-token").get(), conflict, &declared).ok());
  Failure conflicted = Failed(award_->SubmitScore(Ctx("juror-a-token").get(), score, &scored));
  EXPECT_EQ(conflicted.reason, "JUROR_CONFLICTED");
  api::ConfirmAssessmentRequest confirm;
  confirm.set_cycle_id("2016");
  confirm.set_nomination_id(nominee);
  confirm.set_criterion("creative_housing");
  confirm.set_confirmed(true);
  api::ConfirmAssessmentResponse confirmed;
  EXPECT_EQ(Failed(award_->ConfirmAssessment(Ctx("juror-a-token").get(), confirm, &confirmed)).reason,
            "JUROR_CONFLICTED");
  api::DecideWinnerRequest decide;
  decide.set_cycle_id("2016");
  api::DecideWinnerResponse decided;
  EXPECT_EQ(Failed(award_->DecideWinner(Ctx("juror-a-token").get(), decide, &decided)).reason,
            "CHAIR_ONLY");
}

TEST_F(SecurityTest, AClientCertificateIsAnIdentity) {
  auto as_award = stats::v1::StatsService::NewStub(Channel(stats_host_->port(), "award-service"));
  stats::v1::GetDataVersionResponse version;
  EXPECT_TRUE(as_award->GetDataVersion(Ctx().get(), {}, &version).ok());
  stats::v1::PutFiguresRequest put;
  stats::v1::PutFiguresResponse put_response;
  EXPECT_EQ(as_award->PutFigures(Ctx().get(), put, &put_response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto stranger = stats::v1::StatsService::NewStub(Channel(stats_host_->port(), "stranger"));
  Failure unknown = Failed(stranger->GetDataVersion(Ctx().get(), {}, &version));
  EXPECT_EQ(unknown.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.reason, "INVALID_CREDENTIALS");
  // The award service evaluates through its own certificate.
  api::EvaluateMunicipalityRequest evaluate;
  evaluate.set_cycle_id("2016");
  evaluate.set_municipality_code("1601");
  api::EvaluateMunicipalityResponse evaluation;
  grpc::Status status = award_->EvaluateMunicipality(Ctx("juror-a-token").get(), evaluate, &evaluation);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(evaluation.evaluation().verdict(), api::VERDICT_MET);
}

TEST_F(SecurityTest, CredentialsReloadWithoutARestart) {
  stats::v1::GetDataVersionResponse version;
  ASSERT_TRUE(stats_stub_->GetDataVersion(Ctx("reader-token").get(), {}, &version).ok());
  auto tokens = kTokens;
  tokens.erase("reader-token");
  tokens["new-reader-token"] = "stats-reader-2 stats.reader";
  WriteFile(dir_.Sub("credentials"), Credentials(tokens));
  ASSERT_TRUE(credentials_->Reload().ok());
  EXPECT_TRUE(stats_stub_->GetDataVersion(Ctx("new-reader-token").get(), {}, &version).ok());
  EXPECT_EQ(stats_stub_->GetDataVersion(Ctx("reader-token").get(), {}, &version).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A broken file keeps what worked.
  WriteFile(dir_.Sub("credentials"), "token not-a-hash someone stats.reader\n");
  EXPECT_FALSE(credentials_->Reload().ok());
  EXPECT_TRUE(stats_stub_->GetDataVersion(Ctx("new-reader-token").get(), {}, &version).ok());
}

TEST_F(SecurityTest, PlaintextDoesNotReachATlsServer) {
  auto plain = stats::v1::StatsService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", stats_host_->port()), grpc::InsecureChannelCredentials()));
  stats::v1::GetDataVersionResponse version;
  EXPECT_EQ(plain->GetDataVersion(Ctx("reader-token").get(), {}, &version).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace imdi
