#include "award-service/domain/results_csv.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace imdi::award {
namespace {

namespace v1 = ::imdi::award::v1;

std::string Field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// "met", "not_met", "insufficient_data", "needs_assessment".
std::string VerdictWord(v1::Verdict verdict) {
  std::string name = v1::Verdict_Name(verdict);
  if (name.rfind("VERDICT_", 0) == 0) name = name.substr(8);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

// One row; the columns of kCycleResultsHeader.
struct Row {
  std::string section{}, nomination_id{}, code{}, name{}, rank{}, juror{}, criterion{}, score{},
      jury_score{}, vote_share{}, final_score{}, verdict{}, data_version{}, note{};
};

}  // namespace

CycleResultsCsv RenderCycleResults(const storage::v1::CycleRecord& record) {
  const v1::Cycle& cycle = record.cycle();
  std::map<std::string, const v1::Nomination*> by_id;
  for (const v1::Nomination& n : record.nominations()) by_id[n.nomination_id()] = &n;
  std::vector<Row> rows;
  auto nominee = [&by_id](const std::string& id, Row& row) {
    row.nomination_id = id;
    auto it = by_id.find(id);
    if (it == by_id.end()) return;
    row.code = it->second->municipality_code();
    row.name = it->second->municipality_name();
  };
  for (const v1::RankedCandidate& c : cycle.decision().ranking()) {
    Row row{.section = "ranking"};
    nominee(c.nomination_id(), row);
    if (row.code.empty()) {
      row.code = c.municipality_code();
      row.name = c.municipality_name();
    }
    row.rank = absl::StrCat(c.rank());
    if (c.has_jury_score()) row.jury_score = Number(c.jury_score());
    if (c.has_vote_share()) row.vote_share = Number(c.vote_share());
    row.final_score = Number(c.final_score());
    row.data_version = cycle.data_version() > 0 ? absl::StrCat(cycle.data_version()) : "";
    row.note = c.tie_note();
    rows.push_back(std::move(row));
  }
  // Scores by nomination (submission order), juror, criterion.
  std::map<std::string, int> order;
  for (int i = 0; i < record.nominations_size(); ++i) order[record.nominations(i).nomination_id()] = i;
  std::vector<const storage::v1::ScoreRecord*> scores;
  for (const auto& s : record.scores()) scores.push_back(&s);
  std::stable_sort(scores.begin(), scores.end(), [&order](const auto* a, const auto* b) {
    auto key = [&order](const storage::v1::ScoreRecord* s) {
      auto it = order.find(s->nomination_id());
      return std::make_tuple(it == order.end() ? -1 : it->second, s->juror_id(), s->criterion());
    };
    return key(a) < key(b);
  });
  for (const storage::v1::ScoreRecord* s : scores) {
    Row row{.section = "score"};
    nominee(s->nomination_id(), row);
    row.juror = s->juror_id();
    row.criterion = s->criterion();
    row.score = Number(s->score());
    rows.push_back(std::move(row));
  }
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() == v1::NOMINATION_STATE_WITHDRAWN || !n.has_evaluation()) continue;
    const v1::Evaluation& e = n.evaluation();
    const std::string version = e.data_version() > 0 ? absl::StrCat(e.data_version()) : "";
    for (const v1::CriterionResult& c : e.criteria()) {
      Row row{.section = "verdict"};
      nominee(n.nomination_id(), row);
      row.criterion = c.criterion();
      row.verdict = VerdictWord(c.verdict());
      row.data_version = version;
      row.note = c.explanation();
      rows.push_back(std::move(row));
    }
    Row row{.section = "requirement"};
    nominee(n.nomination_id(), row);
    row.verdict = VerdictWord(e.verdict());
    row.data_version = version;
    row.note = e.requirement().explanation();
    rows.push_back(std::move(row));
  }
  CycleResultsCsv out;
  out.csv = absl::StrCat(kCycleResultsHeader, "\n");
  const std::string cycle_id = Field(cycle.cycle_id());
  for (const Row& r : rows) {
    absl::StrAppend(&out.csv, cycle_id, ",", r.section, ",", Field(r.nomination_id), ",",
                    Field(r.code), ",", Field(r.name), ",", r.rank, ",", Field(r.juror), ",",
                    Field(r.criterion), ",", r.score, ",", r.jury_score, ",", r.vote_share, ",",
                    r.final_score, ",", r.verdict, ",", r.data_version, ",", Field(r.note), "\n");
  }
  out.rows = static_cast<int>(rows.size());
  return out;
}

}  // namespace imdi::award
