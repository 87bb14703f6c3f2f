// The statistics domain's core types: regions, subjects (whose figures),
// figure values with explicit "unknown", and versioned figure records.
//
// Plain values; no gRPC, no RocksDB. Thread-compatible.
#ifndef IMDI_STATS_DOMAIN_FIGURES_H_
#define IMDI_STATS_DOMAIN_FIGURES_H_

#include "absl/strings/string_view.h"
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace imdi::stats {

// Years the service accepts.
inline constexpr int kMinYear = 1990;
inline constexpr int kMaxYear = 2100;

// IMDi's six regions. The numbers are stored; never renumber.
enum class ImdiRegion : int {
  kUnknown = 0,
  kOst = 1,
  kIndreOst = 2,
  kSor = 3,
  kVest = 4,
  kMidtNorge = 5,
  kNord = 6,
};
inline constexpr int kNumRegions = 6;

// "IMDi Øst", ... ; "" for kUnknown.
absl::string_view RegionName(ImdiRegion region);
// "OST", "INDRE_OST", ... ; "" for kUnknown.
absl::string_view RegionCode(ImdiRegion region);
// Accepts the code ("MIDT_NORGE"), the API enum name
// ("IMDI_REGION_MIDT_NORGE"), the full name ("IMDi Midt-Norge") or the short
// name ("Midt-Norge"). nullopt when none matches.
std::optional<ImdiRegion> ParseRegion(absl::string_view text);

// How final a set of figures is. The numbers are stored; never renumber.
enum class FiguresStatus : int { kUnspecified = 0, kPreliminary = 1, kFinal = 2 };

// The county (fylke) name for a two-digit county number, across the
// classifications of 1994-2024 ("" when not a county number).
absl::string_view CountyName(int county);

// Whose figures a record holds: one municipality (by its identity code), or
// the published totals of the country, a county or an IMDi region.
struct Subject {
  // The numbers are part of the storage key; never renumber.
  enum class Kind : uint8_t {
    kMunicipality = 1,
    kCountry = 2,
    kCounty = 3,
    kImdiRegion = 4,
  };
  Kind kind = Kind::kMunicipality;
  // Municipality code, county number, region number, or 0 for the country.
  int id = 0;

  static Subject Municipality(int code) { return {Kind::kMunicipality, code}; }
  static Subject Country() { return {Kind::kCountry, 0}; }
  static Subject County(int county) { return {Kind::kCounty, county}; }
  static Subject Region(ImdiRegion region) {
    return {Kind::kImdiRegion, static_cast<int>(region)};
  }
  bool is_municipality() const { return kind == Kind::kMunicipality; }
  auto operator<=>(const Subject&) const = default;
};

// A readable name such as "municipality 0906", "county 09", "IMDi Sør".
std::string DescribeSubject(const Subject& subject);

// The counted figures. The numbers index FigureValues; reorder freely (the
// storage and API map them by name).
enum class Count : int {
  kPopulation,
  kRefugeesRequested,
  kRefugeesDecided,
  kRefugeesSettled,
  kMinorsRequested,
  kMinorsDecided,
  kMinorsSettled,
  kFamilyReunified,
  kIntroFinished,
  kIntroToWorkOrEducation,
  kIntroFollowupTotal,
  kIntroFollowupWorkOrEducation,
};
inline constexpr int kNumCounts = 12;

// Published percents, kept for when the counts behind them are not known.
enum class Percent : int {
  kIntroToWorkOrEducation,
  kIntroFollowupWorkOrEducation,
};
inline constexpr int kNumPercents = 2;

// Field names, shared by the API, the storage schema and the importers:
// "population", ..., "intro_to_work_or_education_pct".
extern const std::array<absl::string_view, kNumCounts> kCountNames;
extern const std::array<absl::string_view, kNumPercents> kPercentNames;

// The count named `name`, if any.
std::optional<Count> CountByName(absl::string_view name);
// The percent named `name`, if any.
std::optional<Percent> PercentByName(absl::string_view name);

// A set of figures; each one is either known or absent (unknown). Absent is
// never the same as 0.
struct FigureValues {
  std::array<std::optional<int64_t>, kNumCounts> counts;
  std::array<std::optional<double>, kNumPercents> percents;

  std::optional<int64_t>& operator[](Count c) {
    return counts[static_cast<int>(c)];
  }
  const std::optional<int64_t>& operator[](Count c) const {
    return counts[static_cast<int>(c)];
  }
  std::optional<double>& operator[](Percent p) {
    return percents[static_cast<int>(p)];
  }
  const std::optional<double>& operator[](Percent p) const {
    return percents[static_cast<int>(p)];
  }
  bool empty() const;
  bool operator==(const FigureValues&) const = default;
};

// One revision of the figures of a subject for a year.
struct FiguresRecord {
  Subject subject;
  int year = 0;
  FigureValues values;
  FiguresStatus status = FiguresStatus::kUnspecified;
  std::string source;
  std::string note;
  // Set when written: revision 1 is the first write of (subject, year).
  int64_t revision = 0;
  uint64_t data_version = 0;
  absl::Time update_time;
  // Read only, never stored: figures summed from the municipalities that
  // later merged into this one (see harmonise.h), and those parts.
  bool harmonised = false;
  std::vector<FiguresRecord> harmonised_parts;

  // Same figures, status, source and note (ignores revision metadata).
  bool SameContent(const FiguresRecord& other) const;

  // At least the bytes the record takes in a reply (numbers, codes, names of
  // at most kMaxNameBytes, etag, times, and its texts): what pages and
  // stream messages are cut by.
  size_t ReplyBytes() const {
    size_t bytes = 512 + source.size() + note.size();
    for (const FiguresRecord& part : harmonised_parts) bytes += part.ReplyBytes();
    return bytes;
  }
};

// Opaque tag of a record's revision (AIP-154): changes with every write.
std::string FiguresEtag(const FiguresRecord& record);

// 64-bit FNV-1a; stable across processes (unlike absl::Hash), used for etags
// and page-token fingerprints.
uint64_t StableHash(absl::string_view bytes, uint64_t seed = 0);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_FIGURES_H_
