#pragma once
// The TIMIT corpus tree (LDC93S1, TIMIT's readme.doc) and its standard speaker sets (docs/speech.md).
//
//   <root>/TRAIN|TEST/DR1..DR8/<speaker>/<sentence>.WAV|.PHN|.WRD|.TXT     (upper or lower case)
// 8 dialect regions; 630 speakers (462 train, 168 test); 10 sentences each: 2 SA (the same two for every
// speaker, excluded as is standard), 5 SX, 3 SI. The usual sets ([thesis: Halberstadt 1998], as Kaldi's
// recipe lists them): training = the 462 training speakers' SI and SX sentences (3,696); core test = 24
// speakers of the test part (2 men and 1 woman per region; 192 sentences); development = 50 other speakers
// of the test part (400 sentences).
#include <cstdint>
#include <string>
#include <vector>

#include "lecon/speech/sphere.hpp"
#include "lecon/speech/transcription.hpp"

namespace lecon::speech {

struct TimitUtterance {
  std::string audio_path;  // the .WAV file as found on disk
  std::string phone_path;  // its .PHN
  std::string part;        // "train" or "test" (lower case, whatever the disk's case)
  std::string dialect;     // "dr1" .. "dr8"
  std::string speaker;     // e.g. "mdab0": sex, initials, digit
  std::string sentence;    // e.g. "sx109"
};

// Every SI and SX utterance under root (SA excluded), sorted by part, dialect, speaker, sentence. Throws
// FileError naming the path when root has no TRAIN or TEST folder, or a .WAV has no .PHN beside it.
std::vector<TimitUtterance> scan_timit(const std::string& root);

// Halberstadt's 24 core-test and 50 development speakers (lower case).
const std::vector<std::string>& core_test_speakers();
const std::vector<std::string>& development_speakers();

// The three sets from a scan: training (part "train"), development and core test (from part "test").
struct TimitSets {
  std::vector<TimitUtterance> train, development, core_test;
};
TimitSets standard_sets(const std::vector<TimitUtterance>& all);

// One utterance's audio and its phones (contiguous, within the audio; labels checked against TIMIT's 61).
struct LoadedUtterance {
  SphereAudio audio;
  std::vector<Segment> phones;
};
LoadedUtterance load_utterance(const TimitUtterance& utterance);

}  // namespace lecon::speech
