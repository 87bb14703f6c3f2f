#include "stats-service/storage/key_codec.h"

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace imdi::stats::keys {
namespace {

using Kind = Subject::Kind;

TEST(KeyCodecTest, FiguresKeyRoundTrips) {
  const Subject subjects[] = {Subject::Municipality(906), Subject::Municipality(5001),
                              Subject::Country(), Subject::County(9),
                              Subject::Region(ImdiRegion::kMidtNorge)};
  for (const Subject& subject : subjects) {
    for (int year : {1990, 2014, 2100}) {
      for (uint64_t version : {uint64_t{0}, uint64_t{1}, uint64_t{41}, ~uint64_t{0}}) {
        const std::string key = FiguresKey(subject, year, version);
        std::optional<FiguresKeyParts> parts = DecodeFiguresKey(key);
        ASSERT_TRUE(parts.has_value());
        EXPECT_EQ(parts->subject, subject);
        EXPECT_EQ(parts->year, year);
        EXPECT_EQ(parts->data_version, version);
        EXPECT_TRUE(key.starts_with(FiguresRecordPrefix(subject, year)));
        EXPECT_TRUE(key.starts_with(FiguresKindPrefix(subject.kind)));
      }
    }
  }
}

TEST(KeyCodecTest, MunicipalityKeyRoundTrips) {
  for (int code : {101, 906, 5001, 9999}) {
    const std::string key = MunicipalityKey(code, 7);
    std::optional<MunicipalityKeyParts> parts = DecodeMunicipalityKey(key);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->id, code);
    EXPECT_EQ(parts->data_version, 7u);
    EXPECT_TRUE(key.starts_with(MunicipalityRecordPrefix(code)));
    EXPECT_TRUE(key.starts_with(MunicipalitiesPrefix()));
  }
}

TEST(KeyCodecTest, ByteOrderIsTupleOrder) {
  // Keys must sort byte by byte exactly as (kind, id, year, version) does,
  // so that one record's revisions are adjacent and oldest first.
  std::mt19937 rng(20161);
  std::uniform_int_distribution<int> kind(1, 4), id(0, 9999), year(1990, 2100);
  std::uniform_int_distribution<uint64_t> version(0, ~uint64_t{0});
  using Tuple = std::tuple<int, int, int, uint64_t>;
  std::vector<Tuple> tuples;
  for (int i = 0; i < 2000; ++i) {
    // Small ranges too, so that equal prefixes occur often.
    tuples.emplace_back(kind(rng), i % 2 ? id(rng) : id(rng) % 3, i % 3 ? year(rng) : 2014,
                        i % 2 ? version(rng) : version(rng) % 300);
  }
  std::vector<std::pair<std::string, Tuple>> keyed;
  for (const Tuple& t : tuples) {
    Subject s{static_cast<Kind>(std::get<0>(t)), std::get<1>(t)};
    keyed.emplace_back(FiguresKey(s, std::get<2>(t), std::get<3>(t)), t);
  }
  std::sort(keyed.begin(), keyed.end());  // by key bytes
  for (size_t i = 1; i < keyed.size(); ++i) {
    EXPECT_LE(keyed[i - 1].second, keyed[i].second) << "at " << i;
  }
}

TEST(KeyCodecTest, MunicipalityKeysSortBeforeFiguresAndByCode) {
  EXPECT_LT(MunicipalityKey(9999, ~uint64_t{0}), FiguresKey(Subject::Municipality(0), 1990, 0));
  EXPECT_LT(MunicipalityKey(906, 5), MunicipalityKey(906, 6));
  EXPECT_LT(MunicipalityKey(906, ~uint64_t{0}), MunicipalityKey(907, 0));
}

TEST(KeyCodecTest, DecodeRejectsForeignKeys) {
  EXPECT_FALSE(DecodeFiguresKey("").has_value());
  EXPECT_FALSE(DecodeFiguresKey(MunicipalityKey(906, 1)).has_value());
  std::string short_key = FiguresKey(Subject::Municipality(906), 2014, 1);
  short_key.pop_back();
  EXPECT_FALSE(DecodeFiguresKey(short_key).has_value());
  std::string bad_kind = FiguresKey(Subject::Municipality(906), 2014, 1);
  bad_kind[1] = 9;
  EXPECT_FALSE(DecodeFiguresKey(bad_kind).has_value());
  EXPECT_FALSE(DecodeMunicipalityKey(FiguresKey(Subject::Country(), 2014, 1)).has_value());
}

TEST(KeyCodecTest, PrefixEndBoundsThePrefix) {
  const std::string prefix = FiguresRecordPrefix(Subject::Municipality(906), 2014);
  const std::string end = PrefixEnd(prefix);
  EXPECT_LT(FiguresKey(Subject::Municipality(906), 2014, ~uint64_t{0}), end);
  EXPECT_LE(end, FiguresKey(Subject::Municipality(906), 2015, 0));
  EXPECT_EQ(PrefixEnd(std::string("\x01\xff", 2)), std::string("\x02"));
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), "");
}

TEST(KeyCodecTest, U64RoundTripsBigEndian) {
  EXPECT_EQ(EncodeU64(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(DecodeU64(EncodeU64(1234567890123)), 1234567890123u);
  EXPECT_FALSE(DecodeU64("short").has_value());
}

}  // namespace
}  // namespace imdi::stats::keys
