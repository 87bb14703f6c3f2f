// The one key codec of the statistics store, and its column families.
//
// Keys are fixed-width big-endian integers behind a one-byte record type, so
// byte order is (type, subject, year, data version) order and one record's
// revisions sit next to each other, oldest first:
//
//   figures revision:      0x02 | kind u8 | id u16 | year u16 | version u64
//   municipality revision: 0x01 | id u16 | version u64
//
// The changes column family indexes the figures revisions by data version,
// so the change feed reads what changed after a version in commit order:
//
//   figures change:        version u64 | kind u8 | id u16 | year u16
//
// Meta values (the data version counter) are big-endian u64.
// Pure functions; thread-safe.
#ifndef IMDI_STATS_STORAGE_KEY_CODEC_H_
#define IMDI_STATS_STORAGE_KEY_CODEC_H_

#include "absl/strings/string_view.h"
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/big_endian.h"

#include "stats-service/domain/figures.h"

namespace imdi::stats::keys {

// Column families. The names are on disk; never rename.
enum class ColumnFamily : int { kDefault = 0, kMeta = 1, kRevisions = 2, kChanges = 3 };
inline constexpr int kNumColumnFamilies = 4;
inline constexpr std::array<absl::string_view, kNumColumnFamilies> kColumnFamilyNames = {
    "default", "meta", "revisions", "changes"};

// Keys in the meta column family.
inline constexpr absl::string_view kDataVersionKey = "data_version";
inline constexpr absl::string_view kSchemaVersionKey = "schema_version";
// Present once every figures revision has its change entry.
inline constexpr absl::string_view kChangesIndexedKey = "changes_indexed";
// Schema 2: figures revisions may be partial, with known dates and field
// sources (storage.proto). Schema 1 stores hold only full revisions, which
// schema 2 reads as they are.
// Schema 3: every figures revision also has its entry in the changes
// column family, written in the same batch; a store of schema 1 or 2 gets
// them from its revisions when it is opened (kChangesIndexedKey marks that
// done).
inline constexpr uint64_t kSchemaVersion = 3;
inline constexpr uint64_t kOldestReadableSchemaVersion = 1;

// Record types, the first byte of a revision key. Never renumber.
enum class RecordType : uint8_t { kMunicipality = 1, kFigures = 2 };

// Counters and bounds: the shared encodings of common/big_endian.h.
using ::imdi::DecodeU64;
using ::imdi::EncodeU64;
using ::imdi::PrefixEnd;

// All revisions of one figures record share this prefix.
std::string FiguresRecordPrefix(const Subject& subject, int year);
// All figures records of one subject kind share this prefix.
std::string FiguresKindPrefix(Subject::Kind kind);
// The key of one revision.
std::string FiguresKey(const Subject& subject, int year, uint64_t data_version);

struct FiguresKeyParts {
  Subject subject;
  int year = 0;
  uint64_t data_version = 0;
};
std::optional<FiguresKeyParts> DecodeFiguresKey(absl::string_view key);
// Length of FiguresRecordPrefix.
inline constexpr size_t kFiguresRecordPrefixSize = 1 + 1 + 2 + 2;

std::string MunicipalityRecordPrefix(int id);
std::string MunicipalitiesPrefix();
std::string MunicipalityKey(int id, uint64_t data_version);

struct MunicipalityKeyParts {
  int id = 0;
  uint64_t data_version = 0;
};
std::optional<MunicipalityKeyParts> DecodeMunicipalityKey(absl::string_view key);
inline constexpr size_t kMunicipalityRecordPrefixSize = 1 + 2;

// The change entry of the figures revision of (subject, year) written at
// `data_version`.
std::string ChangeKey(uint64_t data_version, const Subject& subject, int year);
// Where the changes after `data_version` start.
std::string ChangesAfter(uint64_t data_version);

struct ChangeKeyParts {
  uint64_t data_version = 0;
  Subject subject;
  int year = 0;
};
std::optional<ChangeKeyParts> DecodeChangeKey(absl::string_view key);
inline constexpr size_t kChangeKeySize = 8 + 1 + 2 + 2;

}  // namespace imdi::stats::keys

#endif  // IMDI_STATS_STORAGE_KEY_CODEC_H_
