// Encodes records as storage-schema values (imdi.stats.storage.v1) and
// back. The key carries the identity (subject, year, code); the value the
// rest. Pure functions; thread-safe.
#ifndef IMDI_STATS_STORAGE_RECORD_CODEC_H_
#define IMDI_STATS_STORAGE_RECORD_CODEC_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "stats-service/domain/figures.h"
#include "stats-service/domain/municipality.h"

namespace imdi::stats {

std::string EncodeFiguresValue(const FiguresRecord& record);
// `subject` and `year` come from the key. DATA_LOSS when the bytes do not
// parse.
absl::StatusOr<FiguresRecord> DecodeFiguresValue(const Subject& subject, int year,
                                                 absl::string_view bytes);

std::string EncodeMunicipalityValue(const Municipality& municipality);
absl::StatusOr<Municipality> DecodeMunicipalityValue(absl::string_view bytes);

}  // namespace imdi::stats

#endif  // IMDI_STATS_STORAGE_RECORD_CODEC_H_
