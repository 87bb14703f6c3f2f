// The statistics service's request path without gRPC: serialized requests
// are parsed, decoded and validated by the transport's conversions
// (stats-service/service/api_convert.h, stats-service/domain/validation.h)
// and run against StatsCore on an in-memory store (tests/fakes) that holds a
// few real municipalities and figures, the way each handler of
// stats-service/service/stats_service.cc does; replies are encoded back.
//
// Input: frames of [request kind: 1 byte][length: 2 bytes, little-endian]
// [serialized request], run in order against one store (the last frame may
// be cut short). Kinds: see Kind below.
//
// Invariants: errors are the documented client errors (never INTERNAL or
// UNKNOWN); a refused write changes no data version, and versions never go
// back; what a write returns encodes to a message that decodes and
// validates again; listing pages follow their tokens without repeats to the
// end, and a stream returns the same records as the pages; an import
// accounts for every row.
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "imdi/stats/v1/stats.pb.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/domain/validation.h"
#include "stats-service/service/api_convert.h"
#include "tests/fakes/in_memory_stats_store.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/testing/municipalities.h"

namespace {

namespace api = ::imdi::stats::v1;
using imdi::stats::FiguresRecord;
using imdi::stats::Municipality;
using imdi::stats::StatsCore;
using imdi::stats::Subject;

enum Kind : uint8_t {
  kPutFigures,
  kUpsertMunicipality,
  kBatchUpsertMunicipalities,
  kImportFigures,
  kGetFigures,
  kBatchGetFigures,
  kListFigures,
  kListMunicipalities,
  kGetAggregate,
  kGetFiguresHistory,
  kStreamFigures,
  kGetMunicipality,
  kNumKinds,
};

constexpr int kMaxPages = 30;

std::unique_ptr<StatsCore> NewCore() {
  auto store = std::make_unique<imdi::stats::fakes::InMemoryStatsStore>(
      [] { return absl::FromUnixSeconds(1'700'000'000); });
  absl::StatusOr<std::unique_ptr<StatsCore>> core = StatsCore::Create(std::move(store));
  IMDI_FUZZ_CHECK(core.ok(), core.status().ToString());
  auto batch = (*core)->BatchUpsertMunicipalities(imdi::stats::examples::AllMunicipalities());
  IMDI_FUZZ_CHECK(batch.ok(), batch.status().ToString());
  // Figures for a renumbered municipality, a county and a region.
  const std::vector<std::tuple<Subject, int, int64_t>> seeds = {
      {Subject::Municipality(1601), 2016, 120},
      {Subject::Municipality(5001), 2018, 95},
      {Subject::Municipality(301), 2016, 1400},
      {Subject::County(16), 2016, 500},
      {Subject::Region(imdi::stats::ImdiRegion::kVest), 2017, 2000}};
  for (const auto& [subject, year, settled] : seeds) {
    FiguresRecord record;
    record.subject = subject;
    record.year = year;
    record.values[imdi::stats::Count::kRefugeesSettled] = settled;
    record.values[imdi::stats::Count::kRefugeesRequested] = settled + 10;
    auto put = (*core)->PutFigures(record, imdi::stats::FiguresMask::All(), "");
    IMDI_FUZZ_CHECK(put.ok(), put.status().ToString());
  }
  return *std::move(core);
}

void CheckError(const absl::Status& status, absl::string_view call) {
  if (status.ok()) return;
  const absl::StatusCode code = status.code();
  IMDI_FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
                      code == absl::StatusCode::kNotFound ||
                      code == absl::StatusCode::kFailedPrecondition ||
                      code == absl::StatusCode::kAborted || code == absl::StatusCode::kOutOfRange,
                  absl::StrCat(call, ": ", status.ToString()));
}

// GetFiguresHistory gives the revisions, or the first page of them where it
// pages (HistoryPage).
template <typename History>
const std::vector<FiguresRecord>& Revisions(const History& history) {
  if constexpr (requires { history.revisions; }) {
    return history.revisions;
  } else {
    return history;
  }
}

using RecordKey = std::tuple<Subject, int, int64_t>;  // subject, year, revision
RecordKey KeyOf(const FiguresRecord& r) { return {r.subject, r.year, r.revision}; }

class Session {
 public:
  Session() : core_(NewCore()) {}

  void Run(uint8_t kind, const std::string& bytes) {
    const uint64_t before = core_->data_version();
    absl::Status status;
    bool writes = false;
    switch (kind % kNumKinds) {
      case kPutFigures:
        status = PutFigures(bytes);
        writes = true;
        break;
      case kUpsertMunicipality:
        status = Upsert(bytes);
        writes = true;
        break;
      case kBatchUpsertMunicipalities:
        status = BatchUpsert(bytes);
        writes = true;
        break;
      case kImportFigures:
        status = Import(bytes);
        writes = true;
        break;
      case kGetFigures:
        status = GetFigures(bytes);
        break;
      case kBatchGetFigures:
        status = BatchGetFigures(bytes);
        break;
      case kListFigures:
        status = ListFigures(bytes);
        break;
      case kListMunicipalities:
        status = ListMunicipalities(bytes);
        break;
      case kGetAggregate:
        status = GetAggregate(bytes);
        break;
      case kGetFiguresHistory:
        status = GetFiguresHistory(bytes);
        break;
      case kStreamFigures:
        status = StreamFigures(bytes);
        break;
      case kGetMunicipality:
        status = GetMunicipality(bytes);
        break;
    }
    CheckError(status, absl::StrCat("request kind ", kind % kNumKinds));
    const uint64_t after = core_->data_version();
    IMDI_FUZZ_CHECK(after >= before, "the data version went back");
    IMDI_FUZZ_CHECK(
        status.ok() || after == before,
        absl::StrCat("a refused request changed the data version: ", status.ToString()));
    IMDI_FUZZ_CHECK(writes || after == before, "a read changed the data version");
  }

 private:
  template <typename M>
  static absl::StatusOr<M> Parse(const std::string& bytes) {
    M message;
    if (!message.ParseFromString(bytes)) {
      return absl::InvalidArgumentError("the request does not parse");
    }
    return message;
  }

  // What a written record looks like to the client, and back.
  void CheckFiguresReply(const FiguresRecord& record) {
    api::Figures out;
    imdi::stats::EncodeFigures(record, *core_->directory(), &out);
    absl::StatusOr<FiguresRecord> back = imdi::stats::DecodeFigures(out, "figures");
    IMDI_FUZZ_CHECK(back.ok(), absl::StrCat("a stored record's reply does not decode: ",
                                            back.status().ToString()));
    IMDI_FUZZ_CHECK(
        back->values == record.values && back->year == record.year && back->status == record.status,
        "a stored record's reply decodes to other figures");
  }

  void CheckMunicipalityReply(const Municipality& m) {
    api::Municipality out;
    imdi::stats::EncodeMunicipality(m, *core_->directory(), &out);
    absl::StatusOr<Municipality> back = imdi::stats::DecodeMunicipality(out, "municipality");
    IMDI_FUZZ_CHECK(back.ok(), absl::StrCat("a stored municipality's reply does not decode: ",
                                            back.status().ToString()));
    const auto problems = imdi::stats::CheckMunicipality(*back, "municipality");
    IMDI_FUZZ_CHECK(problems.empty(),
                    absl::StrCat("a stored municipality's reply fails validation: ",
                                 problems.front().field, " ", problems.front().description));
  }

  absl::Status PutFigures(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::PutFiguresRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(FiguresRecord record,
                          imdi::stats::DecodeFigures(request.figures(), "figures"));
    IMDI_ASSIGN_OR_RETURN(auto mask,
                          imdi::stats::DecodeFiguresMask(request.update_mask(), "update_mask"));
    IMDI_ASSIGN_OR_RETURN(StatsCore::PutResult result,
                          core_->PutFigures(std::move(record), mask, request.figures().etag()));
    CheckFiguresReply(result.record);
    auto read = core_->GetFigures(result.record.subject, result.record.year, 0);
    IMDI_FUZZ_CHECK(
        result.record.revision == 0 || (read.ok() && read->first.values == result.record.values),
        "a written record reads back different");
    return absl::OkStatus();
  }

  absl::Status Upsert(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::UpsertMunicipalityRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(Municipality m,
                          imdi::stats::DecodeMunicipality(request.municipality(), "municipality"));
    IMDI_ASSIGN_OR_RETURN(Municipality stored,
                          core_->UpsertMunicipality(std::move(m), request.municipality().etag()));
    CheckMunicipalityReply(stored);
    return absl::OkStatus();
  }

  absl::Status BatchUpsert(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::BatchUpsertMunicipalitiesRequest>(bytes));
    std::vector<Municipality> ms;
    std::vector<std::string> etags;
    for (int i = 0; i < request.municipalities_size(); ++i) {
      IMDI_ASSIGN_OR_RETURN(
          Municipality m, imdi::stats::DecodeMunicipality(request.municipalities(i),
                                                          absl::StrCat("municipalities[", i, "]")));
      ms.push_back(std::move(m));
      etags.push_back(request.municipalities(i).etag());
    }
    IMDI_ASSIGN_OR_RETURN(auto result, core_->BatchUpsertMunicipalities(std::move(ms), etags));
    for (const Municipality& m : result.municipalities) CheckMunicipalityReply(m);
    return absl::OkStatus();
  }

  absl::Status Import(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::ImportFiguresRequest>(bytes));
    // As FiguresImporter: a bad status or too many rows reject the message.
    if (request.status() < api::FIGURES_STATUS_UNSPECIFIED ||
        request.status() > api::FIGURES_STATUS_FINAL ||
        static_cast<size_t>(request.rows_size()) > imdi::stats::kMaxImportRowsPerMessage) {
      return absl::OkStatus();
    }
    std::vector<imdi::stats::ImportRowInput> rows;
    for (const api::ImportRow& row : request.rows()) {
      absl::StatusOr<FiguresRecord> record = imdi::stats::DecodeFigures(row.figures(), "");
      absl::StatusOr<imdi::stats::FiguresMask> absent =
          imdi::stats::DecodeAbsentFields(row.absent_fields(), "absent_fields");
      if (record.ok() && absent.ok()) rows.push_back({row.line(), *std::move(record), *absent});
    }
    const auto received = static_cast<int64_t>(rows.size());
    IMDI_ASSIGN_OR_RETURN(
        auto result, core_->ImportBatch(request.source(),
                                        static_cast<imdi::stats::FiguresStatus>(request.status()),
                                        std::move(rows)));
    IMDI_FUZZ_CHECK(
        result.rows_received == received &&
            result.rows_changed + result.rows_unchanged + result.rows_rejected == received,
        absl::StrCat(received, " rows: ", result.rows_changed, " changed, ", result.rows_unchanged,
                     " unchanged, ", result.rows_rejected, " rejected"));
    return absl::OkStatus();
  }

  absl::Status GetFigures(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::GetFiguresRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(
        Subject subject, imdi::stats::DecodeSubject(request.municipality_code(), request.has_area(),
                                                    request.area()));
    IMDI_ASSIGN_OR_RETURN(auto read,
                          core_->GetFigures(subject, request.year(), request.as_of_version()));
    IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(read.second));
    api::Figures out;
    imdi::stats::EncodeFigures(read.first, *directory, &out);
    return absl::OkStatus();
  }

  absl::Status BatchGetFigures(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::BatchGetFiguresRequest>(bytes));
    std::vector<std::pair<int, int>> keys;
    for (int i = 0; i < request.keys_size(); ++i) {
      IMDI_ASSIGN_OR_RETURN(int code, imdi::stats::ParseMunicipalityCode(
                                          request.keys(i).municipality_code(), "code"));
      IMDI_RETURN_IF_ERROR(imdi::stats::ValidateYear(request.keys(i).year(), "year"));
      keys.emplace_back(code, request.keys(i).year());
    }
    IMDI_ASSIGN_OR_RETURN(
        auto read, core_->BatchGetFigures(keys, request.as_of_version(), request.allow_missing()));
    IMDI_FUZZ_CHECK(read.first.size() == keys.size(), "BatchGetFigures lost keys");
    return absl::OkStatus();
  }

  // Every page of a listing, following the tokens.
  absl::StatusOr<std::vector<FiguresRecord>> AllPages(imdi::stats::ListQuery query) {
    std::vector<FiguresRecord> all;
    std::set<RecordKey> seen;
    for (int page = 0; page < kMaxPages; ++page) {
      absl::StatusOr<imdi::stats::FiguresPage> result = core_->ListFigures(query);
      if (page > 0) {
        IMDI_FUZZ_CHECK(
            result.ok(),
            absl::StrCat("page ", page, " refuses its own token: ", result.status().ToString()));
      }
      if (!result.ok()) return result.status();
      for (FiguresRecord& r : result->records) {
        IMDI_FUZZ_CHECK(seen.insert(KeyOf(r)).second, "a record listed twice");
        all.push_back(std::move(r));
      }
      if (result->next_page_token.empty()) return all;
      query.page_token = result->next_page_token;
    }
    return all;  // long listings: enough pages followed
  }

  absl::Status ListFigures(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::ListFiguresRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(auto records, AllPages({request.filter(), request.page_size(),
                                                  request.page_token(), request.as_of_version()}));
    (void)records;
    return absl::OkStatus();
  }

  absl::Status ListMunicipalities(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::ListMunicipalitiesRequest>(bytes));
    imdi::stats::ListQuery query{request.filter(), request.page_size(), request.page_token(),
                                 request.as_of_version()};
    std::set<int> seen;
    for (int page = 0; page < kMaxPages; ++page) {
      absl::StatusOr<imdi::stats::MunicipalityPage> result = core_->ListMunicipalities(query);
      if (page > 0) {
        IMDI_FUZZ_CHECK(
            result.ok(),
            absl::StrCat("page ", page, " refuses its own token: ", result.status().ToString()));
      }
      if (!result.ok()) return result.status();
      IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(result->data_version));
      for (const Municipality& m : result->municipalities) {
        IMDI_FUZZ_CHECK(seen.insert(m.id).second, "a municipality listed twice");
        api::Municipality out;
        imdi::stats::EncodeMunicipality(m, *directory, &out);
      }
      if (result->next_page_token.empty()) break;
      query.page_token = result->next_page_token;
    }
    return absl::OkStatus();
  }

  absl::Status GetAggregate(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::GetAggregateRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(Subject area, imdi::stats::DecodeArea(request.area(), "area"));
    IMDI_ASSIGN_OR_RETURN(auto read,
                          core_->GetAggregate(area, request.year(), request.as_of_version()));
    api::GetAggregateResponse out;
    imdi::stats::EncodeAggregate(read, &out);
    return absl::OkStatus();
  }

  absl::Status GetFiguresHistory(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::GetFiguresHistoryRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(
        Subject subject, imdi::stats::DecodeSubject(request.municipality_code(), request.has_area(),
                                                    request.area()));
    IMDI_ASSIGN_OR_RETURN(auto history, core_->GetFiguresHistory(subject, request.year()));
    const std::vector<FiguresRecord>& revisions = Revisions(history);
    for (size_t i = 1; i < revisions.size(); ++i) {
      IMDI_FUZZ_CHECK(revisions[i - 1].revision < revisions[i].revision,
                      "history not oldest first");
    }
    return absl::OkStatus();
  }

  absl::Status StreamFigures(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::StreamFiguresRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(auto cursor,
                          core_->StreamFigures(request.filter(), request.as_of_version()));
    std::vector<FiguresRecord> streamed, chunk;
    for (int i = 0; i < 1000; ++i) {
      IMDI_ASSIGN_OR_RETURN(bool more, cursor->Next(3, chunk));
      if (!more) break;
      for (FiguresRecord& r : chunk) {
        api::Figures out;
        imdi::stats::EncodeFigures(r, cursor->directory(), &out);
        streamed.push_back(std::move(r));
      }
    }
    // The same records as the pages of a listing at the stream's version.
    absl::StatusOr<std::vector<FiguresRecord>> listed =
        AllPages({request.filter(), 1000, "", static_cast<int64_t>(cursor->data_version())});
    IMDI_FUZZ_CHECK(listed.ok(), listed.status().ToString());
    std::set<RecordKey> a, b;
    for (const auto& r : streamed) {
      IMDI_FUZZ_CHECK(a.insert(KeyOf(r)).second, "a record streamed twice");
    }
    for (const auto& r : *listed) b.insert(KeyOf(r));
    IMDI_FUZZ_CHECK(a == b,
                    absl::StrCat("the stream has ", a.size(), " records, the pages ", b.size()));
    return absl::OkStatus();
  }

  absl::Status GetMunicipality(const std::string& bytes) {
    IMDI_ASSIGN_OR_RETURN(auto request, Parse<api::GetMunicipalityRequest>(bytes));
    IMDI_ASSIGN_OR_RETURN(int code, imdi::stats::ParseMunicipalityCode(request.code(), "code"));
    IMDI_ASSIGN_OR_RETURN(auto read, core_->GetMunicipality(code, request.as_of_version()));
    IMDI_ASSIGN_OR_RETURN(auto directory, core_->DirectoryAt(read.second));
    api::Municipality out;
    imdi::stats::EncodeMunicipality(read.first, *directory, &out);
    return absl::OkStatus();
  }

  std::unique_ptr<StatsCore> core_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Session session;
  size_t pos = 0;
  for (int frame = 0; frame < 16 && pos < size; ++frame) {
    const uint8_t kind = data[pos++];
    size_t length = 0;
    if (pos < size) length = data[pos++];
    if (pos < size) length |= static_cast<size_t>(data[pos++]) << 8;
    length = std::min(length, size - pos);
    session.Run(kind, imdi::fuzz::AsText(data + pos, length));
    pos += length;
  }
  return 0;
}
