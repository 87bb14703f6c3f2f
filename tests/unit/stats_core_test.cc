// Unit tests of StatsCore (stats-service/domain/stats_core.h) over the
// in-memory StatsStore fake: municipality upserts, figure writes with
// etags and masks, versioned reads, pagination, streaming, imports and
// aggregates.
//
// The directory follows real reforms: Trondheim had 1601 until 2017 and
// 5001 from 2018 and absorbed Klæbu in 2020; Kinn (4602) was formed in 2020
// from Flora (1401) and Vågsøy (1439); Bergen went from 1201 to 4601.
#include "stats-service/domain/stats_core.h"

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stats-service/domain/page_token.h"
#include "stats-service/domain/validation.h"
#include "tests/fakes/in_memory_stats_store.h"
#include "tests/testing/municipalities.h"

namespace imdi::stats {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

using namespace examples;  // NOLINT: the shared test municipalities
using Key = std::pair<int, int>;  // (municipality identity, year)

// --- Builders ---



using Counts = std::vector<std::pair<Count, int64_t>>;

// A record for `subject` in `year` with the given counts (others absent).
FiguresRecord RecordFor(const Subject& subject, int year, const Counts& counts) {
  FiguresRecord r;
  r.subject = subject;
  r.year = year;
  for (const auto& [count, value] : counts) r.values[count] = value;
  return r;
}

FiguresRecord Record(int code, int year, const Counts& counts) {
  return RecordFor(Subject::Municipality(code), year, counts);
}

FiguresMask MaskOf(std::initializer_list<Count> counts) {
  FiguresMask mask;
  for (Count c : counts) mask.counts.set(static_cast<size_t>(c));
  return mask;
}

ImportRowInput Row(int64_t line, int code, int year, const Counts& counts) {
  return ImportRowInput{line, Record(code, year, counts), {}};
}

std::vector<Key> Keys(const std::vector<FiguresRecord>& records) {
  std::vector<Key> out;
  for (const FiguresRecord& r : records) out.push_back({r.subject.id, r.year});
  return out;
}

std::vector<std::string> Paths(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(status)) out.push_back(v.field);
  return out;
}

void ExpectError(const absl::Status& status, absl::StatusCode code,
                 const std::string& reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(ErrorReason(status), reason) << status;
}

// A clock that moves one second per call, so every commit has its own time.
class StepClock {
 public:
  absl::Time operator()() { return absl::FromUnixSeconds(1'700'000'000 + ticks_++); }

 private:
  std::atomic<int64_t> ticks_{0};
};

class StatsCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = std::make_unique<fakes::InMemoryStatsStore>([this] { return clock_(); });
    store_ = store.get();
    absl::StatusOr<std::unique_ptr<StatsCore>> core = StatsCore::Create(std::move(store));
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
  }

  // Writes the whole directory in one batch.
  void SeedDirectory() {
    auto result = core_->BatchUpsertMunicipalities(AllMunicipalities());
    ASSERT_TRUE(result.ok()) << result.status();
  }

  // Writes `record` in full and expects a change.
  FiguresRecord Put(FiguresRecord record) {
    auto result = core_->PutFigures(std::move(record), FiguresMask::All(), "");
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_TRUE(result->changed);
    return result->record;
  }

  FiguresRecord Get(int code, int year, int64_t as_of = 0) {
    auto result = core_->GetFigures(code, year, as_of);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->first : FiguresRecord{};
  }

  // Figures for Oslo, Bergen and Trondheim in 2016-2019: 12 records in
  // (identity, year) order, written one by one.
  std::vector<Key> SeedTwelveRecords() {
    std::vector<Key> keys;
    for (int code : {301, 4601, 5001}) {
      for (int year = 2016; year <= 2019; ++year) {
        Put(Record(code, year, {{Count::kRefugeesSettled, code % 100 + year - 2000}}));
        keys.push_back({code, year});
      }
    }
    return keys;
  }

  StepClock clock_;
  fakes::InMemoryStatsStore* store_ = nullptr;  // owned by core_
  std::unique_ptr<StatsCore> core_;
};

// ---------------------------------------------------------------------------
// The fake itself: the tests below rely on it behaving like the real store.

TEST(InMemoryStatsStoreTest, ReadsHonourAsOf) {
  fakes::InMemoryStatsStore store([] { return absl::FromUnixSeconds(42); });
  std::vector<FiguresRecord> figures = {Record(301, 2016, {{Count::kRefugeesSettled, 1}})};
  std::vector<Municipality> municipalities = {Oslo()};
  absl::StatusOr<uint64_t> v1 = store.Commit(figures, municipalities);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(*v1, 1u);
  EXPECT_EQ(figures[0].data_version, 1u);
  EXPECT_EQ(figures[0].update_time, absl::FromUnixSeconds(42));
  EXPECT_EQ(municipalities[0].data_version, 1u);

  figures = {Record(301, 2016, {{Count::kRefugeesSettled, 2}}),
             Record(4601, 2016, {{Count::kRefugeesSettled, 3}})};
  municipalities = {Bergen()};
  ASSERT_TRUE(store.Commit(figures, municipalities).ok());
  EXPECT_EQ(store.data_version(), 2u);

  auto at1 = store.ReadFigures(Subject::Municipality(301), 2016, 1, std::nullopt);
  ASSERT_TRUE(at1.ok() && at1->has_value());
  EXPECT_EQ((**at1).values[Count::kRefugeesSettled], 1);
  auto at2 = store.ReadFigures(Subject::Municipality(301), 2016, 2, std::nullopt);
  ASSERT_TRUE(at2.ok() && at2->has_value());
  EXPECT_EQ((**at2).values[Count::kRefugeesSettled], 2);
  auto bergen_at1 = store.ReadFigures(Subject::Municipality(4601), 2016, 1, std::nullopt);
  ASSERT_TRUE(bergen_at1.ok());
  EXPECT_FALSE(bergen_at1->has_value());

  FiguresScan scan;
  scan.as_of = 1;
  std::vector<FiguresRecord> seen;
  ASSERT_TRUE(store.ScanFigures(scan, [&](FiguresRecord&& r) {
                     seen.push_back(std::move(r));
                     return true;
                   }).ok());
  EXPECT_THAT(Keys(seen), ElementsAre(Key{301, 2016}));

  auto municipalities_at1 = store.ReadMunicipalities(1);
  ASSERT_TRUE(municipalities_at1.ok());
  ASSERT_EQ(municipalities_at1->size(), 1u);
  EXPECT_EQ((*municipalities_at1)[0].code, 301);
  auto history = store.ReadFiguresHistory(Subject::Municipality(301), 2016, 0, 100);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 2u);
}

TEST(InMemoryStatsStoreTest, ScanHonoursKindAfterAndWant) {
  fakes::InMemoryStatsStore store;
  std::vector<FiguresRecord> figures = {
      Record(5001, 2018, {}), Record(301, 2017, {}), Record(301, 2016, {}),
      RecordFor(Subject::County(50), 2018, {}), Record(4601, 2016, {})};
  std::vector<Municipality> none;
  ASSERT_TRUE(store.Commit(figures, none).ok());
  FiguresScan scan;
  scan.as_of = 1;
  scan.after = Key{301, 2016};
  scan.want = [](int id, int) { return id != 4601; };
  std::vector<FiguresRecord> seen;
  ASSERT_TRUE(store.ScanFigures(scan, [&](FiguresRecord&& r) {
                     seen.push_back(std::move(r));
                     return true;
                   }).ok());
  EXPECT_THAT(Keys(seen), ElementsAre(Key{301, 2017}, Key{5001, 2018}));
}

TEST(InMemoryStatsStoreTest, FailedCommitWritesNothing) {
  fakes::InMemoryStatsStore store;
  store.FailNextCommit(absl::UnavailableError("down"));
  std::vector<FiguresRecord> figures = {Record(301, 2016, {})};
  std::vector<Municipality> municipalities = {Oslo()};
  EXPECT_EQ(store.Commit(figures, municipalities).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.data_version(), 0u);
  auto read = store.ReadMunicipalities(1);
  ASSERT_TRUE(read.ok());
  EXPECT_THAT(*read, IsEmpty());
  std::vector<FiguresRecord> no_figures;
  std::vector<Municipality> no_municipalities;
  EXPECT_EQ(*store.Commit(no_figures, no_municipalities), 0u);  // empty: no-op
  EXPECT_EQ(*store.Commit(figures, municipalities), 1u);        // fault was one-shot
}

// ---------------------------------------------------------------------------
// Versions

TEST_F(StatsCoreTest, ResolveVersion) {
  SeedDirectory();
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 1}}));
  ASSERT_EQ(core_->data_version(), 2u);
  for (auto [as_of, want] : std::vector<std::pair<int64_t, uint64_t>>{{0, 2}, {1, 1}, {2, 2}}) {
    absl::StatusOr<uint64_t> version = core_->ResolveVersion(as_of);
    ASSERT_TRUE(version.ok()) << version.status();
    EXPECT_EQ(*version, want) << "as_of " << as_of;
  }
  absl::StatusOr<uint64_t> future = core_->ResolveVersion(3);
  ExpectError(future.status(), absl::StatusCode::kOutOfRange, "OUT_OF_RANGE");
  EXPECT_THAT(Paths(future.status()), ElementsAre("as_of_version"));
  absl::StatusOr<uint64_t> negative = core_->ResolveVersion(-1);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(negative.status()), ElementsAre("as_of_version"));
}

// ---------------------------------------------------------------------------
// Municipalities

TEST_F(StatsCoreTest, UpsertMunicipalityCreatesRevisionOne) {
  auto oslo = core_->UpsertMunicipality(Oslo(), "");
  ASSERT_TRUE(oslo.ok()) << oslo.status();
  EXPECT_EQ(oslo->revision, 1);
  EXPECT_EQ(oslo->data_version, 1u);
  EXPECT_EQ(oslo->update_time, absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(core_->data_version(), 1u);
  ASSERT_NE(core_->directory()->FindById(301), nullptr);
  auto got = core_->GetMunicipality(301, 0);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->first.SameContent(Oslo()));
  EXPECT_EQ(got->second, 1u);
}

TEST_F(StatsCoreTest, UpsertOfUnchangedMunicipalityWritesNoVersion) {
  ASSERT_TRUE(core_->UpsertMunicipality(Oslo(), "").ok());
  const int commits = store_->commit_attempts();
  auto again = core_->UpsertMunicipality(Oslo(), "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->revision, 1);
  EXPECT_EQ(again->data_version, 1u);
  EXPECT_EQ(core_->data_version(), 1u);
  EXPECT_EQ(store_->commit_attempts(), commits);
}

TEST_F(StatsCoreTest, UpsertOfChangedMunicipalityKeepsTheOldRevisionReadable) {
  ASSERT_TRUE(core_->UpsertMunicipality(Oslo(), "").ok());
  Municipality renamed = Oslo();
  renamed.note = "capital";
  auto second = core_->UpsertMunicipality(renamed, "");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->revision, 2);
  EXPECT_EQ(second->data_version, 2u);

  auto old = core_->GetMunicipality(301, 1);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->first.note, "");
  EXPECT_EQ(old->first.revision, 1);
  auto latest = core_->GetMunicipality(301, 0);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->first.note, "capital");
}

TEST_F(StatsCoreTest, GetMunicipalityByAnyCode) {
  SeedDirectory();
  auto m = core_->GetMunicipality(1601, 0);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->first.code, 5001);
  auto unknown = core_->GetMunicipality(9999, 0);
  ExpectError(unknown.status(), absl::StatusCode::kNotFound, "UNKNOWN_MUNICIPALITY");
}

TEST_F(StatsCoreTest, UpsertReferringToAnUnknownPredecessorFailsAndWritesNothing) {
  auto kinn = core_->UpsertMunicipality(Kinn(), "");  // Flora and Vågsøy missing
  ASSERT_FALSE(kinn.ok());
  ExpectError(kinn.status(), absl::StatusCode::kFailedPrecondition, "UNKNOWN_REFERENCE");
  EXPECT_FALSE(PreconditionViolations(kinn.status()).empty());
  EXPECT_EQ(core_->data_version(), 0u);
  EXPECT_EQ(core_->directory()->FindById(4602), nullptr);
}

TEST_F(StatsCoreTest, UpsertReferringToAnUnknownSuccessorFails) {
  auto flora = core_->UpsertMunicipality(Flora(), "");  // Kinn missing
  ExpectError(flora.status(), absl::StatusCode::kFailedPrecondition, "UNKNOWN_REFERENCE");
  EXPECT_EQ(core_->data_version(), 0u);
}

TEST_F(StatsCoreTest, BatchUpsertResolvesReferencesWithinTheBatchInOneVersion) {
  auto result = core_->BatchUpsertMunicipalities({Kinn(), Flora(), Vagsoy()});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->changed, 3);
  EXPECT_EQ(result->data_version, 1u);
  ASSERT_EQ(result->municipalities.size(), 3u);
  // Request order, each stamped with the one commit.
  EXPECT_EQ(result->municipalities[0].code, 4602);
  EXPECT_EQ(result->municipalities[1].code, 1401);
  EXPECT_EQ(result->municipalities[2].code, 1439);
  for (const Municipality& m : result->municipalities) {
    EXPECT_EQ(m.data_version, 1u);
    EXPECT_EQ(m.revision, 1);
  }
  EXPECT_EQ(core_->data_version(), 1u);
}

TEST_F(StatsCoreTest, BatchUpsertOfUnchangedMunicipalitiesWritesNoVersion) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  auto again = core_->BatchUpsertMunicipalities(AllMunicipalities());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->changed, 0);
  EXPECT_EQ(again->data_version, version);
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(StatsCoreTest, BatchUpsertWritesOnlyTheChangedOnes) {
  SeedDirectory();
  Municipality oslo = Oslo();
  oslo.note = "changed";
  auto result = core_->BatchUpsertMunicipalities({Bergen(), oslo});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->changed, 1);
  EXPECT_EQ(result->data_version, 2u);
  ASSERT_EQ(result->municipalities.size(), 2u);
  EXPECT_EQ(result->municipalities[0].revision, 1);
  EXPECT_EQ(result->municipalities[0].data_version, 1u);
  EXPECT_EQ(result->municipalities[1].revision, 2);
  EXPECT_EQ(result->municipalities[1].data_version, 2u);
}

TEST_F(StatsCoreTest, BatchUpsertOfNothingIsInvalid) {
  auto result = core_->BatchUpsertMunicipalities({});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StatsCoreTest, InvalidMunicipalitiesNameTheirFields) {
  Municipality nameless = Oslo();
  nameless.name.clear();
  auto single = core_->UpsertMunicipality(nameless, "");
  EXPECT_EQ(single.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(single.status()), ElementsAre("municipality.name"));

  auto batch = core_->BatchUpsertMunicipalities({Bergen(), nameless});
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(batch.status()), ElementsAre("municipalities[1].name"));

  auto twice = core_->BatchUpsertMunicipalities({Oslo(), Bergen(), Oslo()});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(twice.status()), ElementsAre("municipalities[2].code_history"));
  EXPECT_EQ(core_->data_version(), 0u);
}

TEST_F(StatsCoreTest, TwoEntriesNamingOneMunicipalityAreRejected) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  // Both are Trondheim: one keeps its codes, the other adds one.
  Municipality renumbered = Trondheim();
  renumbered.codes.back().valid_to = 2029;
  renumbered.codes.push_back({5099, "Trondheim", 2030, kOpen});
  renumbered.code = 5099;
  auto result = core_->BatchUpsertMunicipalities({Trondheim(), renumbered});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(result.status()), Contains("municipalities[1].code_history"));
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(StatsCoreTest, BatchUpsertChecksEachEntrysEtag) {
  SeedDirectory();
  auto oslo = core_->GetMunicipality(301, 0);
  ASSERT_TRUE(oslo.ok());
  const uint64_t version = core_->data_version();
  Municipality renamed_oslo = Oslo();
  renamed_oslo.note = "changed";
  Municipality renamed_bergen = Bergen();
  renamed_bergen.note = "changed";
  auto stale = core_->BatchUpsertMunicipalities({renamed_bergen, renamed_oslo}, {"", "stale"});
  ExpectError(stale.status(), absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_EQ(core_->data_version(), version);  // Bergen was not written either
  auto fresh = core_->BatchUpsertMunicipalities({renamed_bergen, renamed_oslo},
                                                {"", MunicipalityEtag(oslo->first)});
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->changed, 2);
}

TEST_F(StatsCoreTest, ChangingYearsMayNotStrandFigures) {
  SeedDirectory();
  Put(Record(4601, 2016, {{Count::kRefugeesSettled, 720}}));
  const uint64_t version = core_->data_version();
  // Bergen "formed in 2020" would leave its 2016 figures outside its years.
  Municipality late = Make(4601, "Bergen", ImdiRegion::kVest,
                           {{1201, "Bergen", 2017, 2019}, {4601, "Bergen", 2020, kOpen}});
  auto result = core_->UpsertMunicipality(late, "");
  ExpectError(result.status(), absl::StatusCode::kFailedPrecondition,
              "FIGURES_OUTSIDE_VALIDITY");
  EXPECT_THAT(result.status().message(), HasSubstr("2016"));
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(Get(1201, 2016).values[Count::kRefugeesSettled], 720);
  // Years that keep every figure are fine.
  Municipality early = Make(4601, "Bergen", ImdiRegion::kVest,
                            {{1201, "Bergen", 1972, 2019}, {4601, "Bergen", 2020, kOpen}});
  EXPECT_TRUE(core_->UpsertMunicipality(early, "").ok());
}

TEST_F(StatsCoreTest, UpsertThatDropsACodeIsRejected) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  // Names 1601, so it is Trondheim; but Trondheim also had 5001.
  Municipality impostor =
      Make(5055, "Impostor", ImdiRegion::kMidtNorge,
           {{1601, "Impostor", kOpen, 2017}, {5055, "Impostor", 2018, kOpen}});
  auto result = core_->UpsertMunicipality(impostor, "");
  ExpectError(result.status(), absl::StatusCode::kFailedPrecondition, "CODES_DROPPED");
  EXPECT_THAT(result.status().message(), HasSubstr("5001"));
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(StatsCoreTest, CodesOfTwoMunicipalitiesInOneUpsertAreRejected) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  // 1401 is Flora's, 1439 Vågsøy's: one record cannot be both.
  Municipality both = Make(4602, "Kinn", ImdiRegion::kVest,
                           {{1401, "Flora", kOpen, 2015}, {1439, "Vågsøy", 2016, 2019},
                            {4602, "Kinn", 2020, kOpen}});
  auto result = core_->UpsertMunicipality(both, "");
  ExpectError(result.status(), absl::StatusCode::kFailedPrecondition, "AMBIGUOUS_MUNICIPALITY");
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(StatsCoreTest, RenumberingKeepsTheMunicipalityAndItsFigures) {
  SeedDirectory();
  Put(Record(5001, 2016, {{Count::kRefugeesSettled, 627}}));
  // Trondheim gets a new code from 2030: same municipality, same figures.
  Municipality renumbered = Trondheim();
  renumbered.codes.back().valid_to = 2029;
  renumbered.codes.push_back({5099, "Trondheim", 2030, kOpen});
  renumbered.code = 5099;
  auto result = core_->UpsertMunicipality(renumbered, "");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->id, 5001);
  EXPECT_EQ(result->code, 5099);
  for (int code : {1601, 5001, 5099}) {
    auto figures = core_->GetFigures(code, 2016, 0);
    ASSERT_TRUE(figures.ok()) << code << ": " << figures.status();
    EXPECT_EQ(figures->first.values[Count::kRefugeesSettled], 627);
  }
  // Klæbu's reference to 5001 still reaches Trondheim.
  auto klaebu = core_->GetMunicipality(1662, 0);
  ASSERT_TRUE(klaebu.ok());
  ASSERT_TRUE(klaebu->first.successor.has_value());
  EXPECT_EQ(core_->directory()->FindByAnyCode(*klaebu->first.successor)->code, 5099);
}

TEST_F(StatsCoreTest, UpsertMunicipalityChecksTheEtag) {
  auto first = core_->UpsertMunicipality(Oslo(), "");
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string etag = MunicipalityEtag(*first);

  Municipality second = Oslo();
  second.note = "second";
  auto ok = core_->UpsertMunicipality(second, etag);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_NE(MunicipalityEtag(*ok), etag);

  Municipality third = Oslo();
  third.note = "third";
  auto stale = core_->UpsertMunicipality(third, etag);
  ExpectError(stale.status(), absl::StatusCode::kAborted, "ETAG_MISMATCH");
  auto stored = core_->GetMunicipality(301, 0);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->first.note, "second");

  // An etag for a municipality that does not exist cannot match.
  auto missing = core_->UpsertMunicipality(Bergen(), etag);
  ExpectError(missing.status(), absl::StatusCode::kAborted, "ETAG_MISMATCH");
}

TEST_F(StatsCoreTest, FailedCommitLeavesTheDirectoryAsItWas) {
  store_->FailNextCommit(absl::UnavailableError("disk gone"));
  auto failed = core_->UpsertMunicipality(Oslo(), "");
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(core_->directory()->FindById(301), nullptr);
  EXPECT_EQ(core_->data_version(), 0u);

  auto retried = core_->UpsertMunicipality(Oslo(), "");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->revision, 1);
  EXPECT_EQ(retried->data_version, 1u);
}

TEST_F(StatsCoreTest, CreateLoadsTheDirectoryFromTheStore) {
  auto store = std::make_unique<fakes::InMemoryStatsStore>();
  std::vector<FiguresRecord> no_figures;
  std::vector<Municipality> municipalities = AllMunicipalities();
  ASSERT_TRUE(store->Commit(no_figures, municipalities).ok());
  auto core = StatsCore::Create(std::move(store));
  ASSERT_TRUE(core.ok()) << core.status();
  ASSERT_NE((*core)->directory()->FindByAnyCode(1601), nullptr);
  EXPECT_EQ((*core)->directory()->FindByAnyCode(1601)->code, 5001);
}

TEST_F(StatsCoreTest, ListMunicipalitiesFiltersByCountyOfTheYear) {
  SeedDirectory();
  auto page = core_->ListMunicipalities({"county_code = \"16\" AND year = 2017", 0, "", 0});
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<int> codes;
  for (const Municipality& m : page->municipalities) codes.push_back(m.code);
  EXPECT_THAT(codes, ElementsAre(5001, 5030));
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(StatsCoreTest, ListMunicipalitiesPagesCoverEveryoneOnce) {
  SeedDirectory();
  std::vector<int> codes;
  std::string token;
  int pages = 0;
  do {
    auto page = core_->ListMunicipalities({"", 3, token, 0});
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Municipality& m : page->municipalities) codes.push_back(m.code);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_THAT(codes, ElementsAre(301, 1401, 1439, 4601, 4602, 5001, 5030));
  EXPECT_EQ(pages, 3);
}

// ---------------------------------------------------------------------------
// PutFigures / GetFigures

TEST_F(StatsCoreTest, PutFiguresCreatesRevisionOne) {
  SeedDirectory();
  const uint64_t before = core_->data_version();
  auto put = core_->PutFigures(
      Record(301, 2016, {{Count::kPopulation, 658'390}, {Count::kRefugeesSettled, 1'380}}),
      FiguresMask::All(), "");
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->changed);
  EXPECT_EQ(put->record.revision, 1);
  EXPECT_EQ(put->record.data_version, before + 1);
  EXPECT_EQ(core_->data_version(), before + 1);
  EXPECT_NE(put->record.update_time, absl::InfinitePast());

  FiguresRecord got = Get(301, 2016);
  EXPECT_EQ(got.values[Count::kPopulation], 658'390);
  EXPECT_EQ(got.values[Count::kRefugeesSettled], 1'380);
  EXPECT_FALSE(got.values[Count::kRefugeesRequested].has_value());
  EXPECT_EQ(got.revision, 1);
  EXPECT_EQ(got.data_version, before + 1);
  EXPECT_EQ(got.update_time, put->record.update_time);
}

TEST_F(StatsCoreTest, PutFiguresDoesNotCreateAnEmptyRecord) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  auto result = core_->PutFigures(Record(301, 2016, {}), FiguresMask::All(), "");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(result.status()), ElementsAre("figures"));
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(core_->GetFigures(301, 2016, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StatsCoreTest, AreasHaveRecordsAndHistoryToo) {
  SeedDirectory();
  Put(RecordFor(Subject::Country(), 2016, {{Count::kRefugeesSettled, 15291}}));
  Put(RecordFor(Subject::Country(), 2016, {{Count::kRefugeesSettled, 15290}}));
  auto read = core_->GetFigures(Subject::Country(), 2016, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->first.values[Count::kRefugeesSettled], 15290);
  auto history = core_->GetFiguresHistory(Subject::Country(), 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), 2u);
  EXPECT_EQ(history->revisions[0].values[Count::kRefugeesSettled], 15291);
}

TEST_F(StatsCoreTest, ReadsAtManyOldVersionsKeepTheirDirectories) {
  // More old directories than stay in memory: each is rebuilt as it was.
  ASSERT_TRUE(core_->UpsertMunicipality(Oslo(), "").ok());
  std::vector<uint64_t> versions;
  for (int i = 0; i < 10; ++i) {
    Municipality oslo = Oslo();
    oslo.name = absl::StrCat("Oslo ", i);
    auto written = core_->UpsertMunicipality(oslo, "");
    ASSERT_TRUE(written.ok()) << written.status();
    versions.push_back(written->data_version);
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 10; ++i) {
      auto dir = core_->DirectoryAt(versions[i]);
      ASSERT_TRUE(dir.ok());
      EXPECT_EQ((*dir)->FindByAnyCode(301)->name, absl::StrCat("Oslo ", i));
    }
  }
}

TEST_F(StatsCoreTest, PutFiguresByAnOldCodeStoresUnderTheIdentity) {
  SeedDirectory();
  FiguresRecord stored = Put(Record(1601, 2017, {{Count::kRefugeesSettled, 150}}));
  EXPECT_EQ(stored.subject, Subject::Municipality(5001));
  EXPECT_EQ(Get(5001, 2017).values[Count::kRefugeesSettled], 150);
  EXPECT_EQ(Get(1601, 2017).values[Count::kRefugeesSettled], 150);
  // The same record whichever code names it.
  auto update = core_->PutFigures(Record(5001, 2017, {{Count::kRefugeesSettled, 151}}),
                                  FiguresMask::All(), "");
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->record.revision, 2);
  EXPECT_EQ(Get(1601, 2017).values[Count::kRefugeesSettled], 151);
}

TEST_F(StatsCoreTest, PutFiguresUnchangedWritesNoVersion) {
  SeedDirectory();
  FiguresRecord first = Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  const uint64_t version = core_->data_version();
  const int commits = store_->commit_attempts();
  auto again = core_->PutFigures(Record(301, 2016, {{Count::kRefugeesSettled, 10}}),
                                 FiguresMask::All(), "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->record.revision, 1);
  EXPECT_EQ(again->record.data_version, first.data_version);
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(store_->commit_attempts(), commits);
}

TEST_F(StatsCoreTest, PutFiguresWithStaleEtagIsAbortedAndWritesNothing) {
  SeedDirectory();
  FiguresRecord first = Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  const std::string etag1 = FiguresEtag(first);

  auto second = core_->PutFigures(Record(301, 2016, {{Count::kRefugeesSettled, 20}}),
                                  FiguresMask::All(), etag1);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->record.revision, 2);
  const uint64_t version = core_->data_version();

  auto stale = core_->PutFigures(Record(301, 2016, {{Count::kRefugeesSettled, 30}}),
                                 FiguresMask::All(), etag1);
  ASSERT_FALSE(stale.ok());
  ExpectError(stale.status(), absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(Get(301, 2016).values[Count::kRefugeesSettled], 20);
  auto history = core_->GetFiguresHistory(301, 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(history->revisions.size(), 2u);
}

TEST_F(StatsCoreTest, PutFiguresWithEtagOfAMissingRecordIsAborted) {
  SeedDirectory();
  auto put = core_->PutFigures(Record(301, 2016, {{Count::kRefugeesSettled, 1}}),
                               FiguresMask::All(), "0123456789abcdef");
  ExpectError(put.status(), absl::StatusCode::kAborted, "ETAG_MISMATCH");
  EXPECT_EQ(core_->GetFigures(301, 2016, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StatsCoreTest, UpdateMaskWritesOnlyItsFields) {
  SeedDirectory();
  FiguresRecord full = Record(301, 2016, {{Count::kPopulation, 1'000},
                                          {Count::kRefugeesSettled, 10},
                                          {Count::kRefugeesRequested, 12}});
  full.note = "first";
  full.source = "IMDi";
  Put(full);

  // The request carries other values too; only the masked one is written.
  FiguresRecord partial = Record(301, 2016, {{Count::kPopulation, 5},
                                             {Count::kRefugeesSettled, 11}});
  partial.note = "ignored";
  auto put = core_->PutFigures(partial, MaskOf({Count::kRefugeesSettled}), "");
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->changed);
  const FiguresRecord got = Get(301, 2016);
  EXPECT_EQ(got.values[Count::kRefugeesSettled], 11);
  EXPECT_EQ(got.values[Count::kPopulation], 1'000);
  EXPECT_EQ(got.values[Count::kRefugeesRequested], 12);
  EXPECT_EQ(got.note, "first");
  // The masked field names its own source (none sent: the manual write).
  EXPECT_EQ(got.source, "IMDi; PutFigures");
  EXPECT_EQ(got.revision, 2);
}

TEST_F(StatsCoreTest, UpdateMaskCanClearAField) {
  SeedDirectory();
  Put(Record(301, 2016, {{Count::kPopulation, 1'000}, {Count::kRefugeesSettled, 10}}));
  auto put = core_->PutFigures(Record(301, 2016, {}), MaskOf({Count::kRefugeesSettled}), "");
  ASSERT_TRUE(put.ok()) << put.status();
  const FiguresRecord got = Get(301, 2016);
  EXPECT_FALSE(got.values[Count::kRefugeesSettled].has_value());
  EXPECT_EQ(got.values[Count::kPopulation], 1'000);
}

TEST_F(StatsCoreTest, FullReplacementMakesOmittedFieldsAbsent) {
  SeedDirectory();
  FiguresRecord full = Record(301, 2016, {{Count::kPopulation, 1'000},
                                          {Count::kRefugeesSettled, 10}});
  full.values[Percent::kIntroToWorkOrEducation] = 55.0;
  full.note = "first";
  Put(full);
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  const FiguresRecord got = Get(301, 2016);
  EXPECT_EQ(got.values[Count::kRefugeesSettled], 10);
  EXPECT_FALSE(got.values[Count::kPopulation].has_value());
  EXPECT_FALSE(got.values[Percent::kIntroToWorkOrEducation].has_value());
  EXPECT_EQ(got.note, "");
}

TEST_F(StatsCoreTest, InvalidFiguresNameTheirFieldsAndWriteNothing) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  FiguresRecord bad = Record(301, 2016, {{Count::kRefugeesRequested, -4},
                                         {Count::kPopulation, kMaxPopulation + 1}});
  bad.values[Percent::kIntroToWorkOrEducation] = 140.0;
  auto put = core_->PutFigures(bad, FiguresMask::All(), "");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(put.status()),
              ::testing::UnorderedElementsAre("figures.refugees_requested",
                                              "figures.population",
                                              "figures.intro_to_work_or_education_pct"));
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(StatsCoreTest, MaskedWriteIsCheckedAgainstTheStoredFigures) {
  SeedDirectory();
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  const uint64_t version = core_->data_version();
  // 11 minors on their own is fine; with 10 refugees stored it is not.
  auto put = core_->PutFigures(Record(301, 2016, {{Count::kMinorsSettled, 11}}),
                               MaskOf({Count::kMinorsSettled}), "");
  EXPECT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(put.status()), ElementsAre("figures.minors_settled"));
  EXPECT_EQ(core_->data_version(), version);
}

TEST_F(StatsCoreTest, PutFiguresChecksYearAndMunicipality) {
  SeedDirectory();
  auto year = core_->PutFigures(Record(301, 1989, {}), FiguresMask::All(), "");
  EXPECT_EQ(year.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(year.status()), ElementsAre("figures.year"));

  auto unknown = core_->PutFigures(Record(9999, 2016, {{Count::kRefugeesSettled, 1}}),
                                   FiguresMask::All(), "");
  ExpectError(unknown.status(), absl::StatusCode::kNotFound, "UNKNOWN_MUNICIPALITY");

  auto before_formed = core_->PutFigures(
      Record(4602, 2019, {{Count::kRefugeesSettled, 1}}), FiguresMask::All(), "");
  ExpectError(before_formed.status(), absl::StatusCode::kNotFound,
              "MUNICIPALITY_NOT_IN_YEAR");
  EXPECT_THAT(before_formed.status().message(), HasSubstr("Flora (1401)"));
}

TEST_F(StatsCoreTest, GetFiguresAsOfReturnsOldRevisionsExactly) {
  SeedDirectory();
  FiguresRecord r1 = Put(Record(301, 2016, {{Count::kPopulation, 1'000},
                                            {Count::kRefugeesSettled, 10}}));
  FiguresRecord r2 = Put(Record(301, 2016, {{Count::kRefugeesSettled, 20}}));
  Put(Record(4601, 2016, {{Count::kRefugeesSettled, 5}}));  // unrelated later write
  ASSERT_LT(r1.data_version, r2.data_version);

  auto old = core_->GetFigures(301, 2016, static_cast<int64_t>(r1.data_version));
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->second, r1.data_version);
  EXPECT_EQ(old->first.values, r1.values);
  EXPECT_EQ(old->first.revision, 1);
  EXPECT_EQ(old->first.data_version, r1.data_version);
  EXPECT_EQ(old->first.update_time, r1.update_time);

  // A version between two writes sees the earlier one.
  auto between = core_->GetFigures(301, 2016, static_cast<int64_t>(r2.data_version));
  ASSERT_TRUE(between.ok()) << between.status();
  EXPECT_EQ(between->first.values, r2.values);
  EXPECT_EQ(between->first.revision, 2);

  auto latest = core_->GetFigures(301, 2016, 0);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->second, core_->data_version());
  EXPECT_EQ(latest->first.values, r2.values);

  // Before the first write there was nothing.
  auto before = core_->GetFigures(301, 2016, static_cast<int64_t>(r1.data_version - 1));
  ExpectError(before.status(), absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND");
}

TEST_F(StatsCoreTest, GetFiguresForAFutureVersionIsOutOfRange) {
  SeedDirectory();
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  auto future = core_->GetFigures(301, 2016, static_cast<int64_t>(core_->data_version() + 1));
  ExpectError(future.status(), absl::StatusCode::kOutOfRange, "OUT_OF_RANGE");
  EXPECT_THAT(Paths(future.status()), ElementsAre("as_of_version"));
}

TEST_F(StatsCoreTest, GetFiguresHistoryIsOldestFirst) {
  SeedDirectory();
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 20}}));
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 30}}));
  auto history = core_->GetFiguresHistory(301, 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(history->revisions[i].revision, i + 1);
    EXPECT_EQ(history->revisions[i].values[Count::kRefugeesSettled], 10 * (i + 1));
  }
  auto none = core_->GetFiguresHistory(301, 2017);
  ExpectError(none.status(), absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND");
}

TEST_F(StatsCoreTest, GetFiguresHistoryIsPagedByCountAndBytesAtOneVersion) {
  SeedDirectory();
  // 450 revisions with notes at their bound: more than 1 MiB in all.
  for (int i = 0; i < 450; ++i) {
    FiguresRecord r = Record(301, 2016, {{Count::kRefugeesSettled, i}});
    r.note = std::string(kMaxNoteBytes - 4, 'n') + absl::StrFormat("%04d", i);
    Put(std::move(r));
  }
  std::vector<int64_t> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = core_->GetFiguresHistory(301, 2016, {.page_size = 1000, .page_token = token});
    ASSERT_TRUE(page.ok()) << page.status();
    size_t bytes = 0;
    for (const FiguresRecord& r : page->revisions) {
      seen.push_back(r.revision);
      bytes += r.ReplyBytes();
    }
    EXPECT_LE(bytes, kMaxReplyBytes);
    token = page->next_page_token;
    // A revision written between pages belongs to a later listing.
    if (pages++ == 0) Put(Record(301, 2016, {{Count::kRefugeesSettled, 9999}}));
  } while (!token.empty() && pages < 10);
  EXPECT_GT(pages, 1);
  ASSERT_EQ(seen.size(), 450u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int64_t>(i + 1));

  // By count; a token is bound to its municipality-year.
  auto small = core_->GetFiguresHistory(301, 2016, {.page_size = 7, .page_token = ""});
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->revisions.size(), 7u);
  auto other =
      core_->GetFiguresHistory(301, 2015, {.page_size = 0, .page_token = small->next_page_token});
  ExpectError(other.status(), absl::StatusCode::kInvalidArgument, "INVALID_PAGE_TOKEN");
}

TEST_F(StatsCoreTest, ConcurrentWritesGetDistinctRevisionsAndVersions) {
  SeedDirectory();
  const uint64_t start = core_->data_version();
  constexpr int kThreads = 4;
  constexpr int kWritesEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kWritesEach; ++i) {
        auto put = core_->PutFigures(
            Record(301, 2016, {{Count::kPopulation, 1'000 * (t + 1) + i}}),
            MaskOf({Count::kPopulation}), "");
        EXPECT_TRUE(put.ok()) << put.status();
        EXPECT_TRUE(put.ok() && put->changed);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto history = core_->GetFiguresHistory(301, 2016);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), static_cast<size_t>(kThreads * kWritesEach));
  for (size_t i = 0; i < history->revisions.size(); ++i) {
    EXPECT_EQ(history->revisions[i].revision, static_cast<int64_t>(i + 1));
    EXPECT_EQ(history->revisions[i].data_version, start + i + 1);
  }
  EXPECT_EQ(core_->data_version(), start + kThreads * kWritesEach);
}

// ---------------------------------------------------------------------------
// BatchGetFigures

TEST_F(StatsCoreTest, BatchGetKeepsRequestOrder) {
  SeedDirectory();
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 1}}));
  Put(Record(5001, 2018, {{Count::kRefugeesSettled, 2}}));
  Put(Record(5001, 2017, {{Count::kRefugeesSettled, 3}}));
  auto got = core_->BatchGetFigures({{5001, 2018}, {301, 2018}, {1601, 2017}}, 0, false);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->second, core_->data_version());
  EXPECT_THAT(Keys(got->first), ElementsAre(Key{5001, 2018}, Key{301, 2018}, Key{5001, 2017}));
  ASSERT_EQ(got->first.size(), 3u);
  EXPECT_EQ(got->first[0].values[Count::kRefugeesSettled], 2);
  EXPECT_EQ(got->first[1].values[Count::kRefugeesSettled], 1);
  EXPECT_EQ(got->first[2].values[Count::kRefugeesSettled], 3);
}

TEST_F(StatsCoreTest, BatchGetWithoutAllowMissingFailsOnAMissingRecord) {
  SeedDirectory();
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 1}}));
  auto got = core_->BatchGetFigures({{301, 2018}, {4601, 2018}}, 0, false);
  ExpectError(got.status(), absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND");
}

TEST_F(StatsCoreTest, BatchGetWithAllowMissingFillsGapsInPlace) {
  SeedDirectory();
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 1}}));
  Put(Record(5001, 2018, {{Count::kRefugeesSettled, 2}}));
  auto got = core_->BatchGetFigures({{4601, 2018}, {301, 2018}, {4602, 2019}, {5001, 2018}},
                                    0, true);
  ASSERT_TRUE(got.ok()) << got.status();
  const std::vector<FiguresRecord>& records = got->first;
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].revision, 0);  // no figures stored
  EXPECT_TRUE(records[0].values.empty());
  EXPECT_EQ(records[0].year, 2018);
  EXPECT_EQ(records[1].values[Count::kRefugeesSettled], 1);
  EXPECT_EQ(records[2].revision, 0);  // Kinn did not exist in 2019
  EXPECT_TRUE(records[2].values.empty());
  EXPECT_EQ(records[2].subject.id, 4602);
  EXPECT_EQ(records[3].values[Count::kRefugeesSettled], 2);
}

TEST_F(StatsCoreTest, BatchGetReadsOneVersion) {
  SeedDirectory();
  FiguresRecord first = Put(Record(301, 2018, {{Count::kRefugeesSettled, 1}}));
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 9}}));
  Put(Record(5001, 2018, {{Count::kRefugeesSettled, 2}}));
  auto got = core_->BatchGetFigures({{301, 2018}, {5001, 2018}},
                                    static_cast<int64_t>(first.data_version), true);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->second, first.data_version);
  ASSERT_EQ(got->first.size(), 2u);
  EXPECT_EQ(got->first[0].values[Count::kRefugeesSettled], 1);
  EXPECT_EQ(got->first[1].revision, 0);  // written after that version
}

TEST_F(StatsCoreTest, BatchGetNamesTheKeyWithABadYear) {
  SeedDirectory();
  auto got = core_->BatchGetFigures({{301, 2018}, {301, 1700}}, 0, true);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(got.status()), ElementsAre("keys[1].year"));
}

// ---------------------------------------------------------------------------
// Harmonised reads (the sums themselves: harmonise_test.cc)

TEST_F(StatsCoreTest, HarmonisedReadSumsThePartsAsOfTheReadVersion) {
  SeedDirectory();
  Put(Record(1401, 2018, {{Count::kRefugeesSettled, 10}}));
  FiguresRecord vagsoy = Put(Record(1439, 2018, {{Count::kRefugeesSettled, 5}}));
  Put(Record(1439, 2018, {{Count::kRefugeesSettled, 7}}));

  auto then = core_->GetFigures(Subject::Municipality(4602), 2018,
                                static_cast<int64_t>(vagsoy.data_version), std::nullopt, true);
  ASSERT_TRUE(then.ok()) << then.status();
  EXPECT_TRUE(then->first.harmonised);
  EXPECT_EQ(then->first.subject, Subject::Municipality(4602));
  EXPECT_THAT(then->first.values[Count::kRefugeesSettled], Optional(15));
  auto now = core_->GetFigures(Subject::Municipality(4602), 2018, 0, std::nullopt, true);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_THAT(now->first.values[Count::kRefugeesSettled], Optional(17));
  ASSERT_EQ(now->first.harmonised_parts.size(), 2u);
  EXPECT_EQ(now->first.harmonised_parts[1].revision, 2);

  // Without the option, as before.
  ExpectError(core_->GetFigures(Subject::Municipality(4602), 2018, 0).status(),
              absl::StatusCode::kNotFound, "MUNICIPALITY_NOT_IN_YEAR");
}

TEST_F(StatsCoreTest, HarmoniseKeepsTheErrorWhereItDoesNotApply) {
  SeedDirectory();
  // Flora after it became part of Kinn: nothing to sum.
  ExpectError(core_->GetFigures(Subject::Municipality(1401), 2021, 0, std::nullopt, true).status(),
              absl::StatusCode::kNotFound, "MUNICIPALITY_NOT_IN_YEAR");
  // No part has figures: NOT_FOUND naming them.
  auto none = core_->GetFigures(Subject::Municipality(4602), 2018, 0, std::nullopt, true);
  ExpectError(none.status(), absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND");
  EXPECT_THAT(none.status().message(), HasSubstr("Flora (1401), Vågsøy (1439)"));
}

TEST_F(StatsCoreTest, BatchGetHarmonisesAndStillFillsGapsWithAllowMissing) {
  SeedDirectory();
  Put(Record(1401, 2017, {{Count::kRefugeesSettled, 10}}));  // Vågsøy 2017 unknown
  auto got = core_->BatchGetFigures({{4602, 2017}, {4602, 2016}}, 0, true, std::nullopt, true);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->first.size(), 2u);
  // A part without figures: harmonised, every field absent.
  EXPECT_TRUE(got->first[0].harmonised);
  EXPECT_TRUE(got->first[0].values.empty());
  EXPECT_EQ(got->first[0].harmonised_parts.size(), 2u);
  // No part with figures: a gap, as without harmonise.
  EXPECT_FALSE(got->first[1].harmonised);
  EXPECT_EQ(got->first[1].revision, 0);
  EXPECT_EQ(got->first[1].subject.id, 4602);

  auto strict = core_->BatchGetFigures({{4602, 2016}}, 0, false, std::nullopt, true);
  ExpectError(strict.status(), absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND");
}

// ---------------------------------------------------------------------------
// ListFigures

TEST_F(StatsCoreTest, ListFiguresPagesCoverEverythingExactlyOnce) {
  SeedDirectory();
  const std::vector<Key> all = SeedTwelveRecords();
  std::vector<Key> seen;
  std::vector<size_t> sizes;
  std::string token;
  do {
    auto page = core_->ListFigures({"", 5, token, 0});
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Key& k : Keys(page->records)) seen.push_back(k);
    sizes.push_back(page->records.size());
    token = page->next_page_token;
    ASSERT_LT(sizes.size(), 10u) << "pagination does not end";
  } while (!token.empty());
  EXPECT_THAT(sizes, ElementsAre(5u, 5u, 2u));
  EXPECT_THAT(seen, ElementsAreArray(all));
}

TEST_F(StatsCoreTest, ListFiguresEndsWithoutAnEmptyPageOnAnExactMultiple) {
  SeedDirectory();
  const std::vector<Key> all = SeedTwelveRecords();
  auto first = core_->ListFigures({"", 6, "", 0});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token.empty());
  auto second = core_->ListFigures({"", 6, first->next_page_token, 0});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->records.size(), 6u);
  EXPECT_TRUE(second->next_page_token.empty());
  auto everything = core_->ListFigures({"", 0, "", 0});
  ASSERT_TRUE(everything.ok()) << everything.status();
  EXPECT_THAT(Keys(everything->records), ElementsAreArray(all));
  EXPECT_TRUE(everything->next_page_token.empty());
}

TEST_F(StatsCoreTest, PageTokenPinsTheDataVersionAfterLaterWrites) {
  SeedDirectory();
  SeedTwelveRecords();
  auto first = core_->ListFigures({"", 5, "", 0});
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t pinned = first->data_version;
  const FiguresRecord before = Get(4601, 2018);  // on the second page

  // Later writes: one changes a record of the next page, one adds a record.
  Put(Record(4601, 2018, {{Count::kRefugeesSettled, 999}}));
  Put(Record(4601, 2020, {{Count::kRefugeesSettled, 7}}));
  ASSERT_GT(core_->data_version(), pinned);

  std::vector<FiguresRecord> rest;
  std::string token = first->next_page_token;
  while (!token.empty()) {
    auto page = core_->ListFigures({"", 5, token, 0});
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->data_version, pinned);
    for (FiguresRecord& r : page->records) rest.push_back(std::move(r));
    token = page->next_page_token;
  }
  ASSERT_EQ(rest.size(), 7u);  // the new record is not in the snapshot
  for (const FiguresRecord& r : rest) {
    EXPECT_LE(r.data_version, pinned);
    if (r.subject.id == 4601 && r.year == 2018) {
      EXPECT_EQ(r.values, before.values);
      EXPECT_EQ(r.revision, 1);
    }
  }
}

TEST_F(StatsCoreTest, PageTokenIsBoundToItsFilter) {
  SeedDirectory();
  SeedTwelveRecords();
  auto first = core_->ListFigures({"year >= 2017", 2, "", 0});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token.empty());
  auto other = core_->ListFigures({"year >= 2018", 2, first->next_page_token, 0});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(other.status()), ElementsAre("page_token"));
  // The same filter written differently is the same filter.
  auto same = core_->ListFigures({"year>=2017", 2, first->next_page_token, 0});
  EXPECT_TRUE(same.ok()) << same.status();

  auto garbage = core_->ListFigures({"", 2, "garbage", 0});
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(garbage.status()), ElementsAre("page_token"));
}

TEST_F(StatsCoreTest, ListFiguresFiltersByYearCountyAndRegion) {
  SeedDirectory();
  SeedTwelveRecords();
  Put(Record(5030, 2018, {{Count::kRefugeesSettled, 3}}));  // Klæbu

  auto trondelag = core_->ListFigures({"county_code = \"50\"", 0, "", 0});
  ASSERT_TRUE(trondelag.ok()) << trondelag.status();
  // County 50 exists from 2018; Trondheim was in county 16 before.
  EXPECT_THAT(Keys(trondelag->records),
              ElementsAre(Key{5001, 2018}, Key{5001, 2019}, Key{5030, 2018}));

  auto sor_trondelag = core_->ListFigures({"county_code = 16 AND year <= 2017", 0, "", 0});
  ASSERT_TRUE(sor_trondelag.ok()) << sor_trondelag.status();
  EXPECT_THAT(Keys(sor_trondelag->records), ElementsAre(Key{5001, 2016}, Key{5001, 2017}));

  auto vest = core_->ListFigures({"imdi_region = VEST AND year > 2017", 0, "", 0});
  ASSERT_TRUE(vest.ok()) << vest.status();
  EXPECT_THAT(Keys(vest->records), ElementsAre(Key{4601, 2018}, Key{4601, 2019}));
}

TEST_F(StatsCoreTest, ListFiguresByAnyCodeOfTheMunicipality) {
  SeedDirectory();
  SeedTwelveRecords();
  auto by_old = core_->ListFigures({"municipality_code = \"1601\"", 0, "", 0});
  ASSERT_TRUE(by_old.ok()) << by_old.status();
  EXPECT_THAT(Keys(by_old->records), ElementsAre(Key{5001, 2016}, Key{5001, 2017},
                                                 Key{5001, 2018}, Key{5001, 2019}));
  auto unknown = core_->ListFigures({"municipality_code = \"9999\"", 0, "", 0});
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_THAT(unknown->records, IsEmpty());
}

TEST_F(StatsCoreTest, ListFiguresRejectsBadFiltersAndSizes) {
  SeedDirectory();
  auto bad = core_->ListFigures({"kommune = 0301", 0, "", 0});
  ExpectError(bad.status(), absl::StatusCode::kInvalidArgument, "INVALID_FILTER");
  EXPECT_THAT(Paths(bad.status()), ElementsAre("filter"));
  auto size = core_->ListFigures({"", -1, "", 0});
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Paths(size.status()), ElementsAre("page_size"));
}

TEST_F(StatsCoreTest, ContradictoryFilterListsNothing) {
  SeedDirectory();
  SeedTwelveRecords();
  auto page = core_->ListFigures({"year = 2016 AND year = 2017", 0, "", 0});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->records, IsEmpty());
  EXPECT_TRUE(page->next_page_token.empty());
}

// The token pins the data version, and with it the municipalities as they
// were: a region change written between two pages must not move records
// in or out of the listing.
TEST_F(StatsCoreTest, PageTokenPinsTheDirectoryToo) {
  SeedDirectory();
  SeedTwelveRecords();
  auto first = core_->ListFigures({"imdi_region = VEST", 2, "", 0});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Keys(first->records), ElementsAre(Key{4601, 2016}, Key{4601, 2017}));
  ASSERT_FALSE(first->next_page_token.empty());

  Municipality moved = Bergen();
  moved.region = ImdiRegion::kSor;
  ASSERT_TRUE(core_->UpsertMunicipality(moved, "").ok());

  auto second = core_->ListFigures({"imdi_region = VEST", 2, first->next_page_token, 0});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->data_version, first->data_version);
  EXPECT_THAT(Keys(second->records), ElementsAre(Key{4601, 2018}, Key{4601, 2019}));
}

// ---------------------------------------------------------------------------
// StreamFigures

TEST_F(StatsCoreTest, StreamFiguresDeliversEverythingInChunksAtOneVersion) {
  SeedDirectory();
  const std::vector<Key> all = SeedTwelveRecords();
  auto cursor = core_->StreamFigures("", 0);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  const uint64_t pinned = (*cursor)->data_version();
  EXPECT_EQ(pinned, core_->data_version());

  std::vector<Key> seen;
  std::vector<size_t> sizes;
  std::vector<FiguresRecord> chunk;
  bool wrote = false;
  for (;;) {
    absl::StatusOr<bool> more = (*cursor)->Next(5, chunk);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    sizes.push_back(chunk.size());
    for (const FiguresRecord& r : chunk) {
      EXPECT_LE(r.data_version, pinned);
      seen.push_back({r.subject.id, r.year});
    }
    if (!wrote) {
      // Written after the stream began: not part of it.
      Put(Record(5001, 2020, {{Count::kRefugeesSettled, 1}}));
      Put(Record(5001, 2019, {{Count::kRefugeesSettled, 2}}));
      wrote = true;
    }
    ASSERT_LT(sizes.size(), 10u);
  }
  EXPECT_THAT(sizes, ElementsAre(5u, 5u, 2u));
  EXPECT_THAT(seen, ElementsAreArray(all));
  // Finished cursors stay finished.
  absl::StatusOr<bool> after = (*cursor)->Next(5, chunk);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(*after);
  EXPECT_THAT(chunk, IsEmpty());
}

TEST_F(StatsCoreTest, StreamFiguresFiltersAndRejectsBadFilters) {
  SeedDirectory();
  SeedTwelveRecords();
  auto cursor = core_->StreamFigures("municipality_code = \"0301\" AND year >= 2018", 0);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  std::vector<FiguresRecord> chunk;
  absl::StatusOr<bool> more = (*cursor)->Next(100, chunk);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_TRUE(*more);
  EXPECT_THAT(Keys(chunk), ElementsAre(Key{301, 2018}, Key{301, 2019}));

  auto bad = core_->StreamFigures("year = 2016 OR year = 2017", 0);
  ExpectError(bad.status(), absl::StatusCode::kInvalidArgument, "INVALID_FILTER");
  auto future = core_->StreamFigures("", static_cast<int64_t>(core_->data_version() + 1));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kOutOfRange);
}

// ---------------------------------------------------------------------------
// ImportBatch

TEST_F(StatsCoreTest, ImportMergesFieldByField) {
  SeedDirectory();
  FiguresRecord stored = Record(301, 2016, {{Count::kPopulation, 1'000},
                                            {Count::kRefugeesSettled, 10}});
  stored.note = "kept";
  Put(stored);
  auto result = core_->ImportBatch(
      "ssb-2016.csv", FiguresStatus::kFinal,
      {Row(2, 301, 2016, {{Count::kRefugeesRequested, 30}, {Count::kRefugeesSettled, 12}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_received, 1);
  EXPECT_EQ(result->rows_changed, 1);
  EXPECT_EQ(result->rows_rejected, 0);
  EXPECT_EQ(result->data_version, core_->data_version());

  const FiguresRecord got = Get(301, 2016);
  EXPECT_EQ(got.values[Count::kPopulation], 1'000);  // not in the row: kept
  EXPECT_EQ(got.values[Count::kRefugeesRequested], 30);
  EXPECT_EQ(got.values[Count::kRefugeesSettled], 12);
  EXPECT_EQ(got.note, "kept");
  // Population and note still come from the PutFigures, the rest from the file.
  EXPECT_EQ(got.source, "PutFigures; ssb-2016.csv");
  EXPECT_EQ(got.status, FiguresStatus::kFinal);
  EXPECT_EQ(got.revision, 2);
  EXPECT_EQ(got.data_version, result->data_version);
}

TEST_F(StatsCoreTest, ImportRowsForOneRecordMergeIntoOneRevision) {
  SeedDirectory();
  const uint64_t before = core_->data_version();
  auto result = core_->ImportBatch(
      "file.csv", FiguresStatus::kPreliminary,
      {Row(2, 5001, 2018, {{Count::kRefugeesSettled, 10}}),
       Row(3, 5001, 2018, {{Count::kMinorsSettled, 3}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_changed, 2);
  EXPECT_EQ(result->data_version, before + 1);
  auto history = core_->GetFiguresHistory(5001, 2018);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->revisions.size(), 1u);
  EXPECT_EQ(history->revisions[0].values[Count::kRefugeesSettled], 10);
  EXPECT_EQ(history->revisions[0].values[Count::kMinorsSettled], 3);
  EXPECT_EQ(history->revisions[0].status, FiguresStatus::kPreliminary);
}

TEST_F(StatsCoreTest, ImportByAnOldCodeStoresUnderTheIdentity) {
  SeedDirectory();
  auto result = core_->ImportBatch("f", FiguresStatus::kFinal,
                                   {Row(2, 1601, 2017, {{Count::kRefugeesSettled, 150}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_changed, 1);
  EXPECT_EQ(Get(5001, 2017).values[Count::kRefugeesSettled], 150);
}

TEST_F(StatsCoreTest, ImportRowsThatChangeNothingAreUnchangedAndWriteNoVersion) {
  SeedDirectory();
  FiguresRecord stored = Record(301, 2016, {{Count::kPopulation, 1'000},
                                            {Count::kRefugeesSettled, 10}});
  stored.status = FiguresStatus::kFinal;
  Put(stored);
  const uint64_t version = core_->data_version();
  const int commits = store_->commit_attempts();

  auto result = core_->ImportBatch("again.csv", FiguresStatus::kFinal,
                                   {Row(2, 301, 2016, {{Count::kRefugeesSettled, 10}}),
                                    Row(3, 301, 2016, {{Count::kPopulation, 1'000}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_received, 2);
  EXPECT_EQ(result->rows_unchanged, 2);
  EXPECT_EQ(result->rows_changed, 0);
  EXPECT_EQ(result->rows_rejected, 0);
  EXPECT_EQ(result->data_version, version);
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(store_->commit_attempts(), commits);
  EXPECT_EQ(Get(301, 2016).revision, 1);
}

// A row without any figure for a municipality-year that has none changes
// nothing, so it must be counted unchanged, not changed (nothing is written).
TEST_F(StatsCoreTest, ImportRowWithoutFiguresForANewRecordIsUnchanged) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  auto result = core_->ImportBatch("empty.csv", FiguresStatus::kFinal,
                                   {Row(2, 301, 2016, {})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(core_->GetFigures(301, 2016, 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(result->rows_unchanged, 1);
  EXPECT_EQ(result->rows_changed, 0);
}

TEST_F(StatsCoreTest, ImportRejectsBadRowsAndWritesTheGoodOnes) {
  SeedDirectory();
  const uint64_t before = core_->data_version();
  auto result = core_->ImportBatch(
      "mixed.csv", FiguresStatus::kFinal,
      {Row(2, 301, 2016, {{Count::kRefugeesSettled, 10}}),
       Row(3, 1201, 2016, {{Count::kRefugeesSettled, -1}}),
       Row(4, 9999, 2016, {{Count::kRefugeesSettled, 5}}),
       Row(5, 4602, 2019, {{Count::kRefugeesSettled, 5}}),
       Row(6, 301, 1800, {{Count::kRefugeesSettled, 5}}),
       Row(7, 1601, 2016, {{Count::kMinorsSettled, 9}, {Count::kRefugeesSettled, 8}}),
       Row(8, 5001, 2018, {{Count::kRefugeesSettled, 20}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_received, 7);
  EXPECT_EQ(result->rows_changed, 2);
  EXPECT_EQ(result->rows_unchanged, 0);
  EXPECT_EQ(result->rows_rejected, 5);
  ASSERT_EQ(result->errors.size(), 5u);

  std::vector<int64_t> lines;
  for (const ImportRowError& e : result->errors) {
    lines.push_back(e.line);
    EXPECT_FALSE(e.reason.empty()) << "line " << e.line;
  }
  EXPECT_THAT(lines, ElementsAre(3, 4, 5, 6, 7));
  EXPECT_EQ(result->errors[0].field, "refugees_settled");
  EXPECT_EQ(result->errors[1].field, "municipality_code");
  EXPECT_THAT(result->errors[1].reason, HasSubstr("9999"));
  EXPECT_EQ(result->errors[2].field, "municipality_code");
  EXPECT_THAT(result->errors[2].reason, HasSubstr("2020"));
  EXPECT_EQ(result->errors[3].field, "year");
  EXPECT_EQ(result->errors[4].field, "minors_settled");

  // The good rows are written, together, in one new version.
  EXPECT_EQ(result->data_version, before + 1);
  EXPECT_EQ(Get(301, 2016).values[Count::kRefugeesSettled], 10);
  EXPECT_EQ(Get(5001, 2018).values[Count::kRefugeesSettled], 20);
  EXPECT_EQ(core_->GetFigures(4601, 2016, 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->GetFigures(5001, 2016, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StatsCoreTest, ImportRejectsARowWhoseMergedResultBreaksPartsWithinWhole) {
  SeedDirectory();
  Put(Record(301, 2016, {{Count::kRefugeesSettled, 10}}));
  const uint64_t version = core_->data_version();
  // On its own the row is fine; merged with the stored 10 refugees it is not.
  auto result = core_->ImportBatch("f", FiguresStatus::kFinal,
                                   {Row(2, 301, 2016, {{Count::kMinorsSettled, 11}}),
                                    Row(3, 1201, 2016, {{Count::kRefugeesSettled, 4}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_rejected, 1);
  EXPECT_EQ(result->rows_changed, 1);
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].line, 2);
  EXPECT_EQ(result->errors[0].field, "minors_settled");
  EXPECT_THAT(result->errors[0].reason, HasSubstr("already stored"));
  EXPECT_FALSE(Get(301, 2016).values[Count::kMinorsSettled].has_value());
  EXPECT_EQ(Get(301, 2016).revision, 1);
  EXPECT_EQ(result->data_version, version + 1);
  EXPECT_EQ(Get(4601, 2016).values[Count::kRefugeesSettled], 4);
}

TEST_F(StatsCoreTest, ImportChecksLaterRowsAgainstEarlierRowsOfTheBatch) {
  SeedDirectory();
  auto result = core_->ImportBatch("f", FiguresStatus::kFinal,
                                   {Row(2, 301, 2016, {{Count::kRefugeesSettled, 10}}),
                                    Row(3, 301, 2016, {{Count::kMinorsSettled, 11}})});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_changed, 1);
  EXPECT_EQ(result->rows_rejected, 1);
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].line, 3);
  const FiguresRecord got = Get(301, 2016);
  EXPECT_EQ(got.values[Count::kRefugeesSettled], 10);
  EXPECT_FALSE(got.values[Count::kMinorsSettled].has_value());
}

TEST_F(StatsCoreTest, ImportFailureWritesNothing) {
  SeedDirectory();
  const uint64_t version = core_->data_version();
  store_->FailNextCommit(absl::UnavailableError("disk gone"));
  auto result = core_->ImportBatch("f", FiguresStatus::kFinal,
                                   {Row(2, 301, 2016, {{Count::kRefugeesSettled, 10}}),
                                    Row(3, 1201, 2016, {{Count::kRefugeesSettled, 4}})});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(core_->data_version(), version);
  EXPECT_EQ(core_->GetFigures(301, 2016, 0).status().code(), absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// GetAggregate

TEST_F(StatsCoreTest, AggregateOfACountyWithAPublishedTotal) {
  SeedDirectory();
  Put(Record(5001, 2018, {{Count::kRefugeesRequested, 100},
                          {Count::kRefugeesSettled, 80},
                          {Count::kPopulation, 193'000}}));
  Put(Record(5030, 2018, {{Count::kRefugeesRequested, 10},  // settled unknown
                          {Count::kPopulation, 6'000}}));
  Put(Record(301, 2018, {{Count::kRefugeesRequested, 1'000},  // another county
                         {Count::kRefugeesSettled, 900}}));
  Put(RecordFor(Subject::County(50), 2018,
                {{Count::kRefugeesRequested, 150}, {Count::kRefugeesSettled, 100}}));

  auto read = core_->GetAggregate(Subject::County(50), 2018, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->area, Subject::County(50));
  EXPECT_EQ(read->year, 2018);
  EXPECT_EQ(read->data_version, core_->data_version());
  const AggregateResult& r = read->result;
  EXPECT_EQ(r.municipality_count, 2);

  const CountAggregate& requested = r.counts[static_cast<int>(Count::kRefugeesRequested)];
  EXPECT_THAT(requested.sum, Optional(110));
  EXPECT_EQ(requested.reported, 2);
  EXPECT_EQ(requested.missing, 0);
  EXPECT_THAT(requested.published, Optional(150));

  const CountAggregate& settled = r.counts[static_cast<int>(Count::kRefugeesSettled)];
  EXPECT_THAT(settled.sum, Optional(80));
  EXPECT_EQ(settled.reported, 1);
  EXPECT_EQ(settled.missing, 1);
  EXPECT_THAT(settled.published, Optional(100));

  const RatioAggregate& ratio = r.ratios[0];
  ASSERT_EQ(kRatios[0].name, "settled_of_requested_pct");
  EXPECT_THAT(ratio.value, Optional(::testing::DoubleNear(80.0, 1e-9)));  // Trondheim only
  EXPECT_EQ(ratio.used, 1);
  EXPECT_THAT(ratio.published, Optional(::testing::DoubleNear(100.0 / 150 * 100, 1e-9)));
}

TEST_F(StatsCoreTest, AggregateCountsMembersWithoutRecordsAsMissing) {
  SeedDirectory();
  Put(Record(4601, 2020, {{Count::kRefugeesSettled, 300}}));
  auto read = core_->GetAggregate(Subject::Region(ImdiRegion::kVest), 2020, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->result.municipality_count, 2);  // Bergen and Kinn
  const CountAggregate& settled =
      read->result.counts[static_cast<int>(Count::kRefugeesSettled)];
  EXPECT_THAT(settled.sum, Optional(300));
  EXPECT_EQ(settled.missing, 1);
  EXPECT_FALSE(settled.published.has_value());
}

TEST_F(StatsCoreTest, AggregateAsOfAnOlderVersion) {
  SeedDirectory();
  FiguresRecord first = Put(Record(301, 2018, {{Count::kRefugeesSettled, 10}}));
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 99}}));
  auto read = core_->GetAggregate(Subject::Country(), 2018,
                                  static_cast<int64_t>(first.data_version));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->data_version, first.data_version);
  EXPECT_THAT(read->result.counts[static_cast<int>(Count::kRefugeesSettled)].sum,
              Optional(10));
}

// An aggregate as of a version must count the municipalities of that
// version, not those added since.
TEST_F(StatsCoreTest, AggregateAsOfAnOlderVersionUsesTheDirectoryOfThatVersion) {
  ASSERT_TRUE(core_->BatchUpsertMunicipalities({Oslo(), Bergen()}).ok());
  FiguresRecord bergen = Put(Record(4601, 2020, {{Count::kRefugeesSettled, 300}}));
  ASSERT_TRUE(core_->BatchUpsertMunicipalities({Kinn(), Flora(), Vagsoy()}).ok());

  auto read = core_->GetAggregate(Subject::County(46), 2020,
                                  static_cast<int64_t>(bergen.data_version));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->result.municipality_count, 1);
  EXPECT_EQ(read->result.counts[static_cast<int>(Count::kRefugeesSettled)].missing, 0);
}

TEST_F(StatsCoreTest, AggregateOfAnEmptyAreaIsNotFound) {
  SeedDirectory();
  auto read = core_->GetAggregate(Subject::County(16), 2020, 0);
  ExpectError(read.status(), absl::StatusCode::kNotFound, "AREA_NOT_FOUND");
  auto year = core_->GetAggregate(Subject::Country(), 1900, 0);
  EXPECT_EQ(year.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StatsCoreTest, AggregateOfAnAreaWithOnlyPublishedTotals) {
  SeedDirectory();
  Put(RecordFor(Subject::County(16), 2020, {{Count::kRefugeesSettled, 7}}));
  auto read = core_->GetAggregate(Subject::County(16), 2020, 0);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->result.municipality_count, 0);
  const CountAggregate& settled =
      read->result.counts[static_cast<int>(Count::kRefugeesSettled)];
  EXPECT_FALSE(settled.sum.has_value());
  EXPECT_THAT(settled.published, Optional(7));
}

TEST_F(StatsCoreTest, TheCountrysAggregateCountsTheUnknownMunicipality) {
  SeedDirectory();
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 90}}));
  Put(RecordFor(Subject::Country(), 2018, {{Count::kRefugeesSettled, 100}}));
  Put(RecordFor(Subject::County(kUnknownMunicipalityCounty), 2018,
                {{Count::kRefugeesSettled, 5}}));
  auto country = core_->GetAggregate(Subject::Country(), 2018, 0);
  ASSERT_TRUE(country.ok()) << country.status();
  const CountAggregate& settled =
      country->result.counts[static_cast<int>(Count::kRefugeesSettled)];
  EXPECT_THAT(settled.unknown_municipality, Optional(5));
  EXPECT_THAT(settled.unexplained, Optional(5));
  EXPECT_FALSE(country->result.counts[static_cast<int>(Count::kRefugeesRequested)]
                   .unknown_municipality.has_value());

  // A county's aggregate has no unknown part, and county 99 itself is an
  // area without municipalities.
  auto oslo = core_->GetAggregate(Subject::County(3), 2018, 0);
  ASSERT_TRUE(oslo.ok()) << oslo.status();
  EXPECT_FALSE(oslo->result.counts[static_cast<int>(Count::kRefugeesSettled)]
                   .unknown_municipality.has_value());
  auto unknown = core_->GetAggregate(Subject::County(kUnknownMunicipalityCounty), 2018, 0);
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->result.municipality_count, 0);
  EXPECT_THAT(unknown->result.counts[static_cast<int>(Count::kRefugeesSettled)].published,
              Optional(5));
}


// The latest view is published with its data version: a reader of the
// latest figures never sees a version whose view is not in place, nor a
// view newer than the version it reports (the record's own data version is
// the reported one, as it is the only record written).
TEST_F(StatsCoreTest, LatestViewIsPublishedWithItsVersion) {
  SeedDirectory();
  Put(Record(301, 2018, {{Count::kRefugeesSettled, 0}}));
  std::atomic<bool> done{false};
  std::atomic<int> mismatches{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto read = core_->GetFigures(301, 2018, 0);
      if (!read.ok() || read->first.data_version != read->second) ++mismatches;
      if (core_->latest_view() == nullptr) ++mismatches;
      ++reads;
    }
  });
  // The writes begin once the reader reads.
  while (reads.load() == 0) std::this_thread::yield();
  for (int i = 1; i <= 200; ++i) {
    FiguresRecord r = Record(301, 2018, {{Count::kRefugeesSettled, i}});
    ASSERT_TRUE(core_->PutFigures(std::move(r), MaskOf({Count::kRefugeesSettled}), "").ok());
    auto view = core_->latest_view();
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->version(), core_->data_version());
    EXPECT_THAT(view->Find(Subject::Municipality(301), 2018)->values[Count::kRefugeesSettled],
                Optional(i));
  }
  done = true;
  reader.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

// Reads of the newest version come from the view, reads of an older one
// from the store: both as written.
TEST_F(StatsCoreTest, LatestAndOlderVersionsReadTheirOwnFigures) {
  SeedDirectory();
  const FiguresRecord first = Put(Record(301, 2018, {{Count::kRefugeesSettled, 1}}));
  const FiguresRecord second = Put(Record(301, 2018, {{Count::kRefugeesSettled, 2}}));
  EXPECT_THAT(Get(301, 2018).values[Count::kRefugeesSettled], Optional(2));
  EXPECT_EQ(FiguresEtag(Get(301, 2018)), FiguresEtag(second));
  EXPECT_THAT(Get(301, 2018, static_cast<int64_t>(first.data_version))
                  .values[Count::kRefugeesSettled],
              Optional(1));
  EXPECT_EQ(core_->latest_view()->version(), core_->data_version());
  EXPECT_EQ(core_->latest_view()->size(), 1u);
}

}  // namespace
}  // namespace imdi::stats
