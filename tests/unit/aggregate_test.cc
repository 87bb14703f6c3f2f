// Tests of the aggregate arithmetic in stats-service/domain/aggregate.h:
// sums that keep "unknown" apart from 0, ratios of sums (never averages of
// ratios) and the published totals beside them.
#include "stats-service/domain/aggregate.h"

#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::stats {
namespace {

using ::testing::DoubleNear;
using ::testing::Optional;

const CountAggregate& CountOf(const AggregateResult& result, Count count) {
  return result.counts[static_cast<int>(count)];
}

const RatioAggregate& RatioOf(const AggregateResult& result, absl::string_view name) {
  for (int r = 0; r < kNumRatios; ++r) {
    if (kRatios[r].name == name) return result.ratios[r];
  }
  ADD_FAILURE() << "no ratio " << name;
  static const RatioAggregate kNone;
  return kNone;
}

// Figures with requested / settled refugees; absent when nullopt.
FigureValues Refugees(std::optional<int64_t> requested, std::optional<int64_t> settled) {
  FigureValues v;
  v[Count::kRefugeesRequested] = requested;
  v[Count::kRefugeesSettled] = settled;
  return v;
}

TEST(AggregateTest, SumsOnlyKnownValuesAndCountsTheMissing) {
  const FigureValues a = Refugees(20, 10);
  const FigureValues b = Refugees(30, std::nullopt);
  AggregateResult result = ComputeAggregate({&a, &b, nullptr}, nullptr);
  EXPECT_EQ(result.municipality_count, 3);

  const CountAggregate& settled = CountOf(result, Count::kRefugeesSettled);
  EXPECT_THAT(settled.sum, Optional(10));
  EXPECT_EQ(settled.reported, 1);
  EXPECT_EQ(settled.missing, 2);

  const CountAggregate& requested = CountOf(result, Count::kRefugeesRequested);
  EXPECT_THAT(requested.sum, Optional(50));
  EXPECT_EQ(requested.reported, 2);
  EXPECT_EQ(requested.missing, 1);
}

TEST(AggregateTest, NothingKnownGivesNoSumRatherThanZero) {
  const FigureValues a = Refugees(20, std::nullopt);
  const FigureValues b = Refugees(std::nullopt, std::nullopt);
  AggregateResult result = ComputeAggregate({&a, &b}, nullptr);
  const CountAggregate& settled = CountOf(result, Count::kRefugeesSettled);
  EXPECT_FALSE(settled.sum.has_value());
  EXPECT_EQ(settled.reported, 0);
  EXPECT_EQ(settled.missing, 2);
  const CountAggregate& population = CountOf(result, Count::kPopulation);
  EXPECT_FALSE(population.sum.has_value());
  EXPECT_EQ(population.missing, 2);
}

TEST(AggregateTest, ReportedZeroIsAValue) {
  const FigureValues a = Refugees(0, 0);
  AggregateResult result = ComputeAggregate({&a, nullptr}, nullptr);
  const CountAggregate& settled = CountOf(result, Count::kRefugeesSettled);
  EXPECT_THAT(settled.sum, Optional(0));
  EXPECT_EQ(settled.reported, 1);
  EXPECT_EQ(settled.missing, 1);
}

TEST(AggregateTest, NullMemberHasEveryValueMissing) {
  AggregateResult result = ComputeAggregate({nullptr, nullptr}, nullptr);
  EXPECT_EQ(result.municipality_count, 2);
  for (int i = 0; i < kNumCounts; ++i) {
    SCOPED_TRACE(kCountNames[i]);
    EXPECT_FALSE(result.counts[i].sum.has_value());
    EXPECT_EQ(result.counts[i].reported, 0);
    EXPECT_EQ(result.counts[i].missing, 2);
  }
  for (int r = 0; r < kNumRatios; ++r) {
    EXPECT_FALSE(result.ratios[r].value.has_value()) << kRatios[r].name;
    EXPECT_EQ(result.ratios[r].used, 0);
  }
}

TEST(AggregateTest, NoMembersGivesNothing) {
  AggregateResult result = ComputeAggregate({}, nullptr);
  EXPECT_EQ(result.municipality_count, 0);
  EXPECT_FALSE(CountOf(result, Count::kPopulation).sum.has_value());
  EXPECT_EQ(CountOf(result, Count::kPopulation).missing, 0);
}

// A small municipality settled all it was asked to, a large one none: the
// average of the two ratios (50 %) says nothing about the area, whose ratio
// is 10 of 100 requested. A third municipality without a settled count
// must not dilute the denominator.
TEST(AggregateTest, RatioIsComputedFromSumsNotAveragedFromRatios) {
  const FigureValues small = Refugees(10, 10);
  const FigureValues large = Refugees(90, 0);
  const FigureValues unknown_settled = Refugees(100, std::nullopt);
  AggregateResult result =
      ComputeAggregate({&small, &large, &unknown_settled, nullptr}, nullptr);
  const RatioAggregate& ratio = RatioOf(result, "settled_of_requested_pct");
  EXPECT_THAT(ratio.value, Optional(DoubleNear(10.0, 1e-9)));
  EXPECT_EQ(ratio.used, 2);
}

TEST(AggregateTest, PerThousandUsesItsScale) {
  FigureValues a;
  a[Count::kRefugeesSettled] = 45;
  a[Count::kPopulation] = 40'000;
  FigureValues b;
  b[Count::kRefugeesSettled] = 15;
  b[Count::kPopulation] = 20'000;
  AggregateResult result = ComputeAggregate({&a, &b}, nullptr);
  // 60 settled among 60 000 inhabitants.
  EXPECT_THAT(RatioOf(result, "settled_per_1000").value, Optional(DoubleNear(1.0, 1e-9)));
}

TEST(AggregateTest, ZeroDenominatorGivesNoValue) {
  const FigureValues a = Refugees(0, 0);
  const FigureValues b = Refugees(0, 0);
  AggregateResult result = ComputeAggregate({&a, &b}, nullptr);
  const RatioAggregate& ratio = RatioOf(result, "settled_of_requested_pct");
  EXPECT_FALSE(ratio.value.has_value());
  EXPECT_EQ(ratio.used, 2);
}

TEST(AggregateTest, NoMemberWithBothCountsGivesNoValue) {
  const FigureValues a = Refugees(10, std::nullopt);
  const FigureValues b = Refugees(std::nullopt, 5);
  AggregateResult result = ComputeAggregate({&a, &b}, nullptr);
  const RatioAggregate& ratio = RatioOf(result, "settled_of_requested_pct");
  EXPECT_FALSE(ratio.value.has_value());
  EXPECT_EQ(ratio.used, 0);
}

TEST(AggregateTest, EachRatioUsesItsOwnCounts) {
  FigureValues v;
  v[Count::kRefugeesRequested] = 200;
  v[Count::kRefugeesDecided] = 100;
  v[Count::kRefugeesSettled] = 50;
  v[Count::kMinorsRequested] = 40;
  v[Count::kMinorsSettled] = 10;
  v[Count::kIntroFinished] = 80;
  v[Count::kIntroToWorkOrEducation] = 60;
  v[Count::kIntroFollowupTotal] = 50;
  v[Count::kIntroFollowupWorkOrEducation] = 35;
  AggregateResult result = ComputeAggregate({&v}, nullptr);
  EXPECT_THAT(RatioOf(result, "settled_of_requested_pct").value,
              Optional(DoubleNear(25.0, 1e-9)));
  EXPECT_THAT(RatioOf(result, "settled_of_decided_pct").value,
              Optional(DoubleNear(50.0, 1e-9)));
  EXPECT_THAT(RatioOf(result, "decided_of_requested_pct").value,
              Optional(DoubleNear(50.0, 1e-9)));
  EXPECT_THAT(RatioOf(result, "minors_settled_of_requested_pct").value,
              Optional(DoubleNear(25.0, 1e-9)));
  EXPECT_THAT(RatioOf(result, "intro_to_work_or_education_pct").value,
              Optional(DoubleNear(75.0, 1e-9)));
  EXPECT_THAT(RatioOf(result, "intro_followup_work_or_education_pct").value,
              Optional(DoubleNear(70.0, 1e-9)));
}

TEST(AggregateTest, PublishedTotalsStandBesideTheSums) {
  const FigureValues a = Refugees(20, 10);
  FigureValues published = Refugees(400, 100);  // includes municipalities not stored
  published[Count::kPopulation] = 1'000'000;
  AggregateResult result = ComputeAggregate({&a}, &published);
  EXPECT_THAT(CountOf(result, Count::kRefugeesSettled).sum, Optional(10));
  EXPECT_THAT(CountOf(result, Count::kRefugeesSettled).published, Optional(100));
  EXPECT_THAT(CountOf(result, Count::kRefugeesRequested).published, Optional(400));
  EXPECT_THAT(CountOf(result, Count::kPopulation).published, Optional(1'000'000));
  // Not published is absent, not 0.
  EXPECT_FALSE(CountOf(result, Count::kMinorsSettled).published.has_value());
  // The published ratio comes from the published counts.
  EXPECT_THAT(RatioOf(result, "settled_of_requested_pct").published,
              Optional(DoubleNear(25.0, 1e-9)));
  EXPECT_THAT(RatioOf(result, "settled_of_requested_pct").value,
              Optional(DoubleNear(50.0, 1e-9)));
  EXPECT_FALSE(RatioOf(result, "settled_of_decided_pct").published.has_value());
}

TEST(AggregateTest, WithoutPublishedTotalsNothingIsPublished) {
  const FigureValues a = Refugees(20, 10);
  AggregateResult result = ComputeAggregate({&a}, nullptr);
  for (int i = 0; i < kNumCounts; ++i) {
    EXPECT_FALSE(result.counts[i].published.has_value()) << kCountNames[i];
  }
  for (int r = 0; r < kNumRatios; ++r) {
    EXPECT_FALSE(result.ratios[r].published.has_value()) << kRatios[r].name;
  }
}

TEST(AggregateTest, PublishedPercentStandsInWhenItsCountsAreNotStored) {
  FigureValues published;
  published[Percent::kIntroToWorkOrEducation] = 61.5;
  published[Percent::kIntroFollowupWorkOrEducation] = 72.0;
  AggregateResult result = ComputeAggregate({}, &published);
  EXPECT_THAT(RatioOf(result, "intro_to_work_or_education_pct").published,
              Optional(DoubleNear(61.5, 1e-9)));
  EXPECT_THAT(RatioOf(result, "intro_followup_work_or_education_pct").published,
              Optional(DoubleNear(72.0, 1e-9)));
  // Ratios without a published percent have nothing to fall back on.
  EXPECT_FALSE(RatioOf(result, "settled_of_requested_pct").published.has_value());
}

TEST(AggregateTest, PublishedCountsWinOverThePublishedPercent) {
  FigureValues published;
  published[Count::kIntroFinished] = 200;
  published[Count::kIntroToWorkOrEducation] = 100;
  published[Percent::kIntroToWorkOrEducation] = 61.5;  // rounded elsewhere
  AggregateResult result = ComputeAggregate({}, &published);
  EXPECT_THAT(RatioOf(result, "intro_to_work_or_education_pct").published,
              Optional(DoubleNear(50.0, 1e-9)));
}

TEST(AggregateTest, PublishedPercentStandsInWhenOnlyOneCountIsStored) {
  FigureValues published;
  published[Count::kIntroFinished] = 200;
  published[Percent::kIntroToWorkOrEducation] = 61.5;
  AggregateResult result = ComputeAggregate({}, &published);
  EXPECT_THAT(RatioOf(result, "intro_to_work_or_education_pct").published,
              Optional(DoubleNear(61.5, 1e-9)));
}

// --- Reconciliation: sum + unknown municipality + unexplained = published ---

FigureValues Settled(std::optional<int64_t> settled) { return Refugees(std::nullopt, settled); }

// The settled refugees' aggregate, copied out of a temporary result.
CountAggregate SettledOf(const AggregateResult& result) {
  return CountOf(result, Count::kRefugeesSettled);
}

TEST(AggregateReconciliationTest, TheUnknownMunicipalityExplainsTheGap) {
  const FigureValues a = Settled(7000);
  const FigureValues b = Settled(719);
  const FigureValues published = Settled(7784);
  const FigureValues unknown = Settled(65);
  const CountAggregate settled = SettledOf(ComputeAggregate({&a, &b}, &published, &unknown));
  EXPECT_THAT(settled.unknown_municipality, Optional(65));
  EXPECT_THAT(settled.unexplained, Optional(0));
  EXPECT_EQ(settled.reconciliation,
            "7719 in 2 municipalities + 65 in an unknown municipality (county 99 Uoppgitt) = "
            "7784 published; fully explained");
}

TEST(AggregateReconciliationTest, WithoutAnUnknownRecordTheWholeGapIsUnexplained) {
  const FigureValues a = Settled(100);
  const FigureValues published = Settled(123);
  const CountAggregate settled = SettledOf(ComputeAggregate({&a}, &published, nullptr));
  EXPECT_FALSE(settled.unknown_municipality.has_value());
  EXPECT_THAT(settled.unexplained, Optional(23));
  EXPECT_EQ(settled.reconciliation, "100 in 1 municipality = 123 published; 23 unexplained");
}

TEST(AggregateReconciliationTest, AnUnknownRecordWithoutThatValueIsAbsentNotZero) {
  const FigureValues a = Settled(100);
  const FigureValues published = Settled(110);
  FigureValues unknown;  // a record of county 99 that does not know the settled
  unknown[Count::kRefugeesRequested] = 4;
  const AggregateResult result = ComputeAggregate({&a}, &published, &unknown);
  const CountAggregate& settled = CountOf(result, Count::kRefugeesSettled);
  EXPECT_FALSE(settled.unknown_municipality.has_value());
  EXPECT_THAT(settled.unexplained, Optional(10));
  EXPECT_THAT(CountOf(result, Count::kRefugeesRequested).unknown_municipality, Optional(4));
}

TEST(AggregateReconciliationTest, AnUnknownZeroIsAValue) {
  const FigureValues a = Settled(100);
  const FigureValues published = Settled(100);
  const FigureValues unknown = Settled(0);
  const CountAggregate settled = SettledOf(ComputeAggregate({&a}, &published, &unknown));
  EXPECT_THAT(settled.unknown_municipality, Optional(0));
  EXPECT_THAT(settled.unexplained, Optional(0));
  EXPECT_EQ(settled.reconciliation,
            "100 in 1 municipality + 0 in an unknown municipality (county 99 Uoppgitt) = "
            "100 published; fully explained");
}

TEST(AggregateReconciliationTest, PartsAboveThePublishedTotalGiveANegativeRest) {
  const FigureValues a = Settled(100);
  const FigureValues published = Settled(90);
  const FigureValues unknown = Settled(5);
  const CountAggregate settled = SettledOf(ComputeAggregate({&a}, &published, &unknown));
  EXPECT_THAT(settled.unexplained, Optional(-15));
  EXPECT_THAT(settled.reconciliation,
              ::testing::EndsWith("= 90 published; the parts exceed the published total by 15"));
}

TEST(AggregateReconciliationTest, MissingMunicipalitiesAreNamedAndNoPublishedTotalIsSaid) {
  const FigureValues a = Settled(40);
  const FigureValues b = Settled(std::nullopt);
  const CountAggregate settled = SettledOf(ComputeAggregate({&a, &b, nullptr}, nullptr));
  EXPECT_FALSE(settled.unexplained.has_value());
  EXPECT_EQ(settled.reconciliation,
            "40 in 1 municipality (2 without a value); no published total");
}

TEST(AggregateReconciliationTest, WithoutASumNothingIsUnexplained) {
  const FigureValues b = Settled(std::nullopt);
  const FigureValues published = Settled(50);
  const FigureValues unknown = Settled(5);
  const CountAggregate settled = SettledOf(ComputeAggregate({&b}, &published, &unknown));
  EXPECT_FALSE(settled.sum.has_value());
  EXPECT_FALSE(settled.unexplained.has_value());
  EXPECT_EQ(settled.reconciliation,
            "no value in 1 municipality + 5 in an unknown municipality (county 99 "
            "Uoppgitt); 50 published");
}

TEST(AggregateReconciliationTest, AnAreaWithoutMunicipalitiesShowsItsPublishedTotal) {
  const FigureValues published = Settled(65);
  const CountAggregate settled = SettledOf(ComputeAggregate({}, &published));
  EXPECT_FALSE(settled.unexplained.has_value());
  EXPECT_EQ(settled.reconciliation, "no municipalities; 65 published");
}

TEST(AggregateReconciliationTest, AnOverflowingRestIsAbsentNotWrapped) {
  const FigureValues a = Settled(std::numeric_limits<int64_t>::max());
  const FigureValues published = Settled(0);
  const FigureValues unknown = Settled(std::numeric_limits<int64_t>::max());
  const CountAggregate settled = SettledOf(ComputeAggregate({&a}, &published, &unknown));
  EXPECT_FALSE(settled.unexplained.has_value());
}

}  // namespace
}  // namespace imdi::stats
