// Reads over gRPC on the bundled data (municipalities from data/klass and
// data/regions, the IMDi files of 2012-2014): aggregates that account for
// every person, harmonised figures for a municipality formed by merger, and
// codes and names as they were in the year read. One server is loaded once;
// the tests only read.
#include <memory>
#include <string>

#include "common/errors.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/bundled_data.h"
#include "tests/testing/stats_server.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"

namespace imdi::stats {
namespace {

namespace api = ::imdi::stats::v1;
using ::testing::HasSubstr;
using ::testing::Not;

class BundledReadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new imdi::testing::StatsServer();
    ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(server_->stub()));
    for (const char* file : {"imdikator/bosetting.csv", "imdikator/bosatt_anmodede.csv",
                             "imdikator/befolkning_alder.csv"}) {
      auto parsed = import::ParseFiguresPath(imdi::testing::DataDir() + file);
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      grpc::ClientContext context;
      api::ImportFiguresResponse response;
      auto writer = server_->stub().ImportFigures(&context, &response);
      for (const auto& request :
           import::ImportRequests(*parsed, file, api::FIGURES_STATUS_FINAL, 500)) {
        ASSERT_TRUE(writer->Write(request));
      }
      writer->WritesDone();
      grpc::Status status = writer->Finish();
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static api::StatsService::Stub& Stub() { return server_->stub(); }

  static grpc::Status Aggregate(api::Area area, int year, api::GetAggregateResponse* out) {
    grpc::ClientContext context;
    api::GetAggregateRequest request;
    *request.mutable_area() = std::move(area);
    request.set_year(year);
    return Stub().GetAggregate(&context, request, out);
  }

  static grpc::Status Figures(const std::string& code, int year, bool harmonise,
                              api::GetFiguresResponse* out) {
    grpc::ClientContext context;
    api::GetFiguresRequest request;
    request.set_municipality_code(code);
    request.set_year(year);
    request.set_harmonise(harmonise);
    return Stub().GetFigures(&context, request, out);
  }

  static imdi::testing::StatsServer* server_;
};

imdi::testing::StatsServer* BundledReadsTest::server_ = nullptr;

api::Area Country() {
  api::Area area;
  area.set_kind(api::AREA_KIND_COUNTRY);
  return area;
}

api::Area County(const std::string& code) {
  api::Area area;
  area.set_kind(api::AREA_KIND_COUNTY);
  area.set_county_code(code);
  return area;
}

std::string Reason(const grpc::Status& status) { return ErrorReason(FromGrpcStatus(status)); }

// The count fields of Figures, by their API names.
const google::protobuf::FieldDescriptor* CountField(absl::string_view name) {
  return api::Figures::descriptor()->FindFieldByName(std::string(name));
}

// --- Aggregates that account for everything ---

// bosatt_anmodede.csv, 2014: the country published 7784 settled; the 428
// municipalities sum to 7719; county 99 ("Uoppgitt") holds the other 65.
TEST_F(BundledReadsTest, TheNational2014SettledTotalIsFullyExplained) {
  api::GetAggregateResponse response;
  ASSERT_TRUE(Aggregate(Country(), 2014, &response).ok());
  const api::AggregateValue& settled = response.refugees_settled();
  EXPECT_EQ(settled.sum(), 7719);
  EXPECT_EQ(settled.municipalities_reported(), 428);
  ASSERT_TRUE(settled.has_unknown_municipality());
  EXPECT_EQ(settled.unknown_municipality(), 65);
  EXPECT_EQ(settled.published(), 7784);
  ASSERT_TRUE(settled.has_unexplained());
  EXPECT_EQ(settled.unexplained(), 0);
  EXPECT_EQ(settled.reconciliation(),
            "7719 in 428 municipalities + 65 in an unknown municipality (county 99 Uoppgitt) "
            "= 7784 published; fully explained");

  // County 99 has no requests (anmodning "."): absent, not 0, and the whole
  // gap between the published requests and their sum stays unexplained.
  const api::AggregateValue& requested = response.refugees_requested();
  EXPECT_FALSE(requested.has_unknown_municipality());
  ASSERT_TRUE(requested.has_published());
  ASSERT_TRUE(requested.has_sum());
  EXPECT_EQ(requested.unexplained(), requested.published() - requested.sum());
  EXPECT_THAT(requested.reconciliation(), Not(HasSubstr("unknown municipality")));
}

TEST_F(BundledReadsTest, TheUnknownMunicipalityBelongsToTheCountryAlone) {
  // Sør-Trøndelag (16) in 2014: its own municipalities, no unknown part.
  api::GetAggregateResponse county;
  ASSERT_TRUE(Aggregate(County("16"), 2014, &county).ok());
  EXPECT_GT(county.municipality_count(), 0);
  EXPECT_FALSE(county.refugees_settled().has_unknown_municipality());
  EXPECT_THAT(county.refugees_settled().reconciliation(), Not(HasSubstr("unknown municipality")));

  // County 99 itself: no municipalities, its published figures.
  api::GetAggregateResponse unknown;
  ASSERT_TRUE(Aggregate(County("99"), 2014, &unknown).ok());
  EXPECT_EQ(unknown.municipality_count(), 0);
  EXPECT_EQ(unknown.refugees_settled().published(), 65);
  EXPECT_FALSE(unknown.refugees_settled().has_sum());
  EXPECT_FALSE(unknown.refugees_settled().has_unknown_municipality());
  EXPECT_FALSE(unknown.refugees_settled().has_unexplained());
  EXPECT_EQ(unknown.refugees_settled().reconciliation(), "no municipalities; 65 published");
}

// --- Harmonised figures ---

TEST_F(BundledReadsTest, KinnIn2014IsFloraPlusVagsoyFieldByField) {
  api::GetFiguresResponse kinn, flora, vagsoy;
  ASSERT_TRUE(Figures("1401", 2014, false, &flora).ok());
  ASSERT_TRUE(Figures("1439", 2014, false, &vagsoy).ok());
  grpc::Status status = Figures("4602", 2014, true, &kinn);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const api::Figures& sum = kinn.figures();
  EXPECT_TRUE(sum.harmonised());
  EXPECT_EQ(sum.municipality_code(), "4602");
  EXPECT_EQ(sum.current_name(), "Kinn");
  EXPECT_EQ(sum.year(), 2014);
  // From bosatt_anmodede.csv: Flora 35 requested, 45 decided, 45 settled;
  // Vågsøy 10, 10, 6.
  EXPECT_EQ(sum.refugees_requested(), 45);
  EXPECT_EQ(sum.refugees_decided(), 55);
  EXPECT_EQ(sum.refugees_settled(), 51);
  EXPECT_EQ(sum.status(), api::FIGURES_STATUS_FINAL);
  EXPECT_TRUE(sum.etag().empty());  // no stored revision to write against
  for (absl::string_view name : kCountNames) {
    SCOPED_TRACE(name);
    const auto* field = CountField(name);
    ASSERT_NE(field, nullptr);
    const auto* reflection = sum.GetReflection();
    const bool both = reflection->HasField(flora.figures(), field) &&
                      reflection->HasField(vagsoy.figures(), field);
    ASSERT_EQ(reflection->HasField(sum, field), both);
    if (both) {
      EXPECT_EQ(reflection->GetInt32(sum, field),
                reflection->GetInt32(flora.figures(), field) +
                    reflection->GetInt32(vagsoy.figures(), field));
    }
  }
  ASSERT_EQ(sum.harmonised_parts_size(), 2);
  const api::Figures& part0 = sum.harmonised_parts(0);
  const api::Figures& part1 = sum.harmonised_parts(1);
  EXPECT_EQ(part0.code_at_the_time(), "1401");
  EXPECT_EQ(part0.municipality_name(), "Flora");
  EXPECT_EQ(part0.refugees_settled(), 45);
  EXPECT_EQ(part1.code_at_the_time(), "1439");
  EXPECT_EQ(part1.municipality_name(), "Vågsøy");
  EXPECT_EQ(part1.refugees_settled(), 6);
  EXPECT_FALSE(part0.harmonised());
  EXPECT_EQ(part0.SerializeAsString(), flora.figures().SerializeAsString());
}

TEST_F(BundledReadsTest, WithoutHarmoniseAYearBeforeTheMergerIsNotFound) {
  api::GetFiguresResponse response;
  grpc::Status status = Figures("4602", 2014, false, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reason(status), "MUNICIPALITY_NOT_IN_YEAR");
  EXPECT_THAT(status.error_message(), HasSubstr("Flora (1401)"));

  // Harmonise does not apply where the municipality existed: Trondheim in
  // 2014 is 1601 alone, without Klæbu (merged in 2020).
  api::GetFiguresResponse trondheim;
  ASSERT_TRUE(Figures("5001", 2014, true, &trondheim).ok());
  EXPECT_FALSE(trondheim.figures().harmonised());
  EXPECT_EQ(trondheim.figures().harmonised_parts_size(), 0);
}

TEST_F(BundledReadsTest, HarmonisedWithoutAnyPartsFiguresIsNotFoundNamingTheParts) {
  api::GetFiguresResponse response;
  grpc::Status status = Figures("4602", 2005, true, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reason(status), "FIGURES_NOT_FOUND");
  EXPECT_THAT(status.error_message(), HasSubstr("Flora (1401), Vågsøy (1439)"));
}

TEST_F(BundledReadsTest, BatchGetHarmonisesTheKeysThatNeedIt) {
  grpc::ClientContext context;
  api::BatchGetFiguresRequest request;
  auto* kinn = request.add_keys();
  kinn->set_municipality_code("4602");
  kinn->set_year(2014);
  auto* flora = request.add_keys();
  flora->set_municipality_code("1401");
  flora->set_year(2014);
  request.set_harmonise(true);
  api::BatchGetFiguresResponse response;
  grpc::Status status = Stub().BatchGetFigures(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.figures_size(), 2);
  EXPECT_TRUE(response.figures(0).harmonised());
  EXPECT_EQ(response.figures(0).refugees_settled(), 51);
  EXPECT_EQ(response.figures(0).harmonised_parts_size(), 2);
  EXPECT_FALSE(response.figures(1).harmonised());
  EXPECT_EQ(response.figures(1).refugees_settled(), 45);

  // Without harmonise the call fails as before.
  grpc::ClientContext plain_context;
  request.set_harmonise(false);
  EXPECT_EQ(Stub().BatchGetFigures(&plain_context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// --- Codes and names as they were ---

TEST_F(BundledReadsTest, LavangenIn2012HasItsCodeAndNameOfThen) {
  api::GetFiguresResponse response;
  ASSERT_TRUE(Figures("1920", 2012, false, &response).ok());
  const api::Figures& f = response.figures();
  EXPECT_EQ(f.code_at_the_time(), "1920");
  EXPECT_EQ(f.municipality_name(), "Lavangen");
  EXPECT_EQ(f.municipality_code(), "5518");
  EXPECT_EQ(f.current_name(), "Loabák - Lavangen");
}

TEST_F(BundledReadsTest, TrondheimIn2014ByEitherCode) {
  for (const std::string code : {"1601", "5001"}) {
    SCOPED_TRACE(code);
    api::GetFiguresResponse response;
    ASSERT_TRUE(Figures(code, 2014, false, &response).ok());
    const api::Figures& f = response.figures();
    EXPECT_EQ(f.code_at_the_time(), "1601");
    EXPECT_EQ(f.municipality_name(), "Trondheim");
    EXPECT_EQ(f.municipality_code(), "5001");
    EXPECT_EQ(f.current_name(), "Trondheim - Tråante");
  }
}

}  // namespace
}  // namespace imdi::stats
