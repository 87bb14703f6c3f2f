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

namespace {

api::ImportRow RowOf(const ImportRecord& record) {
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
  stats::ValuesToProto(record.values, stats::FigureFieldsOf<api::Figures>(), *figures);
  figures->set_source(record.source);
  figures->set_note(record.note);
  for (stats::Count count : record.absent_counts) {
    row.add_absent_fields(std::string(stats::kCountNames[static_cast<int>(count)]));
  }
  return row;
}

}  // namespace

ImportRequestBuilder::ImportRequestBuilder(const ParsedFile& parsed, const std::string& source_name,
                                           api::FiguresStatus status, size_t batch,
                                           const std::string& known_date)
    : parsed_(parsed),
      source_(CleanText(source_name, kMaxLineBytes)),
      status_(status),
      batch_(std::max<size_t>(batch, 1)),
      known_date_(known_date) {
  order_.resize(parsed_.records.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [this](size_t a, size_t b) {
    return Group(parsed_.records[a]) < Group(parsed_.records[b]);
  });
}

std::pair<int, std::string> ImportRequestBuilder::Group(const ImportRecord& record) const {
  const int status = record.status ? static_cast<int>(*record.status) : static_cast<int>(status_);
  return {status, record.known_date.empty() ? known_date_ : record.known_date};
}

bool ImportRequestBuilder::Next(api::ImportFiguresRequest& request) {
  if (next_ >= order_.size()) return false;
  request.Clear();
  const std::pair<int, std::string> group = Group(parsed_.records[order_[next_]]);
  request.set_source(source_);
  request.set_status(static_cast<api::FiguresStatus>(group.first));
  request.set_known_date(group.second);
  request.set_codes_year(parsed_.codes_year);
  size_t bytes = request.ByteSizeLong();
  while (next_ < order_.size() && static_cast<size_t>(request.rows_size()) < batch_ &&
         Group(parsed_.records[order_[next_]]) == group) {
    api::ImportRow row = RowOf(parsed_.records[order_[next_]]);
    // A row's size on the wire: its bytes, a tag and a length.
    const size_t row_bytes = row.ByteSizeLong() + 8;
    if (request.rows_size() > 0 && bytes + row_bytes > kMaxImportMessageBytes) break;
    *request.add_rows() = std::move(row);
    bytes += row_bytes;
    ++next_;
  }
  return true;
}

std::vector<api::ImportFiguresRequest> ImportRequests(const ParsedFile& parsed,
                                                      const std::string& source_name,
                                                      api::FiguresStatus status, size_t batch,
                                                      const std::string& known_date) {
  ImportRequestBuilder builder(parsed, source_name, status, batch, known_date);
  std::vector<api::ImportFiguresRequest> out;
  api::ImportFiguresRequest request;
  while (builder.Next(request)) out.push_back(std::move(request));
  return out;
}

}  // namespace imdi::import
