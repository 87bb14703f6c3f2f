#include "stats-service/domain/export.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "stats-service/domain/municipality.h"
#include "stats-service/domain/revisions.h"

namespace imdi::stats {

const char kExportAttribution[] =
    "Figures: IMDi (Integrerings- og mangfoldsdirektoratet), \"tall og statistikk\" "
    "(imdikator) and imdi.no, NLOD licence. Municipality codes and names: Statistics "
    "Norway (SSB), classification of municipalities (KLASS), CC BY 4.0.";

const std::vector<ExportMeasure>& ExportMeasures() {
  static const std::vector<ExportMeasure>* measures = [] {
    auto* m = new std::vector<ExportMeasure>{
        {"population", "Folkemengde", "Population", false},
        {"refugees_requested", "Anmodning om bosetting av flyktninger (anmodning)",
         "Refugees the municipality was asked to settle (request)", false},
        {"refugees_decided", "Vedtak om bosetting av flyktninger (vedtak)",
         "Refugees the municipality decided to settle (decision)", false},
        {"refugees_settled", "Bosatte flyktninger (bosatt)", "Refugees settled", false},
        {"minors_requested", "Anmodning, enslige mindreårige",
         "Unaccompanied minors, request", false},
        {"minors_decided", "Vedtak, enslige mindreårige", "Unaccompanied minors, decision",
         false},
        {"minors_settled", "Bosatte enslige mindreårige", "Unaccompanied minors settled", false},
        {"family_reunified", "Familiegjenforente", "Family reunified", false},
        {"intro_finished", "Avsluttet introduksjonsprogrammet",
         "Left the introduction programme", false},
        {"intro_to_work_or_education", "Direkte til arbeid eller utdanning",
         "Directly to work or education", false},
        {"intro_followup_total", "Avsluttet, fulgt opp ett år etter",
         "Left the programme, followed up one year after", false},
        {"intro_followup_work_or_education", "I arbeid eller utdanning ett år etter",
         "In work or education one year after", false},
        {"intro_to_work_or_education_pct", "Direkte til arbeid eller utdanning (prosent)",
         "Directly to work or education (percent)", true},
        {"intro_followup_work_or_education_pct", "I arbeid eller utdanning ett år etter (prosent)",
         "In work or education one year after (percent)", true},
    };
    return m;
  }();
  return *measures;
}

namespace {

// The value of measure `i` (ExportMeasures() order) as text, or nullopt.
std::optional<std::string> ValueText(const FigureValues& values, size_t i) {
  if (i < static_cast<size_t>(kNumCounts)) {
    const std::optional<int64_t>& v = values.counts[i];
    if (!v) return std::nullopt;
    return absl::StrCat(*v);
  }
  const std::optional<double>& v = values.percents[i - kNumCounts];
  if (!v) return std::nullopt;
  return ShortestDouble(*v);
}

absl::string_view StatusWord(FiguresStatus status) {
  switch (status) {
    case FiguresStatus::kPreliminary:
      return "preliminary";
    case FiguresStatus::kFinal:
      return "final";
    case FiguresStatus::kUnspecified:
      break;
  }
  return "";
}

}  // namespace

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);  // UTF-8 passes through
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string ShortestDouble(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

absl::StatusOr<std::unique_ptr<FiguresExport>> FiguresExport::Start(const StatsCore& core,
                                                                    ExportQuery query) {
  if (query.years.empty() || query.years.size() > kMaxExportYears) {
    return InvalidFieldError("years", absl::StrCat("give from 1 to ", kMaxExportYears, " years"));
  }
  if (query.municipality_codes.size() > kMaxExportMunicipalities) {
    return InvalidFieldError("municipality_codes",
                             absl::StrCat("at most ", kMaxExportMunicipalities, " codes"));
  }
  std::sort(query.years.begin(), query.years.end());
  query.years.erase(std::unique(query.years.begin(), query.years.end()), query.years.end());
  IMDI_ASSIGN_OR_RETURN(
      std::unique_ptr<StatsCore::FiguresCursor> cursor,
      core.StreamFigures(absl::StrCat("year >= ", query.years.front(),
                                      " AND year <= ", query.years.back()),
                         query.as_of));
  const MunicipalityDirectory& directory = cursor->directory();
  std::set<int> named;
  for (int code : query.municipality_codes) {
    IMDI_ASSIGN_OR_RETURN(const Municipality* m, directory.Resolve(code));
    named.insert(m->id);
  }
  std::vector<int> ids;
  for (const auto& [id, m] : directory.all()) {
    if (!query.municipality_codes.empty() && !named.contains(id)) continue;
    if (query.region && m.region != *query.region) continue;
    const bool existed = std::any_of(query.years.begin(), query.years.end(),
                                     [&m = m](int year) { return m.ExistedIn(year); });
    if (existed) ids.push_back(id);
  }
  return std::unique_ptr<FiguresExport>(
      new FiguresExport(std::move(query), std::move(cursor), std::move(ids)));
}

FiguresExport::FiguresExport(ExportQuery query, std::unique_ptr<StatsCore::FiguresCursor> cursor,
                             std::vector<int> ids)
    : query_(std::move(query)), cursor_(std::move(cursor)), ids_(std::move(ids)) {}

bool FiguresExport::Wanted(const FiguresRecord& record) const {
  return record.subject.is_municipality() &&
         std::binary_search(ids_.begin(), ids_.end(), record.subject.id) &&
         std::binary_search(query_.years.begin(), query_.years.end(), record.year);
}

absl::StatusOr<bool> FiguresExport::Next(size_t min_bytes, std::string& out) {
  if (stage_ == Stage::kDone) return false;
  const size_t start = out.size();
  auto wrote = [&] { return out.size() - start; };
  if (stage_ == Stage::kHeader) {
    Header(out);
    stage_ = Stage::kRecords;
  }
  while (stage_ == Stage::kRecords && wrote() < min_bytes) {
    if (next_ >= chunk_.size()) {
      next_ = 0;
      IMDI_ASSIGN_OR_RETURN(bool more, cursor_->Next(256, chunk_));
      if (!more) {
        stage_ = Stage::kTail;
        break;
      }
    }
    const FiguresRecord& record = chunk_[next_++];
    if (Wanted(record)) Record(record, out);
  }
  if (stage_ == Stage::kTail) {
    if (query_.format == ExportFormat::kJsonStat) {
      const int64_t cells = static_cast<int64_t>(ids_.size() * query_.years.size() *
                                                 ExportMeasures().size());
      // Trailing nulls, a bounded run per call.
      while (next_cell_ < cells && wrote() < min_bytes) {
        JsonNullsUntil(std::min(cells, next_cell_ + 4096), out);
      }
      if (next_cell_ >= cells) {
        Footer(out);
        stage_ = Stage::kDone;
      }
    } else {
      stage_ = Stage::kDone;
    }
  }
  counts_.bytes += static_cast<int64_t>(wrote());
  return true;
}

void FiguresExport::Header(std::string& out) {
  if (query_.format == ExportFormat::kCsv) {
    absl::StrAppend(&out, kExportCsvHeader, "\n");
    return;
  }
  const bool en = query_.language == ExportLanguage::kEnglish;
  const MunicipalityDirectory& directory = cursor_->directory();
  const auto& measures = ExportMeasures();
  absl::StrAppend(
      &out, "{\"version\":\"2.0\",\"class\":\"dataset\",\"label\":",
      JsonString(en ? "Settlement and integration of refugees, by municipality and year"
                    : "Bosetting og integrering av flyktninger, etter kommune og år"),
      ",\"source\":",
      JsonString(en ? "The Directorate of Integration and Diversity (IMDi)"
                    : "Integrerings- og mangfoldsdirektoratet (IMDi)"),
      ",\"id\":[\"Region\",\"Tid\",\"ContentsCode\"],\"size\":[", ids_.size(), ",",
      query_.years.size(), ",", measures.size(),
      "],\"role\":{\"geo\":[\"Region\"],\"time\":[\"Tid\"],\"metric\":[\"ContentsCode\"]},"
      "\"dimension\":{\"Region\":{\"label\":",
      JsonString(en ? "region" : "region"), ",\"category\":{\"index\":{");
  std::string labels;
  for (size_t i = 0; i < ids_.size(); ++i) {
    const Municipality* m = directory.FindById(ids_[i]);
    const std::string code = JsonString(FormatCode(m->code));
    absl::StrAppend(&out, i ? "," : "", code, ":", i);
    absl::StrAppend(&labels, i ? "," : "", code, ":", JsonString(m->name));
  }
  absl::StrAppend(&out, "},\"label\":{", labels, "}}},\"Tid\":{\"label\":",
                  JsonString(en ? "year" : "år"), ",\"category\":{\"index\":{");
  labels.clear();
  for (size_t i = 0; i < query_.years.size(); ++i) {
    const std::string year = absl::StrCat("\"", query_.years[i], "\"");
    absl::StrAppend(&out, i ? "," : "", year, ":", i);
    absl::StrAppend(&labels, i ? "," : "", year, ":", year);
  }
  absl::StrAppend(&out, "},\"label\":{", labels, "}}},\"ContentsCode\":{\"label\":",
                  JsonString(en ? "contents" : "statistikkvariabel"), ",\"category\":{\"index\":{");
  labels.clear();
  std::string units, nb, english;
  for (size_t i = 0; i < measures.size(); ++i) {
    const ExportMeasure& m = measures[i];
    const std::string name = JsonString(m.name);
    const char* sep = i ? "," : "";
    absl::StrAppend(&out, sep, name, ":", i);
    absl::StrAppend(&labels, sep, name, ":", JsonString(en ? m.label_en : m.label_nb));
    absl::StrAppend(&nb, sep, name, ":", JsonString(m.label_nb));
    absl::StrAppend(&english, sep, name, ":", JsonString(m.label_en));
    absl::StrAppend(&units, sep, name, ":{\"base\":",
                    JsonString(m.percent ? (en ? "percent" : "prosent")
                                         : (en ? "persons" : "personer")),
                    ",\"decimals\":", m.percent ? 1 : 0, "}");
  }
  absl::StrAppend(&out, "},\"label\":{", labels, "},\"unit\":{", units,
                  "}},\"extension\":{\"label\":{\"nb\":{", nb, "},\"en\":{", english,
                  "}}}}},\"value\":[");
}

void FiguresExport::JsonNullsUntil(int64_t cell, std::string& out) {
  for (; next_cell_ < cell; ++next_cell_) out.append(next_cell_ ? ",null" : "null");
}

void FiguresExport::Record(const FiguresRecord& record, std::string& out) {
  ++counts_.records;
  const auto& measures = ExportMeasures();
  if (!updated_ || record.update_time > *updated_) updated_ = record.update_time;
  if (query_.format == ExportFormat::kJsonStat) {
    while (ids_[area_] != record.subject.id) ++area_;  // both ascending
    const size_t year = static_cast<size_t>(
        std::lower_bound(query_.years.begin(), query_.years.end(), record.year) -
        query_.years.begin());
    const int64_t first =
        static_cast<int64_t>((area_ * query_.years.size() + year) * measures.size());
    JsonNullsUntil(first, out);
    const char* status = record.status == FiguresStatus::kPreliminary ? "p"
                         : record.status == FiguresStatus::kFinal     ? "f"
                                                                      : nullptr;
    for (size_t i = 0; i < measures.size(); ++i, ++next_cell_) {
      std::optional<std::string> value = ValueText(record.values, i);
      if (next_cell_) out.push_back(',');
      if (!value) {
        out.append("null");
        continue;
      }
      out.append(*value);
      ++counts_.values;
      if (status != nullptr) {
        absl::StrAppend(&status_, status_.empty() ? "" : ",", "\"", next_cell_, "\":\"", status,
                        "\"");
      }
    }
    return;
  }
  const Municipality* m = cursor_->directory().FindById(record.subject.id);
  const CodePeriod* period = m->CodeIn(record.year);
  const std::string prefix =
      absl::StrCat(FormatCode(period ? period->code : m->code), ",",
                   CsvField(period ? period->name : m->name), ",", record.year, ",");
  const std::string suffix =
      absl::StrCat(",", StatusWord(record.status), ",",
                   record.revision > 0 ? FormatKnownDate(EffectiveKnownDate(record)) : "", ",",
                   CsvField(record.note), ",", CsvField(record.source), "\n");
  for (size_t i = 0; i < measures.size(); ++i) {
    std::optional<std::string> value = ValueText(record.values, i);
    if (!value) continue;
    ++counts_.values;
    absl::StrAppend(&out, prefix, measures[i].name, ",", *value, suffix);
  }
}

void FiguresExport::Footer(std::string& out) {
  counts_.cells = next_cell_;
  const bool en = query_.language == ExportLanguage::kEnglish;
  absl::StrAppend(&out, "],\"status\":{", status_, "}");
  if (updated_) {
    absl::StrAppend(&out, ",\"updated\":",
                    JsonString(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *updated_,
                                                absl::UTCTimeZone())));
  }
  absl::StrAppend(
      &out, ",\"note\":[", JsonString(kExportAttribution), ",",
      JsonString(en ? "Unknown values are null (never 0). Status: p = preliminary, f = final."
                    : "Ukjente verdier er null (aldri 0). Status: p = foreløpige, f = endelige."),
      ",",
      JsonString(absl::StrCat(en ? "Data version " : "Dataversjon ", data_version())),
      "],\"extension\":{\"data_version\":", data_version(), ",\"language\":\"",
      en ? "en" : "nb", "\",\"status\":{\"p\":", JsonString(en ? "preliminary" : "foreløpige"),
      ",\"f\":", JsonString(en ? "final" : "endelige"), "}}}\n");
}

}  // namespace imdi::stats
