// The results of a cycle as CSV (award-service/domain/results_csv.h).
#include "award-service/domain/results_csv.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;

storage::v1::CycleRecord Sample() {
  storage::v1::CycleRecord r;
  v1::Cycle* c = r.mutable_cycle();
  c->set_cycle_id("2016");
  c->set_data_version(42);
  for (const char* id : {"n1", "n2", "n3"}) {
    v1::Nomination* n = r.add_nominations();
    n->set_nomination_id(id);
  }
  r.mutable_nominations(0)->set_municipality_code("5001");
  r.mutable_nominations(0)->set_municipality_name("Trondheim");
  r.mutable_nominations(1)->set_municipality_code("1103");
  r.mutable_nominations(1)->set_municipality_name("Stavanger, by");
  r.mutable_nominations(2)->set_state(v1::NOMINATION_STATE_WITHDRAWN);
  v1::Evaluation* e = r.mutable_nominations(0)->mutable_evaluation();
  e->set_data_version(42);
  e->set_verdict(v1::VERDICT_MET);
  e->mutable_requirement()->set_explanation("1 and (2 or 3): met");
  v1::CriterionResult* cr = e->add_criteria();
  cr->set_criterion("settled_vs_requested");
  cr->set_verdict(v1::VERDICT_INSUFFICIENT_DATA);
  cr->set_explanation("refugees_requested 2015 not known");
  v1::RankedCandidate* first = c->mutable_decision()->add_ranking();
  first->set_nomination_id("n1");
  first->set_rank(1);
  first->set_jury_score(4.5);
  first->set_final_score(4.5);
  v1::RankedCandidate* second = c->mutable_decision()->add_ranking();
  second->set_nomination_id("n2");
  second->set_rank(2);
  second->set_final_score(3.25);
  second->set_tie_note("tie-break: higher vote share");
  for (auto [juror, nomination, score] :
       std::vector<std::tuple<const char*, const char*, double>>{
           {"b", "n2", 3}, {"a", "n1", 5}, {"b", "n1", 4}}) {
    storage::v1::ScoreRecord* s = r.add_scores();
    s->set_juror_id(juror);
    s->set_nomination_id(nomination);
    s->set_criterion("effort");
    s->set_score(score);
  }
  return r;
}

TEST(CycleResultsCsvTest, RankingScoresAndVerdictsWithTheirDataVersion) {
  const CycleResultsCsv out = RenderCycleResults(Sample());
  std::vector<std::string> lines = absl::StrSplit(out.csv, '\n');
  EXPECT_THAT(
      lines,
      ElementsAre(
          kCycleResultsHeader,
          "2016,ranking,n1,5001,Trondheim,1,,,,4.5,,4.5,,42,",
          // No jury score: empty, not 0.
          "2016,ranking,n2,1103,\"Stavanger, by\",2,,,,,,3.25,,42,tie-break: higher vote share",
          "2016,score,n1,5001,Trondheim,,a,effort,5,,,,,,",
          "2016,score,n1,5001,Trondheim,,b,effort,4,,,,,,",
          "2016,score,n2,1103,\"Stavanger, by\",,b,effort,3,,,,,,",
          "2016,verdict,n1,5001,Trondheim,,,settled_vs_requested,,,,,insufficient_data,42,"
          "refugees_requested 2015 not known",
          "2016,requirement,n1,5001,Trondheim,,,,,,,,met,42,1 and (2 or 3): met", ""));
  EXPECT_EQ(out.rows, 7);
}

}  // namespace
}  // namespace imdi::award
