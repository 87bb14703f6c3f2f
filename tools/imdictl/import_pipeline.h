// The reading side of `imdictl import`: parses the named figure files in
// their order on a thread of its own and hands over, for each file, its
// parse and then its ImportFigures messages, while the caller streams the
// messages before them. The parse of a file overlaps the sending of the
// file before it, and a file's messages are made while the first ones are
// on the wire: the client no longer waits on itself between the service's
// commits.
//
// Memory is bounded: at most `queued_messages` messages wait to be sent, a
// file's records are held from its parse until its last message is taken,
// and the CSV text is never held whole (common/csv.h streams it). A file's
// records cannot be sent before all its rows are read: a later row may add
// to a record or reject it (figures_source.h).
//
// One consumer thread calls Next(); the pipeline owns its parser thread,
// which the destructor stops (it may be blocked on a full queue) and joins.
#ifndef IMDI_TOOLS_IMDICTL_IMPORT_PIPELINE_H_
#define IMDI_TOOLS_IMDICTL_IMPORT_PIPELINE_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "imdi/stats/v1/stats.pb.h"
#include "tools/import/figures_source.h"

namespace imdi::imdictl {

struct ImportPipelineOptions {
  std::vector<std::string> paths;
  std::vector<std::string> known_dates;  // one per path, "" for none
  stats::v1::FiguresStatus status = stats::v1::FIGURES_STATUS_UNSPECIFIED;
  size_t batch = 500;          // rows per message at most
  size_t queued_messages = 4;  // messages made and not yet taken, at most
};

class ImportPipeline {
 public:
  // The file `index` of the paths was read: its parse, or why it could not
  // be (the pipeline stops after such a file).
  struct FileParsed {
    size_t index = 0;
    absl::Time parse_start;
    absl::StatusOr<std::shared_ptr<const import::ParsedFile>> parsed;
  };
  // The next message of the current file.
  struct Message {
    stats::v1::ImportFiguresRequest request;
  };
  // The current file has no more messages.
  struct FileDone {};
  using Item = std::variant<FileParsed, Message, FileDone>;

  // Starts parsing the first file.
  explicit ImportPipeline(ImportPipelineOptions options);
  ~ImportPipeline();
  ImportPipeline(const ImportPipeline&) = delete;
  ImportPipeline& operator=(const ImportPipeline&) = delete;

  // The next item in order (FileParsed, its Messages, FileDone, the next
  // file's FileParsed, ...); blocks until it is made. False after the last
  // item: after the last file's FileDone, or a FileParsed with an error.
  bool Next(Item& item);

 private:
  void Produce();
  // Blocks while the queue is full; false when the consumer has gone.
  bool Push(Item item);

  const ImportPipelineOptions options_;
  absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_messages_ ABSL_GUARDED_BY(mu_) = 0;
  bool produced_all_ ABSL_GUARDED_BY(mu_) = false;  // the parser thread is done
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;       // the consumer has gone
  std::thread parser_;                              // last: starts once the rest is built
};

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_IMPORT_PIPELINE_H_
