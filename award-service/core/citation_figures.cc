#include "award-service/core/citation_figures.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"

namespace imdi::award {
namespace {

using google::protobuf::FieldDescriptor;

constexpr int kMinYear = 1990;
constexpr int kMaxYear = 2100;
constexpr size_t kMaxFieldBytes = 64;

// The Figures field named `name` if a figure can be cited from it: an
// optional count (int32) or percentage (double), never the record's
// bookkeeping.
const FieldDescriptor* CitableField(absl::string_view name) {
  if (name.empty() || name.size() > kMaxFieldBytes) return nullptr;
  const FieldDescriptor* f =
      stats::v1::Figures::descriptor()->FindFieldByName(std::string(name));
  if (f == nullptr || !f->has_presence() || f->is_repeated()) return nullptr;
  if (f->cpp_type() != FieldDescriptor::CPPTYPE_INT32 &&
      f->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE) {
    return nullptr;
  }
  return f;
}

bool IsCount(const FieldDescriptor* f) {
  return f != nullptr && f->cpp_type() == FieldDescriptor::CPPTYPE_INT32;
}

std::optional<double> FieldValue(const stats::v1::Figures& figures, absl::string_view name) {
  const FieldDescriptor* f = CitableField(name);
  if (f == nullptr) return std::nullopt;
  const auto* reflection = figures.GetReflection();
  if (!reflection->HasField(figures, f)) return std::nullopt;
  return IsCount(f) ? reflection->GetInt32(figures, f) : reflection->GetDouble(figures, f);
}

bool IsShare(v1::CitedFigureKind kind) {
  return kind == v1::CITED_FIGURE_KIND_SHARE_OF_REGION ||
         kind == v1::CITED_FIGURE_KIND_SHARE_OF_COUNTY ||
         kind == v1::CITED_FIGURE_KIND_SHARE_OF_COUNTRY;
}

bool NeedsArea(v1::CitedFigureKind kind) {
  return IsShare(kind) || kind == v1::CITED_FIGURE_KIND_COUNTRY_TOTAL;
}

std::string AreaKey(const stats::v1::Area& area) {
  return absl::StrCat(area.kind(), "/", area.county_code(), "/", area.imdi_region());
}

// The total an area's share is taken of: the published total where one is
// stored, else the sum over its municipalities.
std::optional<double> Total(const AreaTotal& total, std::string* source) {
  if (total.published) {
    *source = "published total";
    return static_cast<double>(*total.published);
  }
  // Without a published total the sum is the total only when every
  // municipality of the area has a value: a sum with values missing is not
  // known, never the missing counted as 0.
  if (total.sum && total.municipalities_missing == 0) {
    *source = total.municipalities_reported == 1
                  ? std::string("sum of 1 municipality")
                  : absl::StrCat("sum of ", total.municipalities_reported, " municipalities");
    return static_cast<double>(*total.sum);
  }
  return std::nullopt;
}

std::string Number(double x) {
  if (x == std::floor(x) && std::abs(x) < 1e15) return absl::StrFormat("%.0f", x);
  return absl::StrFormat("%.1f", x);
}

}  // namespace

std::vector<int> Placeholders(absl::string_view text) {
  std::vector<int> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    size_t j = i + 1;
    int n = 0;
    while (j < text.size() && j - i <= 3 && absl::ascii_isdigit(text[j])) {
      n = n * 10 + (text[j] - '0');
      ++j;
    }
    if (j > i + 1 && j < text.size() && text[j] == '}') {
      out.push_back(n);
      i = j;
    }
  }
  return out;
}

absl::Status CheckFigureRef(const v1::CitedFigure& figure, absl::string_view path) {
  std::vector<FieldViolation> violations;
  auto add = [&](absl::string_view field, std::string why) {
    violations.push_back({absl::StrCat(path, ".", field), std::move(why)});
  };
  const v1::CitedFigureKind kind = figure.kind();
  if (kind == v1::CITED_FIGURE_KIND_UNSPECIFIED || !v1::CitedFigureKind_IsValid(kind)) {
    add("kind", "must say what the figure is (VALUE, SHARE_OF_REGION, ...)");
  }
  if (kind == v1::CITED_FIGURE_KIND_COUNTRY_TOTAL) {
    if (!figure.municipality_code().empty()) {
      add("municipality_code", "the country's total names no municipality");
    }
  } else {
    const std::string& code = figure.municipality_code();
    if (code.size() != 4 || !std::all_of(code.begin(), code.end(), absl::ascii_isdigit)) {
      add("municipality_code", "must be a four-digit municipality code");
    }
  }
  if (figure.year() < kMinYear || figure.year() > kMaxYear) {
    add("year", absl::StrCat("must be between ", kMinYear, " and ", kMaxYear));
  }
  const FieldDescriptor* field = CitableField(figure.field());
  if (field == nullptr) {
    add("field", "must name a figure of the statistics service, e.g. refugees_settled");
  } else if (NeedsArea(kind) && !IsCount(field)) {
    add("field", "a share or a total is taken of a count, e.g. refugees_settled");
  }
  if (kind == v1::CITED_FIGURE_KIND_RATIO) {
    if (!IsCount(CitableField(figure.denominator_field()))) {
      add("denominator_field", "a ratio divides by a count, e.g. refugees_requested");
    }
  } else if (!figure.denominator_field().empty()) {
    add("denominator_field", "only a ratio has a denominator field");
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentError("INVALID_FIELD", violations);
}

v1::CitedFigure FigureReference(const v1::CitedFigure& figure) {
  v1::CitedFigure out;
  out.set_kind(figure.kind());
  out.set_municipality_code(figure.municipality_code());
  out.set_year(figure.year());
  out.set_field(figure.field());
  out.set_denominator_field(figure.denominator_field());
  if (figure.has_stated_value()) out.set_stated_value(figure.stated_value());
  out.set_tolerance(figure.tolerance());
  return out;
}

bool IsPercentFigure(const v1::CitedFigure& figure) {
  if (IsShare(figure.kind()) || figure.kind() == v1::CITED_FIGURE_KIND_RATIO) return true;
  const FieldDescriptor* field = CitableField(figure.field());
  return field != nullptr && !IsCount(field);
}

absl::Status ResolveFigures(Evaluator& evaluator, int64_t version, v1::Citation& citation) {
  std::vector<v1::CitedFigure*> figures;
  for (v1::CitationReason& reason : *citation.mutable_reasons()) {
    for (v1::CitedFigure& f : *reason.mutable_figures()) figures.push_back(&f);
  }
  return ResolveFigureList(evaluator, version, figures);
}

absl::Status ResolveFigureList(Evaluator& evaluator, int64_t version,
                               std::vector<v1::CitedFigure*>& figures) {
  // The municipalities, by the codes the figures name.
  std::vector<std::string> codes;
  for (const v1::CitedFigure* f : figures) {
    if (f->kind() == v1::CITED_FIGURE_KIND_COUNTRY_TOTAL) continue;
    if (std::find(codes.begin(), codes.end(), f->municipality_code()) == codes.end()) {
      codes.push_back(f->municipality_code());
    }
  }
  std::map<std::string, MunicipalityInfo> by_code;
  FiguresByMunicipality records;
  if (!codes.empty()) {
    Evaluator::Listing listing;
    IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> infos,
                          evaluator.Resolve(codes, version, listing));
    for (size_t i = 0; i < codes.size() && i < infos.size(); ++i) {
      by_code.emplace(codes[i], infos[i]);
    }
    // One batch per year cited, of the municipalities cited in it.
    std::map<int, std::vector<std::string>> codes_by_year;
    for (const v1::CitedFigure* f : figures) {
      if (f->kind() == v1::CITED_FIGURE_KIND_COUNTRY_TOTAL) continue;
      std::vector<std::string>& list = codes_by_year[f->year()];
      const std::string& code = by_code.at(f->municipality_code()).code;
      if (std::find(list.begin(), list.end(), code) == list.end()) list.push_back(code);
    }
    for (const auto& [year, list] : codes_by_year) {
      IMDI_ASSIGN_OR_RETURN(FiguresByMunicipality read,
                            evaluator.Figures(list, year, year, version));
      for (auto& [code, years] : read) {
        for (auto& [y, record] : years) records[code][y] = std::move(record);
      }
    }
  }
  // The areas each share or total is taken of, read in one call per field
  // and year.
  std::map<std::pair<std::string, int>, std::vector<stats::v1::Area>> areas;
  std::vector<stats::v1::Area> area_of(figures.size());
  for (size_t i = 0; i < figures.size(); ++i) {
    const v1::CitedFigure& f = *figures[i];
    if (!NeedsArea(f.kind())) continue;
    stats::v1::Area& area = area_of[i];
    if (f.kind() == v1::CITED_FIGURE_KIND_SHARE_OF_REGION) {
      area.set_kind(stats::v1::AREA_KIND_IMDI_REGION);
      area.set_imdi_region(by_code.at(f.municipality_code()).imdi_region);
    } else if (f.kind() == v1::CITED_FIGURE_KIND_SHARE_OF_COUNTY) {
      area.set_kind(stats::v1::AREA_KIND_COUNTY);
      area.set_county_code(by_code.at(f.municipality_code()).CodeIn(f.year()).substr(0, 2));
    } else {
      area.set_kind(stats::v1::AREA_KIND_COUNTRY);
    }
    std::vector<stats::v1::Area>& list = areas[{f.field(), f.year()}];
    if (std::none_of(list.begin(), list.end(), [&](const stats::v1::Area& a) {
          return AreaKey(a) == AreaKey(area);
        })) {
      list.push_back(area);
    }
  }
  std::map<std::tuple<std::string, int, std::string>, AreaTotal> totals;
  for (const auto& [key, list] : areas) {
    IMDI_ASSIGN_OR_RETURN(std::vector<AreaTotal> read,
                          evaluator.AreaTotals(list, key.first, key.second, version));
    for (size_t i = 0; i < list.size() && i < read.size(); ++i) {
      totals[{key.first, key.second, AreaKey(list[i])}] = read[i];
    }
  }

  for (size_t i = 0; i < figures.size(); ++i) {
    v1::CitedFigure& f = *figures[i];
    f = FigureReference(f);  // every resolved field from the read alone
    f.set_data_version(version);
    std::optional<double> numerator;
    std::optional<double> denominator;
    std::string source;
    if (f.kind() != v1::CITED_FIGURE_KIND_COUNTRY_TOTAL) {
      const MunicipalityInfo& info = by_code.at(f.municipality_code());
      f.set_resolved_code(info.code);
      f.set_code_at_the_time(info.CodeIn(f.year()));
      f.set_municipality_name(info.NameIn(f.year()));
      auto m = records.find(info.code);
      if (m != records.end()) {
        auto y = m->second.find(f.year());
        if (y != m->second.end()) {
          f.set_known_date(y->second.known_date());
          numerator = FieldValue(y->second, f.field());
          if (f.kind() == v1::CITED_FIGURE_KIND_RATIO) {
            denominator = FieldValue(y->second, f.denominator_field());
          }
        }
      }
    }
    if (NeedsArea(f.kind())) {
      const auto t = totals.find({f.field(), f.year(), AreaKey(area_of[i])});
      if (t != totals.end()) {
        f.set_area_name(t->second.area_name.empty() &&
                                area_of[i].kind() == stats::v1::AREA_KIND_COUNTRY
                            ? "Norge"
                            : t->second.area_name);
        denominator = Total(t->second, &source);
        f.set_denominator_source(source);
      }
    }
    switch (f.kind()) {
      case v1::CITED_FIGURE_KIND_VALUE:
        if (numerator) f.set_value(*numerator);
        break;
      case v1::CITED_FIGURE_KIND_COUNTRY_TOTAL:
        if (denominator) f.set_value(*denominator);
        break;
      default:  // shares and ratios
        if (numerator) f.set_numerator(*numerator);
        if (denominator) f.set_denominator(*denominator);
        if (numerator && denominator && *denominator > 0) {
          f.set_value(100.0 * *numerator / *denominator);
        }
        break;
    }
  }
  return absl::OkStatus();
}

std::string DescribeFigure(const v1::CitedFigure& f) {
  const std::string who =
      f.municipality_name().empty()
          ? f.municipality_code()
          : absl::StrCat(f.municipality_name(), " (",
                         f.code_at_the_time().empty() ? f.municipality_code()
                                                      : f.code_at_the_time(),
                         ")");
  switch (f.kind()) {
    case v1::CITED_FIGURE_KIND_COUNTRY_TOTAL:
      return absl::StrCat("the country's ", f.field(), " in ", f.year());
    case v1::CITED_FIGURE_KIND_RATIO:
      return absl::StrCat(who, "'s ", f.field(), " of ", f.denominator_field(), " in ",
                          f.year());
    case v1::CITED_FIGURE_KIND_SHARE_OF_REGION:
    case v1::CITED_FIGURE_KIND_SHARE_OF_COUNTY:
    case v1::CITED_FIGURE_KIND_SHARE_OF_COUNTRY:
      return absl::StrCat(who, "'s ", f.field(), " in ", f.year(), " as a share of ",
                          f.area_name().empty() ? "its area" : f.area_name());
    default:
      return absl::StrCat(who, "'s ", f.field(), " in ", f.year());
  }
}

std::string PlainNumber(const v1::CitedFigure& figure, double x) {
  return IsPercentFigure(figure) ? absl::StrFormat("%.1f %%", x) : Number(x);
}

std::string PlainValue(const v1::CitedFigure& f) {
  if (!f.has_value()) return "not known";
  std::string out = PlainNumber(f, f.value());
  if (f.has_numerator() && f.has_denominator()) {
    absl::StrAppend(&out, " (", Number(f.numerator()), " of ", Number(f.denominator()),
                    f.denominator_source().empty() ? "" : ", ", f.denominator_source(), ")");
  } else if (!f.denominator_source().empty()) {
    absl::StrAppend(&out, " (", f.denominator_source(), ")");
  }
  return out;
}

std::string CitationAuditDetail(const v1::Citation& citation) {
  std::string out;
  bool first = true;
  for (int i = 0; i < citation.reasons_size(); ++i) {
    for (const v1::CitedFigure& f : citation.reasons(i).figures()) {
      absl::StrAppend(&out, first ? absl::StrCat("; figures at data version ",
                                                 citation.data_version(), ": ")
                                  : "; ",
                      "reason ", i + 1, ": ", DescribeFigure(f), " = ", PlainValue(f));
      if (f.has_stated_value()) {
        absl::StrAppend(&out, ", stated ", PlainNumber(f, f.stated_value()),
                        f.tolerance() > 0 ? absl::StrFormat(" ± %g", f.tolerance()) : "");
      }
      first = false;
    }
  }
  return out;
}

}  // namespace imdi::award
