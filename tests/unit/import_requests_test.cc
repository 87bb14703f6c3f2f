// Tests of the ImportFigures messages made from a parsed file
// (tools/import/import_requests.h): every record once, in order, in
// messages bounded by rows and by bytes, under a source that can be sent.
#include "tools/import/import_requests.h"

#include <string>
#include <tuple>
#include <vector>

#include "common/limits.h"
#include "common/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::import {
namespace {

namespace api = ::imdi::stats::v1;

ParsedFile Records(int count, size_t note_bytes) {
  ParsedFile parsed;
  for (int i = 0; i < count; ++i) {
    ImportRecord r;
    r.line = i + 2;
    r.subject = stats::Subject::Municipality(1000 + i % 5000);
    r.year = 2016;
    r.values[stats::Count::kRefugeesSettled] = i;
    r.note = std::string(note_bytes, 'n');
    parsed.records.push_back(std::move(r));
  }
  return parsed;
}

TEST(ImportRequestsTest, MessagesAreBoundedByRowsAndByBytes) {
  // 3,000 rows with notes at their bound: ~6 MB, more than 4 MiB.
  const ParsedFile parsed = Records(3000, kMaxNoteBytes);
  const std::vector<api::ImportFiguresRequest> messages =
      ImportRequests(parsed, "big.csv", api::FIGURES_STATUS_FINAL, 5000);
  ASSERT_GT(messages.size(), 5u);
  int64_t next_line = 2;
  for (const api::ImportFiguresRequest& m : messages) {
    EXPECT_LE(m.ByteSizeLong(), kMaxImportMessageBytes);
    EXPECT_EQ(m.source(), "big.csv");
    for (const api::ImportRow& row : m.rows()) EXPECT_EQ(row.line(), next_line++);
  }
  EXPECT_EQ(next_line, 3002);

  // Small rows: the row count bounds the messages.
  const std::vector<api::ImportFiguresRequest> small =
      ImportRequests(Records(1200, 0), "small.csv", api::FIGURES_STATUS_FINAL, 500);
  ASSERT_EQ(small.size(), 3u);
  EXPECT_EQ(small[0].rows_size(), 500);
  EXPECT_EQ(small[2].rows_size(), 200);
}

TEST(ImportRequestsTest, TheSourceNameIsMadeSendable) {
  // A file name in Latin-1 from an old file system, and a very long one.
  auto latin1 = ImportRequests(Records(1, 0), "bosatt_\xf8st.csv", api::FIGURES_STATUS_FINAL, 10);
  ASSERT_EQ(latin1.size(), 1u);
  EXPECT_EQ(latin1[0].source(), "bosatt_?st.csv");
  auto long_name =
      ImportRequests(Records(1, 0), std::string(2000, 'f'), api::FIGURES_STATUS_FINAL, 10);
  EXPECT_LE(long_name[0].source().size(), kMaxLineBytes);
  EXPECT_EQ(FirstInvalidUtf8(long_name[0].source()), std::nullopt);
}

TEST(ImportRequestsTest, EveryMessageCarriesTheKnownDate) {
  const std::vector<api::ImportFiguresRequest> dated = ImportRequests(
      Records(1200, 0), "snapshot-160212.csv", api::FIGURES_STATUS_FINAL, 500, "2016-02-12");
  ASSERT_EQ(dated.size(), 3u);
  for (const api::ImportFiguresRequest& m : dated) EXPECT_EQ(m.known_date(), "2016-02-12");
  // No date: the service takes the date of the import.
  for (const api::ImportFiguresRequest& m :
       ImportRequests(Records(3, 0), "a.csv", api::FIGURES_STATUS_FINAL, 2)) {
    EXPECT_EQ(m.known_date(), "");
  }
}

TEST(ImportRequestsTest, AbsentCountsAreSentByTheirFigureNames) {
  ParsedFile parsed = Records(2, 0);
  parsed.records[0].absent_counts = {stats::Count::kRefugeesRequested,
                                     stats::Count::kRefugeesDecided};
  const std::vector<api::ImportFiguresRequest> messages =
      ImportRequests(parsed, "snapshot.csv", api::FIGURES_STATUS_FINAL, 500);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_THAT(messages[0].rows(0).absent_fields(),
              ::testing::ElementsAre("refugees_requested", "refugees_decided"));
  EXPECT_TRUE(messages[0].rows(1).absent_fields().empty());
}

TEST(ImportRequestsTest, RecordsWithTheirOwnStatusAndDateAreGroupedByThem) {
  // An exported file: each record states its status and known date.
  ParsedFile parsed = Records(5, 0);
  parsed.records[0].status = stats::FiguresStatus::kFinal;
  parsed.records[0].known_date = "2017-01-01";
  parsed.records[1].status = stats::FiguresStatus::kPreliminary;
  parsed.records[1].known_date = "2016-01-26";
  parsed.records[2].status = stats::FiguresStatus::kFinal;
  parsed.records[2].known_date = "2017-01-01";
  parsed.records[3].status = stats::FiguresStatus::kUnspecified;
  // Record 4 states nothing: the import's status and date.
  const std::vector<api::ImportFiguresRequest> messages =
      ImportRequests(parsed, "export.csv", api::FIGURES_STATUS_FINAL, 500, "2018-05-05");
  std::vector<std::tuple<api::FiguresStatus, std::string, std::vector<int64_t>>> got;
  for (const api::ImportFiguresRequest& m : messages) {
    std::vector<int64_t> lines;
    for (const api::ImportRow& row : m.rows()) lines.push_back(row.line());
    got.emplace_back(m.status(), m.known_date(), lines);
  }
  using T = std::tuple<api::FiguresStatus, std::string, std::vector<int64_t>>;
  EXPECT_THAT(got, ::testing::ElementsAre(
                       T{api::FIGURES_STATUS_UNSPECIFIED, "2018-05-05", {5}},
                       T{api::FIGURES_STATUS_PRELIMINARY, "2016-01-26", {3}},
                       T{api::FIGURES_STATUS_FINAL, "2017-01-01", {2, 4}},
                       T{api::FIGURES_STATUS_FINAL, "2018-05-05", {6}}));
}

TEST(ImportRequestsTest, NoRecordsNoMessages) {
  EXPECT_TRUE(ImportRequests(ParsedFile(), "empty.csv", api::FIGURES_STATUS_FINAL, 500).empty());
}

}  // namespace
}  // namespace imdi::import
