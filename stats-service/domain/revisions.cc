#include "stats-service/domain/revisions.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/limits.h"
#include "stats-service/domain/validation.h"

namespace imdi::stats {

int KnownDateOf(absl::Time t) {
  const absl::CivilDay day = absl::ToCivilDay(t, absl::UTCTimeZone());
  return static_cast<int>(day.year() * 10000 + day.month() * 100 + day.day());
}

std::string FormatKnownDate(int known_date) {
  return absl::StrFormat("%04d-%02d-%02d", known_date / 10000, known_date / 100 % 100,
                         known_date % 100);
}

absl::StatusOr<int> ParseKnownDate(absl::string_view text, absl::string_view field,
                                   absl::Time now) {
  if (text.empty()) return 0;
  std::optional<int> year, month, day;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    year = ParseDigits(text.substr(0, 4), 4);
    month = ParseDigits(text.substr(5, 2), 2);
    day = ParseDigits(text.substr(8, 2), 2);
  }
  if (!year || !month || !day) {
    return InvalidFieldError(field, absl::StrCat(Excerpt(text), " is not a date (YYYY-MM-DD)"));
  }
  const absl::CivilDay civil(*year, *month, *day);
  if (civil.year() != *year || civil.month() != *month || civil.day() != *day) {
    return InvalidFieldError(field, absl::StrCat(Excerpt(text), " is not a calendar date"));
  }
  const int date = *year * 10000 + *month * 100 + *day;
  if (date < kMinKnownDate) {
    return InvalidFieldError(field,
                             absl::StrCat(text, " is before ", FormatKnownDate(kMinKnownDate)));
  }
  const int today = KnownDateOf(now);
  if (date > today) {
    return InvalidFieldError(field, absl::StrCat(text, " is after today (", FormatKnownDate(today),
                                                 "); figures cannot be known in advance"));
  }
  return date;
}

int EffectiveKnownDate(const FiguresRecord& revision) {
  return revision.known_date != 0 ? revision.known_date : KnownDateOf(revision.update_time);
}

bool HasField(const FiguresRecord& record, int field) {
  if (field < kNumCounts) return record.values.counts[field].has_value();
  if (field < kStatusField) return record.values.percents[field - kNumCounts].has_value();
  if (field == kStatusField) return record.status != FiguresStatus::kUnspecified;
  return !record.note.empty();
}

bool SameField(const FiguresRecord& a, const FiguresRecord& b, int field) {
  if (field < kNumCounts) return a.values.counts[field] == b.values.counts[field];
  if (field < kStatusField) {
    return a.values.percents[field - kNumCounts] == b.values.percents[field - kNumCounts];
  }
  if (field == kStatusField) return a.status == b.status;
  return a.note == b.note;
}

void CopyField(const FiguresRecord& from, int field, FiguresRecord& to) {
  if (field < kNumCounts) {
    to.values.counts[field] = from.values.counts[field];
  } else if (field < kStatusField) {
    to.values.percents[field - kNumCounts] = from.values.percents[field - kNumCounts];
  } else if (field == kStatusField) {
    to.status = from.status;
  } else {
    to.note = from.note;
  }
}

std::vector<FieldSource> FieldsSetBy(const FiguresRecord& revision) {
  if (revision.partial) return revision.field_sources;
  std::vector<FieldSource> all(kNumFields);
  for (int f = 0; f < kNumFields; ++f) {
    all[f].field = f;
    all[f].source = revision.source;
  }
  return all;
}

std::string JoinSources(const std::vector<FieldSource>& fields) {
  std::vector<absl::string_view> distinct;
  for (const FieldSource& f : fields) {
    if (f.source.empty()) continue;
    if (std::find(distinct.begin(), distinct.end(), f.source) == distinct.end()) {
      distinct.push_back(f.source);
    }
  }
  return absl::StrJoin(distinct, "; ");
}

std::optional<FiguresRecord> FoldRevisions(const std::vector<FiguresRecord>& revisions,
                                           uint64_t as_of, std::optional<int> known_as_of) {
  // Each revision used, with its effective known date computed once.
  struct Used {
    int known;
    const FiguresRecord* revision;
  };
  std::vector<Used> used;
  used.reserve(revisions.size());
  for (const FiguresRecord& r : revisions) {
    if (r.data_version > as_of) continue;
    const int known = EffectiveKnownDate(r);
    if (known_as_of && known > *known_as_of) continue;
    used.push_back({known, &r});
  }
  if (used.empty()) return std::nullopt;
  std::sort(used.begin(), used.end(), [](const Used& a, const Used& b) {
    return std::make_pair(a.known, a.revision->data_version) <
           std::make_pair(b.known, b.revision->data_version);
  });

  FiguresRecord out;
  out.subject = used.front().revision->subject;
  out.year = used.front().revision->year;
  std::array<std::optional<FieldSource>, kNumFields> origin;
  for (const auto& [known, r] : used) {
    for (FieldSource& set : FieldsSetBy(*r)) {
      if (set.field < 0 || set.field >= kNumFields) continue;
      CopyField(*r, set.field, out);
      set.data_version = r->data_version;
      set.update_time = r->update_time;
      set.known_date = known;
      set.principal = r->principal;
      set.request_id = r->request_id;
      origin[set.field] = std::move(set);
    }
    out.revision = std::max(out.revision, r->revision);
    if (r->data_version > out.data_version) {
      out.data_version = r->data_version;
      out.update_time = r->update_time;
    }
    out.known_date = std::max(out.known_date, known);
  }
  for (int f = 0; f < kNumFields; ++f) {
    if (origin[f] && HasField(out, f)) out.field_sources.push_back(std::move(*origin[f]));
  }
  out.source = JoinSources(out.field_sources);
  return out;
}

FiguresRecord FoldOnto(std::optional<FiguresRecord> folded, const FiguresRecord& revision) {
  if (!folded) return *FoldRevisions({revision}, revision.data_version, std::nullopt);
  FiguresRecord out = std::move(*folded);
  // The origins of the fields that hold a value; a field without one had
  // none to keep.
  std::array<std::optional<FieldSource>, kNumFields> origin;
  for (FieldSource& f : out.field_sources) {
    if (f.field >= 0 && f.field < kNumFields) origin[f.field] = std::move(f);
  }
  const int known = EffectiveKnownDate(revision);
  for (FieldSource& set : FieldsSetBy(revision)) {
    if (set.field < 0 || set.field >= kNumFields) continue;
    CopyField(revision, set.field, out);
    set.data_version = revision.data_version;
    set.update_time = revision.update_time;
    set.known_date = known;
    set.principal = revision.principal;
    set.request_id = revision.request_id;
    origin[set.field] = std::move(set);
  }
  out.revision = std::max(out.revision, revision.revision);
  if (revision.data_version > out.data_version) {
    out.data_version = revision.data_version;
    out.update_time = revision.update_time;
  }
  out.known_date = std::max(out.known_date, known);
  out.field_sources.clear();
  for (int f = 0; f < kNumFields; ++f) {
    if (origin[f] && HasField(out, f)) out.field_sources.push_back(std::move(*origin[f]));
  }
  out.source = JoinSources(out.field_sources);
  return out;
}

}  // namespace imdi::stats
