// The winners history: each row's municipality code today, resolved through
// the statistics service when it is stored or, failing that, when it is
// listed; and an announced winner against a history row for its year.
#include <string>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/award_core_fixture.h"

namespace imdi::award {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class AwardWinnersTest : public testing::AwardCoreFixture {
 protected:
  std::vector<std::string> Codes() {
    auto winners = core_->ListWinners({});
    EXPECT_TRUE(winners.ok()) << winners.status();
    std::vector<std::string> out;
    for (const auto& w : winners->winners()) out.push_back(w.municipality_code());
    return out;
  }
  absl::StatusOr<v1::AnnounceWinnerResponse> Announce(bool replace = false) {
    v1::AnnounceWinnerRequest announce;
    announce.set_cycle_id("c");
    announce.set_replace_history_row(replace);
    return core_->AnnounceWinner(announce, caller_);
  }
};

TEST_F(AwardWinnersTest, ImportedRowsCarryTheCodeOfToday) {
  // 1601 became 5001; 1804 never changed; 9999 the statistics service does
  // not know.
  ASSERT_TRUE(Import({Winner(2014, "Trondheim", "1601"), Winner(2015, "Bodø", "1804"),
                      Winner(2013, "Nowhere", "9999")})
                  .ok());
  EXPECT_THAT(Codes(), ElementsAre("", "5001", "1804"));
  // Stored, so listing needs no statistics service.
  stats_.SetUnavailable(true);
  EXPECT_THAT(Codes(), ElementsAre("", "5001", "1804"));
}

TEST_F(AwardWinnersTest, RowsStoredWithoutTheCodeAreResolvedWhenListedInOneCall) {
  stats_.SetUnavailable(true);
  ASSERT_TRUE(Import({Winner(2014, "Trondheim", "1601"), Winner(2015, "Bergen", "1201")}).ok());
  // Still unreachable: the list works, without the codes.
  EXPECT_THAT(Codes(), ElementsAre("", ""));
  stats_.SetUnavailable(false);
  const int listings = stats_.calls("ListMunicipalities");
  EXPECT_THAT(Codes(), ElementsAre("5001", "4601"));
  EXPECT_EQ(stats_.calls("ListMunicipalities"), listings + 1);
  EXPECT_EQ(stats_.calls("GetMunicipality"), 0);
}

TEST_F(AwardWinnersTest, TheAnnouncedWinnerCarriesTheCodeOfToday) {
  ToDecision();
  auto announced = Announce();
  ASSERT_TRUE(announced.ok()) << announced.status();
  EXPECT_EQ(announced->winner().code_at_the_time(), "1601");
  EXPECT_EQ(announced->winner().municipality_code(), "5001");
  stats_.SetUnavailable(true);
  EXPECT_THAT(Codes(), ElementsAre("5001"));
}

TEST_F(AwardWinnersTest, AHistoryRowNamingAnotherMunicipalityIsRefused) {
  ASSERT_TRUE(Import({Winner(2016, "Bergen", "1201")}).ok());
  ToDecision();
  const int64_t revision = Cycle("c").revision();
  auto refused = Announce();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "WINNER_HISTORY_CONFLICT");
  ASSERT_EQ(PreconditionViolations(refused.status()).size(), 1u);
  const PreconditionViolation v = PreconditionViolations(refused.status())[0];
  EXPECT_EQ(v.subject, "2016");
  EXPECT_THAT(v.description,
              AllOf(HasSubstr("Bergen"), HasSubstr("Trondheim"), HasSubstr("replace_history_row")));
  EXPECT_EQ(Cycle("c").state(), v1::CYCLE_STATE_JURY_DELIBERATION);
  EXPECT_EQ(Cycle("c").revision(), revision);
  auto winners = core_->ListWinners({});
  ASSERT_EQ(winners->winners_size(), 1);
  EXPECT_EQ(winners->winners(0).municipality_name(), "Bergen");
  EXPECT_TRUE(winners->winners(0).cycle_id().empty());
}

TEST_F(AwardWinnersTest, ReplacingTheHistoryRowKeepsBothInTheAudit) {
  ASSERT_TRUE(Import({Winner(2016, "Bergen", "1201")}).ok());
  ToDecision();
  auto replaced = Announce(/*replace=*/true);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  auto winners = core_->ListWinners({});
  ASSERT_EQ(winners->winners_size(), 1);
  EXPECT_EQ(winners->winners(0).municipality_name(), "Trondheim");
  EXPECT_EQ(winners->winners(0).cycle_id(), "c");
  const v1::AuditEvent last = Audit("c").back();
  EXPECT_EQ(last.action(), "AnnounceWinner");
  EXPECT_THAT(last.detail(), AllOf(HasSubstr("was Bergen (1201)"), HasSubstr("award-history.csv"),
                                   HasSubstr("now Trondheim (1601, cycle c)")));
}

// A row naming the winner, even by its code of today, becomes the cycle's.
TEST_F(AwardWinnersTest, AHistoryRowNamingTheWinnerIsLinkedToTheCycle) {
  ASSERT_TRUE(Import({Winner(2016, "Trondheim - Tråante", "5001")}).ok());
  ToDecision();
  auto announced = Announce();
  ASSERT_TRUE(announced.ok()) << announced.status();
  auto winners = core_->ListWinners({});
  ASSERT_EQ(winners->winners_size(), 1);
  EXPECT_EQ(winners->winners(0).cycle_id(), "c");
  EXPECT_EQ(winners->winners(0).municipality_code(), "5001");
  EXPECT_THAT(Audit("c").back().detail(), Not(HasSubstr("replaced")));
}

}  // namespace
}  // namespace imdi::award
