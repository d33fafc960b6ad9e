// The synthetic TIMIT-format corpus (data/timit_synth; issue 17; docs/speech.md "Synthetic TIMIT-format
// corpus"): the resampler on tones, the espeak -> TIMIT table, the speaker/sentence plan, utterances against
// their own audio, and a tiny corpus written, read back with modules/speech's readers, and written again.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <sstream>
#include <set>

#include "lecon/speech/phones.hpp"
#include "lecon/speech/sphere.hpp"
#include "lecon/speech/timit.hpp"
#include "lecon/speech/transcription.hpp"
#include "lecon/timit_synth/corpus.hpp"
#include "lecon/timit_synth/espeak_phones.hpp"
#include "lecon/timit_synth/resampler.hpp"
#include "lecon/timit_synth/stop_closures.hpp"
#include "test_util.hpp"

using namespace lecon;
using namespace lecon::timit_synth;
using lecon::test::check_error;
using lecon::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

// espeak-ng is one per process: every test shares this one.
const EspeakSynthesizer& espeak() {
  static const EspeakSynthesizer synthesizer;
  return synthesizer;
}

std::vector<Prompt> arctic_prompts() {
  const char* data_dir = std::getenv("LECON_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(data_dir, "LECON_DATA_DIR is set by CTest");
  return read_prompts(std::string(data_dir) + "/text/cmu-arctic-prompts.txt");
}

std::vector<float> tone(double frequency, double amplitude, int rate, std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * frequency * i / rate));
  return x;
}

// Least-squares amplitude of a sinusoid of `frequency` in y[first, first + n) (n whole periods), and the rms
// of what is left after subtracting it.
std::pair<double, double> fit_sinusoid(const std::vector<float>& y, double frequency, int rate, std::size_t first, std::size_t n) {
  double s = 0, c = 0;
  for (std::size_t i = first; i < first + n; ++i) {
    s += y[i] * std::sin(2 * M_PI * frequency * i / rate);
    c += y[i] * std::cos(2 * M_PI * frequency * i / rate);
  }
  s *= 2.0 / n, c *= 2.0 / n;
  double residual = 0;
  for (std::size_t i = first; i < first + n; ++i) {
    const double r = y[i] - s * std::sin(2 * M_PI * frequency * i / rate) - c * std::cos(2 * M_PI * frequency * i / rate);
    residual += r * r;
  }
  return {std::hypot(s, c), std::sqrt(residual / n)};
}

double rms(const std::vector<std::int16_t>& x, std::int64_t begin, std::int64_t end) {
  double sum = 0;
  for (std::int64_t i = begin; i < end; ++i) sum += static_cast<double>(x[static_cast<std::size_t>(i)]) * x[static_cast<std::size_t>(i)];
  return end > begin ? std::sqrt(sum / static_cast<double>(end - begin)) : 0.0;
}

// Every regular file under dir, by path relative to dir -> its bytes.
std::map<std::string, std::vector<std::uint8_t>> tree(const fs::path& dir) {
  std::map<std::string, std::vector<std::uint8_t>> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = lecon::test::read_all(entry.path().string());
  return files;
}

bool same_segments(const std::vector<speech::Segment>& a, const std::vector<speech::Segment>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const speech::Segment& x, const speech::Segment& y) {
    return x.begin == y.begin && x.end == y.end && x.label == y.label;
  });
}

// TIMIT's speaker ids (MABC0) and SI/SX utterance ids (SX12). (No std::regex: GCC 12's <regex> under
// AddressSanitizer warns about its own code.)
bool is_speaker_id(const std::string& id) {
  return id.size() == 5 && (id[0] == 'M' || id[0] == 'F') && std::isupper(static_cast<unsigned char>(id[1])) &&
         std::isupper(static_cast<unsigned char>(id[2])) && std::isupper(static_cast<unsigned char>(id[3])) &&
         std::isdigit(static_cast<unsigned char>(id[4]));
}
bool is_utterance_id(const std::string& id) {
  return id.size() > 2 && (id.compare(0, 2, "SX") == 0 || id.compare(0, 2, "SI") == 0) &&
         std::all_of(id.begin() + 2, id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}
// TRAIN|TEST/DR<1-8>/<speaker>/<utterance>.WAV|PHN|WRD|TXT
bool in_timit_layout(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream stream(path);
  for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
  if (parts.size() != 4) return false;
  const std::size_t dot = parts[3].find('.');
  const std::string extension = dot == std::string::npos ? "" : parts[3].substr(dot + 1);
  return (parts[0] == "TRAIN" || parts[0] == "TEST") && parts[1].size() == 3 && parts[1].compare(0, 2, "DR") == 0 &&
         parts[1][2] >= '1' && parts[1][2] <= '8' && is_speaker_id(parts[2]) && is_utterance_id(parts[3].substr(0, dot)) &&
         (extension == "WAV" || extension == "PHN" || extension == "WRD" || extension == "TXT");
}

const std::set<std::string>& vowels() {
  static const std::set<std::string> set = {"iy", "ih", "eh", "ey", "ae", "aa", "aw", "ay", "ah", "ao",
                                            "oy", "ow", "uh", "uw", "er", "axr", "ax", "ix"};
  return set;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(synth_resampler)

BOOST_AUTO_TEST_CASE(a_1khz_tone_stays_1khz_with_its_amplitude) {
  const Resampler resampler(22050, 16000);
  BOOST_CHECK_EQUAL(resampler.up(), 320);
  BOOST_CHECK_EQUAL(resampler.down(), 441);
  const std::vector<float> y = resampler.resample(tone(1000, 0.5, 22050, 22050));
  BOOST_REQUIRE_EQUAL(y.size(), 16000u);
  // Away from the ends (where the input stops), 1 kHz at 16 kHz is 16 samples a period: 14,400 = 900 periods.
  const auto [amplitude, residual] = fit_sinusoid(y, 1000, 16000, 800, 14400);
  BOOST_TEST_MESSAGE("1 kHz: amplitude " << amplitude << ", residual rms " << residual);
  BOOST_CHECK_CLOSE(amplitude, 0.5, 0.1);  // within 0.1 %
  BOOST_CHECK_LT(residual, 1e-3 * 0.5);    // nothing but 1 kHz: -60 dB
  // The same with a 5 kHz tone, well inside the pass band.
  const std::vector<float> y5 = resampler.resample(tone(5000, 0.5, 22050, 22050));
  const auto [amplitude5, residual5] = fit_sinusoid(y5, 5000, 16000, 800, 14400);
  BOOST_CHECK_CLOSE(amplitude5, 0.5, 0.5);
  BOOST_CHECK_LT(residual5, 1e-3 * 0.5);
}

BOOST_AUTO_TEST_CASE(a_10khz_tone_above_the_new_nyquist_frequency_is_removed) {
  // 10 kHz would fold back to 6 kHz without the low-pass filter.
  const Resampler resampler(22050, 16000);
  const std::vector<float> y = resampler.resample(tone(10000, 0.5, 22050, 22050));
  double power = 0;
  for (std::size_t i = 800; i < 15200; ++i) power += static_cast<double>(y[i]) * y[i];
  const double output_rms = std::sqrt(power / 14400), input_rms = 0.5 / std::sqrt(2.0);
  BOOST_TEST_MESSAGE("10 kHz: output rms " << output_rms << " (" << 20 * std::log10(output_rms / input_rms) << " dB)");
  BOOST_CHECK_LT(output_rms, 1e-3 * input_rms);  // below -60 dB
  const auto [alias, unused] = fit_sinusoid(y, 6000, 16000, 800, 14400);  // 16 kHz − 10 kHz
  BOOST_CHECK_LT(alias, 1e-3 * 0.5);
}

BOOST_AUTO_TEST_CASE(a_constant_stays_constant_and_positions_scale_by_320_over_441) {
  const Resampler resampler(22050, 16000);
  const std::vector<float> y = resampler.resample(std::vector<float>(4410, 0.25f));
  BOOST_REQUIRE_EQUAL(y.size(), 3200u);
  for (std::size_t i = 100; i < 3100; ++i) BOOST_REQUIRE_SMALL(y[i] - 0.25f, 1e-6f);
  BOOST_CHECK_EQUAL(resampler.output_position(0), 0);
  BOOST_CHECK_EQUAL(resampler.output_position(441), 320);
  BOOST_CHECK_EQUAL(resampler.output_position(22050), 16000);
  BOOST_CHECK_EQUAL(resampler.output_position(1), 1);  // 0.726 rounds to 1
  BOOST_CHECK_EQUAL(resampler.output_position(2), 1);  // 1.451 rounds to 1
  BOOST_CHECK(resampler.output_length(0) == 0 && resampler.resample({}).empty());
  check_error<Error>([] { Resampler(0, 16000); }, {"Resampler", "positive"});
  check_error<Error>([] { Resampler(22050, 16000, 1.5); }, {"cut-off"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(synth_phones)

BOOST_AUTO_TEST_CASE(every_espeak_phoneme_maps_to_one_of_timits_61) {
  std::set<std::string> seen;
  for (const auto& [espeak_phoneme, timit] : espeak_to_timit_table()) {
    BOOST_CHECK_MESSAGE(seen.insert(espeak_phoneme).second, "espeak phoneme " << espeak_phoneme << " is in the table twice");
    BOOST_CHECK_NO_THROW(speech::phone_index(speech::timit61(), timit));
    BOOST_CHECK_EQUAL(timit_phone(espeak_phoneme), timit);
  }
  BOOST_CHECK_EQUAL(timit_phone("t#"), "dx");
  BOOST_CHECK_EQUAL(timit_phone("?"), "q");
  BOOST_CHECK_EQUAL(timit_phone("3"), "axr");
  BOOST_CHECK(is_espeak_pause("_:") && is_espeak_pause("_") && !is_espeak_pause("a"));
}

BOOST_AUTO_TEST_CASE(an_unknown_espeak_phoneme_is_an_error_naming_it) {
  check_error<Error>([] { timit_phone("x"); }, {"'x'", "no TIMIT symbol"});
  check_error<Error>([] { timit_phone("_^_"); }, {"'_^_'"});  // espeak's language switch
  check_error<Error>([] { is_espeak_pause("l/"); }, {"'l/'"});
}

BOOST_AUTO_TEST_CASE(a_silence_before_a_release_becomes_the_stops_closure) {
  // aa is loud on [160, 640) and silent on [640, 800), where espeak's t event comes; 1 ms windows of 16 samples.
  std::vector<float> clean(1120, 0.0f);
  for (std::size_t i = 160; i < 640; ++i) clean[i] = static_cast<float>(1000 * std::sin(0.3 * i));
  for (std::size_t i = 800; i < 960; ++i) clean[i] = static_cast<float>(500 * std::sin(1.1 * i));
  const std::vector<speech::Segment> espeak_phones = {{0, 160, "h#"}, {160, 800, "aa"}, {800, 960, "t"}, {960, 1120, "h#"}};
  std::vector<speech::Segment> phones = espeak_phones;
  BOOST_CHECK_EQUAL(mark_stop_closures(phones, clean, 10), 1u);
  BOOST_REQUIRE_EQUAL(phones.size(), 5u);
  BOOST_CHECK(phones[1].label == "aa" && phones[1].begin == 160 && phones[1].end == 640);
  BOOST_CHECK(phones[2].label == "tcl" && phones[2].begin == 640 && phones[2].end == 800);
  BOOST_CHECK(phones[3].label == "t" && phones[3].begin == 800);

  // 4 ms of silence is no closure (at least 5 ms): nothing changes.
  std::vector<float> short_gap = clean;
  for (std::size_t i = 160; i < 736; ++i) short_gap[i] = static_cast<float>(1000 * std::sin(0.3 * i));
  phones = espeak_phones;
  BOOST_CHECK_EQUAL(mark_stop_closures(phones, short_gap, 10), 0u);
  BOOST_CHECK(same_segments(phones, espeak_phones));

  // After a pause the silence stays the pause; a voice bar (not silent) before d is no closure either.
  phones = {{0, 160, "h#"}, {160, 800, "pau"}, {800, 960, "t"}, {960, 1120, "h#"}};
  BOOST_CHECK_EQUAL(mark_stop_closures(phones, clean, 10), 0u);
  std::vector<float> voice_bar = clean;
  for (std::size_t i = 640; i < 800; ++i) voice_bar[i] = static_cast<float>(200 * std::sin(0.05 * i));
  phones = {{0, 160, "h#"}, {160, 800, "aa"}, {800, 960, "d"}, {960, 1120, "h#"}};
  BOOST_CHECK_EQUAL(mark_stop_closures(phones, voice_bar, 10), 0u);
  BOOST_CHECK_EQUAL(std::string(closure_symbol("jh")), "dcl");
  BOOST_CHECK_EQUAL(std::string(closure_symbol("ch")), "tcl");
  BOOST_CHECK_EQUAL(std::string(closure_symbol("g")), "gcl");
  BOOST_CHECK_EQUAL(std::string(closure_symbol("s")), "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(synth_corpus)

BOOST_AUTO_TEST_CASE(the_plan_splits_speakers_and_sentences_into_disjoint_parts) {
  CorpusOptions options;
  options.seed = 5;
  const CorpusPlan plan = plan_corpus(options, 1132);
  BOOST_REQUIRE_EQUAL(plan.speakers.size(), 32u);
  BOOST_REQUIRE_EQUAL(plan.utterances.size(), 320u);
  std::set<std::string> ids, voices;
  for (const Speaker& speaker : plan.speakers) {
    BOOST_CHECK(is_speaker_id(speaker.id));
    BOOST_CHECK_EQUAL(speaker.id[0], speaker.sex);
    BOOST_CHECK_EQUAL(speaker.sex == 'F', speaker.voice.name.find("+f") != std::string::npos);
    BOOST_CHECK(speaker.dialect_region >= 1 && speaker.dialect_region <= 8);
    ids.insert(speaker.id);
    voices.insert(speaker.voice.name + " " + std::to_string(speaker.voice.rate_wpm) + " " + std::to_string(speaker.voice.pitch));
  }
  BOOST_CHECK(in_timit_layout("TEST/DR8/FABC9/SI1132.TXT") && !in_timit_layout("TEST/DR9/FABC9/SI1132.TXT") &&
              !in_timit_layout("TRAIN/DR1/XABC0/SX1.WAV") && !in_timit_layout("TRAIN/DR1/MABC0/SA1.WAV") &&
              !in_timit_layout("TRAIN/DR1/MABC0/SX1.wav"));  // the checker itself
  BOOST_CHECK_EQUAL(ids.size(), 32u);
  BOOST_CHECK_EQUAL(voices.size(), 32u);  // no two speakers share a voice
  // TIMIT's size: 630 distinct ids, none of them a real core-test or development speaker.
  const CorpusPlan full = plan_corpus(CorpusOptions::full(), 1132);
  BOOST_CHECK_EQUAL(full.speakers.size(), 630u);
  BOOST_CHECK_EQUAL(full.utterances.size(), 5040u);
  std::set<std::string> full_ids;
  for (const Speaker& speaker : full.speakers) full_ids.insert(speaker.id);
  BOOST_CHECK_EQUAL(full_ids.size(), 630u);
  for (const auto* list : {&speech::core_test_speakers(), &speech::development_speakers()})
    for (const std::string& real : *list) {
      std::string id = real;
      for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      BOOST_CHECK_MESSAGE(!full_ids.count(id), "synthetic speaker " << id << " has a real TIMIT speaker's id");
    }
  std::set<std::size_t> prompts[2];
  std::map<std::string, std::size_t> per_speaker;
  for (const PlannedUtterance& utterance : plan.utterances) {
    const Speaker& speaker = plan.speakers[utterance.speaker];
    BOOST_CHECK(is_utterance_id(utterance.id));
    prompts[speaker.test].insert(utterance.prompt);
    ++per_speaker[speaker.id];
  }
  for (const auto& [id, count] : per_speaker) BOOST_CHECK_EQUAL(count, 10u);
  for (std::size_t p : prompts[0]) BOOST_CHECK_MESSAGE(!prompts[1].count(p), "prompt " << p << " is read in TRAIN and in TEST");
  BOOST_CHECK_EQUAL(std::count_if(plan.speakers.begin(), plan.speakers.end(), [](const Speaker& s) { return s.test; }), 8);

  CorpusOptions too_many;
  too_many.train_speakers = 700;
  too_many.test_speakers = 100;
  check_error<OptionError>([&] { plan_corpus(too_many, 1132); }, {"at most 756", "800"});
  CorpusOptions too_long;
  too_long.sentences_per_speaker = 300;
  check_error<OptionError>([&] { plan_corpus(too_long, 1132); }, {"--sentences-per-speaker", "TEST"});
}

BOOST_AUTO_TEST_CASE(phone_boundaries_are_where_the_audio_says) {
  // Without noise: h# and pau are near-silent inside (from 5 ms after their start to 5 ms before their end,
  // where the resampler's filter reaches across), at least 20 dB below the utterance's median vowel; every
  // vowel is loud; stop closures are silent. Six sentences, six voices (f2 and f5 breathe, so their pauses hold a faint decaying tail).
  const Resampler resampler(espeak().sample_rate(), kSampleRate);
  const std::vector<Prompt> prompts = arctic_prompts();
  const std::vector<EspeakVoice> voices = {{"en-us+m3", 160, 40}, {"en-us+f2", 205, 65}, {"en-us+m7", 130, 30},
                                           {"en-us+f5", 175, 50}, {"en-us+m1", 220, 70}, {"en-us+f1", 145, 35}};
  double worst_silence_db = -1000;
  std::size_t silences = 0, vowel_count = 0, closures = 0;
  for (std::size_t k = 0; k < voices.size(); ++k) {
    const Utterance utterance = make_utterance(espeak(), resampler, voices[k], prompts[k * 150].text, INFINITY, 42 + k);
    std::vector<double> vowel_levels;
    for (const speech::Segment& phone : utterance.phones)
      if (vowels().count(phone.label)) vowel_levels.push_back(rms(utterance.samples, phone.begin, phone.end));
    BOOST_REQUIRE_GE(vowel_levels.size(), 5u);
    std::sort(vowel_levels.begin(), vowel_levels.end());
    const double median_vowel = vowel_levels[vowel_levels.size() / 2];
    for (const speech::Segment& phone : utterance.phones) {
      if (phone.label.size() == 3 && phone.label.compare(1, 2, "cl") == 0) {
        // A closure: silent all through.
        const double level = rms(utterance.samples, phone.begin, phone.end);
        ++closures;
        BOOST_CHECK_MESSAGE(level < median_vowel / 10, phone.label << " [" << phone.begin << ", " << phone.end << ") has rms " << level);
      } else if (phone.label == "h#" || phone.label == "pau") {
        if (phone.end - phone.begin <= 160) continue;
        const double level = rms(utterance.samples, phone.begin + 80, phone.end - 80);
        worst_silence_db = std::max(worst_silence_db, 20 * std::log10(std::max(level, 1e-9) / median_vowel));
        ++silences;
        BOOST_CHECK_MESSAGE(level < median_vowel / 10, phone.label << " [" << phone.begin << ", " << phone.end << ") in '" << utterance.text
                                                                   << "' has rms " << level << ", the median vowel " << median_vowel);
      } else if (vowels().count(phone.label)) {
        const double level = rms(utterance.samples, phone.begin, phone.end);
        ++vowel_count;
        BOOST_CHECK_MESSAGE(level > 300 && level > median_vowel / 10,
                            phone.label << " [" << phone.begin << ", " << phone.end << ") in '" << utterance.text << "' has rms " << level);
      }
    }
  }
  BOOST_TEST_MESSAGE(silences << " silences, the loudest " << worst_silence_db << " dB against its utterance's median vowel; " << vowel_count
                              << " vowels; " << closures << " closures");
  BOOST_CHECK_GE(closures, 5u);
  BOOST_CHECK_GE(silences, 12u);  // h# at both ends of each
  BOOST_CHECK_GE(vowel_count, 40u);
}

BOOST_AUTO_TEST_CASE(an_utterance_depends_only_on_its_arguments_and_the_noise_has_its_snr) {
  const Resampler resampler(espeak().sample_rate(), kSampleRate);
  const std::string text = "She had your dark suit in greasy wash water all year.";
  const EspeakVoice voice{"en-us+f2", 175, 50};  // f2 breathes: espeak's rand() is reseeded per utterance
  const Utterance first = make_utterance(espeak(), resampler, voice, text, 10, 7);
  make_utterance(espeak(), resampler, {"en-us+m1", 220, 70}, "Something else first.", 10, 8);
  const Utterance again = make_utterance(espeak(), resampler, voice, text, 10, 7);
  BOOST_CHECK(first.samples == again.samples);
  BOOST_CHECK_EQUAL(first.phones.size(), again.phones.size());
  // The clean utterance with the same seed has the same espeak output and padding; the difference is the noise.
  const Utterance clean = make_utterance(espeak(), resampler, voice, text, INFINITY, 7);
  BOOST_REQUIRE_EQUAL(clean.samples.size(), first.samples.size());
  const std::int64_t speech_begin = clean.phones.front().end, speech_end = clean.phones.back().begin;
  double signal = 0, noise = 0;
  for (std::int64_t i = speech_begin; i < speech_end; ++i) signal += std::pow(static_cast<double>(clean.samples[i]), 2);
  for (std::size_t i = 0; i < clean.samples.size(); ++i) noise += std::pow(static_cast<double>(first.samples[i]) - clean.samples[i], 2);
  const double snr = 10 * std::log10((signal / static_cast<double>(speech_end - speech_begin)) / (noise / clean.samples.size()));
  BOOST_TEST_MESSAGE("measured SNR " << snr << " dB for 10 dB asked");
  // The speech's power is measured over espeak's whole output, which includes its own pauses at the ends,
  // a little longer than [h# end, last h# begin): the measured ratio is a little above 10 dB.
  BOOST_CHECK(snr > 9.8 && snr < 11.0);
  const Utterance other_seed = make_utterance(espeak(), resampler, voice, text, 10, 8);
  BOOST_CHECK(other_seed.samples != first.samples);
}

BOOST_AUTO_TEST_CASE(a_tiny_corpus_in_timits_layout_read_back_and_made_again) {
  const std::vector<Prompt> prompts = arctic_prompts();
  const ScratchDir scratch("synth");
  CorpusOptions options;
  options.train_speakers = 1;
  options.test_speakers = 1;
  options.sentences_per_speaker = 2;
  std::ostringstream log;
  const std::string out = scratch.file("timit");
  const CorpusSummary summary = write_corpus(out, options, prompts, espeak(), log);
  BOOST_CHECK_EQUAL(summary.utterances, 4u);
  BOOST_CHECK(!summary.left_alone);

  // The tree: <out>/TRAIN|TEST/DR<k>/<SPEAKER>/<UTT>.WAV|.PHN|.WRD|.TXT, 4 files per utterance, and the manifest.
  const auto files = tree(out);
  BOOST_CHECK_EQUAL(files.size(), 4u * 4u + 1u);
  BOOST_CHECK(files.count(kManifestName));
  std::set<std::string> speakers[2];
  for (const auto& [path, bytes] : files) {
    if (path == kManifestName) continue;
    BOOST_CHECK_MESSAGE(in_timit_layout(path), path << " is not in TIMIT's layout");
    const fs::path p(path);
    speakers[path.rfind("TEST/", 0) == 0].insert(p.parent_path().filename().string());
    if (p.extension() != ".WAV") continue;
    // Each utterance read back with modules/speech's readers.
    const std::string base = (fs::path(out) / p).replace_extension().string();
    const speech::SphereAudio audio = speech::read_sphere(base + ".WAV");
    BOOST_CHECK_EQUAL(audio.sample_rate, 16000);
    BOOST_CHECK_EQUAL(audio.fields.at("database_id"), "TIMIT-SYNTH");
    const std::int64_t n = static_cast<std::int64_t>(audio.samples.size());
    BOOST_CHECK_GT(n, 16000);
    const std::vector<speech::Segment> phones = speech::read_segments(base + ".PHN", n, true);
    BOOST_REQUIRE_GE(phones.size(), 3u);
    BOOST_CHECK_EQUAL(phones.front().begin, 0);
    BOOST_CHECK_EQUAL(phones.back().end, n);
    BOOST_CHECK_EQUAL(phones.front().label, "h#");
    BOOST_CHECK_EQUAL(phones.back().label, "h#");
    for (const speech::Segment& phone : phones) BOOST_CHECK_NO_THROW(speech::phone_index(speech::timit61(), phone.label));
    const std::vector<speech::Segment> words = speech::read_segments(base + ".WRD", n);
    BOOST_CHECK(!words.empty());
    std::set<std::int64_t> phone_boundaries;
    for (const speech::Segment& phone : phones) phone_boundaries.insert({phone.begin, phone.end});
    for (const speech::Segment& word : words) {
      BOOST_CHECK(phone_boundaries.count(word.begin) && phone_boundaries.count(word.end));  // words start and end on phones
      BOOST_CHECK(word.begin >= phones.front().end && word.end <= phones.back().begin);  // inside the speech
    }
    const std::string text = speech::read_prompt(base + ".TXT");
    BOOST_CHECK(std::any_of(prompts.begin(), prompts.end(), [&](const Prompt& prompt) { return prompt.text == text; }));
  }
  BOOST_CHECK_EQUAL(speakers[0].size(), 1u);
  BOOST_CHECK_EQUAL(speakers[1].size(), 1u);
  // modules/speech's TIMIT reader finds the four utterances and loads them.
  const std::vector<speech::TimitUtterance> scanned = speech::scan_timit(out);
  BOOST_REQUIRE_EQUAL(scanned.size(), 4u);
  for (const speech::TimitUtterance& utterance : scanned) BOOST_CHECK(!speech::load_utterance(utterance).phones.empty());
  for (const std::string& speaker : speakers[0]) BOOST_CHECK_MESSAGE(!speakers[1].count(speaker), speaker << " in TRAIN and TEST");

  // A finished corpus passes the check and is left alone.
  const std::string recipe = corpus_recipe(options, prompts, espeak().version());
  BOOST_CHECK_NO_THROW(check_corpus(out, recipe));
  BOOST_CHECK(write_corpus(out, options, prompts, espeak(), log).left_alone);

  // Same seed elsewhere: the same bytes. Another seed: other files.
  const std::string again = scratch.file("again");
  write_corpus(again, options, prompts, espeak(), log);
  BOOST_CHECK(tree(again) == files);
  CorpusOptions reseeded = options;
  reseeded.seed = options.seed + 1;
  const std::string other = scratch.file("other");
  write_corpus(other, reseeded, prompts, espeak(), log);
  BOOST_CHECK(tree(other) != files);
  check_error<FileError>([&] { check_corpus(other, recipe); }, {kManifestName, "another recipe"});

  // A changed file fails the check, naming it, and the next run makes the corpus again.
  const std::string some_wav = (fs::path(out) / std::find_if(files.begin(), files.end(), [](const auto& f) {
                                                   return fs::path(f.first).extension() == ".WAV";
                                                 })->first).string();
  std::vector<std::uint8_t> bytes = lecon::test::read_all(some_wav);
  bytes[2000] ^= 1;
  lecon::test::write_bytes(some_wav, bytes);
  check_error<FileError>([&] { check_corpus(out, recipe); }, {some_wav, "differs"});
  BOOST_CHECK(!write_corpus(out, options, prompts, espeak(), log).left_alone);
  BOOST_CHECK(tree(out) == files);

  // A folder that is not such a corpus (a real TIMIT, say) is not written into.
  const std::string foreign = scratch.file("foreign");
  fs::create_directories(foreign + "/TRAIN");
  check_error<FileError>([&] { write_corpus(foreign, options, prompts, espeak(), log); }, {foreign, "not a corpus"});
}

BOOST_AUTO_TEST_SUITE_END()
