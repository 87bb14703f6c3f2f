// Fixed-width big-endian integers: the byte encoding of storage keys and
// page tokens, so that encoded numbers sort like the numbers. Thread-safe.
#ifndef IMDI_COMMON_BIG_ENDIAN_H_
#define IMDI_COMMON_BIG_ENDIAN_H_

#include <cstddef>
#include <cstdint>
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

}  // namespace imdi

#endif  // IMDI_COMMON_BIG_ENDIAN_H_
