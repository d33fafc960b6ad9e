#include "lecon/speech/targets.hpp"

#include "lecon/speech/decoding.hpp"
#include "lecon/speech/phones.hpp"

namespace lecon::speech {

std::vector<int> frame_classes(const std::vector<Segment>& phones, std::size_t frames, std::size_t window, std::size_t hop) {
  std::vector<int> classes(frames, -1);
  const std::vector<std::string> labels = frame_labels(phones, frames, window, hop);
  for (std::size_t t = 0; t < frames; ++t) {
    if (labels[t].empty()) continue;
    const std::string p48 = fold_61_to_48(labels[t]);
    if (!p48.empty()) classes[t] = static_cast<int>(phone_index(timit48(), p48));
  }
  return classes;
}

std::vector<std::size_t> scoring_string(const std::vector<Segment>& phones) {
  std::vector<std::size_t> reference;
  for (const Segment& s : phones) {
    const std::string p39 = fold_61_to_39(s.label);
    if (!p39.empty()) reference.push_back(phone_index(timit39(), p39));
  }
  return collapse_repeats(reference);
}

const std::vector<std::size_t>& classes_48_to_39() {
  static const std::vector<std::size_t> table = [] {
    std::vector<std::size_t> out;
    for (const std::string& p : timit48()) out.push_back(phone_index(timit39(), fold_48_to_39(p)));
    return out;
  }();
  return table;
}

}  // namespace lecon::speech
