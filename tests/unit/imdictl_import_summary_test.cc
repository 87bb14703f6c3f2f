// An import's summary adds up: rows = accepted + without a value + skipped
// + rejected, records sent = changed + unchanged + rejected by the service.
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_summary.h"

namespace imdi::import {
namespace {

using ::testing::IsEmpty;

// The published figures file: a good record of two rows, a record with a
// bad row (its good row goes with it), a row that cannot be placed, a row
// without a value, and a good one-row record.
constexpr char kFile[] =
    "code_2016,name,year,measure,value,note,source\n"
    "0301,Oslo,2019,refugees_decided,100,,t\n"        // 2: Oslo 2019
    "0301,Oslo,2019,refugees_settled,90,,t\n"         // 3: Oslo 2019
    "4601,Bergen,2020,refugees_decided,200,,t\n"      // 4: Bergen 2020, rejected with 5
    "4601,Bergen,2020,refugees_settled,many,,t\n"     // 5: bad value
    "12345,Nowhere,2020,refugees_decided,1,,t\n"      // 6: cannot be placed
    "1804,Bodø,2020,refugees_decided,.,,t\n"          // 7: no value
    "5001,Trondheim,2020,refugees_decided,300,,t\n";  // 8: Trondheim 2020

TEST(ImdictlImportSummary, EveryRowHasOneFateAndTheCountsAddUp) {
  std::istringstream in(kFile);
  absl::StatusOr<ParsedFile> parsed = ParseFiguresFile(in);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->rows, 7);
  EXPECT_EQ(parsed->fates.accepted, 3);
  EXPECT_EQ(parsed->fates.without_value, 1);
  EXPECT_EQ(parsed->fates.skipped, 0);
  EXPECT_EQ(parsed->fates.rejected_alone, 1);
  EXPECT_EQ(parsed->fates.in_rejected_records, 2);
  EXPECT_EQ(parsed->fates.total(), parsed->rows);
  EXPECT_EQ(parsed->records.size(), 2u);
  EXPECT_EQ(parsed->records_rejected, 1);

  stats::v1::ImportFiguresResponse response;
  response.set_rows_received(2);
  response.set_rows_changed(1);
  response.set_rows_unchanged(0);
  response.set_rows_rejected(1);
  response.set_data_version(7);
  EXPECT_THAT(ImportCountMismatches(*parsed, response), IsEmpty());
  EXPECT_EQ(ImportSummary("f.csv", *parsed, response, -1),
            "f.csv: 7 rows: 3 accepted, 1 without a value, 0 skipped, 3 rejected; "
            "2 records sent: 1 changed, 0 unchanged, 1 rejected by the service; "
            "1 records not imported because of a bad row; data version 7");
  EXPECT_EQ(ImportRejections(*parsed, response), 4);
}

TEST(ImdictlImportSummary, MismatchesAreNamed) {
  std::istringstream in(kFile);
  absl::StatusOr<ParsedFile> parsed = ParseFiguresFile(in);
  ASSERT_TRUE(parsed.ok());
  stats::v1::ImportFiguresResponse response;
  response.set_rows_received(2);
  response.set_rows_changed(2);
  response.set_rows_rejected(1);
  EXPECT_THAT(ImportCountMismatches(*parsed, response),
              ::testing::ElementsAre(
                  "the service received 2 records, but 2 changed + 0 unchanged + 1 rejected = 3"));
  response.set_rows_received(1);
  response.set_rows_changed(1);
  response.set_rows_rejected(0);
  EXPECT_THAT(ImportCountMismatches(*parsed, response),
              ::testing::ElementsAre("2 records parsed, but the service received 1"));
}

TEST(ImdictlImportSummary, BundledFilesAccountForEveryRow) {
  for (const char* file :
       {"data/imdikator/bosetting.csv", "data/imdikator/bosatt_anmodede.csv",
        "data/imdikator/intro_avslutning_direkte.csv", "data/imdikator/intro_status_arbutd.csv",
        "data/imdikator/befolkning_alder.csv", "data/published/figures-2016-2017.csv"}) {
    absl::StatusOr<ParsedFile> parsed = ParseFiguresPath(std::string(IMDI_SOURCE_DIR "/") + file);
    ASSERT_TRUE(parsed.ok()) << file << ": " << parsed.status();
    EXPECT_EQ(parsed->fates.total(), parsed->rows) << file;
    int64_t skipped_rows = 0;
    EXPECT_GT(parsed->rows, 0) << file;
    EXPECT_EQ(parsed->fates.in_rejected_records > 0, parsed->records_rejected > 0) << file;
    (void)skipped_rows;
  }
}

}  // namespace
}  // namespace imdi::import
