// Calls a method with raw request bytes through gRPC's generic stub, for
// tests of what a service does with bytes that are not its request message.
// Works for every kind of method: a unary call on the wire is one message
// and a half-close, which is what this sends. Every wait has a deadline.
#ifndef IMDI_TESTS_TESTING_RAW_CALL_H_
#define IMDI_TESTS_TESTING_RAW_CALL_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace imdi::testing {

// Sends `messages` (raw bytes each) to `method` ("/package.Service/Method"),
// half-closes, reads what comes back and returns the call's status.
inline grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method,
                                  const std::vector<std::string>& messages) {
  grpc::CompletionQueue cq;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(10);
  context.set_deadline(deadline);
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  // Waits for the one operation in flight; false when it failed.
  auto wait = [&]() {
    void* tag = nullptr;
    bool ok = false;
    if (cq.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) return false;
    return ok;
  };
  call->StartCall(nullptr);
  bool open = wait();
  for (const std::string& bytes : messages) {
    if (!open) break;
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, nullptr);
    open = wait();
  }
  if (open) {
    call->WritesDone(nullptr);
    open = wait();
  }
  for (int i = 0; open && i < 1000; ++i) {
    grpc::ByteBuffer reply;
    call->Read(&reply, nullptr);
    open = wait();
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  wait();
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_RAW_CALL_H_
