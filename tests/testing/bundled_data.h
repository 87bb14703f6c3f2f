// Loads the bundled municipality directory (data/klass, data/regions) into
// a running statistics service, as `imdictl load-municipalities` does, for
// integration tests that need real municipalities.
#ifndef IMDI_TESTS_TESTING_BUNDLED_DATA_H_
#define IMDI_TESTS_TESTING_BUNDLED_DATA_H_

#include <string>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace imdi::testing {

inline const std::string& DataDir() {
  static const std::string dir = std::string(IMDI_SOURCE_DIR) + "/data/";
  return dir;
}

// Call with ASSERT_NO_FATAL_FAILURE.
inline void LoadBundledMunicipalities(stats::v1::StatsService::Stub& stub) {
  auto municipalities = import::LoadMunicipalities(DataDir() + "klass/kommuner-1994-2024.csv",
                                                   DataDir() + "regions/kommuner.json");
  ASSERT_TRUE(municipalities.ok()) << municipalities.status();
  auto request = import::MunicipalitiesRequest(*municipalities);
  ASSERT_TRUE(request.ok()) << request.status();
  grpc::ClientContext context;
  stats::v1::BatchUpsertMunicipalitiesResponse response;
  grpc::Status status = stub.BatchUpsertMunicipalities(&context, *request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_BUNDLED_DATA_H_
