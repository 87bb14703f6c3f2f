#include "common/csv.h"

#include "absl/strings/str_cat.h"

namespace imdi {

absl::StatusOr<bool> CsvReader::Next(CsvRecord& record) {
  record.fields.clear();
  record.line = line_;
  if (at_start_) {
    at_start_ = false;
    if (in_.peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
      if (!(bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF')) {
        return absl::InvalidArgumentError("line 1: bad byte order mark");
      }
    }
  }
  if (in_.peek() == std::char_traits<char>::eof()) return false;

  std::string field;
  bool quoted = false;       // inside a quoted section
  bool was_quoted = false;   // the current field started with a quote
  for (;;) {
    const int c = in_.get();
    if (c == std::char_traits<char>::eof()) {
      if (quoted) {
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", record.line, ": quoted field not closed at end of file"));
      }
      record.fields.push_back(std::move(field));
      return true;
    }
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get();
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field.empty() || was_quoted) {
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", line_, ": stray quote inside an unquoted field"));
        }
        quoted = was_quoted = true;
        break;
      case ',':
        record.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
        break;
      case '\r':
        if (in_.peek() == '\n') break;  // CRLF: the LF ends the record
        field.push_back('\r');
        break;
      case '\n':
        ++line_;
        record.fields.push_back(std::move(field));
        return true;
      default:
        if (was_quoted) {
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", line_, ": text after a closing quote"));
        }
        field.push_back(static_cast<char>(c));
    }
  }
}

}  // namespace imdi
