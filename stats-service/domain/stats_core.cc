#include "stats-service/domain/stats_core.h"

#include <algorithm>
#include <tuple>
#include <array>
#include <iterator>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "stats-service/domain/harmonise.h"
#include "stats-service/domain/page_token.h"
#include "stats-service/domain/validation.h"

namespace imdi::stats {
namespace {

constexpr size_t kMaxBatchGet = 1000;
// A BatchGetFigures reply of kMaxBatchGet records with texts at their
// bounds stays under this, and this under a default client's 4 MiB.
constexpr size_t kMaxBatchReplyBytes = size_t{7} << 19;  // 3.5 MiB

const std::vector<absl::string_view> kFigureFilterFields = {
    "year", "county_code", "imdi_region", "municipality_code"};
const std::vector<absl::string_view> kMunicipalityFilterFields = {
    "year", "county_code", "imdi_region"};

absl::Status EtagMismatch(absl::string_view what, absl::string_view sent,
                          absl::string_view current) {
  return MakeError(
      absl::StatusCode::kAborted, "ETAG_MISMATCH",
      absl::StrCat(what, " changed since it was read: etag ", sent, " is stale",
                   current.empty() ? "; the record does not exist"
                                   : absl::StrCat("; the current etag is ", current),
                   ". Read it again and retry."));
}

std::string Describe(const Subject& subject, const MunicipalityDirectory& directory) {
  if (subject.is_municipality()) {
    const Municipality* m = directory.FindById(subject.id);
    if (m != nullptr) return absl::StrCat(m->name, " (", FormatCode(m->code), ")");
  }
  return DescribeSubject(subject);
}

// Whether `mask` selects the figure field `field` (a count or a percent).
bool SelectsFigure(const FiguresMask& mask, int field) {
  return field < kNumCounts ? mask.counts[field] : mask.percents[field - kNumCounts];
}

// The first figure field that has a value in `values` and is named in
// `absent`, if any.
std::optional<int> ValuedAndAbsent(const FigureValues& values, const FiguresMask& absent) {
  FiguresRecord record;
  record.values = values;
  for (int f = 0; f < kStatusField; ++f) {
    if (SelectsFigure(absent, f) && HasField(record, f)) return f;
  }
  return std::nullopt;
}

// Applies `mask` of `from` onto `to`.
void ApplyMask(const FiguresRecord& from, const FiguresMask& mask, FiguresRecord& to) {
  for (int i = 0; i < kNumCounts; ++i) {
    if (mask.counts[i]) to.values.counts[i] = from.values.counts[i];
  }
  for (int i = 0; i < kNumPercents; ++i) {
    if (mask.percents[i]) to.values.percents[i] = from.values.percents[i];
  }
  if (mask.status) to.status = from.status;
  if (mask.source) to.source = from.source;
  if (mask.note) to.note = from.note;
}

uint64_t ListFingerprint(absl::string_view kind, const RecordFilter& filter,
                         int64_t as_of, std::optional<int> known_as_of = std::nullopt) {
  std::string text = absl::StrCat(kind, "|", filter.canonical, "|", as_of);
  if (known_as_of) absl::StrAppend(&text, "|known ", *known_as_of);
  return StableHash(text);
}

// A known date a write names: none (0), or from 1990-01-01 to today (UTC).
absl::Status CheckWriteKnownDate(int known_date, absl::string_view field) {
  if (known_date == 0) return absl::OkStatus();
  const int today = KnownDateOf(absl::Now());
  if (known_date > today) {
    return InvalidFieldError(field, absl::StrCat(FormatKnownDate(known_date),
                                                 " is after today (", FormatKnownDate(today),
                                                 "); figures cannot be known in advance"));
  }
  if (known_date < kMinKnownDate) {
    return InvalidFieldError(field, absl::StrCat(FormatKnownDate(known_date), " is before ",
                                                 FormatKnownDate(kMinKnownDate)));
  }
  return absl::OkStatus();
}

// The source of the fields of a PutFigures that names none.
std::string ManualSource(const WriteOrigin& origin) {
  std::string text = "PutFigures";
  if (!origin.principal.empty()) absl::StrAppend(&text, " by ", origin.principal);
  if (!origin.request_id.empty()) absl::StrAppend(&text, " (request ", origin.request_id, ")");
  return text;
}

// The partial revision that takes `base` to `next`: the fields in which they
// differ, each attributed by `source_of(field)`. No fields: nothing changes.
FiguresRecord PartialRevision(const FiguresRecord& base, const FiguresRecord& next,
                              const WriteOrigin& origin,
                              absl::FunctionRef<FieldSource(int)> source_of) {
  FiguresRecord revision;
  revision.subject = next.subject;
  revision.year = next.year;
  revision.partial = true;
  for (int f = 0; f < kNumFields; ++f) {
    if (SameField(base, next, f)) continue;
    CopyField(next, f, revision);
    FieldSource set = source_of(f);
    set.field = f;
    revision.field_sources.push_back(std::move(set));
  }
  revision.source = JoinSources(revision.field_sources);
  revision.known_date = origin.known_date;
  revision.principal = origin.principal;
  revision.request_id = origin.request_id;
  return revision;
}

int64_t HighestRevision(const std::vector<FiguresRecord>& revisions) {
  int64_t highest = 0;
  for (const FiguresRecord& r : revisions) highest = std::max(highest, r.revision);
  return highest;
}

// The identity of the municipality a filter names, or nullopt; an unknown
// code makes the filter match nothing.
std::optional<int> FilterMunicipality(RecordFilter& filter,
                                      const MunicipalityDirectory& directory) {
  if (!filter.municipality_code) return std::nullopt;
  const Municipality* m = directory.FindByAnyCode(*filter.municipality_code);
  if (m == nullptr) {
    filter.contradictory = true;
    return std::nullopt;
  }
  return m->id;
}

}  // namespace

FiguresMask FiguresMask::All() {
  FiguresMask mask;
  mask.counts.set();
  mask.percents.set();
  mask.status = mask.source = mask.note = true;
  return mask;
}

absl::StatusOr<std::unique_ptr<StatsCore>> StatsCore::Create(
    std::unique_ptr<StatsStore> store, const ChangeHubOptions& changes) {
  const uint64_t version = store->data_version();
  IMDI_ASSIGN_OR_RETURN(std::vector<uint64_t> versions, store->ReadMunicipalityVersions());
  IMDI_ASSIGN_OR_RETURN(std::vector<Municipality> municipalities,
                        store->ReadMunicipalities(version));
  IMDI_ASSIGN_OR_RETURN(auto latest, MunicipalityDirectory::Build(std::move(municipalities)));
  IMDI_ASSIGN_OR_RETURN(std::shared_ptr<const LatestView> view, BuildView(*store, version));
  auto core = std::unique_ptr<StatsCore>(new StatsCore(std::move(store), changes));
  core->view_.store(std::move(view));
  absl::MutexLock lock(&core->directory_mu_);
  core->directories_[0] = nullptr;
  for (uint64_t v : versions) core->directories_[v] = nullptr;
  core->directories_.rbegin()->second = latest;
  core->latest_ = std::move(latest);
  return core;
}

absl::StatusOr<std::shared_ptr<const LatestView>> StatsCore::BuildView(const StatsStore& store,
                                                                      uint64_t version) {
  LatestView::Builder builder(version);
  for (Subject::Kind kind : {Subject::Kind::kMunicipality, Subject::Kind::kCountry,
                             Subject::Kind::kCounty, Subject::Kind::kImdiRegion}) {
    FiguresScan scan;
    scan.kind = kind;
    scan.as_of = version;
    IMDI_RETURN_IF_ERROR(store.ScanFigures(scan, [&](FiguresRecord&& record) {
      builder.Add(record);
      return true;
    }));
  }
  return std::move(builder).Build();
}

std::shared_ptr<const MunicipalityDirectory> StatsCore::directory() const {
  absl::MutexLock lock(&directory_mu_);
  return latest_;
}

absl::StatusOr<std::shared_ptr<const MunicipalityDirectory>> StatsCore::DirectoryAt(
    uint64_t version) const {
  uint64_t from = 0;
  {
    absl::MutexLock lock(&directory_mu_);
    auto it = std::prev(directories_.upper_bound(version));
    if (it->second) return it->second;
    from = it->first;
  }
  // An older directory that is not in memory: read it as it was then, and
  // keep a few of those.
  IMDI_ASSIGN_OR_RETURN(std::vector<Municipality> then, store_->ReadMunicipalities(from));
  IMDI_ASSIGN_OR_RETURN(auto built, MunicipalityDirectory::Build(std::move(then)));
  absl::MutexLock lock(&directory_mu_);
  std::shared_ptr<const MunicipalityDirectory>& slot = directories_[from];
  if (slot) return slot;
  slot = std::move(built);
  cached_old_.push_back(from);
  if (cached_old_.size() > kOldDirectoriesKept) {
    auto oldest = directories_.find(cached_old_.front());
    if (oldest->second != latest_) oldest->second = nullptr;
    cached_old_.pop_front();
  }
  return slot;
}

absl::StatusOr<uint64_t> StatsCore::CommitAndPublish(
    std::vector<FiguresRecord>& figures, std::vector<Municipality>& municipalities,
    std::shared_ptr<const MunicipalityDirectory> next_directory) {
  IMDI_ASSIGN_OR_RETURN(uint64_t version, store_->Commit(figures, municipalities));
  // The view of the new version is in place before the version is visible.
  // Should the current figures of what was written not be readable (the
  // store failing right after the commit), there is no view and reads go
  // to the store until a later commit builds it again from a scan.
  std::shared_ptr<const LatestView> view = view_.load();
  std::shared_ptr<const LatestView> next_view;
  absl::StatusOr<std::vector<FiguresRecord>> current = std::vector<FiguresRecord>();
  if (view) {
    current = FoldCommitted(*view, figures, version);
    if (current.ok()) next_view = view->With(version, *current);
  } else {
    absl::StatusOr<std::shared_ptr<const LatestView>> rebuilt = BuildView(*store_, version);
    if (rebuilt.ok()) next_view = *std::move(rebuilt);
    current = absl::UnavailableError("no view");
  }
  if (municipalities.empty()) {
    view_.store(std::move(next_view));
    visible_version_.store(version);
    PublishChanges(version, figures, std::move(current));
    return version;
  }
  // The directory of the new version holds the committed revisions (with
  // their version and time); it is in place before the version is visible.
  std::map<int, Municipality> committed = next_directory->all();
  for (const Municipality& m : municipalities) committed[m.id] = m;
  std::vector<Municipality> all;
  for (auto& [id, m] : committed) all.push_back(std::move(m));
  IMDI_ASSIGN_OR_RETURN(auto built, MunicipalityDirectory::Build(std::move(all)));
  {
    absl::MutexLock lock(&directory_mu_);
    directories_[version] = built;
  }
  view_.store(std::move(next_view));
  visible_version_.store(version);
  PublishChanges(version, figures, std::move(current));
  absl::MutexLock lock(&directory_mu_);
  // The previous latest directory is now an old one: rebuilt on demand.
  for (auto& [v, dir] : directories_) {
    if (dir == latest_) dir = nullptr;
  }
  latest_ = std::move(built);
  return version;
}

void StatsCore::PublishChanges(uint64_t version, const std::vector<FiguresRecord>& written,
                               absl::StatusOr<std::vector<FiguresRecord>> current) const {
  if (!current.ok()) {
    // No view to fold onto: the figures after the commit from the store.
    current = std::vector<FiguresRecord>();
    for (const FiguresRecord& revision : written) {
      absl::StatusOr<std::optional<FiguresRecord>> read =
          store_->ReadFigures(revision.subject, revision.year, version, std::nullopt);
      if (!read.ok() || !read->has_value()) {
        hub_->Lost(version);
        return;
      }
      current->push_back(std::move(**read));
    }
  }
  std::sort(current->begin(), current->end(), [](const FiguresRecord& a, const FiguresRecord& b) {
    return std::tie(a.subject, a.year) < std::tie(b.subject, b.year);
  });
  // Commits of municipalities alone change no figures; the version still
  // moves on for the watchers.
  hub_->Publish(CommittedChanges::Make(version, *std::move(current)));
}

absl::StatusOr<StatsCore::ChangeFilter> StatsCore::ParseChangeFilter(
    absl::string_view text) const {
  ChangeFilter out;
  IMDI_ASSIGN_OR_RETURN(out.filter, ParseFilter(text, kFigureFilterFields));
  out.municipality = FilterMunicipality(out.filter, *directory());
  return out;
}

bool StatsCore::ChangeMatches(const ChangeFilter& filter, const FiguresRecord& record) const {
  const RecordFilter& f = filter.filter;
  if (f.contradictory || !f.YearInRange(record.year)) return false;
  if (record.subject.kind != Subject::Kind::kMunicipality) {
    return !f.county && !f.region && !f.municipality_code;
  }
  return Matches(f, filter.municipality, *directory(), record.subject.id, record.year);
}

absl::StatusOr<std::vector<std::shared_ptr<const CommittedChanges>>> StatsCore::ReadChanges(
    uint64_t after_version, uint64_t up_to_version, size_t limit) const {
  IMDI_ASSIGN_OR_RETURN(std::vector<ChangeRef> refs,
                        store_->ReadChanges(after_version, up_to_version, limit));
  std::vector<std::shared_ptr<const CommittedChanges>> out;
  std::vector<FiguresRecord> records;
  for (size_t i = 0; i < refs.size(); ++i) {
    const ChangeRef& ref = refs[i];
    IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> record,
                          store_->ReadFigures(ref.subject, ref.year, ref.data_version,
                                              std::nullopt));
    if (!record) return absl::DataLossError("a change names figures that are not stored");
    records.push_back(std::move(*record));
    if (i + 1 == refs.size() || refs[i + 1].data_version != ref.data_version) {
      out.push_back(CommittedChanges::Make(ref.data_version, std::move(records)));
      records.clear();
    }
  }
  return out;
}

absl::StatusOr<std::vector<FiguresRecord>> StatsCore::FoldCommitted(
    const LatestView& view, const std::vector<FiguresRecord>& written, uint64_t version) const {
  std::vector<FiguresRecord> current;
  current.reserve(written.size());
  for (const FiguresRecord& revision : written) {
    std::optional<FiguresRecord> before = view.Find(revision.subject, revision.year);
    if (!before || EffectiveKnownDate(revision) >= before->known_date) {
      // The revision comes last in fold order: folded onto the view's.
      current.push_back(FoldOnto(std::move(before), revision));
      continue;
    }
    // Known before figures already stored: it folds in among them.
    IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> folded,
                          store_->ReadFigures(revision.subject, revision.year, version,
                                              std::nullopt));
    if (!folded) return absl::DataLossError("a committed revision is not readable");
    current.push_back(std::move(*folded));
  }
  return current;
}

std::shared_ptr<const LatestView> StatsCore::ViewAt(uint64_t version) const {
  std::shared_ptr<const LatestView> view = view_.load();
  if (view && view->version() == version) return view;
  return nullptr;
}

absl::StatusOr<std::optional<FiguresRecord>> StatsCore::ReadFigures(
    const LatestView* view, const Subject& subject, int year, uint64_t version,
    std::optional<int> known_as_of) const {
  if (view != nullptr) {
    // A record the view lacks has no revisions at all; one whose figures
    // were all known by `known_as_of` reads the same as known then.
    std::optional<FiguresRecord> current = view->Find(subject, year);
    if (!current || !known_as_of || current->known_date <= *known_as_of) return current;
  }
  return store_->ReadFigures(subject, year, version, known_as_of);
}

absl::Status StatsCore::ScanRecords(const LatestView* view, const FiguresScan& scan,
                                    int year_min, int year_max,
                                    absl::FunctionRef<bool(FiguresRecord&&)> visit) const {
  if (view == nullptr) return store_->ScanFigures(scan, visit);
  absl::Status status;
  view->Scan(
      scan.kind, year_min, year_max, scan.after,
      [&](int id, int year) { return !scan.want || scan.want(id, year); },
      [&](FiguresRecord&& record) {
        if (!scan.known_as_of || record.known_date <= *scan.known_as_of) {
          return visit(std::move(record));
        }
        // Figures known after the bound: the store folds those known then.
        absl::StatusOr<std::optional<FiguresRecord>> then = store_->ReadFigures(
            record.subject, record.year, scan.as_of, scan.known_as_of);
        if (!then.ok()) {
          status = then.status();
          return false;
        }
        return !*then || visit(std::move(**then));
      });
  return status;
}

absl::StatusOr<StatsCore::WriteBase> StatsCore::ReadWriteBase(const Subject& subject, int year,
                                                              uint64_t version,
                                                              int known_date) const {
  WriteBase base;
  if (std::shared_ptr<const LatestView> view = ViewAt(version)) {
    base.current = view->Find(subject, year);
    // The figures as known on the write's date are the current ones when
    // every revision was known by then; past the revision limit the store
    // reports it.
    const bool known_by_then =
        known_date == 0 || !base.current || base.current->known_date <= known_date;
    const bool within_limit =
        !base.current || base.current->revision < static_cast<int64_t>(kMaxRevisionsPerRecord);
    if (known_by_then && within_limit) {
      base.known_then = base.current;
      base.highest_revision = base.current ? base.current->revision : 0;
      return base;
    }
  }
  IMDI_ASSIGN_OR_RETURN(std::vector<FiguresRecord> revisions,
                        ReadRevisions(subject, year, version));
  base.current = FoldRevisions(revisions, version, std::nullopt);
  base.known_then =
      known_date != 0 ? FoldRevisions(revisions, version, known_date) : base.current;
  base.highest_revision = HighestRevision(revisions);
  return base;
}

absl::StatusOr<uint64_t> StatsCore::ListVersion(const std::optional<PageToken>& token,
                                                int64_t as_of) const {
  if (!token) return ResolveVersion(as_of);
  if (token->data_version > visible_version_.load()) {
    return InvalidArgumentError(
        "INVALID_PAGE_TOKEN",
        {{"page_token", "the page token names a data version this store does not have"}});
  }
  return token->data_version;
}

absl::StatusOr<uint64_t> StatsCore::ResolveVersion(int64_t as_of) const {
  const uint64_t current = visible_version_.load();
  if (as_of < 0) {
    return InvalidFieldError("as_of_version", absl::StrCat(as_of, " is negative"));
  }
  if (as_of == 0) return current;
  if (static_cast<uint64_t>(as_of) > current) {
    return OutOfRangeFieldError(
        "as_of_version", absl::StrCat("data version ", as_of,
                                      " does not exist yet; the newest is ", current));
  }
  return static_cast<uint64_t>(as_of);
}

absl::StatusOr<Subject> StatsCore::ResolveSubject(
    const Subject& subject, int year, const MunicipalityDirectory& directory) const {
  if (!subject.is_municipality()) return subject;
  IMDI_ASSIGN_OR_RETURN(const Municipality* m, directory.ResolveInYear(subject.id, year));
  return Subject::Municipality(m->id);
}

// --- Municipalities ---

absl::StatusOr<StatsCore::BatchUpsertResult> StatsCore::CommitMunicipalities(
    std::vector<Municipality> incoming, const std::vector<std::string>& etags, bool single) {
  auto path = [&](size_t i) {
    return single ? std::string("municipality") : absl::StrCat("municipalities[", i, "]");
  };
  // Each entry on its own, then within the request: a code names one entry.
  std::vector<FieldViolation> violations;
  std::map<int, size_t> entry_of_code;
  for (size_t i = 0; i < incoming.size(); ++i) {
    for (FieldViolation& v : CheckMunicipality(incoming[i], path(i))) {
      violations.push_back(std::move(v));
    }
    for (const CodePeriod& period : incoming[i].codes) {
      auto [it, inserted] = entry_of_code.emplace(period.code, i);
      if (!inserted && it->second != i) {
        violations.push_back({path(i) + ".code_history",
                              absl::StrCat("code ", FormatCode(period.code),
                                           " also appears in ", path(it->second))});
      }
    }
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_MUNICIPALITY", violations);

  // Each entry is the existing municipality that had any of its codes, or a
  // new one; an existing one keeps every code it had.
  const std::shared_ptr<const MunicipalityDirectory> current = directory();
  std::map<int, Municipality> next = current->all();
  int next_new_id = std::max(10000, next.empty() ? 0 : next.rbegin()->first + 1);
  for (size_t i = 0; i < incoming.size(); ++i) {
    Municipality& m = incoming[i];
    std::set<int> matches;
    for (const CodePeriod& period : m.codes) {
      if (const Municipality* existing = current->FindByAnyCode(period.code)) {
        matches.insert(existing->id);
      }
    }
    if (matches.size() > 1) {
      std::vector<std::string> names;
      for (int id : matches) names.push_back(current->FindById(id)->name);
      return FailedPreconditionError(
          "AMBIGUOUS_MUNICIPALITY",
          absl::StrCat("the codes of ", m.name, " (", FormatCode(m.code),
                       ") belong to several municipalities: ", absl::StrJoin(names, ", "),
                       "; a merger is a new municipality with predecessors"),
          {{"CODE", FormatCode(m.code), "codes must name one municipality"}});
    }
    if (matches.empty()) {
      m.id = next.contains(m.code) ? next_new_id++ : m.code;
      m.revision = 0;
      continue;
    }
    m.id = *matches.begin();
    const Municipality& existing = *current->FindById(m.id);
    std::vector<std::string> dropped;
    for (const CodePeriod& old_period : existing.codes) {
      if (!entry_of_code.contains(old_period.code)) dropped.push_back(FormatCode(old_period.code));
    }
    if (!dropped.empty()) {
      // A code history only grows: dropping a code would strand lookups
      // and references that use it.
      return FailedPreconditionError(
          "CODES_DROPPED",
          absl::StrCat(m.name, " (", FormatCode(m.code), ") is ", existing.name, " (",
                       FormatCode(existing.code), "), which also had the codes ",
                       absl::StrJoin(dropped, ", "), "; a code history only grows, so list every code"),
          {{"CODE", dropped.front(), "a municipality keeps every code it had"}});
    }
    m.revision = existing.revision;
  }
  for (size_t i = 0; i < incoming.size() && i < etags.size(); ++i) {
    if (etags[i].empty()) continue;
    auto it = next.find(incoming[i].id);
    const std::string current_etag = it != next.end() ? MunicipalityEtag(it->second) : "";
    if (current_etag != etags[i]) {
      return EtagMismatch(absl::StrCat("municipality ", FormatCode(incoming[i].code)), etags[i],
                          current_etag);
    }
  }

  std::vector<Municipality> changed;
  std::vector<int> ids;
  for (Municipality& m : incoming) {
    ids.push_back(m.id);
    auto it = next.find(m.id);
    if (it != next.end() && it->second.SameContent(m)) continue;
    m.revision += 1;
    next[m.id] = m;
    changed.push_back(m);
  }
  std::vector<Municipality> all;
  for (auto& [id, m] : next) all.push_back(m);
  IMDI_ASSIGN_OR_RETURN(auto next_directory, MunicipalityDirectory::Build(std::move(all)));
  IMDI_RETURN_IF_ERROR(CheckReferences(*next_directory));
  IMDI_RETURN_IF_ERROR(CheckFiguresWithinValidity(changed, *next_directory));

  BatchUpsertResult result;
  result.changed = static_cast<int>(changed.size());
  if (changed.empty()) {
    result.data_version = visible_version_.load();
  } else {
    std::vector<FiguresRecord> no_figures;
    IMDI_ASSIGN_OR_RETURN(result.data_version,
                          CommitAndPublish(no_figures, changed, next_directory));
    next_directory = directory();
  }
  for (int id : ids) result.municipalities.push_back(*next_directory->FindById(id));
  return result;
}

absl::Status StatsCore::CheckReferences(const MunicipalityDirectory& directory) {
  for (const auto& [id, m] : directory.all()) {
    std::vector<int> refs = m.predecessors;
    if (m.successor) refs.push_back(*m.successor);
    for (int ref : refs) {
      if (directory.FindByAnyCode(ref) == nullptr) {
        return FailedPreconditionError(
            "UNKNOWN_REFERENCE",
            absl::StrCat(m.name, " (", FormatCode(m.code), ") refers to municipality ",
                         FormatCode(ref), ", which does not exist; upsert it first "
                         "or in the same batch"),
            {{"REFERENCE", FormatCode(ref), "referenced municipality must exist"}});
      }
    }
  }
  return absl::OkStatus();
}

absl::Status StatsCore::CheckFiguresWithinValidity(const std::vector<Municipality>& changed,
                                                   const MunicipalityDirectory& directory) const {
  std::set<int> ids;
  for (const Municipality& m : changed) {
    if (m.revision > 1) ids.insert(m.id);
  }
  if (ids.empty()) return absl::OkStatus();
  FiguresScan scan;
  scan.as_of = visible_version_.load();
  scan.want = [&](int id, int year) {
    return ids.contains(id) && !directory.FindById(id)->ExistedIn(year);
  };
  std::optional<FiguresRecord> outside;
  IMDI_RETURN_IF_ERROR(ScanRecords(ViewAt(scan.as_of).get(), scan, kMinYear, kMaxYear,
                                   [&](FiguresRecord&& record) {
                                     outside = std::move(record);
                                     return false;
                                   }));
  if (!outside) return absl::OkStatus();
  const Municipality& m = *directory.FindById(outside->subject.id);
  return FailedPreconditionError(
      "FIGURES_OUTSIDE_VALIDITY",
      absl::StrCat(m.name, " (", FormatCode(m.code), ") has figures for ", outside->year,
                   ", a year its new code history leaves out; correct the years or the "
                   "figures first"),
      {{"FIGURES", absl::StrCat(FormatCode(m.code), "/", outside->year),
        "figures must fall within the municipality's years"}});
}

absl::StatusOr<Municipality> StatsCore::UpsertMunicipality(Municipality municipality,
                                                           absl::string_view etag) {
  absl::MutexLock lock(&write_mu_);
  std::vector<Municipality> one;
  one.push_back(std::move(municipality));
  IMDI_ASSIGN_OR_RETURN(BatchUpsertResult result,
                        CommitMunicipalities(std::move(one), {std::string(etag)}, /*single=*/true));
  return std::move(result.municipalities.front());
}

absl::StatusOr<StatsCore::BatchUpsertResult> StatsCore::BatchUpsertMunicipalities(
    std::vector<Municipality> municipalities, std::vector<std::string> etags) {
  if (municipalities.empty()) {
    return InvalidFieldError("municipalities", "at least one municipality is required");
  }
  absl::MutexLock lock(&write_mu_);
  return CommitMunicipalities(std::move(municipalities), etags, /*single=*/false);
}

absl::StatusOr<std::pair<Municipality, uint64_t>> StatsCore::GetMunicipality(
    int code, int64_t as_of) {
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  IMDI_ASSIGN_OR_RETURN(const Municipality* m, dir->Resolve(code));
  return std::make_pair(*m, version);
}

absl::StatusOr<MunicipalityPage> StatsCore::ListMunicipalities(const ListQuery& query) {
  IMDI_ASSIGN_OR_RETURN(RecordFilter filter,
                        ParseFilter(query.filter, kMunicipalityFilterFields));
  IMDI_ASSIGN_OR_RETURN(int page_size, EffectivePageSize(query.page_size));
  const uint64_t fingerprint =
      ListFingerprint("municipalities", filter, query.as_of);
  std::optional<PageToken> token;
  if (!query.page_token.empty()) {
    IMDI_ASSIGN_OR_RETURN(token, DecodePageToken(query.page_token, fingerprint));
  }
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ListVersion(token, query.as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));

  MunicipalityPage page;
  page.data_version = version;
  if (filter.contradictory) return page;
  const bool year_filtered =
      filter.year_min != kMinYear || filter.year_max != kMaxYear;
  const std::map<int, int>& by_code = dir->ids_by_current_code();
  ByteBudget budget;
  for (auto it = token ? by_code.upper_bound(token->last_id) : by_code.begin();
       it != by_code.end(); ++it) {
    const Municipality& m = *dir->FindById(it->second);
    bool matches = true;
    if (year_filtered) {
      matches = false;
      for (int y = filter.year_min; y <= filter.year_max && !matches; ++y) {
        matches = m.ExistedIn(y) &&
                  (!filter.county || m.CountyIn(y) == *filter.county);
      }
    } else if (filter.county) {
      matches = m.county() == *filter.county;
    }
    if (filter.region && m.region != *filter.region) matches = false;
    if (!matches) continue;
    if (static_cast<int>(page.municipalities.size()) == page_size || !budget.Take(m.ReplyBytes())) {
      page.next_page_token = EncodePageToken(
          {version, fingerprint, page.municipalities.back().code, 0});
      break;
    }
    page.municipalities.push_back(m);
  }
  return page;
}

// --- Figures ---

absl::StatusOr<std::vector<FiguresRecord>> StatsCore::ReadRevisions(const Subject& subject,
                                                                    int year,
                                                                    uint64_t version) const {
  IMDI_ASSIGN_OR_RETURN(std::vector<FiguresRecord> revisions,
                        store_->ReadFiguresHistory(subject, year, 0, kMaxRevisionsPerRecord + 1));
  if (revisions.size() > kMaxRevisionsPerRecord) {
    return MakeError(absl::StatusCode::kResourceExhausted, "TOO_MANY_REVISIONS",
                     absl::StrCat(DescribeSubject(subject), " ", year, " has more than ",
                                  kMaxRevisionsPerRecord, " revisions"));
  }
  std::erase_if(revisions, [&](const FiguresRecord& r) { return r.data_version > version; });
  return revisions;
}

absl::StatusOr<StatsCore::PutResult> StatsCore::PutFigures(FiguresRecord record,
                                                           const FiguresMask& mask,
                                                           absl::string_view etag,
                                                           const WriteOrigin& origin) {
  IMDI_RETURN_IF_ERROR(ValidateYear(record.year, "figures.year"));
  IMDI_RETURN_IF_ERROR(CheckWriteKnownDate(origin.known_date, "figures.known_date"));
  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  IMDI_ASSIGN_OR_RETURN(record.subject, ResolveSubject(record.subject, record.year, *dir));
  const uint64_t version = visible_version_.load();
  IMDI_ASSIGN_OR_RETURN(WriteBase read,
                        ReadWriteBase(record.subject, record.year, version, origin.known_date));
  const std::optional<FiguresRecord>& current = read.current;
  if (!etag.empty()) {
    const std::string current_etag = current ? FiguresEtag(*current) : "";
    if (etag != current_etag) {
      return EtagMismatch(
          absl::StrCat("the figures of ", Describe(record.subject, *dir), " for ",
                       record.year),
          etag, current_etag);
    }
  }
  // The write merges onto what was known on its date.
  const std::optional<FiguresRecord>& known_then = read.known_then;
  FiguresRecord base;
  base.subject = record.subject;
  base.year = record.year;
  if (known_then) base = *known_then;
  FiguresRecord next = base;
  ApplyMask(record, mask, next);
  std::vector<FieldViolation> violations =
      CheckFigureValues(next.values, next.subject.is_municipality(), "figures");
  if (!known_then && next.values.empty()) {
    violations.push_back({"figures", "a new record needs at least one figure"});
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_FIGURES", violations);

  const std::string source = record.source.empty() ? ManualSource(origin) : record.source;
  FiguresRecord revision = PartialRevision(base, next, origin, [&](int f) {
    return FieldSource::Of(f, source, 0);
  });
  if (revision.field_sources.empty()) return PutResult{*current, false};
  revision.revision = read.highest_revision + 1;
  std::vector<FiguresRecord> figures{std::move(revision)};
  std::vector<Municipality> no_municipalities;
  IMDI_ASSIGN_OR_RETURN(uint64_t written, CommitAndPublish(figures, no_municipalities, nullptr));
  IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> now,
                        ReadFigures(ViewAt(written).get(), record.subject, record.year, written,
                                    std::nullopt));
  if (!now) return absl::DataLossError("committed figures are not readable");
  return PutResult{std::move(*now), true};
}

absl::StatusOr<FiguresRecord> StatsCore::ReadHarmonised(
    const LatestView* view, int code, int year, uint64_t version, std::optional<int> known_as_of,
    const MunicipalityDirectory& directory, const absl::Status& not_in_year) const {
  if (ErrorReason(not_in_year) != "MUNICIPALITY_NOT_IN_YEAR") return not_in_year;
  const Municipality* whole = directory.FindByAnyCode(code);
  if (whole == nullptr) return not_in_year;
  const std::vector<const Municipality*> parts = HarmonisedParts(directory, *whole, year);
  if (parts.empty()) return not_in_year;
  std::vector<FiguresRecord> records;
  for (const Municipality* part : parts) {
    const Subject subject = Subject::Municipality(part->id);
    IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> record,
                          ReadFigures(view, subject, year, version, known_as_of));
    if (!record) {
      record.emplace();
      record->subject = subject;
      record->year = year;
    }
    records.push_back(std::move(*record));
  }
  int known_date = 0;
  for (const FiguresRecord& part : records) known_date = std::max(known_date, part.known_date);
  IMDI_ASSIGN_OR_RETURN(FiguresRecord sum,
                        HarmoniseFigures(*whole, year, std::move(records), directory));
  // Known once its newest part was.
  sum.known_date = known_date;
  return sum;
}

absl::StatusOr<std::pair<FiguresRecord, uint64_t>> StatsCore::GetFigures(
    const Subject& requested, int year, int64_t as_of, std::optional<int> known_as_of,
    bool harmonise) {
  IMDI_RETURN_IF_ERROR(ValidateYear(year, "year"));
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  const std::shared_ptr<const LatestView> view = ViewAt(version);
  absl::StatusOr<Subject> resolved = ResolveSubject(requested, year, *dir);
  if (!resolved.ok() && harmonise) {
    IMDI_ASSIGN_OR_RETURN(FiguresRecord sum,
                          ReadHarmonised(view.get(), requested.id, year, version, known_as_of,
                                         *dir, resolved.status()));
    return std::make_pair(std::move(sum), version);
  }
  IMDI_ASSIGN_OR_RETURN(Subject subject, std::move(resolved));
  IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> record,
                        ReadFigures(view.get(), subject, year, version, known_as_of));
  if (!record) {
    return MakeError(absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND",
                     absl::StrCat("no figures for ", Describe(subject, *dir), " in ",
                                  year, " at data version ", version,
                                  known_as_of ? absl::StrCat(" as known on ",
                                                             FormatKnownDate(*known_as_of))
                                              : ""));
  }
  return std::make_pair(std::move(*record), version);
}

absl::StatusOr<std::pair<std::vector<FiguresRecord>, uint64_t>> StatsCore::BatchGetFigures(
    const std::vector<std::pair<int, int>>& code_years, int64_t as_of,
    bool allow_missing, std::optional<int> known_as_of, bool harmonise) {
  if (code_years.size() > kMaxBatchGet) {
    return InvalidFieldError("keys", absl::StrCat(code_years.size(),
                                                  " keys; at most ", kMaxBatchGet));
  }
  std::vector<FieldViolation> violations;
  for (size_t i = 0; i < code_years.size(); ++i) {
    absl::Status year = ValidateYear(code_years[i].second, "");
    if (!year.ok()) {
      violations.push_back({absl::StrCat("keys[", i, "].year"), std::string(year.message())});
    }
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_FIELD", violations);
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  const std::shared_ptr<const LatestView> view = ViewAt(version);
  std::vector<FiguresRecord> out;
  out.reserve(code_years.size());
  size_t reply_bytes = 0;
  for (const auto& [code, year] : code_years) {
    absl::StatusOr<Subject> subject =
        ResolveSubject(Subject::Municipality(code), year, *dir);
    if (!subject.ok() && harmonise) {
      absl::StatusOr<FiguresRecord> sum =
          ReadHarmonised(view.get(), code, year, version, known_as_of, *dir, subject.status());
      if (sum.ok()) {
        reply_bytes += sum->ReplyBytes();
        out.push_back(std::move(*sum));
        continue;
      }
      if (!allow_missing || !absl::IsNotFound(sum.status())) return sum.status();
    }
    if (!subject.ok()) {
      if (allow_missing && ErrorReason(subject.status()) == "MUNICIPALITY_NOT_IN_YEAR") {
        // Known, but not in that year: no figures, like a missing record.
        FiguresRecord empty;
        empty.subject = Subject::Municipality((*dir->Resolve(code))->id);
        empty.year = year;
        out.push_back(std::move(empty));
        continue;
      }
      return subject.status();
    }
    IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> record,
                          ReadFigures(view.get(), *subject, year, version, known_as_of));
    if (!record) {
      if (!allow_missing) {
        return MakeError(absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND",
                         absl::StrCat("no figures for ", Describe(*subject, *dir), " in ",
                                      year, " at data version ", version));
      }
      record.emplace();
      record->subject = *subject;
      record->year = year;
    }
    reply_bytes += record->ReplyBytes();
    out.push_back(std::move(*record));
  }
  if (reply_bytes > kMaxBatchReplyBytes) {
    // Only records stored before texts were bounded come near this.
    return MakeError(absl::StatusCode::kResourceExhausted, "REPLY_TOO_LARGE",
                     absl::StrCat("the ", code_years.size(), " records take about ", reply_bytes,
                                  " bytes, more than one reply carries; ask for fewer keys"));
  }
  return std::make_pair(std::move(out), version);
}

bool StatsCore::Matches(const RecordFilter& filter, std::optional<int> municipality,
                        const MunicipalityDirectory& directory, int id, int year) {
  if (!filter.YearInRange(year)) return false;
  if (municipality && id != *municipality) return false;
  if (filter.county && !directory.InCounty(id, *filter.county, year)) return false;
  if (filter.region) {
    const Municipality* m = directory.FindById(id);
    if (m == nullptr || m->region != *filter.region) return false;
  }
  return true;
}

absl::Status StatsCore::Scan(const LatestView* view, const RecordFilter& filter,
                             const MunicipalityDirectory& directory,
                             std::optional<int> municipality, uint64_t version,
                             std::optional<int> known_as_of,
                             std::optional<std::pair<int, int>> after, size_t limit,
                             std::vector<FiguresRecord>& out) const {
  FiguresScan scan;
  scan.kind = Subject::Kind::kMunicipality;
  scan.after = after;
  scan.as_of = version;
  scan.known_as_of = known_as_of;
  scan.want = [&](int id, int year) {
    return Matches(filter, municipality, directory, id, year);
  };
  return ScanRecords(view, scan, filter.year_min, filter.year_max, [&](FiguresRecord&& record) {
    out.push_back(std::move(record));
    return out.size() < limit;
  });
}


absl::StatusOr<FiguresPage> StatsCore::ListFigures(const ListQuery& query) {
  IMDI_ASSIGN_OR_RETURN(RecordFilter filter, ParseFilter(query.filter, kFigureFilterFields));
  IMDI_ASSIGN_OR_RETURN(int page_size, EffectivePageSize(query.page_size));
  const uint64_t fingerprint =
      ListFingerprint("figures", filter, query.as_of, query.known_as_of);
  std::optional<PageToken> token;
  if (!query.page_token.empty()) {
    IMDI_ASSIGN_OR_RETURN(token, DecodePageToken(query.page_token, fingerprint));
  }
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ListVersion(token, query.as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  const std::optional<int> municipality = FilterMunicipality(filter, *dir);
  FiguresPage page;
  page.data_version = version;
  if (filter.contradictory) return page;
  std::optional<std::pair<int, int>> after;
  if (token) after = std::make_pair(token->last_id, token->last_year);
  // One record more than the page tells whether another page follows.
  IMDI_RETURN_IF_ERROR(Scan(ViewAt(version).get(), filter, *dir, municipality, version,
                            query.known_as_of, after, static_cast<size_t>(page_size) + 1,
                            page.records));
  // The page ends at page_size records or kMaxReplyBytes, whichever comes
  // first; the record after it says another page follows.
  ByteBudget budget;
  size_t fits = 0;
  while (fits < page.records.size() && fits < static_cast<size_t>(page_size) &&
         budget.Take(page.records[fits].ReplyBytes())) {
    ++fits;
  }
  if (page.records.size() > fits) {
    page.records.resize(fits);
    const FiguresRecord& last = page.records.back();
    page.next_page_token =
        EncodePageToken({version, fingerprint, last.subject.id, last.year});
  }
  return page;
}

absl::StatusOr<std::unique_ptr<StatsCore::FiguresCursor>> StatsCore::StreamFigures(
    absl::string_view filter_text, int64_t as_of, std::optional<int> known_as_of) const {
  IMDI_ASSIGN_OR_RETURN(RecordFilter filter, ParseFilter(filter_text, kFigureFilterFields));
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  const std::optional<int> municipality = FilterMunicipality(filter, *dir);
  auto cursor = std::unique_ptr<FiguresCursor>(
      new FiguresCursor(this, std::move(filter), std::move(dir), ViewAt(version), municipality,
                        version, known_as_of));
  cursor->done_ = cursor->filter_.contradictory;
  return cursor;
}

absl::StatusOr<bool> StatsCore::FiguresCursor::Next(size_t max,
                                                    std::vector<FiguresRecord>& chunk) {
  chunk.clear();
  if (done_) return false;
  IMDI_RETURN_IF_ERROR(
      core_->Scan(view_.get(), filter_, *directory_, municipality_, data_version_, known_as_of_,
                  after_, max, chunk));
  if (chunk.size() < max) done_ = true;
  if (chunk.empty()) return false;
  after_ = std::make_pair(chunk.back().subject.id, chunk.back().year);
  return true;
}

absl::StatusOr<HistoryPage> StatsCore::GetFiguresHistory(const Subject& requested, int year,
                                                         const HistoryQuery& query) {
  IMDI_RETURN_IF_ERROR(ValidateYear(year, "year"));
  IMDI_ASSIGN_OR_RETURN(int page_size, EffectivePageSize(query.page_size));
  const uint64_t fingerprint = StableHash(
      absl::StrCat("history|", static_cast<int>(requested.kind), "|", requested.id, "|", year));
  std::optional<PageToken> token;
  if (!query.page_token.empty()) {
    IMDI_ASSIGN_OR_RETURN(token, DecodePageToken(query.page_token, fingerprint));
  }
  const uint64_t version = token ? token->data_version : visible_version_.load();
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  IMDI_ASSIGN_OR_RETURN(Subject subject, ResolveSubject(requested, year, *dir));
  // Revisions after the pinned version (a later write, or a commit in
  // flight) belong to a later listing.
  IMDI_ASSIGN_OR_RETURN(std::vector<FiguresRecord> all, ReadRevisions(subject, year, version));
  if (all.empty() && !token) {
    return MakeError(absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND",
                     absl::StrCat("no figures for ", Describe(subject, *dir), " in ", year));
  }
  const uint64_t after = token ? token->last_version : 0;
  ByteBudget budget;
  HistoryPage page;
  for (const FiguresRecord& r : all) {
    if (r.data_version <= after) continue;
    // What was known on the revision's date once it was written.
    FiguresRecord shown = *FoldRevisions(all, r.data_version, EffectiveKnownDate(r));
    shown.known_date = EffectiveKnownDate(r);
    shown.revision = r.revision;
    shown.data_version = r.data_version;
    shown.update_time = r.update_time;
    if (page.revisions.size() == static_cast<size_t>(page_size) ||
        !budget.Take(shown.ReplyBytes())) {
      page.next_page_token = EncodePageToken({.data_version = version,
                                              .fingerprint = fingerprint,
                                              .last_version = page.revisions.back().data_version});
      break;
    }
    page.revisions.push_back(std::move(shown));
  }
  return page;
}

absl::StatusOr<ImportBatchResult> StatsCore::ImportBatch(absl::string_view source,
                                                         FiguresStatus status,
                                                         std::vector<ImportRowInput> rows,
                                                         const WriteOrigin& origin) {
  if (rows.size() > kMaxImportRowsPerMessage) {
    return InvalidFieldError("rows", absl::StrCat(rows.size(), " rows in one batch; at most ",
                                                  kMaxImportRowsPerMessage));
  }
  ImportBatchResult result;
  result.rows_received = static_cast<int64_t>(rows.size());
  auto reject = [&](int64_t line, std::string field, std::string reason) {
    ++result.rows_rejected;
    if (result.errors.size() < kMaxImportErrors) {
      result.errors.push_back({line, std::move(field), std::move(reason)});
    }
  };
  absl::Status known_date = CheckWriteKnownDate(origin.known_date, "known_date");
  if (!known_date.ok()) {
    // A problem of the batch as a whole: every row is rejected with it.
    for (const ImportRowInput& row : rows) {
      reject(row.line, "known_date", std::string(FieldViolations(known_date).front().description));
    }
    result.data_version = visible_version_.load();
    return result;
  }

  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  const uint64_t version = visible_version_.load();
  // Records this batch touches, keyed by (subject, year): what was known on
  // the import's date, the merged content, and the row that last set each
  // field.
  struct Pending {
    std::optional<FiguresRecord> known_then;
    FiguresRecord base;  // known_then, or an empty record
    FiguresRecord merged;
    std::array<FieldSource, kNumFields> set_by;
    // The row that last stated each figure as not known.
    std::array<std::optional<FieldSource>, kNumFields> stated_absent;
    int64_t highest_revision = 0;
  };
  std::map<std::pair<Subject, int>, Pending> pending;

  for (ImportRowInput& row : rows) {
    FiguresRecord& in = row.record;
    absl::Status year_ok = ValidateYear(in.year, "year");
    if (!year_ok.ok()) {
      reject(row.line, "year", std::string(FieldViolations(year_ok).front().description));
      continue;
    }
    absl::StatusOr<Subject> subject = ResolveSubject(in.subject, in.year, *dir);
    if (!subject.ok()) {
      reject(row.line, "municipality_code", std::string(subject.status().message()));
      continue;
    }
    if (subject->is_municipality()) {
      // Published figures name a municipality by its code of that year, or
      // of the one year whose codes the whole file uses.
      const int codes_year = origin.codes_year != 0 ? origin.codes_year : in.year;
      const Municipality* m = dir->FindById(subject->id);
      const CodePeriod* period = m->CodeIn(codes_year);
      if (period == nullptr || period->code != in.subject.id) {
        reject(row.line, "municipality_code",
               absl::StrCat("code ", FormatCode(in.subject.id), " was not in use in ", codes_year,
                            period == nullptr
                                ? absl::StrCat("; ", m->name, " did not exist then")
                                : absl::StrCat("; ", period->name, " had code ",
                                               FormatCode(period->code), " then")));
        continue;
      }
    }
    std::vector<FieldViolation> own =
        CheckFigureValues(in.values, subject->is_municipality(), "");
    if (!own.empty()) {
      reject(row.line, own.front().field, own.front().description);
      continue;
    }
    if (std::optional<int> both = ValuedAndAbsent(in.values, row.absent)) {
      reject(row.line, "absent_fields",
             absl::StrCat(FieldName(*both), " has a value and is named absent"));
      continue;
    }

    const auto key = std::make_pair(*subject, in.year);
    auto it = pending.find(key);
    if (it == pending.end()) {
      IMDI_ASSIGN_OR_RETURN(WriteBase read,
                            ReadWriteBase(*subject, in.year, version, origin.known_date));
      Pending p;
      p.known_then = std::move(read.known_then);
      p.base.subject = *subject;
      p.base.year = in.year;
      if (p.known_then) p.base = *p.known_then;
      p.merged = p.base;
      p.highest_revision = read.highest_revision;
      it = pending.emplace(key, std::move(p)).first;
    }
    Pending& p = it->second;

    // The row sets the figures it carries, clears those it names absent,
    // sets its note when it has one, and the import's status when one is
    // given.
    FiguresMask mask;
    for (int i = 0; i < kNumCounts; ++i) {
      mask.counts[i] = in.values.counts[i].has_value() || row.absent.counts[i];
    }
    for (int i = 0; i < kNumPercents; ++i) {
      mask.percents[i] = in.values.percents[i].has_value() || row.absent.percents[i];
    }
    mask.status = status != FiguresStatus::kUnspecified;
    mask.note = !in.note.empty();
    in.status = status;
    FiguresRecord merged = p.merged;
    ApplyMask(in, mask, merged);
    // A row changes something only if it will be written: a new record
    // needs at least one figure.
    const bool creates_nothing = !p.known_then && merged.values.empty();
    std::vector<int> changed;
    for (int f = 0; f < kNumFields; ++f) {
      if (!SameField(merged, p.merged, f)) changed.push_back(f);
    }
    const std::string row_source = in.source.empty() ? std::string(source) : in.source;
    auto note_stated_absent = [&] {
      for (int f = 0; f < kStatusField; ++f) {
        if (SelectsFigure(row.absent, f)) {
          p.stated_absent[f] = FieldSource::Of(f, row_source, row.line);
        }
      }
    };
    if (creates_nothing || changed.empty()) {
      note_stated_absent();
      ++result.rows_unchanged;
      continue;
    }
    std::vector<FieldViolation> combined =
        CheckFigureValues(merged.values, subject->is_municipality(), "");
    if (!combined.empty()) {
      reject(row.line, combined.front().field,
             absl::StrCat(combined.front().description, " (with the figures already stored)"));
      continue;
    }
    for (int f : changed) p.set_by[f] = FieldSource::Of(f, row_source, row.line);
    note_stated_absent();
    p.merged = std::move(merged);
    ++result.rows_changed;
  }

  std::vector<FiguresRecord> writes;
  for (auto& entry : pending) {
    // A named reference: clang 14 cannot capture a structured binding.
    auto& p = entry.second;
    if (!p.known_then && p.merged.values.empty()) continue;
    FiguresRecord revision =
        PartialRevision(p.base, p.merged, origin, [&](int f) { return p.set_by[f]; });
    if (revision.field_sources.empty()) continue;
    // A revision written anyway also records the figures its rows state as
    // not known, though none was known then: a snapshot of an earlier date
    // imported later then cannot show through it.
    for (int f = 0; f < kStatusField; ++f) {
      if (!p.stated_absent[f] || HasField(p.merged, f) || !SameField(p.base, p.merged, f)) {
        continue;
      }
      revision.field_sources.push_back(*p.stated_absent[f]);
    }
    std::sort(revision.field_sources.begin(), revision.field_sources.end(),
              [](const FieldSource& a, const FieldSource& b) { return a.field < b.field; });
    revision.source = JoinSources(revision.field_sources);
    revision.revision = p.highest_revision + 1;
    writes.push_back(std::move(revision));
  }
  std::vector<Municipality> no_municipalities;
  IMDI_ASSIGN_OR_RETURN(result.data_version,
                        CommitAndPublish(writes, no_municipalities, nullptr));
  return result;
}

absl::StatusOr<AggregateRead> StatsCore::GetAggregate(const Subject& area, int year,
                                                      int64_t as_of,
                                                      std::optional<int> known_as_of) {
  IMDI_ASSIGN_OR_RETURN(std::vector<AggregateRead> reads,
                        GetAggregates({area}, year, as_of, known_as_of));
  return std::move(reads.front());
}

absl::StatusOr<std::vector<AggregateRead>> StatsCore::GetAggregates(
    const std::vector<Subject>& areas, int year, int64_t as_of,
    std::optional<int> known_as_of) {
  IMDI_RETURN_IF_ERROR(ValidateYear(year, "year"));
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  IMDI_ASSIGN_OR_RETURN(auto dir, DirectoryAt(version));
  const std::shared_ptr<const LatestView> view = ViewAt(version);
  std::vector<std::vector<int>> members;
  std::vector<int> wanted;
  for (const Subject& area : areas) {
    members.push_back(dir->Members(area, year));
    wanted.insert(wanted.end(), members.back().begin(), members.back().end());
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  // One read of the year for every area: the records of all their members.
  std::map<int, FiguresRecord> records;
  FiguresScan scan;
  scan.kind = Subject::Kind::kMunicipality;
  scan.as_of = version;
  scan.known_as_of = known_as_of;
  scan.want = [&](int id, int y) {
    return y == year && std::binary_search(wanted.begin(), wanted.end(), id);
  };
  IMDI_RETURN_IF_ERROR(ScanRecords(view.get(), scan, year, year, [&](FiguresRecord&& record) {
    const int id = record.subject.id;
    records.emplace(id, std::move(record));
    return true;
  }));
  // People counted in no municipality belong to the country alone.
  std::optional<FiguresRecord> unknown;
  std::vector<AggregateRead> out;
  for (size_t i = 0; i < areas.size(); ++i) {
    const Subject& area = areas[i];
    IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> published,
                          ReadFigures(view.get(), area, year, version, known_as_of));
    if (members[i].empty() && !published) {
      return MakeError(absl::StatusCode::kNotFound, "AREA_NOT_FOUND",
                       absl::StrCat(DescribeSubject(area), " had no municipalities in ", year,
                                    " and no published totals are stored"));
    }
    std::vector<const FigureValues*> values;
    values.reserve(members[i].size());
    for (int id : members[i]) {
      auto it = records.find(id);
      values.push_back(it == records.end() ? nullptr : &it->second.values);
    }
    if (area.kind == Subject::Kind::kCountry && !unknown) {
      IMDI_ASSIGN_OR_RETURN(unknown, ReadFigures(view.get(),
                                                 Subject::County(kUnknownMunicipalityCounty),
                                                 year, version, known_as_of));
    }
    AggregateRead& read = out.emplace_back();
    read.area = area;
    read.year = year;
    read.data_version = version;
    read.result =
        ComputeAggregate(values, published ? &published->values : nullptr,
                         area.kind == Subject::Kind::kCountry && unknown ? &unknown->values
                                                                         : nullptr);
  }
  return out;
}

}  // namespace imdi::stats
