// Unit tests of LatestView (stats-service/domain/latest_view.h): lookups,
// year slices in (id, year) order, the compact encoding's round trip, and
// structural sharing between the views of successive versions; and of
// FoldOnto against FoldRevisions.
#include "stats-service/domain/latest_view.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stats-service/domain/revisions.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using Key = std::pair<int, int>;  // (subject id, year)

// A folded record with a value, a note, and sources from two revisions.
FiguresRecord Folded(int id, int year, int64_t settled, uint64_t version = 3) {
  FiguresRecord r;
  r.subject = Subject::Municipality(id);
  r.year = year;
  r.values[Count::kRefugeesSettled] = settled;
  r.values[Count::kPopulation] = -7;  // signed values round-trip too
  r.values[Percent::kIntroToWorkOrEducation] = 61.5;
  r.status = FiguresStatus::kFinal;
  r.note = absl::StrCat("note ", id);
  r.revision = 2;
  r.data_version = version;
  r.update_time = absl::FromUnixNanos(1'700'000'000'123'456'789);
  r.known_date = 20240301;
  FieldSource a = FieldSource::Of(static_cast<int>(Count::kPopulation), "befolkning.csv", 17);
  a.data_version = 1;
  a.update_time = absl::FromUnixSeconds(1'600'000'000);
  a.known_date = 20200101;
  a.principal = "importer";
  a.request_id = "req-1";
  FieldSource b = FieldSource::Of(static_cast<int>(Count::kRefugeesSettled), "bosatte.csv", 4);
  b.data_version = version;
  b.update_time = r.update_time;
  b.known_date = 20240301;
  b.request_id = "req-2";
  FieldSource c = b;
  c.field = kNumCounts;  // the first percent
  c.source = "intro.csv";
  FieldSource d = b;
  d.field = kStatusField;
  FieldSource e = b;
  e.field = kNoteField;
  e.line = 0;
  r.field_sources = {a, b, c, d, e};
  r.source = JoinSources(r.field_sources);
  return r;
}

void ExpectSame(const FiguresRecord& a, const FiguresRecord& b) {
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.year, b.year);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.revision, b.revision);
  EXPECT_EQ(a.data_version, b.data_version);
  EXPECT_EQ(a.update_time, b.update_time);
  EXPECT_EQ(a.known_date, b.known_date);
  EXPECT_EQ(a.partial, b.partial);
  EXPECT_EQ(a.field_sources, b.field_sources);
  EXPECT_EQ(a.principal, b.principal);
  EXPECT_EQ(a.request_id, b.request_id);
}

std::shared_ptr<const LatestView> BuildOf(uint64_t version, std::vector<FiguresRecord> records) {
  std::sort(records.begin(), records.end(), [](const FiguresRecord& a, const FiguresRecord& b) {
    return std::make_tuple(a.subject.kind, a.year, a.subject.id) <
           std::make_tuple(b.subject.kind, b.year, b.subject.id);
  });
  LatestView::Builder builder(version);
  for (const FiguresRecord& r : records) builder.Add(r);
  return std::move(builder).Build();
}

std::vector<Key> Slice(const LatestView& view, int year_min, int year_max,
                       std::optional<Key> after = std::nullopt) {
  std::vector<Key> out;
  view.Scan(
      Subject::Kind::kMunicipality, year_min, year_max, after, [](int, int) { return true; },
      [&](FiguresRecord&& r) {
        out.push_back({r.subject.id, r.year});
        return true;
      });
  return out;
}

TEST(LatestViewTest, FindsWhatWasBuiltAndNothingElse) {
  const FiguresRecord oslo = Folded(301, 2016, 12);
  FiguresRecord country = Folded(0, 2016, 900);
  country.subject = Subject::Country();
  auto view = BuildOf(3, {oslo, country});
  EXPECT_EQ(view->version(), 3u);
  EXPECT_EQ(view->size(), 2u);
  ExpectSame(*view->Find(Subject::Municipality(301), 2016), oslo);
  ExpectSame(*view->Find(Subject::Country(), 2016), country);
  EXPECT_EQ(view->Find(Subject::Municipality(301), 2017), std::nullopt);
  EXPECT_EQ(view->Find(Subject::Municipality(302), 2016), std::nullopt);
  EXPECT_EQ(view->Find(Subject::County(3), 2016), std::nullopt);
}

TEST(LatestViewTest, KeepsEveryFieldOfARecordWithoutSources) {
  FiguresRecord bare;
  bare.subject = Subject::Municipality(1601);
  bare.year = 2017;
  bare.revision = 1;
  bare.data_version = 1;
  auto view = BuildOf(1, {bare});
  ExpectSame(*view->Find(bare.subject, 2017), bare);
}

TEST(LatestViewTest, YearSliceHoldsThatYearInIdOrder) {
  std::vector<FiguresRecord> records;
  for (int id = 500; id > 100; id -= 3) {
    for (int year : {2015, 2016, 2017}) records.push_back(Folded(id, year, id + year));
  }
  auto view = BuildOf(1, records);
  const std::vector<Key> slice = Slice(*view, 2016, 2016);
  ASSERT_EQ(slice.size(), records.size() / 3);
  for (size_t i = 0; i < slice.size(); ++i) {
    EXPECT_EQ(slice[i].second, 2016);
    if (i > 0) {
      EXPECT_LT(slice[i - 1].first, slice[i].first);
    }
  }
}

TEST(LatestViewTest, SeveralYearsComeInIdThenYearOrderAfterACursor) {
  std::vector<FiguresRecord> records;
  for (int id : {301, 1601, 4601}) {
    for (int year : {2016, 2017, 2018}) records.push_back(Folded(id, year, 1));
  }
  auto view = BuildOf(1, records);
  EXPECT_THAT(Slice(*view, 2017, 2018),
              ElementsAre(Key{301, 2017}, Key{301, 2018}, Key{1601, 2017}, Key{1601, 2018},
                          Key{4601, 2017}, Key{4601, 2018}));
  EXPECT_THAT(Slice(*view, 2016, 2018, Key{1601, 2016}),
              ElementsAre(Key{1601, 2017}, Key{1601, 2018}, Key{4601, 2016}, Key{4601, 2017},
                          Key{4601, 2018}));
  EXPECT_THAT(Slice(*view, 2016, 2018, Key{4601, 2018}), ElementsAre());
  EXPECT_THAT(Slice(*view, 2019, 2030), ElementsAre());
}

TEST(LatestViewTest, WantIsAskedBeforeDecodingAndVisitCanStop) {
  std::vector<FiguresRecord> records;
  for (int id = 1; id <= 300; ++id) records.push_back(Folded(id, 2020, id));
  auto view = BuildOf(1, records);
  std::vector<int> seen;
  view->Scan(
      Subject::Kind::kMunicipality, 2020, 2020, std::nullopt,
      [](int id, int) { return id % 100 == 0; },
      [&](FiguresRecord&& r) {
        seen.push_back(r.subject.id);
        return seen.size() < 2;
      });
  EXPECT_THAT(seen, ElementsAre(100, 200));
}

TEST(LatestViewTest, ANewVersionSharesWhatItDoesNotChange) {
  std::vector<FiguresRecord> records;
  for (int id = 1; id <= 1000; ++id) {
    for (int year : {2019, 2020}) records.push_back(Folded(id, year, id));
  }
  auto v1 = BuildOf(1, records);
  auto v2 = v1->With(2, {Folded(500, 2020, -1, 2)});
  EXPECT_EQ(v2->version(), 2u);
  EXPECT_EQ(v2->size(), v1->size());
  // The changed record's chunk is new; its neighbours' chunks and the
  // other year are shared.
  EXPECT_FALSE(v2->SharesChunk(*v1, Subject::Municipality(500), 2020));
  EXPECT_TRUE(v2->SharesChunk(*v1, Subject::Municipality(1), 2020));
  EXPECT_TRUE(v2->SharesChunk(*v1, Subject::Municipality(1000), 2020));
  EXPECT_TRUE(v2->SharesChunk(*v1, Subject::Municipality(500), 2019));
  // The old view still reads as it was.
  EXPECT_EQ(*v1->Find(Subject::Municipality(500), 2020)->values[Count::kRefugeesSettled], 500);
  EXPECT_EQ(*v2->Find(Subject::Municipality(500), 2020)->values[Count::kRefugeesSettled], -1);
}

TEST(LatestViewTest, InsertsInAnyOrderKeepTheSliceSortedAndChunksBounded) {
  std::vector<int> ids;
  for (int id = 1; id <= 2000; ++id) ids.push_back(id);
  std::mt19937 random(7);
  std::shuffle(ids.begin(), ids.end(), random);
  auto view = std::make_shared<const LatestView>(0);
  uint64_t version = 0;
  for (size_t start = 0; start < ids.size(); start += 37) {
    std::vector<FiguresRecord> batch;
    for (size_t i = start; i < std::min(ids.size(), start + 37); ++i) {
      batch.push_back(Folded(ids[i], 2021, ids[i], version + 1));
    }
    view = view->With(++version, batch);
  }
  std::vector<Key> expected;
  for (int id = 1; id <= 2000; ++id) expected.push_back({id, 2021});
  EXPECT_THAT(Slice(*view, 2021, 2021), ElementsAreArray(expected));
  EXPECT_THAT(Slice(*view, 2021, 2021, Key{1999, 2021}), ElementsAre(Key{2000, 2021}));
  for (int id : {1, 777, 2000}) {
    ExpectSame(*view->Find(Subject::Municipality(id), 2021),
               *BuildOf(1, {Folded(id, 2021, id,
                                   view->Find(Subject::Municipality(id), 2021)->data_version)})
                    ->Find(Subject::Municipality(id), 2021));
  }
}

TEST(LatestViewTest, RewritesOfAChunkKeepItsRecordsAndBoundItsTexts) {
  std::vector<FiguresRecord> records;
  for (int id = 1; id <= 64; ++id) records.push_back(Folded(id, 2020, id));
  auto view = BuildOf(1, records);
  const size_t built = view->MemoryBytes();
  // Every write names a new request id; the texts no record names any more
  // are dropped when the chunk is encoded afresh.
  for (uint64_t v = 2; v < 500; ++v) {
    FiguresRecord r = Folded(static_cast<int>(v % 64) + 1, 2020, static_cast<int64_t>(v), v);
    for (FieldSource& f : r.field_sources) f.request_id = absl::StrCat("a-request-id-", v);
    view = view->With(v, {r});
    records[v % 64] = r;
  }
  EXPECT_LT(view->MemoryBytes(), built + 4096);
  for (const FiguresRecord& r : records) ExpectSame(*view->Find(r.subject, r.year), r);
}

// Random revisions, each applied in fold order: FoldOnto matches
// FoldRevisions of them all.
TEST(FoldOntoTest, EqualsTheFoldOfAllRevisions) {
  std::mt19937 random(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<FiguresRecord> revisions;
    std::optional<FiguresRecord> folded;
    int known = 20200101;
    for (uint64_t v = 1; v <= 6; ++v) {
      FiguresRecord r;
      r.subject = Subject::Municipality(301);
      r.year = 2020;
      r.revision = static_cast<int64_t>(v);
      r.data_version = v;
      r.update_time = absl::FromUnixSeconds(1'700'000'000 + static_cast<int64_t>(v));
      known += static_cast<int>(random() % 2);  // never earlier
      r.known_date = known;
      r.principal = absl::StrCat("p", random() % 2);
      r.partial = random() % 4 != 0;
      for (int f = 0; f < kNumFields; ++f) {
        if (r.partial && random() % 3 != 0) continue;
        const bool value = random() % 4 != 0;
        if (f < kNumCounts) {
          if (value) r.values.counts[f] = static_cast<int64_t>(random() % 50);
        } else if (f < kStatusField) {
          if (value) r.values.percents[f - kNumCounts] = 0.5 * (random() % 9);
        } else if (f == kStatusField) {
          if (value) r.status = FiguresStatus::kPreliminary;
        } else if (value) {
          r.note = "n";
        }
        if (r.partial) r.field_sources.push_back(FieldSource::Of(f, absl::StrCat("s", f % 3), f));
      }
      r.source = r.partial ? JoinSources(r.field_sources) : "full";
      revisions.push_back(r);
      folded = FoldOnto(folded, r);
      const std::optional<FiguresRecord> expected = FoldRevisions(revisions, v, std::nullopt);
      ASSERT_TRUE(expected);
      ExpectSame(*folded, *expected);
    }
  }
}

}  // namespace
}  // namespace imdi::stats
