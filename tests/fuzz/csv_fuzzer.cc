// common/csv.h on arbitrary bytes. Invariants: record lines only move
// forward, and the records written back fully quoted (RFC 4180) read the
// same: same fields, and same lines unless the reader cut a record short.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/csv.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// A record the reader cut short (past its size bounds, where the reader
// has them) reads back as what was kept, so its lines cannot match.
template <typename Record>
bool CutShort(const Record& record) {
  if constexpr (requires { record.too_long; }) {
    return record.too_long;
  } else {
    return false;
  }
}

struct Parsed {
  std::vector<imdi::CsvRecord> records;
  bool failed = false;
};

Parsed ReadAll(const std::string& text) {
  std::istringstream in(text);
  imdi::CsvReader reader(in);
  Parsed out;
  imdi::CsvRecord record;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(record);
    if (!more.ok()) {
      out.failed = true;
      return out;
    }
    if (!*more) return out;
    out.records.push_back(record);
  }
}

std::string Quoted(const std::vector<imdi::CsvRecord>& records) {
  std::string out;
  for (const imdi::CsvRecord& record : records) {
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.push_back('"');
      for (char c : record.fields[i]) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Parsed first = ReadAll(imdi::fuzz::AsText(data, size));
  for (size_t i = 0; i < first.records.size(); ++i) {
    IMDI_FUZZ_CHECK(!first.records[i].fields.empty(), "a record without fields");
    IMDI_FUZZ_CHECK(
        i == 0 ? first.records[i].line >= 1 : first.records[i].line > first.records[i - 1].line,
        absl::StrCat("record ", i, " starts on line ", first.records[i].line));
  }
  const bool cut = std::any_of(first.records.begin(), first.records.end(),
                               [](const imdi::CsvRecord& r) { return CutShort(r); });
  const Parsed second = ReadAll(Quoted(first.records));
  IMDI_FUZZ_CHECK(!second.failed, "the quoted records do not read back");
  IMDI_FUZZ_CHECK(
      second.records.size() == first.records.size(),
      absl::StrCat(first.records.size(), " records read back as ", second.records.size()));
  for (size_t i = 0; i < first.records.size(); ++i) {
    IMDI_FUZZ_CHECK(second.records[i].fields == first.records[i].fields,
                    absl::StrCat("record ", i, " reads back with other fields"));
    IMDI_FUZZ_CHECK(cut || second.records[i].line == first.records[i].line,
                    absl::StrCat("record ", i, " reads back on line ", second.records[i].line,
                                 ", not ", first.records[i].line));
  }
  return 0;
}
