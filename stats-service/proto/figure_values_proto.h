// Copies FigureValues to and from any protobuf message that has the figure
// fields by their shared names (the public Figures message and the storage
// schema's StoredFigures), using reflection so that the list of figures is
// written once (kCountNames, kPercentNames). Counts are `optional int32`
// fields, percents `optional double`; presence is kept, so an unknown
// figure stays absent.
//
// Thread-safe.
#ifndef IMDI_STATS_PROTO_FIGURE_VALUES_PROTO_H_
#define IMDI_STATS_PROTO_FIGURE_VALUES_PROTO_H_

#include "absl/strings/string_view.h"
#include <array>
#include <string_view>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "stats-service/domain/figures.h"

namespace imdi::stats {

// The figure fields of one message type, looked up once.
struct FigureFieldTable {
  std::array<const google::protobuf::FieldDescriptor*, kNumCounts> counts{};
  std::array<const google::protobuf::FieldDescriptor*, kNumPercents> percents{};

  // Dies (at startup) when `descriptor` lacks a figure field: that is a
  // programming error in the .proto, not a runtime condition.
  explicit FigureFieldTable(const google::protobuf::Descriptor* descriptor);
};

// The table of message type M, built on first use.
template <typename M>
const FigureFieldTable& FigureFieldsOf() {
  static const FigureFieldTable table(M::descriptor());
  return table;
}

// Counts must fit int32 (validation bounds them far below); a value that
// does not is a programming error and dies rather than wrap around.
void ValuesToProto(const FigureValues& values, const FigureFieldTable& fields,
                   google::protobuf::Message& message);

FigureValues ValuesFromProto(const google::protobuf::Message& message,
                             const FigureFieldTable& fields);


}  // namespace imdi::stats

#endif  // IMDI_STATS_PROTO_FIGURE_VALUES_PROTO_H_
