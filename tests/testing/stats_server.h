// An in-process statistics service for integration tests: a real RocksDB
// store in a temporary directory and a real gRPC server on a free port of
// 127.0.0.1, reached through the generated stub.
#ifndef IMDI_TESTS_TESTING_STATS_SERVER_H_
#define IMDI_TESTS_TESTING_STATS_SERVER_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/server_host.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "stats-service/domain/stats_core.h"
#include "stats-service/service/stats_service.h"
#include "stats-service/storage/rocksdb_stats_store.h"
#include "tests/testing/temp_dir.h"

namespace imdi::testing {

class StatsServer {
 public:
  StatsServer() { Start(); }
  ~StatsServer() { Stop(); }

  // Stops the server and closes the store (the data stays).
  void Stop() {
    if (host_) host_->Shutdown(absl::Seconds(2));
    host_.reset();
    service_.reset();
    core_.reset();
  }

  // Opens the same store again and serves it on `port` (0: a new free port).
  void Start(int port = 0) {
    auto store = stats::RocksDbStatsStore::Open({.path = dir_.Sub("stats"), .sync = false});
    ASSERT_TRUE(store.ok()) << store.status();
    auto core = stats::StatsCore::Create(std::move(*store));
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
    service_ = std::make_unique<stats::StatsServiceImpl>(core_.get());
    auto host = ServerHost::Start(
        absl::StrCat("127.0.0.1:", port), {{service_.get(), stats::v1::StatsService::service_full_name()}});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = std::move(*host);
    host_->SetServing(true);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = stats::v1::StatsService::NewStub(channel_);
  }

  stats::v1::StatsService::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  std::string target() const { return absl::StrCat("127.0.0.1:", host_->port()); }
  int port() const { return host_->port(); }

 private:
  TempDir dir_;
  std::unique_ptr<stats::StatsCore> core_;
  std::unique_ptr<stats::StatsServiceImpl> service_;
  std::unique_ptr<ServerHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stats::v1::StatsService::Stub> stub_;
};

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_STATS_SERVER_H_
