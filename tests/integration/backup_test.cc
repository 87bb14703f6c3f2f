// Backups and restore through the real composition roots: both services
// in-process on real RocksDB stores, backups taken through the admin
// services while the services serve (and, for statistics, while writes go
// on), the store restored offline into a fresh directory as
// `--restore_from` does, a service started on it, and full dumps compared:
// every figure with all its revisions and the data version (statistics);
// every cycle, nomination, audit event and winner (award).
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "award-service/server.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/rocksdb_backup.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/award/v1/award_admin.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "imdi/stats/v1/stats_admin.grpc.pb.h"
#include "stats-service/server.h"
#include "tests/testing/bundled_data.h"
#include "tests/testing/documents.h"
#include "tests/testing/temp_dir.h"
#include "tools/award/award_files.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"

namespace imdi {
namespace {

// The requests below name only the fields they set.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace sapi = ::imdi::stats::v1;
namespace aapi = ::imdi::award::v1;
using ::imdi::testing::TempDir;
using ::testing::HasSubstr;

const std::string kData = std::string(IMDI_SOURCE_DIR) + "/data/";

std::unique_ptr<stats::StatsServer> StartStats(const std::string& data_dir,
                                               const std::string& backup_dir) {
  stats::StatsServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = data_dir;
  options.sync = false;
  options.security.insecure_dev = true;
  options.backup_dir = backup_dir;
  options.backup_keep = 3;
  auto server = stats::StatsServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

void Import(sapi::StatsService::Stub& stub, const std::string& file, sapi::FiguresStatus status) {
  auto parsed = import::ParseFiguresPath(kData + file);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  grpc::ClientContext context;
  sapi::ImportFiguresResponse response;
  auto writer = stub.ImportFigures(&context, &response);
  for (const auto& r : import::ImportRequests(*parsed, file, status, 500)) {
    ASSERT_TRUE(writer->Write(r));
  }
  writer->WritesDone();
  grpc::Status finished = writer->Finish();
  ASSERT_TRUE(finished.ok()) << finished.error_message();
}

// The statistics store as the API shows it at `version` (0: the newest):
// the data version, every municipality, and every record's revisions up to
// that version, each serialized deterministically.
struct StatsDump {
  int64_t data_version = 0;
  std::vector<std::string> municipalities;
  std::map<std::string, std::vector<std::string>> revisions;  // by record
  size_t revision_count = 0;
};

std::string Bytes(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

StatsDump DumpStats(sapi::StatsService::Stub& stub, int64_t version) {
  StatsDump dump;
  if (version == 0) {
    grpc::ClientContext context;
    sapi::GetDataVersionResponse response;
    EXPECT_TRUE(stub.GetDataVersion(&context, sapi::GetDataVersionRequest(), &response).ok());
    version = response.data_version();
  }
  dump.data_version = version;
  sapi::ListMunicipalitiesRequest list;
  list.set_as_of_version(version);
  list.set_page_size(1000);
  for (;;) {
    grpc::ClientContext context;
    sapi::ListMunicipalitiesResponse page;
    grpc::Status status = stub.ListMunicipalities(&context, list, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) return dump;
    for (const auto& m : page.municipalities()) dump.municipalities.push_back(Bytes(m));
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  std::vector<sapi::Figures> records;
  {
    sapi::StreamFiguresRequest request;
    request.set_as_of_version(version);
    grpc::ClientContext context;
    auto reader = stub.StreamFigures(&context, request);
    sapi::StreamFiguresResponse message;
    while (reader->Read(&message)) {
      EXPECT_EQ(message.data_version(), version);
      for (const auto& f : message.figures()) records.push_back(f);
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  for (const sapi::Figures& record : records) {
    sapi::GetFiguresHistoryRequest request;
    if (record.municipality_code().empty()) {
      *request.mutable_area() = record.area();
    } else {
      request.set_municipality_code(record.municipality_code());
    }
    request.set_year(record.year());
    const std::string key =
        absl::StrCat(record.municipality_code(), "/", Bytes(record.area()), "/", record.year());
    std::vector<std::string>& out = dump.revisions[key];
    for (;;) {
      grpc::ClientContext context;
      sapi::GetFiguresHistoryResponse page;
      grpc::Status status = stub.GetFiguresHistory(&context, request, &page);
      EXPECT_TRUE(status.ok()) << key << ": " << status.error_message();
      if (!status.ok()) break;
      for (const sapi::Figures& revision : page.revisions()) {
        if (revision.data_version() <= version) out.push_back(Bytes(revision));
      }
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    dump.revision_count += out.size();
  }
  return dump;
}

template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  return (stub.*method)(&context, request, response);
}

TEST(StatsBackupTest, ARestoredBackupTakenWhileWritingServesExactlyItsDataVersion) {
  TempDir tmp;
  auto server = StartStats(tmp.Sub("stats"), tmp.Sub("backups"));
  ASSERT_NE(server, nullptr);
  auto channel = ChannelTo(server->port());
  auto stub = sapi::StatsService::NewStub(channel);
  auto admin = sapi::StatsAdminService::NewStub(channel);
  ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(*stub));
  // Preliminary, then final: every record of the file gets a second revision.
  ASSERT_NO_FATAL_FAILURE(
      Import(*stub, "imdikator/bosatt_anmodede.csv", sapi::FIGURES_STATUS_PRELIMINARY));
  ASSERT_NO_FATAL_FAILURE(
      Import(*stub, "imdikator/bosatt_anmodede.csv", sapi::FIGURES_STATUS_FINAL));
  ASSERT_NO_FATAL_FAILURE(
      Import(*stub, "imdikator/befolkning_alder.csv", sapi::FIGURES_STATUS_FINAL));
  ASSERT_NO_FATAL_FAILURE(
      Import(*stub, "published/figures-2016-2017.csv", sapi::FIGURES_STATUS_FINAL));

  // Writes go on while the backups are taken: one writer revises a record
  // over and over, each write a new data version.
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::atomic<bool> writer_done{false};
  // Until the writer has made `n` writes, or has stopped on a failure.
  auto wait_for_writes = [&](int n) {
    while (writes.load() < n && !writer_done.load()) absl::SleepFor(absl::Milliseconds(1));
  };
  std::thread writer([&] {
    auto own = sapi::StatsService::NewStub(channel);
    for (int i = 0; !stop.load() && i < 100000; ++i) {
      sapi::PutFiguresRequest put;
      put.mutable_figures()->set_municipality_code("5001");
      put.mutable_figures()->set_year(2016);
      put.mutable_figures()->set_note(absl::StrCat("revision while backing up ", i));
      put.mutable_update_mask()->add_paths("note");
      sapi::PutFiguresResponse response;
      grpc::Status status = Call(*own, &sapi::StatsService::Stub::PutFigures, put, &response);
      if (!status.ok()) {
        ADD_FAILURE() << "PutFigures while backing up: " << status.error_message();
        break;
      }
      writes.fetch_add(1);
    }
    writer_done = true;
  });
  // Stopped and joined however the test ends.
  absl::Cleanup stop_writer = [&] {
    stop = true;
    writer.join();
  };
  wait_for_writes(20);
  sapi::CreateBackupResponse first;
  grpc::Status status = Call(*admin, &sapi::StatsAdminService::Stub::CreateBackup,
                             sapi::CreateBackupRequest(), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const int writes_at_first = writes.load();
  wait_for_writes(writes_at_first + 20);
  sapi::CreateBackupResponse second;
  status = Call(*admin, &sapi::StatsAdminService::Stub::CreateBackup, sapi::CreateBackupRequest(),
                &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const int writes_at_second = writes.load();
  wait_for_writes(writes_at_second + 20);
  std::move(stop_writer).Invoke();

  EXPECT_EQ(first.backup().backup_id(), 1u);
  EXPECT_EQ(second.backup().backup_id(), 2u);
  ASSERT_TRUE(first.backup().has_data_version());
  ASSERT_TRUE(second.backup().has_data_version());
  EXPECT_LT(first.backup().data_version(), second.backup().data_version());
  EXPECT_GT(second.backup().size_bytes(), 0u);
  EXPECT_GT(second.backup().file_count(), 0u);
  EXPECT_GT(second.backup().create_time().seconds(), 1'600'000'000);

  sapi::ListBackupsResponse listed;
  ASSERT_TRUE(
      Call(*admin, &sapi::StatsAdminService::Stub::ListBackups, sapi::ListBackupsRequest(), &listed)
          .ok());
  ASSERT_EQ(listed.backups_size(), 2);
  EXPECT_EQ(listed.backups(1).data_version(), second.backup().data_version());
  sapi::VerifyBackupRequest verify;
  verify.set_backup_id(2);
  sapi::VerifyBackupResponse verified;
  status = Call(*admin, &sapi::StatsAdminService::Stub::VerifyBackup, verify, &verified);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(verified.backup().data_version(), second.backup().data_version());
  verify.set_backup_id(99);
  EXPECT_EQ(
      Call(*admin, &sapi::StatsAdminService::Stub::VerifyBackup, verify, &verified).error_code(),
      grpc::StatusCode::NOT_FOUND);
  verify.set_backup_id(0);
  status = Call(*admin, &sapi::StatsAdminService::Stub::VerifyBackup, verify, &verified);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolations(FromGrpcStatus(status)).at(0).field, "backup_id");

  // The live store as it was at each backup's version, from its history.
  const StatsDump at_first = DumpStats(*stub, static_cast<int64_t>(first.backup().data_version()));
  const StatsDump at_second =
      DumpStats(*stub, static_cast<int64_t>(second.backup().data_version()));
  const StatsDump newest = DumpStats(*stub, 0);
  EXPECT_GT(newest.data_version, at_second.data_version);
  server.reset();

  for (const auto& [id, expected] : {std::pair<uint32_t, const StatsDump*>{1, &at_first},
                                     std::pair<uint32_t, const StatsDump*>{2, &at_second}}) {
    SCOPED_TRACE(absl::StrCat("backup ", id));
    const std::string dir = tmp.Sub(absl::StrCat("restored-", id));
    auto restored =
        RestoreRocksDbBackup({.backup_dir = tmp.Sub("backups"), .backup_id = id, .data_dir = dir});
    ASSERT_TRUE(restored.ok()) << restored.status();
    auto again = StartStats(dir, "");
    ASSERT_NE(again, nullptr);
    auto restored_stub = sapi::StatsService::NewStub(ChannelTo(again->port()));
    const StatsDump dump = DumpStats(*restored_stub, 0);
    EXPECT_EQ(dump.data_version, expected->data_version);
    EXPECT_EQ(dump.municipalities, expected->municipalities);
    EXPECT_GT(dump.revision_count, dump.revisions.size());  // records with several revisions
    EXPECT_EQ(dump.revision_count, expected->revision_count);
    EXPECT_TRUE(dump.revisions == expected->revisions);
    std::cout << "backup " << id << ": data version " << dump.data_version << ", "
              << dump.municipalities.size() << " municipalities, " << dump.revisions.size()
              << " records, " << dump.revision_count << " revisions identical after restore\n";
  }
}

TEST(StatsBackupTest, WithoutABackupDirEveryCallSaysSo) {
  TempDir tmp;
  auto server = StartStats(tmp.Sub("stats"), "");
  ASSERT_NE(server, nullptr);
  auto admin = sapi::StatsAdminService::NewStub(ChannelTo(server->port()));
  sapi::CreateBackupResponse created;
  grpc::Status status = Call(*admin, &sapi::StatsAdminService::Stub::CreateBackup,
                             sapi::CreateBackupRequest(), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(status)), "BACKUPS_NOT_CONFIGURED");
  EXPECT_THAT(status.error_message(), HasSubstr("--backup_dir"));
  sapi::ListBackupsResponse listed;
  status = Call(*admin, &sapi::StatsAdminService::Stub::ListBackups, sapi::ListBackupsRequest(),
                &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(StatsBackupTest, AStoreBeingRestoredIsRefusedAtStart) {
  TempDir tmp;
  {
    auto server = StartStats(tmp.Sub("stats"), tmp.Sub("backups"));
    ASSERT_NE(server, nullptr);
    auto admin = sapi::StatsAdminService::NewStub(ChannelTo(server->port()));
    sapi::CreateBackupResponse created;
    ASSERT_TRUE(Call(*admin, &sapi::StatsAdminService::Stub::CreateBackup,
                     sapi::CreateBackupRequest(), &created)
                    .ok());
  }
  { std::ofstream(tmp.Sub("stats/RESTORE_IN_PROGRESS")) << "restoring\n"; }
  stats::StatsServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = tmp.Sub("stats");
  options.security.insecure_dev = true;
  auto refused = stats::StatsServer::Start(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("half-restored"));
}

// The award store as the API shows it: cycles, nominations, audit trails
// and winners.
std::vector<std::string> DumpAward(aapi::AwardService::Stub& stub) {
  std::vector<std::string> out;
  aapi::ListCyclesRequest cycles_request;
  cycles_request.set_view(aapi::CYCLE_VIEW_FULL);
  aapi::ListCyclesResponse cycles;
  grpc::Status status = Call(stub, &aapi::AwardService::Stub::ListCycles, cycles_request, &cycles);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(cycles.next_page_token().empty());
  for (const aapi::Cycle& cycle : cycles.cycles()) {
    out.push_back(Bytes(cycle));
    aapi::ListNominationsRequest nominations_request;
    nominations_request.set_cycle_id(cycle.cycle_id());
    nominations_request.set_show_withdrawn(true);
    nominations_request.set_view(aapi::NOMINATION_VIEW_FULL);
    aapi::ListNominationsResponse nominations;
    EXPECT_TRUE(
        Call(stub, &aapi::AwardService::Stub::ListNominations, nominations_request, &nominations)
            .ok());
    out.push_back(Bytes(nominations));
    aapi::ListAuditEventsRequest audit_request;
    audit_request.set_cycle_id(cycle.cycle_id());
    for (;;) {
      aapi::ListAuditEventsResponse page;
      status = Call(stub, &aapi::AwardService::Stub::ListAuditEvents, audit_request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& e : page.events()) out.push_back(Bytes(e));
      if (page.next_page_token().empty()) break;
      audit_request.set_page_token(page.next_page_token());
    }
  }
  aapi::ListWinnersResponse winners;
  EXPECT_TRUE(
      Call(stub, &aapi::AwardService::Stub::ListWinners, aapi::ListWinnersRequest(), &winners)
          .ok());
  EXPECT_GT(winners.winners_size(), 0);
  out.push_back(Bytes(winners));
  return out;
}

class AwardBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stats_ = StartStats(tmp_.Sub("stats"), "");
    ASSERT_NE(stats_, nullptr);
    auto stats_stub = sapi::StatsService::NewStub(ChannelTo(stats_->port()));
    ASSERT_NO_FATAL_FAILURE(imdi::testing::LoadBundledMunicipalities(*stats_stub));
    for (const char* file :
         {"imdikator/bosatt_anmodede.csv", "imdikator/befolkning_alder.csv",
          "imdikator/intro_avslutning_direkte.csv", "published/figures-2016-2017.csv"}) {
      ASSERT_NO_FATAL_FAILURE(Import(*stats_stub, file, sapi::FIGURES_STATUS_FINAL));
    }
  }

  std::unique_ptr<award::AwardServer> StartAward(const std::string& data_dir,
                                                 const std::string& backup_dir) {
    award::AwardServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = data_dir;
    options.sync = false;
    options.security.insecure_dev = true;
    options.stats_target = absl::StrCat("127.0.0.1:", stats_->port());
    options.health_interval = absl::Milliseconds(20);
    options.comparables = kData + "regions/similarMunicipalities.json";
    options.workers = 2;
    options.store_workers = 2;
    options.backup_dir = backup_dir;
    auto server = award::AwardServer::Start(options);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    EXPECT_TRUE((*server)->WaitUntilServing(absl::Seconds(10)));
    return *std::move(server);
  }

  TempDir tmp_;
  std::unique_ptr<stats::StatsServer> stats_;
};

TEST_F(AwardBackupTest, ARestoredBackupHasTheSameCyclesAuditTrailAndWinners) {
  auto award = StartAward(tmp_.Sub("award"), tmp_.Sub("backups"));
  ASSERT_NE(award, nullptr);
  auto channel = ChannelTo(award->port());
  auto stub = aapi::AwardService::NewStub(channel);
  auto admin = aapi::AwardAdminService::NewStub(channel);

  for (const auto& [id, file] :
       {std::pair<std::string, std::string>{"2015", "bosettingsprisen-2015.json"},
        {"2016", "bosettingsprisen-2016.json"}}) {
    auto config = award_files::LoadCycleConfig(kData + "award/" + file);
    ASSERT_TRUE(config.ok()) << config.status();
    aapi::CreateCycleRequest create;
    create.set_cycle_id(id);
    *create.mutable_config() = *config;
    aapi::CreateCycleResponse created;
    grpc::Status status = Call(*stub, &aapi::AwardService::Stub::CreateCycle, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  aapi::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  aapi::OpenNominationsResponse opened;
  ASSERT_TRUE(Call(*stub, &aapi::AwardService::Stub::OpenNominations, open, &opened).ok());
  aapi::SubmitNominationRequest nominate;
  nominate.set_cycle_id("2016");
  nominate.set_municipality_code("5001");
  nominate.mutable_nominator()->set_kind(aapi::NOMINATOR_KIND_REGIONAL_OFFICE);
  nominate.mutable_nominator()->set_imdi_region(sapi::IMDI_REGION_MIDT_NORGE);
  nominate.set_justification("Settled more than asked, with housing found in every district.");
  aapi::SubmitNominationResponse nominated;
  grpc::Status status =
      Call(*stub, &aapi::AwardService::Stub::SubmitNomination, nominate, &nominated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    std::ifstream history(kData + "published/award-history.csv");
    auto winners = award_files::ParseWinnersHistory(history, 2000, 2030);
    ASSERT_TRUE(winners.ok()) << winners.status();
    aapi::ImportWinnersRequest import;
    import.set_request_id("winners-1");
    for (const auto& w : *winners) *import.add_winners() = w;
    aapi::ImportWinnersResponse imported;
    status = Call(*stub, &aapi::AwardService::Stub::ImportWinners, import, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::vector<std::string> before = DumpAward(*stub);

  aapi::CreateBackupResponse backup;
  status = Call(*admin, &aapi::AwardAdminService::Stub::CreateBackup, aapi::CreateBackupRequest(),
                &backup);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(backup.backup().backup_id(), 1u);
  aapi::VerifyBackupRequest verify;
  verify.set_backup_id(1);
  aapi::VerifyBackupResponse verified;
  status = Call(*admin, &aapi::AwardAdminService::Stub::VerifyBackup, verify, &verified);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A change after the backup is not in it.
  aapi::WithdrawNominationRequest withdraw;
  withdraw.set_cycle_id("2016");
  withdraw.set_nomination_id(nominated.nomination().nomination_id());
  aapi::WithdrawNominationResponse withdrawn;
  status = Call(*stub, &aapi::AwardService::Stub::WithdrawNomination, withdraw, &withdrawn);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(DumpAward(*stub), before);
  award.reset();

  // Into the old store: refused without overwrite, then replaced.
  auto refused =
      RestoreRocksDbBackup({.backup_dir = tmp_.Sub("backups"), .data_dir = tmp_.Sub("award")});
  EXPECT_EQ(ErrorReason(refused.status()), "STORE_NOT_EMPTY");
  auto restored = RestoreRocksDbBackup(
      {.backup_dir = tmp_.Sub("backups"), .data_dir = tmp_.Sub("award"), .overwrite = true});
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto again = StartAward(tmp_.Sub("award"), tmp_.Sub("backups"));
  ASSERT_NE(again, nullptr);
  auto restored_stub = aapi::AwardService::NewStub(ChannelTo(again->port()));
  const std::vector<std::string> after = DumpAward(*restored_stub);
  EXPECT_EQ(after.size(), before.size());
  EXPECT_TRUE(after == before);
  std::cout << "award: " << before.size() << " dumped messages identical after restore\n";
}

// Documents live in their own column family, the large ones in BlobDB's
// blob files: a backup carries both, and a service started on the
// restored store serves the same bytes.
TEST_F(AwardBackupTest, ARestoredBackupServesTheSameDocuments) {
  auto award = StartAward(tmp_.Sub("award"), tmp_.Sub("backups"));
  ASSERT_NE(award, nullptr);
  auto channel = ChannelTo(award->port());
  auto stub = aapi::AwardService::NewStub(channel);
  auto admin = aapi::AwardAdminService::NewStub(channel);
  auto config = award_files::LoadCycleConfig(kData + "award/bosettingsprisen-2016.json");
  ASSERT_TRUE(config.ok()) << config.status();
  aapi::CreateCycleRequest create;
  create.set_cycle_id("2016");
  *create.mutable_config() = *config;
  aapi::CreateCycleResponse created;
  ASSERT_TRUE(Call(*stub, &aapi::AwardService::Stub::CreateCycle, create, &created).ok());
  aapi::OpenNominationsRequest open;
  open.set_cycle_id("2016");
  aapi::OpenNominationsResponse opened;
  ASSERT_TRUE(Call(*stub, &aapi::AwardService::Stub::OpenNominations, open, &opened).ok());
  aapi::SubmitNominationRequest nominate;
  nominate.set_cycle_id("2016");
  nominate.set_municipality_code("5001");
  nominate.mutable_nominator()->set_kind(aapi::NOMINATOR_KIND_REGIONAL_OFFICE);
  nominate.mutable_nominator()->set_imdi_region(sapi::IMDI_REGION_MIDT_NORGE);
  nominate.set_justification("Settled more than asked, with housing found in every district.");
  nominate.set_full_text("# Trondheim\n\nHele nominasjonen.\n");
  aapi::SubmitNominationResponse nominated;
  grpc::Status status =
      Call(*stub, &aapi::AwardService::Stub::SubmitNomination, nominate, &nominated);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // One document large enough for a blob file, one small enough for the LSM.
  const std::string large = imdi::testing::PseudoRandomBytes(size_t{2} << 20, 42);
  const std::string small = imdi::testing::PseudoRandomBytes(1000, 43);
  std::vector<std::string> shas;
  for (const std::string* bytes : {&large, &small}) {
    aapi::DocumentUploadHeader header;
    header.set_cycle_id("2016");
    header.set_nomination_id(nominated.nomination().nomination_id());
    header.set_file_name(absl::StrCat("vedlegg-", shas.size() + 1, ".pdf"));
    header.set_media_type("application/pdf");
    aapi::UploadNominationDocumentResponse uploaded;
    status = imdi::testing::UploadDocument(*stub, header, *bytes, 256 << 10, &uploaded);
    ASSERT_TRUE(status.ok()) << status.error_message();
    shas.push_back(uploaded.document().sha256());
  }
  aapi::CreateBackupResponse backup;
  status = Call(*admin, &aapi::AwardAdminService::Stub::CreateBackup, aapi::CreateBackupRequest(),
                &backup);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The nomination with its full text and its documents' list.
  auto nominations = [](aapi::AwardService::Stub& from) {
    aapi::ListNominationsRequest request;
    request.set_cycle_id("2016");
    request.set_view(aapi::NOMINATION_VIEW_FULL);
    aapi::ListNominationsResponse response;
    EXPECT_TRUE(Call(from, &aapi::AwardService::Stub::ListNominations, request, &response).ok());
    return response;
  };
  const aapi::ListNominationsResponse before = nominations(*stub);
  ASSERT_EQ(before.nominations_size(), 1);
  EXPECT_EQ(before.nominations(0).documents_size(), 2);
  EXPECT_FALSE(before.nominations(0).full_text().empty());
  award.reset();

  auto restored =
      RestoreRocksDbBackup({.backup_dir = tmp_.Sub("backups"), .data_dir = tmp_.Sub("restored")});
  ASSERT_TRUE(restored.ok()) << restored.status();
  // The large document came back as a blob file.
  int blob_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tmp_.Sub("restored"))) {
    blob_files += entry.path().extension() == ".blob";
  }
  EXPECT_GE(blob_files, 1);
  auto again = StartAward(tmp_.Sub("restored"), "");
  ASSERT_NE(again, nullptr);
  auto restored_stub = aapi::AwardService::NewStub(ChannelTo(again->port()));
  EXPECT_EQ(nominations(*restored_stub).SerializeAsString(), before.SerializeAsString());
  for (size_t i = 0; i < shas.size(); ++i) {
    aapi::DownloadNominationDocumentRequest download;
    download.set_cycle_id("2016");
    download.set_nomination_id(nominated.nomination().nomination_id());
    download.set_sha256(shas[i]);
    aapi::NominationDocument document;
    std::string bytes;
    status = imdi::testing::DownloadDocument(*restored_stub, download, &document, &bytes);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(bytes == (i == 0 ? large : small)) << document.file_name();
  }
}

}  // namespace
}  // namespace imdi
