// imdictl's exit statuses, listed by `imdictl help` and the README.
#ifndef IMDI_TOOLS_IMDICTL_EXIT_CODES_H_
#define IMDI_TOOLS_IMDICTL_EXIT_CODES_H_

namespace imdi::imdictl {

inline constexpr int kExitOk = 0;
// Some rows of an import were rejected (the rest were imported).
inline constexpr int kExitRejected = 1;
// The command line is wrong: unknown command, a flag the command does not
// take, a missing argument.
inline constexpr int kExitUsage = 2;
// A file (input, config, token, certificate) could not be read or is
// invalid; nothing was sent.
inline constexpr int kExitFile = 3;
// The service refused or failed the call, or an import stream did not
// deliver every row.
inline constexpr int kExitRpc = 4;
// The service could not be reached in time (UNAVAILABLE, DEADLINE_EXCEEDED);
// running the command again may work.
inline constexpr int kExitUnreachable = 5;

inline constexpr const char kExitCodesHelp[] =
    "Exit status:\n"
    "  0  success\n"
    "  1  some rows of an import were rejected (the rest were imported)\n"
    "  2  usage: unknown command, a flag the command does not take, a missing argument\n"
    "  3  a file (input, config, token, certificate) could not be read or is invalid;\n"
    "     nothing was sent\n"
    "  4  the service refused or failed the call, or an import did not deliver every row\n"
    "  5  the service could not be reached in time (UNAVAILABLE, DEADLINE_EXCEEDED);\n"
    "     run the command again\n";

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_EXIT_CODES_H_
