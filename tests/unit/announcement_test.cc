// The public texts of a cycle (award-service/domain/announcement.h) and the
// Norwegian formatting under them (award-service/domain/norwegian.h), on a
// 2016-like cycle built by hand.
#include "award-service/domain/announcement.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "award-service/domain/norwegian.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::award {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kDataVersion = 7;

// ---------------------------------------------------------------------------
// Formatting.

TEST(NorwegianTest, CountsGroupDigitsWithSpacesFromOneThousand) {
  EXPECT_EQ(norwegian::FormatCount(0), "0");
  EXPECT_EQ(norwegian::FormatCount(999), "999");
  EXPECT_EQ(norwegian::FormatCount(1000), "1 000");
  EXPECT_EQ(norwegian::FormatCount(2702), "2 702");
  EXPECT_EQ(norwegian::FormatCount(15291), "15 291");
  EXPECT_EQ(norwegian::FormatCount(1234567), "1 234 567");
  EXPECT_EQ(norwegian::FormatCount(626.6), "627");
  EXPECT_EQ(norwegian::FormatCount(-1500), "-1 500");
}

TEST(NorwegianTest, PercentagesHaveOneDecimalCommaAndASpace) {
  EXPECT_EQ(norwegian::FormatPercent(23.2), "23,2 %");
  EXPECT_EQ(norwegian::FormatPercent(53), "53,0 %");
  EXPECT_EQ(norwegian::FormatPercent(23.2050333), "23,2 %");
}

TEST(NorwegianTest, DatesInBokmal) {
  EXPECT_EQ(norwegian::FormatDate("2017-04-26"), "26. april 2017");
  EXPECT_EQ(norwegian::FormatDate("2017-02-01"), "1. februar 2017");
  EXPECT_EQ(norwegian::FormatDate("2016-12-31"), "31. desember 2016");
  EXPECT_EQ(norwegian::FormatDate("2017-02-29"), "2017-02-29");
  EXPECT_EQ(norwegian::FormatDate("2017-13-01"), "2017-13-01");
  EXPECT_EQ(norwegian::FormatDate("april 2017"), "april 2017");
  EXPECT_EQ(norwegian::FormatDate(""), "");
}

TEST(NorwegianTest, ListsJoinWithOg) {
  std::vector<std::string> names = {"Ålesund", "Ørsta", "Ærø", "Zuid", "bergen", "Arendal"};
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return norwegian::SortKey(a) < norwegian::SortKey(b);
  });
  EXPECT_EQ(names, (std::vector<std::string>{"Arendal", "bergen", "Zuid", "Ærø", "Ørsta",
                                             "Ålesund"}));
  EXPECT_EQ(norwegian::JoinList({}), "");
  EXPECT_EQ(norwegian::JoinList({"a"}), "a");
  EXPECT_EQ(norwegian::JoinList({"a", "b"}), "a og b");
  EXPECT_EQ(norwegian::JoinList({"a", "b", "c"}), "a, b og c");
}

TEST(NorwegianTest, RegionsFieldsSizesAndFigures) {
  EXPECT_EQ(norwegian::RegionName(stats::v1::IMDI_REGION_INDRE_OST), "IMDi Indre Øst");
  EXPECT_EQ(norwegian::RegionName(stats::v1::IMDI_REGION_MIDT_NORGE), "IMDi Midt-Norge");
  EXPECT_EQ(norwegian::RegionName(stats::v1::IMDI_REGION_UNSPECIFIED), "");
  EXPECT_EQ(norwegian::FieldPhrase("refugees_settled"), "bosatte flyktninger");
  EXPECT_EQ(norwegian::FieldPhrase("minors_settled"), "bosatte enslige mindreårige");
  EXPECT_EQ(norwegian::FieldPhrase("no_such_field"), "no_such_field");
  EXPECT_EQ(norwegian::FormatBytes(340'000), "340 kB");
  EXPECT_EQ(norwegian::FormatBytes(1'200'000), "1,2 MB");
  EXPECT_EQ(norwegian::DenominatorSource("published total"), "publisert totaltall");
  EXPECT_EQ(norwegian::DenominatorSource("sum of 48 municipalities"), "sum av 48 kommuner");

  v1::CitedFigure share;
  share.set_kind(v1::CITED_FIGURE_KIND_SHARE_OF_REGION);
  share.set_value(23.2);
  EXPECT_EQ(norwegian::FormatFigure(share), "23,2 %");
  v1::CitedFigure pct;
  pct.set_kind(v1::CITED_FIGURE_KIND_VALUE);
  pct.set_field("intro_to_work_or_education_pct");
  pct.set_value(53);
  EXPECT_EQ(norwegian::FormatFigure(pct), "53,0 %");
  v1::CitedFigure count;
  count.set_kind(v1::CITED_FIGURE_KIND_VALUE);
  count.set_field("refugees_settled");
  EXPECT_EQ(norwegian::FormatFigure(count), "") << "not known is not 0";
  count.set_value(15291);
  EXPECT_EQ(norwegian::FormatFigure(count), "15 291");
}

// ---------------------------------------------------------------------------
// A 2016-like cycle.

struct Nominee {
  const char* id;
  const char* name;
  const char* code;
  stats::v1::ImdiRegion region;
};

constexpr Nominee kNominees[] = {
    // In submission order, which is not the printed order.
    {"n1", "Trondheim", "1601", stats::v1::IMDI_REGION_MIDT_NORGE},
    {"n2", "Bergen", "1201", stats::v1::IMDI_REGION_VEST},
    {"n3", "Tynset", "0437", stats::v1::IMDI_REGION_INDRE_OST},
    {"n4", "Arendal", "0906", stats::v1::IMDI_REGION_SOR},
    {"n5", "Rælingen", "0228", stats::v1::IMDI_REGION_OST},
    {"n6", "Bodø", "1804", stats::v1::IMDI_REGION_NORD},
};

v1::CitedFigure Resolved(v1::CitedFigureKind kind, const char* code, const char* name,
                         const char* field) {
  v1::CitedFigure f;
  f.set_kind(kind);
  f.set_municipality_code(code);
  f.set_resolved_code(code);
  f.set_code_at_the_time(code);
  f.set_municipality_name(name);
  f.set_year(2016);
  f.set_field(field);
  f.set_data_version(kDataVersion);
  f.set_known_date("2017-02-01");
  return f;
}

v1::CitedFigure TrondheimShare() {
  v1::CitedFigure f =
      Resolved(v1::CITED_FIGURE_KIND_SHARE_OF_REGION, "1601", "Trondheim", "refugees_settled");
  f.set_value(627.0 / 2702.0 * 100.0);
  f.set_numerator(627);
  f.set_denominator(2702);
  f.set_area_name("IMDi Midt-Norge");
  f.set_denominator_source("published total");
  return f;
}

v1::CitedFigure TrondheimMinors() {
  v1::CitedFigure f = Resolved(v1::CITED_FIGURE_KIND_VALUE, "1601", "Trondheim", "minors_settled");
  f.set_value(123);
  return f;
}

storage::v1::CycleRecord Cycle2016() {
  storage::v1::CycleRecord r;
  v1::Cycle* c = r.mutable_cycle();
  c->set_cycle_id("2016");
  c->set_data_version(kDataVersion);
  v1::CycleConfig* config = c->mutable_config();
  config->set_title("Bosettingsprisen 2016");
  config->set_award_year(2016);
  config->set_figures_year(2016);
  config->mutable_schedule()->set_winner_announce_date("2017-04-26");
  config->mutable_schedule()->set_event("FFKFs landsmøte i Trondheim");
  for (auto [name, title] : std::vector<std::pair<const char*, const char*>>{
           {"housing",
            "Kommuner som har gjort en ekstraordinær innsats for å bosette mange "
            "flyktninger i 2016."},
           {"intro", "Rask overgang til arbeid eller utdanning."},
           {"planning", "Planmessig og langsiktig bosettings- og integreringsarbeid."}}) {
    v1::Criterion* criterion = config->add_criteria();
    criterion->set_name(name);
    criterion->set_title(title);
    criterion->mutable_assessed()->set_guidance("-");
  }
  // housing and (intro or planning), the second labelled.
  v1::Requirement* root = config->mutable_requirement();
  root->mutable_all_of()->add_requirements()->set_criterion("housing");
  v1::Requirement* either = root->mutable_all_of()->add_requirements();
  either->set_label("Minst ett av kriteriene 2 og 3");
  either->mutable_any_of()->add_requirements()->set_criterion("intro");
  either->mutable_any_of()->add_requirements()->set_criterion("planning");

  for (const Nominee& nominee : kNominees) {
    v1::Nomination* n = r.add_nominations();
    n->set_nomination_id(nominee.id);
    n->set_cycle_id("2016");
    n->set_municipality_name(nominee.name);
    n->set_municipality_code(nominee.code);
    n->set_code_at_the_time(nominee.code);
    n->set_imdi_region(nominee.region);
    n->set_state(v1::NOMINATION_STATE_ACTIVE);
    n->mutable_nominator()->set_kind(v1::NOMINATOR_KIND_REGIONAL_OFFICE);
    n->mutable_nominator()->set_imdi_region(nominee.region);
    n->set_justification(std::string(nominee.name) + " gjør en god jobb.");
  }
  r.mutable_nominations(0)->mutable_nominator()->set_display_name("IMDi Midt-Norge ved Anne");
  v1::NominationDocument* document = r.mutable_nominations(0)->add_documents();
  document->set_file_name("nominasjon-trondheim.pdf");
  document->set_size_bytes(1'200'000);
  // A withdrawn nomination is not a nominee.
  v1::Nomination* withdrawn = r.add_nominations();
  withdrawn->set_nomination_id("n7");
  withdrawn->set_municipality_name("Molde");
  withdrawn->set_imdi_region(stats::v1::IMDI_REGION_MIDT_NORGE);
  withdrawn->set_state(v1::NOMINATION_STATE_WITHDRAWN);

  c->mutable_decision()->set_winner_nomination_id("n1");
  v1::Citation* citation = c->mutable_citation();
  citation->set_data_version(kDataVersion);
  v1::CitationReason* share = citation->add_reasons();
  share->set_text("Kommunen bosetter om lag 25 % av alle flyktningene i regionen");
  *share->add_figures() = TrondheimShare();
  v1::CitationReason* minors = citation->add_reasons();
  minors->set_text("Kommunen bosatte {1} enslige mindreårige, flere enn noen gang før.");
  *minors->add_figures() = TrondheimMinors();
  return r;
}

std::vector<v1::Winner> EarlierWinners() {
  std::vector<v1::Winner> winners;
  // Not in order on purpose.
  for (auto [year, name] : std::vector<std::pair<int, const char*>>{{2010, "Kristiansand"},
                                                                    {2008, "Vadsø"},
                                                                    {2015, "Grimstad"},
                                                                    {2012, "Molde"},
                                                                    {2009, "Levanger"},
                                                                    {2014, "Drammen"},
                                                                    {2011, "Kragerø"},
                                                                    {2013, "Hammerfest"},
                                                                    {2017, "Asker"}}) {
    v1::Winner& w = winners.emplace_back();
    w.set_award_year(year);
    w.set_municipality_name(name);
    w.set_source("https://www.imdi.no/bosettingsprisen");
  }
  return winners;
}

struct Fixture {
  storage::v1::CycleRecord record = Cycle2016();
  AnnouncementInput input;
  Fixture() {
    input.record = &record;
    input.earlier_winners = EarlierWinners();
    v1::CitedFigure settled =
        Resolved(v1::CITED_FIGURE_KIND_COUNTRY_TOTAL, "", "", "refugees_settled");
    settled.set_value(15291);
    settled.set_denominator_source("published total");
    v1::CitedFigure minors =
        Resolved(v1::CITED_FIGURE_KIND_COUNTRY_TOTAL, "", "", "minors_settled");
    minors.set_value(1599);
    input.country_figures = {settled, minors};
    v1::CitedFigure trondheim_settled =
        Resolved(v1::CITED_FIGURE_KIND_VALUE, "1601", "Trondheim", "refugees_settled");
    trondheim_settled.set_value(627);
    input.nominee_figures["n1"] = {trondheim_settled, TrondheimMinors()};
  }
};

std::string Render(const AnnouncementInput& input, v1::AnnouncementKind kind,
                   v1::AnnouncementFormat format) {
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(input, kind, format);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? out->text : "";
}

// The positions of `needles` in `text`, which must all be there in order.
void ExpectInOrder(const std::string& text, const std::vector<std::string>& needles) {
  size_t at = 0;
  for (const std::string& needle : needles) {
    const size_t found = text.find(needle, at);
    ASSERT_NE(found, std::string::npos) << "missing after offset " << at << ": " << needle;
    at = found + needle.size();
  }
}

// ---------------------------------------------------------------------------
// The nominees' text.

TEST(NomineesAnnouncementTest, NomineesInNorwegianOrderWithTheirRegions) {
  Fixture f;
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, StartsWith("# De nominerte til Bosettingsprisen 2016 er klare\n"));
  EXPECT_THAT(md, HasSubstr("Nominert er Arendal, Bergen, Bodø, Rælingen, Trondheim og Tynset."));
  EXPECT_THAT(md, HasSubstr("Vinneren kunngjøres 26. april 2017 på FFKFs landsmøte i Trondheim."));
  EXPECT_THAT(md, Not(HasSubstr("Molde kommune"))) << "withdrawn";
  ExpectInOrder(md, {"### Arendal kommune\n\n*Nominert av IMDi Sør*",
                     "### Bergen kommune\n\n*Nominert av IMDi Vest*",
                     "### Bodø kommune\n\n*Nominert av IMDi Nord*",
                     "### Rælingen kommune\n\n*Nominert av IMDi Øst*",
                     "### Trondheim kommune\n\n*Nominert av IMDi Midt-Norge ved Anne, "
                     "IMDi Midt-Norge*",
                     "### Tynset kommune\n\n*Nominert av IMDi Indre Øst*"});
  EXPECT_THAT(md, HasSubstr("Én kommune fra hver av de seks IMDi-regionene er nominert."));
  EXPECT_THAT(md, HasSubstr("Vedlegg: nominasjon-trondheim.pdf (1,2 MB)."));
  EXPECT_TRUE(absl::EndsWith(md, "\n"));
}

TEST(NomineesAnnouncementTest, EarlierWinnersMostRecentFirst) {
  Fixture f;
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, HasSubstr("Tidligere vinnere av prisen er Grimstad (2015), Drammen (2014), "
                            "Hammerfest (2013), Molde (2012), Kragerø (2011), Kristiansand "
                            "(2010), Levanger (2009) og Vadsø (2008)."));
  EXPECT_THAT(md, Not(HasSubstr("Asker"))) << "a later year is not an earlier winner";
  EXPECT_THAT(md, Not(HasSubstr("http"))) << "the winners' sources are not printed";
}

TEST(NomineesAnnouncementTest, CountryAndNomineeFiguresCarryNotes) {
  Fixture f;
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->media_type, "text/markdown; charset=utf-8");
  EXPECT_THAT(out->text, HasSubstr("Det ble bosatt 15 291[^1] flyktninger i Norge i 2016. "
                                   "Av disse var 1 599[^2] enslige mindreårige."));
  EXPECT_THAT(out->text, HasSubstr("I 2016 bosatte kommunen 627[^3] flyktninger, hvorav "
                                   "123[^4] enslige mindreårige."));
  ASSERT_EQ(out->sources.size(), 4u);
  EXPECT_EQ(out->sources[0].number(), 1);
  EXPECT_EQ(out->sources[0].printed(), "15 291");
  EXPECT_EQ(out->sources[0].data_version(), kDataVersion);
  EXPECT_EQ(out->sources[2].note(),
            "IMDis statistikktjeneste: bosatte flyktninger, Trondheim (1601), 2016; "
            "dataversjon 7, tall kjent 1. februar 2017.");
  EXPECT_THAT(out->text, HasSubstr("## Kilder\n\n[^1]: IMDis statistikktjeneste: bosatte "
                                   "flyktninger, hele landet, 2016 (publisert totaltall); "
                                   "dataversjon 7, tall kjent 1. februar 2017.\n"));
}

TEST(NomineesAnnouncementTest, CriteriaAsTheConfigStatesThem) {
  Fixture f;
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, HasSubstr("## Kriterier for nominering\n\n"
                            "De nominerte måtte oppfylle alle disse kravene:\n\n"
                            "- Kommuner som har gjort en ekstraordinær innsats for å bosette "
                            "mange flyktninger i 2016.\n"
                            "- Minst ett av kriteriene 2 og 3\n"));

  // Unlabelled, the combination is spelled out with nested bullets.
  f.record.mutable_cycle()
      ->mutable_config()
      ->mutable_requirement()
      ->mutable_all_of()
      ->mutable_requirements(1)
      ->clear_label();
  const std::string nested =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(nested, HasSubstr("- Minst ett av disse kravene:\n"
                                "  - Rask overgang til arbeid eller utdanning.\n"
                                "  - Planmessig og langsiktig bosettings- og "
                                "integreringsarbeid.\n"));
  const std::string html =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_HTML);
  EXPECT_THAT(html, HasSubstr("<li>Minst ett av disse kravene:\n<ul>\n"
                              "<li>Rask overgang til arbeid eller utdanning.</li>\n"));
}

TEST(NomineesAnnouncementTest, WithoutActiveNominationsIsRefused) {
  Fixture f;
  for (v1::Nomination& n : *f.record.mutable_nominations()) {
    n.set_state(v1::NOMINATION_STATE_WITHDRAWN);
  }
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(out.status()), "NO_NOMINEES");
}

TEST(NomineesAnnouncementTest, TwoFromOneRegionAreCountedNotPerRegion) {
  Fixture f;
  f.record.mutable_nominations(6)->set_state(v1::NOMINATION_STATE_ACTIVE);
  f.record.mutable_nominations(6)->mutable_nominator()->set_kind(
      v1::NOMINATOR_KIND_REGIONAL_OFFICE);
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, HasSubstr("Sju kommuner er nominert."));
  EXPECT_THAT(md, Not(HasSubstr("Én kommune fra hver")));
}

TEST(NomineesAnnouncementTest, SelfNominatedWithItsRegion) {
  Fixture f;
  v1::Nominator* tynset = f.record.mutable_nominations(2)->mutable_nominator();
  tynset->Clear();
  tynset->set_kind(v1::NOMINATOR_KIND_MUNICIPALITY);
  tynset->set_municipality_code("0437");
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, HasSubstr("### Tynset kommune\n\n*Nominert av kommunen selv, IMDi Indre Øst*"));
  EXPECT_THAT(md, HasSubstr("Seks kommuner er nominert."));
  tynset->set_display_name("Tynset kommune");
  EXPECT_THAT(Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN),
              HasSubstr("*Nominert av Tynset kommune, IMDi Indre Øst*"));
}

// ---------------------------------------------------------------------------
// The winner's text.

TEST(WinnerAnnouncementTest, CitationFiguresWithNotesNamingTheDataVersion) {
  Fixture f;
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  ASSERT_TRUE(out.ok()) << out.status();
  const std::string& md = out->text;
  EXPECT_THAT(md, StartsWith("# Trondheim vant Bosettingsprisen 2016\n\n"
                             "Trondheim kommune har fått Bosettingsprisen 2016 for sin innsats "
                             "for å bosette og integrere flyktninger.\n"));
  EXPECT_THAT(md, HasSubstr("Prisen ble delt ut 26. april 2017 på FFKFs landsmøte i Trondheim."));
  EXPECT_THAT(md, HasSubstr("De andre nominerte kommunene var Arendal, Bergen, Bodø, Rælingen "
                            "og Tynset."));
  EXPECT_THAT(md, HasSubstr("## Derfor mener juryen at Trondheim kommune fortjener prisen\n\n"
                            "- Kommunen bosetter om lag 25 % av alle flyktningene i regionen "
                            "(23,2 % (627 av 2 702)[^1])\n"
                            "- Kommunen bosatte 123[^2] enslige mindreårige, flere enn noen "
                            "gang før.\n"));
  EXPECT_THAT(md, HasSubstr("Tallene er hentet fra IMDis statistikktjeneste, dataversjon 7."));
  EXPECT_THAT(md, Not(HasSubstr("{1}")));
  EXPECT_THAT(md, Not(HasSubstr("Utkast")));
  ASSERT_EQ(out->sources.size(), 2u);
  EXPECT_EQ(out->sources[0].printed(), "23,2 %");
  EXPECT_EQ(out->sources[0].note(),
            "IMDis statistikktjeneste: bosatte flyktninger 2016, Trondheim (1601) 627 av 2 702 "
            "i IMDi Midt-Norge (publisert totaltall); dataversjon 7, tall kjent 1. februar 2017.");
  EXPECT_EQ(out->sources[1].printed(), "123");
  EXPECT_THAT(out->sources[1].note(), HasSubstr("dataversjon 7"));
  EXPECT_THAT(md, HasSubstr("[^1]: IMDis statistikktjeneste: bosatte flyktninger 2016"));
  EXPECT_THAT(md, HasSubstr("[^2]: IMDis statistikktjeneste: bosatte enslige mindreårige, "
                            "Trondheim (1601), 2016; dataversjon 7"));
}

TEST(WinnerAnnouncementTest, TheSameFigureTwiceReusesItsNote) {
  Fixture f;
  v1::CitationReason* again = f.record.mutable_cycle()->mutable_citation()->add_reasons();
  again->set_text("{1} enslige mindreårige på ett år.");
  *again->add_figures() = TrondheimMinors();
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(out->text, HasSubstr("- 123[^2] enslige mindreårige på ett år.\n"));
  EXPECT_EQ(out->sources.size(), 2u);
}

TEST(WinnerAnnouncementTest, PlaceholdersAndAbsentFigures) {
  Fixture f;
  v1::Citation* citation = f.record.mutable_cycle()->mutable_citation();
  v1::CitationReason* both = citation->add_reasons();
  both->set_text("Av {2} bosatte var {1} enslige mindreårige, og {3} står som skrevet.");
  *both->add_figures() = TrondheimMinors();
  v1::CitedFigure settled =
      Resolved(v1::CITED_FIGURE_KIND_VALUE, "1601", "Trondheim", "refugees_settled");
  settled.set_value(627);
  *both->add_figures() = settled;
  v1::CitationReason* unknown = citation->add_reasons();
  unknown->set_text("Familiegjenforente ble også tatt imot.");
  v1::CitedFigure family =
      Resolved(v1::CITED_FIGURE_KIND_VALUE, "1601", "Trondheim", "family_reunified");
  *unknown->add_figures() = family;  // no value: not known
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(out->text, HasSubstr("- Av 627[^3] bosatte var 123[^2] enslige mindreårige, og "
                                   "{3} står som skrevet.\n"));
  EXPECT_THAT(out->text, HasSubstr("- Familiegjenforente ble også tatt imot.\n"));
  EXPECT_THAT(out->text, Not(HasSubstr("familiegjenforente")));
  EXPECT_THAT(out->text, Not(HasSubstr(" 0[^")));
  EXPECT_EQ(out->sources.size(), 3u);
}

TEST(WinnerAnnouncementTest, DraftIsMarked) {
  Fixture f;
  f.input.draft = true;
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, StartsWith("# Trondheim vant Bosettingsprisen 2016\n\n"
                             "**Utkast – ikke offentliggjort.**\n"));
  const std::string html =
      Render(f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_HTML);
  EXPECT_THAT(html, HasSubstr("<p><strong>Utkast – ikke offentliggjort.</strong></p>"));
  // The prize is still to be given.
  EXPECT_THAT(md, HasSubstr("Prisen deles ut 26. april 2017"));
}

TEST(WinnerAnnouncementTest, TheAnnouncedDateAndEventOverTheSchedules) {
  Fixture f;
  v1::Winner row;
  row.set_award_year(2016);
  row.set_announce_date("2017-04-27");
  row.set_event("Landsmøtet i Trondheim");
  f.input.announced = row;
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, HasSubstr("Prisen ble delt ut 27. april 2017 på Landsmøtet i Trondheim."));
}

TEST(WinnerAnnouncementTest, RefusedWithoutDecisionOrCitation) {
  Fixture f;
  f.record.mutable_cycle()->clear_decision();
  absl::StatusOr<RenderedAnnouncement> out = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(out.status()), "NO_DECISION");

  Fixture g;
  g.record.mutable_cycle()->clear_citation();
  out = RenderAnnouncementText(g.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_HTML);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(out.status()), "NO_CITATION");

  Fixture h;
  h.record.mutable_cycle()->mutable_citation()->clear_reasons();
  out = RenderAnnouncementText(h.input, v1::ANNOUNCEMENT_KIND_WINNER,
                               v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_EQ(ErrorReason(out.status()), "NO_CITATION");
}

// ---------------------------------------------------------------------------
// The two forms.

TEST(AnnouncementFormsTest, HtmlIsOneSelfContainedPage) {
  Fixture f;
  for (v1::AnnouncementKind kind : {v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_KIND_WINNER}) {
    absl::StatusOr<RenderedAnnouncement> out =
        RenderAnnouncementText(f.input, kind, v1::ANNOUNCEMENT_FORMAT_HTML);
    ASSERT_TRUE(out.ok()) << out.status();
    const std::string& html = out->text;
    EXPECT_EQ(out->media_type, "text/html; charset=utf-8");
    EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n<html lang=\"nb\">\n"));
    EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
    EXPECT_THAT(html, HasSubstr("<title>"));
    EXPECT_THAT(html, HasSubstr("<style>"));
    EXPECT_EQ(std::vector<std::string>(absl::StrSplit(html, "<html")).size(), 2u);
    EXPECT_THAT(html, Not(HasSubstr("src=")));
    EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("http://")));
    EXPECT_THAT(html, Not(HasSubstr("https://")));
    EXPECT_THAT(html, HasSubstr("<sup><a href=\"#kilde-1\">1</a></sup>"));
    EXPECT_THAT(html,
                HasSubstr("<ol class=\"kilder\">\n<li id=\"kilde-1\">IMDis statistikktjeneste"));
    EXPECT_TRUE(absl::EndsWith(html, "</html>\n"));
  }
  const std::string winner =
      Render(f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_HTML);
  EXPECT_THAT(winner, HasSubstr("<title>Trondheim vant Bosettingsprisen 2016</title>"));
  EXPECT_THAT(winner, HasSubstr("(23,2&#160;%&#160;(627&#160;av&#160;2&#160;702)<sup><a href=\"#kilde-1\">1</a></sup>)"));
}

TEST(AnnouncementFormsTest, MarkdownAndHtmlCarryTheSameSources) {
  Fixture f;
  for (v1::AnnouncementKind kind : {v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_KIND_WINNER}) {
    absl::StatusOr<RenderedAnnouncement> md =
        RenderAnnouncementText(f.input, kind, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
    absl::StatusOr<RenderedAnnouncement> html =
        RenderAnnouncementText(f.input, kind, v1::ANNOUNCEMENT_FORMAT_HTML);
    ASSERT_TRUE(md.ok() && html.ok());
    ASSERT_EQ(md->sources.size(), html->sources.size());
    ASSERT_FALSE(md->sources.empty());
    for (size_t i = 0; i < md->sources.size(); ++i) {
      EXPECT_EQ(md->sources[i].SerializeAsString(), html->sources[i].SerializeAsString());
      EXPECT_EQ(md->sources[i].number(), static_cast<int>(i) + 1);
      EXPECT_THAT(md->text, HasSubstr("[^" + std::to_string(i + 1) + "]: "));
      EXPECT_THAT(html->text, HasSubstr("<li id=\"kilde-" + std::to_string(i + 1) + "\">"));
    }
  }
  // Unspecified is Markdown.
  absl::StatusOr<RenderedAnnouncement> unspecified = RenderAnnouncementText(
      f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_UNSPECIFIED);
  ASSERT_TRUE(unspecified.ok());
  EXPECT_EQ(unspecified->media_type, "text/markdown; charset=utf-8");
}

TEST(AnnouncementFormsTest, TextFromTheRecordCannotInjectMarkup) {
  Fixture f;
  const std::string evil = "# <script>alert(1)</script> [x](http://evil)";
  f.record.mutable_nominations(0)->set_justification(evil + "\n\n- item *bold* `code` 1. two\n" +
                                                     "# heading on a line of its own");
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, Not(HasSubstr("<script")));
  EXPECT_THAT(md, Not(HasSubstr("](")));
  EXPECT_THAT(md, HasSubstr("\\# &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\]\\(http\\://evil)"));
  EXPECT_THAT(md, HasSubstr("\\- item \\*bold\\* \\`code\\` 1. two \\# heading on a line"));
  for (absl::string_view line : absl::StrSplit(md, '\n')) {
    if (absl::StartsWith(line, "# ")) {
      EXPECT_EQ(line, "# De nominerte til Bosettingsprisen 2016 er klare");
    }
    EXPECT_FALSE(absl::StartsWith(line, "- item")) << line;
  }
  const std::string html =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_HTML);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("<p># &lt;script&gt;alert(1)&lt;/script&gt; [x](http://evil)</p>"));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(html, "<html")).size(), 2u);

  // In a heading, in the title, a quote and an apostrophe.
  f.record.mutable_nominations(0)->set_municipality_name("Trond\"heim' <b>&");
  const std::string html2 =
      Render(f.input, v1::ANNOUNCEMENT_KIND_WINNER, v1::ANNOUNCEMENT_FORMAT_HTML);
  EXPECT_THAT(html2, HasSubstr("<title>Trond&quot;heim&#39; &lt;b&gt;&amp; vant"));
  EXPECT_THAT(html2, Not(HasSubstr("<b>")));
}

TEST(AnnouncementFormsTest, LongTextsRenderWhole) {
  Fixture f;
  std::string longtext;
  for (int i = 0; i < 4000; ++i) longtext += "Kommunen <gjør> en god jobb. ";
  f.record.mutable_nominations(0)->set_justification(longtext);
  const std::string md =
      Render(f.input, v1::ANNOUNCEMENT_KIND_NOMINEES, v1::ANNOUNCEMENT_FORMAT_MARKDOWN);
  EXPECT_THAT(md, HasSubstr("Kommunen &lt;gjør&gt; en god jobb. Kommunen"));
}

}  // namespace
}  // namespace imdi::award
