// The statistics service's commands: figures, municipalities, data version.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <memory>
#include <variant>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "tools/imdictl/bundled_data.h"
#include "tools/imdictl/client.h"
#include "tools/imdictl/commands.h"
#include "tools/imdictl/exit_codes.h"
#include "tools/imdictl/flags.h"
#include "tools/imdictl/import_pipeline.h"
#include "tools/imdictl/inputs.h"
#include "tools/imdictl/known_dates.h"
#include "tools/imdictl/output.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"
#include "tools/import/import_summary.h"
#include "tools/import/municipality_source.h"

namespace imdi::imdictl {
namespace {

namespace api = ::imdi::stats::v1;
using imdi::import::ParsedFile;

// ImportFigures messages made ahead of the one on the wire, at most: enough
// to keep the stream busy, few enough to bound the memory (each at most
// --batch rows and 1 MiB).
constexpr size_t kQueuedImportMessages = 4;

int Usage(absl::string_view message) {
  std::cerr << "imdictl: " << message << "\n";
  return kExitUsage;
}

// CODE YEAR from the arguments.
bool CodeAndYear(const Args& args, std::string& code, int& year) {
  return args.size() == 2 && !args[0].empty() && absl::SimpleAtoi(args[1], &year) && year >= 1900 &&
         year <= 2200 && (code = args[0], true);
}

// The figures set on a record, as (field, value) pairs in the API's order.
std::vector<std::pair<std::string, std::string>> FigureValues(const api::Figures& f) {
  std::vector<std::pair<std::string, std::string>> out;
  const google::protobuf::Descriptor* d = f.GetDescriptor();
  const google::protobuf::Reflection* r = f.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = d->field(i);
    if (!field->has_presence() || field->number() < 10 || field->number() >= 30) continue;
    if (!r->HasField(f, field)) continue;
    std::string value = field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE
                            ? absl::StrFormat("%.1f %%", r->GetDouble(f, field))
                            : absl::StrCat(r->GetInt32(f, field));
    out.emplace_back(field->name(), value);
  }
  return out;
}

std::string FiguresStatusName(api::FiguresStatus status) {
  switch (status) {
    case api::FIGURES_STATUS_FINAL:
      return "final";
    case api::FIGURES_STATUS_PRELIMINARY:
      return "preliminary";
    default:
      return "-";
  }
}

void PrintFigures(const api::Figures& f) {
  std::cout << f.municipality_name() << " (" << f.municipality_code();
  if (!f.code_at_the_time().empty() && f.code_at_the_time() != f.municipality_code()) {
    std::cout << ", " << f.code_at_the_time() << " in " << f.year();
  }
  std::cout << "), " << f.year() << ": revision " << f.revision() << ", data version "
            << f.data_version() << ", " << FiguresStatusName(f.status()) << ", written "
            << FormatTime(f.update_time());
  if (!f.known_date().empty()) std::cout << ", known " << f.known_date();
  std::cout << "\n";
  if (f.field_sources().empty()) {
    Table table({"figure", "value"});
    for (auto& [name, value] : FigureValues(f)) table.Add({name, value});
    std::cout << table.Render();
  } else {
    Table table({"figure", "value", "source", "line", "data version", "known"});
    for (auto& [name, value] : FigureValues(f)) {
      auto it = f.field_sources().find(name);
      if (it == f.field_sources().end()) {
        table.Add({name, value, "-", "-", "-", "-"});
        continue;
      }
      const api::FieldSource& s = it->second;
      table.Add({name, value, s.source(), s.line() > 0 ? absl::StrCat(s.line()) : "-",
                 absl::StrCat(s.data_version()), s.known_date()});
    }
    std::cout << table.Render();
  }
  if (!f.source().empty()) std::cout << "source: " << f.source() << "\n";
  if (!f.note().empty()) std::cout << "note: " << f.note() << "\n";
}

}  // namespace

int FiguresGet(Client& client, const Args& args) {
  api::GetFiguresRequest request;
  int year = 0;
  std::string code;
  if (!CodeAndYear(args, code, year)) return Usage("figures get takes CODE YEAR");
  request.set_municipality_code(code);
  request.set_year(year);
  request.set_as_of_version(absl::GetFlag(FLAGS_as_of_version));
  request.set_as_of_known_date(absl::GetFlag(FLAGS_as_of_known_date));
  request.set_include_field_sources(absl::GetFlag(FLAGS_sources));
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::GetFiguresResponse response;
  if (int rc = client.Call(stub, &api::StatsService::Stub::GetFigures, "GetFigures", request,
                           response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    PrintFigures(response.figures());
  }
  return kExitOk;
}

int FiguresHistory(Client& client, const Args& args) {
  api::GetFiguresHistoryRequest request;
  int year = 0;
  std::string code;
  if (!CodeAndYear(args, code, year)) return Usage("figures history takes CODE YEAR");
  request.set_municipality_code(code);
  request.set_year(year);
  request.set_page_size(1000);
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::GetFiguresHistoryResponse all;
  if (int rc = ReadPages<api::GetFiguresHistoryResponse>(
          request,
          [&](const auto& r, auto& page) {
            return client.Call(stub, &api::StatsService::Stub::GetFiguresHistory,
                               "GetFiguresHistory", r, page);
          },
          [&](auto& page) {
            for (auto& r : *page.mutable_revisions()) *all.add_revisions() = std::move(r);
          })) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"revision", "data version", "written", "known", "status", "source", "figures"});
  for (const api::Figures& f : all.revisions()) {
    std::vector<std::string> values;
    for (auto& [name, value] : FigureValues(f)) values.push_back(absl::StrCat(name, "=", value));
    table.Add({absl::StrCat(f.revision()), absl::StrCat(f.data_version()),
               FormatTime(f.update_time()), f.known_date().empty() ? "-" : f.known_date(),
               FiguresStatusName(f.status()), f.source(),
               absl::StrJoin(values, " ")});
  }
  std::cout << table.Render();
  return kExitOk;
}

namespace {

// "2015", "2015,2016" or "2012-2017" into the request.
bool ParseYears(absl::string_view text, api::ExportFiguresRequest& request) {
  if (std::vector<absl::string_view> range = absl::StrSplit(text, '-'); range.size() == 2) {
    int from = 0, to = 0;
    if (!absl::SimpleAtoi(range[0], &from) || !absl::SimpleAtoi(range[1], &to)) return false;
    request.set_year_from(from);
    request.set_year_to(to);
    return true;
  }
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int year = 0;
    if (!absl::SimpleAtoi(part, &year)) return false;
    request.add_years(year);
  }
  return true;
}

// figures export --format=...: the service renders, imdictl copies the
// bytes to the output and reports the summary on stderr.
int FiguresExportRendered(Client& client, api::StatsService::Stub* stub) {
  api::ExportFiguresRequest request;
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "csv") {
    request.set_format(api::EXPORT_FORMAT_CSV);
  } else if (format == "jsonstat" || format == "json-stat") {
    request.set_format(api::EXPORT_FORMAT_JSON_STAT);
  } else {
    return Usage(absl::StrCat("--format: \"", format, "\" is not csv or jsonstat"));
  }
  if (!absl::GetFlag(FLAGS_filter).empty() || !absl::GetFlag(FLAGS_as_of_known_date).empty()) {
    return Usage("--format exports take --year, --region and --municipalities, not --filter or "
                 "--as_of_known_date");
  }
  if (!ParseYears(absl::GetFlag(FLAGS_year), request)) {
    return Usage("--year: give years as 2015, 2015,2016 or 2012-2017");
  }
  if (const std::string region = absl::GetFlag(FLAGS_region); !region.empty()) {
    std::optional<api::ImdiRegion> parsed = ParseRegion(region);
    if (!parsed) return Usage(absl::StrCat("--region: unknown IMDi region \"", region, "\""));
    request.set_imdi_region(*parsed);
  }
  for (absl::string_view code :
       absl::StrSplit(absl::GetFlag(FLAGS_municipalities), ',', absl::SkipEmpty())) {
    request.add_municipality_codes(std::string(code));
  }
  const std::string language = absl::GetFlag(FLAGS_language);
  if (language == "nb" || language == "no") {
    request.set_language(api::EXPORT_LANGUAGE_NB);
  } else if (language == "en") {
    request.set_language(api::EXPORT_LANGUAGE_EN);
  } else {
    return Usage("--language: nb or en");
  }
  request.set_as_of_version(absl::GetFlag(FLAGS_as_of_version));
  // A file is written beside its name and renamed when complete, so that a
  // broken export never leaves a file that looks whole.
  const std::string out_path = absl::GetFlag(FLAGS_out);
  const std::string partial = out_path + ".partial";
  std::ofstream file;
  if (!out_path.empty()) {
    file.open(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "imdictl: cannot write " << partial << "\n";
      return kExitFile;
    }
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  grpc::ClientContext context;
  client.Prepare(context);
  std::unique_ptr<grpc::ClientReader<api::ExportFiguresResponse>> reader(
      stub->ExportFigures(&context, request));
  api::ExportFiguresResponse chunk;
  std::optional<api::ExportSummary> summary;
  int64_t version = 0, bytes = 0;
  while (reader->Read(&chunk)) {
    out.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    bytes += static_cast<int64_t>(chunk.data().size());
    version = chunk.data_version();
    if (chunk.has_summary()) summary = chunk.summary();
  }
  const grpc::Status status = reader->Finish();
  out.flush();
  const bool written = static_cast<bool>(out);
  if (!status.ok() || !summary || !written) {
    if (!out_path.empty()) {
      file.close();
      std::filesystem::remove(partial);
    }
    if (!status.ok()) {
      std::cerr << FormatRpcError(absl::StrCat("ExportFigures (after ", bytes, " bytes)"), status);
      return ExitCodeFor(status);
    }
    std::cerr << "imdictl: the export "
              << (written ? "ended without its summary" : "could not be written") << "\n";
    return written ? kExitRpc : kExitFile;
  }
  if (!out_path.empty()) {
    file.close();
    std::error_code error;
    std::filesystem::rename(partial, out_path, error);
    if (error) {
      std::cerr << "imdictl: cannot rename " << partial << " to " << out_path << "\n";
      return kExitFile;
    }
  }
  std::cerr << "imdictl: exported " << summary->records() << " records, " << summary->values()
            << " values, " << summary->bytes() << " bytes at data version " << version << "\n";
  return kExitOk;
}

}  // namespace

int FiguresExport(Client& client, const Args& args) {
  if (!args.empty()) return Usage("figures export takes no arguments; see --filter");
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  if (!absl::GetFlag(FLAGS_format).empty()) return FiguresExportRendered(client, stub);
  api::StreamFiguresRequest request;
  request.set_filter(absl::GetFlag(FLAGS_filter));
  request.set_as_of_version(absl::GetFlag(FLAGS_as_of_version));
  request.set_as_of_known_date(absl::GetFlag(FLAGS_as_of_known_date));
  grpc::ClientContext context;
  client.Prepare(context);
  std::unique_ptr<grpc::ClientReader<api::StreamFiguresResponse>> reader(
      stub->StreamFigures(&context, request));
  api::StreamFiguresResponse chunk;
  // CSV: the figure fields of the API, in its order.
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  const google::protobuf::Descriptor* d = api::Figures::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->has_presence() && d->field(i)->number() >= 10 && d->field(i)->number() < 30) {
      fields.push_back(d->field(i));
    }
  }
  if (!client.json()) {
    std::cout << "municipality_code,municipality_name,year";
    for (const auto* f : fields) std::cout << "," << f->name();
    std::cout << ",status,data_version\n";
  }
  int64_t records = 0;
  while (reader->Read(&chunk)) {
    if (client.json()) {
      std::cout << ToJson(chunk) << "\n";
      records += chunk.figures_size();
      continue;
    }
    for (const api::Figures& f : chunk.figures()) {
      ++records;
      std::cout << f.municipality_code() << ",\"" << f.municipality_name() << "\"," << f.year();
      const google::protobuf::Reflection* r = f.GetReflection();
      for (const auto* field : fields) {
        std::cout << ",";
        if (!r->HasField(f, field)) continue;
        if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE) {
          std::cout << r->GetDouble(f, field);
        } else {
          std::cout << r->GetInt32(f, field);
        }
      }
      std::cout << "," << FiguresStatusName(f.status()) << "," << f.data_version() << "\n";
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    std::cerr << FormatRpcError(absl::StrCat("StreamFigures (after ", records, " records)"),
                                status);
    return ExitCodeFor(status);
  }
  std::cerr << "imdictl: " << records << " records exported\n";
  return kExitOk;
}

int FiguresWatch(Client& client, const Args& args) {
  if (!args.empty()) return Usage("figures watch takes no arguments; see --since and --filter");
  const int64_t count = absl::GetFlag(FLAGS_count);
  const int64_t until = absl::GetFlag(FLAGS_until_version);
  if (count < 0 || until < 0) return Usage("--count and --until_version may not be negative");
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::WatchFiguresRequest request;
  request.set_since_data_version(absl::GetFlag(FLAGS_since));
  request.set_filter(absl::GetFlag(FLAGS_filter));
  grpc::ClientContext context;
  client.Prepare(context);
  // A watch has no deadline of its own: it runs until stopped.
  context.set_deadline(std::chrono::system_clock::time_point::max());
  std::unique_ptr<grpc::ClientReader<api::WatchFiguresResponse>> reader(
      stub->WatchFigures(&context, request));
  api::WatchFiguresResponse message;
  int64_t changes = 0;
  int64_t resume_from = request.since_data_version();
  bool live = false;
  bool done = until > 0 && until <= resume_from;
  while (!done && reader->Read(&message)) {
    if (client.json()) {
      std::cout << ToJson(message) << std::endl;
    }
    int64_t complete = message.data_version();
    for (const api::Figures& f : message.changes()) {
      if (count > 0 && changes >= count) {
        // Stopped inside the message: what was printed whole ends before
        // this change's commit.
        complete = std::min(complete, f.data_version() - 1);
        break;
      }
      ++changes;
      if (client.json()) continue;
      std::string subject = f.municipality_code();
      if (subject.empty()) {
        subject = f.area().kind() == api::AREA_KIND_COUNTRY ? "country"
                  : f.area().kind() == api::AREA_KIND_COUNTY
                      ? absl::StrCat("county:", f.area().county_code())
                      : absl::StrCat("region:", api::ImdiRegion_Name(f.area().imdi_region()));
      }
      std::vector<std::string> values;
      for (auto& [name, value] : FigureValues(f)) values.push_back(absl::StrCat(name, "=", value));
      std::cout << "v" << f.data_version() << " " << subject << " " << f.year() << " rev "
                << f.revision() << " known " << (f.known_date().empty() ? "-" : f.known_date())
                << " " << FiguresStatusName(f.status()) << " " << absl::StrJoin(values, " ")
                << std::endl;
    }
    resume_from = std::max(resume_from, complete);
    if (message.live() && !live) {
      live = true;
      if (!client.json()) std::cout << "live at data version " << resume_from << std::endl;
    }
    if ((count > 0 && changes >= count) || (until > 0 && resume_from >= until)) done = true;
  }
  if (done) {
    context.TryCancel();
    reader->Finish();
    std::cerr << "imdictl: " << changes << " changes; resume with --since=" << resume_from
              << "\n";
    return kExitOk;
  }
  const grpc::Status status = reader->Finish();
  std::cerr << FormatRpcError(absl::StrCat("WatchFigures (after ", changes,
                                           " changes; resume with --since=", resume_from, ")"),
                              status);
  return ExitCodeFor(status);
}

int MunicipalitiesGet(Client& client, const Args& args) {
  if (args.size() != 1) return Usage("municipalities get takes CODE");
  api::GetMunicipalityRequest request;
  request.set_code(args[0]);
  request.set_as_of_version(absl::GetFlag(FLAGS_as_of_version));
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::GetMunicipalityResponse response;
  if (int rc = client.Call(stub, &api::StatsService::Stub::GetMunicipality, "GetMunicipality",
                           request, response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  const api::Municipality& m = response.municipality();
  std::cout << m.name() << " (" << m.code() << "), " << m.county_name() << " (" << m.county_code()
            << "), " << RegionName(m.imdi_region()) << "\n";
  Table history({"code", "name", "from", "to"});
  for (const api::MunicipalityCode& c : m.code_history()) {
    history.Add({c.code(), c.name(),
                 c.has_valid_from_year() ? absl::StrCat(c.valid_from_year()) : "",
                 c.has_valid_to_year() ? absl::StrCat(c.valid_to_year()) : ""});
  }
  std::cout << history.Render();
  for (const api::MunicipalityRef& p : m.predecessors()) {
    std::cout << "predecessor: " << p.name() << " (" << p.code() << ")\n";
  }
  if (!m.successor().code().empty()) {
    std::cout << "successor: " << m.successor().name() << " (" << m.successor().code() << ")\n";
  }
  return kExitOk;
}

int MunicipalitiesList(Client& client, const Args& args) {
  if (!args.empty()) return Usage("municipalities list takes no arguments; see --filter");
  api::ListMunicipalitiesRequest request;
  request.set_filter(absl::GetFlag(FLAGS_filter));
  request.set_as_of_version(absl::GetFlag(FLAGS_as_of_version));
  request.set_page_size(1000);
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::ListMunicipalitiesResponse all;
  if (int rc = ReadPages<api::ListMunicipalitiesResponse>(
          request,
          [&](const auto& r, auto& page) {
            return client.Call(stub, &api::StatsService::Stub::ListMunicipalities,
                               "ListMunicipalities", r, page);
          },
          [&](auto& page) {
            for (auto& m : *page.mutable_municipalities()) *all.add_municipalities() = std::move(m);
            all.set_data_version(page.data_version());
          })) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"code", "name", "county", "region"});
  for (const api::Municipality& m : all.municipalities()) {
    table.Add({m.code(), m.name(), m.county_name(), RegionName(m.imdi_region())});
  }
  std::cout << table.Render() << all.municipalities_size() << " municipalities, data version "
            << all.data_version() << "\n";
  return kExitOk;
}

namespace {

// --klass or --regions, else `relative` in the bundled data.
absl::StatusOr<std::string> MunicipalityFile(const absl::Flag<std::string>& flag,
                                             absl::string_view relative) {
  std::string path = absl::GetFlag(flag);
  if (!path.empty()) return path;
  return BundledDataFile(absl::GetFlag(FLAGS_data_root), relative);
}

}  // namespace

int MunicipalitiesLoad(Client& client, const Args& args) {
  if (!args.empty()) return Usage("municipalities load takes no arguments; see --klass, --regions");
  absl::StatusOr<std::string> klass = MunicipalityFile(FLAGS_klass, "klass/kommuner-1994-2024.csv");
  absl::StatusOr<std::string> regions = MunicipalityFile(FLAGS_regions, "regions/kommuner.json");
  for (const absl::StatusOr<std::string>* file : {&klass, &regions}) {
    if (!file->ok()) {
      std::cerr << "imdictl: " << file->status().message() << "\n";
      return kExitFile;
    }
  }
  auto source = imdi::import::LoadMunicipalities(*klass, *regions);
  if (!source.ok()) {
    std::cerr << "imdictl: " << source.status().message() << "\n";
    return kExitFile;
  }
  for (const std::string& warning : source->warnings) std::cerr << "note: " << warning << "\n";
  auto request = imdi::import::MunicipalitiesRequest(*source);
  if (!request.ok()) {
    std::cerr << "imdictl: " << request.status().message() << "\n";
    return kExitFile;
  }
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::BatchUpsertMunicipalitiesResponse response;
  if (int rc = client.Call(stub, &api::StatsService::Stub::BatchUpsertMunicipalities,
                           "BatchUpsertMunicipalities", *request, response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << absl::StrFormat("municipalities: %d sent, %d changed, data version %d\n",
                                 request->municipalities_size(), response.changed_count(),
                                 response.data_version());
  }
  return kExitOk;
}

namespace {

bool ParseStatus(absl::string_view text, api::FiguresStatus& status) {
  if (text == "final") {
    status = api::FIGURES_STATUS_FINAL;
  } else if (text == "preliminary") {
    status = api::FIGURES_STATUS_PRELIMINARY;
  } else if (text == "unspecified") {
    status = api::FIGURES_STATUS_UNSPECIFIED;
  } else {
    return false;
  }
  return true;
}

void PrintParseSummary(const std::string& name, const ParsedFile& parsed,
                       const std::string& known_date) {
  std::cerr << absl::StrFormat("%s: %s, %d rows -> %d records", name,
                               imdi::import::DescribeKind(parsed.kind), parsed.rows,
                               parsed.records.size());
  if (!known_date.empty()) std::cerr << ", known " << known_date;
  for (const auto& [reason, count] : parsed.skipped) {
    std::cerr << absl::StrFormat("\n  skipped %d: %s", count, reason);
  }
  std::cerr << "\n";
}

// Streams one parsed file, its messages as `pipeline` makes them, and
// prints its summary. Returns the rows and records rejected, or -1 (with
// `exit_code` set) when the call failed or did not deliver every record.
// `start` is when the file's turn began: its parse, or the end of the file
// before when the parse overlapped it.
int64_t ImportFile(Client& client, api::StatsService::Stub& stub, ImportPipeline& pipeline,
                   const std::string& path, const ParsedFile& parsed, absl::Time start,
                   int& exit_code) {
  const std::string name = std::filesystem::path(path).filename().string();
  grpc::ClientContext context;
  client.Prepare(context);
  api::ImportFiguresResponse response;
  std::unique_ptr<grpc::ClientWriter<api::ImportFiguresRequest>> writer(
      stub.ImportFigures(&context, &response));

  absl::Time last_report = start;
  size_t sent = 0;
  bool writing = true;
  ImportPipeline::Item item;
  // The file's messages up to its FileDone, or until the service ends the
  // call (Finish then says why; the rest is not made: the import stops).
  while (writing && pipeline.Next(item)) {
    auto* message = std::get_if<ImportPipeline::Message>(&item);
    if (message == nullptr) break;  // FileDone
    const api::ImportFiguresRequest& request = message->request;
    if (!writer->Write(request)) break;
    sent += request.rows_size();
    const absl::Time now = absl::Now();
    if (now - last_report > absl::Milliseconds(500) || sent == parsed.records.size()) {
      const double seconds = std::max(1e-6, absl::ToDoubleSeconds(now - start));
      // Rows done: the file rows up to the last record sent.
      const int64_t rows_done = sent == parsed.records.size()
                                    ? parsed.rows
                                    : request.rows(request.rows_size() - 1).line() - 1;
      std::cerr << absl::StrFormat("%s: %d/%d rows, %d/%d records sent, %.0f rows/s\n", name,
                                   rows_done, parsed.rows, sent, parsed.records.size(),
                                   static_cast<double>(rows_done) / seconds);
      last_report = now;
    }
  }
  writer->WritesDone();
  const grpc::Status finished = writer->Finish();
  if (!finished.ok()) {
    std::cerr << FormatRpcError(absl::StrCat("ImportFigures of ", path), finished);
    exit_code = ExitCodeFor(finished);
    return -1;
  }
  // A stream that lost messages must not pass for a complete import.
  if (sent != parsed.records.size() ||
      response.rows_received() != static_cast<int64_t>(parsed.records.size())) {
    std::cerr << absl::StrFormat(
        "imdictl: ImportFigures of %s is incomplete: %d records parsed, %d sent, %d received "
        "by the service (data version %d); import the file again\n",
        path, parsed.records.size(), sent, response.rows_received(), response.data_version());
    exit_code = kExitRpc;
    return -1;
  }
  const double seconds = std::max(1e-6, absl::ToDoubleSeconds(absl::Now() - start));
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << imdi::import::ImportSummary(name, parsed, response,
                                             static_cast<double>(parsed.rows) / seconds)
              << "\n";
  }
  const std::vector<std::string> mismatches = imdi::import::ImportCountMismatches(parsed, response);
  for (const std::string& mismatch : mismatches) {
    std::cerr << "imdictl: " << name << ": counts do not add up: " << mismatch << "\n";
  }
  if (!mismatches.empty()) {
    // The service did not account for every record sent: not a success.
    exit_code = kExitRpc;
    return -1;
  }
  const int64_t rejected = imdi::import::ImportRejections(parsed, response);
  const int64_t shown_limit = absl::GetFlag(FLAGS_max_errors);
  int64_t shown = 0;
  const int64_t listed = static_cast<int64_t>(parsed.rejected.size()) + response.errors_size();
  std::ostream& out = client.json() ? std::cerr : std::cout;
  for (const imdi::import::RowProblem& problem : parsed.rejected) {
    if (shown++ >= shown_limit) break;
    out << absl::StrFormat("  %s:%d: %s\n", name, problem.line, problem.reason);
  }
  for (const api::ImportRowError& error : response.errors()) {
    if (shown++ >= shown_limit) break;
    out << absl::StrFormat("  %s:%d: %s%s%s\n", name, error.line(), error.field(),
                           error.field().empty() ? "" : ": ", error.reason());
  }
  if (listed > shown_limit) {
    out << absl::StrFormat("  ... and %d more problems (--max_errors)\n", listed - shown_limit);
  }
  return rejected;
}

}  // namespace

int FiguresImport(Client& client, const Args& files) {
  if (files.empty()) return Usage("figures import: name at least one file");
  if (absl::GetFlag(FLAGS_batch) < 1 || absl::GetFlag(FLAGS_batch) > 5000) {
    return Usage("--batch must be 1 to 5000");
  }
  api::FiguresStatus status;
  if (!ParseStatus(absl::GetFlag(FLAGS_status), status)) {
    return Usage("--status must be final, preliminary or unspecified");
  }
  const absl::StatusOr<std::vector<std::string>> known_dates =
      KnownDates(files, absl::GetFlag(FLAGS_known_date), absl::GetFlag(FLAGS_known_date_from_name));
  if (!known_dates.ok()) return Usage(known_dates.status().message());
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  // The files are parsed, and their messages made, on the pipeline's thread
  // while this one streams the messages before them, file after file.
  ImportPipeline pipeline({.paths = files,
                           .known_dates = *known_dates,
                           .status = status,
                           .batch = static_cast<size_t>(absl::GetFlag(FLAGS_batch)),
                           .queued_messages = kQueuedImportMessages});
  int64_t rejected = 0;
  absl::Time previous_done = absl::InfinitePast();
  ImportPipeline::Item item;
  while (pipeline.Next(item)) {
    // After a file's FileDone (ImportFile takes it), the next item is the
    // next file's parse.
    auto& file = std::get<ImportPipeline::FileParsed>(item);
    const std::string& path = files[file.index];
    if (!file.parsed.ok()) {
      std::cerr << "imdictl: " << path << ": " << file.parsed.status().message() << "\n";
      return kExitFile;
    }
    const std::shared_ptr<const ParsedFile> parsed = *file.parsed;
    const absl::Time start = std::max(file.parse_start, previous_done);
    PrintParseSummary(std::filesystem::path(path).filename().string(), *parsed,
                      (*known_dates)[file.index]);
    int exit_code = kExitOk;
    const int64_t file_rejected =
        ImportFile(client, *stub, pipeline, path, *parsed, start, exit_code);
    if (file_rejected < 0) return exit_code;
    rejected += file_rejected;
    previous_done = absl::Now();
  }
  return rejected > 0 ? kExitRejected : kExitOk;
}

int DataVersion(Client& client, const Args& args) {
  if (!args.empty()) return Usage("data-version takes no arguments");
  api::StatsService::Stub* stub = client.Stats();
  if (stub == nullptr) return kExitFile;
  api::GetDataVersionResponse response;
  if (int rc = client.Call(stub, &api::StatsService::Stub::GetDataVersion, "GetDataVersion",
                           api::GetDataVersionRequest(), response)) {
    return rc;
  }
  if (client.json()) {
    std::cout << ToJson(response) << "\n";
  } else {
    std::cout << response.data_version() << "\n";
  }
  return kExitOk;
}

}  // namespace imdi::imdictl
