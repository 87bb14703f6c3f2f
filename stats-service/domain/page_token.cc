#include "stats-service/domain/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "common/errors.h"

namespace imdi::stats {
namespace {

// Format 2 added last_version; tokens of format 1 are refused like any
// token this service did not issue (a listing starts again).
constexpr unsigned char kFormat = 2;
constexpr size_t kSize = 1 + 8 + 8 + 4 + 4 + 8;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

uint64_t Get(absl::string_view in, size_t& pos, int bytes) {
  const uint64_t value = GetBigEndian(in, pos, bytes);
  pos += bytes;
  return value;
}

absl::Status BadToken(absl::string_view why) {
  return InvalidArgumentError("INVALID_PAGE_TOKEN", {{"page_token", std::string(why)}});
}

}  // namespace

std::string EncodePageToken(const PageToken& token) {
  std::string raw;
  raw.push_back(static_cast<char>(kFormat));
  PutBigEndian(raw, token.data_version, 8);
  PutBigEndian(raw, token.fingerprint, 8);
  PutBigEndian(raw, static_cast<uint32_t>(token.last_id), 4);
  PutBigEndian(raw, static_cast<uint32_t>(token.last_year), 4);
  PutBigEndian(raw, token.last_version, 8);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageToken> DecodePageToken(absl::string_view text,
                                          uint64_t fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(text, &raw) || raw.size() != kSize ||
      static_cast<unsigned char>(raw[0]) != kFormat) {
    return BadToken("not a page token issued by this service");
  }
  size_t pos = 1;
  PageToken token;
  token.data_version = Get(raw, pos, 8);
  token.fingerprint = Get(raw, pos, 8);
  token.last_id = static_cast<int32_t>(Get(raw, pos, 4));
  token.last_year = static_cast<int32_t>(Get(raw, pos, 4));
  token.last_version = Get(raw, pos, 8);
  if (token.fingerprint != fingerprint) {
    return BadToken(
        "the page token was issued for a request with other parameters; "
        "repeat the original filter and as_of_version");
  }
  return token;
}

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) {
    return InvalidFieldError("page_size", absl::StrCat(requested, " is negative"));
  }
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

}  // namespace imdi::stats
