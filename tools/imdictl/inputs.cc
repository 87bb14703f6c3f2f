#include "tools/imdictl/inputs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
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
#include "common/utf8.h"

namespace imdi::imdictl {
namespace {

namespace api = ::imdi::award::v1;

bool AllEmpty(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (!absl::StripAsciiWhitespace(f).empty()) return false;
  }
  return true;
}

std::string Trimmed(absl::string_view s) { return std::string(absl::StripAsciiWhitespace(s)); }

// Problems in the order of the file's lines.
void SortByLine(std::vector<InputProblem>& problems) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const InputProblem& a, const InputProblem& b) { return a.line < b.line; });
}

}  // namespace

std::string DescribeProblems(absl::string_view file, const std::vector<InputProblem>& problems,
                             size_t limit) {
  std::string out;
  for (size_t i = 0; i < problems.size() && i < limit; ++i) {
    if (problems[i].line > 0) {
      absl::StrAppend(&out, file, ":", problems[i].line, ": ", problems[i].message, "\n");
    } else {
      absl::StrAppend(&out, file, ": ", problems[i].message, "\n");
    }
  }
  if (problems.size() > limit) {
    absl::StrAppend(&out, "... and ", problems.size() - limit, " more problems\n");
  }
  return out;
}

CsvTable ReadCsvTable(absl::string_view text, const std::vector<std::string>& required,
                      const std::vector<std::string>& optional,
                      const std::vector<std::pair<std::string, std::string>>& aliases,
                      std::vector<InputProblem>& problems) {
  CsvTable table;
  table.columns = required;
  table.columns.insert(table.columns.end(), optional.begin(), optional.end());
  std::istringstream in{std::string(text)};
  CsvReader reader(in);
  CsvRecord record;
  absl::StatusOr<bool> more = reader.Next(record);
  if (!more.ok() || !*more) {
    problems.push_back({0, more.ok() ? "the file is empty; it needs a header line (" +
                                           absl::StrJoin(required, ",") + ")"
                                     : std::string(more.status().message())});
    return table;
  }
  // Where each known column is in the file.
  std::vector<int> position(table.columns.size(), -1);
  for (size_t i = 0; i < record.fields.size(); ++i) {
    std::string name = absl::AsciiStrToLower(Trimmed(record.fields[i]));
    for (const auto& [alias, column] : aliases) {
      if (name == alias) name = column;
    }
    bool known = false;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (table.columns[c] != name) continue;
      known = true;
      if (position[c] >= 0) {
        problems.push_back({record.line, absl::StrCat("column \"", name, "\" appears twice")});
      }
      position[c] = static_cast<int>(i);
    }
    if (!known) {
      problems.push_back(
          {record.line, absl::StrCat("unknown column \"", CleanText(name, 64), "\"; expected ",
                                     absl::StrJoin(table.columns, ","))});
    }
  }
  for (size_t c = 0; c < required.size(); ++c) {
    if (position[c] < 0) {
      problems.push_back(
          {record.line, absl::StrCat("the header lacks the column \"", required[c], "\"")});
    }
  }
  if (!problems.empty()) return table;
  const size_t width = record.fields.size();
  for (;;) {
    more = reader.Next(record);
    if (!more.ok()) {
      problems.push_back({record.line, std::string(more.status().message())});
      break;
    }
    if (!*more) break;
    if (AllEmpty(record.fields)) continue;
    if (table.rows.size() >= kMaxInputRows) {
      problems.push_back(
          {record.line, absl::StrCat("more than ", kMaxInputRows, " rows; split the file")});
      break;
    }
    if (record.too_long || record.fields.size() != width) {
      problems.push_back(
          {record.line, absl::StrCat("expected ", width, " fields, found ", record.fields.size())});
      continue;
    }
    CsvTable::Row row;
    row.line = record.line;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      row.fields.push_back(position[c] < 0 ? "" : Trimmed(record.fields[position[c]]));
    }
    if (FirstInvalidUtf8(absl::StrJoin(row.fields, "")).has_value()) {
      problems.push_back({record.line, "the row is not UTF-8"});
      continue;
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<ScoreRow> ParseScoreSheet(absl::string_view text, std::vector<InputProblem>& problems) {
  const CsvTable table = ReadCsvTable(text, {"nomination", "criterion", "score"}, {},
                                      {{"municipality", "nomination"}}, problems);
  std::vector<ScoreRow> out;
  std::map<std::pair<std::string, std::string>, int64_t> seen;
  for (const CsvTable::Row& row : table.rows) {
    ScoreRow score{row.line, row.fields[0], row.fields[1], 0};
    std::vector<std::string> wrong;
    if (score.nomination.empty()) wrong.push_back("the nomination is empty");
    if (score.criterion.empty()) wrong.push_back("the criterion is empty");
    if (!absl::SimpleAtod(row.fields[2], &score.score) || !std::isfinite(score.score)) {
      wrong.push_back(absl::StrCat("score \"", CleanText(row.fields[2], 32), "\" is not a number"));
    }
    const auto key = std::make_pair(absl::AsciiStrToLower(score.nomination), score.criterion);
    if (wrong.empty()) {
      auto [it, inserted] = seen.emplace(key, row.line);
      if (!inserted) {
        wrong.push_back(absl::StrCat(score.nomination, " is scored on ", score.criterion,
                                     " already, on line ", it->second));
      }
    }
    if (!wrong.empty()) {
      problems.push_back({row.line, absl::StrJoin(wrong, "; ")});
      continue;
    }
    out.push_back(std::move(score));
  }
  if (out.empty() && problems.empty()) problems.push_back({0, "the sheet has no scores"});
  SortByLine(problems);
  return out;
}

namespace {

std::optional<bool> ParseYesNo(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t.empty() || t == "no" || t == "false" || t == "0") return false;
  if (t == "yes" || t == "true" || t == "1") return true;
  return std::nullopt;
}

}  // namespace

std::vector<JurorRow> ParseJurors(absl::string_view text, std::vector<InputProblem>& problems) {
  const CsvTable table = ReadCsvTable(text, {"juror_id", "display_name"}, {"chair"},
                                      {{"juror", "juror_id"}, {"name", "display_name"}}, problems);
  std::vector<JurorRow> out;
  std::set<std::string> seen;
  for (const CsvTable::Row& row : table.rows) {
    JurorRow juror;
    juror.line = row.line;
    juror.juror.set_juror_id(row.fields[0]);
    juror.juror.set_display_name(row.fields[1]);
    const std::optional<bool> chair = ParseYesNo(row.fields[2]);
    if (row.fields[0].empty()) {
      problems.push_back({row.line, "the juror id is empty"});
    } else if (!seen.insert(row.fields[0]).second) {
      problems.push_back({row.line, absl::StrCat("juror ", row.fields[0], " is listed twice")});
    } else if (!chair) {
      problems.push_back({row.line, absl::StrCat("chair must be yes or no, not \"",
                                                 CleanText(row.fields[2], 32), "\"")});
    } else {
      juror.juror.set_chair(*chair);
      out.push_back(std::move(juror));
    }
  }
  SortByLine(problems);
  return out;
}

std::vector<AssessmentRow> ParseAssessments(absl::string_view text,
                                            std::vector<InputProblem>& problems) {
  const CsvTable table =
      ReadCsvTable(text, {"nomination", "criterion"}, {"verdict", "note"},
                   {{"municipality", "nomination"}, {"jury_note", "note"}}, problems);
  std::vector<AssessmentRow> out;
  for (const CsvTable::Row& row : table.rows) {
    AssessmentRow a{row.line, row.fields[0], row.fields[1], true, row.fields[3]};
    const std::string verdict = absl::AsciiStrToLower(row.fields[2]);
    if (a.nomination.empty() || a.criterion.empty()) {
      problems.push_back({row.line, "nomination and criterion must both be given"});
    } else if (verdict != "" && verdict != "confirm" && verdict != "reject") {
      problems.push_back({row.line, absl::StrCat("verdict must be confirm or reject, not \"",
                                                 CleanText(row.fields[2], 32), "\"")});
    } else {
      a.confirmed = verdict != "reject";
      out.push_back(std::move(a));
    }
  }
  SortByLine(problems);
  return out;
}

std::vector<VotesRow> ParseVotes(absl::string_view text, std::vector<InputProblem>& problems) {
  const CsvTable table =
      ReadCsvTable(text, {"nomination", "votes"}, {}, {{"municipality", "nomination"}}, problems);
  std::vector<VotesRow> out;
  for (const CsvTable::Row& row : table.rows) {
    VotesRow v{row.line, row.fields[0], 0};
    if (v.nomination.empty()) {
      problems.push_back({row.line, "the nomination is empty"});
    } else if (!absl::SimpleAtoi(row.fields[1], &v.votes) || v.votes < 0) {
      problems.push_back({row.line, absl::StrCat("votes \"", CleanText(row.fields[1], 32),
                                                 "\" is not a whole number of at least 0")});
    } else {
      out.push_back(std::move(v));
    }
  }
  SortByLine(problems);
  return out;
}

std::optional<stats::v1::ImdiRegion> ParseRegion(absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(Trimmed(text));
  for (char& c : name) {
    if (c == '-' || c == ' ') c = '_';
  }
  if (!absl::StartsWith(name, "IMDI_REGION_")) name = "IMDI_REGION_" + name;
  stats::v1::ImdiRegion region;
  if (!stats::v1::ImdiRegion_Parse(name, &region) || region == stats::v1::IMDI_REGION_UNSPECIFIED) {
    return std::nullopt;
  }
  return region;
}

absl::Status ParseNominationFile(absl::string_view text, api::SubmitNominationRequest& request,
                                 std::string* full_text_file) {
  if (text.size() > size_t{256} * 1024) {
    return absl::InvalidArgumentError("the file is larger than 256 KiB");
  }
  if (FirstInvalidUtf8(text)) return absl::InvalidArgumentError("the file is not UTF-8");
  std::set<std::string> seen;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": expected key = value"));
    }
    const std::string key = Trimmed(line.substr(0, eq));
    const std::string value = Trimmed(line.substr(eq + 1));
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", why));
    };
    if (!seen.insert(key).second) return fail(absl::StrCat("\"", key, "\" is set twice"));
    if (key == "municipality") {
      request.set_municipality_code(value);
    } else if (key == "region") {
      std::optional<stats::v1::ImdiRegion> region = ParseRegion(value);
      if (!region) return fail(absl::StrCat("unknown IMDi region \"", CleanText(value, 32), "\""));
      request.mutable_nominator()->set_imdi_region(*region);
    } else if (key == "nominator") {
      request.mutable_nominator()->set_display_name(value);
    } else if (key == "nominator_kind") {
      const std::string kind = absl::AsciiStrToLower(value);
      if (kind == "regional_office") {
        request.mutable_nominator()->set_kind(api::NOMINATOR_KIND_REGIONAL_OFFICE);
      } else if (kind == "municipality") {
        request.mutable_nominator()->set_kind(api::NOMINATOR_KIND_MUNICIPALITY);
      } else {
        return fail("nominator_kind must be regional_office or municipality");
      }
    } else if (key == "nominator_municipality") {
      request.mutable_nominator()->set_municipality_code(value);
    } else if (key == "justification") {
      request.set_justification(value);
    } else if (key == "override_reason") {
      request.set_override_reason(value);
    } else if (key == "full_text_file" && full_text_file != nullptr) {
      if (value.empty()) return fail("full_text_file names no file");
      *full_text_file = value;
    } else if (absl::StartsWith(key, "claim.") && key.size() > 6) {
      api::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion(key.substr(6));
      claim->set_justification(value);
    } else {
      return fail(absl::StrCat("unknown key \"", CleanText(key, 64),
                               "\"; expected municipality, region, nominator, nominator_kind, "
                               "nominator_municipality, justification, override_reason, "
                               "full_text_file or claim.<criterion>"));
    }
  }
  if (request.municipality_code().empty()) {
    return absl::InvalidArgumentError("the file names no municipality (municipality = CODE)");
  }
  if (request.nominator().kind() == api::NOMINATOR_KIND_UNSPECIFIED) {
    request.mutable_nominator()->set_kind(api::NOMINATOR_KIND_REGIONAL_OFFICE);
  }
  return absl::OkStatus();
}

namespace {

// "25", "2.5" or "2,5".
std::optional<double> ParseDecimal(absl::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == ',') c = '.';
  }
  double x = 0;
  if (!absl::SimpleAtod(s, &x) || !std::isfinite(x)) return std::nullopt;
  return x;
}

absl::Status ParseCitedFigure(absl::string_view spec, api::CitedFigure& figure) {
  std::vector<std::string> words = absl::StrSplit(spec, ' ', absl::SkipWhitespace());
  if (words.empty()) return absl::InvalidArgumentError("a figure needs KIND [CODE] YEAR FIELD");
  const std::string kind_name = absl::AsciiStrToUpper(words[0]);
  api::CitedFigureKind kind;
  if (!api::CitedFigureKind_Parse("CITED_FIGURE_KIND_" + kind_name, &kind) ||
      kind == api::CITED_FIGURE_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown figure kind \"", CleanText(words[0], 32),
                     "\"; expected value, share_of_region, share_of_county, share_of_country, "
                     "ratio or country_total"));
  }
  figure.set_kind(kind);
  const size_t positional = kind == api::CITED_FIGURE_KIND_COUNTRY_TOTAL ? 3 : 4;
  if (words.size() < positional) {
    return absl::InvalidArgumentError(
        kind == api::CITED_FIGURE_KIND_COUNTRY_TOTAL
            ? "country_total needs YEAR FIELD"
            : absl::StrCat(words[0], " needs CODE YEAR FIELD"));
  }
  size_t i = 1;
  if (kind != api::CITED_FIGURE_KIND_COUNTRY_TOTAL) figure.set_municipality_code(words[i++]);
  int year = 0;
  if (!absl::SimpleAtoi(words[i], &year)) {
    return absl::InvalidArgumentError(
        absl::StrCat("year \"", CleanText(words[i], 16), "\" is not a number"));
  }
  figure.set_year(year);
  figure.set_field(words[i + 1]);
  for (size_t k = positional; k < words.size(); ++k) {
    const size_t eq = words[k].find('=');
    const std::string key = eq == std::string::npos ? words[k] : words[k].substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : words[k].substr(eq + 1);
    if (key == "of") {
      figure.set_denominator_field(value);
    } else if (key == "stated" || key == "tolerance") {
      std::optional<double> x = ParseDecimal(value);
      if (!x) {
        return absl::InvalidArgumentError(
            absl::StrCat(key, " \"", CleanText(value, 16), "\" is not a number"));
      }
      if (key == "stated") {
        figure.set_stated_value(*x);
      } else {
        figure.set_tolerance(*x);
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown figure option \"", CleanText(words[k], 32),
                       "\"; expected of=, stated= or tolerance="));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseCitationFile(absl::string_view text, api::RecordCitationRequest& request) {
  if (text.size() > size_t{256} * 1024) {
    return absl::InvalidArgumentError("the file is larger than 256 KiB");
  }
  if (FirstInvalidUtf8(text)) return absl::InvalidArgumentError("the file is not UTF-8");
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", why));
    };
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) return fail("expected reason = TEXT or figure = SPEC");
    const std::string key = Trimmed(line.substr(0, eq));
    const std::string value = Trimmed(line.substr(eq + 1));
    if (key == "reason") {
      request.add_reasons()->set_text(value);
    } else if (key == "figure") {
      if (request.reasons().empty()) return fail("a figure belongs to the reason before it");
      absl::Status s = ParseCitedFigure(
          value, *request.mutable_reasons(request.reasons_size() - 1)->add_figures());
      if (!s.ok()) return fail(s.message());
    } else {
      return fail(absl::StrCat("unknown key \"", CleanText(key, 64),
                               "\"; expected reason or figure"));
    }
  }
  if (request.reasons().empty()) {
    return absl::InvalidArgumentError("the file holds no reason (reason = TEXT)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveNomination(
    absl::string_view ref, const google::protobuf::RepeatedPtrField<api::Nomination>& nominations) {
  std::vector<const api::Nomination*> matches;
  for (const api::Nomination& n : nominations) {
    if (n.state() == api::NOMINATION_STATE_WITHDRAWN) continue;
    if (n.nomination_id() == ref) return n.nomination_id();
    if (n.municipality_code() == ref || n.code_at_the_time() == ref ||
        absl::EqualsIgnoreCase(n.municipality_name(), ref)) {
      matches.push_back(&n);
    }
  }
  if (matches.size() == 1) return matches[0]->nomination_id();
  if (matches.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no active nomination is \"", CleanText(ref, 64),
        "\" (give its id, its municipality's code or name; imdictl nomination list shows them)"));
  }
  std::vector<std::string> ids;
  ids.reserve(matches.size());
  for (const api::Nomination* n : matches) ids.push_back(n->nomination_id());
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", CleanText(ref, 64), "\" names several nominations: ", absl::StrJoin(ids, ", ")));
}

// --------------------------------------------------------------------------
// Nomination documents and full texts.

std::string NominationFullTextPath(absl::string_view nomination_file, absl::string_view named) {
  const std::filesystem::path path{std::string(named)};
  if (path.is_absolute()) return path.string();
  return (std::filesystem::path(std::string(nomination_file)).parent_path() / path).string();
}

std::string GuessMediaType(absl::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  const std::string ext =
      dot == absl::string_view::npos ? "" : absl::AsciiStrToLower(file_name.substr(dot + 1));
  static const auto* const kTypes = new std::map<std::string, std::string>{
      {"pdf", "application/pdf"},
      {"md", "text/markdown"},
      {"txt", "text/plain"},
      {"csv", "text/csv"},
      {"html", "text/html"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"odt", "application/vnd.oasis.opendocument.text"},
  };
  auto it = kTypes->find(ext);
  return it == kTypes->end() ? "application/octet-stream" : it->second;
}

}  // namespace imdi::imdictl
