// Tests of the opaque AIP-158 page tokens and page sizes in
// stats-service/domain/page_token.h.
#include "stats-service/domain/page_token.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::stats {
namespace {

constexpr uint64_t kFingerprint = 0x1234'5678'9abc'def0ULL;

void ExpectBadToken(const absl::StatusOr<PageToken>& token) {
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<FieldViolation> violations = FieldViolations(token.status());
  ASSERT_EQ(violations.size(), 1u) << token.status();
  EXPECT_EQ(violations[0].field, "page_token");
}

TEST(PageTokenTest, RoundTripsEveryField) {
  PageToken token;
  token.data_version = 42;
  token.fingerprint = kFingerprint;
  token.last_id = 5001;
  token.last_year = 2018;
  absl::StatusOr<PageToken> back = DecodePageToken(EncodePageToken(token), kFingerprint);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->data_version, 42u);
  EXPECT_EQ(back->fingerprint, kFingerprint);
  EXPECT_EQ(back->last_id, 5001);
  EXPECT_EQ(back->last_year, 2018);
}

TEST(PageTokenTest, RoundTripsExtremeValues) {
  PageToken token;
  token.data_version = std::numeric_limits<uint64_t>::max();
  token.fingerprint = std::numeric_limits<uint64_t>::max();
  token.last_id = std::numeric_limits<int32_t>::max();
  token.last_year = -1;
  absl::StatusOr<PageToken> back =
      DecodePageToken(EncodePageToken(token), token.fingerprint);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->data_version, token.data_version);
  EXPECT_EQ(back->last_id, token.last_id);
  EXPECT_EQ(back->last_year, -1);
}

TEST(PageTokenTest, TokenIsUrlSafeText) {
  PageToken token{0xffff'ffff'ffff'ffffULL, 0xfbfb'fbfb'fbfb'fbfbULL, 0x7fff'ffff, 2100};
  const std::string text = EncodePageToken(token);
  EXPECT_FALSE(text.empty());
  for (char c : text) {
    EXPECT_TRUE(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
        << "character '" << c << "' in " << text;
  }
}

TEST(PageTokenTest, DifferentPositionsGiveDifferentTokens) {
  EXPECT_NE(EncodePageToken({7, kFingerprint, 301, 2016}),
            EncodePageToken({7, kFingerprint, 301, 2017}));
  EXPECT_NE(EncodePageToken({7, kFingerprint, 301, 2016}),
            EncodePageToken({8, kFingerprint, 301, 2016}));
}

TEST(PageTokenTest, FingerprintMismatchIsRejected) {
  const std::string text = EncodePageToken({3, kFingerprint, 301, 2016});
  absl::StatusOr<PageToken> token = DecodePageToken(text, kFingerprint + 1);
  ExpectBadToken(token);
  EXPECT_EQ(ErrorReason(token.status()), "INVALID_PAGE_TOKEN");
}

TEST(PageTokenTest, GarbageIsRejected) {
  ExpectBadToken(DecodePageToken("not a token!", kFingerprint));
  ExpectBadToken(DecodePageToken("AAAA", kFingerprint));  // valid base64, too short
  ExpectBadToken(DecodePageToken("%%%%", kFingerprint));
}

TEST(PageTokenTest, TruncatedOrExtendedTokensAreRejected) {
  const std::string text = EncodePageToken({3, kFingerprint, 301, 2016});
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(text, &raw));
  ExpectBadToken(DecodePageToken(
      absl::WebSafeBase64Escape(raw.substr(0, raw.size() - 1)), kFingerprint));
  ExpectBadToken(DecodePageToken(absl::WebSafeBase64Escape(raw + "x"), kFingerprint));
}

TEST(PageTokenTest, UnknownFormatIsRejected) {
  const std::string text = EncodePageToken({3, kFingerprint, 301, 2016});
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(text, &raw));
  raw[0] = static_cast<char>(raw[0] + 1);
  ExpectBadToken(DecodePageToken(absl::WebSafeBase64Escape(raw), kFingerprint));
}

TEST(EffectivePageSizeTest, ZeroMeansTheDefault) {
  absl::StatusOr<int> size = EffectivePageSize(0);
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 100);
}

TEST(EffectivePageSizeTest, SizesUpToTheMaximumAreKept) {
  for (int requested : {1, 7, 100, 999, 1000}) {
    absl::StatusOr<int> size = EffectivePageSize(requested);
    ASSERT_TRUE(size.ok()) << size.status();
    EXPECT_EQ(*size, requested);
  }
}

TEST(EffectivePageSizeTest, LargerSizesAreCapped) {
  for (int requested : {1001, 5000, std::numeric_limits<int>::max()}) {
    absl::StatusOr<int> size = EffectivePageSize(requested);
    ASSERT_TRUE(size.ok()) << size.status();
    EXPECT_EQ(*size, 1000);
  }
}

TEST(EffectivePageSizeTest, NegativeIsInvalidArgumentOnPageSize) {
  for (int requested : {-1, std::numeric_limits<int>::min()}) {
    absl::StatusOr<int> size = EffectivePageSize(requested);
    ASSERT_FALSE(size.ok());
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
    std::vector<FieldViolation> violations = FieldViolations(size.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "page_size");
  }
}

}  // namespace
}  // namespace imdi::stats
