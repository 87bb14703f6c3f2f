// imdictl's command table: every command has help, dispatch reaches every
// command, completion lists them all, and a flag a command does not take is
// refused with exit status 2.
#include <set>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/imdictl/cli.h"
#include "tools/imdictl/exit_codes.h"

namespace imdi::imdictl {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Words(const Command& c) {
  std::vector<std::string> words;
  if (!c.group.empty()) words.emplace_back(c.group);
  words.emplace_back(c.name);
  return words;
}

TEST(ImdictlCommandTable, NamesAreUniqueAndEveryCommandHasAHandlerAndHelp) {
  std::set<std::string> names;
  for (const Command& c : Commands()) {
    EXPECT_TRUE(names.insert(c.FullName()).second) << c.FullName() << " twice";
    EXPECT_NE(c.handler, nullptr) << c.FullName();
    EXPECT_FALSE(c.summary.empty()) << c.FullName();
    const std::string help = CommandHelp(c);
    EXPECT_THAT(help, HasSubstr("Usage: imdictl " + c.FullName())) << c.FullName();
    EXPECT_THAT(help, HasSubstr("Exit status:")) << c.FullName();
    for (absl::string_view flag : AcceptedFlags(c)) {
      EXPECT_NE(absl::FindCommandLineFlag(flag), nullptr) << c.FullName() << " --" << flag;
      EXPECT_THAT(help, HasSubstr(absl::StrCat("--", flag))) << c.FullName();
    }
  }
}

TEST(ImdictlCommandTable, TheIssuesCommandsAreAllThere) {
  const std::vector<std::string> wanted = {
      "figures get", "figures history", "figures import", "figures export", "municipalities get",
      "municipalities list", "municipalities load", "cycle create", "cycle list", "cycle get",
      "cycle status", "cycle open", "cycle announce", "cycle start-jury", "cycle decide",
      "cycle announce-winner", "cycle cancel", "cycle archive", "cycle export", "cycle results",
      "nomination submit",
      "nomination list", "nomination withdraw", "nomination document",
      "jury register", "jury conflict", "jury confirm",
      "jury scores", "votes record", "votes correct", "winners list", "winners load", "audit list",
      "data-version", "backup create", "backup list", "backup verify", "hash-token", "completion",
      // Earlier releases' names, kept as deprecated aliases.
      "load-municipalities", "import", "create-cycle", "load-winners"};
  for (const std::string& name : wanted) {
    size_t used = 0;
    const Command* c = FindCommand(absl::StrSplit(name, ' '), used);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->FullName(), name);
  }
}

TEST(ImdictlCommandTable, DispatchFindsEveryCommandByItsWords) {
  for (const Command& c : Commands()) {
    std::vector<std::string> words = Words(c);
    words.push_back("an-argument");
    size_t used = 0;
    EXPECT_EQ(FindCommand(words, used), &c) << c.FullName();
    EXPECT_EQ(used, words.size() - 1) << c.FullName();
  }
  size_t used = 0;
  EXPECT_EQ(FindCommand({"cycle"}, used), nullptr);
  EXPECT_EQ(FindCommand({"cycle", "nonsense"}, used), nullptr);
  EXPECT_EQ(FindCommand({"nonsense"}, used), nullptr);
}

TEST(ImdictlCommandTable, DeprecatedAliasesSayWhatReplacesThem) {
  const std::vector<std::pair<std::string, std::string>> aliases = {
      {"load-municipalities", "municipalities load"},
      {"import", "figures import"},
      {"create-cycle", "cycle create"},
      {"load-winners", "winners load"}};
  for (const auto& [old_name, new_name] : aliases) {
    size_t used = 0;
    const Command* alias = FindCommand({old_name}, used);
    const Command* current = FindCommand(absl::StrSplit(new_name, ' '), used);
    ASSERT_NE(alias, nullptr);
    ASSERT_NE(current, nullptr);
    EXPECT_TRUE(alias->deprecated());
    EXPECT_FALSE(current->deprecated());
    EXPECT_EQ(alias->handler, current->handler) << old_name;
    EXPECT_THAT(CommandHelp(*alias), HasSubstr("DEPRECATED: use imdictl " + new_name));
    EXPECT_THAT(OverviewHelp(), HasSubstr(old_name));
  }
}

TEST(ImdictlCommandTable, OverviewAndGroupHelpListEveryCommand) {
  const std::string overview = OverviewHelp();
  for (const Command& c : Commands()) {
    if (!c.deprecated()) {
      EXPECT_THAT(overview, HasSubstr("  " + c.FullName())) << c.FullName();
    }
    if (!c.group.empty()) {
      EXPECT_THAT(GroupHelp(c.group), HasSubstr(c.FullName())) << c.FullName();
    }
  }
  for (const char* code : {"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  "}) {
    EXPECT_THAT(overview, HasSubstr(code));
  }
}

TEST(ImdictlCommandTable, CompletionListsEveryCommandAndItsFlags) {
  const std::string script = BashCompletion();
  EXPECT_THAT(script, HasSubstr("complete -o default -F _imdictl imdictl"));
  for (const Command& c : Commands()) {
    const std::string word(c.group.empty() ? c.name : c.group);
    EXPECT_THAT(script, HasSubstr(word)) << c.FullName();
    // The line completing this command's flags names each of them.
    const std::string key = c.group.empty() ? absl::StrCat("\"", c.name, " \"*)")
                                            : absl::StrCat("\"", c.FullName(), "\")");
    const size_t at = script.find(key);
    ASSERT_NE(at, std::string::npos) << c.FullName();
    const std::string line = script.substr(at, script.find('\n', at) - at);
    for (absl::string_view flag : AcceptedFlags(c)) {
      EXPECT_THAT(line, HasSubstr(absl::StrCat("--", flag, " "))) << c.FullName();
    }
  }
}

TEST(ImdictlCommandLine, SplitsWordsAndFlagsInAnyOrder) {
  absl::StatusOr<CommandLine> line =
      SplitCommandLine({"imdictl", "jury", "--cycle=2016", "scores", "--juror", "chair",
                        "sheet.csv", "--chair", "--nochair", "--", "--not-a-flag"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_THAT(line->words, ::testing::ElementsAre("jury", "scores", "sheet.csv", "--not-a-flag"));
  EXPECT_THAT(line->flags,
              ::testing::ElementsAre(std::pair<std::string, std::string>("cycle", "2016"),
                                     std::pair<std::string, std::string>("juror", "chair"),
                                     std::pair<std::string, std::string>("chair", "true"),
                                     std::pair<std::string, std::string>("chair", "false")));
  EXPECT_FALSE(line->help);
  EXPECT_TRUE(SplitCommandLine({"imdictl", "cycle", "--help"})->help);
  EXPECT_FALSE(SplitCommandLine({"imdictl", "--no_such_flag=1"}).ok());
  EXPECT_FALSE(SplitCommandLine({"imdictl", "cycle", "get", "--cycle"}).ok());
}

TEST(ImdictlCommandLine, EveryCommandRefusesAFlagItDoesNotTake) {
  absl::FlagSaver saver;
  for (const Command& c : Commands()) {
    const std::vector<absl::string_view> accepted = AcceptedFlags(c);
    // A flag some other command takes.
    for (const char* flag : {"juror", "klass", "target", "award_target", "cycle"}) {
      if (std::find(accepted.begin(), accepted.end(), flag) != accepted.end()) continue;
      std::vector<std::string> argv = {"imdictl"};
      for (const std::string& w : Words(c)) argv.push_back(w);
      argv.push_back(absl::StrCat("--", flag, "=x"));
      EXPECT_EQ(imdictl::Run(argv), kExitUsage) << c.FullName() << " --" << flag;
      absl::StatusOr<CommandLine> line = SplitCommandLine(argv);
      ASSERT_TRUE(line.ok());
      absl::StatusOr<std::set<std::string>> applied = ApplyFlags(c, *line);
      ASSERT_FALSE(applied.ok());
      EXPECT_THAT(std::string(applied.status().message()),
                  HasSubstr(absl::StrCat("does not take --", flag)));
      break;
    }
  }
}

TEST(ImdictlCommandLine, UsageErrorsExitWithTwo) {
  absl::FlagSaver saver;
  EXPECT_EQ(imdictl::Run({"imdictl"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "nonsense"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "cycle"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "cycle", "nonsense"}), kExitUsage);
  // `nomination document` takes upload FILE or download, nothing else.
  EXPECT_EQ(imdictl::Run({"imdictl", "nomination", "document", "nonsense"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "nomination", "document", "upload"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "cycle", "get", "--no_such_flag"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "figures", "get", "--as_of_version=many", "0301", "2016"}),
            kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "cycle", "get"}), kExitUsage);  // no --cycle
  EXPECT_EQ(imdictl::Run({"imdictl", "completion", "zsh"}), kExitUsage);
  EXPECT_EQ(imdictl::Run({"imdictl", "help", "cycle", "nonsense"}), kExitUsage);
}

TEST(ImdictlCommandLine, HelpExitsWithZero) {
  EXPECT_EQ(imdictl::Run({"imdictl", "help"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "--help"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "cycle", "--help"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "cycle", "decide", "--help"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "help", "cycle", "decide"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "help", "jury"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "create-cycle", "--help"}), kExitOk);
  EXPECT_EQ(imdictl::Run({"imdictl", "completion", "bash"}), kExitOk);
}

}  // namespace
}  // namespace imdi::imdictl
