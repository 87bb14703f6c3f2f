// The statistics service end to end in one process: a real gRPC server on
// port 0 over a real RocksDB store, driven through the generated stub, with
// the bundled municipalities and IMDi figures loaded.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/stats_server.h"
#include "tools/import/import_requests.h"

namespace imdi::stats {
namespace {

namespace api = ::imdi::stats::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

// The status of a failed call with its google.rpc details as payloads.
absl::Status Failed(const grpc::Status& status) { return FromGrpcStatus(status); }

std::vector<std::string> Fields(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(Failed(status))) out.push_back(v.field);
  return out;
}

class StatsServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto municipalities =
        import::LoadMunicipalities(kData + "klass/kommuner-1994-2024.csv",
                                   kData + "regions/kommuner.json");
    ASSERT_TRUE(municipalities.ok()) << municipalities.status();
    municipalities_ = new import::MunicipalitySource(std::move(*municipalities));
    for (const char* file : {"imdikator/bosetting.csv", "imdikator/bosatt_anmodede.csv",
                             "imdikator/befolkning_alder.csv"}) {
      auto parsed = import::ParseFiguresPath(kData + file);
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      files_.push_back(new import::ParsedFile(std::move(*parsed)));
    }
  }
  static void TearDownTestSuite() {
    delete municipalities_;
    for (auto* f : files_) delete f;
    files_.clear();
  }

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(LoadMunicipalities()); }

  void LoadMunicipalities() {
    auto request = import::MunicipalitiesRequest(*municipalities_);
    ASSERT_TRUE(request.ok());
    grpc::ClientContext context;
    api::BatchUpsertMunicipalitiesResponse response;
    grpc::Status status = server_.stub().BatchUpsertMunicipalities(&context, *request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  api::ImportFiguresResponse Import(const import::ParsedFile& parsed, size_t batch = 500,
                                    const std::string& known_date = "") {
    grpc::ClientContext context;
    api::ImportFiguresResponse response;
    auto writer = server_.stub().ImportFigures(&context, &response);
    for (const auto& request :
         import::ImportRequests(parsed, "test.csv", api::FIGURES_STATUS_FINAL, batch, known_date)) {
      EXPECT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  void ImportAll() {
    for (const auto* f : files_) Import(*f);
  }

  grpc::Status GetFigures(const std::string& code, int year, api::GetFiguresResponse* out,
                          int64_t as_of = 0) {
    grpc::ClientContext context;
    api::GetFiguresRequest request;
    request.set_municipality_code(code);
    request.set_year(year);
    request.set_as_of_version(as_of);
    return server_.stub().GetFigures(&context, request, out);
  }

  int64_t DataVersion() {
    grpc::ClientContext context;
    api::GetDataVersionResponse response;
    EXPECT_TRUE(server_.stub().GetDataVersion(&context, {}, &response).ok());
    return response.data_version();
  }

  std::vector<api::Figures> ListAll(const std::string& filter, int page_size,
                                    int* pages = nullptr) {
    std::vector<api::Figures> out;
    std::string token;
    int count = 0;
    do {
      grpc::ClientContext context;
      api::ListFiguresRequest request;
      request.set_filter(filter);
      request.set_page_size(page_size);
      request.set_page_token(token);
      api::ListFiguresResponse response;
      grpc::Status status = server_.stub().ListFigures(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& f : response.figures()) out.push_back(f);
      token = response.next_page_token();
      ++count;
    } while (!token.empty());
    if (pages) *pages = count;
    return out;
  }

  static import::MunicipalitySource* municipalities_;
  static std::vector<import::ParsedFile*> files_;
  imdi::testing::StatsServer server_;
};

import::MunicipalitySource* StatsServiceTest::municipalities_ = nullptr;
std::vector<import::ParsedFile*> StatsServiceTest::files_;

TEST_F(StatsServiceTest, AnyCodeAMunicipalityHadReachesItsFigures) {
  ImportAll();
  api::GetFiguresResponse trondheim_old, trondheim_new, arendal_old, arendal_new;
  ASSERT_TRUE(GetFigures("1601", 2014, &trondheim_old).ok());
  ASSERT_TRUE(GetFigures("5001", 2014, &trondheim_new).ok());
  ASSERT_TRUE(GetFigures("0906", 2014, &arendal_old).ok());
  ASSERT_TRUE(GetFigures("4203", 2014, &arendal_new).ok());

  EXPECT_EQ(trondheim_old.figures().municipality_code(), "5001");
  EXPECT_EQ(trondheim_old.figures().code_at_the_time(), "1601");
  EXPECT_EQ(trondheim_old.figures().municipality_name(), "Trondheim");
  EXPECT_EQ(trondheim_old.figures().SerializeAsString(),
            trondheim_new.figures().SerializeAsString());
  EXPECT_EQ(arendal_old.figures().SerializeAsString(), arendal_new.figures().SerializeAsString());
  const api::Figures& arendal = arendal_old.figures();
  EXPECT_EQ(arendal.municipality_code(), "4203");
  EXPECT_EQ(arendal.code_at_the_time(), "0906");
  EXPECT_EQ(arendal.refugees_requested(), 95);
  EXPECT_EQ(arendal.refugees_decided(), 95);
  EXPECT_EQ(arendal.refugees_settled(), 85);
  EXPECT_EQ(arendal.population(), 43841);
  EXPECT_EQ(arendal.status(), api::FIGURES_STATUS_FINAL);
  EXPECT_FALSE(arendal.etag().empty());
}

TEST_F(StatsServiceTest, UnknownIsAbsentAndZeroIsZero) {
  ImportAll();
  api::GetFiguresResponse lavangen;
  ASSERT_TRUE(GetFigures("1920", 2012, &lavangen).ok());
  EXPECT_FALSE(lavangen.figures().has_refugees_decided());
  ASSERT_TRUE(lavangen.figures().has_refugees_requested());
  EXPECT_EQ(lavangen.figures().refugees_requested(), 0);
  EXPECT_FALSE(lavangen.figures().has_minors_settled());
}

TEST_F(StatsServiceTest, MalformedRequestsAreInvalidArgumentWithTheField) {
  api::GetFiguresResponse response;
  grpc::Status bad_code = GetFigures("906", 2014, &response);
  EXPECT_EQ(bad_code.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(bad_code), ElementsAre("municipality_code"));
  EXPECT_EQ(ErrorReason(Failed(bad_code)), "INVALID_FIELD");

  grpc::Status bad_year = GetFigures("0906", 1989, &response);
  EXPECT_EQ(bad_year.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(bad_year), ElementsAre("year"));

  grpc::Status unknown = GetFigures("0999", 2014, &response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(Failed(unknown)), "UNKNOWN_MUNICIPALITY");

  grpc::Status no_figures = GetFigures("0906", 2030, &response);
  EXPECT_EQ(no_figures.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(Failed(no_figures)), "FIGURES_NOT_FOUND");

  grpc::Status not_yet = GetFigures("4602", 2014, &response);  // Kinn, formed 2020
  EXPECT_EQ(not_yet.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(Failed(not_yet)), "MUNICIPALITY_NOT_IN_YEAR");
  EXPECT_THAT(not_yet.error_message(), HasSubstr("Flora (1401)"));

  grpc::Status future = GetFigures("0906", 2014, &response, DataVersion() + 1);
  EXPECT_EQ(future.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(Fields(future), ElementsAre("as_of_version"));
}

TEST_F(StatsServiceTest, EveryErrorCarriesTheRequestIdTheClientSent) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "test-request-1");
  api::GetFiguresRequest request;
  request.set_municipality_code("x");
  api::GetFiguresResponse response;
  grpc::Status status = server_.stub().GetFigures(&context, request, &response);
  ASSERT_FALSE(status.ok());
  auto echoed = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "test-request-1");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.domain(), "stats.imdi.no");
  EXPECT_EQ(info.metadata().at("request_id"), "test-request-1");
}

TEST_F(StatsServiceTest, PutFiguresVersionsAndRefusesStaleEtags) {
  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code("1601");  // an old code of Trondheim
  put.mutable_figures()->set_year(2016);
  put.mutable_figures()->set_refugees_settled(627);
  put.mutable_figures()->set_minors_settled(123);
  put.mutable_figures()->set_source("IMDi 2017");
  api::PutFiguresResponse first;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server_.stub().PutFigures(&context, put, &first).ok());
  }
  EXPECT_TRUE(first.changed());
  EXPECT_EQ(first.figures().municipality_code(), "5001");
  EXPECT_EQ(first.figures().revision(), 1);
  const int64_t v1 = first.figures().data_version();

  // Update with the current etag and a mask: only the masked field changes.
  api::PutFiguresRequest update;
  update.mutable_figures()->set_municipality_code("5001");
  update.mutable_figures()->set_year(2016);
  update.mutable_figures()->set_refugees_requested(600);
  update.mutable_figures()->set_etag(first.figures().etag());
  update.mutable_update_mask()->add_paths("refugees_requested");
  api::PutFiguresResponse second;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server_.stub().PutFigures(&context, update, &second).ok());
  }
  EXPECT_EQ(second.figures().revision(), 2);
  EXPECT_EQ(second.figures().refugees_settled(), 627);
  EXPECT_EQ(second.figures().refugees_requested(), 600);
  EXPECT_NE(second.figures().etag(), first.figures().etag());

  // The first etag is now stale: ABORTED, and nothing changes.
  const int64_t before = DataVersion();
  update.mutable_figures()->set_refugees_requested(1);
  api::PutFiguresResponse stale;
  grpc::ClientContext context;
  grpc::Status status = server_.stub().PutFigures(&context, update, &stale);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(Failed(status)), "ETAG_MISMATCH");
  EXPECT_EQ(DataVersion(), before);
  api::GetFiguresResponse now;
  ASSERT_TRUE(GetFigures("5001", 2016, &now).ok());
  EXPECT_EQ(now.figures().refugees_requested(), 600);

  // As of the first write, the first revision exactly.
  api::GetFiguresResponse then;
  ASSERT_TRUE(GetFigures("5001", 2016, &then, v1).ok());
  EXPECT_FALSE(then.figures().has_refugees_requested());
  EXPECT_EQ(then.figures().revision(), 1);
  EXPECT_EQ(then.data_version(), v1);

  grpc::ClientContext history_context;
  api::GetFiguresHistoryRequest history_request;
  history_request.set_municipality_code("1601");
  history_request.set_year(2016);
  api::GetFiguresHistoryResponse history;
  ASSERT_TRUE(server_.stub().GetFiguresHistory(&history_context, history_request, &history).ok());
  ASSERT_EQ(history.revisions_size(), 2);
  EXPECT_EQ(history.revisions(0).revision(), 1);
  EXPECT_EQ(history.revisions(1).refugees_requested(), 600);
}

TEST_F(StatsServiceTest, RejectedWritesChangeNothing) {
  const int64_t before = DataVersion();
  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code("0906");
  put.mutable_figures()->set_year(2014);
  put.mutable_figures()->set_refugees_settled(-1);
  put.mutable_figures()->set_minors_requested(5);
  put.mutable_figures()->set_refugees_requested(2);
  api::PutFiguresResponse response;
  grpc::ClientContext context;
  grpc::Status status = server_.stub().PutFigures(&context, put, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ::testing::UnorderedElementsAre("figures.refugees_settled",
                                                              "figures.minors_requested"));
  EXPECT_EQ(DataVersion(), before);

  api::PutFiguresRequest unknown_mask;
  unknown_mask.mutable_figures()->set_municipality_code("0906");
  unknown_mask.mutable_figures()->set_year(2014);
  unknown_mask.mutable_update_mask()->add_paths("revision");
  grpc::ClientContext mask_context;
  status = server_.stub().PutFigures(&mask_context, unknown_mask, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("update_mask"));
  EXPECT_EQ(DataVersion(), before);
}

TEST_F(StatsServiceTest, ImportIsIdempotentAndReportsRowsWithLines) {
  const api::ImportFiguresResponse first = Import(*files_[0]);
  EXPECT_EQ(first.rows_received(), static_cast<int64_t>(files_[0]->records.size()));
  // IMDi's export writes every year in the codes of its latest year:
  // Harstad's 2012 figures under 1903, the code it got in 2013, are
  // Harstad's. The file says so (codes_year 2014) and nothing is refused.
  EXPECT_EQ(first.rows_changed(), first.rows_received());
  EXPECT_EQ(first.rows_rejected(), 0);
  const int64_t after_first = DataVersion();

  const api::ImportFiguresResponse again = Import(*files_[0], 97);
  EXPECT_EQ(again.rows_changed(), 0);
  EXPECT_EQ(again.rows_unchanged(), again.rows_received());
  EXPECT_EQ(again.rows_rejected(), 0);
  EXPECT_EQ(DataVersion(), after_first);  // no new revisions, no new version

  // A stream with a bad row: that row is reported, the others are written.
  import::ParsedFile bad;
  import::ImportRecord good;
  good.line = 7;
  good.subject = Subject::Municipality(906);
  good.year = 2015;
  good.values[Count::kRefugeesSettled] = 120;
  import::ImportRecord unknown = good;
  unknown.line = 8;
  unknown.subject = Subject::Municipality(999);
  import::ImportRecord negative = good;
  negative.line = 9;
  negative.subject = Subject::Municipality(1601);
  negative.values[Count::kRefugeesSettled] = -3;
  bad.records = {good, unknown, negative};
  const api::ImportFiguresResponse mixed = Import(bad);
  EXPECT_EQ(mixed.rows_received(), 3);
  EXPECT_EQ(mixed.rows_changed(), 1);
  EXPECT_EQ(mixed.rows_rejected(), 2);
  ASSERT_EQ(mixed.errors_size(), 2);
  std::set<int64_t> lines = {mixed.errors(0).line(), mixed.errors(1).line()};
  EXPECT_EQ(lines, (std::set<int64_t>{8, 9}));
  for (const auto& e : mixed.errors()) {
    EXPECT_EQ(e.source(), "test.csv");
    EXPECT_FALSE(e.reason().empty());
  }
  api::GetFiguresResponse written;
  ASSERT_TRUE(GetFigures("0906", 2015, &written).ok());
  EXPECT_EQ(written.figures().refugees_settled(), 120);
}

TEST_F(StatsServiceTest, BatchGetKeepsOrderAndPinsOneVersion) {
  ImportAll();
  grpc::ClientContext context;
  api::BatchGetFiguresRequest request;
  for (auto [code, year] : std::vector<std::pair<const char*, int>>{
           {"0906", 2014}, {"1601", 2012}, {"4203", 2013}}) {
    api::FiguresKey* key = request.add_keys();
    key->set_municipality_code(code);
    key->set_year(year);
  }
  api::BatchGetFiguresResponse response;
  ASSERT_TRUE(server_.stub().BatchGetFigures(&context, request, &response).ok());
  ASSERT_EQ(response.figures_size(), 3);
  EXPECT_EQ(response.figures(0).year(), 2014);
  EXPECT_EQ(response.figures(1).municipality_code(), "5001");
  EXPECT_EQ(response.figures(1).year(), 2012);
  EXPECT_EQ(response.figures(2).municipality_code(), "4203");
  for (const auto& f : response.figures()) EXPECT_LE(f.data_version(), response.data_version());

  // A year without figures fails the batch unless allow_missing.
  api::FiguresKey* missing = request.add_keys();
  missing->set_municipality_code("0906");
  missing->set_year(2030);
  grpc::ClientContext strict_context;
  EXPECT_EQ(server_.stub().BatchGetFigures(&strict_context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_allow_missing(true);
  grpc::ClientContext lenient_context;
  ASSERT_TRUE(server_.stub().BatchGetFigures(&lenient_context, request, &response).ok());
  ASSERT_EQ(response.figures_size(), 4);
  EXPECT_EQ(response.figures(3).revision(), 0);
  EXPECT_FALSE(response.figures(3).has_refugees_settled());
}

TEST_F(StatsServiceTest, ListFiguresPagesCoverEverythingOnceAtOneVersion) {
  ImportAll();
  const std::string filter = "county_code = \"09\" AND year >= 2013";
  int pages = 0;
  std::vector<api::Figures> paged = ListAll(filter, 7, &pages);
  // Aust-Agder had 15 municipalities in 2013-2014, each with figures.
  EXPECT_EQ(paged.size(), 30u);
  EXPECT_EQ(pages, 5);
  std::set<std::pair<std::string, int>> seen;
  for (const auto& f : paged) {
    EXPECT_TRUE(f.code_at_the_time().starts_with("09")) << f.code_at_the_time();
    EXPECT_GE(f.year(), 2013);
    EXPECT_TRUE(seen.emplace(f.municipality_code(), f.year()).second) << "duplicate";
  }

  // A page token pins the first page's data version: writes in between do
  // not shift or change later pages.
  grpc::ClientContext first_context;
  api::ListFiguresRequest request;
  request.set_filter(filter);
  request.set_page_size(10);
  api::ListFiguresResponse first;
  ASSERT_TRUE(server_.stub().ListFigures(&first_context, request, &first).ok());
  // Change the last record of the listing, which is on a later page.
  const api::Figures target = paged.back();
  ASSERT_NE(target.refugees_settled(), 1);
  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code(target.municipality_code());
  put.mutable_figures()->set_year(target.year());
  put.mutable_figures()->set_refugees_settled(1);
  put.mutable_update_mask()->add_paths("refugees_settled");
  grpc::ClientContext put_context;
  api::PutFiguresResponse put_response;
  ASSERT_TRUE(server_.stub().PutFigures(&put_context, put, &put_response).ok());
  request.set_page_token(first.next_page_token());
  std::vector<api::Figures> rest;
  api::ListFiguresResponse page;
  do {
    grpc::ClientContext context;
    ASSERT_TRUE(server_.stub().ListFigures(&context, request, &page).ok());
    EXPECT_EQ(page.data_version(), first.data_version());
    for (const auto& f : page.figures()) rest.push_back(f);
    request.set_page_token(page.next_page_token());
  } while (!page.next_page_token().empty());
  EXPECT_EQ(first.figures_size() + rest.size(), 30u);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.back().municipality_code(), target.municipality_code());
  EXPECT_EQ(rest.back().year(), target.year());
  EXPECT_EQ(rest.back().refugees_settled(), target.refugees_settled());

  // The token belongs to its filter.
  grpc::ClientContext other_context;
  api::ListFiguresRequest other;
  other.set_filter("county_code = \"10\"");
  other.set_page_token(first.next_page_token());
  api::ListFiguresResponse ignored;
  grpc::Status status = server_.stub().ListFigures(&other_context, other, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("page_token"));
}

TEST_F(StatsServiceTest, FiltersRejectUnknownFields) {
  grpc::ClientContext context;
  api::ListFiguresRequest request;
  request.set_filter("kommune = \"0906\"");
  api::ListFiguresResponse response;
  grpc::Status status = server_.stub().ListFigures(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("filter"));
  EXPECT_EQ(ErrorReason(Failed(status)), "INVALID_FILTER");
  EXPECT_THAT(status.error_message(), HasSubstr("kommune"));
}

TEST_F(StatsServiceTest, StreamFiguresMatchesListFiguresAtOneVersion) {
  ImportAll();
  const std::string filter = "imdi_region = MIDT_NORGE AND year = 2014";
  std::vector<api::Figures> listed = ListAll(filter, 1000);
  grpc::ClientContext context;
  api::StreamFiguresRequest request;
  request.set_filter(filter);
  auto reader = server_.stub().StreamFigures(&context, request);
  api::StreamFiguresResponse chunk;
  std::vector<api::Figures> streamed;
  std::set<int64_t> versions;
  while (reader->Read(&chunk)) {
    versions.insert(chunk.data_version());
    for (const auto& f : chunk.figures()) streamed.push_back(f);
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(versions.size(), 1u);
  // IMDi Midt-Norge had 84 municipalities in 2015 (regions/kommuner.json).
  EXPECT_EQ(streamed.size(), 84u);
  ASSERT_EQ(streamed.size(), listed.size());
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].SerializeAsString(), listed[i].SerializeAsString());
  }
}

// Streams repeated at one data version are sent from the reply cache: the
// same messages, byte for byte; a write makes the latest stream read again,
// and a stream pinned to the old version still gives the old figures.
TEST_F(StatsServiceTest, RepeatedStreamsAreTheSameAndAWriteIsSeenAtOnce) {
  ImportAll();
  auto stream = [&](int64_t as_of) {
    grpc::ClientContext context;
    api::StreamFiguresRequest request;
    request.set_filter("imdi_region = MIDT_NORGE AND year = 2014");
    request.set_as_of_version(as_of);
    auto reader = server_.stub().StreamFigures(&context, request);
    api::StreamFiguresResponse chunk;
    std::vector<std::string> messages;
    while (reader->Read(&chunk)) messages.push_back(chunk.SerializeAsString());
    EXPECT_TRUE(reader->Finish().ok());
    return messages;
  };
  const int64_t before = DataVersion();
  const std::vector<std::string> first = stream(0);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(stream(0), first);
  EXPECT_EQ(stream(before), first);

  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code("5001");
  put.mutable_figures()->set_year(2014);
  put.mutable_figures()->set_minors_settled(77);
  put.mutable_update_mask()->add_paths("minors_settled");
  api::PutFiguresResponse written;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server_.stub().PutFigures(&context, put, &written).ok());
  }
  const std::vector<std::string> after = stream(0);
  ASSERT_NE(after, first);
  api::StreamFiguresResponse chunk;
  bool seen = false;
  for (const std::string& message : after) {
    ASSERT_TRUE(chunk.ParseFromString(message));
    EXPECT_EQ(chunk.data_version(), written.figures().data_version());
    for (const api::Figures& f : chunk.figures()) {
      if (f.municipality_code() == "5001") seen = f.minors_settled() == 77;
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(stream(before), first);
}

TEST_F(StatsServiceTest, NationalAggregateSitsNextToThePublishedTotal) {
  ImportAll();
  grpc::ClientContext context;
  api::GetAggregateRequest request;
  request.mutable_area()->set_kind(api::AREA_KIND_COUNTRY);
  request.set_year(2014);
  api::GetAggregateResponse response;
  ASSERT_TRUE(server_.stub().GetAggregate(&context, request, &response).ok());
  EXPECT_EQ(response.municipality_count(), 428);
  // Published national total 7,784 (bosatt_anmodede.csv) against the sum
  // over municipalities, 7,719 (65 settled in unknown municipalities).
  EXPECT_EQ(response.refugees_settled().sum(), 7719);
  EXPECT_EQ(response.refugees_settled().published(), 7784);
  EXPECT_EQ(response.refugees_settled().published_minus_sum(), 65);
  EXPECT_EQ(response.refugees_settled().municipalities_missing(), 0);
  EXPECT_EQ(response.area().name(), "Norge");
  // The ratio comes from the sums, not from averaging municipal ratios.
  EXPECT_NEAR(response.settled_of_requested_pct().value(), 7719.0 / 10973.0 * 100, 1e-9);
  EXPECT_FALSE(response.intro_finished().has_sum());
  EXPECT_EQ(response.intro_finished().municipalities_missing(), 428);
}

// IMDi's 2015-2016 files as shipped and as the main job imports them: the
// 2015 table (codes without their leading zeros, the unknown municipality
// 9999) as of the import, and the eight 2016 snapshots in date order, each
// as known on its date. Every record is accepted. The snapshots leave
// settled empty throughout, which clears it as known on their dates only:
// the 2015 settlements, known later, survive the 2015 rows of 2016-01-26.
TEST_F(StatsServiceTest, The2015And2016FilesImportWhole) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv", ""},
      {"imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2015_2016-160126.csv",
       "2016-01-26"}};
  for (const char* month_day : {"0202", "0212", "0218", "0301", "0308", "0315", "0322"}) {
    const absl::string_view md(month_day);
    files.emplace_back(absl::StrCat("imdikator-2015-2016/snapshots-2016/"
                                    "bosatt_anmodede-kommune-2016-16",
                                    md, ".csv"),
                       absl::StrCat("2016-", md.substr(0, 2), "-", md.substr(2)));
  }
  for (const auto& [file, known_date] : files) {
    absl::StatusOr<import::ParsedFile> parsed = import::ParseFiguresPath(kData + file);
    ASSERT_TRUE(parsed.ok()) << file << ": " << parsed.status();
    ASSERT_TRUE(parsed->rejected.empty()) << file;
    const api::ImportFiguresResponse response = Import(*parsed, 500, known_date);
    EXPECT_EQ(response.rows_received(), static_cast<int64_t>(parsed->records.size())) << file;
    EXPECT_EQ(response.rows_rejected(), 0) << file << ": " << response.ShortDebugString();
  }
  // "101;2015;30;48;49", then 2015 rows with settled "." on 2016-01-26.
  api::GetFiguresResponse halden;
  ASSERT_TRUE(GetFigures("0101", 2015, &halden).ok());
  EXPECT_EQ(halden.figures().refugees_requested(), 30);
  EXPECT_TRUE(halden.figures().has_refugees_settled());
  EXPECT_EQ(halden.figures().refugees_settled(), 49);
  // 0622: decided 0 on 2016-01-26, nothing on 02-12, 15 from 03-08.
  api::GetFiguresResponse krodsherad;
  ASSERT_TRUE(GetFigures("0622", 2016, &krodsherad).ok());
  EXPECT_EQ(krodsherad.figures().refugees_decided(), 15);

  // The 9999 row: county 99, with its note.
  grpc::ClientContext context;
  api::GetFiguresRequest request;
  request.mutable_area()->set_kind(api::AREA_KIND_COUNTY);
  request.mutable_area()->set_county_code("99");
  request.set_year(2015);
  api::GetFiguresResponse unknown;
  ASSERT_TRUE(server_.stub().GetFigures(&context, request, &unknown).ok());
  EXPECT_EQ(unknown.figures().refugees_settled(), 74);
  EXPECT_FALSE(unknown.figures().has_refugees_requested());
  EXPECT_THAT(unknown.figures().note(), ::testing::HasSubstr("9999"));

  grpc::ClientContext aggregate_context;
  api::GetAggregateRequest aggregate;
  aggregate.mutable_area()->set_kind(api::AREA_KIND_COUNTRY);
  aggregate.set_year(2015);
  api::GetAggregateResponse national;
  ASSERT_TRUE(server_.stub().GetAggregate(&aggregate_context, aggregate, &national).ok());
  EXPECT_EQ(national.municipality_count(), 428);
  EXPECT_EQ(national.refugees_settled().sum(), 11268);
  EXPECT_EQ(national.refugees_settled().municipalities_missing(), 0);
  EXPECT_EQ(national.refugees_requested().sum(), 11185);
}

TEST_F(StatsServiceTest, RegionAggregateCountsMissingValues) {
  ImportAll();
  grpc::ClientContext context;
  api::GetAggregateRequest request;
  request.mutable_area()->set_kind(api::AREA_KIND_IMDI_REGION);
  request.mutable_area()->set_imdi_region(api::IMDI_REGION_NORD);
  request.set_year(2012);
  api::GetAggregateResponse response;
  ASSERT_TRUE(server_.stub().GetAggregate(&context, request, &response).ok());
  EXPECT_EQ(response.area().name(), "IMDi Nord");
  // Lavangen's decision (vedtak) for 2012 is not known.
  EXPECT_GE(response.refugees_decided().municipalities_missing(), 1);
  EXPECT_EQ(response.refugees_decided().municipalities_reported() +
                response.refugees_decided().municipalities_missing(),
            response.municipality_count());

  grpc::ClientContext bad_context;
  request.mutable_area()->set_imdi_region(api::IMDI_REGION_UNSPECIFIED);
  grpc::Status status = server_.stub().GetAggregate(&bad_context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("area.imdi_region"));
}

TEST_F(StatsServiceTest, BatchGetAggregatesIsGetAggregateForEachAreaAtOneVersion) {
  ImportAll();
  api::BatchGetAggregatesRequest batch;
  batch.set_year(2014);
  for (int r = api::IMDI_REGION_OST; r <= api::IMDI_REGION_NORD; ++r) {
    api::Area* area = batch.add_areas();
    area->set_kind(api::AREA_KIND_IMDI_REGION);
    area->set_imdi_region(static_cast<api::ImdiRegion>(r));
  }
  batch.add_areas()->set_kind(api::AREA_KIND_COUNTRY);
  grpc::ClientContext context;
  api::BatchGetAggregatesResponse batched;
  ASSERT_TRUE(server_.stub().BatchGetAggregates(&context, batch, &batched).ok());
  ASSERT_EQ(batched.aggregates_size(), batch.areas_size());
  for (int i = 0; i < batch.areas_size(); ++i) {
    api::GetAggregateRequest one;
    *one.mutable_area() = batch.areas(i);
    one.set_year(2014);
    one.set_as_of_version(batched.data_version());
    grpc::ClientContext one_context;
    api::GetAggregateResponse single;
    ASSERT_TRUE(server_.stub().GetAggregate(&one_context, one, &single).ok());
    EXPECT_EQ(batched.aggregates(i).SerializeAsString(), single.SerializeAsString()) << i;
    EXPECT_EQ(batched.aggregates(i).data_version(), batched.data_version());
  }

  // Malformed areas are named by their index; too many areas are refused.
  batch.mutable_areas(2)->set_imdi_region(api::IMDI_REGION_UNSPECIFIED);
  grpc::ClientContext bad_context;
  grpc::Status status = server_.stub().BatchGetAggregates(&bad_context, batch, &batched);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("areas[2].imdi_region"));
  api::BatchGetAggregatesRequest many;
  many.set_year(2014);
  for (int i = 0; i < 101; ++i) many.add_areas()->set_kind(api::AREA_KIND_COUNTRY);
  grpc::ClientContext many_context;
  status = server_.stub().BatchGetAggregates(&many_context, many, &batched);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("areas"));
}

TEST_F(StatsServiceTest, StreamFiguresCanCarryEveryMunicipalityFirst) {
  ImportAll();
  std::vector<api::Municipality> listed;
  api::ListMunicipalitiesRequest list;
  list.set_page_size(1000);
  do {
    grpc::ClientContext list_context;
    api::ListMunicipalitiesResponse page;
    ASSERT_TRUE(server_.stub().ListMunicipalities(&list_context, list, &page).ok());
    for (const auto& m : page.municipalities()) listed.push_back(m);
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());

  grpc::ClientContext context;
  api::StreamFiguresRequest request;
  request.set_filter("imdi_region = MIDT_NORGE AND year = 2014");
  request.set_include_municipalities(true);
  auto reader = server_.stub().StreamFigures(&context, request);
  api::StreamFiguresResponse chunk;
  std::vector<api::Municipality> streamed;
  size_t records = 0;
  while (reader->Read(&chunk)) {
    // Every municipality comes before the first record.
    if (chunk.municipalities_size() > 0) {
      EXPECT_EQ(records, 0u);
    }
    for (const auto& m : chunk.municipalities()) streamed.push_back(m);
    records += chunk.figures_size();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(records, 84u);  // the filter still selects the records
  ASSERT_EQ(streamed.size(), listed.size());
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].SerializeAsString(), listed[i].SerializeAsString());
  }
}

TEST_F(StatsServiceTest, MunicipalitiesKeepTheirHistory) {
  grpc::ClientContext context;
  api::GetMunicipalityRequest request;
  request.set_code("4602");
  api::GetMunicipalityResponse response;
  ASSERT_TRUE(server_.stub().GetMunicipality(&context, request, &response).ok());
  const api::Municipality& kinn = response.municipality();
  EXPECT_EQ(kinn.name(), "Kinn");
  EXPECT_EQ(kinn.imdi_region(), api::IMDI_REGION_VEST);
  ASSERT_EQ(kinn.predecessors_size(), 2);
  EXPECT_EQ(kinn.predecessors(0).name(), "Flora");
  EXPECT_EQ(kinn.predecessors(1).name(), "Vågsøy");
  EXPECT_EQ(kinn.valid_from_year(), 2020);

  grpc::ClientContext list_context;
  api::ListMunicipalitiesRequest list;
  list.set_filter("imdi_region = \"MIDT_NORGE\" AND year = 2015");
  list.set_page_size(1000);
  api::ListMunicipalitiesResponse listed;
  ASSERT_TRUE(server_.stub().ListMunicipalities(&list_context, list, &listed).ok());
  EXPECT_EQ(listed.municipalities_size(), 84);

  // Upsert with a stale etag is refused.
  api::UpsertMunicipalityRequest upsert;
  *upsert.mutable_municipality() = kinn;
  upsert.mutable_municipality()->set_note("updated");
  upsert.mutable_municipality()->set_etag("stale");
  grpc::ClientContext upsert_context;
  api::UpsertMunicipalityResponse upserted;
  EXPECT_EQ(server_.stub().UpsertMunicipality(&upsert_context, upsert, &upserted).error_code(),
            grpc::StatusCode::ABORTED);
  upsert.mutable_municipality()->set_etag(kinn.etag());
  grpc::ClientContext ok_context;
  ASSERT_TRUE(server_.stub().UpsertMunicipality(&ok_context, upsert, &upserted).ok());
  EXPECT_EQ(upserted.municipality().note(), "updated");
  EXPECT_EQ(upserted.municipality().revision(), 2);
}

TEST_F(StatsServiceTest, RestartKeepsEverything) {
  ImportAll();
  api::GetFiguresResponse before;
  ASSERT_TRUE(GetFigures("0906", 2014, &before).ok());
  const int64_t version = DataVersion();
  server_.Stop();
  server_.Start();
  EXPECT_EQ(DataVersion(), version);
  api::GetFiguresResponse after;
  ASSERT_TRUE(GetFigures("4203", 2014, &after).ok());
  EXPECT_EQ(after.figures().SerializeAsString(), before.figures().SerializeAsString());
}

TEST_F(StatsServiceTest, HealthIsServingForTheServerAndTheService) {
  auto health = grpc::health::v1::Health::NewStub(server_.channel());
  for (const std::string service : {"", "imdi.stats.v1.StatsService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(StatsServiceTest, PublishedTotalsOfAnAreaAreReadable) {
  ImportAll();
  grpc::ClientContext context;
  api::GetFiguresRequest request;
  request.mutable_area()->set_kind(api::AREA_KIND_COUNTRY);
  request.set_year(2014);
  api::GetFiguresResponse response;
  ASSERT_TRUE(server_.stub().GetFigures(&context, request, &response).ok());
  EXPECT_EQ(response.figures().area().kind(), api::AREA_KIND_COUNTRY);
  EXPECT_EQ(response.figures().refugees_settled(), 7784);
  EXPECT_TRUE(response.figures().municipality_code().empty());
  EXPECT_FALSE(response.figures().etag().empty());

  grpc::ClientContext both_context;
  request.set_municipality_code("0906");
  grpc::Status both = server_.stub().GetFigures(&both_context, request, &response);
  EXPECT_EQ(both.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(both), ElementsAre("area"));
}

TEST_F(StatsServiceTest, AMessageThatCannotBeImportedRejectsItsRowsAndTheStreamGoesOn) {
  grpc::ClientContext context;
  api::ImportFiguresResponse response;
  auto writer = server_.stub().ImportFigures(&context, &response);
  api::ImportFiguresRequest bad;
  bad.set_source("mixed.csv");
  bad.set_status(static_cast<api::FiguresStatus>(7));
  for (int line : {2, 3}) {
    api::ImportRow* row = bad.add_rows();
    row->set_line(line);
    row->mutable_figures()->set_municipality_code("0906");
    row->mutable_figures()->set_year(2016);
    row->mutable_figures()->set_refugees_decided(150);
  }
  ASSERT_TRUE(writer->Write(bad));
  api::ImportFiguresRequest good = bad;
  good.set_status(api::FIGURES_STATUS_FINAL);
  good.mutable_rows()->DeleteSubrange(1, 1);
  good.mutable_rows(0)->set_line(4);
  ASSERT_TRUE(writer->Write(good));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.rows_received(), 3);
  EXPECT_EQ(response.rows_rejected(), 2);
  EXPECT_EQ(response.rows_changed(), 1);
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).field(), "status");
  EXPECT_EQ(response.errors(0).line(), 2);
  api::GetFiguresResponse written;
  ASSERT_TRUE(GetFigures("4203", 2016, &written).ok());
  EXPECT_EQ(written.figures().refugees_decided(), 150);
  EXPECT_EQ(written.figures().status(), api::FIGURES_STATUS_FINAL);
}

// --- Known dates and field sources over the wire ---

// Imports one row for Oslo 2016 (0301) from `source`, known on `known_date`.
api::ImportFiguresResponse ImportKnown(api::StatsService::Stub& stub, const std::string& source,
                                       const std::string& known_date, int64_t line,
                                       int64_t settled, std::optional<int64_t> requested = {}) {
  grpc::ClientContext context;
  api::ImportFiguresResponse response;
  auto writer = stub.ImportFigures(&context, &response);
  api::ImportFiguresRequest request;
  request.set_source(source);
  request.set_known_date(known_date);
  api::ImportRow* row = request.add_rows();
  row->set_line(line);
  row->mutable_figures()->set_municipality_code("0301");
  row->mutable_figures()->set_year(2016);
  row->mutable_figures()->set_refugees_settled(settled);
  if (requested) row->mutable_figures()->set_refugees_requested(*requested);
  EXPECT_TRUE(writer->Write(request));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

TEST_F(StatsServiceTest, GetFiguresReadsAsOfAKnownDateWithTheSourceOfEachValue) {
  ImportKnown(server_.stub(), "march.csv", "2016-03-22", 7, 100);
  ImportKnown(server_.stub(), "february.csv", "2016-02-02", 12, 90, 120);

  grpc::ClientContext latest_context;
  api::GetFiguresRequest request;
  request.set_municipality_code("0301");
  request.set_year(2016);
  request.set_include_field_sources(true);
  api::GetFiguresResponse latest;
  ASSERT_TRUE(server_.stub().GetFigures(&latest_context, request, &latest).ok());
  EXPECT_EQ(latest.figures().refugees_settled(), 100);
  EXPECT_EQ(latest.figures().refugees_requested(), 120);
  EXPECT_EQ(latest.figures().known_date(), "2016-03-22");
  EXPECT_EQ(latest.figures().source(), "february.csv; march.csv");
  const auto& sources = latest.figures().field_sources();
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources.at("refugees_settled").source(), "march.csv");
  EXPECT_EQ(sources.at("refugees_settled").line(), 7);
  EXPECT_EQ(sources.at("refugees_settled").known_date(), "2016-03-22");
  EXPECT_EQ(sources.at("refugees_requested").source(), "february.csv");
  EXPECT_EQ(sources.at("refugees_requested").line(), 12);
  EXPECT_EQ(sources.at("refugees_requested").known_date(), "2016-02-02");
  EXPECT_GT(sources.at("refugees_requested").data_version(),
            sources.at("refugees_settled").data_version());
  EXPECT_FALSE(sources.at("refugees_requested").request_id().empty());

  grpc::ClientContext february_context;
  request.set_as_of_known_date("2016-02-05");
  api::GetFiguresResponse february;
  ASSERT_TRUE(server_.stub().GetFigures(&february_context, request, &february).ok());
  EXPECT_EQ(february.figures().refugees_settled(), 90);
  EXPECT_EQ(february.figures().known_date(), "2016-02-02");
  EXPECT_EQ(february.figures().field_sources().at("refugees_settled").source(), "february.csv");

  // Without the flag the reply carries no sources.
  grpc::ClientContext plain_context;
  request.set_include_field_sources(false);
  api::GetFiguresResponse plain;
  ASSERT_TRUE(server_.stub().GetFigures(&plain_context, request, &plain).ok());
  EXPECT_TRUE(plain.figures().field_sources().empty());

  grpc::ClientContext before_context;
  request.set_as_of_known_date("2016-01-01");
  api::GetFiguresResponse before;
  EXPECT_EQ(server_.stub().GetFigures(&before_context, request, &before).error_code(),
            grpc::StatusCode::NOT_FOUND);

  for (const char* bad : {"2016-02-30", "tomorrow", "2999-01-01"}) {
    grpc::ClientContext bad_context;
    request.set_as_of_known_date(bad);
    grpc::Status status = server_.stub().GetFigures(&bad_context, request, &before);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(Fields(status), ElementsAre("as_of_known_date")) << bad;
  }
}

TEST_F(StatsServiceTest, AbsentFieldsClearAFigureAsKnownOnTheImportsDate) {
  ImportKnown(server_.stub(), "160202.csv", "2016-02-02", 2, 90);

  grpc::ClientContext context;
  api::ImportFiguresResponse response;
  auto writer = server_.stub().ImportFigures(&context, &response);
  api::ImportFiguresRequest request;
  request.set_source("160212.csv");
  request.set_known_date("2016-02-12");
  auto add_row = [&](int64_t line, const std::string& code,
                     std::initializer_list<const char*> absent) {
    api::ImportRow* row = request.add_rows();
    row->set_line(line);
    row->mutable_figures()->set_municipality_code(code);
    row->mutable_figures()->set_year(2016);
    for (const char* name : absent) row->add_absent_fields(name);
    return row;
  };
  add_row(3, "0301", {"refugees_settled"});
  add_row(4, "0906", {"refugees_setled"});
  add_row(5, "0906", {"refugees_decided"})->mutable_figures()->set_refugees_decided(10);
  add_row(6, "0906", {"refugees_settled", "refugees_settled"});
  add_row(7, "0906", {"status"});
  ASSERT_TRUE(writer->Write(request));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.rows_changed(), 1);
  EXPECT_EQ(response.rows_rejected(), 4);
  ASSERT_EQ(response.errors_size(), 4);
  std::map<int64_t, std::string> reasons;
  for (const api::ImportRowError& error : response.errors()) {
    EXPECT_EQ(error.field(), "absent_fields") << error.line();
    reasons[error.line()] = error.reason();
  }
  EXPECT_THAT(reasons[4], HasSubstr("\"refugees_setled\" is not a figure"));
  EXPECT_THAT(reasons[5], HasSubstr("refugees_decided has a value and is named absent"));
  EXPECT_THAT(reasons[6], HasSubstr("named twice"));
  EXPECT_THAT(reasons[7], HasSubstr("\"status\" is not a figure"));

  auto settled_known_on = [&](const std::string& date) {
    grpc::ClientContext read_context;
    api::GetFiguresRequest read;
    read.set_municipality_code("0301");
    read.set_year(2016);
    read.set_as_of_known_date(date);
    api::GetFiguresResponse figures;
    grpc::Status status = server_.stub().GetFigures(&read_context, read, &figures);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return figures.figures().has_refugees_settled()
               ? std::optional<int64_t>(figures.figures().refugees_settled())
               : std::nullopt;
  };
  EXPECT_EQ(settled_known_on("2016-02-02"), 90);
  EXPECT_EQ(settled_known_on("2016-02-12"), std::nullopt);
  EXPECT_EQ(settled_known_on(""), std::nullopt);
}

TEST_F(StatsServiceTest, GetFiguresHistoryShowsBothTimesOfEachRevision) {
  ImportKnown(server_.stub(), "march.csv", "2016-03-22", 2, 100);
  ImportKnown(server_.stub(), "february.csv", "2016-02-02", 2, 90);
  grpc::ClientContext context;
  api::GetFiguresHistoryRequest request;
  request.set_municipality_code("0301");
  request.set_year(2016);
  api::GetFiguresHistoryResponse response;
  ASSERT_TRUE(server_.stub().GetFiguresHistory(&context, request, &response).ok());
  ASSERT_EQ(response.revisions_size(), 2);
  const api::Figures& march = response.revisions(0);
  const api::Figures& february = response.revisions(1);
  EXPECT_EQ(march.known_date(), "2016-03-22");
  EXPECT_EQ(march.refugees_settled(), 100);
  EXPECT_EQ(march.revision(), 1);
  EXPECT_EQ(february.known_date(), "2016-02-02");
  EXPECT_EQ(february.refugees_settled(), 90);  // what was known on its date
  EXPECT_EQ(february.revision(), 2);
  EXPECT_LT(march.data_version(), february.data_version());
  EXPECT_TRUE(march.has_update_time());
  EXPECT_NE(march.etag(), february.etag());
}

TEST_F(StatsServiceTest, ListStreamBatchAndAggregateReadAsOfAKnownDate) {
  ImportKnown(server_.stub(), "march.csv", "2016-03-22", 2, 100);
  ImportKnown(server_.stub(), "february.csv", "2016-02-02", 2, 90);

  grpc::ClientContext list_context;
  api::ListFiguresRequest list;
  list.set_filter("year = 2016");
  list.set_as_of_known_date("2016-02-05");
  api::ListFiguresResponse listed;
  ASSERT_TRUE(server_.stub().ListFigures(&list_context, list, &listed).ok());
  ASSERT_EQ(listed.figures_size(), 1);
  EXPECT_EQ(listed.figures(0).refugees_settled(), 90);

  grpc::ClientContext stream_context;
  api::StreamFiguresRequest stream;
  stream.set_filter("year = 2016");
  stream.set_as_of_known_date("2016-02-05");
  auto reader = server_.stub().StreamFigures(&stream_context, stream);
  api::StreamFiguresResponse chunk;
  std::vector<int64_t> streamed;
  while (reader->Read(&chunk)) {
    for (const auto& f : chunk.figures()) streamed.push_back(f.refugees_settled());
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_THAT(streamed, ElementsAre(90));

  grpc::ClientContext batch_context;
  api::BatchGetFiguresRequest batch;
  auto* key = batch.add_keys();
  key->set_municipality_code("0301");
  key->set_year(2016);
  batch.set_as_of_known_date("2016-02-05");
  api::BatchGetFiguresResponse batched;
  ASSERT_TRUE(server_.stub().BatchGetFigures(&batch_context, batch, &batched).ok());
  EXPECT_EQ(batched.figures(0).refugees_settled(), 90);

  grpc::ClientContext aggregate_context;
  api::GetAggregateRequest aggregate;
  aggregate.mutable_area()->set_kind(api::AREA_KIND_COUNTRY);
  aggregate.set_year(2016);
  aggregate.set_as_of_known_date("2016-02-05");
  api::GetAggregateResponse summed;
  ASSERT_TRUE(server_.stub().GetAggregate(&aggregate_context, aggregate, &summed).ok());
  EXPECT_EQ(summed.refugees_settled().sum(), 90);

  // A date that is not in the calendar is refused on the field by each.
  list.set_as_of_known_date("2016-02-30");
  grpc::ClientContext bad_list_context;
  grpc::Status status = server_.stub().ListFigures(&bad_list_context, list, &listed);
  EXPECT_THAT(Fields(status), ElementsAre("as_of_known_date"));
  batch.set_as_of_known_date("2016-02-30");
  grpc::ClientContext bad_batch_context;
  status = server_.stub().BatchGetFigures(&bad_batch_context, batch, &batched);
  EXPECT_THAT(Fields(status), ElementsAre("as_of_known_date"));
  aggregate.set_as_of_known_date("2016-02-30");
  grpc::ClientContext bad_aggregate_context;
  status = server_.stub().GetAggregate(&bad_aggregate_context, aggregate, &summed);
  EXPECT_THAT(Fields(status), ElementsAre("as_of_known_date"));
  stream.set_as_of_known_date("2016-02-30");
  grpc::ClientContext bad_stream_context;
  auto bad_reader = server_.stub().StreamFigures(&bad_stream_context, stream);
  while (bad_reader->Read(&chunk)) {
  }
  status = bad_reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("as_of_known_date"));
}

TEST_F(StatsServiceTest, KnownDatesAfterTodayAreRefusedOnTheirField) {
  const int64_t before = DataVersion();
  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code("0301");
  put.mutable_figures()->set_year(2016);
  put.mutable_figures()->set_refugees_settled(5);
  put.mutable_figures()->set_known_date("2999-01-01");
  api::PutFiguresResponse put_response;
  grpc::ClientContext put_context;
  grpc::Status status = server_.stub().PutFigures(&put_context, put, &put_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(status), ElementsAre("figures.known_date"));

  api::ImportFiguresResponse import =
      ImportKnown(server_.stub(), "future.csv", "2999-01-01", 4, 5);
  EXPECT_EQ(import.rows_rejected(), 1);
  ASSERT_EQ(import.errors_size(), 1);
  EXPECT_EQ(import.errors(0).field(), "known_date");
  EXPECT_EQ(import.errors(0).line(), 4);
  EXPECT_EQ(DataVersion(), before);
}

TEST_F(StatsServiceTest, PutFiguresWithoutASourceNamesTheCallerAndTheRequest) {
  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code("0301");
  put.mutable_figures()->set_year(2016);
  put.mutable_figures()->set_refugees_settled(5);
  put.mutable_figures()->set_known_date("2016-04-01");
  api::PutFiguresResponse put_response;
  grpc::ClientContext put_context;
  put_context.AddMetadata("x-request-id", "fix-oslo-2016");
  ASSERT_TRUE(server_.stub().PutFigures(&put_context, put, &put_response).ok());
  EXPECT_EQ(put_response.figures().known_date(), "2016-04-01");

  grpc::ClientContext context;
  api::BatchGetFiguresRequest request;
  auto* key = request.add_keys();
  key->set_municipality_code("0301");
  key->set_year(2016);
  request.set_include_field_sources(true);
  api::BatchGetFiguresResponse response;
  ASSERT_TRUE(server_.stub().BatchGetFigures(&context, request, &response).ok());
  ASSERT_EQ(response.figures_size(), 1);
  const api::FieldSource& settled = response.figures(0).field_sources().at("refugees_settled");
  EXPECT_EQ(settled.request_id(), "fix-oslo-2016");
  EXPECT_EQ(settled.principal(), "developer");  // the test server's caller
  EXPECT_EQ(settled.source(), "PutFigures by developer (request fix-oslo-2016)");
  EXPECT_EQ(settled.known_date(), "2016-04-01");
}

}  // namespace
}  // namespace imdi::stats
