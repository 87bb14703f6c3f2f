// A small directory of real municipalities for unit tests: a renumbering
// (Trondheim 1601 -> 5001, with Klæbu merged in), a merger into a new
// municipality (Kinn from Flora and Vågsøy), and two plain ones.
#ifndef IMDI_TESTS_TESTING_MUNICIPALITIES_H_
#define IMDI_TESTS_TESTING_MUNICIPALITIES_H_

#include <optional>
#include <string>
#include <vector>

#include "stats-service/domain/municipality.h"

namespace imdi::stats::examples {

// An open end of a code's validity.
inline constexpr std::optional<int> kOpen = std::nullopt;

// A municipality whose id is its code, as StatsCore assigns to a new one.
inline Municipality Make(int code, const std::string& name, ImdiRegion region,
                         std::vector<CodePeriod> codes, std::vector<int> predecessors = {},
                         std::optional<int> successor = std::nullopt) {
  Municipality m;
  m.id = code;
  m.code = code;
  m.name = name;
  m.region = region;
  m.codes = std::move(codes);
  m.predecessors = std::move(predecessors);
  m.successor = successor;
  return m;
}

inline Municipality Oslo() {
  return Make(301, "Oslo", ImdiRegion::kOst, {{301, "Oslo", kOpen, kOpen}});
}
inline Municipality Trondheim() {
  return Make(5001, "Trondheim", ImdiRegion::kMidtNorge,
              {{1601, "Trondheim", kOpen, 2017}, {5001, "Trondheim", 2018, kOpen}}, {5030});
}
inline Municipality Klaebu() {
  return Make(5030, "Klæbu", ImdiRegion::kMidtNorge,
              {{1662, "Klæbu", kOpen, 2017}, {5030, "Klæbu", 2018, 2019}}, {}, 5001);
}
inline Municipality Flora() {
  return Make(1401, "Flora", ImdiRegion::kVest, {{1401, "Flora", kOpen, 2019}}, {}, 4602);
}
inline Municipality Vagsoy() {
  return Make(1439, "Vågsøy", ImdiRegion::kVest, {{1439, "Vågsøy", kOpen, 2019}}, {}, 4602);
}
inline Municipality Kinn() {
  return Make(4602, "Kinn", ImdiRegion::kVest, {{4602, "Kinn", 2020, kOpen}}, {1401, 1439});
}
inline Municipality Bergen() {
  return Make(4601, "Bergen", ImdiRegion::kVest,
              {{1201, "Bergen", kOpen, 2019}, {4601, "Bergen", 2020, kOpen}});
}

inline std::vector<Municipality> AllMunicipalities() {
  return {Oslo(), Trondheim(), Klaebu(), Flora(), Vagsoy(), Kinn(), Bergen()};
}

}  // namespace imdi::stats::examples

#endif  // IMDI_TESTS_TESTING_MUNICIPALITIES_H_
