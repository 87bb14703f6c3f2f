#include "tools/imdictl/cli.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/sha256.h"
#include "tools/imdictl/client.h"
#include "tools/imdictl/commands.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/flags.h"

namespace imdi::imdictl {

std::string Command::FullName() const {
  return group.empty() ? std::string(name) : absl::StrCat(group, " ", name);
}

// Designated initializers leave the fields a command does not need at their
// defaults; gcc 12 warns about that, which is the point here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const std::vector<Command>& Commands() {
  using S = Service;
  static const std::vector<Command> commands = {
      // Statistics service.
      {.group = "figures",
       .name = "get",
       .args = "CODE YEAR",
       .summary = "Show a municipality's figures for a year (any code it ever had).",
       .details = "--as_of_known_date=YYYY-MM-DD shows what was known on that date; "
                  "--sources names, for each figure, the file and line it came from, the data "
                  "version that stored it and the date it was known.",
       .service = S::kStats,
       .flags = {"as_of_version", "as_of_known_date", "sources"},
       .handler = FiguresGet},
      {.group = "figures",
       .name = "history",
       .args = "CODE YEAR",
       .summary = "List every stored revision of a municipality's figures for a year.",
       .service = S::kStats,
       .flags = {},
       .handler = FiguresHistory},
      {.group = "figures",
       .name = "import",
       .args = "FILE...",
       .summary = "Import IMDi's figure exports or the published figures file.",
       .details = "Each file is parsed and checked before it is sent; rows that cannot be used "
                  "are listed with their line. The summary accounts for every row and record:\n"
                  "  R rows: A accepted, W without a value, S skipped, J rejected;\n"
                  "  N records sent: C changed, U unchanged, X rejected by the service;\n"
                  "  K records not imported because of a bad row\n"
                  "with R = A + W + S + J and N = C + U + X. Importing a file again changes "
                  "nothing. Exit status 1 when rows were rejected.\n"
                  "Files are imported in the order given. --known_date=YYYY-MM-DD says when "
                  "the figures of every file were published or known; --known_date_from_name "
                  "takes each file's date from the end of its name (...-160212.csv is "
                  "2016-02-12), and a file without one stops the import before anything is "
                  "sent (exit status 2). Without either, the service takes the date of the "
                  "import.",
       .service = S::kStats,
       .flags = {"status", "batch", "max_errors", "known_date", "known_date_from_name"},
       .handler = FiguresImport},
      {.group = "figures",
       .name = "export",
       .args = "",
       .summary = "Export figures at one data version: --format=csv|jsonstat --year=2015[,2016] "
                  "[--region=R] [--municipalities=CODES] [--out=FILE] (rendered by the service; "
                  "the CSV is what figures import reads back); without --format, CSV (human) or "
                  "JSON lines per record.",
       .service = S::kStats,
       .flags = {"filter", "as_of_version", "as_of_known_date", "format", "year", "region",
                 "municipalities", "language", "out"},
       .handler = FiguresExport},
      {.group = "figures",
       .name = "watch",
       .args = "",
       .summary = "Print changes of figures as they commit, one line each.",
       .details = "Prints the changes committed after --since (a data version; 0: every "
                  "change), then waits for new ones: one line per changed record "
                  "(v<data version>, municipality code or country, county:NN, region:NAME, year, "
                  "revision, known date, status, values), "
                  "or JSON lines with --json. A line 'live at data version V' says the "
                  "changes already committed are printed. Stops after --count changes, once "
                  "--until_version is reached, or on Ctrl-C; on an error it names the data "
                  "version to resume from with --since.",
       .service = S::kStats,
       .flags = {"since", "filter", "count", "until_version"},
       .handler = FiguresWatch},
      {.group = "municipalities",
       .name = "get",
       .args = "CODE",
       .summary = "Show a municipality, looked up by any code it ever had.",
       .service = S::kStats,
       .flags = {"as_of_version"},
       .handler = MunicipalitiesGet},
      {.group = "municipalities",
       .name = "list",
       .args = "",
       .summary = "List municipalities, e.g. --filter='imdi_region = \"NORD\" AND year = 2016'.",
       .service = S::kStats,
       .flags = {"filter", "as_of_version"},
       .handler = MunicipalitiesList},
      {.group = "municipalities",
       .name = "load",
       .args = "",
       .summary = "Load the municipality directory from the bundled source files.",
       .service = S::kStats,
       .flags = {"klass", "regions", "data_root"},
       .handler = MunicipalitiesLoad},
      {.name = "data-version",
       .args = "",
       .summary = "Print the statistics service's current data version.",
       .service = S::kStats,
       .flags = {},
       .handler = DataVersion},

      // Award service.
      {.group = "cycle",
       .name = "create",
       .args = "CONFIG_FILE",
       .summary = "Create a cycle from its configuration file (JSON).",
       .service = S::kAward,
       .flags = {"cycle"},
       .handler = CycleCreate},
      {.group = "cycle",
       .name = "list",
       .args = "",
       .summary = "List the cycles, newest first.",
       .service = S::kAward,
       .flags = {},
       .handler = CycleList},
      {.group = "cycle",
       .name = "get",
       .args = "",
       .summary = "Show a cycle: state, schedule, jurors, decision.",
       .service = S::kAward,
       .flags = {"cycle"},
       .handler = CycleGet},
      {.group = "cycle",
       .name = "status",
       .args = "",
       .summary = "The cycle's dashboard: schedule, regions, pending claims, missing scores, "
                  "next steps.",
       .details = "Each next step is shown as allowed, or with what blocks it, as the service "
                  "would answer the call (GetCycleProgress).",
       .service = S::kAward,
       .flags = {"cycle"},
       .handler = CycleStatus},
      {.group = "cycle",
       .name = "open",
       .args = "",
       .summary = "Open nominations (draft -> nominations open).",
       .service = S::kAward,
       .flags = {"cycle", "etag"},
       .handler = CycleOpen},
      {.group = "cycle",
       .name = "announce",
       .args = "",
       .summary = "Announce the nominees; freezes the data version.",
       .service = S::kAward,
       .flags = {"cycle", "etag"},
       .handler = CycleAnnounce},
      {.group = "cycle",
       .name = "open-voting",
       .args = "",
       .summary = "Open the public vote (cycles whose decision uses one).",
       .service = S::kAward,
       .flags = {"cycle", "etag"},
       .handler = CycleOpenVoting},
      {.group = "cycle",
       .name = "start-jury",
       .args = "",
       .summary = "Start the jury's deliberation; lists the candidates.",
       .service = S::kAward,
       .flags = {"cycle", "etag"},
       .handler = CycleStartJury},
      {.group = "cycle",
       .name = "decide",
       .args = "",
       .summary = "Decide the winner from the scores (and votes) under the decision policy.",
       .details = "Prints the ranking with each candidate's jury score, vote share and final "
                  "score. When candidates are still tied after every tie-break rule, the "
                  "chair's choice settles it: --chair_choice=NOMINATION (id, code or name).",
       .service = S::kAward,
       .flags = {"cycle", "chair_choice"},
       .handler = CycleDecide},
      {.group = "cycle",
       .name = "announce-winner",
       .args = "",
       .summary = "Announce the winner and add it to the winners history.",
       .service = S::kAward,
       .flags = {"cycle", "etag", "date", "event", "replace_history_row"},
       .handler = CycleAnnounceWinner},
      {.group = "cycle",
       .name = "cancel",
       .args = "",
       .summary = "Cancel the cycle (before a winner is announced); --reason is required.",
       .service = S::kAward,
       .flags = {"cycle", "etag", "reason"},
       .handler = CycleCancel},
      {.group = "cycle",
       .name = "archive",
       .args = "",
       .summary = "Archive the cycle once its winner is announced.",
       .service = S::kAward,
       .flags = {"cycle", "etag"},
       .handler = CycleArchive},
      {.group = "cycle",
       .name = "results",
       .args = "",
       .summary = "Write the cycle's results as CSV: ranking, every juror's scores per criterion, "
                  "verdicts with their data version (--format=csv, --out=FILE).",
       .service = S::kAward,
       .flags = {"cycle", "format", "out"},
       .handler = CycleResults},
      {.group = "cycle",
       .name = "cite",
       .args = "FILE",
       .summary = "Record the jury's citation of the winner: reasons citing figures by reference.",
       .details = "A citation file holds key = value lines, in order:\n"
                  "  reason = Kommunen bosatte {1} av alle flyktningene i regionen\n"
                  "  figure = share_of_region 1601 2016 refugees_settled stated=25 tolerance=2.5\n"
                  "Each figure belongs to the reason before it; {1}, {2} in the text stand for "
                  "its figures. Kinds: value, share_of_region, share_of_county, "
                  "share_of_country, ratio (of=FIELD) and country_total (no code). The service "
                  "reads every figure at the cycle's frozen data version and refuses a stated "
                  "number the figures contradict, printing the computed value.",
       .service = S::kAward,
       .flags = {"cycle", "etag"},
       .handler = CycleCite},
      {.group = "cycle",
       .name = "announcement",
       .args = "",
       .summary = "Print the nominees' or the winner's announcement (--kind=nominees|winner, "
                  "--format=markdown|html, --out=FILE).",
       .details = "In Norwegian bokmål, every figure with a numbered note of its source and "
                  "data version. The HTML form is one self-contained page.",
       .service = S::kAward,
       .flags = {"cycle", "kind", "format", "out"},
       .handler = CycleAnnouncement},
      {.group = "cycle",
       .name = "export",
       .args = "",
       .summary = "Write the whole cycle as one JSON document: cycle, nominations, audit trail.",
       .service = S::kAward,
       .flags = {"cycle"},
       .handler = CycleExport},
      {.group = "nomination",
       .name = "submit",
       .args = "[FILE...]",
       .summary = "Nominate a municipality, from flags or from files (one call per file).",
       .details = "A nomination file holds key = value lines:\n"
                  "  municipality = 1601\n"
                  "  region = MIDT_NORGE\n"
                  "  nominator = IMDi Midt-Norge\n"
                  "  justification = Why it deserves the prize.\n"
                  "  claim.creative_housing = The text for an assessed criterion.\n"
                  "Optional keys: nominator_kind (regional_office or municipality), "
                  "nominator_municipality, override_reason, full_text_file (the nomination's "
                  "full text in Markdown, at most 64 KiB; a path relative to the nomination "
                  "file). Without a file the flags give "
                  "one nomination (claims need a file). Prints each nomination's verdict with "
                  "every criterion's verdict and explanation.",
       .service = S::kAward,
       .flags = {"cycle", "municipality", "region", "nominator", "justification",
                 "override_reason"},
       .handler = NominationSubmit},
      {.group = "nomination",
       .name = "list",
       .args = "",
       .summary = "List the nominations; --details adds each criterion's verdict and "
                  "explanation.",
       .service = S::kAward,
       .flags = {"cycle", "show_withdrawn", "details"},
       .handler = NominationList},
      {.group = "nomination",
       .name = "withdraw",
       .args = "",
       .summary = "Withdraw a nomination (--nomination: id, code or name).",
       .service = S::kAward,
       .flags = {"cycle", "nomination", "etag"},
       .handler = NominationWithdraw},
      {.group = "nomination",
       .name = "document",
       .args = "upload FILE | download",
       .summary = "Upload a document of a nomination (at most 10 MiB), or download one by its "
                  "SHA-256 (--sha256, --out=FILE).",
       .details = "upload FILE streams the file in 256 KiB chunks, declaring its SHA-256, and "
                  "prints 'FILE: uploaded, N bytes, sha256 HEX'; the same bytes again change "
                  "nothing. --media_type defaults from the file name (.pdf: application/pdf).\n"
                  "download writes the document to --out (through --out.tmp, renamed once its "
                  "SHA-256 is checked); a broken stream leaves no file and exits non-zero. "
                  "nomination list --output=json lists each nomination's documents.",
       .service = S::kAward,
       .flags = {"cycle", "nomination", "media_type", "sha256", "out"},
       .handler = NominationDocument},
      {.group = "jury",
       .name = "register",
       .args = "[JURORS.csv]",
       .summary = "Register jurors: one from flags, or many from a CSV file.",
       .details = "CSV columns: juror_id,display_name[,chair] (chair: yes or no).",
       .service = S::kAward,
       .flags = {"cycle", "juror", "name", "chair"},
       .handler = JuryRegister},
      {.group = "jury",
       .name = "conflict",
       .args = "",
       .summary = "Declare a juror's conflict of interest with a nomination.",
       .service = S::kAward,
       .flags = {"cycle", "juror", "nomination", "reason"},
       .handler = JuryConflict},
      {.group = "jury",
       .name = "confirm",
       .args = "[ASSESSMENTS.csv]",
       .summary = "Confirm (or --reject) claimed assessed criteria: one from flags or many "
                  "from a CSV file.",
       .details = "CSV columns: nomination,criterion[,verdict][,note]; nomination is an id, a "
                  "municipality code or name; verdict is confirm (default) or reject.",
       .service = S::kAward,
       .flags = {"cycle", "nomination", "criterion", "reject", "note"},
       .handler = JuryConfirm},
      {.group = "jury",
       .name = "scores",
       .args = "SHEET.csv",
       .summary = "Submit a juror's whole score sheet in one call (SubmitScoreSheet).",
       .details = "CSV columns: nomination,criterion,score; nomination is an id, a "
                  "municipality code or name. Every row is checked, with its line, before "
                  "anything is sent. A score given earlier for the same pair is replaced.",
       .service = S::kAward,
       .flags = {"cycle", "juror"},
       .handler = JuryScores},
      {.group = "votes",
       .name = "record",
       .args = "[TALLIES.csv]",
       .summary = "Add public votes: one tally from flags or many from a CSV "
                  "(nomination,votes).",
       .service = S::kAward,
       .flags = {"cycle", "nomination", "votes"},
       .handler = VotesRecord},
      {.group = "votes",
       .name = "correct",
       .args = "[TOTALS.csv]",
       .summary = "Correct vote totals (not increments); --reason is required.",
       .service = S::kAward,
       .flags = {"cycle", "nomination", "votes", "reason"},
       .handler = VotesCorrect},
      {.group = "winners",
       .name = "list",
       .args = "",
       .summary = "List the prize's winners, oldest first.",
       .service = S::kAward,
       .flags = {},
       .handler = WinnersList},
      {.group = "winners",
       .name = "load",
       .args = "CSV_FILE",
       .summary = "Load the winners history (data/published/award-history.csv).",
       .service = S::kAward,
       .flags = {"from_year", "to_year"},
       .handler = WinnersLoad},
      {.group = "audit",
       .name = "list",
       .args = "",
       .summary = "List the cycle's audit trail: every change and every refusal.",
       .service = S::kAward,
       .flags = {"cycle"},
       .handler = AuditList},

      // Either service.
      {.group = "backup",
       .name = "create",
       .args = "",
       .summary = "Take a backup of the service's store now (while it serves).",
       .details = "Needs the service's admin role (stats.admin or award.admin) and a service "
                  "started with --backup_dir. Backups are incremental; the service keeps the "
                  "newest --backup_keep. Restore offline: SERVICE --restore_from=DIR "
                  "[--backup_id=N] --data_dir=PATH.",
       .service = S::kEither,
       .flags = {"service"},
       .handler = BackupCreate},
      {.group = "backup",
       .name = "list",
       .args = "",
       .summary = "List the backups the service keeps, oldest first.",
       .service = S::kEither,
       .flags = {"service"},
       .handler = BackupList},
      {.group = "backup",
       .name = "verify",
       .args = "",
       .summary = "Check every file of a backup against its size and checksum.",
       .details = "Exits 4 (DATA_LOSS, BACKUP_CORRUPT) when a file is missing or damaged.",
       .service = S::kEither,
       .flags = {"service", "backup_id"},
       .handler = BackupVerify},

      // No service.
      {.name = "hash-token",
       .args = "< TOKEN_FILE",
       .summary = "Print the SHA-256 of a token (the line to put in a credentials file).",
       .handler = HashToken},
      {.name = "completion",
       .args = "bash",
       .summary = "Print a bash completion script: source <(imdictl completion bash).",
       .handler = Completion},
      {.name = "help",
       .args = "[COMMAND...]",
       .summary = "Show help for a command.",
       .handler = Help},

      // Deprecated names of earlier releases.
      {.name = "load-municipalities",
       .args = "",
       .summary = "Load the municipality directory.",
       .service = S::kStats,
       .flags = {"klass", "regions", "data_root"},
       .handler = MunicipalitiesLoad,
       .replaced_by = "municipalities load"},
      {.name = "import",
       .args = "FILE...",
       .summary = "Import figure files.",
       .service = S::kStats,
       .flags = {"status", "batch", "max_errors", "known_date", "known_date_from_name"},
       .handler = FiguresImport,
       .replaced_by = "figures import"},
      {.name = "create-cycle",
       .args = "CONFIG_FILE",
       .summary = "Create a cycle (--cycle_id=ID).",
       .service = S::kAward,
       .flags = {"cycle_id"},
       .handler = CycleCreate,
       .replaced_by = "cycle create --cycle=ID"},
      {.name = "load-winners",
       .args = "CSV_FILE",
       .summary = "Load the winners history.",
       .service = S::kAward,
       .flags = {"from_year", "to_year"},
       .handler = WinnersLoad,
       .replaced_by = "winners load"},
  };
  return commands;
}
#pragma GCC diagnostic pop

std::vector<absl::string_view> ServiceFlags(Service service) {
  std::vector<absl::string_view> common = {"config",   "token_file",     "tls_ca",
                                           "tls_cert", "tls_key",        "tls_server_name",
                                           "output",   "timeout_seconds"};
  switch (service) {
    case Service::kNone:
      return {};
    case Service::kStats:
      common.insert(common.begin(), "target");
      return common;
    case Service::kAward:
      common.insert(common.begin(), {"award_target", "actor"});
      return common;
    case Service::kEither:
      common.insert(common.begin(), {"target", "award_target"});
      return common;
  }
  return {};
}

std::vector<absl::string_view> AcceptedFlags(const Command& command) {
  std::vector<absl::string_view> out = command.flags;
  for (absl::string_view flag : ServiceFlags(command.service)) out.push_back(flag);
  return out;
}

const Command* FindCommand(const std::vector<std::string>& words, size_t& used) {
  used = 0;
  if (words.empty()) return nullptr;
  for (const Command& c : Commands()) {
    if (c.group.empty() && c.name == words[0]) {
      used = 1;
      return &c;
    }
    if (!c.group.empty() && c.group == words[0] && words.size() > 1 && c.name == words[1]) {
      used = 2;
      return &c;
    }
  }
  return nullptr;
}

namespace {

bool IsGroup(absl::string_view word) {
  for (const Command& c : Commands()) {
    if (!c.group.empty() && c.group == word) return true;
  }
  return false;
}

bool IsBoolFlag(const absl::CommandLineFlag& flag) { return flag.IsOfType<bool>(); }

std::string FlagLine(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag == nullptr) return absl::StrCat("  --", name, "\n");
  std::string line = absl::StrCat("  --", name);
  if (!IsBoolFlag(*flag)) absl::StrAppend(&line, "=VALUE");
  const std::string def = flag->DefaultValue();
  absl::StrAppend(&line, "\n      ", flag->Help());
  if (!def.empty() && def != "false" && def != "0") {
    absl::StrAppend(&line, " Default: ", def, ".");
  }
  return absl::StrCat(line, "\n");
}

std::string UsageLine(const Command& c) {
  return absl::StrCat("imdictl ", c.FullName(),
                      c.flags.empty() && c.service == Service::kNone ? "" : " [FLAGS]",
                      c.args.empty() ? "" : " ", c.args);
}

std::string ListLine(const Command& c) {
  std::string left = absl::StrCat(c.FullName(), c.args.empty() ? "" : " ", c.args);
  if (left.size() < 34) left.resize(34, ' ');
  return absl::StrCat("  ", left, " ", c.summary, "\n");
}

}  // namespace

absl::StatusOr<CommandLine> SplitCommandLine(const std::vector<std::string>& argv) {
  CommandLine out;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      out.words.insert(out.words.end(), argv.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                       argv.end());
      break;
    }
    if (arg == "--help" || arg == "-h" || arg == "-help") {
      out.help = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      out.words.push_back(arg);
      continue;
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body;
    std::optional<std::string> value;
    if (const size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
    }
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && !value && absl::StartsWith(name, "no")) {
      const absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && IsBoolFlag(*negated)) {
        out.flags.emplace_back(name.substr(2), "false");
        continue;
      }
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!value) {
      if (IsBoolFlag(*flag)) {
        value = "true";
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
    }
    out.flags.emplace_back(name, *value);
  }
  return out;
}

absl::StatusOr<std::set<std::string>> ApplyFlags(const Command& command, const CommandLine& line) {
  const std::vector<absl::string_view> accepted = AcceptedFlags(command);
  std::set<std::string> set;
  for (const auto& [name, value] : line.flags) {
    if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
      return absl::InvalidArgumentError(absl::StrCat("imdictl ", command.FullName(),
                                                     " does not take --", name, "; see imdictl ",
                                                     command.FullName(), " --help"));
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    if (flag == nullptr || !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", error));
    }
    set.insert(name);
  }
  return set;
}

std::string OverviewHelp() {
  std::string out =
      "imdictl: the command-line client of IMDi's statistics and award services.\n\n"
      "Usage: imdictl COMMAND [FLAGS] [ARGS]\n"
      "       imdictl help COMMAND, or imdictl COMMAND --help, for a command's flags\n";
  const std::pair<Service, const char*> sections[] = {
      {Service::kStats, "Statistics service (--target, $IMDI_STATS)"},
      {Service::kAward, "Award service (--award_target, $IMDI_AWARD)"},
      {Service::kEither, "Operations, either service (--service=stats|award)"},
      {Service::kNone, "Other"}};
  for (const auto& [service, title] : sections) {
    absl::StrAppend(&out, "\n", title, ":\n");
    for (const Command& c : Commands()) {
      if (c.service == service && !c.deprecated()) absl::StrAppend(&out, ListLine(c));
    }
  }
  absl::StrAppend(&out,
                  "\nDeprecated (still working, printing the same; use the command named):\n");
  for (const Command& c : Commands()) {
    if (!c.deprecated()) continue;
    std::string name(c.name);
    name.resize(std::max<size_t>(name.size(), 22), ' ');
    absl::StrAppend(&out, "  ", name, " use: imdictl ", c.replaced_by, "\n");
  }
  absl::StrAppend(
      &out,
      "\nConnection, credentials and output: a flag, else the environment, else the config "
      "file\n(--config, $IMDICTL_CONFIG or ~/.config/imdictl/config: key = value lines with "
      "keys\nstats, award, token_file, tls_ca, tls_cert, tls_key, tls_server_name, actor, "
      "output,\ntimeout_seconds), else the default. Environment: IMDI_STATS, IMDI_AWARD, "
      "IMDI_TOKEN_FILE,\nIMDI_TLS_CA, IMDI_TLS_CERT, IMDI_TLS_KEY, IMDI_TLS_SERVER_NAME, "
      "IMDI_ACTOR, IMDICTL_OUTPUT,\nIMDI_TIMEOUT_SECONDS. --output=json prints the API's "
      "replies as JSON, one document per call.\nChanges send a request id derived from their "
      "input: running a command again changes nothing.\n\n",
      kExitCodesHelp);
  return out;
}

std::string GroupHelp(absl::string_view group) {
  std::string out = absl::StrCat("imdictl ", group, ": commands\n\n");
  for (const Command& c : Commands()) {
    if (c.group == group) absl::StrAppend(&out, ListLine(c));
  }
  absl::StrAppend(&out, "\nimdictl ", group, " COMMAND --help shows a command's flags.\n");
  return out;
}

std::string CommandHelp(const Command& c) {
  std::string out = absl::StrCat("Usage: ", UsageLine(c), "\n\n", c.summary, "\n");
  if (c.deprecated()) {
    absl::StrAppend(&out, "DEPRECATED: use imdictl ", c.replaced_by,
                    " (this name keeps working).\n");
  }
  if (!c.details.empty()) absl::StrAppend(&out, "\n", c.details, "\n");
  if (!c.flags.empty()) {
    absl::StrAppend(&out, "\nFlags:\n");
    for (absl::string_view flag : c.flags) absl::StrAppend(&out, FlagLine(flag));
  }
  const std::vector<absl::string_view> service = ServiceFlags(c.service);
  if (!service.empty()) {
    absl::StrAppend(&out, "\nConnection and output flags (flag > environment > config file):\n");
    for (absl::string_view flag : service) absl::StrAppend(&out, FlagLine(flag));
  }
  absl::StrAppend(&out, "\n", kExitCodesHelp);
  return out;
}

std::string BashCompletion() {
  std::vector<std::string> first;
  std::vector<std::string> groups;
  for (const Command& c : Commands()) {
    const std::string word(c.group.empty() ? c.name : c.group);
    if (std::find(first.begin(), first.end(), word) == first.end()) first.push_back(word);
    if (!c.group.empty() && std::find(groups.begin(), groups.end(), word) == groups.end()) {
      groups.push_back(word);
    }
  }
  std::string out =
      "# bash completion for imdictl: source <(imdictl completion bash)\n"
      "_imdictl() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" words=\"\"\n"
      "  local w1=\"${COMP_WORDS[1]:-}\" w2=\"${COMP_WORDS[2]:-}\"\n"
      "  if [[ \"$cur\" == -* ]]; then\n"
      "    case \"$w1 $w2\" in\n";
  for (const Command& c : Commands()) {
    std::vector<std::string> flags;
    for (absl::string_view f : AcceptedFlags(c)) flags.push_back(absl::StrCat("--", f));
    flags.push_back("--help");
    const std::string pattern = c.group.empty() ? absl::StrCat("\"", c.name, " \"*")
                                                : absl::StrCat("\"", c.FullName(), "\"");
    absl::StrAppend(&out, "      ", pattern, ") words=\"", absl::StrJoin(flags, " "), "\" ;;\n");
  }
  absl::StrAppend(&out,
                  "    esac\n"
                  "  elif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
                  "    words=\"",
                  absl::StrJoin(first, " "),
                  "\"\n"
                  "  elif [ \"$COMP_CWORD\" -eq 2 ]; then\n"
                  "    case \"$w1\" in\n");
  for (const std::string& group : groups) {
    std::vector<std::string> names;
    for (const Command& c : Commands()) {
      if (c.group == group) names.emplace_back(c.name);
    }
    absl::StrAppend(&out, "      ", group, ") words=\"", absl::StrJoin(names, " "), "\" ;;\n");
  }
  absl::StrAppend(&out,
                  "      completion) words=\"bash\" ;;\n"
                  "    esac\n"
                  "  fi\n"
                  "  [ -n \"$words\" ] && COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
                  "}\n"
                  "complete -o default -F _imdictl imdictl\n");
  return out;
}

int HashToken(Client&, const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "imdictl: hash-token reads the token on standard input, not arguments\n";
    return kExitUsage;
  }
  // A token is a line of at most a few hundred bytes; read no more than that.
  constexpr size_t kMaxTokenBytes = 4096;
  std::string token(kMaxTokenBytes + 1, '\0');
  std::cin.getline(token.data(), static_cast<std::streamsize>(token.size()));
  if (std::cin.fail() && !std::cin.eof()) {
    std::cerr << "imdictl: the token is longer than " << kMaxTokenBytes << " bytes\n";
    return kExitUsage;
  }
  token = std::string(absl::StripAsciiWhitespace(token.c_str()));
  if (token.empty()) {
    std::cerr << "imdictl: hash-token reads a token on standard input\n";
    return kExitUsage;
  }
  std::cout << imdi::auth::Sha256Hex(token) << "\n";
  return kExitOk;
}

int Completion(Client&, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] != "bash") {
    std::cerr << "imdictl: completion takes one shell: bash\n";
    return kExitUsage;
  }
  std::cout << BashCompletion();
  return kExitOk;
}

int Help(Client&, const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cout << OverviewHelp();
    return kExitOk;
  }
  size_t used = 0;
  if (const Command* c = FindCommand(args, used); c != nullptr && used == args.size()) {
    std::cout << CommandHelp(*c);
    return kExitOk;
  }
  if (args.size() == 1 && IsGroup(args[0])) {
    std::cout << GroupHelp(args[0]);
    return kExitOk;
  }
  std::cerr << "imdictl: no command \"" << absl::StrJoin(args, " ")
            << "\"; imdictl help lists them\n";
  return kExitUsage;
}

namespace {

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// Flags Abseil itself answers (--helpfull lists every flag, as the deploy
// check reads it).
bool IsAbseilHelpFlag(const std::string& arg) {
  return arg == "--helpfull" || arg == "--helpshort" || absl::StartsWith(arg, "--helpon") ||
         absl::StartsWith(arg, "--helpmatch") || arg == "--helppackage" || arg == "--version";
}

}  // namespace

int Run(const std::vector<std::string>& argv) {
  for (const std::string& arg : argv) {
    if (IsAbseilHelpFlag(arg)) {
      std::vector<char*> raw;
      raw.reserve(argv.size());
      for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
      absl::ParseCommandLine(static_cast<int>(raw.size()), raw.data());
      return kExitOk;
    }
  }
  absl::StatusOr<CommandLine> line = SplitCommandLine(argv);
  if (!line.ok()) {
    std::cerr << "imdictl: " << line.status().message() << "\n";
    return kExitUsage;
  }
  if (line->words.empty()) {
    (line->help ? std::cout : std::cerr) << OverviewHelp();
    return line->help ? kExitOk : kExitUsage;
  }
  size_t used = 0;
  const Command* command = FindCommand(line->words, used);
  if (command == nullptr) {
    const std::string& first = line->words[0];
    if (IsGroup(first)) {
      const bool asked = line->help && line->words.size() == 1;
      if (!asked) {
        std::cerr << "imdictl: "
                  << (line->words.size() == 1
                          ? absl::StrCat(first, " needs a command")
                          : absl::StrCat("unknown command \"", first, " ", line->words[1], "\""))
                  << "\n\n";
      }
      (asked ? std::cout : std::cerr) << GroupHelp(first);
      return asked ? kExitOk : kExitUsage;
    }
    std::cerr << "imdictl: unknown command \"" << first << "\"; imdictl help lists them\n";
    return kExitUsage;
  }
  if (line->help) {
    std::cout << CommandHelp(*command);
    return kExitOk;
  }
  absl::StatusOr<std::set<std::string>> set = ApplyFlags(*command, *line);
  if (!set.ok()) {
    std::cerr << "imdictl: " << set.status().message() << "\n";
    return kExitUsage;
  }
  const std::vector<std::string> args(line->words.begin() + static_cast<std::ptrdiff_t>(used),
                                      line->words.end());
  Settings settings;
  if (command->service != Service::kNone) {
    std::map<std::string, std::string> file;
    const ConfigPath config = FindConfigPath(*set, Env);
    if (!config.path.empty()) {
      std::ifstream in(config.path, std::ios::binary);
      if (in) {
        std::string text(kMaxConfigBytes + 1, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<size_t>(in.gcount()));
        absl::StatusOr<std::map<std::string, std::string>> parsed = ParseConfig(text);
        if (!parsed.ok()) {
          std::cerr << "imdictl: " << config.path << ": " << parsed.status().message() << "\n";
          return kExitFile;
        }
        file = *std::move(parsed);
      } else if (config.required) {
        std::cerr << "imdictl: cannot read the config file " << config.path << "\n";
        return kExitFile;
      }
    }
    absl::StatusOr<Settings> resolved = ResolveSettings(*set, Env, file);
    if (!resolved.ok()) {
      std::cerr << "imdictl: " << resolved.status().message() << "\n";
      return kExitUsage;
    }
    settings = *std::move(resolved);
  }
  Client client(std::move(settings));
  return command->handler(client, args);
}

}  // namespace imdi::imdictl
