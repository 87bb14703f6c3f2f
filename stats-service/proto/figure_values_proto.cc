#include "stats-service/proto/figure_values_proto.h"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

namespace imdi::stats {
namespace {

using google::protobuf::FieldDescriptor;

const FieldDescriptor* Require(const google::protobuf::Descriptor* descriptor,
                               absl::string_view name, FieldDescriptor::CppType type) {
  const FieldDescriptor* field = descriptor->FindFieldByName(std::string(name));
  if (field == nullptr || field->cpp_type() != type || !field->has_presence()) {
    std::fprintf(stderr, "%s lacks an optional figure field %.*s\n",
                 descriptor->full_name().c_str(), static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return field;
}

}  // namespace

FigureFieldTable::FigureFieldTable(const google::protobuf::Descriptor* descriptor) {
  for (int i = 0; i < kNumCounts; ++i) {
    counts[i] = Require(descriptor, kCountNames[i], FieldDescriptor::CPPTYPE_INT32);
  }
  for (int i = 0; i < kNumPercents; ++i) {
    percents[i] = Require(descriptor, kPercentNames[i], FieldDescriptor::CPPTYPE_DOUBLE);
  }
}

void ValuesToProto(const FigureValues& values, const FigureFieldTable& fields,
                   google::protobuf::Message& message) {
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < kNumCounts; ++i) {
    if (values.counts[i]) {
      const int64_t v = *values.counts[i];
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        std::fprintf(stderr, "figure %s = %lld does not fit int32\n",
                     fields.counts[i]->name().c_str(), static_cast<long long>(v));
        std::abort();
      }
      reflection->SetInt32(&message, fields.counts[i], static_cast<int32_t>(v));
    } else {
      reflection->ClearField(&message, fields.counts[i]);
    }
  }
  for (int i = 0; i < kNumPercents; ++i) {
    if (values.percents[i]) {
      reflection->SetDouble(&message, fields.percents[i], *values.percents[i]);
    } else {
      reflection->ClearField(&message, fields.percents[i]);
    }
  }
}

FigureValues ValuesFromProto(const google::protobuf::Message& message,
                             const FigureFieldTable& fields) {
  const auto* reflection = message.GetReflection();
  FigureValues values;
  for (int i = 0; i < kNumCounts; ++i) {
    if (reflection->HasField(message, fields.counts[i])) {
      values.counts[i] = reflection->GetInt32(message, fields.counts[i]);
    }
  }
  for (int i = 0; i < kNumPercents; ++i) {
    if (reflection->HasField(message, fields.percents[i])) {
      values.percents[i] = reflection->GetDouble(message, fields.percents[i]);
    }
  }
  return values;
}

}  // namespace imdi::stats
