// The streaming handlers of nomination documents. The upload gathers the
// chunks on the callback threads (appending and hashing only: bounded, no
// waiting) and commits on the store pool once the client has sent the last
// one; the download reads the document on the store pool and writes it a
// chunk at a time.
#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "award-service/domain/documents.h"
#include "award-service/service/award_service.h"
#include "common/errors.h"
#include "common/raw_message.h"
#include "common/rpc_scope.h"
#include "common/status_macros.h"

namespace imdi::award {
namespace {

// Receives an upload: the header, then chunks of at most
// kMaxUploadChunkBytes, at most kMaxDocumentBytes in all. Any problem ends
// the call at once, before more is read; a stream that breaks (cancelled,
// or ended without a header) commits nothing.
class DocumentUploader final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  DocumentUploader(grpc::CallbackServerContext* context, AwardCore* core, WorkerPool* pool,
                   const CallPolicy& policy, grpc::ByteBuffer* response)
      : context_(context),
        scope_(context, "UploadNominationDocument", policy),
        core_(core),
        pool_(pool),
        raw_response_(response) {
    if (!scope_.admission().ok()) {
      Finish(scope_.Finish(scope_.admission()));
      return;
    }
    caller_ = CallerOf(context, scope_, policy);
    StartRead(&raw_request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      EndOfStream();
      return;
    }
    v1::UploadNominationDocumentRequest message;
    absl::Status status = ParseMessage(raw_request_, message);
    raw_request_.Clear();
    if (status.ok()) status = Take(message);
    if (!status.ok()) {
      Finish(scope_.Finish(status));
      return;
    }
    StartRead(&raw_request_);
  }

  void OnDone() override {
    Release();
    delete this;
  }

 private:
  absl::Status Take(v1::UploadNominationDocumentRequest& message) {
    if (!upload_.has_value()) {
      if (!message.has_header()) {
        return InvalidFieldError("header",
                                 "the first message of an upload must be its header; nothing "
                                 "was stored");
      }
      IMDI_RETURN_IF_ERROR(CheckDocumentHeader(message.header()));
      upload_.emplace();
      upload_->header = std::move(*message.mutable_header());
      return absl::OkStatus();
    }
    if (message.has_header()) {
      return InvalidFieldError("header",
                               "only the first message of an upload carries the header; "
                               "nothing was stored");
    }
    const std::string& chunk = message.chunk();
    if (chunk.size() > kMaxUploadChunkBytes) {
      return InvalidFieldError(
          "chunk", absl::StrCat("is ", chunk.size(), " bytes; at most ", kMaxUploadChunkBytes,
                                " per message. Nothing was stored"));
    }
    const size_t received = upload_->bytes.size() + chunk.size();
    if (received > kMaxDocumentBytes) return DocumentTooLarge(received);
    // Every upload's bytes count against one budget of the process, so
    // that many slow uploads cannot hold more memory than it.
    if (BytesInFlight().fetch_add(chunk.size()) + chunk.size() > kMaxUploadBytesInFlight) {
      BytesInFlight().fetch_sub(chunk.size());
      return MakeError(absl::StatusCode::kResourceExhausted, "UPLOADS_BUSY",
                       "too many documents are being uploaded at once; nothing was stored, "
                       "retry shortly");
    }
    held_ += chunk.size();
    hasher_.Update(chunk);
    upload_->bytes.append(chunk);
    return absl::OkStatus();
  }

  // What uploads hold in memory now, in bytes.
  static std::atomic<size_t>& BytesInFlight() {
    static std::atomic<size_t> bytes{0};
    return bytes;
  }

  // Gives the budget back once the bytes are let go.
  void Release() {
    BytesInFlight().fetch_sub(held_);
    held_ = 0;
  }

  // The client half-closed or went away.
  void EndOfStream() {
    if (context_->IsCancelled()) {
      Finish(scope_.Finish(
          absl::CancelledError("the client cancelled the upload; nothing was stored")));
      return;
    }
    if (!upload_.has_value()) {
      Finish(scope_.Finish(
          InvalidFieldError("header", "the upload ended without a header; nothing was stored")));
      return;
    }
    upload_->sha256 = hasher_.HexDigest();
    // Committing writes up to 10 MiB: work for the pool. Nothing touches
    // `this` after Finish (OnDone deletes it).
    pool_->Schedule([this] {
      absl::Status status;
      if (context_->IsCancelled()) {
        status = absl::CancelledError("the client cancelled the upload; nothing was stored");
      } else {
        try {
          absl::StatusOr<v1::UploadNominationDocumentResponse> result =
              core_->AddNominationDocument(*upload_, caller_);
          status = result.status();
          if (status.ok()) status = SerializeMessage(*result, raw_response_);
        } catch (const std::exception& e) {
          status = absl::InternalError(e.what());
        }
      }
      upload_.reset();
      Release();
      Finish(scope_.Finish(status));
    });
  }

  grpc::CallbackServerContext* const context_;
  RpcScope scope_;
  AwardCore* const core_;
  WorkerPool* const pool_;
  grpc::ByteBuffer* const raw_response_;
  Caller caller_;
  grpc::ByteBuffer raw_request_;
  // Absent until the header has arrived.
  std::optional<use_case::DocumentUpload> upload_;
  size_t held_ = 0;  // bytes counted in BytesInFlight
  Sha256Hasher hasher_;
};

// Sends a document: its description, then its bytes in chunks of
// kDownloadChunkBytes, in order.
class DocumentDownloader final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  DocumentDownloader(grpc::CallbackServerContext* context, AwardCore* core, WorkerPool* pool,
                     const CallPolicy& policy, const grpc::ByteBuffer& raw_request)
      : scope_(context, "DownloadNominationDocument", policy) {
    v1::DownloadNominationDocumentRequest request;
    absl::Status admitted = scope_.admission();
    if (admitted.ok()) admitted = ParseMessage(raw_request, request);
    if (!admitted.ok()) {
      Finish(scope_.Finish(admitted));
      return;
    }
    pool->Schedule([this, core, request = std::move(request)] {
      absl::StatusOr<use_case::NominationDocumentBytes> read;
      try {
        read = core->ReadNominationDocument(request);
      } catch (const std::exception& e) {
        read = absl::InternalError(e.what());
      }
      if (!read.ok()) {
        Finish(scope_.Finish(read.status()));
        return;
      }
      document_ = *std::move(read);
      v1::DownloadNominationDocumentResponse first;
      *first.mutable_document() = document_.document;
      Write(first);
    });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(scope_.Finish(absl::CancelledError("the client went away")));
      return;
    }
    if (offset_ >= document_.bytes.size()) {
      Finish(scope_.Finish(absl::OkStatus()));
      return;
    }
    const size_t n = std::min(kDownloadChunkBytes, document_.bytes.size() - offset_);
    v1::DownloadNominationDocumentResponse chunk;
    chunk.set_chunk(document_.bytes.substr(offset_, n));
    offset_ += n;
    Write(chunk);
  }

  void OnDone() override { delete this; }

 private:
  void Write(const v1::DownloadNominationDocumentResponse& message) {
    absl::Status serialized = SerializeMessage(message, &buffer_);
    if (!serialized.ok()) {
      Finish(scope_.Finish(serialized));
      return;
    }
    StartWrite(&buffer_);
  }

  RpcScope scope_;
  use_case::NominationDocumentBytes document_;
  size_t offset_ = 0;  // bytes of the document sent
  grpc::ByteBuffer buffer_;
};

}  // namespace

grpc::ServerReadReactor<grpc::ByteBuffer>* AwardServiceImpl::UploadNominationDocument(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  return new DocumentUploader(context, core_, store_pool_, policy_, response);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* AwardServiceImpl::DownloadNominationDocument(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new DocumentDownloader(context, core_, store_pool_, policy_, *request);
}

}  // namespace imdi::award
