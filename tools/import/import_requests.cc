#include "tools/import/import_requests.h"

#include <algorithm>

#include "common/status_macros.h"
#include "stats-service/proto/figure_values_proto.h"
#include "stats-service/service/api_convert.h"

namespace imdi::import {

namespace api = ::imdi::stats::v1;

absl::StatusOr<api::BatchUpsertMunicipalitiesRequest> MunicipalitiesRequest(
    const MunicipalitySource& source) {
  IMDI_ASSIGN_OR_RETURN(auto directory,
                        stats::MunicipalityDirectory::Build(source.municipalities));
  api::BatchUpsertMunicipalitiesRequest request;
  for (const stats::Municipality& m : source.municipalities) {
    stats::EncodeMunicipality(m, *directory, request.add_municipalities());
  }
  return request;
}

std::vector<api::ImportFiguresRequest> ImportRequests(const ParsedFile& parsed,
                                                      const std::string& source_name,
                                                      api::FiguresStatus status,
                                                      size_t batch) {
  batch = std::max<size_t>(batch, 1);
  const auto& fields = stats::FigureFieldsOf<api::Figures>();
  std::vector<api::ImportFiguresRequest> out;
  for (size_t begin = 0; begin < parsed.records.size(); begin += batch) {
    api::ImportFiguresRequest& request = out.emplace_back();
    request.set_source(source_name);
    request.set_status(status);
    const size_t end = std::min(parsed.records.size(), begin + batch);
    for (size_t i = begin; i < end; ++i) {
      const ImportRecord& record = parsed.records[i];
      api::ImportRow* row = request.add_rows();
      row->set_line(record.line);
      api::Figures* figures = row->mutable_figures();
      if (record.subject.is_municipality()) {
        figures->set_municipality_code(stats::FormatCode(record.subject.id));
      } else {
        stats::EncodeArea(record.subject, figures->mutable_area());
        figures->mutable_area()->clear_name();
      }
      figures->set_year(record.year);
      stats::ValuesToProto(record.values, fields, *figures);
      figures->set_source(record.source);
      figures->set_note(record.note);
    }
  }
  return out;
}

}  // namespace imdi::import
