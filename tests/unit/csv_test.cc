// Tests of the strict RFC 4180 reader in common/csv.h: quoting, line ends,
// the byte order mark, empty fields, and errors that name the line.
#include "common/csv.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Reads every record of `text`; the first error ends the reading.
absl::StatusOr<std::vector<CsvRecord>> ReadAll(const std::string& text,
                                               CsvSeparator separator = CsvSeparator::kComma) {
  std::istringstream in(text);
  CsvReader reader(in, separator);
  std::vector<CsvRecord> out;
  for (;;) {
    CsvRecord record;
    absl::StatusOr<bool> more = reader.Next(record);
    if (!more.ok()) return more.status();
    if (!*more) return out;
    out.push_back(std::move(record));
  }
}

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& r : records) out.push_back(r.fields);
  return out;
}

std::vector<int64_t> Lines(const std::vector<CsvRecord>& records) {
  std::vector<int64_t> out;
  for (const CsvRecord& r : records) out.push_back(r.line);
  return out;
}

using Row = std::vector<std::string>;

TEST(CsvReaderTest, ReadsPlainRecordsWithTheirLines) {
  auto records = ReadAll("kode,navn\n0301,Oslo\n4601,Bergen\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"kode", "navn"}, Row{"0301", "Oslo"},
                                            Row{"4601", "Bergen"}));
  EXPECT_THAT(Lines(*records), ElementsAre(1, 2, 3));
}

TEST(CsvReaderTest, LastRecordNeedsNoLineEnd) {
  auto records = ReadAll("a,b\nc,d");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"a", "b"}, Row{"c", "d"}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  auto records = ReadAll("");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(*records, IsEmpty());
}

TEST(CsvReaderTest, QuotedFieldKeepsCommas) {
  auto records = ReadAll("\"Oslo, Norway\",0301\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"Oslo, Norway", "0301"}));
}

TEST(CsvReaderTest, DoubledQuoteInsideQuotesIsOneQuote) {
  auto records = ReadAll("\"the \"\"new\"\" Kinn\",x\n\"\"\"\"\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"the \"new\" Kinn", "x"}, Row{"\""}));
}

TEST(CsvReaderTest, LineBreakInsideQuotesIsPartOfTheFieldAndCountsAsALine) {
  auto records = ReadAll(
      "1,\"first line\nsecond line\nthird line\"\n"
      "2,plain\n"
      "3,\"again\n\"\n"
      "4,last\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records),
              ElementsAre(Row{"1", "first line\nsecond line\nthird line"},
                          Row{"2", "plain"}, Row{"3", "again\n"}, Row{"4", "last"}));
  // Each record reports the line it starts on in the file.
  EXPECT_THAT(Lines(*records), ElementsAre(1, 4, 5, 7));
}

TEST(CsvReaderTest, CrlfLineEndsAreNotPartOfFields) {
  auto records = ReadAll("a,b\r\n\"c\",\"d\"\r\ne,\r\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"a", "b"}, Row{"c", "d"}, Row{"e", ""}));
  EXPECT_THAT(Lines(*records), ElementsAre(1, 2, 3));
}

TEST(CsvReaderTest, CrlfInsideQuotesIsKeptAndCounted) {
  auto records = ReadAll("\"x\r\ny\",z\r\nnext,row\r\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"x\r\ny", "z"}, Row{"next", "row"}));
  EXPECT_THAT(Lines(*records), ElementsAre(1, 3));
}

TEST(CsvReaderTest, Utf8ByteOrderMarkIsIgnored) {
  auto records = ReadAll("\xEF\xBB\xBFkode,navn\n5001,Trondheim\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records),
              ElementsAre(Row{"kode", "navn"}, Row{"5001", "Trondheim"}));
  EXPECT_THAT(Lines(*records), ElementsAre(1, 2));
}

TEST(CsvReaderTest, ByteOrderMarkBeforeAQuotedField) {
  auto records = ReadAll("\xEF\xBB\xBF\"kode\",navn\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"kode", "navn"}));
}

TEST(CsvReaderTest, ByteOrderMarkAloneIsAnEmptyFile) {
  auto records = ReadAll("\xEF\xBB\xBF");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(*records, IsEmpty());
}

TEST(CsvReaderTest, NonAsciiTextIsKeptByteForByte) {
  auto records = ReadAll("1439,V\xC3\xA5gs\xC3\xB8y\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"1439", "V\xC3\xA5gs\xC3\xB8y"}));
}

TEST(CsvReaderTest, EmptyFieldsAreKept) {
  auto records = ReadAll(",,\na,,b\n\"\",x\nlast,\n");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"", "", ""}, Row{"a", "", "b"},
                                            Row{"", "x"}, Row{"last", ""}));
}

TEST(CsvReaderTest, StrayQuoteInUnquotedFieldNamesItsLine) {
  auto records = ReadAll("a,b\nc,d\"e\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 2"));
}

TEST(CsvReaderTest, TextAfterClosingQuoteNamesItsLine) {
  auto records = ReadAll("a\nb\n\"quoted\"tail,c\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 3"));
}

TEST(CsvReaderTest, ErrorAfterAMultiLineFieldNamesTheRightLine) {
  // The quoted field spans lines 1-3, so the bad record is on line 4.
  auto records = ReadAll("\"one\ntwo\nthree\",x\nbad\"quote\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 4"));
  EXPECT_THAT(records.status().message(), Not(HasSubstr("line 1")));
}

TEST(CsvReaderTest, UnclosedQuoteNamesTheLineWhereTheRecordStarts) {
  auto records = ReadAll("a,b\nc,\"never closed\nmore text\n");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(records.status().message(), HasSubstr("not closed"));
}

TEST(CsvReaderTest, RecordsBeforeAnErrorAreDelivered) {
  std::istringstream in("good,row\nbad\"row\n");
  CsvReader reader(in);
  CsvRecord record;
  absl::StatusOr<bool> first = reader.Next(record);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  EXPECT_THAT(record.fields, ElementsAre("good", "row"));
  EXPECT_FALSE(reader.Next(record).ok());
}

TEST(CsvReaderTest, ARecordTooLongToBeRealIsMarkedAndTheNextOneIsRead) {
  // A quoted field with a line break and 100 KiB: read to its end, kept
  // only up to the bound, and the records after it are intact.
  const std::string huge(100 * 1024, 'x');
  auto records = ReadAll(absl::StrCat("a,b\n1,\"", huge, "\n", huge, "\"\n2,two\n"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_FALSE((*records)[0].too_long);
  EXPECT_TRUE((*records)[1].too_long);
  EXPECT_LE((*records)[1].fields[1].size(), kMaxCsvRecordBytes);
  EXPECT_FALSE((*records)[2].too_long);
  EXPECT_THAT((*records)[2].fields, ElementsAre("2", "two"));
  EXPECT_EQ((*records)[2].line, 4);
}

TEST(CsvReaderTest, TooManyFieldsAreMarked) {
  auto records = ReadAll(absl::StrCat(std::string(kMaxCsvFields + 5, ','), "\nok\n"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_TRUE((*records)[0].too_long);
  EXPECT_EQ((*records)[0].fields.size(), kMaxCsvFields);
  EXPECT_FALSE((*records)[1].too_long);
}

TEST(CsvReaderTest, SemicolonSeparatorKeepsCommasInFields) {
  auto records =
      ReadAll("kommune_nr;aar;verdi\n0101;2015;777,00\n\"a;b\";2016;\n", CsvSeparator::kSemicolon);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records), ElementsAre(Row{"kommune_nr", "aar", "verdi"},
                                            Row{"0101", "2015", "777,00"}, Row{"a;b", "2016", ""}));
}

TEST(CsvReaderTest, DetectionTakesTheHeadersSeparatorForTheWholeFile) {
  // Semicolons in the header: the commas of the values are decimal commas.
  auto semicolons = ReadAll("fylke_nr;anmodning_2015_personer\n2;777,00\n", CsvSeparator::kDetect);
  ASSERT_TRUE(semicolons.ok()) << semicolons.status();
  EXPECT_THAT(Fields(*semicolons),
              ElementsAre(Row{"fylke_nr", "anmodning_2015_personer"}, Row{"2", "777,00"}));
  // Commas in the (quoted) header: a semicolon later is text.
  auto commas = ReadAll("\"kommune_nr\",\"aar\"\n101,x;y\n", CsvSeparator::kDetect);
  ASSERT_TRUE(commas.ok()) << commas.status();
  EXPECT_THAT(Fields(*commas), ElementsAre(Row{"kommune_nr", "aar"}, Row{"101", "x;y"}));
  // A one-column header decides nothing: the separator stays the comma.
  auto single = ReadAll("a\nb;c,d\n", CsvSeparator::kDetect);
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_THAT(Fields(*single), ElementsAre(Row{"a"}, Row{"b;c", "d"}));
}

TEST(CsvReaderTest, TheOtherSeparatorAfterAClosingQuoteIsAnError) {
  auto records = ReadAll("a;b\n\"x\",y;z\n", CsvSeparator::kDetect);
  ASSERT_FALSE(records.ok());
  EXPECT_THAT(std::string(records.status().message()),
              HasSubstr("line 2: text after a closing quote"));
}

}  // namespace
}  // namespace imdi
