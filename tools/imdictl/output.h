// Human output: aligned tables, dates, readable names of the API's enums,
// and the request ids that make a command safe to run again.
//
// Pure functions and a value type; thread-compatible.
#ifndef IMDI_TOOLS_IMDICTL_OUTPUT_H_
#define IMDI_TOOLS_IMDICTL_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "imdi/award/v1/award.pb.h"
#include "imdi/stats/v1/stats.pb.h"

namespace imdi::imdictl {

// Columns aligned by their widest cell (in characters, not bytes).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Characters of UTF-8 text (code points).
size_t DisplayWidth(absl::string_view text);

// "2017-04-26 10:00 UTC"; "" when unset.
std::string FormatTime(const google::protobuf::Timestamp& time);

// "nominations open", "met", "IMDi Midt-Norge", ...
std::string StateName(award::v1::CycleState state);
std::string VerdictName(award::v1::Verdict verdict);
std::string RegionName(stats::v1::ImdiRegion region);
std::string AssessmentName(award::v1::AssessmentState state);

// A request id that is the same for the same input (FNV-1a of the
// request's bytes, its request_id empty), so that running a command again
// changes nothing.
std::string InputRequestId(absl::string_view command, const google::protobuf::Message& request);

// A nomination for people: nominee, nominator, overall verdict, and each
// criterion's verdict with its explanation, then the claims.
std::string DescribeNomination(const award::v1::Nomination& nomination);

// The cycle's dashboard (GetCycleProgress): state, the schedule with days
// left, regions, pending assessments, missing scores per juror, and each
// next step, allowed or with what blocks it.
std::string DescribeProgress(const award::v1::GetCycleProgressResponse& progress);

// Writes `data` to `path` (through PATH.partial, renamed when complete, so
// that a failed write never leaves a file that looks whole), or to standard
// output when `path` is empty. False, with a message on stderr, on failure.
bool WriteOutput(absl::string_view data, const std::string& path);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_OUTPUT_H_
