// SHA-256 of a byte string, as 64 lower-case hex digits (OpenSSL's libcrypto).
// Thread-safe.
#ifndef IMDI_COMMON_AUTH_SHA256_H_
#define IMDI_COMMON_AUTH_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace imdi::auth {

std::string Sha256Hex(absl::string_view bytes);

}  // namespace imdi::auth

#endif  // IMDI_COMMON_AUTH_SHA256_H_
