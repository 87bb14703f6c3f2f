// The jury's citation: reasons that cite figures by reference. Every cited
// figure is read from the statistics service at the cycle's frozen data
// version, before the lock is taken; the numbers a reason states are then
// checked against the computed values inside the change, so that a
// contradicted claim is refused, with the computed value, and the refusal
// is in the audit trail.
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "award-service/core/citation_figures.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/actor_rules.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/request_checks.h"
#include "award-service/domain/workflow.h"
#include "common/errors.h"

namespace imdi::award::use_case {
namespace {

constexpr int kMaxReasons = 30;
constexpr int kMaxFiguresPerReason = 5;
constexpr size_t kMaxReasonBytes = 1000;
// A stated number, and the tolerance of a claim: finite and of this world.
constexpr double kMaxStated = 1e9;
constexpr double kMaxTolerance = 1e6;

absl::Status CheckCitationRequest(const v1::RecordCitationRequest& request) {
  FieldChecks checks;
  CheckIds(checks, request.cycle_id(), request.request_id());
  if (request.reasons_size() == 0) checks.Add("reasons", "at least one reason is required");
  if (request.reasons_size() > kMaxReasons) {
    checks.Add("reasons", absl::StrCat("at most ", kMaxReasons, " reasons"));
  }
  for (int i = 0; i < request.reasons_size() && i < kMaxReasons; ++i) {
    const v1::CitationReason& reason = request.reasons(i);
    const std::string path = absl::StrCat("reasons[", i, "]");
    checks.Add(CheckRequestText(reason.text(), path + ".text", true, kMaxReasonBytes));
    if (reason.figures_size() > kMaxFiguresPerReason) {
      checks.Add(path + ".figures", absl::StrCat("at most ", kMaxFiguresPerReason, " figures"));
      continue;
    }
    for (int n : Placeholders(reason.text())) {
      if (n < 1 || n > reason.figures_size()) {
        checks.Add(path + ".text", absl::StrCat("{", n, "} names no figure of the reason (it has ",
                                                reason.figures_size(), ")"));
      }
    }
    for (int j = 0; j < reason.figures_size(); ++j) {
      const v1::CitedFigure& f = reason.figures(j);
      const std::string fp = absl::StrCat(path, ".figures[", j, "]");
      if (absl::Status s = CheckFigureRef(f, fp); !s.ok()) checks.Add(s);
      if (f.has_stated_value() && !(std::isfinite(f.stated_value()) &&
                                    std::abs(f.stated_value()) <= kMaxStated)) {
        checks.Add(fp + ".stated_value", "must be a finite number of this world");
      }
      if (!(std::isfinite(f.tolerance()) && f.tolerance() >= 0 &&
            f.tolerance() <= kMaxTolerance)) {
        checks.Add(fp + ".tolerance", absl::StrCat("must be between 0 and ", kMaxTolerance));
      } else if (f.tolerance() > 0 && !f.has_stated_value()) {
        checks.Add(fp + ".tolerance", "a tolerance needs a stated_value");
      }
    }
  }
  return checks.Result();
}

// The smallest difference a stated number may show from the computed value
// when no tolerance is given: what printing rounds away.
double Rounding(const v1::CitedFigure& f) { return IsPercentFigure(f) ? 0.05 : 0.5; }

// Refuses a figure that is not known or a stated number the figures
// contradict.
absl::Status CheckClaims(const v1::Citation& citation) {
  for (int i = 0; i < citation.reasons_size(); ++i) {
    const v1::CitationReason& reason = citation.reasons(i);
    for (int j = 0; j < reason.figures_size(); ++j) {
      const v1::CitedFigure& f = reason.figures(j);
      const std::string subject = absl::StrCat("reasons[", i, "].figures[", j, "]");
      if (!f.has_value()) {
        return Refuse("FIGURE_NOT_KNOWN", "FIGURE", subject,
                      absl::StrCat("reason ", i + 1, " cites ", DescribeFigure(f),
                                   ", which the statistics service does not know at data version ",
                                   citation.data_version(), "; a figure not known is not cited"));
      }
      if (!f.has_stated_value()) continue;
      const double allowed = std::max(f.tolerance(), Rounding(f)) + 1e-9;
      if (std::abs(f.value() - f.stated_value()) <= allowed) continue;
      absl::Status status = Refuse(
          "CITATION_CONTRADICTED", "FIGURE", subject,
          absl::StrCat("reason ", i + 1, " states ", PlainNumber(f, f.stated_value()),
                       " (tolerance ", absl::StrFormat("%g", f.tolerance()), ") but ",
                       DescribeFigure(f), " is ", PlainValue(f), " at data version ",
                       citation.data_version()));
      AddErrorMetadata(status, "computed_value", absl::StrFormat("%.6g", f.value()));
      AddErrorMetadata(status, "stated_value", absl::StrFormat("%.6g", f.stated_value()));
      AddErrorMetadata(status, "data_version", absl::StrCat(citation.data_version()));
      return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RecordCitationResponse> RecordCitation(const Context& ctx,
                                                          const v1::RecordCitationRequest& request,
                                                          const Caller& caller) {
  IMDI_RETURN_IF_ERROR(CheckCitationRequest(request));
  {
    // A retry of a citation already recorded gets its reply, whatever the
    // statistics service's state.
    v1::RecordCitationResponse stored;
    IMDI_ASSIGN_OR_RETURN(bool replayed, ctx.tx->Replay("RecordCitation", request,
                                                        request.request_id(), caller, stored));
    if (replayed) return WithCycleHeader(stored);
  }
  // The figures are read at the frozen version before the lock is taken;
  // the change checks the version is still the cycle's. Who may record is
  // checked first, so that no one else makes the service read.
  IMDI_ASSIGN_OR_RETURN(Record before, ctx.tx->LoadCycle(request.cycle_id()));
  IMDI_RETURN_IF_ERROR(CheckCallsDecision(caller, before.cycle()));
  const int64_t version = before.cycle().data_version();
  v1::Citation citation;
  for (const v1::CitationReason& reason : request.reasons()) {
    // Only what the jury says: every output field is the service's.
    v1::CitationReason& stored = *citation.add_reasons();
    stored.set_text(reason.text());
    for (const v1::CitedFigure& f : reason.figures()) *stored.add_figures() = FigureReference(f);
  }
  citation.set_data_version(version);
  const bool resolved = version > 0 && before.cycle().has_decision();
  if (resolved) IMDI_RETURN_IF_ERROR(ResolveFigures(*ctx.evaluator, version, citation));
  v1::RecordCitationResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "RecordCitation", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), cycle.etag(), "cycle"));
        if (cycle.state() != v1::CYCLE_STATE_JURY_DELIBERATION) {
          return Refuse("WRONG_STATE", "STATE", cycle.cycle_id(),
                        absl::StrCat("the jury's citation is recorded during jury deliberation, "
                                     "after DecideWinner and before AnnounceWinner; the cycle is ",
                                     v1::CycleState_Name(cycle.state())));
        }
        if (!cycle.has_decision()) {
          return Refuse("NO_DECISION", "DECISION", cycle.cycle_id(),
                        "the jury has not decided yet; the citation follows DecideWinner");
        }
        if (!resolved || cycle.data_version() != version) {
          return MakeError(absl::StatusCode::kAborted, "DATA_VERSION_CHANGED",
                           "the cycle's data version changed while the figures were read; retry");
        }
        IMDI_RETURN_IF_ERROR(CheckCallsDecision(caller, cycle));
        IMDI_RETURN_IF_ERROR(CheckClaims(citation));
        *citation.mutable_record_time() = ToProto(ctx.now());
        citation.set_recorded_by(caller.actor);
        const bool replaces = cycle.has_citation();
        *cycle.mutable_citation() = citation;
        step.nomination_id = cycle.decision().winner_nomination_id();
        step.detail = absl::StrCat(replaces ? "replaced" : "recorded", " the jury's citation: ",
                                   citation.reasons_size(), " reasons",
                                   CitationAuditDetail(citation));
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step&, google::protobuf::Message& m) {
        auto& r = static_cast<v1::RecordCitationResponse&>(m);
        *r.mutable_citation() = record.cycle().citation();
        *r.mutable_cycle() = record.cycle();
      }));
  return WithCycleHeader(response);
}

}  // namespace imdi::award::use_case
