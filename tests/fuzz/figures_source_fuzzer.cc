// tools/import/figures_source.h (every import format) and the requests
// imdictl builds from a parsed file (tools/import/import_requests.h), read
// back the way the service reads them (stats-service/service/api_convert.h).
//
// The first byte picks the format: 0-9 prefix the header line of one of the
// IMDi export tables, the published figures file or the 2015-2016 tables
// (semicolons, the quoted comma snapshot, the wide tables) to the rest of the
// input; anything else parses the rest as it is (a header of the fuzzer's
// own).
//
// Invariants: a file with a known header parses as that kind; records are
// ordered by subject and year, each carrying a value, counts whole and not
// negative; rejected rows ordered by line; every record survives the trip
// into an ImportFigures row and back unchanged.
#include <algorithm>
#include <limits>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "stats-service/service/api_convert.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"

namespace {

using imdi::import::FileKind;

struct Format {
  FileKind kind;
  const char* header;
};

// The headers as the real files have them (data/imdikator, data/published).
constexpr Format kFormats[] = {
    {FileKind::kSettlement,
     R"("aar","fylke_id","bosetting","enhet","tabellvariabel","tabell_navn","kommune_id","naringsregion_id","bydel_id")"},
    {FileKind::kSettledOfRequested,
     R"("aar","fylke_nr","bosetting","enhet","tabellvariabel","tabell_navn","kommune_nr","naringsregion_nr","bydel_nr")"},
    {FileKind::kIntroCompletion,
     R"("aar","bydel_nr","avslutning_arsak_8","kjonn","enhet","tabellvariabel","tabell_navn","avslutning_arsak_3","fylke_nr","naringsregion_nr","kommune_nr")"},
    {FileKind::kIntroFollowup,
     R"("aar","fylke_nr","kohort","kjonn","avslutning_status_4","enhet","tabellvariabel","tabell_navn","bydel_nr","kommune_nr","naringsregion_nr")"},
    {FileKind::kPopulationByAge,
     R"("aar","bydel_nr","innvkat_3","alder_grupper","kjonn","enhet","tabellvariabel","tabell_navn","fylke_nr","naringsregion_nr","kommune_nr")"},
    {FileKind::kPublishedFigures, "code_2016,name,year,measure,value,note,source"},
    // data/imdikator-2015-2016
    {FileKind::kSettlementTable,
     "kommune_nr;aar;bosetting.anmodning;bosetting.vedtak;bosetting.bosatt"},
    {FileKind::kSettlementTable,
     R"("kommune_nr","aar","bosatt.anmodede","bosatt.vedtak","bosatt.bosatt")"},
    {FileKind::kWideMunicipal,
     "kommune_nr;bosatt_2015_personer;anmodning_2015_personer;vedtak_2015_personer;"
     "anmodning_2016_personer;vedtak_2016_personer;bosatt_2016_personer;anmodning_2017_personer;"
     "vedtak_2017_personer;bosatt_2017_personer;bosatt_2015_prosent;anmodning_2015_prosent;"
     "vedtak_2015_prosent;anmodning_2016_prosent;vedtak_2016_prosent;bosatt_2016_prosent;"
     "anmodning_2017_prosent;vedtak_2017_prosent;bosatt_2017_prosent"},
    {FileKind::kWideCounty,
     "fylke_nr;anmodning_2015_personer;vedtak_2015_personer;bosatt_2015_personer;"
     "anmodning_2016_personer;vedtak_2016_personer;bosatt_2016_personer;anmodning_2017_personer;"
     "vedtak_2017_personer;bosatt_2017_personer;anmodning_2015_prosent;vedtak_2015_prosent;"
     "bosatt_2015_prosent;anmodning_2016_prosent;vedtak_2016_prosent;bosatt_2016_prosent;"
     "anmodning_2017_prosent;vedtak_2017_prosent;bosatt_2017_prosent"},
};
constexpr size_t kNumFormats = sizeof(kFormats) / sizeof(kFormats[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t format = data[0];
  const std::string rest = imdi::fuzz::AsText(data + 1, size - 1);
  const bool prefixed = format < kNumFormats;
  // Finding F5 (fixed): a header that names a column twice is refused, and
  // no row is read past its last field (_GLIBCXX_ASSERTIONS would stop it).
  std::istringstream in(prefixed ? absl::StrCat(kFormats[format].header, "\n", rest) : rest);

  absl::StatusOr<imdi::import::ParsedFile> parsed = imdi::import::ParseFiguresFile(in);
  if (prefixed) {
    IMDI_FUZZ_CHECK(parsed.ok(), absl::StrCat("a file with the header of ",
                                              imdi::import::DescribeKind(kFormats[format].kind),
                                              " fails as a whole: ", parsed.status().ToString()));
    IMDI_FUZZ_CHECK(parsed->kind == kFormats[format].kind,
                    absl::StrCat("parsed as ", imdi::import::DescribeKind(parsed->kind)));
  }
  if (!parsed.ok()) return 0;
  // IMDI_FUZZ_VERBOSE=1 shows what a reproducer parses to.
  if (std::getenv("IMDI_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr, "%s: %lld rows, %zu records, %zu rejected\n",
                 imdi::import::DescribeKind(parsed->kind).c_str(),
                 static_cast<long long>(parsed->rows), parsed->records.size(),
                 parsed->rejected.size());
    for (const auto& p : parsed->rejected) {
      std::fprintf(stderr, "  line %lld: %s\n", static_cast<long long>(p.line), p.reason.c_str());
    }
  }

  const auto& records = parsed->records;
  for (size_t i = 0; i < records.size(); ++i) {
    const imdi::import::ImportRecord& r = records[i];
    IMDI_FUZZ_CHECK(!r.values.empty() || !r.absent_counts.empty(),
                    absl::StrCat("record ", i, " carries no value and names no absent count"));
    for (imdi::stats::Count count : r.absent_counts) {
      IMDI_FUZZ_CHECK(!r.values[count].has_value(),
                      absl::StrCat("record ", i, " has a value for a count it names absent"));
    }
    const bool states_every_measure = parsed->kind == imdi::import::FileKind::kSettlementTable ||
                                      parsed->kind == imdi::import::FileKind::kWideMunicipal ||
                                      parsed->kind == imdi::import::FileKind::kWideCounty;
    IMDI_FUZZ_CHECK(states_every_measure || r.absent_counts.empty(),
                    absl::StrCat("record ", i,
                                 " of a file merged from one measure per row "
                                 "names absent counts"));
    if (i > 0) {
      const auto& p = records[i - 1];
      IMDI_FUZZ_CHECK(std::tie(p.subject, p.year) < std::tie(r.subject, r.year),
                      absl::StrCat("records ", i - 1, " and ", i, " out of order"));
    }
    for (const auto& count : r.values.counts) {
      IMDI_FUZZ_CHECK(!count || *count >= 0, absl::StrCat("negative count ", *count));
    }
  }
  for (size_t i = 1; i < parsed->rejected.size(); ++i) {
    IMDI_FUZZ_CHECK(parsed->rejected[i - 1].line <= parsed->rejected[i].line,
                    "rejected rows out of line order");
  }

  // Finding F4 (fixed): every count of a record fits the wire's int32.
  for (const auto& r : records) {
    for (int c = 0; c < imdi::stats::kNumCounts; ++c) {
      IMDI_FUZZ_CHECK(r.values.counts[c].value_or(0) <= std::numeric_limits<int32_t>::max(),
                      absl::StrCat("F4: ", imdi::stats::kCountNames[c], " ",
                                   *r.values.counts[c], " does not fit int32"));
    }
  }

  // What imdictl sends, read back as the service reads it.
  const auto requests =
      imdi::import::ImportRequests(*parsed, "fuzz", imdi::stats::v1::FIGURES_STATUS_FINAL, 7);
  size_t next = 0;
  for (const auto& request : requests) {
    imdi::stats::v1::ImportFiguresRequest received;
    // F1 (tests/fuzz/findings/README.md), fixed: text that is not UTF-8 is
    // rejected with its line, so what imdictl sends always parses.
    IMDI_FUZZ_CHECK(received.ParseFromString(request.SerializeAsString()),
                    "the service cannot parse the ImportFiguresRequest imdictl sends");
    for (const auto& row : received.rows()) {
      const imdi::import::ImportRecord& sent = records.at(next++);
      IMDI_FUZZ_CHECK(row.line() == sent.line, "the row's line changed");
      absl::StatusOr<imdi::stats::FiguresRecord> decoded =
          imdi::stats::DecodeFigures(row.figures(), "");
      // Years and areas the service refuses are the service's to refuse.
      if (!decoded.ok()) continue;
      IMDI_FUZZ_CHECK(decoded->subject == sent.subject,
                      absl::StrCat(imdi::stats::DescribeSubject(sent.subject), " arrives as ",
                                   imdi::stats::DescribeSubject(decoded->subject)));
      IMDI_FUZZ_CHECK(decoded->year == sent.year, "the year changed");
      IMDI_FUZZ_CHECK(decoded->values == sent.values, "the values changed");
      IMDI_FUZZ_CHECK(decoded->source == sent.source && decoded->note == sent.note,
                      "source or note changed");
    }
  }
  IMDI_FUZZ_CHECK(next == records.size(),
                  absl::StrCat(records.size(), " records, ", next, " rows sent"));
  return 0;
}
