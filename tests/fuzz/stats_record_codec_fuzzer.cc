// stats-service/storage/record_codec.h: the stored values of figures and
// municipalities (imdi.stats.storage.v1).
//
// The input is read twice: as a stored value from a damaged or older store
// (decoded as both kinds), and through FuzzedDataProvider as the fields of
// a record of each kind.
//
// Invariants: undecodable bytes are DATA_LOSS, never a crash; a decoded
// value re-encodes to bytes that decode to the same record and re-encode
// identically; every record the domain can hold survives encode -> decode
// unchanged (doubles bit for bit, NaN included).
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "stats-service/storage/record_codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using imdi::stats::CodePeriod;
using imdi::stats::FiguresRecord;
using imdi::stats::Municipality;
using imdi::stats::Subject;

bool SameBits(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::memcmp(&*a, &*b, sizeof(double)) == 0;
}

bool Equal(const FiguresRecord& a, const FiguresRecord& b) {
  for (int i = 0; i < imdi::stats::kNumPercents; ++i) {
    if (!SameBits(a.values.percents[i], b.values.percents[i])) return false;
  }
  return a.subject == b.subject && a.year == b.year && a.values.counts == b.values.counts &&
         a.status == b.status && a.source == b.source && a.note == b.note &&
         a.revision == b.revision && a.data_version == b.data_version &&
         a.update_time == b.update_time;
}

bool Equal(const Municipality& a, const Municipality& b) {
  return a.id == b.id && a.code == b.code && a.name == b.name && a.region == b.region &&
         a.codes == b.codes && a.predecessors == b.predecessors && a.successor == b.successor &&
         a.note == b.note && a.revision == b.revision && a.data_version == b.data_version &&
         a.update_time == b.update_time;
}

// Text as the API delivers it: valid UTF-8 (proto3 strings), with the
// characters the data has.
std::string TakeText(FuzzedDataProvider& in) {
  static constexpr const char* kPieces[] = {"a", "Z", "0", " ", ",", "\"", "\n", "-",
                                            "ø", "Å", "á", "—", "",  "\t", "(",  "é"};
  std::string out;
  const size_t n = in.ConsumeIntegralInRange<size_t>(0, 12);
  for (size_t i = 0; i < n; ++i) out += kPieces[in.ConsumeIntegralInRange<size_t>(0, 15)];
  return out;
}

absl::Time TakeTime(FuzzedDataProvider& in) {
  return absl::FromUnixMicros(in.ConsumeIntegral<int64_t>());
}

std::optional<int> TakeOptionalInt(FuzzedDataProvider& in) {
  if (!in.ConsumeBool()) return std::nullopt;
  return in.ConsumeIntegral<int32_t>();
}

FiguresRecord TakeFigures(FuzzedDataProvider& in, const Subject& subject, int year) {
  FiguresRecord r;
  r.subject = subject;
  r.year = year;
  // The API carries counts as int32, so that is what reaches the store.
  for (auto& count : r.values.counts) {
    if (in.ConsumeBool()) count = in.ConsumeIntegral<int32_t>();
  }
  for (auto& percent : r.values.percents) {
    if (in.ConsumeBool()) {
      const uint64_t bits = in.ConsumeIntegral<uint64_t>();
      double value;
      std::memcpy(&value, &bits, sizeof value);
      percent = value;
    }
  }
  r.status = static_cast<imdi::stats::FiguresStatus>(in.ConsumeIntegral<int32_t>());
  r.source = TakeText(in);
  r.note = TakeText(in);
  r.revision = in.ConsumeIntegral<int64_t>();
  r.data_version = in.ConsumeIntegral<uint64_t>();
  r.update_time = TakeTime(in);
  return r;
}

Municipality TakeMunicipality(FuzzedDataProvider& in) {
  Municipality m;
  m.id = in.ConsumeIntegral<int32_t>();
  m.code = in.ConsumeIntegralInRange<int>(0, 9999);
  m.name = TakeText(in);
  m.region = static_cast<imdi::stats::ImdiRegion>(in.ConsumeIntegral<int32_t>());
  const size_t codes = in.ConsumeIntegralInRange<size_t>(0, 4);
  for (size_t i = 0; i < codes; ++i) {
    CodePeriod p;
    p.code = in.ConsumeIntegralInRange<int>(0, 9999);
    p.name = TakeText(in);
    p.valid_from = TakeOptionalInt(in);
    p.valid_to = TakeOptionalInt(in);
    m.codes.push_back(std::move(p));
  }
  const size_t predecessors = in.ConsumeIntegralInRange<size_t>(0, 3);
  for (size_t i = 0; i < predecessors; ++i) {
    m.predecessors.push_back(in.ConsumeIntegralInRange<int>(0, 9999));
  }
  if (in.ConsumeBool()) m.successor = in.ConsumeIntegralInRange<int>(0, 9999);
  m.note = TakeText(in);
  m.revision = in.ConsumeIntegral<int64_t>();
  m.data_version = in.ConsumeIntegral<uint64_t>();
  m.update_time = TakeTime(in);
  return m;
}

void CheckStoredBytes(const std::string& raw, const Subject& subject, int year) {
  absl::StatusOr<FiguresRecord> figures = imdi::stats::DecodeFiguresValue(subject, year, raw);
  if (figures.ok()) {
    const std::string again = imdi::stats::EncodeFiguresValue(*figures);
    absl::StatusOr<FiguresRecord> back = imdi::stats::DecodeFiguresValue(subject, year, again);
    IMDI_FUZZ_CHECK(back.ok(), back.status().ToString());
    IMDI_FUZZ_CHECK(Equal(*back, *figures), "a decoded figures value changes on re-encoding");
    IMDI_FUZZ_CHECK(imdi::stats::EncodeFiguresValue(*back) == again,
                    "figures values do not re-encode identically");
  } else {
    IMDI_FUZZ_CHECK(figures.status().code() == absl::StatusCode::kDataLoss,
                    figures.status().ToString());
  }
  absl::StatusOr<Municipality> m = imdi::stats::DecodeMunicipalityValue(raw);
  if (m.ok()) {
    const std::string again = imdi::stats::EncodeMunicipalityValue(*m);
    absl::StatusOr<Municipality> back = imdi::stats::DecodeMunicipalityValue(again);
    IMDI_FUZZ_CHECK(back.ok(), back.status().ToString());
    IMDI_FUZZ_CHECK(Equal(*back, *m), "a decoded municipality value changes on re-encoding");
    IMDI_FUZZ_CHECK(imdi::stats::EncodeMunicipalityValue(*back) == again,
                    "municipality values do not re-encode identically");
  } else {
    IMDI_FUZZ_CHECK(m.status().code() == absl::StatusCode::kDataLoss, m.status().ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The key gives subject and year; any will do for decoding.
  const Subject subject{Subject::Kind::kMunicipality, 301};
  CheckStoredBytes(imdi::fuzz::AsText(data, size), subject, 2016);

  FuzzedDataProvider in(data, size);
  const Subject key_subject{static_cast<Subject::Kind>(in.ConsumeIntegralInRange<int>(1, 4)),
                            in.ConsumeIntegralInRange<int>(0, 0xffff)};
  const int year = in.ConsumeIntegralInRange<int>(0, 0xffff);
  const FiguresRecord record = TakeFigures(in, key_subject, year);
  absl::StatusOr<FiguresRecord> back =
      imdi::stats::DecodeFiguresValue(key_subject, year, imdi::stats::EncodeFiguresValue(record));
  IMDI_FUZZ_CHECK(back.ok() && Equal(*back, record), "a figures record changes in storage");

  const Municipality m = TakeMunicipality(in);
  absl::StatusOr<Municipality> m_back =
      imdi::stats::DecodeMunicipalityValue(imdi::stats::EncodeMunicipalityValue(m));
  IMDI_FUZZ_CHECK(m_back.ok(),
                  absl::StrCat("a municipality does not decode: ", m_back.status().ToString()));
  IMDI_FUZZ_CHECK(Equal(*m_back, m), "a municipality changes in storage");
  return 0;
}
