// Parses the published figure files into import records.
//
// Supported files, recognised by their header:
//  * IMDi's statistics export (imdikator/): bosetting.csv,
//    bosatt_anmodede.csv, intro_avslutning_direkte.csv,
//    intro_status_arbutd.csv, befolkning_alder.csv. Long format: one value
//    per row, identified by area, year and measure.
//  * published/figures-2016-2017.csv: one value per row with its source.
//  * The service's CSV export (ExportFigures, `imdictl figures export`):
//    code,name,year,measure,value,status,known_date,note,source; one value
//    per row, each municipality by its code in the row's year, with the
//    record's status (preliminary, final or empty) and known date.
//  * The 2015-2016 files (imdikator-2015-2016/), semicolon- or
//    comma-separated: the per-year table (kommune_nr, aar and a column per
//    count: bosatt_anmodede-kommune-2015.csv and the 2016 snapshots), and
//    the wide tables with a column per measure and year
//    (anmodning_2016_personer, vedtak_2016_prosent, ...) per municipality
//    (kommune_nr) or county (fylke_nr, 0 = the whole country). Codes may
//    lack their leading zeros ("101" is 0101); counts may have a decimal
//    comma ("777,00"). These files state every measure they have a column
//    for on every row, so a value they leave empty is not known on their
//    date: the record names it in `absent_counts`.
//
// The files' quirks are handled, not papered over: "." (no value), ":"
// (suppressed) and empty values are absent, never 0; counts written as
// "85.00" must be whole; four-digit municipality codes keep their leading
// zeros; country (00) and county rows become published totals; the
// settlement files' row 9999 (settled in an unknown municipality) becomes
// county 99 ("Uoppgitt"), with a note, as in the national files; rows for
// city districts, commerce regions and breakdowns the store does not keep
// are skipped and counted; the files' percent columns must agree with the
// counts they derive from (within the rounding of the printed value), or the
// record is rejected with the lines involved.
//
// Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMPORT_FIGURES_SOURCE_H_
#define IMDI_TOOLS_IMPORT_FIGURES_SOURCE_H_

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "stats-service/domain/figures.h"

namespace imdi::import {

enum class FileKind {
  kSettlement,          // bosetting.csv
  kSettledOfRequested,  // bosatt_anmodede.csv
  kIntroCompletion,     // intro_avslutning_direkte.csv
  kIntroFollowup,       // intro_status_arbutd.csv
  kPopulationByAge,     // befolkning_alder.csv
  kPublishedFigures,    // published/figures-*.csv
  kExportedFigures,     // code,name,year,measure,value,status,known_date,note,source
  kSettlementTable,     // kommune_nr;aar;bosetting.anmodning|bosatt.anmodede;...
  kWideMunicipal,       // kommune_nr;anmodning_2015_personer;...
  kWideCounty,          // fylke_nr;anmodning_2015_personer;...
};

// One record to import: the figures a file gives for one subject and year.
struct ImportRecord {
  int64_t line = 0;  // first line that contributed
  stats::Subject subject;  // municipalities by the code in the file
  int year = 0;
  stats::FigureValues values;
  std::string source;  // per-record source, when the file gives one
  std::string note;
  // The counts the file has a column for but leaves empty (".", "" or " ")
  // in this record, and no other row of it gives: not known on the file's
  // date. Only for files that state every measure on every row (the 2015
  // table, the 2016 snapshots and the wide tables); empty for the others,
  // where a missing value says nothing.
  std::set<stats::Count> absent_counts;
  // The exported figures' own status and known date (YYYY-MM-DD), when the
  // file gives them; they override the import's.
  std::optional<stats::FiguresStatus> status;
  std::string known_date;
};

struct RowProblem {
  int64_t line = 0;
  std::string reason;
};

// What became of a file's rows. Each row has exactly one fate, so
// rows = accepted + without_value + skipped + rejected().
struct RowFates {
  int64_t accepted = 0;             // rows of the records to import
  int64_t without_value = 0;        // rows of records with no value and no absent count
  int64_t skipped = 0;              // rows of areas or breakdowns the store does not keep
  int64_t rejected_alone = 0;       // rows that could not be placed in a record
  int64_t in_rejected_records = 0;  // rows of records not imported because of a bad row
  int64_t rejected() const { return rejected_alone + in_rejected_records; }
  int64_t total() const { return accepted + without_value + skipped + rejected(); }
};

struct ParsedFile {
  FileKind kind = FileKind::kSettlement;
  // The year whose municipality codes the file uses for every row: IMDi's
  // export writes all its years in the codes of its latest year, the
  // published figures file in those of the year its code column names
  // (code_2016); 0 when each row uses the codes of its own year.
  int codes_year = 0;
  int64_t rows = 0;  // data rows read (the header excluded)
  std::vector<ImportRecord> records;  // ordered by subject and year
  // One entry per row rejected alone and per record not imported (which
  // names its bad rows).
  std::vector<RowProblem> rejected;
  // reason -> rows (records, for population)
  std::map<std::string, int64_t, std::less<>> skipped;
  RowFates fates;                          // adds up to `rows`
  int64_t records_rejected = 0;            // records not imported because of a bad row
};

// Parses one file. Fails only when the file cannot be read as a whole (not
// CSV, unknown header); row-level problems land in `rejected`.
absl::StatusOr<ParsedFile> ParseFiguresFile(std::istream& in);

absl::StatusOr<ParsedFile> ParseFiguresPath(const std::string& path);

// "bosetting.csv (settlement)", for messages.
std::string DescribeKind(FileKind kind);

}  // namespace imdi::import

#endif  // IMDI_TOOLS_IMPORT_FIGURES_SOURCE_H_
