#include "stats-service/domain/figures.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace imdi::stats {
namespace {

struct RegionInfo {
  ImdiRegion region;
  absl::string_view code;
  absl::string_view name;
};

constexpr std::array<RegionInfo, kNumRegions> kRegions = {{
    {ImdiRegion::kOst, "OST", "IMDi Øst"},
    {ImdiRegion::kIndreOst, "INDRE_OST", "IMDi Indre Øst"},
    {ImdiRegion::kSor, "SOR", "IMDi Sør"},
    {ImdiRegion::kVest, "VEST", "IMDi Vest"},
    {ImdiRegion::kMidtNorge, "MIDT_NORGE", "IMDi Midt-Norge"},
    {ImdiRegion::kNord, "NORD", "IMDi Nord"},
}};

}  // namespace

const std::array<absl::string_view, kNumCounts> kCountNames = {
    "population",
    "refugees_requested",
    "refugees_decided",
    "refugees_settled",
    "minors_requested",
    "minors_decided",
    "minors_settled",
    "family_reunified",
    "intro_finished",
    "intro_to_work_or_education",
    "intro_followup_total",
    "intro_followup_work_or_education",
};

const std::array<absl::string_view, kNumPercents> kPercentNames = {
    "intro_to_work_or_education_pct",
    "intro_followup_work_or_education_pct",
};

absl::string_view RegionName(ImdiRegion region) {
  for (const RegionInfo& info : kRegions) {
    if (info.region == region) return info.name;
  }
  return "";
}

absl::string_view RegionCode(ImdiRegion region) {
  for (const RegionInfo& info : kRegions) {
    if (info.region == region) return info.code;
  }
  return "";
}

std::optional<ImdiRegion> ParseRegion(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  for (const RegionInfo& info : kRegions) {
    absl::string_view short_name = info.name.substr(5);  // after "IMDi "
    if (text == info.code || text == absl::StrCat("IMDI_REGION_", info.code) ||
        text == info.name || text == short_name) {
      return info.region;
    }
  }
  return std::nullopt;
}

absl::string_view CountyName(int county) {
  switch (county) {
    case 1: return "Østfold";
    case 2: return "Akershus";
    case 3: return "Oslo";
    case 4: return "Hedmark";
    case 5: return "Oppland";
    case 6: return "Buskerud";
    case 7: return "Vestfold";
    case 8: return "Telemark";
    case 9: return "Aust-Agder";
    case 10: return "Vest-Agder";
    case 11: return "Rogaland";
    case 12: return "Hordaland";
    case 14: return "Sogn og Fjordane";
    case 15: return "Møre og Romsdal";
    case 16: return "Sør-Trøndelag";
    case 17: return "Nord-Trøndelag";
    case 18: return "Nordland";
    case 19: return "Troms";
    case 20: return "Finnmark";
    case 30: return "Viken";
    case 31: return "Østfold";
    case 32: return "Akershus";
    case 33: return "Buskerud";
    case 34: return "Innlandet";
    case 38: return "Vestfold og Telemark";
    case 39: return "Vestfold";
    case 40: return "Telemark";
    case 42: return "Agder";
    case 46: return "Vestland";
    case 50: return "Trøndelag";
    case 54: return "Troms og Finnmark";
    case 55: return "Troms";
    case 56: return "Finnmark";
    case 99: return "Uoppgitt fylke";
    default: return "";
  }
}

std::string DescribeSubject(const Subject& subject) {
  switch (subject.kind) {
    case Subject::Kind::kMunicipality:
      return absl::StrFormat("municipality %04d", subject.id);
    case Subject::Kind::kCountry:
      return "the country";
    case Subject::Kind::kCounty:
      return absl::StrFormat("county %02d", subject.id);
    case Subject::Kind::kImdiRegion:
      return std::string(RegionName(static_cast<ImdiRegion>(subject.id)));
  }
  return "?";
}

std::optional<Count> CountByName(absl::string_view name) {
  for (int i = 0; i < kNumCounts; ++i) {
    if (kCountNames[i] == name) return static_cast<Count>(i);
  }
  return std::nullopt;
}

std::optional<Percent> PercentByName(absl::string_view name) {
  for (int i = 0; i < kNumPercents; ++i) {
    if (kPercentNames[i] == name) return static_cast<Percent>(i);
  }
  return std::nullopt;
}

absl::string_view FieldName(int field) {
  if (field >= 0 && field < kNumCounts) return kCountNames[field];
  if (field >= kNumCounts && field < kStatusField) return kPercentNames[field - kNumCounts];
  if (field == kStatusField) return "status";
  if (field == kNoteField) return "note";
  return "";
}

std::optional<int> FieldByName(absl::string_view name) {
  for (int f = 0; f < kNumFields; ++f) {
    if (FieldName(f) == name) return f;
  }
  return std::nullopt;
}

bool FigureValues::empty() const {
  for (const auto& c : counts) {
    if (c.has_value()) return false;
  }
  for (const auto& p : percents) {
    if (p.has_value()) return false;
  }
  return true;
}

uint64_t StableHash(absl::string_view bytes, uint64_t seed) {
  uint64_t hash = 14695981039346656037ULL ^ seed;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string FiguresEtag(const FiguresRecord& record) {
  const std::string identity =
      absl::StrCat(static_cast<int>(record.subject.kind), ":", record.subject.id,
                   ":", record.year, ":", record.data_version, ":", record.revision, ":",
                   record.known_date);
  return absl::StrFormat("%016x", StableHash(identity));
}

}  // namespace imdi::stats
