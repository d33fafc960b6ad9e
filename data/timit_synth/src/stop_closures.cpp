#include "lecon/timit_synth/stop_closures.hpp"

#include <cmath>
#include <string>

namespace lecon::timit_synth {
namespace {

constexpr std::int64_t kWindow = 16;             // 1 ms at 16 kHz
constexpr std::int64_t kShortest = 5 * kWindow;  // 5 ms

bool is_silence(const std::string& label) { return label == "h#" || label == "pau" || label == "epi"; }

}  // namespace

const char* closure_symbol(const std::string& phone) {
  if (phone == "p") return "pcl";
  if (phone == "t" || phone == "ch") return "tcl";
  if (phone == "k") return "kcl";
  if (phone == "b") return "bcl";
  if (phone == "d" || phone == "jh") return "dcl";
  if (phone == "g") return "gcl";
  return "";
}

std::size_t mark_stop_closures(std::vector<speech::Segment>& phones, const std::vector<float>& clean, double silence_level) {
  std::size_t marked = 0;
  std::vector<speech::Segment> out;
  out.reserve(phones.size() * 2);
  const double limit = silence_level * silence_level * kWindow;  // a window's sum of squares
  for (const speech::Segment& phone : phones) {
    const char* closure = closure_symbol(phone.label);
    if (closure[0] != '\0' && !out.empty() && !is_silence(out.back().label)) {
      speech::Segment& previous = out.back();
      // Step back window by window from the release while the window is silent, keeping one window of the previous phone.
      std::int64_t begin = phone.begin;
      while (begin - kWindow >= previous.begin + kWindow && begin <= static_cast<std::int64_t>(clean.size())) {
        double energy = 0;
        for (std::int64_t i = begin - kWindow; i < begin; ++i) {
          const double x = clean[static_cast<std::size_t>(i)];
          energy += x * x;
        }
        if (energy >= limit) break;
        begin -= kWindow;
      }
      if (phone.begin - begin >= kShortest) {
        previous.end = begin;
        out.push_back({begin, phone.begin, closure});
        ++marked;
      }
    }
    out.push_back(phone);
  }
  phones = std::move(out);
  return marked;
}

}  // namespace lecon::timit_synth
