#include "award-service/core/award_core.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "award-service/domain/criteria.h"
#include "award-service/domain/cycle_config.h"
#include "award-service/domain/cycle_page_token.h"
#include "award-service/domain/decision.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/progress.h"
#include "award-service/domain/transitions.h"
#include "award-service/domain/views.h"
#include "award-service/domain/workflow.h"
#include "common/errors.h"
#include "common/limits.h"
#include "common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"

namespace imdi::award {

// What one change did, for the audit trail.
struct AwardCore::Step {
  std::string detail;
  std::string nomination_id;
  std::vector<v1::Winner> winners;
  // Dates of the schedule the change went against (DEADLINE_RULE_WARN).
  std::vector<std::string> warnings;
};

namespace {

constexpr int kMaxRequestIdLength = 128;
// A cycle record (the cycle, its nominations with their evaluations, jurors
// and scores) is read and rewritten whole on every change and returned in
// parts by GetCycle and ListNominations; this keeps both well under what a
// client accepts in one reply. Real prizes use a few percent of it.
constexpr size_t kMaxCycleRecordBytes = size_t{2} << 20;
constexpr int kMaxNominationsPerCycle = 500;  // active and withdrawn
constexpr int kMaxJurorsPerCycle = 50;
constexpr int kMaxTallies = 500;
// The largest electorate a cycle may name (cycle_config.cc); each cycle's
// own electorate bounds its tallies and totals, so no total can overflow.
constexpr int64_t kMaxVotesPerTally = 100'000'000;
// Scores of one score sheet: more than a jury gives in a whole cycle.
constexpr int kMaxSheetScores = 1000;
constexpr int kMaxWinnersPerImport = 200;
constexpr size_t kMaxCodeBytes = 4;
constexpr int kDefaultCyclePage = 50;
constexpr int kMaxCyclePage = 500;
constexpr int kDefaultAuditPage = 100;
constexpr int kMaxAuditPage = 1000;

uint64_t Fnv1a(absl::string_view bytes) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Etag(absl::string_view what, int64_t revision) {
  return absl::StrFormat("%016x", Fnv1a(absl::StrCat(what, "@", revision)));
}

// Deterministic bytes of `request` without its request_id and view fields:
// a retry that asks for another view is the same request (the stored reply
// is full; the view is applied to what goes out).
std::string Fingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  for (const char* name : {"request_id", "view"}) {
    const auto* field = copy->GetDescriptor()->FindFieldByName(name);
    if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return absl::StrFormat("%016x", Fnv1a(bytes));
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

// Whose request a stored response answers ("" without authentication).
std::string PrincipalOf(const Caller& caller) {
  return caller.principal ? caller.principal->name : "";
}

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidFieldError("request_id",
                             absl::StrCat("must be at most ", kMaxRequestIdLength, " characters"));
  }
  for (char c : request_id) {
    if (!absl::ascii_isgraph(c)) {
      return InvalidFieldError("request_id", "must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMunicipalityCode(const std::string& code, absl::string_view field) {
  if (code.size() == 4 && std::all_of(code.begin(), code.end(), absl::ascii_isdigit)) {
    return absl::OkStatus();
  }
  return InvalidFieldError(field, "must be a four-digit municipality code, e.g. \"5001\"");
}

// A free text of a request: required or not, at most `max_bytes`, one line
// unless it is `kParagraphs`.
absl::Status CheckRequestText(const std::string& text, absl::string_view field, bool required,
                              size_t max_bytes, TextKind kind = TextKind::kLine) {
  if (required && text.empty()) return InvalidFieldError(field, "is required");
  if (auto violation = imdi::CheckText(text, field, max_bytes, kind)) {
    return InvalidArgumentError("INVALID_FIELD", {*violation});
  }
  return absl::OkStatus();
}

// The identifiers every change names: its cycle and its request id.
void CheckIds(FieldChecks& checks, const std::string& cycle_id, const std::string& request_id) {
  checks.Add(ValidateCycleId(cycle_id));
  checks.Add(CheckRequestId(request_id));
}

absl::Status NotFound(absl::string_view reason, absl::string_view what) {
  return MakeError(absl::StatusCode::kNotFound, reason, what);
}

absl::Status CheckEtag(const std::string& given, const std::string& current,
                       absl::string_view what) {
  if (given.empty() || given == current) return absl::OkStatus();
  return MakeError(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                   absl::StrCat("the ", what, " changed since it was read (etag ", given,
                                ", now ", current, "); read it again and retry"));
}

absl::Status Deny(absl::string_view reason, absl::string_view message) {
  return MakeError(absl::StatusCode::kPermissionDenied, reason, message);
}

absl::Status Refuse(absl::string_view reason, absl::string_view type, absl::string_view subject,
                    absl::string_view message) {
  return FailedPreconditionError(reason, message,
                                 {{std::string(type), std::string(subject), std::string(message)}});
}

v1::Nomination* FindNomination(storage::v1::CycleRecord& record, const std::string& id) {
  for (v1::Nomination& n : *record.mutable_nominations()) {
    if (n.nomination_id() == id) return &n;
  }
  return nullptr;
}

// Tallies (or corrected totals) that name nominations of the cycle and stay
// within its electorate (INVALID_ARGUMENT, every bad tally listed), and no
// withdrawn nomination (FAILED_PRECONDITION NOMINATION_WITHDRAWN, one
// violation per nomination).
absl::Status CheckTallies(storage::v1::CycleRecord& record,
                          const google::protobuf::RepeatedPtrField<v1::VoteTally>& tallies,
                          absl::string_view field = "tallies") {
  const int64_t electorate = Electorate(record.cycle().config().decision_policy());
  std::vector<FieldViolation> invalid;
  std::vector<PreconditionViolation> withdrawn;
  std::set<std::string> named_withdrawn;
  for (int i = 0; i < tallies.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    const v1::Nomination* n = FindNomination(record, tallies[i].nomination_id());
    if (n == nullptr) {
      invalid.push_back({f + ".nomination_id", absl::StrCat(Excerpt(tallies[i].nomination_id()),
                                                            " names no nomination of the cycle")});
      continue;
    }
    if (tallies[i].votes() > electorate) {
      invalid.push_back({f + ".votes", absl::StrCat(tallies[i].votes(), " votes; at most the ",
                                                    electorate, " people who may vote")});
    }
    if (n->state() != v1::NOMINATION_STATE_ACTIVE &&
        named_withdrawn.insert(n->nomination_id()).second) {
      withdrawn.push_back(
          {"NOMINATION", n->nomination_id(),
           absl::StrCat(n->municipality_name(), "'s nomination is withdrawn; it takes no votes")});
    }
  }
  if (!invalid.empty()) return InvalidArgumentError("INVALID_FIELD", invalid);
  if (!withdrawn.empty()) {
    return FailedPreconditionError(
        "NOMINATION_WITHDRAWN",
        absl::StrCat(withdrawn.size(), " nomination(s) named are withdrawn; nothing was recorded"),
        withdrawn);
  }
  return absl::OkStatus();
}

// A juror acts as itself, and only in a cycle it is registered for. For the
// jury's own RPCs (scores, assessments) this holds for administrators with
// the juror role too.
absl::Status CheckJuror(const Caller& caller, const v1::Cycle& cycle, const std::string& juror_id,
                        bool jury_only = false) {
  if (!(jury_only ? caller.principal.has_value() : caller.Bound())) return absl::OkStatus();
  const std::string& name = caller.principal->name;
  if (!juror_id.empty() && juror_id != name) {
    return Deny("NOT_THIS_JUROR", absl::StrCat(name, " acts only as juror ", name));
  }
  for (const auto& j : cycle.jurors()) {
    if (j.juror_id() == name) return absl::OkStatus();
  }
  return Deny("NOT_A_JUROR_OF_THIS_CYCLE",
              absl::StrCat(name, " is not a registered juror of cycle ", cycle.cycle_id()));
}

v1::Juror* FindJuror(v1::Cycle& cycle, const std::string& id) {
  for (v1::Juror& j : *cycle.mutable_jurors()) {
    if (j.juror_id() == id) return &j;
  }
  return nullptr;
}

std::map<std::string, v1::AssessmentClaim> ClaimMap(
    const google::protobuf::RepeatedPtrField<v1::AssessmentClaim>& claims) {
  std::map<std::string, v1::AssessmentClaim> out;
  for (const auto& c : claims) out[c.criterion()] = c;
  return out;
}

// Characters (code points) of UTF-8 text: "æøå" is 3, not 6.
int Utf8Length(absl::string_view text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Checks claimed assessed criteria against the configuration.
absl::Status CheckClaims(const v1::CycleConfig& config,
                         const google::protobuf::RepeatedPtrField<v1::AssessmentClaim>& claims) {
  std::vector<FieldViolation> violations;
  std::set<std::string> seen;
  for (int i = 0; i < claims.size(); ++i) {
    const auto& claim = claims[i];
    const std::string field = absl::StrCat("claims[", i, "]");
    const v1::Criterion* criterion = nullptr;
    for (const auto& c : config.criteria()) {
      if (c.name() == claim.criterion()) criterion = &c;
    }
    if (criterion == nullptr || !criterion->has_assessed()) {
      std::vector<std::string> assessed;
      for (const auto& c : config.criteria()) {
        if (c.has_assessed()) assessed.push_back(c.name());
      }
      violations.push_back(
          {field + ".criterion",
           absl::StrCat(Excerpt(claim.criterion()), " is not an assessed criterion of the cycle (",
                        absl::StrJoin(assessed, ", "), ")")});
      continue;
    }
    if (!seen.insert(claim.criterion()).second) {
      violations.push_back({field + ".criterion", "claimed twice"});
    }
    if (claim.state() != v1::ASSESSMENT_STATE_UNSPECIFIED) {
      violations.push_back({field + ".state", "is output only: the jury assesses claims"});
    }
    if (!claim.jury_note().empty()) {
      violations.push_back({field + ".jury_note", "is output only: the jury assesses claims"});
    }
    const int min_chars = std::max(1, criterion->assessed().min_justification_chars());
    if (Utf8Length(claim.justification()) < min_chars) {
      violations.push_back({field + ".justification",
                            absl::StrCat("needs a written justification of at least ", min_chars,
                                         " characters")});
    }
    if (auto v = imdi::CheckText(claim.justification(), field + ".justification",
                                 kMaxJustificationBytes, TextKind::kParagraphs)) {
      violations.push_back(*std::move(v));
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentError("INVALID_CLAIMS", violations);
}

std::string EncodeToken(absl::string_view kind, absl::string_view scope, int64_t position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kind, "|", scope, "|", position));
}

absl::StatusOr<int64_t> DecodeToken(const std::string& token, absl::string_view kind,
                                    absl::string_view scope) {
  if (token.empty()) return 0;
  std::string raw;
  std::vector<std::string> parts;
  int64_t position = 0;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, '|');
  if (parts.size() != 3 || parts[0] != kind || parts[1] != scope ||
      !absl::SimpleAtoi(parts[2], &position) || position < 0) {
    return InvalidFieldError("page_token",
                             "is not a token of this listing; start again without one");
  }
  return position;
}

// The same municipality: by its code at the time where both records have
// one (names change: "Trondheim" is now "Trondheim - Tråante").
bool SameWinner(const v1::Winner& a, const v1::Winner& b) {
  if (!a.code_at_the_time().empty() && !b.code_at_the_time().empty()) {
    return a.code_at_the_time() == b.code_at_the_time();
  }
  return a.municipality_name() == b.municipality_name();
}

std::string RegionName(stats::v1::ImdiRegion region) {
  switch (region) {
    case stats::v1::IMDI_REGION_OST: return "IMDi Øst";
    case stats::v1::IMDI_REGION_INDRE_OST: return "IMDi Indre Øst";
    case stats::v1::IMDI_REGION_SOR: return "IMDi Sør";
    case stats::v1::IMDI_REGION_VEST: return "IMDi Vest";
    case stats::v1::IMDI_REGION_MIDT_NORGE: return "IMDi Midt-Norge";
    case stats::v1::IMDI_REGION_NORD: return "IMDi Nord";
    default: return "no IMDi region";
  }
}

// A reply that carries the cycle it changed carries its header.
template <typename Response>
Response& WithCycleHeader(Response& response) {
  if (response.has_cycle()) ApplyCycleView(v1::CYCLE_VIEW_BASIC, *response.mutable_cycle());
  return response;
}

void ApplyNominationsView(v1::NominationView view,
                          google::protobuf::RepeatedPtrField<v1::Nomination>& nominations) {
  for (v1::Nomination& n : nominations) ApplyNominationView(view, n);
}

int PageSize(int requested, int fallback, int max) {
  if (requested <= 0) return fallback;
  return std::min(requested, max);
}

}  // namespace

AwardCore::AwardCore(AwardStore* store, StatsClient* stats, Comparables comparables,
                     AwardCoreOptions options)
    : store_(store), stats_(stats), comparables_(std::move(comparables)),
      options_(std::move(options)) {}

// --------------------------------------------------------------------------
// Plumbing.

absl::StatusOr<AwardCore::Record> AwardCore::LoadCycle(const std::string& cycle_id) const {
  IMDI_RETURN_IF_ERROR(ValidateCycleId(cycle_id));
  IMDI_ASSIGN_OR_RETURN(std::optional<Record> record, store_->ReadCycle(cycle_id));
  if (!record) return NotFound("CYCLE_NOT_FOUND", absl::StrCat("no cycle ", Excerpt(cycle_id)));
  return *std::move(record);
}

absl::StatusOr<bool> AwardCore::Replay(absl::string_view method,
                                       const google::protobuf::Message& request,
                                       const std::string& request_id, const Caller& caller,
                                       google::protobuf::Message& response) {
  if (request_id.empty()) return false;
  IMDI_RETURN_IF_ERROR(CheckRequestId(request_id));
  IMDI_ASSIGN_OR_RETURN(std::optional<storage::v1::RequestRecord> stored,
                        store_->ReadRequest(request_id));
  if (!stored) return false;
  // A stored answer goes back only to the principal that made the request.
  if (stored->method() != method || stored->fingerprint() != Fingerprint(request) ||
      stored->principal() != PrincipalOf(caller)) {
    return InvalidArgumentError(
        "REQUEST_ID_REUSED",
        {{"request_id", absl::StrCat(Excerpt(request_id),
                                     " was used for a different request; use a fresh id per "
                                     "request")}});
  }
  if (!response.ParseFromString(stored->response())) {
    return absl::DataLossError("a stored response cannot be decoded");
  }
  return true;
}

absl::Status AwardCore::Mutate(
    absl::string_view method, const google::protobuf::Message& request,
    const std::string& request_id, const std::string& cycle_id, const Caller& caller,
    const std::function<absl::Status(Record&, Step&)>& apply, google::protobuf::Message& response,
    const std::function<void(const Record&, const Step&, google::protobuf::Message&)>& respond) {
  absl::MutexLock lock(&mu_);
  IMDI_ASSIGN_OR_RETURN(bool replayed, Replay(method, request, request_id, caller, response));
  if (replayed) return absl::OkStatus();
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(cycle_id));
  const absl::Time now = options_.now();
  const v1::CycleState before = record.cycle().state();

  v1::AuditEvent event;
  event.set_cycle_id(cycle_id);
  *event.mutable_event_time() = ToProto(now);
  event.set_actor(caller.actor);
  event.set_request_id(request_id.empty() ? caller.trace_id : request_id);
  event.set_action(std::string(method));
  event.set_state_before(before);

  Record changed = record;
  Step step;
  absl::Status applied = apply(changed, step);
  if (!applied.ok()) {
    if (applied.code() == absl::StatusCode::kFailedPrecondition ||
        applied.code() == absl::StatusCode::kPermissionDenied) {
      // The refusal is part of the record: who tried what, and why not.
      record.set_last_audit_sequence(record.last_audit_sequence() + 1);
      event.set_sequence(record.last_audit_sequence());
      event.set_state_after(before);
      event.set_data_version(record.cycle().data_version());
      event.set_nomination_id(step.nomination_id);
      event.set_detail(absl::StrCat("refused: ", ErrorReason(applied), ": ", applied.message()));
      AwardCommit refusal;
      refusal.cycle = std::move(record);
      refusal.audit_events.push_back(std::move(event));
      IMDI_RETURN_IF_ERROR(store_->Commit(refusal));
    }
    return applied;
  }

  v1::Cycle& cycle = *changed.mutable_cycle();
  cycle.set_revision(cycle.revision() + 1);
  cycle.set_etag(Etag(cycle_id, cycle.revision()));
  *cycle.mutable_update_time() = ToProto(now);
  changed.set_last_audit_sequence(changed.last_audit_sequence() + 1);
  event.set_sequence(changed.last_audit_sequence());
  event.set_state_after(cycle.state());
  event.set_data_version(cycle.data_version());
  event.set_nomination_id(step.nomination_id);
  event.set_detail(
      step.warnings.empty()
          ? step.detail
          : absl::StrCat(step.detail, "; warning: ", absl::StrJoin(step.warnings, "; ")));

  if (const size_t bytes = changed.ByteSizeLong(); bytes > kMaxCycleRecordBytes) {
    return MakeError(
        absl::StatusCode::kResourceExhausted, "CYCLE_TOO_LARGE",
        absl::StrCat("the change would make cycle ", cycle_id, " ", bytes, " bytes, more than the ",
                     kMaxCycleRecordBytes, " a cycle may hold; nothing was changed"));
  }
  respond(changed, step, response);
  AwardCommit commit;
  commit.audit_events.push_back(std::move(event));
  commit.winners = step.winners;
  if (!request_id.empty()) {
    storage::v1::RequestRecord stored;
    stored.set_method(std::string(method));
    stored.set_fingerprint(Fingerprint(request));
    stored.set_principal(PrincipalOf(caller));
    stored.set_response(response.SerializeAsString());
    commit.request.emplace(request_id, std::move(stored));
  }
  commit.cycle = std::move(changed);
  return store_->Commit(commit);
}

// Touches a nomination for a change at the cycle's next revision.
static void Touch(v1::Nomination& n, const storage::v1::CycleRecord& record, absl::Time now) {
  n.set_etag(Etag(absl::StrCat(n.cycle_id(), "/", n.nomination_id()),
                  record.cycle().revision() + 1));
  *n.mutable_update_time() = ToProto(now);
}

absl::StatusOr<int64_t> AwardCore::VersionFor(const v1::Cycle& cycle, bool use_latest) {
  if (cycle.data_version() > 0 && !use_latest) return cycle.data_version();
  return stats_->DataVersion();
}

absl::StatusOr<const std::vector<MunicipalityInfo>*> AwardCore::ListAll(Listing& listing,
                                                                         int64_t version) {
  if (!listing) {
    IMDI_ASSIGN_OR_RETURN(listing, stats_->ListMunicipalities(version));
  }
  return &*listing;
}

absl::StatusOr<std::vector<MunicipalityInfo>> AwardCore::Resolve(
    const std::vector<std::string>& codes, int64_t version, Listing& listing) {
  if (codes.size() == 1) {
    IMDI_ASSIGN_OR_RETURN(MunicipalityInfo info, stats_->GetMunicipality(codes[0], version));
    return std::vector<MunicipalityInfo>{std::move(info)};
  }
  IMDI_ASSIGN_OR_RETURN(const std::vector<MunicipalityInfo>* all, ListAll(listing, version));
  std::map<std::string, const MunicipalityInfo*> by_code;
  for (const MunicipalityInfo& m : *all) {
    for (const std::string& code : m.codes) by_code.emplace(code, &m);
  }
  std::vector<MunicipalityInfo> out;
  for (const std::string& code : codes) {
    auto it = by_code.find(code);
    if (it == by_code.end()) {
      return NotFound("UNKNOWN_MUNICIPALITY",
                      absl::StrCat("no municipality has had code ", code, " at data version ",
                                   version));
    }
    out.push_back(*it->second);
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> AwardCore::CurrentCodes() {
  IMDI_ASSIGN_OR_RETURN(int64_t version, stats_->DataVersion());
  IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> all, stats_->ListMunicipalities(version));
  std::map<std::string, std::string> out;
  for (const MunicipalityInfo& m : all) {
    for (const std::string& code : m.codes) out.emplace(code, m.code);
  }
  return out;
}

absl::StatusOr<std::vector<v1::Evaluation>> AwardCore::EvaluateMany(
    const v1::CycleConfig& config, const std::vector<MunicipalityInfo>& infos,
    const std::vector<std::map<std::string, v1::AssessmentClaim>>& claims, int64_t version,
    Listing& listing) {
  const auto [first_year, last_year] = YearsRead(config);
  // The comparables list names codes of its time; the listing maps them to
  // current codes and leaves out any the statistics service does not know.
  std::vector<std::vector<std::string>> comparables(infos.size());
  if (NeedsComparables(config)) {
    IMDI_ASSIGN_OR_RETURN(const std::vector<MunicipalityInfo>* all, ListAll(listing, version));
    std::map<std::string, std::string> current_by_code;
    for (const MunicipalityInfo& m : *all) {
      for (const std::string& code : m.codes) current_by_code.emplace(code, m.code);
    }
    for (size_t i = 0; i < infos.size(); ++i) {
      std::set<std::string> seen;
      for (const std::string& code : comparables_.For(infos[i].codes)) {
        auto current = current_by_code.find(code);
        if (current == current_by_code.end() || current->second == infos[i].code) continue;
        if (seen.insert(current->second).second) comparables[i].push_back(current->second);
      }
    }
  }
  std::vector<std::string> wanted;
  for (size_t i = 0; i < infos.size(); ++i) {
    wanted.push_back(infos[i].code);
    wanted.insert(wanted.end(), comparables[i].begin(), comparables[i].end());
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  IMDI_ASSIGN_OR_RETURN(FiguresByMunicipality figures,
                        stats_->BatchGetFigures(wanted, first_year, last_year, version));
  std::map<stats::v1::ImdiRegion, RegionSettled> regions;
  if (NeedsRegionTotals(config)) {
    for (const MunicipalityInfo& info : infos) {
      if (info.imdi_region == stats::v1::IMDI_REGION_UNSPECIFIED ||
          regions.count(info.imdi_region)) {
        continue;
      }
      IMDI_ASSIGN_OR_RETURN(regions[info.imdi_region],
                            stats_->GetRegionSettled(info.imdi_region, config.figures_year(),
                                                     version));
    }
  }
  std::vector<v1::Evaluation> out;
  for (size_t i = 0; i < infos.size(); ++i) {
    EvaluationInput input;
    input.municipality_code = infos[i].code;
    input.municipality_name = infos[i].NameIn(config.figures_year());
    input.imdi_region = infos[i].imdi_region;
    input.data_version = version;
    input.figures = figures[infos[i].code];
    for (const std::string& code : comparables[i]) input.comparables[code] = figures[code];
    auto region = regions.find(infos[i].imdi_region);
    if (region != regions.end()) input.region_settled[config.figures_year()] = region->second;
    input.claims = claims[i];
    out.push_back(Evaluate(config, input));
  }
  return out;
}

// --------------------------------------------------------------------------
// Cycles.

absl::StatusOr<v1::CreateCycleResponse> AwardCore::CreateCycle(
    const v1::CreateCycleRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    checks.Add(ValidateCycleConfig(request.config()));
    CheckIds(checks, request.cycle_id(), request.request_id());
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  absl::MutexLock lock(&mu_);
  v1::CreateCycleResponse response;
  IMDI_ASSIGN_OR_RETURN(bool replayed,
                        Replay("CreateCycle", request, request.request_id(), caller, response));
  if (replayed) return WithCycleHeader(response);
  IMDI_ASSIGN_OR_RETURN(std::optional<Record> existing, store_->ReadCycle(request.cycle_id()));
  if (existing) {
    return MakeError(absl::StatusCode::kAlreadyExists, "CYCLE_EXISTS",
                     absl::StrCat("cycle \"", request.cycle_id(), "\" already exists"));
  }
  const absl::Time now = options_.now();
  Record record;
  v1::Cycle& cycle = *record.mutable_cycle();
  cycle.set_cycle_id(request.cycle_id());
  *cycle.mutable_config() = request.config();
  cycle.set_state(v1::CYCLE_STATE_DRAFT);
  cycle.set_revision(1);
  cycle.set_etag(Etag(cycle.cycle_id(), 1));
  *cycle.mutable_create_time() = ToProto(now);
  *cycle.mutable_update_time() = ToProto(now);
  record.set_last_audit_sequence(1);

  v1::AuditEvent event;
  event.set_cycle_id(cycle.cycle_id());
  event.set_sequence(1);
  *event.mutable_event_time() = ToProto(now);
  event.set_actor(caller.actor);
  event.set_request_id(request.request_id().empty() ? caller.trace_id : request.request_id());
  event.set_action("CreateCycle");
  event.set_state_before(v1::CYCLE_STATE_UNSPECIFIED);
  event.set_state_after(v1::CYCLE_STATE_DRAFT);
  event.set_detail(absl::StrCat("created \"", request.config().title(), "\", award year ",
                                request.config().award_year(), ", figures year ",
                                request.config().figures_year()));
  *response.mutable_cycle() = cycle;
  AwardCommit commit;
  commit.audit_events.push_back(event);
  if (!request.request_id().empty()) {
    storage::v1::RequestRecord stored;
    stored.set_method("CreateCycle");
    stored.set_fingerprint(Fingerprint(request));
    stored.set_principal(PrincipalOf(caller));
    stored.set_response(response.SerializeAsString());
    commit.request.emplace(request.request_id(), std::move(stored));
  }
  commit.cycle = std::move(record);
  IMDI_RETURN_IF_ERROR(store_->Commit(commit));
  return WithCycleHeader(response);
}

absl::StatusOr<v1::GetCycleResponse> AwardCore::GetCycle(const v1::GetCycleRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  v1::GetCycleResponse response;
  *response.mutable_cycle() = record.cycle();
  ApplyCycleView(EffectiveCycleView(request.view(), v1::CYCLE_VIEW_FULL),
                 *response.mutable_cycle());
  return response;
}

absl::StatusOr<v1::ListCyclesResponse> AwardCore::ListCycles(
    const v1::ListCyclesRequest& request) {
  const v1::CycleView view = EffectiveCycleView(request.view(), v1::CYCLE_VIEW_BASIC);
  // The token belongs to a listing in one view; the page size may change.
  const uint64_t fingerprint = Fnv1a(absl::StrCat("ListCycles|", static_cast<int>(view)));
  std::optional<CyclePageToken> after;
  if (!request.page_token().empty()) {
    IMDI_ASSIGN_OR_RETURN(after, DecodeCyclePageToken(request.page_token(), fingerprint));
  }
  const int size = PageSize(request.page_size(), kDefaultCyclePage, kMaxCyclePage);
  IMDI_ASSIGN_OR_RETURN(std::vector<Record> records, store_->ReadCycles());
  std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
    if (a.cycle().config().award_year() != b.cycle().config().award_year()) {
      return a.cycle().config().award_year() > b.cycle().config().award_year();
    }
    return a.cycle().cycle_id() < b.cycle().cycle_id();
  });
  v1::ListCyclesResponse response;
  ByteBudget budget;
  bool more = false;
  for (Record& record : records) {
    const v1::Cycle& cycle = record.cycle();
    if (after && !ComesAfter(*after, cycle.config().award_year(), cycle.cycle_id())) continue;
    v1::Cycle out = cycle;
    ApplyCycleView(view, out);
    if (response.cycles_size() >= size || !budget.Take(out.ByteSizeLong())) {
      more = true;
      break;
    }
    *response.add_cycles() = std::move(out);
  }
  if (more && response.cycles_size() > 0) {
    const v1::Cycle& last = response.cycles(response.cycles_size() - 1);
    response.set_next_page_token(
        EncodeCyclePageToken({fingerprint, last.config().award_year(), last.cycle_id()}));
  }
  return response;
}

// --------------------------------------------------------------------------
// Evaluation.

absl::StatusOr<v1::EvaluateMunicipalityResponse> AwardCore::EvaluateMunicipality(
    const v1::EvaluateMunicipalityRequest& request) {
  FieldChecks checks;
  checks.Add(CheckMunicipalityCode(request.municipality_code(), "municipality_code"));
  checks.Add(ValidateCycleId(request.cycle_id()));
  IMDI_RETURN_IF_ERROR(checks.Result());
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  IMDI_RETURN_IF_ERROR(CheckClaims(record.cycle().config(), request.claims()));
  IMDI_ASSIGN_OR_RETURN(int64_t version, VersionFor(record.cycle(), request.use_latest()));
  Listing listing;
  IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> infos,
                        Resolve({request.municipality_code()}, version, listing));
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::Evaluation> evaluations,
                        EvaluateMany(record.cycle().config(), infos,
                                     {ClaimMap(request.claims())}, version, listing));
  v1::EvaluateMunicipalityResponse response;
  *response.mutable_evaluation() = std::move(evaluations.front());
  return response;
}

absl::StatusOr<std::vector<v1::Evaluation>> AwardCore::ScreenMunicipalities(
    const v1::ScreenMunicipalitiesRequest& request, int64_t* data_version) {
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  const v1::CycleConfig& config = record.cycle().config();
  IMDI_ASSIGN_OR_RETURN(int64_t version, VersionFor(record.cycle(), request.use_latest()));
  *data_version = version;
  IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> all, stats_->ListMunicipalities(version));
  const auto [first_year, last_year] = YearsRead(config);
  IMDI_ASSIGN_OR_RETURN(FiguresByMunicipality figures,
                        stats_->StreamFigures(first_year, last_year, version));
  std::map<std::string, std::string> current_by_code;
  for (const MunicipalityInfo& m : all) {
    for (const std::string& code : m.codes) current_by_code.emplace(code, m.code);
  }
  std::map<stats::v1::ImdiRegion, RegionSettled> regions;
  std::vector<v1::Evaluation> out;
  for (const MunicipalityInfo& m : all) {
    if (!m.ExistsIn(config.figures_year())) continue;
    if (request.imdi_region() != stats::v1::IMDI_REGION_UNSPECIFIED &&
        m.imdi_region != request.imdi_region()) {
      continue;
    }
    EvaluationInput input;
    input.municipality_code = m.code;
    input.municipality_name = m.NameIn(config.figures_year());
    input.imdi_region = m.imdi_region;
    input.data_version = version;
    input.figures = figures[m.code];
    if (NeedsComparables(config)) {
      for (const std::string& code : comparables_.For(m.codes)) {
        auto current = current_by_code.find(code);
        if (current != current_by_code.end() && current->second != m.code) {
          input.comparables[current->second] = figures[current->second];
        }
      }
    }
    if (NeedsRegionTotals(config) && m.imdi_region != stats::v1::IMDI_REGION_UNSPECIFIED) {
      if (!regions.count(m.imdi_region)) {
        IMDI_ASSIGN_OR_RETURN(regions[m.imdi_region],
                              stats_->GetRegionSettled(m.imdi_region, config.figures_year(),
                                                       version));
      }
      input.region_settled[config.figures_year()] = regions[m.imdi_region];
    }
    v1::Evaluation evaluation = Evaluate(config, input);
    if (request.eligible_only() && !evaluation.eligible()) continue;
    out.push_back(std::move(evaluation));
  }
  std::sort(out.begin(), out.end(), [](const v1::Evaluation& a, const v1::Evaluation& b) {
    return a.municipality_code() < b.municipality_code();
  });
  return out;
}

absl::StatusOr<v1::CompareWithLatestResponse> AwardCore::CompareWithLatest(
    const v1::CompareWithLatestRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  const v1::Cycle& cycle = record.cycle();
  if (cycle.data_version() == 0) {
    return Refuse("NOT_FROZEN", "STATE", StateName(cycle.state()),
                  "the cycle's data version is frozen when the nominees are announced; "
                  "until then evaluations read the newest figures");
  }
  IMDI_ASSIGN_OR_RETURN(int64_t latest, stats_->DataVersion());
  std::vector<std::string> codes;
  std::vector<std::map<std::string, v1::AssessmentClaim>> claims;
  std::vector<const v1::Nomination*> nominations;
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
    codes.push_back(n.municipality_code());
    claims.push_back(ClaimMap(n.claims()));
    nominations.push_back(&n);
  }
  v1::CompareWithLatestResponse response;
  response.set_frozen_data_version(cycle.data_version());
  response.set_latest_data_version(latest);
  if (codes.empty() || latest == cycle.data_version()) return response;
  Listing frozen_listing, latest_listing;
  IMDI_ASSIGN_OR_RETURN(auto frozen_infos, Resolve(codes, cycle.data_version(), frozen_listing));
  IMDI_ASSIGN_OR_RETURN(auto frozen, EvaluateMany(cycle.config(), frozen_infos, claims,
                                                  cycle.data_version(), frozen_listing));
  IMDI_ASSIGN_OR_RETURN(auto latest_infos, Resolve(codes, latest, latest_listing));
  IMDI_ASSIGN_OR_RETURN(auto newest, EvaluateMany(cycle.config(), latest_infos, claims, latest,
                                                  latest_listing));
  for (size_t i = 0; i < codes.size(); ++i) {
    v1::VerdictChange change;
    change.set_nomination_id(nominations[i]->nomination_id());
    change.set_municipality_code(nominations[i]->municipality_code());
    change.set_frozen_verdict(frozen[i].verdict());
    change.set_latest_verdict(newest[i].verdict());
    for (int c = 0; c < frozen[i].criteria_size(); ++c) {
      const auto& a = frozen[i].criteria(c);
      const auto& b = newest[i].criteria(c);
      if (a.verdict() != b.verdict()) {
        change.add_changes(absl::StrCat(a.criterion(), ": ", VerdictText(a.verdict()), " -> ",
                                        VerdictText(b.verdict()), " (was: ", a.explanation(),
                                        "; now: ", b.explanation(), ")"));
      }
    }
    if (change.frozen_verdict() != change.latest_verdict() || change.changes_size() > 0) {
      *response.add_changes() = std::move(change);
    }
  }
  return response;
}

// --------------------------------------------------------------------------
// Workflow.

namespace {

// A transition that only moves the state, with the warnings of its
// schedule dates.
absl::Status Transition(storage::v1::CycleRecord& record, Action action, const std::string& etag,
                        absl::Time now, std::vector<std::string>& warnings) {
  v1::Cycle& cycle = *record.mutable_cycle();
  IMDI_RETURN_IF_ERROR(CheckEtag(etag, cycle.etag(), "cycle"));
  const TransitionCheck check = CheckTransition(record, action, now);
  IMDI_RETURN_IF_ERROR(check.Error());
  warnings = check.warnings;
  cycle.set_state(NextState(cycle.state(), action));
  return absl::OkStatus();
}

template <typename Response>
void RespondCycle(const storage::v1::CycleRecord& record, const std::vector<std::string>& warnings,
                  google::protobuf::Message& response) {
  auto& r = static_cast<Response&>(response);
  *r.mutable_cycle() = record.cycle();
  if constexpr (requires { r.add_warnings(std::string()); }) {
    for (const std::string& w : warnings) r.add_warnings(w);
  }
}

}  // namespace

template <typename Response, typename Request>
absl::StatusOr<Response> AwardCore::MoveState(absl::string_view method, const Request& request,
                                              const Caller& caller, Action action,
                                              std::string detail,
                                              const std::function<void(Record&)>& also) {
  Response response;
  IMDI_RETURN_IF_ERROR(Mutate(
      method, request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) {
        IMDI_RETURN_IF_ERROR(
            Transition(record, action, request.etag(), options_.now(), step.warnings));
        if (also) also(record);
        step.detail = detail;
        return absl::OkStatus();
      },
      response,
      [](const Record& r, const Step& step, google::protobuf::Message& m) {
        RespondCycle<Response>(r, step.warnings, m);
      }));
  return WithCycleHeader(response);
}

absl::StatusOr<v1::OpenNominationsResponse> AwardCore::OpenNominations(
    const v1::OpenNominationsRequest& request, const Caller& caller) {
  return MoveState<v1::OpenNominationsResponse>("OpenNominations", request, caller,
                                                Action::kOpenNominations, "nominations opened");
}

absl::StatusOr<v1::SubmitNominationResponse> AwardCore::SubmitNomination(
    const v1::SubmitNominationRequest& request, const Caller& caller) {
  const v1::Nominator& nominator = request.nominator();
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckMunicipalityCode(request.municipality_code(), "municipality_code"));
    checks.Add(CheckRequestText(request.justification(), "justification", true,
                                kMaxJustificationBytes, TextKind::kParagraphs));
    checks.Add(CheckRequestText(request.override_reason(), "override_reason", false, kMaxNoteBytes,
                                TextKind::kParagraphs));
    checks.Add(
        CheckRequestText(nominator.display_name(), "nominator.display_name", false, kMaxNameBytes));
    switch (nominator.kind()) {
      case v1::NOMINATOR_KIND_REGIONAL_OFFICE:
        if (nominator.imdi_region() == stats::v1::IMDI_REGION_UNSPECIFIED) {
          checks.Add("nominator.imdi_region", "a regional office names its region");
        }
        break;
      case v1::NOMINATOR_KIND_MUNICIPALITY:
        checks.Add(
            CheckMunicipalityCode(nominator.municipality_code(), "nominator.municipality_code"));
        break;
      default:
        checks.Add("nominator.kind", "is required");
    }
    if (!checks.ok()) {
      // The claims are checked against the cycle's configuration, when
      // there is one to check them against.
      if (absl::StatusOr<Record> record = LoadCycle(request.cycle_id()); record.ok()) {
        checks.Add(CheckClaims(record->cycle().config(), request.claims()));
      }
      return checks.Result();
    }
  }
  {
    // A retry of a call that already succeeded returns its response even
    // when the state has moved on since.
    absl::MutexLock lock(&mu_);
    v1::SubmitNominationResponse stored;
    IMDI_ASSIGN_OR_RETURN(bool replayed,
                          Replay("SubmitNomination", request, request.request_id(), caller, stored));
    if (replayed) {
      ApplyNominationView(request.view(), *stored.mutable_nomination());
      return stored;
    }
  }
  IMDI_ASSIGN_OR_RETURN(Record snapshot, LoadCycle(request.cycle_id()));
  const v1::CycleConfig& config = snapshot.cycle().config();
  IMDI_RETURN_IF_ERROR(CheckClaims(config, request.claims()));

  // Cheap checks before the statistics service is asked.
  auto check_open = [&](const Record& record) -> absl::Status {
    IMDI_RETURN_IF_ERROR(CheckAction(record.cycle().state(), Action::kSubmitNomination,
                                     config.decision_policy()));
    const auto& policy = config.nomination_policy();
    if (std::find(policy.nominators().begin(), policy.nominators().end(), nominator.kind()) ==
        policy.nominators().end()) {
      return Refuse("NOMINATOR_NOT_ALLOWED", "POLICY", v1::NominatorKind_Name(nominator.kind()),
                    absl::StrCat("this cycle's nomination policy does not accept nominations by ",
                                 v1::NominatorKind_Name(nominator.kind())));
    }
    if (policy.has_deadline() && options_.now() > FromProto(policy.deadline())) {
      return Refuse("DEADLINE_PASSED", "DEADLINE",
                    google::protobuf::util::TimeUtil::ToString(policy.deadline()),
                    absl::StrCat("the nomination deadline ",
                                 google::protobuf::util::TimeUtil::ToString(policy.deadline()),
                                 " has passed"));
    }
    return absl::OkStatus();
  };
  absl::Status open = check_open(snapshot);
  if (!open.ok()) {
    // Recorded like any other refusal.
    v1::SubmitNominationResponse unused;
    IMDI_RETURN_IF_ERROR(Mutate(
        "SubmitNomination", request, request.request_id(), request.cycle_id(), caller,
        [&](Record& record, Step&) {
          absl::Status now_open = check_open(record);
          if (now_open.ok()) {
            return MakeError(absl::StatusCode::kAborted, "CONCURRENT_CHANGE",
                             "the cycle changed while the nomination was checked; retry");
          }
          return now_open;
        },
        unused,
        [](const Record&, const Step&, google::protobuf::Message&) {}));
    return open;
  }

  IMDI_ASSIGN_OR_RETURN(int64_t version, VersionFor(snapshot.cycle(), false));
  IMDI_ASSIGN_OR_RETURN(MunicipalityInfo info,
                        stats_->GetMunicipality(request.municipality_code(), version));
  Listing listing;
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::Evaluation> evaluations,
                        EvaluateMany(config, {info}, {ClaimMap(request.claims())}, version,
                                     listing));
  v1::Evaluation evaluation = std::move(evaluations.front());

  v1::SubmitNominationResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "SubmitNomination", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(check_open(record));
        const auto& policy = config.nomination_policy();
        if (nominator.kind() == v1::NOMINATOR_KIND_REGIONAL_OFFICE &&
            nominator.imdi_region() != info.imdi_region) {
          return Refuse("NOMINATOR_OUTSIDE_REGION", "REGION", info.code,
                        absl::StrCat(info.NameIn(config.figures_year()), " belongs to ",
                                     RegionName(info.imdi_region),
                                     "; a regional office nominates in its own region (",
                                     RegionName(nominator.imdi_region()), ")"));
        }
        if (caller.Bound()) {
          const auth::Principal& p = *caller.principal;
          const bool office_ok = nominator.kind() == v1::NOMINATOR_KIND_REGIONAL_OFFICE &&
                                 !p.region.empty() &&
                                 p.region == stats::v1::ImdiRegion_Name(nominator.imdi_region());
          const bool self_ok = nominator.kind() == v1::NOMINATOR_KIND_MUNICIPALITY &&
                               !p.municipality.empty() &&
                               std::find(info.codes.begin(), info.codes.end(), p.municipality) !=
                                   info.codes.end();
          if (!office_ok && !self_ok) {
            return Deny("NOMINATOR_NOT_BOUND",
                        absl::StrCat(p.name, " nominates only ",
                                     p.region.empty() ? absl::StrCat("municipality ", p.municipality)
                                                      : absl::StrCat("in ", p.region),
                                     "; not ", info.NameIn(config.figures_year()), " as ",
                                     v1::NominatorKind_Name(nominator.kind())));
          }
        }
        if (nominator.kind() == v1::NOMINATOR_KIND_MUNICIPALITY &&
            std::find(info.codes.begin(), info.codes.end(), nominator.municipality_code()) ==
                info.codes.end()) {
          return Refuse("NOMINATOR_NOT_NOMINEE", "NOMINATOR", nominator.municipality_code(),
                        "a municipality may nominate only itself");
        }
        int in_region = 0;
        for (const v1::Nomination& n : record.nominations()) {
          if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
          if (n.municipality_code() == info.code) {
            step.nomination_id = n.nomination_id();
            return MakeError(absl::StatusCode::kAlreadyExists, "ALREADY_NOMINATED",
                             absl::StrCat(info.name, " is already nominated (",
                                          n.nomination_id(), ")"));
          }
          if (n.imdi_region() == info.imdi_region) ++in_region;
        }
        if (policy.max_per_region() > 0 && in_region >= policy.max_per_region()) {
          return Refuse("NOMINATION_REGION_TAKEN", "REGION",
                        RegionName(info.imdi_region),
                        absl::StrCat(RegionName(info.imdi_region), " already has ",
                                     in_region, " nomination(s); the policy allows ",
                                     policy.max_per_region(), " per region"));
        }
        std::string override_reason;
        if (!evaluation.eligible()) {
          const std::string why =
              absl::StrCat(info.NameIn(config.figures_year()),
                           " does not meet the cycle's requirement (",
                           evaluation.requirement().explanation(), ")");
          if (request.override_reason().empty()) {
            return Refuse("NOT_ELIGIBLE", "ELIGIBILITY", info.code,
                          absl::StrCat(why, policy.allow_override()
                                                ? "; nominate with an override_reason"
                                                : ""));
          }
          if (!policy.allow_override()) {
            return Refuse("NOT_ELIGIBLE", "ELIGIBILITY", info.code,
                          absl::StrCat(why, "; this cycle's policy allows no override"));
          }
          override_reason = request.override_reason();
        }
        if (record.nominations_size() >= kMaxNominationsPerCycle) {
          return Refuse("NOMINATIONS_FULL", "CYCLE", request.cycle_id(),
                        absl::StrCat("the cycle holds ", record.nominations_size(),
                                     " nominations (withdrawn ones included), the most it takes"));
        }
        const absl::Time now = options_.now();
        record.set_last_nomination_number(record.last_nomination_number() + 1);
        v1::Nomination& n = *record.add_nominations();
        n.set_nomination_id(absl::StrCat("n", record.last_nomination_number()));
        n.set_cycle_id(request.cycle_id());
        n.set_municipality_code(info.code);
        n.set_municipality_name(info.NameIn(config.figures_year()));
        n.set_code_at_the_time(info.CodeIn(config.figures_year()));
        n.set_imdi_region(info.imdi_region);
        *n.mutable_nominator() = nominator;
        n.set_justification(request.justification());
        for (const auto& claim : request.claims()) {
          v1::AssessmentClaim* c = n.add_claims();
          c->set_criterion(claim.criterion());
          c->set_justification(claim.justification());
          c->set_state(v1::ASSESSMENT_STATE_PENDING);
        }
        n.set_override_reason(override_reason);
        n.set_state(v1::NOMINATION_STATE_ACTIVE);
        *n.mutable_evaluation() = evaluation;
        *n.mutable_create_time() = ToProto(now);
        Touch(n, record, now);
        step.nomination_id = n.nomination_id();
        step.detail = absl::StrCat(
            "nominated ", info.name, " (", info.code, ", ",
            RegionName(info.imdi_region), "): ", VerdictText(evaluation.verdict()),
            " at data version ", version,
            override_reason.empty() ? "" : absl::StrCat("; override: ", override_reason));
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        for (const auto& n : record.nominations()) {
          if (n.nomination_id() == step.nomination_id) {
            *static_cast<v1::SubmitNominationResponse&>(m).mutable_nomination() = n;
          }
        }
      }));
  ApplyNominationView(request.view(), *response.mutable_nomination());
  return response;
}

absl::StatusOr<v1::WithdrawNominationResponse> AwardCore::WithdrawNomination(
    const v1::WithdrawNominationRequest& request, const Caller& caller) {
  v1::WithdrawNominationResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "WithdrawNomination", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        v1::Nomination* n = FindNomination(record, request.nomination_id());
        if (n == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
        }
        if (caller.Bound()) {
          const auth::Principal& p = *caller.principal;
          const bool own =
              (!p.region.empty() &&
               n->nominator().kind() == v1::NOMINATOR_KIND_REGIONAL_OFFICE &&
               p.region == stats::v1::ImdiRegion_Name(n->nominator().imdi_region())) ||
              (!p.municipality.empty() && n->nominator().kind() == v1::NOMINATOR_KIND_MUNICIPALITY &&
               p.municipality == n->nominator().municipality_code());
          if (!own) {
            return Deny("NOT_THE_NOMINATOR", absl::StrCat(p.name, " did not make this nomination"));
          }
        }
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), n->etag(), "nomination"));
        IMDI_RETURN_IF_ERROR(CheckAction(record.cycle().state(), Action::kWithdrawNomination,
                                         record.cycle().config().decision_policy()));
        if (n->state() != v1::NOMINATION_STATE_ACTIVE) {
          return Refuse("ALREADY_WITHDRAWN", "NOMINATION", n->nomination_id(),
                        "the nomination is already withdrawn");
        }
        n->set_state(v1::NOMINATION_STATE_WITHDRAWN);
        Touch(*n, record, options_.now());
        step.detail = absl::StrCat("withdrew the nomination of ", n->municipality_name());
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        for (const auto& n : record.nominations()) {
          if (n.nomination_id() == request.nomination_id()) {
            *static_cast<v1::WithdrawNominationResponse&>(m).mutable_nomination() = n;
          }
        }
      }));
  ApplyNominationView(request.view(), *response.mutable_nomination());
  return response;
}

absl::StatusOr<v1::ListNominationsResponse> AwardCore::ListNominations(
    const v1::ListNominationsRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  v1::ListNominationsResponse response;
  for (const auto& n : record.nominations()) {
    if (n.state() == v1::NOMINATION_STATE_ACTIVE || request.show_withdrawn()) {
      *response.add_nominations() = n;
    }
  }
  ApplyNominationsView(request.view(), *response.mutable_nominations());
  return response;
}

absl::StatusOr<v1::AnnounceNomineesResponse> AwardCore::AnnounceNominees(
    const v1::AnnounceNomineesRequest& request, const Caller& caller) {
  IMDI_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  {
    absl::MutexLock lock(&mu_);
    v1::AnnounceNomineesResponse stored;
    IMDI_ASSIGN_OR_RETURN(bool replayed,
                          Replay("AnnounceNominees", request, request.request_id(), caller, stored));
    if (replayed) {
      ApplyNominationsView(request.view(), *stored.mutable_nominations());
      return WithCycleHeader(stored);
    }
  }
  // Freeze at the newest version and evaluate the nominees there, outside
  // the lock; the commit checks that nothing changed meanwhile.
  IMDI_ASSIGN_OR_RETURN(Record snapshot, LoadCycle(request.cycle_id()));
  std::vector<std::string> codes;
  std::vector<std::map<std::string, v1::AssessmentClaim>> claims;
  for (const v1::Nomination& n : snapshot.nominations()) {
    if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
    codes.push_back(n.municipality_code());
    claims.push_back(ClaimMap(n.claims()));
  }
  std::vector<v1::Evaluation> evaluations;
  int64_t version = 0;
  if (snapshot.cycle().state() == v1::CYCLE_STATE_NOMINATIONS_OPEN && !codes.empty()) {
    IMDI_ASSIGN_OR_RETURN(version, stats_->DataVersion());
    Listing listing;
    IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> infos, Resolve(codes, version, listing));
    IMDI_ASSIGN_OR_RETURN(evaluations,
                          EvaluateMany(snapshot.cycle().config(), infos, claims, version, listing));
  }
  v1::AnnounceNomineesResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "AnnounceNominees", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), record.cycle().etag(), "cycle"));
        const TransitionCheck check =
            CheckTransition(record, Action::kAnnounceNominees, options_.now());
        IMDI_RETURN_IF_ERROR(check.Error());
        if (record.cycle().revision() != snapshot.cycle().revision()) {
          return MakeError(absl::StatusCode::kAborted, "CONCURRENT_CHANGE",
                           "the nominations changed while the nominees were evaluated; retry");
        }
        step.warnings = check.warnings;
        // Figures revised since a nomination may have made a nominee
        // ineligible; it is not announced without the override the policy
        // would have asked for.
        std::vector<PreconditionViolation> flipped;
        {
          size_t j = 0;
          for (const v1::Nomination& n : record.nominations()) {
            if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
            const v1::Evaluation& e = evaluations[j++];
            if (!e.eligible() && n.override_reason().empty()) {
              flipped.push_back({"ELIGIBILITY", n.nomination_id(),
                                 absl::StrCat(n.municipality_name(), " no longer meets the "
                                              "requirement at data version ", version, ": ",
                                              e.requirement().explanation())});
            }
          }
        }
        if (!flipped.empty()) {
          return FailedPreconditionError(
              "NOT_ELIGIBLE",
              absl::StrCat(flipped.size(), " nominee(s) no longer meet the requirement on the "
                                           "newest figures; withdraw them or check the figures "
                                           "(CompareWithLatest shows what changed)"),
              flipped);
        }
        const absl::Time now = options_.now();
        size_t i = 0;
        std::vector<std::string> names;
        for (v1::Nomination& n : *record.mutable_nominations()) {
          if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
          *n.mutable_evaluation() = evaluations[i++];
          Touch(n, record, now);
          names.push_back(absl::StrCat(n.municipality_name(), " (",
                                       VerdictText(n.evaluation().verdict()), ")"));
        }
        record.mutable_cycle()->set_data_version(version);
        record.mutable_cycle()->set_state(
            NextState(record.cycle().state(), Action::kAnnounceNominees));
        step.detail = absl::StrCat("announced ", names.size(), " nominees at data version ",
                                   version, ": ", absl::StrJoin(names, ", "));
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        auto& r = static_cast<v1::AnnounceNomineesResponse&>(m);
        *r.mutable_cycle() = record.cycle();
        for (const std::string& w : step.warnings) r.add_warnings(w);
        for (const auto& n : record.nominations()) {
          if (n.state() == v1::NOMINATION_STATE_ACTIVE) *r.add_nominations() = n;
        }
      }));
  ApplyNominationsView(request.view(), *response.mutable_nominations());
  return WithCycleHeader(response);
}

absl::StatusOr<v1::OpenPublicVotingResponse> AwardCore::OpenPublicVoting(
    const v1::OpenPublicVotingRequest& request, const Caller& caller) {
  return MoveState<v1::OpenPublicVotingResponse>("OpenPublicVoting", request, caller,
                                                 Action::kOpenPublicVoting, "public voting opened");
}

absl::StatusOr<v1::RecordVotesResponse> AwardCore::RecordVotes(
    const v1::RecordVotesRequest& request, const Caller& caller) {
  FieldChecks checks;
  CheckIds(checks, request.cycle_id(), request.request_id());
  if (request.request_id().empty()) {
    checks.Add("request_id", "is required: a batch of votes must count once");
  }
  if (request.tallies().empty()) checks.Add("tallies", "must not be empty");
  if (request.tallies_size() > kMaxTallies) {
    checks.Add("tallies", absl::StrCat(request.tallies_size(), " tallies; at most ", kMaxTallies));
  }
  for (int i = 0; i < request.tallies_size() && i < kMaxTallies; ++i) {
    if (request.tallies(i).votes() < 0 || request.tallies(i).votes() > kMaxVotesPerTally) {
      checks.Add(absl::StrCat("tallies[", i, "].votes"),
                 absl::StrCat("must be between 0 and ", kMaxVotesPerTally));
    }
  }
  IMDI_RETURN_IF_ERROR(checks.Result());
  v1::RecordVotesResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "RecordVotes", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(CheckAction(record.cycle().state(), Action::kRecordVotes,
                                         record.cycle().config().decision_policy()));
        IMDI_RETURN_IF_ERROR(CheckTallies(record, request.tallies()));
        const int64_t electorate = Electorate(record.cycle().config().decision_policy());
        std::map<std::string, int64_t> totals;
        for (const v1::VoteTally& t : request.tallies()) {
          const v1::Nomination* n = FindNomination(record, t.nomination_id());
          auto [it, fresh] = totals.emplace(n->nomination_id(), n->votes());
          it->second += t.votes();  // both at most the electorate: no overflow
        }
        std::vector<PreconditionViolation> above;
        for (const auto& [id, total] : totals) {
          if (total > electorate) {
            above.push_back({"VOTES", id,
                             absl::StrCat(FindNomination(record, id)->municipality_name(),
                                          " would have ", total, " votes, more than the ",
                                          electorate, " people who may vote")});
          }
        }
        if (!above.empty()) {
          return FailedPreconditionError(
              "VOTES_ABOVE_ELECTORATE",
              absl::StrCat(above.size(), " nominee(s) would have more votes than the electorate (",
                           electorate, "); nothing was recorded"),
              above);
        }
        int64_t added = 0;
        for (const v1::VoteTally& t : request.tallies()) {
          v1::Nomination* n = FindNomination(record, t.nomination_id());
          n->set_votes(totals[n->nomination_id()]);
          Touch(*n, record, options_.now());
          added += t.votes();
        }
        step.detail = absl::StrCat("recorded ", added, " votes");
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step&, google::protobuf::Message& m) {
        for (const auto& n : record.nominations()) {
          if (n.state() != v1::NOMINATION_STATE_ACTIVE) continue;
          v1::VoteTally* t = static_cast<v1::RecordVotesResponse&>(m).add_totals();
          t->set_nomination_id(n.nomination_id());
          t->set_votes(n.votes());
        }
      }));
  return response;
}

absl::StatusOr<v1::CorrectVotesResponse> AwardCore::CorrectVotes(
    const v1::CorrectVotesRequest& request, const Caller& caller) {
  IMDI_RETURN_IF_ERROR(CheckRequestText(request.reason(), "reason", true, kMaxLineBytes));
  IMDI_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (request.totals().empty()) return InvalidFieldError("totals", "must not be empty");
  if (request.totals_size() > kMaxTallies) {
    return InvalidFieldError("totals",
                             absl::StrCat(request.totals_size(), " totals; at most ", kMaxTallies));
  }
  {
    std::vector<FieldViolation> violations;
    std::set<std::string> named;
    for (int i = 0; i < request.totals_size(); ++i) {
      const v1::VoteTally& t = request.totals(i);
      if (t.votes() < 0 || t.votes() > kMaxVotesPerTally) {
        violations.push_back({absl::StrCat("totals[", i, "].votes"),
                              absl::StrCat("must be between 0 and ", kMaxVotesPerTally)});
      }
      if (!named.insert(t.nomination_id()).second) {
        violations.push_back({absl::StrCat("totals[", i, "].nomination_id"),
                              absl::StrCat(Excerpt(t.nomination_id()), " is corrected twice")});
      }
    }
    if (!violations.empty()) return InvalidArgumentError("INVALID_FIELD", violations);
  }
  v1::CorrectVotesResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "CorrectVotes", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        // Corrections are made in the same window as the votes themselves.
        IMDI_RETURN_IF_ERROR(CheckAction(record.cycle().state(), Action::kRecordVotes,
                                         record.cycle().config().decision_policy()));
        IMDI_RETURN_IF_ERROR(CheckTallies(record, request.totals(), "totals"));
        std::vector<std::string> changes;
        for (const v1::VoteTally& t : request.totals()) {
          v1::Nomination* n = FindNomination(record, t.nomination_id());
          changes.push_back(absl::StrCat(n->municipality_name(), " (", n->nomination_id(), ") ",
                                         n->votes(), " -> ", t.votes()));
          if (n->votes() == t.votes()) continue;
          n->set_votes(t.votes());
          Touch(*n, record, options_.now());
        }
        if (request.totals_size() == 1) step.nomination_id = request.totals(0).nomination_id();
        step.detail = absl::StrCat("corrected votes: ", absl::StrJoin(changes, ", "),
                                   "; reason: ", request.reason());
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step&, google::protobuf::Message& m) {
        for (const auto& n : record.nominations()) {
          v1::VoteTally* t = static_cast<v1::CorrectVotesResponse&>(m).add_totals();
          t->set_nomination_id(n.nomination_id());
          t->set_votes(n.votes());
        }
      }));
  return response;
}

absl::StatusOr<v1::StartJuryDeliberationResponse> AwardCore::StartJuryDeliberation(
    const v1::StartJuryDeliberationRequest& request, const Caller& caller) {
  v1::StartJuryDeliberationResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "StartJuryDeliberation", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(Transition(record, Action::kStartJuryDeliberation, request.etag(),
                                        options_.now(), step.warnings));
        const auto& policy = record.cycle().config().decision_policy();
        if (policy.kind() != v1::DECISION_KIND_PUBLIC_VOTE_FINALISTS) {
          step.detail = "jury deliberation started";
          return absl::OkStatus();
        }
        std::vector<int64_t> votes;
        for (const auto& n : record.nominations()) {
          if (n.state() == v1::NOMINATION_STATE_ACTIVE) votes.push_back(n.votes());
        }
        std::sort(votes.rbegin(), votes.rend());
        const size_t k = std::min<size_t>(policy.finalist_count(), votes.size());
        // Nominees tied with the last finalist are finalists too.
        const int64_t cutoff = k == 0 ? 0 : votes[k - 1];
        std::vector<std::string> names;
        for (v1::Nomination& n : *record.mutable_nominations()) {
          if (n.state() != v1::NOMINATION_STATE_ACTIVE || n.votes() < cutoff) continue;
          n.set_finalist(true);
          Touch(n, record, options_.now());
          names.push_back(absl::StrCat(n.municipality_name(), " (", n.votes(), " votes)"));
        }
        step.detail = absl::StrCat("jury deliberation started; finalists by the public vote: ",
                                   absl::StrJoin(names, ", "));
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        auto& r = static_cast<v1::StartJuryDeliberationResponse&>(m);
        *r.mutable_cycle() = record.cycle();
        for (const std::string& w : step.warnings) r.add_warnings(w);
        for (const v1::Nomination* n : Candidates(record)) *r.add_candidates() = *n;
      }));
  ApplyNominationsView(request.view(), *response.mutable_candidates());
  return WithCycleHeader(response);
}

absl::StatusOr<v1::RegisterJurorResponse> AwardCore::RegisterJuror(
    const v1::RegisterJurorRequest& request, const Caller& caller) {
  const v1::Juror& juror = request.juror();
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(ValidateCycleId(juror.juror_id(), "juror.juror_id"));
    checks.Add(CheckRequestText(juror.display_name(), "juror.display_name", true, kMaxNameBytes));
    if (!juror.conflicted_nomination_ids().empty()) {
      checks.Add("juror.conflicted_nomination_ids",
                 "is output only; declare conflicts with DeclareConflict");
    }
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::RegisterJurorResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "RegisterJuror", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(
            CheckAction(cycle.state(), Action::kRegisterJuror, cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; no jurors join now");
        }
        if (FindJuror(cycle, juror.juror_id()) != nullptr) {
          return MakeError(absl::StatusCode::kAlreadyExists, "JUROR_EXISTS",
                           absl::StrCat("juror \"", juror.juror_id(), "\" is already registered"));
        }
        for (const auto& j : cycle.jurors()) {
          if (juror.chair() && j.chair()) {
            return Refuse("CHAIR_EXISTS", "JUROR", j.juror_id(),
                          absl::StrCat("the jury already has a chair: ", j.juror_id()));
          }
        }
        if (cycle.jurors_size() >= kMaxJurorsPerCycle) {
          return Refuse("JURY_FULL", "JUROR", juror.juror_id(),
                        absl::StrCat("the jury has ", cycle.jurors_size(),
                                     " jurors, the most a "
                                     "cycle takes"));
        }
        *cycle.add_jurors() = juror;
        step.detail = absl::StrCat("registered juror ", juror.juror_id(), " (",
                                   juror.display_name(), juror.chair() ? ", chair" : "", ")");
        return absl::OkStatus();
      },
      response,
      [&](const Record&, const Step&, google::protobuf::Message& m) {
        *static_cast<v1::RegisterJurorResponse&>(m).mutable_juror() = juror;
      }));
  return response;
}

absl::StatusOr<v1::DeclareConflictResponse> AwardCore::DeclareConflict(
    const v1::DeclareConflictRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckRequestText(request.reason(), "reason", true, kMaxLineBytes));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::DeclareConflictResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "DeclareConflict", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, cycle, request.juror_id()));
        v1::Juror* juror = FindJuror(cycle, request.juror_id());
        if (juror == nullptr) {
          return NotFound("JUROR_NOT_FOUND",
                          absl::StrCat("no juror ", Excerpt(request.juror_id()), " in the cycle"));
        }
        if (FindNomination(record, request.nomination_id()) == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
        }
        IMDI_RETURN_IF_ERROR(CheckAction(cycle.state(), Action::kDeclareConflict,
                                         cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; conflicts had to be declared before");
        }
        if (IsConflicted(*juror, request.nomination_id())) {
          step.detail = "conflict already declared";
          return absl::OkStatus();
        }
        juror->add_conflicted_nomination_ids(request.nomination_id());
        // Scores the juror already gave the nominee no longer count.
        auto* scores = record.mutable_scores();
        const int before = scores->size();
        scores->erase(std::remove_if(scores->begin(), scores->end(),
                                     [&](const storage::v1::ScoreRecord& s) {
                                       return s.juror_id() == request.juror_id() &&
                                              s.nomination_id() == request.nomination_id();
                                     }),
                      scores->end());
        step.detail = absl::StrCat("juror ", request.juror_id(), " declared a conflict: ",
                                   request.reason(),
                                   before != scores->size()
                                       ? absl::StrCat("; ", before - scores->size(),
                                                      " earlier scores excluded")
                                       : "");
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        for (const auto& j : record.cycle().jurors()) {
          if (j.juror_id() == request.juror_id()) {
            *static_cast<v1::DeclareConflictResponse&>(m).mutable_juror() = j;
          }
        }
      }));
  return response;
}

absl::StatusOr<v1::ConfirmAssessmentResponse> AwardCore::ConfirmAssessment(
    const v1::ConfirmAssessmentRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckRequestText(request.jury_note(), "jury_note", false, kMaxNoteBytes,
                                TextKind::kParagraphs));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::ConfirmAssessmentResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "ConfirmAssessment", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, record.cycle(), "", /*jury_only=*/true));
        v1::Nomination* n = FindNomination(record, request.nomination_id());
        if (n == nullptr || n->state() != v1::NOMINATION_STATE_ACTIVE) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no active nomination ", Excerpt(request.nomination_id())));
        }
        if (caller.principal) {
          for (const auto& j : record.cycle().jurors()) {
            if (j.juror_id() == caller.principal->name && IsConflicted(j, n->nomination_id())) {
              return Refuse("JUROR_CONFLICTED", "CONFLICT",
                            absl::StrCat(j.juror_id(), "/", n->nomination_id()),
                            absl::StrCat("juror ", j.juror_id(), " has declared a conflict with ",
                                         n->municipality_name(), " and may not assess it"));
            }
          }
        }
        const v1::Cycle& cycle = record.cycle();
        IMDI_RETURN_IF_ERROR(CheckAction(cycle.state(), Action::kConfirmAssessment,
                                         cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided");
        }
        v1::AssessmentClaim* claim = nullptr;
        for (auto& c : *n->mutable_claims()) {
          if (c.criterion() == request.criterion()) claim = &c;
        }
        if (claim == nullptr) {
          return Refuse("NOT_CLAIMED", "CLAIM", request.criterion(),
                        absl::StrCat(n->municipality_name(), "'s nomination claims no ",
                                     Excerpt(request.criterion())));
        }
        claim->set_state(request.confirmed() ? v1::ASSESSMENT_STATE_CONFIRMED
                                             : v1::ASSESSMENT_STATE_REJECTED);
        claim->set_jury_note(request.jury_note());
        ApplyAssessments(cycle.config(), ClaimMap(n->claims()), *n->mutable_evaluation());
        Touch(*n, record, options_.now());
        step.detail = absl::StrCat(request.confirmed() ? "confirmed " : "rejected ",
                                   request.criterion(), " for ", n->municipality_name(),
                                   "; verdict now ", VerdictText(n->evaluation().verdict()));
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        for (const auto& n : record.nominations()) {
          if (n.nomination_id() == request.nomination_id()) {
            *static_cast<v1::ConfirmAssessmentResponse&>(m).mutable_nomination() = n;
          }
        }
      }));
  ApplyNominationView(request.view(), *response.mutable_nomination());
  return response;
}

namespace {

std::vector<JuryScore> Scores(const storage::v1::CycleRecord& record) {
  std::vector<JuryScore> out;
  for (const auto& s : record.scores()) {
    out.push_back({s.juror_id(), s.nomination_id(), s.criterion(), s.score()});
  }
  return out;
}

std::vector<v1::Juror> Jurors(const v1::Cycle& cycle) {
  return {cycle.jurors().begin(), cycle.jurors().end()};
}

}  // namespace

absl::StatusOr<v1::SubmitScoreResponse> AwardCore::SubmitScore(
    const v1::SubmitScoreRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    if (!std::isfinite(request.score())) checks.Add("score", "must be a number");
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  v1::SubmitScoreResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "SubmitScore", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        const v1::Cycle& cycle = record.cycle();
        const auto& policy = cycle.config().decision_policy();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, cycle, request.juror_id(), /*jury_only=*/true));
        v1::Juror* juror = FindJuror(*record.mutable_cycle(), request.juror_id());
        if (juror == nullptr) {
          return NotFound("JUROR_NOT_FOUND",
                          absl::StrCat("no juror ", Excerpt(request.juror_id()), " in the cycle"));
        }
        v1::Nomination* n = FindNomination(record, request.nomination_id());
        if (n == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
        }
        bool known = false;
        for (const auto& c : policy.scoring_criteria()) known = known || c.name() == request.criterion();
        FieldChecks checks;
        if (!known) {
          checks.Add("criterion", absl::StrCat(Excerpt(request.criterion()),
                                               " is not a scoring criterion of the cycle"));
        }
        if (request.score() < policy.min_score() || request.score() > policy.max_score()) {
          checks.Add("score", absl::StrCat("must be between ", policy.min_score(), " and ",
                                           policy.max_score()));
        }
        IMDI_RETURN_IF_ERROR(checks.Result());
        IMDI_RETURN_IF_ERROR(
            CheckAction(cycle.state(), Action::kSubmitScore, policy));
        IMDI_RETURN_IF_ERROR(CheckScoringDeadline(cycle.config().schedule(), options_.now()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; scores are closed");
        }
        if (IsConflicted(*juror, n->nomination_id())) {
          return Refuse("JUROR_CONFLICTED", "CONFLICT",
                        absl::StrCat(juror->juror_id(), "/", n->nomination_id()),
                        absl::StrCat("juror ", juror->juror_id(),
                                     " has declared a conflict with ", n->municipality_name(),
                                     " and may not score it"));
        }
        const auto candidates = Candidates(record);
        if (std::find(candidates.begin(), candidates.end(), n) == candidates.end()) {
          return Refuse("NOT_A_CANDIDATE", "NOMINATION", n->nomination_id(),
                        absl::StrCat(n->municipality_name(), " is not among the candidates"));
        }
        bool replaced = false;
        for (auto& s : *record.mutable_scores()) {
          if (s.juror_id() == request.juror_id() && s.nomination_id() == request.nomination_id() &&
              s.criterion() == request.criterion()) {
            s.set_score(request.score());
            replaced = true;
          }
        }
        if (!replaced) {
          storage::v1::ScoreRecord* s = record.add_scores();
          s->set_juror_id(request.juror_id());
          s->set_nomination_id(request.nomination_id());
          s->set_criterion(request.criterion());
          s->set_score(request.score());
        }
        step.detail = absl::StrCat("juror ", request.juror_id(), " scored ",
                                   n->municipality_name(), " ", request.score(), " on ",
                                   request.criterion(), replaced ? " (replacing a score)" : "");
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        auto& r = static_cast<v1::SubmitScoreResponse&>(m);
        std::optional<double> score =
            WeightedJuryScore(record.cycle().config().decision_policy(), Jurors(record.cycle()),
                              Scores(record), request.nomination_id());
        if (score) r.set_jury_score(*score);
        int recorded = 0;
        for (const auto& s : record.scores()) recorded += s.nomination_id() == request.nomination_id();
        r.set_scores_recorded(recorded);
      }));
  return response;
}

absl::StatusOr<v1::SubmitScoreSheetResponse> AwardCore::SubmitScoreSheet(
    const v1::SubmitScoreSheetRequest& request, const Caller& caller) {
  IMDI_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (request.scores().empty()) return InvalidFieldError("scores", "must not be empty");
  if (request.scores_size() > kMaxSheetScores) {
    return InvalidFieldError("scores", absl::StrCat(request.scores_size(), " scores; at most ",
                                                    kMaxSheetScores, " per sheet"));
  }
  // What the request says in itself: every bad entry at once.
  {
    std::vector<FieldViolation> violations;
    std::map<std::pair<std::string, std::string>, int> first;
    for (int i = 0; i < request.scores_size(); ++i) {
      const v1::ScoreSheetEntry& e = request.scores(i);
      const std::string f = absl::StrCat("scores[", i, "]");
      if (!std::isfinite(e.score())) violations.push_back({f + ".score", "must be a number"});
      auto [it, fresh] = first.emplace(std::pair{e.nomination_id(), e.criterion()}, i);
      if (!fresh) {
        violations.push_back(
            {f, absl::StrCat("scores ", Excerpt(e.nomination_id()), " on ", Excerpt(e.criterion()),
                             " again (first in scores[", it->second, "])")});
      }
    }
    if (!violations.empty()) return InvalidArgumentError("INVALID_SCORES", violations);
  }
  v1::SubmitScoreSheetResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "SubmitScoreSheet", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        const v1::Cycle& cycle = record.cycle();
        const auto& policy = cycle.config().decision_policy();
        IMDI_RETURN_IF_ERROR(CheckJuror(caller, cycle, request.juror_id(), /*jury_only=*/true));
        const v1::Juror* juror = FindJuror(*record.mutable_cycle(), request.juror_id());
        if (juror == nullptr) {
          return NotFound("JUROR_NOT_FOUND",
                          absl::StrCat("no juror ", Excerpt(request.juror_id()), " in the cycle"));
        }
        // Each entry as SubmitScore checks a score, every bad one listed.
        std::set<std::string> criteria;
        for (const auto& c : policy.scoring_criteria()) criteria.insert(c.name());
        const auto candidates = Candidates(record);
        std::vector<FieldViolation> invalid;
        for (int i = 0; i < request.scores_size(); ++i) {
          const v1::ScoreSheetEntry& e = request.scores(i);
          const std::string f = absl::StrCat("scores[", i, "]");
          const v1::Nomination* n = FindNomination(record, e.nomination_id());
          if (n == nullptr) {
            invalid.push_back(
                {f + ".nomination_id", absl::StrCat("no nomination ", Excerpt(e.nomination_id()))});
          } else if (std::find(candidates.begin(), candidates.end(), n) == candidates.end()) {
            invalid.push_back({f + ".nomination_id", absl::StrCat(n->municipality_name(),
                                                                  " is not among the candidates")});
          }
          if (!criteria.count(e.criterion())) {
            invalid.push_back({f + ".criterion", absl::StrCat(Excerpt(e.criterion()),
                                                              " is not a scoring criterion of "
                                                              "the cycle")});
          }
          if (e.score() < policy.min_score() || e.score() > policy.max_score()) {
            invalid.push_back({f + ".score", absl::StrCat("must be between ", policy.min_score(),
                                                          " and ", policy.max_score())});
          }
        }
        if (!invalid.empty()) return InvalidArgumentError("INVALID_SCORES", invalid);
        IMDI_RETURN_IF_ERROR(CheckAction(cycle.state(), Action::kSubmitScore, policy));
        IMDI_RETURN_IF_ERROR(CheckScoringDeadline(cycle.config().schedule(), options_.now()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has decided; scores are closed");
        }
        // Conflicts, one violation per conflicted nominee.
        std::vector<PreconditionViolation> conflicts;
        std::vector<std::string> nominees;  // the sheet's nominees, in order
        for (const v1::ScoreSheetEntry& e : request.scores()) {
          if (std::find(nominees.begin(), nominees.end(), e.nomination_id()) != nominees.end()) {
            continue;
          }
          nominees.push_back(e.nomination_id());
          if (IsConflicted(*juror, e.nomination_id())) {
            conflicts.push_back(
                {"CONFLICT", absl::StrCat(juror->juror_id(), "/", e.nomination_id()),
                 absl::StrCat("juror ", juror->juror_id(), " has declared a conflict with ",
                              FindNomination(record, e.nomination_id())->municipality_name(),
                              " and may not score it")});
          }
        }
        if (!conflicts.empty()) {
          return FailedPreconditionError(
              "JUROR_CONFLICTED",
              absl::StrCat("juror ", juror->juror_id(), " has declared a conflict with ",
                           conflicts.size(), " nominee(s) of the sheet; nothing was recorded"),
              conflicts);
        }
        int replaced = 0;
        for (const v1::ScoreSheetEntry& e : request.scores()) {
          bool found = false;
          for (auto& s : *record.mutable_scores()) {
            if (s.juror_id() == request.juror_id() && s.nomination_id() == e.nomination_id() &&
                s.criterion() == e.criterion()) {
              s.set_score(e.score());
              found = true;
            }
          }
          replaced += found;
          if (!found) {
            storage::v1::ScoreRecord* s = record.add_scores();
            s->set_juror_id(request.juror_id());
            s->set_nomination_id(e.nomination_id());
            s->set_criterion(e.criterion());
            s->set_score(e.score());
          }
        }
        if (nominees.size() == 1) step.nomination_id = nominees.front();
        step.detail = absl::StrCat(
            "juror ", request.juror_id(), " submitted a score sheet: ", request.scores_size(),
            " scores of ", nominees.size(), " nominee(s)",
            replaced > 0 ? absl::StrCat(", replacing ", replaced, " earlier scores") : "");
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        auto& r = static_cast<v1::SubmitScoreSheetResponse&>(m);
        r.set_juror_id(request.juror_id());
        r.set_scores_recorded(request.scores_size());
        const std::vector<v1::Juror> jurors = Jurors(record.cycle());
        const std::vector<JuryScore> scores = Scores(record);
        std::set<std::string> done;
        for (const v1::ScoreSheetEntry& e : request.scores()) {
          if (!done.insert(e.nomination_id()).second) continue;
          v1::NomineeScore* nominee = r.add_nominees();
          nominee->set_nomination_id(e.nomination_id());
          for (const auto& n : record.nominations()) {
            if (n.nomination_id() == e.nomination_id()) {
              nominee->set_municipality_name(n.municipality_name());
            }
          }
          std::optional<double> score = WeightedJuryScore(record.cycle().config().decision_policy(),
                                                          jurors, scores, e.nomination_id());
          if (score) nominee->set_jury_score(*score);
          int recorded = 0;
          for (const auto& s : record.scores()) recorded += s.nomination_id() == e.nomination_id();
          nominee->set_scores_recorded(recorded);
        }
        for (const v1::Juror& j : jurors) {
          if (j.juror_id() != request.juror_id()) continue;
          int missing = 0;
          for (const OwedScore& o : OwedScores(record, j)) missing += !o.given;
          r.set_scores_missing(missing);
        }
      }));
  return response;
}

absl::StatusOr<v1::GetCycleProgressResponse> AwardCore::GetCycleProgress(
    const v1::GetCycleProgressRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  return CycleProgress(record, options_.now());
}

absl::StatusOr<v1::DecideWinnerResponse> AwardCore::DecideWinner(
    const v1::DecideWinnerRequest& request, const Caller& caller) {
  v1::DecideWinnerResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "DecideWinner", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(
            CheckAction(cycle.state(), Action::kDecideWinner, cycle.config().decision_policy()));
        if (cycle.has_decision()) {
          return Refuse("DECISION_RECORDED", "DECISION", cycle.cycle_id(),
                        "the jury has already decided");
        }
        if (caller.Bound()) {
          bool chair = false;
          for (const auto& j : cycle.jurors()) chair = chair || (j.chair() && j.juror_id() == caller.actor);
          if (!chair) {
            return Deny("CHAIR_ONLY", "of the jury, only the chair calls for the decision");
          }
        }
        if (!request.chair_choice_nomination_id().empty()) {
          const v1::Juror* chair = nullptr;
          for (const auto& j : cycle.jurors()) {
            if (j.chair()) chair = &j;
          }
          if (chair == nullptr) {
            return Refuse("NO_CHAIR", "JURY", cycle.cycle_id(),
                          "the jury has no chair to settle a tie; register one");
          }
          if (caller.actor != chair->juror_id()) {
            return MakeError(absl::StatusCode::kPermissionDenied, "CHAIR_ONLY",
                             absl::StrCat("only the chair (", chair->juror_id(),
                                          ") settles a tie"));
          }
          if (IsConflicted(*chair, request.chair_choice_nomination_id())) {
            return Refuse("JUROR_CONFLICTED", "CONFLICT", request.chair_choice_nomination_id(),
                          "the chair has declared a conflict with that nominee");
          }
        }
        IMDI_RETURN_IF_ERROR(
            CheckTransition(record, Action::kDecideWinner, options_.now()).Error());
        std::vector<std::string> excluded;
        DecisionInput input = DecisionInputOf(record, &excluded);
        input.chair_choice = request.chair_choice_nomination_id();
        absl::StatusOr<v1::Decision> decision = Decide(input);
        if (!decision.ok()) return decision.status();
        *decision->mutable_decide_time() = ToProto(options_.now());
        if (!excluded.empty()) {
          decision->set_explanation(absl::StrCat(decision->explanation(),
                                                 "; not eligible after the jury's assessment: ",
                                                 absl::StrJoin(excluded, ", ")));
        }
        *cycle.mutable_decision() = *decision;
        step.nomination_id = decision->winner_nomination_id();
        step.detail = absl::StrCat("decided: ", decision->explanation());
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step&, google::protobuf::Message& m) {
        *static_cast<v1::DecideWinnerResponse&>(m).mutable_decision() = record.cycle().decision();
      }));
  return response;
}

absl::StatusOr<v1::AnnounceWinnerResponse> AwardCore::AnnounceWinner(
    const v1::AnnounceWinnerRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    if (!request.announce_date().empty()) {
      checks.Add(ValidateDate(request.announce_date(), "announce_date"));
    }
    checks.Add(CheckRequestText(request.event(), "event", false, kMaxLineBytes));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  // The winner's code today, and that of a history row for the year, from
  // the statistics service before the lock is taken. Without it the entry
  // is stored without one (ListWinners fills it in later).
  std::map<std::string, std::string> current_codes;
  if (absl::StatusOr<std::map<std::string, std::string>> codes = CurrentCodes(); codes.ok()) {
    current_codes = *std::move(codes);
  }
  auto current_code = [&](const std::string& code) -> std::string {
    auto it = current_codes.find(code);
    return it == current_codes.end() ? "" : it->second;
  };
  v1::AnnounceWinnerResponse response;
  IMDI_RETURN_IF_ERROR(Mutate(
      "AnnounceWinner", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        v1::Cycle& cycle = *record.mutable_cycle();
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), cycle.etag(), "cycle"));
        const TransitionCheck check =
            CheckTransition(record, Action::kAnnounceWinner, options_.now());
        IMDI_RETURN_IF_ERROR(check.Error());
        step.warnings = check.warnings;
        const v1::Nomination* winner = FindNomination(record, cycle.decision().winner_nomination_id());
        v1::Winner entry;
        entry.set_award_year(cycle.config().award_year());
        entry.set_municipality_name(winner->municipality_name());
        entry.set_code_at_the_time(winner->code_at_the_time().empty() ? winner->municipality_code()
                                                                       : winner->code_at_the_time());
        entry.set_imdi_region(winner->imdi_region());
        entry.set_municipality_code(current_code(entry.code_at_the_time()));
        std::string date = request.announce_date();
        if (date.empty()) date = cycle.config().schedule().winner_announce_date();
        if (date.empty()) date = absl::FormatTime("%Y-%m-%d", options_.now(), absl::UTCTimeZone());
        entry.set_announce_date(date);
        entry.set_event(request.event().empty() ? cycle.config().schedule().event()
                                                : request.event());
        entry.set_source(absl::StrCat("award cycle ", cycle.cycle_id()));
        entry.set_cycle_id(cycle.cycle_id());
        IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> history, store_->ReadWinners());
        std::string replaced;
        for (const v1::Winner& w : history) {
          if (w.award_year() != entry.award_year()) continue;
          // The same municipality by its code today where both are known
          // (a row may name it by an older code), else as the import does.
          const std::string w_code = !w.municipality_code().empty()
                                         ? w.municipality_code()
                                         : current_code(w.code_at_the_time());
          const bool same = !w_code.empty() && !entry.municipality_code().empty()
                                ? w_code == entry.municipality_code()
                                : SameWinner(w, entry);
          if (same) continue;  // one row, now the cycle's
          const std::string row =
              absl::StrCat(w.municipality_name(), w.code_at_the_time().empty() ? "" : " (",
                           w.code_at_the_time(), w.code_at_the_time().empty() ? "" : ")",
                           w.source().empty() ? "" : absl::StrCat(", source: ", w.source()),
                           w.cycle_id().empty() ? "" : absl::StrCat(", cycle ", w.cycle_id()));
          if (!w.cycle_id().empty() && w.cycle_id() != cycle.cycle_id()) {
            return Refuse(
                "WINNER_ALREADY_RECORDED", "WINNER", absl::StrCat(w.award_year()),
                absl::StrCat("cycle ", w.cycle_id(), " already announced ", w.municipality_name(),
                             " as the winner of ", w.award_year()));
          }
          if (!request.replace_history_row()) {
            return Refuse("WINNER_HISTORY_CONFLICT", "WINNER_HISTORY", absl::StrCat(w.award_year()),
                          absl::StrCat("the winners history records ", row, " as the winner of ",
                                       w.award_year(), "; the cycle decided ",
                                       entry.municipality_name(), " (", entry.code_at_the_time(),
                                       "); announce with replace_history_row to replace that row"));
          }
          replaced = row;
        }
        cycle.set_state(NextState(cycle.state(), Action::kAnnounceWinner));
        step.nomination_id = winner->nomination_id();
        step.winners.push_back(entry);
        step.detail = absl::StrCat("announced the winner: ", entry.municipality_name(), " on ",
                                   entry.announce_date(),
                                   entry.event().empty() ? "" : absl::StrCat(" at ", entry.event()));
        if (!replaced.empty()) {
          absl::StrAppend(&step.detail, "; replaced the history row for ", entry.award_year(),
                          ": was ", replaced, ", now ", entry.municipality_name(), " (",
                          entry.code_at_the_time(), ", cycle ", cycle.cycle_id(), ")");
        }
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        auto& r = static_cast<v1::AnnounceWinnerResponse&>(m);
        *r.mutable_cycle() = record.cycle();
        for (const std::string& w : step.warnings) r.add_warnings(w);
        if (!step.winners.empty()) *r.mutable_winner() = step.winners.front();
      }));
  return WithCycleHeader(response);
}

absl::StatusOr<v1::ArchiveCycleResponse> AwardCore::ArchiveCycle(
    const v1::ArchiveCycleRequest& request, const Caller& caller) {
  return MoveState<v1::ArchiveCycleResponse>("ArchiveCycle", request, caller, Action::kArchive,
                                             "archived");
}

absl::StatusOr<v1::CancelCycleResponse> AwardCore::CancelCycle(
    const v1::CancelCycleRequest& request, const Caller& caller) {
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckRequestText(request.reason(), "reason", true, kMaxLineBytes));
    IMDI_RETURN_IF_ERROR(checks.Result());
  }
  return MoveState<v1::CancelCycleResponse>(
      "CancelCycle", request, caller, Action::kCancel,
      absl::StrCat("cancelled: ", request.reason()),
      [&](Record& record) { record.mutable_cycle()->set_cancel_reason(request.reason()); });
}

// --------------------------------------------------------------------------
// History and audit.

absl::StatusOr<v1::ImportWinnersResponse> AwardCore::ImportWinners(
    const v1::ImportWinnersRequest& request, const Caller& caller) {
  std::vector<FieldViolation> violations;
  std::set<int> years;
  for (int i = 0; i < request.winners_size() && i < kMaxWinnersPerImport; ++i) {
    const v1::Winner& w = request.winners(i);
    const std::string f = absl::StrCat("winners[", i, "]");
    if (w.award_year() < 2008 || w.award_year() > 2100) {
      violations.push_back({f + ".award_year", "must be between 2008 and 2100"});
    }
    if (!years.insert(w.award_year()).second) {
      violations.push_back({f + ".award_year", "appears twice in the request"});
    }
    if (w.municipality_name().empty()) violations.push_back({f + ".municipality_name", "is required"});
    for (auto v : {imdi::CheckText(w.municipality_name(), f + ".municipality_name", kMaxNameBytes),
                   imdi::CheckText(w.code_at_the_time(), f + ".code_at_the_time", kMaxCodeBytes),
                   imdi::CheckText(w.event(), f + ".event", kMaxLineBytes),
                   imdi::CheckText(w.source(), f + ".source", kMaxLineBytes)}) {
      if (v) violations.push_back(*std::move(v));
    }
    if (!w.announce_date().empty() && !ValidateDate(w.announce_date(), "").ok()) {
      violations.push_back({f + ".announce_date", "must be a date YYYY-MM-DD"});
    }
    if (!w.cycle_id().empty()) {
      violations.push_back({f + ".cycle_id", "is set by AnnounceWinner, not imported"});
    }
  }
  if (request.winners().empty()) violations.push_back({"winners", "must not be empty"});
  if (request.winners_size() > kMaxWinnersPerImport) {
    violations.push_back({"winners", absl::StrCat(request.winners_size(), " winners; at most ",
                                                  kMaxWinnersPerImport, " per request")});
  }
  for (const FieldViolation& v : FieldViolations(CheckRequestId(request.request_id()))) {
    violations.push_back(v);
  }
  if (!violations.empty()) return InvalidArgumentError("INVALID_WINNERS", violations);
  // Each row's code today, before the lock; without the statistics service
  // rows are stored without it (ListWinners fills it in later).
  std::map<std::string, std::string> current_codes;
  if (absl::StatusOr<std::map<std::string, std::string>> codes = CurrentCodes(); codes.ok()) {
    current_codes = *std::move(codes);
  }

  absl::MutexLock lock(&mu_);
  v1::ImportWinnersResponse response;
  IMDI_ASSIGN_OR_RETURN(bool replayed,
                        Replay("ImportWinners", request, request.request_id(), caller, response));
  if (replayed) return response;
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> history, store_->ReadWinners());
  std::map<int, v1::Winner> by_year;
  for (auto& w : history) by_year[w.award_year()] = std::move(w);
  AwardCommit commit;
  std::vector<PreconditionViolation> conflicts;
  for (const v1::Winner& w : request.winners()) {
    auto it = by_year.find(w.award_year());
    if (it == by_year.end()) {
      v1::Winner& added = commit.winners.emplace_back(w);
      auto code = current_codes.find(w.code_at_the_time());
      added.set_municipality_code(code == current_codes.end() ? "" : code->second);
      continue;
    }
    if (SameWinner(it->second, w)) {
      response.set_unchanged_count(response.unchanged_count() + 1);
    } else {
      conflicts.push_back({"WINNER", absl::StrCat(w.award_year()),
                           absl::StrCat("the history records ", it->second.municipality_name(),
                                        ", the import says ", w.municipality_name())});
    }
  }
  if (!conflicts.empty()) {
    return FailedPreconditionError("WINNER_ALREADY_RECORDED",
                                   "winners already recorded differ; nothing was imported",
                                   conflicts);
  }
  response.set_added_count(static_cast<int>(commit.winners.size()));
  if (!request.request_id().empty()) {
    storage::v1::RequestRecord stored;
    stored.set_method("ImportWinners");
    stored.set_fingerprint(Fingerprint(request));
    stored.set_principal(PrincipalOf(caller));
    stored.set_response(response.SerializeAsString());
    commit.request.emplace(request.request_id(), std::move(stored));
  }
  IMDI_RETURN_IF_ERROR(store_->Commit(commit));
  return response;
}

absl::StatusOr<v1::ListWinnersResponse> AwardCore::ListWinners(const v1::ListWinnersRequest&) {
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::Winner> winners, store_->ReadWinners());
  // Rows stored without their code today (before the statistics service
  // knew them, or while it was away) are resolved in one listing; without
  // the statistics service they go out without it.
  const bool unresolved = std::any_of(winners.begin(), winners.end(), [](const v1::Winner& w) {
    return w.municipality_code().empty() && !w.code_at_the_time().empty();
  });
  if (unresolved) {
    if (absl::StatusOr<std::map<std::string, std::string>> codes = CurrentCodes(); codes.ok()) {
      for (v1::Winner& w : winners) {
        if (!w.municipality_code().empty()) continue;
        auto code = codes->find(w.code_at_the_time());
        if (code != codes->end()) w.set_municipality_code(code->second);
      }
    }
  }
  v1::ListWinnersResponse response;
  for (auto& w : winners) *response.add_winners() = std::move(w);
  return response;
}

absl::StatusOr<v1::ListAuditEventsResponse> AwardCore::ListAuditEvents(
    const v1::ListAuditEventsRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, LoadCycle(request.cycle_id()));
  IMDI_ASSIGN_OR_RETURN(int64_t after,
                        DecodeToken(request.page_token(), "audit", request.cycle_id()));
  const int size = PageSize(request.page_size(), kDefaultAuditPage, kMaxAuditPage);
  IMDI_ASSIGN_OR_RETURN(std::vector<v1::AuditEvent> events,
                        store_->ReadAudit(request.cycle_id(), after, size + 1));
  v1::ListAuditEventsResponse response;
  ByteBudget budget;
  int taken = 0;
  while (taken < static_cast<int>(events.size()) && taken < size &&
         budget.Take(events[taken].ByteSizeLong())) {
    *response.add_events() = std::move(events[taken++]);
  }
  if (static_cast<int>(events.size()) > taken) {
    response.set_next_page_token(
        EncodeToken("audit", request.cycle_id(), response.events(taken - 1).sequence()));
  }
  return response;
}

}  // namespace imdi::award
