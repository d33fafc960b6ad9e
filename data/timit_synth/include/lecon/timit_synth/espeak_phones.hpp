#pragma once
// espeak-ng's English phoneme mnemonics (the names its espeakEVENT_PHONEME events carry, voice en-us) mapped
// to TIMIT's 61 symbols (docs/speech.md, "Synthetic TIMIT-format corpus").
//
// One espeak phoneme becomes one TIMIT symbol: espeak's segment boundaries are kept as they are, none is
// invented. An r-coloured vowel ("A@" in "start") is one vowel without its r (TIMIT writes "aa r"). espeak's
// stop event comes at the release; the closure before it is added afterwards where espeak's audio is silent
// there (stop_closures.hpp). TIMIT symbols that no espeak phoneme gives: the closures bcl dcl gcl pcl tcl kcl
// (found in the audio instead), epi (espeak inserts no epenthetic silence), ax-h, em, eng, nx, hv and ux. The
// pause phonemes "_", "_:", "_!", "_|" become pau, and h# at the ends of an utterance.
#include <string>
#include <utility>
#include <vector>

namespace lecon::timit_synth {

// The table, in a fixed order: {espeak mnemonic, TIMIT symbol}. Every TIMIT symbol is in speech::timit61().
const std::vector<std::pair<std::string, std::string>>& espeak_to_timit_table();

// The TIMIT symbol for an espeak phoneme. Throws Error naming the phoneme when the table lacks it, so that
// another espeak version's new phoneme stops the generator instead of being labelled by a guess.
const std::string& timit_phone(const std::string& espeak_phoneme);

// True for the espeak phonemes the table maps to pau ("_", "_:", "_!", "_|"): silence, labelled pau or h#.
bool is_espeak_pause(const std::string& espeak_phoneme);

}  // namespace lecon::timit_synth
