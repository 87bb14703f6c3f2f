#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/actor_rules.h"
#include "award-service/domain/criteria.h"
#include "award-service/domain/documents.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/nomination_policy.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/request_checks.h"
#include "award-service/domain/transitions.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award::use_case {

absl::StatusOr<v1::SubmitNominationResponse> SubmitNomination(
    const Context& ctx, const v1::SubmitNominationRequest& request, const Caller& caller) {
  const v1::Nominator& nominator = request.nominator();
  {
    FieldChecks checks;
    CheckIds(checks, request.cycle_id(), request.request_id());
    checks.Add(CheckMunicipalityCode(request.municipality_code(), "municipality_code"));
    checks.Add(CheckRequestText(request.justification(), "justification", true,
                                kMaxJustificationBytes, TextKind::kParagraphs));
    checks.Add(CheckRequestText(request.override_reason(), "override_reason", false, kMaxNoteBytes,
                                TextKind::kParagraphs));
    checks.Add(CheckFullText(request.full_text()));
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
      if (absl::StatusOr<Record> record = ctx.tx->LoadCycle(request.cycle_id()); record.ok()) {
        checks.Add(CheckClaims(record->cycle().config(), request.claims()));
      }
      return checks.Result();
    }
  }
  {
    // A retry of a call that already succeeded returns its response even
    // when the state has moved on since.
    v1::SubmitNominationResponse stored;
    IMDI_ASSIGN_OR_RETURN(bool replayed, ctx.tx->Replay("SubmitNomination", request,
                                                        request.request_id(), caller, stored));
    if (replayed) {
      ApplyNominationView(request.view(), *stored.mutable_nomination());
      return stored;
    }
  }
  IMDI_ASSIGN_OR_RETURN(Record snapshot, ctx.tx->LoadCycle(request.cycle_id()));
  const v1::CycleConfig& config = snapshot.cycle().config();
  IMDI_RETURN_IF_ERROR(CheckClaims(config, request.claims()));

  // Cheap checks before the statistics service is asked.
  auto check_open = [&](const Record& record) -> absl::Status {
    return CheckNominationOpen(record.cycle().state(), config, nominator.kind(), ctx.now());
  };
  absl::Status open = check_open(snapshot);
  if (!open.ok()) {
    // Recorded like any other refusal.
    v1::SubmitNominationResponse unused;
    IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
        "SubmitNomination", request, request.request_id(), request.cycle_id(), caller,
        [&](Record& record, Step&) {
          absl::Status now_open = check_open(record);
          if (now_open.ok()) {
            return MakeError(absl::StatusCode::kAborted, "CONCURRENT_CHANGE",
                             "the cycle changed while the nomination was checked; retry");
          }
          return now_open;
        },
        unused, [](const Record&, const Step&, google::protobuf::Message&) {}));
    return open;
  }

  IMDI_ASSIGN_OR_RETURN(int64_t version, ctx.evaluator->VersionFor(snapshot.cycle(), false));
  IMDI_ASSIGN_OR_RETURN(MunicipalityInfo info,
                        ctx.evaluator->Municipality(request.municipality_code(), version));
  Listing listing;
  IMDI_ASSIGN_OR_RETURN(
      std::vector<v1::Evaluation> evaluations,
      ctx.evaluator->EvaluateMany(config, {info}, {ClaimMap(request.claims())}, version, listing));
  v1::Evaluation evaluation = std::move(evaluations.front());
  const Nominee nominee{info.code, info.name, info.NameIn(config.figures_year()), info.imdi_region,
                        info.codes};

  v1::SubmitNominationResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "SubmitNomination", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(check_open(record));
        IMDI_RETURN_IF_ERROR(CheckNominatorRegion(nominator, nominee));
        IMDI_RETURN_IF_ERROR(CheckNominatorBound(caller, nominator, info.codes, nominee.name_then));
        IMDI_ASSIGN_OR_RETURN(
            const std::string override_reason,
            AdmitNomination(record, nominator, nominee, evaluation, request.override_reason()));
        const absl::Time now = ctx.now();
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
        n.set_full_text(request.full_text());
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
            "nominated ", info.name, " (", info.code, ", ", RegionName(info.imdi_region),
            "): ", VerdictText(evaluation.verdict()), " at data version ", version,
            override_reason.empty() ? "" : absl::StrCat("; override: ", override_reason));
        return absl::OkStatus();
      },
      response,
      [](const Record& record, const Step& step, google::protobuf::Message& m) {
        RespondNomination<v1::SubmitNominationResponse>(record, step.nomination_id, m);
      }));
  ApplyNominationView(request.view(), *response.mutable_nomination());
  return response;
}

absl::StatusOr<v1::WithdrawNominationResponse> WithdrawNomination(
    const Context& ctx, const v1::WithdrawNominationRequest& request, const Caller& caller) {
  v1::WithdrawNominationResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "WithdrawNomination", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        step.nomination_id = request.nomination_id();
        v1::Nomination* n = FindNomination(record, request.nomination_id());
        if (n == nullptr) {
          return NotFound("NOMINATION_NOT_FOUND",
                          absl::StrCat("no nomination ", Excerpt(request.nomination_id())));
        }
        IMDI_RETURN_IF_ERROR(CheckNominationOwner(caller, *n));
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), n->etag(), "nomination"));
        IMDI_RETURN_IF_ERROR(CheckAction(record.cycle().state(), Action::kWithdrawNomination,
                                         record.cycle().config().decision_policy()));
        if (n->state() != v1::NOMINATION_STATE_ACTIVE) {
          return Refuse("ALREADY_WITHDRAWN", "NOMINATION", n->nomination_id(),
                        "the nomination is already withdrawn");
        }
        n->set_state(v1::NOMINATION_STATE_WITHDRAWN);
        Touch(*n, record, ctx.now());
        step.detail = absl::StrCat("withdrew the nomination of ", n->municipality_name());
        return absl::OkStatus();
      },
      response,
      [&](const Record& record, const Step&, google::protobuf::Message& m) {
        RespondNomination<v1::WithdrawNominationResponse>(record, request.nomination_id(), m);
      }));
  ApplyNominationView(request.view(), *response.mutable_nomination());
  return response;
}

absl::StatusOr<v1::ListNominationsResponse> ListNominations(
    const Context& ctx, const v1::ListNominationsRequest& request) {
  IMDI_ASSIGN_OR_RETURN(Record record, ctx.tx->LoadCycle(request.cycle_id()));
  v1::ListNominationsResponse response;
  for (const auto& n : record.nominations()) {
    if (n.state() == v1::NOMINATION_STATE_ACTIVE || request.show_withdrawn()) {
      *response.add_nominations() = n;
    }
  }
  ApplyNominationsView(request.view(), *response.mutable_nominations());
  return response;
}

absl::StatusOr<v1::AnnounceNomineesResponse> AnnounceNominees(
    const Context& ctx, const v1::AnnounceNomineesRequest& request, const Caller& caller) {
  IMDI_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  {
    v1::AnnounceNomineesResponse stored;
    IMDI_ASSIGN_OR_RETURN(bool replayed, ctx.tx->Replay("AnnounceNominees", request,
                                                        request.request_id(), caller, stored));
    if (replayed) {
      ApplyNominationsView(request.view(), *stored.mutable_nominations());
      return WithCycleHeader(stored);
    }
  }
  // Freeze at the newest version and evaluate the nominees there, outside
  // the lock; the commit checks that nothing changed meanwhile.
  IMDI_ASSIGN_OR_RETURN(Record snapshot, ctx.tx->LoadCycle(request.cycle_id()));
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
    IMDI_ASSIGN_OR_RETURN(version, ctx.evaluator->DataVersion());
    Listing listing;
    IMDI_ASSIGN_OR_RETURN(std::vector<MunicipalityInfo> infos,
                          ctx.evaluator->Resolve(codes, version, listing));
    IMDI_ASSIGN_OR_RETURN(evaluations, ctx.evaluator->EvaluateMany(snapshot.cycle().config(), infos,
                                                                   claims, version, listing));
  }
  v1::AnnounceNomineesResponse response;
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "AnnounceNominees", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        IMDI_RETURN_IF_ERROR(CheckEtag(request.etag(), record.cycle().etag(), "cycle"));
        const TransitionCheck check = CheckTransition(record, Action::kAnnounceNominees, ctx.now());
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
                                 absl::StrCat(n.municipality_name(),
                                              " no longer meets the "
                                              "requirement at data version ",
                                              version, ": ", e.requirement().explanation())});
            }
          }
        }
        if (!flipped.empty()) {
          return FailedPreconditionError(
              "NOT_ELIGIBLE",
              absl::StrCat(flipped.size(),
                           " nominee(s) no longer meet the requirement on the "
                           "newest figures; withdraw them or check the figures "
                           "(CompareWithLatest shows what changed)"),
              flipped);
        }
        const absl::Time now = ctx.now();
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

}  // namespace imdi::award::use_case
