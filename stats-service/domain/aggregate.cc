#include "stats-service/domain/aggregate.h"

#include "absl/strings/str_cat.h"

namespace imdi::stats {

const std::array<RatioDefinition, kNumRatios> kRatios = {{
    {"settled_of_requested_pct", Count::kRefugeesSettled, Count::kRefugeesRequested,
     100.0, std::nullopt},
    {"settled_of_decided_pct", Count::kRefugeesSettled, Count::kRefugeesDecided, 100.0,
     std::nullopt},
    {"decided_of_requested_pct", Count::kRefugeesDecided, Count::kRefugeesRequested,
     100.0, std::nullopt},
    {"settled_per_1000", Count::kRefugeesSettled, Count::kPopulation, 1000.0,
     std::nullopt},
    {"minors_settled_of_requested_pct", Count::kMinorsSettled,
     Count::kMinorsRequested, 100.0, std::nullopt},
    {"intro_to_work_or_education_pct", Count::kIntroToWorkOrEducation,
     Count::kIntroFinished, 100.0, Percent::kIntroToWorkOrEducation},
    {"intro_followup_work_or_education_pct", Count::kIntroFollowupWorkOrEducation,
     Count::kIntroFollowupTotal, 100.0, Percent::kIntroFollowupWorkOrEducation},
}};

namespace {

std::optional<double> Ratio(int64_t numerator, int64_t denominator, double scale) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator) * scale;
}

std::string Municipalities(int n) {
  return absl::StrCat(n, n == 1 ? " municipality" : " municipalities");
}

// "7719 in 427 municipalities (1 without a value) + 65 in an unknown
// municipality (county 99 Uoppgitt) = 7784 published; 23 unexplained".
std::string Reconciliation(const CountAggregate& agg) {
  std::string line;
  if (agg.sum) {
    line = absl::StrCat(*agg.sum, " in ", Municipalities(agg.reported));
    if (agg.missing > 0) absl::StrAppend(&line, " (", agg.missing, " without a value)");
  } else if (agg.missing > 0) {
    line = absl::StrCat("no value in ", Municipalities(agg.missing));
  } else {
    line = "no municipalities";
  }
  if (agg.unknown_municipality) {
    absl::StrAppend(&line, " + ", *agg.unknown_municipality,
                    " in an unknown municipality (county ", kUnknownMunicipalityCounty,
                    " Uoppgitt)");
  }
  if (!agg.published) return absl::StrCat(line, "; no published total");
  absl::StrAppend(&line, agg.sum ? " = " : "; ", *agg.published, " published");
  if (!agg.unexplained) return line;
  if (*agg.unexplained == 0) return absl::StrCat(line, "; fully explained");
  if (*agg.unexplained > 0) return absl::StrCat(line, "; ", *agg.unexplained, " unexplained");
  return absl::StrCat(line, "; the parts exceed the published total by ", -*agg.unexplained);
}

}  // namespace

AggregateResult ComputeAggregate(const std::vector<const FigureValues*>& members,
                                 const FigureValues* published,
                                 const FigureValues* unknown_municipality) {
  AggregateResult result;
  result.municipality_count = static_cast<int>(members.size());

  for (int i = 0; i < kNumCounts; ++i) {
    CountAggregate& agg = result.counts[i];
    for (const FigureValues* values : members) {
      const std::optional<int64_t>& v = values ? values->counts[i] : std::nullopt;
      if (v) {
        agg.sum = agg.sum.value_or(0) + *v;
        ++agg.reported;
      } else {
        ++agg.missing;
      }
    }
    if (published) agg.published = published->counts[i];
    if (unknown_municipality) agg.unknown_municipality = unknown_municipality->counts[i];
    int64_t rest = 0;
    if (agg.published && agg.sum &&
        !__builtin_sub_overflow(*agg.published, *agg.sum, &rest) &&
        !__builtin_sub_overflow(rest, agg.unknown_municipality.value_or(0), &rest)) {
      agg.unexplained = rest;
    }
    agg.reconciliation = Reconciliation(agg);
  }

  for (int r = 0; r < kNumRatios; ++r) {
    const RatioDefinition& def = kRatios[r];
    RatioAggregate& agg = result.ratios[r];
    int64_t numerator = 0;
    int64_t denominator = 0;
    for (const FigureValues* values : members) {
      if (values == nullptr) continue;
      const auto& n = (*values)[def.numerator];
      const auto& d = (*values)[def.denominator];
      if (!n || !d) continue;
      numerator += *n;
      denominator += *d;
      ++agg.used;
    }
    if (agg.used > 0) agg.value = Ratio(numerator, denominator, def.scale);
    if (published) {
      const auto& n = (*published)[def.numerator];
      const auto& d = (*published)[def.denominator];
      if (n && d) {
        agg.published = Ratio(*n, *d, def.scale);
      } else if (def.published_percent) {
        agg.published = (*published)[*def.published_percent];
      }
    }
  }
  return result;
}

}  // namespace imdi::stats
