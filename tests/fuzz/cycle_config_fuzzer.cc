// Cycle configurations: tools/award/award_files.h ParseCycleConfig (JSON and
// text protobuf, the files imdictl loads) and the wire form a CreateCycle
// request carries, each followed by award-service/domain/cycle_config.h
// ValidateCycleConfig.
//
// The first byte picks the form: 0 JSON, 1 text protobuf, anything else the
// binary wire form.
//
// Invariants: what parses survives the wire (a CreateCycle request);
// validation says OK or INVALID_ARGUMENT, and a valid configuration holds
// only enum values its schema defines; a parsed configuration printed as
// JSON and as text parses back equal (NaN equal to NaN) and validates the
// same.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "award-service/domain/cycle_config.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/award/award_files.h"

namespace {

using imdi::award::v1::CycleConfig;

// Empty when equal (NaN equal to NaN, -0 to 0), else the differences.
std::string Differences(const CycleConfig& a, const CycleConfig& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  // An unset field equals its default: JSON prints -0.0 as -0, which
  // parses back as 0, the default.
  differencer.set_message_field_comparison(google::protobuf::util::MessageDifferencer::EQUIVALENT);
  std::string report;
  differencer.ReportDifferencesToString(&report);
  return differencer.Compare(a, b) ? "" : report;
}

void CheckReparse(const CycleConfig& config, const absl::Status& validation,
                  const std::string& text, const std::string& path) {
  absl::StatusOr<CycleConfig> again = imdi::award_files::ParseCycleConfig(text, path);
  IMDI_FUZZ_CHECK(again.ok(), absl::StrCat("the printed ", path, " does not parse: ",
                                           again.status().ToString(), "\n", text));
  const std::string differences = Differences(config, *again);
  IMDI_FUZZ_CHECK(differences.empty(),
                  absl::StrCat(path, " parses back different:\n", differences, "\n", text));
  const absl::Status revalidated = imdi::award::ValidateCycleConfig(*again);
  IMDI_FUZZ_CHECK(revalidated.code() == validation.code(),
                  absl::StrCat(path, " validates differently: ", revalidated.ToString(), " vs ",
                               validation.ToString()));
}

// The path of the first enum field holding a value its enum does not
// define (proto3 enums accept any number), or empty.
std::string UnknownEnumValue(const google::protobuf::Message& message, const std::string& path) {
  const auto* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    const std::string here = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    const int n = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < n; ++i) {
      const std::string item = field->is_repeated() ? absl::StrCat(here, "[", i, "]") : here;
      if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_ENUM) {
        const int value = field->is_repeated() ? reflection->GetRepeatedEnumValue(message, field, i)
                                               : reflection->GetEnumValue(message, field);
        if (field->enum_type()->FindValueByNumber(value) == nullptr) {
          return absl::StrCat(item, " = ", value);
        }
      } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
        const auto& sub = field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                               : reflection->GetMessage(message, field);
        std::string found = UnknownEnumValue(sub, item);
        if (!found.empty()) return found;
      }
    }
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest = imdi::fuzz::AsText(data + 1, size - 1);
  CycleConfig config;
  if (data[0] == 0 || data[0] == 1) {
    absl::StatusOr<CycleConfig> parsed =
        imdi::award_files::ParseCycleConfig(rest, data[0] == 0 ? "cycle.json" : "cycle.textproto");
    if (!parsed.ok()) return 0;
    config = *std::move(parsed);
  } else if (!config.ParseFromString(rest)) {
    return 0;
  }
  // Fields the schema does not know (wire form only) are not printed.
  config.DiscardUnknownFields();

  // Finding F3 (fixed): what the loader accepts, the service can read.
  IMDI_FUZZ_CHECK(data[0] > 1 || imdi::fuzz::SurvivesWire(config),
                  "F3: a loaded configuration does not survive the wire (strings not UTF-8)");
  if (!imdi::fuzz::SurvivesWire(config)) return 0;  // bytes parsed as binary
  const absl::Status validation = imdi::award::ValidateCycleConfig(config);
  IMDI_FUZZ_CHECK(validation.ok() || validation.code() == absl::StatusCode::kInvalidArgument,
                  validation.ToString());
  (void)imdi::award::HasPublicVote(config.decision_policy());
  if (validation.ok()) {
    // Finding F6 (fixed): a valid configuration holds only enum values the
    // schema defines.
    const std::string unknown = UnknownEnumValue(config, "config");
    IMDI_FUZZ_CHECK(unknown.empty(), absl::StrCat("F6: a valid configuration has ", unknown));
  }

  std::string json;
  if (google::protobuf::util::MessageToJsonString(config, &json).ok()) {
    CheckReparse(config, validation, json, "printed.json");
  }
  std::string text;
  if (google::protobuf::TextFormat::PrintToString(config, &text)) {
    CheckReparse(config, validation, text, "printed.textproto");
  }
  return 0;
}
