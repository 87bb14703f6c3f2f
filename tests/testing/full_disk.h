// A RocksDB environment whose disk can be made full: while full, every
// write to a file fails with "No space left on device", as it would on a
// real full disk, and making room again is one call. For tests of what the
// stores and services do when the disk fills up.
#ifndef IMDI_TESTS_TESTING_FULL_DISK_H_
#define IMDI_TESTS_TESTING_FULL_DISK_H_

#include <atomic>
#include <memory>
#include <string>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace imdi::testing {

class FullDiskFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FullDiskFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  const char* Name() const override { return "FullDiskFileSystem"; }
  void SetFull(bool full) { full_.store(full); }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* debug) override {
    if (full_.load()) return rocksdb::IOStatus::NoSpace("test disk is full");
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, file, debug);
    if (s.ok()) *file = std::make_unique<File>(std::move(*file), full_);
    return s;
  }

  // What the disk reports, as a real one would: nothing free while full
  // (RocksDB waits for room before it tries to recover).
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* space, rocksdb::IODebugContext* debug) override {
    if (full_.load()) {
      *space = 0;
      return rocksdb::IOStatus::OK();
    }
    return target()->GetFreeSpace(path, options, space, debug);
  }

  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* file,
                                       rocksdb::IODebugContext* debug) override {
    rocksdb::IOStatus s = target()->ReopenWritableFile(name, options, file, debug);
    if (s.ok()) *file = std::make_unique<File>(std::move(*file), full_);
    return s;
  }

 private:
  // A file whose appends fail while the disk is full.
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>& full)
        : FSWritableFileOwnerWrapper(std::move(file)), full_(full) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override {
      if (full_.load()) return rocksdb::IOStatus::NoSpace("test disk is full");
      return FSWritableFileOwnerWrapper::Append(data, options, debug);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* debug) override {
      if (full_.load()) return rocksdb::IOStatus::NoSpace("test disk is full");
      return FSWritableFileOwnerWrapper::Append(data, options, info, debug);
    }

   private:
    const std::atomic<bool>& full_;
  };

  std::atomic<bool> full_{false};
};

// An Env over a FullDiskFileSystem; keep both alive while the store is open.
struct FullDisk {
  std::shared_ptr<FullDiskFileSystem> fs = std::make_shared<FullDiskFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
};

}  // namespace imdi::testing

#endif  // IMDI_TESTS_TESTING_FULL_DISK_H_
