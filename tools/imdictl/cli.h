// imdictl's command table and the command line around it. One table
// (Commands()) drives dispatch, help, flag checking and shell completion;
// the deprecated flat commands of earlier releases are rows of it too.
//
// A command line is `imdictl GROUP NAME [FLAGS] [ARGS]` (or `imdictl NAME`
// for a top-level command). Each command declares the flags it takes; its
// service adds the connection flags. Any other flag is a usage error.
//
// Functions here are thread-compatible: Run() sets the process's flags.
#ifndef IMDI_TOOLS_IMDICTL_CLI_H_
#define IMDI_TOOLS_IMDICTL_CLI_H_

#include <functional>
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imdi::imdictl {

class Client;

// kEither: the service named by --service (stats or award).
enum class Service { kNone, kStats, kAward, kEither };

// A command's work: its positional arguments in, an exit status out.
using Handler = int (*)(Client& client, const std::vector<std::string>& args);

struct Command {
  absl::string_view group;    // e.g. "cycle"; empty for a top-level command
  absl::string_view name;     // e.g. "create"
  absl::string_view args;     // positional arguments for the usage line
  absl::string_view summary;  // one line
  absl::string_view details;  // more help; may be empty
  Service service = Service::kNone;
  std::vector<absl::string_view> flags;  // the command's own flags
  Handler handler = nullptr;
  // For a deprecated command: the command that replaces it.
  absl::string_view replaced_by;

  std::string FullName() const;  // "cycle create", "data-version"
  bool deprecated() const { return !replaced_by.empty(); }
};

// Every command, grouped and in help order.
const std::vector<Command>& Commands();

// The connection and output flags a service's commands take.
std::vector<absl::string_view> ServiceFlags(Service service);

// Every flag `command` takes, its own and its service's.
std::vector<absl::string_view> AcceptedFlags(const Command& command);

// The command named by the first words; `used` is how many words it took.
// nullptr when the words name no command.
const Command* FindCommand(const std::vector<std::string>& words, size_t& used);

// The command line split into words and flags. Flags must be defined
// (Abseil flags); their values are checked when applied.
struct CommandLine {
  std::vector<std::string> words;                          // positional, in order
  std::vector<std::pair<std::string, std::string>> flags;  // name, value
  bool help = false;                                       // --help or -h
};
absl::StatusOr<CommandLine> SplitCommandLine(const std::vector<std::string>& argv);

// Checks that `command` takes every flag given and sets them. Returns the
// flags set, for settings.h.
absl::StatusOr<std::set<std::string>> ApplyFlags(const Command& command, const CommandLine& line);

// Help: the overview, a group's commands, or one command with its flags.
std::string OverviewHelp();
std::string GroupHelp(absl::string_view group);
std::string CommandHelp(const Command& command);

// A bash completion script for the commands and their flags.
std::string BashCompletion();

// Runs imdictl on `argv` (argv[0] is the program); returns the exit status.
int Run(const std::vector<std::string>& argv);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_CLI_H_
