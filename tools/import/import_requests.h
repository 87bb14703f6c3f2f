// Turns parsed source files into StatsService requests: one
// BatchUpsertMunicipalities request for the municipality directory, and
// ImportFigures stream messages for a parsed figure file. Shared by imdictl
// and the tests. The functions are pure and thread-safe; an
// ImportRequestBuilder is used by one thread at a time.
#ifndef IMDI_TOOLS_IMPORT_IMPORT_REQUESTS_H_
#define IMDI_TOOLS_IMPORT_IMPORT_REQUESTS_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "imdi/stats/v1/stats.pb.h"
#include "tools/import/figures_source.h"
#include "tools/import/municipality_source.h"

namespace imdi::import {

absl::StatusOr<stats::v1::BatchUpsertMunicipalitiesRequest> MunicipalitiesRequest(
    const MunicipalitySource& source);

// Bytes of one ImportFigures message at most: far below the 4 MiB a
// service accepts by default, and small enough to commit quickly.
inline constexpr size_t kMaxImportMessageBytes = size_t{1} << 20;

// The messages of one ImportFigures stream carrying `parsed.records`, made
// one at a time, so that a sender can stream each while the next is made
// and no file's messages are all held at once. Each message holds at most
// `batch` rows and kMaxImportMessageBytes, and names `source_name` (made
// valid one-line UTF-8 within the bound of a source), `status` and
// `known_date` (YYYY-MM-DD, or "" for the date of the import). Records that
// carry their own status or known date (the service's CSV export) go in
// messages of their own with those instead, grouped by them.
//
// Not thread-safe. Reads `parsed`, which must outlive it and not change.
class ImportRequestBuilder {
 public:
  ImportRequestBuilder(const ParsedFile& parsed, const std::string& source_name,
                       stats::v1::FiguresStatus status, size_t batch,
                       const std::string& known_date = "");

  // The next message; false after the last one.
  bool Next(stats::v1::ImportFiguresRequest& request);

 private:
  // The status and known date a record is sent with.
  std::pair<int, std::string> Group(const ImportRecord& record) const;

  const ParsedFile& parsed_;
  const std::string source_;
  const stats::v1::FiguresStatus status_;
  const size_t batch_;
  const std::string known_date_;
  // Record indices in the order they are sent: grouped by their own status
  // and known date, in file order within a group.
  std::vector<size_t> order_;
  size_t next_ = 0;  // of order_: the first record not yet in a message
};

// All of ImportRequestBuilder's messages at once.
std::vector<stats::v1::ImportFiguresRequest> ImportRequests(const ParsedFile& parsed,
                                                            const std::string& source_name,
                                                            stats::v1::FiguresStatus status,
                                                            size_t batch,
                                                            const std::string& known_date = "");

}  // namespace imdi::import

#endif  // IMDI_TOOLS_IMPORT_IMPORT_REQUESTS_H_
