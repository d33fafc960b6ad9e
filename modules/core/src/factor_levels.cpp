#include "lecon/core/factor_levels.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <set>

namespace lecon {
namespace {

// The primary order of ASCII's non-alphanumeric printable characters and the whitespace controls, as
// R (ICU's root collation) sorts them; then come the digits, then the letters.
const char kSymbolOrder[] = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

struct Weights {
  std::array<unsigned, 256> primary{};  // 0: no weight (ignored)
  std::array<unsigned char, 256> upper{};  // 1 for an upper-case letter (the tertiary difference)
};

const Weights& weights() {
  static const Weights table = [] {
    Weights w;
    unsigned next = 1;
    for (const char* c = kSymbolOrder; *c != '\0'; ++c) w.primary[static_cast<unsigned char>(*c)] = next++;
    for (char d = '0'; d <= '9'; ++d) w.primary[static_cast<unsigned char>(d)] = next++;
    for (char l = 'a'; l <= 'z'; ++l) {
      w.primary[static_cast<unsigned char>(l)] = next;
      w.primary[static_cast<unsigned char>(l - 'a' + 'A')] = next++;
      w.upper[static_cast<unsigned char>(l - 'a' + 'A')] = 1;
    }
    // Non-ASCII bytes: after the letters, in byte (= code point) order. UTF-8 keeps code point order.
    for (unsigned byte = 0x80; byte < 256; ++byte) w.primary[byte] = next + (byte - 0x80);
    return w;
  }();
  return table;
}

// The characters of s that carry weight, as (primary, upper) pairs.
std::vector<std::pair<unsigned, unsigned char>> keys(const std::string& s) {
  const Weights& w = weights();
  std::vector<std::pair<unsigned, unsigned char>> out;
  out.reserve(s.size());
  for (const char c : s) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (w.primary[byte] != 0) out.emplace_back(w.primary[byte], w.upper[byte]);
  }
  return out;
}

}  // namespace

bool collates_before(const std::string& a, const std::string& b) {
  const auto ka = keys(a), kb = keys(b);
  // 1. primary weights, a prefix first
  const std::size_t common = std::min(ka.size(), kb.size());
  for (std::size_t i = 0; i < common; ++i)
    if (ka[i].first != kb[i].first) return ka[i].first < kb[i].first;
  if (ka.size() != kb.size()) return ka.size() < kb.size();
  // 2. case: lower case first, at the first letter that differs
  for (std::size_t i = 0; i < ka.size(); ++i)
    if (ka[i].second != kb[i].second) return ka[i].second < kb[i].second;
  // 3. code points (bytes of UTF-8)
  return a < b;
}

std::vector<std::string> factor_levels(const std::vector<std::string>& values) {
  const std::set<std::string> distinct(values.begin(), values.end());
  std::vector<std::string> levels(distinct.begin(), distinct.end());
  std::sort(levels.begin(), levels.end(), collates_before);
  return levels;
}

}  // namespace lecon
