#include "award-service/domain/norwegian.h"

#include <array>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/imdi_region.h"

namespace imdi::award::norwegian {

namespace {

// Groups the digits of a non-negative integer in threes from the right.
std::string GroupDigits(absl::string_view digits) {
  if (digits.size() < 4) return std::string(digits);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(' ');
    out.push_back(digits[i]);
  }
  return out;
}

// "1,2" from 1.2: one decimal with a decimal comma.
std::string OneDecimal(double value) {
  std::string s = absl::StrFormat("%.1f", value);
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  if (s == "-0,0") s = "0,0";
  return s;
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string FormatCount(double value) {
  if (!std::isfinite(value)) return "";
  const double rounded = std::round(value);
  std::string digits = absl::StrFormat("%.0f", std::fabs(rounded));
  std::string grouped = GroupDigits(digits);
  if (rounded < 0 && digits != "0") return absl::StrCat("-", grouped);
  return grouped;
}

std::string FormatPercent(double value) {
  if (!std::isfinite(value)) return "";
  return absl::StrCat(OneDecimal(value), " %");
}

std::string FormatDate(absl::string_view iso_date) {
  static constexpr std::array<const char*, 12> kMonths = {
      "januar", "februar", "mars",      "april",   "mai",      "juni",
      "juli",   "august",  "september", "oktober", "november", "desember"};
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') {
    return std::string(iso_date);
  }
  const absl::string_view year = iso_date.substr(0, 4);
  const absl::string_view month = iso_date.substr(5, 2);
  const absl::string_view day = iso_date.substr(8, 2);
  int y = 0, m = 0, d = 0;
  if (!AllDigits(year) || !AllDigits(month) || !AllDigits(day) || !absl::SimpleAtoi(year, &y) ||
      !absl::SimpleAtoi(month, &m) || !absl::SimpleAtoi(day, &d) || m < 1 || m > 12 || d < 1 ||
      d > kDays[m - 1]) {
    return std::string(iso_date);
  }
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::string(iso_date);
  return absl::StrCat(d, ". ", kMonths[m - 1], " ", year);
}

std::string JoinList(const std::vector<std::string>& items) {
  size_t size = 0;
  for (const std::string& item : items) size += item.size() + 4;
  std::string out;
  out.reserve(size);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(i + 1 == items.size() ? " og " : ", ");
    out.append(items[i]);
  }
  return out;
}

std::string RegionName(stats::v1::ImdiRegion region) { return std::string(ImdiRegionName(region)); }

std::string FieldPhrase(absl::string_view field) {
  struct Phrase {
    absl::string_view field;
    absl::string_view phrase;
  };
  static constexpr Phrase kPhrases[] = {
      {"population", "innbyggere"},
      {"refugees_requested", "flyktninger IMDi anmodet kommunen om å bosette"},
      {"refugees_decided", "flyktninger kommunen vedtok å bosette"},
      {"refugees_settled", "bosatte flyktninger"},
      {"minors_requested", "enslige mindreårige IMDi anmodet kommunen om å bosette"},
      {"minors_decided", "enslige mindreårige kommunen vedtok å bosette"},
      {"minors_settled", "bosatte enslige mindreårige"},
      {"family_reunified", "familiegjenforente"},
      {"intro_finished", "deltakere som avsluttet introduksjonsprogrammet"},
      {"intro_to_work_or_education", "deltakere som gikk direkte over i arbeid eller utdanning"},
      {"intro_followup_total", "deltakere som ble fulgt opp ett år etter introduksjonsprogrammet"},
      {"intro_followup_work_or_education",
       "deltakere som var i arbeid eller utdanning ett år etter introduksjonsprogrammet"},
      {"intro_to_work_or_education_pct",
       "andelen av deltakerne i introduksjonsprogrammet som gikk direkte over i arbeid eller "
       "utdanning"},
      {"intro_followup_work_or_education_pct",
       "andelen av deltakerne i introduksjonsprogrammet som var i arbeid eller utdanning ett år "
       "etter"},
  };
  for (const Phrase& p : kPhrases) {
    if (p.field == field) return std::string(p.phrase);
  }
  return std::string(field);
}

std::string NumberWord(int n) {
  static constexpr std::array<const char*, 13> kWords = {
      "", "én", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv"};
  if (n >= 1 && n <= 12) return kWords[n];
  return absl::StrCat(n);
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1000) return absl::StrCat(bytes < 0 ? 0 : bytes, " byte");
  const double b = static_cast<double>(bytes);
  if (bytes < 1000 * 1000) return absl::StrCat(FormatCount(b / 1e3), " kB");
  if (bytes < int64_t{1000} * 1000 * 1000) return absl::StrCat(OneDecimal(b / 1e6), " MB");
  return absl::StrCat(OneDecimal(b / 1e9), " GB");
}

bool IsPercentFigure(const v1::CitedFigure& figure) {
  switch (figure.kind()) {
    case v1::CITED_FIGURE_KIND_SHARE_OF_REGION:
    case v1::CITED_FIGURE_KIND_SHARE_OF_COUNTY:
    case v1::CITED_FIGURE_KIND_SHARE_OF_COUNTRY:
    case v1::CITED_FIGURE_KIND_RATIO:
      return true;
    default:
      return absl::EndsWith(figure.field(), "_pct");
  }
}

std::string SortKey(absl::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      // Æ æ, Ø ø, Å å: after every ASCII letter ('{' follows 'z').
      const unsigned char d = static_cast<unsigned char>(name[i + 1]);
      const char* letter = (d == 0x86 || d == 0xA6)   ? "{a"
                           : (d == 0x98 || d == 0xB8) ? "{b"
                           : (d == 0x85 || d == 0xA5) ? "{c"
                                                      : nullptr;
      if (letter != nullptr) {
        key.append(letter);
        ++i;
        continue;
      }
    }
    key.push_back(static_cast<char>(absl::ascii_tolower(c)));
  }
  return key;
}

std::string FormatFigure(const v1::CitedFigure& figure) {
  if (!figure.has_value()) return "";
  return IsPercentFigure(figure) ? FormatPercent(figure.value()) : FormatCount(figure.value());
}

std::string DenominatorSource(absl::string_view source) {
  if (source == "published total") return "publisert totaltall";
  static constexpr absl::string_view kSumOf = "sum of ";
  static constexpr absl::string_view kMunicipalities = " municipalities";
  static constexpr absl::string_view kMunicipality = " municipality";
  if (absl::StartsWith(source, kSumOf)) {
    absl::string_view rest = source.substr(kSumOf.size());
    if (absl::EndsWith(rest, kMunicipalities)) {
      rest.remove_suffix(kMunicipalities.size());
      if (AllDigits(rest)) return absl::StrCat("sum av ", rest, " kommuner");
    } else if (absl::EndsWith(rest, kMunicipality)) {
      rest.remove_suffix(kMunicipality.size());
      if (AllDigits(rest)) return absl::StrCat("sum av ", rest, " kommune");
    }
  }
  return std::string(source);
}

}  // namespace imdi::award::norwegian
