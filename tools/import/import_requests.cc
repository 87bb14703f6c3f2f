#include "tools/import/import_requests.h"

#include <algorithm>

#include "common/limits.h"
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
                                                      api::FiguresStatus status, size_t batch,
                                                      const std::string& known_date) {
  batch = std::max<size_t>(batch, 1);
  const std::string source = CleanText(source_name, kMaxLineBytes);
  const auto& fields = stats::FigureFieldsOf<api::Figures>();
  std::vector<api::ImportFiguresRequest> out;
  size_t bytes = 0;
  for (const ImportRecord& record : parsed.records) {
    api::ImportRow row;
    row.set_line(record.line);
    api::Figures* figures = row.mutable_figures();
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
    for (stats::Count count : record.absent_counts) {
      row.add_absent_fields(std::string(stats::kCountNames[static_cast<int>(count)]));
    }
    // A row's size on the wire: its bytes, a tag and a length.
    const size_t row_bytes = row.ByteSizeLong() + 8;
    if (out.empty() || static_cast<size_t>(out.back().rows_size()) >= batch ||
        bytes + row_bytes > kMaxImportMessageBytes) {
      api::ImportFiguresRequest& request = out.emplace_back();
      request.set_source(source);
      request.set_status(status);
      request.set_known_date(known_date);
      request.set_codes_year(parsed.codes_year);
      bytes = request.ByteSizeLong();
    }
    *out.back().add_rows() = std::move(row);
    bytes += row_bytes;
  }
  return out;
}

}  // namespace imdi::import
