// award-service/storage/award_keys.h, with the identifiers that reach it
// checked by award-service/domain/cycle_config.h ValidateCycleId.
//
// The input is read twice: as raw bytes (a key from a damaged store, or an
// identifier a client sent), and through FuzzedDataProvider as the fields
// of keys.
//
// Invariants: a decodable audit key re-encodes to the same bytes; audit keys
// of one cycle sort by sequence and stay inside their cycle's prefix, never
// inside another valid cycle's; winner keys sort by year.
#include <string>

#include "absl/strings/str_cat.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/storage/award_keys.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace keys = ::imdi::award::keys;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool InRange(const std::string& key, const std::string& prefix) {
  const std::string end = keys::PrefixEnd(prefix);
  return StartsWith(key, prefix) && (end.empty() || key < end);
}

void CheckRaw(const std::string& raw) {
  if (std::optional<uint64_t> sequence = keys::AuditSequence(raw)) {
    const std::string cycle = raw.substr(0, raw.find('\0'));
    IMDI_FUZZ_CHECK(keys::AuditKey(cycle, *sequence) == raw,
                    "a decoded audit key re-encodes differently");
    IMDI_FUZZ_CHECK(InRange(raw, keys::AuditPrefix(cycle)), "an audit key outside its prefix");
  }
  if (imdi::award::ValidateCycleId(raw).ok()) {
    IMDI_FUZZ_CHECK(!raw.empty() && raw.size() <= 63 && raw[0] != '-', "a bad id accepted");
    for (char c : raw) {
      IMDI_FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-',
                      absl::StrCat("id with '", std::string(1, c), "' accepted"));
    }
    IMDI_FUZZ_CHECK(
        keys::CycleKey(raw) == raw && keys::AuditSequence(keys::CycleKey(raw)) == std::nullopt,
        "a cycle key reads as an audit key");
  }
}

// A valid cycle id of 1-63 characters from the input.
std::string TakeCycleId(FuzzedDataProvider& in) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
  const size_t length = in.ConsumeIntegralInRange<size_t>(1, 63);
  std::string id;
  for (size_t i = 0; i < length; ++i) {
    // No '-' (the last letter) first.
    id.push_back(kAlphabet[in.ConsumeIntegralInRange<size_t>(0, i == 0 ? 35 : 36)]);
  }
  IMDI_FUZZ_CHECK(imdi::award::ValidateCycleId(id).ok(), absl::StrCat("\"", id, "\" refused"));
  return id;
}

void CheckFields(FuzzedDataProvider& in) {
  const std::string a = TakeCycleId(in), b = TakeCycleId(in);
  const uint64_t sa = in.ConsumeIntegral<uint64_t>(), sb = in.ConsumeIntegral<uint64_t>();
  const std::string ka = keys::AuditKey(a, sa), kb = keys::AuditKey(a, sb);
  IMDI_FUZZ_CHECK(keys::AuditSequence(ka) == sa, "an audit key does not decode to its sequence");
  IMDI_FUZZ_CHECK((ka < kb) == (sa < sb), "audit keys sort unlike their sequences");
  IMDI_FUZZ_CHECK(InRange(ka, keys::AuditPrefix(a)), "an audit key outside its cycle");
  const std::string other = keys::AuditKey(b, sb);
  IMDI_FUZZ_CHECK(a == b || !InRange(other, keys::AuditPrefix(a)),
                  absl::StrCat("an audit key of \"", b, "\" inside cycle \"", a, "\""));

  const int ya = in.ConsumeIntegralInRange<int>(0, 0xffff);
  const int yb = in.ConsumeIntegralInRange<int>(0, 0xffff);
  const std::string wa = keys::WinnerKey(ya), wb = keys::WinnerKey(yb);
  IMDI_FUZZ_CHECK(wa.size() == 2 && (wa < wb) == (ya < yb) && (wa == wb) == (ya == yb),
                  "winner keys sort unlike their years");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckRaw(imdi::fuzz::AsText(data, size));
  FuzzedDataProvider in(data, size);
  CheckFields(in);
  return 0;
}
