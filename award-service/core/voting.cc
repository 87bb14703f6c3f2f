#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "award-service/core/use_case.h"
#include "award-service/domain/field_checks.h"
#include "award-service/domain/refusal.h"
#include "award-service/domain/request_checks.h"
#include "award-service/domain/transitions.h"
#include "award-service/domain/vote_tallies.h"
#include "common/errors.h"
#include "common/limits.h"

namespace imdi::award::use_case {

namespace {

constexpr int kMaxTallies = 500;
// The largest electorate a cycle may name (cycle_config.cc); each cycle's
// own electorate bounds its tallies and totals, so no total can overflow.
constexpr int64_t kMaxVotesPerTally = 100'000'000;

}  // namespace

absl::StatusOr<v1::OpenPublicVotingResponse> OpenPublicVoting(
    const Context& ctx, const v1::OpenPublicVotingRequest& request, const Caller& caller) {
  return MoveState<v1::OpenPublicVotingResponse>(ctx, "OpenPublicVoting", request, caller,
                                                 Action::kOpenPublicVoting, "public voting opened");
}

absl::StatusOr<v1::RecordVotesResponse> RecordVotes(const Context& ctx,
                                                    const v1::RecordVotesRequest& request,
                                                    const Caller& caller) {
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
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
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
          Touch(*n, record, ctx.now());
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

absl::StatusOr<v1::CorrectVotesResponse> CorrectVotes(const Context& ctx,
                                                      const v1::CorrectVotesRequest& request,
                                                      const Caller& caller) {
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
  IMDI_RETURN_IF_ERROR(ctx.tx->Mutate(
      "CorrectVotes", request, request.request_id(), request.cycle_id(), caller,
      [&](Record& record, Step& step) -> absl::Status {
        // Corrections are made in the same window as the votes themselves.
        IMDI_RETURN_IF_ERROR(CheckAction(record.cycle().state(), Action::kRecordVotes,
                                         record.cycle().config().decision_policy()));
        IMDI_RETURN_IF_ERROR(CheckTallies(record, request.totals(), "totals"));
        // The audit detail names the totals that changed, old and new, the
        // first kMaxChangesListed of them.
        constexpr int kMaxChangesListed = 20;
        std::vector<std::string> changes;
        int changed = 0;
        for (const v1::VoteTally& t : request.totals()) {
          v1::Nomination* n = FindNomination(record, t.nomination_id());
          if (n->votes() == t.votes()) continue;
          if (++changed <= kMaxChangesListed) {
            changes.push_back(absl::StrCat(n->municipality_name(), " (", n->nomination_id(), ") ",
                                           n->votes(), " -> ", t.votes()));
          }
          n->set_votes(t.votes());
          Touch(*n, record, ctx.now());
        }
        if (changed > kMaxChangesListed) {
          changes.push_back(absl::StrCat("and ", changed - kMaxChangesListed, " more"));
        }
        if (changed == 0) changes.push_back("no total changed");
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

}  // namespace imdi::award::use_case
