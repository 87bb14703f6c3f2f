// Crash test of award-service: the real binary (fsync on every commit, the
// default --sync=true) is killed with SIGKILL at random moments while the
// 2016 cycle is driven through its whole workflow as
// tests/e2e/scenarios/award_2016.scenario does it: the winners up to 2015,
// the cycle from data/award/bosettingsprisen-2016.json, six nominations and
// the refused ones, the announcement, the jury, conflicts, assessments,
// scores, the decision, the winner, the archive and the rest of the winners.
// Every mutating call carries a fixed request_id. After a kill the service is
// restarted on the same data directory and the call that was in flight is
// sent again, unchanged, until it gets its answer: a change that had
// committed comes back as the stored response and changes nothing.
//
// Refusals (FAILED_PRECONDITION, PERMISSION_DENIED) are audited but store no
// response, so sending a refused call again appends a second, correct,
// refusal event. A careful client does not refuse twice what it may already
// have been refused: after a restart the driver looks for the in-flight
// refused call's request id in the audit trail and sends it again only when
// it is not there. With that, the audit trail of a crashed run must equal a
// clean run's exactly (times aside), and every request id appears once.
//
// A round uses a fresh award store and ends when the workflow completes; its
// final state (GetCycle, ListNominations, ListWinners, ListAuditEvents paged)
// must equal the clean run's with timestamps cleared, also after one more
// SIGKILL and restart. Etags, nomination ids and revisions are deterministic
// and compared. Both runs read the same statistics service, which is not
// killed, so evaluations and data versions agree.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "imdi/award/v1/award.grpc.pb.h"
#include "imdi/stats/v1/stats.grpc.pb.h"
#include "tests/crash/crash_support.h"
#include "tools/award/award_files.h"
#include "tools/import/figures_source.h"
#include "tools/import/import_requests.h"
#include "tools/import/municipality_source.h"

namespace imdi::crash {
namespace {

namespace v1 = ::imdi::award::v1;
namespace stats_api = ::imdi::stats::v1;
using google::protobuf::Message;

constexpr char kAwardService[] = "imdi.award.v1.AwardService";
constexpr char kStatsService[] = "imdi.stats.v1.StatsService";
constexpr char kCycleId[] = "2016";
constexpr Millis kStartTimeout(20000);
constexpr Millis kCallTimeout(15000);
constexpr Millis kExitTimeout(10000);
constexpr int kStartupKillPercent = 15;
constexpr int kMaxRestartsPerRound = 2000;
constexpr int kAuditPageSize = 7;  // several pages, so paging is exercised

// What the driver is doing when a kill lands: a step index (>= 0, a call in
// flight) or one of these.
constexpr int kBetweenCalls = -1;
constexpr int kStarting = -2;
constexpr int kReadingBack = -3;

// ---------------------------------------------------------------------------
// The workflow as data.

struct Step {
  enum Kind { kCall, kRead, kRefuse };
  Kind kind = kCall;
  std::string method;
  std::string actor;
  std::string json;  // the request in proto3 JSON; ${name} is a saved value
  std::shared_ptr<const Message> prebuilt;  // instead of json
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string reason;  // ErrorInfo reason of an expected refusal
  std::vector<std::pair<std::string, std::string>> saves;    // name <- field path
  std::vector<std::pair<std::string, std::string>> expects;  // field path == value
  std::string request_id;  // filled in from the request

  bool mutating() const { return kind != kRead; }
  // Refusals the service writes to the audit trail.
  bool audited_refusal() const {
    return kind == kRefuse && (code == grpc::StatusCode::FAILED_PRECONDITION ||
                               code == grpc::StatusCode::PERMISSION_DENIED);
  }
  std::string label() const {
    return absl::StrCat(method, request_id.empty() ? "" : " ", request_id);
  }
};

Step Call(std::string actor, std::string method, std::string json,
          std::vector<std::pair<std::string, std::string>> saves = {},
          std::vector<std::pair<std::string, std::string>> expects = {}) {
  Step s;
  s.kind = Step::kCall;
  s.actor = std::move(actor);
  s.method = std::move(method);
  s.json = std::move(json);
  s.saves = std::move(saves);
  s.expects = std::move(expects);
  return s;
}

Step Read(std::string actor, std::string method, std::string json,
          std::vector<std::pair<std::string, std::string>> saves = {},
          std::vector<std::pair<std::string, std::string>> expects = {}) {
  Step s = Call(std::move(actor), std::move(method), std::move(json), std::move(saves),
                std::move(expects));
  s.kind = Step::kRead;
  return s;
}

Step Refuse(std::string actor, std::string method, grpc::StatusCode code, std::string reason,
            std::string json) {
  Step s = Call(std::move(actor), std::move(method), std::move(json));
  s.kind = Step::kRefuse;
  s.code = code;
  s.reason = std::move(reason);
  return s;
}

constexpr grpc::StatusCode kFailedPrecondition = grpc::StatusCode::FAILED_PRECONDITION;
constexpr grpc::StatusCode kInvalidArgument = grpc::StatusCode::INVALID_ARGUMENT;

std::string Nominate(const std::string& code, const std::string& region,
                     const std::string& display, const std::string& justification,
                     const std::vector<std::pair<std::string, std::string>>& claims,
                     const std::string& request_id) {
  std::vector<std::string> claim_json;
  for (const auto& [criterion, text] : claims) {
    claim_json.push_back(
        absl::StrCat(R"({"criterion":")", criterion, R"(","justification":")", text, R"("})"));
  }
  return absl::StrCat(R"({"cycleId":"2016","municipalityCode":")", code,
                      R"(","nominator":{"kind":"NOMINATOR_KIND_REGIONAL_OFFICE","imdiRegion":")",
                      region, R"(")", display.empty() ? "" : R"(,"displayName":")",
                      display, display.empty() ? "" : R"(")", R"(},"justification":")",
                      justification, R"(","claims":[)", absl::StrJoin(claim_json, ","),
                      R"(],"requestId":")", request_id, R"("})");
}

std::vector<Step> Workflow(const std::string& source_dir) {
  const std::string admin = "imdi-admin";
  std::vector<Step> steps;

  // The winners up to 2015, then the cycle.
  std::ifstream history(source_dir + "/data/published/award-history.csv");
  auto early = imdi::award_files::ParseWinnersHistory(history, 2008, 2015);
  EXPECT_TRUE(early.ok()) << early.status();
  auto winners = std::make_shared<v1::ImportWinnersRequest>();
  if (early.ok()) {
    for (const v1::Winner& w : *early) *winners->add_winners() = w;
  }
  winners->set_request_id("winners-to-2015");
  Step s = Call(admin, "ImportWinners", "", {}, {{"added_count", "8"}});
  s.prebuilt = winners;
  steps.push_back(s);

  auto config = imdi::award_files::LoadCycleConfig(source_dir +
                                                   "/data/award/bosettingsprisen-2016.json");
  EXPECT_TRUE(config.ok()) << config.status();
  auto create = std::make_shared<v1::CreateCycleRequest>();
  create->set_cycle_id(kCycleId);
  if (config.ok()) *create->mutable_config() = *config;
  create->set_request_id("create-2016");
  s = Call(admin, "CreateCycle", "", {}, {{"cycle.state", "CYCLE_STATE_DRAFT"}});
  s.prebuilt = create;
  steps.push_back(s);

  steps.push_back(Read(admin, "GetCycle", R"({"cycleId":"2016"})", {{"etag_draft", "cycle.etag"}}));
  steps.push_back(Refuse(admin, "SubmitNomination", kFailedPrecondition, "WRONG_STATE",
                         Nominate("1601", "IMDI_REGION_MIDT_NORGE", "", "too early", {},
                                  "refused-too-early")));

  // Nominations open; the same request again is answered from the store.
  steps.push_back(Call(admin, "OpenNominations",
                       R"({"cycleId":"2016","etag":"${etag_draft}","requestId":"open-2016"})",
                       {{"etag_open", "cycle.etag"}},
                       {{"cycle.state", "CYCLE_STATE_NOMINATIONS_OPEN"}}));
  steps.push_back(Call(admin, "OpenNominations",
                       R"({"cycleId":"2016","etag":"${etag_draft}","requestId":"open-2016"})", {},
                       {{"cycle.etag", "${etag_open}"}}));
  steps.push_back(Refuse(admin, "OpenNominations", kInvalidArgument, "REQUEST_ID_REUSED",
                         R"({"cycleId":"2016","requestId":"open-2016","etag":"something-else"})"));

  // One nominee per IMDi region, and the nominations refused on the way.
  steps.push_back(Call(
      "imdi-midt-norge", "SubmitNomination",
      Nominate("1601", "IMDI_REGION_MIDT_NORGE", "IMDi Midt-Norge",
               "A motor of settlement in the region: about a quarter of the region's refugees, "
               "over many years and in line with IMDi's request.",
               {{"creative_housing", "A well organised, sustainable settlement model with housing "
                                     "adapted to each person, in every district."},
                {"anchored_plans", "Settlement and integration are anchored long-term in the "
                                   "municipal master plan and in cooperation with IMDi."}},
               "nominate-trondheim"),
      {{"trondheim", "nomination.nomination_id"}},
      {{"nomination.municipality_code", "5001"}, {"nomination.code_at_the_time", "1601"}}));
  steps.push_back(Refuse(
      "imdi-midt-norge", "SubmitNomination", kFailedPrecondition, "NOMINATION_REGION_TAKEN",
      Nominate("1502", "IMDI_REGION_MIDT_NORGE", "", "Molde too",
               {{"creative_housing", "A second nominee from the same region is one too many."}},
               "refused-molde")));
  steps.push_back(Refuse("imdi-midt-norge", "SubmitNomination", grpc::StatusCode::ALREADY_EXISTS,
                         "ALREADY_NOMINATED",
                         Nominate("5001", "IMDI_REGION_MIDT_NORGE", "", "again", {},
                                  "refused-trondheim-again")));
  steps.push_back(Call(
      "imdi-vest", "SubmitNomination",
      Nominate("1201", "IMDI_REGION_VEST", "IMDi Vest",
               "Settlement and integration of good professional quality, anchored in the "
               "municipality.",
               {{"innovative_intro", "Systematic work to increase the capacity of the "
                                     "introduction centre and reorganised work with minors."},
                {"anchored_plans", "A good plan framework that takes care of the diversity "
                                   "perspective in the municipality."}},
               "nominate-bergen"),
      {{"bergen", "nomination.nomination_id"}}, {{"nomination.municipality_code", "4601"}}));
  steps.push_back(Call(
      "imdi-sor", "SubmitNomination",
      Nominate("0906", "IMDI_REGION_SOR", "IMDi Sør",
               "A generous attitude to settling refugees and qualification work marked by "
               "structure, system and innovation.",
               {{"creative_housing", "Decided to settle 150 persons including 35 unaccompanied "
                                     "minors in 2016, with housing across the municipality."},
                {"anchored_plans", "Inclusion is a foundation of all the municipality's plans, "
                                   "in every sector, not voluntary extra work."}},
               "nominate-arendal"),
      {{"arendal", "nomination.nomination_id"}}, {{"nomination.municipality_code", "4203"}}));
  steps.push_back(Refuse("imdi-nord", "SubmitNomination", kFailedPrecondition, "NOT_ELIGIBLE",
                         Nominate("1920", "IMDI_REGION_NORD", "",
                                  "No figures for 2016 and no assessed criterion claimed.", {},
                                  "refused-lavangen")));
  steps.push_back(Refuse(
      "imdi-nord", "SubmitNomination", kFailedPrecondition, "NOMINATOR_OUTSIDE_REGION",
      Nominate("0437", "IMDI_REGION_NORD", "", "Tynset is not in IMDi Nord.",
               {{"creative_housing", "Creative housing solutions, but in another region."}},
               "refused-tynset-by-nord")));
  steps.push_back(Refuse("imdi-nord", "SubmitNomination", grpc::StatusCode::NOT_FOUND,
                         "UNKNOWN_MUNICIPALITY",
                         Nominate("9998", "IMDI_REGION_NORD", "", "No such municipality.", {},
                                  "refused-9998")));
  steps.push_back(Refuse("imdi-nord", "SubmitNomination", kInvalidArgument, "INVALID_CLAIMS",
                         Nominate("1804", "IMDI_REGION_NORD", "", "A claim without text.",
                                  {{"creative_housing", "short"}}, "refused-short-claim")));
  steps.push_back(Call(
      "imdi-nord", "SubmitNomination",
      Nominate("1804", "IMDI_REGION_NORD", "IMDi Nord",
               "Has always said yes to settling as many as IMDi asked, and often more than "
               "decided.",
               {{"creative_housing", "Adapts at short notice to deliver the places the state "
                                     "asks for; many refugees find housing themselves."},
                {"anchored_plans", "A yearly settlement plan (bosettingsplan) anchored at every "
                                   "level of the municipality."}},
               "nominate-bodo"),
      {{"bodo", "nomination.nomination_id"}}));
  steps.push_back(Call(
      "imdi-ost", "SubmitNomination",
      Nominate("0228", "IMDI_REGION_OST", "IMDi Øst",
               "Targeted, long-term work that shows that small municipalities, too, can settle "
               "and integrate well.",
               {{"innovative_intro", "Close, holistic follow-up in the introduction programme "
                                     "with language and work practice that lead quickly to "
                                     "work."}},
               "nominate-raelingen"),
      {{"raelingen", "nomination.nomination_id"}}));
  steps.push_back(Call(
      "imdi-indre-ost", "SubmitNomination",
      Nominate("0437", "IMDI_REGION_INDRE_OST", "IMDi Indre Øst",
               "Has settled more refugees than requested for the last three years.",
               {{"creative_housing", "Good and creative solutions for finding housing, as part "
                                     "of the Fjellregionen effort to attract residents."},
                {"innovative_intro", "A work-oriented introduction programme aimed at health "
                                     "and care and the green sector, with shared adult "
                                     "education."}},
               "nominate-tynset"),
      {{"tynset", "nomination.nomination_id"}}));

  // The announcement: a stale etag is refused, the current one freezes the data.
  steps.push_back(Read(admin, "ListNominations", R"({"cycleId":"2016"})", {},
                       {{"nominations", "6"}}));
  steps.push_back(Refuse(admin, "AnnounceNominees", grpc::StatusCode::ABORTED, "ETAG_MISMATCH",
                         R"({"cycleId":"2016","etag":"${etag_open}","requestId":"refused-stale-announce"})"));
  steps.push_back(Read(admin, "GetCycle", R"({"cycleId":"2016"})", {{"etag_full", "cycle.etag"}}));
  steps.push_back(Call(admin, "AnnounceNominees",
                       R"({"cycleId":"2016","etag":"${etag_full}","requestId":"announce-2016"})",
                       {}, {{"cycle.state", "CYCLE_STATE_NOMINEES_ANNOUNCED"}, {"nominations", "6"}}));
  steps.push_back(Refuse(
      "imdi-nord", "SubmitNomination", kFailedPrecondition, "WRONG_STATE",
      Nominate("1902", "IMDI_REGION_NORD", "", "Too late.",
               {{"creative_housing", "Housing solutions described after the announcement."}},
               "refused-too-late")));

  // The jury.
  steps.push_back(Call(admin, "StartJuryDeliberation",
                       R"({"cycleId":"2016","requestId":"deliberate-2016"})", {},
                       {{"cycle.state", "CYCLE_STATE_JURY_DELIBERATION"}, {"candidates", "6"}}));
  steps.push_back(Call(admin, "RegisterJuror",
                       R"({"cycleId":"2016","juror":{"jurorId":"chair","displayName":"Jury chair","chair":true},"requestId":"juror-chair"})"));
  steps.push_back(Call(admin, "RegisterJuror",
                       R"({"cycleId":"2016","juror":{"jurorId":"juror-2","displayName":"Juror two"},"requestId":"juror-2"})"));
  steps.push_back(Call(admin, "RegisterJuror",
                       R"({"cycleId":"2016","juror":{"jurorId":"juror-3","displayName":"Juror three"},"requestId":"juror-3"})"));
  steps.push_back(Call(admin, "DeclareConflict",
                       R"({"cycleId":"2016","jurorId":"juror-3","nominationId":"${bergen}","reason":"employed by Bergen kommune","requestId":"conflict-3-bergen"})"));
  steps.push_back(Refuse("juror-3", "SubmitScore", kFailedPrecondition, "JUROR_CONFLICTED",
                         R"({"cycleId":"2016","jurorId":"juror-3","nominationId":"${bergen}","criterion":"settlement","score":10,"requestId":"refused-conflicted-score"})"));
  steps.push_back(Refuse(admin, "SubmitScore", kInvalidArgument, "INVALID_FIELD",
                         R"({"cycleId":"2016","jurorId":"chair","nominationId":"${trondheim}","criterion":"settlement","score":11,"requestId":"refused-score-11"})"));
  steps.push_back(Refuse(admin, "DecideWinner", kFailedPrecondition, "ASSESSMENTS_PENDING",
                         R"({"cycleId":"2016","requestId":"refused-early-decision"})"));

  const std::vector<std::pair<std::string, std::string>> confirmations = {
      {"trondheim", "creative_housing"}, {"trondheim", "anchored_plans"},
      {"bergen", "innovative_intro"},    {"bergen", "anchored_plans"},
      {"arendal", "creative_housing"},   {"arendal", "anchored_plans"},
      {"bodo", "creative_housing"},      {"bodo", "anchored_plans"},
      {"raelingen", "innovative_intro"}, {"tynset", "creative_housing"},
      {"tynset", "innovative_intro"}};
  for (size_t i = 0; i < confirmations.size(); ++i) {
    steps.push_back(Call(admin, "ConfirmAssessment",
                         absl::StrCat(R"({"cycleId":"2016","nominationId":"${)",
                                      confirmations[i].first, R"(}","criterion":")",
                                      confirmations[i].second,
                                      R"(","confirmed":true,"requestId":"confirm-)", i + 1,
                                      R"("})")));
  }

  struct Scores {
    std::string actor, juror, nominee;
    int settlement, qualification, anchoring;
  };
  const std::vector<Scores> scores = {
      {"jury-chair", "chair", "trondheim", 10, 9, 10}, {"jury-chair", "chair", "bergen", 9, 8, 8},
      {"jury-chair", "chair", "arendal", 8, 8, 9},     {"jury-chair", "chair", "bodo", 8, 7, 8},
      {"jury-chair", "chair", "raelingen", 7, 9, 8},   {"jury-chair", "chair", "tynset", 8, 7, 7},
      {"juror-2", "juror-2", "trondheim", 9, 9, 10},   {"juror-2", "juror-2", "bergen", 9, 8, 9},
      {"juror-2", "juror-2", "arendal", 8, 9, 9},      {"juror-2", "juror-2", "bodo", 8, 7, 8},
      {"juror-2", "juror-2", "raelingen", 7, 8, 8},    {"juror-2", "juror-2", "tynset", 8, 8, 7},
      {"juror-3", "juror-3", "trondheim", 10, 8, 9},   {"juror-3", "juror-3", "arendal", 8, 8, 8},
      {"juror-3", "juror-3", "bodo", 9, 7, 8},         {"juror-3", "juror-3", "raelingen", 7, 9, 9},
      {"juror-3", "juror-3", "tynset", 8, 7, 8}};
  for (const Scores& sc : scores) {
    for (const auto& [criterion, value] :
         std::vector<std::pair<std::string, int>>{{"settlement", sc.settlement},
                                                  {"qualification", sc.qualification},
                                                  {"anchoring", sc.anchoring}}) {
      steps.push_back(Call(
          sc.actor, "SubmitScore",
          absl::StrCat(R"({"cycleId":"2016","jurorId":")", sc.juror, R"(","nominationId":"${)",
                       sc.nominee, R"(}","criterion":")", criterion, R"(","score":)", value,
                       R"(,"requestId":"score-)", sc.juror, "-", sc.nominee, "-", criterion,
                       R"("})")));
    }
  }

  // The decision, the winner, the archive, and the rest of the history.
  steps.push_back(Call("jury-chair", "DecideWinner",
                       R"({"cycleId":"2016","requestId":"decide-2016"})", {},
                       {{"decision.winner_nomination_id", "${trondheim}"}, {"decision.ranking", "6"}}));
  steps.push_back(Refuse("jury-chair", "SubmitScore", kFailedPrecondition, "DECISION_RECORDED",
                         R"({"cycleId":"2016","jurorId":"chair","nominationId":"${bergen}","criterion":"settlement","score":10,"requestId":"refused-late-score"})"));
  steps.push_back(Call(admin, "AnnounceWinner",
                       R"({"cycleId":"2016","requestId":"announce-winner-2016"})", {},
                       {{"cycle.state", "CYCLE_STATE_WINNER_ANNOUNCED"},
                        {"winner.announce_date", "2017-04-26"}, {"winner.code_at_the_time", "1601"}}));
  steps.push_back(Refuse(admin, "CancelCycle", kFailedPrecondition, "WRONG_STATE",
                         R"({"cycleId":"2016","reason":"too late to cancel","requestId":"refused-cancel"})"));
  steps.push_back(Call(admin, "ArchiveCycle", R"({"cycleId":"2016","requestId":"archive-2016"})",
                       {}, {{"cycle.state", "CYCLE_STATE_ARCHIVED"}}));

  std::ifstream all_history(source_dir + "/data/published/award-history.csv");
  auto all = imdi::award_files::ParseWinnersHistory(all_history, 2008, 2100);
  EXPECT_TRUE(all.ok()) << all.status();
  auto rest = std::make_shared<v1::ImportWinnersRequest>();
  if (all.ok()) {
    for (const v1::Winner& w : *all) *rest->add_winners() = w;
  }
  rest->set_request_id("winners-all");
  s = Call(admin, "ImportWinners", "", {}, {{"added_count", "5"}, {"unchanged_count", "9"}});
  s.prebuilt = rest;
  steps.push_back(s);
  return steps;
}

// ---------------------------------------------------------------------------
// Calling the service generically: the request type comes from the method's
// descriptor, the call from a table of the stub's methods.

using Invoker = std::function<grpc::Status(v1::AwardService::Stub&, grpc::ClientContext*,
                                           const Message&, std::unique_ptr<Message>*)>;

template <typename Request, typename Response>
Invoker MakeInvoker(grpc::Status (v1::AwardService::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*)) {
  return [method](v1::AwardService::Stub& stub, grpc::ClientContext* context,
                  const Message& request, std::unique_ptr<Message>* response) {
    auto out = std::make_unique<Response>();
    grpc::Status status =
        (stub.*method)(context, static_cast<const Request&>(request), out.get());
    *response = std::move(out);
    return status;
  };
}

const std::map<std::string, Invoker>& Invokers() {
  using S = v1::AwardService::Stub;
  static const auto* table = new std::map<std::string, Invoker>{
      {"CreateCycle", MakeInvoker(&S::CreateCycle)},
      {"GetCycle", MakeInvoker(&S::GetCycle)},
      {"OpenNominations", MakeInvoker(&S::OpenNominations)},
      {"SubmitNomination", MakeInvoker(&S::SubmitNomination)},
      {"ListNominations", MakeInvoker(&S::ListNominations)},
      {"AnnounceNominees", MakeInvoker(&S::AnnounceNominees)},
      {"StartJuryDeliberation", MakeInvoker(&S::StartJuryDeliberation)},
      {"RegisterJuror", MakeInvoker(&S::RegisterJuror)},
      {"DeclareConflict", MakeInvoker(&S::DeclareConflict)},
      {"ConfirmAssessment", MakeInvoker(&S::ConfirmAssessment)},
      {"SubmitScore", MakeInvoker(&S::SubmitScore)},
      {"DecideWinner", MakeInvoker(&S::DecideWinner)},
      {"AnnounceWinner", MakeInvoker(&S::AnnounceWinner)},
      {"ArchiveCycle", MakeInvoker(&S::ArchiveCycle)},
      {"CancelCycle", MakeInvoker(&S::CancelCycle)},
      {"ImportWinners", MakeInvoker(&S::ImportWinners)},
  };
  return *table;
}

std::string Substitute(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    const std::string pattern = "${" + name + "}";
    for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at)) {
      text.replace(at, pattern.size(), value);
      at += value.size();
    }
  }
  return text;
}

// A field by a dotted path of field names: a scalar as text, an enum by its
// name, a repeated field as its size.
std::string FieldText(const Message& message, const std::string& path) {
  const Message* m = &message;
  size_t begin = 0;
  while (true) {
    const size_t dot = path.find('.', begin);
    const std::string name = path.substr(begin, dot == std::string::npos ? dot : dot - begin);
    const auto* field = m->GetDescriptor()->FindFieldByName(name);
    if (field == nullptr) return "<no field " + name + ">";
    const auto* reflection = m->GetReflection();
    if (field->is_repeated()) return std::to_string(reflection->FieldSize(*m, field));
    if (dot != std::string::npos) {
      m = &reflection->GetMessage(*m, field);
      begin = dot + 1;
      continue;
    }
    switch (field->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
        return reflection->GetString(*m, field);
      case google::protobuf::FieldDescriptor::CPPTYPE_ENUM:
        return reflection->GetEnum(*m, field)->name();
      case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
        return std::to_string(reflection->GetInt32(*m, field));
      case google::protobuf::FieldDescriptor::CPPTYPE_INT64:
        return std::to_string(reflection->GetInt64(*m, field));
      case google::protobuf::FieldDescriptor::CPPTYPE_BOOL:
        return reflection->GetBool(*m, field) ? "true" : "false";
      default:
        return "<unsupported>";
    }
  }
}

// ---------------------------------------------------------------------------
// State.

struct AwardState {
  v1::Cycle cycle;
  std::vector<v1::Nomination> nominations;
  std::vector<v1::Winner> winners;
  std::vector<v1::AuditEvent> events;
};

grpc::Status ListAudit(v1::AwardService::Stub& stub, std::vector<v1::AuditEvent>& events) {
  events.clear();
  std::string token;
  do {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    context.AddMetadata("x-actor", "auditor");
    v1::ListAuditEventsRequest request;
    request.set_cycle_id(kCycleId);
    request.set_page_size(kAuditPageSize);
    request.set_page_token(token);
    v1::ListAuditEventsResponse response;
    grpc::Status status = stub.ListAuditEvents(&context, request, &response);
    if (!status.ok()) return status;
    for (const v1::AuditEvent& e : response.events()) events.push_back(e);
    token = response.next_page_token();
  } while (!token.empty());
  return grpc::Status::OK;
}

grpc::Status ReadState(v1::AwardService::Stub& stub, AwardState& state) {
  state = AwardState();
  {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    v1::GetCycleRequest request;
    request.set_cycle_id(kCycleId);
    v1::GetCycleResponse response;
    grpc::Status status = stub.GetCycle(&context, request, &response);
    if (!status.ok()) return status;
    state.cycle = response.cycle();
    ClearTimestamps(state.cycle);
  }
  {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    v1::ListNominationsRequest request;
    request.set_cycle_id(kCycleId);
    request.set_show_withdrawn(true);
    v1::ListNominationsResponse response;
    grpc::Status status = stub.ListNominations(&context, request, &response);
    if (!status.ok()) return status;
    for (v1::Nomination n : response.nominations()) {
      ClearTimestamps(n);
      state.nominations.push_back(std::move(n));
    }
  }
  {
    grpc::ClientContext context;
    SetDeadline(context, kCallTimeout);
    v1::ListWinnersResponse response;
    grpc::Status status = stub.ListWinners(&context, v1::ListWinnersRequest(), &response);
    if (!status.ok()) return status;
    state.winners.assign(response.winners().begin(), response.winners().end());
  }
  grpc::Status status = ListAudit(stub, state.events);
  for (v1::AuditEvent& e : state.events) ClearTimestamps(e);
  return status;
}

template <typename T>
void CompareLists(const std::vector<T>& expected, const std::vector<T>& actual,
                  const std::string& what, std::vector<std::string>& diffs) {
  if (expected.size() != actual.size()) {
    diffs.push_back(absl::StrCat(what, ": ", actual.size(), " instead of ", expected.size()));
  }
  for (size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
    if (std::string d = Diff(expected[i], actual[i]); !d.empty()) {
      diffs.push_back(absl::StrCat(what, "[", i, "] differs: ", d));
    }
  }
  for (size_t i = expected.size(); i < actual.size(); ++i) {
    diffs.push_back(absl::StrCat(what, "[", i, "] extra: ", actual[i].ShortDebugString()));
  }
  for (size_t i = actual.size(); i < expected.size(); ++i) {
    diffs.push_back(absl::StrCat(what, "[", i, "] missing: ", expected[i].ShortDebugString()));
  }
}

std::string CompareStates(const AwardState& expected, const AwardState& actual) {
  std::vector<std::string> diffs;
  if (std::string d = Diff(expected.cycle, actual.cycle); !d.empty()) {
    diffs.push_back("cycle differs: " + d);
  }
  CompareLists(expected.nominations, actual.nominations, "nominations", diffs);
  CompareLists(expected.winners, actual.winners, "winners", diffs);
  CompareLists(expected.events, actual.events, "audit events", diffs);
  if (diffs.empty()) return "";
  std::string out = absl::StrCat(diffs.size(), " differences:");
  for (size_t i = 0; i < diffs.size() && i < 12; ++i) absl::StrAppend(&out, "\n  ", diffs[i]);
  return out;
}

// Consecutive sequence numbers from 1, one event per request id.
std::string CheckGapless(const std::vector<v1::AuditEvent>& events) {
  std::vector<std::string> problems;
  std::map<std::string, int64_t> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::AuditEvent& e = events[i];
    if (e.sequence() != static_cast<int64_t>(i) + 1) {
      problems.push_back(absl::StrCat("event ", i, " has sequence ", e.sequence()));
    }
    if (e.request_id().empty()) {
      problems.push_back(absl::StrCat("event ", e.sequence(), " has no request id"));
    } else if (auto [it, added] = seen.emplace(e.request_id(), e.sequence()); !added) {
      problems.push_back(absl::StrCat("request id ", e.request_id(), " at sequences ", it->second,
                                      " and ", e.sequence(), ": ", e.action(), " ", e.detail()));
    }
  }
  return absl::StrJoin(problems, "\n  ");
}

// ---------------------------------------------------------------------------
// The test.

struct Counts {
  int rounds = 0;
  int kills = 0;
  int kills_mid_call = 0;
  int kills_between_calls = 0;
  int kills_at_startup = 0;
  int kills_reading_back = 0;
  int final_kills = 0;
  int restarts = 0;
  int resent_committed = 0;       // the in-flight change had committed: answered from the store
  int resent_not_committed = 0;   // it had not: applied by the re-send
  int resent_not_audited = 0;     // in flight, but leaves no audit event (reads, other refusals)
  int refusals_found_recorded = 0;  // an in-flight refusal already in the trail: not re-sent
  int refusals_resent = 0;
  int calls = 0;
  int64_t audit_events_compared = 0;
  int64_t states_compared = 0;
};

class AwardCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = GetOptions();
    ASSERT_FALSE(options_.stats_service.empty()) << "--stats_service is required";
    ASSERT_FALSE(options_.award_service.empty()) << "--award_service is required";
    ASSERT_FALSE(options_.source_dir.empty()) << "--source_dir is required";
    steps_ = Workflow(options_.source_dir);
    scratch_ = std::make_unique<ScratchDir>("imdi-crash-award");
  }

  void TearDown() override {
    if (stats_) {
      auto exit = stats_->Terminate(kExitTimeout);
      EXPECT_TRUE(exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0)
          << "stats-service did not stop cleanly\n" << LogTail(scratch_->Sub("stats.log"));
    }
  }

  // stats-service with the bundled municipalities and figures; not killed.
  void StartLoadedStats() {
    const std::string dir = scratch_->Sub("stats");
    const std::string log = dir + ".log";
    stats_ = ServiceProcess::Start(options_.stats_service,
                                   {"--listen=127.0.0.1:0", "--port_file=" + dir + ".port",
                                    "--data_dir=" + dir, "--insecure_dev",
                                    "--shutdown_grace_seconds=2"},
                                   dir + ".port", log);
    ASSERT_NE(stats_, nullptr);
    ASSERT_TRUE(stats_->WaitForPort(kStartTimeout)) << LogTail(log);
    auto channel = grpc::CreateChannel(stats_->Target(), grpc::InsecureChannelCredentials());
    ASSERT_TRUE(WaitServing(channel, kStatsService, *stats_, kStartTimeout)) << LogTail(log);
    auto stub = stats_api::StatsService::NewStub(channel);

    auto source = imdi::import::LoadMunicipalities(
        options_.source_dir + "/data/klass/kommuner-1994-2024.csv",
        options_.source_dir + "/data/regions/kommuner.json");
    ASSERT_TRUE(source.ok()) << source.status();
    auto request = imdi::import::MunicipalitiesRequest(*source);
    ASSERT_TRUE(request.ok()) << request.status();
    {
      grpc::ClientContext context;
      SetDeadline(context, kCallTimeout);
      stats_api::BatchUpsertMunicipalitiesResponse response;
      grpc::Status status = stub->BatchUpsertMunicipalities(&context, *request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(options_.source_dir + "/data/imdikator")) {
      if (e.path().extension() == ".csv") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    files.push_back(options_.source_dir + "/data/published/figures-2016-2017.csv");
    for (const std::string& path : files) {
      auto parsed = imdi::import::ParseFiguresPath(path);
      ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.status();
      grpc::ClientContext context;
      SetDeadline(context, kCallTimeout);
      stats_api::ImportFiguresResponse response;
      auto writer = stub->ImportFigures(&context, &response);
      for (const auto& message : imdi::import::ImportRequests(
               *parsed, std::filesystem::path(path).filename().string(),
               stats_api::FIGURES_STATUS_FINAL, 500)) {
        if (!writer->Write(message)) break;
      }
      writer->WritesDone();
      grpc::Status status = writer->Finish();
      ASSERT_TRUE(status.ok()) << path << ": " << status.error_message();
    }
  }

  struct Award {
    std::unique_ptr<ServiceProcess> process;
    std::unique_ptr<v1::AwardService::Stub> stub;
  };

  std::vector<std::string> AwardArgs(const std::string& dir) const {
    return {"--listen=127.0.0.1:0",
            "--port_file=" + dir + ".port",
            "--data_dir=" + dir,
            "--stats_target=" + stats_->Target(),
            "--comparables=" + options_.source_dir + "/data/regions/similarMunicipalities.json",
            "--insecure_dev",
            "--health_interval_ms=50",
            "--stats_deadline_ms=5000",
            "--workers=2",
            "--store_workers=2",
            "--shutdown_grace_seconds=2"};
  }

  // Spawns award-service; when `killer` is given it is armed at spawn with a
  // short delay (a kill during startup). Returns false when the process died
  // before serving (killed); a start that fails otherwise is a test failure.
  bool SpawnAward(const std::string& dir, const std::string& log, Award& award,
                  Killer* startup_killer, std::atomic<int>& phase) {
    phase = kStarting;
    award.stub.reset();
    award.process = ServiceProcess::Start(options_.award_service, AwardArgs(dir), dir + ".port", log);
    if (award.process == nullptr) return false;
    if (startup_killer != nullptr) {
      startup_killer->Arm(award.process.get(), Millis(Uniform(0, startup_ms_ * 3 / 2)),
                          [&phase] { return phase.load(); });
    }
    bool ready = award.process->WaitForPort(kStartTimeout).has_value();
    std::shared_ptr<grpc::Channel> channel;
    if (ready) {
      channel = grpc::CreateChannel(award.process->Target(), grpc::InsecureChannelCredentials());
      ready = WaitServing(channel, kAwardService, *award.process, kStartTimeout);
    }
    if (!ready) {
      if (startup_killer != nullptr && startup_killer->Cancel()) return false;
      ADD_FAILURE() << "award-service did not start\n" << LogTail(log);
      return false;
    }
    award.stub = v1::AwardService::NewStub(channel);
    phase = kBetweenCalls;
    return true;
  }

  void NoteKill(Killer& killer, Award& award, const std::string& log) {
    ++counts_.kills;
    const int phase = killer.phase_at_kill();
    if (phase >= 0) {
      ++counts_.kills_mid_call;
    } else if (phase == kBetweenCalls) {
      ++counts_.kills_between_calls;
    } else if (phase == kStarting) {
      ++counts_.kills_at_startup;
    } else {
      ++counts_.kills_reading_back;
    }
    ASSERT_TRUE(award.process->WaitExit(kExitTimeout)) << "a killed award-service did not exit";
    ASSERT_TRUE(WIFSIGNALED(award.process->exit_status()) &&
                WTERMSIG(award.process->exit_status()) == SIGKILL)
        << "award-service ended otherwise than by our SIGKILL\n" << LogTail(log);
  }

  // Runs the workflow in `dir`. With `crash`, kills award-service at random
  // moments until options_.cycles kills are spent, and re-sends what was in
  // flight. Leaves the service running in `award`.
  void RunWorkflow(const std::string& dir, const std::string& log, bool crash, Award& award) {
    std::map<std::string, std::string> vars;
    std::vector<std::unique_ptr<Message>> requests(steps_.size());
    std::atomic<int> phase{kStarting};
    Killer killer;
    auto probe = [&phase] { return phase.load(); };
    auto may_kill = [&] { return crash && counts_.kills < options_.cycles; };

    // (Re)starts the service and arms the killer for this life of it.
    auto start = [&]() -> bool {
      for (int tries = 0; tries < kMaxRestartsPerRound; ++tries) {
        LogMarker(log, crash ? "start (crash run)" : "start (clean run)");
        const bool startup_kill = may_kill() && Uniform(0, 99) < kStartupKillPercent;
        if (SpawnAward(dir, log, award, startup_kill ? &killer : nullptr, phase)) {
          if (!startup_kill && may_kill()) {
            killer.Arm(award.process.get(), Millis(Uniform(0, workflow_ms_)), probe);
          }
          return true;
        }
        if (::testing::Test::HasFailure()) return false;
        NoteKill(killer, award, log);
        ++counts_.restarts;
        if (::testing::Test::HasFailure()) return false;
      }
      ADD_FAILURE() << "award-service never came up";
      return false;
    };

    if (!start()) return;
    ready_time_ = Clock::now();
    bool check_in_flight = false;  // a kill hit steps_[i] in flight
    size_t i = 0;
    int transient_retries = 0;
    while (i < steps_.size()) {
      Step& step = steps_[i];
      if (!requests[i]) {
        if (step.prebuilt) {
          requests[i].reset(step.prebuilt->New());
          requests[i]->CopyFrom(*step.prebuilt);
        } else {
          const auto* method = google::protobuf::DescriptorPool::generated_pool()
                                   ->FindServiceByName(kAwardService)
                                   ->FindMethodByName(step.method);
          ASSERT_NE(method, nullptr) << step.method;
          requests[i].reset(google::protobuf::MessageFactory::generated_factory()
                                ->GetPrototype(method->input_type())
                                ->New());
          auto parsed = google::protobuf::util::JsonStringToMessage(Substitute(step.json, vars),
                                                                    requests[i].get());
          ASSERT_TRUE(parsed.ok()) << step.method << ": " << parsed.ToString();
        }
        const auto* id_field = requests[i]->GetDescriptor()->FindFieldByName("request_id");
        if (id_field != nullptr) {
          step.request_id = requests[i]->GetReflection()->GetString(*requests[i], id_field);
        }
        ASSERT_EQ(step.mutating(), !step.request_id.empty())
            << "every mutating step carries a request id: " << step.label();
      }

      // After a restart: what happened to the call in flight? The audit
      // trail says, for the calls that leave an event.
      if (check_in_flight) {
        const bool audited = step.kind == Step::kCall || step.audited_refusal();
        if (!audited || step.method == "ImportWinners") {
          ++counts_.resent_not_audited;
        } else {
          std::vector<v1::AuditEvent> events;
          phase = kReadingBack;
          grpc::Status listed = ListAudit(*award.stub, events);
          phase = kBetweenCalls;
          if (!listed.ok() && ErrorReason(listed) != "CYCLE_NOT_FOUND") {
            ASSERT_TRUE(killer.Cancel()) << "ListAuditEvents after a restart: "
                                         << listed.error_message() << "\n" << LogTail(log);
            NoteKill(killer, award, log);  // killed while reading back: again
            if (HasFailure()) return;
            ++counts_.restarts;
            if (!start()) return;
            continue;
          }
          const v1::AuditEvent* recorded = nullptr;
          for (const v1::AuditEvent& e : events) {
            if (e.request_id() == step.request_id) recorded = &e;
          }
          if (step.audited_refusal()) {
            if (recorded != nullptr) {
              EXPECT_EQ(recorded->detail().rfind("refused: " + step.reason, 0), 0u)
                  << step.label() << " is in the trail, but not as its refusal: "
                  << recorded->ShortDebugString();
              ++counts_.refusals_found_recorded;
              check_in_flight = false;
              ++i;  // refused once, and the trail has it: not refused twice
              continue;
            }
            ++counts_.refusals_resent;
          } else if (recorded != nullptr) {
            ++counts_.resent_committed;
          } else {
            ++counts_.resent_not_committed;
          }
        }
        check_in_flight = false;
      }

      std::unique_ptr<Message> response;
      grpc::ClientContext context;
      SetDeadline(context, kCallTimeout);
      context.AddMetadata("x-actor", step.actor);
      context.AddMetadata("x-request-id",
                          step.request_id.empty() ? absl::StrCat("read-", i) : step.request_id);
      phase = static_cast<int>(i);
      ++counts_.calls;
      grpc::Status status = Invokers().at(step.method)(*award.stub, &context, *requests[i], &response);
      phase = kBetweenCalls;
      const std::string reason = ErrorReason(status);

      // No answer from the service itself: it is gone (or not ready yet).
      if (!status.ok() && (reason.empty() || reason == "STATS_UNAVAILABLE")) {
        if (!killer.Cancel()) {
          ASSERT_LT(++transient_retries, 50)
              << step.label() << " keeps failing without a kill: " << status.error_message()
              << "\n" << LogTail(log);
          ASSERT_FALSE(award.process->WaitExit(Millis(0)))
              << "award-service died without our kill during " << step.label() << "\n"
              << LogTail(log);
          std::shared_ptr<grpc::Channel> channel =
              grpc::CreateChannel(award.process->Target(), grpc::InsecureChannelCredentials());
          WaitServing(channel, kAwardService, *award.process, kStartTimeout);
          if (may_kill()) killer.Arm(award.process.get(), Millis(Uniform(0, workflow_ms_)), probe);
          continue;
        }
        NoteKill(killer, award, log);
        if (HasFailure()) return;
        ++counts_.restarts;
        if (!start()) return;
        check_in_flight = true;  // and send it again, unchanged
        continue;
      }
      transient_retries = 0;

      // The service answered: it must be the expected answer.
      if (step.kind == Step::kRefuse) {
        ASSERT_EQ(status.error_code(), step.code)
            << step.label() << ": expected a refusal " << step.reason << ", got "
            << status.error_code() << " " << status.error_message() << "\n" << LogTail(log);
        ASSERT_EQ(reason, step.reason) << step.label() << ": " << status.error_message();
      } else {
        ASSERT_TRUE(status.ok()) << step.label() << " failed: " << status.error_code() << " "
                                 << reason << ": " << status.error_message() << "\n"
                                 << LogTail(log);
        for (const auto& [path, value] : step.expects) {
          ASSERT_EQ(FieldText(*response, path), Substitute(value, vars))
              << step.label() << ": " << path << " in " << response->ShortDebugString();
        }
        for (const auto& [name, path] : step.saves) vars[name] = FieldText(*response, path);
      }
      ++i;
    }
    // A kill that landed after the last answer: bring the service back.
    if (killer.Cancel()) {
      NoteKill(killer, award, log);
      if (HasFailure()) return;
      ++counts_.restarts;
      phase = kBetweenCalls;
      ASSERT_TRUE(SpawnAward(dir, log, award, nullptr, phase));
    }
  }

  void CheckAgainstClean(v1::AwardService::Stub& stub, const std::string& what,
                         const std::string& log) {
    AwardState state;
    grpc::Status status = ReadState(stub, state);
    ASSERT_TRUE(status.ok()) << what << ": reading the state: " << status.error_message() << "\n"
                             << LogTail(log);
    const std::string gaps = CheckGapless(state.events);
    EXPECT_EQ(gaps, "") << what << ": the audit trail has gaps or duplicates";
    EXPECT_EQ(CompareStates(clean_, state), "") << what << ": the state differs from the clean run";
    counts_.audit_events_compared += static_cast<int64_t>(state.events.size());
    ++counts_.states_compared;
  }

  Options options_;
  std::vector<Step> steps_;
  std::unique_ptr<ScratchDir> scratch_;
  std::unique_ptr<ServiceProcess> stats_;
  AwardState clean_;
  int64_t startup_ms_ = 0;
  int64_t workflow_ms_ = 0;
  Clock::time_point ready_time_;  // the last RunWorkflow's first start served
  Counts counts_;
};

TEST_F(AwardCrashTest, CycleSurvivesSigkill) {
  const auto test_start = Clock::now();
  int mutating = 0;
  for (const Step& s : steps_) mutating += s.mutating() ? 1 : 0;
  std::cout << absl::StrFormat(
      "award crash test: %d kills, seed %d (IMDI_CRASH_SEED=%d reproduces the choices), "
      "%d steps (%d mutating)\n",
      options_.cycles, options_.seed, options_.seed, steps_.size(), mutating);
  StartLoadedStats();
  if (HasFatalFailure()) return;

  // The clean run.
  {
    const std::string dir = scratch_->Sub("clean");
    const std::string log = dir + ".log";
    Award clean;
    const auto start = Clock::now();
    RunWorkflow(dir, log, /*crash=*/false, clean);
    ASSERT_FALSE(HasFailure());
    startup_ms_ = std::max<int64_t>(
        std::chrono::duration_cast<Millis>(ready_time_ - start).count(), 1);
    workflow_ms_ = std::max<int64_t>(MsSince(ready_time_), 1);
    ASSERT_TRUE(ReadState(*clean.stub, clean_).ok());
    ASSERT_EQ(CheckGapless(clean_.events), "") << "the clean run's audit trail";
    ASSERT_EQ(clean_.cycle.state(), v1::CYCLE_STATE_ARCHIVED);
    ASSERT_EQ(clean_.nominations.size(), 6u);
    clean.stub.reset();  // an idle connection would hold SIGTERM's shutdown for its grace
    auto exit = clean.process->Terminate(kExitTimeout);
    EXPECT_TRUE(exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0)
        << "award-service did not stop cleanly\n" << LogTail(log);
    std::cout << absl::StrFormat(
        "clean run: startup %d ms, workflow %d ms, %d audit events, %d nominations, "
        "%d winners\n",
        startup_ms_, workflow_ms_, clean_.events.size(), clean_.nominations.size(),
        clean_.winners.size());
  }

  for (int round = 1; counts_.kills < options_.cycles || round == 1; ++round) {
    ++counts_.rounds;
    const std::string dir = scratch_->Sub(absl::StrCat("round-", round));
    const std::string log = dir + ".log";
    Award award;
    RunWorkflow(dir, log, /*crash=*/true, award);
    ASSERT_FALSE(HasFailure()) << "round " << round;
    CheckAgainstClean(*award.stub, absl::StrCat("round ", round), log);
    // Everything was acknowledged: one more SIGKILL loses nothing.
    award.process->Kill();
    ASSERT_TRUE(award.process->WaitExit(kExitTimeout));
    ++counts_.final_kills;
    std::atomic<int> phase{kStarting};
    ASSERT_TRUE(SpawnAward(dir, log, award, nullptr, phase));
    CheckAgainstClean(*award.stub, absl::StrCat("round ", round, " after the final SIGKILL"), log);
    award.stub.reset();
    auto exit = award.process->Terminate(kExitTimeout);
    EXPECT_TRUE(exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0)
        << "award-service did not stop cleanly\n" << LogTail(log);
    if (HasFailure()) break;
  }

  std::cout << absl::StrFormat(
      "award crash test: %d rounds, %d random SIGKILLs (+%d after completed rounds): "
      "%d mid-call, %d between calls, %d during startup, %d while reading back; "
      "%d restarts; in-flight changes re-sent: %d had committed (answered from the stored "
      "response), %d had not; in-flight refusals: %d already in the trail (not re-sent), %d "
      "re-sent; %d other in-flight calls re-sent; %d calls; %d states and %d audit events "
      "compared; %d ms\n",
      counts_.rounds, counts_.kills, counts_.final_kills, counts_.kills_mid_call,
      counts_.kills_between_calls, counts_.kills_at_startup, counts_.kills_reading_back,
      counts_.restarts, counts_.resent_committed, counts_.resent_not_committed,
      counts_.refusals_found_recorded, counts_.refusals_resent, counts_.resent_not_audited,
      counts_.calls, counts_.states_compared, counts_.audit_events_compared, MsSince(test_start));
}

}  // namespace
}  // namespace imdi::crash

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  imdi::crash::SetOptions(imdi::crash::ParseOptions(argc, argv));
  return RUN_ALL_TESTS();
}
