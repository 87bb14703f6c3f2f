#include "tools/import/municipality_source.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/csv.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "stats-service/domain/validation.h"

namespace imdi::import {
namespace {

using stats::CodePeriod;
using stats::ImdiRegion;
using stats::Municipality;

// One row of the code history.
struct CodeEntry {
  int code = 0;
  std::string name;                // as written, without the years
  std::set<std::string> segments;  // name parts used for matching
  std::optional<int> from;
  std::optional<int> to;
  bool has_years = false;          // the text gave a period
};

// "Nes (Buskerud) (-2019)" -> name "Nes (Buskerud)", to 2019.
CodeEntry ParseEntry(int code, absl::string_view text) {
  CodeEntry e;
  e.code = code;
  std::string name(absl::StripAsciiWhitespace(text));
  if (absl::EndsWith(name, ")")) {
    const size_t open = name.rfind('(');
    const std::string inner = name.substr(open + 1, name.size() - open - 2);
    const size_t dash = inner.find('-');
    std::optional<int> from, to;
    if (dash != std::string::npos) {
      if (dash > 0) from = stats::ParseDigits(absl::string_view(inner).substr(0, dash), 4);
      to = stats::ParseDigits(absl::string_view(inner).substr(dash + 1), 4);
    }
    if (to && (dash == 0 || from)) {
      e.has_years = true;
      e.from = from;
      e.to = to;
      name = std::string(absl::StripAsciiWhitespace(name.substr(0, open)));
    }
  }
  // Collapse doubled spaces ("Kristiansund  (-2007)").
  std::vector<absl::string_view> words =
      absl::StrSplit(name, ' ', absl::SkipEmpty());
  e.name = absl::StrJoin(words, " ");
  // Match on the name without a county qualifier, each part of a
  // multilingual name separately ("Harstad - Hárstták").
  std::string base = e.name;
  if (absl::EndsWith(base, ")")) base = base.substr(0, base.rfind('('));
  for (absl::string_view part : absl::StrSplit(base, " - ")) {
    e.segments.insert(std::string(absl::StripAsciiWhitespace(part)));
  }
  return e;
}

bool SameName(const CodeEntry& a, const std::set<std::string>& segments) {
  for (const std::string& s : a.segments) {
    if (segments.contains(s)) return true;
  }
  return false;
}

// A municipality's own codes while it is being assembled.
struct Lineage {
  std::vector<CodeEntry> codes;
  std::vector<int> predecessors;  // identity codes
  std::optional<int> successor;
  std::string note;

  void SortCodes() {
    std::sort(codes.begin(), codes.end(), [](const CodeEntry& a, const CodeEntry& b) {
      const int at = a.to.value_or(99999), bt = b.to.value_or(99999);
      return at < bt;
    });
  }
  const CodeEntry& latest() const { return codes.back(); }
  std::optional<int> EndYear() const { return latest().to; }
  std::set<std::string> Segments() const { return latest().segments; }
};

// Splits entries into lineages by name.
std::vector<Lineage> ByName(const std::vector<CodeEntry>& entries) {
  std::vector<Lineage> out;
  for (const CodeEntry& e : entries) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Lineage& l) {
      return SameName(e, l.codes.front().segments);
    });
    if (it == out.end()) {
      out.push_back(Lineage{{e}, {}, std::nullopt, ""});
    } else {
      it->codes.push_back(e);
    }
  }
  for (Lineage& l : out) l.SortCodes();
  return out;
}

std::optional<ImdiRegion> RegionOf(const Lineage& l, const std::map<int, ImdiRegion>& regions) {
  for (const CodeEntry& e : l.codes) {
    auto it = regions.find(e.code);
    if (it != regions.end()) return it->second;
  }
  return std::nullopt;
}

// The region all of `codes` (identity codes of lineages) share, if any.
std::optional<ImdiRegion> SharedRegion(const std::vector<int>& codes,
                                       const std::map<int, const Lineage*>& by_id,
                                       const std::map<int, ImdiRegion>& regions) {
  std::set<ImdiRegion> theirs;
  for (int code : codes) {
    if (auto r = RegionOf(*by_id.at(code), regions)) theirs.insert(*r);
  }
  if (theirs.size() != 1) return std::nullopt;
  return *theirs.begin();
}

}  // namespace

namespace {

absl::StatusOr<google::protobuf::ListValue> ParseJsonList(std::istream& json) {
  std::stringstream buffer;
  buffer << json.rdbuf();
  google::protobuf::ListValue list;
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(buffer.str(), &list, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("regions file is not a JSON array: ", parsed.ToString()));
  }
  return list;
}

}  // namespace

absl::StatusOr<std::map<int, std::string>> ParseNames2015(std::istream& json) {
  IMDI_ASSIGN_OR_RETURN(google::protobuf::ListValue list, ParseJsonList(json));
  std::map<int, std::string> out;
  for (int i = 0; i < list.values_size(); ++i) {
    const auto& fields = list.values(i).struct_value().fields();
    auto code = fields.find("code");
    auto name = fields.find("name");
    if (code == fields.end() || name == fields.end()) continue;
    std::optional<int> number = stats::ParseDigits(code->second.string_value(), 4);
    const std::string& text = name->second.string_value();
    // Only a name that could stand in a code history is of use.
    if (!number || text.empty() || FirstInvalidUtf8(text) ||
        CheckText(text, "name", kMaxNameBytes)) {
      continue;
    }
    out[*number] = text;
  }
  return out;
}

absl::StatusOr<std::map<int, ImdiRegion>> ParseRegions(std::istream& json) {
  IMDI_ASSIGN_OR_RETURN(google::protobuf::ListValue list, ParseJsonList(json));
  std::map<int, ImdiRegion> out;
  for (int i = 0; i < list.values_size(); ++i) {
    const auto& fields = list.values(i).struct_value().fields();
    auto code = fields.find("code");
    auto region = fields.find("imdiRegion");
    if (code == fields.end() || region == fields.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("regions entry ", i, " lacks code or imdiRegion"));
    }
    std::optional<int> number = stats::ParseDigits(code->second.string_value(), 4);
    if (!number) {
      return absl::InvalidArgumentError(
          absl::StrCat("regions entry ", i, ": bad code ", Excerpt(code->second.string_value())));
    }
    // "Uoppgitt IMDi-region" (unknown) belongs to the pseudo-municipality
    // 9999 and maps to no region.
    if (std::optional<ImdiRegion> r = stats::ParseRegion(region->second.string_value())) {
      out[*number] = *r;
    }
  }
  return out;
}

absl::StatusOr<MunicipalitySource> BuildMunicipalities(
    std::istream& klass_csv, const std::map<int, ImdiRegion>& regions,
    const std::map<int, std::string>& names_2015) {
  MunicipalitySource source;
  CsvReader reader(klass_csv);
  CsvRecord row;
  IMDI_ASSIGN_OR_RETURN(bool has_header, reader.Next(row));
  if (!has_header || row.fields.size() < 4 || row.fields[0] != "GRUPPEKODE" ||
      row.fields[2] != "KODE" || row.fields[3] != "TEKST") {
    return absl::InvalidArgumentError(
        "the code history must start with GRUPPEKODE,GRUPPETEKST,KODE,TEKST");
  }

  // Entries by group, in file order.
  std::map<std::string, std::vector<CodeEntry>> groups;
  for (;;) {
    IMDI_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) break;
    if (row.fields.size() != 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", row.line, ": expected 4 columns, found ", row.fields.size()));
    }
    // The names travel as protobuf text: UTF-8, one line, bounded.
    if (std::optional<size_t> bad = FirstInvalidUtf8(row.fields[3])) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", row.line, ": byte ", *bad + 1, " of the name is not UTF-8"));
    }
    if (auto v = CheckText(row.fields[3], "TEKST", kMaxNameBytes * 2)) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", row.line, ": the name ", v->description));
    }
    std::optional<int> parsed_code = stats::ParseDigits(row.fields[2], 4);
    if (!parsed_code) {
      source.warnings.push_back(absl::StrCat("line ", row.line, ": code ", Excerpt(row.fields[2]),
                                             " (", Excerpt(row.fields[3]),
                                             ") is not a four-digit code; passed over"));
      continue;
    }
    if (*parsed_code == 9999) continue;  // "Uoppgitt kommune": not a municipality
    groups[row.fields[0]].push_back(ParseEntry(*parsed_code, row.fields[3]));
  }

  std::vector<Lineage> current;  // one per 2024 municipality
  std::vector<Lineage> ended;    // merged into another or divided
  std::vector<CodeEntry> divided;
  for (auto& [group, entries] : groups) {
    std::optional<int> group_number =
        absl::StartsWith(group, "K.") ? stats::ParseDigits(group.substr(2), 4) : std::nullopt;
    if (!group_number) {
      if (group == "K.Rest") {
        divided = entries;
      }
      // Svalbard, Jan Mayen and the continental shelf are not municipalities.
      continue;
    }
    const int group_code = *group_number;
    auto head = std::find_if(entries.begin(), entries.end(),
                             [&](const CodeEntry& e) { return e.code == group_code; });
    if (head == entries.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("group ", group, " does not list its own code"));
    }
    const std::set<std::string> segments = head->segments;
    std::vector<CodeEntry> own, others;
    for (const CodeEntry& e : entries) (SameName(e, segments) ? own : others).push_back(e);
    Lineage main{own, {}, std::nullopt, ""};
    main.SortCodes();
    std::vector<Lineage> merged = ByName(others);

    // A renamed municipality (Nes -> Nesbyen): the group's own line starts
    // with a known year, right after exactly one other line ends.
    if (merged.size() == 1 && main.codes.front().from &&
        merged.front().EndYear() == *main.codes.front().from - 1) {
      for (CodeEntry& e : merged.front().codes) main.codes.push_back(e);
      main.SortCodes();
      merged.clear();
    }
    for (Lineage& m : merged) {
      m.successor = group_code;
      main.predecessors.push_back(m.latest().code);
      ended.push_back(std::move(m));
    }
    current.push_back(std::move(main));
  }

  // Divided municipalities: join the current one of the same name, if any.
  for (Lineage& d : ByName(divided)) {
    auto same = std::find_if(current.begin(), current.end(), [&](const Lineage& c) {
      return SameName(d.codes.front(), c.Segments()) && c.codes.size() == 1 &&
             !c.codes.front().has_years;
    });
    if (same != current.end()) {
      for (CodeEntry& e : d.codes) same->codes.push_back(e);
      same->SortCodes();
    } else {
      d.note = "divided between several municipalities (Statistics Norway: "
               "\"Delte kommuner\")";
      ended.push_back(std::move(d));
    }
  }

  std::map<int, const Lineage*> by_id;
  for (const Lineage& l : ended) by_id[l.latest().code] = &l;
  for (const Lineage& l : current) by_id[l.latest().code] = &l;
  // Every merger names municipalities of the file; a group whose codes do
  // not line up (e.g. two open-ended codes under its own name) does not.
  for (const std::vector<Lineage>* lineages : {&current, &ended}) {
    for (const Lineage& l : *lineages) {
      std::vector<int> others = l.predecessors;
      if (l.successor) others.push_back(*l.successor);
      for (int other : others) {
        if (!by_id.contains(other)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "the code history of ", Excerpt(l.latest().name), " (",
              stats::FormatCode(l.latest().code), ") names municipality ",
              stats::FormatCode(other), ", which the file does not hold as one; check its group"));
        }
      }
    }
  }

  for (Lineage& l : current) {
    // The latest code has no printed period: it starts the year after the
    // municipality's previous code, or for a municipality formed after 2015
    // by merger, the year after its predecessors ended.
    CodeEntry& latest = l.codes.back();
    if (!latest.from && !latest.has_years) {
      std::optional<int> previous_end;
      for (size_t i = 0; i + 1 < l.codes.size(); ++i) {
        if (l.codes[i].to) previous_end = std::max(previous_end.value_or(0), *l.codes[i].to);
      }
      if (!previous_end && !regions.contains(latest.code)) {
        for (int p : l.predecessors) {
          std::optional<int> end = by_id.at(p)->EndYear();
          if (end) previous_end = std::max(previous_end.value_or(0), *end);
        }
      }
      if (!previous_end && !regions.contains(latest.code) && l.predecessors.empty()) {
        // Not in the (complete) list of 2015 and no known predecessor: formed
        // from parts of divided municipalities, the year after the divided
        // municipalities of its county ended (Heim, Orkland: 2020).
        for (const Lineage& d : ended) {
          if (!d.note.empty() && d.latest().code / 100 == latest.code / 100 && d.EndYear()) {
            previous_end = std::max(previous_end.value_or(0), *d.EndYear());
          }
        }
      }
      if (previous_end) latest.from = *previous_end + 1;
    }
  }

  auto to_municipality = [&](const Lineage& l) {
    Municipality m;
    m.code = l.latest().code;
    m.id = m.code;  // ids are assigned by the service; this one is local
    m.name = l.latest().name;
    for (const CodeEntry& e : l.codes) {
      std::string name = e.name;
      // An ended code valid in 2015: its name then, where IMDi's 2015 list
      // gives one part of the later name (see the header).
      auto named = names_2015.find(e.code);
      if (named != names_2015.end() && e.to && *e.to >= 2015 && e.from.value_or(0) <= 2015 &&
          e.segments.contains(named->second)) {
        name = named->second;
      }
      m.codes.push_back(CodePeriod{e.code, name, e.from, e.to});
    }
    m.predecessors = l.predecessors;
    std::sort(m.predecessors.begin(), m.predecessors.end());
    m.successor = l.successor;
    m.note = l.note;
    std::optional<ImdiRegion> region = RegionOf(l, regions);
    // Formed after 2015 by a merger: the region its predecessors share.
    if (!region) region = SharedRegion(l.predecessors, by_id, regions);
    // Ended before 2015: the region of the municipality it became part of.
    if (!region && l.successor) region = RegionOf(*by_id.at(*l.successor), regions);
    // Formed from parts of divided municipalities: theirs in its county.
    if (!region) {
      std::vector<int> divided_here;
      for (const Lineage& d : ended) {
        if (!d.note.empty() && d.latest().code / 100 == l.latest().code / 100) {
          divided_here.push_back(d.latest().code);
        }
      }
      if (l.predecessors.empty()) region = SharedRegion(divided_here, by_id, regions);
    }
    if (!region) {
      source.warnings.push_back(absl::StrCat(l.latest().name, " (", stats::FormatCode(l.latest().code),
                                             "): no IMDi region in the sources"));
    }
    m.region = region.value_or(ImdiRegion::kUnknown);
    return m;
  };
  for (const Lineage& l : current) source.municipalities.push_back(to_municipality(l));
  for (const Lineage& l : ended) source.municipalities.push_back(to_municipality(l));
  std::sort(source.municipalities.begin(), source.municipalities.end(),
            [](const Municipality& a, const Municipality& b) { return a.code < b.code; });
  return source;
}

absl::StatusOr<MunicipalitySource> LoadMunicipalities(const std::string& klass_path,
                                                      const std::string& regions_path) {
  std::ifstream regions_file(regions_path);
  if (!regions_file) return absl::NotFoundError(absl::StrCat("cannot read ", regions_path));
  std::stringstream regions_json;
  regions_json << regions_file.rdbuf();
  IMDI_ASSIGN_OR_RETURN(auto regions, ParseRegions(regions_json));
  regions_json.clear();
  regions_json.seekg(0);
  IMDI_ASSIGN_OR_RETURN(auto names, ParseNames2015(regions_json));
  std::ifstream klass_file(klass_path);
  if (!klass_file) return absl::NotFoundError(absl::StrCat("cannot read ", klass_path));
  return BuildMunicipalities(klass_file, regions, names);
}

}  // namespace imdi::import
