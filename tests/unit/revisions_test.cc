// Unit tests of the fold of partial revisions and of known dates
// (stats-service/domain/revisions.h), on plain values.
#include "stats-service/domain/revisions.h"

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kSettled = static_cast<int>(Count::kRefugeesSettled);
constexpr int kRequested = static_cast<int>(Count::kRefugeesRequested);

// A partial revision written at `version`, known on `known`, setting
// refugees_settled (and refugees_requested when given) from `source`.
FiguresRecord Revision(uint64_t version, int known, std::optional<int64_t> settled,
                       std::optional<int64_t> requested = {},
                       const std::string& source = "file.csv") {
  FiguresRecord r;
  r.subject = Subject::Municipality(301);
  r.year = 2016;
  r.data_version = version;
  r.update_time = absl::FromUnixSeconds(1'700'000'000 + static_cast<int64_t>(version));
  r.revision = static_cast<int64_t>(version);
  r.known_date = known;
  r.partial = true;
  r.values[Count::kRefugeesSettled] = settled;
  r.field_sources.push_back(FieldSource::Of(kSettled, source, static_cast<int64_t>(version)));
  if (requested) {
    r.values[Count::kRefugeesRequested] = requested;
    r.field_sources.push_back(FieldSource::Of(kRequested, source, 0));
  }
  return r;
}

TEST(FoldRevisionsTest, NothingQualifiesIsNullopt) {
  EXPECT_FALSE(FoldRevisions({}, 10, std::nullopt).has_value());
  const std::vector<FiguresRecord> revisions = {Revision(5, 20160322, 100)};
  EXPECT_FALSE(FoldRevisions(revisions, 4, std::nullopt).has_value());
  EXPECT_FALSE(FoldRevisions(revisions, 5, 20160321).has_value());
}

TEST(FoldRevisionsTest, AppliesInKnownDateOrderNotWriteOrder) {
  // The March figures were written first, the February ones later.
  const std::vector<FiguresRecord> revisions = {Revision(1, 20160322, 100, 130, "march.csv"),
                                                Revision(2, 20160202, 90, {}, "feb.csv")};
  std::optional<FiguresRecord> latest = FoldRevisions(revisions, 2, std::nullopt);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->values[Count::kRefugeesSettled], 100);
  EXPECT_EQ(latest->known_date, 20160322);
  // The newest write used, and the highest revision.
  EXPECT_EQ(latest->data_version, 2u);
  EXPECT_EQ(latest->revision, 2);

  std::optional<FiguresRecord> february = FoldRevisions(revisions, 2, 20160205);
  ASSERT_TRUE(february.has_value());
  EXPECT_EQ(february->values[Count::kRefugeesSettled], 90);
  EXPECT_FALSE(february->values[Count::kRefugeesRequested].has_value());
  EXPECT_EQ(february->known_date, 20160202);
  EXPECT_EQ(february->source, "feb.csv");
}

TEST(FoldRevisionsTest, ALateOldRevisionFillsWhatNoLaterOneSet) {
  const std::vector<FiguresRecord> revisions = {Revision(1, 20160322, 100),
                                                Revision(2, 20160202, 90, 120, "feb.csv")};
  std::optional<FiguresRecord> latest = FoldRevisions(revisions, 2, std::nullopt);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->values[Count::kRefugeesSettled], 100);
  EXPECT_EQ(latest->values[Count::kRefugeesRequested], 120);
  // Each field names the revision that set it, in field order.
  ASSERT_EQ(latest->field_sources.size(), 2u);
  EXPECT_EQ(latest->field_sources[0].field, kRequested);
  EXPECT_EQ(latest->field_sources[0].source, "feb.csv");
  EXPECT_EQ(latest->field_sources[0].known_date, 20160202);
  EXPECT_EQ(latest->field_sources[0].data_version, 2u);
  EXPECT_EQ(latest->field_sources[1].field, kSettled);
  EXPECT_EQ(latest->field_sources[1].source, "file.csv");
  EXPECT_EQ(latest->field_sources[1].line, 1);
  EXPECT_EQ(latest->field_sources[1].data_version, 1u);
  EXPECT_EQ(latest->source, "feb.csv; file.csv");
}

TEST(FoldRevisionsTest, SameKnownDateTheLaterWriteWins) {
  const std::vector<FiguresRecord> revisions = {Revision(2, 20160322, 11),
                                                Revision(1, 20160322, 10)};
  EXPECT_EQ(FoldRevisions(revisions, 2, 20160322)->values[Count::kRefugeesSettled], 11);
  EXPECT_EQ(FoldRevisions(revisions, 1, 20160322)->values[Count::kRefugeesSettled], 10);
}

TEST(FoldRevisionsTest, AFieldSetToAbsentClearsIt) {
  FiguresRecord clear = Revision(2, 20160401, std::nullopt);
  const std::vector<FiguresRecord> revisions = {Revision(1, 20160322, 100, 130), clear};
  std::optional<FiguresRecord> latest = FoldRevisions(revisions, 2, std::nullopt);
  ASSERT_TRUE(latest.has_value());
  EXPECT_FALSE(latest->values[Count::kRefugeesSettled].has_value());
  EXPECT_EQ(latest->values[Count::kRefugeesRequested], 130);
  ASSERT_EQ(latest->field_sources.size(), 1u);  // only fields with a value
  EXPECT_EQ(latest->field_sources[0].field, kRequested);
}

TEST(FoldRevisionsTest, AFullRevisionSetsEveryFieldFromItsSource) {
  // Written before schema 2: every field, absent ones included.
  FiguresRecord full;
  full.subject = Subject::Municipality(301);
  full.year = 2016;
  full.data_version = 1;
  full.revision = 1;
  full.update_time = absl::FromCivil(absl::CivilDay(2016, 5, 1), absl::UTCTimeZone());
  full.values[Count::kPopulation] = 1000;
  full.note = "old";
  full.source = "legacy.csv";
  FiguresRecord later = Revision(2, 20160601, 5);
  std::optional<FiguresRecord> folded = FoldRevisions({full, later}, 2, std::nullopt);
  ASSERT_TRUE(folded.has_value());
  EXPECT_EQ(folded->values[Count::kPopulation], 1000);
  EXPECT_EQ(folded->values[Count::kRefugeesSettled], 5);
  EXPECT_EQ(folded->note, "old");
  EXPECT_EQ(folded->source, "legacy.csv; file.csv");
  // Without a known date, a revision is known on the date it was written.
  EXPECT_EQ(EffectiveKnownDate(full), 20160501);
  EXPECT_FALSE(FoldRevisions({full, later}, 2, 20160430).has_value());
  // A later full revision clears what it does not hold.
  FiguresRecord full_again = full;
  full_again.data_version = 3;
  full_again.update_time += absl::Hours(24 * 60);
  full_again.values[Count::kPopulation].reset();
  folded = FoldRevisions({full, later, full_again}, 3, std::nullopt);
  EXPECT_FALSE(folded->values[Count::kPopulation].has_value());
  EXPECT_FALSE(folded->values[Count::kRefugeesSettled].has_value());
}

TEST(KnownDateTest, ParsesRealDatesUpToToday) {
  const absl::Time now = absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone());
  EXPECT_EQ(ParseKnownDate("", "known_date", now).value(), 0);
  EXPECT_EQ(ParseKnownDate("2016-03-22", "known_date", now).value(), 20160322);
  EXPECT_EQ(ParseKnownDate("2024-02-29", "known_date", now).value(), 20240229);
  EXPECT_EQ(ParseKnownDate("2024-03-01", "known_date", now).value(), 20240301);
  for (const char* bad : {"2024-03-02", "2023-02-29", "2016-13-01", "1989-12-31", "2016-3-22",
                          "20160322", "2016-03-22T00:00"}) {
    absl::StatusOr<int> parsed = ParseKnownDate(bad, "figures.known_date", now);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_EQ(FieldViolations(parsed.status()).size(), 1u);
    EXPECT_EQ(FieldViolations(parsed.status())[0].field, "figures.known_date");
  }
  EXPECT_THAT(ParseKnownDate("2024-03-02", "f", now).status().message(), HasSubstr("after today"));
  EXPECT_EQ(FormatKnownDate(20160202), "2016-02-02");
  EXPECT_EQ(KnownDateOf(now + absl::Hours(23)), 20240301);
}

TEST(KnownDateTest, FieldNamesRoundTrip) {
  for (int f = 0; f < kNumFields; ++f) EXPECT_EQ(FieldByName(FieldName(f)), f);
  EXPECT_EQ(FieldName(kStatusField), "status");
  EXPECT_EQ(FieldName(kNoteField), "note");
  EXPECT_EQ(FieldName(kSettled), "refugees_settled");
  EXPECT_FALSE(FieldByName("source").has_value());
  std::vector<FieldSource> sources = {FieldSource::Of(0, "a", 0), FieldSource::Of(1, "", 0),
                                      FieldSource::Of(2, "b", 0), FieldSource::Of(3, "a", 0)};
  EXPECT_EQ(JoinSources(sources), "a; b");
}

}  // namespace
}  // namespace imdi::stats
