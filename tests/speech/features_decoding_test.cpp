// Speech features against hand-computed values, phone decoding on hand-worked examples, and the TIMIT tree
// reader on a generated miniature corpus (issue 17; docs/speech.md).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>

#include "lecon/speech/decoding.hpp"
#include "lecon/speech/features.hpp"
#include "lecon/speech/phones.hpp"
#include "lecon/speech/timit.hpp"
#include "test_util.hpp"

using namespace lecon;
using namespace lecon::speech;
using lecon::test::check_error;
using lecon::test::ScratchDir;
using lecon::test::write_text;

namespace {

std::vector<std::int16_t> tone(double hz, double amplitude, std::size_t samples, int rate = 16000) {
  std::vector<std::int16_t> x(samples);
  for (std::size_t n = 0; n < samples; ++n) x[n] = static_cast<std::int16_t>(std::lround(amplitude * std::sin(2 * arma::datum::pi * hz * static_cast<double>(n) / rate)));
  return x;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(speech_features)

BOOST_AUTO_TEST_CASE(frames_and_filterbank_shape) {
  const FeatureOptions o;
  BOOST_CHECK_EQUAL(frame_count(399, o), 0u);
  BOOST_CHECK_EQUAL(frame_count(400, o), 1u);
  BOOST_CHECK_EQUAL(frame_count(16000, o), 98u);  // 1 + (16000 − 400) / 160
  const arma::mat H = mel_filterbank(o);
  BOOST_CHECK_EQUAL(H.n_rows, 40u);
  BOOST_CHECK_EQUAL(H.n_cols, 257u);
  BOOST_CHECK(arma::all(arma::vectorise(H) >= 0.0) && arma::all(arma::vectorise(H) <= 1.0));
  // Each triangle peaks near 1 (a bin lands close to its centre at the upper bands) and the centres rise.
  const arma::vec centres = mel_centres(o);
  BOOST_CHECK(arma::all(arma::diff(centres) > 0.0));
  BOOST_CHECK_GT(centres(0), 20.0);
  BOOST_CHECK_LT(centres(39), 8000.0);
  // The mel scale's definition: the centres are equally spaced in 2595 log10(1 + f / 700).
  const arma::vec mel = 2595 * arma::log10(1 + centres / 700);
  BOOST_CHECK_SMALL(arma::max(arma::abs(arma::diff(mel) - (mel(1) - mel(0)))), 1e-9);
  // Each filter peaks at the FFT bin nearest its centre (bin k is k · 16000 / 512 Hz); the nearest bin lies at most
  // half a bin from the apex, so the peak is at least 1 − 0.5 / (the triangle's rising width in bins).
  const double bin_hz = static_cast<double>(o.sample_rate) / static_cast<double>(o.fft_size);
  for (arma::uword m = 0; m < H.n_rows; ++m) {
    const double centre_bin = centres(m) / bin_hz;
    const double lower_edge = m == 0 ? o.low_frequency : centres(m - 1);
    const double rising_bins = (centres(m) - lower_edge) / bin_hz;
    BOOST_CHECK_LE(std::abs(static_cast<double>(H.row(m).index_max()) - centre_bin), 1.0);
    BOOST_CHECK_GE(H.row(m).max(), 1.0 - 0.5 / rising_bins - 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(a_1khz_tone_lands_in_the_band_centred_nearest_1khz) {
  const FeatureOptions o;
  const arma::mat F = log_mel_energies(tone(1000, 8000, 4000), o);
  const arma::vec centres = mel_centres(o);
  const arma::uword nearest = arma::index_min(arma::abs(centres - 1000.0));
  for (arma::uword t = 0; t < F.n_cols; ++t) BOOST_CHECK_EQUAL(F.col(t).index_max(), nearest);
  // And a 3 kHz tone in the band nearest 3 kHz.
  const arma::mat G = log_mel_energies(tone(3000, 8000, 4000), o);
  BOOST_CHECK_EQUAL(G.col(5).index_max(), arma::index_min(arma::abs(centres - 3000.0)));
}

BOOST_AUTO_TEST_CASE(power_spectrum_by_hand) {
  // One frame of a constant signal without pre-emphasis: P[0] = (Σ w[n] · a)², P[k] small away from 0.
  FeatureOptions o;
  o.preemphasis = 0;
  const std::vector<std::int16_t> x(400, 100);
  const arma::mat P = power_spectra(x, o);
  BOOST_REQUIRE_EQUAL(P.n_cols, 1u);
  double window_sum = 0;
  for (int n = 0; n < 400; ++n) window_sum += 0.54 - 0.46 * std::cos(2 * arma::datum::pi * n / 399.0);
  BOOST_CHECK_CLOSE(P(0, 0), std::pow(100 * window_sum, 2), 1e-9);
  BOOST_CHECK_LT(P(20, 0), 1e-4 * P(0, 0));  // Hamming's sidelobes stay below −42 dB
  // Pre-emphasis 0.97 leaves 3% of a constant: P[0] scales by 0.03².
  o.preemphasis = 0.97;
  const arma::mat Q = power_spectra(x, o);
  // the first sample of the frame is pre-emphasised against itself, so every sample becomes 3
  BOOST_CHECK_CLOSE(Q(0, 0), std::pow(3 * window_sum, 2), 1e-6);
}

BOOST_AUTO_TEST_CASE(mfcc_is_the_dct_of_the_log_mel_energies) {
  FeatureOptions o;
  o.lifter = 0;
  // A flat log-mel vector has all its energy in c0 = √(2/M) · M · value.
  arma::mat flat(40, 1, arma::fill::value(2.0));
  const arma::mat c = mfcc_from_log_mel(flat, o);
  BOOST_CHECK_CLOSE(c(0, 0), std::sqrt(2.0 / 40) * 40 * 2.0, 1e-9);
  BOOST_CHECK_SMALL(arma::max(arma::abs(c.rows(1, 12).col(0))), 1e-9);
  // A cosine at index 3 of the DCT basis appears in c3 alone.
  arma::mat cosine(40, 1);
  for (int m = 0; m < 40; ++m) cosine(m, 0) = std::cos(arma::datum::pi * 3 * (m + 0.5) / 40);
  const arma::mat d = mfcc_from_log_mel(cosine, o);
  BOOST_CHECK_CLOSE(d(3, 0), std::sqrt(2.0 / 40) * 20, 1e-9);
  BOOST_CHECK_SMALL(d(2, 0), 1e-9);
  BOOST_CHECK_SMALL(d(4, 0), 1e-9);
  // Liftering multiplies c_i by 1 + 11 sin(πi/22).
  o.lifter = 22;
  const arma::mat e = mfcc_from_log_mel(cosine, o);
  BOOST_CHECK_CLOSE(e(3, 0), d(3, 0) * (1 + 11 * std::sin(arma::datum::pi * 3 / 22)), 1e-9);
}

BOOST_AUTO_TEST_CASE(deltas_of_a_ramp_are_its_slope) {
  arma::mat ramp(1, 10);
  for (int t = 0; t < 10; ++t) ramp(0, t) = 3.0 * t;
  const arma::mat d = deltas(ramp);
  for (int t = 2; t < 8; ++t) BOOST_CHECK_CLOSE(d(0, t), 3.0, 1e-9);
  // At the edges the first/last frame repeats: Δ_0 = (1·(3 − 0) + 2·(6 − 0)) / 10 = 1.5
  BOOST_CHECK_CLOSE(d(0, 0), 1.5, 1e-9);
  const arma::mat all = with_deltas(ramp);
  BOOST_CHECK_EQUAL(all.n_rows, 3u);
  BOOST_CHECK_SMALL(all(2, 5), 1e-9);  // ΔΔ of a ramp: 0 inside
}

BOOST_AUTO_TEST_CASE(normalisation_and_context) {
  arma::mat a = {{1, 2, 3}, {10, 10, 10}};
  arma::mat b(2, 1);
  b(0, 0) = 5;
  b(1, 0) = 10;
  FeatureNormaliser n;
  n.fit({&a, &b});
  BOOST_CHECK_CLOSE(n.mean(0), 11.0 / 4, 1e-9);
  BOOST_CHECK_SMALL(n.sd(1), 1e-12);
  n.apply(a);
  BOOST_CHECK_SMALL(a(1, 0), 1e-6);  // a constant feature becomes 0, not NaN
  BOOST_CHECK(a.is_finite());
  const arma::mat x = {{1, 2, 3}};
  const arma::mat s = stack_context(x, 1);
  const arma::mat expected = {{1, 1, 2}, {1, 2, 3}, {2, 3, 3}};
  BOOST_CHECK(arma::approx_equal(s, expected, "absdiff", 0.0));
  check_error<Error>([] { FeatureOptions o; o.fft_size = 300; mel_filterbank(o); }, {"fft_size 300", "power of two"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(speech_decoding)

BOOST_AUTO_TEST_CASE(edit_distance_hand_worked) {
  // reference a b c d, hypothesis a x c d e: one substitution (b -> x), one insertion (e)
  EditCounts e = edit_distance({0, 1, 2, 3}, {0, 9, 2, 3, 4});
  BOOST_CHECK_EQUAL(e.substitutions, 1u);
  BOOST_CHECK_EQUAL(e.insertions, 1u);
  BOOST_CHECK_EQUAL(e.deletions, 0u);
  BOOST_CHECK_CLOSE(e.error_rate(), 0.5, 1e-12);
  // reference a b c, hypothesis c: two deletions
  e = edit_distance({0, 1, 2}, {2});
  BOOST_CHECK_EQUAL(e.deletions, 2u);
  BOOST_CHECK_EQUAL(e.errors(), 2u);
  BOOST_CHECK_EQUAL(edit_distance({}, {1, 2}).insertions, 2u);
  BOOST_CHECK_EQUAL(edit_distance({4, 4}, {4, 4}).errors(), 0u);
  // kitten -> sitting: 3 edits (2 substitutions, 1 insertion)
  const auto letters = [](const std::string& s) { return std::vector<std::size_t>(s.begin(), s.end()); };
  e = edit_distance(letters("kitten"), letters("sitting"));
  BOOST_CHECK_EQUAL(e.errors(), 3u);
  BOOST_CHECK_EQUAL(e.substitutions, 2u);
  EditCounts total = edit_distance({0, 1}, {0});
  total += edit_distance({2}, {3});
  BOOST_CHECK_EQUAL(total.errors(), 2u);
  BOOST_CHECK_EQUAL(total.reference_length, 3u);
}

BOOST_AUTO_TEST_CASE(collapse_and_bigram) {
  const std::vector<std::size_t> collapsed = collapse_repeats({3, 3, 5, 5, 5, 3});
  BOOST_CHECK((collapsed == std::vector<std::size_t>{3, 5, 3}));
  // Two sequences 0 1 0 and 0 2 over 3 classes, add-1: P(start = 0) = (2 + 1) / (2 + 3); P(1 | 0) = (1 + 1) / (2 + 3)
  const PhoneBigram b = estimate_bigram({{0, 1, 0}, {0, 2}}, 3, 1.0);
  BOOST_CHECK_CLOSE(std::exp(b.log_start(0)), 3.0 / 5, 1e-9);
  BOOST_CHECK_CLOSE(std::exp(b.log_transition(0, 1)), 2.0 / 5, 1e-9);
  BOOST_CHECK_CLOSE(std::exp(b.log_transition(1, 0)), 2.0 / 4, 1e-9);
  BOOST_CHECK_CLOSE(arma::accu(arma::exp(b.log_transition.row(2))), 1.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(viterbi_hand_worked) {
  // Three classes, 8 frames; the scores favour 0 0 0 1 1 1 2 2 with one noisy frame (frame 4 scores 3 for class 2, 0 for its true class 1).
  arma::mat scores(3, 8, arma::fill::value(-5.0));
  const std::vector<std::size_t> truth = {0, 0, 0, 1, 1, 1, 2, 2};
  for (std::size_t t = 0; t < 8; ++t) scores(truth[t], t) = 0.0;
  scores(2, 4) = 3.0;
  const PhoneBigram flat = estimate_bigram({}, 3, 1.0);
  test::check_error<Error>([] { estimate_bigram({}, 3, std::nan("")); }, {"estimate_bigram", "finite add_k > 0"});
  test::check_error<Error>([] { estimate_bigram({}, 3, HUGE_VAL); }, {"estimate_bigram", "finite add_k > 0"});
  FeatureOptions one_sample;
  one_sample.window = 1;
  one_sample.fft_size = 1;
  test::check_error<Error>([&] { mel_filterbank(one_sample); }, {"window of 1 sample, expected at least 2"});
  PhoneLoopOptions o;
  o.min_duration = 1;
  // Without a minimum duration the noisy frame becomes its own phone, 0 1 2 1 2: it gains 3 and its two extra
  // phone changes cost 2 log(1/3) = −2.2 under the flat bigram.
  std::vector<std::size_t> path = viterbi_phone_loop(scores, flat, o);
  BOOST_CHECK((collapse_repeats(path) == std::vector<std::size_t>{0, 1, 2, 1, 2}));
  // A penalty of −4 per phone change (−8 for the two extra ones) outweighs the noisy frame's gain.
  o.insertion_penalty = -4.0;
  path = viterbi_phone_loop(scores, flat, o);
  BOOST_CHECK((collapse_repeats(path) == std::vector<std::size_t>{0, 1, 2}));
  // So does a minimum duration of 2 frames without a penalty.
  o.insertion_penalty = 0;
  o.min_duration = 2;
  path = viterbi_phone_loop(scores, flat, o);
  BOOST_CHECK(path == truth);
  // A bigram that forbids 1 -> 2 in effect sends the path through 0 instead (cost of two frames of −5 is less).
  PhoneBigram no12 = flat;
  no12.log_transition(1, 2) = -100;
  o.min_duration = 1;
  path = viterbi_phone_loop(scores, no12, o);
  BOOST_CHECK(std::find(path.begin(), path.end(), 2u) != path.end());
  for (std::size_t t = 1; t < path.size(); ++t) BOOST_CHECK(!(path[t - 1] == 1 && path[t] == 2));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(speech_timit_tree)

BOOST_AUTO_TEST_CASE(scan_a_miniature_corpus) {
  ScratchDir dir("timit");
  namespace fs = std::filesystem;
  // Upper-case TRAIN like the CD, lower-case test like many copies; a core-test, a development and another speaker.
  auto utterance = [&](const std::string& folder, const std::string& name, std::size_t samples) {
    fs::create_directories(dir.path() / folder);
    write_sphere((dir.path() / folder / (name + ".WAV")).string(), std::vector<std::int16_t>(samples, 1), 16000);
    write_text((dir.path() / folder / (name + ".PHN")).string(), "0 100 h#\n100 " + std::to_string(samples) + " iy\n");
  };
  utterance("TRAIN/DR1/FCJF0", "SI1027", 400);
  utterance("TRAIN/DR1/FCJF0", "SA1", 400);
  utterance("TRAIN/DR2/MABC0", "SX10", 300);
  utterance("test/dr1/mdab0", "sx109", 500);
  utterance("test/dr1/faks0", "si943", 500);
  utterance("test/dr4/mxyz0", "sx1", 500);
  const std::vector<TimitUtterance> all = scan_timit(dir.path().string());
  BOOST_REQUIRE_EQUAL(all.size(), 5u);  // SA1 excluded
  BOOST_CHECK_EQUAL(all[0].part, "train");
  BOOST_CHECK_EQUAL(all[0].speaker, "fcjf0");
  BOOST_CHECK_EQUAL(all[0].sentence, "si1027");
  const TimitSets sets = standard_sets(all);
  BOOST_CHECK_EQUAL(sets.train.size(), 2u);
  BOOST_REQUIRE_EQUAL(sets.core_test.size(), 1u);
  BOOST_CHECK_EQUAL(sets.core_test[0].speaker, "mdab0");
  BOOST_REQUIRE_EQUAL(sets.development.size(), 1u);
  BOOST_CHECK_EQUAL(sets.development[0].speaker, "faks0");
  const LoadedUtterance u = load_utterance(sets.core_test[0]);
  BOOST_CHECK_EQUAL(u.audio.samples.size(), 500u);
  BOOST_CHECK_EQUAL(u.phones.back().label, "iy");
  BOOST_CHECK_EQUAL(core_test_speakers().size(), 24u);
  BOOST_CHECK_EQUAL(development_speakers().size(), 50u);
  // Missing .PHN, a phone outside the 61, a corpus without TEST.
  write_sphere((dir.path() / "test/dr4/mxyz0/SX2.WAV").string(), std::vector<std::int16_t>(10, 1), 16000);
  check_error<FileError>([&] { scan_timit(dir.path().string()); }, {"SX2.WAV", "no .PHN"});
  fs::remove(dir.path() / "test/dr4/mxyz0/SX2.WAV");
  write_text((dir.path() / "test/dr1/mdab0/sx109.PHN").string(), "0 100 h#\n100 500 zz\n");
  check_error<FileError>([&] { load_utterance(sets.core_test[0]); }, {"sx109.PHN", "'zz'", "61 symbols"});
  write_text((dir.path() / "test/dr1/mdab0/sx109.PHN").string(), "0 100 h#\n100 600 iy\n");
  check_error<FileError>([&] { load_utterance(sets.core_test[0]); }, {"sx109.PHN:2", "past the audio's 500 samples"});
  fs::remove_all(dir.path() / "test");
  check_error<FileError>([&] { scan_timit(dir.path().string()); }, {"no test folder"});
}

BOOST_AUTO_TEST_SUITE_END()
