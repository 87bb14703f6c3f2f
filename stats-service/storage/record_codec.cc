#include "stats-service/storage/record_codec.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "imdi/stats/storage/v1/storage.pb.h"
#include "stats-service/domain/validation.h"
#include "stats-service/proto/figure_values_proto.h"

namespace imdi::stats {
namespace {

namespace schema = ::imdi::stats::storage::v1;

int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

}  // namespace

std::string EncodeFiguresValue(const FiguresRecord& record) {
  schema::StoredFigures stored;
  ValuesToProto(record.values, FigureFieldsOf<schema::StoredFigures>(), stored);
  stored.set_status(static_cast<int32_t>(record.status));
  stored.set_source(record.source);
  stored.set_note(record.note);
  stored.set_revision(record.revision);
  stored.set_data_version(static_cast<int64_t>(record.data_version));
  stored.set_update_time_micros(ToMicros(record.update_time));
  stored.set_known_date(record.known_date);
  stored.set_partial(record.partial);
  for (const FieldSource& f : record.field_sources) {
    schema::StoredFieldSource* out = stored.add_field_sources();
    out->set_field(std::string(FieldName(f.field)));
    out->set_source(f.source);
    out->set_line(f.line);
  }
  stored.set_principal(record.principal);
  stored.set_request_id(record.request_id);
  return stored.SerializeAsString();
}

absl::StatusOr<FiguresRecord> DecodeFiguresValue(const Subject& subject, int year,
                                                 absl::string_view bytes) {
  schema::StoredFigures stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("undecodable figures value for ", DescribeSubject(subject),
                     " ", year));
  }
  FiguresRecord record;
  record.subject = subject;
  record.year = year;
  record.values = ValuesFromProto(stored, FigureFieldsOf<schema::StoredFigures>());
  record.status = static_cast<FiguresStatus>(stored.status());
  record.source = stored.source();
  record.note = stored.note();
  record.revision = stored.revision();
  record.data_version = static_cast<uint64_t>(stored.data_version());
  record.update_time = FromMicros(stored.update_time_micros());
  record.known_date = stored.known_date();
  record.partial = stored.partial();
  for (const schema::StoredFieldSource& f : stored.field_sources()) {
    std::optional<int> field = FieldByName(f.field());
    if (!field) {
      return absl::DataLossError(absl::StrCat("unknown field \"", f.field(), "\" in figures of ",
                                              DescribeSubject(subject), " ", year));
    }
    record.field_sources.push_back(FieldSource::Of(*field, f.source(), f.line()));
  }
  record.principal = stored.principal();
  record.request_id = stored.request_id();
  return record;
}

std::string EncodeMunicipalityValue(const Municipality& m) {
  schema::StoredMunicipality stored;
  stored.set_id(m.id);
  stored.set_code(FormatCode(m.code));
  stored.set_name(m.name);
  stored.set_imdi_region(static_cast<int32_t>(m.region));
  for (const CodePeriod& period : m.codes) {
    auto* out = stored.add_codes();
    out->set_code(FormatCode(period.code));
    out->set_name(period.name);
    if (period.valid_from) out->set_valid_from_year(*period.valid_from);
    if (period.valid_to) out->set_valid_to_year(*period.valid_to);
  }
  for (int p : m.predecessors) stored.add_predecessor_codes(FormatCode(p));
  if (m.successor) stored.set_successor_code(FormatCode(*m.successor));
  stored.set_note(m.note);
  stored.set_revision(m.revision);
  stored.set_data_version(static_cast<int64_t>(m.data_version));
  stored.set_update_time_micros(ToMicros(m.update_time));
  return stored.SerializeAsString();
}

absl::StatusOr<Municipality> DecodeMunicipalityValue(absl::string_view bytes) {
  schema::StoredMunicipality stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("undecodable municipality value");
  }
  auto code = [](const std::string& text) -> absl::StatusOr<int> {
    std::optional<int> parsed = ParseDigits(text, 4);
    if (!parsed) return absl::DataLossError(absl::StrCat("stored code \"", text, "\""));
    return *parsed;
  };
  Municipality m;
  m.id = stored.id();
  IMDI_ASSIGN_OR_RETURN(m.code, code(stored.code()));
  m.name = stored.name();
  m.region = static_cast<ImdiRegion>(stored.imdi_region());
  for (const auto& period : stored.codes()) {
    CodePeriod out{0, period.name(), std::nullopt, std::nullopt};
    IMDI_ASSIGN_OR_RETURN(out.code, code(period.code()));
    if (period.has_valid_from_year()) out.valid_from = period.valid_from_year();
    if (period.has_valid_to_year()) out.valid_to = period.valid_to_year();
    m.codes.push_back(std::move(out));
  }
  for (const std::string& p : stored.predecessor_codes()) {
    IMDI_ASSIGN_OR_RETURN(int predecessor, code(p));
    m.predecessors.push_back(predecessor);
  }
  if (!stored.successor_code().empty()) {
    IMDI_ASSIGN_OR_RETURN(m.successor, code(stored.successor_code()));
  }
  m.note = stored.note();
  m.revision = stored.revision();
  m.data_version = static_cast<uint64_t>(stored.data_version());
  m.update_time = FromMicros(stored.update_time_micros());
  return m;
}

}  // namespace imdi::stats
