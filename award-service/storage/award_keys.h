// The award store's key codec: column families and every key layout, in
// one place. Identifiers are [a-z0-9-] (validated before they reach the
// store), so a 0x00 separator can never occur inside one.
//
//   cycles    cycle_id                      -> CycleRecord
//   audit     cycle_id 0x00 u64be(sequence) -> imdi.award.v1.AuditEvent
//   requests  request_id                    -> RequestRecord
//   winners   u16be(award_year)             -> imdi.award.v1.Winner
//   meta      "schema_version"              -> u64be
#ifndef IMDI_AWARD_STORAGE_AWARD_KEYS_H_
#define IMDI_AWARD_STORAGE_AWARD_KEYS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/big_endian.h"

namespace imdi::award::keys {

enum class ColumnFamily : int { kDefault = 0, kMeta, kCycles, kAudit, kRequests, kWinners };

inline constexpr std::array<absl::string_view, 6> kColumnFamilyNames = {
    "default", "meta", "cycles", "audit", "requests", "winners"};

inline constexpr absl::string_view kSchemaVersionKey = "schema_version";
inline constexpr uint64_t kSchemaVersion = 1;

std::string CycleKey(absl::string_view cycle_id);
std::string AuditPrefix(absl::string_view cycle_id);
std::string AuditKey(absl::string_view cycle_id, uint64_t sequence);
// The sequence of an audit key, or nothing when it is not one.
std::optional<uint64_t> AuditSequence(absl::string_view key);
std::string RequestKey(absl::string_view request_id);
std::string WinnerKey(int award_year);
// Counters and bounds: the shared encodings of common/big_endian.h.
using ::imdi::DecodeU64;
using ::imdi::EncodeU64;
using ::imdi::PrefixEnd;

}  // namespace imdi::award::keys

#endif  // IMDI_AWARD_STORAGE_AWARD_KEYS_H_
