// lecon_make_timit_synth: writes the synthetic TIMIT-format corpus with espeak-ng (run by `make data` through
// fetch.sh; data/README.md, docs/speech.md "Synthetic TIMIT-format corpus").
//   lecon_make_timit_synth --out <dir> [recipe options] [--force]
//       writes <dir>/TRAIN|TEST/DR<k>/<SPEAKER>/<UTT>.WAV|.PHN|.WRD|.TXT and <dir>/LECON-SYNTH.TXT, unless the
//       corpus there already passes --check for the same recipe (then it is left alone)
//   lecon_make_timit_synth --check <dir> [recipe options]
//       exit 0 if <dir> holds the finished corpus of this recipe, every file with its listed size and hash;
//       else one line on stderr and exit 2
// Recipe options: --seed N (17), --train-speakers N (24), --test-speakers N (8), --sentences-per-speaker N (10),
// --snr DB|none (20), --full (TIMIT's size: 462 + 168 speakers x 8 sentences), --prompts FILE (the CMU ARCTIC
// prompts in data/text/). Errors are one line on stderr and exit code 2.
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>

#include "lecon/core/error.hpp"
#include "lecon/timit_synth/corpus.hpp"

namespace {

using namespace lecon;
using namespace lecon::timit_synth;

struct Options {
  std::string out, check_dir;
  std::string prompts = LECON_DEFAULT_PROMPTS;  // data/text/cmu-arctic-prompts.txt in the source tree
  CorpusOptions corpus;
  bool force = false;
};

long long parse_integer(const std::string& option, const std::string& text, long long lowest) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || value < lowest)
    throw OptionError(option + ": expected an integer of at least " + std::to_string(lowest) + ", got '" + text + "'");
  return value;
}

double parse_snr(const std::string& text) {
  if (text == "none") return INFINITY;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(value))
    throw OptionError("--snr: expected a signal-to-noise ratio in dB (e.g. 20) or 'none', got '" + text + "'");
  return value;
}

Options parse(int argc, char** argv) {
  Options options;
  bool full = false, sized = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&](const char* option) {
      if (i + 1 >= argc) throw OptionError(std::string(option) + ": expected a value");
      return std::string(argv[++i]);
    };
    if (arg == "--out") {
      options.out = value("--out");
    } else if (arg == "--check") {
      options.check_dir = value("--check");
    } else if (arg == "--prompts") {
      options.prompts = value("--prompts");
    } else if (arg == "--seed") {
      options.corpus.seed = static_cast<std::uint64_t>(parse_integer("--seed", value("--seed"), 0));
    } else if (arg == "--train-speakers") {
      options.corpus.train_speakers = static_cast<int>(parse_integer(arg, value("--train-speakers"), 1));
      sized = true;
    } else if (arg == "--test-speakers") {
      options.corpus.test_speakers = static_cast<int>(parse_integer(arg, value("--test-speakers"), 0));
      sized = true;
    } else if (arg == "--sentences-per-speaker") {
      options.corpus.sentences_per_speaker = static_cast<int>(parse_integer(arg, value("--sentences-per-speaker"), 1));
      sized = true;
    } else if (arg == "--snr") {
      options.corpus.snr_db = parse_snr(value("--snr"));
    } else if (arg == "--full") {
      full = true;
    } else if (arg == "--force") {
      options.force = true;
    } else {
      throw OptionError("unknown option " + arg +
                        " (expected --out, --check, --seed, --train-speakers, --test-speakers, --sentences-per-speaker, --snr, --full, "
                        "--prompts or --force)");
    }
  }
  if (full && sized) throw OptionError("--full: sets the speaker and sentence counts; give either --full or the counts");
  if (full) {
    const CorpusOptions sizes = CorpusOptions::full();
    options.corpus.train_speakers = sizes.train_speakers;
    options.corpus.test_speakers = sizes.test_speakers;
    options.corpus.sentences_per_speaker = sizes.sentences_per_speaker;
  }
  if (options.out.empty() == options.check_dir.empty())
    throw OptionError("usage: lecon_make_timit_synth --out <dir> [--seed N] [--train-speakers N] [--test-speakers N] "
                      "[--sentences-per-speaker N] [--snr DB|none] [--full] [--prompts FILE] [--force] | --check <dir> [same recipe options]");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const std::vector<Prompt> prompts = read_prompts(options.prompts);
    const EspeakSynthesizer espeak;
    if (!options.check_dir.empty()) {
      check_corpus(options.check_dir, corpus_recipe(options.corpus, prompts, espeak.version()));
      std::cout << options.check_dir << ": ok, " << corpus_recipe(options.corpus, prompts, espeak.version()) << '\n';
      return 0;
    }
    const auto start = std::chrono::steady_clock::now();
    const CorpusSummary summary = write_corpus(options.out, options.corpus, prompts, espeak, std::cout, options.force);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (summary.left_alone) {
      std::cout << "timit-synth: present in " << options.out << " (" << summary.utterances << " utterances), left alone\n";
      return 0;
    }
    std::cout << std::fixed << std::setprecision(1) << "timit-synth: wrote " << summary.utterances << " utterances (" << options.corpus.train_speakers
              << " TRAIN + " << options.corpus.test_speakers << " TEST speakers x " << options.corpus.sentences_per_speaker << "), "
              << summary.audio_seconds / 60 << " min of audio, into " << options.out << " in " << seconds << " s; "
              << summary.closures << " stop closures found in the audio, " << summary.zero_length_phonemes << " espeak phonemes without samples of their own left out of .PHN, "
              << summary.clipped_samples << " samples clipped\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lecon_make_timit_synth: error: " << e.what() << '\n';
    return 2;
  }
}
