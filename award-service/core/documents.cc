// A nomination's documents: added through the commit protocol (the bytes,
// stored once by their SHA-256, land in the same write as the cycle record
// that lists them), read back with their description.
#include "award-service/domain/documents.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/actor_rules.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/workflow.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award::use_case {
namespace {

const v1::NominationDocument* FindDocument(const v1::Nomination& n, absl::string_view sha256) {
  for (const v1::NominationDocument& d : n.documents()) {
    if (d.sha256() == sha256) return &d;
  }
  return nullptr;
}

// Documents are added while the nominations are open and until the jury
// starts: the nominees' announcement is when the jury reads them.
absl::Status CheckDocumentsOpen(const v1::Cycle& cycle) {
  const v1::CycleState state = cycle.state();
  if (state == v1::CYCLE_STATE_NOMINATIONS_OPEN || state == v1::CYCLE_STATE_NOMINEES_ANNOUNCED) {
    return absl::OkStatus();
  }
  return Refuse("WRONG_STATE", "CYCLE", cycle.cycle_id(),
                absl::StrCat("documents are added in NOMINATIONS_OPEN or NOMINEES_ANNOUNCED; the "
                             "cycle is in ",
                             StateName(state)));
}

void RespondDocument(const Record& record, const std::string& nomination_id,
                     const std::string& sha256, v1::UploadNominationDocumentResponse& response) {
  for (const v1::Nomination& n : record.nominations()) {
    if (n.nomination_id() != nomination_id) continue;
    *response.mutable_nomination() = n;
    if (const v1::NominationDocument* d = FindDocument(n, sha256)) {
      *response.mutable_document() = *d;
    }
  }
  ApplyNominationView(v1::NOMINATION_VIEW_BASIC, *response.mutable_nomination());
}

}  // namespace

absl::StatusOr<v1::UploadNominationDocumentResponse> AddNominationDocument(
    const Context& ctx, const DocumentUpload& upload, const Caller& caller) {
  const v1::DocumentUploadHeader& header = upload.header;
  IMDI_RETURN_IF_ERROR(CheckDocumentHeader(header));
  if (upload.bytes.empty()) {
    return InvalidFieldError("chunk", "the document is empty; nothing was stored");
  }
  if (upload.bytes.size() > kMaxDocumentBytes) return DocumentTooLarge(upload.bytes.size());
  const std::string sha256 = upload.sha256.empty() ? Sha256Hex(upload.bytes) : upload.sha256;
  if (!header.sha256().empty() && header.sha256() != sha256) {
    return InvalidArgumentError(
        "DOCUMENT_CHECKSUM_MISMATCH",
        {{"header.sha256",
          absl::StrCat("declares ", header.sha256(), " but the ", upload.bytes.size(),
                       " bytes received have SHA-256 ", sha256, "; nothing was stored")}});
  }
  // What the request is, for retries with its request id: the header with
  // the SHA-256 of the bytes that arrived (the bytes themselves are not
  // kept with the stored reply).
  v1::DocumentUploadHeader request = header;
  request.set_sha256(sha256);

  // Stored once however many nominations list it.
  IMDI_ASSIGN_OR_RETURN(std::optional<std::string> stored, ctx.store->ReadDocument(sha256));
  const bool bytes_stored = stored.has_value() && *stored == upload.bytes;
  stored.reset();

  v1::UploadNominationDocumentResponse response;
  bool already_listed = false;
  absl::Status mutated = ctx.tx->Mutate(
      "UploadNominationDocument", request, header.request_id(), header.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = header.nomination_id();
        v1::Nomination* n = FindNomination(record, header.nomination_id());
        if (n == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(header.nomination_id())));
        }
        IMDI_RETURN_IF_ERROR(CheckNominationOwner(caller, *n));
        IMDI_RETURN_IF_ERROR(CheckDocumentsOpen(record.cycle()));
        if (n->state() != v1::NOMINATION_STATE_ACTIVE) {
          return Refuse("WRONG_STATE", "NOMINATION", n->nomination_id(),
                        "documents are added to active nominations only; this one is withdrawn");
        }
        if (FindDocument(*n, sha256) != nullptr) {
          // Listed already: the existing entry answers, nothing is written.
          already_listed = true;
          return absl::AlreadyExistsError("listed already");
        }
        if (n->documents_size() >= kMaxDocumentsPerNomination) {
          return MakeError(
              absl::StatusCode::kResourceExhausted, "TOO_MANY_DOCUMENTS",
              absl::StrCat("nomination ", n->nomination_id(), " lists ", n->documents_size(),
                           " documents; at most ", kMaxDocumentsPerNomination));
        }
        const absl::Time now = ctx.now();
        v1::NominationDocument& d = *n->add_documents();
        d.set_sha256(sha256);
        d.set_file_name(header.file_name());
        d.set_media_type(header.media_type());
        d.set_size_bytes(static_cast<int64_t>(upload.bytes.size()));
        *d.mutable_upload_time() = ToProto(now);
        d.set_uploaded_by(caller.actor);
        Touch(*n, record, now);
        if (!bytes_stored) step.documents.emplace_back(sha256, upload.bytes);
        step.detail =
            absl::StrCat("added document ", header.file_name(), " (",
                         GroupDigits(upload.bytes.size()), " bytes, sha256 ", sha256.substr(0, 12),
                         "...) to the nomination of ", n->municipality_name());
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        RespondDocument(record, header.nomination_id(), sha256,
                        static_cast<v1::UploadNominationDocumentResponse&>(m));
      });
  if (already_listed) {
    IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(header.cycle_id()));
    v1::UploadNominationDocumentResponse existing;
    RespondDocument(record, header.nomination_id(), sha256, existing);
    return existing;
  }
  IMDI_RETURN_IF_ERROR(mutated);
  return response;
}

absl::StatusOr<NominationDocumentBytes> ReadNominationDocument(
    const Context& ctx, const v1::DownloadNominationDocumentRequest& request) {
  {
    FieldChecks checks;
    checks.Add(ValidateCycleId(request.cycle_id()));
    if (request.nomination_id().empty()) checks.Add("nomination_id", "is required");
    checks.Add(CheckSha256Hex(request.sha256(), "sha256"));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  const v1::Nomination* n = FindNomination(record, request.nomination_id());
  if (n == nullptr) {
    return NotFound("NOMINATION_NOT_FOUND",
                    absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
  }
  const v1::NominationDocument* d = FindDocument(*n, request.sha256());
  if (d == nullptr) {
    return NotFound("DOCUMENT_NOT_FOUND", absl::StrCat("nomination ", n->nomination_id(),
                                                       " lists no document ", request.sha256()));
  }
  IMDI_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.store->ReadDocument(d->sha256()));
  if (!bytes) {
    return absl::DataLossError(
        absl::StrCat("document ", d->sha256(), " is listed but its bytes are not stored"));
  }
  return NominationDocumentBytes{*d, *std::move(bytes)};
}

}  // namespace imdi::award::use_case
