// The award service's request checks: serialized requests of every
// AwardService method, parsed as the transport parses them, run through
// AwardCore (award-service/core/award_core.h) on a real RocksDB award store
// and the in-memory statistics fake (tests/fakes/fake_stats_client.h), with
// the caller the service would pass (common/auth, the RPC table of
// access.cc).
//
// Input: [method: 1 byte][caller: 1 byte][serialized request]. The method
// byte picks one of the 25 methods (Method below, modulo their count);
// inputs whose rest is not that method's request are skipped, as the
// service refuses them (UNREADABLE_REQUEST) before the core. The caller
// byte's low nibble picks the caller (Callers() below: development mode, an
// administrator, nominators bound to a region or a municipality, jurors, an
// auditor); a principal the RPC table does not admit is skipped too. Bit
// 0x10 makes the statistics service unreachable for the call. A one-byte
// input is the method's empty request in development mode.
//
// The state: once per process a fixture is built through AwardCore into a
// real RocksDB award store under a fresh mkdtemp directory ($TMPDIR or
// /tmp; removed at exit): cycles in every state of the workflow, with
// nominations, votes, finalists, jurors, a conflict, claims confirmed and
// pending, scores, a tie, decisions, a winner, the history 2008-2015, and
// figures revised after cycles froze their data version. Every input runs
// against exactly that state: after a call that wrote, the store puts the
// fixture's records back and hides what the call added (CheckingStore), so
// a reproducer is one input whatever ran before; the database is built
// anew once the hidden keys are many, which keeps a long run's disk bounded.
// IMDI_FUZZ_VERBOSE=1 prints each call and its answer; IMDI_FUZZ_STATS=1
// prints, at exit, the fixture builds and how often each method gave each
// answer (OK or the error's reason).
//
// Invariants: the call ends (libFuzzer's -timeout); an error has a code the
// method can give (never INTERNAL, UNKNOWN or DATA_LOSS; UNAVAILABLE only
// when the statistics service is down; PERMISSION_DENIED without a
// principal only for the chair's tie-break), a non-empty UPPER_SNAKE
// ErrorInfo reason, field violations for INVALID_ARGUMENT and precondition
// violations for FAILED_PRECONDITION, at most 20 of them, each part at most
// 300 bytes of UTF-8, a message of at most 4 KiB, and passes the edge
// (common/grpc_status.h) within its 1 KiB message and 3 KiB details, and
// back with its reason and its first violations (at least one field of an
// INVALID_ARGUMENT; all of them, or their count). A refusal writes nothing
// but, for FAILED_PRECONDITION and PERMISSION_DENIED, its own audit event
// on the unchanged cycle; reads write nothing. Everything written reads
// back from RocksDB (no text that is not UTF-8); the audit trail and stored
// responses are never overwritten; a change advances the cycle's revision
// and audit sequence by one, and its audit event names the method, the
// actor and the request id; the dates of winners and of a new cycle's
// schedule are days that exist, written YYYY-MM-DD. A reply survives the
// wire, and a change's reply shows the cycle or nomination as stored; an
// accepted nomination is eligible or overridden where the policy allows it,
// within the region's quota; a decided winner is an active nominee (a
// finalist where a vote picks them) ranked first; listings follow their
// tokens to the end without repeats. A change retried with its request_id
// returns the same reply and writes nothing; the same id from another
// principal is REQUEST_ID_REUSED.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "award-service/core/award_core.h"
#include "award-service/domain/comparables.h"
#include "award-service/domain/views.h"
#include "common/auth/access.h"
#include "common/auth/credentials.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/limits.h"
#include "common/raw_message.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/status.pb.h"
#include "tests/fakes/fake_stats_client.h"
#include "tests/fuzz/award_requests_input.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/award/award_files.h"

namespace {

namespace fs = std::filesystem;
namespace v1 = ::imdi::award::v1;
namespace sv1 = ::imdi::stats::v1;
using google::protobuf::Message;
using imdi::award::AwardCommit;
using imdi::award::AwardCore;
using imdi::award::AwardStore;
using imdi::award::Caller;
using imdi::award::MunicipalityInfo;
using imdi::award::testing::FakeStatsClient;
using Record = imdi::award::storage::v1::CycleRecord;

using namespace imdi::fuzz::award_requests;  // Method, CallerIndex

constexpr uint32_t Code(absl::StatusCode code) { return 1u << static_cast<int>(code); }
constexpr uint32_t kIA = Code(absl::StatusCode::kInvalidArgument);
constexpr uint32_t kNF = Code(absl::StatusCode::kNotFound);
constexpr uint32_t kFP = Code(absl::StatusCode::kFailedPrecondition);
constexpr uint32_t kAE = Code(absl::StatusCode::kAlreadyExists);
constexpr uint32_t kAB = Code(absl::StatusCode::kAborted);
constexpr uint32_t kPD = Code(absl::StatusCode::kPermissionDenied);
constexpr uint32_t kRE = Code(absl::StatusCode::kResourceExhausted);

// What a method may answer besides OK, from award_core.cc: reads of the
// store only INVALID_ARGUMENT and NOT_FOUND; changes also the workflow's
// refusals, ABORTED where there is an etag or a re-check, ALREADY_EXISTS
// where something is created, PERMISSION_DENIED where the core checks the
// principal, RESOURCE_EXHAUSTED (CYCLE_TOO_LARGE, STORAGE_FULL). Methods
// that read the statistics service may also be UNAVAILABLE when it is.
struct Traits {
  const char* name;
  uint32_t codes;
  bool writes;
  bool stats;
};
constexpr Traits kTraits[kNumMethods] = {
    {"CreateCycle", kIA | kAE | kRE, true, false},
    {"GetCycle", kIA | kNF, false, false},
    {"ListCycles", kIA, false, false},
    {"EvaluateMunicipality", kIA | kNF, false, true},
    {"ScreenMunicipalities", kIA | kNF, false, true},
    {"CompareWithLatest", kIA | kNF | kFP, false, true},
    {"OpenNominations", kIA | kNF | kFP | kAB | kRE, true, false},
    {"SubmitNomination", kIA | kNF | kFP | kAE | kAB | kPD | kRE, true, true},
    {"WithdrawNomination", kIA | kNF | kFP | kAB | kPD | kRE, true, false},
    {"ListNominations", kIA | kNF, false, false},
    {"AnnounceNominees", kIA | kNF | kFP | kAB | kRE, true, true},
    {"OpenPublicVoting", kIA | kNF | kFP | kAB | kRE, true, false},
    {"RecordVotes", kIA | kNF | kFP | kRE, true, false},
    {"StartJuryDeliberation", kIA | kNF | kFP | kAB | kRE, true, false},
    {"RegisterJuror", kIA | kNF | kFP | kAE | kRE, true, false},
    {"DeclareConflict", kIA | kNF | kFP | kPD | kRE, true, false},
    {"ConfirmAssessment", kIA | kNF | kFP | kPD | kRE, true, false},
    {"SubmitScore", kIA | kNF | kFP | kPD | kRE, true, false},
    {"DecideWinner", kIA | kNF | kFP | kPD | kRE, true, false},
    {"AnnounceWinner", kIA | kNF | kFP | kAB | kRE, true, false},
    {"ArchiveCycle", kIA | kNF | kFP | kAB | kRE, true, false},
    {"CancelCycle", kIA | kNF | kFP | kAB | kRE, true, false},
    {"ImportWinners", kIA | kFP | kRE, true, false},
    {"ListWinners", 0, false, false},
    {"ListAuditEvents", kIA | kNF, false, false},
    {"SubmitScoreSheet", kIA | kNF | kFP | kPD | kRE, true, false},
    {"CorrectVotes", kIA | kNF | kFP | kRE, true, false},
    {"GetCycleProgress", kIA | kNF, false, false},
    {"RecordCitation", kIA | kNF | kFP | kAB | kPD | kRE, true, true},
    {"RenderAnnouncement", kIA | kNF | kFP, false, true},
};

bool Verbose() {
  static const bool verbose = std::getenv("IMDI_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

std::string Show(const Message& m) {
  std::string text = m.ShortDebugString();
  if (text.size() > 2000) text = absl::StrCat(text.substr(0, 2000), "...");
  return text;
}

// ---------------------------------------------------------------------------
// The store.

// What the API calls a date: YYYY-MM-DD in ASCII digits, a day that exists.
bool IsDate(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  const int year = std::stoi(date.substr(0, 4));
  const int month = std::stoi(date.substr(5, 2));
  const int day = std::stoi(date.substr(8, 2));
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month >= 1 && month <= 12 && day >= 1 &&
         day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// The store as the core sees it: the real RocksDB store, with every commit
// checked on its way in and read back, and a way back to the fixture
// without reopening RocksDB (which takes tens of milliseconds here).
//
// After a call, Undo() writes back the fixture's version of every cycle
// record and winner the call replaced; what the call added (a new cycle,
// audit events, stored responses, winners of new years) stays in RocksDB,
// since the store deletes nothing, but reads no longer see it until a later
// call writes that key again. So every call sees the fixture, whatever ran
// before, and a reproducer is one input. The hidden keys grow the database;
// the harness starts a fresh one once they are many (NeedsRebuild).
class CheckingStore final : public AwardStore {
 public:
  struct Logged {
    AwardCommit commit;
    std::optional<Record> before;  // the cycle record it replaced
  };

  explicit CheckingStore(std::unique_ptr<AwardStore> inner) : inner_(std::move(inner)) {}

  absl::StatusOr<std::optional<Record>> ReadCycle(const std::string& cycle_id) const override {
    if (Hidden(hidden_cycles_, touched_cycles_, cycle_id)) return std::optional<Record>();
    return inner_->ReadCycle(cycle_id);
  }
  absl::StatusOr<std::vector<Record>> ReadCycles() const override {
    auto all = inner_->ReadCycles();
    if (!all.ok()) return all;
    std::vector<Record> out;
    for (Record& r : *all) {
      if (!Hidden(hidden_cycles_, touched_cycles_, r.cycle().cycle_id()))
        out.push_back(std::move(r));
    }
    return out;
  }
  absl::StatusOr<std::vector<v1::AuditEvent>> ReadAudit(const std::string& cycle_id, uint64_t after,
                                                        int limit) const override {
    auto hidden = hidden_audit_.find(cycle_id);
    const int extra = hidden == hidden_audit_.end() ? 0 : static_cast<int>(hidden->second.size());
    auto events = inner_->ReadAudit(cycle_id, after, limit + extra);
    if (!events.ok() || extra == 0) return events;
    std::vector<v1::AuditEvent> out;
    for (v1::AuditEvent& e : *events) {
      if (static_cast<int>(out.size()) == limit) break;
      const AuditKey key{cycle_id, e.sequence()};
      if (!Hidden(hidden_audit_keys_, touched_audit_, key)) out.push_back(std::move(e));
    }
    return out;
  }
  absl::StatusOr<std::optional<imdi::award::storage::v1::RequestRecord>> ReadRequest(
      const std::string& request_id) const override {
    if (Hidden(hidden_requests_, touched_requests_, request_id)) {
      return std::optional<imdi::award::storage::v1::RequestRecord>();
    }
    return inner_->ReadRequest(request_id);
  }
  absl::StatusOr<std::vector<v1::Winner>> ReadWinners() const override {
    auto all = inner_->ReadWinners();
    if (!all.ok()) return all;
    std::vector<v1::Winner> out;
    for (v1::Winner& w : *all) {
      if (!Hidden(hidden_winners_, touched_winners_, w.award_year())) out.push_back(std::move(w));
    }
    return out;
  }

  absl::Status Commit(const AwardCommit& commit) override {
    const std::string what = absl::StrCat("a commit of ", method_);
    auto utf8 = [&](const Message& m, absl::string_view kind) {
      const std::optional<std::string> field = imdi::InvalidUtf8Field(m);
      IMDI_FUZZ_CHECK(!field.has_value(),
                      absl::StrCat(what, " stores a ", kind, " whose ", field.value_or(""),
                                   " is not UTF-8: no read of it will parse"));
    };
    Logged logged;
    logged.commit = commit;
    if (commit.cycle) {
      utf8(*commit.cycle, "cycle record");
      auto before = ReadCycle(commit.cycle->cycle().cycle_id());
      IMDI_FUZZ_CHECK(before.ok(), before.status().ToString());
      logged.before = *before;
    }
    for (const v1::AuditEvent& e : commit.audit_events) {
      utf8(e, "audit event");
      auto existing = ReadAudit(e.cycle_id(), static_cast<uint64_t>(e.sequence() - 1), 1);
      IMDI_FUZZ_CHECK(
          existing.ok() && (existing->empty() || (*existing)[0].sequence() != e.sequence()),
          absl::StrCat(what, " overwrites audit event ", e.sequence(), " of ", e.cycle_id(),
                       ": the trail is append-only"));
    }
    if (commit.request) {
      utf8(commit.request->second, "request record");
      IMDI_FUZZ_CHECK(!commit.request->first.empty(), what + " stores a request without an id");
      auto existing = ReadRequest(commit.request->first);
      IMDI_FUZZ_CHECK(
          existing.ok() && !existing->has_value(),
          absl::StrCat(what, " overwrites the stored response of request ", commit.request->first));
    }
    for (const v1::Winner& w : commit.winners) {
      utf8(w, "winner");
      IMDI_FUZZ_CHECK(w.announce_date().empty() || IsDate(w.announce_date()),
                      absl::StrCat(what, " records a winner whose announce_date \"",
                                   w.announce_date(), "\" is not YYYY-MM-DD"));
    }

    const absl::Status status = inner_->Commit(commit);
    IMDI_FUZZ_CHECK(status.ok(), absl::StrCat(what, " failed: ", status.ToString()));
    written_bytes_ += commit.cycle ? commit.cycle->ByteSizeLong() : 0;
    if (commit.request) written_bytes_ += commit.request->second.ByteSizeLong();

    if (commit.cycle) touched_cycles_.insert(commit.cycle->cycle().cycle_id());
    for (const v1::AuditEvent& e : commit.audit_events) {
      touched_audit_.insert({e.cycle_id(), e.sequence()});
    }
    if (commit.request) touched_requests_.insert(commit.request->first);
    for (const v1::Winner& w : commit.winners) touched_winners_.insert(w.award_year());

    // Everything written reads back.
    if (commit.cycle) {
      auto back = ReadCycle(commit.cycle->cycle().cycle_id());
      IMDI_FUZZ_CHECK(
          back.ok() && back->has_value(),
          absl::StrCat(what, ": the cycle does not read back: ", back.status().ToString()));
    }
    for (const v1::AuditEvent& e : commit.audit_events) {
      auto back = ReadAudit(e.cycle_id(), static_cast<uint64_t>(e.sequence() - 1), 1);
      IMDI_FUZZ_CHECK(back.ok() && back->size() == 1 && (*back)[0].sequence() == e.sequence(),
                      absl::StrCat(what, ": audit event ", e.sequence(),
                                   " does not read back: ", back.status().ToString()));
    }
    if (commit.request) {
      auto back = ReadRequest(commit.request->first);
      IMDI_FUZZ_CHECK(back.ok() && back->has_value(),
                      absl::StrCat(what, ": the request record does not read back: ",
                                   back.status().ToString()));
    }
    if (!commit.winners.empty()) {
      auto back = ReadWinners();
      IMDI_FUZZ_CHECK(
          back.ok(),
          absl::StrCat(what, ": the winners do not read back: ", back.status().ToString()));
    }
    log_.push_back(std::move(logged));
    return status;
  }

  // The commits since the last call, and the method making them.
  void Start(absl::string_view method) {
    method_ = std::string(method);
    std::vector<Logged>().swap(log_);
  }
  const std::vector<Logged>& log() const { return log_; }
  size_t commits() const { return log_.size(); }

  // What is stored now is the fixture.
  void KeepAsFixture() {
    auto cycles = inner_->ReadCycles();
    IMDI_FUZZ_CHECK(cycles.ok(), cycles.status().ToString());
    for (Record& r : *cycles) fixture_cycles_[r.cycle().cycle_id()] = std::move(r);
    auto winners = inner_->ReadWinners();
    IMDI_FUZZ_CHECK(winners.ok(), winners.status().ToString());
    for (v1::Winner& w : *winners) fixture_winners_[w.award_year()] = std::move(w);
    touched_cycles_.clear();
    touched_audit_.clear();
    touched_requests_.clear();
    touched_winners_.clear();
    written_bytes_ = 0;
  }

  // Back to the fixture after a call that wrote.
  void Undo() {
    AwardCommit restore;
    for (const std::string& id : touched_cycles_) {
      auto it = fixture_cycles_.find(id);
      if (it == fixture_cycles_.end()) {
        hidden_cycles_.insert(id);
        continue;
      }
      AwardCommit one;
      one.cycle = it->second;
      written_bytes_ += it->second.ByteSizeLong();
      const absl::Status status = inner_->Commit(one);
      IMDI_FUZZ_CHECK(status.ok(), status.ToString());
    }
    for (int year : touched_winners_) {
      auto it = fixture_winners_.find(year);
      if (it == fixture_winners_.end()) {
        hidden_winners_.insert(year);
      } else {
        restore.winners.push_back(it->second);
      }
    }
    if (!restore.winners.empty()) {
      const absl::Status status = inner_->Commit(restore);
      IMDI_FUZZ_CHECK(status.ok(), status.ToString());
    }
    for (const AuditKey& key : touched_audit_) {
      if (hidden_audit_keys_.insert(key).second) hidden_audit_[key.first].insert(key.second);
    }
    hidden_requests_.insert(touched_requests_.begin(), touched_requests_.end());
    touched_cycles_.clear();
    touched_audit_.clear();
    touched_requests_.clear();
    touched_winners_.clear();
  }

  // Whether the hidden keys have grown enough to start a fresh database.
  bool NeedsRebuild() const {
    return hidden_cycles_.size() + hidden_audit_keys_.size() + hidden_requests_.size() +
                   hidden_winners_.size() >
               20000 ||
           written_bytes_ > (size_t{16} << 20);
  }

 private:
  using AuditKey = std::pair<std::string, int64_t>;

  template <typename Key>
  static bool Hidden(const std::set<Key>& hidden, const std::set<Key>& touched, const Key& key) {
    return hidden.count(key) > 0 && touched.count(key) == 0;
  }

  std::unique_ptr<AwardStore> inner_;
  std::string method_ = "the fixture";
  std::vector<Logged> log_;
  size_t written_bytes_ = 0;
  // The fixture's records that calls may replace.
  std::map<std::string, Record> fixture_cycles_;
  std::map<int, v1::Winner> fixture_winners_;
  // Keys written since the last Undo, and keys added by earlier calls.
  std::set<std::string> touched_cycles_, hidden_cycles_;
  std::set<AuditKey> touched_audit_, hidden_audit_keys_;
  std::map<std::string, std::set<int64_t>> hidden_audit_;
  std::set<std::string> touched_requests_, hidden_requests_;
  std::set<int> touched_winners_, hidden_winners_;
};

// ---------------------------------------------------------------------------
// Callers.

struct CallerSpec {
  const char* label;
  Caller caller;
};

imdi::auth::Principal MakePrincipal(std::string name, std::vector<absl::string_view> roles,
                                    std::string region = "", std::string municipality = "") {
  imdi::auth::Principal p;
  p.name = std::move(name);
  for (absl::string_view r : roles) p.roles.emplace(r);
  p.region = std::move(region);
  p.municipality = std::move(municipality);
  return p;
}

Caller WithPrincipal(imdi::auth::Principal p) {
  Caller c;
  c.actor = p.name;
  c.trace_id = "fuzz-trace";
  c.principal = std::move(p);
  return c;
}

const std::vector<CallerSpec>& Callers() {
  static const auto* callers = [] {
    namespace auth = imdi::auth;
    auto* out = new std::vector<CallerSpec>;
    out->push_back({"development mode", Caller{.actor = "anonymous", .trace_id = "fuzz-trace"}});
    out->push_back(
        {"development mode, x-actor chair", Caller{.actor = "chair", .trace_id = "fuzz-trace"}});
    out->push_back(
        {"administrator", WithPrincipal(MakePrincipal("imdi-admin", {auth::kAwardAdmin}))});
    out->push_back({"nominator bound to IMDi Midt-Norge",
                    WithPrincipal(MakePrincipal("imdi-midt-norge", {auth::kAwardNominator},
                                                "IMDI_REGION_MIDT_NORGE"))});
    out->push_back(
        {"nominator bound to municipality 1804",
         WithPrincipal(MakePrincipal("bodo-kommune", {auth::kAwardNominator}, "", "1804"))});
    out->push_back({"juror chair", WithPrincipal(MakePrincipal("chair", {auth::kAwardJuror}))});
    out->push_back({"juror juror-3", WithPrincipal(MakePrincipal("juror-3", {auth::kAwardJuror}))});
    out->push_back(
        {"juror not registered", WithPrincipal(MakePrincipal("outsider", {auth::kAwardJuror}))});
    out->push_back({"auditor", WithPrincipal(MakePrincipal("auditor", {auth::kAwardAuditor}))});
    out->push_back(
        {"administrator and juror juror-2",
         WithPrincipal(MakePrincipal("juror-2", {auth::kAwardAdmin, auth::kAwardJuror}))});
    IMDI_FUZZ_CHECK(out->size() == kNumCallers, "the callers and CallerIndex disagree");
    return out;
  }();
  return *callers;
}

// Whether the service's RPC table lets `caller` call `method` at all.
bool Admitted(const Caller& caller, Method method) {
  if (!caller.principal) return true;  // development mode: every role
  const auto* roles =
      imdi::auth::RolesFor(absl::StrCat("imdi.award.v1.AwardService/", kTraits[method].name));
  IMDI_FUZZ_CHECK(roles != nullptr, absl::StrCat("the RPC table lacks ", kTraits[method].name));
  for (absl::string_view role : *roles) {
    if (caller.principal->Has(role)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// The fixture.

constexpr const char* kComparables = R"([
  {"code": "1601", "similar": ["1201", "1502", "0906"]},
  {"code": "1201", "similar": ["1601", "0906"]},
  {"code": "1804", "similar": ["1502", "0228"]}
])";

MunicipalityInfo Municipality(std::string code, std::string name, sv1::ImdiRegion region,
                              std::vector<std::string> old_codes = {},
                              std::optional<int> old_until = std::nullopt) {
  MunicipalityInfo info;
  info.code = code;
  info.name = name;
  info.imdi_region = region;
  info.codes.push_back(code);
  for (const std::string& c : old_codes) info.codes.push_back(c);
  if (!old_codes.empty() && old_until) {
    info.code_history.push_back({old_codes.front(), name, std::nullopt, *old_until});
    info.code_history.push_back({code, name, *old_until + 1, std::nullopt});
  }
  return info;
}

sv1::Figures Figures(std::optional<int> requested, std::optional<int> settled, int minors = -1,
                     int intro_finished = -1, int intro_work = -1) {
  sv1::Figures f;
  if (requested) f.set_refugees_requested(*requested);
  if (settled) f.set_refugees_settled(*settled);
  if (minors >= 0) f.set_minors_settled(minors);
  if (intro_finished >= 0) {
    f.set_intro_finished(intro_finished);
    f.set_intro_to_work_or_education(intro_work);
    f.set_intro_followup_total(intro_finished);
    f.set_intro_followup_work_or_education(intro_work);
  }
  f.set_population(50000);
  return f;
}

void LoadStats(FakeStatsClient& stats) {
  using R = sv1::ImdiRegion;
  std::vector<MunicipalityInfo> ms = {
      Municipality("5001", "Trondheim", R::IMDI_REGION_MIDT_NORGE, {"1601"}, 2017),
      Municipality("1506", "Molde", R::IMDI_REGION_MIDT_NORGE, {"1502"}, 2019),
      Municipality("4601", "Bergen", R::IMDI_REGION_VEST, {"1201"}, 2019),
      Municipality("4203", "Arendal", R::IMDI_REGION_SOR, {"0906"}, 2019),
      Municipality("1804", "Bodø", R::IMDI_REGION_NORD),
      Municipality("3224", "Rælingen", R::IMDI_REGION_OST, {"0228"}, 2019),
      Municipality("3430", "Tynset", R::IMDI_REGION_INDRE_OST, {"0437"}, 2019),
      Municipality("5415", "Loabák - Lavangen", R::IMDI_REGION_NORD, {"1920"}, 2019),
  };
  MunicipalityInfo hemne = Municipality("5011", "Hemne", R::IMDI_REGION_MIDT_NORGE, {"1612"}, 2017);
  hemne.valid_to_year = 2019;
  ms.push_back(hemne);
  imdi::award::FiguresByMunicipality figures;
  for (int year : {2014, 2015, 2016}) {
    figures["5001"][year] = Figures(std::nullopt, 627, 123, 200, 106);
    figures["4601"][year] = Figures(720, 720, 160, 300, 140);
    figures["4203"][year] = Figures(std::nullopt, 150, 35);
    figures["1804"][year] = Figures(100, 60, 10);
    figures["3224"][year] = Figures(40, 50, 4, 20, 12);
    figures["3430"][year] = Figures(30, 35, 2, 10, 6);
    figures["1506"][year] = Figures(80, 80, 12, 40, 19);
    figures["5011"][year] = Figures(10, 0);
  }
  for (const char* code : {"5001", "4601", "3224", "3430"}) {
    figures[code][2019] = Figures(50, 55, 5, 100, 61);
  }
  stats.Load(ms, figures);
  stats.SetRegionSettled(R::IMDI_REGION_MIDT_NORGE, 2016, {"IMDi Midt-Norge", 2702, 2600, 0});
  stats.SetRegionSettled(R::IMDI_REGION_VEST, 2016, {"IMDi Vest", std::nullopt, 2100, 3});
  stats.SetRegionSettled(R::IMDI_REGION_NORD, 2015, {"IMDi Nord", 900, std::nullopt, 40});
}

// The figures revised after the cycles froze their data version: Trondheim's
// minors fall below the 2016 rule's 50 (still eligible by its region share).
void ReviseStats(FakeStatsClient& stats) {
  sv1::Figures trondheim = Figures(std::nullopt, 627, 40, 200, 106);
  trondheim.set_note("revised");
  stats.SetFigures("5001", 2016, trondheim);
}

class FixtureBuilder {
 public:
  FixtureBuilder(AwardCore& core, const std::string& data_dir) : core_(core), data_(data_dir) {}

  v1::CycleConfig Config(const std::string& name) {
    auto config = imdi::award_files::LoadCycleConfig(data_ + "/data/award/" + name);
    IMDI_FUZZ_CHECK(config.ok(), config.status().ToString());
    return *config;
  }

  template <typename Response>
  Response Must(absl::StatusOr<Response> result, absl::string_view what) {
    IMDI_FUZZ_CHECK(result.ok(), absl::StrCat("fixture: ", what, ": ", result.status().ToString()));
    return *std::move(result);
  }

  void Create(const std::string& id, v1::CycleConfig config, bool open = true) {
    v1::CreateCycleRequest create;
    create.set_cycle_id(id);
    *create.mutable_config() = std::move(config);
    create.set_request_id("create-" + id);
    Must(core_.CreateCycle(create, dev_), "CreateCycle " + id);
    if (!open) return;
    v1::OpenNominationsRequest request;
    request.set_cycle_id(id);
    request.set_request_id("open-" + id);
    Must(core_.OpenNominations(request, dev_), "OpenNominations " + id);
  }

  std::string Nominate(const std::string& cycle, const std::string& code, sv1::ImdiRegion region,
                       std::vector<std::string> claims = {}) {
    v1::SubmitNominationRequest request;
    request.set_cycle_id(cycle);
    request.set_municipality_code(code);
    request.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
    request.mutable_nominator()->set_imdi_region(region);
    request.mutable_nominator()->set_display_name("IMDi regional office");
    request.set_justification("Settles many refugees, and integrates them well over many years.");
    for (const std::string& criterion : claims) {
      v1::AssessmentClaim* claim = request.add_claims();
      claim->set_criterion(criterion);
      claim->set_justification(
          "A long-term plan, adapted housing and close cooperation with employers and IMDi.");
    }
    request.set_request_id(absl::StrCat("nominate-", cycle, "-", code));
    return Must(core_.SubmitNomination(request, dev_), "SubmitNomination " + cycle + " " + code)
        .nomination()
        .nomination_id();
  }

  void Announce(const std::string& cycle) {
    v1::AnnounceNomineesRequest request;
    request.set_cycle_id(cycle);
    Must(core_.AnnounceNominees(request, dev_), "AnnounceNominees " + cycle);
  }

  void OpenVoting(const std::string& cycle, const std::vector<std::pair<std::string, int>>& votes) {
    v1::OpenPublicVotingRequest open;
    open.set_cycle_id(cycle);
    Must(core_.OpenPublicVoting(open, dev_), "OpenPublicVoting " + cycle);
    v1::RecordVotesRequest record;
    record.set_cycle_id(cycle);
    record.set_request_id("votes-" + cycle);
    for (const auto& [id, n] : votes) {
      v1::VoteTally* t = record.add_tallies();
      t->set_nomination_id(id);
      t->set_votes(n);
    }
    Must(core_.RecordVotes(record, dev_), "RecordVotes " + cycle);
  }

  void StartJury(const std::string& cycle, const std::vector<std::string>& jurors) {
    v1::StartJuryDeliberationRequest start;
    start.set_cycle_id(cycle);
    Must(core_.StartJuryDeliberation(start, dev_), "StartJuryDeliberation " + cycle);
    for (const std::string& id : jurors) {
      v1::RegisterJurorRequest request;
      request.set_cycle_id(cycle);
      request.mutable_juror()->set_juror_id(id);
      request.mutable_juror()->set_display_name("Juror " + id);
      request.mutable_juror()->set_chair(id == "chair");
      request.set_request_id(absl::StrCat("juror-", cycle, "-", id));
      Must(core_.RegisterJuror(request, dev_), "RegisterJuror " + cycle + " " + id);
    }
  }

  void Confirm(const std::string& cycle, const std::string& nomination,
               const std::string& criterion) {
    v1::ConfirmAssessmentRequest request;
    request.set_cycle_id(cycle);
    request.set_nomination_id(nomination);
    request.set_criterion(criterion);
    request.set_confirmed(true);
    request.set_jury_note("Confirmed by the jury.");
    Must(core_.ConfirmAssessment(request, dev_), "ConfirmAssessment " + cycle);
  }

  void Score(const std::string& cycle, const std::string& juror, const std::string& nomination,
             const std::vector<std::pair<std::string, double>>& scores) {
    for (const auto& [criterion, score] : scores) {
      v1::SubmitScoreRequest request;
      request.set_cycle_id(cycle);
      request.set_juror_id(juror);
      request.set_nomination_id(nomination);
      request.set_criterion(criterion);
      request.set_score(score);
      Must(core_.SubmitScore(request, dev_), "SubmitScore " + cycle);
    }
  }

  void Decide(const std::string& cycle) {
    v1::DecideWinnerRequest request;
    request.set_cycle_id(cycle);
    Must(core_.DecideWinner(request, dev_), "DecideWinner " + cycle);
  }

  void AnnounceWinner(const std::string& cycle) {
    v1::AnnounceWinnerRequest request;
    request.set_cycle_id(cycle);
    request.set_request_id("winner-" + cycle);
    Must(core_.AnnounceWinner(request, dev_), "AnnounceWinner " + cycle);
  }

  void Build(FakeStatsClient& stats) {
    using R = sv1::ImdiRegion;
    const v1::CycleConfig c2015 = Config("bosettingsprisen-2015.json");
    const v1::CycleConfig c2016 = Config("bosettingsprisen-2016.json");
    const v1::CycleConfig c2021 = Config("bosettingsprisen-2021.json");
    const std::vector<std::pair<std::string, double>> all8 = {
        {"settlement", 8}, {"qualification", 8}, {"anchoring", 8}};
    const std::vector<std::pair<std::string, double>> all9 = {
        {"settlement", 9}, {"qualification", 9}, {"anchoring", 9}};

    // The history 2008-2015.
    std::ifstream history(data_ + "/data/published/award-history.csv");
    auto winners = imdi::award_files::ParseWinnersHistory(history, 2008, 2015);
    IMDI_FUZZ_CHECK(winners.ok(), winners.status().ToString());
    v1::ImportWinnersRequest import;
    for (const v1::Winner& w : *winners) *import.add_winners() = w;
    import.set_request_id("winners-2008-2015");
    Must(core_.ImportWinners(import, dev_), "ImportWinners");

    Create("draft", c2016, /*open=*/false);
    Create("cancelled", c2016);
    {
      v1::CancelCycleRequest cancel;
      cancel.set_cycle_id("cancelled");
      cancel.set_reason("replaced by another cycle");
      Must(core_.CancelCycle(cancel, dev_), "CancelCycle");
    }

    // Nominations open: two nominees, a third withdrawn.
    Create("open", c2016);
    Nominate("open", "1601", R::IMDI_REGION_MIDT_NORGE, {"creative_housing", "anchored_plans"});
    Nominate("open", "1201", R::IMDI_REGION_VEST, {"innovative_intro"});
    const std::string bodo =
        Nominate("open", "1804", R::IMDI_REGION_NORD, {"creative_housing", "anchored_plans"});
    {
      v1::WithdrawNominationRequest withdraw;
      withdraw.set_cycle_id("open");
      withdraw.set_nomination_id(bodo);
      Must(core_.WithdrawNomination(withdraw, dev_), "WithdrawNomination");
    }

    // 2015's rule: overrides, regional offices and municipalities, two per
    // region; Bodø nominated itself with an override.
    {
      v1::CycleConfig c = c2015;
      c.mutable_nomination_policy()->add_nominators(v1::NOMINATOR_KIND_MUNICIPALITY);
      c.mutable_nomination_policy()->set_max_per_region(2);
      Create("open-2015", c);
      v1::SubmitNominationRequest request;
      request.set_cycle_id("open-2015");
      request.set_municipality_code("1804");
      request.mutable_nominator()->set_kind(v1::NOMINATOR_KIND_MUNICIPALITY);
      request.mutable_nominator()->set_municipality_code("1804");
      request.set_justification("We settle whoever IMDi asks us to.");
      request.set_override_reason("The figures of 2015 do not show the work done since.");
      Must(core_.SubmitNomination(request, dev_), "SubmitNomination open-2015");
    }

    // The deadline has passed.
    {
      v1::CycleConfig c = c2016;
      c.mutable_nomination_policy()->mutable_deadline()->set_seconds(1'483'228'800);  // 2017-01-01
      Create("late", c);
    }

    // Announced: the data version is frozen, then the figures change.
    Create("announced", c2016);
    Nominate("announced", "1601", R::IMDI_REGION_MIDT_NORGE);
    Nominate("announced", "1201", R::IMDI_REGION_VEST, {"innovative_intro", "anchored_plans"});
    Nominate("announced", "0906", R::IMDI_REGION_SOR, {"creative_housing", "anchored_plans"});
    Announce("announced");

    // Public voting (2021: a blend of votes and the jury's score): about to
    // open, and open.
    Create("announced-2021", c2021);
    Nominate("announced-2021", "1201", R::IMDI_REGION_VEST);
    Nominate("announced-2021", "3430", R::IMDI_REGION_INDRE_OST);
    Announce("announced-2021");
    Create("voting", c2021);
    const std::string v1_ = Nominate("voting", "1201", R::IMDI_REGION_VEST);
    const std::string v2_ = Nominate("voting", "0228", R::IMDI_REGION_OST);
    const std::string v3_ = Nominate("voting", "1601", R::IMDI_REGION_MIDT_NORGE);
    Announce("voting");
    OpenVoting("voting", {{v1_, 300}, {v2_, 200}, {v3_, 100}});

    // A vote picks two finalists, then the jury.
    {
      v1::CycleConfig c = c2016;
      c.mutable_decision_policy()->set_kind(v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS);
      c.mutable_decision_policy()->set_finalist_count(2);
      Create("finalists", c);
      const std::string a = Nominate("finalists", "1601", R::IMDI_REGION_MIDT_NORGE);
      const std::string b = Nominate("finalists", "1201", R::IMDI_REGION_VEST);
      const std::string d = Nominate("finalists", "0228", R::IMDI_REGION_OST, {"innovative_intro"});
      Announce("finalists");
      OpenVoting("finalists", {{a, 50}, {b, 40}, {d, 10}});
      StartJury("finalists", {"chair", "juror-2"});
    }

    // The jury at work: a conflict, claims confirmed and pending, scores.
    Create("jury", c2016);
    const std::string trondheim =
        Nominate("jury", "1601", R::IMDI_REGION_MIDT_NORGE, {"creative_housing", "anchored_plans"});
    const std::string bergen =
        Nominate("jury", "1201", R::IMDI_REGION_VEST, {"innovative_intro", "anchored_plans"});
    Nominate("jury", "0906", R::IMDI_REGION_SOR, {"creative_housing", "anchored_plans"});
    Announce("jury");
    StartJury("jury", {"chair", "juror-2", "juror-3"});
    {
      v1::DeclareConflictRequest conflict;
      conflict.set_cycle_id("jury");
      conflict.set_juror_id("juror-3");
      conflict.set_nomination_id(bergen);
      conflict.set_reason("employed by the municipality");
      Must(core_.DeclareConflict(conflict, dev_), "DeclareConflict");
    }
    Confirm("jury", trondheim, "creative_housing");
    Confirm("jury", trondheim, "anchored_plans");
    Score("jury", "chair", trondheim, all9);
    Score("jury", "juror-2", trondheim, all8);

    // A tie the rules leave to the chair (all scores equal).
    Create("tied", c2016);
    const std::string t1 = Nominate("tied", "1601", R::IMDI_REGION_MIDT_NORGE);
    const std::string t2 = Nominate("tied", "1201", R::IMDI_REGION_VEST);
    Announce("tied");
    StartJury("tied", {"chair", "juror-2"});
    for (const std::string& juror : {"chair", "juror-2"}) {
      Score("tied", juror, t1, all8);
      Score("tied", juror, t2, all8);
    }

    // Decided, announced, archived.
    for (const std::string id : {"decided", "winner", "archived"}) {
      v1::CycleConfig c = c2016;
      if (id == "archived") c.set_award_year(2017);
      Create(id, c);
      const std::string a = Nominate(id, "1601", R::IMDI_REGION_MIDT_NORGE);
      const std::string b = Nominate(id, "1201", R::IMDI_REGION_VEST);
      Announce(id);
      StartJury(id, {"chair"});
      Score(id, "chair", a, all9);
      Score(id, "chair", b, all8);
      Decide(id);
      if (id == "decided") continue;
      AnnounceWinner(id);
      if (id == "winner") continue;
      v1::ArchiveCycleRequest archive;
      archive.set_cycle_id(id);
      Must(core_.ArchiveCycle(archive, dev_), "ArchiveCycle");
    }

    ReviseStats(stats);
  }

 private:
  AwardCore& core_;
  const std::string data_;
  const Caller dev_{.actor = "fixture", .trace_id = "fixture-trace"};
};

absl::Time FixedNow() {
  return absl::FromCivil(absl::CivilSecond(2017, 1, 15, 12, 0, 0), absl::UTCTimeZone());
}

class World {
 public:
  static World& Get() {
    static World* world = new World();
    return *world;
  }

  AwardCore& core() { return *core_; }
  CheckingStore& store() { return *store_; }
  FakeStatsClient& stats() { return *stats_; }

  // Puts the fixture back after a call that wrote to the store.
  void ResetIfDirty() {
    if (!dirty_) return;
    dirty_ = false;
    ++undos_;
    store_->Undo();
    if (store_->NeedsRebuild()) Build();
  }
  void MarkDirty() { dirty_ = true; }

  std::string Summary() const {
    return absl::StrCat(builds_, " fixture builds in ", absl::FormatDuration(build_time_), ", ",
                        undos_, " undos");
  }

 private:
  World() {
    const char* tmp = std::getenv("TMPDIR");
    const std::string parent = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    RemoveStale(parent);
    std::string pattern = absl::StrCat(parent, "/", kDirPrefix, getpid(), "-XXXXXX");
    IMDI_FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed for " + pattern);
    root_ = pattern;
    root_for_exit_ = root_;
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(root_for_exit_, ignored);
    });
    IMDI_FUZZ_CHECK(comparables_.ok(), comparables_.status().ToString());
    Build();
  }

  static constexpr const char* kDirPrefix = "imdi-fuzz-award-";

  // A run that stops at a finding leaves its directory behind (libFuzzer
  // exits without atexit handlers): remove those of processes that are gone.
  static void RemoveStale(const std::string& parent) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(parent, error)) {
      const std::string name = entry.path().filename().string();
      if (!absl::StartsWith(name, kDirPrefix)) continue;
      const std::vector<std::string> parts =
          absl::StrSplit(name.substr(std::strlen(kDirPrefix)), '-');
      int pid = 0;
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &pid) || pid <= 0 || pid == getpid()) {
        continue;
      }
      if (kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), error);
    }
  }

  // A fresh store (and statistics fake, whose data versions the cycles
  // record) holding the fixture.
  void Build() {
    const absl::Time start = absl::Now();
    core_.reset();
    store_.reset();
    std::error_code error;
    fs::remove_all(root_ + "/store", error);
    IMDI_FUZZ_CHECK(!error, error.message());
    stats_ = std::make_unique<FakeStatsClient>();
    LoadStats(*stats_);
    auto store = imdi::award::OpenRocksDbAwardStore({.path = root_ + "/store", .sync = false});
    IMDI_FUZZ_CHECK(store.ok(), store.status().ToString());
    store_ = std::make_unique<CheckingStore>(*std::move(store));
    core_ = std::make_unique<AwardCore>(store_.get(), stats_.get(), *comparables_,
                                        imdi::award::AwardCoreOptions{.now = FixedNow});
    FixtureBuilder(*core_, IMDI_SOURCE_DIR).Build(*stats_);
    store_->KeepAsFixture();
    build_time_ += absl::Now() - start;
    ++builds_;
  }

  static inline std::string root_for_exit_;
  std::string root_;
  absl::StatusOr<imdi::award::Comparables> comparables_ =
      imdi::award::Comparables::Parse(kComparables);
  std::unique_ptr<FakeStatsClient> stats_;
  std::unique_ptr<CheckingStore> store_;
  std::unique_ptr<AwardCore> core_;
  bool dirty_ = false;
  uint64_t undos_ = 0, builds_ = 0;
  absl::Duration build_time_;
};

// IMDI_FUZZ_STATS=1: how often each method gave each answer (OK or the
// error's reason), printed at exit with the fixture builds; else null.
std::map<std::string, int>* Answers() {
  static std::map<std::string, int>* answers = []() -> std::map<std::string, int>* {
    if (std::getenv("IMDI_FUZZ_STATS") == nullptr) return nullptr;
    std::atexit([] {
      std::fprintf(stderr, "award_requests: %s\n", World::Get().Summary().c_str());
      for (const auto& [answer, n] : *Answers())
        std::fprintf(stderr, "%8d %s\n", n, answer.c_str());
    });
    return new std::map<std::string, int>;
  }();
  return answers;
}

// ---------------------------------------------------------------------------
// One call.

struct Outcome {
  bool parsed = false;
  absl::Status status;
  std::unique_ptr<Message> response;
  std::string request_id;
  std::string cycle_id;
  std::string request_text;
  // The nomination view the request asks for (AIP-157).
  v1::NominationView nomination_view = v1::NOMINATION_VIEW_UNSPECIFIED;
};

template <typename Request>
bool ParseRequest(const std::string& bytes, Request& request, Outcome& out) {
  if (!request.ParseFromString(bytes)) return false;
  out.parsed = true;
  if (Verbose()) out.request_text = Show(request);
  const auto* descriptor = Request::descriptor();
  const auto* reflection = request.GetReflection();
  if (const auto* f = descriptor->FindFieldByName("request_id")) {
    out.request_id = reflection->GetString(request, f);
  }
  if (const auto* f = descriptor->FindFieldByName("cycle_id")) {
    out.cycle_id = reflection->GetString(request, f);
  }
  if (const auto* f = descriptor->FindFieldByName("view");
      f != nullptr && f->enum_type() == v1::NominationView_descriptor()) {
    out.nomination_view = static_cast<v1::NominationView>(reflection->GetEnumValue(request, f));
  }
  return true;
}

template <typename Request, typename Response>
Outcome Run(absl::StatusOr<Response> (AwardCore::*method)(const Request&, const Caller&),
            const std::string& bytes, const Caller& caller) {
  Outcome out;
  Request request;
  if (!ParseRequest(bytes, request, out)) return out;
  absl::StatusOr<Response> result = (World::Get().core().*method)(request, caller);
  out.status = result.status();
  if (result.ok()) out.response = std::make_unique<Response>(*std::move(result));
  return out;
}

template <typename Request, typename Response>
Outcome Run(absl::StatusOr<Response> (AwardCore::*method)(const Request&), const std::string& bytes,
            const Caller&) {
  Outcome out;
  Request request;
  if (!ParseRequest(bytes, request, out)) return out;
  absl::StatusOr<Response> result = (World::Get().core().*method)(request);
  out.status = result.status();
  if (result.ok()) out.response = std::make_unique<Response>(*std::move(result));
  return out;
}

// ScreenMunicipalities streams: the reply is its messages, as ScreenWriter
// (award_service.cc) cuts them, here joined into one for the checks.
Outcome Screen(const std::string& bytes, const Caller&) {
  Outcome out;
  v1::ScreenMunicipalitiesRequest request;
  if (!ParseRequest(bytes, request, out)) return out;
  int64_t data_version = 0;
  auto result = World::Get().core().ScreenMunicipalities(request, &data_version);
  out.status = result.status();
  if (!result.ok()) return out;
  std::string previous;
  for (const v1::Evaluation& e : *result) {
    IMDI_FUZZ_CHECK(previous < e.municipality_code(),
                    "ScreenMunicipalities is not ordered by municipality code");
    previous = e.municipality_code();
    IMDI_FUZZ_CHECK(e.data_version() == data_version,
                    "ScreenMunicipalities evaluated at two data versions");
    IMDI_FUZZ_CHECK(!request.eligible_only() || e.eligible(),
                    "ScreenMunicipalities eligible_only gave an ineligible municipality");
  }
  auto response = std::make_unique<v1::ScreenMunicipalitiesResponse>();
  response->set_data_version(data_version);
  for (v1::Evaluation& e : *result) *response->add_evaluations() = std::move(e);
  out.response = std::move(response);
  return out;
}

Outcome Call(Method method, const std::string& bytes, const Caller& caller) {
  switch (method) {
    case kCreateCycle:
      return Run(&AwardCore::CreateCycle, bytes, caller);
    case kGetCycle:
      return Run(&AwardCore::GetCycle, bytes, caller);
    case kListCycles:
      return Run(&AwardCore::ListCycles, bytes, caller);
    case kEvaluateMunicipality:
      return Run(&AwardCore::EvaluateMunicipality, bytes, caller);
    case kScreenMunicipalities:
      return Screen(bytes, caller);
    case kCompareWithLatest:
      return Run(&AwardCore::CompareWithLatest, bytes, caller);
    case kOpenNominations:
      return Run(&AwardCore::OpenNominations, bytes, caller);
    case kSubmitNomination:
      return Run(&AwardCore::SubmitNomination, bytes, caller);
    case kWithdrawNomination:
      return Run(&AwardCore::WithdrawNomination, bytes, caller);
    case kListNominations:
      return Run(&AwardCore::ListNominations, bytes, caller);
    case kAnnounceNominees:
      return Run(&AwardCore::AnnounceNominees, bytes, caller);
    case kOpenPublicVoting:
      return Run(&AwardCore::OpenPublicVoting, bytes, caller);
    case kRecordVotes:
      return Run(&AwardCore::RecordVotes, bytes, caller);
    case kStartJuryDeliberation:
      return Run(&AwardCore::StartJuryDeliberation, bytes, caller);
    case kRegisterJuror:
      return Run(&AwardCore::RegisterJuror, bytes, caller);
    case kDeclareConflict:
      return Run(&AwardCore::DeclareConflict, bytes, caller);
    case kConfirmAssessment:
      return Run(&AwardCore::ConfirmAssessment, bytes, caller);
    case kSubmitScore:
      return Run(&AwardCore::SubmitScore, bytes, caller);
    case kDecideWinner:
      return Run(&AwardCore::DecideWinner, bytes, caller);
    case kAnnounceWinner:
      return Run(&AwardCore::AnnounceWinner, bytes, caller);
    case kArchiveCycle:
      return Run(&AwardCore::ArchiveCycle, bytes, caller);
    case kCancelCycle:
      return Run(&AwardCore::CancelCycle, bytes, caller);
    case kImportWinners:
      return Run(&AwardCore::ImportWinners, bytes, caller);
    case kListWinners:
      return Run(&AwardCore::ListWinners, bytes, caller);
    case kListAuditEvents:
      return Run(&AwardCore::ListAuditEvents, bytes, caller);
    case kSubmitScoreSheet:
      return Run(&AwardCore::SubmitScoreSheet, bytes, caller);
    case kCorrectVotes:
      return Run(&AwardCore::CorrectVotes, bytes, caller);
    case kGetCycleProgress:
      return Run(&AwardCore::GetCycleProgress, bytes, caller);
    case kRecordCitation:
      return Run(&AwardCore::RecordCitation, bytes, caller);
    case kRenderAnnouncement:
      return Run(&AwardCore::RenderAnnouncement, bytes, caller);
    case kNumMethods:
      break;
  }
  return {};
}

// ---------------------------------------------------------------------------
// The checks.

bool UpperSnake(const std::string& reason) {
  if (reason.empty()) return false;
  for (char c : reason) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

void CheckPart(const std::string& part, const std::string& where) {
  IMDI_FUZZ_CHECK(part.size() <= imdi::kMaxViolationPartBytes,
                  absl::StrCat(where, " is ", part.size(), " bytes"));
  IMDI_FUZZ_CHECK(imdi::fuzz::ValidUtf8(part), where + " is not UTF-8");
}

void CheckError(Method method, const absl::Status& status, const Caller& caller, bool stats_down,
                const std::string& call) {
  const absl::StatusCode code = status.code();
  uint32_t allowed = kTraits[method].codes;
  if (kTraits[method].stats && stats_down) allowed |= Code(absl::StatusCode::kUnavailable);
  IMDI_FUZZ_CHECK((allowed & Code(code)) != 0,
                  absl::StrCat(call, ": a code the method does not give: ", status.ToString()));
  IMDI_FUZZ_CHECK(
      code != absl::StatusCode::kPermissionDenied || caller.principal || method == kDecideWinner,
      absl::StrCat(call, ": PERMISSION_DENIED in development mode: ", status.ToString()));

  const std::string reason = imdi::ErrorReason(status);
  IMDI_FUZZ_CHECK(UpperSnake(reason), absl::StrCat(call, ": the error's reason is \"", reason,
                                                   "\": ", status.ToString()));
  IMDI_FUZZ_CHECK(status.message().size() <= 4096,
                  absl::StrCat(call, ": a message of ", status.message().size(), " bytes"));

  const std::vector<imdi::FieldViolation> fields = imdi::FieldViolations(status);
  const std::vector<imdi::PreconditionViolation> preconditions =
      imdi::PreconditionViolations(status);
  if (code == absl::StatusCode::kInvalidArgument) {
    IMDI_FUZZ_CHECK(!fields.empty(),
                    absl::StrCat(call, ": INVALID_ARGUMENT names no field: ", status.ToString()));
  }
  if (code == absl::StatusCode::kFailedPrecondition) {
    IMDI_FUZZ_CHECK(
        !preconditions.empty(),
        absl::StrCat(call, ": FAILED_PRECONDITION lists no violation: ", status.ToString()));
  }
  IMDI_FUZZ_CHECK(fields.size() <= imdi::kMaxViolationsReported &&
                      preconditions.size() <= imdi::kMaxViolationsReported,
                  absl::StrCat(call, ": ", fields.size() + preconditions.size(), " violations"));
  for (const auto& v : fields) {
    IMDI_FUZZ_CHECK(!v.field.empty(), absl::StrCat(call, ": a violation without its field"));
    CheckPart(v.field, call + ": a violation's field");
    CheckPart(v.description, call + ": a violation's description");
  }
  for (const auto& v : preconditions) {
    CheckPart(v.type, call + ": a precondition's type");
    CheckPart(v.subject, call + ": a precondition's subject");
    CheckPart(v.description, call + ": a precondition's description");
  }

  // At the edge: within the trailer's bounds, and back.
  const grpc::Status wire = imdi::ToGrpcStatus(status, "award.imdi.no", "fuzz-trace");
  IMDI_FUZZ_CHECK(static_cast<int>(wire.error_code()) == static_cast<int>(code),
                  call + ": the edge changed the code");
  IMDI_FUZZ_CHECK(wire.error_message().size() <= imdi::kMaxErrorMessageBytes &&
                      imdi::fuzz::ValidUtf8(wire.error_message()),
                  absl::StrCat(call, ": the edge's message is ", wire.error_message().size(),
                               " bytes or not UTF-8"));
  google::rpc::Status details;
  IMDI_FUZZ_CHECK(details.ParseFromString(wire.error_details()),
                  call + ": the edge's details do not parse");
  const absl::Status back = imdi::FromGrpcStatus(wire);
  IMDI_FUZZ_CHECK(imdi::ErrorReason(back) == reason,
                  absl::StrCat(call, ": the reason did not survive the edge: ", reason, " -> ",
                               imdi::ErrorReason(back)));
  // The edge keeps the first violations within its 3 KiB (FitDetails) and
  // counts them all in violations_total when it drops any.
  const std::vector<imdi::FieldViolation> fields_back = imdi::FieldViolations(back);
  const std::vector<imdi::PreconditionViolation> preconditions_back =
      imdi::PreconditionViolations(back);
  IMDI_FUZZ_CHECK(fields_back.size() <= fields.size() &&
                      std::equal(fields_back.begin(), fields_back.end(), fields.begin()) &&
                      preconditions_back.size() <= preconditions.size(),
                  call + ": the violations past the edge are not the first ones");
  IMDI_FUZZ_CHECK(code != absl::StatusCode::kInvalidArgument || !fields_back.empty(),
                  call + ": INVALID_ARGUMENT names no field past the edge");
  const bool dropped =
      fields_back.size() < fields.size() || preconditions_back.size() < preconditions.size();
  const auto metadata = imdi::ErrorMetadata(back);
  IMDI_FUZZ_CHECK(
      !dropped || metadata.count("violations_total") > 0,
      absl::StrCat(call, ": the edge passes ", fields_back.size(), " of ", fields.size(),
                   " field violations and ", preconditions_back.size(), " of ",
                   preconditions.size(), " precondition violations, and no violations_total"));
  // Finding F11 (fixed): the total counts against the bound too.
  IMDI_FUZZ_CHECK(
      wire.error_details().size() <= imdi::kMaxErrorDetailsBytes,
      absl::StrCat(call, ": the edge's details are ", wire.error_details().size(), " bytes"));
}

// What a call wrote, against what it answered.
void CheckCommits(Method method, const Outcome& outcome, const Caller& caller,
                  const std::string& call) {
  const absl::Status& status = outcome.status;
  const auto& log = World::Get().store().log();
  // Every audit event names the call, its actor and its request id.
  const std::string request_id = outcome.request_id.empty() ? caller.trace_id : outcome.request_id;
  for (const auto& logged : log) {
    for (const v1::AuditEvent& event : logged.commit.audit_events) {
      IMDI_FUZZ_CHECK(event.action() == kTraits[method].name && event.actor() == caller.actor &&
                          event.request_id() == request_id,
                      absl::StrCat(call, ": an audit event of ", event.action(), " by ",
                                   event.actor(), " with request id ", event.request_id()));
    }
  }
  if (!kTraits[method].writes) {
    IMDI_FUZZ_CHECK(log.empty(), call + ": a read wrote to the store");
    return;
  }
  const bool recorded_refusal = status.code() == absl::StatusCode::kFailedPrecondition ||
                                status.code() == absl::StatusCode::kPermissionDenied;
  if (!status.ok()) {
    IMDI_FUZZ_CHECK(
        recorded_refusal ? log.size() <= 1 : log.empty(),
        absl::StrCat(call, ": a refusal (", status.ToString(), ") made ", log.size(), " commits"));
    for (const auto& [commit, before] : log) {
      IMDI_FUZZ_CHECK(commit.cycle && before && commit.audit_events.size() == 1 &&
                          !commit.request && commit.winners.empty(),
                      call + ": a refusal wrote more than its audit event");
      const v1::AuditEvent& event = commit.audit_events.front();
      IMDI_FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(commit.cycle->cycle(),
                                                                         before->cycle()),
                      call + ": a refusal changed the cycle");
      IMDI_FUZZ_CHECK(commit.cycle->last_audit_sequence() == before->last_audit_sequence() + 1 &&
                          event.sequence() == commit.cycle->last_audit_sequence(),
                      call + ": a refusal's audit event is out of sequence");
      IMDI_FUZZ_CHECK(
          absl::StartsWith(event.detail(), absl::StrCat("refused: ", imdi::ErrorReason(status))),
          absl::StrCat(call, ": a refusal's audit event says \"", event.detail(), "\""));
      IMDI_FUZZ_CHECK(event.state_before() == event.state_after(),
                      call + ": a refusal's audit event moves the state");
    }
    return;
  }
  for (const auto& [commit, before] : log) {
    if (!commit.cycle) continue;
    const v1::Cycle& cycle = commit.cycle->cycle();
    IMDI_FUZZ_CHECK(
        commit.audit_events.size() == 1,
        absl::StrCat(call, ": a change with ", commit.audit_events.size(), " audit events"));
    const v1::AuditEvent& event = commit.audit_events.front();
    const int64_t revision = before ? before->cycle().revision() : 0;
    const int64_t sequence = before ? before->last_audit_sequence() : 0;
    IMDI_FUZZ_CHECK(cycle.revision() == revision + 1 &&
                        commit.cycle->last_audit_sequence() == sequence + 1 &&
                        event.sequence() == sequence + 1 && event.cycle_id() == cycle.cycle_id(),
                    absl::StrCat(call, ": revision ", revision, " -> ", cycle.revision(),
                                 ", audit sequence ", sequence, " -> ", event.sequence()));
    IMDI_FUZZ_CHECK(event.state_after() == cycle.state() &&
                        (!before || event.state_before() == before->cycle().state()),
                    call + ": the audit event's states are not the cycle's");
  }
}

void CheckResponse(const Message& response, const std::string& call) {
  const std::optional<std::string> field = imdi::InvalidUtf8Field(response);
  IMDI_FUZZ_CHECK(!field.has_value(),
                  absl::StrCat(call, ": the reply's ", field.value_or(""), " is not UTF-8"));
  IMDI_FUZZ_CHECK(imdi::fuzz::SurvivesWire(response), call + ": the reply does not parse back");
  const size_t bytes = response.ByteSizeLong();
  // A page is cut at 1 MiB after its first item; no reply comes near 4 MiB,
  // what a default gRPC client accepts.
  IMDI_FUZZ_CHECK(bytes <= (size_t{4} << 20), absl::StrCat(call, ": a reply of ", bytes, " bytes"));
}

// A change's reply shows the cycle (its header) or nomination (in the view
// asked for) as stored.
void CheckStoredPart(const Message& response, const Record& stored, v1::NominationView view,
                     const std::string& call) {
  const auto* descriptor = response.GetDescriptor();
  const auto* reflection = response.GetReflection();
  if (const auto* f = descriptor->FindFieldByName("cycle");
      f != nullptr && reflection->HasField(response, f)) {
    v1::Cycle header = stored.cycle();
    imdi::award::ApplyCycleView(v1::CYCLE_VIEW_BASIC, header);
    IMDI_FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(
                        reflection->GetMessage(response, f), header),
                    call + ": the reply's cycle is not the stored one's header");
  }
  if (const auto* f = descriptor->FindFieldByName("nomination");
      f != nullptr && reflection->HasField(response, f)) {
    const auto& n = static_cast<const v1::Nomination&>(reflection->GetMessage(response, f));
    bool found = false;
    for (v1::Nomination m : stored.nominations()) {
      if (m.nomination_id() != n.nomination_id()) continue;
      found = true;
      imdi::award::ApplyNominationView(view, m);
      IMDI_FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(m, n),
                      call + ": the reply's nomination is not the stored one in its view");
    }
    IMDI_FUZZ_CHECK(found, call + ": the reply's nomination is not stored");
  }
}

// The workflow's rules, on what a change stored.
void CheckRules(Method method, const Message& response, const Record& stored,
                const std::string& call) {
  const v1::CycleConfig& config = stored.cycle().config();
  IMDI_FUZZ_CHECK(stored.nominations_size() <= 500,
                  absl::StrCat(call, ": ", stored.nominations_size(), " nominations"));
  IMDI_FUZZ_CHECK(stored.cycle().jurors_size() <= 50,
                  absl::StrCat(call, ": ", stored.cycle().jurors_size(), " jurors"));
  if (method == kCreateCycle) {
    for (const std::string* date :
         {&config.schedule().nominees_announce_date(), &config.schedule().winner_announce_date()}) {
      IMDI_FUZZ_CHECK(
          date->empty() || IsDate(*date),
          absl::StrCat(call, ": a cycle whose schedule date \"", *date, "\" is not YYYY-MM-DD"));
    }
  }
  if (method == kSubmitNomination) {
    const auto& n = static_cast<const v1::SubmitNominationResponse&>(response).nomination();
    IMDI_FUZZ_CHECK(n.evaluation().eligible() || (!n.override_reason().empty() &&
                                                  config.nomination_policy().allow_override()),
                    call + ": an ineligible municipality nominated without an allowed override");
    const int max = config.nomination_policy().max_per_region();
    int in_region = 0;
    for (const v1::Nomination& m : stored.nominations()) {
      in_region += m.state() == v1::NOMINATION_STATE_ACTIVE && m.imdi_region() == n.imdi_region();
    }
    IMDI_FUZZ_CHECK(
        max <= 0 || in_region <= max,
        absl::StrCat(call, ": ", in_region, " nominations in a region that takes ", max));
  }
  if (method == kDecideWinner) {
    const v1::Decision& d = static_cast<const v1::DecideWinnerResponse&>(response).decision();
    const v1::Nomination* winner = nullptr;
    for (const v1::Nomination& m : stored.nominations()) {
      if (m.nomination_id() == d.winner_nomination_id()) winner = &m;
    }
    IMDI_FUZZ_CHECK(winner != nullptr && winner->state() == v1::NOMINATION_STATE_ACTIVE,
                    call + ": the winner is not an active nomination");
    IMDI_FUZZ_CHECK(config.decision_policy().kind() != v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS ||
                        winner->finalist(),
                    call + ": the winner is not a finalist");
    IMDI_FUZZ_CHECK(d.ranking_size() > 0 &&
                        d.ranking(0).nomination_id() == d.winner_nomination_id() &&
                        d.ranking(0).rank() == 1,
                    call + ": the winner does not rank first");
  }
}

// Listings follow their tokens to the end without repeats.
void CheckPages(Method method, const Message& first, const std::string& request_bytes,
                const std::string& call) {
  AwardCore& core = World::Get().core();
  constexpr int kMaxPages = 100;
  if (method == kListCycles) {
    v1::ListCyclesRequest request;
    request.ParseFromString(request_bytes);
    auto page = static_cast<const v1::ListCyclesResponse&>(first);
    std::set<std::string> seen;
    for (int i = 0; i < kMaxPages; ++i) {
      for (const v1::Cycle& c : page.cycles()) {
        IMDI_FUZZ_CHECK(seen.insert(c.cycle_id()).second,
                        absl::StrCat(call, ": cycle ", c.cycle_id(), " listed twice"));
      }
      if (page.next_page_token().empty()) return;
      request.set_page_token(page.next_page_token());
      auto next = core.ListCycles(request);
      IMDI_FUZZ_CHECK(next.ok(), absl::StrCat(call, ": page ", i + 2, " refuses its own token: ",
                                              next.status().ToString()));
      page = *std::move(next);
    }
  }
  if (method == kListAuditEvents) {
    v1::ListAuditEventsRequest request;
    request.ParseFromString(request_bytes);
    auto page = static_cast<const v1::ListAuditEventsResponse&>(first);
    int64_t last = -1;
    for (int i = 0; i < kMaxPages; ++i) {
      for (const v1::AuditEvent& e : page.events()) {
        IMDI_FUZZ_CHECK(e.sequence() > last && e.cycle_id() == request.cycle_id(),
                        absl::StrCat(call, ": audit event ", e.sequence(), " after ", last));
        last = e.sequence();
      }
      if (page.next_page_token().empty()) return;
      request.set_page_token(page.next_page_token());
      auto next = core.ListAuditEvents(request);
      IMDI_FUZZ_CHECK(next.ok(), absl::StrCat(call, ": page ", i + 2, " refuses its own token: ",
                                              next.status().ToString()));
      page = *std::move(next);
    }
  }
}

}  // namespace

namespace {

void RunOne(World& world, const uint8_t* data, size_t size) {
  const auto method = static_cast<Method>(data[0] % kNumMethods);
  const uint8_t options = size > 1 ? data[1] : 0;
  const CallerSpec& spec = Callers()[(options & 0x0f) % Callers().size()];
  const bool stats_down = (options & kStatsDown) != 0;
  const std::string bytes = size > 2 ? imdi::fuzz::AsText(data + 2, size - 2) : std::string();
  if (!Admitted(spec.caller, method)) return;

  world.stats().SetUnavailable(stats_down);
  world.store().Start(kTraits[method].name);
  Outcome outcome = Call(method, bytes, spec.caller);
  if (world.store().commits() > 0) world.MarkDirty();
  if (!outcome.parsed) return;
  const std::string call =
      absl::StrCat(kTraits[method].name, " as ", spec.label, stats_down ? ", stats down" : "");
  if (Verbose()) {
    std::fprintf(
        stderr, "%s\n  request: %s\n  -> %s\n", call.c_str(), outcome.request_text.c_str(),
        outcome.status.ok() ? Show(*outcome.response).c_str() : outcome.status.ToString().c_str());
  }

  if (auto* answers = Answers()) {
    ++(*answers)[absl::StrCat(kTraits[method].name, " ",
                              outcome.status.ok() ? "OK" : imdi::ErrorReason(outcome.status))];
  }
  if (!outcome.status.ok()) {
    CheckError(method, outcome.status, spec.caller, stats_down, call);
  } else {
    CheckResponse(*outcome.response, call);
  }
  CheckCommits(method, outcome, spec.caller, call);
  if (outcome.status.ok()) {
    const auto& log = world.store().log();
    if (!log.empty() && log.back().commit.cycle) {
      // Not a replay: the reply shows what was stored.
      CheckStoredPart(*outcome.response, *log.back().commit.cycle, outcome.nomination_view, call);
      CheckRules(method, *outcome.response, *log.back().commit.cycle, call);
    }
    CheckPages(method, *outcome.response, bytes, call);
  }

  // A change retried with its request id: the same reply, nothing written;
  // by another principal: REQUEST_ID_REUSED.
  if (outcome.status.ok() && kTraits[method].writes && !outcome.request_id.empty()) {
    world.store().Start(absl::StrCat(kTraits[method].name, " (retried)"));
    Outcome again = Call(method, bytes, spec.caller);
    if (world.store().commits() > 0) world.MarkDirty();
    IMDI_FUZZ_CHECK(again.status.ok(),
                    absl::StrCat(call, ": the retry with request_id \"", outcome.request_id,
                                 "\" failed: ", again.status.ToString()));
    IMDI_FUZZ_CHECK(world.store().commits() == 0, call + ": the retry wrote to the store");
    IMDI_FUZZ_CHECK(
        google::protobuf::util::MessageDifferencer::Equals(*outcome.response, *again.response),
        absl::StrCat(call, ": the retry answered differently:\n  ", Show(*outcome.response), "\n  ",
                     Show(*again.response)));

    const Caller& other = spec.caller.principal ? Callers()[0].caller : Callers()[2].caller;
    world.store().Start(absl::StrCat(kTraits[method].name, " (retried by another)"));
    Outcome reused = Call(method, bytes, other);
    if (world.store().commits() > 0) world.MarkDirty();
    IMDI_FUZZ_CHECK(reused.status.code() == absl::StatusCode::kInvalidArgument &&
                        imdi::ErrorReason(reused.status) == "REQUEST_ID_REUSED" &&
                        world.store().commits() == 0,
                    absl::StrCat(call, ": the request id \"", outcome.request_id,
                                 "\" reused by another principal: ", reused.status.ToString()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  World& world = World::Get();
  RunOne(world, data, size);
  // Back to the fixture now rather than at the next input, so that an input
  // frees what it allocated: libFuzzer reruns an input that allocated more
  // than it freed and scans the heap for leaks, slowly.
  world.store().Start("");
  world.stats().SetUnavailable(false);
  world.ResetIfDirty();
  return 0;
}
