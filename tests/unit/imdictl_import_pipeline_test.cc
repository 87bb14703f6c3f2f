// The reading side of `imdictl import` (tools/imdictl/import_pipeline.h):
// every file's parse, then its messages, then its end, in the order of the
// files; the messages the same as ImportRequests makes; a file that cannot
// be read ends the pipeline in its place; a consumer that leaves early does
// not leave the parser thread blocked.
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "tools/imdictl/import_pipeline.h"
#include "tools/import/import_requests.h"

namespace imdi::imdictl {
namespace {

namespace api = ::imdi::stats::v1;

// A settlement table of `rows` municipalities, one record each.
std::string WriteTable(const imdi::testing::TempDir& dir, const std::string& name, int rows) {
  const std::string path = dir.Sub(name);
  std::ofstream out(path);
  out << "kommune_nr;aar;bosetting.anmodning;bosetting.vedtak;bosetting.bosatt\n";
  for (int i = 0; i < rows; ++i) out << (101 + i) << ";2015;" << i << ";" << i << ";" << i << "\n";
  return path;
}

// What the pipeline hands over, as text: "P0" (file 0 parsed), "M3" (a
// message of 3 rows), "D" (file done), "E1" (file 1 could not be read).
std::vector<std::string> Drain(ImportPipeline& pipeline,
                               std::vector<api::ImportFiguresRequest>* messages = nullptr) {
  std::vector<std::string> out;
  ImportPipeline::Item item;
  while (pipeline.Next(item)) {
    if (auto* file = std::get_if<ImportPipeline::FileParsed>(&item)) {
      out.push_back((file->parsed.ok() ? "P" : "E") + std::to_string(file->index));
    } else if (auto* message = std::get_if<ImportPipeline::Message>(&item)) {
      out.push_back("M" + std::to_string(message->request.rows_size()));
      if (messages != nullptr) messages->push_back(message->request);
    } else {
      out.push_back("D");
    }
  }
  return out;
}

TEST(ImportPipelineTest, FilesComeInOrderEachParseBeforeItsMessages) {
  imdi::testing::TempDir dir;
  const std::string a = WriteTable(dir, "a.csv", 7);
  const std::string b = WriteTable(dir, "b.csv", 2);
  const std::string empty = WriteTable(dir, "none.csv", 0);
  ImportPipeline pipeline({.paths = {a, empty, b},
                           .known_dates = {"2016-01-25", "", ""},
                           .status = api::FIGURES_STATUS_FINAL,
                           .batch = 3,
                           .queued_messages = 1});
  std::vector<api::ImportFiguresRequest> messages;
  EXPECT_THAT(Drain(pipeline, &messages),
              ::testing::ElementsAre("P0", "M3", "M3", "M1", "D", "P1", "D", "P2", "M2", "D"));
  // The same messages as made at once, with the file's name and date.
  auto parsed = import::ParseFiguresPath(a);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::vector<api::ImportFiguresRequest> expected =
      import::ImportRequests(*parsed, "a.csv", api::FIGURES_STATUS_FINAL, 3, "2016-01-25");
  ASSERT_EQ(expected.size(), 3u);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(messages[i].SerializeAsString(), expected[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(messages[3].source(), "b.csv");
  EXPECT_EQ(messages[3].known_date(), "");
}

TEST(ImportPipelineTest, AFileThatCannotBeReadEndsThePipelineInItsPlace) {
  imdi::testing::TempDir dir;
  const std::string a = WriteTable(dir, "a.csv", 2);
  ImportPipeline pipeline(
      {.paths = {a, dir.Sub("missing.csv"), a}, .known_dates = {"", "", ""}, .batch = 500});
  EXPECT_THAT(Drain(pipeline), ::testing::ElementsAre("P0", "M2", "D", "E1"));
}

TEST(ImportPipelineTest, AConsumerThatLeavesEarlyStopsTheParser) {
  imdi::testing::TempDir dir;
  const std::string a = WriteTable(dir, "a.csv", 50);
  std::vector<std::string> paths(20, a);
  // One row per message and one message queued: the parser thread is
  // blocked on the full queue when the pipeline goes.
  ImportPipeline pipeline({.paths = paths,
                           .known_dates = std::vector<std::string>(paths.size()),
                           .batch = 1,
                           .queued_messages = 1});
  ImportPipeline::Item item;
  ASSERT_TRUE(pipeline.Next(item));
  EXPECT_TRUE(std::holds_alternative<ImportPipeline::FileParsed>(item));
  ASSERT_TRUE(pipeline.Next(item));
  EXPECT_TRUE(std::holds_alternative<ImportPipeline::Message>(item));
  // The destructor returns (the test would hang otherwise).
}

}  // namespace
}  // namespace imdi::imdictl
