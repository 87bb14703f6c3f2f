#include "tools/imdictl/output.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/imdi_region.h"

namespace imdi::imdictl {

namespace api = ::imdi::award::v1;

size_t DisplayWidth(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Table::Render() const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size()) line.append(width[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    absl::StrAppend(&out, absl::StripTrailingAsciiWhitespace(line), "\n");
  };
  render(header_);
  for (const auto& row : rows_) render(row);
  return out;
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

namespace {

// "CYCLE_STATE_NOMINATIONS_OPEN" without "CYCLE_STATE_", in lower case
// with spaces.
std::string Readable(const std::string& name, absl::string_view prefix) {
  std::string out =
      absl::AsciiStrToLower(absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name);
  absl::StrReplaceAll({{"_", " "}}, &out);
  return out.empty() ? "?" : out;
}

}  // namespace

std::string StateName(api::CycleState state) {
  return Readable(api::CycleState_Name(state), "CYCLE_STATE_");
}

std::string VerdictName(api::Verdict verdict) {
  return Readable(api::Verdict_Name(verdict), "VERDICT_");
}

std::string AssessmentName(api::AssessmentState state) {
  return Readable(api::AssessmentState_Name(state), "ASSESSMENT_STATE_");
}

std::string RegionName(stats::v1::ImdiRegion region) {
  const absl::string_view name = ImdiRegionName(region);
  return name.empty() ? "-" : std::string(name);
}

std::string InputRequestId(absl::string_view command, const google::protobuf::Message& request) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : request.SerializeAsString()) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  // Request ids are printable ASCII without spaces: "cycle open" is "cycle-open".
  return absl::StrFormat("imdictl-%s-%016x", absl::StrReplaceAll(command, {{" ", "-"}}), hash);
}

std::string DescribeNomination(const api::Nomination& n) {
  const api::Evaluation& e = n.evaluation();
  std::string out = absl::StrCat("nomination ", n.nomination_id(), ": ", n.municipality_name(),
                                 " (", n.municipality_code());
  if (!n.code_at_the_time().empty() && n.code_at_the_time() != n.municipality_code()) {
    absl::StrAppend(&out, ", ", n.code_at_the_time(), " in ", e.figures_year());
  }
  absl::StrAppend(&out, "), ", RegionName(n.imdi_region()));
  if (n.state() == api::NOMINATION_STATE_WITHDRAWN) absl::StrAppend(&out, ", WITHDRAWN");
  absl::StrAppend(&out, "\n  nominated by ",
                  n.nominator().display_name().empty() ? "-" : n.nominator().display_name());
  if (n.create_time().seconds() != 0) absl::StrAppend(&out, " on ", FormatTime(n.create_time()));
  absl::StrAppend(&out, "\n  verdict: ", VerdictName(e.verdict()),
                  e.eligible() ? " (eligible)" : " (not eligible)");
  if (e.data_version() != 0) absl::StrAppend(&out, ", data version ", e.data_version());
  absl::StrAppend(&out, "\n");
  for (const api::CriterionResult& c : e.criteria()) {
    absl::StrAppend(&out, "    ", absl::StrFormat("%-18s", VerdictName(c.verdict())), " ",
                    c.criterion());
    if (!c.explanation().empty()) absl::StrAppend(&out, ": ", c.explanation());
    absl::StrAppend(&out, "\n");
  }
  for (const api::AssessmentClaim& claim : n.claims()) {
    absl::StrAppend(&out, "  claim ", claim.criterion(), " (", AssessmentName(claim.state()), ")");
    if (!claim.jury_note().empty()) absl::StrAppend(&out, ", jury: ", claim.jury_note());
    absl::StrAppend(&out, "\n");
  }
  if (!n.override_reason().empty())
    absl::StrAppend(&out, "  override: ", n.override_reason(), "\n");
  return out;
}

std::string DescribeProgress(const api::GetCycleProgressResponse& p) {
  std::ostringstream out;
  out << p.title() << " (cycle " << p.cycle_id() << "): " << StateName(p.state());
  if (p.data_version() != 0) out << ", data version " << p.data_version() << " (frozen)";
  out << "\nas of " << FormatTime(p.compute_time()) << ", etag " << p.etag() << "\n";

  if (!p.schedule().empty()) {
    out << "\nSchedule\n";
    Table table({"  what", "date", "when"});
    for (const api::ScheduleDate& d : p.schedule()) {
      std::string when = d.days_left() == 0 ? "today"
                         : d.passed()       ? absl::StrCat(-d.days_left(), " days ago")
                                            : absl::StrCat("in ", d.days_left(), " days");
      table.Add({absl::StrCat("  ", d.name()), d.date(), when});
    }
    out << table.Render();
  }
  if (!p.regions().empty()) {
    out << "\nRegions\n";
    Table table({"  region", "quota", "active", "withdrawn", "nominees"});
    for (const api::RegionProgress& r : p.regions()) {
      table.Add({absl::StrCat("  ", RegionName(r.imdi_region())),
                 r.quota() == 0 ? "-" : absl::StrCat(r.quota()), absl::StrCat(r.active()),
                 absl::StrCat(r.withdrawn()),
                 absl::StrCat(absl::StrJoin(r.nominees(), ", "), r.filled() ? " (filled)" : "")});
    }
    out << table.Render();
  }
  out << "\nPending assessments: " << p.pending_assessments_size() << "\n";
  for (const api::PendingAssessment& a : p.pending_assessments()) {
    out << "  " << a.municipality_name() << " (" << a.nomination_id() << "): " << a.criterion()
        << "\n";
  }
  if (!p.jurors().empty()) {
    out << "\nJurors\n";
    Table table({"  juror", "name", "scores", "missing"});
    for (const api::JurorProgress& j : p.jurors()) {
      std::vector<std::string> missing;
      for (const api::MissingScore& m : j.missing()) {
        missing.push_back(absl::StrCat(m.municipality_name(), " ", m.criterion()));
      }
      const size_t shown = std::min<size_t>(missing.size(), 6);
      std::string missing_text =
          missing.empty()
              ? "-"
              : absl::StrJoin(missing.begin(), missing.begin() + static_cast<std::ptrdiff_t>(shown),
                              ", ");
      if (missing.size() > shown)
        absl::StrAppend(&missing_text, ", and ", missing.size() - shown, " more");
      table.Add({absl::StrCat("  ", j.juror_id(), j.chair() ? " (chair)" : ""), j.display_name(),
                 absl::StrCat(j.scores_recorded(), "/", j.scores_expected()), missing_text});
    }
    out << table.Render();
  }
  out << "\nNext steps\n";
  for (const api::TransitionProgress& t : p.transitions()) {
    out << "  " << t.method() << " -> " << StateName(t.to_state()) << ": "
        << (t.allowed() ? "allowed" : "blocked") << "\n";
    for (const auto& b : t.blockers()) {
      out << "      " << b.type() << " " << b.subject() << ": " << b.description() << "\n";
    }
    for (const std::string& w : t.warnings()) out << "      warning: " << w << "\n";
  }
  return out.str();
}

bool WriteOutput(absl::string_view data, const std::string& path) {
  if (path.empty()) {
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    return static_cast<bool>(std::cout);
  }
  const std::string partial = path + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file.write(data.data(), static_cast<std::streamsize>(data.size()));
    file.close();
    if (!file) {
      std::cerr << "imdictl: cannot write " << partial << "\n";
      std::filesystem::remove(partial);
      return false;
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    std::cerr << "imdictl: cannot rename " << partial << " to " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace imdi::imdictl
