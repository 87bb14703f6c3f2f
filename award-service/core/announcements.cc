// The public texts of a cycle, rendered from its record: the nominees'
// announcement once the nominees are announced, the winner's once the jury
// has decided and recorded its citation. The nominees' figures are read at
// the cycle's frozen data version; the winner's are those the citation
// stored when it was recorded.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "award-service/core/citation_figures.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/announcement.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/request_checks.h"
#include "common/errors.h"

namespace imdi::award::use_case {
namespace {

// The figures of the nominees' text: the country's and each nominee's
// refugees and unaccompanied minors settled in the figures year.
constexpr const char* kNomineeFields[] = {"refugees_settled", "minors_settled"};

absl::Status CheckRenderable(const v1::Cycle& cycle, v1::AnnouncementKind kind) {
  const v1::CycleState state = cycle.state();
  if (kind == v1::ANNOUNCEMENT_KIND_NOMINEES) {
    if (cycle.data_version() == 0) {
      return Refuse("WRONG_STATE", "STATE", cycle.cycle_id(),
                    absl::StrCat("the nominees' announcement is rendered once the nominees are "
                                 "announced (AnnounceNominees); the cycle is ",
                                 v1::CycleState_Name(state)));
    }
    return absl::OkStatus();
  }
  const bool decided = state == v1::CYCLE_STATE_WINNER_ANNOUNCED ||
                       state == v1::CYCLE_STATE_ARCHIVED ||
                       (state == v1::CYCLE_STATE_JURY_DELIBERATION && cycle.has_decision());
  if (!decided) {
    return Refuse("WRONG_STATE", "STATE", cycle.cycle_id(),
                  absl::StrCat("the winner's announcement is rendered once the jury has decided "
                               "(DecideWinner) and recorded its citation (RecordCitation); the "
                               "cycle is ",
                               v1::CycleState_Name(state)));
  }
  if (cycle.citation().reasons_size() == 0) {
    return Refuse("NO_CITATION", "CITATION", cycle.cycle_id(),
                  "the jury's citation is not recorded; the winner's text gives its reasons "
                  "(RecordCitation)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RenderAnnouncementResponse> RenderAnnouncement(
    const Context& ctx, const v1::RenderAnnouncementRequest& request) {
  {
    FieldChecks checks;
    checks.Add(CheckRequestText(request.cycle_id(), "cycle_id", true, 63));
    if (request.kind() != v1::ANNOUNCEMENT_KIND_NOMINEES &&
        request.kind() != v1::ANNOUNCEMENT_KIND_WINNER) {
      checks.Add("kind", "must be ANNOUNCEMENT_KIND_NOMINEES or ANNOUNCEMENT_KIND_WINNER");
    }
    if (!v1::AnnouncementFormat_IsValid(request.format())) {
      checks.Add("format", "must be ANNOUNCEMENT_FORMAT_MARKDOWN or ANNOUNCEMENT_FORMAT_HTML");
    }
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  const v1::Cycle& cycle = record.cycle();
  IMDI_RETURN_IF_ERROR(CheckRenderable(cycle, request.kind()));

  AnnouncementInput input;
  input.record = &record;
  input.draft = cycle.state() == v1::CYCLE_STATE_JURY_DELIBERATION;
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> winners, ctx.store->ReadWinners());
  for (v1::Winner& w : winners) {
    if (w.award_year() < cycle.config().award_year()) {
      input.earlier_winners.push_back(std::move(w));
    } else if (w.cycle_id() == cycle.cycle_id()) {
      input.announced = std::move(w);
    }
  }
  if (request.kind() == v1::ANNOUNCEMENT_KIND_NOMINEES) {
    const int year = cycle.config().figures_year();
    for (const char* field : kNomineeFields) {
      v1::CitedFigure& f = input.country_figures.emplace_back();
      f.set_kind(v1::CITED_FIGURE_KIND_COUNTRY_TOTAL);
      f.set_year(year);
      f.set_field(field);
    }
    for (const v1::Nomination& n : record.nominations()) {
      if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
      std::vector<v1::CitedFigure>& list = input.nominee_figures[n.nomination_id()];
      for (const char* field : kNomineeFields) {
        v1::CitedFigure& f = list.emplace_back();
        f.set_kind(v1::CITED_FIGURE_KIND_VALUE);
        f.set_municipality_code(n.municipality_code());
        f.set_year(year);
        f.set_field(field);
      }
    }
    std::vector<v1::CitedFigure*> all;
    for (v1::CitedFigure& f : input.country_figures) all.push_back(&f);
    for (auto& [id, list] : input.nominee_figures) {
      for (v1::CitedFigure& f : list) all.push_back(&f);
    }
    IMDI_RETURN_IF_ERROR(ResolveFigureList(*ctx.evaluator, cycle.data_version(), all));
  }

  const v1::AnnouncementFormat format = request.format() == v1::ANNOUNCEMENT_FORMAT_UNSPECIFIED
                                            ? v1::ANNOUNCEMENT_FORMAT_MARKDOWN
                                            : request.format();
  IMDI_ASSIGN_OR_RETURN(RenderedAnnouncement rendered,
                        RenderAnnouncementText(input, request.kind(), format));
  v1::RenderAnnouncementResponse response;
  response.set_cycle_id(cycle.cycle_id());
  response.set_kind(request.kind());
  response.set_format(format);
  response.set_media_type(std::move(rendered.media_type));
  response.set_text(std::move(rendered.text));
  response.set_data_version(cycle.data_version());
  for (v1::AnnouncementSource& s : rendered.sources) *response.add_sources() = std::move(s);
  response.set_draft(request.kind() == v1::ANNOUNCEMENT_KIND_WINNER && input.draft);
  return response;
}

}  // namespace imdi::award::use_case
