// The input layout of the award_requests fuzz target, shared by the target
// (award_requests_fuzzer.cc) and the seed corpus (make_seed_corpus.cc):
// [method: 1 byte][options: 1 byte][serialized request].
#ifndef IMDI_TESTS_FUZZ_AWARD_REQUESTS_INPUT_H_
#define IMDI_TESTS_FUZZ_AWARD_REQUESTS_INPUT_H_

#include <cstdint>

namespace imdi::fuzz::award_requests {

// The first byte, modulo kNumMethods.
enum Method : uint8_t {
  kCreateCycle,
  kGetCycle,
  kListCycles,
  kEvaluateMunicipality,
  kScreenMunicipalities,
  kCompareWithLatest,
  kOpenNominations,
  kSubmitNomination,
  kWithdrawNomination,
  kListNominations,
  kAnnounceNominees,
  kOpenPublicVoting,
  kRecordVotes,
  kStartJuryDeliberation,
  kRegisterJuror,
  kDeclareConflict,
  kConfirmAssessment,
  kSubmitScore,
  kDecideWinner,
  kAnnounceWinner,
  kArchiveCycle,
  kCancelCycle,
  kImportWinners,
  kListWinners,
  kListAuditEvents,
  kSubmitScoreSheet,
  kCorrectVotes,
  kGetCycleProgress,
  kRecordCitation,
  kRenderAnnouncement,
  kNumMethods,
};

// The second byte's low nibble, modulo kNumCallers: who calls.
enum CallerIndex : uint8_t {
  kDevelopment,
  kDevelopmentAsChair,
  kAdmin,
  kNominatorMidtNorge,
  kNominatorBodo,
  kJurorChair,
  kJuror3,
  kJurorOutsider,
  kAuditor,
  kAdminJuror2,
  kNumCallers,
};

// The second byte's bit that makes the statistics service unreachable.
constexpr uint8_t kStatsDown = 0x10;

}  // namespace imdi::fuzz::award_requests

#endif  // IMDI_TESTS_FUZZ_AWARD_REQUESTS_INPUT_H_
