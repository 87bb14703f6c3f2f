// Client side of the nomination-document streams for the tests: an upload
// in chunks of a chosen size, a download gathered whole, pseudo-random
// document bytes. Header-only; each call is independent.
#ifndef IMDI_TESTS_TESTING_DOCUMENTS_H_
#define IMDI_TESTS_TESTING_DOCUMENTS_H_

#include <algorithm>
#include <cstdint>
#include <string>

#include "grpcpp/client_context.h"
#include "imdi/award/v1/award.grpc.pb.h"

namespace imdi::testing {

// `size` bytes of a fixed pseudo-random sequence (xorshift) from `seed`.
inline std::string PseudoRandomBytes(size_t size, uint64_t seed) {
  std::string out(size, '\0');
  uint64_t x = seed | 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x & 0xff);
  }
  return out;
}

// Uploads `bytes` after `header` in chunks of `chunk_bytes`.
inline grpc::Status UploadDocument(award::v1::AwardService::Stub& stub,
                                   const award::v1::DocumentUploadHeader& header,
                                   const std::string& bytes, size_t chunk_bytes,
                                   award::v1::UploadNominationDocumentResponse* response) {
  grpc::ClientContext context;
  auto writer = stub.UploadNominationDocument(&context, response);
  award::v1::UploadNominationDocumentRequest first;
  *first.mutable_header() = header;
  bool ok = writer->Write(first);
  for (size_t offset = 0; ok && offset < bytes.size(); offset += chunk_bytes) {
    award::v1::UploadNominationDocumentRequest chunk;
    chunk.set_chunk(bytes.substr(offset, std::min(chunk_bytes, bytes.size() - offset)));
    ok = writer->Write(chunk);
  }
  writer->WritesDone();
  return writer->Finish();
}

// Downloads a document: its description into `document`, its bytes into
// `bytes`; `messages` counts the chunks.
inline grpc::Status DownloadDocument(award::v1::AwardService::Stub& stub,
                                     const award::v1::DownloadNominationDocumentRequest& request,
                                     award::v1::NominationDocument* document, std::string* bytes,
                                     int* chunks = nullptr) {
  grpc::ClientContext context;
  auto reader = stub.DownloadNominationDocument(&context, request);
  award::v1::DownloadNominationDocumentResponse message;
  bytes->clear();
  int n = 0;
  while (reader->Read(&message)) {
    if (message.has_document()) {
      *document = message.document();
    } else {
      bytes->append(message.chunk());
      ++n;
    }
  }
  if (chunks != nullptr) *chunks = n;
  return reader->Finish();
}

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_DOCUMENTS_H_
