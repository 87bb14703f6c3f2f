#include "stats-service/storage/key_codec.h"

#include "common/big_endian.h"

namespace imdi::stats::keys {

std::string FiguresKindPrefix(Subject::Kind kind) {
  std::string out;
  out.push_back(static_cast<char>(RecordType::kFigures));
  out.push_back(static_cast<char>(kind));
  return out;
}

std::string FiguresRecordPrefix(const Subject& subject, int year) {
  std::string out = FiguresKindPrefix(subject.kind);
  PutBigEndian(out, static_cast<uint16_t>(subject.id), 2);
  PutBigEndian(out, static_cast<uint16_t>(year), 2);
  return out;
}

std::string FiguresKey(const Subject& subject, int year, uint64_t data_version) {
  std::string out = FiguresRecordPrefix(subject, year);
  PutBigEndian(out, data_version, 8);
  return out;
}

std::optional<FiguresKeyParts> DecodeFiguresKey(absl::string_view key) {
  if (key.size() != kFiguresRecordPrefixSize + 8 ||
      static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(RecordType::kFigures)) {
    return std::nullopt;
  }
  const auto kind = static_cast<uint8_t>(key[1]);
  if (kind < static_cast<uint8_t>(Subject::Kind::kMunicipality) ||
      kind > static_cast<uint8_t>(Subject::Kind::kImdiRegion)) {
    return std::nullopt;
  }
  FiguresKeyParts parts;
  parts.subject.kind = static_cast<Subject::Kind>(kind);
  parts.subject.id = static_cast<int>(GetBigEndian(key, 2, 2));
  parts.year = static_cast<int>(GetBigEndian(key, 4, 2));
  parts.data_version = GetBigEndian(key, 6, 8);
  return parts;
}

std::string MunicipalitiesPrefix() {
  return std::string(1, static_cast<char>(RecordType::kMunicipality));
}

std::string MunicipalityRecordPrefix(int id) {
  std::string out = MunicipalitiesPrefix();
  PutBigEndian(out, static_cast<uint16_t>(id), 2);
  return out;
}

std::string MunicipalityKey(int id, uint64_t data_version) {
  std::string out = MunicipalityRecordPrefix(id);
  PutBigEndian(out, data_version, 8);
  return out;
}

std::optional<MunicipalityKeyParts> DecodeMunicipalityKey(absl::string_view key) {
  if (key.size() != kMunicipalityRecordPrefixSize + 8 ||
      static_cast<uint8_t>(key[0]) != static_cast<uint8_t>(RecordType::kMunicipality)) {
    return std::nullopt;
  }
  return MunicipalityKeyParts{static_cast<int>(GetBigEndian(key, 1, 2)),
                              GetBigEndian(key, 3, 8)};
}

std::string ChangeKey(uint64_t data_version, const Subject& subject, int year) {
  std::string out;
  out.reserve(kChangeKeySize);
  PutBigEndian(out, data_version, 8);
  out.push_back(static_cast<char>(subject.kind));
  PutBigEndian(out, static_cast<uint16_t>(subject.id), 2);
  PutBigEndian(out, static_cast<uint16_t>(year), 2);
  return out;
}

std::string ChangesAfter(uint64_t data_version) {
  std::string out;
  if (data_version == UINT64_MAX) return std::string(8, '\xff') + '\xff';
  PutBigEndian(out, data_version + 1, 8);
  return out;
}

std::optional<ChangeKeyParts> DecodeChangeKey(absl::string_view key) {
  if (key.size() != kChangeKeySize) return std::nullopt;
  const auto kind = static_cast<uint8_t>(key[8]);
  if (kind < static_cast<uint8_t>(Subject::Kind::kMunicipality) ||
      kind > static_cast<uint8_t>(Subject::Kind::kImdiRegion)) {
    return std::nullopt;
  }
  ChangeKeyParts parts;
  parts.data_version = GetBigEndian(key, 0, 8);
  parts.subject.kind = static_cast<Subject::Kind>(kind);
  parts.subject.id = static_cast<int>(GetBigEndian(key, 9, 2));
  parts.year = static_cast<int>(GetBigEndian(key, 11, 2));
  return parts;
}

}  // namespace imdi::stats::keys
