// A strict RFC 4180 CSV reader: comma-separated fields (or semicolons, as
// Norwegian exports write them; see CsvSeparator), optional double quotes,
// "" for a quote inside quotes, line breaks inside quotes, CRLF or LF line
// ends, and a UTF-8 byte order mark at the start ignored. Memory is bounded:
// a record too long to be real is skipped, not held.
//
// A CsvReader reads one stream and is not thread-safe. It reads the stream
// ahead in blocks (a few percent of the time the byte-by-byte istream calls
// took): what the stream holds after the reader's last record is not left
// for anyone else to read.
#ifndef IMDI_COMMON_CSV_H_
#define IMDI_COMMON_CSV_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace imdi {

struct CsvRecord {
  // Line of the file where the record starts, 1-based.
  int64_t line = 0;
  std::vector<std::string> fields;
  // The record was longer than kMaxCsvRecordBytes or had more than
  // kMaxCsvFields fields: it was read to its end, but `fields` holds only
  // what fitted. The caller rejects it; the records after it are fine.
  bool too_long = false;
};

// A record of the files this project reads is a few hundred bytes.
inline constexpr size_t kMaxCsvRecordBytes = 64 * 1024;
inline constexpr size_t kMaxCsvFields = 256;

// The field separator. kDetect takes the first ',' or ';' outside quotes of
// the first record (the header) as the file's separator: a semicolon file's
// header has no commas, while its values may (decimal commas, "777,00").
enum class CsvSeparator { kComma, kSemicolon, kDetect };

class CsvReader {
 public:
  // Reads from `in`, which must outlive the reader.
  explicit CsvReader(std::istream& in, CsvSeparator separator = CsvSeparator::kComma)
      : in_(in),
        separator_(separator == CsvSeparator::kSemicolon ? ';' : ','),
        detect_(separator == CsvSeparator::kDetect) {}

  // Reads the next record into `record`. Returns false at the end of input,
  // or an error for malformed quoting (with the line number). The strings
  // of `record.fields` are reused: pass the same record again to read a
  // file without an allocation per field.
  absl::StatusOr<bool> Next(CsvRecord& record);

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  static constexpr int kEnd = -1;

  // Refills the block; false at the end of input.
  bool Fill();
  // The next byte (0-255) without taking it, or kEnd.
  int Peek() {
    if (pos_ == end_ && !Fill()) return kEnd;
    return static_cast<unsigned char>(block_[pos_]);
  }

  std::istream& in_;
  std::unique_ptr<char[]> block_ = std::make_unique<char[]>(kBlockBytes);
  size_t pos_ = 0;        // next byte of block_ to read
  size_t end_ = 0;        // bytes in block_
  std::string overflow_;  // a field past kMaxCsvFields, read and dropped
  char separator_;
  bool detect_;  // the separator is still to be found in the first record
  int64_t line_ = 1;
  bool at_start_ = true;
};

}  // namespace imdi

#endif  // IMDI_COMMON_CSV_H_
