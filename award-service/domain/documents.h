// The bounds and checks of a nomination's full text and documents: what an
// upload's header may say, how large a document may be, and the SHA-256 a
// document is stored and named by.
//
// Pure functions; thread-safe.
#ifndef IMDI_AWARD_DOMAIN_DOCUMENTS_H_
#define IMDI_AWARD_DOMAIN_DOCUMENTS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::award {

// A nomination's full text, in Markdown (UTF-8 bytes).
inline constexpr size_t kMaxFullTextBytes = size_t{64} << 10;
// One document's bytes.
inline constexpr size_t kMaxDocumentBytes = size_t{10} << 20;
// Documents one nomination lists.
inline constexpr int kMaxDocumentsPerNomination = 20;
// Bytes of one upload chunk, and of one download chunk.
inline constexpr size_t kMaxUploadChunkBytes = size_t{1} << 20;
// Bytes all uploads of a process may hold in memory at once (a few
// documents at full size); an upload past it is refused, RESOURCE_EXHAUSTED
// UPLOADS_BUSY, and may be retried.
inline constexpr size_t kMaxUploadBytesInFlight = size_t{64} << 20;
inline constexpr size_t kDownloadChunkBytes = size_t{256} << 10;
// A document's file name and media type.
inline constexpr size_t kMaxDocumentFileNameBytes = 200;
inline constexpr size_t kMaxMediaTypeBytes = 100;

// INVALID_ARGUMENT (field full_text) unless `text` is well-formed UTF-8 of
// at most kMaxFullTextBytes without control characters other than line
// breaks and tabs; empty is fine. The error quotes a short excerpt only.
absl::Status CheckFullText(absl::string_view text);

// INVALID_ARGUMENT naming `field` unless `sha256` is 64 lower-case hex
// digits.
absl::Status CheckSha256Hex(absl::string_view sha256, absl::string_view field);

// Everything an upload's header says in itself: the cycle, the nomination,
// the file name (1-200 bytes, no '/', '\' or control characters), the media
// type (1-100 printable bytes, "type/subtype"), the declared SHA-256 if
// any, the request id. INVALID_ARGUMENT with every violation.
absl::Status CheckDocumentHeader(const v1::DocumentUploadHeader& header);

// RESOURCE_EXHAUSTED (reason DOCUMENT_TOO_LARGE) for a document of more
// than kMaxDocumentBytes, `received` counting what arrived so far.
absl::Status DocumentTooLarge(size_t received);

// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view bytes);

// SHA-256 computed while a document's chunks arrive (OpenSSL's EVP API).
// Not thread-safe; one per upload.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(absl::string_view bytes);
  // The digest of everything given, as 64 lower-case hex digits; call once.
  std::string HexDigest();

 private:
  struct Context;
  Context* context_;
};

// "1 234 567" (Norwegian digit groups) for the audit trail.
std::string GroupDigits(size_t n);

}  // namespace imdi::award

#endif  // IMDI_AWARD_DOMAIN_DOCUMENTS_H_
