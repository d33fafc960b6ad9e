#include "lecon/speech/phones.hpp"

#include <algorithm>
#include <map>

#include "lecon/core/error.hpp"

namespace lecon::speech {
namespace {

std::string joined(const std::vector<std::string>& set) {
  std::string out;
  for (const std::string& p : set) out += (out.empty() ? "" : " ") + p;
  return out;
}

// [paper: Lee & Hon 1989]  61 -> 48 (only the symbols that change; every other symbol is its own class).
const std::map<std::string, std::string>& changes_61_to_48() {
  static const std::map<std::string, std::string> m = {
      {"bcl", "vcl"}, {"dcl", "vcl"}, {"gcl", "vcl"}, {"pcl", "cl"}, {"tcl", "cl"}, {"kcl", "cl"},
      {"pau", "sil"}, {"h#", "sil"},  {"ax-h", "ax"}, {"axr", "er"}, {"em", "m"},   {"eng", "ng"},
      {"nx", "n"},    {"hv", "hh"},   {"ux", "uw"},   {"q", ""}};
  return m;
}

// [paper: Lee & Hon 1989]  48 -> 39.
const std::map<std::string, std::string>& changes_48_to_39() {
  static const std::map<std::string, std::string> m = {{"ao", "aa"}, {"ax", "ah"}, {"ix", "ih"}, {"el", "l"},    {"en", "n"},
                                                       {"zh", "sh"}, {"cl", "sil"}, {"vcl", "sil"}, {"epi", "sil"}};
  return m;
}

bool contains(const std::vector<std::string>& set, const std::string& phone) {
  return std::find(set.begin(), set.end(), phone) != set.end();
}

}  // namespace

const std::vector<std::string>& timit61() {
  static const std::vector<std::string> set = {
      "b",  "d",  "g",  "p",  "t",  "k",  "dx", "q",                                              // stops
      "jh", "ch",                                                                                  // affricates
      "s",  "sh", "z",  "zh", "f",  "th", "v",  "dh",                                              // fricatives
      "m",  "n",  "ng", "em", "en", "eng", "nx",                                                   // nasals
      "l",  "r",  "w",  "y",  "hh", "hv", "el",                                                    // semivowels, glides
      "iy", "ih", "eh", "ey", "ae", "aa", "aw", "ay", "ah", "ao", "oy", "ow", "uh", "uw", "ux",     // vowels
      "er", "ax", "ix", "axr", "ax-h",
      "bcl", "dcl", "gcl", "pcl", "tcl", "kcl",                                                    // closures
      "pau", "epi", "h#"};                                                                         // others
  return set;
}

const std::vector<std::string>& timit48() {
  static const std::vector<std::string> set = [] {
    std::vector<std::string> out;
    for (const std::string& p : timit61()) {
      const std::string folded = fold_61_to_48(p);
      if (!folded.empty() && !contains(out, folded)) out.push_back(folded);
    }
    return out;
  }();
  return set;
}

const std::vector<std::string>& timit39() {
  static const std::vector<std::string> set = [] {
    std::vector<std::string> out;
    for (const std::string& p : timit48()) {
      const std::string folded = fold_48_to_39(p);
      if (!contains(out, folded)) out.push_back(folded);
    }
    return out;
  }();
  return set;
}

std::string fold_61_to_48(const std::string& phone) {
  if (!contains(timit61(), phone))
    throw Error("phone '" + phone + "' is not one of TIMIT's 61 symbols: " + joined(timit61()));
  const auto it = changes_61_to_48().find(phone);
  return it == changes_61_to_48().end() ? phone : it->second;
}

std::string fold_48_to_39(const std::string& phone) {
  const auto it = changes_48_to_39().find(phone);
  if (it != changes_48_to_39().end()) return it->second;
  if (!contains(timit48(), phone))
    throw Error("phone '" + phone + "' is not one of the 48 training classes: " + joined(timit48()));
  return phone;
}

std::string fold_61_to_39(const std::string& phone) {
  const std::string p48 = fold_61_to_48(phone);
  return p48.empty() ? p48 : fold_48_to_39(p48);
}

std::size_t phone_index(const std::vector<std::string>& set, const std::string& phone) {
  const auto it = std::find(set.begin(), set.end(), phone);
  if (it == set.end()) throw Error("phone '" + phone + "' is not in the " + std::to_string(set.size()) + "-phone set: " + joined(set));
  return static_cast<std::size_t>(it - set.begin());
}

}  // namespace lecon::speech
