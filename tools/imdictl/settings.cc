#include "tools/imdictl/settings.h"

#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/imdictl/flags.h"

namespace imdi::imdictl {
namespace {

// One setting: its config key, environment variable and flag.
struct Source {
  const char* key;
  const char* env;
  absl::Flag<std::string>* flag;
  std::string Settings::*field;
};

const std::vector<Source>& StringSources() {
  static const std::vector<Source> sources = {
      {"stats", "IMDI_STATS", &FLAGS_target, &Settings::stats_target},
      {"award", "IMDI_AWARD", &FLAGS_award_target, &Settings::award_target},
      {"token_file", "IMDI_TOKEN_FILE", &FLAGS_token_file, &Settings::token_file},
      {"tls_ca", "IMDI_TLS_CA", &FLAGS_tls_ca, &Settings::tls_ca},
      {"tls_cert", "IMDI_TLS_CERT", &FLAGS_tls_cert, &Settings::tls_cert},
      {"tls_key", "IMDI_TLS_KEY", &FLAGS_tls_key, &Settings::tls_key},
      {"tls_server_name", "IMDI_TLS_SERVER_NAME", &FLAGS_tls_server_name,
       &Settings::tls_server_name},
      {"actor", "IMDI_ACTOR", &FLAGS_actor, &Settings::actor},
  };
  return sources;
}

// The flag's name as the command line spells it.
std::string FlagName(const absl::Flag<std::string>& flag) {
  return std::string(absl::GetFlagReflectionHandle(flag).Name());
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseConfig(absl::string_view text) {
  if (text.size() > kMaxConfigBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the config file is larger than ", kMaxConfigBytes, " bytes"));
  }
  std::set<std::string> known = {"output", "timeout_seconds"};
  for (const Source& s : StringSources()) known.insert(s.key);
  std::map<std::string, std::string> out;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": expected key = value"));
    }
    std::string key(absl::StripAsciiWhitespace(line.substr(0, eq)));
    std::string value(absl::StripAsciiWhitespace(line.substr(eq + 1)));
    if (!known.contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": unknown key \"", key, "\""));
    }
    if (!out.emplace(key, std::move(value)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": \"", key, "\" is set twice"));
    }
  }
  return out;
}

absl::StatusOr<Settings> ResolveSettings(
    const std::set<std::string>& set_flags,
    const std::function<std::optional<std::string>(const char*)>& env,
    const std::map<std::string, std::string>& file) {
  Settings out;
  // flag > environment > file > the flag's default.
  auto pick = [&](const char* key, const char* env_name, const std::string& flag_name,
                  const std::string& flag_value) -> std::string {
    if (set_flags.contains(flag_name)) {
      out.origin[key] = "flag";
      return flag_value;
    }
    if (std::optional<std::string> value = env(env_name); value && !value->empty()) {
      out.origin[key] = "env";
      return *value;
    }
    if (auto it = file.find(key); it != file.end()) {
      out.origin[key] = "file";
      return it->second;
    }
    out.origin[key] = "default";
    return flag_value;
  };
  for (const Source& s : StringSources()) {
    out.*s.field = pick(s.key, s.env, FlagName(*s.flag), absl::GetFlag(*s.flag));
  }
  const std::string output =
      pick("output", "IMDICTL_OUTPUT", "output", absl::GetFlag(FLAGS_output));
  if (output != "human" && output != "json") {
    return absl::InvalidArgumentError(absl::StrCat("output must be human or json, not \"", output,
                                                   "\" (from ", out.origin["output"], ")"));
  }
  out.json = output == "json";
  const std::string timeout = pick("timeout_seconds", "IMDI_TIMEOUT_SECONDS", "timeout_seconds",
                                   absl::StrCat(absl::GetFlag(FLAGS_timeout_seconds)));
  if (!absl::SimpleAtoi(timeout, &out.timeout_seconds) || out.timeout_seconds < 1 ||
      out.timeout_seconds > 86400) {
    return absl::InvalidArgumentError(absl::StrCat("timeout_seconds must be 1 to 86400, not \"",
                                                   timeout, "\" (from ",
                                                   out.origin["timeout_seconds"], ")"));
  }
  return out;
}

ConfigPath FindConfigPath(const std::set<std::string>& set_flags,
                          const std::function<std::optional<std::string>(const char*)>& env) {
  if (set_flags.contains("config")) return {absl::GetFlag(FLAGS_config), true};
  if (auto path = env("IMDICTL_CONFIG"); path && !path->empty()) return {*path, true};
  if (auto home = env("HOME"); home && !home->empty()) {
    return {absl::StrCat(*home, "/.config/imdictl/config"), false};
  }
  return {};
}

}  // namespace imdi::imdictl
