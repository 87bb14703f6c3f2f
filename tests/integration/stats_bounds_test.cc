// What the statistics service does with input it must not take whole: an
// import message it cannot read, texts beyond their bounds, requests that
// are not protobuf at all, and inputs whose errors could outgrow what a
// client accepts. Replies stay within what a default client accepts, cut by
// bytes as well as by count. A real server on port 0 over a real RocksDB
// store, with the bundled municipalities.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/limits.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/testing/bundled_data.h"
#include "tests/testing/raw_call.h"
#include "tests/testing/stats_server.h"

namespace imdi::stats {
namespace {

namespace api = ::imdi::stats::v1;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Le;
using ::testing::SizeIs;

class StatsBoundsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(server_.stub()));
    ListMunicipalityCodes();
  }

  void ListMunicipalityCodes() {
    std::string token;
    do {
      grpc::ClientContext context;
      api::ListMunicipalitiesRequest request;
      request.set_filter("year = 2016");
      request.set_page_size(1000);
      request.set_page_token(token);
      api::ListMunicipalitiesResponse response;
      ASSERT_TRUE(server_.stub().ListMunicipalities(&context, request, &response).ok());
      // Each by its code of 2016, as an import names it.
      for (const auto& m : response.municipalities()) {
        std::string code = m.code();
        for (const auto& period : m.code_history()) {
          if ((!period.has_valid_from_year() || period.valid_from_year() <= 2016) &&
              (!period.has_valid_to_year() || 2016 <= period.valid_to_year())) {
            code = period.code();
          }
        }
        codes_2016_.push_back(code);
      }
      token = response.next_page_token();
    } while (!token.empty());
  }

  static api::ImportRow Row(int line, const std::string& code, int year, int decided,
                            const std::string& note = "") {
    api::ImportRow row;
    row.set_line(line);
    row.mutable_figures()->set_municipality_code(code);
    row.mutable_figures()->set_year(year);
    row.mutable_figures()->set_refugees_decided(decided);
    row.mutable_figures()->set_note(note);
    return row;
  }

  grpc::Status Get(const std::string& code, int year, api::GetFiguresResponse* out) {
    grpc::ClientContext context;
    api::GetFiguresRequest request;
    request.set_municipality_code(code);
    request.set_year(year);
    return server_.stub().GetFigures(&context, request, out);
  }

  // Imports `count` municipality-years of 2016 with a note of `note_bytes`.
  void ImportWithNotes(size_t count, size_t note_bytes) {
    ASSERT_LE(count, codes_2016_.size());
    grpc::ClientContext context;
    api::ImportFiguresResponse response;
    auto writer = server_.stub().ImportFigures(&context, &response);
    api::ImportFiguresRequest request;
    request.set_source("notes.csv");
    for (size_t i = 0; i < count; ++i) {
      *request.add_rows() =
          Row(static_cast<int>(i) + 2, codes_2016_[i], 2016, 10, std::string(note_bytes, 'n'));
      if (request.rows_size() == 200 || i + 1 == count) {
        ASSERT_TRUE(writer->Write(request));
        request.clear_rows();
      }
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.rows_changed(), static_cast<int64_t>(count));
  }

  imdi::testing::StatsServer server_;
  std::vector<std::string> codes_2016_;
};

TEST_F(StatsBoundsTest, AnUnreadableImportMessageFailsTheStreamAndSaysWhatWasCommitted) {
  grpc::ClientContext context;
  api::ImportFiguresResponse response;
  auto writer = server_.stub().ImportFigures(&context, &response);
  api::ImportFiguresRequest first;
  first.set_source("snapshot.csv");
  *first.add_rows() = Row(2, "0906", 2016, 150);
  ASSERT_TRUE(writer->Write(first));
  // One byte that is not UTF-8 in a text makes the message unreadable to
  // the service (protobuf checks every string of a proto3 message).
  api::ImportFiguresRequest unreadable;
  *unreadable.add_rows() = Row(3, "1201", 2016, 720, "Bergen \xff");
  writer->Write(unreadable);
  api::ImportFiguresRequest after;
  *after.add_rows() = Row(4, "1601", 2016, 500);
  writer->Write(after);
  writer->WritesDone();
  grpc::Status status = writer->Finish();

  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  const absl::Status error = FromGrpcStatus(status);
  EXPECT_EQ(ErrorReason(error), "UNREADABLE_REQUEST");
  EXPECT_THAT(FieldViolations(error),
              ElementsAre(FieldViolation{"rows[0].figures.note",
                                         "is not valid UTF-8, so the imdi.stats.v1."
                                         "ImportFiguresRequest cannot be read; send text as "
                                         "UTF-8"}));
  EXPECT_THAT(status.error_message(), HasSubstr("message 2 of the import stream"));
  const auto metadata = ErrorMetadata(error);
  EXPECT_EQ(metadata.at("messages_imported"), "1");
  EXPECT_EQ(metadata.at("rows_received"), "1");
  EXPECT_EQ(metadata.at("rows_changed"), "1");
  EXPECT_NE(metadata.at("committed_data_version"), "0");

  // What came before is committed; nothing after the gap is.
  api::GetFiguresResponse figures;
  ASSERT_TRUE(Get("0906", 2016, &figures).ok());
  EXPECT_EQ(figures.figures().refugees_decided(), 150);
  EXPECT_EQ(Get("1201", 2016, &figures).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get("1601", 2016, &figures).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(StatsBoundsTest, TextsBeyondTheirBoundsAreRefusedWithTheirField) {
  struct Case {
    std::string field;
    std::function<void(api::Figures&)> set;
  };
  const std::vector<Case> cases = {
      {"figures.note", [](api::Figures& f) { f.set_note(std::string(3'900'000, 'x')); }},
      {"figures.note", [](api::Figures& f) { f.set_note(std::string(kMaxNoteBytes + 1, 'x')); }},
      {"figures.source",
       [](api::Figures& f) { f.set_source(std::string(kMaxLineBytes + 1, 's')); }},
      {"figures.source", [](api::Figures& f) { f.set_source("two\nlines"); }},
  };
  for (const Case& c : cases) {
    grpc::ClientContext context;
    api::PutFiguresRequest request;
    request.mutable_figures()->set_municipality_code("0906");
    request.mutable_figures()->set_year(2016);
    request.mutable_figures()->set_refugees_decided(150);
    c.set(*request.mutable_figures());
    api::PutFiguresResponse response;
    grpc::Status status = server_.stub().PutFigures(&context, request, &response);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    const std::vector<FieldViolation> violations = FieldViolations(FromGrpcStatus(status));
    ASSERT_THAT(violations, SizeIs(1));
    EXPECT_EQ(violations[0].field, c.field);
  }
  // At the bound it is taken, and nothing was written before.
  api::GetFiguresResponse figures;
  EXPECT_EQ(Get("0906", 2016, &figures).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext context;
  api::PutFiguresRequest request;
  request.mutable_figures()->set_municipality_code("0906");
  request.mutable_figures()->set_year(2016);
  request.mutable_figures()->set_refugees_decided(150);
  request.mutable_figures()->set_note(std::string(kMaxNoteBytes, 'x'));
  request.mutable_figures()->set_source(std::string(kMaxLineBytes, 's'));
  api::PutFiguresResponse response;
  ASSERT_TRUE(server_.stub().PutFigures(&context, request, &response).ok());

  // A municipality's name and code history are bounded too.
  grpc::ClientContext get_context;
  api::GetMunicipalityRequest get;
  get.set_code("0906");
  api::GetMunicipalityResponse arendal;
  ASSERT_TRUE(server_.stub().GetMunicipality(&get_context, get, &arendal).ok());
  grpc::ClientContext put_context;
  api::UpsertMunicipalityRequest upsert;
  *upsert.mutable_municipality() = arendal.municipality();
  upsert.mutable_municipality()->set_name(std::string(kMaxNameBytes + 1, 'A'));
  api::UpsertMunicipalityResponse upserted;
  grpc::Status status = server_.stub().UpsertMunicipality(&put_context, upsert, &upserted);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(FieldViolations(FromGrpcStatus(status)),
              ElementsAre(::testing::Field(&FieldViolation::field, "municipality.name")));
}

TEST_F(StatsBoundsTest, PagesAndStreamMessagesAreCutByBytes) {
  // Every municipality of 2016 with a note at its bound: about 0.9 MB of
  // notes in all, more than one reply page carries.
  const size_t count = codes_2016_.size();
  ASSERT_GT(count, 400u);
  ASSERT_NO_FATAL_FAILURE(ImportWithNotes(count, kMaxNoteBytes));

  std::set<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    api::ListFiguresRequest request;
    request.set_filter("year = 2016");
    request.set_page_size(1000);
    request.set_page_token(token);
    api::ListFiguresResponse response;
    ASSERT_TRUE(server_.stub().ListFigures(&context, request, &response).ok());
    EXPECT_LE(response.ByteSizeLong(), kMaxReplyBytes);
    EXPECT_GT(response.figures_size(), 0);
    for (const auto& f : response.figures()) {
      EXPECT_TRUE(listed.insert(f.municipality_code()).second) << f.municipality_code();
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 100);
  EXPECT_EQ(listed.size(), count);
  EXPECT_GT(pages, 1);

  grpc::ClientContext stream_context;
  api::StreamFiguresRequest stream_request;
  stream_request.set_filter("year = 2016");
  auto reader = server_.stub().StreamFigures(&stream_context, stream_request);
  api::StreamFiguresResponse message;
  size_t streamed = 0;
  int messages = 0;
  while (reader->Read(&message)) {
    EXPECT_LE(message.ByteSizeLong(), kMaxReplyBytes);
    streamed += message.figures_size();
    ++messages;
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(streamed, count);
  EXPECT_GT(messages, 1);

  // One batch of all of them stays a reply a default client takes.
  grpc::ClientContext batch_context;
  api::BatchGetFiguresRequest batch;
  for (size_t i = 0; i < count; ++i) {
    api::FiguresKey* key = batch.add_keys();
    key->set_municipality_code(codes_2016_[i]);
    key->set_year(2016);
  }
  api::BatchGetFiguresResponse batch_response;
  grpc::Status status = server_.stub().BatchGetFigures(&batch_context, batch, &batch_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(batch_response.figures_size(), static_cast<int>(count));
}

TEST_F(StatsBoundsTest, ErrorsQuoteAnExcerptAndStayFarBelowTheMetadataLimit) {
  // A default client refuses trailers over 8 KiB; the error must arrive.
  const std::string code(20'000, '7');
  api::GetFiguresResponse figures;
  grpc::Status status = Get(code, 2016, &figures);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("... (20000 bytes)"));
  EXPECT_LT(status.error_message().size(), 300u);
  EXPECT_LT(status.error_details().size(), 2048u);

  // 1,000 bad keys, each with a long code: 2,000 violations, 20 reported.
  grpc::ClientContext context;
  api::BatchGetFiguresRequest batch;
  for (int i = 0; i < 1000; ++i) {
    api::FiguresKey* key = batch.add_keys();
    key->set_municipality_code(std::string(300, 'x'));
    key->set_year(1000);
  }
  api::BatchGetFiguresResponse response;
  status = server_.stub().BatchGetFigures(&context, batch, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  const absl::Status error = FromGrpcStatus(status);
  // At most kMaxViolationsReported, fewer when their text would not fit.
  EXPECT_THAT(FieldViolations(error), SizeIs(AllOf(Ge(5), Le(kMaxViolationsReported))));
  EXPECT_EQ(FieldViolations(error)[0].field, "keys[0].municipality_code");
  EXPECT_EQ(ErrorMetadata(error).at("violations_total"), "2000");
  EXPECT_THAT(status.error_message(), ContainsRegex("; and [0-9]+ more$"));
  EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
  EXPECT_LE(status.error_details().size(), kMaxErrorDetailsBytes);
}

TEST_F(StatsBoundsTest, EveryMethodAnswersBytesThatAreNotItsRequestWithInvalidArgument) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          api::StatsService::service_full_name());
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method =
        absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    // A field 1 that claims 100 bytes and ends after 2: not protobuf.
    grpc::Status status = imdi::testing::CallWithBytes(server_.channel(), method, {"\x0a\x64zz"});
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << method << ": " << status.error_code() << " " << status.error_message();
    EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "UNREADABLE_REQUEST") << method;
    EXPECT_THAT(status.error_message(), HasSubstr(service->method(i)->input_type()->full_name()))
        << method;
  }
}

}  // namespace
}  // namespace imdi::stats
