// The award store's key codec: column families and every key layout, in
// one place. Identifiers are [a-z0-9-] (validated before they reach the
// store), so a 0x00 separator can never occur inside one.
//
//   cycles    cycle_id                      -> CycleRecord
//   audit     cycle_id 0x00 u64be(sequence) -> imdi.award.v1.AuditEvent
//   requests  request_id                    -> RequestRecord
//   winners   u16be(award_year)             -> imdi.award.v1.Winner
//   meta      "schema_version"              -> u64be
//   documents sha256 (64 lower-case hex)    -> the document's bytes, stored
//             once however many nominations list them; BlobDB keeps the
//             large ones in blob files, out of the LSM tree
#ifndef IMDI_AWARD_STORAGE_AWARD_KEYS_H_
#define IMDI_AWARD_STORAGE_AWARD_KEYS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/big_endian.h"

namespace imdi::award::keys {

enum class ColumnFamily : int {
  kDefault = 0,
  kMeta,
  kCycles,
  kAudit,
  kRequests,
  kWinners,
  kDocuments,
};

inline constexpr std::array<absl::string_view, 7> kColumnFamilyNames = {
    "default", "meta", "cycles", "audit", "requests", "winners", "documents"};

inline constexpr absl::string_view kSchemaVersionKey = "schema_version";
// 2: the documents family. A version 1 store opens (the family is created
// empty) and is marked 2, so an older build refuses it from then on.
inline constexpr uint64_t kSchemaVersion = 2;
inline constexpr uint64_t kOldestReadableSchemaVersion = 1;

// Values of the documents family at least this large go to blob files.
inline constexpr uint64_t kDocumentMinBlobBytes = uint64_t{64} << 10;

std::string CycleKey(absl::string_view cycle_id);
std::string AuditPrefix(absl::string_view cycle_id);
std::string AuditKey(absl::string_view cycle_id, uint64_t sequence);
// The sequence of an audit key, or nothing when it is not one.
std::optional<uint64_t> AuditSequence(absl::string_view key);
std::string RequestKey(absl::string_view request_id);
std::string WinnerKey(int award_year);
// A document's key: its SHA-256 as 64 lower-case hex digits, as given
// (checked before it reaches the store).
std::string DocumentKey(absl::string_view sha256_hex);
// Counters and bounds: the shared encodings of common/big_endian.h.
using ::imdi::DecodeU64;
using ::imdi::EncodeU64;
using ::imdi::PrefixEnd;

}  // namespace imdi::award::keys

#endif  // IMDI_AWARD_STORAGE_AWARD_KEYS_H_
