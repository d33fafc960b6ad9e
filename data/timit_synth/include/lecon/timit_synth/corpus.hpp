#pragma once
// The synthetic TIMIT-format corpus: speakers, sentences, utterances and the corpus tree (docs/speech.md,
// "Synthetic TIMIT-format corpus"; data/README.md). Not TIMIT: every table it feeds says
// "synthetic (espeak-ng) — not comparable".
//
// Recipe, all from one seed through lecon::Rng:
//   speakers   = distinct (espeak variant, rate, pitch) cells of a 12 x 7 x 9 grid (variants m1-m7 and f1-f5
//                of en-us; 130-220 words per minute in steps of 15; pitch 30-70 in steps of 5), each with a
//                TIMIT-style id (sex letter, three letters, a digit: MABC0; never one of Halberstadt's 74 core-test
//                and development speakers, speech::core_test_speakers()) and a dialect region DR1-DR8 drawn
//                uniformly (espeak has no dialects: the region is a name only). The first train_speakers
//                drawn are TRAIN, the next test_speakers TEST, so no speaker is in both.
//   sentences  = the CMU ARCTIC prompts, split between TRAIN and TEST in proportion to their speakers, so no
//                sentence is in both (as in TIMIT); in each part speaker i reads prompts (i n + j) mod P of
//                a shuffled list, j < n. A prompt read by one speaker is an SI utterance, one read by more an
//                SX utterance; the number is the prompt's line (SX12: line 12). No SA sentences (TIMIT's two
//                dialect sentences that every speaker reads and recipes drop).
//   utterance  = espeak-ng at 22,050 Hz, scaled by 1/2 (headroom), resampled to 16 kHz (Resampler), with
//                100-250 ms of silence before and after (h#); stop closures labelled where espeak's audio is
//                silent before a release (stop_closures.hpp, silence = 30 dB below the speech's rms); then
//                white Gaussian noise at snr_db relative to the speech's mean power (espeak's whole output,
//                before padding), rounded to 16 bits.
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>
#include <vector>

#include "lecon/core/rng.hpp"
#include "lecon/speech/transcription.hpp"
#include "lecon/timit_synth/espeak_synthesizer.hpp"
#include "lecon/timit_synth/resampler.hpp"

namespace lecon::timit_synth {

// Bump when anything in the recipe changes what is written: a corpus made with another version is made again.
constexpr int kRecipeVersion = 1;
constexpr int kSampleRate = 16000;

struct CorpusOptions {
  std::uint64_t seed = 17;
  int train_speakers = 24;
  int test_speakers = 8;
  int sentences_per_speaker = 10;
  double snr_db = 20;  // +infinity: no noise
  // TIMIT's size: 462 training and 168 test speakers, 8 sentences each (SA excluded).
  static CorpusOptions full();
};

// One line of the prompt list: "id<TAB>sentence".
struct Prompt {
  int number = 0;  // its line, from 1
  std::string id;  // arctic_a0001
  std::string text;
};

// Reads "id<TAB>sentence" lines. Throws FileError naming the file and line for a line without a TAB or
// with an empty sentence, and for an empty file.
std::vector<Prompt> read_prompts(const std::string& path);

struct Speaker {
  std::string id;           // MABC0
  char sex = 'M';           // M or F
  int dialect_region = 1;   // 1..8
  bool test = false;        // TEST (true) or TRAIN
  EspeakVoice voice;        // en-us+m3, rate, pitch
};

struct PlannedUtterance {
  std::size_t speaker = 0;        // index into CorpusPlan::speakers
  std::size_t prompt = 0;         // index into the prompt list
  std::string id;                 // SX12 / SI12
  std::uint64_t seed = 0;         // its own random stream (padding, noise, espeak's rand())
  std::string path;               // TRAIN/DR3/MABC0/SX12, without extension
};

struct CorpusPlan {
  std::vector<Speaker> speakers;
  std::vector<PlannedUtterance> utterances;  // speaker by speaker, TRAIN first
};

// The speakers and who reads what. Throws OptionError when the grid holds fewer voices than speakers asked
// for, a count is not positive (test_speakers may be 0), or a part has fewer prompts than a speaker reads.
CorpusPlan plan_corpus(const CorpusOptions& options, std::size_t prompt_count);

// One utterance as written: 16 kHz samples, phones tiling [0, samples.size()) with TIMIT labels (h# at both
// ends), words (espeakEVENT_WORD, lower case, without punctuation) inside the phones' span.
struct Utterance {
  std::vector<std::int16_t> samples;
  std::vector<speech::Segment> phones;
  std::vector<speech::Segment> words;
  std::string text;
  std::size_t zero_length_phonemes = 0;  // espeak phonemes with no samples of their own: not in .PHN
  std::size_t closures = 0;              // stop closures found in the audio (stop_closures.hpp)
  std::size_t clipped_samples = 0;        // rounded to +-32767 after the noise
};

// Speaks `text` with `speaker`'s voice and builds the utterance (recipe above). `seed` draws the padding,
// the noise and espeak's rand() seed. Throws Error naming the phoneme when espeak uses one the table
// (espeak_phones.hpp) lacks.
Utterance make_utterance(const EspeakSynthesizer& espeak, const Resampler& resampler, const EspeakVoice& voice,
                         const std::string& text, double snr_db, std::uint64_t seed);

// What the corpus is, as the first lines of <out>/LECON-SYNTH.TXT hold it: recipe version, seed, sizes, SNR,
// espeak-ng version and a hash of the prompts.
std::string corpus_recipe(const CorpusOptions& options, const std::vector<Prompt>& prompts, const std::string& espeak_version);

struct CorpusSummary {
  std::size_t utterances = 0;
  double audio_seconds = 0;
  std::size_t zero_length_phonemes = 0;
  std::size_t closures = 0;
  std::size_t clipped_samples = 0;
  bool left_alone = false;  // the corpus in `out` already passed check_corpus
};

// Writes the corpus into `out` (TRAIN|TEST/DR<k>/<SPEAKER>/<UTT>.WAV|.PHN|.WRD|.TXT) and, last, the manifest
// <out>/LECON-SYNTH.TXT (recipe, then "<path> <bytes> <FNV-1a 64>" per file). A corpus that passes
// check_corpus for the same recipe is left alone unless `force`. An `out` that exists, is not empty and has
// no manifest is refused (FileError): it may be a real TIMIT or anything else. Otherwise its TRAIN and TEST
// folders and the manifest are replaced. Progress lines go to `log`.
CorpusSummary write_corpus(const std::string& out, const CorpusOptions& options, const std::vector<Prompt>& prompts,
                           const EspeakSynthesizer& espeak, std::ostream& log, bool force = false);

// Throws FileError naming the first thing wrong: no manifest, another recipe, a listed file missing or
// with other bytes, a file in TRAIN/TEST that the manifest does not list.
void check_corpus(const std::string& out, const std::string& recipe);

// The manifest's name inside the corpus folder.
constexpr const char* kManifestName = "LECON-SYNTH.TXT";

}  // namespace lecon::timit_synth
