// A nomination's full text and documents on a real award service (both
// services in-process on free ports, real RocksDB stores): documents
// uploaded in chunks and downloaded byte for byte, stored once by their
// SHA-256, and every broken or oversized upload storing nothing.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "award-service/domain/documents.h"
#include "award-service/server.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "tests/testing/bundled_data.h"
#include "tests/testing/documents.h"
#include "tests/testing/stats_server.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"

namespace imdi {
namespace {

namespace api = ::imdi::award::v1;
using ::imdi::testing::DownloadDocument;
using ::imdi::testing::PseudoRandomBytes;
using ::imdi::testing::UploadDocument;
using ::testing::HasSubstr;

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

class AwardDocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(stats_.stub()));
    for (const char* file :
         {"imdikator/bosatt_anmodede.csv", "imdikator/befolkning_alder.csv",
          "imdikator/intro_avslutning_direkte.csv", "published/figures-2016-2017.csv"}) {
      auto parsed = import::ParseFiguresPath(kData + file);
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      grpc::ClientContext context;
      stats::v1::ImportFiguresResponse response;
      auto writer = stats_.stub().ImportFigures(&context, &response);
      for (const auto& r :
           import::ImportRequests(*parsed, file, stats::v1::FIGURES_STATUS_FINAL, 500)) {
        ASSERT_TRUE(writer->Write(r));
      }
      writer->WritesDone();
      ASSERT_TRUE(writer->Finish().ok());
    }
    award::AwardServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("award");
    options.sync = false;
    options.security.insecure_dev = true;
    options.stats_target = stats_.target();
    options.stats_deadline = absl::Seconds(5);
    options.health_interval = absl::Milliseconds(20);
    options.comparables = kData + "regions/similarMunicipalities.json";
    options.workers = 2;
    options.store_workers = 2;
    auto server = award::AwardServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    host_ = *std::move(server);
    ASSERT_TRUE(host_->WaitUntilServing(absl::Seconds(10)));
    stub_ = api::AwardService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", host_->port()), grpc::InsecureChannelCredentials()));

    auto config = award_files::LoadCycleConfig(kData + "award/bosettingsprisen-2016.json");
    ASSERT_TRUE(config.ok()) << config.status();
    api::CreateCycleRequest create;
    create.set_cycle_id("2016");
    *create.mutable_config() = *config;
    {
      grpc::ClientContext context;
      api::CreateCycleResponse created;
      ASSERT_TRUE(stub_->CreateCycle(&context, create, &created).ok());
    }
    {
      grpc::ClientContext context;
      api::OpenNominationsRequest open;
      open.set_cycle_id("2016");
      api::OpenNominationsResponse opened;
      ASSERT_TRUE(stub_->OpenNominations(&context, open, &opened).ok());
    }
  }

  void TearDown() override {
    if (host_) host_->Shutdown(absl::Seconds(1));
  }

  grpc::Status Submit(const std::string& full_text, api::SubmitNominationResponse* out) {
    api::SubmitNominationRequest nominate;
    nominate.set_cycle_id("2016");
    nominate.set_municipality_code("5001");
    nominate.mutable_nominator()->set_kind(api::NOMINATOR_KIND_REGIONAL_OFFICE);
    nominate.mutable_nominator()->set_imdi_region(stats::v1::IMDI_REGION_MIDT_NORGE);
    nominate.set_justification("Settled more than asked, with housing found in every district.");
    nominate.set_full_text(full_text);
    grpc::ClientContext context;
    return stub_->SubmitNomination(&context, nominate, out);
  }

  api::DocumentUploadHeader Header(const std::string& nomination_id, const std::string& file_name) {
    api::DocumentUploadHeader header;
    header.set_cycle_id("2016");
    header.set_nomination_id(nomination_id);
    header.set_file_name(file_name);
    header.set_media_type("application/pdf");
    return header;
  }

  api::Nomination Listed(api::NominationView view = api::NOMINATION_VIEW_BASIC) {
    grpc::ClientContext context;
    api::ListNominationsRequest request;
    request.set_cycle_id("2016");
    request.set_view(view);
    api::ListNominationsResponse response;
    EXPECT_TRUE(stub_->ListNominations(&context, request, &response).ok());
    EXPECT_EQ(response.nominations_size(), 1);
    return response.nominations_size() > 0 ? response.nominations(0) : api::Nomination();
  }

  testing::TempDir dir_;
  testing::StatsServer stats_;
  std::unique_ptr<award::AwardServer> host_;
  std::unique_ptr<api::AwardService::Stub> stub_;
};

TEST(Sha256Test, IsTheStandardDigest) {
  EXPECT_EQ(award::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  award::Sha256Hasher hasher;
  hasher.Update("a");
  hasher.Update("bc");
  EXPECT_EQ(hasher.HexDigest(), award::Sha256Hex("abc"));
  EXPECT_EQ(award::GroupDigits(1234567), "1 234 567");
}

TEST_F(AwardDocumentsTest, DocumentsRoundTripByteForByte) {
  const std::string full_text = "# Trondheim\n\nBosatte *flere* enn anmodet.\n";
  api::SubmitNominationResponse nominated;
  grpc::Status status = Submit(full_text, &nominated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string id = nominated.nomination().nomination_id();
  // A large text: the basic view leaves it out, the full view has it.
  EXPECT_TRUE(nominated.nomination().full_text().empty());
  EXPECT_EQ(Listed(api::NOMINATION_VIEW_FULL).full_text(), full_text);
  EXPECT_TRUE(Listed().full_text().empty());

  const std::string bytes = PseudoRandomBytes((size_t{3} << 20) + 12345, 2016);
  const std::string sha256 = award::Sha256Hex(bytes);
  api::UploadNominationDocumentResponse uploaded;
  status = UploadDocument(*stub_, Header(id, "nominasjon-trondheim.pdf"), bytes, 100000, &uploaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(uploaded.document().sha256(), sha256);
  EXPECT_EQ(uploaded.document().size_bytes(), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(uploaded.document().file_name(), "nominasjon-trondheim.pdf");
  EXPECT_EQ(uploaded.nomination().documents_size(), 1);

  api::DownloadNominationDocumentRequest download;
  download.set_cycle_id("2016");
  download.set_nomination_id(id);
  download.set_sha256(sha256);
  api::NominationDocument document;
  std::string downloaded;
  int chunks = 0;
  status = DownloadDocument(*stub_, download, &document, &downloaded, &chunks);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(downloaded == bytes);
  EXPECT_EQ(award::Sha256Hex(downloaded), sha256);
  EXPECT_EQ(document.size_bytes(), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(document.media_type(), "application/pdf");
  EXPECT_EQ(chunks, 13);  // 256 KiB each

  // The same bytes again, declared with their SHA-256: the entry there is.
  api::DocumentUploadHeader again = Header(id, "kopi.pdf");
  again.set_sha256(sha256);
  api::UploadNominationDocumentResponse second;
  status = UploadDocument(*stub_, again, bytes, size_t{1} << 20, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.document().file_name(), "nominasjon-trondheim.pdf");
  // Listed with size and SHA-256, once, in the basic view.
  const api::Nomination listed = Listed();
  ASSERT_EQ(listed.documents_size(), 1);
  EXPECT_EQ(listed.documents(0).sha256(), sha256);
  EXPECT_EQ(listed.documents(0).size_bytes(), static_cast<int64_t>(bytes.size()));

  // The audit trail says what was added.
  grpc::ClientContext context;
  api::ListAuditEventsRequest audit;
  audit.set_cycle_id("2016");
  api::ListAuditEventsResponse events;
  ASSERT_TRUE(stub_->ListAuditEvents(&context, audit, &events).ok());
  ASSERT_GT(events.events_size(), 0);
  EXPECT_THAT(events.events(events.events_size() - 1).detail(),
              HasSubstr(absl::StrCat("added document nominasjon-trondheim.pdf (3 158 073 bytes, "
                                     "sha256 ",
                                     sha256.substr(0, 12))));

  // A document the nomination does not list.
  download.set_sha256(award::Sha256Hex("other"));
  status = DownloadDocument(*stub_, download, &document, &downloaded);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "DOCUMENT_NOT_FOUND");
}

TEST_F(AwardDocumentsTest, ABrokenOrOversizedUploadStoresNothing) {
  api::SubmitNominationResponse nominated;
  ASSERT_TRUE(Submit("", &nominated).ok());
  const std::string id = nominated.nomination().nomination_id();
  const std::string bytes = PseudoRandomBytes(500000, 7);

  // A declared SHA-256 that is not the bytes'.
  api::DocumentUploadHeader wrong = Header(id, "a.pdf");
  wrong.set_sha256(award::Sha256Hex("something else"));
  api::UploadNominationDocumentResponse response;
  grpc::Status status = UploadDocument(*stub_, wrong, bytes, 65536, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "DOCUMENT_CHECKSUM_MISMATCH");
  EXPECT_EQ(Listed().documents_size(), 0);

  // 11 MiB: refused once more than 10 MiB have arrived.
  const std::string huge = PseudoRandomBytes(size_t{11} << 20, 11);
  status = UploadDocument(*stub_, Header(id, "b.pdf"), huge, size_t{1} << 20, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "DOCUMENT_TOO_LARGE");
  EXPECT_EQ(Listed().documents_size(), 0);

  // A chunk of more than 1 MiB.
  status = UploadDocument(*stub_, Header(id, "c.pdf"), huge.substr(0, (size_t{1} << 20) + 1),
                          (size_t{1} << 20) + 1, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A file name with a path, a media type without a subtype.
  api::DocumentUploadHeader bad = Header(id, "../etc/passwd");
  bad.set_media_type("pdf");
  status = UploadDocument(*stub_, bad, bytes, 65536, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  {
    std::vector<std::string> fields;
    for (const FieldViolation& v : FieldViolations(FromGrpcStatus(status)))
      fields.push_back(v.field);
    EXPECT_THAT(fields, ::testing::ElementsAre("header.file_name", "header.media_type"));
  }

  // Chunks before the header.
  {
    grpc::ClientContext context;
    auto writer = stub_->UploadNominationDocument(&context, &response);
    api::UploadNominationDocumentRequest chunk;
    chunk.set_chunk("%PDF-1.4");
    writer->Write(chunk);
    writer->WritesDone();
    status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }

  // A client that cancels half-way.
  {
    grpc::ClientContext context;
    auto writer = stub_->UploadNominationDocument(&context, &response);
    api::UploadNominationDocumentRequest first;
    *first.mutable_header() = Header(id, "d.pdf");
    ASSERT_TRUE(writer->Write(first));
    api::UploadNominationDocumentRequest chunk;
    chunk.set_chunk(bytes.substr(0, 100000));
    ASSERT_TRUE(writer->Write(chunk));
    context.TryCancel();
    status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_EQ(Listed().documents_size(), 0);

  // The nomination still takes a good one.
  status = UploadDocument(*stub_, Header(id, "e.pdf"), bytes, 65536, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Listed().documents_size(), 1);
}

TEST_F(AwardDocumentsTest, UploadsHeldAtOnceAreBoundedAndTheBudgetComesBack) {
  api::SubmitNominationResponse nominated;
  ASSERT_TRUE(Submit("", &nominated).ok());
  const std::string id = nominated.nomination().nomination_id();
  const std::string chunk_bytes = PseudoRandomBytes(size_t{1} << 20, 5);
  // Seven uploads of 10 MiB, none finished: 70 MiB would be held at once,
  // more than the process's 64 MiB, so one of them is refused.
  constexpr int kUploads = 7;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientWriter<api::UploadNominationDocumentRequest>>> writers;
  std::vector<api::UploadNominationDocumentResponse> responses(kUploads);
  for (int i = 0; i < kUploads; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    writers.push_back(stub_->UploadNominationDocument(contexts.back().get(), &responses[i]));
    api::UploadNominationDocumentRequest first;
    *first.mutable_header() = Header(id, absl::StrCat("part-", i, ".pdf"));
    bool ok = writers.back()->Write(first);
    for (int c = 0; ok && c < 10; ++c) {
      api::UploadNominationDocumentRequest chunk;
      chunk.set_chunk(chunk_bytes);
      ok = writers.back()->Write(chunk);
    }
  }
  int busy = 0, stored = 0;
  for (auto& writer : writers) {
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (status.ok()) {
      ++stored;
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
      EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "UPLOADS_BUSY");
      ++busy;
    }
  }
  EXPECT_GE(busy, 1);
  EXPECT_GE(stored, 1);
  // Everything held was given back: a new upload of the same size goes in.
  api::UploadNominationDocumentResponse response;
  grpc::Status status = UploadDocument(*stub_, Header(id, "after.pdf"),
                                       PseudoRandomBytes(size_t{10} << 20, 6), size_t{1} << 20,
                                       &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(AwardDocumentsTest, RetriesReplayAndBoundsAndStatesRefuse) {
  api::SubmitNominationResponse nominated;
  ASSERT_TRUE(Submit("", &nominated).ok());
  const std::string id = nominated.nomination().nomination_id();

  // A retry with the request id answers as the first call did.
  api::DocumentUploadHeader header = Header(id, "vedlegg-0.pdf");
  header.set_request_id("upload-0");
  api::UploadNominationDocumentResponse first, retried;
  ASSERT_TRUE(UploadDocument(*stub_, header, "document 0", 4, &first).ok());
  ASSERT_TRUE(UploadDocument(*stub_, header, "document 0", 4, &retried).ok());
  EXPECT_EQ(retried.SerializeAsString(), first.SerializeAsString());
  // The same id with other bytes is another request.
  grpc::Status status = UploadDocument(*stub_, header, "document 1", 4, &retried);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "REQUEST_ID_REUSED");

  // At most 20 documents a nomination.
  api::UploadNominationDocumentResponse response;
  for (int i = 1; i < 20; ++i) {
    status = UploadDocument(*stub_, Header(id, absl::StrCat("vedlegg-", i, ".pdf")),
                            absl::StrCat("document ", i), 1024, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  status = UploadDocument(*stub_, Header(id, "vedlegg-20.pdf"), "document 20", 1024, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "TOO_MANY_DOCUMENTS");

  // An empty document.
  status = UploadDocument(*stub_, Header(id, "tom.pdf"), "", 1024, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // No documents for a withdrawn nomination; the refusal is audited.
  {
    grpc::ClientContext context;
    api::WithdrawNominationRequest withdraw;
    withdraw.set_cycle_id("2016");
    withdraw.set_nomination_id(id);
    api::WithdrawNominationResponse withdrawn;
    ASSERT_TRUE(stub_->WithdrawNomination(&context, withdraw, &withdrawn).ok());
  }
  status = UploadDocument(*stub_, Header(id, "sent.pdf"), "late", 1024, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "WRONG_STATE");
  // An unknown nomination.
  status = UploadDocument(*stub_, Header("n99", "x.pdf"), "bytes", 1024, &response);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "NOMINATION_NOT_FOUND");
}

TEST_F(AwardDocumentsTest, AFullTextOver64KiBIsRefused) {
  api::SubmitNominationResponse nominated;
  grpc::Status status = Submit(std::string(65537, 'x'), &nominated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status refused = FromGrpcStatus(status);
  ASSERT_FALSE(FieldViolations(refused).empty());
  EXPECT_EQ(FieldViolations(refused).front().field, "full_text");
  // The message quotes an excerpt, not the text.
  EXPECT_LT(status.error_message().size(), size_t{1000});
  // 64 KiB exactly is fine.
  status = Submit(std::string(65536, 'x'), &nominated);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace imdi
