// What the fuzz targets share: an invariant check that stops the run with a
// message (libFuzzer then saves the input as a crash reproducer), the input
// as text, and the "survives the wire" check.
//
// A target may step around a finding that is not fixed yet (see
// tests/fuzz/findings/README.md), so that runs keep looking for new ones,
// unless IMDI_FUZZ_STRICT is set: then it checks it too, and its saved
// reproducers fail again. Every finding so far is fixed and checked.
#ifndef IMDI_TESTS_FUZZ_FUZZ_CHECK_H_
#define IMDI_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "common/csv.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/stubs/logging.h"

// Aborts with the failed condition and a message when `cond` is false.
#define IMDI_FUZZ_CHECK(cond, message)                                                       \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n  %s\n", __FILE__, __LINE__, #cond, \
                   std::string(message).c_str());                                            \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

namespace imdi::fuzz {

inline std::string AsText(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Whether known findings are checked too (IMDI_FUZZ_STRICT set).
inline bool Strict() {
  static const bool strict = std::getenv("IMDI_FUZZ_STRICT") != nullptr;
  return strict;
}

// Protobuf's parse errors are expected by the thousand; shown only in
// strict mode, where they explain a reproducer.
inline const bool kQuietProtobuf = [] {
  if (!Strict()) google::protobuf::SetLogHandler(nullptr);
  return true;
}();

// What protobuf accepts in a string field of a proto3 message.
inline bool ValidUtf8(const std::string& text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                             static_cast<int>(text.size()));
}

// Whether `message` serialized parses back at the receiving end (a proto3
// string with invalid UTF-8 does not).
inline bool SurvivesWire(const google::protobuf::Message& message) {
  std::unique_ptr<google::protobuf::Message> received(message.New());
  return received->ParseFromString(message.SerializeAsString());
}

// Whether the first CSV record of `text` (a header) names a column twice.
inline bool DuplicateHeaderColumns(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  CsvRecord header;
  absl::StatusOr<bool> read = reader.Next(header);
  if (!read.ok() || !*read) return false;
  const std::set<std::string> names(header.fields.begin(), header.fields.end());
  return names.size() != header.fields.size();
}

}  // namespace imdi::fuzz

#endif  // IMDI_TESTS_FUZZ_FUZZ_CHECK_H_
