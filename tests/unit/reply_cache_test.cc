#include "common/reply_cache.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace imdi {
namespace {

grpc::ByteBuffer Bytes(const std::string& text) {
  grpc::Slice slice(text);
  return grpc::ByteBuffer(&slice, 1);
}

std::vector<grpc::Slice> Messages(const std::vector<std::string>& texts) {
  std::vector<grpc::Slice> out;
  for (const std::string& text : texts) out.emplace_back(text);
  return out;
}

std::vector<std::string> Texts(const ReplyCache::Reply& reply) {
  std::vector<std::string> out;
  for (const grpc::Slice& slice : *reply) {
    out.emplace_back(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

TEST(ReplyCacheTest, AReplyIsFoundForTheSameMethodVersionAndRequestOnly) {
  ReplyCache cache(1 << 20);
  EXPECT_EQ(cache.Find("StreamFigures", 7, Bytes("year = 2014")), nullptr);
  cache.Insert("StreamFigures", 7, Bytes("year = 2014"), Messages({"first", "second"}));
  ReplyCache::Reply hit = cache.Find("StreamFigures", 7, Bytes("year = 2014"));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(Texts(hit), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(cache.Find("StreamFigures", 8, Bytes("year = 2014")), nullptr);
  EXPECT_EQ(cache.Find("StreamFigures", 7, Bytes("year = 2015")), nullptr);
  EXPECT_EQ(cache.Find("ListFigures", 7, Bytes("year = 2014")), nullptr);
}

TEST(ReplyCacheTest, RequestsThatDifferOnlyInSlicingAreTheSame) {
  ReplyCache cache(1 << 20);
  cache.Insert("M", 1, Bytes("abcdef"), Messages({"reply"}));
  grpc::Slice parts[] = {grpc::Slice(std::string("abc")), grpc::Slice(std::string("def"))};
  EXPECT_NE(cache.Find("M", 1, grpc::ByteBuffer(parts, 2)), nullptr);
}

TEST(ReplyCacheTest, TheLeastRecentlyUsedGoFirstAndTheBoundHolds) {
  const std::string kilobyte(1024, 'x');
  ReplyCache cache(8 * 1024);
  cache.Insert("M", 1, Bytes("a"), Messages({kilobyte}));
  cache.Insert("M", 1, Bytes("b"), Messages({kilobyte}));
  ASSERT_NE(cache.Find("M", 1, Bytes("a")), nullptr);  // a is now the most recent
  for (int i = 0; i < 6; ++i) {
    cache.Insert("M", 2, Bytes(std::to_string(i)), Messages({kilobyte}));
    EXPECT_LE(cache.bytes(), 8u * 1024);
  }
  EXPECT_EQ(cache.Find("M", 1, Bytes("b")), nullptr);
  EXPECT_NE(cache.Find("M", 2, Bytes("5")), nullptr);
}

TEST(ReplyCacheTest, AReplyOverAQuarterOfTheBoundIsNotKept) {
  ReplyCache cache(4 * 1024);
  cache.Insert("M", 1, Bytes("big"), Messages({std::string(1100, 'x')}));
  EXPECT_EQ(cache.Find("M", 1, Bytes("big")), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ReplyCacheTest, AKeptReplyOutlivesItsEviction) {
  ReplyCache cache(4 * 1024);
  cache.Insert("M", 1, Bytes("a"), Messages({"kept"}));
  ReplyCache::Reply held = cache.Find("M", 1, Bytes("a"));
  for (int i = 0; i < 20; ++i) {
    cache.Insert("M", 2, Bytes(std::to_string(i)), Messages({std::string(900, 'y')}));
  }
  EXPECT_EQ(cache.Find("M", 1, Bytes("a")), nullptr);
  EXPECT_EQ(Texts(held), std::vector<std::string>{"kept"});
}

}  // namespace
}  // namespace imdi
