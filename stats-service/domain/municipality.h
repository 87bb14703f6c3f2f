// Municipalities (kommuner) followed through their code changes, and the
// directory that resolves any code a municipality ever had to it.
//
// A Municipality has a stable internal id (the store's key, assigned when it
// is first written: its code then, unless taken) and a current code, the
// latest of its code history (Trondheim: 1601 until 2017, then 5001), so a
// renumbering adds a code without moving its figures. Municipalities merged
// into it are predecessors with their own records (Klæbu for Trondheim,
// Flora and Vågsøy for Kinn); references name any code the other
// municipality ever had, which resolves to it for good.
//
// MunicipalityDirectory is immutable once built, so one instance may be read
// from any number of threads; share it through std::shared_ptr<const ...>.
#ifndef IMDI_STATS_DOMAIN_MUNICIPALITY_H_
#define IMDI_STATS_DOMAIN_MUNICIPALITY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "stats-service/domain/figures.h"

namespace imdi::stats {

// One code a municipality had and the years it was valid. An absent bound is
// open: valid since before 1994, or still valid.
struct CodePeriod {
  int code = 0;
  std::string name;
  std::optional<int> valid_from;
  std::optional<int> valid_to;

  bool ValidIn(int year) const {
    return (!valid_from || *valid_from <= year) && (!valid_to || year <= *valid_to);
  }
  bool operator==(const CodePeriod&) const = default;
};

struct Municipality {
  int id = 0;    // stable internal id; 0 until assigned by StatsCore
  int code = 0;  // the current (latest) code
  std::string name;
  ImdiRegion region = ImdiRegion::kUnknown;
  std::vector<CodePeriod> codes;  // oldest first; the last one is `code`
  std::vector<int> predecessors;  // codes of the municipalities merged into this one
  std::optional<int> successor;   // a code of the one this one became part of
  std::string note;
  // Set when written.
  int64_t revision = 0;
  uint64_t data_version = 0;
  absl::Time update_time;

  // First and last year the municipality existed (absent: open).
  std::optional<int> ValidFrom() const;
  std::optional<int> ValidTo() const;
  bool ExistedIn(int year) const;
  // The code period valid in `year`, or nullptr.
  const CodePeriod* CodeIn(int year) const;
  // County number in `year` (the first two digits of that year's code), or
  // of the latest code when it did not exist then.
  int CountyIn(int year) const;
  int county() const { return code / 100; }

  // Same content (ignores revision metadata).
  bool SameContent(const Municipality& other) const;

  // At least the bytes the municipality takes in a reply (see
  // FiguresRecord::ReplyBytes).
  size_t ReplyBytes() const {
    size_t bytes = 512 + name.size() + note.size() + 256 * (predecessors.size() + 1);
    for (const CodePeriod& period : codes) bytes += 32 + period.name.size();
    return bytes;
  }
};

// Opaque tag of a municipality's revision (AIP-154).
std::string MunicipalityEtag(const Municipality& municipality);

// "0906"; codes are always four digits with leading zeros.
std::string FormatCode(int code);

class MunicipalityDirectory {
 public:
  // Fails with FAILED_PRECONDITION when two municipalities claim one code.
  static absl::StatusOr<std::shared_ptr<const MunicipalityDirectory>> Build(
      std::vector<Municipality> municipalities);

  // The municipality that ever had `code`, or nullptr.
  const Municipality* FindByAnyCode(int code) const;
  // The municipality with internal id `id`, or nullptr.
  const Municipality* FindById(int id) const;

  // The municipality that ever had `code`; NOT_FOUND (reason
  // UNKNOWN_MUNICIPALITY) when none did.
  absl::StatusOr<const Municipality*> Resolve(int code) const;

  // Like Resolve, and the municipality must have existed in `year`;
  // otherwise NOT_FOUND (reason MUNICIPALITY_NOT_IN_YEAR) explaining what it
  // was then (merged from ..., became part of ...).
  absl::StatusOr<const Municipality*> ResolveInYear(int code, int year) const;

  // Ids of the municipalities that belonged to `area` in `year`,
  // ascending. Country: all that existed; county: whose code that year
  // starts with the county number; region: of that IMDi region.
  std::vector<int> Members(const Subject& area, int year) const;

  // Whether municipality `id` belongs to `county` / `region` in `year`.
  bool InCounty(int id, int county, int year) const;

  // All municipalities by id.
  const std::map<int, Municipality>& all() const { return by_id_; }

  // Ids ordered by current code.
  const std::map<int, int>& ids_by_current_code() const { return id_by_current_code_; }

 private:
  std::map<int, Municipality> by_id_;
  std::map<int, int> id_by_code_;          // any code ever held -> id
  std::map<int, int> id_by_current_code_;  // current code -> id
};

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_MUNICIPALITY_H_
