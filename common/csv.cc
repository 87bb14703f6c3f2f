#include "common/csv.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"

namespace imdi {
namespace {

// Bytes that end a run of plain text outside quotes.
constexpr std::array<bool, 256> kUnquotedStops = [] {
  std::array<bool, 256> stops{};
  for (unsigned char c : {'"', ',', ';', '\r', '\n'}) stops[c] = true;
  return stops;
}();

}  // namespace

bool CsvReader::Fill() {
  pos_ = 0;
  end_ = 0;
  if (!in_) return false;
  in_.read(block_.get(), static_cast<std::streamsize>(kBlockBytes));
  end_ = static_cast<size_t>(in_.gcount());
  return end_ > 0;
}

absl::StatusOr<bool> CsvReader::Next(CsvRecord& record) {
  std::vector<std::string>& fields = record.fields;
  record.too_long = false;
  record.line = line_;
  size_t count = 0;  // fields ended so far
  size_t bytes = 0;  // bytes of the record, kept or not
  // The field being read: record.fields[count], reusing its string, or past
  // kMaxCsvFields a scratch string that is dropped.
  auto slot = [&]() -> std::string& {
    if (count >= kMaxCsvFields) {
      overflow_.clear();
      return overflow_;
    }
    if (count == fields.size()) return fields.emplace_back();
    fields[count].clear();
    return fields[count];
  };
  // Keeps `n` bytes while the record is within its bounds; past them the
  // record is only read to its end.
  auto keep = [&](std::string& field, const char* p, size_t n) {
    const size_t room = bytes >= kMaxCsvRecordBytes ? 0 : kMaxCsvRecordBytes - bytes;
    bytes += n;
    if (n > room) {
      record.too_long = true;
      n = room;
    }
    field.append(p, n);
  };
  auto end_field = [&]() -> std::string& {
    if (count >= kMaxCsvFields) {
      record.too_long = true;
    } else {
      ++count;
    }
    return slot();
  };
  // Error or not, `fields` ends up holding the fields ended so far.
  auto fail = [&](std::string message) -> absl::StatusOr<bool> {
    fields.resize(count);
    return absl::InvalidArgumentError(std::move(message));
  };
  if (at_start_) {
    at_start_ = false;
    if (Peek() == 0xEF) {
      for (const int expected : {0xEF, 0xBB, 0xBF}) {
        if (Peek() != expected) {
          fields.clear();
          return absl::InvalidArgumentError("line 1: bad byte order mark");
        }
        ++pos_;
      }
    }
  }
  if (Peek() == kEnd) {
    fields.clear();
    return false;
  }

  std::string* field = &slot();
  bool quoted = false;      // inside a quoted section
  bool was_quoted = false;  // the current field started with a quote
  for (;;) {
    if (pos_ == end_ && !Fill()) {
      if (quoted) {
        return fail(absl::StrCat("line ", record.line, ": quoted field not closed at end of file"));
      }
      end_field();
      fields.resize(count);
      return true;
    }
    const char* const begin = block_.get() + pos_;
    const char* const stop = block_.get() + end_;
    if (quoted) {
      const char* p = begin;
      while (p != stop && *p != '"' && *p != '\n') ++p;
      if (p != stop && *p == '\n') ++p;  // kept, and counted
      keep(*field, begin, static_cast<size_t>(p - begin));
      pos_ += static_cast<size_t>(p - begin);
      if (p != begin && p[-1] == '\n') {
        ++line_;
        continue;
      }
      if (p == stop) continue;
      ++pos_;  // the quote
      if (Peek() == '"') {
        ++pos_;
        keep(*field, "\"", 1);
      } else {
        quoted = false;
      }
      continue;
    }
    const char* p = begin;
    while (p != stop && !kUnquotedStops[static_cast<unsigned char>(*p)]) ++p;
    if (p != begin) {
      if (was_quoted) {
        return fail(absl::StrCat("line ", line_, ": text after a closing quote"));
      }
      keep(*field, begin, static_cast<size_t>(p - begin));
      pos_ += static_cast<size_t>(p - begin);
      continue;
    }
    const char c = *p;
    ++pos_;
    switch (c) {
      case '"':
        if (!field->empty() || was_quoted) {
          return fail(absl::StrCat("line ", line_, ": stray quote inside an unquoted field"));
        }
        quoted = was_quoted = true;
        break;
      case ',':
      case ';':
        if (detect_) separator_ = c;
        detect_ = false;
        if (c != separator_) {
          if (was_quoted) {
            return fail(absl::StrCat("line ", line_, ": text after a closing quote"));
          }
          keep(*field, &c, 1);
          break;
        }
        field = &end_field();
        was_quoted = false;
        break;
      case '\r':
        if (Peek() == '\n') break;  // CRLF: the LF ends the record
        keep(*field, &c, 1);
        break;
      default:  // '\n'
        ++line_;
        detect_ = false;
        end_field();
        fields.resize(count);
        return true;
    }
  }
}

}  // namespace imdi
