// Conversion between the public API (imdi.stats.v1) and the domain.
//
// Decoders validate as they go and report INVALID_ARGUMENT with the path of
// the offending field (prefixed with `prefix`). Encoders need the
// municipality directory to render codes and names. Pure functions;
// thread-safe.
#ifndef IMDI_STATS_SERVICE_API_CONVERT_H_
#define IMDI_STATS_SERVICE_API_CONVERT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "imdi/stats/v1/stats.pb.h"
#include "stats-service/domain/municipality.h"
#include "stats-service/domain/stats_core.h"

namespace imdi::stats {

namespace api = ::imdi::stats::v1;

// An area: the country, a county by code, or an IMDi region.
absl::StatusOr<Subject> DecodeArea(const api::Area& area, absl::string_view prefix);

// What a read names: a municipality by any code it had, or (when `has_area`)
// an area; not both.
absl::StatusOr<Subject> DecodeSubject(const std::string& municipality_code, bool has_area,
                                      const api::Area& area);

// The record a Figures message names and carries: subject (a municipality by
// any code it had, or an area), year, values, status, source, note and
// known date (0 when none; a real date, not after today).
absl::StatusOr<FiguresRecord> DecodeFigures(const api::Figures& figures,
                                            absl::string_view prefix);

// The parts of Figures a field mask selects; an empty mask selects all.
absl::StatusOr<FiguresMask> DecodeFiguresMask(const google::protobuf::FieldMask& mask,
                                              absl::string_view field);

// An import row's `absent_fields`: figure names (counts and percents), each
// at most once; anything else is INVALID_ARGUMENT on `field`.
absl::StatusOr<FiguresMask> DecodeAbsentFields(
    const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view field);

absl::StatusOr<Municipality> DecodeMunicipality(const api::Municipality& municipality,
                                                absl::string_view prefix);

// A read's `as_of_known_date` (field "as_of_known_date"): nullopt when
// empty, else a real date not after today, as YYYYMMDD.
absl::StatusOr<std::optional<int>> DecodeAsOfKnownDate(absl::string_view text);

void EncodeArea(const Subject& area, api::Area* out);
// With `field_sources`, fills Figures.field_sources from the record's.
void EncodeFigures(const FiguresRecord& record, const MunicipalityDirectory& directory,
                   api::Figures* out, bool field_sources = false);
void EncodeMunicipality(const Municipality& municipality,
                        const MunicipalityDirectory& directory, api::Municipality* out);
void EncodeAggregate(const AggregateRead& read, api::GetAggregateResponse* out);

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_API_CONVERT_H_
