// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/)
// from the bundled data (a few rows of each file) and from the project's own
// encoders (requests, page tokens, keys, stored values), in the layout each
// target reads. Run once when a target's input format changes:
//
//   scripts/fuzz.sh --seeds
//
// (award_decision's seeds are inputs a short fuzzing run found, kept by
// libFuzzer's -merge; the script does that too.)
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "award-service/storage/award_keys.h"
#include "common/big_endian.h"
#include "google/protobuf/text_format.h"
#include "imdi/award/v1/award.pb.h"
#include "imdi/stats/v1/stats.pb.h"
#include "stats-service/domain/page_token.h"
#include "tests/fuzz/award_requests_input.h"
#include "stats-service/storage/key_codec.h"
#include "stats-service/storage/record_codec.h"
#include "tests/testing/municipalities.h"
#include "tools/award/award_files.h"

namespace {

namespace fs = std::filesystem;
namespace api = ::imdi::stats::v1;
using imdi::stats::Subject;

fs::path g_out;
fs::path g_data;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(1);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const fs::path& path) {
  std::vector<std::string> out;
  std::istringstream in(Read(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The header, the first `first` data lines, and up to `max` more lines that
// contain all of `needles`.
struct Slice {
  std::string header;
  std::vector<std::string> rows;
  std::string Text(bool with_header) const {
    return absl::StrCat(with_header ? header + "\n" : "", absl::StrJoin(rows, "\n"), "\n");
  }
};
Slice Cut(const fs::path& path, size_t first, const std::vector<std::string>& needles, size_t max) {
  const std::vector<std::string> lines = Lines(path);
  Slice s{lines.at(0), {}};
  for (size_t i = 1; i < lines.size() && i <= first; ++i) s.rows.push_back(lines[i]);
  size_t taken = 0;
  for (size_t i = first + 1; i < lines.size() && taken < max; ++i) {
    bool all = true;
    for (const auto& n : needles) all = all && absl::StrContains(lines[i], n);
    if (all) {
      s.rows.push_back(lines[i]);
      ++taken;
    }
  }
  return s;
}

std::string Byte(int b) { return std::string(1, static_cast<char>(b)); }
std::string BigEndian(uint64_t v, int bytes) {
  std::string out;
  imdi::PutBigEndian(out, v, bytes);
  return out;
}

void Csv() {
  const std::vector<std::pair<std::string, Slice>> files = {
      {"bosetting", Cut(g_data / "imdikator/bosetting.csv", 3, {",\"1601\""}, 6)},
      {"bosatt_anmodede", Cut(g_data / "imdikator/bosatt_anmodede.csv", 3, {",\"1601\""}, 6)},
      {"intro_avslutning_direkte",
       Cut(g_data / "imdikator/intro_avslutning_direkte.csv", 3, {",\"1601\""}, 6)},
      {"intro_status_arbutd",
       Cut(g_data / "imdikator/intro_status_arbutd.csv", 3, {",\"1601\""}, 6)},
      {"befolkning_alder", Cut(g_data / "imdikator/befolkning_alder.csv", 3, {",\"1601\""}, 6)},
      {"figures-2016-2017", Cut(g_data / "published/figures-2016-2017.csv", 6, {}, 0)},
      {"award-history", Cut(g_data / "published/award-history.csv", 6, {}, 0)},
      {"kommuner-1994-2024", Cut(g_data / "klass/kommuner-1994-2024.csv", 8, {}, 0)},
  };
  for (const auto& [name, slice] : files) Write("csv", name + ".csv", slice.Text(true));
  Write("csv", "bom-crlf.csv",
        "\xEF\xBB\xBF"
        "a,b,c\r\n1,\"2\",\"x\"\"y\"\r\n,,\r\n");
  Write("csv", "multiline.csv",
        "name,note\n\"Nes (Buskerud)\",\"two\nlines, and \"\"quotes\"\"\"\n");
}

void FiguresSource() {
  // The target's first byte: the format whose header it puts in front.
  const std::vector<std::pair<std::string, Slice>> kinds = {
      {"bosetting", Cut(g_data / "imdikator/bosetting.csv", 4, {",\"1601\""}, 14)},
      {"bosatt_anmodede", Cut(g_data / "imdikator/bosatt_anmodede.csv", 4, {",\"1601\""}, 12)},
      {"intro_avslutning_direkte",
       Cut(g_data / "imdikator/intro_avslutning_direkte.csv", 3,
           {"\"NULL\",\"alle\",\"p", "\"NULL\",\"NULL\",\"1601\""}, 10)},
      {"intro_status_arbutd", Cut(g_data / "imdikator/intro_status_arbutd.csv", 3,
                                  {"\"2012\",\"alle\"", ",\"1601\""}, 10)},
      {"befolkning_alder",
       Cut(g_data / "imdikator/befolkning_alder.csv", 2,
           {"\"2014\"", "\"alle\",\"personer\"", "\"NULL\",\"NULL\",\"1601\""}, 12)},
      {"figures-2016-2017", Cut(g_data / "published/figures-2016-2017.csv", 12, {"F"}, 4)},
      // The 2015-2016 files: leading zeros dropped, 9999, blanks, decimal
      // commas, the country as county 0.
      {"kommune-2015",
       Cut(g_data / "imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv", 4, {"9999;"}, 1)},
      {"kommune-2015_2016-160126",
       Cut(g_data /
               "imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2015_2016-160126.csv",
           3, {"2016,"}, 3)},
      {"kommune-2015_2017",
       Cut(g_data / "imdikator-2015-2016/bosatt_anmodede-kommune-2015_2017.csv", 4, {}, 0)},
      {"fylke-2015_2017",
       Cut(g_data / "imdikator-2015-2016/bosatt_anmodede-fylke-2015_2017.csv", 4, {"11185,00"}, 1)},
  };
  for (size_t k = 0; k < kinds.size(); ++k) {
    Write("figures_source", kinds[k].first + ".rows",
          Byte(static_cast<int>(k)) + kinds[k].second.Text(false));
  }
  // Format byte 10: the file as it is, header included.
  constexpr int kAsItIs = 10;
  Write("figures_source", "bosetting-with-header.csv", Byte(kAsItIs) + kinds[0].second.Text(true));
  Write("figures_source", "published-with-header.csv", Byte(kAsItIs) + kinds[5].second.Text(true));
  Write(
      "figures_source", "kommune-2016-160202-with-header.csv",
      Byte(kAsItIs) +
          Cut(g_data / "imdikator-2015-2016/snapshots-2016/bosatt_anmodede-kommune-2016-160202.csv",
              3, {"; ;"}, 3)
              .Text(true));
}

void MunicipalitySource() {
  Write("municipality_source", "regions.json", Byte(0) + R"([
  {"code": "0101", "name": "Halden", "countyCode": "01", "imdiRegion": "IMDi Øst", "type": "municipality"},
  {"code": "1601", "name": "Trondheim", "countyCode": "16", "imdiRegion": "IMDi Midt-Norge"},
  {"code": "1805", "name": "Narvik", "countyCode": "18", "imdiRegion": "IMDi Nord"},
  {"code": "9999", "name": "Uoppgitt", "imdiRegion": "Uoppgitt IMDi-region"}
])");
  const std::vector<std::string> lines = Lines(g_data / "klass/kommuner-1994-2024.csv");
  std::vector<std::string> picked;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (i <= 12 || absl::StartsWith(l, "K.5001,") || absl::StartsWith(l, "K.1806,") ||
        absl::StartsWith(l, "K.4602,") || absl::StartsWith(l, "K.5055,") ||
        absl::StartsWith(l, "K.5059,") ||
        (absl::StartsWith(l, "K.Rest,") &&
         (absl::StrContains(l, "Narvik") || absl::StrContains(l, "Hemne") ||
          absl::StrContains(l, "Orkdal"))) ||
        absl::StartsWith(l, "K.21") || absl::StartsWith(l, "K.23")) {
      picked.push_back(l);
    }
  }
  const std::string rows = absl::StrCat(absl::StrJoin(picked, "\n"), "\n");
  Write("municipality_source", "kommuner.rows", Byte(1) + rows);
  Write("municipality_source", "kommuner-with-header.csv", Byte(2) + lines.at(0) + "\n" + rows);
}

void CycleConfig() {
  for (const char* name :
       {"bosettingsprisen-2015", "bosettingsprisen-2016", "bosettingsprisen-2021"}) {
    const fs::path path = g_data / "award" / (std::string(name) + ".json");
    const std::string json = Read(path);
    Write("cycle_config", std::string(name) + ".json", Byte(0) + json);
    auto config = imdi::award_files::ParseCycleConfig(json, path.string());
    if (!config.ok()) {
      std::cerr << config.status() << "\n";
      std::exit(1);
    }
    std::string text;
    google::protobuf::TextFormat::PrintToString(*config, &text);
    Write("cycle_config", std::string(name) + ".textproto", Byte(1) + text);
    Write("cycle_config", std::string(name) + ".binpb", Byte(2) + config->SerializeAsString());
  }
}

void WinnersHistory() {
  const Slice history = Cut(g_data / "published/award-history.csv", 40, {}, 0);
  // Bytes 1-4: the years asked for, as the target reads them.
  auto years = [](int first, int last) {
    const int a = first - 2000, b = last - first + 5;
    return std::string{static_cast<char>(a & 0xff), static_cast<char>(a >> 8),
                       static_cast<char>(b & 0xff), static_cast<char>(b >> 8)};
  };
  Write("winners_history", "2008-2023.rows", Byte(1) + years(2008, 2023) + history.Text(false));
  Write("winners_history", "2015-2016-with-header.csv",
        Byte(0) + years(2015, 2016) + history.Text(true));
}

void PageToken() {
  const uint64_t fp = imdi::stats::StableHash(
      "figures|year=1990..2100 county=* region=* "
      "municipality=*|0");
  const std::vector<imdi::stats::PageToken> tokens = {
      {7, fp, 5001, 2016}, {1, 0, 0, 0}, {~0ull, ~0ull, -1, -1}};
  int i = 0;
  for (const auto& t : tokens) {
    Write("page_token", absl::StrCat("token-", i++),
          BigEndian(100, 4) + BigEndian(t.fingerprint, 8) + imdi::stats::EncodePageToken(t));
  }
  Write("page_token", "other-fingerprint",
        BigEndian(0, 4) + BigEndian(fp + 1, 8) + imdi::stats::EncodePageToken(tokens[0]));
  Write("page_token", "not-a-token", BigEndian(0xfffffff0, 4) + BigEndian(1, 8) + "AQID==");
}

void Filter() {
  const std::vector<std::string> figures = {
      "year >= 2012 AND year <= 2014 AND county_code = \"09\"",
      "imdi_region = MIDT_NORGE AND municipality_code = \"1601\"",
      "year = 2016",
      "year > '2015' AND year < 2018 AND imdi_region = \"VEST\"",
      "county_code = 50 AND county_code = 16",
      "year >= 2016 OR year <= 2012",
  };
  for (size_t i = 0; i < figures.size(); ++i) {
    Write("filter", absl::StrCat("figures-", i), Byte(0) + figures[i]);
  }
  Write("filter", "municipalities-0", Byte(1) + "county_code = \"46\" AND imdi_region = VEST");
  Write("filter", "municipalities-1", Byte(1) + "municipality_code = \"0301\"");
}

void Keys() {
  namespace sk = ::imdi::stats::keys;
  Write("stats_key_codec", "figures-municipality",
        sk::FiguresKey(Subject::Municipality(5001), 2016, 42));
  Write("stats_key_codec", "figures-county", sk::FiguresKey(Subject::County(50), 2018, 1));
  Write("stats_key_codec", "figures-region",
        sk::FiguresKey(Subject::Region(imdi::stats::ImdiRegion::kNord), 2017, 7));
  Write("stats_key_codec", "figures-country", sk::FiguresKey(Subject::Country(), 2015, 3));
  Write("stats_key_codec", "municipality", sk::MunicipalityKey(5001, 2));
  Write("stats_key_codec", "data-version", sk::EncodeU64(123456));
  Write("stats_key_codec", "prefix-ff", std::string("\x02\x01\xff\xff", 4));

  namespace ak = ::imdi::award::keys;
  Write("award_keys", "audit", ak::AuditKey("2016", 5));
  Write("award_keys", "audit-long-id", ak::AuditKey("bosettingsprisen-2021-ekstra", 1ull << 40));
  Write("award_keys", "cycle", ak::CycleKey("2016"));
  Write("award_keys", "winner", ak::WinnerKey(2016));
  Write("award_keys", "bad-id", "-Bad_Id");
}

void StoredValues() {
  imdi::stats::FiguresRecord record;
  record.subject = Subject::Municipality(5001);
  record.year = 2016;
  record.values[imdi::stats::Count::kPopulation] = 187353;
  record.values[imdi::stats::Count::kRefugeesRequested] = 320;
  record.values[imdi::stats::Count::kRefugeesSettled] = 298;
  record.values[imdi::stats::Percent::kIntroToWorkOrEducation] = 54.5;
  record.status = imdi::stats::FiguresStatus::kFinal;
  record.source = "https://www.imdi.no/";
  record.note = "fuzz seed";
  record.revision = 3;
  record.data_version = 17;
  record.update_time = absl::FromUnixSeconds(1'700'000'000);
  Write("stats_record_codec", "figures", imdi::stats::EncodeFiguresValue(record));
  imdi::stats::Municipality trondheim = imdi::stats::examples::Trondheim();
  trondheim.revision = 2;
  trondheim.data_version = 9;
  Write("stats_record_codec", "municipality", imdi::stats::EncodeMunicipalityValue(trondheim));
  Write("stats_record_codec", "municipality-merged",
        imdi::stats::EncodeMunicipalityValue(imdi::stats::examples::Kinn()));
}

// One frame of stats_requests: kind, 2-byte little-endian length, bytes.
std::string Frame(int kind, const google::protobuf::Message& request) {
  const std::string bytes = request.SerializeAsString();
  return Byte(kind) + Byte(static_cast<int>(bytes.size() & 0xff)) +
         Byte(static_cast<int>(bytes.size() >> 8)) + bytes;
}

template <typename M>
M Text(const std::string& text) {
  M message;
  if (!google::protobuf::TextFormat::ParseFromString(text, &message)) {
    std::cerr << "bad text for " << M::descriptor()->full_name() << ": " << text << "\n";
    std::exit(1);
  }
  return message;
}

void StatsRequests() {
  // The kinds, as numbered in stats_requests_fuzzer.cc.
  enum {
    kPut,
    kUpsert,
    kBatchUpsert,
    kImport,
    kGet,
    kBatchGet,
    kList,
    kListMunicipalities,
    kAggregate,
    kHistory,
    kStream,
    kGetMunicipality
  };
  const auto put = Text<api::PutFiguresRequest>(R"pb(
    figures {
      municipality_code: "1601"
      year: 2016
      refugees_settled: 130
      refugees_requested: 140
      minors_settled: 12
      population: 187000
      note: "seed"
    }
    update_mask { paths: "refugees_settled" paths: "minors_settled" paths: "note" })pb");
  const auto put_area = Text<api::PutFiguresRequest>(R"pb(
    figures {
      area { kind: AREA_KIND_COUNTY county_code: "50" }
      year: 2018
      refugees_settled: 700
      intro_to_work_or_education_pct: 55.5
      status: FIGURES_STATUS_FINAL
    })pb");
  const auto get = Text<api::GetFiguresRequest>(R"pb(municipality_code: "5001" year: 2016)pb");
  const auto get_area = Text<api::GetFiguresRequest>(
      R"pb(area { kind: AREA_KIND_IMDI_REGION imdi_region: IMDI_REGION_VEST }
           year: 2017)pb");
  const auto history =
      Text<api::GetFiguresHistoryRequest>(R"pb(municipality_code: "1601" year: 2016)pb");
  const auto list = Text<api::ListFiguresRequest>(R"pb(filter: "year >= 2016" page_size: 2)pb");
  const auto stream =
      Text<api::StreamFiguresRequest>(R"pb(filter: "imdi_region = MIDT_NORGE AND year <= 2018")pb");
  const auto aggregate =
      Text<api::GetAggregateRequest>(R"pb(area { kind: AREA_KIND_COUNTY county_code: "16" }
                                          year: 2016)pb");
  const auto batch_get = Text<api::BatchGetFiguresRequest>(R"pb(
    keys { municipality_code: "1601" year: 2016 }
    keys { municipality_code: "0301" year: 2015 }
    allow_missing: true)pb");
  const auto import = Text<api::ImportFiguresRequest>(R"pb(
    source: "seed"
    status: FIGURES_STATUS_PRELIMINARY
    rows {
      line: 2
      figures { municipality_code: "0301" year: 2016 refugees_settled: 1500 }
    }
    rows {
      line: 3
      figures { municipality_code: "1401" year: 2019 refugees_settled: 30 }
    }
    rows {
      line: 4
      figures { municipality_code: "1401" year: 2021 refugees_settled: 30 }
    }
    rows {
      line: 5
      figures { municipality_code: "4602" year: 2020 minors_settled: 9 refugees_settled: 3 }
    }
    rows {
      line: 6
      figures {
        area { kind: AREA_KIND_COUNTRY }
        year: 2016
        refugees_settled: 15000
      }
    })pb");
  const auto upsert = Text<api::UpsertMunicipalityRequest>(R"pb(
    municipality {
      code: "4601"
      name: "Bergen"
      imdi_region: IMDI_REGION_VEST
      code_history { code: "1201" valid_to_year: 2019 }
      code_history { code: "4601" valid_from_year: 2020 }
    })pb");
  const auto upsert_stale = Text<api::UpsertMunicipalityRequest>(R"pb(
    municipality { code: "0301" name: "Oslo" etag: "stale" })pb");
  const auto batch_upsert = Text<api::BatchUpsertMunicipalitiesRequest>(R"pb(
    municipalities {
      code: "5055"
      name: "Heim"
      imdi_region: IMDI_REGION_MIDT_NORGE
      code_history { code: "5055" valid_from_year: 2020 }
    }
    municipalities {
      code: "5011"
      name: "Hemne"
      imdi_region: IMDI_REGION_MIDT_NORGE
      code_history { code: "1612" valid_to_year: 2017 }
      code_history { code: "5011" valid_from_year: 2018 valid_to_year: 2019 }
      successor { code: "5055" }
    })pb");
  const auto list_m = Text<api::ListMunicipalitiesRequest>(R"pb(filter: "imdi_region = VEST"
                                                                page_size: 1)pb");
  const auto get_m = Text<api::GetMunicipalityRequest>(R"pb(code: "1662")pb");

  Write("stats_requests", "put-get-history-list",
        Frame(kPut, put) + Frame(kGet, get) + Frame(kHistory, history) + Frame(kList, list) +
            Frame(kAggregate, aggregate) + Frame(kStream, stream));
  Write("stats_requests", "area-figures",
        Frame(kPut, put_area) + Frame(kGet, get_area) + Frame(kAggregate, aggregate));
  Write("stats_requests", "import-batchget",
        Frame(kImport, import) + Frame(kBatchGet, batch_get) + Frame(kList, list));
  Write("stats_requests", "municipalities",
        Frame(kBatchUpsert, batch_upsert) + Frame(kUpsert, upsert) + Frame(kUpsert, upsert_stale) +
            Frame(kListMunicipalities, list_m) + Frame(kGetMunicipality, get_m));
}

// award_requests: [method][caller][request], against the fixture that
// award_requests_fuzzer.cc builds (cycle ids, nomination ids n1..., jurors
// chair, juror-2, juror-3): a valid request of every method, most of them
// accepted there, then a refusal of each kind the workflow gives.
void AwardRequests() {
  namespace av1 = ::imdi::award::v1;
  using namespace ::imdi::fuzz::award_requests;  // Method, CallerIndex, kStatsDown
  int n = 0;
  auto seed = [&](int method, int caller, const google::protobuf::Message& request) {
    Write("award_requests",
          absl::StrCat(absl::Dec(n++, absl::kZeroPad2), "-", request.GetDescriptor()->name()),
          Byte(method) + Byte(caller) + request.SerializeAsString());
  };

  for (const char* year : {"2015", "2016", "2021"}) {
    const fs::path path = g_data / "award" / absl::StrCat("bosettingsprisen-", year, ".json");
    auto config = imdi::award_files::ParseCycleConfig(Read(path), path.string());
    if (!config.ok()) {
      std::cerr << config.status() << "\n";
      std::exit(1);
    }
    av1::CreateCycleRequest create;
    create.set_cycle_id(absl::StrCat("new-", year));
    *create.mutable_config() = *config;
    create.set_request_id(absl::StrCat("create-new-", year));
    seed(kCreateCycle, kAdmin, create);
  }
  seed(kGetCycle, kAuditor, Text<av1::GetCycleRequest>(R"pb(cycle_id: "jury")pb"));
  seed(kListCycles, kDevelopment, Text<av1::ListCyclesRequest>(R"pb(page_size: 3)pb"));
  av1::ListCyclesRequest cycles_page;
  cycles_page.set_page_size(4);
  cycles_page.set_page_token(absl::WebSafeBase64Escape("cycles||3"));
  seed(kListCycles, kNominatorBodo, cycles_page);
  seed(kEvaluateMunicipality, kNominatorMidtNorge, Text<av1::EvaluateMunicipalityRequest>(R"pb(
         cycle_id: "announced"
         municipality_code: "1601"
         claims {
           criterion: "creative_housing"
           justification: "Housing adapted to each person, in every district of the town."
         }
         use_latest: true)pb"));
  seed(kEvaluateMunicipality, kDevelopment | kStatsDown,
       Text<av1::EvaluateMunicipalityRequest>(
           R"pb(cycle_id: "open-2015" municipality_code: "0228")pb"));
  seed(kScreenMunicipalities, kAuditor, Text<av1::ScreenMunicipalitiesRequest>(R"pb(
         cycle_id: "open"
         imdi_region: IMDI_REGION_MIDT_NORGE
         eligible_only: true)pb"));
  seed(kScreenMunicipalities, kDevelopment,
       Text<av1::ScreenMunicipalitiesRequest>(R"pb(cycle_id: "voting" use_latest: true)pb"));
  seed(kCompareWithLatest, kAdmin,
       Text<av1::CompareWithLatestRequest>(R"pb(cycle_id: "announced")pb"));
  seed(kOpenNominations, kAdmin, Text<av1::OpenNominationsRequest>(R"pb(
         cycle_id: "draft"
         request_id: "open-draft-again")pb"));
  seed(kSubmitNomination, kDevelopment, Text<av1::SubmitNominationRequest>(R"pb(
         cycle_id: "open"
         municipality_code: "1804"
         nominator {
           kind: NOMINATOR_KIND_REGIONAL_OFFICE
           imdi_region: IMDI_REGION_NORD
           display_name: "IMDi Nord"
         }
         justification: "Has always said yes to settling as many as IMDi asked."
         claims {
           criterion: "creative_housing"
           justification: "Adapts at short notice to deliver the places the state asks for."
         }
         claims {
           criterion: "anchored_plans"
           justification: "A yearly settlement plan anchored at every level of the municipality."
         }
         request_id: "nominate-bodo")pb"));
  seed(kSubmitNomination, kNominatorMidtNorge, Text<av1::SubmitNominationRequest>(R"pb(
         cycle_id: "open-2015"
         municipality_code: "1502"
         nominator { kind: NOMINATOR_KIND_REGIONAL_OFFICE imdi_region: IMDI_REGION_MIDT_NORGE }
         justification: "Molde settles as many as asked."
         override_reason: "The 2015 figures are not final."
         request_id: "nominate-molde")pb"));
  seed(kSubmitNomination, kNominatorBodo, Text<av1::SubmitNominationRequest>(R"pb(
         cycle_id: "late"
         municipality_code: "1804"
         nominator { kind: NOMINATOR_KIND_REGIONAL_OFFICE imdi_region: IMDI_REGION_NORD }
         justification: "Too late.")pb"));
  seed(kWithdrawNomination, kDevelopment, Text<av1::WithdrawNominationRequest>(R"pb(
         cycle_id: "open"
         nomination_id: "n1"
         request_id: "withdraw-n1")pb"));
  seed(kWithdrawNomination, kNominatorBodo, Text<av1::WithdrawNominationRequest>(R"pb(
         cycle_id: "open-2015"
         nomination_id: "n1")pb"));
  seed(kListNominations, kAuditor, Text<av1::ListNominationsRequest>(R"pb(
         cycle_id: "open"
         show_withdrawn: true)pb"));
  seed(kAnnounceNominees, kAdmin, Text<av1::AnnounceNomineesRequest>(R"pb(
         cycle_id: "open"
         request_id: "announce-open")pb"));
  seed(kOpenPublicVoting, kAdmin, Text<av1::OpenPublicVotingRequest>(R"pb(
         cycle_id: "announced-2021"
         request_id: "voting-open")pb"));
  seed(kRecordVotes, kAdmin, Text<av1::RecordVotesRequest>(R"pb(
         cycle_id: "voting"
         tallies { nomination_id: "n1" votes: 120 }
         tallies { nomination_id: "n3" votes: 80 }
         request_id: "votes-batch-2")pb"));
  seed(kStartJuryDeliberation, kAdmin, Text<av1::StartJuryDeliberationRequest>(R"pb(
         cycle_id: "voting"
         request_id: "deliberate-voting")pb"));
  seed(kRegisterJuror, kAdmin, Text<av1::RegisterJurorRequest>(R"pb(
         cycle_id: "jury"
         juror { juror_id: "juror-4" display_name: "Juror four" }
         request_id: "juror-4")pb"));
  seed(kDeclareConflict, kAdminJuror2, Text<av1::DeclareConflictRequest>(R"pb(
         cycle_id: "jury"
         juror_id: "juror-2"
         nomination_id: "n3"
         reason: "a relative works in the municipality"
         request_id: "conflict-2-n3")pb"));
  seed(kConfirmAssessment, kJurorChair, Text<av1::ConfirmAssessmentRequest>(R"pb(
         cycle_id: "jury"
         nomination_id: "n2"
         criterion: "innovative_intro"
         confirmed: true
         jury_note: "Cooperation with employers, well documented."
         request_id: "confirm-n2")pb"));
  seed(kSubmitScore, kJurorChair, Text<av1::SubmitScoreRequest>(R"pb(
         cycle_id: "jury"
         juror_id: "chair"
         nomination_id: "n3"
         criterion: "settlement"
         score: 7.5
         request_id: "score-chair-n3")pb"));
  seed(kSubmitScore, kJuror3, Text<av1::SubmitScoreRequest>(R"pb(
         cycle_id: "jury"
         juror_id: "juror-3"
         nomination_id: "n2"
         criterion: "settlement"
         score: 10)pb"));
  seed(kSubmitScoreSheet, kJurorChair, Text<av1::SubmitScoreSheetRequest>(R"pb(
         cycle_id: "jury"
         juror_id: "chair"
         scores { nomination_id: "n1" criterion: "settlement" score: 8 }
         scores { nomination_id: "n3" criterion: "settlement" score: 7.5 }
         request_id: "sheet-chair")pb"));
  seed(kSubmitScoreSheet, kJuror3, Text<av1::SubmitScoreSheetRequest>(R"pb(
         cycle_id: "jury"
         juror_id: "juror-3"
         scores { nomination_id: "n2" criterion: "settlement" score: 10 }
         scores { nomination_id: "n1" criterion: "nope" score: 99 })pb"));
  seed(kCorrectVotes, kAdmin, Text<av1::CorrectVotesRequest>(R"pb(
         cycle_id: "voting"
         totals { nomination_id: "n1" votes: 100 }
         reason: "a polling station counted twice"
         request_id: "correct-votes-1")pb"));
  for (const char* cycle : {"draft", "open", "announced", "voting", "jury", "decided", "winner"}) {
    seed(kGetCycleProgress, kAuditor,
         Text<av1::GetCycleProgressRequest>(absl::StrCat("cycle_id: \"", cycle, "\"")));
  }
  seed(kDecideWinner, kJurorChair, Text<av1::DecideWinnerRequest>(R"pb(
         cycle_id: "tied"
         chair_choice_nomination_id: "n1"
         request_id: "decide-tied")pb"));
  seed(kDecideWinner, kAdmin, Text<av1::DecideWinnerRequest>(R"pb(cycle_id: "jury")pb"));
  seed(kAnnounceWinner, kAdmin, Text<av1::AnnounceWinnerRequest>(R"pb(
         cycle_id: "decided"
         announce_date: "2017-04-26"
         event: "Faglig forum for kommunalt flyktningarbeid"
         request_id: "announce-decided")pb"));
  seed(kArchiveCycle, kAdmin, Text<av1::ArchiveCycleRequest>(R"pb(
         cycle_id: "winner"
         request_id: "archive-winner")pb"));
  seed(kCancelCycle, kAdmin, Text<av1::CancelCycleRequest>(R"pb(
         cycle_id: "open"
         reason: "the rules changed"
         request_id: "cancel-open")pb"));
  seed(kImportWinners, kAdmin, Text<av1::ImportWinnersRequest>(R"pb(
         winners {
           award_year: 2016
           municipality_name: "Trondheim"
           code_at_the_time: "1601"
           imdi_region: IMDI_REGION_MIDT_NORGE
           announce_date: "2017-04-26"
           source: "https://www.imdi.no/"
         }
         winners { award_year: 2018 municipality_name: "Kinn" code_at_the_time: "4602" }
         request_id: "winners-2016-2018")pb"));
  seed(kListWinners, kJuror3, av1::ListWinnersRequest());
  seed(kListAuditEvents, kAuditor, Text<av1::ListAuditEventsRequest>(R"pb(cycle_id: "jury"
                                                                          page_size: 5)pb"));
  av1::ListAuditEventsRequest audit_page;
  audit_page.set_cycle_id("jury");
  audit_page.set_page_token(absl::WebSafeBase64Escape("audit|jury|5"));
  seed(kListAuditEvents, kAdmin, audit_page);

  // Refusals, one of each kind the workflow gives.
  const std::string office_midt_norge = R"pb(nominator {
                                               kind: NOMINATOR_KIND_REGIONAL_OFFICE
                                               imdi_region: IMDI_REGION_MIDT_NORGE
                                             })pb";
  const std::string office_nord =
      R"pb(nominator { kind: NOMINATOR_KIND_REGIONAL_OFFICE imdi_region: IMDI_REGION_NORD })pb";
  auto nominate = [&](int caller, const std::string& cycle, const std::string& code,
                      const std::string& nominator) {
    seed(kSubmitNomination, caller,
         Text<av1::SubmitNominationRequest>(
             absl::StrCat("cycle_id: \"", cycle, "\" municipality_code: \"", code, "\" ", nominator,
                          " justification: \"Settles many and integrates them well.\"")));
  };
  nominate(kDevelopment, "open", "1502", office_midt_norge);         // NOMINATION_REGION_TAKEN
  nominate(kNominatorMidtNorge, "open", "5001", office_midt_norge);  // ALREADY_NOMINATED
  nominate(kDevelopment, "open", "1920", office_nord);               // NOT_ELIGIBLE
  nominate(kDevelopment, "open", "0437", office_nord);               // NOMINATOR_OUTSIDE_REGION
  nominate(kAdmin, "open", "9998", office_nord);                     // UNKNOWN_MUNICIPALITY
  nominate(kNominatorMidtNorge, "open", "1804", office_nord);        // NOMINATOR_NOT_BOUND
  nominate(
      kDevelopment | kStatsDown, "open-2015", "0228",
      R"pb(nominator { kind: NOMINATOR_KIND_REGIONAL_OFFICE imdi_region: IMDI_REGION_OST })pb");
  nominate(kNominatorBodo, "open-2015", "1804",
           R"pb(nominator { kind: NOMINATOR_KIND_MUNICIPALITY municipality_code: "1804" })pb");
  seed(kCreateCycle, kAdmin, Text<av1::CreateCycleRequest>(R"pb(
         cycle_id: "jury"
         config {
           title: "Exists"
           award_year: 2016
           figures_year: 2016
           criteria {
             name: "minors"
             minors_settled { min_settled: 10 }
           }
           requirement { criterion: "minors" }
           nomination_policy { nominators: NOMINATOR_KIND_MUNICIPALITY }
           decision_policy {
             kind: DECISION_KIND_JURY_ONLY
             scoring_criteria { name: "overall" weight: 1 }
             min_score: 0
             max_score: 5
           }
         })pb"));
  seed(kRegisterJuror, kAdmin, Text<av1::RegisterJurorRequest>(R"pb(
         cycle_id: "jury"
         juror { juror_id: "chair" display_name: "Again" })pb"));
  seed(kRegisterJuror, kAdmin, Text<av1::RegisterJurorRequest>(R"pb(
         cycle_id: "jury"
         juror { juror_id: "second-chair" display_name: "Second" chair: true })pb"));
  seed(kOpenNominations, kDevelopment, Text<av1::OpenNominationsRequest>(R"pb(
         cycle_id: "jury"
         request_id: "open-jury")pb"));
  seed(kOpenNominations, kDevelopment, Text<av1::OpenNominationsRequest>(R"pb(
         cycle_id: "jury"
         etag: "0123456789abcdef"
         request_id: "open-jury")pb"));
  seed(kOpenPublicVoting, kAdmin,
       Text<av1::OpenPublicVotingRequest>(R"pb(cycle_id: "announced")pb"));
  seed(kStartJuryDeliberation, kAdmin,
       Text<av1::StartJuryDeliberationRequest>(R"pb(cycle_id: "announced-2021")pb"));
  seed(kSubmitScore, kJurorOutsider, Text<av1::SubmitScoreRequest>(R"pb(
         cycle_id: "jury"
         juror_id: "outsider"
         nomination_id: "n1"
         criterion: "settlement"
         score: 5)pb"));
  seed(kSubmitScore, kJurorChair, Text<av1::SubmitScoreRequest>(R"pb(
         cycle_id: "finalists"
         juror_id: "chair"
         nomination_id: "n3"
         criterion: "anchoring"
         score: 5)pb"));
  seed(kCompareWithLatest, kAuditor,
       Text<av1::CompareWithLatestRequest>(R"pb(cycle_id: "open")pb"));
  seed(kAnnounceNominees, kAdmin, Text<av1::AnnounceNomineesRequest>(R"pb(cycle_id: "late")pb"));
  seed(kWithdrawNomination, kNominatorMidtNorge, Text<av1::WithdrawNominationRequest>(R"pb(
         cycle_id: "open-2015"
         nomination_id: "n1")pb"));
  seed(kWithdrawNomination, kAdmin, Text<av1::WithdrawNominationRequest>(R"pb(
         cycle_id: "open"
         nomination_id: "n3"
         etag: "0000000000000000")pb"));
  seed(kDecideWinner, kJurorChair, Text<av1::DecideWinnerRequest>(R"pb(cycle_id: "tied")pb"));
  seed(kDecideWinner, kDevelopment, Text<av1::DecideWinnerRequest>(R"pb(
         cycle_id: "tied"
         chair_choice_nomination_id: "n2")pb"));
  seed(kAnnounceWinner, kAdmin, Text<av1::AnnounceWinnerRequest>(R"pb(cycle_id: "tied")pb"));
  seed(kConfirmAssessment, kJuror3, Text<av1::ConfirmAssessmentRequest>(R"pb(
         cycle_id: "jury"
         nomination_id: "n2"
         criterion: "anchored_plans"
         confirmed: false)pb"));
  seed(kRecordVotes, kAdmin, Text<av1::RecordVotesRequest>(R"pb(
         cycle_id: "voting"
         tallies { nomination_id: "n2" votes: 20000000 }
         tallies { nomination_id: "n9" votes: 1 }
         request_id: "votes-too-many")pb"));
  seed(kImportWinners, kAdmin, Text<av1::ImportWinnersRequest>(R"pb(
         winners { award_year: 2015 municipality_name: "Grimstad" code_at_the_time: "0904" }
         winners { award_year: 2014 municipality_name: "Somewhere else" }
         winners { award_year: 2007 municipality_name: "" announce_date: "2007-13-01" }
         request_id: "winners-conflict")pb"));
  seed(kDeclareConflict, kJurorChair, Text<av1::DeclareConflictRequest>(R"pb(
         cycle_id: "decided"
         juror_id: "chair"
         nomination_id: "n1"
         reason: "late")pb"));
  seed(kEvaluateMunicipality, kAdmin, Text<av1::EvaluateMunicipalityRequest>(R"pb(
         cycle_id: "jury"
         municipality_code: "9998")pb"));
  seed(kCancelCycle, kAdmin, Text<av1::CancelCycleRequest>(R"pb(
         cycle_id: "winner"
         reason: "too late to cancel")pb"));
  seed(kListAuditEvents, kAuditor, Text<av1::ListAuditEventsRequest>(R"pb(
         cycle_id: "open"
         page_token: "bm90LWEtdG9rZW4")pb"));

  // The public record: the jury's citation and the announcements.
  seed(kRecordCitation, kJurorChair, Text<av1::RecordCitationRequest>(R"pb(
         cycle_id: "decided"
         reasons { text: "Godt forankret i kommunens planer" }
         reasons {
           text: "bosetter om lag 25 % av flyktningene i regionen ({1})"
           figures {
             kind: CITED_FIGURE_KIND_SHARE_OF_REGION
             municipality_code: "1601"
             year: 2016
             field: "refugees_settled"
             stated_value: 25
             tolerance: 2.5
           }
           figures {
             kind: CITED_FIGURE_KIND_COUNTRY_TOTAL
             year: 2016
             field: "minors_settled"
           }
         }
         request_id: "cite-decided")pb"));
  for (const char* cycle : {"announced", "decided", "winner"}) {
    seed(kRenderAnnouncement, kAuditor,
         Text<av1::RenderAnnouncementRequest>(absl::StrCat(
             "cycle_id: \"", cycle, "\" kind: ANNOUNCEMENT_KIND_NOMINEES format: ANNOUNCEMENT_FORMAT_HTML")));
    seed(kRenderAnnouncement, kAdmin,
         Text<av1::RenderAnnouncementRequest>(
             absl::StrCat("cycle_id: \"", cycle, "\" kind: ANNOUNCEMENT_KIND_WINNER")));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR DATA_DIR\n";
    return 2;
  }
  g_out = argv[1];
  g_data = argv[2];
  Csv();
  FiguresSource();
  MunicipalitySource();
  CycleConfig();
  WinnersHistory();
  PageToken();
  Filter();
  Keys();
  StoredValues();
  StatsRequests();
  AwardRequests();
  return 0;
}
