// The files the award commands read: score sheets (with line numbers on bad
// rows), jurors, assessments, votes, nominations, and names of nominations.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/imdictl/inputs.h"

namespace imdi::imdictl {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

MATCHER_P2(ProblemAt, line, text, "") {
  return arg.line == line && arg.message.find(text) != std::string::npos;
}

TEST(ImdictlScoreSheet, ReadsRowsByHeaderWithNamesCodesOrIds) {
  std::vector<InputProblem> problems;
  const std::vector<ScoreRow> rows = ParseScoreSheet(
      "criterion,score,municipality\r\n"
      "settlement,10,Trondheim\r\n"
      "\r\n"
      "qualification,8.5,\"Bodø\"\r\n"
      "anchoring,9,4601\r\n",
      problems);
  EXPECT_THAT(problems, IsEmpty());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(rows[0].nomination, "Trondheim");
  EXPECT_EQ(rows[0].criterion, "settlement");
  EXPECT_EQ(rows[0].score, 10);
  EXPECT_EQ(rows[1].line, 4);
  EXPECT_EQ(rows[1].nomination, "Bodø");
  EXPECT_EQ(rows[1].score, 8.5);
  EXPECT_EQ(rows[2].nomination, "4601");
}

TEST(ImdictlScoreSheet, EveryBadRowIsReportedWithItsLine) {
  std::vector<InputProblem> problems;
  ParseScoreSheet(
      "nomination,criterion,score\n"
      "Trondheim,settlement,10\n"
      "Trondheim,settlement,9\n"
      ",qualification,8\n"
      "Bergen,anchoring,ten\n"
      "Bergen,anchoring,nan\n"
      "Bergen,settlement\n"
      "Bergen,,7\n",
      problems);
  EXPECT_THAT(problems, ElementsAre(ProblemAt(3, "scored on settlement already, on line 2"),
                                    ProblemAt(4, "the nomination is empty"),
                                    ProblemAt(5, "score \"ten\" is not a number"),
                                    ProblemAt(6, "score \"nan\" is not a number"),
                                    ProblemAt(7, "expected 3 fields, found 2"),
                                    ProblemAt(8, "the criterion is empty")));
  EXPECT_THAT(DescribeProblems("sheet.csv", problems),
              ::testing::StartsWith("sheet.csv:3: Trondheim is scored on settlement already, "
                                    "on line 2\nsheet.csv:4: the nomination is empty\n"));
}

TEST(ImdictlScoreSheet, HeaderProblemsAndEmptySheets) {
  std::vector<InputProblem> problems;
  ParseScoreSheet("", problems);
  EXPECT_THAT(problems, ElementsAre(ProblemAt(0, "the file is empty")));
  problems.clear();
  ParseScoreSheet("nomination,criterion,points\nTrondheim,settlement,10\n", problems);
  EXPECT_THAT(problems, ElementsAre(ProblemAt(1, "unknown column \"points\""),
                                    ProblemAt(1, "lacks the column \"score\"")));
  problems.clear();
  ParseScoreSheet("nomination,criterion,score\n", problems);
  EXPECT_THAT(problems, ElementsAre(ProblemAt(0, "no scores")));
  problems.clear();
  ParseScoreSheet("nomination,criterion,score\n\"Trondheim,settlement,10\n", problems);
  EXPECT_THAT(problems, ElementsAre(Field(&InputProblem::line, 2)));
}

TEST(ImdictlScoreSheet, TooManyRowsIsAProblemNotAnAllocation) {
  std::string text = "nomination,criterion,score\n";
  for (size_t i = 0; i <= kMaxInputRows; ++i) absl::StrAppend(&text, "n", i, ",c,1\n");
  std::vector<InputProblem> problems;
  const std::vector<ScoreRow> rows = ParseScoreSheet(text, problems);
  EXPECT_EQ(rows.size(), kMaxInputRows);
  EXPECT_THAT(problems, ElementsAre(ProblemAt(static_cast<int64_t>(kMaxInputRows) + 2,
                                              "more than 5000 rows")));
}

TEST(ImdictlInputs, JurorsAssessmentsAndVotes) {
  std::vector<InputProblem> problems;
  std::vector<JurorRow> jurors = ParseJurors(
      "juror_id,display_name,chair\nchair,Jury chair,yes\njuror-2,Juror two,\n"
      "juror-2,Again,no\njuror-4,Four,maybe\n",
      problems);
  ASSERT_EQ(jurors.size(), 2u);
  EXPECT_TRUE(jurors[0].juror.chair());
  EXPECT_FALSE(jurors[1].juror.chair());
  EXPECT_THAT(problems, ElementsAre(ProblemAt(4, "listed twice"), ProblemAt(5, "yes or no")));

  problems.clear();
  std::vector<AssessmentRow> assessments = ParseAssessments(
      "nomination,criterion,verdict,note\nTrondheim,creative_housing,,\n"
      "Bergen,anchored_plans,reject,not anchored\nArendal,x,perhaps,\n",
      problems);
  ASSERT_EQ(assessments.size(), 2u);
  EXPECT_TRUE(assessments[0].confirmed);
  EXPECT_FALSE(assessments[1].confirmed);
  EXPECT_EQ(assessments[1].note, "not anchored");
  EXPECT_THAT(problems, ElementsAre(ProblemAt(4, "confirm or reject")));

  problems.clear();
  std::vector<VotesRow> votes = ParseVotes("nomination,votes\nBergen,120\nBodø,-1\n", problems);
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(votes[0].votes, 120);
  EXPECT_THAT(problems, ElementsAre(ProblemAt(3, "whole number")));
}

TEST(ImdictlInputs, NominationFile) {
  award::v1::SubmitNominationRequest request;
  ASSERT_TRUE(ParseNominationFile("# Trondheim\nmunicipality = 1601\nregion = midt-norge\n"
                                  "nominator = IMDi Midt-Norge\njustification = A motor = yes\n"
                                  "claim.creative_housing = Housing for everyone.\n",
                                  request)
                  .ok());
  EXPECT_EQ(request.municipality_code(), "1601");
  EXPECT_EQ(request.nominator().imdi_region(), stats::v1::IMDI_REGION_MIDT_NORGE);
  EXPECT_EQ(request.nominator().kind(), award::v1::NOMINATOR_KIND_REGIONAL_OFFICE);
  EXPECT_EQ(request.justification(), "A motor = yes");
  ASSERT_EQ(request.claims_size(), 1);
  EXPECT_EQ(request.claims(0).criterion(), "creative_housing");

  award::v1::SubmitNominationRequest bad;
  EXPECT_EQ(ParseNominationFile("municipality = 1601\nregion = atlantis\n", bad).message(),
            "line 2: unknown IMDi region \"atlantis\"");
  EXPECT_EQ(ParseNominationFile("colour = red\n", bad).message().substr(0, 30),
            "line 1: unknown key \"colour\"; ");
  award::v1::SubmitNominationRequest empty;
  EXPECT_EQ(ParseNominationFile("region = NORD\n", empty).message(),
            "the file names no municipality (municipality = CODE)");
}

TEST(ImdictlInputs, NominationFileNamesItsFullText) {
  award::v1::SubmitNominationRequest request;
  std::string full_text_file;
  ASSERT_TRUE(ParseNominationFile("municipality = 1601\nfull_text_file = trondheim.md\n", request,
                                  &full_text_file)
                  .ok());
  EXPECT_EQ(full_text_file, "trondheim.md");
  // Where no file can be read, the key is refused.
  award::v1::SubmitNominationRequest bare;
  EXPECT_FALSE(ParseNominationFile("municipality = 1601\nfull_text_file = t.md\n", bare).ok());
  EXPECT_EQ(NominationFullTextPath("data/nominations/trondheim.txt", "trondheim.md"),
            "data/nominations/trondheim.md");
  EXPECT_EQ(NominationFullTextPath("trondheim.txt", "texts/t.md"), "texts/t.md");
  EXPECT_EQ(NominationFullTextPath("data/trondheim.txt", "/abs/t.md"), "/abs/t.md");
}

TEST(ImdictlInputs, DocumentMediaTypes) {
  EXPECT_EQ(GuessMediaType("nominasjon-trondheim.PDF"), "application/pdf");
  EXPECT_EQ(GuessMediaType("tekst.md"), "text/markdown");
  EXPECT_EQ(GuessMediaType("noname"), "application/octet-stream");
  EXPECT_EQ(GuessMediaType("archive.tar.zst"), "application/octet-stream");
}

TEST(ImdictlInputs, NominationsByIdCodeOrName) {
  google::protobuf::RepeatedPtrField<award::v1::Nomination> list;
  auto add = [&](const char* id, const char* code, const char* then, const char* name,
                 bool withdrawn) {
    award::v1::Nomination* n = list.Add();
    n->set_nomination_id(id);
    n->set_municipality_code(code);
    n->set_code_at_the_time(then);
    n->set_municipality_name(name);
    n->set_state(withdrawn ? award::v1::NOMINATION_STATE_WITHDRAWN
                           : award::v1::NOMINATION_STATE_ACTIVE);
  };
  add("n1", "5001", "1601", "Trondheim", false);
  add("n2", "4601", "1201", "Bergen", false);
  add("n3", "1804", "1804", "Bodø", true);
  EXPECT_EQ(*ResolveNomination("n2", list), "n2");
  EXPECT_EQ(*ResolveNomination("1601", list), "n1");
  EXPECT_EQ(*ResolveNomination("5001", list), "n1");
  EXPECT_EQ(*ResolveNomination("bergen", list), "n2");
  EXPECT_EQ(ResolveNomination("Bodø", list).status().code(), absl::StatusCode::kNotFound);
  add("n4", "4602", "1401", "Bergen", false);
  EXPECT_EQ(ResolveNomination("Bergen", list).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CitationFile, ReasonsInOrderWithTheirFigures) {
  award::v1::RecordCitationRequest request;
  ASSERT_TRUE(ParseCitationFile(
                  "# the jury\n"
                  "reason = Godt forankret i planene\n"
                  "reason = Bosetter om lag 25 % av regionens flyktninger ({2} av anmodningen)\n"
                  "figure = share_of_region 1601 2016 refugees_settled stated=25 tolerance=2,5\n"
                  "figure = ratio 1601 2016 refugees_settled of=refugees_requested\n"
                  "reason = Det ble bosatt {1} i landet\n"
                  "figure = country_total 2016 refugees_settled\n",
                  request)
                  .ok());
  ASSERT_EQ(request.reasons_size(), 3);
  EXPECT_EQ(request.reasons(0).figures_size(), 0);
  const auto& share = request.reasons(1).figures(0);
  EXPECT_EQ(share.kind(), award::v1::CITED_FIGURE_KIND_SHARE_OF_REGION);
  EXPECT_EQ(share.municipality_code(), "1601");
  EXPECT_EQ(share.year(), 2016);
  EXPECT_EQ(share.field(), "refugees_settled");
  EXPECT_EQ(share.stated_value(), 25);
  EXPECT_EQ(share.tolerance(), 2.5);
  EXPECT_EQ(request.reasons(1).figures(1).denominator_field(), "refugees_requested");
  EXPECT_FALSE(request.reasons(1).figures(1).has_stated_value());
  const auto& total = request.reasons(2).figures(0);
  EXPECT_EQ(total.kind(), award::v1::CITED_FIGURE_KIND_COUNTRY_TOTAL);
  EXPECT_TRUE(total.municipality_code().empty());
}

TEST(CitationFile, SaysWhichLineIsWrong) {
  award::v1::RecordCitationRequest request;
  EXPECT_EQ(ParseCitationFile("figure = value 1601 2016 refugees_settled\n", request).message(),
            "line 1: a figure belongs to the reason before it");
  EXPECT_EQ(ParseCitationFile("reason = x\nfigure = guess 1601 2016 f\n", request)
                .message()
                .substr(0, 36),
            "line 2: unknown figure kind \"guess\";");
  EXPECT_EQ(ParseCitationFile("reason = x\nfigure = value 1601 2016 f stated=many\n", request)
                .message(),
            "line 2: stated \"many\" is not a number");
  award::v1::RecordCitationRequest empty;
  EXPECT_EQ(ParseCitationFile("# nothing\n", empty).message(),
            "the file holds no reason (reason = TEXT)");
}

}  // namespace
}  // namespace imdi::imdictl
