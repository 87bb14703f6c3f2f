// The award cycle's commands: create, read, the dashboard, the workflow's
// transitions, and the export.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/award/award_files.h"
#include "tools/imdictl/award_helpers.h"
#include "tools/imdictl/commands.h"
#include "tools/imdictl/flags.h"
#include "tools/imdictl/inputs.h"
#include "tools/imdictl/output.h"

namespace imdi::imdictl {
namespace {

namespace api = ::imdi::award::v1;
using Stub = api::AwardService::Stub;

std::string Score(bool has, double value) { return has ? absl::StrFormat("%.2f", value) : "-"; }

void PrintNominees(const google::protobuf::RepeatedPtrField<api::Nomination>& nominations) {
  Table table({"nomination", "municipality", "code", "region", "verdict"});
  for (const api::Nomination& n : nominations) {
    table.Add({n.nomination_id(), n.municipality_name(), n.municipality_code(),
               RegionName(n.imdi_region()), VerdictName(n.evaluation().verdict())});
  }
  std::cout << table.Render();
}

void PrintDecision(const api::Decision& d) {
  Table table({"rank", "municipality", "code", "jury score", "vote share", "final", "note"});
  for (const api::RankedCandidate& c : d.ranking()) {
    table.Add({absl::StrCat(c.rank()), c.municipality_name(), c.municipality_code(),
               Score(c.has_jury_score(), c.jury_score()),
               c.has_vote_share() ? absl::StrFormat("%.1f %%", 100 * c.vote_share()) : "-",
               c.has_jury_score() || c.has_vote_share() ? absl::StrFormat("%.2f", c.final_score())
                                                        : "-",
               c.tie_note()});
  }
  std::cout << table.Render();
  if (!d.ranking().empty()) {
    std::cout << "winner: " << d.ranking(0).municipality_name() << " (nomination "
              << d.winner_nomination_id() << ")" << (d.chair_decided() ? ", chair's choice" : "")
              << "\n";
  }
  if (!d.explanation().empty()) std::cout << d.explanation() << "\n";
}

// Transitions that take the cycle and its etag and answer with the cycle.
template <typename Request, typename Response>
int Transition(Client& client, const Args& args, absl::string_view command,
               grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
               absl::string_view rpc, Request& request, Response& response) {
  if (!args.empty()) return UsageError(absl::StrCat(command, " takes no arguments"));
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  request.set_cycle_id(*cycle);
  request.set_etag(absl::GetFlag(FLAGS_etag));
  return Mutate(client, command, method, rpc, request, response);
}

}  // namespace

int CycleCreate(Client& client, const Args& args) {
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  if (args.size() != 1) return UsageError("cycle create takes one configuration file");
  auto config = imdi::award_files::LoadCycleConfig(args[0]);
  if (!config.ok()) {
    std::cerr << "imdictl: " << config.status().message() << "\n";
    return kExitFile;
  }
  api::CreateCycleRequest request;
  request.set_cycle_id(*cycle);
  *request.mutable_config() = *config;
  api::CreateCycleResponse created;
  // The id as earlier releases derived it, so that their runs are repeats.
  if (int rc =
          Mutate(client, "create-cycle", &Stub::CreateCycle, "CreateCycle", request, created)) {
    return rc;
  }
  // A repeated run gets the first response back; show the cycle as it is now.
  api::GetCycleRequest get;
  get.set_cycle_id(*cycle);
  get.set_view(api::CYCLE_VIEW_BASIC);
  api::GetCycleResponse current;
  if (int rc = Read(client, &Stub::GetCycle, "GetCycle", get, current)) return rc;
  if (client.json()) {
    std::cout << ToJson(current) << "\n";
  } else {
    PrintCycleLine(current.cycle());
  }
  return kExitOk;
}

int CycleList(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle list takes no arguments");
  api::ListCyclesRequest request;
  request.set_page_size(500);
  api::ListCyclesResponse all;
  if (int rc = ReadPages<api::ListCyclesResponse>(
          request,
          [&](const auto& r, auto& page) {
            return Read(client, &Stub::ListCycles, "ListCycles", r, page);
          },
          [&](auto& page) {
            for (auto& c : *page.mutable_cycles()) *all.add_cycles() = std::move(c);
          })) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"cycle", "title", "award year", "state", "data version", "updated"});
  for (const api::Cycle& c : all.cycles()) {
    table.Add({c.cycle_id(), c.config().title(), absl::StrCat(c.config().award_year()),
               StateName(c.state()), c.data_version() ? absl::StrCat(c.data_version()) : "-",
               FormatTime(c.update_time())});
  }
  std::cout << table.Render();
  return kExitOk;
}

int CycleGet(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle get takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::GetCycleRequest request;
  request.set_cycle_id(*cycle);
  api::GetCycleResponse response;
  if (int rc = Read(client, &Stub::GetCycle, "GetCycle", request, response)) return rc;
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  const api::Cycle& c = response.cycle();
  PrintCycleLine(c);
  const api::CycleConfig& config = c.config();
  std::cout << "award year " << config.award_year() << ", figures year " << config.figures_year()
            << ", " << config.criteria_size() << " criteria (" << config.requirement().label()
            << ")\ncreated " << FormatTime(c.create_time()) << ", updated "
            << FormatTime(c.update_time()) << ", revision " << c.revision() << "\n";
  const api::Schedule& s = config.schedule();
  if (!s.nominees_announce_date().empty()) {
    std::cout << "nominees announced: " << s.nominees_announce_date() << "\n";
  }
  if (!s.scoring_deadline().empty())
    std::cout << "scoring deadline: " << s.scoring_deadline() << "\n";
  if (!s.winner_announce_date().empty()) {
    std::cout << "winner announced: " << s.winner_announce_date() << ", " << s.event() << "\n";
  }
  if (!c.jurors().empty()) {
    Table jurors({"juror", "name", "chair", "conflicts"});
    for (const api::Juror& j : c.jurors()) {
      jurors.Add({j.juror_id(), j.display_name(), j.chair() ? "chair" : "",
                  absl::StrJoin(j.conflicted_nomination_ids(), ", ")});
    }
    std::cout << "\n" << jurors.Render();
  }
  if (!c.decision().ranking().empty()) {
    std::cout << "\ndecided " << FormatTime(c.decision().decide_time()) << "\n";
    PrintDecision(c.decision());
  }
  if (!c.cancel_reason().empty()) std::cout << "cancelled: " << c.cancel_reason() << "\n";
  return kExitOk;
}

int CycleStatus(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle status takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::GetCycleProgressRequest request;
  request.set_cycle_id(*cycle);
  api::GetCycleProgressResponse p;
  if (int rc = Read(client, &Stub::GetCycleProgress, "GetCycleProgress", request, p)) return rc;
  if (client.json()) {
    std::cout << ToJson(p) << "\n";
    return kExitOk;
  }
  std::cout << DescribeProgress(p);
  return kExitOk;
}

int CycleOpen(Client& client, const Args& args) {
  api::OpenNominationsRequest request;
  api::OpenNominationsResponse response;
  if (int rc = Transition(client, args, "cycle open", &Stub::OpenNominations, "OpenNominations",
                          request, response)) {
    return rc;
  }
  return ShowCycleReply(client, response);
}

int CycleAnnounce(Client& client, const Args& args) {
  api::AnnounceNomineesRequest request;
  api::AnnounceNomineesResponse response;
  if (int rc = Transition(client, args, "cycle announce", &Stub::AnnounceNominees,
                          "AnnounceNominees", request, response)) {
    return rc;
  }
  ShowCycleReply(client, response);
  if (!client.json()) PrintNominees(response.nominations());
  return kExitOk;
}

int CycleOpenVoting(Client& client, const Args& args) {
  api::OpenPublicVotingRequest request;
  api::OpenPublicVotingResponse response;
  if (int rc = Transition(client, args, "cycle open-voting", &Stub::OpenPublicVoting,
                          "OpenPublicVoting", request, response)) {
    return rc;
  }
  return ShowCycleReply(client, response);
}

int CycleStartJury(Client& client, const Args& args) {
  api::StartJuryDeliberationRequest request;
  api::StartJuryDeliberationResponse response;
  if (int rc = Transition(client, args, "cycle start-jury", &Stub::StartJuryDeliberation,
                          "StartJuryDeliberation", request, response)) {
    return rc;
  }
  ShowCycleReply(client, response);
  if (client.json()) return kExitOk;
  std::cout << "candidates:\n";
  PrintNominees(response.candidates());
  return kExitOk;
}

int CycleDecide(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle decide takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::DecideWinnerRequest request;
  request.set_cycle_id(*cycle);
  if (const std::string choice = absl::GetFlag(FLAGS_chair_choice); !choice.empty()) {
    int rc = kExitOk;
    std::optional<api::ListNominationsResponse> list = ListNominations(client, *cycle, false, rc);
    if (!list) return rc;
    absl::StatusOr<std::string> id = ResolveNomination(choice, list->nominations());
    if (!id.ok()) return UsageError(absl::StrCat("--chair_choice: ", id.status().message()));
    request.set_chair_choice_nomination_id(*id);
  }
  api::DecideWinnerResponse response;
  if (int rc =
          Mutate(client, "cycle decide", &Stub::DecideWinner, "DecideWinner", request, response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    PrintDecision(response.decision());
  }
  return kExitOk;
}

int CycleAnnounceWinner(Client& client, const Args& args) {
  api::AnnounceWinnerRequest request;
  request.set_announce_date(absl::GetFlag(FLAGS_date));
  request.set_event(absl::GetFlag(FLAGS_event));
  request.set_replace_history_row(absl::GetFlag(FLAGS_replace_history_row));
  api::AnnounceWinnerResponse response;
  if (int rc = Transition(client, args, "cycle announce-winner", &Stub::AnnounceWinner,
                          "AnnounceWinner", request, response)) {
    return rc;
  }
  ShowCycleReply(client, response);
  if (client.json()) return kExitOk;
  const api::Winner& w = response.winner();
  std::cout << "winner " << w.award_year() << ": " << w.municipality_name() << " ("
            << w.code_at_the_time();
  if (!w.municipality_code().empty() && w.municipality_code() != w.code_at_the_time()) {
    std::cout << ", now " << w.municipality_code();
  }
  std::cout << "), announced " << w.announce_date();
  if (!w.event().empty()) std::cout << " at " << w.event();
  std::cout << "\n";
  return kExitOk;
}

int CycleCancel(Client& client, const Args& args) {
  if (absl::GetFlag(FLAGS_reason).empty()) return UsageError("cycle cancel needs --reason");
  api::CancelCycleRequest request;
  request.set_reason(absl::GetFlag(FLAGS_reason));
  api::CancelCycleResponse response;
  if (int rc = Transition(client, args, "cycle cancel", &Stub::CancelCycle, "CancelCycle", request,
                          response)) {
    return rc;
  }
  return ShowCycleReply(client, response);
}

int CycleArchive(Client& client, const Args& args) {
  api::ArchiveCycleRequest request;
  api::ArchiveCycleResponse response;
  if (int rc = Transition(client, args, "cycle archive", &Stub::ArchiveCycle, "ArchiveCycle",
                          request, response)) {
    return rc;
  }
  return ShowCycleReply(client, response);
}

int CycleExport(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle export takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::GetCycleRequest get;
  get.set_cycle_id(*cycle);
  get.set_view(api::CYCLE_VIEW_FULL);
  api::GetCycleResponse got;
  if (int rc = Read(client, &Stub::GetCycle, "GetCycle", get, got)) return rc;
  int rc = kExitOk;
  std::optional<api::ListNominationsResponse> nominations =
      ListNominations(client, *cycle, true, rc);
  if (!nominations) return rc;
  api::ListAuditEventsRequest audit;
  audit.set_cycle_id(*cycle);
  audit.set_page_size(1000);
  api::ListAuditEventsResponse events;
  if (int code = ReadAuditEvents(client, audit, events)) return code;
  // One document of the API's JSON: the cycle, its nominations and its trail.
  std::vector<std::string> nomination_json;
  for (const api::Nomination& n : nominations->nominations()) nomination_json.push_back(ToJson(n));
  std::vector<std::string> event_json;
  for (const api::AuditEvent& e : events.events()) event_json.push_back(ToJson(e));
  std::cout << "{\"cycle\":" << ToJson(got.cycle()) << ",\"nominations\":["
            << absl::StrJoin(nomination_json, ",") << "],\"auditEvents\":["
            << absl::StrJoin(event_json, ",") << "]}\n";
  return kExitOk;
}

int CycleResults(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle results takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  if (const std::string format = absl::GetFlag(FLAGS_format); !format.empty() && format != "csv") {
    return UsageError(absl::StrCat("--format: cycle results are written as csv, not \"", format,
                                   "\""));
  }
  api::ExportCycleResultsRequest request;
  request.set_cycle_id(*cycle);
  api::ExportCycleResultsResponse response;
  if (int rc = Read(client, &Stub::ExportCycleResults, "ExportCycleResults", request, response)) {
    return rc;
  }
  if (!WriteOutput(response.csv(), absl::GetFlag(FLAGS_out))) return kExitFile;
  std::cerr << "imdictl: cycle " << response.cycle_id() << ": " << response.rows()
            << " result rows at data version " << response.data_version() << "\n";
  return kExitOk;
}

int CycleCite(Client& client, const Args& args) {
  if (args.size() != 1) return UsageError("cycle cite takes one citation file");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  std::optional<std::string> text = ReadInputFile(args[0]);
  if (!text) return kExitFile;
  api::RecordCitationRequest request;
  if (absl::Status s = ParseCitationFile(*text, request); !s.ok()) {
    std::cerr << "imdictl: " << args[0] << ": " << s.message() << "\n";
    return kExitFile;
  }
  request.set_cycle_id(*cycle);
  request.set_etag(absl::GetFlag(FLAGS_etag));
  api::RecordCitationResponse response;
  if (int rc = Mutate(client, "cycle cite", &Stub::RecordCitation, "RecordCitation", request,
                      response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  const api::Citation& citation = response.citation();
  std::cout << "cycle " << response.cycle().cycle_id() << ": the jury's citation, "
            << citation.reasons_size() << " reasons, figures at data version "
            << citation.data_version() << "\n";
  for (int i = 0; i < citation.reasons_size(); ++i) {
    const api::CitationReason& reason = citation.reasons(i);
    std::cout << i + 1 << ". " << reason.text() << "\n";
    for (int j = 0; j < reason.figures_size(); ++j) {
      const api::CitedFigure& f = reason.figures(j);
      std::cout << "   {" << j + 1 << "} " << f.municipality_name()
                << (f.code_at_the_time().empty() ? "" : absl::StrCat(" (", f.code_at_the_time(), ")"))
                << " " << f.field() << " " << f.year() << ": ";
      const bool percent = (f.kind() != api::CITED_FIGURE_KIND_VALUE &&
                            f.kind() != api::CITED_FIGURE_KIND_COUNTRY_TOTAL) ||
                           absl::EndsWith(f.field(), "_pct");
      std::cout << (percent ? absl::StrFormat("%.1f %%", f.value()) : absl::StrFormat("%.0f", f.value()));
      if (f.has_numerator() && f.has_denominator()) {
        std::cout << absl::StrFormat(" (%.0f of %.0f", f.numerator(), f.denominator())
                  << (f.area_name().empty() ? "" : absl::StrCat(" in ", f.area_name()))
                  << (f.denominator_source().empty() ? "" : absl::StrCat(", ", f.denominator_source()))
                  << ")";
      }
      if (f.has_stated_value()) {
        std::cout << absl::StrFormat(", stated %g", f.stated_value())
                  << (f.tolerance() > 0 ? absl::StrFormat(" ± %g", f.tolerance()) : "");
      }
      std::cout << "\n";
    }
  }
  return kExitOk;
}

int CycleAnnouncement(Client& client, const Args& args) {
  if (!args.empty()) return UsageError("cycle announcement takes no arguments");
  std::optional<std::string> cycle = CycleFromFlags();
  if (!cycle) return kExitUsage;
  api::RenderAnnouncementRequest request;
  request.set_cycle_id(*cycle);
  const std::string kind = absl::GetFlag(FLAGS_kind);
  if (kind == "nominees") {
    request.set_kind(api::ANNOUNCEMENT_KIND_NOMINEES);
  } else if (kind == "winner") {
    request.set_kind(api::ANNOUNCEMENT_KIND_WINNER);
  } else {
    return UsageError("--kind: nominees or winner");
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format.empty() || format == "markdown" || format == "md") {
    request.set_format(api::ANNOUNCEMENT_FORMAT_MARKDOWN);
  } else if (format == "html") {
    request.set_format(api::ANNOUNCEMENT_FORMAT_HTML);
  } else {
    return UsageError(absl::StrCat("--format: an announcement is markdown or html, not \"",
                                   format, "\""));
  }
  api::RenderAnnouncementResponse response;
  if (int rc = Read(client, &Stub::RenderAnnouncement, "RenderAnnouncement", request, response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  if (!WriteOutput(response.text(), absl::GetFlag(FLAGS_out))) return kExitFile;
  std::cerr << "imdictl: cycle " << response.cycle_id() << ": the "
            << (kind == "winner" ? "winner's" : "nominees'") << " announcement"
            << (response.draft() ? " (draft: the winner is not announced yet)" : "") << ", "
            << response.sources_size() << " figures at data version " << response.data_version()
            << "\n";
  return kExitOk;
}

}  // namespace imdi::imdictl
