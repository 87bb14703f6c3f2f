// Exports of the figures in the statistics world's formats, rendered by the
// service so that every client gets the same bytes:
//
//  * CSV, one known value per row, in the format `imdictl import` reads back
//    (tools/import/figures_source.h, "exported figures"):
//      code,name,year,measure,value,status,known_date,note,source
//    `code` is the municipality's code in the row's year, `name` its name
//    then; `status` is preliminary, final or empty; `known_date` the date the
//    record's figures were known (YYYY-MM-DD). Unknown values have no row.
//  * JSON-stat 2.0, as Statistics Norway's PxWebApi serves a table: one
//    dataset, dimensions Region (municipality, by current code, labelled
//    with its current name) x Tid (year) x ContentsCode (measure), the values
//    in row-major order with null for unknown, and `status` per value: "p"
//    preliminary, "f" final (none where the record states no status).
//
// A FiguresExport reads one StatsCore cursor, so the whole export is at one
// data version, and renders it piece by piece: it holds at most about one
// piece plus the JSON-stat dimensions and status map, however large the
// store. Not thread-safe: one export serves one stream.
#ifndef IMDI_STATS_DOMAIN_EXPORT_H_
#define IMDI_STATS_DOMAIN_EXPORT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "stats-service/domain/figures.h"
#include "stats-service/domain/stats_core.h"

namespace imdi::stats {

enum class ExportFormat { kCsv, kJsonStat };
enum class ExportLanguage { kNorwegian, kEnglish };

// Most years and municipality codes one export names.
inline constexpr size_t kMaxExportYears = 100;
inline constexpr size_t kMaxExportMunicipalities = 1000;

// What to export. Built and bounded by the transport (field violations);
// Start checks it again.
struct ExportQuery {
  ExportFormat format = ExportFormat::kCsv;
  std::vector<int> years{};  // ascending, distinct, non-empty
  std::optional<ImdiRegion> region{};
  std::vector<int> municipality_codes{};  // any code a municipality had; empty: all
  int64_t as_of = 0;                    // 0: latest
  ExportLanguage language = ExportLanguage::kNorwegian;
};

struct ExportCounts {
  int64_t records = 0;  // municipality-year records exported
  int64_t values = 0;   // known values (CSV rows)
  int64_t cells = 0;    // JSON-stat value cells, nulls included
  int64_t bytes = 0;    // rendered so far
};

// The CSV header of an export, and the one `imdictl import` recognises.
inline constexpr char kExportCsvHeader[] =
    "code,name,year,measure,value,status,known_date,note,source";

// The attribution every export carries (data/README.md).
extern const char kExportAttribution[];

// A measure's labels and unit, in field order (counts, then percents).
struct ExportMeasure {
  absl::string_view name;  // the figure field name
  absl::string_view label_nb;
  absl::string_view label_en;
  bool percent = false;
};
extern const std::vector<ExportMeasure>& ExportMeasures();

class FiguresExport {
 public:
  // Pins the data version and the municipalities to export. NOT_FOUND
  // (UNKNOWN_MUNICIPALITY) for a code no municipality ever had.
  static absl::StatusOr<std::unique_ptr<FiguresExport>> Start(const StatsCore& core,
                                                              ExportQuery query);

  // Appends the next piece of the export to `out` (at least `min_bytes` when
  // that much is left, usually little more); false when the export was
  // complete before the call.
  absl::StatusOr<bool> Next(size_t min_bytes, std::string& out);

  uint64_t data_version() const { return cursor_->data_version(); }
  const ExportCounts& counts() const { return counts_; }

 private:
  FiguresExport(ExportQuery query, std::unique_ptr<StatsCore::FiguresCursor> cursor,
                std::vector<int> ids);
  bool Wanted(const FiguresRecord& record) const;
  void Header(std::string& out);
  void Record(const FiguresRecord& record, std::string& out);
  void JsonNullsUntil(int64_t cell, std::string& out);
  void Footer(std::string& out);

  ExportQuery query_;
  std::unique_ptr<StatsCore::FiguresCursor> cursor_;
  std::vector<int> ids_;  // municipalities exported, ascending id (the cursor's order)
  std::vector<FiguresRecord> chunk_;
  size_t next_ = 0;  // of chunk_
  enum class Stage { kHeader, kRecords, kTail, kDone } stage_ = Stage::kHeader;
  ExportCounts counts_;
  // JSON-stat: the next cell to write, the status object so far, the
  // newest update time seen.
  int64_t next_cell_ = 0;
  size_t area_ = 0;  // index in ids_ of the last record's municipality
  std::string status_;
  std::optional<absl::Time> updated_;
};

// RFC 4180 quoting when needed.
std::string CsvField(absl::string_view text);
// A JSON string literal, quotes included.
std::string JsonString(absl::string_view text);
// The shortest text that reads back as `value`.
std::string ShortestDouble(double value);

}  // namespace imdi::stats

#endif  // IMDI_STATS_DOMAIN_EXPORT_H_
