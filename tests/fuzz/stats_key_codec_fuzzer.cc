// stats-service/storage/key_codec.h and common/big_endian.h.
//
// The input is read twice: as raw bytes to decode (a key or a counter from
// a damaged store), and through FuzzedDataProvider as the fields of keys.
//
// Invariants: whatever decodes re-encodes to the same bytes; keys sort
// byte-wise like their fields (type, kind, id, year, version); a record's
// keys lie inside its prefix and below PrefixEnd of it.
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "stats-service/storage/key_codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace keys = ::imdi::stats::keys;
using imdi::stats::Subject;

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// `key` is inside the range of `prefix`: starts with it and sorts below its end.
void CheckInside(const std::string& key, const std::string& prefix) {
  IMDI_FUZZ_CHECK(StartsWith(key, prefix), "a key outside its prefix");
  const std::string end = keys::PrefixEnd(prefix);
  IMDI_FUZZ_CHECK(end.empty() || key < end, "a key at or past PrefixEnd of its prefix");
}

int Order(const auto& a, const auto& b) { return a < b ? -1 : (b < a ? 1 : 0); }

void CheckDecodeRaw(const std::string& raw) {
  if (auto parts = keys::DecodeFiguresKey(raw)) {
    IMDI_FUZZ_CHECK(keys::FiguresKey(parts->subject, parts->year, parts->data_version) == raw,
                    "a decoded figures key re-encodes differently");
    CheckInside(raw, keys::FiguresRecordPrefix(parts->subject, parts->year));
    CheckInside(raw, keys::FiguresKindPrefix(parts->subject.kind));
  }
  if (auto parts = keys::DecodeMunicipalityKey(raw)) {
    IMDI_FUZZ_CHECK(keys::MunicipalityKey(parts->id, parts->data_version) == raw,
                    "a decoded municipality key re-encodes differently");
    CheckInside(raw, keys::MunicipalityRecordPrefix(parts->id));
    CheckInside(raw, keys::MunicipalitiesPrefix());
  }
  if (auto value = keys::DecodeU64(raw)) {
    IMDI_FUZZ_CHECK(keys::EncodeU64(*value) == raw, "a decoded u64 re-encodes differently");
  }
  // PrefixEnd of any prefix bounds every key that starts with it.
  const std::string end = keys::PrefixEnd(raw);
  if (raw.find_first_not_of('\xff') == std::string::npos) {
    IMDI_FUZZ_CHECK(end.empty(), "PrefixEnd of 0xff... is not empty");
  } else {
    IMDI_FUZZ_CHECK(raw < end && !StartsWith(end, raw), "PrefixEnd does not bound its prefix");
    IMDI_FUZZ_CHECK(absl::StrCat(raw, "\xff\xff\xff") < end, "PrefixEnd below a longer key");
  }
}

struct FiguresFields {
  Subject subject;
  int year;
  uint64_t version;
};

FiguresFields TakeFigures(FuzzedDataProvider& in) {
  FiguresFields f;
  f.subject.kind = static_cast<Subject::Kind>(in.ConsumeIntegralInRange<int>(1, 4));
  f.subject.id = in.ConsumeIntegralInRange<int>(0, 0xffff);
  f.year = in.ConsumeIntegralInRange<int>(0, 0xffff);
  f.version = in.ConsumeIntegral<uint64_t>();
  return f;
}

void CheckFields(FuzzedDataProvider& in) {
  const FiguresFields a = TakeFigures(in), b = TakeFigures(in);
  const std::string ka = keys::FiguresKey(a.subject, a.year, a.version);
  const std::string kb = keys::FiguresKey(b.subject, b.year, b.version);
  auto decoded = keys::DecodeFiguresKey(ka);
  IMDI_FUZZ_CHECK(decoded && decoded->subject == a.subject && decoded->year == a.year &&
                      decoded->data_version == a.version,
                  "a figures key does not decode to its fields");
  IMDI_FUZZ_CHECK(Order(ka, kb) == Order(std::tie(a.subject.kind, a.subject.id, a.year, a.version),
                                         std::tie(b.subject.kind, b.subject.id, b.year, b.version)),
                  "figures keys sort unlike their fields");
  CheckInside(ka, keys::FiguresRecordPrefix(a.subject, a.year));
  IMDI_FUZZ_CHECK(ka.size() == keys::kFiguresRecordPrefixSize + 8, "figures key size");

  const int ida = in.ConsumeIntegralInRange<int>(0, 0xffff);
  const int idb = in.ConsumeIntegralInRange<int>(0, 0xffff);
  const uint64_t va = in.ConsumeIntegral<uint64_t>(), vb = in.ConsumeIntegral<uint64_t>();
  const std::string ma = keys::MunicipalityKey(ida, va), mb = keys::MunicipalityKey(idb, vb);
  auto md = keys::DecodeMunicipalityKey(ma);
  IMDI_FUZZ_CHECK(md && md->id == ida && md->data_version == va,
                  "a municipality key does not decode to its fields");
  IMDI_FUZZ_CHECK(Order(ma, mb) == Order(std::tie(ida, va), std::tie(idb, vb)),
                  "municipality keys sort unlike their fields");
  IMDI_FUZZ_CHECK(ma.size() == keys::kMunicipalityRecordPrefixSize + 8, "municipality key size");
  // The two record types never mix: every municipality key sorts first.
  IMDI_FUZZ_CHECK(ma < ka && !keys::DecodeFiguresKey(ma) && !keys::DecodeMunicipalityKey(ka),
                  "municipality and figures keys mix");
  IMDI_FUZZ_CHECK(keys::DecodeU64(keys::EncodeU64(va)) == va, "u64 round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckDecodeRaw(imdi::fuzz::AsText(data, size));
  FuzzedDataProvider in(data, size);
  CheckFields(in);
  return 0;
}
