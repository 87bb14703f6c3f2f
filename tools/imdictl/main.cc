// imdictl: the command-line client for what is awkward through grpcurl.
//
//   imdictl load-municipalities --target=HOST:PORT [--klass=FILE] [--regions=FILE]
//   imdictl import --target=HOST:PORT [--status=final] FILE...
//   imdictl data-version --target=HOST:PORT
//   imdictl create-cycle --award_target=HOST:PORT --cycle_id=ID CONFIG_FILE
//   imdictl load-winners --award_target=HOST:PORT [--from_year=Y] [--to_year=Y] CSV_FILE
//   imdictl hash-token < TOKEN_FILE     (the line to put in a credentials file)
//
// Against services with security: --tls_ca (and --tls_cert/--tls_key for
// mutual TLS), --token_file for a bearer token.
//
// The award commands send a request_id derived from their input, so running
// one again with the same input changes nothing.
//
// Exit status: 0 success; 1 some rows were rejected; 2 usage; 3 a file could
// not be read; 4 the service failed the call, or an import stream did not
// deliver every row (the service's count differs from what was sent).
#include <chrono>
#include <fstream>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/sha256.h"
#include "common/auth/tls.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "grpcpp/grpcpp.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "tools/award/award_files.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "The stats-service address, HOST:PORT.");
ABSL_FLAG(std::string, klass, "data/klass/kommuner-1994-2024.csv",
          "Statistics Norway's municipality code history (load-municipalities).");
ABSL_FLAG(std::string, regions, "data/regions/kommuner.json",
          "IMDi's municipality list with regions (load-municipalities).");
ABSL_FLAG(std::string, status, "final",
          "Status to record on imported figures: final, preliminary or unspecified.");
ABSL_FLAG(int, batch, 500,
          "Records per ImportFigures message (one atomic write each), 1 to 5000.");
ABSL_FLAG(int64_t, max_errors, 50, "Rejected rows to list per file.");
ABSL_FLAG(int, timeout_seconds, 300, "Deadline of each call.");
ABSL_FLAG(std::string, award_target, "127.0.0.1:50052",
          "The award-service address, HOST:PORT (create-cycle, load-winners).");
ABSL_FLAG(std::string, cycle_id, "", "Identifier of the cycle to create (create-cycle).");
ABSL_FLAG(int, from_year, 2008, "First award year to load (load-winners).");
ABSL_FLAG(int, to_year, 2100, "Last award year to load (load-winners).");
ABSL_FLAG(std::string, tls_ca, "", "PEM CA of the services' certificates; connect over TLS.");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate (mutual TLS).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_server_name, "",
          "Name to verify the server's certificate against, when it differs from the target's host.");
ABSL_FLAG(std::string, token_file, "", "File holding the bearer token to call with.");

namespace {

namespace api = ::imdi::stats::v1;
using imdi::import::ParsedFile;

constexpr int kExitRejected = 1;
constexpr int kExitUsage = 2;
constexpr int kExitFile = 3;
constexpr int kExitRpc = 4;

std::string& BearerToken() {
  static std::string token;
  return token;
}

// Every call: a deadline, and the bearer token when there is one.
void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(absl::GetFlag(FLAGS_timeout_seconds)));
  if (!BearerToken().empty()) context.AddMetadata("authorization", "Bearer " + BearerToken());
}

// A channel to `target`: TLS when --tls_ca or --tls_cert is given.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& target) {
  if (absl::GetFlag(FLAGS_tls_ca).empty() && absl::GetFlag(FLAGS_tls_cert).empty()) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }
  auto credentials = imdi::auth::MakeChannelCredentials(
      {absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key)});
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  if (!absl::GetFlag(FLAGS_tls_server_name).empty()) {
    args.SetSslTargetNameOverride(absl::GetFlag(FLAGS_tls_server_name));
  }
  return grpc::CreateCustomChannel(target, *credentials, args);
}

int HashToken() {
  std::string token;
  std::getline(std::cin, token);
  token = std::string(absl::StripAsciiWhitespace(token));
  if (token.empty()) {
    std::cerr << "imdictl: hash-token reads a token on standard input\n";
    return kExitUsage;
  }
  std::cout << imdi::auth::Sha256Hex(token) << "\n";
  return 0;
}

int RpcFailed(absl::string_view what, const grpc::Status& status) {
  const absl::Status error = imdi::FromGrpcStatus(status);
  std::cerr << "imdictl: " << what << " failed: " << absl::StatusCodeToString(error.code())
            << ": " << error.message();
  for (const auto& [key, value] : imdi::ErrorMetadata(error)) {
    std::cerr << "\n  " << key << ": " << value;
  }
  std::cerr << "\n";
  return kExitRpc;
}

int LoadMunicipalities(api::StatsService::Stub& stub) {
  auto source = imdi::import::LoadMunicipalities(absl::GetFlag(FLAGS_klass),
                                                 absl::GetFlag(FLAGS_regions));
  if (!source.ok()) {
    std::cerr << "imdictl: " << source.status().message() << "\n";
    return kExitFile;
  }
  for (const std::string& warning : source->warnings) std::cerr << "note: " << warning << "\n";
  auto request = imdi::import::MunicipalitiesRequest(*source);
  if (!request.ok()) {
    std::cerr << "imdictl: " << request.status().message() << "\n";
    return kExitFile;
  }
  grpc::ClientContext context;
  SetDeadline(context);
  api::BatchUpsertMunicipalitiesResponse response;
  grpc::Status status = stub.BatchUpsertMunicipalities(&context, *request, &response);
  if (!status.ok()) return RpcFailed("BatchUpsertMunicipalities", status);
  std::cout << absl::StrFormat(
      "municipalities: %d sent, %d changed, data version %d\n",
      request->municipalities_size(), response.changed_count(), response.data_version());
  return 0;
}

api::FiguresStatus ParseStatus(absl::string_view text, bool& ok) {
  ok = true;
  if (text == "final") return api::FIGURES_STATUS_FINAL;
  if (text == "preliminary") return api::FIGURES_STATUS_PRELIMINARY;
  if (text == "unspecified") return api::FIGURES_STATUS_UNSPECIFIED;
  ok = false;
  return api::FIGURES_STATUS_UNSPECIFIED;
}

void PrintParseSummary(const std::string& name, const ParsedFile& parsed) {
  std::cerr << absl::StrFormat("%s: %s, %d rows -> %d records", name,
                               imdi::import::DescribeKind(parsed.kind), parsed.rows,
                               parsed.records.size());
  for (const auto& [reason, count] : parsed.skipped) {
    std::cerr << absl::StrFormat("\n  skipped %d: %s", count, reason);
  }
  std::cerr << "\n";
}

// Streams one parsed file; returns the number of rejected rows or -1 when
// the call failed.
int64_t ImportFile(api::StatsService::Stub& stub, const std::string& path,
                   const ParsedFile& parsed, api::FiguresStatus status, absl::Time start) {
  // The file's name is the rows' source: one line of UTF-8 (ImportRequests
  // makes it so), whatever bytes the file system gave it.
  const std::string name = std::filesystem::path(path).filename().string();
  grpc::ClientContext context;
  SetDeadline(context);
  api::ImportFiguresResponse response;
  std::unique_ptr<grpc::ClientWriter<api::ImportFiguresRequest>> writer(
      stub.ImportFigures(&context, &response));

  const std::vector<api::ImportFiguresRequest> requests = imdi::import::ImportRequests(
      parsed, name, status, static_cast<size_t>(absl::GetFlag(FLAGS_batch)));
  absl::Time last_report = start;
  size_t sent = 0;
  for (const api::ImportFiguresRequest& request : requests) {
    if (!writer->Write(request)) break;  // the server ended the call; Finish says why
    sent += request.rows_size();
    const absl::Time now = absl::Now();
    if (now - last_report > absl::Milliseconds(500) || sent == parsed.records.size()) {
      const double seconds = std::max(1e-6, absl::ToDoubleSeconds(now - start));
      // Rows done: the file rows up to the last record sent.
      const int64_t rows_done =
          sent == parsed.records.size() ? parsed.rows : parsed.records[sent - 1].line - 1;
      std::cerr << absl::StrFormat("%s: %d/%d rows, %d/%d records sent, %.0f rows/s\n", name,
                                   rows_done, parsed.rows, sent, parsed.records.size(),
                                   rows_done / seconds);
      last_report = now;
    }
  }
  writer->WritesDone();
  grpc::Status finished = writer->Finish();
  if (!finished.ok()) {
    RpcFailed(absl::StrCat("ImportFigures of ", path), finished);
    return -1;
  }
  // A stream that lost messages must not pass for a complete import.
  if (sent != parsed.records.size() ||
      response.rows_received() != static_cast<int64_t>(parsed.records.size())) {
    std::cerr << absl::StrFormat(
        "imdictl: ImportFigures of %s is incomplete: %d records parsed, %d sent, %d received "
        "by the service (data version %d); import the file again\n",
        path, parsed.records.size(), sent, response.rows_received(), response.data_version());
    return -1;
  }
  const double seconds = std::max(1e-6, absl::ToDoubleSeconds(absl::Now() - start));
  std::cout << absl::StrFormat(
      "%s: %d rows read, %d records: %d changed, %d unchanged, %d rejected; "
      "%.0f rows/s; data version %d\n",
      name, parsed.rows, response.rows_received(), response.rows_changed(),
      response.rows_unchanged(), response.rows_rejected() + parsed.rejected.size(),
      parsed.rows / seconds, response.data_version());
  const int64_t rejected =
      response.rows_rejected() + static_cast<int64_t>(parsed.rejected.size());
  const int64_t shown_limit = absl::GetFlag(FLAGS_max_errors);
  int64_t shown = 0;
  for (const imdi::import::RowProblem& problem : parsed.rejected) {
    if (shown++ >= shown_limit) break;
    std::cout << absl::StrFormat("  %s:%d: %s\n", name, problem.line, problem.reason);
  }
  for (const api::ImportRowError& error : response.errors()) {
    if (shown++ >= shown_limit) break;
    std::cout << absl::StrFormat("  %s:%d: %s%s%s\n", name, error.line(), error.field(),
                                 error.field().empty() ? "" : ": ", error.reason());
  }
  if (rejected > shown_limit) {
    std::cout << absl::StrFormat("  ... and %d more rejected rows (--max_errors)\n",
                                 rejected - shown_limit);
  }
  return rejected;
}

int Import(api::StatsService::Stub& stub, const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "imdictl import: name at least one file\n";
    return kExitUsage;
  }
  if (absl::GetFlag(FLAGS_batch) < 1 || absl::GetFlag(FLAGS_batch) > 5000) {
    std::cerr << "imdictl: --batch must be 1 to 5000\n";
    return kExitUsage;
  }
  bool ok = false;
  const api::FiguresStatus status = ParseStatus(absl::GetFlag(FLAGS_status), ok);
  if (!ok) {
    std::cerr << "imdictl: --status must be final, preliminary or unspecified\n";
    return kExitUsage;
  }
  int64_t rejected = 0;
  for (const std::string& path : files) {
    const absl::Time start = absl::Now();
    auto parsed = imdi::import::ParseFiguresPath(path);
    if (!parsed.ok()) {
      std::cerr << "imdictl: " << path << ": " << parsed.status().message() << "\n";
      return kExitFile;
    }
    PrintParseSummary(std::filesystem::path(path).filename().string(), *parsed);
    const int64_t file_rejected = ImportFile(stub, path, *parsed, status, start);
    if (file_rejected < 0) return kExitRpc;
    rejected += file_rejected;
  }
  return rejected > 0 ? kExitRejected : 0;
}

int DataVersion(api::StatsService::Stub& stub) {
  grpc::ClientContext context;
  SetDeadline(context);
  api::GetDataVersionResponse response;
  grpc::Status status = stub.GetDataVersion(&context, {}, &response);
  if (!status.ok()) return RpcFailed("GetDataVersion", status);
  std::cout << response.data_version() << "\n";
  return 0;
}

// A request id that is the same for the same input (FNV-1a of its bytes).
std::string InputRequestId(absl::string_view command, const google::protobuf::Message& input) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : input.SerializeAsString()) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("imdictl-%s-%016x", command, hash);
}

int CreateCycle(imdi::award::v1::AwardService::Stub& stub, const std::vector<std::string>& files) {
  if (files.size() != 1 || absl::GetFlag(FLAGS_cycle_id).empty()) {
    std::cerr << "imdictl: create-cycle needs --cycle_id and one configuration file\n";
    return kExitUsage;
  }
  auto config = imdi::award_files::LoadCycleConfig(files[0]);
  if (!config.ok()) {
    std::cerr << "imdictl: " << config.status().message() << "\n";
    return kExitFile;
  }
  imdi::award::v1::CreateCycleRequest request;
  request.set_cycle_id(absl::GetFlag(FLAGS_cycle_id));
  *request.mutable_config() = *config;
  request.set_request_id(InputRequestId("create-cycle", request));
  grpc::ClientContext context;
  SetDeadline(context);
  imdi::award::v1::CreateCycleResponse response;
  grpc::Status status = stub.CreateCycle(&context, request, &response);
  if (!status.ok()) return RpcFailed("CreateCycle", status);
  // A repeated run gets the first response back; show the cycle as it is now.
  grpc::ClientContext get_context;
  SetDeadline(get_context);
  imdi::award::v1::GetCycleRequest get;
  get.set_cycle_id(request.cycle_id());
  imdi::award::v1::GetCycleResponse current;
  status = stub.GetCycle(&get_context, get, &current);
  if (!status.ok()) return RpcFailed("GetCycle", status);
  std::cout << "cycle " << current.cycle().cycle_id() << ": " << current.cycle().config().title()
            << ", state " << imdi::award::v1::CycleState_Name(current.cycle().state())
            << ", etag " << current.cycle().etag() << "\n";
  return 0;
}

int LoadWinners(imdi::award::v1::AwardService::Stub& stub, const std::vector<std::string>& files) {
  if (files.size() != 1) {
    std::cerr << "imdictl: load-winners needs one award-history CSV file\n";
    return kExitUsage;
  }
  std::ifstream in(files[0]);
  if (!in) {
    std::cerr << "imdictl: cannot read " << files[0] << "\n";
    return kExitFile;
  }
  auto winners = imdi::award_files::ParseWinnersHistory(in, absl::GetFlag(FLAGS_from_year),
                                                        absl::GetFlag(FLAGS_to_year));
  if (!winners.ok()) {
    std::cerr << "imdictl: " << files[0] << ": " << winners.status().message() << "\n";
    return kExitFile;
  }
  imdi::award::v1::ImportWinnersRequest request;
  for (auto& w : *winners) *request.add_winners() = std::move(w);
  request.set_request_id(InputRequestId("load-winners", request));
  grpc::ClientContext context;
  SetDeadline(context);
  imdi::award::v1::ImportWinnersResponse response;
  grpc::Status status = stub.ImportWinners(&context, request, &response);
  if (!status.ok()) return RpcFailed("ImportWinners", status);
  std::cout << "winners: " << request.winners_size() << " read, " << response.added_count()
            << " added, " << response.unchanged_count() << " already recorded\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Command-line client of the IMDi statistics service.\n"
      "  imdictl load-municipalities --target=HOST:PORT [--klass=FILE] [--regions=FILE]\n"
      "  imdictl import --target=HOST:PORT [--status=final] FILE...\n"
      "  imdictl data-version --target=HOST:PORT\n"
      "  imdictl create-cycle --award_target=HOST:PORT --cycle_id=ID CONFIG_FILE\n"
      "  imdictl load-winners --award_target=HOST:PORT [--from_year=Y] [--to_year=Y] CSV_FILE\n"
      "  imdictl hash-token < TOKEN_FILE\n"
      "With security: --tls_ca=FILE [--tls_cert=FILE --tls_key=FILE] [--token_file=FILE]");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::cerr << absl::ProgramUsageMessage() << "\n";
    return kExitUsage;
  }
  const std::string command = positional[1];
  std::vector<std::string> args(positional.begin() + 2, positional.end());

  if (command == "hash-token") return HashToken();
  if (const std::string path = absl::GetFlag(FLAGS_token_file); !path.empty()) {
    auto token = imdi::auth::ReadFile(path);
    if (!token.ok()) {
      std::cerr << "imdictl: " << token.status().message() << "\n";
      return kExitFile;
    }
    BearerToken() = std::string(absl::StripAsciiWhitespace(*token));
  }
  const bool award_command = command == "create-cycle" || command == "load-winners";
  auto channel = Connect(absl::GetFlag(award_command ? FLAGS_award_target : FLAGS_target));
  if (!channel.ok()) {
    std::cerr << "imdictl: " << channel.status().message() << "\n";
    return kExitFile;
  }
  if (award_command) {
    auto award = imdi::award::v1::AwardService::NewStub(*channel);
    return command == "create-cycle" ? CreateCycle(*award, args) : LoadWinners(*award, args);
  }
  auto stub = api::StatsService::NewStub(*channel);
  if (command == "load-municipalities") return LoadMunicipalities(*stub);
  if (command == "import") return Import(*stub, args);
  if (command == "data-version") return DataVersion(*stub);
  std::cerr << "imdictl: unknown command \"" << command << "\"\n"
            << absl::ProgramUsageMessage() << "\n";
  return kExitUsage;
}
