#pragma once
// What a phone recogniser learns and what it is scored on ([paper: Lee & Hon 1989], docs/speech.md §3, §7):
// every frame's training class among the 48, and an utterance's reference string among the 39.
#include <cstddef>
#include <vector>

#include "lecon/speech/transcription.hpp"

namespace lecon::speech {

// Frame t's class: the index in timit48() of the phone under its centre sample (frame_labels), folded from
// TIMIT's 61; −1 where no phone covers the centre or the phone is the glottal stop q (removed by the folding).
std::vector<int> frame_classes(const std::vector<Segment>& phones, std::size_t frames, std::size_t window, std::size_t hop);

// The reference string for scoring: the phones folded to their indices in timit39(), q removed, repeats
// collapsed (a closure and its burst both become sil + the stop).
std::vector<std::size_t> scoring_string(const std::vector<Segment>& phones);

// For each of the 48 training classes, its index in timit39().
const std::vector<std::size_t>& classes_48_to_39();

}  // namespace lecon::speech
