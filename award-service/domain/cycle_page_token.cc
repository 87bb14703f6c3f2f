#include "award-service/domain/cycle_page_token.h"

#include "absl/strings/escaping.h"
#include "common/big_endian.h"
#include "common/errors.h"

namespace imdi::award {
namespace {

// Format byte, check (8), last award year (4), then the cycle id.
constexpr unsigned char kFormat = 1;
constexpr size_t kFixedSize = 1 + 8 + 4;
// Longer than any cycle id (ValidateCycleId).
constexpr size_t kMaxCycleIdBytes = 256;

// The request's fingerprint mixed with the key (FNV-1a): a token whose key
// was edited, or that comes from another request, does not check.
uint64_t Check(uint64_t fingerprint, int32_t award_year, absl::string_view cycle_id) {
  std::string bytes;
  PutBigEndian(bytes, fingerprint, 8);
  PutBigEndian(bytes, static_cast<uint32_t>(award_year), 4);
  bytes.append(cycle_id.data(), cycle_id.size());
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

absl::Status BadToken(absl::string_view why) { return InvalidFieldError("page_token", why); }

}  // namespace

std::string EncodeCyclePageToken(const CyclePageToken& token) {
  std::string raw;
  raw.push_back(static_cast<char>(kFormat));
  PutBigEndian(raw, Check(token.fingerprint, token.last_award_year, token.last_cycle_id), 8);
  PutBigEndian(raw, static_cast<uint32_t>(token.last_award_year), 4);
  raw += token.last_cycle_id;
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<CyclePageToken> DecodeCyclePageToken(absl::string_view text, uint64_t fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(text, &raw) || raw.size() <= kFixedSize ||
      raw.size() > kFixedSize + kMaxCycleIdBytes || static_cast<unsigned char>(raw[0]) != kFormat) {
    return BadToken("is not a page token of this listing; start again without one");
  }
  CyclePageToken token;
  const uint64_t check = GetBigEndian(raw, 1, 8);
  token.fingerprint = fingerprint;
  token.last_award_year = static_cast<int32_t>(GetBigEndian(raw, 9, 4));
  token.last_cycle_id = raw.substr(kFixedSize);
  if (check != Check(fingerprint, token.last_award_year, token.last_cycle_id)) {
    return BadToken(
        "is not a page token of this request (altered, or issued for other parameters); "
        "repeat the original request or start again without a token");
  }
  return token;
}

bool ComesAfter(const CyclePageToken& token, int32_t award_year, absl::string_view cycle_id) {
  if (award_year != token.last_award_year) return award_year < token.last_award_year;
  return cycle_id > token.last_cycle_id;
}

}  // namespace imdi::award
