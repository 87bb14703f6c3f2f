#include "stats-service/service/figures_exporter.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/raw_message.h"
#include "stats-service/domain/validation.h"

namespace imdi::stats {

absl::StatusOr<ExportQuery> DecodeExportRequest(const v1::ExportFiguresRequest& request) {
  ExportQuery query;
  std::vector<FieldViolation> violations;
  switch (request.format()) {
    case v1::EXPORT_FORMAT_CSV:
      query.format = ExportFormat::kCsv;
      break;
    case v1::EXPORT_FORMAT_JSON_STAT:
      query.format = ExportFormat::kJsonStat;
      break;
    default:
      violations.push_back({"format", "give EXPORT_FORMAT_CSV or EXPORT_FORMAT_JSON_STAT"});
  }
  const bool range = request.year_from() != 0 || request.year_to() != 0;
  if (request.years_size() > 0 && range) {
    violations.push_back({"years", "give years or year_from and year_to, not both"});
  } else if (request.years_size() > 0) {
    if (static_cast<size_t>(request.years_size()) > kMaxExportYears) {
      violations.push_back({"years", absl::StrCat("the request names ", request.years_size(),
                                                  " years; at most ", kMaxExportYears)});
    } else {
      for (int i = 0; i < request.years_size(); ++i) {
        const std::string field = absl::StrCat("years[", i, "]");
        if (absl::Status s = ValidateYear(request.years(i), field); !s.ok()) {
          for (auto& v : FieldViolations(s)) violations.push_back(std::move(v));
        } else if (std::find(query.years.begin(), query.years.end(), request.years(i)) !=
                   query.years.end()) {
          violations.push_back({field, absl::StrCat("year ", request.years(i), " is named twice")});
        } else {
          query.years.push_back(request.years(i));
        }
      }
    }
  } else if (range) {
    absl::Status from = ValidateYear(request.year_from(), "year_from");
    absl::Status to = ValidateYear(request.year_to(), "year_to");
    for (auto& v : FieldViolations(from)) violations.push_back(std::move(v));
    for (auto& v : FieldViolations(to)) violations.push_back(std::move(v));
    if (from.ok() && to.ok()) {
      if (request.year_to() < request.year_from()) {
        violations.push_back({"year_to", "is before year_from"});
      } else if (static_cast<size_t>(request.year_to() - request.year_from()) >=
                 kMaxExportYears) {
        violations.push_back({"year_to", absl::StrCat("the range spans more than ",
                                                      kMaxExportYears, " years")});
      } else {
        for (int y = request.year_from(); y <= request.year_to(); ++y) query.years.push_back(y);
      }
    }
  } else {
    violations.push_back({"years", "give the years to export (years, or year_from and year_to)"});
  }
  if (request.imdi_region() != v1::IMDI_REGION_UNSPECIFIED) {
    if (request.imdi_region() < v1::IMDI_REGION_OST || request.imdi_region() > v1::IMDI_REGION_NORD) {
      violations.push_back({"imdi_region", "unknown region value"});
    } else {
      query.region = static_cast<ImdiRegion>(request.imdi_region());
    }
  }
  if (static_cast<size_t>(request.municipality_codes_size()) > kMaxExportMunicipalities) {
    violations.push_back({"municipality_codes",
                          absl::StrCat("the request names ", request.municipality_codes_size(),
                                       " codes; at most ", kMaxExportMunicipalities)});
  } else {
    for (int i = 0; i < request.municipality_codes_size(); ++i) {
      absl::StatusOr<int> code = ParseMunicipalityCode(request.municipality_codes(i),
                                                       absl::StrCat("municipality_codes[", i, "]"));
      if (code.ok()) {
        query.municipality_codes.push_back(*code);
      } else if (violations.size() < kMaxViolationsReported) {
        for (auto& v : FieldViolations(code.status())) violations.push_back(std::move(v));
      }
    }
  }
  if (request.as_of_version() < 0) {
    violations.push_back({"as_of_version", "must not be negative"});
  }
  query.as_of = request.as_of_version();
  switch (request.language()) {
    case v1::EXPORT_LANGUAGE_UNSPECIFIED:
    case v1::EXPORT_LANGUAGE_NB:
      query.language = ExportLanguage::kNorwegian;
      break;
    case v1::EXPORT_LANGUAGE_EN:
      query.language = ExportLanguage::kEnglish;
      break;
    default:
      violations.push_back({"language", "unknown language value"});
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_FIELD", violations);
  return query;
}

namespace {

// Renders the export a chunk at a time on the reactor's thread, as
// StreamFigures reads its cursor: each step reads at most a few hundred
// records from the pinned view or the store.
class FiguresExporter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  FiguresExporter(grpc::CallbackServerContext* context, const StatsCore* core,
                  const CallPolicy& policy, const grpc::ByteBuffer& raw_request)
      : scope_(context, "ExportFigures", policy) {
    v1::ExportFiguresRequest request;
    absl::Status status = scope_.admission();
    if (status.ok()) status = ParseMessage(raw_request, request);
    absl::StatusOr<ExportQuery> query =
        status.ok() ? DecodeExportRequest(request) : absl::StatusOr<ExportQuery>(status);
    absl::StatusOr<std::unique_ptr<FiguresExport>> exporter =
        query.ok() ? FiguresExport::Start(*core, *std::move(query))
                   : absl::StatusOr<std::unique_ptr<FiguresExport>>(query.status());
    if (!exporter.ok()) {
      Finish(scope_.Finish(exporter.status()));
      return;
    }
    export_ = std::move(*exporter);
    NextWrite();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(scope_.Finish(absl::CancelledError("the client went away")));
      return;
    }
    if (finished_) {
      Finish(scope_.Finish(absl::OkStatus()));
      return;
    }
    NextWrite();
  }

  void OnDone() override { delete this; }

 private:
  void NextWrite() {
    // Render until a chunk is full or the export is complete.
    bool complete = false;
    while (pending_.size() < kExportChunkBytes) {
      absl::StatusOr<bool> more = export_->Next(kExportChunkBytes, pending_);
      if (!more.ok()) {
        // A broken export is never reported as complete.
        Finish(scope_.Finish(more.status()));
        return;
      }
      if (!*more) {
        complete = true;
        break;
      }
    }
    response_.Clear();
    response_.set_data_version(static_cast<int64_t>(export_->data_version()));
    const size_t take = std::min(pending_.size(), kExportChunkBytes);
    response_.set_data(pending_.substr(0, take));
    pending_.erase(0, take);
    if (complete && pending_.empty()) {
      const ExportCounts& counts = export_->counts();
      v1::ExportSummary* summary = response_.mutable_summary();
      summary->set_records(counts.records);
      summary->set_values(counts.values);
      summary->set_bytes(counts.bytes);
      summary->set_cells(counts.cells);
      finished_ = true;
    }
    if (absl::Status s = SerializeMessage(response_, &buffer_); !s.ok()) {
      Finish(scope_.Finish(s));
      return;
    }
    StartWrite(&buffer_);
  }

  RpcScope scope_;
  std::unique_ptr<FiguresExport> export_;
  std::string pending_;  // rendered, not yet sent
  v1::ExportFiguresResponse response_;
  grpc::ByteBuffer buffer_;
  bool finished_ = false;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* NewFiguresExporter(
    grpc::CallbackServerContext* context, const StatsCore* core, const CallPolicy& policy,
    const grpc::ByteBuffer& raw_request) {
  return new FiguresExporter(context, core, policy, raw_request);
}

}  // namespace imdi::stats
