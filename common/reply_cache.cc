#include "common/reply_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace imdi {

std::string ReplyCache::Key(absl::string_view method, uint64_t version,
                            const grpc::ByteBuffer& request) {
  std::string key = absl::StrCat(method, "\n", version, "\n");
  std::vector<grpc::Slice> slices;
  if (request.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      key.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return key;
}

ReplyCache::Reply ReplyCache::Find(absl::string_view method, uint64_t version,
                                   const grpc::ByteBuffer& request) {
  const std::string key = Key(method, version, request);
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->reply;
}

void ReplyCache::Insert(absl::string_view method, uint64_t version,
                        const grpc::ByteBuffer& request, std::vector<grpc::Slice> messages) {
  std::string key = Key(method, version, request);
  size_t bytes = key.size() + sizeof(Entry);
  for (const grpc::Slice& slice : messages) bytes += slice.size();
  if (bytes > max_bytes_ / 4) return;
  auto reply = std::make_shared<const std::vector<grpc::Slice>>(std::move(messages));
  absl::MutexLock lock(&mu_);
  if (index_.contains(key)) return;  // kept by a concurrent call meanwhile
  lru_.push_front({key, std::move(reply), bytes});
  index_.emplace(std::move(key), lru_.begin());
  bytes_ += bytes;
  while (bytes_ > max_bytes_) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

size_t ReplyCache::bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

}  // namespace imdi
