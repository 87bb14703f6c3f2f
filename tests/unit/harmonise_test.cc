// Tests of harmonised figures (stats-service/domain/harmonise.h): a
// municipality's figures for a year before it existed, summed from the
// municipalities that later merged into it. Kinn (4602, from 2020) in 2014
// is Flora (1401) + Vågsøy (1439).
#include "stats-service/domain/harmonise.h"

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/municipalities.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

using namespace examples;  // NOLINT: the shared test municipalities

// Formed in 2024 from Kinn and Bergen (not a real reform): its parts in 2014
// go through Kinn, which did not exist yet either.
Municipality Storkinn() {
  return Make(4699, "Storkinn", ImdiRegion::kVest, {{4699, "Storkinn", 2024, kOpen}}, {4602, 4601});
}

std::shared_ptr<const MunicipalityDirectory> Directory() {
  std::vector<Municipality> all = AllMunicipalities();
  all.push_back(Storkinn());
  auto directory = MunicipalityDirectory::Build(std::move(all));
  EXPECT_TRUE(directory.ok()) << directory.status();
  return directory.ok() ? *directory : nullptr;
}

std::vector<int> Codes(const std::vector<const Municipality*>& parts) {
  std::vector<int> out;
  for (const Municipality* m : parts) out.push_back(m->code);
  return out;
}

// A stored record of `id` in `year` with the settled and requested counts.
FiguresRecord Stored(int id, int year, std::optional<int64_t> settled,
                     std::optional<int64_t> requested,
                     FiguresStatus status = FiguresStatus::kFinal) {
  FiguresRecord r;
  r.subject = Subject::Municipality(id);
  r.year = year;
  r.values[Count::kRefugeesSettled] = settled;
  r.values[Count::kRefugeesRequested] = requested;
  r.status = status;
  r.source = "bosatt_anmodede.csv";
  r.revision = 1;
  return r;
}

// No record: what StatsCore passes for a part without figures that year.
FiguresRecord Missing(int id, int year) {
  FiguresRecord r;
  r.subject = Subject::Municipality(id);
  r.year = year;
  return r;
}

// --- HarmonisedParts ---

TEST(HarmonisedPartsTest, KinnBeforeItExistedIsFloraAndVagsoy) {
  auto dir = Directory();
  EXPECT_THAT(Codes(HarmonisedParts(*dir, Kinn(), 2014)), ElementsAre(1401, 1439));
  EXPECT_THAT(Codes(HarmonisedParts(*dir, Kinn(), 2019)), ElementsAre(1401, 1439));
}

TEST(HarmonisedPartsTest, DoesNotApplyInAYearTheMunicipalityExisted) {
  auto dir = Directory();
  EXPECT_THAT(HarmonisedParts(*dir, Kinn(), 2020), IsEmpty());
  // Trondheim existed in 2014 (as 1601): Klæbu is not added to it.
  EXPECT_THAT(HarmonisedParts(*dir, Trondheim(), 2014), IsEmpty());
  // After a municipality ended, there is nothing to harmonise.
  EXPECT_THAT(HarmonisedParts(*dir, Flora(), 2021), IsEmpty());
  // No predecessors: nothing to sum.
  EXPECT_THAT(HarmonisedParts(*dir, Oslo(), 2014), IsEmpty());
}

TEST(HarmonisedPartsTest, GoesThroughPredecessorsThatDidNotExistYet) {
  auto dir = Directory();
  // Bergen existed in 2014 (as 1201); Kinn did not: its parts stand in,
  // ordered by their code that year (1201, 1401, 1439).
  EXPECT_THAT(Codes(HarmonisedParts(*dir, Storkinn(), 2014)), ElementsAre(4601, 1401, 1439));
  EXPECT_THAT(Codes(HarmonisedParts(*dir, Storkinn(), 2021)), ElementsAre(4601, 4602));
}

// --- HarmoniseFigures ---

TEST(HarmoniseFiguresTest, SumsFieldByFieldAndKeepsTheParts) {
  auto dir = Directory();
  auto sum =
      HarmoniseFigures(Kinn(), 2014, {Stored(1401, 2014, 20, 25), Stored(1439, 2014, 8, 10)}, *dir);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_TRUE(sum->harmonised);
  EXPECT_EQ(sum->subject, Subject::Municipality(4602));
  EXPECT_EQ(sum->year, 2014);
  EXPECT_THAT(sum->values[Count::kRefugeesSettled], Optional(28));
  EXPECT_THAT(sum->values[Count::kRefugeesRequested], Optional(35));
  EXPECT_EQ(sum->status, FiguresStatus::kFinal);
  EXPECT_EQ(sum->source, "bosatt_anmodede.csv");
  // No stored revision: nothing to send an etag against.
  EXPECT_EQ(sum->revision, 0);
  ASSERT_EQ(sum->harmonised_parts.size(), 2u);
  EXPECT_EQ(sum->harmonised_parts[0].subject.id, 1401);
  EXPECT_THAT(sum->harmonised_parts[0].values[Count::kRefugeesSettled], Optional(20));
  EXPECT_EQ(sum->harmonised_parts[1].subject.id, 1439);
}

TEST(HarmoniseFiguresTest, AValueUnknownInOnePartIsUnknownInTheSum) {
  auto dir = Directory();
  auto sum = HarmoniseFigures(
      Kinn(), 2014, {Stored(1401, 2014, 20, std::nullopt), Stored(1439, 2014, 0, 10)}, *dir);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_FALSE(sum->values[Count::kRefugeesRequested].has_value());
  // A reported 0 is a value.
  EXPECT_THAT(sum->values[Count::kRefugeesSettled], Optional(20));
  // Known nowhere: absent, not 0.
  EXPECT_FALSE(sum->values[Count::kPopulation].has_value());
}

TEST(HarmoniseFiguresTest, PercentsAreNotSummed) {
  auto dir = Directory();
  FiguresRecord flora = Stored(1401, 2014, 20, 25);
  FiguresRecord vagsoy = Stored(1439, 2014, 8, 10);
  flora.values[Percent::kIntroToWorkOrEducation] = 60.0;
  vagsoy.values[Percent::kIntroToWorkOrEducation] = 40.0;
  auto sum = HarmoniseFigures(Kinn(), 2014, {flora, vagsoy}, *dir);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_FALSE(sum->values[Percent::kIntroToWorkOrEducation].has_value());

  // With exactly one part, its percent is the whole's.
  Municipality one_part = Kinn();
  one_part.predecessors = {1401};
  auto single = HarmoniseFigures(one_part, 2014, {flora}, *dir);
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_THAT(single->values[Percent::kIntroToWorkOrEducation], Optional(60.0));
}

TEST(HarmoniseFiguresTest, StatusIsTheWeakestOfTheParts) {
  auto dir = Directory();
  auto sum = HarmoniseFigures(
      Kinn(), 2014,
      {Stored(1401, 2014, 20, 25), Stored(1439, 2014, 8, 10, FiguresStatus::kPreliminary)}, *dir);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->status, FiguresStatus::kPreliminary);
}

TEST(HarmoniseFiguresTest, APartWithoutFiguresMakesEveryFieldAbsent) {
  auto dir = Directory();
  auto sum =
      HarmoniseFigures(Kinn(), 2014, {Stored(1401, 2014, 20, 25), Missing(1439, 2014)}, *dir);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_TRUE(sum->values.empty());
  EXPECT_EQ(sum->status, FiguresStatus::kUnspecified);
  ASSERT_EQ(sum->harmonised_parts.size(), 2u);
  EXPECT_EQ(sum->harmonised_parts[1].revision, 0);
}

TEST(HarmoniseFiguresTest, NoPartWithFiguresIsNotFoundNamingTheParts) {
  auto dir = Directory();
  auto sum = HarmoniseFigures(Kinn(), 2014, {Missing(1401, 2014), Missing(1439, 2014)}, *dir);
  EXPECT_EQ(sum.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(sum.status()), "FIGURES_NOT_FOUND");
  EXPECT_THAT(sum.status().message(), HasSubstr("Flora (1401), Vågsøy (1439)"));
}

TEST(HarmoniseFiguresTest, ASumTheApiCannotCarryIsAbsentNotWrapped) {
  auto dir = Directory();
  auto sum = HarmoniseFigures(
      Kinn(), 2014,
      {Stored(1401, 2014, std::numeric_limits<int32_t>::max(), 1), Stored(1439, 2014, 1, 1)}, *dir);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_FALSE(sum->values[Count::kRefugeesSettled].has_value());
  EXPECT_THAT(sum->values[Count::kRefugeesRequested], Optional(2));
}

}  // namespace
}  // namespace imdi::stats
