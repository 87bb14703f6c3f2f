#include "tools/imdictl/import_pipeline.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/time/clock.h"
#include "tools/import/import_requests.h"

namespace imdi::imdictl {

ImportPipeline::ImportPipeline(ImportPipelineOptions options)
    : options_(std::move(options)), parser_([this] { Produce(); }) {}

ImportPipeline::~ImportPipeline() {
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }
  parser_.join();
}

bool ImportPipeline::Push(Item item) {
  const bool message = std::holds_alternative<Message>(item);
  absl::MutexLock lock(&mu_);
  // Only messages count against the bound: a file's parse and its end are
  // small, and a parse must not wait for the previous file's last message.
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopped_ || queued_messages_ < options_.queued_messages;
  };
  if (message) mu_.Await(absl::Condition(&room));
  if (stopped_) return false;
  if (message) ++queued_messages_;
  queue_.push_back(std::move(item));
  return true;
}

void ImportPipeline::Produce() {
  for (size_t i = 0; i < options_.paths.size(); ++i) {
    const std::string& path = options_.paths[i];
    FileParsed file{i, absl::Now(), absl::UnknownError("not parsed")};
    absl::StatusOr<import::ParsedFile> parsed = import::ParseFiguresPath(path);
    if (!parsed.ok()) {
      file.parsed = parsed.status();
      Push(std::move(file));
      break;
    }
    auto shared = std::make_shared<const import::ParsedFile>(*std::move(parsed));
    file.parsed = shared;
    if (!Push(std::move(file))) break;
    // The file's name is the rows' source: one line of UTF-8 (the builder
    // makes it so), whatever bytes the file system gave it.
    import::ImportRequestBuilder builder(
        *shared, std::filesystem::path(path).filename().string(), options_.status, options_.batch,
        i < options_.known_dates.size() ? options_.known_dates[i] : "");
    bool stopped = false;
    for (;;) {
      Message message;
      if (!builder.Next(message.request)) break;
      if (!Push(std::move(message))) {
        stopped = true;
        break;
      }
    }
    if (stopped || !Push(FileDone{})) break;
  }
  absl::MutexLock lock(&mu_);
  produced_all_ = true;
}

bool ImportPipeline::Next(Item& item) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]()
                   ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || produced_all_; };
  mu_.Await(absl::Condition(&ready));
  if (queue_.empty()) return false;
  item = std::move(queue_.front());
  queue_.pop_front();
  if (std::holds_alternative<Message>(item)) --queued_messages_;
  return true;
}

}  // namespace imdi::imdictl
