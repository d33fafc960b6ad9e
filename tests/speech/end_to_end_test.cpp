// A tiny end-to-end run of the speech pipeline: a TIMIT-format corpus of "phones" made of tone pairs in
// noise, written by the tests, read back through the corpus reader, turned into MFCC+Δ+ΔΔ features normalised
// per speaker, a softmax frame classifier trained on it, and hybrid Viterbi decoding; the classifier must
// beat the majority-class frame error rate widely and the decoder must beat the majority class's phone
// error rate (issue 17; docs/speech.md).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <map>

#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/speech/decoding.hpp"
#include "lecon/speech/features.hpp"
#include "lecon/speech/phones.hpp"
#include "lecon/speech/targets.hpp"
#include "lecon/speech/timit.hpp"
#include "test_util.hpp"

using namespace lecon;
using namespace lecon::speech;

namespace {

const std::vector<std::string> kPhones = {"iy", "aa", "s", "m", "l", "f"};  // tone pairs at distinct frequencies

// One utterance: h#, 6-10 random phones of 50-150 ms, h#; a speaker's pitch factor shifts every tone.
void write_utterance(const std::filesystem::path& dir, const std::string& name, double shift, Rng& rng) {
  std::vector<Segment> segments;
  std::vector<std::int16_t> samples;
  auto add = [&](const std::string& label, std::size_t n) {
    const std::int64_t begin = static_cast<std::int64_t>(samples.size());
    const auto it = std::find(kPhones.begin(), kPhones.end(), label);
    const double i = static_cast<double>(it - kPhones.begin());
    for (std::size_t k = 0; k < n; ++k) {
      const double t = static_cast<double>(k) / 16000;
      double v = 300 * rng.normal();
      if (label != "h#") v += 3000 * std::sin(2 * M_PI * (250 + 200 * i) * shift * t) + 2000 * std::sin(2 * M_PI * (1100 + 400 * i) * shift * t);
      samples.push_back(static_cast<std::int16_t>(std::lround(std::clamp(v, -32768.0, 32767.0))));
    }
    segments.push_back({begin, static_cast<std::int64_t>(samples.size()), label});
  };
  add("h#", 2000);
  const std::size_t count = 6 + rng.uniform_int(5);
  for (std::size_t k = 0; k < count; ++k) add(kPhones[rng.uniform_int(kPhones.size())], 800 + rng.uniform_int(1600));
  add("h#", 2000);
  std::filesystem::create_directories(dir);
  write_sphere((dir / (name + ".WAV")).string(), samples, 16000);
  write_segments((dir / (name + ".PHN")).string(), segments);
}

struct Set {
  std::vector<arma::mat> features;           // (39 x T) per utterance, normalised per speaker
  std::vector<std::vector<int>> labels;      // per frame: class in timit48()
  std::vector<std::vector<std::size_t>> references;  // 39-class phone strings
};

Set load(const std::vector<TimitUtterance>& utterances) {
  const FeatureOptions o;
  Set set;
  std::map<std::string, std::vector<std::size_t>> by_speaker;
  for (const TimitUtterance& u : utterances) {
    const LoadedUtterance loaded = load_utterance(u);
    set.features.push_back(with_deltas(mfcc_from_log_mel(log_mel_energies(loaded.audio.samples, o), o)));
    set.labels.push_back(frame_classes(loaded.phones, set.features.back().n_cols, o.window, o.hop));
    set.references.push_back(scoring_string(loaded.phones));
    by_speaker[u.speaker].push_back(set.features.size() - 1);
  }
  for (const auto& [speaker, indices] : by_speaker) {
    std::vector<const arma::mat*> parts;
    for (std::size_t i : indices) parts.push_back(&set.features[i]);
    FeatureNormaliser n;
    n.fit(parts);
    for (std::size_t i : indices) n.apply(set.features[i]);
  }
  return set;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(speech_end_to_end)

BOOST_AUTO_TEST_CASE(softmax_frames_and_decoding_beat_the_majority_class) {
  lecon::test::ScratchDir dir("timit-tones");
  Rng rng(17);
  for (const auto& [part, speakers] : std::vector<std::pair<std::string, int>>{{"TRAIN", 8}, {"TEST", 3}})
    for (int k = 0; k < speakers; ++k) {
      const double shift = 0.9 + 0.2 * rng.uniform();
      const std::string speaker = std::string(1, 'M') + part.substr(0, 2) + static_cast<char>('A' + k) + "0";
      for (int j = 0; j < 4; ++j)
        write_utterance(dir.path() / part / ("DR" + std::to_string(1 + k % 8)) / speaker, "SX" + std::to_string(10 + j), shift, rng);
    }
  std::vector<TimitUtterance> train_list, test_list;
  for (const TimitUtterance& u : scan_timit(dir.path().string())) (u.part == "train" ? train_list : test_list).push_back(u);
  BOOST_REQUIRE_EQUAL(train_list.size(), 32u);
  BOOST_REQUIRE_EQUAL(test_list.size(), 12u);
  const Set train = load(train_list), test = load(test_list);

  // Frames with ±2 context, one-hot targets over the 48 classes.
  auto frames = [](const Set& set, arma::mat& x, arma::uvec& y) {
    std::vector<arma::mat> columns;
    std::vector<arma::uword> labels;
    for (std::size_t i = 0; i < set.features.size(); ++i) {
      const arma::mat stacked = stack_context(set.features[i], 2);
      for (std::size_t t = 0; t < set.labels[i].size(); ++t)
        if (set.labels[i][t] >= 0) {
          columns.push_back(stacked.col(t));
          labels.push_back(static_cast<arma::uword>(set.labels[i][t]));
        }
    }
    x.set_size(columns.front().n_rows, columns.size());
    for (std::size_t j = 0; j < columns.size(); ++j) x.col(j) = columns[j];
    y = arma::uvec(labels);
  };
  arma::mat x_train, x_test;
  arma::uvec y_train, y_test;
  frames(train, x_train, y_train);
  frames(test, x_test, y_test);
  arma::mat targets(48, y_train.n_elem, arma::fill::zeros);
  for (arma::uword j = 0; j < y_train.n_elem; ++j) targets(y_train(j), j) = 1;
  Sequential<double> model;
  Rng init(3);
  model.add<Dense<double>>(x_train.n_rows, 48, init);
  Adam<double> adam(1e-2);
  fit(model, SoftmaxCrossEntropy<double>(), adam, Tensor<double>::from_columns(x_train), Tensor<double>::from_columns(targets), FitOptions{15, 64}, init);

  // Frame error against the majority class's.
  arma::vec counts(48, arma::fill::zeros);
  for (arma::uword label : y_train) counts(label) += 1;
  const arma::uword majority = counts.index_max();
  const double majority_error = arma::mean(arma::conv_to<arma::vec>::from(y_test != majority));
  const Tensor<double> logits = model.predict(Tensor<double>::from_columns(x_test));
  const arma::urowvec guess = arma::index_max(logits.matrix(), 0);
  const double frame_error = arma::mean(arma::conv_to<arma::vec>::from(arma::uvec(guess.t()) != y_test));
  BOOST_TEST_MESSAGE("frame error " << frame_error << ", majority class " << majority_error);
  BOOST_CHECK_GT(majority_error, 0.6);
  BOOST_CHECK_LT(frame_error, 0.5 * majority_error);

  // Hybrid decoding with a bigram from the training strings: phone error well below the majority class's.
  std::vector<std::vector<std::size_t>> strings;
  for (const auto& labels : train.labels) {
    std::vector<std::size_t> s;
    for (int label : labels)
      if (label >= 0) s.push_back(static_cast<std::size_t>(label));
    strings.push_back(collapse_repeats(s));
  }
  const PhoneBigram bigram = estimate_bigram(strings, 48, 1.0);
  arma::vec log_prior = arma::log(counts / arma::accu(counts));
  EditCounts model_counts, majority_counts;
  for (std::size_t i = 0; i < test.features.size(); ++i) {
    const arma::mat stacked = stack_context(test.features[i], 2);
    arma::mat z = model.predict(Tensor<double>::from_columns(stacked)).matrix();
    z.each_row() -= arma::log(arma::sum(arma::exp(z.each_row() - arma::max(z, 0)), 0)) + arma::max(z, 0);
    for (arma::uword q = 0; q < 48; ++q) z.row(q) += std::isfinite(log_prior(q)) ? -log_prior(q) : -1e30;
    std::vector<std::size_t> path = viterbi_phone_loop(z, bigram, PhoneLoopOptions{});
    for (std::size_t& q : path) q = classes_48_to_39()[q];
    model_counts += edit_distance(test.references[i], collapse_repeats(path));
    majority_counts += edit_distance(test.references[i], {classes_48_to_39()[majority]});
  }
  BOOST_TEST_MESSAGE("phone error " << model_counts.error_rate() << ", majority class " << majority_counts.error_rate());
  BOOST_CHECK_LT(model_counts.error_rate(), 0.5 * majority_counts.error_rate());
}

BOOST_AUTO_TEST_SUITE_END()
