#include "stats-service/domain/harmonise.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"

namespace imdi::stats {
namespace {

constexpr int64_t kMaxSummedCount = std::numeric_limits<int32_t>::max();

int CodeInYear(const Municipality& m, int year) {
  const CodePeriod* period = m.CodeIn(year);
  return period ? period->code : m.code;
}

// Adds the parts of `m` in `year` to `out`; `seen` keeps a malformed
// history (a cycle of predecessors) from looping.
void CollectParts(const MunicipalityDirectory& directory, const Municipality& m, int year,
                  std::set<int>& seen, std::vector<const Municipality*>& out) {
  for (int code : m.predecessors) {
    const Municipality* p = directory.FindByAnyCode(code);
    if (p == nullptr || !seen.insert(p->id).second) continue;
    if (p->ExistedIn(year)) {
      out.push_back(p);
    } else if (p->ValidFrom() && year < *p->ValidFrom()) {
      CollectParts(directory, *p, year, seen, out);
    }
  }
}

// "Flora (1401), Vågsøy (1439)": the parts as they were in `year`.
std::string DescribeParts(const std::vector<FiguresRecord>& parts, int year,
                          const MunicipalityDirectory& directory) {
  std::vector<std::string> names;
  for (const FiguresRecord& part : parts) {
    const Municipality* m = directory.FindById(part.subject.id);
    if (m == nullptr) continue;
    const CodePeriod* period = m->CodeIn(year);
    names.push_back(
        absl::StrCat(period ? period->name : m->name, " (", FormatCode(CodeInYear(*m, year)), ")"));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

std::vector<const Municipality*> HarmonisedParts(const MunicipalityDirectory& directory,
                                                 const Municipality& whole, int year) {
  std::vector<const Municipality*> out;
  if (!whole.ValidFrom() || year >= *whole.ValidFrom()) return out;
  std::set<int> seen = {whole.id};
  CollectParts(directory, whole, year, seen, out);
  std::sort(out.begin(), out.end(), [year](const Municipality* a, const Municipality* b) {
    return CodeInYear(*a, year) < CodeInYear(*b, year);
  });
  return out;
}

absl::StatusOr<FiguresRecord> HarmoniseFigures(const Municipality& whole, int year,
                                               std::vector<FiguresRecord> parts,
                                               const MunicipalityDirectory& directory) {
  const bool any_figures = std::any_of(parts.begin(), parts.end(),
                                       [](const FiguresRecord& p) { return p.revision > 0; });
  if (!any_figures) {
    return MakeError(
        absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND",
        absl::StrCat("no figures for ", whole.name, " (", FormatCode(whole.code), ") in ", year,
                     ": none of the municipalities it was formed "
                     "from has figures that year: ",
                     DescribeParts(parts, year, directory)));
  }
  FiguresRecord sum;
  sum.subject = Subject::Municipality(whole.id);
  sum.year = year;
  sum.harmonised = true;
  sum.status = FiguresStatus::kFinal;
  std::vector<std::string> sources;
  for (int i = 0; i < kNumCounts; ++i) {
    std::optional<int64_t> total = 0;
    for (const FiguresRecord& part : parts) {
      const std::optional<int64_t>& v = part.values.counts[i];
      // The API carries counts as int32; a sum beyond it (only possible
      // with implausible values across very many parts) is not a count.
      if (!v || __builtin_add_overflow(*total, *v, &*total) || *total > kMaxSummedCount) {
        total.reset();
        break;
      }
    }
    sum.values.counts[i] = total;
  }
  if (parts.size() == 1) sum.values.percents = parts.front().values.percents;
  for (const FiguresRecord& part : parts) {
    sum.status = std::min(sum.status, part.status);
    if (!part.source.empty() &&
        std::find(sources.begin(), sources.end(), part.source) == sources.end()) {
      sources.push_back(part.source);
    }
  }
  sum.source = absl::StrJoin(sources, "; ");
  sum.harmonised_parts = std::move(parts);
  return sum;
}

}  // namespace imdi::stats
