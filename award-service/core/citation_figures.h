// Figures cited by reference (v1::CitedFigure): the checks of a reference,
// their resolution against the statistics service at one data version, and
// their plain descriptions for errors and the audit trail. Used by the
// jury's citation and by the announcements, which cite the same way.
//
// Internal to award_core. Thread-safe (no state).
#ifndef IMDI_AWARD_CORE_CITATION_FIGURES_H_
#define IMDI_AWARD_CORE_CITATION_FIGURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "award-service/core/evaluator.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// The numbers n of the `{n}` placeholders in a reason's text, in order.
std::vector<int> Placeholders(absl::string_view text);

// INVALID_ARGUMENT, naming fields under `path`, unless the reference is
// complete: a kind, a municipality code (four digits) unless it is the
// country's total, a plausible year, a field the statistics service has
// (a count for shares and totals), and a count denominator for a ratio.
absl::Status CheckFigureRef(const v1::CitedFigure& figure, absl::string_view path);

// The reference alone: kind, municipality code, year, fields, the stated
// value and tolerance; none of the resolved (output) fields.
v1::CitedFigure FigureReference(const v1::CitedFigure& figure);

// Whether the figure is a percentage (a share, a ratio, a *_pct field).
bool IsPercentFigure(const v1::CitedFigure& figure);

// Resolves every figure of `citation` at `version` (not 0): value,
// numerator and denominator, names, codes, the area and where its total
// comes from, the data version and known date. A value not known stays
// absent. NOT_FOUND for a municipality the statistics service does not
// know; the statistics service's errors as they are.
absl::Status ResolveFigures(Evaluator& evaluator, int64_t version, v1::Citation& citation);
absl::Status ResolveFigureList(Evaluator& evaluator, int64_t version,
                               std::vector<v1::CitedFigure*>& figures);

// "Trondheim's (1601) refugees_settled in 2016 as a share of IMDi
// Midt-Norge", for messages.
std::string DescribeFigure(const v1::CitedFigure& figure);
// `x` in the figure's unit: "23.2 %" or "627".
std::string PlainNumber(const v1::CitedFigure& figure, double x);
// The computed value with its parts: "23.2 % (627 of 2702, published total)".
std::string PlainValue(const v1::CitedFigure& figure);
// "; figures at data version 7: <figure> = <value>[, stated 25 ± 2.5]; ..."
std::string CitationAuditDetail(const v1::Citation& citation);

}  // namespace imdi::award

#endif  // IMDI_AWARD_CORE_CITATION_FIGURES_H_
