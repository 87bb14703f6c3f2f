#include "common/csv.h"

#include "absl/strings/str_cat.h"

namespace imdi {

absl::StatusOr<bool> CsvReader::Next(CsvRecord& record) {
  record.fields.clear();
  record.too_long = false;
  record.line = line_;
  size_t bytes = 0;
  // Keeps a character while the record is within its bounds; past them the
  // record is only read to its end.
  auto keep = [&](std::string& field, char c) {
    if (++bytes > kMaxCsvRecordBytes) {
      record.too_long = true;
      return;
    }
    field.push_back(c);
  };
  auto end_field = [&](std::string& field) {
    if (record.fields.size() >= kMaxCsvFields) {
      record.too_long = true;
    } else {
      record.fields.push_back(std::move(field));
    }
    field.clear();
  };
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
      end_field(field);
      return true;
    }
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get();
          keep(field, '"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        keep(field, static_cast<char>(c));
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
      case ';':
        if (detect_) separator_ = static_cast<char>(c);
        detect_ = false;
        if (c != separator_) {
          if (was_quoted) {
            return absl::InvalidArgumentError(
                absl::StrCat("line ", line_, ": text after a closing quote"));
          }
          keep(field, static_cast<char>(c));
          break;
        }
        end_field(field);
        was_quoted = false;
        break;
      case '\r':
        if (in_.peek() == '\n') break;  // CRLF: the LF ends the record
        keep(field, '\r');
        break;
      case '\n':
        ++line_;
        detect_ = false;
        end_field(field);
        return true;
      default:
        if (was_quoted) {
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", line_, ": text after a closing quote"));
        }
        keep(field, static_cast<char>(c));
    }
  }
}

}  // namespace imdi
