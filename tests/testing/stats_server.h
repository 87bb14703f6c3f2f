// An in-process statistics service for integration tests: the production
// composition root (stats-service/server.h) on a real RocksDB store in a
// temporary directory and a free port of 127.0.0.1, in development mode
// (plaintext, no credentials), reached through the generated stub.
#ifndef IMDI_TESTS_TESTING_STATS_SERVER_H_
#define IMDI_TESTS_TESTING_STATS_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "stats-service/server.h"
#include "tests/testing/temp_dir.h"

namespace imdi::testing {

class StatsServer {
 public:
  // `configure` may change the options (bounds, limits) before each start.
  explicit StatsServer(std::function<void(stats::StatsServerOptions&)> configure = nullptr)
      : configure_(std::move(configure)) {
    Start();
  }
  ~StatsServer() { Stop(); }

  // Stops the server and closes the store (the data stays).
  void Stop() {
    if (server_) server_->Shutdown(absl::Seconds(2));
    server_.reset();
  }

  // Opens the same store again and serves it on `port` (0: a new free port).
  void Start(int port = 0) {
    stats::StatsServerOptions options;
    options.listen = absl::StrCat("127.0.0.1:", port);
    options.data_dir = dir_.Sub("stats");
    options.sync = false;
    options.security.insecure_dev = true;
    if (configure_) configure_(options);
    auto server = stats::StatsServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
    stub_ = stats::v1::StatsService::NewStub(channel_);
  }

  stats::v1::StatsService::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  std::string target() const { return absl::StrCat("127.0.0.1:", server_->port()); }
  int port() const { return server_->port(); }

 private:
  std::function<void(stats::StatsServerOptions&)> configure_;
  TempDir dir_;
  std::unique_ptr<stats::StatsServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stats::v1::StatsService::Stub> stub_;
};

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_STATS_SERVER_H_
