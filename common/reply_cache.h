// Serialized replies of reads pinned to a data version. A read at version V
// returns the same bytes whenever it is made (a version never changes once
// committed), so the reply of a request at V may be kept and sent again
// without reading or encoding anything: to a client that repeats a bulk
// read (a screening, a dashboard, a downstream system pulling a year), it
// costs what copying its bytes costs.
//
// Keys are (method, data version, the request's bytes); a value is the
// reply's messages, each serialized (one for a unary call, the stream's
// messages in order for a server stream). Bounded by bytes: the least
// recently used replies go first, and a reply larger than a quarter of the
// bound is never kept. Thread-safe.
#ifndef IMDI_COMMON_REPLY_CACHE_H_
#define IMDI_COMMON_REPLY_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"

namespace imdi {

class ReplyCache {
 public:
  // A reply: its messages in order, shared with the cache.
  using Reply = std::shared_ptr<const std::vector<grpc::Slice>>;

  explicit ReplyCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  ReplyCache(const ReplyCache&) = delete;
  ReplyCache& operator=(const ReplyCache&) = delete;

  // The kept reply of `request` to `method` at `version`, or null.
  Reply Find(absl::string_view method, uint64_t version, const grpc::ByteBuffer& request);

  // Keeps `messages` as the reply of `request` to `method` at `version`.
  void Insert(absl::string_view method, uint64_t version, const grpc::ByteBuffer& request,
              std::vector<grpc::Slice> messages);

  // The bytes of the replies kept now.
  size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    Reply reply;
    size_t bytes = 0;
  };
  using Lru = std::list<Entry>;  // most recently used first

  static std::string Key(absl::string_view method, uint64_t version,
                         const grpc::ByteBuffer& request);

  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  Lru lru_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Lru::iterator> index_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace imdi

#endif  // IMDI_COMMON_REPLY_CACHE_H_
