// Known dates and provenance per value (bitemporal reads), through StatsCore
// on a real RocksDB store in a fresh temporary directory: out-of-order
// snapshots, the fold of partial revisions, field sources, refusals, the
// history with both times, and stores written by schema 1.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "imdi/stats/storage/v1/storage.pb.h"
#include "rocksdb/db.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/storage/key_codec.h"
#include "stats-service/storage/rocksdb_stats_store.h"
#include "tests/testing/municipalities.h"
#include "tests/testing/temp_dir.h"

namespace imdi::stats {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kSettled = static_cast<int>(Count::kRefugeesSettled);
constexpr int kRequested = static_cast<int>(Count::kRefugeesRequested);

using Counts = std::vector<std::pair<Count, int64_t>>;

ImportRowInput Row(int64_t line, int code, int year, const Counts& counts,
                   const std::string& source = "") {
  ImportRowInput row;
  row.line = line;
  row.record.subject = Subject::Municipality(code);
  row.record.year = year;
  row.record.source = source;
  for (const auto& [count, value] : counts) row.record.values[count] = value;
  return row;
}

WriteOrigin KnownOn(int date) {
  WriteOrigin origin;
  origin.known_date = date;
  return origin;
}

const FieldSource* SourceOf(const FiguresRecord& record, int field) {
  for (const FieldSource& f : record.field_sources) {
    if (f.field == field) return &f;
  }
  return nullptr;
}

class KnownDatesTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start() {
    core_.reset();
    auto store = RocksDbStatsStore::Open({.path = dir_.Sub("db"), .sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    auto core = StatsCore::Create(std::move(*store));
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
  }

  void SeedDirectory() {
    auto result = core_->BatchUpsertMunicipalities(examples::AllMunicipalities());
    ASSERT_TRUE(result.ok()) << result.status();
  }

  ImportBatchResult Import(const std::string& source, int known_date,
                           std::vector<ImportRowInput> rows) {
    auto result = core_->ImportBatch(source, FiguresStatus::kUnspecified, std::move(rows),
                                     KnownOn(known_date));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : ImportBatchResult{};
  }

  std::optional<int64_t> Settled(int code, int year, std::optional<int> known, int64_t as_of = 0) {
    auto read = core_->GetFigures(code, year, as_of, known);
    EXPECT_TRUE(read.ok()) << read.status();
    return read.ok() ? read->first.values[Count::kRefugeesSettled] : std::nullopt;
  }

  imdi::testing::TempDir dir_;
  std::unique_ptr<StatsCore> core_;
};

TEST_F(KnownDatesTest, AnOlderSnapshotImportedLateShowsOnlyAsOfItsDate) {
  SeedDirectory();
  Import("march.csv", 20160322, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 100}})});
  Import("february.csv", 20160202, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 90}})});

  EXPECT_EQ(Settled(301, 2016, std::nullopt), 100);
  EXPECT_EQ(Settled(301, 2016, 20160205), 90);
  EXPECT_EQ(Settled(301, 2016, 20160322), 100);
  auto before = core_->GetFigures(301, 2016, 0, 20160101);
  EXPECT_EQ(before.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(before.status()), "FIGURES_NOT_FOUND");
  EXPECT_THAT(before.status().message(), HasSubstr("2016-01-01"));

  auto latest = core_->GetFigures(301, 2016, 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->first.known_date, 20160322);
  EXPECT_EQ(latest->first.revision, 2);
}

TEST_F(KnownDatesTest, ALateOldRevisionsFieldThatNoLaterOneSetShowsInTheLatestView) {
  SeedDirectory();
  Import("march.csv", 20160322, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 100}})});
  Import("february.csv", 20160202,
         {Row(5, 301, 2016, {{Count::kRefugeesSettled, 90}, {Count::kRefugeesRequested, 120}})});
  auto latest = core_->GetFigures(301, 2016, 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->first.values[Count::kRefugeesSettled], 100);
  EXPECT_EQ(latest->first.values[Count::kRefugeesRequested], 120);
  const FieldSource* requested = SourceOf(latest->first, kRequested);
  ASSERT_NE(requested, nullptr);
  EXPECT_EQ(requested->source, "february.csv");
  EXPECT_EQ(requested->known_date, 20160202);
  EXPECT_EQ(latest->first.source, "february.csv; march.csv");
}

TEST_F(KnownDatesTest, SameKnownDateTwiceTheLaterTransactionWinsAndBothAreInTheHistory) {
  SeedDirectory();
  Import("a.csv", 20160322, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 10}})});
  Import("b.csv", 20160322, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 11}})});
  EXPECT_EQ(Settled(301, 2016, 20160322), 11);
  auto history = core_->GetFiguresHistory(301, 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), 2u);
  EXPECT_EQ(history->revisions[0].values[Count::kRefugeesSettled], 10);
  EXPECT_EQ(history->revisions[1].values[Count::kRefugeesSettled], 11);
  EXPECT_EQ(history->revisions[0].known_date, 20160322);
  EXPECT_EQ(history->revisions[1].known_date, 20160322);
  EXPECT_LT(history->revisions[0].data_version, history->revisions[1].data_version);
}

TEST_F(KnownDatesTest, TheHistoryShowsWhatWasKnownOnEachRevisionsDateOnceWritten) {
  SeedDirectory();
  Import("march.csv", 20160322, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 100}})});
  Import("february.csv", 20160202,
         {Row(2, 301, 2016, {{Count::kRefugeesSettled, 90}, {Count::kRefugeesRequested, 120}})});
  Import("april.csv", 20160401, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 101}})});
  auto history = core_->GetFiguresHistory(301, 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), 3u);
  const FiguresRecord& march = history->revisions[0];
  const FiguresRecord& february = history->revisions[1];
  const FiguresRecord& april = history->revisions[2];
  // Data-version order, each with its own times and revision.
  EXPECT_EQ(march.known_date, 20160322);
  EXPECT_EQ(march.revision, 1);
  EXPECT_FALSE(march.values[Count::kRefugeesRequested].has_value());
  EXPECT_EQ(february.known_date, 20160202);
  EXPECT_EQ(february.revision, 2);
  EXPECT_EQ(february.values[Count::kRefugeesSettled], 90);  // March was not known then
  EXPECT_EQ(april.known_date, 20160401);
  EXPECT_EQ(april.values[Count::kRefugeesSettled], 101);
  EXPECT_EQ(april.values[Count::kRefugeesRequested], 120);
  EXPECT_LT(march.data_version, february.data_version);
  EXPECT_LT(february.data_version, april.data_version);
}

TEST_F(KnownDatesTest, AKnownDateAfterTodayIsRefusedAndWritesNothing) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  const int tomorrow = KnownDateOf(absl::Now() + absl::Hours(24));
  FiguresRecord record;
  record.subject = Subject::Municipality(301);
  record.year = 2016;
  record.values[Count::kRefugeesSettled] = 5;
  auto put = core_->PutFigures(record, FiguresMask::All(), "", KnownOn(tomorrow));
  ASSERT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolations(put.status()).size(), 1u);
  EXPECT_EQ(FieldViolations(put.status())[0].field, "figures.known_date");
  EXPECT_THAT(put.status().message(), HasSubstr("after today"));

  auto import = core_->ImportBatch("f.csv", FiguresStatus::kFinal,
                                   {Row(2, 301, 2016, {{Count::kRefugeesSettled, 5}}),
                                    Row(3, 1201, 2016, {{Count::kRefugeesSettled, 6}})},
                                   KnownOn(tomorrow));
  ASSERT_TRUE(import.ok()) << import.status();
  EXPECT_EQ(import->rows_rejected, 2);
  ASSERT_EQ(import->errors.size(), 2u);
  EXPECT_EQ(import->errors[0].field, "known_date");
  EXPECT_EQ(import->errors[1].line, 3);
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(KnownDatesTest, ASnapshotThatChangesNothingWritesNothing) {
  SeedDirectory();
  auto snapshot = [] {
    return std::vector<ImportRowInput>{
        Row(2, 301, 2016, {{Count::kRefugeesSettled, 100}, {Count::kRefugeesRequested, 120}}),
        Row(3, 1201, 2016, {{Count::kRefugeesSettled, 80}})};
  };
  Import("march.csv", 20160322, snapshot());
  const uint64_t version = core_->data_version();

  // The same file again, and the same figures published again later.
  for (int date : {20160322, 20160501}) {
    ImportBatchResult again = Import("march.csv", date, snapshot());
    EXPECT_EQ(again.rows_unchanged, 2) << date;
    EXPECT_EQ(again.rows_changed, 0) << date;
    EXPECT_EQ(core_->data_version(), version) << date;
  }
  // What was known on an earlier date is the February figures: equal to
  // them, a snapshot of that date writes nothing either.
  Import("february.csv", 20160202, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 90}})});
  const uint64_t after_february = core_->data_version();
  ImportBatchResult february_again =
      Import("february.csv", 20160210, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 90}})});
  EXPECT_EQ(february_again.rows_unchanged, 1);
  EXPECT_EQ(core_->data_version(), after_february);

  // A PutFigures of the current values changes nothing as well.
  FiguresRecord same;
  same.subject = Subject::Municipality(301);
  same.year = 2016;
  same.values[Count::kRefugeesSettled] = 100;
  FiguresMask settled_only;
  settled_only.counts.set(kSettled);
  auto put = core_->PutFigures(same, settled_only, "");
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_FALSE(put->changed);
  EXPECT_EQ(core_->data_version(), after_february);
}

// A snapshot that states every count on every row: what it leaves empty was
// not known on its date (Krødsherad's 2016 decision: 0 on 2016-02-02, empty
// on 2016-02-12, 15 on 2016-03-08).
ImportRowInput SnapshotRow(int code, std::optional<int64_t> requested,
                           std::optional<int64_t> decided) {
  ImportRowInput row = Row(102, code, 2016, {});
  const std::pair<Count, std::optional<int64_t>> stated[] = {
      {Count::kRefugeesRequested, requested},
      {Count::kRefugeesDecided, decided},
      {Count::kRefugeesSettled, std::nullopt}};
  for (const auto& [count, value] : stated) {
    if (value) {
      row.record.values[count] = *value;
    } else {
      row.absent.counts.set(static_cast<int>(count));
    }
  }
  return row;
}

TEST_F(KnownDatesTest, AValueASnapshotLeavesEmptyIsClearedAsKnownOnItsDate) {
  SeedDirectory();
  Import("160202.csv", 20160202, {SnapshotRow(301, 15, 0)});
  const ImportBatchResult cleared = Import("160212.csv", 20160212, {SnapshotRow(301, 15, {})});
  EXPECT_EQ(cleared.rows_changed, 1);
  Import("160308.csv", 20160308, {SnapshotRow(301, 15, 15)});

  auto decided = [&](int known) -> std::optional<int64_t> {
    auto read = core_->GetFigures(301, 2016, 0, known);
    EXPECT_TRUE(read.ok()) << read.status();
    return read.ok() ? read->first.values[Count::kRefugeesDecided] : std::nullopt;
  };
  EXPECT_EQ(decided(20160202), 0);
  EXPECT_EQ(decided(20160212), std::nullopt);  // not 0: nothing was known then
  EXPECT_EQ(decided(20160301), std::nullopt);
  EXPECT_EQ(decided(20160308), 15);
  // The request stays as stated on 2016-02-02, named by that file.
  auto on0212 = core_->GetFigures(301, 2016, 0, 20160212);
  ASSERT_TRUE(on0212.ok()) << on0212.status();
  EXPECT_EQ(on0212->first.values[Count::kRefugeesRequested], 15);
  ASSERT_NE(SourceOf(on0212->first, kRequested), nullptr);
  EXPECT_EQ(SourceOf(on0212->first, kRequested)->source, "160202.csv");
  // A cleared figure has no value, so no source.
  EXPECT_EQ(SourceOf(on0212->first, static_cast<int>(Count::kRefugeesDecided)), nullptr);

  auto history = core_->GetFiguresHistory(301, 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), 3u);
  EXPECT_EQ(history->revisions[0].known_date, 20160202);
  EXPECT_EQ(history->revisions[0].values[Count::kRefugeesDecided], 0);
  EXPECT_EQ(history->revisions[1].known_date, 20160212);
  EXPECT_EQ(history->revisions[1].values[Count::kRefugeesDecided], std::nullopt);
  EXPECT_EQ(history->revisions[2].known_date, 20160308);
  EXPECT_EQ(history->revisions[2].values[Count::kRefugeesDecided], 15);
  // Settled was never known: no snapshot's empty settled wrote anything.
  for (const FiguresRecord& r : history->revisions) {
    EXPECT_EQ(r.values[Count::kRefugeesSettled], std::nullopt);
  }

  // The 2016-02-12 snapshot again: nothing known then changes.
  const uint64_t version = core_->data_version();
  const ImportBatchResult again = Import("160212.csv", 20160212, {SnapshotRow(301, 15, {})});
  EXPECT_EQ(again.rows_unchanged, 1);
  EXPECT_EQ(again.rows_changed, 0);
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(KnownDatesTest, SnapshotsThatClearImportedNewestFirstGiveTheSameReads) {
  SeedDirectory();
  Import("160308.csv", 20160308, {SnapshotRow(301, 15, 15)});
  // Nothing was known before 2016-02-12 yet: its revision is written for the
  // request, and records the empty decision with it.
  Import("160212.csv", 20160212, {SnapshotRow(301, 15, {})});
  Import("160202.csv", 20160202, {SnapshotRow(301, 15, 0)});

  auto decided = [&](int known) -> std::optional<int64_t> {
    auto read = core_->GetFigures(301, 2016, 0, known);
    EXPECT_TRUE(read.ok()) << read.status();
    return read.ok() ? read->first.values[Count::kRefugeesDecided] : std::nullopt;
  };
  EXPECT_EQ(decided(20160202), 0);
  EXPECT_EQ(decided(20160212), std::nullopt);
  EXPECT_EQ(decided(20160308), 15);
  EXPECT_EQ(decided(20160401), 15);
}

TEST_F(KnownDatesTest, ARowOfOnlyAbsentFiguresCreatesNoRecord) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  const ImportBatchResult result = Import("160212.csv", 20160212, {SnapshotRow(301, {}, {})});
  EXPECT_EQ(result.rows_unchanged, 1);
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(core_->GetFigures(301, 2016, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KnownDatesTest, AFigureBothGivenAndNamedAbsentRejectsTheRow) {
  SeedDirectory();
  ImportRowInput row = SnapshotRow(301, 15, 0);
  row.absent.counts.set(static_cast<int>(Count::kRefugeesDecided));
  const ImportBatchResult result =
      Import("bad.csv", 20160212, {std::move(row), SnapshotRow(1201, 20, 10)});
  EXPECT_EQ(result.rows_rejected, 1);
  EXPECT_EQ(result.rows_changed, 1);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 102);
  EXPECT_EQ(result.errors[0].field, "absent_fields");
  EXPECT_THAT(result.errors[0].reason, HasSubstr("refugees_decided has a value"));
  EXPECT_EQ(core_->GetFigures(301, 2016, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KnownDatesTest, TwoFilesMergeIntoOneRecordAndEachFieldNamesItsFileLineAndVersion) {
  SeedDirectory();
  ImportBatchResult first =
      Import("settled-2016.csv", 20160322,
             {Row(7, 301, 2016, {{Count::kRefugeesSettled, 100}}),
              // A row's own source overrides the message's.
              Row(8, 1201, 2016, {{Count::kRefugeesSettled, 80}}, "bergen-correction.csv")});
  ImportBatchResult second = Import("requested-2016.csv", 20160401,
                                    {Row(12, 301, 2016, {{Count::kRefugeesRequested, 120}})});
  ASSERT_LT(first.data_version, second.data_version);

  auto read = core_->GetFigures(301, 2016, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  const FiguresRecord& oslo = read->first;
  const FieldSource* settled = SourceOf(oslo, kSettled);
  const FieldSource* requested = SourceOf(oslo, kRequested);
  ASSERT_NE(settled, nullptr);
  ASSERT_NE(requested, nullptr);
  EXPECT_EQ(settled->source, "settled-2016.csv");
  EXPECT_EQ(settled->line, 7);
  EXPECT_EQ(settled->data_version, first.data_version);
  EXPECT_EQ(settled->known_date, 20160322);
  EXPECT_EQ(requested->source, "requested-2016.csv");
  EXPECT_EQ(requested->line, 12);
  EXPECT_EQ(requested->data_version, second.data_version);
  EXPECT_EQ(requested->known_date, 20160401);
  EXPECT_EQ(oslo.field_sources.size(), 2u);
  EXPECT_EQ(oslo.source, "requested-2016.csv; settled-2016.csv");
  EXPECT_EQ(oslo.revision, 2);

  auto bergen = core_->GetFigures(1201, 2016, 0);
  ASSERT_TRUE(bergen.ok());
  EXPECT_EQ(SourceOf(bergen->first, kSettled)->source, "bergen-correction.csv");
  EXPECT_EQ(SourceOf(bergen->first, kSettled)->line, 8);

  // A later file that states the same value does not take the credit.
  Import("settled-again.csv", 20160501, {Row(3, 301, 2016, {{Count::kRefugeesSettled, 100}})});
  EXPECT_EQ(SourceOf(core_->GetFigures(301, 2016, 0)->first, kSettled)->source, "settled-2016.csv");
}

TEST_F(KnownDatesTest, PutFiguresRecordsPrincipalAndRequestIdAndTheyOutliveARestart) {
  SeedDirectory();
  FiguresRecord record;
  record.subject = Subject::Municipality(301);
  record.year = 2016;
  record.values[Count::kRefugeesSettled] = 42;
  WriteOrigin origin;
  origin.principal = "alice";
  origin.request_id = "req-7";
  auto put = core_->PutFigures(record, FiguresMask::All(), "", origin);
  ASSERT_TRUE(put.ok()) << put.status();
  // Without a known date the write is known on the date it was written.
  EXPECT_EQ(put->record.known_date, KnownDateOf(put->record.update_time));

  Start();  // reopen: what was stored is what is read
  auto read = core_->GetFigures(301, 2016, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  const FieldSource* settled = SourceOf(read->first, kSettled);
  ASSERT_NE(settled, nullptr);
  EXPECT_EQ(settled->principal, "alice");
  EXPECT_EQ(settled->request_id, "req-7");
  EXPECT_EQ(settled->source, "PutFigures by alice (request req-7)");
  EXPECT_EQ(settled->line, 0);
  EXPECT_EQ(read->first.source, "PutFigures by alice (request req-7)");
}

TEST_F(KnownDatesTest, AsOfVersionCombinesWithAsOfKnownDate) {
  SeedDirectory();
  ImportBatchResult march =
      Import("march.csv", 20160322, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 100}})});
  ImportBatchResult february =
      Import("february.csv", 20160202, {Row(2, 301, 2016, {{Count::kRefugeesSettled, 90}})});
  const int64_t v_march = static_cast<int64_t>(march.data_version);
  const int64_t v_february = static_cast<int64_t>(february.data_version);
  // At the March write, nothing was known of February yet.
  EXPECT_EQ(core_->GetFigures(301, 2016, v_march, 20160205).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Settled(301, 2016, 20160205, v_february), 90);
  EXPECT_EQ(Settled(301, 2016, std::nullopt, v_march), 100);
  EXPECT_EQ(Settled(301, 2016, std::nullopt, v_february), 100);

  // Listings, streams, batches and aggregates read the same way.
  ListQuery query;
  query.filter = "year = 2016";
  query.as_of = v_february;
  query.known_as_of = 20160205;
  auto page = core_->ListFigures(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].values[Count::kRefugeesSettled], 90);
  auto batch = core_->BatchGetFigures({{301, 2016}}, 0, false, 20160205);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->first[0].values[Count::kRefugeesSettled], 90);
  auto aggregate = core_->GetAggregate(Subject::Country(), 2016, 0, 20160205);
  ASSERT_TRUE(aggregate.ok()) << aggregate.status();
  EXPECT_EQ(aggregate->result.counts[kSettled].sum, 90);
  auto cursor = core_->StreamFigures("", 0, 20160205);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  std::vector<FiguresRecord> chunk;
  ASSERT_TRUE((*cursor)->Next(10, chunk).ok());
  ASSERT_EQ(chunk.size(), 1u);
  EXPECT_EQ(chunk[0].values[Count::kRefugeesSettled], 90);
}

TEST_F(KnownDatesTest, APageTokenPinsTheKnownDate) {
  SeedDirectory();
  Import("march.csv", 20160322,
         {Row(2, 301, 2016, {{Count::kRefugeesSettled, 100}}),
          Row(3, 1201, 2016, {{Count::kRefugeesSettled, 80}})});
  ListQuery query;
  query.page_size = 1;
  query.known_as_of = 20160322;
  auto first = core_->ListFigures(query);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token.empty());
  query.page_token = first->next_page_token;
  auto same = core_->ListFigures(query);
  EXPECT_TRUE(same.ok()) << same.status();
  query.known_as_of = 20160323;
  EXPECT_EQ(core_->ListFigures(query).status().code(), absl::StatusCode::kInvalidArgument);
  query.known_as_of = std::nullopt;
  EXPECT_EQ(core_->ListFigures(query).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(KnownDatesTest, AnImportNamesEachMunicipalityByItsCodeOfTheRowsYear) {
  SeedDirectory();
  auto result = core_->ImportBatch("f.csv", FiguresStatus::kFinal,
                                   {Row(2, 5001, 2015, {{Count::kRefugeesSettled, 5}}),
                                    Row(3, 1601, 2015, {{Count::kRefugeesSettled, 6}}),
                                    Row(4, 1601, 2018, {{Count::kRefugeesSettled, 7}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_changed, 1);
  ASSERT_EQ(result->errors.size(), 2u);
  EXPECT_EQ(result->errors[0].field, "municipality_code");
  EXPECT_EQ(result->errors[0].reason,
            "code 5001 was not in use in 2015; Trondheim had code 1601 then");
  EXPECT_EQ(result->errors[1].line, 4);
  EXPECT_THAT(result->errors[1].reason, HasSubstr("had code 5001 then"));
  // PutFigures stays lenient: any code the municipality ever had.
  FiguresRecord record;
  record.subject = Subject::Municipality(5001);
  record.year = 2015;
  record.values[Count::kRefugeesSettled] = 5;
  EXPECT_TRUE(core_->PutFigures(record, FiguresMask::All(), "").ok());
}

TEST_F(KnownDatesTest, AFileWrittenInOneYearsCodesNamesEveryYearByThem) {
  SeedDirectory();
  WriteOrigin codes_2018;
  codes_2018.codes_year = 2018;
  // Trondheim's 2015 figures under the code it had in 2018, the file's year.
  auto result = core_->ImportBatch("f.csv", FiguresStatus::kFinal,
                                   {Row(2, 5001, 2015, {{Count::kRefugeesSettled, 5}}),
                                    Row(3, 1601, 2015, {{Count::kRefugeesSettled, 6}})},
                                   codes_2018);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_changed, 1);
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].line, 3);
  EXPECT_THAT(result->errors[0].reason,
              AllOf(HasSubstr("code 1601 was not in use in 2018"), HasSubstr("had code 5001 then")));
  auto read = core_->GetFigures(1601, 2015, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->first.values[Count::kRefugeesSettled], 5);
}

// A store written by schema 1 holds full revisions without known dates;
// this build reads them as they are and marks the store schema 2.
TEST(KnownDatesSchemaTest, AStoreWrittenBySchemaOneIsStillReadable) {
  imdi::testing::TempDir dir;
  const absl::Time written = absl::FromCivil(absl::CivilDay(2017, 6, 1), absl::UTCTimeZone());
  {
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (absl::string_view name : keys::kColumnFamilyNames) {
      families.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.Sub("db"), families, &handles, &db).ok());
    auto* meta = handles[static_cast<int>(keys::ColumnFamily::kMeta)];
    auto* revisions = handles[static_cast<int>(keys::ColumnFamily::kRevisions)];
    storage::v1::StoredFigures stored;  // as schema 1 wrote it
    stored.set_population(1000);
    stored.set_refugees_settled(12);
    stored.set_source("ssb-2016.csv");
    stored.set_revision(1);
    stored.set_data_version(1);
    stored.set_update_time_micros(absl::ToUnixMicros(written));
    rocksdb::WriteOptions wo;
    ASSERT_TRUE(db->Put(wo, revisions, keys::FiguresKey(Subject::Country(), 2016, 1),
                        stored.SerializeAsString())
                    .ok());
    ASSERT_TRUE(db->Put(wo, meta, std::string(keys::kSchemaVersionKey), keys::EncodeU64(1)).ok());
    ASSERT_TRUE(db->Put(wo, meta, std::string(keys::kDataVersionKey), keys::EncodeU64(1)).ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  auto store = RocksDbStatsStore::Open({.path = dir.Sub("db"), .sync = false});
  ASSERT_TRUE(store.ok()) << store.status();
  auto read = (*store)->ReadFigures(Subject::Country(), 2016, 1, std::nullopt);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  const FiguresRecord& record = **read;
  EXPECT_EQ(record.values[Count::kPopulation], 1000);
  EXPECT_EQ(record.values[Count::kRefugeesSettled], 12);
  EXPECT_EQ(record.source, "ssb-2016.csv");
  EXPECT_EQ(record.known_date, 20170601);  // the date it was written
  ASSERT_EQ(record.field_sources.size(), 2u);
  EXPECT_EQ(record.field_sources[0].source, "ssb-2016.csv");
  EXPECT_EQ(record.field_sources[0].line, 0);
  // Known on the date it was written, not before.
  auto before = (*store)->ReadFigures(Subject::Country(), 2016, 1, 20170531);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());

  // A partial revision on top keeps the old fields.
  FiguresRecord partial;
  partial.subject = Subject::Country();
  partial.year = 2016;
  partial.partial = true;
  partial.revision = 2;
  partial.values[Count::kRefugeesSettled] = 13;
  partial.field_sources.push_back(FieldSource::Of(kSettled, "fix.csv", 4));
  std::vector<FiguresRecord> figures{partial};
  std::vector<Municipality> none;
  ASSERT_TRUE((*store)->Commit(figures, none).ok());
  auto merged = (*store)->ReadFigures(Subject::Country(), 2016, 2, std::nullopt);
  ASSERT_TRUE(merged.ok() && merged->has_value());
  EXPECT_EQ((*merged)->values[Count::kPopulation], 1000);
  EXPECT_EQ((*merged)->values[Count::kRefugeesSettled], 13);
  EXPECT_EQ((*merged)->source, "ssb-2016.csv; fix.csv");
  store->reset();

  // The store is marked schema 2 now.
  rocksdb::DBOptions options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (absl::string_view name : keys::kColumnFamilyNames) {
    families.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(options, dir.Sub("db"), families, &handles, &db).ok());
  std::string schema;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[static_cast<int>(keys::ColumnFamily::kMeta)],
                      std::string(keys::kSchemaVersionKey), &schema)
                  .ok());
  EXPECT_EQ(keys::DecodeU64(schema), keys::kSchemaVersion);
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

}  // namespace
}  // namespace imdi::stats
