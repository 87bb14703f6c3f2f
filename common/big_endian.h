// Fixed-width big-endian integers: the byte encoding of storage keys and
// page tokens, so that encoded numbers sort like the numbers. Thread-safe.
#ifndef IMDI_COMMON_BIG_ENDIAN_H_
#define IMDI_COMMON_BIG_ENDIAN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace imdi {

// Appends the low `bytes` bytes of `value`, most significant first.
inline void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

// Reads `bytes` bytes at `pos`; the caller checks that they are there.
inline uint64_t GetBigEndian(absl::string_view in, size_t pos, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<unsigned char>(in[pos + i]);
  }
  return value;
}

// A u64 as 8 big-endian bytes (stored counters and versions), and back;
// nothing for a value that is not 8 bytes long.
inline std::string EncodeU64(uint64_t value) {
  std::string out;
  PutBigEndian(out, value, 8);
  return out;
}
inline std::optional<uint64_t> DecodeU64(absl::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  return GetBigEndian(bytes, 0, 8);
}

// The smallest key greater than every key that starts with `prefix` (the
// upper bound of a prefix scan); empty when there is none.
inline std::string PrefixEnd(absl::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    const auto last = static_cast<unsigned char>(out.back());
    if (last != 0xff) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace imdi

#endif  // IMDI_COMMON_BIG_ENDIAN_H_
