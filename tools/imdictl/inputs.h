// The files imdictl reads for the award service: a juror's score sheet,
// jurors to register, assessments to confirm, vote tallies (CSV with a
// header), and a nomination (key = value lines). Every row is checked
// before anything is sent; problems name their line.
//
// A row names a nomination by its id, its municipality's code (current or
// at the time) or its municipality's name; ResolveNomination maps it to an
// id against the cycle's nominations.
//
// Pure functions; thread-safe.
#ifndef IMDI_TOOLS_IMDICTL_INPUTS_H_
#define IMDI_TOOLS_IMDICTL_INPUTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "imdi/award/v1/award.pb.h"

namespace imdi::imdictl {

// Rows of one file at most: a sheet is six nominees times a few criteria.
inline constexpr size_t kMaxInputRows = 5000;

struct InputProblem {
  int64_t line = 0;  // 0: the file as a whole
  std::string message;
};

// "FILE:LINE: message" lines, at most `limit` of them and "... N more".
std::string DescribeProblems(absl::string_view file, const std::vector<InputProblem>& problems,
                             size_t limit = 50);

// A CSV file read into rows: the header's columns (lower case), checked
// against the columns a kind of file needs and may have.
struct CsvTable {
  struct Row {
    int64_t line = 0;
    std::vector<std::string> fields;  // in `columns` order; "" when absent
  };
  std::vector<std::string> columns;  // the known columns, in the order asked
  std::vector<Row> rows;
};
// `required` columns must be in the header, `optional` may be; `aliases`
// maps other spellings (e.g. "municipality" for "nomination"). Any other
// column, a row with the wrong number of fields, or more than
// kMaxInputRows rows is a problem.
CsvTable ReadCsvTable(absl::string_view text, const std::vector<std::string>& required,
                      const std::vector<std::string>& optional,
                      const std::vector<std::pair<std::string, std::string>>& aliases,
                      std::vector<InputProblem>& problems);

// One score of a score sheet: nomination,criterion,score.
struct ScoreRow {
  int64_t line = 0;
  std::string nomination;  // as written: id, code or name
  std::string criterion;
  double score = 0;
};
std::vector<ScoreRow> ParseScoreSheet(absl::string_view text, std::vector<InputProblem>& problems);

// One juror: juror_id,display_name[,chair].
struct JurorRow {
  int64_t line = 0;
  award::v1::Juror juror;
};
std::vector<JurorRow> ParseJurors(absl::string_view text, std::vector<InputProblem>& problems);

// One assessment: nomination,criterion[,verdict (confirm|reject)][,note].
struct AssessmentRow {
  int64_t line = 0;
  std::string nomination;
  std::string criterion;
  bool confirmed = true;
  std::string note;
};
std::vector<AssessmentRow> ParseAssessments(absl::string_view text,
                                            std::vector<InputProblem>& problems);

// One tally: nomination,votes.
struct VotesRow {
  int64_t line = 0;
  std::string nomination;
  int64_t votes = 0;
};
std::vector<VotesRow> ParseVotes(absl::string_view text, std::vector<InputProblem>& problems);

// A nomination file, `key = value` lines: municipality, region, nominator
// (a name), nominator_kind (regional_office or municipality),
// justification, override_reason, and claim.<criterion> = text for each
// assessed criterion claimed. Fills `request` but for cycle and request id.
// With `full_text_file`, the key full_text_file = PATH names a file of the
// nomination's full text (Markdown), which the caller reads
// (NominationFullTextPath); without it the key is refused.
absl::Status ParseNominationFile(absl::string_view text,
                                 award::v1::SubmitNominationRequest& request,
                                 std::string* full_text_file = nullptr);

// --------------------------------------------------------------------------
// Nomination documents and full texts.

// The path `named` in the nomination file `nomination_file`: as it is when
// absolute, else relative to the nomination file's directory.
std::string NominationFullTextPath(absl::string_view nomination_file, absl::string_view named);

// A document's media type from its file name's extension (.pdf
// application/pdf, .md text/markdown, ...); application/octet-stream for
// any other.
std::string GuessMediaType(absl::string_view file_name);

// The jury's citation file, `key = value` lines in order: each
// `reason = text` starts a reason; each `figure = KIND [CODE] YEAR FIELD
// [of=FIELD] [stated=NUMBER] [tolerance=NUMBER]` cites a figure of the
// reason before it. KIND is value, share_of_region, share_of_county,
// share_of_country, ratio (with of=) or country_total (without CODE);
// numbers take a decimal point or comma. Fills `request`'s reasons.
absl::Status ParseCitationFile(absl::string_view text,
                               award::v1::RecordCitationRequest& request);

// "MIDT_NORGE", "midt-norge" or "IMDI_REGION_MIDT_NORGE".
std::optional<stats::v1::ImdiRegion> ParseRegion(absl::string_view text);

// The nomination `ref` names among `nominations` (active ones): by id, by
// municipality code now or at the time, or by municipality name (ASCII
// case-insensitive). An error says why none or several match.
absl::StatusOr<std::string> ResolveNomination(
    absl::string_view ref,
    const google::protobuf::RepeatedPtrField<award::v1::Nomination>& nominations);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_INPUTS_H_
