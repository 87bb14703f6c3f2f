// The bounds every input and every reply of both services keeps, in one
// place: how long a free text may be, how much of an input an error may
// quote, and how many bytes one reply page or stream message may carry.
//
// Texts are measured in UTF-8 bytes, the unit the wire and the stores pay
// for. Replies stay well under the 4 MiB a default gRPC client accepts, and
// errors well under the 8 KiB of metadata it accepts.
//
// All functions are pure and thread-safe; a ByteBudget belongs to one reply.
#ifndef IMDI_COMMON_LIMITS_H_
#define IMDI_COMMON_LIMITS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/errors.h"

namespace imdi {

// Names and titles: a municipality, a juror, a cycle, a criterion's title.
inline constexpr size_t kMaxNameBytes = 200;
// Short texts on one line: a source, an event, a label, a reason.
inline constexpr size_t kMaxLineBytes = 500;
// Notes and guidance: a paragraph or two.
inline constexpr size_t kMaxNoteBytes = 2000;
// A nomination's justification or an assessed claim's: about a page.
inline constexpr size_t kMaxJustificationBytes = 8000;

// How many bytes of an input an error message quotes.
inline constexpr size_t kMaxExcerptBytes = 40;

// Bytes of one reply page or one stream message, as encoded on the wire.
inline constexpr size_t kMaxReplyBytes = size_t{1} << 20;

enum class TextKind {
  kLine,       // one line: no control characters at all
  kParagraphs  // line breaks and tabs allowed
};

// A violation of `field` when `text` is longer than `max_bytes` or holds
// control characters its kind does not allow; nullopt when it is fine.
// Texts arriving through protobuf are valid UTF-8 already.
std::optional<FieldViolation> CheckText(absl::string_view text, absl::string_view field,
                                        size_t max_bytes, TextKind kind = TextKind::kLine);

// `text` in double quotes for an error message: at most `max_bytes` bytes of
// it, cut on a UTF-8 character boundary, with control characters shown as
// '?', and "... (N bytes)" when it was cut.
std::string Excerpt(absl::string_view text, size_t max_bytes = kMaxExcerptBytes);

// `text` made safe to send as a message: valid UTF-8, control characters
// as '?', at most `max_bytes` bytes ending in "..." when it was cut.
std::string CleanText(absl::string_view text, size_t max_bytes);

// Counts the bytes of a reply as items are added. The first item always
// fits, so a page or stream always makes progress; later items fit while
// the total stays within the limit.
class ByteBudget {
 public:
  explicit ByteBudget(size_t limit = kMaxReplyBytes) : limit_(limit) {}

  // Takes `bytes` and returns true when they fit; false (taking nothing)
  // when the reply is full.
  bool Take(size_t bytes) {
    if (used_ > 0 && used_ + bytes > limit_) return false;
    used_ += bytes;
    return true;
  }
  size_t used() const { return used_; }

 private:
  size_t limit_;
  size_t used_ = 0;
};

}  // namespace imdi

#endif  // IMDI_COMMON_LIMITS_H_
