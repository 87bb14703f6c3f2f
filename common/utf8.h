// UTF-8 validation, as protobuf checks it on every string field of a proto3
// message: a text that fails here would make the whole message unreadable
// to the receiver, so clients check before they send. Pure; thread-safe.
#ifndef IMDI_COMMON_UTF8_H_
#define IMDI_COMMON_UTF8_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace imdi {

// The length (1-4) of the well-formed UTF-8 sequence at the start of
// `text`, or 0 when it does not start with one (a stray continuation byte,
// a truncated, overlong or surrogate sequence, or beyond U+10FFFF).
size_t Utf8SequenceLength(absl::string_view text);

// The offset of the first byte that is not part of well-formed UTF-8, or
// nullopt when all of `text` is.
std::optional<size_t> FirstInvalidUtf8(absl::string_view text);

}  // namespace imdi

#endif  // IMDI_COMMON_UTF8_H_
