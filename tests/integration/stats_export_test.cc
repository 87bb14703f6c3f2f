// ExportFigures over gRPC on the bundled data: the CSV read back by the
// import parser into an empty store gives the same figures (every value,
// unknown ones still absent, status and known date kept), the JSON-stat
// dataset agrees with the store, the export is pinned to one data version,
// and bad requests name their field.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "common/errors.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/bundled_data.h"
#include "tests/testing/stats_server.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"

namespace imdi::stats {
namespace {

namespace api = ::imdi::stats::v1;
using ::testing::ElementsAre;
using ::testing::Field;

struct Export {
  grpc::Status status;
  std::string data;
  api::ExportSummary summary;
  std::set<int64_t> versions;
  int messages = 0;
  size_t largest = 0;
};

Export RunExport(api::StatsService::Stub& stub, const api::ExportFiguresRequest& request) {
  Export out;
  grpc::ClientContext context;
  auto reader = stub.ExportFigures(&context, request);
  api::ExportFiguresResponse chunk;
  while (reader->Read(&chunk)) {
    out.data += chunk.data();
    out.versions.insert(chunk.data_version());
    out.largest = std::max(out.largest, chunk.data().size());
    ++out.messages;
    if (chunk.has_summary()) out.summary = chunk.summary();
  }
  out.status = reader->Finish();
  return out;
}

// `strict`: every row must be imported. The bundled files have rows the
// service rightly rejects (Harstad named by its code until 2012 in later
// years); the export of what was imported must import whole.
void Import(api::StatsService::Stub& stub, const import::ParsedFile& parsed,
            const std::string& name, api::FiguresStatus status, const std::string& known_date,
            bool strict = true) {
  grpc::ClientContext context;
  api::ImportFiguresResponse response;
  auto writer = stub.ImportFigures(&context, &response);
  for (const auto& request : import::ImportRequests(parsed, name, status, 5000, known_date)) {
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  if (strict) {
    ASSERT_EQ(response.rows_rejected(), 0) << name << ": " << response.errors(0).reason();
  }
}

void ImportFile(api::StatsService::Stub& stub, const std::string& file,
                api::FiguresStatus status, const std::string& known_date = "") {
  auto parsed = import::ParseFiguresPath(imdi::testing::DataDir() + file);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_NO_FATAL_FAILURE(Import(stub, *parsed, file, status, known_date, /*strict=*/false));
}

// Every record of years 2012-2017, by (current code, year).
std::map<std::pair<std::string, int>, api::Figures> Records(api::StatsService::Stub& stub) {
  std::map<std::pair<std::string, int>, api::Figures> out;
  grpc::ClientContext context;
  api::StreamFiguresRequest request;
  request.set_filter("year >= 2012 AND year <= 2017");
  auto reader = stub.StreamFigures(&context, request);
  api::StreamFiguresResponse chunk;
  while (reader->Read(&chunk)) {
    for (const api::Figures& f : chunk.figures()) {
      if (!f.municipality_code().empty()) out[{f.municipality_code(), f.year()}] = f;
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  return out;
}

// The figure fields (counts and percents), which are optional.
std::vector<const google::protobuf::FieldDescriptor*> FigureFields() {
  std::vector<const google::protobuf::FieldDescriptor*> out;
  const auto* d = api::Figures::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->number() >= 10 && d->field(i)->number() < 30) out.push_back(d->field(i));
  }
  return out;
}

int KnownValues(const api::Figures& f) {
  int n = 0;
  for (const auto* field : FigureFields()) n += f.GetReflection()->HasField(f, field);
  return n;
}

class StatsExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = new imdi::testing::StatsServer();
    ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(source_->stub()));
    for (const char* file : {"imdikator/bosetting.csv", "imdikator/bosatt_anmodede.csv",
                             "imdikator/intro_avslutning_direkte.csv",
                             "imdikator/intro_status_arbutd.csv",
                             "imdikator/befolkning_alder.csv",
                             "published/figures-2016-2017.csv"}) {
      ASSERT_NO_FATAL_FAILURE(ImportFile(source_->stub(), file, api::FIGURES_STATUS_FINAL));
    }
    // 2015 as known early in 2016: preliminary, with its known date.
    ASSERT_NO_FATAL_FAILURE(ImportFile(source_->stub(),
                                       "imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv",
                                       api::FIGURES_STATUS_PRELIMINARY, "2016-01-26"));
  }
  static void TearDownTestSuite() {
    delete source_;
    source_ = nullptr;
  }

  static api::ExportFiguresRequest Request(api::ExportFormat format) {
    api::ExportFiguresRequest request;
    request.set_format(format);
    request.set_year_from(2012);
    request.set_year_to(2017);
    return request;
  }

  static imdi::testing::StatsServer* source_;
};

imdi::testing::StatsServer* StatsExportTest::source_ = nullptr;

TEST_F(StatsExportTest, CsvRoundTripsThroughTheImportIntoAnEmptyStore) {
  const Export csv = RunExport(source_->stub(), Request(api::EXPORT_FORMAT_CSV));
  ASSERT_TRUE(csv.status.ok()) << csv.status.error_message();
  EXPECT_EQ(csv.versions.size(), 1u);
  EXPECT_LE(csv.largest, size_t{64} << 10);
  EXPECT_GT(csv.messages, 1);
  EXPECT_EQ(csv.summary.bytes(), static_cast<int64_t>(csv.data.size()));

  std::istringstream in(csv.data);
  auto parsed = import::ParseFiguresFile(in);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->kind, import::FileKind::kExportedFigures);
  EXPECT_TRUE(parsed->rejected.empty()) << parsed->rejected.front().reason;
  EXPECT_EQ(parsed->rows, csv.summary.values());

  imdi::testing::StatsServer target;
  ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(target.stub()));
  ASSERT_NO_FATAL_FAILURE(
      Import(target.stub(), *parsed, "export.csv", api::FIGURES_STATUS_UNSPECIFIED, ""));

  const auto before = Records(source_->stub());
  const auto after = Records(target.stub());
  int64_t records = 0, values = 0, without_values = 0, preliminary = 0;
  for (const auto& [key, a] : before) {
    auto it = after.find(key);
    if (KnownValues(a) == 0) {
      // Nothing known: nothing exported, nothing made up.
      ++without_values;
      if (it != after.end()) {
        EXPECT_EQ(KnownValues(it->second), 0) << key.first;
      }
      continue;
    }
    ASSERT_NE(it, after.end()) << key.first << " " << key.second;
    const api::Figures& b = it->second;
    ++records;
    for (const auto* field : FigureFields()) {
      const auto* r = a.GetReflection();
      ASSERT_EQ(r->HasField(a, field), r->HasField(b, field))
          << key.first << " " << key.second << " " << field->name();
      if (!r->HasField(a, field)) continue;
      ++values;
      if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE) {
        EXPECT_EQ(r->GetDouble(a, field), r->GetDouble(b, field)) << field->name();
      } else {
        EXPECT_EQ(r->GetInt32(a, field), r->GetInt32(b, field)) << field->name();
      }
    }
    EXPECT_EQ(a.status(), b.status()) << key.first << " " << key.second;
    EXPECT_EQ(a.known_date(), b.known_date()) << key.first << " " << key.second;
    EXPECT_EQ(a.note(), b.note()) << key.first << " " << key.second;
    EXPECT_EQ(a.code_at_the_time(), b.code_at_the_time());
    preliminary += a.status() == api::FIGURES_STATUS_PRELIMINARY;
  }
  for (const auto& [key, b] : after) EXPECT_TRUE(before.contains(key)) << key.first;
  EXPECT_EQ(values, csv.summary.values());
  EXPECT_EQ(records, csv.summary.records());
  EXPECT_GT(preliminary, 0);
  std::cout << "round trip: " << records << " records, " << values << " values compared ("
            << preliminary << " preliminary records, " << without_values
            << " records without values), " << csv.data.size() << " bytes, " << csv.messages
            << " messages\n";
  // Exported again from the copy: the same figures, the same bytes but for
  // the sources (the copy records the export file as its source).
  api::ExportFiguresRequest again = Request(api::EXPORT_FORMAT_JSON_STAT);
  EXPECT_EQ(RunExport(target.stub(), again).summary.values(), values);
}

// JSON-stat read with protobuf's JSON parser: the shape, and values checked
// against GetFigures.
TEST_F(StatsExportTest, JsonStatAgreesWithTheStore) {
  api::ExportFiguresRequest request = Request(api::EXPORT_FORMAT_JSON_STAT);
  request.clear_year_from();
  request.clear_year_to();
  request.add_years(2015);
  request.add_years(2016);
  request.set_imdi_region(api::IMDI_REGION_MIDT_NORGE);
  const Export json = RunExport(source_->stub(), request);
  ASSERT_TRUE(json.status.ok()) << json.status.error_message();
  google::protobuf::Struct dataset;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.data, &dataset).ok());
  const auto& f = dataset.fields();
  EXPECT_EQ(f.at("version").string_value(), "2.0");
  EXPECT_EQ(f.at("class").string_value(), "dataset");
  const auto& size = f.at("size").list_value().values();
  ASSERT_EQ(size.size(), 3);
  const int areas = static_cast<int>(size[0].number_value());
  EXPECT_EQ(size[1].number_value(), 2);
  EXPECT_EQ(size[2].number_value(), 14);
  const auto& values = f.at("value").list_value().values();
  ASSERT_EQ(values.size(), areas * 2 * 14);
  EXPECT_EQ(json.summary.cells(), values.size());
  const auto& dims = f.at("dimension").struct_value().fields();
  const auto& region_index =
      dims.at("Region").struct_value().fields().at("category").struct_value().fields().at(
          "index").struct_value().fields();
  const int trondheim = static_cast<int>(region_index.at("5001").number_value());
  EXPECT_EQ(dims.at("Region").struct_value().fields().at("category").struct_value().fields().at(
                "label").struct_value().fields().at("5001").string_value(),
            "Trondheim - Tråante");  // its current name (KLASS 2024)
  // Trondheim, 2015 (year index 0), refugees_settled (measure 3).
  const int cell = (trondheim * 2 + 0) * 14 + 3;
  grpc::ClientContext context;
  api::GetFiguresRequest get;
  get.set_municipality_code("1601");
  get.set_year(2015);
  api::GetFiguresResponse stored;
  ASSERT_TRUE(source_->stub().GetFigures(&context, get, &stored).ok());
  ASSERT_TRUE(stored.figures().has_refugees_settled());
  EXPECT_EQ(values[cell].number_value(), stored.figures().refugees_settled());
  EXPECT_EQ(f.at("status").struct_value().fields().at(std::to_string(cell)).string_value(),
            stored.figures().status() == api::FIGURES_STATUS_FINAL ? "f" : "p");
  // Population 2015 (measure 0) is not in these files: null, not 0.
  EXPECT_FALSE(stored.figures().has_population());
  EXPECT_EQ(values[(trondheim * 2 + 0) * 14 + 0].kind_case(), google::protobuf::Value::kNullValue);
  EXPECT_EQ(f.at("status").struct_value().fields().count(
                std::to_string((trondheim * 2 + 0) * 14 + 0)),
            0u);
  std::cout << "JSON-stat: Trondheim 2015 refugees_settled = " << values[cell].number_value()
            << ", status " << stored.figures().status() << "; " << values.size() << " cells\n";
}

TEST_F(StatsExportTest, OneDataVersionForTheWholeExportAndOnRequest) {
  grpc::ClientContext context;
  api::GetDataVersionResponse version;
  ASSERT_TRUE(
      source_->stub().GetDataVersion(&context, api::GetDataVersionRequest(), &version).ok());
  api::ExportFiguresRequest request = Request(api::EXPORT_FORMAT_CSV);
  request.set_as_of_version(version.data_version());
  const Export first = RunExport(source_->stub(), request);
  ASSERT_TRUE(first.status.ok());
  EXPECT_THAT(first.versions, ElementsAre(version.data_version()));
  // A later write does not reach an export pinned before it.
  grpc::ClientContext put_context;
  api::PutFiguresRequest put;
  put.mutable_figures()->set_municipality_code("0301");
  put.mutable_figures()->set_year(2013);
  put.mutable_figures()->set_family_reunified(1234);
  put.mutable_update_mask()->add_paths("family_reunified");
  api::PutFiguresResponse put_response;
  grpc::Status put_status = source_->stub().PutFigures(&put_context, put, &put_response);
  ASSERT_TRUE(put_status.ok()) << put_status.error_message();
  EXPECT_EQ(RunExport(source_->stub(), request).data, first.data);
  EXPECT_NE(RunExport(source_->stub(), Request(api::EXPORT_FORMAT_CSV)).data, first.data);
}

TEST_F(StatsExportTest, BadRequestsNameTheirField) {
  auto field_of = [](const grpc::Status& status) {
    std::vector<std::string> out;
    for (const FieldViolation& v : FieldViolations(FromGrpcStatus(status))) out.push_back(v.field);
    return out;
  };
  api::ExportFiguresRequest request = Request(api::EXPORT_FORMAT_UNSPECIFIED);
  Export e = RunExport(source_->stub(), request);
  EXPECT_EQ(e.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(field_of(e.status), ElementsAre("format"));
  EXPECT_TRUE(e.data.empty());

  request = Request(api::EXPORT_FORMAT_CSV);
  request.set_year_to(2200);
  EXPECT_THAT(field_of(RunExport(source_->stub(), request).status), ElementsAre("year_to"));

  request = Request(api::EXPORT_FORMAT_CSV);
  request.clear_year_from();
  request.clear_year_to();
  for (int i = 0; i < 101; ++i) request.add_years(1990 + i);
  EXPECT_THAT(field_of(RunExport(source_->stub(), request).status), ElementsAre("years"));

  request = Request(api::EXPORT_FORMAT_CSV);
  request.add_municipality_codes("12345");
  EXPECT_THAT(field_of(RunExport(source_->stub(), request).status),
              ElementsAre("municipality_codes[0]"));

  request = Request(api::EXPORT_FORMAT_CSV);
  request.add_municipality_codes("9998");
  EXPECT_EQ(RunExport(source_->stub(), request).status.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace imdi::stats
