#include "common/limits.h"

#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace imdi {

std::optional<FieldViolation> CheckText(absl::string_view text, absl::string_view field,
                                        size_t max_bytes, TextKind kind) {
  if (text.size() > max_bytes) {
    return FieldViolation{std::string(field),
                          absl::StrCat("is ", text.size(), " bytes long; at most ", max_bytes)};
  }
  for (unsigned char c : text) {
    const bool allowed_break =
        kind == TextKind::kParagraphs && (c == '\n' || c == '\t' || c == '\r');
    if ((c < 0x20 || c == 0x7f) && !allowed_break) {
      return FieldViolation{
          std::string(field),
          kind == TextKind::kLine
              ? "must be one line without control characters"
              : "must not hold control characters other than line breaks and tabs"};
    }
  }
  return std::nullopt;
}

namespace {

// Appends at most `max_bytes` bytes of `text` to `out`, whole characters
// only, with '?' for bytes that are not UTF-8 and for control characters.
// Returns how many bytes of `text` were taken.
size_t AppendClean(absl::string_view text, size_t max_bytes, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    const size_t step = length == 0 ? 1 : length;
    if (i + step > max_bytes) break;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (length == 0 || c < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out.append(text.data() + i, length);
    }
    i += step;
  }
  return i;
}

}  // namespace

std::string Excerpt(absl::string_view text, size_t max_bytes) {
  std::string out = "\"";
  const size_t taken = AppendClean(text, max_bytes, out);
  out += '"';
  if (taken < text.size()) absl::StrAppend(&out, "... (", text.size(), " bytes)");
  return out;
}

std::string CleanText(absl::string_view text, size_t max_bytes) {
  std::string out;
  const size_t room = text.size() > max_bytes && max_bytes >= 3 ? max_bytes - 3 : max_bytes;
  if (AppendClean(text, room, out) < text.size()) out += "...";
  return out;
}

}  // namespace imdi
