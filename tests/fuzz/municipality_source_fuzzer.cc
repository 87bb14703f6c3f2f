// tools/import/municipality_source.h: Statistics Norway's code history
// (klass CSV) and IMDi's regions JSON, and the BatchUpsertMunicipalities
// request imdictl builds from them, read back as the service reads it.
//
// The first byte picks the input: 0 the regions JSON; 1 the code history
// behind its real header line; anything else the code history as it is.
//
// Invariants: regions map four-digit codes to real regions; municipalities
// come ordered by code, each with its code history ending in its code and a
// known region value; what the request carries decodes to the same codes.
#include <sstream>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "stats-service/domain/validation.h"
#include "stats-service/service/api_convert.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace {

using imdi::stats::ImdiRegion;

// A few 2015 municipalities with their regions, as in data/regions.
const std::map<int, ImdiRegion>& Regions() {
  static const auto* regions = [] {
    std::istringstream json(R"([
      {"code": "0101", "imdiRegion": "IMDi Øst"},
      {"code": "0301", "imdiRegion": "IMDi Øst"},
      {"code": "1201", "imdiRegion": "IMDi Vest"},
      {"code": "1401", "imdiRegion": "IMDi Vest"},
      {"code": "1601", "imdiRegion": "IMDi Midt-Norge"},
      {"code": "1662", "imdiRegion": "IMDi Midt-Norge"},
      {"code": "1805", "imdiRegion": "IMDi Nord"},
      {"code": "9999", "imdiRegion": "Uoppgitt IMDi-region"}])");
    auto parsed = imdi::import::ParseRegions(json);
    IMDI_FUZZ_CHECK(parsed.ok(), parsed.status().ToString());
    return new std::map<int, ImdiRegion>(*parsed);
  }();
  return *regions;
}

bool KnownRegion(ImdiRegion region) {
  const int r = static_cast<int>(region);
  return r >= 0 && r <= imdi::stats::kNumRegions;
}

void CheckRegions(const std::string& text) {
  std::istringstream in(text);
  absl::StatusOr<std::map<int, ImdiRegion>> regions = imdi::import::ParseRegions(in);
  if (!regions.ok()) return;
  for (const auto& [code, region] : *regions) {
    IMDI_FUZZ_CHECK(code >= 0 && code <= 9999, absl::StrCat("code ", code));
    IMDI_FUZZ_CHECK(region != ImdiRegion::kUnknown && KnownRegion(region),
                    absl::StrCat("region ", static_cast<int>(region)));
  }
}

void CheckCodeHistory(const std::string& text) {
  std::istringstream in(text);
  absl::StatusOr<imdi::import::MunicipalitySource> source = absl::InternalError("not built");
  try {
    source = imdi::import::BuildMunicipalities(in, Regions());
  } catch (const std::out_of_range& e) {
    // Finding F2 (fixed): a bad group is an error, not an exception.
    IMDI_FUZZ_CHECK(false,
                    absl::StrCat("F2: BuildMunicipalities throws std::out_of_range (", e.what(), ")"));
  }
  if (!source.ok()) return;
  const auto& ms = source->municipalities;
  for (size_t i = 0; i < ms.size(); ++i) {
    const imdi::stats::Municipality& m = ms[i];
    IMDI_FUZZ_CHECK(i == 0 || ms[i - 1].code <= m.code, "municipalities out of code order");
    IMDI_FUZZ_CHECK(!m.codes.empty(), absl::StrCat(m.code, " has no code history"));
    IMDI_FUZZ_CHECK(m.codes.back().code == m.code,
                    absl::StrCat(m.code, "'s history ends in ", m.codes.back().code));
    IMDI_FUZZ_CHECK(KnownRegion(m.region), absl::StrCat("region ", static_cast<int>(m.region)));
  }

  // What imdictl sends, read back as the service reads it.
  absl::StatusOr<imdi::stats::v1::BatchUpsertMunicipalitiesRequest> request =
      imdi::import::MunicipalitiesRequest(*source);
  if (!request.ok()) return;  // two municipalities claim one code
  // F1 (tests/fuzz/findings/README.md), fixed: names that are not UTF-8 are
  // refused, so what imdictl sends always parses.
  IMDI_FUZZ_CHECK(imdi::fuzz::SurvivesWire(*request),
                  "the service cannot parse the BatchUpsertMunicipalitiesRequest imdictl sends");
  IMDI_FUZZ_CHECK(request->municipalities_size() == static_cast<int>(ms.size()),
                  "the request lost municipalities");
  for (int i = 0; i < request->municipalities_size(); ++i) {
    absl::StatusOr<imdi::stats::Municipality> decoded =
        imdi::stats::DecodeMunicipality(request->municipalities(i), "municipality");
    IMDI_FUZZ_CHECK(decoded.ok(), absl::StrCat("municipality ", ms[i].code,
                                               " is refused: ", decoded.status().ToString()));
    IMDI_FUZZ_CHECK(decoded->code == ms[i].code && decoded->region == ms[i].region,
                    absl::StrCat("municipality ", ms[i].code, " arrives changed"));
    IMDI_FUZZ_CHECK(decoded->codes.size() == ms[i].codes.size(), "the history changed length");
    for (size_t c = 0; c < ms[i].codes.size(); ++c) {
      const auto& a = ms[i].codes[c];
      const auto& b = decoded->codes[c];
      IMDI_FUZZ_CHECK(a.code == b.code && a.valid_from == b.valid_from && a.valid_to == b.valid_to,
                      absl::StrCat("code period ", c, " of ", ms[i].code, " arrives changed"));
    }
    // The service's own check runs on what arrives; it may refuse, not crash.
    (void)imdi::stats::CheckMunicipality(*decoded, "municipality");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest = imdi::fuzz::AsText(data + 1, size - 1);
  switch (data[0]) {
    case 0:
      CheckRegions(rest);
      break;
    case 1:
      CheckCodeHistory(absl::StrCat("GRUPPEKODE,GRUPPETEKST,KODE,TEKST\n", rest));
      break;
    default:
      CheckCodeHistory(rest);
      break;
  }
  return 0;
}
