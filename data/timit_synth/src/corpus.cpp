#include "lecon/timit_synth/corpus.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "lecon/core/atomic_file.hpp"
#include "lecon/core/error.hpp"
#include "lecon/speech/sphere.hpp"
#include "lecon/speech/timit.hpp"
#include "lecon/timit_synth/espeak_phones.hpp"
#include "lecon/timit_synth/stop_closures.hpp"

namespace lecon::timit_synth {
namespace {

namespace fs = std::filesystem;

// The voice grid (corpus.hpp): 12 espeak variants x 7 rates x 9 pitches.
const std::vector<std::string>& variants() {
  static const std::vector<std::string> v = {"m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"};
  return v;
}
constexpr int kRates = 7, kRateFirst = 130, kRateStep = 15;
constexpr int kPitches = 9, kPitchFirst = 30, kPitchStep = 5;
std::size_t grid_size() { return variants().size() * kRates * kPitches; }

// Silence before and after the speech: 100-250 ms, uniform.
constexpr std::int64_t kPadMin = 1600, kPadSpan = 2401;
// espeak-ng's output is scaled by this before the noise, leaving headroom for the resampler's overshoot.
constexpr float kLevel = 0.5f;
// Silence, for finding stop closures: an rms 30 dB below the speech's.
const double kClosureLevel = std::pow(10.0, -30.0 / 20);

// FNV-1a, 64 bits: the manifest's file hash and the prompts' hash.
std::uint64_t fnv1a(const std::string& bytes, std::uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}
std::string hex64(std::uint64_t value) {
  std::ostringstream out;
  out << std::hex << std::setw(16) << std::setfill('0') << value;
  return out.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A word as TIMIT's .WRD writes it: lower case, without the punctuation around it ("Phil." -> "phil",
// "I'm" stays "i'm"); "" for a token that is only punctuation ("--").
std::string word_label(const std::string& token) {
  const auto is_word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  const auto first = std::find_if(token.begin(), token.end(), is_word_char);
  const auto last = std::find_if(token.rbegin(), token.rend(), is_word_char).base();
  if (first >= last) return "";
  return lower(std::string(first, last));
}

std::string snr_text(double snr_db) {
  if (std::isinf(snr_db)) return "none";
  std::ostringstream out;
  out << snr_db;
  return out.str();
}

}  // namespace

CorpusOptions CorpusOptions::full() {
  CorpusOptions options;
  options.train_speakers = 462;
  options.test_speakers = 168;
  options.sentences_per_speaker = 8;
  return options;
}

std::vector<Prompt> read_prompts(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError(path, "cannot be read (expected the prompt list, one 'id<TAB>sentence' per line)");
  std::vector<Prompt> prompts;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0)
      throw FileError(path, "line " + std::to_string(number) + ": expected 'id<TAB>sentence', got '" + line + "'");
    Prompt prompt{number, line.substr(0, tab), trimmed(line.substr(tab + 1))};
    if (prompt.text.empty()) throw FileError(path, "line " + std::to_string(number) + ": empty sentence");
    prompts.push_back(std::move(prompt));
  }
  if (prompts.empty()) throw FileError(path, "no prompts (expected one 'id<TAB>sentence' per line)");
  return prompts;
}

CorpusPlan plan_corpus(const CorpusOptions& options, std::size_t prompt_count) {
  if (options.train_speakers <= 0 || options.test_speakers < 0 || options.sentences_per_speaker <= 0)
    throw OptionError("--train-speakers and --sentences-per-speaker: expected positive counts, --test-speakers at least 0; got " +
                      std::to_string(options.train_speakers) + ", " + std::to_string(options.sentences_per_speaker) + ", " +
                      std::to_string(options.test_speakers));
  const std::size_t train = static_cast<std::size_t>(options.train_speakers), test = static_cast<std::size_t>(options.test_speakers);
  const std::size_t total = train + test, per_speaker = static_cast<std::size_t>(options.sentences_per_speaker);
  if (total > grid_size())
    throw OptionError("--train-speakers + --test-speakers: at most " + std::to_string(grid_size()) +
                      " (12 espeak variants x 7 rates x 9 pitches), got " + std::to_string(total));
  Rng rng(options.seed);
  CorpusPlan plan;

  // Speakers: distinct grid cells, the first `train` of the draw in TRAIN.
  const arma::uvec cells = rng.permutation(grid_size());
  // Halberstadt's core-test and development speakers are real TIMIT ids: none is drawn, so that
  // speech::standard_sets never takes a synthetic speaker for one of them.
  std::set<std::string> ids;
  for (const auto* list : {&speech::core_test_speakers(), &speech::development_speakers()})
    for (const std::string& id : *list) ids.insert(upper(id));
  for (std::size_t s = 0; s < total; ++s) {
    const std::size_t cell = cells(s);
    const std::string& variant = variants()[cell / (kRates * kPitches)];
    Speaker speaker;
    speaker.voice.name = "en-us+" + variant;
    speaker.voice.rate_wpm = kRateFirst + kRateStep * static_cast<int>(cell / kPitches % kRates);
    speaker.voice.pitch = kPitchFirst + kPitchStep * static_cast<int>(cell % kPitches);
    speaker.sex = variant[0] == 'f' ? 'F' : 'M';
    speaker.dialect_region = 1 + static_cast<int>(rng.uniform_int(8));
    speaker.test = s >= train;
    // TIMIT's speaker ids: sex, three initials, a digit that tells apart speakers with the same initials.
    for (;;) {
      std::string initials;
      for (int k = 0; k < 3; ++k) initials += static_cast<char>('A' + rng.uniform_int(26));
      for (char digit = '0'; digit <= '9' && speaker.id.empty(); ++digit) {
        const std::string id = std::string(1, speaker.sex) + initials + digit;
        if (ids.insert(id).second) speaker.id = id;
      }
      if (!speaker.id.empty()) break;
    }
    plan.speakers.push_back(speaker);
  }

  // Sentences: TRAIN and TEST read disjoint parts of the prompt list, in proportion to their speakers.
  const arma::uvec order = rng.permutation(prompt_count);
  const std::size_t test_prompts = static_cast<std::size_t>(std::llround(static_cast<double>(prompt_count) * test / total));
  std::vector<std::size_t> pools[2];  // [0] TRAIN, [1] TEST
  for (std::size_t i = 0; i < prompt_count; ++i) pools[i < test_prompts ? 1 : 0].push_back(order(i));
  for (int part = 0; part < 2; ++part) {
    const std::size_t speakers = part == 0 ? train : test;
    if (speakers > 0 && pools[part].size() < per_speaker)
      throw OptionError("--sentences-per-speaker: " + std::to_string(per_speaker) + " is more than the " +
                        std::to_string(pools[part].size()) + " prompts of the " + (part == 0 ? "TRAIN" : "TEST") +
                        " part (" + std::to_string(prompt_count) + " prompts split by speakers)");
  }
  std::vector<int> reads(prompt_count, 0);
  for (std::size_t s = 0; s < total; ++s) {
    const std::vector<std::size_t>& pool = pools[plan.speakers[s].test ? 1 : 0];
    const std::size_t i = plan.speakers[s].test ? s - train : s;  // the speaker's index in its part
    for (std::size_t j = 0; j < per_speaker; ++j) {
      PlannedUtterance utterance;
      utterance.speaker = s;
      utterance.prompt = pool[(i * per_speaker + j) % pool.size()];
      ++reads[utterance.prompt];
      plan.utterances.push_back(utterance);
    }
  }
  for (PlannedUtterance& utterance : plan.utterances) {
    const Speaker& speaker = plan.speakers[utterance.speaker];
    utterance.id = (reads[utterance.prompt] > 1 ? "SX" : "SI") + std::to_string(utterance.prompt + 1);
    utterance.seed = rng.next_u64();
    utterance.path = std::string(speaker.test ? "TEST" : "TRAIN") + "/DR" + std::to_string(speaker.dialect_region) + "/" + speaker.id +
                     "/" + utterance.id;
  }
  return plan;
}

Utterance make_utterance(const EspeakSynthesizer& espeak, const Resampler& resampler, const EspeakVoice& voice,
                         const std::string& text, double snr_db, std::uint64_t seed) {
  Rng rng(seed);
  const Synthesis speech = espeak.speak(text, voice, static_cast<std::uint32_t>(rng.next_u64() >> 32));
  if (speech.phonemes.empty()) throw Error("espeak-ng (" + voice.name + ") gave no phoneme events for '" + text + "'");
  const std::int64_t espeak_length = static_cast<std::int64_t>(speech.samples.size());

  // The speech at 16 kHz.
  std::vector<float> x(speech.samples.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = kLevel * speech.samples[i];
  const std::vector<float> y = resampler.resample(x);
  const std::int64_t lead = kPadMin + static_cast<std::int64_t>(rng.uniform_int(kPadSpan));
  const std::int64_t trail = kPadMin + static_cast<std::int64_t>(rng.uniform_int(kPadSpan));
  const std::int64_t speech_end = lead + static_cast<std::int64_t>(y.size()), total = speech_end + trail;

  // Phone segments: espeak's phoneme i covers [sample_i, sample_{i+1}) at 22,050 Hz; both ends move to 16 kHz
  // through the same rounding, so the segments still tile the speech.
  Utterance utterance;
  utterance.text = text;
  std::vector<std::int64_t> begin(speech.phonemes.size()), end(speech.phonemes.size());
  std::vector<std::string> label(speech.phonemes.size());
  for (std::size_t i = 0; i < speech.phonemes.size(); ++i) {
    const std::int64_t b = speech.phonemes[i].sample;
    const std::int64_t e = i + 1 < speech.phonemes.size() ? speech.phonemes[i + 1].sample : espeak_length;
    if (b < 0 || e < b || e > espeak_length)
      throw Error("espeak-ng (" + voice.name + ") gave phoneme events out of order or past the audio for '" + text + "'");
    label[i] = timit_phone(speech.phonemes[i].name);
    begin[i] = lead + resampler.output_position(b);
    end[i] = lead + resampler.output_position(e);
  }
  // h# from 0 to the first phoneme; pauses next to it or to each other merge; a pause at the end becomes h#.
  std::vector<speech::Segment>& phones = utterance.phones;
  phones.push_back({0, begin.front(), "h#"});
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (end[i] <= begin[i]) {
      ++utterance.zero_length_phonemes;
      continue;
    }
    if (label[i] == "pau" && (phones.back().label == "pau" || phones.back().label == "h#"))
      phones.back().end = end[i];
    else
      phones.push_back({begin[i], end[i], label[i]});
  }
  if (phones.back().label == "pau") phones.back().label = "h#";
  if (phones.back().label == "h#")
    phones.back().end = total;
  else
    phones.push_back({speech_end, total, "h#"});

  // The clean utterance, its speech's mean power, and the stop closures found in it (stop_closures.hpp).
  std::vector<float> clean(static_cast<std::size_t>(total), 0.0f);
  std::copy(y.begin(), y.end(), clean.begin() + lead);
  double power = 0;
  for (float v : y) power += static_cast<double>(v) * v;
  power /= static_cast<double>(std::max<std::size_t>(1, y.size()));
  utterance.closures = mark_stop_closures(phones, clean, std::sqrt(power) * kClosureLevel);
  std::map<std::int64_t, std::int64_t> closure_begin_at;  // a closure's end (its stop's release) -> its begin
  for (const speech::Segment& phone : phones)
    if (phone.label.size() == 3 && phone.label.compare(1, 2, "cl") == 0) closure_begin_at[phone.end] = phone.begin;

  // Words: the non-pause phonemes after each word event, up to the next one; a word that starts or ends next
  // to a stop's release starts at, or ends before, its closure.
  for (std::size_t w = 0; w < speech.words.size(); ++w) {
    const SpokenWord& word = speech.words[w];
    const std::size_t last = w + 1 < speech.words.size() ? speech.words[w + 1].first_phoneme : speech.phonemes.size();
    std::int64_t word_begin = -1, word_end = -1;
    for (std::size_t i = word.first_phoneme; i < last && i < label.size(); ++i) {
      if (label[i] == "pau" || end[i] <= begin[i]) continue;
      if (word_begin < 0) word_begin = begin[i];
      word_end = end[i];
    }
    if (word_begin < 0) continue;
    if (closure_begin_at.count(word_begin)) word_begin = closure_begin_at[word_begin];
    if (closure_begin_at.count(word_end)) word_end = closure_begin_at[word_end];
    // The word's text: from its event's position to the next space or the next word event's position
    // (espeak's own length stops at an apostrophe: "wouldn't" has length 6).
    const std::size_t text_begin = static_cast<std::size_t>(std::clamp<std::int64_t>(word.text_begin, 0, static_cast<std::int64_t>(text.size())));
    std::size_t text_end = text.find_first_of(" \t", text_begin);
    if (text_end == std::string::npos) text_end = text.size();
    if (w + 1 < speech.words.size() && speech.words[w + 1].text_begin > word.text_begin)
      text_end = std::min(text_end, static_cast<std::size_t>(speech.words[w + 1].text_begin));
    const std::string name = word_label(text.substr(text_begin, text_end - text_begin));
    if (!name.empty() && word_end > word_begin) utterance.words.push_back({word_begin, word_end, name});
  }

  // The signal-to-noise ratio's definition: SNR = 10 log10(P_speech / sigma^2)  ->  sigma = sqrt(P_speech 10^(-SNR / 10))
  const double sigma = std::isinf(snr_db) ? 0.0 : std::sqrt(power * std::pow(10.0, -snr_db / 10));
  utterance.samples.resize(static_cast<std::size_t>(total));
  for (std::size_t i = 0; i < clean.size(); ++i) {
    double v = clean[i];
    if (sigma > 0) v += sigma * rng.normal();
    const double rounded = std::nearbyint(v);
    if (rounded > 32767 || rounded < -32768) ++utterance.clipped_samples;
    utterance.samples[i] = static_cast<std::int16_t>(std::clamp(rounded, -32768.0, 32767.0));
  }
  return utterance;
}

std::string corpus_recipe(const CorpusOptions& options, const std::vector<Prompt>& prompts, const std::string& espeak_version) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const Prompt& prompt : prompts) hash = fnv1a(prompt.id + "\t" + prompt.text + "\n", hash);
  std::ostringstream out;
  out << "lecon timit-synth recipe " << kRecipeVersion << "; seed " << options.seed << "; " << options.train_speakers << " TRAIN + "
      << options.test_speakers << " TEST speakers x " << options.sentences_per_speaker << " sentences; SNR " << snr_text(options.snr_db)
      << " dB; espeak-ng " << espeak_version << "; " << prompts.size() << " prompts, FNV-1a " << hex64(hash);
  return out.str();
}

namespace {

constexpr const char* kManifestTitle =
    "lecon's synthetic TIMIT-format corpus (espeak-ng), not TIMIT: results on it are labelled "
    "\"synthetic (espeak-ng) - not comparable\"";

// The manifest's lines after the title: "recipe: ...", "files: N" (or "files: incomplete"), one line per file.
void write_manifest(const std::string& out, const std::string& recipe, const std::vector<std::string>& file_lines, bool complete) {
  std::string text = std::string(kManifestTitle) + "\nrecipe: " + recipe + "\nfiles: " +
                     (complete ? std::to_string(file_lines.size()) : std::string("incomplete")) + "\n";
  for (const std::string& line : file_lines) text += line + "\n";
  save_file_atomically((fs::path(out) / kManifestName).string(), {{text.data(), text.size()}});
}

std::string file_line(const std::string& out, const std::string& relative) {
  const std::string bytes = read_file((fs::path(out) / relative).string());
  return relative + " " + std::to_string(bytes.size()) + " " + hex64(fnv1a(bytes));
}

}  // namespace

void check_corpus(const std::string& out, const std::string& recipe) {
  const std::string manifest = (fs::path(out) / kManifestName).string();
  if (!fs::exists(manifest)) throw FileError(manifest, "missing (not a finished corpus of lecon_make_timit_synth)");
  std::istringstream in(read_file(manifest));
  std::string title, recipe_line, files_line;
  std::getline(in, title);
  std::getline(in, recipe_line);
  std::getline(in, files_line);
  if (recipe_line != "recipe: " + recipe) throw FileError(manifest, "made with another recipe (" + recipe_line + "), expected: " + recipe);
  if (files_line.rfind("files: ", 0) != 0 || files_line == "files: incomplete")
    throw FileError(manifest, "the corpus is incomplete (its generation was interrupted)");
  std::set<std::string> listed;
  for (std::string line; std::getline(in, line);) {
    const std::string relative = line.substr(0, line.find(' '));
    if (file_line(out, relative) != line) throw FileError((fs::path(out) / relative).string(), "differs from the manifest's size or hash");
    listed.insert(relative);
  }
  if (files_line != "files: " + std::to_string(listed.size())) throw FileError(manifest, "lists " + std::to_string(listed.size()) + " files, its " + files_line);
  for (const char* part : {"TRAIN", "TEST"}) {
    const fs::path dir = fs::path(out) / part;
    if (!fs::exists(dir)) continue;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir))
      if (entry.is_regular_file() && !listed.count(fs::relative(entry.path(), out).string()))
        throw FileError(entry.path().string(), "not in the manifest " + manifest);
  }
}

CorpusSummary write_corpus(const std::string& out, const CorpusOptions& options, const std::vector<Prompt>& prompts,
                           const EspeakSynthesizer& espeak, std::ostream& log, bool force) {
  const std::string recipe = corpus_recipe(options, prompts, espeak.version());
  const fs::path manifest = fs::path(out) / kManifestName;
  CorpusSummary summary;
  const CorpusPlan plan = plan_corpus(options, prompts.size());  // bad options fail before anything is touched
  if (fs::exists(out)) {
    if (fs::exists(manifest)) {
      if (!force) {
        try {
          check_corpus(out, recipe);
          summary.left_alone = true;
          summary.utterances = plan.utterances.size();
          return summary;
        } catch (const Error& e) {
          log << "timit-synth: making the corpus again: " << e.what() << '\n';
        }
      }
      fs::remove_all(fs::path(out) / "TRAIN");
      fs::remove_all(fs::path(out) / "TEST");
      fs::remove(manifest);
    } else if (!fs::is_directory(out) || !fs::is_empty(out)) {
      throw FileError(out, std::string("exists and holds no ") + kManifestName +
                               ": not a corpus lecon_make_timit_synth wrote, so nothing is written into it (remove it or choose another --out)");
    }
  }
  fs::create_directories(out);
  write_manifest(out, recipe, {}, false);  // marks the folder as ours while it fills

  const Resampler resampler(espeak.sample_rate(), kSampleRate);
  std::vector<std::string> file_lines;
  std::size_t next_report = 1;
  for (std::size_t u = 0; u < plan.utterances.size(); ++u) {
    const PlannedUtterance& planned = plan.utterances[u];
    const Speaker& speaker = plan.speakers[planned.speaker];
    const Prompt& prompt = prompts[planned.prompt];
    const Utterance utterance = make_utterance(espeak, resampler, speaker.voice, prompt.text, options.snr_db, planned.seed);
    const fs::path base = fs::path(out) / planned.path;
    fs::create_directories(base.parent_path());
    const std::map<std::string, std::string> fields = {
        {"database_id", "TIMIT-SYNTH"},
        {"database_version", std::to_string(kRecipeVersion)},
        {"utterance_id", lower(speaker.id.substr(1)) + "_" + lower(planned.id)},
        {"synthesizer", "espeak-ng " + espeak.version() + " " + speaker.voice.name + " rate " + std::to_string(speaker.voice.rate_wpm) +
                            " pitch " + std::to_string(speaker.voice.pitch)},
        {"snr_db", snr_text(options.snr_db)},
        {"prompt_id", prompt.id},
    };
    const std::int64_t length = static_cast<std::int64_t>(utterance.samples.size());
    speech::write_sphere(base.string() + ".WAV", utterance.samples, kSampleRate, fields);
    speech::write_segments(base.string() + ".PHN", utterance.phones);
    speech::write_segments(base.string() + ".WRD", utterance.words);
    speech::write_prompt(base.string() + ".TXT", 0, length, prompt.text);
    for (const char* extension : {".PHN", ".TXT", ".WAV", ".WRD"}) file_lines.push_back(file_line(out, planned.path + extension));
    summary.audio_seconds += static_cast<double>(length) / kSampleRate;
    summary.zero_length_phonemes += utterance.zero_length_phonemes;
    summary.closures += utterance.closures;
    summary.clipped_samples += utterance.clipped_samples;
    ++summary.utterances;
    if (u + 1 == plan.utterances.size() || (u + 1) * 10 >= next_report * plan.utterances.size()) {
      log << "timit-synth: " << u + 1 << "/" << plan.utterances.size() << " utterances\n" << std::flush;
      while ((u + 1) * 10 >= next_report * plan.utterances.size()) ++next_report;
    }
  }
  write_manifest(out, recipe, file_lines, true);
  return summary;
}

}  // namespace lecon::timit_synth
