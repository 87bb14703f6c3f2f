// Known dates and the fold of partial revisions: how the figures of one
// (subject, year) as known on a date, at a data version, follow from the
// revisions written for it.
//
// Every revision carries two times: its transaction time (data version,
// update time) and its known date, the date its figures were published or
// known. A revision sets only some fields (a partial revision), or every
// field (a full one, written before schema 2). The figures as known on date
// D at data version V are the revisions with data_version <= V and known
// date <= D applied in (known date, data version) order, each overwriting
// the fields it set. So an old snapshot imported late still contributes to
// every later date the fields no later-known revision set.
//
// Pure functions on plain values; thread-safe.
#ifndef IMDI_STATS_DOMAIN_REVISIONS_H_
#define IMDI_STATS_DOMAIN_REVISIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "stats-service/domain/figures.h"

namespace imdi::stats {

// Known dates are YYYYMMDD numbers (20160322), which order like the dates.
// The earliest known date the service accepts.
inline constexpr int kMinKnownDate = 19900101;
// A record keeps at most this many revisions readable (they have a handful).
inline constexpr size_t kMaxRevisionsPerRecord = 10000;

// The UTC date of `t` as YYYYMMDD.
int KnownDateOf(absl::Time t);
// "2016-03-22" for 20160322.
std::string FormatKnownDate(int known_date);
// A known date as sent ("YYYY-MM-DD"): empty gives 0 (none); otherwise it
// must be a real calendar date from 1990-01-01 to the UTC date of `now`,
// else INVALID_ARGUMENT on `field`.
absl::StatusOr<int> ParseKnownDate(absl::string_view text, absl::string_view field, absl::Time now);

// The known date of a revision: its own, or the date it was written.
int EffectiveKnownDate(const FiguresRecord& revision);

// Whether `record` holds a value in `field` (a status other than
// unspecified, a note that is not empty).
bool HasField(const FiguresRecord& record, int field);
// Whether `a` and `b` hold the same value in `field`.
bool SameField(const FiguresRecord& a, const FiguresRecord& b, int field);
// Copies `field` of `from` to `to` (absent stays absent).
void CopyField(const FiguresRecord& from, int field, FiguresRecord& to);

// The fields `revision` sets, each with its source and line: those listed
// for a partial revision, every field (from the record's source, line 0)
// for a full one.
std::vector<FieldSource> FieldsSetBy(const FiguresRecord& revision);

// The distinct sources of `fields`, in order, joined by "; ".
std::string JoinSources(const std::vector<FieldSource>& fields);

// The figures as known on `known_as_of` (nullopt: no bound) at data version
// `as_of`, folded from `revisions` (one record's, in any order); nullopt
// when no revision qualifies. The result has the folded values, status and
// note; `field_sources` for the fields that hold a value, each naming the
// revision that set it; `source` joined from them; `revision` the highest
// used; `data_version` and `update_time` of the newest used; `known_date`
// the latest used.
std::optional<FiguresRecord> FoldRevisions(const std::vector<FiguresRecord>& revisions,
                                           uint64_t as_of, std::optional<int> known_as_of);

// The fold of `revision` onto `folded`, the fold of a record's earlier
// revisions at the newest version with no known-date bound, when
// `revision` comes last in fold order (its effective known date is not
// before `folded->known_date` and its data version is newer): equal to
// FoldRevisions of them all. `folded` nullopt: the record's first revision.
FiguresRecord FoldOnto(std::optional<FiguresRecord> folded, const FiguresRecord& revision);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_REVISIONS_H_
