#include "stats-service/service/api_convert.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "absl/time/clock.h"
#include "stats-service/domain/revisions.h"
#include "stats-service/domain/validation.h"
#include "stats-service/proto/figure_values_proto.h"

namespace imdi::stats {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

bool ValidRegion(api::ImdiRegion region) {
  return region >= api::IMDI_REGION_OST && region <= api::IMDI_REGION_NORD;
}

}  // namespace

absl::StatusOr<Subject> DecodeArea(const api::Area& area, absl::string_view prefix) {
  switch (area.kind()) {
    case api::AREA_KIND_COUNTRY:
      return Subject::Country();
    case api::AREA_KIND_COUNTY: {
      const std::string field = FieldPath(prefix, "county_code");
      IMDI_ASSIGN_OR_RETURN(int county, ParseCountyCode(area.county_code(), field));
      if (CountyName(county).empty()) {
        return InvalidFieldError(
            field, absl::StrCat(Excerpt(area.county_code()), " is not a Norwegian county code"));
      }
      return Subject::County(county);
    }
    case api::AREA_KIND_IMDI_REGION:
      if (!ValidRegion(area.imdi_region())) {
        return InvalidFieldError(FieldPath(prefix, "imdi_region"),
                                 "an IMDi region is required for AREA_KIND_IMDI_REGION");
      }
      return Subject::Region(static_cast<ImdiRegion>(area.imdi_region()));
    default:
      return InvalidFieldError(FieldPath(prefix, "kind"),
                               "AREA_KIND_COUNTRY, AREA_KIND_COUNTY or "
                               "AREA_KIND_IMDI_REGION is required");
  }
}

absl::StatusOr<Subject> DecodeSubject(const std::string& municipality_code, bool has_area,
                                      const api::Area& area) {
  if (!has_area) {
    IMDI_ASSIGN_OR_RETURN(int code, ParseMunicipalityCode(municipality_code, "municipality_code"));
    return Subject::Municipality(code);
  }
  if (!municipality_code.empty()) {
    return InvalidFieldError("area", "set either municipality_code or area, not both");
  }
  return DecodeArea(area, "area");
}

absl::StatusOr<FiguresRecord> DecodeFigures(const api::Figures& figures,
                                            absl::string_view prefix) {
  FiguresRecord record;
  std::vector<FieldViolation> violations;
  const bool has_code = !figures.municipality_code().empty();
  if (has_code && figures.has_area()) {
    violations.push_back({FieldPath(prefix, "area"),
                          "set either municipality_code or area, not both"});
  } else if (figures.has_area()) {
    absl::StatusOr<Subject> area = DecodeArea(figures.area(), FieldPath(prefix, "area"));
    if (area.ok()) {
      record.subject = *area;
    } else {
      for (auto& v : FieldViolations(area.status())) violations.push_back(std::move(v));
    }
  } else {
    absl::StatusOr<int> code = ParseMunicipalityCode(
        figures.municipality_code(), FieldPath(prefix, "municipality_code"));
    if (code.ok()) {
      record.subject = Subject::Municipality(*code);
    } else {
      for (auto& v : FieldViolations(code.status())) violations.push_back(std::move(v));
    }
  }
  record.year = figures.year();
  absl::Status year = ValidateYear(figures.year(), FieldPath(prefix, "year"));
  if (!year.ok()) {
    for (auto& v : FieldViolations(year)) violations.push_back(std::move(v));
  }
  record.values = ValuesFromProto(figures, FigureFieldsOf<api::Figures>());
  if (figures.status() < api::FIGURES_STATUS_UNSPECIFIED ||
      figures.status() > api::FIGURES_STATUS_FINAL) {
    violations.push_back({FieldPath(prefix, "status"), "unknown status value"});
  }
  record.status = static_cast<FiguresStatus>(figures.status());
  record.source = figures.source();
  record.note = figures.note();
  for (auto& v : CheckFiguresText(record.source, record.note, prefix)) {
    violations.push_back(std::move(v));
  }
  absl::StatusOr<int> known_date =
      ParseKnownDate(figures.known_date(), FieldPath(prefix, "known_date"), absl::Now());
  if (known_date.ok()) {
    record.known_date = *known_date;
  } else {
    for (auto& v : FieldViolations(known_date.status())) violations.push_back(std::move(v));
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_FIGURES", violations);
  return record;
}

absl::StatusOr<std::optional<int>> DecodeAsOfKnownDate(absl::string_view text) {
  IMDI_ASSIGN_OR_RETURN(int date, ParseKnownDate(text, "as_of_known_date", absl::Now()));
  if (date == 0) return std::nullopt;
  return date;
}

absl::StatusOr<FiguresMask> DecodeFiguresMask(const google::protobuf::FieldMask& mask,
                                              absl::string_view field) {
  if (mask.paths().empty()) return FiguresMask::All();
  FiguresMask out;
  for (const std::string& path : mask.paths()) {
    if (std::optional<Count> c = CountByName(path)) {
      out.counts.set(static_cast<int>(*c));
    } else if (std::optional<Percent> p = PercentByName(path)) {
      out.percents.set(static_cast<int>(*p));
    } else if (path == "status") {
      out.status = true;
    } else if (path == "source") {
      out.source = true;
    } else if (path == "note") {
      out.note = true;
    } else {
      return InvalidFieldError(field, absl::StrCat(Excerpt(path),
                                                   " cannot be updated; use figure names, status, "
                                                   "source or note"));
    }
  }
  return out;
}

absl::StatusOr<FiguresMask> DecodeAbsentFields(
    const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view field) {
  FiguresMask out;
  for (const std::string& name : names) {
    std::optional<int> index;
    if (std::optional<Count> c = CountByName(name)) {
      index = static_cast<int>(*c);
    } else if (std::optional<Percent> p = PercentByName(name)) {
      index = kNumCounts + static_cast<int>(*p);
    } else {
      return InvalidFieldError(field, absl::StrCat(Excerpt(name),
                                                   " is not a figure; name figures such as "
                                                   "refugees_decided"));
    }
    const bool seen = *index < kNumCounts ? out.counts[*index] : out.percents[*index - kNumCounts];
    if (seen) return InvalidFieldError(field, absl::StrCat(name, " is named twice"));
    if (*index < kNumCounts) {
      out.counts.set(*index);
    } else {
      out.percents.set(*index - kNumCounts);
    }
  }
  return out;
}

absl::StatusOr<Municipality> DecodeMunicipality(const api::Municipality& in,
                                                absl::string_view prefix) {
  std::vector<FieldViolation> violations;
  auto collect = [&](const absl::Status& status) {
    for (auto& v : FieldViolations(status)) violations.push_back(std::move(v));
  };
  Municipality m;
  absl::StatusOr<int> code = ParseMunicipalityCode(in.code(), FieldPath(prefix, "code"));
  if (code.ok()) m.code = *code; else collect(code.status());
  m.name = in.name();
  if (in.imdi_region() != api::IMDI_REGION_UNSPECIFIED && !ValidRegion(in.imdi_region())) {
    violations.push_back({FieldPath(prefix, "imdi_region"), "unknown region value"});
  }
  m.region = static_cast<ImdiRegion>(in.imdi_region());
  for (int i = 0; i < in.code_history_size(); ++i) {
    const api::MunicipalityCode& period = in.code_history(i);
    const std::string field = absl::StrCat(FieldPath(prefix, "code_history"), "[", i, "]");
    CodePeriod out;
    absl::StatusOr<int> c = ParseMunicipalityCode(period.code(), field + ".code");
    if (c.ok()) out.code = *c; else collect(c.status());
    out.name = period.name().empty() ? in.name() : period.name();
    if (period.has_valid_from_year()) out.valid_from = period.valid_from_year();
    if (period.has_valid_to_year()) out.valid_to = period.valid_to_year();
    m.codes.push_back(std::move(out));
  }
  if (m.codes.empty() && code.ok()) {
    // A municipality that never changed code may omit its history.
    m.codes.push_back({m.code, m.name, std::nullopt, std::nullopt});
  }
  for (int i = 0; i < in.predecessors_size(); ++i) {
    absl::StatusOr<int> c = ParseMunicipalityCode(
        in.predecessors(i).code(), absl::StrCat(FieldPath(prefix, "predecessors"), "[", i, "].code"));
    if (c.ok()) m.predecessors.push_back(*c); else collect(c.status());
  }
  if (in.has_successor() && !in.successor().code().empty()) {
    absl::StatusOr<int> c =
        ParseMunicipalityCode(in.successor().code(), FieldPath(prefix, "successor.code"));
    if (c.ok()) m.successor = *c; else collect(c.status());
  }
  m.note = in.note();
  if (!violations.empty()) return InvalidArgumentError("INVALID_MUNICIPALITY", violations);
  return m;
}

void EncodeArea(const Subject& area, api::Area* out) {
  switch (area.kind) {
    case Subject::Kind::kCountry:
      out->set_kind(api::AREA_KIND_COUNTRY);
      out->set_name("Norge");
      break;
    case Subject::Kind::kCounty:
      out->set_kind(api::AREA_KIND_COUNTY);
      out->set_county_code(absl::StrFormat("%02d", area.id));
      out->set_name(std::string(CountyName(area.id)));
      break;
    case Subject::Kind::kImdiRegion:
      out->set_kind(api::AREA_KIND_IMDI_REGION);
      out->set_imdi_region(static_cast<api::ImdiRegion>(area.id));
      out->set_name(std::string(RegionName(static_cast<ImdiRegion>(area.id))));
      break;
    case Subject::Kind::kMunicipality:
      break;
  }
}

void EncodeFigures(const FiguresRecord& record, const MunicipalityDirectory& directory,
                   api::Figures* out, bool field_sources) {
  if (record.subject.is_municipality()) {
    out->set_municipality_code(FormatCode(record.subject.id));
    if (const Municipality* m = directory.FindById(record.subject.id)) {
      out->set_municipality_code(FormatCode(m->code));
      const CodePeriod* period = m->CodeIn(record.year);
      out->set_code_at_the_time(FormatCode(period ? period->code : m->code));
      out->set_municipality_name(period ? period->name : m->name);
      out->set_current_name(m->name);
    }
  } else {
    EncodeArea(record.subject, out->mutable_area());
  }
  out->set_year(record.year);
  ValuesToProto(record.values, FigureFieldsOf<api::Figures>(), *out);
  out->set_status(static_cast<api::FiguresStatus>(record.status));
  out->set_source(record.source);
  out->set_note(record.note);
  out->set_revision(record.revision);
  if (record.revision > 0) {
    out->set_etag(FiguresEtag(record));
    out->set_data_version(static_cast<int64_t>(record.data_version));
    *out->mutable_update_time() = ToTimestamp(record.update_time);
    out->set_known_date(FormatKnownDate(EffectiveKnownDate(record)));
  } else if (record.known_date > 0) {
    // Harmonised figures: known once their newest part was.
    out->set_known_date(FormatKnownDate(record.known_date));
  }
  out->set_harmonised(record.harmonised);
  for (const FiguresRecord& part : record.harmonised_parts) {
    EncodeFigures(part, directory, out->add_harmonised_parts(), field_sources);
  }
  if (!field_sources) return;
  for (const FieldSource& f : record.field_sources) {
    api::FieldSource& source = (*out->mutable_field_sources())[std::string(FieldName(f.field))];
    source.set_source(f.source);
    source.set_line(f.line);
    source.set_data_version(static_cast<int64_t>(f.data_version));
    *source.mutable_update_time() = ToTimestamp(f.update_time);
    source.set_known_date(FormatKnownDate(f.known_date));
    source.set_principal(f.principal);
    source.set_request_id(f.request_id);
  }
}

void EncodeMunicipality(const Municipality& m, const MunicipalityDirectory& directory,
                        api::Municipality* out) {
  out->set_code(FormatCode(m.code));
  out->set_name(m.name);
  out->set_county_code(absl::StrFormat("%02d", m.county()));
  out->set_county_name(std::string(CountyName(m.county())));
  out->set_imdi_region(static_cast<api::ImdiRegion>(m.region));
  for (const CodePeriod& period : m.codes) {
    api::MunicipalityCode* p = out->add_code_history();
    p->set_code(FormatCode(period.code));
    p->set_name(period.name);
    if (period.valid_from) p->set_valid_from_year(*period.valid_from);
    if (period.valid_to) p->set_valid_to_year(*period.valid_to);
  }
  // References hold any code the other municipality had; show its current
  // code and name.
  auto render = [&](int code, api::MunicipalityRef* ref) {
    const Municipality* other = directory.FindByAnyCode(code);
    ref->set_code(FormatCode(other ? other->code : code));
    ref->set_name(other ? other->name : std::string());
  };
  for (int p : m.predecessors) render(p, out->add_predecessors());
  if (m.successor) render(*m.successor, out->mutable_successor());
  if (m.ValidFrom()) out->set_valid_from_year(*m.ValidFrom());
  if (m.ValidTo()) out->set_valid_to_year(*m.ValidTo());
  out->set_note(m.note);
  out->set_revision(m.revision);
  if (m.revision > 0) {
    out->set_etag(MunicipalityEtag(m));
    out->set_data_version(static_cast<int64_t>(m.data_version));
    *out->mutable_update_time() = ToTimestamp(m.update_time);
  }
}

namespace {

// The AggregateValue and AggregateRatio fields of GetAggregateResponse,
// named like the domain's counts and ratios; looked up once, and a missing
// one stops the service at its first aggregate rather than misreport.
struct AggregateFields {
  std::array<const google::protobuf::FieldDescriptor*, kNumCounts> counts{};
  std::array<const google::protobuf::FieldDescriptor*, kNumRatios> ratios{};

  AggregateFields() {
    const auto* descriptor = api::GetAggregateResponse::descriptor();
    auto require = [&](absl::string_view name, const google::protobuf::Descriptor* type) {
      const auto* field = descriptor->FindFieldByName(std::string(name));
      if (field == nullptr || field->message_type() != type) {
        std::fprintf(stderr, "GetAggregateResponse lacks the field %s\n", std::string(name).c_str());
        std::abort();
      }
      return field;
    };
    for (int i = 0; i < kNumCounts; ++i) {
      counts[i] = require(kCountNames[i], api::AggregateValue::descriptor());
    }
    for (int r = 0; r < kNumRatios; ++r) {
      ratios[r] = require(kRatios[r].name, api::AggregateRatio::descriptor());
    }
  }
};

}  // namespace

void EncodeAggregate(const AggregateRead& read, api::GetAggregateResponse* out) {
  static const AggregateFields fields;
  EncodeArea(read.area, out->mutable_area());
  out->set_year(read.year);
  out->set_data_version(static_cast<int64_t>(read.data_version));
  out->set_municipality_count(read.result.municipality_count);
  const auto* reflection = out->GetReflection();
  for (int i = 0; i < kNumCounts; ++i) {
    auto* value =
        static_cast<api::AggregateValue*>(reflection->MutableMessage(out, fields.counts[i]));
    const CountAggregate& agg = read.result.counts[i];
    if (agg.sum) value->set_sum(*agg.sum);
    value->set_municipalities_reported(agg.reported);
    value->set_municipalities_missing(agg.missing);
    if (agg.published) value->set_published(*agg.published);
    if (agg.sum && agg.published) value->set_published_minus_sum(*agg.published - *agg.sum);
    if (agg.unknown_municipality) value->set_unknown_municipality(*agg.unknown_municipality);
    if (agg.unexplained) value->set_unexplained(*agg.unexplained);
    value->set_reconciliation(agg.reconciliation);
  }
  for (int r = 0; r < kNumRatios; ++r) {
    auto* ratio =
        static_cast<api::AggregateRatio*>(reflection->MutableMessage(out, fields.ratios[r]));
    const RatioAggregate& agg = read.result.ratios[r];
    if (agg.value) ratio->set_value(*agg.value);
    ratio->set_municipalities_used(agg.used);
    if (agg.published) ratio->set_published(*agg.published);
  }
}

}  // namespace imdi::stats
