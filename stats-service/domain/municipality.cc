#include "stats-service/domain/municipality.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"

namespace imdi::stats {

std::string FormatCode(int code) { return absl::StrFormat("%04d", code); }

std::optional<int> Municipality::ValidFrom() const {
  if (codes.empty()) return std::nullopt;
  return codes.front().valid_from;
}

std::optional<int> Municipality::ValidTo() const {
  if (codes.empty()) return std::nullopt;
  return codes.back().valid_to;
}

bool Municipality::ExistedIn(int year) const {
  const std::optional<int> from = ValidFrom();
  const std::optional<int> to = ValidTo();
  return (!from || *from <= year) && (!to || year <= *to);
}

const CodePeriod* Municipality::CodeIn(int year) const {
  for (const CodePeriod& period : codes) {
    if (period.ValidIn(year)) return &period;
  }
  return nullptr;
}

int Municipality::CountyIn(int year) const {
  const CodePeriod* period = CodeIn(year);
  return (period ? period->code : code) / 100;
}

bool Municipality::SameContent(const Municipality& other) const {
  return id == other.id && code == other.code && name == other.name && region == other.region &&
         codes == other.codes && predecessors == other.predecessors &&
         successor == other.successor && note == other.note;
}

std::string MunicipalityEtag(const Municipality& municipality) {
  return absl::StrFormat(
      "%016x", StableHash(absl::StrCat("municipality:", municipality.id, ":",
                                       municipality.data_version)));
}

absl::StatusOr<std::shared_ptr<const MunicipalityDirectory>>
MunicipalityDirectory::Build(std::vector<Municipality> municipalities) {
  auto directory = std::make_shared<MunicipalityDirectory>();
  for (Municipality& m : municipalities) {
    const int id = m.id;
    if (directory->by_id_.contains(id)) {
      return FailedPreconditionError(
          "ID_CLAIMED_TWICE", absl::StrCat("two municipalities have the id ", id),
          {{"ID", absl::StrCat(id), "an id belongs to one municipality"}});
    }
    std::vector<int> codes;
    for (const CodePeriod& period : m.codes) codes.push_back(period.code);
    codes.push_back(m.code);
    for (int code : codes) {
      auto [it, inserted] = directory->id_by_code_.emplace(code, id);
      if (!inserted && it->second != id) {
        const Municipality& other = directory->by_id_.at(it->second);
        return FailedPreconditionError(
            "CODE_CLAIMED_TWICE",
            absl::StrCat("code ", FormatCode(code), " belongs to both ", other.name, " (",
                         FormatCode(other.code), ") and ", m.name, " (", FormatCode(m.code),
                         ")"),
            {{"CODE", FormatCode(code), "a code belongs to one municipality"}});
      }
    }
    directory->id_by_current_code_[m.code] = id;
    directory->by_id_.emplace(id, std::move(m));
  }
  return std::shared_ptr<const MunicipalityDirectory>(std::move(directory));
}

const Municipality* MunicipalityDirectory::FindById(int id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const Municipality* MunicipalityDirectory::FindByAnyCode(int code) const {
  auto it = id_by_code_.find(code);
  return it == id_by_code_.end() ? nullptr : FindById(it->second);
}

absl::StatusOr<const Municipality*> MunicipalityDirectory::Resolve(int code) const {
  const Municipality* m = FindByAnyCode(code);
  if (m == nullptr) {
    return MakeError(absl::StatusCode::kNotFound, "UNKNOWN_MUNICIPALITY",
                     absl::StrCat("no municipality has ever had code ",
                                  FormatCode(code)));
  }
  return m;
}

absl::StatusOr<const Municipality*> MunicipalityDirectory::ResolveInYear(
    int code, int year) const {
  absl::StatusOr<const Municipality*> found = Resolve(code);
  if (!found.ok() || (*found)->ExistedIn(year)) return found;
  const Municipality& m = **found;
  std::string what;
  if (m.ValidFrom() && year < *m.ValidFrom()) {
    std::vector<std::string> parts;
    for (int p : m.predecessors) {
      const Municipality* pm = FindByAnyCode(p);
      parts.push_back(absl::StrCat(pm ? pm->name : "?", " (", FormatCode(pm ? pm->code : p), ")"));
    }
    what = absl::StrCat("it was formed in ", *m.ValidFrom());
    if (!parts.empty()) {
      absl::StrAppend(&what, " from ", absl::StrJoin(parts, ", "),
                      "; ask for those");
    }
  } else {
    what = absl::StrCat("it existed until ", m.ValidTo().value_or(0));
    if (m.successor) {
      const Municipality* s = FindByAnyCode(*m.successor);
      absl::StrAppend(&what, " and became part of ", s ? s->name : "?", " (",
                      FormatCode(s ? s->code : *m.successor), ")");
    }
  }
  return MakeError(absl::StatusCode::kNotFound, "MUNICIPALITY_NOT_IN_YEAR",
                   absl::StrCat(m.name, " (", FormatCode(m.code),
                                ") did not exist in ", year, ": ", what));
}

bool MunicipalityDirectory::InCounty(int id, int county, int year) const {
  const Municipality* m = FindById(id);
  return m != nullptr && m->CountyIn(year) == county;
}

std::vector<int> MunicipalityDirectory::Members(const Subject& area,
                                                int year) const {
  std::vector<int> out;
  for (const auto& [id, m] : by_id_) {
    if (!m.ExistedIn(year)) continue;
    switch (area.kind) {
      case Subject::Kind::kCountry:
        out.push_back(id);
        break;
      case Subject::Kind::kCounty:
        if (m.CountyIn(year) == area.id) out.push_back(id);
        break;
      case Subject::Kind::kImdiRegion:
        if (static_cast<int>(m.region) == area.id) out.push_back(id);
        break;
      case Subject::Kind::kMunicipality:
        if (id == area.id) out.push_back(id);
        break;
    }
  }
  return out;
}

}  // namespace imdi::stats
