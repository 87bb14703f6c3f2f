#include "award-service/storage/award_keys.h"

#include "common/big_endian.h"

namespace imdi::award::keys {

std::string CycleKey(absl::string_view cycle_id) { return std::string(cycle_id); }

std::string AuditPrefix(absl::string_view cycle_id) {
  std::string key(cycle_id);
  key.push_back('\0');
  return key;
}

std::string AuditKey(absl::string_view cycle_id, uint64_t sequence) {
  std::string key = AuditPrefix(cycle_id);
  PutBigEndian(key, sequence, 8);
  return key;
}

std::optional<uint64_t> AuditSequence(absl::string_view key) {
  const size_t separator = key.find('\0');
  if (separator == absl::string_view::npos || key.size() != separator + 1 + 8) return std::nullopt;
  return GetBigEndian(key, separator + 1, 8);
}

std::string RequestKey(absl::string_view request_id) { return std::string(request_id); }

std::string DocumentKey(absl::string_view sha256_hex) { return std::string(sha256_hex); }

std::string WinnerKey(int award_year) {
  std::string key;
  PutBigEndian(key, static_cast<uint64_t>(award_year), 2);
  return key;
}

}  // namespace imdi::award::keys
