// Where imdictl connects: flag > environment > config file > default.
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/imdictl/flags.h"
#include "tools/imdictl/settings.h"

namespace imdi::imdictl {
namespace {

using Env = std::map<std::string, std::string>;

std::function<std::optional<std::string>(const char*)> Lookup(const Env& env) {
  return [env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ImdictlSettings, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_target, "flag:1");
  const std::map<std::string, std::string> file = {
      {"stats", "file:1"}, {"award", "file:2"}, {"token_file", "/file/token"}, {"output", "json"}};
  const Env env = {{"IMDI_STATS", "env:1"}, {"IMDI_AWARD", "env:2"}};
  absl::StatusOr<Settings> s = ResolveSettings({"target"}, Lookup(env), file);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->stats_target, "flag:1");
  EXPECT_EQ(s->origin.at("stats"), "flag");
  EXPECT_EQ(s->award_target, "env:2");
  EXPECT_EQ(s->origin.at("award"), "env");
  EXPECT_EQ(s->token_file, "/file/token");
  EXPECT_EQ(s->origin.at("token_file"), "file");
  EXPECT_TRUE(s->json);
  EXPECT_EQ(s->tls_ca, "");
  EXPECT_EQ(s->origin.at("tls_ca"), "default");
  EXPECT_EQ(s->timeout_seconds, 300);
}

TEST(ImdictlSettings, DefaultsWhenNothingIsSet) {
  absl::FlagSaver saver;
  absl::StatusOr<Settings> s = ResolveSettings({}, Lookup({}), {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->stats_target, "127.0.0.1:50051");
  EXPECT_EQ(s->award_target, "127.0.0.1:50052");
  EXPECT_FALSE(s->json);
}

TEST(ImdictlSettings, AFlagSetToItsDefaultStillWins) {
  absl::FlagSaver saver;
  absl::StatusOr<Settings> s =
      ResolveSettings({"output", "actor"},
                      Lookup({{"IMDICTL_OUTPUT", "json"}, {"IMDI_ACTOR", "x"}}), {{"actor", "y"}});
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->json);
  EXPECT_EQ(s->actor, "");
}

TEST(ImdictlSettings, BadValuesNameWhereTheyCameFrom) {
  absl::FlagSaver saver;
  absl::StatusOr<Settings> s = ResolveSettings({}, Lookup({{"IMDICTL_OUTPUT", "yaml"}}), {});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("from env"));
  s = ResolveSettings({}, Lookup({}), {{"timeout_seconds", "0"}});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("from file"));
}

TEST(ImdictlSettings, ConfigFileLinesWithCommentsAndErrorsByLine) {
  absl::StatusOr<std::map<std::string, std::string>> c =
      ParseConfig("# imdictl\n\nstats = 10.0.0.1:50051\n  award=10.0.0.2:50052  \n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("stats"), "10.0.0.1:50051");
  EXPECT_EQ(c->at("award"), "10.0.0.2:50052");
  EXPECT_EQ(ParseConfig("stats = a\nnonsense\n").status().message(),
            "line 2: expected key = value");
  EXPECT_EQ(ParseConfig("stats = a\ncolour = blue\n").status().message(),
            "line 2: unknown key \"colour\"");
  EXPECT_EQ(ParseConfig("stats = a\nstats = b\n").status().message(),
            "line 2: \"stats\" is set twice");
  EXPECT_FALSE(ParseConfig(std::string(kMaxConfigBytes + 1, '#')).ok());
}

TEST(ImdictlSettings, ConfigPathFromFlagThenEnvironmentThenHome) {
  absl::FlagSaver saver;
  absl::SetFlag(&FLAGS_config, "/flag/config");
  EXPECT_EQ(FindConfigPath({"config"}, Lookup({{"IMDICTL_CONFIG", "/env"}})).path, "/flag/config");
  ConfigPath p = FindConfigPath({}, Lookup({{"IMDICTL_CONFIG", "/env"}, {"HOME", "/home/a"}}));
  EXPECT_EQ(p.path, "/env");
  EXPECT_TRUE(p.required);
  p = FindConfigPath({}, Lookup({{"HOME", "/home/a"}}));
  EXPECT_EQ(p.path, "/home/a/.config/imdictl/config");
  EXPECT_FALSE(p.required);
  EXPECT_EQ(FindConfigPath({}, Lookup({})).path, "");
}

}  // namespace
}  // namespace imdi::imdictl
