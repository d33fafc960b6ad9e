#pragma once
// Stop closures, found in espeak-ng's own audio (docs/speech.md, "Synthetic TIMIT-format corpus").
//
// espeak's phoneme event for a stop comes at the release (the burst); the closure before it, silence in
// espeak's output, ends up inside the previous phone's segment. TIMIT labels it on its own (tcl before t).
// mark_stop_closures finds that silence in the clean (noise-free) audio and labels it: the closure is the
// longest run of whole 1 ms windows (16 samples at 16 kHz), ending where the stop begins and lying inside
// the previous phone, whose rms is below `silence_level`; it becomes pcl tcl kcl bcl dcl gcl before
// p t k b d g, tcl before ch and dcl before jh (TIMIT's convention), and the previous phone ends where it
// begins. A silence shorter than 5 ms, or a stop after h# or pau (the silence stays h# or pau), is left
// alone; so is a voiced closure that espeak fills with a voice bar (not silent): then the stop is not split.
#include <cstddef>
#include <string>
#include <vector>

#include "lecon/speech/transcription.hpp"

namespace lecon::timit_synth {

// phones: the utterance's segments, tiling [0, clean.size()); clean: its samples without noise; silence_level:
// an rms (same units as clean). Returns how many closures it labelled.
std::size_t mark_stop_closures(std::vector<speech::Segment>& phones, const std::vector<float>& clean, double silence_level);

// The closure symbol TIMIT writes before a stop or affricate ("t" -> "tcl", "jh" -> "dcl"); "" for others.
const char* closure_symbol(const std::string& phone);

}  // namespace lecon::timit_synth
