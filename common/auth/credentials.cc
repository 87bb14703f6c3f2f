#include "common/auth/credentials.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/sha256.h"

namespace imdi::auth {
namespace {

constexpr absl::string_view kRoles[] = {kStatsReader, kStatsWriter,  kStatsAdmin,   kAwardAdmin,
                                        kAwardNominator, kAwardJuror, kAwardAuditor, kAwardService};
constexpr absl::string_view kRegions[] = {
    "IMDI_REGION_OST",  "IMDI_REGION_INDRE_OST",  "IMDI_REGION_SOR",
    "IMDI_REGION_VEST", "IMDI_REGION_MIDT_NORGE", "IMDI_REGION_NORD"};

bool IsHex64(absl::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

bool IsJurorId(absl::string_view name) {
  return !name.empty() && name.size() <= 63 && name[0] != '-' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

absl::Status LineError(const std::string& file, int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", why));
}

}  // namespace

bool IsKnownRole(absl::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

absl::StatusOr<std::shared_ptr<const CredentialStore::Table>> CredentialStore::Read(
    const std::string& path) {
  std::vector<std::string> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::filesystem::directory_iterator it(path, ec);
    for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".credentials") files.push_back(it->path().string());
    }
    if (ec) {
      return absl::NotFoundError(absl::StrCat("cannot list credentials in ", path, ": ", ec.message()));
    }
    if (files.empty()) {
      return absl::NotFoundError(absl::StrCat("no *.credentials files in ", path));
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  auto table = std::make_shared<Table>();
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read credentials ", file));
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
      absl::string_view content = text;
      if (size_t hash = content.find('#'); hash != absl::string_view::npos) {
        content = content.substr(0, hash);
      }
      std::vector<std::string> words =
          absl::StrSplit(content, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (words.empty()) continue;
      if (words.size() < 4 || (words[0] != "token" && words[0] != "cert")) {
        return LineError(file, line,
                         "expected `token|cert <secret-hash|common-name> <principal> <roles> "
                         "[region=R] [municipality=C]`");
      }
      Principal principal;
      principal.name = words[2];
      for (absl::string_view role : absl::StrSplit(words[3], ',', absl::SkipEmpty())) {
        if (!IsKnownRole(role)) return LineError(file, line, absl::StrCat("unknown role ", role));
        principal.roles.emplace(role);
      }
      for (size_t i = 4; i < words.size(); ++i) {
        if (absl::StartsWith(words[i], "region=")) {
          principal.region = words[i].substr(7);
          if (std::find(std::begin(kRegions), std::end(kRegions), principal.region) ==
              std::end(kRegions)) {
            return LineError(file, line, absl::StrCat("unknown region ", principal.region));
          }
        } else if (absl::StartsWith(words[i], "municipality=")) {
          principal.municipality = words[i].substr(13);
          if (principal.municipality.size() != 4 ||
              !std::all_of(principal.municipality.begin(), principal.municipality.end(),
                           absl::ascii_isdigit)) {
            return LineError(file, line, "municipality= takes a four-digit code");
          }
        } else {
          return LineError(file, line, absl::StrCat("unknown attribute ", words[i]));
        }
      }
      if (principal.Has(kAwardJuror) && !IsJurorId(principal.name)) {
        return LineError(file, line,
                         "a juror's principal is its juror id: 1-63 lower case letters, digits or '-'");
      }
      if (principal.Has(kAwardNominator) && principal.region.empty() &&
          principal.municipality.empty()) {
        return LineError(file, line,
                         "an award.nominator is bound to a region= or a municipality=");
      }
      if (words[0] == "token") {
        const std::string hash = absl::AsciiStrToLower(words[1]);
        if (!IsHex64(hash)) {
          return LineError(file, line, "a token is stored as its SHA-256 in 64 hex digits");
        }
        if (hash == Sha256Hex("")) return LineError(file, line, "that is the hash of an empty token");
        if (!table->tokens.emplace(hash, principal).second) {
          return LineError(file, line, "the same token twice");
        }
      } else if (!table->certs.emplace(words[1], principal).second) {
        return LineError(file, line, absl::StrCat("certificate ", words[1], " twice"));
      }
    }
  }
  if (table->tokens.empty() && table->certs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no credentials"));
  }
  return std::shared_ptr<const Table>(std::move(table));
}

absl::StatusOr<std::unique_ptr<CredentialStore>> CredentialStore::Open(const std::string& path) {
  auto table = Read(path);
  if (!table.ok()) return table.status();
  std::unique_ptr<CredentialStore> store(new CredentialStore(path));
  absl::MutexLock lock(&store->mu_);
  store->table_ = *std::move(table);
  return store;
}

absl::Status CredentialStore::Reload() {
  auto table = Read(path_);
  if (!table.ok()) return table.status();
  absl::MutexLock lock(&mu_);
  table_ = *std::move(table);
  return absl::OkStatus();
}

std::shared_ptr<const CredentialStore::Table> CredentialStore::table() const {
  absl::MutexLock lock(&mu_);
  return table_;
}

std::optional<Principal> CredentialStore::FindToken(absl::string_view token) const {
  auto snapshot = table();
  auto it = snapshot->tokens.find(Sha256Hex(token));
  if (it == snapshot->tokens.end()) return std::nullopt;
  return it->second;
}

std::optional<Principal> CredentialStore::FindCertificate(absl::string_view common_name) const {
  auto snapshot = table();
  auto it = snapshot->certs.find(common_name);
  if (it == snapshot->certs.end()) return std::nullopt;
  return it->second;
}

size_t CredentialStore::size() const {
  auto snapshot = table();
  return snapshot->tokens.size() + snapshot->certs.size();
}

}  // namespace imdi::auth
