// tools/award/award_files.h ParseWinnersHistory (published/award-history.csv).
//
// The first byte: bit 0 set prefixes the real header line; the next four
// bytes choose the years asked for (around the years of the prize).
//
// Invariants: every winner is in the years asked for, with an announce date
// of 10 characters or none, a known region value, and text that survives
// the wire to the award service.
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/award/award_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const bool prefixed = (data[0] & 1) != 0;
  const int first_year = 2000 + (data[1] | data[2] << 8) % 60;
  const int last_year = first_year - 5 + (data[3] | data[4] << 8) % 60;
  const std::string rest = imdi::fuzz::AsText(data + 5, size - 5);
  // Finding F5 (fixed): a header that names a column twice is refused, and
  // no row is read past its last field (_GLIBCXX_ASSERTIONS would stop it).
  std::istringstream in(prefixed ? absl::StrCat("award_year,role,municipality,code_at_the_time,"
                                                "imdi_region,nominees_announced,winner_announced,"
                                                "event,source\n",
                                                rest)
                                 : rest);
  absl::StatusOr<std::vector<imdi::award::v1::Winner>> winners =
      imdi::award_files::ParseWinnersHistory(in, first_year, last_year);
  if (!winners.ok()) return 0;
  for (const auto& w : *winners) {
    IMDI_FUZZ_CHECK(
        w.award_year() >= first_year && w.award_year() <= last_year,
        absl::StrCat("winner of ", w.award_year(), " outside ", first_year, "-", last_year));
    IMDI_FUZZ_CHECK(w.announce_date().empty() || w.announce_date().size() == 10,
                    absl::StrCat("announce date \"", w.announce_date(), "\""));
    IMDI_FUZZ_CHECK(imdi::stats::v1::ImdiRegion_IsValid(w.imdi_region()),
                    absl::StrCat("region ", w.imdi_region()));
    // Finding F1 (fixed): text that is not UTF-8 is refused with its line.
    IMDI_FUZZ_CHECK(imdi::fuzz::SurvivesWire(w),
                    "F1: a winner's text is not UTF-8; the service cannot parse it");
  }
  return 0;
}
