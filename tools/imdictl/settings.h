// Where imdictl connects, with which credentials, and how it prints: from
// flags, the environment and a config file, in that order of precedence
// (flag > environment > file > the flag's default).
//
// The config file holds `key = value` lines; `#` starts a comment line.
// Keys: stats, award, token_file, tls_ca, tls_cert, tls_key,
// tls_server_name, actor, output, timeout_seconds.
//
// Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMDICTL_SETTINGS_H_
#define IMDI_TOOLS_IMDICTL_SETTINGS_H_

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imdi::imdictl {

struct Settings {
  std::string stats_target;
  std::string award_target;
  std::string token_file;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_server_name;
  std::string actor;
  bool json = false;
  int timeout_seconds = 300;
  // Where each value came from, by config key: "flag", "env", "file" or
  // "default" (for messages and tests).
  std::map<std::string, std::string> origin;
};

// A config file is small; a larger one is refused.
inline constexpr size_t kMaxConfigBytes = 64 * 1024;

// The `key = value` pairs of a config file. Errors name the line.
absl::StatusOr<std::map<std::string, std::string>> ParseConfig(absl::string_view text);

// Resolves every setting. `set_flags` names the flags given on the command
// line (their values are read from the flags); `env` looks up an environment
// variable; `file` holds the config file's pairs.
absl::StatusOr<Settings> ResolveSettings(
    const std::set<std::string>& set_flags,
    const std::function<std::optional<std::string>(const char*)>& env,
    const std::map<std::string, std::string>& file);

// The config file to read: --config, else $IMDICTL_CONFIG, else
// ~/.config/imdictl/config; `required` is false for the last, which may be
// missing. Empty when there is none to read.
struct ConfigPath {
  std::string path;
  bool required = false;
};
ConfigPath FindConfigPath(const std::set<std::string>& set_flags,
                          const std::function<std::optional<std::string>(const char*)>& env);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_SETTINGS_H_
