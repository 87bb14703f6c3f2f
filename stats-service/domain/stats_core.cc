#include "stats-service/domain/stats_core.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "stats-service/domain/page_token.h"
#include "stats-service/domain/validation.h"

namespace imdi::stats {
namespace {

constexpr size_t kMaxImportErrors = 1000;
constexpr size_t kMaxBatchGet = 1000;

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
                         int64_t as_of) {
  return StableHash(absl::StrCat(kind, "|", filter.canonical, "|", as_of));
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
    std::unique_ptr<StatsStore> store) {
  IMDI_ASSIGN_OR_RETURN(std::vector<Municipality> municipalities,
                        store->ReadMunicipalities(store->data_version()));
  IMDI_ASSIGN_OR_RETURN(auto directory,
                        MunicipalityDirectory::Build(std::move(municipalities)));
  return std::unique_ptr<StatsCore>(new StatsCore(std::move(store), std::move(directory)));
}

std::shared_ptr<const MunicipalityDirectory> StatsCore::directory() const {
  absl::MutexLock lock(&directory_mu_);
  return directory_;
}

absl::StatusOr<uint64_t> StatsCore::ResolveVersion(int64_t as_of) const {
  const uint64_t current = store_->data_version();
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
  return Subject::Municipality(m->code);
}

// --- Municipalities ---

absl::StatusOr<StatsCore::BatchUpsertResult> StatsCore::CommitMunicipalities(
    std::vector<Municipality> incoming, bool single, absl::string_view etag) {
  std::vector<FieldViolation> violations;
  std::set<int> seen;
  for (size_t i = 0; i < incoming.size(); ++i) {
    const std::string prefix =
        single ? std::string("municipality") : absl::StrCat("municipalities[", i, "]");
    for (FieldViolation& v : CheckMunicipality(incoming[i], prefix)) {
      violations.push_back(std::move(v));
    }
    if (!seen.insert(incoming[i].code).second) {
      violations.push_back({prefix + ".code", absl::StrCat("municipality ",
                                                           FormatCode(incoming[i].code),
                                                           " appears twice")});
    }
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_MUNICIPALITY", violations);

  std::shared_ptr<const MunicipalityDirectory> current = directory();
  if (!etag.empty()) {
    const Municipality* existing = current->FindById(incoming.front().code);
    const std::string current_etag = existing ? MunicipalityEtag(*existing) : "";
    if (current_etag != etag) {
      return EtagMismatch(absl::StrCat("municipality ", FormatCode(incoming.front().code)),
                          etag, current_etag);
    }
  }

  // The directory after the write: every code claimed once, every
  // reference to a municipality that exists.
  std::map<int, Municipality> next = current->all();
  std::vector<Municipality> changed;
  BatchUpsertResult result;
  for (Municipality& m : incoming) {
    auto it = next.find(m.code);
    if (it != next.end() && it->second.SameContent(m)) {
      result.municipalities.push_back(it->second);
      continue;
    }
    m.revision = it == next.end() ? 1 : it->second.revision + 1;
    next[m.code] = m;
    changed.push_back(std::move(m));
    result.municipalities.push_back(changed.back());
  }
  for (const auto& [id, m] : next) {
    std::vector<int> refs = m.predecessors;
    if (m.successor) refs.push_back(*m.successor);
    for (int ref : refs) {
      if (!next.contains(ref)) {
        return FailedPreconditionError(
            "UNKNOWN_REFERENCE",
            absl::StrCat(m.name, " (", FormatCode(id), ") refers to municipality ",
                         FormatCode(ref), ", which does not exist; upsert it first "
                         "or in the same batch"),
            {{"REFERENCE", FormatCode(ref), "referenced municipality must exist"}});
      }
    }
  }
  std::vector<Municipality> all;
  for (auto& [id, m] : next) all.push_back(m);
  IMDI_ASSIGN_OR_RETURN(auto next_directory, MunicipalityDirectory::Build(std::move(all)));

  std::vector<FiguresRecord> no_figures;
  IMDI_ASSIGN_OR_RETURN(result.data_version, store_->Commit(no_figures, changed));
  result.changed = static_cast<int>(changed.size());
  if (!changed.empty()) {
    // Rebuild from what was committed so that revision metadata is current.
    std::map<int, Municipality> committed = next_directory->all();
    for (Municipality& m : changed) committed[m.code] = m;
    std::vector<Municipality> rebuilt;
    for (auto& [id, m] : committed) rebuilt.push_back(std::move(m));
    IMDI_ASSIGN_OR_RETURN(next_directory, MunicipalityDirectory::Build(std::move(rebuilt)));
    absl::MutexLock lock(&directory_mu_);
    directory_ = next_directory;
  }
  for (Municipality& m : result.municipalities) {
    if (const Municipality* stored = next_directory->FindById(m.code)) m = *stored;
  }
  return result;
}

absl::StatusOr<Municipality> StatsCore::UpsertMunicipality(Municipality municipality,
                                                           absl::string_view etag) {
  absl::MutexLock lock(&write_mu_);
  std::vector<Municipality> one;
  one.push_back(std::move(municipality));
  IMDI_ASSIGN_OR_RETURN(BatchUpsertResult result, CommitMunicipalities(std::move(one), /*single=*/true, etag));
  return std::move(result.municipalities.front());
}

absl::StatusOr<StatsCore::BatchUpsertResult> StatsCore::BatchUpsertMunicipalities(
    std::vector<Municipality> municipalities) {
  if (municipalities.empty()) {
    return InvalidFieldError("municipalities", "at least one municipality is required");
  }
  absl::MutexLock lock(&write_mu_);
  return CommitMunicipalities(std::move(municipalities), /*single=*/false, "");
}

absl::StatusOr<std::pair<Municipality, uint64_t>> StatsCore::GetMunicipality(
    int code, int64_t as_of) {
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  if (version != store_->data_version()) {
    IMDI_ASSIGN_OR_RETURN(std::vector<Municipality> then,
                          store_->ReadMunicipalities(version));
    IMDI_ASSIGN_OR_RETURN(dir, MunicipalityDirectory::Build(std::move(then)));
  }
  IMDI_ASSIGN_OR_RETURN(const Municipality* m, dir->Resolve(code));
  return std::make_pair(*m, version);
}

absl::StatusOr<MunicipalityPage> StatsCore::ListMunicipalities(const ListQuery& query) {
  IMDI_ASSIGN_OR_RETURN(RecordFilter filter,
                        ParseFilter(query.filter, kMunicipalityFilterFields));
  IMDI_ASSIGN_OR_RETURN(int page_size, EffectivePageSize(query.page_size));
  const uint64_t fingerprint =
      ListFingerprint("municipalities", filter, static_cast<int64_t>(query.as_of));
  std::optional<PageToken> token;
  if (!query.page_token.empty()) {
    IMDI_ASSIGN_OR_RETURN(token, DecodePageToken(query.page_token, fingerprint));
  }
  IMDI_ASSIGN_OR_RETURN(uint64_t version,
                        ResolveVersion(token ? static_cast<int64_t>(token->data_version)
                                             : static_cast<int64_t>(query.as_of)));
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  if (version != store_->data_version()) {
    IMDI_ASSIGN_OR_RETURN(std::vector<Municipality> then,
                          store_->ReadMunicipalities(version));
    IMDI_ASSIGN_OR_RETURN(dir, MunicipalityDirectory::Build(std::move(then)));
  }

  MunicipalityPage page;
  page.data_version = version;
  if (filter.contradictory) return page;
  const bool year_filtered =
      filter.year_min != kMinYear || filter.year_max != kMaxYear;
  for (auto it = token ? dir->all().upper_bound(token->last_id) : dir->all().begin();
       it != dir->all().end(); ++it) {
    const Municipality& m = it->second;
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
    if (static_cast<int>(page.municipalities.size()) == page_size) {
      page.next_page_token = EncodePageToken(
          {version, fingerprint, page.municipalities.back().code, 0});
      break;
    }
    page.municipalities.push_back(m);
  }
  return page;
}

// --- Figures ---

absl::StatusOr<StatsCore::PutResult> StatsCore::PutFigures(FiguresRecord record,
                                                           const FiguresMask& mask,
                                                           absl::string_view etag) {
  IMDI_RETURN_IF_ERROR(ValidateYear(record.year, "figures.year"));
  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  IMDI_ASSIGN_OR_RETURN(record.subject, ResolveSubject(record.subject, record.year, *dir));
  IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> current,
                        store_->ReadFigures(record.subject, record.year,
                                            store_->data_version()));
  if (!etag.empty()) {
    const std::string current_etag = current ? FiguresEtag(*current) : "";
    if (etag != current_etag) {
      return EtagMismatch(
          absl::StrCat("the figures of ", Describe(record.subject, *dir), " for ",
                       record.year),
          etag, current_etag);
    }
  }
  FiguresRecord next;
  if (current) {
    next = *current;
  } else {
    next.subject = record.subject;
    next.year = record.year;
  }
  ApplyMask(record, mask, next);
  std::vector<FieldViolation> violations =
      CheckFigureValues(next.values, next.subject.is_municipality(), "figures");
  if (!violations.empty()) return InvalidArgumentError("INVALID_FIGURES", violations);

  if (current && current->SameContent(next)) return PutResult{*current, false};
  next.revision = current ? current->revision + 1 : 1;
  std::vector<FiguresRecord> figures{next};
  std::vector<Municipality> no_municipalities;
  IMDI_RETURN_IF_ERROR(store_->Commit(figures, no_municipalities).status());
  return PutResult{std::move(figures.front()), true};
}

absl::StatusOr<std::pair<FiguresRecord, uint64_t>> StatsCore::GetFigures(
    int code, int year, int64_t as_of) {
  IMDI_RETURN_IF_ERROR(ValidateYear(year, "year"));
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  IMDI_ASSIGN_OR_RETURN(Subject subject,
                        ResolveSubject(Subject::Municipality(code), year, *dir));
  IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> record,
                        store_->ReadFigures(subject, year, version));
  if (!record) {
    return MakeError(absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND",
                     absl::StrCat("no figures for ", Describe(subject, *dir), " in ",
                                  year, " at data version ", version));
  }
  return std::make_pair(std::move(*record), version);
}

absl::StatusOr<std::pair<std::vector<FiguresRecord>, uint64_t>> StatsCore::BatchGetFigures(
    const std::vector<std::pair<int, int>>& code_years, int64_t as_of,
    bool allow_missing) {
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
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  std::vector<FiguresRecord> out;
  out.reserve(code_years.size());
  for (const auto& [code, year] : code_years) {
    absl::StatusOr<Subject> subject =
        ResolveSubject(Subject::Municipality(code), year, *dir);
    if (!subject.ok()) {
      if (allow_missing && ErrorReason(subject.status()) == "MUNICIPALITY_NOT_IN_YEAR") {
        FiguresRecord empty;
        empty.subject = Subject::Municipality(code);
        empty.year = year;
        out.push_back(std::move(empty));
        continue;
      }
      return subject.status();
    }
    IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> record,
                          store_->ReadFigures(*subject, year, version));
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
    out.push_back(std::move(*record));
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

absl::Status StatsCore::Scan(const RecordFilter& filter, std::optional<int> municipality,
                             uint64_t version, std::optional<std::pair<int, int>> after,
                             size_t limit, std::vector<FiguresRecord>& out) const {
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  FiguresScan scan;
  scan.kind = Subject::Kind::kMunicipality;
  scan.after = after;
  scan.as_of = version;
  scan.want = [&](int id, int year) {
    return Matches(filter, municipality, *dir, id, year);
  };
  return store_->ScanFigures(scan, [&](FiguresRecord&& record) {
    out.push_back(std::move(record));
    return out.size() < limit;
  });
}

namespace {

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
  return m->code;
}

}  // namespace

absl::StatusOr<FiguresPage> StatsCore::ListFigures(const ListQuery& query) {
  IMDI_ASSIGN_OR_RETURN(RecordFilter filter, ParseFilter(query.filter, kFigureFilterFields));
  IMDI_ASSIGN_OR_RETURN(int page_size, EffectivePageSize(query.page_size));
  const uint64_t fingerprint =
      ListFingerprint("figures", filter, static_cast<int64_t>(query.as_of));
  std::optional<PageToken> token;
  if (!query.page_token.empty()) {
    IMDI_ASSIGN_OR_RETURN(token, DecodePageToken(query.page_token, fingerprint));
  }
  IMDI_ASSIGN_OR_RETURN(uint64_t version,
                        ResolveVersion(token ? static_cast<int64_t>(token->data_version)
                                             : static_cast<int64_t>(query.as_of)));
  const std::optional<int> municipality = FilterMunicipality(filter, *directory());
  FiguresPage page;
  page.data_version = version;
  if (filter.contradictory) return page;
  std::optional<std::pair<int, int>> after;
  if (token) after = std::make_pair(token->last_id, token->last_year);
  // One record more than the page tells whether another page follows.
  IMDI_RETURN_IF_ERROR(Scan(filter, municipality, version, after,
                            static_cast<size_t>(page_size) + 1, page.records));
  if (page.records.size() > static_cast<size_t>(page_size)) {
    page.records.pop_back();
    const FiguresRecord& last = page.records.back();
    page.next_page_token =
        EncodePageToken({version, fingerprint, last.subject.id, last.year});
  }
  return page;
}

absl::StatusOr<std::unique_ptr<StatsCore::FiguresCursor>> StatsCore::StreamFigures(
    absl::string_view filter_text, int64_t as_of) const {
  IMDI_ASSIGN_OR_RETURN(RecordFilter filter, ParseFilter(filter_text, kFigureFilterFields));
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  const std::optional<int> municipality = FilterMunicipality(filter, *directory());
  auto cursor = std::unique_ptr<FiguresCursor>(
      new FiguresCursor(this, std::move(filter), municipality, version));
  cursor->done_ = cursor->filter_.contradictory;
  return cursor;
}

absl::StatusOr<bool> StatsCore::FiguresCursor::Next(size_t max,
                                                    std::vector<FiguresRecord>& chunk) {
  chunk.clear();
  if (done_) return false;
  IMDI_RETURN_IF_ERROR(core_->Scan(filter_, municipality_, data_version_, after_, max, chunk));
  if (chunk.size() < max) done_ = true;
  if (chunk.empty()) return false;
  after_ = std::make_pair(chunk.back().subject.id, chunk.back().year);
  return true;
}

absl::StatusOr<std::vector<FiguresRecord>> StatsCore::GetFiguresHistory(int code,
                                                                        int year) {
  IMDI_RETURN_IF_ERROR(ValidateYear(year, "year"));
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  IMDI_ASSIGN_OR_RETURN(Subject subject,
                        ResolveSubject(Subject::Municipality(code), year, *dir));
  IMDI_ASSIGN_OR_RETURN(std::vector<FiguresRecord> history,
                        store_->ReadFiguresHistory(subject, year));
  if (history.empty()) {
    return MakeError(absl::StatusCode::kNotFound, "FIGURES_NOT_FOUND",
                     absl::StrCat("no figures for ", Describe(subject, *dir), " in ", year));
  }
  return history;
}

absl::StatusOr<ImportBatchResult> StatsCore::ImportBatch(absl::string_view source,
                                                         FiguresStatus status,
                                                         std::vector<ImportRowInput> rows) {
  ImportBatchResult result;
  result.rows_received = static_cast<int64_t>(rows.size());
  auto reject = [&](int64_t line, std::string field, std::string reason) {
    ++result.rows_rejected;
    if (result.errors.size() < kMaxImportErrors) {
      result.errors.push_back({line, std::move(field), std::move(reason)});
    }
  };

  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  const uint64_t version = store_->data_version();
  // Records this batch touches, keyed by (subject, year): the stored
  // revision it started from and the merged content.
  struct Pending {
    std::optional<FiguresRecord> stored;
    FiguresRecord merged;
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
    std::vector<FieldViolation> own =
        CheckFigureValues(in.values, subject->is_municipality(), "");
    if (!own.empty()) {
      reject(row.line, own.front().field, own.front().description);
      continue;
    }

    const auto key = std::make_pair(*subject, in.year);
    auto it = pending.find(key);
    if (it == pending.end()) {
      absl::StatusOr<std::optional<FiguresRecord>> stored =
          store_->ReadFigures(*subject, in.year, version);
      if (!stored.ok()) return stored.status();
      Pending p;
      p.stored = *stored;
      if (p.stored) {
        p.merged = *p.stored;
      } else {
        p.merged.subject = *subject;
        p.merged.year = in.year;
      }
      it = pending.emplace(key, std::move(p)).first;
    }

    FiguresRecord merged = it->second.merged;
    for (int i = 0; i < kNumCounts; ++i) {
      if (in.values.counts[i]) merged.values.counts[i] = in.values.counts[i];
    }
    for (int i = 0; i < kNumPercents; ++i) {
      if (in.values.percents[i]) merged.values.percents[i] = in.values.percents[i];
    }
    if (status != FiguresStatus::kUnspecified) merged.status = status;
    if (!in.note.empty()) merged.note = in.note;

    if (merged.values == it->second.merged.values &&
        merged.status == it->second.merged.status &&
        merged.note == it->second.merged.note) {
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
    merged.source = in.source.empty() ? std::string(source) : in.source;
    it->second.merged = std::move(merged);
    ++result.rows_changed;
  }

  std::vector<FiguresRecord> writes;
  for (auto& [key, p] : pending) {
    if (p.stored && p.stored->SameContent(p.merged)) continue;
    if (!p.stored && p.merged.values.empty()) continue;
    p.merged.revision = p.stored ? p.stored->revision + 1 : 1;
    writes.push_back(std::move(p.merged));
  }
  std::vector<Municipality> no_municipalities;
  IMDI_ASSIGN_OR_RETURN(result.data_version, store_->Commit(writes, no_municipalities));
  return result;
}

absl::StatusOr<AggregateRead> StatsCore::GetAggregate(const Subject& area, int year,
                                                      int64_t as_of) {
  IMDI_RETURN_IF_ERROR(ValidateYear(year, "year"));
  IMDI_ASSIGN_OR_RETURN(uint64_t version, ResolveVersion(as_of));
  std::shared_ptr<const MunicipalityDirectory> dir = directory();
  const std::vector<int> members = dir->Members(area, year);

  std::map<int, FiguresRecord> records;
  FiguresScan scan;
  scan.kind = Subject::Kind::kMunicipality;
  scan.as_of = version;
  scan.want = [&](int id, int y) {
    return y == year && std::binary_search(members.begin(), members.end(), id);
  };
  IMDI_RETURN_IF_ERROR(store_->ScanFigures(scan, [&](FiguresRecord&& record) {
    const int id = record.subject.id;
    records.emplace(id, std::move(record));
    return true;
  }));
  IMDI_ASSIGN_OR_RETURN(std::optional<FiguresRecord> published,
                        store_->ReadFigures(area, year, version));
  if (members.empty() && !published) {
    return MakeError(absl::StatusCode::kNotFound, "AREA_NOT_FOUND",
                     absl::StrCat(DescribeSubject(area), " had no municipalities in ",
                                  year, " and no published totals are stored"));
  }
  std::vector<const FigureValues*> values;
  values.reserve(members.size());
  for (int id : members) {
    auto it = records.find(id);
    values.push_back(it == records.end() ? nullptr : &it->second.values);
  }
  AggregateRead read;
  read.area = area;
  read.year = year;
  read.data_version = version;
  read.result = ComputeAggregate(values, published ? &published->values : nullptr);
  return read;
}

}  // namespace imdi::stats
