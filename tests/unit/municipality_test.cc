// Tests of municipalities followed through their code changes and of the
// directory that resolves any code to the municipality
// (stats-service/domain/municipality.h).
//
// The fixtures follow real reforms: Trondheim had 1601 until 2017 and 5001
// from 2018 and absorbed Klæbu in 2020; Kinn (4602) was formed in 2020 from
// Flora (1401) and Vågsøy (1439); Bergen went from 1201 to 4601 in 2020.
#include "stats-service/domain/municipality.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/municipalities.h"

namespace imdi::stats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using namespace examples;  // NOLINT: the shared test municipalities


std::shared_ptr<const MunicipalityDirectory> Directory() {
  auto directory = MunicipalityDirectory::Build(
      {Oslo(), Trondheim(), Klaebu(), Flora(), Vagsoy(), Kinn(), Bergen()});
  EXPECT_TRUE(directory.ok()) << directory.status();
  return directory.ok() ? *directory : nullptr;
}

// --- CodePeriod and Municipality ---

TEST(CodePeriodTest, ValidInRespectsInclusiveAndOpenBounds) {
  const CodePeriod closed{1601, "Trondheim", 2000, 2017};
  EXPECT_FALSE(closed.ValidIn(1999));
  EXPECT_TRUE(closed.ValidIn(2000));
  EXPECT_TRUE(closed.ValidIn(2017));
  EXPECT_FALSE(closed.ValidIn(2018));

  const CodePeriod open_start{1601, "Trondheim", kOpen, 2017};
  EXPECT_TRUE(open_start.ValidIn(1990));
  EXPECT_FALSE(open_start.ValidIn(2018));

  const CodePeriod open_end{5001, "Trondheim", 2018, kOpen};
  EXPECT_FALSE(open_end.ValidIn(2017));
  EXPECT_TRUE(open_end.ValidIn(2100));

  const CodePeriod always{301, "Oslo", kOpen, kOpen};
  EXPECT_TRUE(always.ValidIn(1990));
  EXPECT_TRUE(always.ValidIn(2100));
}

TEST(MunicipalityTest, ExistedInSpansAllItsCodes) {
  const Municipality trondheim = Trondheim();
  EXPECT_FALSE(trondheim.ValidFrom().has_value());
  EXPECT_FALSE(trondheim.ValidTo().has_value());
  EXPECT_TRUE(trondheim.ExistedIn(1995));
  EXPECT_TRUE(trondheim.ExistedIn(2017));
  EXPECT_TRUE(trondheim.ExistedIn(2018));
  EXPECT_TRUE(trondheim.ExistedIn(2024));
}

TEST(MunicipalityTest, MergedAndNewMunicipalitiesExistOnlyInTheirYears) {
  const Municipality kinn = Kinn();
  EXPECT_EQ(kinn.ValidFrom(), 2020);
  EXPECT_FALSE(kinn.ExistedIn(2019));
  EXPECT_TRUE(kinn.ExistedIn(2020));

  const Municipality flora = Flora();
  EXPECT_EQ(flora.ValidTo(), 2019);
  EXPECT_TRUE(flora.ExistedIn(2019));
  EXPECT_FALSE(flora.ExistedIn(2020));
}

TEST(MunicipalityTest, CodeInPicksTheCodeOfThatYear) {
  const Municipality trondheim = Trondheim();
  ASSERT_NE(trondheim.CodeIn(2017), nullptr);
  EXPECT_EQ(trondheim.CodeIn(2017)->code, 1601);
  ASSERT_NE(trondheim.CodeIn(2018), nullptr);
  EXPECT_EQ(trondheim.CodeIn(2018)->code, 5001);
  EXPECT_EQ(trondheim.CodeIn(1994)->code, 1601);
  EXPECT_EQ(Flora().CodeIn(2020), nullptr);
}

TEST(MunicipalityTest, CountyInFollowsTheCodeOfThatYear) {
  const Municipality trondheim = Trondheim();
  EXPECT_EQ(trondheim.CountyIn(2017), 16);  // Sør-Trøndelag
  EXPECT_EQ(trondheim.CountyIn(2018), 50);  // Trøndelag
  EXPECT_EQ(trondheim.county(), 50);
  // Not existing in a year: the county of the latest code.
  EXPECT_EQ(Flora().CountyIn(2020), 14);
  EXPECT_EQ(Kinn().CountyIn(2019), 46);
  EXPECT_EQ(Oslo().CountyIn(2000), 3);
}

TEST(MunicipalityTest, FormatCodeKeepsLeadingZeros) {
  EXPECT_EQ(FormatCode(906), "0906");
  EXPECT_EQ(FormatCode(301), "0301");
  EXPECT_EQ(FormatCode(5001), "5001");
}

TEST(MunicipalityTest, SameContentIgnoresRevisionMetadata) {
  Municipality a = Trondheim();
  Municipality b = Trondheim();
  b.revision = 7;
  b.data_version = 99;
  b.update_time = absl::FromUnixSeconds(1'700'000'000);
  EXPECT_TRUE(a.SameContent(b));
  b.note = "merged with Klæbu";
  EXPECT_FALSE(a.SameContent(b));
  Municipality c = Trondheim();
  c.codes[0].valid_to = 2016;
  EXPECT_FALSE(a.SameContent(c));
  Municipality d = Trondheim();
  d.predecessors.clear();
  EXPECT_FALSE(a.SameContent(d));
}

TEST(MunicipalityTest, EtagChangesWithTheDataVersion) {
  Municipality a = Trondheim();
  a.data_version = 3;
  Municipality b = a;
  EXPECT_EQ(MunicipalityEtag(a), MunicipalityEtag(b));
  b.data_version = 4;
  EXPECT_NE(MunicipalityEtag(a), MunicipalityEtag(b));
}

// --- MunicipalityDirectory ---

TEST(MunicipalityDirectoryTest, FindsByAnyCodeAndByIdentity) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  ASSERT_NE(dir->FindByAnyCode(1601), nullptr);
  EXPECT_EQ(dir->FindByAnyCode(1601)->code, 5001);
  EXPECT_EQ(dir->FindByAnyCode(5001)->code, 5001);
  EXPECT_EQ(dir->FindByAnyCode(1201)->code, 4601);
  EXPECT_EQ(dir->FindByAnyCode(1662)->code, 5030);
  // An old code is not an identity.
  EXPECT_EQ(dir->FindById(1601), nullptr);
  ASSERT_NE(dir->FindById(5001), nullptr);
  EXPECT_EQ(dir->FindById(5001)->name, "Trondheim");
  EXPECT_EQ(dir->FindByAnyCode(9999), nullptr);
  EXPECT_EQ(dir->all().size(), 7u);
}

TEST(MunicipalityDirectoryTest, ResolveByAnyCode) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  for (int code : {1601, 5001}) {
    absl::StatusOr<const Municipality*> m = dir->Resolve(code);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ((*m)->code, 5001);
  }
}

TEST(MunicipalityDirectoryTest, ResolveUnknownCodeIsNotFound) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  absl::StatusOr<const Municipality*> m = dir->Resolve(9999);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(m.status()), "UNKNOWN_MUNICIPALITY");
  EXPECT_THAT(m.status().message(), HasSubstr("9999"));
}

TEST(MunicipalityDirectoryTest, ResolveInYearAcceptsAnyCodeInAnyYearItExisted) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  const std::vector<std::pair<int, int>> code_years = {
      {1601, 2016}, {1601, 2020}, {5001, 2016}, {5001, 2020}};
  for (const auto& [code, year] : code_years) {
    absl::StatusOr<const Municipality*> m = dir->ResolveInYear(code, year);
    ASSERT_TRUE(m.ok()) << code << " " << year << ": " << m.status();
    EXPECT_EQ((*m)->code, 5001);
  }
}

TEST(MunicipalityDirectoryTest, ResolveInYearBeforeFormationNamesThePredecessors) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  absl::StatusOr<const Municipality*> m = dir->ResolveInYear(4602, 2019);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(m.status()), "MUNICIPALITY_NOT_IN_YEAR");
  const std::string message(m.status().message());
  EXPECT_THAT(message, HasSubstr("Kinn"));
  EXPECT_THAT(message, HasSubstr("2019"));
  EXPECT_THAT(message, HasSubstr("2020"));
  EXPECT_THAT(message, HasSubstr("Flora (1401)"));
  EXPECT_THAT(message, HasSubstr("Vågsøy (1439)"));
}

TEST(MunicipalityDirectoryTest, ResolveInYearAfterMergerNamesTheSuccessor) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  absl::StatusOr<const Municipality*> m = dir->ResolveInYear(1401, 2020);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(m.status()), "MUNICIPALITY_NOT_IN_YEAR");
  const std::string message(m.status().message());
  EXPECT_THAT(message, HasSubstr("Flora"));
  EXPECT_THAT(message, HasSubstr("2019"));
  EXPECT_THAT(message, HasSubstr("Kinn (4602)"));

  // Klæbu by its old code, after it became part of Trondheim.
  absl::StatusOr<const Municipality*> klaebu = dir->ResolveInYear(1662, 2021);
  ASSERT_FALSE(klaebu.ok());
  EXPECT_EQ(ErrorReason(klaebu.status()), "MUNICIPALITY_NOT_IN_YEAR");
  EXPECT_THAT(klaebu.status().message(), HasSubstr("Trondheim (5001)"));
}

TEST(MunicipalityDirectoryTest, ResolveInYearOfUnknownCodeIsUnknownMunicipality) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  absl::StatusOr<const Municipality*> m = dir->ResolveInYear(9999, 2020);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(ErrorReason(m.status()), "UNKNOWN_MUNICIPALITY");
}

TEST(MunicipalityDirectoryTest, BuildRejectsACodeClaimedByTwoMunicipalities) {
  Municipality impostor =
      Make(5055, "Impostor", ImdiRegion::kMidtNorge,
           {{1601, "Impostor", kOpen, 2017}, {5055, "Impostor", 2018, kOpen}});
  auto dir = MunicipalityDirectory::Build({Trondheim(), impostor});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(dir.status()), "CODE_CLAIMED_TWICE");
  EXPECT_THAT(dir.status().message(), HasSubstr("1601"));
}

// Two records with one identity code are two claims on that code; keeping
// one silently would leave the other's old codes pointing at a stranger.
TEST(MunicipalityDirectoryTest, BuildRejectsTwoMunicipalitiesWithOneIdentity) {
  Municipality other = Make(5001, "Other", ImdiRegion::kMidtNorge,
                            {{1234, "Other", kOpen, 2017}, {5001, "Other", 2018, kOpen}});
  auto dir = MunicipalityDirectory::Build({Trondheim(), other});
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MunicipalityDirectoryTest, BuildOfNothingIsAnEmptyDirectory) {
  auto dir = MunicipalityDirectory::Build({});
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_THAT((*dir)->all(), IsEmpty());
  EXPECT_THAT((*dir)->Members(Subject::Country(), 2020), IsEmpty());
}

TEST(MunicipalityDirectoryTest, CountryMembersAreThoseThatExistedThatYear) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  EXPECT_THAT(dir->Members(Subject::Country(), 2019),
              ElementsAre(301, 1401, 1439, 4601, 5001, 5030));
  EXPECT_THAT(dir->Members(Subject::Country(), 2020), ElementsAre(301, 4601, 4602, 5001));
}

TEST(MunicipalityDirectoryTest, CountyMembersFollowTheCodeValidThatYear) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  EXPECT_THAT(dir->Members(Subject::County(16), 2017), ElementsAre(5001, 5030));
  EXPECT_THAT(dir->Members(Subject::County(50), 2017), IsEmpty());
  EXPECT_THAT(dir->Members(Subject::County(50), 2018), ElementsAre(5001, 5030));
  EXPECT_THAT(dir->Members(Subject::County(16), 2018), IsEmpty());
  EXPECT_THAT(dir->Members(Subject::County(50), 2020), ElementsAre(5001));
  EXPECT_THAT(dir->Members(Subject::County(12), 2019), ElementsAre(4601));
  EXPECT_THAT(dir->Members(Subject::County(14), 2019), ElementsAre(1401, 1439));
  EXPECT_THAT(dir->Members(Subject::County(46), 2019), IsEmpty());
  EXPECT_THAT(dir->Members(Subject::County(46), 2020), ElementsAre(4601, 4602));
  EXPECT_THAT(dir->Members(Subject::County(3), 2020), ElementsAre(301));
}

TEST(MunicipalityDirectoryTest, RegionMembersAreThoseOfTheRegionThatYear) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  EXPECT_THAT(dir->Members(Subject::Region(ImdiRegion::kVest), 2019),
              ElementsAre(1401, 1439, 4601));
  EXPECT_THAT(dir->Members(Subject::Region(ImdiRegion::kVest), 2020),
              ElementsAre(4601, 4602));
  EXPECT_THAT(dir->Members(Subject::Region(ImdiRegion::kMidtNorge), 2021),
              ElementsAre(5001));
  EXPECT_THAT(dir->Members(Subject::Region(ImdiRegion::kNord), 2020), IsEmpty());
}

TEST(MunicipalityDirectoryTest, InCountyUsesTheYear) {
  auto dir = Directory();
  ASSERT_NE(dir, nullptr);
  EXPECT_TRUE(dir->InCounty(5001, 16, 2017));
  EXPECT_FALSE(dir->InCounty(5001, 50, 2017));
  EXPECT_TRUE(dir->InCounty(5001, 50, 2018));
  // Identities only; an old code is not one.
  EXPECT_FALSE(dir->InCounty(1601, 16, 2017));
}

}  // namespace
}  // namespace imdi::stats
