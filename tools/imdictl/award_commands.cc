// The award service's commands on nominations, the jury, votes, winners and
// the audit trail. Files given to them are checked whole, with line
// numbers, before the first call.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/auth/sha256.h"
#include "tools/award/award_files.h"
#include "tools/imdictl/award_helpers.h"
#include "tools/imdictl/commands.h"
#include "tools/imdictl/flags.h"
#include "tools/imdictl/inputs.h"

namespace imdi::imdictl {
namespace {

// The bounds of the award service (award-service/domain/documents.h).
constexpr size_t kMaxFullTextBytes = size_t{64} << 10;
constexpr size_t kMaxDocumentBytes = size_t{10} << 20;
// Bytes of one upload message.
constexpr size_t kDocumentChunkBytes = size_t{256} << 10;

namespace api = ::imdi::award::v1;
using Stub = api::AwardService::Stub;

// Prints a file's problems; kExitFile when there are any.
int ReportProblems(const std::string& path, const std::vector<InputProblem>& problems) {
  if (problems.empty()) return kExitOk;
  std::cerr << DescribeProblems(path, problems) << "imdictl: " << path
            << ": nothing was sent; fix the file and run the command again\n";
  return kExitFile;
}

// Resolves each row's nomination; problems name the rows' lines.
template <typename Row>
std::vector<std::string> ResolveRows(const std::vector<Row>& rows,
                                     const api::ListNominationsResponse& list,
                                     std::vector<InputProblem>& problems) {
  std::vector<std::string> ids;
  for (const Row& row : rows) {
    absl::StatusOr<std::string> id = ResolveNomination(row.nomination, list.nominations());
    if (!id.ok()) problems.push_back({row.line, std::string(id.status().message())});
    ids.push_back(id.ok() ? *id : "");
  }
  return ids;
}

// The nomination --nomination names.
std::optional<std::string> NominationFromFlag(Client& client, const std::string& cycle,
                                              int& exit_code) {
  const std::string ref = absl::GetFlag(FLAGS_nomination);
  if (ref.empty()) {
    exit_code = UsageError("name the nomination: --nomination=ID, CODE or NAME");
    return std::nullopt;
  }
  std::optional<api::ListNominationsResponse> list =
      ListNominations(client, cycle, false, exit_code);
  if (!list) return std::nullopt;
  absl::StatusOr<std::string> id = ResolveNomination(ref, list->nominations());
  if (!id.ok()) {
    exit_code = UsageError(absl::StrCat("--nomination: ", id.status().message()));
    return std::nullopt;
  }
  return *id;
}

void PrintTallies(const google::protobuf::RepeatedPtrField<api::VoteTally>& totals) {
  Table table({"nomination", "votes"});
  for (const api::VoteTally& t : totals) table.Add({t.nomination_id(), absl::StrCat(t.votes())});
  std::cout << table.Render();
}

}  // namespace

int NominationSubmit(Client& client, const Args& files) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  std::vector<api::SubmitNominationRequest> requests;
  if (files.empty()) {
    api::SubmitNominationRequest& r = requests.emplace_back();
    r.set_municipality_code(absl::GetFlag(FLAGS_municipality));
    if (r.municipality_code().empty()) {
      return UsageError("nomination submit needs --municipality or nomination files");
    }
    r.mutable_nominator()->set_kind(api::NOMINATOR_KIND_REGIONAL_OFFICE);
    if (const std::string region = absl::GetFlag(FLAGS_region); !region.empty()) {
      std::optional<stats::v1::ImdiRegion> parsed = ParseRegion(region);
      if (!parsed)
        return UsageError(absl::StrCat("--region: unknown IMDi region \"", region, "\""));
      r.mutable_nominator()->set_imdi_region(*parsed);
    }
    r.mutable_nominator()->set_display_name(absl::GetFlag(FLAGS_nominator));
    r.set_justification(absl::GetFlag(FLAGS_justification));
    r.set_override_reason(absl::GetFlag(FLAGS_override_reason));
  } else {
    for (const char* flag : {"municipality", "region", "nominator", "justification"}) {
      if (!absl::FindCommandLineFlag(flag)->CurrentValue().empty()) {
        return UsageError(absl::StrCat("--", flag, " and nomination files do not go together"));
      }
    }
    for (const std::string& path : files) {
      std::optional<std::string> text = ReadInputFile(path);
      if (!text) return kExitFile;
      api::SubmitNominationRequest& r = requests.emplace_back();
      std::string full_text_file;
      if (absl::Status parsed = ParseNominationFile(*text, r, &full_text_file); !parsed.ok()) {
        std::cerr << "imdictl: " << path << ": " << parsed.message() << "\n";
        return kExitFile;
      }
      if (!full_text_file.empty()) {
        const std::string full_path = NominationFullTextPath(path, full_text_file);
        std::optional<std::string> full_text = ReadInputFile(full_path);
        if (!full_text) return kExitFile;
        if (full_text->size() > kMaxFullTextBytes) {
          std::cerr << "imdictl: " << full_path << ": the full text is " << full_text->size()
                    << " bytes; at most " << kMaxFullTextBytes << " (64 KiB)\n";
          return kExitFile;
        }
        r.set_full_text(*std::move(full_text));
      }
    }
  }
  for (api::SubmitNominationRequest& r : requests) {
    r.set_cycle_id(*cycle);
    r.set_view(api::NOMINATION_VIEW_FULL);
    api::SubmitNominationResponse response;
    if (int rc = Mutate(client, "nomination submit", &Stub::SubmitNomination, "SubmitNomination", r,
                        response)) {
      return rc;
    }
    if (client.json()) {
      std::cout << ToJson(response) << "\n";
    } else {
      std::cout << DescribeNomination(response.nomination());
    }
  }
  return kExitOk;
}

int NominationList(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("nomination list takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::ListNominationsRequest request;
  request.set_cycle_id(*cycle);
  request.set_show_withdrawn(absl::GetFlag(FLAGS_show_withdrawn));
  if (absl::GetFlag(FLAGS_details)) request.set_view(api::NOMINATION_VIEW_FULL);
  api::ListNominationsResponse response;
  if (int rc = Read(client, &Stub::ListNominations, "ListNominations", request, response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  if (absl::GetFlag(FLAGS_details)) {
    for (const api::Nomination& n : response.nominations())
      std::cout << DescribeNomination(n) << "\n";
    return kExitOk;
  }
  Table table({"nomination", "municipality", "code", "region", "nominator", "verdict",
               "claims pending", "state"});
  for (const api::Nomination& n : response.nominations()) {
    int pending = 0;
    for (const api::AssessmentClaim& c : n.claims()) {
      pending += c.state() == api::ASSESSMENT_STATE_PENDING;
    }
    table.Add({n.nomination_id(), n.municipality_name(), n.municipality_code(),
               RegionName(n.imdi_region()), n.nominator().display_name(),
               VerdictName(n.evaluation().verdict()),
               absl::StrCat(pending, " of ", n.claims_size()),
               n.state() == api::NOMINATION_STATE_WITHDRAWN ? "withdrawn" : "active"});
  }
  std::cout << table.Render() << response.nominations_size() << " nominations\n";
  return kExitOk;
}

int NominationWithdraw(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("nomination withdraw takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  int rc = kExitOk;
  std::optional<std::string> id = NominationFromFlag(client, *cycle, rc);
  if (!id) return rc;
  api::WithdrawNominationRequest request;
  request.set_cycle_id(*cycle);
  request.set_nomination_id(*id);
  request.set_etag(absl::GetFlag(FLAGS_etag));
  api::WithdrawNominationResponse response;
  if ((rc = Mutate(client, "nomination withdraw", &Stub::WithdrawNomination, "WithdrawNomination",
                   request, response))) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << DescribeNomination(response.nomination());
  }
  return kExitOk;
}

int JuryRegister(Client& client, const Args& args) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  std::vector<JurorRow> jurors;
  if (args.size() > 1) return UsageError("jury register takes at most one CSV file");
  if (args.empty()) {
    JurorRow& row = jurors.emplace_back();
    row.juror.set_juror_id(absl::GetFlag(FLAGS_juror));
    row.juror.set_display_name(absl::GetFlag(FLAGS_name));
    row.juror.set_chair(absl::GetFlag(FLAGS_chair));
    if (row.juror.juror_id().empty())
      return UsageError("jury register needs --juror or a CSV file");
  } else {
    std::optional<std::string> text = ReadInputFile(args[0]);
    if (!text) return kExitFile;
    std::vector<InputProblem> problems;
    jurors = ParseJurors(*text, problems);
    if (int rc = ReportProblems(args[0], problems)) return rc;
  }
  Table table({"juror", "name", "chair"});
  for (const JurorRow& row : jurors) {
    api::RegisterJurorRequest request;
    request.set_cycle_id(*cycle);
    *request.mutable_juror() = row.juror;
    api::RegisterJurorResponse response;
    if (int rc = Mutate(client, "jury register", &Stub::RegisterJuror, "RegisterJuror", request,
                        response)) {
      if (row.line > 0) std::cerr << "imdictl: at " << args[0] << ":" << row.line << "\n";
      return rc;
    }
    if (client.json()) std::cout << ToJson(response) << "\n";
    table.Add({response.juror().juror_id(), response.juror().display_name(),
               response.juror().chair() ? "chair" : ""});
  }
  if (!client.json()) std::cout << table.Render() << jurors.size() << " jurors registered\n";
  return kExitOk;
}

int JuryConflict(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("jury conflict takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  if (absl::GetFlag(FLAGS_juror).empty()) return UsageError("jury conflict needs --juror");
  int rc = kExitOk;
  std::optional<std::string> id = NominationFromFlag(client, *cycle, rc);
  if (!id) return rc;
  api::DeclareConflictRequest request;
  request.set_cycle_id(*cycle);
  request.set_juror_id(absl::GetFlag(FLAGS_juror));
  request.set_nomination_id(*id);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  api::DeclareConflictResponse response;
  if ((rc = Mutate(client, "jury conflict", &Stub::DeclareConflict, "DeclareConflict", request,
                   response))) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << "juror " << response.juror().juror_id() << " is conflicted with "
              << absl::StrJoin(response.juror().conflicted_nomination_ids(), ", ") << "\n";
  }
  return kExitOk;
}

int JuryConfirm(Client& client, const Args& args) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  if (args.size() > 1) return UsageError("jury confirm takes at most one CSV file");
  std::vector<AssessmentRow> rows;
  std::string path = "--nomination";
  if (args.empty()) {
    if (absl::GetFlag(FLAGS_criterion).empty()) {
      return UsageError("jury confirm needs --nomination and --criterion, or a CSV file");
    }
    rows.push_back({0, absl::GetFlag(FLAGS_nomination), absl::GetFlag(FLAGS_criterion),
                    !absl::GetFlag(FLAGS_reject), absl::GetFlag(FLAGS_note)});
  } else {
    path = args[0];
    std::optional<std::string> text = ReadInputFile(path);
    if (!text) return kExitFile;
    std::vector<InputProblem> problems;
    rows = ParseAssessments(*text, problems);
    if (int rc = ReportProblems(path, problems)) return rc;
  }
  int rc = kExitOk;
  std::optional<api::ListNominationsResponse> list = ListNominations(client, *cycle, false, rc);
  if (!list) return rc;
  std::vector<InputProblem> problems;
  const std::vector<std::string> ids = ResolveRows(rows, *list, problems);
  if ((rc = ReportProblems(path, problems))) return rc;
  Table table({"nomination", "municipality", "criterion", "assessment", "verdict now"});
  for (size_t i = 0; i < rows.size(); ++i) {
    api::ConfirmAssessmentRequest request;
    request.set_cycle_id(*cycle);
    request.set_nomination_id(ids[i]);
    request.set_criterion(rows[i].criterion);
    request.set_confirmed(rows[i].confirmed);
    request.set_jury_note(rows[i].note);
    api::ConfirmAssessmentResponse response;
    if ((rc = Mutate(client, "jury confirm", &Stub::ConfirmAssessment, "ConfirmAssessment", request,
                     response))) {
      if (rows[i].line > 0) std::cerr << "imdictl: at " << path << ":" << rows[i].line << "\n";
      return rc;
    }
    if (client.json()) std::cout << ToJson(response) << "\n";
    const api::Nomination& n = response.nomination();
    table.Add({n.nomination_id(), n.municipality_name(), rows[i].criterion,
               rows[i].confirmed ? "confirmed" : "rejected",
               VerdictName(n.evaluation().verdict())});
  }
  if (!client.json()) std::cout << table.Render() << rows.size() << " assessments recorded\n";
  return kExitOk;
}

int JuryScores(Client& client, const Args& args) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  if (absl::GetFlag(FLAGS_juror).empty()) return UsageError("jury scores needs --juror");
  if (args.size() != 1) return UsageError("jury scores takes one score sheet (CSV)");
  std::optional<std::string> text = ReadInputFile(args[0]);
  if (!text) return kExitFile;
  std::vector<InputProblem> problems;
  const std::vector<ScoreRow> rows = ParseScoreSheet(*text, problems);
  if (int rc = ReportProblems(args[0], problems)) return rc;
  int rc = kExitOk;
  std::optional<api::ListNominationsResponse> list = ListNominations(client, *cycle, false, rc);
  if (!list) return rc;
  const std::vector<std::string> ids = ResolveRows(rows, *list, problems);
  // Two names of the same nomination on one criterion.
  std::map<std::pair<std::string, std::string>, int64_t> seen;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (ids[i].empty()) continue;
    auto [it, inserted] = seen.emplace(std::make_pair(ids[i], rows[i].criterion), rows[i].line);
    if (!inserted) {
      problems.push_back(
          {rows[i].line, absl::StrCat("nomination ", ids[i], " is scored on ", rows[i].criterion,
                                      " already, on line ", it->second)});
    }
  }
  if ((rc = ReportProblems(args[0], problems))) return rc;
  api::SubmitScoreSheetRequest request;
  request.set_cycle_id(*cycle);
  request.set_juror_id(absl::GetFlag(FLAGS_juror));
  for (size_t i = 0; i < rows.size(); ++i) {
    api::ScoreSheetEntry* entry = request.add_scores();
    entry->set_nomination_id(ids[i]);
    entry->set_criterion(rows[i].criterion);
    entry->set_score(rows[i].score);
  }
  api::SubmitScoreSheetResponse response;
  if ((rc = Mutate(client, "jury scores", &Stub::SubmitScoreSheet, "SubmitScoreSheet", request,
                   response))) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  Table table({"nomination", "municipality", "jury score", "scores recorded"});
  for (const api::NomineeScore& n : response.nominees()) {
    table.Add({n.nomination_id(), n.municipality_name(),
               n.has_jury_score() ? absl::StrFormat("%.2f", n.jury_score()) : "-",
               absl::StrCat(n.scores_recorded())});
  }
  std::cout << "juror " << response.juror_id() << ": " << response.scores_recorded()
            << " scores recorded, " << response.scores_missing() << " still missing\n"
            << table.Render();
  return kExitOk;
}

namespace {

// Tallies from a CSV file or from --nomination and --votes.
std::optional<std::vector<api::VoteTally>> Tallies(Client& client, const std::string& cycle,
                                                   const Args& args, absl::string_view command,
                                                   int& rc) {
  std::vector<VotesRow> rows;
  std::string path = "--nomination";
  if (args.size() > 1) {
    rc = UsageError(absl::StrCat(command, " takes at most one CSV file"));
    return std::nullopt;
  }
  if (args.empty()) {
    rows.push_back({0, absl::GetFlag(FLAGS_nomination), absl::GetFlag(FLAGS_votes)});
    if (rows[0].nomination.empty() || rows[0].votes < 0) {
      rc = UsageError(
          absl::StrCat(command, " needs --nomination and --votes (at least 0), or a CSV file"));
      return std::nullopt;
    }
  } else {
    path = args[0];
    std::optional<std::string> text = ReadInputFile(path);
    if (!text) {
      rc = kExitFile;
      return std::nullopt;
    }
    std::vector<InputProblem> problems;
    rows = ParseVotes(*text, problems);
    if ((rc = ReportProblems(path, problems))) return std::nullopt;
  }
  std::optional<api::ListNominationsResponse> list = ListNominations(client, cycle, false, rc);
  if (!list) return std::nullopt;
  std::vector<InputProblem> problems;
  const std::vector<std::string> ids = ResolveRows(rows, *list, problems);
  if ((rc = ReportProblems(path, problems))) return std::nullopt;
  std::vector<api::VoteTally> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    api::VoteTally& t = out.emplace_back();
    t.set_nomination_id(ids[i]);
    t.set_votes(rows[i].votes);
  }
  return out;
}

}  // namespace

int VotesRecord(Client& client, const Args& args) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  int rc = kExitOk;
  std::optional<std::vector<api::VoteTally>> tallies =
      Tallies(client, *cycle, args, "votes record", rc);
  if (!tallies) return rc;
  api::RecordVotesRequest request;
  request.set_cycle_id(*cycle);
  for (auto& t : *tallies) *request.add_tallies() = std::move(t);
  api::RecordVotesResponse response;
  if ((rc = Mutate(client, "votes record", &Stub::RecordVotes, "RecordVotes", request, response))) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    PrintTallies(response.totals());
  }
  return kExitOk;
}

int VotesCorrect(Client& client, const Args& args) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  if (absl::GetFlag(FLAGS_reason).empty()) return UsageError("votes correct needs --reason");
  int rc = kExitOk;
  std::optional<std::vector<api::VoteTally>> totals =
      Tallies(client, *cycle, args, "votes correct", rc);
  if (!totals) return rc;
  api::CorrectVotesRequest request;
  request.set_cycle_id(*cycle);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  for (auto& t : *totals) *request.add_totals() = std::move(t);
  api::CorrectVotesResponse response;
  if ((rc = Mutate(client, "votes correct", &Stub::CorrectVotes, "CorrectVotes", request,
                   response))) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    PrintTallies(response.totals());
  }
  return kExitOk;
}

int WinnersList(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("winners list takes no arguments");
  api::ListWinnersResponse response;
  if (int rc =
          Read(client, &Stub::ListWinners, "ListWinners", api::ListWinnersRequest(), response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  Table table({"year", "municipality", "code then", "code now", "region", "announced", "event"});
  for (const api::Winner& w : response.winners()) {
    table.Add({absl::StrCat(w.award_year()), w.municipality_name(), w.code_at_the_time(),
               w.municipality_code(), RegionName(w.imdi_region()), w.announce_date(), w.event()});
  }
  std::cout << table.Render();
  return kExitOk;
}

int WinnersLoad(Client& client, const Args& files) {
  if (files.size() != 1) return UsageError("winners load needs one award-history CSV file");
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
  api::ImportWinnersRequest request;
  for (auto& w : *winners) *request.add_winners() = std::move(w);
  api::ImportWinnersResponse response;
  // The id as earlier releases derived it, so that their runs are repeats.
  if (int rc = Mutate(client, "load-winners", &Stub::ImportWinners, "ImportWinners", request,
                      response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << "winners: " << request.winners_size() << " read, " << response.added_count()
              << " added, " << response.unchanged_count() << " already recorded\n";
  }
  return kExitOk;
}

int AuditList(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("audit list takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::ListAuditEventsRequest request;
  request.set_cycle_id(*cycle);
  request.set_page_size(1000);
  api::ListAuditEventsResponse all;
  if (int rc = ReadAuditEvents(client, request, all)) return rc;
  if (client.json()) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"#", "time", "actor", "action", "state", "nomination", "detail"});
  for (const api::AuditEvent& e : all.events()) {
    const std::string state =
        e.state_before() == e.state_after()
            ? StateName(e.state_after())
            : absl::StrCat(StateName(e.state_before()), " -> ", StateName(e.state_after()));
    table.Add({absl::StrCat(e.sequence()), FormatTime(e.event_time()), e.actor(), e.action(), state,
               e.nomination_id(), e.detail()});
  }
  std::cout << table.Render() << all.events_size() << " events\n";
  return kExitOk;
}

// --------------------------------------------------------------------------
// Nomination documents: streamed up and down.

namespace {

int DocumentUpload(Client& client, const std::string& cycle, const std::string& nomination,
                   const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "imdictl: " << path << ": cannot be read\n";
    return kExitFile;
  }
  // Read whole (at most 10 MiB and one byte more, to tell a larger file),
  // so the SHA-256 goes in the header and the service checks the bytes.
  std::string bytes(kMaxDocumentBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) {
    std::cerr << "imdictl: " << path << ": cannot be read\n";
    return kExitFile;
  }
  if (bytes.size() > kMaxDocumentBytes) {
    std::cerr << "imdictl: " << path << ": larger than " << kMaxDocumentBytes
              << " bytes (10 MiB); nothing was sent\n";
    return kExitFile;
  }
  if (bytes.empty()) {
    std::cerr << "imdictl: " << path << ": empty; nothing was sent\n";
    return kExitFile;
  }
  api::DocumentUploadHeader header;
  header.set_cycle_id(cycle);
  header.set_nomination_id(nomination);
  header.set_file_name(std::filesystem::path(path).filename().string());
  const std::string media_type = absl::GetFlag(FLAGS_media_type);
  header.set_media_type(media_type.empty() ? GuessMediaType(header.file_name()) : media_type);
  header.set_sha256(auth::Sha256Hex(bytes));
  // The same file to the same nomination sends the same id.
  header.set_request_id(InputRequestId("nomination document upload", header));

  Stub* stub = client.Award();
  if (stub == nullptr) return kExitFile;
  grpc::ClientContext context;
  client.Prepare(context);
  api::UploadNominationDocumentResponse response;
  auto writer = stub->UploadNominationDocument(&context, &response);
  api::UploadNominationDocumentRequest message;
  *message.mutable_header() = header;
  bool ok = writer->Write(message);
  for (size_t offset = 0; ok && offset < bytes.size(); offset += kDocumentChunkBytes) {
    message.set_chunk(bytes.substr(offset, std::min(kDocumentChunkBytes, bytes.size() - offset)));
    ok = writer->Write(message);
  }
  if (ok) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    std::cerr << FormatRpcError("UploadNominationDocument", status);
    return ExitCodeFor(status);
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << path << ": uploaded, " << response.document().size_bytes() << " bytes, sha256 "
              << response.document().sha256() << "\n";
  }
  return kExitOk;
}

int DocumentDownload(Client& client, const std::string& cycle, const std::string& nomination) {
  const std::string sha256 = absl::GetFlag(FLAGS_sha256);
  const std::string out = absl::GetFlag(FLAGS_out);
  if (sha256.empty()) return UsageError("nomination document download needs --sha256=HEX");
  if (out.empty()) return UsageError("nomination document download needs --out=FILE");
  Stub* stub = client.Award();
  if (stub == nullptr) return kExitFile;
  const std::string tmp = out + ".tmp";
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  if (!file) {
    std::cerr << "imdictl: " << tmp << ": cannot be written\n";
    return kExitFile;
  }
  auto discard = [&](int rc) {
    file.close();
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return rc;
  };
  api::DownloadNominationDocumentRequest request;
  request.set_cycle_id(cycle);
  request.set_nomination_id(nomination);
  request.set_sha256(sha256);
  grpc::ClientContext context;
  client.Prepare(context);
  auto reader = stub->DownloadNominationDocument(&context, request);
  api::DownloadNominationDocumentResponse message;
  api::NominationDocument document;
  std::string bytes;
  while (reader->Read(&message)) {
    if (message.has_document()) {
      document = message.document();
      continue;
    }
    if (bytes.size() + message.chunk().size() > kMaxDocumentBytes) {
      context.TryCancel();
      reader->Finish().ok();  // cancelled: the error is ours
      std::cerr << "imdictl: the document is larger than " << kMaxDocumentBytes
                << " bytes; nothing was written\n";
      return discard(kExitRpc);
    }
    bytes.append(message.chunk());
    file.write(message.chunk().data(), static_cast<std::streamsize>(message.chunk().size()));
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    std::cerr << FormatRpcError("DownloadNominationDocument", status);
    return discard(ExitCodeFor(status));
  }
  const std::string got = auth::Sha256Hex(bytes);
  if (got != sha256 || static_cast<int64_t>(bytes.size()) != document.size_bytes()) {
    std::cerr << "imdictl: the " << bytes.size() << " bytes received have SHA-256 " << got
              << ", not the " << document.size_bytes() << " bytes of " << sha256
              << "; nothing was written\n";
    return discard(kExitRpc);
  }
  file.close();
  std::error_code ec;
  if (!file || (std::filesystem::rename(tmp, out, ec), ec)) {
    std::cerr << "imdictl: " << out << ": cannot be written\n";
    return discard(kExitFile);
  }
  if (client.json()) {
    std::cout << ToJson(document) << "\n";
  } else {
    std::cout << out << ": " << document.file_name() << ", " << bytes.size() << " bytes, sha256 "
              << got << "\n";
  }
  return kExitOk;
}

}  // namespace

int NominationDocument(Client& client, const Args& args) {
  const bool upload = !args.empty() && args[0] == "upload";
  const bool download = !args.empty() && args[0] == "download";
  if ((!upload && !download) || (upload && args.size() != 2) || (download && args.size() != 1)) {
    return UsageError(
        "usage: nomination document upload FILE | nomination document download --sha256=HEX "
        "--out=FILE");
  }
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  int rc = kExitOk;
  std::optional<std::string> id = NominationFromFlag(client, *cycle, rc);
  if (!id) return rc;
  return upload ? DocumentUpload(client, *cycle, *id, args[1])
                : DocumentDownload(client, *cycle, *id);
}

}  // namespace imdi::imdictl
