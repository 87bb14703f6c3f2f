// stats-service/domain/page_token.h: opaque page tokens and page sizes.
//
// Input: a page size (4 bytes) and a fingerprint (8 bytes), both big-endian,
// then a page token (the rest); the same bytes also make up the fields of a
// well-formed token.
//
// Invariants: a token decodes only with its own fingerprint; a decoded token
// encodes to a token that decodes to the same fields; every token encodes
// to a token that decodes back equal, and never with another fingerprint;
// a page size is refused when negative, else 1-1000 and the size asked for
// when that is in range.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "stats-service/domain/page_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using imdi::stats::PageToken;

bool Equal(const PageToken& a, const PageToken& b) {
  return a.data_version == b.data_version && a.fingerprint == b.fingerprint &&
         a.last_id == b.last_id && a.last_year == b.last_year;
}

void CheckRoundTrip(const PageToken& token) {
  const std::string text = imdi::stats::EncodePageToken(token);
  absl::StatusOr<PageToken> back = imdi::stats::DecodePageToken(text, token.fingerprint);
  IMDI_FUZZ_CHECK(back.ok(), absl::StrCat("\"", text, "\": ", back.status().ToString()));
  IMDI_FUZZ_CHECK(Equal(*back, token), absl::StrCat("\"", text, "\" decodes to other fields"));
  absl::StatusOr<PageToken> other = imdi::stats::DecodePageToken(text, token.fingerprint + 1);
  IMDI_FUZZ_CHECK(other.status().code() == absl::StatusCode::kInvalidArgument,
                  "a token decodes with another fingerprint");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 12) return 0;
  const std::string input = imdi::fuzz::AsText(data, size);
  const auto requested = static_cast<int32_t>(imdi::GetBigEndian(input, 0, 4));
  const uint64_t fingerprint = imdi::GetBigEndian(input, 4, 8);
  const std::string text = input.substr(12);

  absl::StatusOr<int> page_size = imdi::stats::EffectivePageSize(requested);
  if (requested < 0) {
    IMDI_FUZZ_CHECK(page_size.status().code() == absl::StatusCode::kInvalidArgument,
                    absl::StrCat("page size ", requested, " accepted"));
  } else {
    IMDI_FUZZ_CHECK(page_size.ok() && *page_size >= 1 && *page_size <= 1000,
                    absl::StrCat("page size ", requested, " gives ", page_size.value_or(-1)));
    IMDI_FUZZ_CHECK(requested == 0 || requested > 1000 || *page_size == requested,
                    absl::StrCat("page size ", requested, " gives ", *page_size));
  }

  absl::StatusOr<PageToken> decoded = imdi::stats::DecodePageToken(text, fingerprint);
  if (decoded.ok()) {
    IMDI_FUZZ_CHECK(decoded->fingerprint == fingerprint, "decoded with another fingerprint");
    CheckRoundTrip(*decoded);
  } else {
    IMDI_FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument,
                    decoded.status().ToString());
  }

  // A token made of the same bytes.
  FuzzedDataProvider fields(data, size);
  PageToken token;
  token.data_version = fields.ConsumeIntegral<uint64_t>();
  token.fingerprint = fields.ConsumeIntegral<uint64_t>();
  token.last_id = fields.ConsumeIntegral<int32_t>();
  token.last_year = fields.ConsumeIntegral<int32_t>();
  CheckRoundTrip(token);
  return 0;
}
