// The streaming handlers of nomination documents.
#include "award-service/service/award_service.h"

namespace imdi::award {
namespace {

template <typename Base>
class Unimplemented final : public Base {
 public:
  Unimplemented() { this->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not yet")); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerReadReactor<grpc::ByteBuffer>* AwardServiceImpl::UploadNominationDocument(
    grpc::CallbackServerContext*, grpc::ByteBuffer*) {
  return new Unimplemented<grpc::ServerReadReactor<grpc::ByteBuffer>>();
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* AwardServiceImpl::DownloadNominationDocument(
    grpc::CallbackServerContext*, const grpc::ByteBuffer*) {
  return new Unimplemented<grpc::ServerWriteReactor<grpc::ByteBuffer>>();
}

}  // namespace imdi::award
