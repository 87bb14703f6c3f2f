// End-to-end timing of a screening against running services, beside the
// bare read of the same figures: what the award service adds on top of the
// statistics service's stream. Prints, for each, the median of --runs
// wall-clock times, the reply's bytes and messages; with --digest=FILE it
// writes one line per evaluation (code, verdict, each criterion's verdict
// and explanation) to compare the verdicts of two builds.
//
//   screen_timing --stats=127.0.0.1:50051 --award=127.0.0.1:50052
//       [--cycle=2016] [--first_year=2014] [--last_year=2016] [--runs=5]
//       [--view=full|basic] [--digest=FILE]
//
// Plaintext, no credentials: for services run with --insecure_dev.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"

namespace {

struct Run {
  double ms = 0;
  size_t bytes = 0;
  int messages = 0;
  int items = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::string Flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (absl::StartsWith(argv[i], prefix)) return std::string(argv[i]).substr(prefix.size());
  }
  return fallback;
}

int IntFlag(int argc, char** argv, const std::string& name, int fallback) {
  int value = fallback;
  return absl::SimpleAtoi(Flag(argc, argv, name, ""), &value) ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  namespace stats = imdi::stats::v1;
  namespace award = imdi::award::v1;
  using Clock = std::chrono::steady_clock;
  const std::string stats_target = Flag(argc, argv, "stats", "127.0.0.1:50051");
  const std::string award_target = Flag(argc, argv, "award", "127.0.0.1:50052");
  const std::string cycle = Flag(argc, argv, "cycle", "2016");
  const int first_year = IntFlag(argc, argv, "first_year", 2014);
  const int last_year = IntFlag(argc, argv, "last_year", 2016);
  const int runs = IntFlag(argc, argv, "runs", 5);
  const std::string view = Flag(argc, argv, "view", "full");
  const std::string digest = Flag(argc, argv, "digest", "");

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto stats_stub = stats::StatsService::NewStub(
      grpc::CreateCustomChannel(stats_target, grpc::InsecureChannelCredentials(), args));
  auto award_stub = award::AwardService::NewStub(
      grpc::CreateCustomChannel(award_target, grpc::InsecureChannelCredentials(), args));

  auto stream = [&]() {
    Run run;
    const auto start = Clock::now();
    grpc::ClientContext context;
    stats::StreamFiguresRequest request;
    request.set_filter(absl::StrCat("year >= ", first_year, " AND year <= ", last_year));
    auto reader = stats_stub->StreamFigures(&context, request);
    stats::StreamFiguresResponse chunk;
    while (reader->Read(&chunk)) {
      ++run.messages;
      run.bytes += chunk.ByteSizeLong();
      run.items += chunk.figures_size();
    }
    grpc::Status status = reader->Finish();
    run.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!status.ok()) std::fprintf(stderr, "StreamFigures: %s\n", status.error_message().c_str());
    return run;
  };
  auto screen = [&](std::ofstream* out) {
    Run run;
    const auto start = Clock::now();
    grpc::ClientContext context;
    award::ScreenMunicipalitiesRequest request;
    request.set_cycle_id(cycle);
    request.set_view(view == "basic" ? award::EVALUATION_VIEW_BASIC : award::EVALUATION_VIEW_FULL);
    auto reader = award_stub->ScreenMunicipalities(&context, request);
    award::ScreenMunicipalitiesResponse chunk;
    while (reader->Read(&chunk)) {
      ++run.messages;
      run.bytes += chunk.ByteSizeLong();
      run.items += chunk.evaluations_size();
      if (out == nullptr) continue;
      for (const award::Evaluation& e : chunk.evaluations()) {
        *out << e.municipality_code() << " " << award::Verdict_Name(e.verdict()) << "\n";
        for (const award::CriterionResult& c : e.criteria()) {
          *out << "  " << c.criterion() << " " << award::Verdict_Name(c.verdict()) << " "
               << c.explanation() << "\n";
        }
      }
    }
    grpc::Status status = reader->Finish();
    run.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!status.ok()) {
      std::fprintf(stderr, "ScreenMunicipalities: %s\n", status.error_message().c_str());
    }
    return run;
  };

  // A warm-up of each, then alternating runs.
  stream();
  if (!digest.empty()) {
    std::ofstream out(digest);
    screen(&out);
  } else {
    screen(nullptr);
  }
  std::vector<double> stream_ms, screen_ms;
  Run last_stream, last_screen;
  for (int i = 0; i < runs; ++i) {
    last_stream = stream();
    stream_ms.push_back(last_stream.ms);
    last_screen = screen(nullptr);
    screen_ms.push_back(last_screen.ms);
  }
  const double a = Median(stream_ms), b = Median(screen_ms);
  std::printf("StreamFigures %d..%d: median %.1f ms, %zu bytes, %d messages, %d records\n",
              first_year, last_year, a, last_stream.bytes, last_stream.messages,
              last_stream.items);
  std::printf("ScreenMunicipalities %s (%s view): median %.1f ms, %zu bytes, %d messages, "
              "%d evaluations\n",
              cycle.c_str(), view.c_str(), b, last_screen.bytes, last_screen.messages,
              last_screen.items);
  std::printf("ratio %.2f\n", a > 0 ? b / a : 0.0);
  return 0;
}
