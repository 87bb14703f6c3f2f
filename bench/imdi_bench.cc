// The benchmark suite's helper (bench/run.sh drives it): everything the
// suite needs that a shell cannot do well.
//
//   imdi_bench free-port                          a free TCP port on 127.0.0.1
//   imdi_bench body health|get CODE YEAR|stream FILTER
//                                                 a framed gRPC request on stdout (for h2load -d)
//   imdi_bench check STATS CODE YEAR              Health/Check is SERVING and GetFigures OK
//   imdi_bench stream STATS FILTER                one StreamFigures call: seconds rows bytes
//   imdi_bench screen AWARD CYCLE [full|basic]    one whole-country ScreenMunicipalities in
//                                                 that view (default full): seconds evaluations bytes
//   imdi_bench generate KLASS SCALE RECORDS OUT   synthetic municipalities and figures
//   imdi_bench record-size DB_DIR                 mean key and value bytes of the stored revisions
//   imdi_bench raw-write DIR N KEY VALUE BATCH    N records in WriteBatches, sync: seconds
//
// Every call has a deadline; every failure is a message on stderr and exit
// status 1. Single-threaded; a process per measurement.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace {

namespace stats = imdi::stats::v1;
namespace award = imdi::award::v1;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = std::chrono::seconds(300);

int Fail(const std::string& message) {
  std::cerr << "imdi_bench: " << message << "\n";
  return 1;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::shared_ptr<grpc::Channel> Connect(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Fail("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return Fail("could not bind a free port");
  }
  std::cout << ntohs(address.sin_port) << "\n";
  close(fd);
  return 0;
}

// The gRPC wire framing of one message: a zero byte (not compressed), the
// length as a big-endian u32, the serialized message.
int Body(const std::vector<std::string>& args) {
  std::string message;
  if (args.size() == 1 && args[0] == "health") {
    grpc::health::v1::HealthCheckRequest request;  // "": the whole server
    message = request.SerializeAsString();
  } else if (args.size() == 3 && args[0] == "get") {
    stats::GetFiguresRequest request;
    request.set_municipality_code(args[1]);
    request.set_year(std::stoi(args[2]));
    message = request.SerializeAsString();
  } else if (args.size() == 2 && args[0] == "stream") {
    stats::StreamFiguresRequest request;
    request.set_filter(args[1]);
    message = request.SerializeAsString();
  } else {
    return Fail("body health | get CODE YEAR | stream FILTER");
  }
  const uint32_t size = static_cast<uint32_t>(message.size());
  std::string framed(1, '\0');
  for (int shift = 24; shift >= 0; shift -= 8) framed.push_back(static_cast<char>(size >> shift));
  framed += message;
  std::cout.write(framed.data(), static_cast<std::streamsize>(framed.size()));
  return std::cout ? 0 : 1;
}

// h2load counts any HTTP 200 as a success, whatever the grpc-status: check
// the requests it sends once, with a real client.
int Check(const std::string& target, const std::string& code, int year) {
  std::shared_ptr<grpc::Channel> channel = Connect(target);
  {
    grpc::health::v1::Health::Stub health(channel);
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health.Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
    if (!status.ok()) return Fail("Health/Check: " + status.error_message());
    if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return Fail("Health/Check: not SERVING");
    }
  }
  stats::StatsService::Stub stub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  stats::GetFiguresRequest request;
  request.set_municipality_code(code);
  request.set_year(year);
  stats::GetFiguresResponse response;
  grpc::Status status = stub.GetFigures(&context, request, &response);
  if (!status.ok()) return Fail("GetFigures " + code + " " + std::to_string(year) + ": " +
                                std::to_string(status.error_code()) + " " +
                                status.error_message());
  std::cout << response.ByteSizeLong() << "\n";
  return 0;
}

int Stream(const std::string& target, const std::string& filter) {
  stats::StatsService::Stub stub(Connect(target));
  grpc::ClientContext context;
  SetDeadline(context);
  stats::StreamFiguresRequest request;
  request.set_filter(filter);
  const Clock::time_point start = Clock::now();
  std::unique_ptr<grpc::ClientReader<stats::StreamFiguresResponse>> reader =
      stub.StreamFigures(&context, request);
  stats::StreamFiguresResponse chunk;
  int64_t rows = 0, bytes = 0;
  while (reader->Read(&chunk)) {
    rows += chunk.figures_size();
    bytes += static_cast<int64_t>(chunk.ByteSizeLong());
  }
  grpc::Status status = reader->Finish();
  const double seconds = SecondsSince(start);
  if (!status.ok()) return Fail("StreamFigures: " + status.error_message());
  std::printf("%.6f %lld %lld\n", seconds, static_cast<long long>(rows),
              static_cast<long long>(bytes));
  return 0;
}

int Screen(const std::string& target, const std::string& cycle, const std::string& view) {
  award::AwardService::Stub stub(Connect(target));
  grpc::ClientContext context;
  SetDeadline(context);
  award::ScreenMunicipalitiesRequest request;
  request.set_cycle_id(cycle);
  if (view == "basic") {
    request.set_view(award::EVALUATION_VIEW_BASIC);
  } else if (view != "full") {
    return Fail("screen: the view is full or basic, not " + view);
  }
  const Clock::time_point start = Clock::now();
  std::unique_ptr<grpc::ClientReader<award::ScreenMunicipalitiesResponse>> reader =
      stub.ScreenMunicipalities(&context, request);
  award::ScreenMunicipalitiesResponse chunk;
  int64_t evaluations = 0, bytes = 0;
  while (reader->Read(&chunk)) {
    evaluations += chunk.evaluations_size();
    bytes += static_cast<int64_t>(chunk.ByteSizeLong());
  }
  grpc::Status status = reader->Finish();
  const double seconds = SecondsSince(start);
  if (!status.ok()) return Fail("ScreenMunicipalities: " + status.error_message());
  std::printf("%.6f %lld %lld\n", seconds, static_cast<long long>(evaluations),
              static_cast<long long>(bytes));
  return 0;
}

// Synthetic data at SCALE times the real records: municipalities with
// codes no real municipality ever had (county * 100 + n, in the counties
// of 1994-2024), valid in every year, each with one record a year over a
// span of years around the real ones. Writes OUT/kommuner.csv (Statistics
// Norway's code-history format), OUT/regions.json (IMDi's municipality
// list format) and OUT/bosatt_anmodede-kommune-syntetisk.csv (the format of
// IMDi's 2015 settlement table: requested, decided, settled), and prints
// "municipalities first_year last_year records".
int Generate(const std::string& klass_path, double scale, int64_t real_records,
             const std::string& out_dir) {
  constexpr int kRealMunicipalities = 428;  // of 2015, as IMDi lists them
  constexpr int kMinYear = 1990, kMaxYear = 2100;
  // Counties of 1994-2024 and the IMDi region their municipalities mostly
  // belong to.
  const std::vector<std::pair<int, const char*>> counties = {
      {1, "IMDi Øst"},          {2, "IMDi Øst"},          {3, "IMDi Øst"},
      {4, "IMDi Indre Øst"},    {5, "IMDi Indre Øst"},    {6, "IMDi Indre Øst"},
      {7, "IMDi Sør"},          {8, "IMDi Sør"},          {9, "IMDi Sør"},
      {10, "IMDi Sør"},         {11, "IMDi Vest"},        {12, "IMDi Vest"},
      {14, "IMDi Vest"},        {15, "IMDi Midt-Norge"},  {16, "IMDi Midt-Norge"},
      {17, "IMDi Midt-Norge"},  {18, "IMDi Nord"},        {19, "IMDi Nord"},
      {20, "IMDi Nord"},        {30, "IMDi Øst"},         {31, "IMDi Øst"},
      {32, "IMDi Øst"},         {33, "IMDi Indre Øst"},   {34, "IMDi Indre Øst"},
      {38, "IMDi Sør"},         {39, "IMDi Sør"},         {40, "IMDi Sør"},
      {42, "IMDi Sør"},         {46, "IMDi Vest"},        {50, "IMDi Midt-Norge"},
      {54, "IMDi Nord"},        {55, "IMDi Nord"},        {56, "IMDi Nord"}};
  std::ifstream klass(klass_path);
  if (!klass) return Fail("cannot read " + klass_path);
  std::set<int> used;
  std::string line;
  std::getline(klass, line);  // GRUPPEKODE,GRUPPETEKST,KODE,TEKST
  while (std::getline(klass, line)) {
    // The third column is the code; names may hold commas only after it.
    size_t first = line.find(','), second = line.find(',', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string code = line.substr(second + 1, 4);
    if (code.size() == 4 && std::all_of(code.begin(), code.end(), ::isdigit)) {
      used.insert(std::stoi(code));
    }
  }
  // Free codes, spread over the counties.
  std::vector<std::pair<int, const char*>> free;
  for (int n = 1; n <= 99; ++n) {
    for (const auto& [county, region] : counties) {
      if (!used.contains(county * 100 + n)) free.emplace_back(county * 100 + n, region);
    }
  }
  const int64_t wanted = std::llround((scale - 1) * static_cast<double>(real_records));
  int64_t municipalities = 0, years = 0;
  if (wanted > 0) {
    municipalities = std::min<int64_t>(
        static_cast<int64_t>(free.size()),
        std::max<int64_t>(1, std::llround(kRealMunicipalities * (std::sqrt(scale) - 1))));
    years = std::min<int64_t>(kMaxYear - kMinYear + 1,
                              (wanted + municipalities - 1) / municipalities);
  }
  // Around the real years (2012-2017), within the years the service takes.
  const int first_year = static_cast<int>(
      std::clamp<int64_t>(2015 - years / 2, kMinYear, kMaxYear - std::max<int64_t>(years, 1) + 1));
  const int last_year = first_year + static_cast<int>(years) - 1;

  std::ofstream codes(out_dir + "/kommuner.csv");
  std::ofstream regions(out_dir + "/regions.json");
  std::ofstream figures(out_dir + "/bosatt_anmodede-kommune-syntetisk.csv");
  codes << "GRUPPEKODE,GRUPPETEKST,KODE,TEKST\n";
  regions << "[\n";
  figures << "kommune_nr;aar;bosetting.anmodning;bosetting.vedtak;bosetting.bosatt\n";
  std::mt19937_64 random(20161);
  std::uniform_int_distribution<int> requested(0, 120);
  std::uniform_int_distribution<int> share(50, 130);
  char code[8];
  for (int64_t i = 0; i < municipalities; ++i) {
    const auto& [number, region] = free[static_cast<size_t>(i)];
    std::snprintf(code, sizeof(code), "%04d", number);
    codes << "K." << code << ",Syntetisk " << code << "," << code << ",Syntetisk " << code << "\n";
    regions << (i == 0 ? "" : ",\n") << "  {\"code\": \"" << code << "\", \"name\": \"Syntetisk "
            << code << "\", \"countyCode\": \"" << std::string(code, 2)
            << "\", \"imdiRegion\": \"" << region << "\", \"type\": \"municipality\"}";
    for (int year = first_year; year <= last_year; ++year) {
      const int asked = requested(random);
      const int decided = asked * share(random) / 100;
      const int settled = decided * share(random) / 100;
      figures << code << ";" << year << ";" << asked << ";" << decided << ";" << settled << "\n";
    }
  }
  regions << "\n]\n";
  if (!codes || !regions || !figures) return Fail("cannot write to " + out_dir);
  std::cout << municipalities << " " << first_year << " " << last_year << " "
            << municipalities * years << "\n";
  return 0;
}

// Opens a store read-only with all its column families.
int RecordSize(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status status = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  if (!status.ok()) return Fail(status.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, families, &handles, &raw);
  if (!status.ok()) return Fail(status.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  int64_t records = 0, key_bytes = 0, value_bytes = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "revisions") continue;  // stats-service/storage/key_codec.h
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++records;
      key_bytes += static_cast<int64_t>(it->key().size());
      value_bytes += static_cast<int64_t>(it->value().size());
    }
    if (!it->status().ok()) return Fail(it->status().ToString());
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  if (records == 0) return Fail("no revisions in " + path);
  std::cout << key_bytes / records << " " << value_bytes / records << " " << records << "\n";
  return 0;
}

// N records of KEY and VALUE bytes, keys big-endian and ascending like the
// store's, in WriteBatches of BATCH with the WAL synced on each (the
// service's default --sync), into a fresh store.
int RawWrite(const std::string& path, int64_t n, size_t key_bytes, size_t value_bytes,
             int64_t batch_size) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, path, &raw);
  if (!status.ok()) return Fail(status.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  std::mt19937_64 random(7);
  std::string value(value_bytes, '\0');
  for (char& c : value) c = static_cast<char>(random());
  std::string key(std::max<size_t>(key_bytes, 8), '\0');
  const Clock::time_point start = Clock::now();
  for (int64_t done = 0; done < n;) {
    rocksdb::WriteBatch batch;
    for (int64_t i = 0; i < batch_size && done < n; ++i, ++done) {
      for (int b = 0; b < 8; ++b) key[key.size() - 1 - b] = static_cast<char>(done >> (8 * b));
      value[0] = static_cast<char>(done);  // no two values alike
      batch.Put(key, value);
    }
    status = db->Write(write_options, &batch);
    if (!status.ok()) return Fail(status.ToString());
  }
  std::printf("%.6f\n", SecondsSince(start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Fail("usage: see bench/imdi_bench.cc");
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "free-port" && args.empty()) return FreePort();
    if (command == "body") return Body(args);
    if (command == "check" && args.size() == 3) return Check(args[0], args[1], std::stoi(args[2]));
    if (command == "stream" && args.size() == 2) return Stream(args[0], args[1]);
    if (command == "screen" && (args.size() == 2 || args.size() == 3)) {
      return Screen(args[0], args[1], args.size() == 3 ? args[2] : "full");
    }
    if (command == "generate" && args.size() == 4) {
      return Generate(args[0], std::stod(args[1]), std::stoll(args[2]), args[3]);
    }
    if (command == "record-size" && args.size() == 1) return RecordSize(args[0]);
    if (command == "raw-write" && args.size() == 5) {
      return RawWrite(args[0], std::stoll(args[1]), std::stoul(args[2]), std::stoul(args[3]),
                      std::stoll(args[4]));
    }
  } catch (const std::exception& e) {  // std::stoi on a bad number
    return Fail(command + ": " + e.what());
  }
  return Fail("unknown command or arguments: " + command + " (see bench/imdi_bench.cc)");
}
