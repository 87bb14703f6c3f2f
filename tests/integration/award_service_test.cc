// Both services in-process on free ports with real RocksDB stores: the
// statistics service loaded with the bundled data, the award service talking
// to it over gRPC, and the award API reached through the generated stub.
#include "award-service/service/award_service.h"

#include <functional>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "award-service/core/award_core.h"
#include "award-service/domain/comparables.h"
#include "award-service/server.h"
#include "award-service/stats/call_deadline.h"
#include "award-service/stats/grpc_stats_client.h"
#include "award-service/stats/stats_health_monitor.h"
#include "award-service/storage/award_store.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/server_host.h"
#include "common/worker_pool.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/client_interceptor.h"
#include "gtest/gtest.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "tests/testing/bundled_data.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/stats_server.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace imdi {
namespace {

namespace api = ::imdi::award::v1;
using ::testing::HasSubstr;

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

class AwardServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadStats();
    award::AwardServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("award");
    options.sync = false;
    options.security.insecure_dev = true;
    options.stats_target = stats_.target();
    options.stats_deadline = absl::Seconds(2);
    options.stats_attempts = 2;
    options.health_interval = absl::Milliseconds(20);
    options.comparables = kData + "regions/similarMunicipalities.json";
    options.workers = 4;
    options.store_workers = 2;
    auto server = award::AwardServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    host_ = *std::move(server);
    ASSERT_TRUE(host_->WaitUntilServing(absl::Seconds(10)));
    // The server's own channel to the statistics service, and a client of
    // the tests' own on it.
    stats_channel_ = host_->stats_channel();
    award::GrpcStatsClientOptions stats_options;
    stats_options.deadline = options.stats_deadline;
    stats_client_ = std::make_unique<award::GrpcStatsClient>(stats_channel_, stats_options);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = api::AwardService::NewStub(channel_);
    CreateCycle("2016", "bosettingsprisen-2016.json");
  }

  void TearDown() override {
    monitor_.reset();
    if (host_) host_->Shutdown(absl::Seconds(1));
  }

  void LoadStats() {
    ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(stats_.stub()));
    for (const char* file : {"imdikator/bosatt_anmodede.csv", "imdikator/befolkning_alder.csv",
                             "imdikator/intro_avslutning_direkte.csv",
                             "published/figures-2016-2017.csv"}) {
      auto parsed = import::ParseFiguresPath(kData + file);
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      grpc::ClientContext context;
      stats::v1::ImportFiguresResponse response;
      auto writer = stats_.stub().ImportFigures(&context, &response);
      for (const auto& r : import::ImportRequests(*parsed, file, stats::v1::FIGURES_STATUS_FINAL, 500)) {
        ASSERT_TRUE(writer->Write(r));
      }
      writer->WritesDone();
      ASSERT_TRUE(writer->Finish().ok());
    }
  }

  void CreateCycle(const std::string& id, const std::string& file) {
    auto config = award_files::LoadCycleConfig(kData + "award/" + file);
    ASSERT_TRUE(config.ok()) << config.status();
    api::CreateCycleRequest request;
    request.set_cycle_id(id);
    *request.mutable_config() = *config;
    grpc::ClientContext context;
    api::CreateCycleResponse response;
    grpc::Status status = stub_->CreateCycle(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Evaluate(const std::string& code, api::EvaluateMunicipalityResponse* out) {
    grpc::ClientContext context;
    api::EvaluateMunicipalityRequest request;
    request.set_cycle_id("2016");
    request.set_municipality_code(code);
    return stub_->EvaluateMunicipality(&context, request, out);
  }

  std::string Health() {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(api::AwardService::service_full_name());
    grpc::health::v1::HealthCheckResponse response;
    if (!health->Check(&context, request, &response).ok()) return "ERROR";
    return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
  }

  // Polls the health until it reads `want` (the monitor checks every 20 ms).
  bool HealthBecomes(const std::string& want) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      if (Health() == want) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  testing::TempDir dir_;
  testing::StatsServer stats_;
  // The award service as award-service/main.cc runs it.
  std::unique_ptr<award::AwardServer> host_;
  std::shared_ptr<grpc::Channel> stats_channel_;
  std::unique_ptr<award::GrpcStatsClient> stats_client_;
  std::unique_ptr<award::StatsHealthMonitor> monitor_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<api::AwardService::Stub> stub_;
};

TEST_F(AwardServiceTest, EvaluatesTrondheimOnTheStatsServiceFigures) {
  api::EvaluateMunicipalityResponse response;
  grpc::Status status = Evaluate("1601", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const api::Evaluation& e = response.evaluation();
  EXPECT_EQ(e.municipality_code(), "5001");
  EXPECT_EQ(e.imdi_region(), stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(e.verdict(), api::VERDICT_MET);
  std::map<std::string, api::CriterionResult> by_name;
  for (const auto& c : e.criteria()) by_name[c.criterion()] = c;
  EXPECT_THAT(by_name["region_share"].explanation(),
              HasSubstr("settled 627 of 2702 in IMDi Midt-Norge (published total) in 2016"));
  EXPECT_EQ(by_name["settled_as_requested"].verdict(), api::VERDICT_INSUFFICIENT_DATA);
  // 2016 population is not in the data: the comparison with comparable
  // municipalities says so instead of reading 0.
  EXPECT_EQ(by_name["above_comparables"].verdict(), api::VERDICT_INSUFFICIENT_DATA);
  for (const auto& f : by_name["settled_as_requested"].figures()) {
    EXPECT_EQ(f.data_version(), e.data_version());
  }
}

TEST_F(AwardServiceTest, ScreensTheWholeCountryInOneStream) {
  CreateCycle("replay", "bosettingsprisen-2015.json");
  grpc::ClientContext context;
  api::ScreenMunicipalitiesRequest request;
  request.set_cycle_id("2016");
  auto reader = stub_->ScreenMunicipalities(&context, request);
  api::ScreenMunicipalitiesResponse chunk;
  int count = 0, messages = 0;
  std::set<int64_t> versions;
  std::string previous;
  while (reader->Read(&chunk)) {
    ++messages;
    versions.insert(chunk.data_version());
    for (const auto& e : chunk.evaluations()) {
      EXPECT_LT(previous, e.municipality_code());
      previous = e.municipality_code();
      ++count;
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(count, 428);  // the municipalities of 2016
  EXPECT_GT(messages, 1);
  EXPECT_EQ(versions.size(), 1u);
}

// Counts the calls made on a channel, by method ("/package.Service/Method").
class CallCounter final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    absl::MutexLock lock(&mu_);
    ++calls_[info->method()];
    return nullptr;  // counted; nothing to intercept
  }
  std::map<std::string, int> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  int total() const {
    int sum = 0;
    for (const auto& [method, n] : calls()) sum += n;
    return sum;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
};

TEST_F(AwardServiceTest, AWholeCountryScreeningMakesAtMostThreeStatsCallsAtOneVersion) {
  // The award core on a channel of its own whose calls are counted.
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  auto* counter = new CallCounter;
  factories.emplace_back(counter);
  auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      stats_.target(), grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
      std::move(factories));
  award::GrpcStatsClient stats(channel);
  auto comparables = award::Comparables::Load(kData + "regions/similarMunicipalities.json");
  ASSERT_TRUE(comparables.ok()) << comparables.status();
  auto store = award::OpenRocksDbAwardStore({.path = dir_.Sub("counted"), .sync = false});
  ASSERT_TRUE(store.ok()) << store.status();
  award::AwardCore core(store->get(), &stats, *comparables);
  auto config = award_files::LoadCycleConfig(kData + "award/bosettingsprisen-2016.json");
  ASSERT_TRUE(config.ok());
  api::CreateCycleRequest create;
  create.set_cycle_id("2016");
  *create.mutable_config() = *config;
  ASSERT_TRUE(core.CreateCycle(create, award::Caller{}).ok());

  const int before = counter->total();
  api::ScreenMunicipalitiesRequest request;
  request.set_cycle_id("2016");
  int64_t version = 0;
  auto screened = core.ScreenMunicipalities(request, &version);
  ASSERT_TRUE(screened.ok()) << screened.status();
  EXPECT_LE(counter->total() - before, 3);
  EXPECT_EQ(counter->calls()["/imdi.stats.v1.StatsService/StreamFigures"], 1);
  EXPECT_EQ(counter->calls()["/imdi.stats.v1.StatsService/BatchGetAggregates"], 1);
  EXPECT_EQ(counter->calls()["/imdi.stats.v1.StatsService/GetAggregate"], 0);
  ASSERT_EQ(screened->size(), 428u);
  std::map<std::string, const api::Evaluation*> by_code;
  for (const api::Evaluation& e : *screened) {
    EXPECT_EQ(e.data_version(), version);
    by_code[e.municipality_code()] = &e;
  }
  // The basic view: the same verdicts and explanations, no figures.
  request.set_view(api::EVALUATION_VIEW_BASIC);
  auto basic = core.ScreenMunicipalities(request, &version);
  ASSERT_TRUE(basic.ok()) << basic.status();
  ASSERT_EQ(basic->size(), screened->size());
  for (size_t i = 0; i < basic->size(); ++i) {
    const api::Evaluation& full = (*screened)[i];
    const api::Evaluation& compact = (*basic)[i];
    EXPECT_EQ(compact.verdict(), full.verdict());
    EXPECT_EQ(compact.requirement().verdict(), full.requirement().verdict());
    EXPECT_EQ(compact.requirement().explanation(), full.requirement().explanation());
    ASSERT_EQ(compact.criteria_size(), full.criteria_size());
    for (int c = 0; c < full.criteria_size(); ++c) {
      EXPECT_EQ(compact.criteria(c).verdict(), full.criteria(c).verdict());
      EXPECT_EQ(compact.criteria(c).explanation(), full.criteria(c).explanation());
      EXPECT_EQ(compact.criteria(c).figures_size(), 0);
    }
  }
  // Each screened evaluation is what EvaluateMunicipality returns (through
  // the server, on its own channel) for the same municipality.
  // Codes of 2016; the evaluations name the codes of today.
  for (const char* code : {"1601", "0301", "1201", "1804", "0602", "1902", "1001"}) {
    api::EvaluateMunicipalityResponse one;
    grpc::Status status = Evaluate(code, &one);
    ASSERT_TRUE(status.ok()) << code << ": " << status.error_message();
    const std::string current = one.evaluation().municipality_code();
    ASSERT_EQ(by_code.count(current), 1u) << code << " " << current;
    EXPECT_EQ(by_code[current]->SerializeAsString(), one.evaluation().SerializeAsString())
        << code;
  }
}

TEST_F(AwardServiceTest, ErrorsCarryReasonsAndTheActorIsAudited) {
  {
    grpc::ClientContext context;
    api::GetCycleRequest request;
    request.set_cycle_id("1999");
    api::GetCycleResponse response;
    grpc::Status status = stub_->GetCycle(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "CYCLE_NOT_FOUND");
  }
  {
    grpc::ClientContext context;
    context.AddMetadata(award::kActorHeader, "imdi-admin");
    context.AddMetadata("x-request-id", "req-42");
    api::OpenNominationsRequest request;
    request.set_cycle_id("2016");
    api::OpenNominationsResponse response;
    ASSERT_TRUE(stub_->OpenNominations(&context, request, &response).ok());
  }
  grpc::ClientContext context;
  api::ListAuditEventsRequest request;
  request.set_cycle_id("2016");
  api::ListAuditEventsResponse response;
  ASSERT_TRUE(stub_->ListAuditEvents(&context, request, &response).ok());
  ASSERT_EQ(response.events_size(), 2);
  EXPECT_EQ(response.events(1).actor(), "imdi-admin");
  EXPECT_EQ(response.events(1).request_id(), "req-42");
  EXPECT_EQ(response.events(1).state_after(), api::CYCLE_STATE_NOMINATIONS_OPEN);
}

TEST_F(AwardServiceTest, StatsOutageIsUnavailableAndNotServingUntilItReturns) {
  monitor_ = std::make_unique<award::StatsHealthMonitor>(
      stats_client_.get(), absl::Milliseconds(20),
      [this](bool healthy, const absl::Status&) { host_->SetServing(healthy); });
  ASSERT_TRUE(HealthBecomes("SERVING"));
  const int port = stats_.port();
  stats_.Stop();
  ASSERT_TRUE(HealthBecomes("NOT_SERVING"));
  api::EvaluateMunicipalityResponse response;
  grpc::Status status = Evaluate("5001", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "STATS_UNAVAILABLE");
  EXPECT_THAT(status.error_message(), HasSubstr("statistics service is unreachable"));

  stats_.Start(port);
  ASSERT_TRUE(HealthBecomes("SERVING"));
  status = Evaluate("5001", &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(AwardServiceTest, BatchesAboveTheStatsLimitAreSplitAtOneVersion) {
  // 428 municipalities x 3 years is 1284 keys; the statistics service takes
  // at most 1000 per call.
  auto all = stats_client_->ListMunicipalities(0);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> codes;
  for (const auto& m : *all) {
    if (m.ExistsIn(2014)) codes.push_back(m.CodeIn(2014));
  }
  ASSERT_EQ(codes.size(), 428u);
  auto version = stats_client_->DataVersion();
  ASSERT_TRUE(version.ok());
  auto figures = stats_client_->BatchGetFigures(codes, 2012, 2014, *version);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->size(), 428u);
  int records = 0;
  for (const auto& [code, years] : *figures) {
    records += static_cast<int>(years.size());
    for (const auto& [year, f] : years) EXPECT_LE(f.data_version(), *version);
  }
  EXPECT_GT(records, 1000);
}

TEST_F(AwardServiceTest, TheStatsChannelRetriesReadsByItsServiceConfig) {
  api::EvaluateMunicipalityResponse response;
  ASSERT_TRUE(Evaluate("5001", &response).ok());
  const std::string config = stats_channel_->GetServiceConfigJSON();
  EXPECT_THAT(config, HasSubstr("retryPolicy"));
  EXPECT_THAT(config, HasSubstr("\"maxAttempts\":2"));
  EXPECT_THAT(config, HasSubstr("BatchGetFigures"));
  EXPECT_THAT(config, HasSubstr("UNAVAILABLE"));
}

TEST_F(AwardServiceTest, AnIncomingDeadlineBoundsTheStatsCalls) {
  // A deadline already spent by the time the worker runs: the statistics
  // service is not asked and the answer is DEADLINE_EXCEEDED, not a retry.
  award::ScopedCallDeadline spent(absl::Now() - absl::Seconds(1));
  auto version = stats_client_->DataVersion();
  EXPECT_EQ(version.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(award::OutgoingDeadline(absl::UnixEpoch(), absl::Seconds(5),
                                    absl::UnixEpoch() + absl::Seconds(2)),
            absl::UnixEpoch() + absl::Seconds(2));
  EXPECT_EQ(award::OutgoingDeadline(absl::UnixEpoch(), absl::Seconds(5), absl::InfiniteFuture()),
            absl::UnixEpoch() + absl::Seconds(5));
}

TEST_F(AwardServiceTest, EveryMethodAnswersBytesThatAreNotItsRequestWithInvalidArgument) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          api::AwardService::service_full_name());
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method =
        absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    std::vector<std::string> unreadable = {std::string("\x0a\x64zz")};  // field 1 cut short
    const google::protobuf::FieldDescriptor* first =
        service->method(i)->input_type()->FindFieldByNumber(1);
    if (first != nullptr && first->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      unreadable.push_back(std::string("\x0a\x02\xc3\x28"));  // field 1 is text, not UTF-8
    }
    for (const std::string& bytes : unreadable) {
      grpc::Status status = imdi::testing::CallWithBytes(channel_, method, {bytes});
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << method << ": " << status.error_code() << " " << status.error_message();
      EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "UNREADABLE_REQUEST") << method;
    }
  }
}

TEST_F(AwardServiceTest, ConfigurationsWithNumbersADecisionCannotRankAreRefused) {
  // JSON as an administrator would send it; "Infinity" is valid proto3 JSON.
  auto config = award_files::LoadCycleConfig(kData + "award/bosettingsprisen-2016.json");
  ASSERT_TRUE(config.ok());
  for (const auto& [field, edit] :
       std::vector<std::pair<std::string, std::function<void(api::CycleConfig&)>>>{
           {"config.decision_policy.scoring_criteria[0].weight",
            [](api::CycleConfig& c) {
              c.mutable_decision_policy()->mutable_scoring_criteria(0)->set_weight(1e308);
            }},
           {"config.decision_policy.max_score", [](api::CycleConfig& c) {
              c.mutable_decision_policy()->set_max_score(std::numeric_limits<double>::infinity());
            }}}) {
    api::CreateCycleRequest request;
    request.set_cycle_id("broken");
    *request.mutable_config() = *config;
    edit(*request.mutable_config());
    grpc::ClientContext context;
    api::CreateCycleResponse response;
    grpc::Status status = stub_->CreateCycle(&context, request, &response);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    const std::vector<FieldViolation> violations = FieldViolations(FromGrpcStatus(status));
    ASSERT_FALSE(violations.empty());
    EXPECT_EQ(violations[0].field, field);
  }
}

// A jury scores through the wire: a score sheet refused whole with every
// bad entry named, then recorded once however often it is sent, and the
// cycle's progress showing what each juror still owes.
TEST_F(AwardServiceTest, ScoreSheetsAndProgressThroughTheServer) {
  auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    return (stub_.get()->*method)(&context, request, response);
  };
  auto progress = [&] {
    api::GetCycleProgressRequest request;
    request.set_cycle_id("2016");
    api::GetCycleProgressResponse response;
    grpc::Status status = call(&api::AwardService::Stub::GetCycleProgress, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  EXPECT_EQ(progress().state(), api::CYCLE_STATE_DRAFT);
  api::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  api::OpenNominationsResponse opened;
  ASSERT_TRUE(call(&api::AwardService::Stub::OpenNominations, open, &opened).ok());
  EXPECT_TRUE(opened.warnings().empty());  // the 2016 cycle has no nomination deadline

  api::SubmitNominationRequest nominate;
  nominate.set_cycle_id("2016");
  nominate.set_municipality_code("5001");
  nominate.mutable_nominator()->set_kind(api::NOMINATOR_KIND_REGIONAL_OFFICE);
  nominate.mutable_nominator()->set_imdi_region(stats::v1::IMDI_REGION_MIDT_NORGE);
  nominate.set_justification("Settled more than asked, with housing found in every district.");
  for (const char* criterion : {"creative_housing", "anchored_plans"}) {
    api::AssessmentClaim* claim = nominate.add_claims();
    claim->set_criterion(criterion);
    claim->set_justification("A justification long enough for the assessed criterion.");
  }
  api::SubmitNominationResponse nominated;
  grpc::Status status = call(&api::AwardService::Stub::SubmitNomination, nominate, &nominated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string trondheim = nominated.nomination().nomination_id();
  {
    const api::GetCycleProgressResponse p = progress();
    ASSERT_EQ(p.regions_size(), 6);
    const api::RegionProgress& midt = p.regions(4);
    EXPECT_EQ(midt.imdi_region(), stats::v1::IMDI_REGION_MIDT_NORGE);
    EXPECT_EQ(midt.active(), 1);
    EXPECT_TRUE(midt.filled());
    EXPECT_EQ(p.pending_assessments_size(), 2);
  }

  api::AnnounceNomineesRequest announce;
  announce.set_cycle_id("2016");
  api::AnnounceNomineesResponse announced;
  status = call(&api::AwardService::Stub::AnnounceNominees, announce, &announced);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const char* criterion : {"creative_housing", "anchored_plans"}) {
    api::ConfirmAssessmentRequest confirm;
    confirm.set_cycle_id("2016");
    confirm.set_nomination_id(trondheim);
    confirm.set_criterion(criterion);
    confirm.set_confirmed(true);
    api::ConfirmAssessmentResponse confirmed;
    ASSERT_TRUE(call(&api::AwardService::Stub::ConfirmAssessment, confirm, &confirmed).ok());
  }
  for (const char* juror : {"a", "b"}) {
    api::RegisterJurorRequest reg;
    reg.set_cycle_id("2016");
    reg.mutable_juror()->set_juror_id(juror);
    reg.mutable_juror()->set_display_name(juror);
    reg.mutable_juror()->set_chair(std::string(juror) == "a");
    api::RegisterJurorResponse registered;
    ASSERT_TRUE(call(&api::AwardService::Stub::RegisterJuror, reg, &registered).ok());
  }
  api::StartJuryDeliberationRequest start;
  start.set_cycle_id("2016");
  api::StartJuryDeliberationResponse started;
  status = call(&api::AwardService::Stub::StartJuryDeliberation, start, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();

  api::SubmitScoreSheetRequest sheet;
  sheet.set_cycle_id("2016");
  sheet.set_juror_id("a");
  sheet.set_request_id("sheet-a-1");
  for (const auto& [criterion, score] : std::vector<std::pair<std::string, double>>{
           {"settlement", 9}, {"qualification", 11}, {"anchoring", 8}, {"charm", 5}}) {
    api::ScoreSheetEntry* e = sheet.add_scores();
    e->set_nomination_id(trondheim);
    e->set_criterion(criterion);
    e->set_score(score);
  }
  api::SubmitScoreSheetResponse scored;
  status = call(&api::AwardService::Stub::SubmitScoreSheet, sheet, &scored);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const absl::Status refused = FromGrpcStatus(status);
  EXPECT_EQ(ErrorReason(refused), "INVALID_SCORES");
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolations(refused)) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::ElementsAre("scores[1].score", "scores[3].criterion"));
  EXPECT_EQ(progress().jurors(0).scores_recorded(), 0);

  sheet.mutable_scores(1)->set_score(7);
  sheet.mutable_scores()->RemoveLast();
  sheet.set_request_id("sheet-a-2");
  status = call(&api::AwardService::Stub::SubmitScoreSheet, sheet, &scored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(scored.scores_recorded(), 3);
  EXPECT_EQ(scored.scores_missing(), 0);
  ASSERT_EQ(scored.nominees_size(), 1);
  EXPECT_EQ(scored.nominees(0).scores_recorded(), 3);
  api::SubmitScoreSheetResponse again;
  ASSERT_TRUE(call(&api::AwardService::Stub::SubmitScoreSheet, sheet, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), scored.SerializeAsString());

  const api::GetCycleProgressResponse p = progress();
  EXPECT_EQ(p.state(), api::CYCLE_STATE_JURY_DELIBERATION);
  ASSERT_EQ(p.jurors_size(), 2);
  EXPECT_EQ(p.jurors(0).scores_recorded(), 3);
  EXPECT_EQ(p.jurors(1).scores_expected(), 3);
  EXPECT_EQ(p.jurors(1).missing_size(), 3);
  bool decide_seen = false;
  for (const api::TransitionProgress& t : p.transitions()) {
    if (t.method() != "DecideWinner") continue;
    decide_seen = true;
    EXPECT_FALSE(t.allowed());
    EXPECT_EQ(t.blockers_size(), 3);  // juror b's three scores
  }
  EXPECT_TRUE(decide_seen);
}

}  // namespace
}  // namespace imdi
