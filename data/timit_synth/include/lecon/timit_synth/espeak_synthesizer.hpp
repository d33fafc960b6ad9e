#pragma once
// espeak-ng's C API (speak_lib.h) as one call: text + voice in, 22,050 Hz samples + the phoneme and word
// events out (docs/speech.md, "Synthetic TIMIT-format corpus").
//
// espeak-ng keeps state between utterances (the pitch cycle, echo buffer, and libc's rand() for breath
// noise), so the same text spoken twice in one process differs in its last bits. To make an utterance
// depend only on its arguments, each one is spoken in a child process forked from a process that has
// initialised espeak and spoken nothing; the child seeds rand() with `random_seed`, speaks, sends the
// samples and events back through a pipe and exits (about 5 ms per utterance).
#include <cstdint>
#include <string>
#include <vector>

namespace lecon::timit_synth {

// A phoneme event (espeakEVENT_PHONEME): espeak's mnemonic and the sample where the phoneme starts.
struct SpokenPhoneme {
  std::string name;
  std::int64_t sample = 0;
};

// A word event (espeakEVENT_WORD): the word's place in the text (0-based character, length) and the index
// of the first phoneme event that follows it (phonemes up to the next word's first belong to this word).
struct SpokenWord {
  std::int64_t text_begin = 0;
  std::int64_t text_length = 0;
  std::size_t first_phoneme = 0;
};

struct Synthesis {
  std::vector<std::int16_t> samples;  // one channel at sample_rate
  int sample_rate = 0;                // 22050 for espeak-ng
  std::vector<SpokenPhoneme> phonemes;  // in time order
  std::vector<SpokenWord> words;        // in text order
};

// The voice: an espeak voice name with a variant ("en-us+m3"), the speaking rate (words per minute,
// espeakRATE, 80-450) and the base pitch (espeakPITCH, 0-100).
struct EspeakVoice {
  std::string name = "en-us";
  int rate_wpm = 175;
  int pitch = 50;
};

// One per process: espeak-ng is a process-wide C library. Throws Error when espeak-ng cannot be
// initialised (its data not installed: apt-get install espeak-ng-data) or a second instance is made.
class EspeakSynthesizer {
 public:
  EspeakSynthesizer();
  ~EspeakSynthesizer();
  EspeakSynthesizer(const EspeakSynthesizer&) = delete;
  EspeakSynthesizer& operator=(const EspeakSynthesizer&) = delete;

  // Speaks `text` (UTF-8) with `voice`. Throws Error naming the voice when espeak refuses it, and when the
  // child process fails. The same arguments give the same samples and events, in any order of calls.
  Synthesis speak(const std::string& text, const EspeakVoice& voice, std::uint32_t random_seed) const;

  // espeak-ng's version, e.g. "1.51", and its output rate (22050).
  const std::string& version() const { return version_; }
  int sample_rate() const { return sample_rate_; }

 private:
  std::string version_;
  int sample_rate_ = 0;
};

}  // namespace lecon::timit_synth
