// Tests of the bounds in common/limits.h and the UTF-8 checks in
// common/utf8.h: texts over their bound or with control characters are
// named with their field, excerpts of input stay short and valid UTF-8,
// and a byte budget always lets a page make progress.
#include "common/limits.h"

#include <string>

#include "common/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(Utf8Test, AcceptsWellFormedTextAndFindsTheFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8("Tromsø – Romsa 🙂"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8(""), std::nullopt);
  EXPECT_THAT(FirstInvalidUtf8("Tr\xf8ms\xf8"), Optional(2));      // Latin-1 ø
  EXPECT_THAT(FirstInvalidUtf8("ab\x80"), Optional(2));            // stray continuation
  EXPECT_THAT(FirstInvalidUtf8("ab\xc3"), Optional(2));            // cut short
  EXPECT_THAT(FirstInvalidUtf8("\xc0\xaf"), Optional(0));          // overlong '/'
  EXPECT_THAT(FirstInvalidUtf8("\xed\xa0\x80"), Optional(0));      // a surrogate
  EXPECT_THAT(FirstInvalidUtf8("\xf4\x90\x80\x80"), Optional(0));  // beyond U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("ø"), 2u);
  EXPECT_EQ(Utf8SequenceLength("🙂"), 4u);
}

TEST(CheckTextTest, NamesTheFieldAndTheBound) {
  EXPECT_EQ(CheckText("Bergen", "name", kMaxNameBytes), std::nullopt);
  auto long_name = CheckText(std::string(201, 'x'), "figures.note", 200);
  ASSERT_TRUE(long_name.has_value());
  EXPECT_EQ(long_name->field, "figures.note");
  EXPECT_EQ(long_name->description, "is 201 bytes long; at most 200");
  EXPECT_TRUE(CheckText("two\nlines", "source", 100).has_value());
  EXPECT_EQ(CheckText("two\nlines\tand a tab", "note", 100, TextKind::kParagraphs), std::nullopt);
  EXPECT_TRUE(CheckText("bell\a", "note", 100, TextKind::kParagraphs).has_value());
}

TEST(ExcerptTest, QuotesAShortPrefixOnCharacterBoundaries) {
  EXPECT_EQ(Excerpt("0906"), "\"0906\"");
  EXPECT_EQ(Excerpt(std::string(20000, '7')),
            "\"" + std::string(kMaxExcerptBytes, '7') + "\"... (20000 bytes)");
  // "ø" is two bytes: a cut never splits it.
  EXPECT_EQ(Excerpt("øøø", 5), "\"øø\"... (6 bytes)");
  // Bytes that are not UTF-8 and control characters become '?'.
  EXPECT_EQ(Excerpt("a\xff"
                    "b\nc"),
            "\"a?b?c\"");
  EXPECT_EQ(FirstInvalidUtf8(Excerpt("\xe2\x82\xac\xe2\x82", 4)), std::nullopt);
}

TEST(CleanTextTest, CutsWithAnEllipsis) {
  EXPECT_EQ(CleanText("short", 10), "short");
  EXPECT_EQ(CleanText("0123456789abc", 10), "0123456...");
  EXPECT_EQ(CleanText("a\xff", 10), "a?");
}

TEST(ByteBudgetTest, TheFirstItemAlwaysFitsAndTheRestWithinTheLimit) {
  ByteBudget budget(100);
  EXPECT_TRUE(budget.Take(500));  // larger than the limit, but first
  EXPECT_FALSE(budget.Take(1));
  ByteBudget page(100);
  EXPECT_TRUE(page.Take(60));
  EXPECT_TRUE(page.Take(40));
  EXPECT_FALSE(page.Take(1));
  EXPECT_EQ(page.used(), 100u);
}

}  // namespace
}  // namespace imdi
