// Tests of the municipality importer (tools/import/municipality_source.h):
// Statistics Norway's code history and IMDi's 2015 regions, read from the
// real files under data/ and from small synthetic inputs.
//
// The expectations come from the sources and from Norwegian municipal
// history (e.g. Trondheim and Klæbu merged in 2020 as 5001; Kinn was formed
// in 2020 from Flora and Vågsøy), not from the importer's output.
#include "tools/import/municipality_source.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imdi::import {
namespace {

using stats::CodePeriod;
using stats::ImdiRegion;
using stats::Municipality;
using stats::MunicipalityDirectory;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

constexpr char kKlassPath[] = IMDI_SOURCE_DIR "/data/klass/kommuner-1994-2024.csv";
constexpr char kRegionsPath[] = IMDI_SOURCE_DIR "/data/regions/kommuner.json";

struct Loaded {
  MunicipalitySource source;
  std::shared_ptr<const MunicipalityDirectory> directory;
};

// Loads the real files once per test binary; they are read-only inputs.
const Loaded& Real() {
  static const Loaded* loaded = [] {
    auto* out = new Loaded();
    absl::StatusOr<MunicipalitySource> source = LoadMunicipalities(kKlassPath, kRegionsPath);
    EXPECT_TRUE(source.ok()) << source.status();
    if (!source.ok()) return out;
    out->source = *std::move(source);
    absl::StatusOr<std::shared_ptr<const MunicipalityDirectory>> directory =
        MunicipalityDirectory::Build(out->source.municipalities);
    EXPECT_TRUE(directory.ok()) << directory.status();
    if (directory.ok()) out->directory = *std::move(directory);
    return out;
  }();
  return *loaded;
}

const MunicipalityDirectory& Directory() {
  const Loaded& loaded = Real();
  if (loaded.directory == nullptr) {
    static const auto* empty =
        new std::shared_ptr<const MunicipalityDirectory>(*MunicipalityDirectory::Build({}));
    ADD_FAILURE() << "the real municipalities could not be loaded";
    return **empty;
  }
  return *loaded.directory;
}

// The municipality that ever had `code`, or nullptr (with a failure).
const Municipality* Resolve(int code) {
  absl::StatusOr<const Municipality*> m = Directory().Resolve(code);
  EXPECT_TRUE(m.ok()) << "code " << code << ": " << m.status();
  return m.ok() ? *m : nullptr;
}

std::vector<int> CodesOf(const Municipality& m) {
  std::vector<int> codes;
  for (const CodePeriod& p : m.codes) codes.push_back(p.code);
  return codes;
}

std::optional<int> CodeIn(const Municipality& m, int year) {
  const CodePeriod* p = m.CodeIn(year);
  if (p == nullptr) return std::nullopt;
  return p->code;
}

int ExistingIn(int year) {
  const auto& all = Directory().all();
  return static_cast<int>(std::count_if(
      all.begin(), all.end(), [&](const auto& entry) { return entry.second.ExistedIn(year); }));
}

// regions/kommuner.json read independently of the importer: the file is
// pretty-printed with one "key": "value" per line, "code" first in every
// entry.
struct JsonEntry {
  std::string code;
  std::string region;
};

std::vector<JsonEntry> ReadRegionsJson() {
  std::ifstream in(kRegionsPath);
  EXPECT_TRUE(in.good()) << kRegionsPath;
  static const std::regex kLine(R"re(^\s*"(code|imdiRegion)"\s*:\s*"([^"]*)")re");
  std::vector<JsonEntry> out;
  std::string line;
  std::smatch match;
  while (std::getline(in, line)) {
    if (!std::regex_search(line, match, kLine)) continue;
    if (match[1] == "code") {
      out.push_back({match[2], ""});
    } else if (!out.empty()) {
      out.back().region = match[2];
    }
  }
  return out;
}

std::optional<ImdiRegion> RegionFromName(const std::string& name) {
  static const auto* names =
      new std::map<std::string, ImdiRegion>{{"IMDi Øst", ImdiRegion::kOst},
                                            {"IMDi Indre Øst", ImdiRegion::kIndreOst},
                                            {"IMDi Sør", ImdiRegion::kSor},
                                            {"IMDi Vest", ImdiRegion::kVest},
                                            {"IMDi Midt-Norge", ImdiRegion::kMidtNorge},
                                            {"IMDi Nord", ImdiRegion::kNord}};
  auto it = names->find(name);
  if (it == names->end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<MunicipalitySource> BuildFromText(const std::string& klass,
                                                 const std::map<int, ImdiRegion>& regions) {
  std::istringstream in(klass);
  return BuildMunicipalities(in, regions);
}

absl::StatusOr<std::map<int, ImdiRegion>> RegionsFromText(const std::string& json) {
  std::istringstream in(json);
  return ParseRegions(in);
}

const Municipality* ById(const MunicipalitySource& source, int code) {
  for (const Municipality& m : source.municipalities) {
    if (m.code == code) return &m;
  }
  return nullptr;
}

constexpr char kKlassHeader[] = "GRUPPEKODE,GRUPPETEKST,KODE,TEKST\n";

// ---------------------------------------------------------------------------
// The real files

TEST(RealMunicipalities, LoadWithTheMalformedCodeAsAWarning) {
  const Loaded& loaded = Real();
  ASSERT_NE(loaded.directory, nullptr);
  // klass line 274: "K.3905,Tønsberg,0716u,Våle (-2001)".
  ASSERT_EQ(loaded.source.warnings.size(), 1u);
  EXPECT_THAT(loaded.source.warnings[0], HasSubstr("0716u"));
  EXPECT_THAT(loaded.source.warnings[0], HasSubstr("line 274"));
  // The well-formed 0716 (Re, 2002-2019) is still there.
  const Municipality* re = Resolve(716);
  ASSERT_NE(re, nullptr);
  EXPECT_EQ(re->name, "Re");
  EXPECT_THAT(re->successor, Optional(3905));
  EXPECT_TRUE(
      std::is_sorted(loaded.source.municipalities.begin(), loaded.source.municipalities.end(),
                     [](const Municipality& a, const Municipality& b) { return a.code < b.code; }));
}

TEST(RealMunicipalities, EveryCodeOfTheRegionsFileResolvesToItsMunicipalityOf2015) {
  const std::vector<JsonEntry> entries = ReadRegionsJson();
  ASSERT_EQ(entries.size(), 429u);  // as the data README says, 9999 included
  int checked = 0;
  for (const JsonEntry& e : entries) {
    if (e.code == "9999") continue;
    SCOPED_TRACE(e.code);
    const int code = std::stoi(e.code);
    const Municipality* m = Resolve(code);
    if (m == nullptr) continue;
    EXPECT_TRUE(m->ExistedIn(2015)) << m->name;
    EXPECT_THAT(CodeIn(*m, 2015), Optional(code)) << m->name;
    const std::optional<ImdiRegion> region = RegionFromName(e.region);
    ASSERT_TRUE(region.has_value()) << e.region;
    EXPECT_EQ(m->region, *region) << m->name;
    EXPECT_TRUE(Directory().ResolveInYear(code, 2015).ok());
    ++checked;
  }
  EXPECT_EQ(checked, 428);
  EXPECT_EQ(Directory().Resolve(9999).status().code(), absl::StatusCode::kNotFound);
}

TEST(RealMunicipalities, NumberOfMunicipalitiesPerYear) {
  // 428 municipalities in 2014 and 2015 (the 428 of regions/kommuner.json),
  // 422 in 2019, the last year before the 2020 reform.
  EXPECT_EQ(ExistingIn(2014), 428);
  EXPECT_EQ(ExistingIn(2015), 428);
  EXPECT_EQ(ExistingIn(2019), 422);
  EXPECT_EQ(Directory().Members(stats::Subject::Country(), 2015).size(), 428u);

  // Norway had 356 municipalities in 2020-2023 and 357 from 2024, when Haram
  // left Ålesund again. Statistics Norway's list files Haram as one line of
  // codes, "1534 Haram (-2019)" -> "1580 Haram" (no period), exactly like
  // Arendal "0906 (1992-2019)" -> "4203"; it does not record that Haram was
  // part of Ålesund (1507, 2020-2023) in between. So the list implies 357
  // municipalities in 2020; all others match history, which the count
  // without Haram pins down.
  EXPECT_EQ(ExistingIn(2020), 357);
  const Municipality* haram = Directory().FindById(1580);
  ASSERT_NE(haram, nullptr);
  EXPECT_THAT(CodesOf(*haram), ElementsAre(1534, 1580));
  EXPECT_EQ(ExistingIn(2020) - (haram->ExistedIn(2020) ? 1 : 0), 356);
  EXPECT_EQ(ExistingIn(2024), 357);
}

TEST(RealMunicipalities, TrondheimAndKlaebu) {
  const Municipality* before = Resolve(1601);
  const Municipality* after = Resolve(5001);
  ASSERT_NE(before, nullptr);
  ASSERT_EQ(before, after);
  EXPECT_EQ(after->code, 5001);
  EXPECT_THAT(CodeIn(*after, 2014), Optional(1601));
  EXPECT_THAT(CodeIn(*after, 2017), Optional(1601));
  EXPECT_THAT(CodeIn(*after, 2018), Optional(5001));
  EXPECT_THAT(CodeIn(*after, 2024), Optional(5001));
  EXPECT_EQ(after->region, ImdiRegion::kMidtNorge);
  EXPECT_TRUE(after->ExistedIn(2015));

  // Klæbu (1662, then 5030 in 2018-2019) is a predecessor with its own record.
  const Municipality* klaebu = Resolve(1662);
  ASSERT_NE(klaebu, nullptr);
  EXPECT_EQ(klaebu->name, "Klæbu");
  EXPECT_NE(klaebu, after);
  EXPECT_EQ(Resolve(5030), klaebu);
  EXPECT_THAT(after->predecessors, Contains(klaebu->code));
  EXPECT_THAT(klaebu->successor, Optional(5001));
  EXPECT_TRUE(klaebu->ExistedIn(2019));
  EXPECT_FALSE(klaebu->ExistedIn(2020));
  EXPECT_EQ(klaebu->region, ImdiRegion::kMidtNorge);
}

TEST(RealMunicipalities, ArendalIsOneMunicipality) {
  const Municipality* old_code = Resolve(906);
  ASSERT_NE(old_code, nullptr);
  EXPECT_EQ(Resolve(4203), old_code);
  EXPECT_EQ(old_code->code, 4203);
  EXPECT_EQ(old_code->name, "Arendal");
  EXPECT_THAT(CodesOf(*old_code), ElementsAre(906, 4203));
  EXPECT_THAT(CodeIn(*old_code, 2015), Optional(906));
  EXPECT_THAT(CodeIn(*old_code, 2020), Optional(4203));
  EXPECT_THAT(old_code->predecessors, IsEmpty());
  EXPECT_EQ(old_code->region, ImdiRegion::kSor);
}

TEST(RealMunicipalities, KinnWasFormedIn2020FromFloraAndVagsoy) {
  const Municipality* kinn = Resolve(4602);
  ASSERT_NE(kinn, nullptr);
  EXPECT_EQ(kinn->name, "Kinn");
  EXPECT_THAT(kinn->predecessors, ElementsAre(1401, 1439));
  EXPECT_THAT(CodesOf(*kinn), ElementsAre(4602));
  EXPECT_THAT(kinn->ValidFrom(), Optional(2020));
  // Flora and Vågsøy were IMDi Vest.
  EXPECT_EQ(kinn->region, ImdiRegion::kVest);

  absl::StatusOr<const Municipality*> in2014 = Directory().ResolveInYear(4602, 2014);
  EXPECT_EQ(in2014.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Directory().ResolveInYear(4602, 2020).ok());

  const Municipality* flora = Resolve(1401);
  ASSERT_NE(flora, nullptr);
  EXPECT_EQ(flora->name, "Flora");
  EXPECT_THAT(flora->successor, Optional(4602));
  EXPECT_TRUE(Directory().ResolveInYear(1401, 2014).ok());
  EXPECT_EQ(Directory().ResolveInYear(1401, 2020).status().code(), absl::StatusCode::kNotFound);
  const Municipality* vagsoy = Resolve(1439);
  ASSERT_NE(vagsoy, nullptr);
  EXPECT_EQ(vagsoy->name, "Vågsøy");
  EXPECT_THAT(vagsoy->successor, Optional(4602));
}

TEST(RealMunicipalities, RaelingenKeepsOneIdentityThroughThreeCodes) {
  const Municipality* m = Resolve(228);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Resolve(3027), m);
  EXPECT_EQ(Resolve(3224), m);
  EXPECT_EQ(m->code, 3224);
  EXPECT_THAT(CodesOf(*m), ElementsAre(228, 3027, 3224));
  EXPECT_THAT(CodeIn(*m, 2015), Optional(228));
  EXPECT_THAT(CodeIn(*m, 2020), Optional(3027));
  EXPECT_THAT(CodeIn(*m, 2023), Optional(3027));
  EXPECT_THAT(CodeIn(*m, 2024), Optional(3224));
  EXPECT_THAT(m->predecessors, IsEmpty());
  EXPECT_EQ(m->successor, std::nullopt);
}

TEST(RealMunicipalities, NesbyenIsARenameNotAMerger) {
  const Municipality* m = Resolve(616);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Resolve(3040), m);
  EXPECT_EQ(Resolve(3322), m);
  EXPECT_EQ(m->code, 3322);
  EXPECT_EQ(m->name, "Nesbyen");
  EXPECT_THAT(CodesOf(*m), ElementsAre(616, 3040, 3322));
  EXPECT_THAT(m->predecessors, IsEmpty());
  ASSERT_NE(m->CodeIn(2015), nullptr);
  EXPECT_EQ(m->CodeIn(2015)->name, "Nes (Buskerud)");
  EXPECT_TRUE(m->ExistedIn(2015));
  EXPECT_TRUE(m->ExistedIn(2020));
  // Nes (Buskerud) has no record of its own.
  EXPECT_EQ(Directory().FindById(616), nullptr);
  // Nes (Akershus) 0236 is another municipality: today's Nes, 3228.
  const Municipality* akershus = Resolve(236);
  ASSERT_NE(akershus, nullptr);
  EXPECT_EQ(akershus->code, 3228);
}

TEST(RealMunicipalities, NarvikJoinsItsDividedPredecessorCode) {
  const Municipality* m = Resolve(1805);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Resolve(1806), m);
  EXPECT_EQ(m->code, 1806);
  EXPECT_THAT(CodesOf(*m), ElementsAre(1805, 1806));
  EXPECT_THAT(CodeIn(*m, 2015), Optional(1805));
  EXPECT_THAT(CodeIn(*m, 2020), Optional(1806));
  EXPECT_TRUE(m->note.empty()) << m->note;
  EXPECT_EQ(m->region, ImdiRegion::kNord);

  // Ballangen, divided in 2020, ends without a successor.
  const Municipality* ballangen = Resolve(1854);
  ASSERT_NE(ballangen, nullptr);
  EXPECT_NE(ballangen, m);
  EXPECT_FALSE(ballangen->note.empty());
  EXPECT_EQ(ballangen->successor, std::nullopt);
  EXPECT_TRUE(ballangen->ExistedIn(2019));
  EXPECT_EQ(Directory().ResolveInYear(1854, 2020).status().code(), absl::StatusCode::kNotFound);
}

TEST(RealMunicipalities, BodoAbsorbedSkjerstadIn2005) {
  const Municipality* bodo = Resolve(1804);
  ASSERT_NE(bodo, nullptr);
  EXPECT_EQ(bodo->code, 1804);
  EXPECT_TRUE(bodo->ExistedIn(2004));
  EXPECT_TRUE(bodo->ExistedIn(1994));
  EXPECT_TRUE(bodo->ExistedIn(2020));
  const Municipality* skjerstad = Resolve(1842);
  ASSERT_NE(skjerstad, nullptr);
  EXPECT_EQ(skjerstad->name, "Skjerstad");
  EXPECT_THAT(bodo->predecessors, Contains(skjerstad->code));
  EXPECT_THAT(skjerstad->successor, Optional(1804));
  EXPECT_TRUE(Directory().ResolveInYear(1842, 2004).ok());
  EXPECT_EQ(Directory().ResolveInYear(1842, 2005).status().code(), absl::StatusCode::kNotFound);
}

TEST(RealMunicipalities, RegionsFile) {
  std::ifstream in(kRegionsPath);
  absl::StatusOr<std::map<int, ImdiRegion>> regions = ParseRegions(in);
  ASSERT_TRUE(regions.ok()) << regions.status();
  // 429 entries; 9999's "Uoppgitt IMDi-region" is no region.
  EXPECT_EQ(regions->size(), 428u);
  EXPECT_FALSE(regions->contains(9999));
  EXPECT_EQ(regions->at(906), ImdiRegion::kSor);
  EXPECT_EQ(regions->at(1601), ImdiRegion::kMidtNorge);
  EXPECT_EQ(regions->at(101), ImdiRegion::kOst);
  EXPECT_EQ(regions->at(1920), ImdiRegion::kNord);
}

TEST(RealMunicipalities, MissingFilesAreNotFound) {
  EXPECT_EQ(LoadMunicipalities(kKlassPath, "/nonexistent/kommuner.json").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadMunicipalities("/nonexistent/klass.csv", kRegionsPath).status().code(),
            absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// ParseRegions on synthetic input

TEST(ParseRegionsTest, ReadsCodesWithLeadingZerosAndRegionNames) {
  absl::StatusOr<std::map<int, ImdiRegion>> regions = RegionsFromText(R"([
    {"code": "0906", "name": "Arendal", "imdiRegion": "IMDi Sør"},
    {"code": "1601", "name": "Trondheim", "imdiRegion": "IMDi Midt-Norge"},
    {"code": "9999", "name": "Uoppgitt kommune", "imdiRegion": "Uoppgitt IMDi-region"}
  ])");
  ASSERT_TRUE(regions.ok()) << regions.status();
  EXPECT_EQ(*regions,
            (std::map<int, ImdiRegion>{{906, ImdiRegion::kSor}, {1601, ImdiRegion::kMidtNorge}}));
}

TEST(ParseRegionsTest, RejectsWhatIsNotAListOfCodedEntries) {
  const std::vector<std::string> bad = {
      "",
      "not json",
      R"([{"code": "0906", "imdiRegion": "IMDi Sør"})",      // unterminated
      R"({"code": "0906", "imdiRegion": "IMDi Sør"})",       // an object
      R"([{"name": "Arendal", "imdiRegion": "IMDi Sør"}])",  // no code
      R"([{"code": "0906", "name": "Arendal"}])",            // no region
      R"([{"code": "906", "imdiRegion": "IMDi Sør"}])",      // three digits
      R"([{"code": 906, "imdiRegion": "IMDi Sør"}])",        // a number
      R"([{"code": "09O6", "imdiRegion": "IMDi Sør"}])",     // a letter
  };
  for (const std::string& json : bad) {
    SCOPED_TRACE(json);
    EXPECT_EQ(RegionsFromText(json).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

// ---------------------------------------------------------------------------
// BuildMunicipalities on synthetic input

TEST(BuildMunicipalitiesTest, RejectsAnotherFile) {
  EXPECT_EQ(BuildFromText("", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildFromText("code,name\n0906,Arendal\n", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A row with three columns.
  EXPECT_EQ(BuildFromText(absl::StrCat(kKlassHeader, "K.4203,Arendal,4203\n"), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A group that does not list its own code.
  EXPECT_EQ(
      BuildFromText(absl::StrCat(kKlassHeader, "K.4203,Arendal,0906,Arendal (1992-2019)\n"), {})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(BuildMunicipalitiesTest, MalformedCodeIsAWarning) {
  absl::StatusOr<MunicipalitySource> source =
      BuildFromText(absl::StrCat(kKlassHeader,                             //
                                 "K.3905,Tønsberg,3905,Tønsberg\n",        // 2
                                 "K.3905,Tønsberg,0716,Re (2002-2019)\n",  // 3
                                 "K.3905,Tønsberg,0716u,Våle (-2001)\n"),  // 4
                    {{716, ImdiRegion::kOst}});
  ASSERT_TRUE(source.ok()) << source.status();
  ASSERT_EQ(source->warnings.size(), 1u);
  EXPECT_THAT(source->warnings[0], HasSubstr("line 4"));
  EXPECT_THAT(source->warnings[0], HasSubstr("0716u"));
  const Municipality* re = ById(*source, 716);
  ASSERT_NE(re, nullptr);
  EXPECT_THAT(re->successor, Optional(3905));
  EXPECT_EQ(re->region, ImdiRegion::kOst);
}

TEST(BuildMunicipalitiesTest, MergerAfter2015TakesThePredecessorsSharedRegion) {
  const std::string kinn = absl::StrCat(kKlassHeader,                            //
                                        "K.4602,Kinn,4602,Kinn\n",               //
                                        "K.4602,Kinn,1401,Flora (1964-2019)\n",  //
                                        "K.4602,Kinn,1439,Vågsøy (1964-2019)\n");
  absl::StatusOr<MunicipalitySource> same =
      BuildFromText(kinn, {{1401, ImdiRegion::kVest}, {1439, ImdiRegion::kVest}});
  ASSERT_TRUE(same.ok()) << same.status();
  ASSERT_EQ(same->municipalities.size(), 3u);
  const Municipality* m = ById(*same, 4602);
  ASSERT_NE(m, nullptr);
  EXPECT_THAT(m->predecessors, ElementsAre(1401, 1439));
  EXPECT_EQ(m->region, ImdiRegion::kVest);
  EXPECT_THAT(m->ValidFrom(), Optional(2020));
  EXPECT_FALSE(m->ExistedIn(2019));
  ASSERT_NE(ById(*same, 1439), nullptr);
  EXPECT_THAT(ById(*same, 1439)->successor, Optional(4602));

  // Predecessors in different regions: the merged municipality's is unknown.
  absl::StatusOr<MunicipalitySource> mixed =
      BuildFromText(kinn, {{1401, ImdiRegion::kVest}, {1439, ImdiRegion::kMidtNorge}});
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_NE(ById(*mixed, 4602), nullptr);
  EXPECT_EQ(ById(*mixed, 4602)->region, ImdiRegion::kUnknown);
  EXPECT_EQ(ById(*mixed, 1439)->region, ImdiRegion::kMidtNorge);
}

TEST(BuildMunicipalitiesTest, DividedMunicipalities) {
  absl::StatusOr<MunicipalitySource> source =
      BuildFromText(absl::StrCat(kKlassHeader,  //
                                 "K.1806,Narvik,1806,Narvik\n",
                                 "K.Rest,Delte kommuner og uoppgitt,1805,Narvik (-2019)\n",
                                 "K.Rest,Delte kommuner og uoppgitt,1854,Ballangen (1925-2019)\n",
                                 "K.Rest,Delte kommuner og uoppgitt,9999,Uoppgitt kommune\n",
                                 "K.21-22,Svalbard og Jan Mayen,2111,Spitsbergen\n"),
                    {{1805, ImdiRegion::kNord}, {1854, ImdiRegion::kNord}});
  ASSERT_TRUE(source.ok()) << source.status();
  ASSERT_EQ(source->municipalities.size(), 2u);  // no 9999, no Svalbard
  const Municipality* narvik = ById(*source, 1806);
  ASSERT_NE(narvik, nullptr);
  EXPECT_THAT(CodesOf(*narvik), ElementsAre(1805, 1806));
  EXPECT_THAT(CodeIn(*narvik, 2019), Optional(1805));
  EXPECT_THAT(CodeIn(*narvik, 2020), Optional(1806));
  EXPECT_EQ(narvik->region, ImdiRegion::kNord);
  const Municipality* ballangen = ById(*source, 1854);
  ASSERT_NE(ballangen, nullptr);
  EXPECT_FALSE(ballangen->note.empty());
  EXPECT_THAT(ballangen->ValidTo(), Optional(2019));
  EXPECT_EQ(ballangen->successor, std::nullopt);
}

TEST(BuildMunicipalitiesTest, RenameIsOneLineOfCodes) {
  absl::StatusOr<MunicipalitySource> source = BuildFromText(
      absl::StrCat(kKlassHeader,  //
                   "K.3322,Nesbyen,3040,Nesbyen (2020-2023)\n", "K.3322,Nesbyen,3322,Nesbyen\n",
                   "K.3322,Nesbyen,0616,Nes (Buskerud) (-2019)\n"),
      {{616, ImdiRegion::kIndreOst}});
  ASSERT_TRUE(source.ok()) << source.status();
  ASSERT_EQ(source->municipalities.size(), 1u);
  const Municipality& m = source->municipalities[0];
  EXPECT_EQ(m.code, 3322);
  EXPECT_THAT(CodesOf(m), ElementsAre(616, 3040, 3322));
  EXPECT_THAT(m.predecessors, IsEmpty());
  EXPECT_EQ(m.region, ImdiRegion::kIndreOst);
  EXPECT_THAT(CodeIn(m, 2019), Optional(616));
  EXPECT_THAT(CodeIn(m, 2024), Optional(3322));
}

// Statistics Norway names 1920 by its name when the code ended, "Loabák -
// Lavangen (1907-2019)"; IMDi's list of 2015 says "Lavangen", the name of the
// years the figures cover. The bilingual name stays the current one.
TEST(RealMunicipalities, LavangenKeepsTheNameOfItsOldCode) {
  const Municipality* lavangen = Resolve(1920);
  ASSERT_NE(lavangen, nullptr);
  EXPECT_EQ(lavangen->code, 5518);
  EXPECT_EQ(lavangen->name, "Loabák - Lavangen");
  ASSERT_NE(lavangen->CodeIn(2012), nullptr);
  EXPECT_EQ(lavangen->CodeIn(2012)->code, 1920);
  EXPECT_EQ(lavangen->CodeIn(2012)->name, "Lavangen");
  ASSERT_NE(lavangen->CodeIn(2021), nullptr);
  EXPECT_EQ(lavangen->CodeIn(2021)->name, "Loabák - Lavangen");
  // A code still valid keeps Statistics Norway's (current) name, and a
  // county qualifier IMDi abbreviates ("Våler (Østf.)") is not taken.
  EXPECT_EQ(Resolve(1841)->CodeIn(2014)->name, "Fauske - Fuossko");
  EXPECT_EQ(Resolve(137)->CodeIn(2014)->name, "Våler (Østfold)");
  // Harstad took its Sami name in 2017 (Statistics Norway: "Harstad -
  // Hárstták (2013-2019)").
  EXPECT_EQ(Resolve(1903)->CodeIn(2014)->name, "Harstad");
}

TEST(BuildMunicipalitiesTest, A2015NameIsOnlyTakenForAnEndedCodeItIsAPartOf) {
  const std::string klass = absl::StrCat(kKlassHeader,  //
                                         "K.5518,Loabák - Lavangen,5518,Loabák - Lavangen\n",
                                         "K.5518,Loabák - Lavangen,1920,Loabák - Lavangen "
                                         "(1907-2019)\n",
                                         "K.1841,Fauske - Fuossko,1841,Fauske - Fuossko\n");
  std::istringstream in(klass);
  absl::StatusOr<MunicipalitySource> source = BuildMunicipalities(
      in, {{1920, ImdiRegion::kNord}, {1841, ImdiRegion::kNord}},
      {{1920, "Lavangen"}, {1841, "Fauske"}});
  ASSERT_TRUE(source.ok()) << source.status();
  const Municipality* lavangen = ById(*source, 5518);
  ASSERT_NE(lavangen, nullptr);
  ASSERT_EQ(lavangen->codes.size(), 2u);
  EXPECT_EQ(lavangen->codes[0].name, "Lavangen");
  EXPECT_EQ(lavangen->codes[1].name, "Loabák - Lavangen");
  const Municipality* fauske = ById(*source, 1841);
  ASSERT_NE(fauske, nullptr);
  EXPECT_EQ(fauske->codes[0].name, "Fauske - Fuossko");

  // Without the 2015 names, Statistics Norway's stand.
  std::istringstream again(klass);
  source = BuildMunicipalities(again, {{1920, ImdiRegion::kNord}, {1841, ImdiRegion::kNord}});
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(ById(*source, 5518)->codes[0].name, "Loabák - Lavangen");
}

TEST(ParseNames2015Test, ReadsNamesByCode) {
  std::istringstream in(R"([
    {"code": "1920", "name": "Lavangen", "imdiRegion": "IMDi Nord"},
    {"code": "0906", "imdiRegion": "IMDi Sør"},
    {"code": "9999", "name": "Uoppgitt kommune", "imdiRegion": "Uoppgitt IMDi-region"}
  ])");
  absl::StatusOr<std::map<int, std::string>> names = ParseNames2015(in);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(*names,
            (std::map<int, std::string>{{1920, "Lavangen"}, {9999, "Uoppgitt kommune"}}));
  std::istringstream bad("not json");
  EXPECT_EQ(ParseNames2015(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RealMunicipalities, EveryMunicipalityHasAnImdiRegion) {
  for (const Municipality& m : Real().source.municipalities) {
    EXPECT_NE(m.region, ImdiRegion::kUnknown) << m.name << " (" << m.code << ")";
  }
  // Ended before 2015: the region of what it became part of.
  EXPECT_EQ(Resolve(1915)->region, ImdiRegion::kNord);       // Bjarkøy
  EXPECT_EQ(Resolve(1556)->region, ImdiRegion::kMidtNorge);  // Frei
  // Formed in 2020 from parts of divided municipalities of its county.
  EXPECT_EQ(Resolve(5055)->region, ImdiRegion::kMidtNorge);  // Heim
  EXPECT_EQ(Real().source.warnings.size(), 1u) << "only the malformed code 0716u is noted";
}

TEST(BuildMunicipalitiesTest, AGroupWhoseCodesDoNotLineUpIsRefusedNotThrown) {
  // Finding F2 of the fuzz targets: two codes under the group's own name
  // with no end year once made a lookup throw std::out_of_range.
  auto refused = BuildFromText(absl::StrCat(kKlassHeader, "K.0101,Halden,0101,Halden\n",
                                            "K.0101,Halden,0102,Halden\n",
                                            "K.0101,Halden,0103,Rygge (-2019)\n"),
                               {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("check its group"));
}

TEST(BuildMunicipalitiesTest, ANameThatIsNotUtf8IsRefusedWithItsLine) {
  auto refused = BuildFromText(absl::StrCat(kKlassHeader, "K.1804,Bod\xf8,1804,Bod\xf8\n"), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("line 2: byte 4 of the name is not UTF-8"));
}

}  // namespace
}  // namespace imdi::import
