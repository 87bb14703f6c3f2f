#include "stats-service/domain/filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "stats-service/domain/validation.h"

namespace imdi::stats {
namespace {

constexpr absl::string_view kField = "filter";

absl::Status FilterError(absl::string_view description) {
  return InvalidArgumentError("INVALID_FILTER",
                              {{std::string(kField), std::string(description)}});
}

enum class TokenKind { kIdent, kNumber, kString, kOp, kEnd };

struct Token {
  TokenKind kind;
  std::string text;
  size_t pos;
};

absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view in) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < in.size()) {
    const unsigned char c = in[i];
    if (absl::ascii_isspace(c)) {
      ++i;
    } else if (absl::ascii_isalpha(c) || c == '_') {
      size_t j = i;
      while (j < in.size() && (absl::ascii_isalnum(static_cast<unsigned char>(in[j])) ||
                               in[j] == '_' || in[j] == '-')) {
        ++j;
      }
      out.push_back({TokenKind::kIdent, std::string(in.substr(i, j - i)), i});
      i = j;
    } else if (absl::ascii_isdigit(c)) {
      size_t j = i;
      while (j < in.size() && absl::ascii_isdigit(static_cast<unsigned char>(in[j]))) ++j;
      out.push_back({TokenKind::kNumber, std::string(in.substr(i, j - i)), i});
      i = j;
    } else if (c == '"' || c == '\'') {
      const size_t end = in.find(static_cast<char>(c), i + 1);
      if (end == absl::string_view::npos) {
        return FilterError(absl::StrCat("unclosed quote at position ", i + 1));
      }
      out.push_back({TokenKind::kString, std::string(in.substr(i + 1, end - i - 1)), i});
      i = end + 1;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      std::string op(1, static_cast<char>(c));
      if (i + 1 < in.size() && in[i + 1] == '=') op.push_back('=');
      if (op == "!") return FilterError(absl::StrCat("unexpected '!' at position ", i + 1));
      out.push_back({TokenKind::kOp, op, i});
      i += op.size();
    } else {
      return FilterError(absl::StrCat("unexpected '", std::string(1, static_cast<char>(c)),
                                      "' at position ", i + 1));
    }
  }
  out.push_back({TokenKind::kEnd, "", in.size()});
  return out;
}

// Applies one equality clause on an optional field, noting contradictions.
template <typename T>
void SetEqual(std::optional<T>& slot, T value, RecordFilter& filter) {
  if (slot && *slot != value) filter.contradictory = true;
  slot = value;
}

absl::Status ApplyClause(const std::string& field, const std::string& op,
                         const Token& value, RecordFilter& filter) {
  const bool equality = op == "=";
  if (field == "year") {
    if (value.kind != TokenKind::kNumber && value.kind != TokenKind::kString) {
      return FilterError("year needs a number");
    }
    std::optional<int> parsed = ParseDigits(value.text, 4);
    if (!parsed) {
      return FilterError(absl::StrCat(Excerpt(value.text), " is not a four-digit year"));
    }
    const int year = *parsed;
    if (op == "=") {
      filter.year_min = std::max(filter.year_min, year);
      filter.year_max = std::min(filter.year_max, year);
    } else if (op == ">=") {
      filter.year_min = std::max(filter.year_min, year);
    } else if (op == ">") {
      filter.year_min = std::max(filter.year_min, year + 1);
    } else if (op == "<=") {
      filter.year_max = std::min(filter.year_max, year);
    } else if (op == "<") {
      filter.year_max = std::min(filter.year_max, year - 1);
    } else {
      return FilterError(absl::StrCat("year does not support '", op, "'"));
    }
    return absl::OkStatus();
  }
  if (!equality) {
    return FilterError(absl::StrCat(field, " supports only '='"));
  }
  if (field == "county_code") {
    absl::StatusOr<int> county = ParseCountyCode(value.text, kField);
    if (!county.ok()) return FilterError(county.status().message());
    SetEqual(filter.county, *county, filter);
  } else if (field == "imdi_region") {
    std::optional<ImdiRegion> region = ParseRegion(value.text);
    if (!region) {
      return FilterError(
          absl::StrCat(Excerpt(value.text),
                       " is not an IMDi region; use OST, INDRE_OST, SOR, VEST, MIDT_NORGE "
                       "or NORD"));
    }
    SetEqual(filter.region, *region, filter);
  } else if (field == "municipality_code") {
    absl::StatusOr<int> code = ParseMunicipalityCode(value.text, kField);
    if (!code.ok()) return FilterError(code.status().message());
    SetEqual(filter.municipality_code, *code, filter);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RecordFilter> ParseFilter(absl::string_view text,
                                         const std::vector<absl::string_view>& allowed) {
  RecordFilter filter;
  IMDI_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  size_t i = 0;
  int clauses = 0;
  while (tokens[i].kind != TokenKind::kEnd) {
    if (clauses > 0) {
      if (tokens[i].kind == TokenKind::kIdent && tokens[i].text == "OR") {
        return FilterError("OR is not supported; join comparisons with AND");
      }
      if (tokens[i].kind != TokenKind::kIdent || tokens[i].text != "AND") {
        return FilterError(absl::StrCat("expected AND at position ", tokens[i].pos + 1));
      }
      ++i;
    }
    const Token& field = tokens[i];
    if (field.kind != TokenKind::kIdent) {
      return FilterError(absl::StrCat("expected a field name at position ", field.pos + 1));
    }
    if (std::find(allowed.begin(), allowed.end(), field.text) == allowed.end()) {
      return FilterError(absl::StrCat("unknown field \"", field.text,
                                      "\"; known fields: ", absl::StrJoin(allowed, ", ")));
    }
    const Token& op = tokens[i + 1];
    if (op.kind != TokenKind::kOp) {
      return FilterError(absl::StrCat("expected a comparison after ", field.text));
    }
    const Token& value = tokens[i + 2];
    if (value.kind == TokenKind::kEnd || value.kind == TokenKind::kOp) {
      return FilterError(absl::StrCat("expected a value after ", field.text, " ", op.text));
    }
    IMDI_RETURN_IF_ERROR(ApplyClause(field.text, op.text, value, filter));
    ++clauses;
    i += 3;
  }
  if (filter.year_min > filter.year_max) filter.contradictory = true;
  // Built from the parsed values, so every spelling of one filter (clause
  // order, quoting, region names) gives one canonical form.
  filter.canonical = absl::StrFormat(
      "year=%d..%d county=%s region=%s municipality=%s%s", filter.year_min, filter.year_max,
      filter.county ? absl::StrFormat("%02d", *filter.county) : "*",
      filter.region ? std::string(RegionCode(*filter.region)) : "*",
      filter.municipality_code ? absl::StrFormat("%04d", *filter.municipality_code) : "*",
      filter.contradictory ? " none" : "");
  return filter;
}

}  // namespace imdi::stats
