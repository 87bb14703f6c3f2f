#include "award-service/domain/documents.h"

#include <openssl/evp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/request_checks.h"
#include "common/auth/sha256.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/utf8.h"

namespace imdi::award {

namespace {

constexpr size_t kMaxNominationIdBytes = 64;

void CheckFileName(FieldChecks& checks, absl::string_view name) {
  if (name.empty()) {
    checks.Add("header.file_name", "is required");
    return;
  }
  if (name.size() > kMaxDocumentFileNameBytes) {
    checks.Add("header.file_name", absl::StrCat("is ", name.size(), " bytes long; at most ",
                                                kMaxDocumentFileNameBytes));
    return;
  }
  for (unsigned char c : name) {
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
      checks.Add("header.file_name",
                 absl::StrCat(Excerpt(name),
                              " must be a plain file name: no path separators or control "
                              "characters"));
      return;
    }
  }
  if (FirstInvalidUtf8(name)) checks.Add("header.file_name", "must be UTF-8");
}

void CheckMediaType(FieldChecks& checks, absl::string_view type) {
  if (type.empty()) {
    checks.Add("header.media_type", "is required, e.g. \"application/pdf\"");
    return;
  }
  bool printable = type.size() <= kMaxMediaTypeBytes;
  for (char c : type) printable = printable && absl::ascii_isgraph(c);
  const size_t slash = type.find('/');
  if (!printable || slash == absl::string_view::npos || slash == 0 || slash + 1 == type.size() ||
      type.find('/', slash + 1) != absl::string_view::npos) {
    checks.Add("header.media_type",
               absl::StrCat(Excerpt(type), " must be a media type of at most ", kMaxMediaTypeBytes,
                            " printable bytes, \"type/subtype\", e.g. \"application/pdf\""));
  }
}

}  // namespace

absl::Status CheckFullText(absl::string_view text) {
  if (std::optional<size_t> bad = FirstInvalidUtf8(text)) {
    return InvalidFieldError("full_text",
                             absl::StrCat("is not UTF-8 at byte ", *bad, ": ",
                                          Excerpt(text.substr(*bad >= 20 ? *bad - 20 : 0))));
  }
  if (text.size() > kMaxFullTextBytes) {
    return InvalidFieldError(
        "full_text", absl::StrCat("is ", text.size(), " bytes long; at most ", kMaxFullTextBytes,
                                  " (64 KiB); it begins ", Excerpt(text)));
  }
  if (auto violation = CheckText(text, "full_text", kMaxFullTextBytes, TextKind::kParagraphs)) {
    return InvalidArgumentError("INVALID_FIELD", {*violation});
  }
  return absl::OkStatus();
}

absl::Status CheckSha256Hex(absl::string_view sha256, absl::string_view field) {
  bool ok = sha256.size() == 64;
  for (char c : sha256) ok = ok && (absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'));
  if (ok) return absl::OkStatus();
  return InvalidFieldError(
      field, absl::StrCat(Excerpt(sha256), " must be a SHA-256: 64 lower-case hex digits"));
}

absl::Status CheckDocumentHeader(const v1::DocumentUploadHeader& header) {
  FieldChecks checks;
  checks.Add(ValidateCycleId(header.cycle_id(), "header.cycle_id"));
  if (header.nomination_id().empty()) {
    checks.Add("header.nomination_id", "is required");
  } else if (header.nomination_id().size() > kMaxNominationIdBytes) {
    checks.Add("header.nomination_id",
               absl::StrCat("is longer than ", kMaxNominationIdBytes, " bytes"));
  }
  CheckFileName(checks, header.file_name());
  CheckMediaType(checks, header.media_type());
  if (!header.sha256().empty()) checks.Add(CheckSha256Hex(header.sha256(), "header.sha256"));
  if (absl::Status id = CheckRequestId(header.request_id()); !id.ok()) {
    checks.Add("header.request_id", id.message());
  }
  return checks.Result();
}

absl::Status DocumentTooLarge(size_t received) {
  return MakeError(
      absl::StatusCode::kResourceExhausted, "DOCUMENT_TOO_LARGE",
      absl::StrCat("the document is more than ", kMaxDocumentBytes, " bytes (10 MiB) long (",
                   received, " bytes arrived); nothing was stored"));
}

std::string Sha256Hex(absl::string_view bytes) { return auth::Sha256Hex(bytes); }

struct Sha256Hasher::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
};

Sha256Hasher::Sha256Hasher() : context_(new Context) {
  EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr);
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(context_->md);
  delete context_;
}

void Sha256Hasher::Update(absl::string_view bytes) {
  EVP_DigestUpdate(context_->md, bytes.data(), bytes.size());
}

std::string Sha256Hasher::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->md, digest, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string GroupDigits(size_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(' ');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace imdi::award
