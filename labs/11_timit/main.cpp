// Lab 11: phone recognition on TIMIT, the lecture's speech benchmark (its TIMIT table: random NN 1989 26.1,
// DNN 2014 18.2, DNN-HMM 2014 12.3, human 2-4). The real pipeline: the corpus tree (modules/speech), MFCC
// features with Δ and ΔΔ normalised per speaker, frame classifiers (softmax regression, an MLP, a DBN-DNN
// pretrained with Gaussian visible units, an LSTM and a bidirectional LSTM), and hybrid decoding: frame
// posteriors / priors through a Viterbi phone loop with a bigram, scored on 39 phones after Lee & Hon's
// folding. On the synthetic TIMIT-format corpus (espeak-ng, `make data`) by default, on real TIMIT with
// --timit-dir; synthetic rows say so, since their figures are not comparable with the published ones.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <set>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/dbn/dbn.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/lab_fit.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/rnn/bidirectional.hpp"
#include "lecon/rnn/lstm.hpp"
#include "lecon/rnn/sequence_loss.hpp"
#include "lecon/rnn/time_distributed.hpp"
#include "lecon/speech/decoding.hpp"
#include "lecon/speech/features.hpp"
#include "lecon/speech/phones.hpp"
#include "lecon/speech/targets.hpp"
#include "lecon/speech/timit.hpp"

namespace {

using namespace lecon;
using namespace lecon::speech;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kClasses = 48;  // training classes [paper: Lee & Hon 1989]
constexpr std::size_t kContext = 5;   // ±5 frames into the frame classifiers: 11 x 39 = 429 inputs
const FeatureOptions kFeatures;       // 25 ms Hamming windows every 10 ms, 40 mel bands, 13 MFCC

// One utterance, ready for the models.
struct Utterance {
  std::string id;                     // speaker/sentence
  std::string speaker;
  arma::Mat<Real> features;           // (39 x T): MFCC c0..c12, Δ, ΔΔ, normalised per speaker
  std::vector<int> labels;            // per frame: class in timit48(), −1 where none (q, or past the last phone)
  std::vector<std::size_t> reference; // the phone string folded to 39 classes, repeats collapsed (q removed)
  arma::mat log_mel;                  // (40 x T), kept for the spectrogram of the first test utterance
  std::vector<Segment> phones;        // the .PHN segments, likewise
};

struct Corpus {
  std::vector<Utterance> train, dev, test;
  bool synthetic = true;
  std::string description;
};

Utterance prepare(const TimitUtterance& u, bool keep_display) {
  const LoadedUtterance loaded = load_utterance(u);
  if (loaded.audio.sample_rate != kFeatures.sample_rate)
    throw FileError(u.audio_path, "sampled at " + std::to_string(loaded.audio.sample_rate) + " Hz (expected 16000, as TIMIT)");
  Utterance out;
  out.id = u.speaker + "/" + u.sentence;
  out.speaker = u.speaker;
  const arma::mat log_mel = log_mel_energies(loaded.audio.samples, kFeatures);
  if (log_mel.n_cols == 0) throw FileError(u.audio_path, "shorter than one 25 ms frame");
  out.features = arma::conv_to<arma::Mat<Real>>::from(with_deltas(mfcc_from_log_mel(log_mel, kFeatures)));
  out.labels = frame_classes(loaded.phones, log_mel.n_cols, kFeatures.window, kFeatures.hop);
  out.reference = scoring_string(loaded.phones);
  if (keep_display) {
    out.log_mel = log_mel;
    out.phones = loaded.phones;
  }
  return out;
}

// Per-speaker mean and variance normalisation of the features.
void normalise_per_speaker(std::vector<Utterance>& utterances) {
  std::map<std::string, std::vector<Utterance*>> by_speaker;
  for (Utterance& u : utterances) by_speaker[u.speaker].push_back(&u);
  for (auto& [speaker, list] : by_speaker) {
    std::vector<arma::mat> parts;
    for (Utterance* u : list) parts.push_back(arma::conv_to<arma::mat>::from(u->features));
    std::vector<const arma::mat*> pointers;
    for (const arma::mat& p : parts) pointers.push_back(&p);
    FeatureNormaliser normaliser;
    normaliser.fit(pointers);
    for (std::size_t i = 0; i < list.size(); ++i) {
      normaliser.apply(parts[i]);
      list[i]->features = arma::conv_to<arma::Mat<Real>>::from(parts[i]);
    }
  }
}

// Every k-th utterance up to `limit` (0: all), so that a subset still covers every speaker.
std::vector<TimitUtterance> spread(const std::vector<TimitUtterance>& all, std::size_t limit) {
  if (limit == 0 || limit >= all.size()) return all;
  std::vector<TimitUtterance> out;
  for (std::size_t i = 0; i < limit; ++i) out.push_back(all[i * all.size() / limit]);
  return out;
}

Corpus load_corpus(const LabContext& ctx, const std::string& dir, bool synthetic, std::size_t train_limit, std::size_t test_limit) {
  if (!std::filesystem::is_directory(dir))
    throw FileError(dir, synthetic ? "no synthetic TIMIT-format corpus here; `make data` generates it (data/timit-synth), or give real TIMIT with --timit-dir"
                                   : "not a directory (--timit-dir: the TIMIT corpus, TRAIN/ and TEST/ inside)");
  const std::vector<TimitUtterance> all = scan_timit(dir);
  TimitSets sets = standard_sets(all);
  Corpus corpus;
  corpus.synthetic = synthetic;
  if (sets.core_test.empty()) {
    // Not the real corpus's speakers (the synthetic corpus): test on the whole TEST part and hold out the last
    // tenth of the training speakers for development.
    std::vector<std::string> speakers;
    for (const TimitUtterance& u : sets.train)
      if (speakers.empty() || speakers.back() != u.speaker) speakers.push_back(u.speaker);
    const std::size_t held = std::max<std::size_t>(1, speakers.size() / 10);
    const std::set<std::string> dev_speakers(speakers.end() - static_cast<long>(held), speakers.end());
    std::vector<TimitUtterance> train, dev, test;
    for (const TimitUtterance& u : sets.train) (dev_speakers.count(u.speaker) ? dev : train).push_back(u);
    for (const TimitUtterance& u : all)
      if (u.part == "test") test.push_back(u);
    sets = {train, dev, test};
    corpus.description = std::to_string(speakers.size() - held) + " training and " + std::to_string(held) +
                         " development speakers from TRAIN, every TEST speaker for testing";
  } else {
    corpus.description = "the 462 training speakers, Halberstadt's 50 development and 24 core-test speakers";
  }
  if (sets.train.empty() || sets.development.empty() || sets.core_test.empty())
    throw FileError(dir, "needs training, development and test utterances; found " + std::to_string(sets.train.size()) + ", " +
                             std::to_string(sets.development.size()) + " and " + std::to_string(sets.core_test.size()));
  const auto start = Clock::now();
  for (const TimitUtterance& u : spread(sets.train, train_limit)) corpus.train.push_back(prepare(u, false));
  for (const TimitUtterance& u : spread(sets.development, test_limit)) corpus.dev.push_back(prepare(u, false));
  bool first = true;
  for (const TimitUtterance& u : spread(sets.core_test, test_limit)) {
    corpus.test.push_back(prepare(u, first));
    first = false;
  }
  for (auto* part : {&corpus.train, &corpus.dev, &corpus.test}) normalise_per_speaker(*part);
  std::size_t frames = 0;
  for (const Utterance& u : corpus.train) frames += u.labels.size();
  std::cout << "corpus: " << dir << (synthetic ? " (synthetic, espeak-ng)" : "") << ": " << corpus.train.size() << " training, "
            << corpus.dev.size() << " development, " << corpus.test.size() << " test utterances (" << corpus.description << "); "
            << frames << " training frames; features in " << fixed(seconds_since(start), 1) << " s\n";
  (void)ctx;
  return corpus;
}

// The labelled frames of a set with ±k context: x (n, 39 (2k + 1)), one-hot targets (n, 48), labels (n).
struct Frames {
  Tensor<Real> x, targets;
  arma::uvec labels;
};

Frames frames_of(const std::vector<Utterance>& utterances) {
  std::size_t n = 0;
  for (const Utterance& u : utterances)
    for (int label : u.labels) n += label >= 0;
  const std::size_t d = 39 * (2 * kContext + 1);
  arma::Mat<Real> x(d, n), targets(kClasses, n, arma::fill::zeros);
  arma::uvec labels(n);
  std::size_t j = 0;
  for (const Utterance& u : utterances) {
    const arma::Mat<Real> stacked = arma::conv_to<arma::Mat<Real>>::from(stack_context(arma::conv_to<arma::mat>::from(u.features), kContext));
    for (std::size_t t = 0; t < u.labels.size(); ++t) {
      if (u.labels[t] < 0) continue;
      x.col(j) = stacked.col(t);
      targets(static_cast<arma::uword>(u.labels[t]), j) = 1;
      labels(j) = static_cast<arma::uword>(u.labels[t]);
      ++j;
    }
  }
  return {Tensor<Real>::from_columns(std::move(x)), Tensor<Real>::from_columns(std::move(targets)), labels};
}

// Utterances cut into chunks of `steps` frames for the recurrent models: x (n, steps, 1 + 39) with the mask
// as feature 0, targets (n, steps, 48), all-zero rows at padded or unlabelled steps.
std::pair<Tensor<Real>, Tensor<Real>> chunks_of(const std::vector<Utterance>& utterances, std::size_t steps) {
  std::size_t n = 0;
  for (const Utterance& u : utterances) n += (u.labels.size() + steps - 1) / steps;
  Tensor<Real> x(Shape{n, steps, 40}), t(Shape{n, steps, kClasses});
  arma::Mat<Real>& X = x.matrix();
  arma::Mat<Real>& Y = t.matrix();
  X.zeros();
  Y.zeros();
  std::size_t i = 0;
  for (const Utterance& u : utterances)
    for (std::size_t begin = 0; begin < u.labels.size(); begin += steps, ++i)
      for (std::size_t s = 0; s < steps && begin + s < u.labels.size(); ++s) {
        X(s * 40, i) = 1;
        X.submat(s * 40 + 1, i, s * 40 + 39, i) = u.features.col(begin + s);
        if (u.labels[begin + s] >= 0) Y(s * kClasses + static_cast<arma::uword>(u.labels[begin + s]), i) = 1;
      }
  return {x, t};
}

// A model's frame posteriors for one utterance: log p(q | x_t), (48 x T).
using PosteriorFunction = std::function<arma::mat(const Utterance&)>;

arma::mat log_softmax_columns(const arma::Mat<Real>& logits) {
  arma::mat z = arma::conv_to<arma::mat>::from(logits);
  const arma::rowvec top = arma::max(z, 0);
  z.each_row() -= top;
  const arma::rowvec log_sum = arma::log(arma::sum(arma::exp(z), 0));
  z.each_row() -= log_sum;
  return z;
}

PosteriorFunction frame_model_posteriors(Sequential<Real>& model) {
  return [&model](const Utterance& u) {
    const arma::Mat<Real> stacked = arma::conv_to<arma::Mat<Real>>::from(stack_context(arma::conv_to<arma::mat>::from(u.features), kContext));
    const Tensor<Real> logits = model.predict(Tensor<Real>::from_columns(stacked));
    return log_softmax_columns(logits.matrix());
  };
}

PosteriorFunction sequence_model_posteriors(Sequential<Real>& model) {
  return [&model](const Utterance& u) {
    const std::size_t T = u.features.n_cols;
    Tensor<Real> x(Shape{1, T, 40});
    for (std::size_t s = 0; s < T; ++s) {
      x.matrix()(s * 40, 0) = 1;
      x.matrix().submat(s * 40 + 1, 0, s * 40 + 39, 0) = u.features.col(s);
    }
    const Tensor<Real> y = model.predict(x, 1);
    return log_softmax_columns(arma::reshape(y.matrix(), kClasses, T));
  };
}

struct Scores {
  double frame_error = 0, phone_error = 0;
  EditCounts counts;
  arma::umat confusion;  // (39 x 39) frames: row = reference, column = recognised
};

// Frame error rate and phone error rate (39 classes) of one model on a set, with the decoder's settings.
Scores score(const std::vector<Utterance>& set, const std::vector<arma::mat>& posteriors, const arma::vec& log_prior, double prior_scale,
             const PhoneBigram& bigram, const PhoneLoopOptions& options) {
  Scores s;
  s.confusion.zeros(timit39().size(), timit39().size());
  const std::vector<std::size_t>& to39 = classes_48_to_39();
  std::size_t frames = 0, wrong = 0;
  for (std::size_t i = 0; i < set.size(); ++i) {
    const arma::mat& lp = posteriors[i];
    for (std::size_t t = 0; t < set[i].labels.size(); ++t) {
      if (set[i].labels[t] < 0) continue;
      const std::size_t truth = to39[static_cast<std::size_t>(set[i].labels[t])], guess = to39[lp.col(t).index_max()];
      ++frames;
      wrong += truth != guess;
      ++s.confusion(truth, guess);
    }
    // Hybrid decoding: scaled likelihoods log p(q | x) − α log p(q) through the phone loop; a class the training
    // frames never had (prior 0) cannot be decoded.
    arma::mat scaled = lp;
    for (std::size_t q = 0; q < kClasses; ++q)
      scaled.row(q) += std::isfinite(log_prior(q)) ? -prior_scale * log_prior(q) : -std::numeric_limits<double>::infinity();
    std::vector<std::size_t> path = viterbi_phone_loop(scaled, bigram, options);
    for (std::size_t& q : path) q = to39[q];
    s.counts += edit_distance(set[i].reference, collapse_repeats(path));
  }
  s.frame_error = 100.0 * static_cast<double>(wrong) / static_cast<double>(std::max<std::size_t>(1, frames));
  s.phone_error = 100.0 * s.counts.error_rate();
  return s;
}

struct Decoder {
  arma::vec log_prior;
  PhoneBigram bigram;
};

Decoder decoder_from(const std::vector<Utterance>& train) {
  Decoder d;
  arma::vec counts(kClasses, arma::fill::zeros);
  std::vector<std::vector<std::size_t>> strings;
  for (const Utterance& u : train) {
    std::vector<std::size_t> labels;
    for (int label : u.labels)
      if (label >= 0) {
        counts(static_cast<arma::uword>(label)) += 1;
        labels.push_back(static_cast<std::size_t>(label));
      }
    strings.push_back(collapse_repeats(labels));
  }
  d.log_prior = arma::log(counts / arma::accu(counts));  // −inf for a class no training frame has
  d.bigram = estimate_bigram(strings, kClasses, 1.0);
  return d;
}

struct ModelResult {
  std::string name;
  Scores test;
  PhoneLoopOptions decoding;
  double prior_scale = 1;
  double seconds = 0;
};

// Chooses the bigram weight and insertion penalty on the development set, then scores the test set.
ModelResult evaluate_model(const std::string& name, const PosteriorFunction& posterior_of, const Corpus& corpus, const Decoder& decoder, double seconds) {
  std::vector<arma::mat> dev_posteriors, test_posteriors;
  for (const Utterance& u : corpus.dev) dev_posteriors.push_back(posterior_of(u));
  for (const Utterance& u : corpus.test) test_posteriors.push_back(posterior_of(u));
  ModelResult r;
  r.name = name;
  r.seconds = seconds;
  double best = 1e300;
  for (double prior_scale : {0.5, 1.0})
    for (double lm_weight : {1.0, 2.0, 4.0})
      for (double penalty : {0.0, -2.0, -4.0, -8.0}) {
        PhoneLoopOptions o;
        o.min_duration = 3;
        o.lm_weight = lm_weight;
        o.insertion_penalty = penalty;
        const double per = score(corpus.dev, dev_posteriors, decoder.log_prior, prior_scale, decoder.bigram, o).phone_error;
        if (per < best) best = per, r.decoding = o, r.prior_scale = prior_scale;
      }
  r.test = score(corpus.test, test_posteriors, decoder.log_prior, r.prior_scale, decoder.bigram, r.decoding);
  std::cout << "  " << name << ": test frame error " << fixed(r.test.frame_error, 2) << "%, phone error " << fixed(r.test.phone_error, 2)
            << "% (prior scale " << r.prior_scale << ", bigram weight " << r.decoding.lm_weight << ", insertion penalty "
            << r.decoding.insertion_penalty << ", chosen on development: " << fixed(best, 2) << "%)\n";
  return r;
}

struct Sizes {
  std::size_t hidden = 0, layers = 0, epochs = 0, pretrain_epochs = 0, lstm_units = 0, lstm_epochs = 0, steps = 100;
};

void fit_frames(Sequential<Real>& model, const Frames& train, std::size_t epochs, const std::string& label, const LabContext& ctx) {
  Adam<Real> adam(1e-3);
  FitOptions options{epochs, 256};
  FitProgress<Real> progress(label, options, train.x.batch(), FitProgress<Real>::Bars::per_run);
  Rng rng(ctx.seed + 101);
  lab_fit(model, SoftmaxCrossEntropy<Real>(), adam, train.x, train.targets, options, rng, {&progress});
}

const std::vector<std::string> kModels = {"softmax", "mlp", "dbn", "lstm", "blstm"};

void run(const LabContext& ctx) {
  const auto start = Clock::now();
  const std::string timit_dir = ctx.options["timit-dir"].as<std::string>();
  // Default: the synthetic corpus of make data (in full mode its TIMIT-sized version when make data
  // TIMIT_SYNTH=full wrote it). A corpus is synthetic when its generator's manifest is there, however given.
  const std::string full_synthetic = ctx.data_dir + "/timit-synth-full";
  const std::string dir = !timit_dir.empty() ? timit_dir
                          : ctx.full && std::filesystem::exists(full_synthetic) ? full_synthetic
                                                                                 : ctx.data_dir + "/timit-synth";
  const bool synthetic = std::filesystem::exists(dir + "/LECON-SYNTH.TXT") || timit_dir.empty();
  const std::size_t limit = static_cast<std::size_t>(ctx.options["train-limit"].as<int>());
  const Corpus corpus = load_corpus(ctx, dir, synthetic, limit > 0 ? limit : (ctx.full ? 0 : 400), ctx.full ? 0 : 120);
  const auto epochs = static_cast<std::size_t>(ctx.epochs_or(8, 15));
  const Sizes sizes = ctx.full ? Sizes{1024, 3, epochs, 10, 256, epochs, 100} : Sizes{256, 2, epochs, 2, 96, epochs, 100};
  const std::vector<std::string> models = split_comma_list(ctx.options["models"].as<std::string>());
  auto wanted = [&](const std::string& m) { return std::find(models.begin(), models.end(), m) != models.end(); };

  const Frames train = frames_of(corpus.train);
  const Decoder decoder = decoder_from(corpus.train);
  std::vector<ModelResult> results;
  const std::size_t d = train.x.sample_size();

  // Majority class: the most frequent training class at every frame (the floor every model must clear).
  {
    const arma::uword majority = decoder.log_prior.index_max();
    arma::mat constant(kClasses, 1, arma::fill::value(-30.0));
    constant(majority, 0) = 0;
    results.push_back(evaluate_model("majority class (" + timit48()[majority] + ")",
                                     [&](const Utterance& u) { return arma::mat(arma::repmat(constant, 1, u.features.n_cols)); }, corpus, decoder, 0));
  }
  Rng init(ctx.seed + 7);
  if (wanted("softmax")) {
    const auto begin = Clock::now();
    Sequential<Real> model;
    model.add<Dense<Real>>(d, kClasses, init);
    fit_frames(model, train, sizes.epochs, "softmax regression", ctx);
    results.push_back(evaluate_model("softmax regression, 11 frames", frame_model_posteriors(model), corpus, decoder, seconds_since(begin)));
  }
  if (wanted("mlp")) {
    const auto begin = Clock::now();
    Sequential<Real> model;
    std::size_t in = d;
    for (std::size_t l = 0; l < sizes.layers; ++l) {
      model.add<Dense<Real>>(in, sizes.hidden, init).add<ActivationLayer<Real>>(Activation::relu);
      in = sizes.hidden;
    }
    model.add<Dense<Real>>(in, kClasses, init);
    const std::string name = "MLP " + std::to_string(sizes.layers) + "x" + std::to_string(sizes.hidden) + " ReLU";
    fit_frames(model, train, sizes.epochs, name, ctx);
    results.push_back(evaluate_model(name, frame_model_posteriors(model), corpus, decoder, seconds_since(begin)));
  }
  if (wanted("dbn")) {
    // [paper: Mohamed, Dahl & Hinton 2009]: a DBN with Gaussian visible units on the standardised features,
    // Bernoulli hidden layers, pretrained with CD-1, then a softmax layer and backpropagation.
    const auto begin = Clock::now();
    DbnOptions options = hinton_salakhutdinov_2006_dbn(std::vector<std::size_t>(sizes.layers, sizes.hidden), sizes.pretrain_epochs, false);
    options.visible = UnitKind::gaussian;
    // [paper: Hinton 2010, §13.2]: Gaussian visible units want a learning rate one or two orders smaller.
    RbmTrainingOptions& first = options.layers.front().training;
    first.learning_rate_weights = first.learning_rate_visible_biases = first.learning_rate_hidden_biases = 0.002;
    Rng rng(ctx.seed + 9);
    const Dbn<Real> dbn = pretrain_dbn<Real>(train.x, options, rng);
    Sequential<Real> model = dbn.classifier(kClasses, init);
    const std::string name = "DBN-DNN " + std::to_string(sizes.layers) + "x" + std::to_string(sizes.hidden) + " (Gaussian-Bernoulli RBMs)";
    fit_frames(model, train, sizes.epochs, name, ctx);
    results.push_back(evaluate_model(name, frame_model_posteriors(model), corpus, decoder, seconds_since(begin)));
  }
  const bool recurrent = wanted("lstm") || wanted("blstm");
  if (recurrent) {
    const auto [x, t] = chunks_of(corpus.train, sizes.steps);
    for (const std::string kind : {"lstm", "blstm"}) {
      if (!wanted(kind)) continue;
      const auto begin = Clock::now();
      Sequential<Real> model;
      const RecurrentOptions options = RecurrentOptions(sizes.lstm_units).sequences().with_mask();
      if (kind == "lstm") model.add<LSTM<Real>>(39, options, init).add<TimeDistributedDense<Real>>(sizes.lstm_units, kClasses, init, true);
      else model.add<Bidirectional<Real>>(RecurrentCell::lstm, 39, options, init).add<TimeDistributedDense<Real>>(2 * sizes.lstm_units, kClasses, init, true);
      const std::string name = (kind == "lstm" ? "LSTM " : "bidirectional LSTM 2x") + std::to_string(sizes.lstm_units);
      Adam<Real> adam(1e-3);
      FitOptions fit_options{sizes.lstm_epochs, 16};
      fit_options.accuracy = false;
      FitProgress<Real> progress(name, fit_options, x.batch(), FitProgress<Real>::Bars::per_run);
      Rng rng(ctx.seed + 103);
      lab_fit(model, SequenceSoftmaxCrossEntropy<Real>(), adam, x, t, fit_options, rng, {&progress});
      results.push_back(evaluate_model(name, sequence_model_posteriors(model), corpus, decoder, seconds_since(begin)));
    }
  }

  // The table in the lecture's shape: the slide's rows, the published rows, then ours.
  const std::string tag = synthetic ? " — synthetic (espeak-ng), not comparable" : "";
  Table table("TIMIT phone recognition: phone error rate % on 39 phones" + std::string(synthetic ? " (ours on the synthetic TIMIT-format corpus)" : ""),
              {"system", "published PER %", "source", "lecon frame error %", "lecon PER %", "decoding", "training"});
  table.add_row({"random NN, 1989", "26.1", "slide", "", "", "", ""});
  table.add_row({"DNN, 2014", "18.2", "slide; no source found", "", "", "", ""});
  table.add_row({"DNN-HMM, 2014", "12.3", "slide; no source found", "", "", "", ""});
  table.add_row({"human", "2-4", "slide", "", "", "", ""});
  table.add_row({"DBN-DNN, core test", "23.0", "[paper: Mohamed, Dahl & Hinton 2009]", "", "", "", ""});
  table.add_row({"DBN-DNN, core test", "20.7", "[paper: Mohamed, Dahl & Hinton 2012]", "", "", "", ""});
  table.add_row({"deep bidirectional LSTM, core test", "17.7", "[paper: Graves, Mohamed & Hinton 2013]", "", "", "", ""});
  for (const ModelResult& r : results)
    table.add_row({"lecon: " + r.name + tag, "", "", fixed(r.test.frame_error, 2), fixed(r.test.phone_error, 2),
                   "prior^" + fixed(r.prior_scale, 1) + ", bigram ×" + fixed(r.decoding.lm_weight, 0) + ", penalty " + fixed(r.decoding.insertion_penalty, 0),
                   r.seconds > 0 ? fixed(r.seconds, 1) + " s" : ""});
  table.add_note("lecon: MFCC c0-c12 + Δ + ΔΔ (25 ms Hamming windows every 10 ms, 40 mel filters), normalised per speaker; frame classifiers see ±" +
                 std::to_string(kContext) + " frames; 48 training classes folded to 39 for scoring [paper: Lee & Hon 1989]; hybrid decoding: "
                 "posterior / prior^α through a phone loop (3-frame minimum duration) with a bigram from the training transcriptions; α, the "
                 "bigram's weight and the insertion penalty chosen on the development set; PER = (substitutions + deletions + insertions) / reference phones");
  table.add_note("corpus: " + dir + ": " + corpus.description + "; " + std::to_string(corpus.train.size()) + " training, " + std::to_string(corpus.dev.size()) +
                 " development, " + std::to_string(corpus.test.size()) + " test utterances");
  if (synthetic)
    table.add_note("synthetic (espeak-ng) — not comparable: the corpus is espeak-ng's speech in TIMIT's format (data/README.md), not TIMIT; real "
                   "TIMIT (LDC93S1) runs with --timit-dir");
  table.add_note("the slide's 18.2 and 12.3 have no source that we found; TIMIT has 8 dialect regions (the slide says 10) (docs/references.md)");
  if (!ctx.full) table.add_note("quick mode: at most 400 training and 120 development/test utterances, small models, few epochs; --full uses all");
  table.print(std::cout);
  table.save(ctx.out_path("phone_error"));

  // The best model's confusions on 39 classes: the ten most frequent, and the whole matrix as CSV and picture.
  const auto best = std::min_element(results.begin() + 1, results.end(), [](const ModelResult& a, const ModelResult& b) { return a.test.phone_error < b.test.phone_error; });
  if (best != results.end()) {
    const arma::umat& c = best->test.confusion;
    Table confusions("The " + best->name + "'s most frequent frame confusions on the test set (39 classes)", {"reference", "recognised as", "frames", "share of the reference's frames %"});
    std::vector<std::tuple<arma::uword, arma::uword, arma::uword>> off;
    for (arma::uword i = 0; i < c.n_rows; ++i)
      for (arma::uword j = 0; j < c.n_cols; ++j)
        if (i != j && c(i, j) > 0) off.emplace_back(c(i, j), i, j);
    std::sort(off.rbegin(), off.rend());
    for (std::size_t k = 0; k < std::min<std::size_t>(10, off.size()); ++k) {
      const auto [count, i, j] = off[k];
      confusions.add_row({timit39()[i], timit39()[j], std::to_string(count), fixed(100.0 * static_cast<double>(count) / static_cast<double>(arma::accu(c.row(i))), 1)});
    }
    if (synthetic) confusions.set_data_label("synthetic (espeak-ng) TIMIT-format corpus, not TIMIT — not comparable");
    confusions.print(std::cout);
    confusions.save(ctx.out_path("confusions"));
    Plot plot;
    plot.title = best->name + ": frame confusions, row-normalised (39 phones)" + (synthetic ? ", synthetic corpus" : "");
    plot.xlabel = "recognised phone (index in the 39 set)";
    plot.ylabel = "reference phone";
    plot.key = KeyPlace::none;
    Heatmap& h = plot.heatmap;
    h.columns = h.rows = c.n_rows;
    h.x_min = h.y_min = 0;
    h.x_max = h.y_max = static_cast<double>(c.n_rows - 1);
    h.label = "share of the reference's frames";
    h.palette = "defined (0 '#ffffff', 1 '#08306b')";
    for (arma::uword r = 0; r < c.n_rows; ++r) {
      const double total = std::max<double>(1, static_cast<double>(arma::accu(c.row(r))));
      for (arma::uword col = 0; col < c.n_cols; ++col) h.values.push_back(static_cast<double>(c(r, col)) / total);
    }
    plot.save(ctx.out_path("confusion"));
  }

  // A spectrogram of the first test utterance with its phone boundaries.
  const Utterance& u = corpus.test.front();
  Plot spectrogram;
  spectrogram.title = "log mel spectrogram of " + u.id + " with its phone boundaries" + (synthetic ? " (synthetic, espeak-ng)" : "");
  spectrogram.xlabel = "time (frames of 10 ms)";
  spectrogram.ylabel = "mel band";
  spectrogram.key = KeyPlace::none;
  spectrogram.width = 1400;
  spectrogram.height = 500;
  Heatmap& h = spectrogram.heatmap;
  h.columns = u.log_mel.n_cols;
  h.rows = u.log_mel.n_rows;
  h.x_max = static_cast<double>(h.columns - 1);
  h.y_max = static_cast<double>(h.rows - 1);
  h.low = u.log_mel.max() - 14;  // a 14-nat (about 60 dB) range below the loudest bin
  h.high = u.log_mel.max();
  h.label = "log energy";
  h.equal_axes = false;
  h.palette = "defined (0 '#000004', 0.5 '#b73779', 1 '#fcfdbf')";
  for (arma::uword r = 0; r < u.log_mel.n_rows; ++r)
    for (arma::uword col = 0; col < u.log_mel.n_cols; ++col) h.values.push_back(u.log_mel(r, col));
  Series boundaries;
  boundaries.name = "phone boundaries";
  boundaries.style = "impulses lc rgb '#00ff00' lw 1";
  for (std::size_t k = 0; k < u.phones.size(); ++k) {
    const Segment& s = u.phones[k];
    const double frame = (static_cast<double>(s.begin) - kFeatures.window / 2.0) / static_cast<double>(kFeatures.hop);
    boundaries.x.push_back(frame);
    boundaries.y.push_back(static_cast<double>(h.rows - 1));
    spectrogram.mark({(static_cast<double>(s.begin + s.end) / 2 - kFeatures.window / 2.0) / static_cast<double>(kFeatures.hop),
                      static_cast<double>(h.rows) - (k % 2 == 0 ? 3.0 : 7.0), s.label, 0, 0, 0});  // alternate rows: labels of short phones overlap less
  }
  spectrogram.add(boundaries);
  spectrogram.save(ctx.out_path("spectrogram"));
  std::cout << "\nrun time: " << fixed(seconds_since(start) / 60, 1) << " min (" << (ctx.full ? "full" : "quick") << " mode)\n";
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("11_timit", "phone recognition on TIMIT (or the synthetic TIMIT-format corpus): MFCC features, frame classifiers, hybrid Viterbi decoding", true);
  lab.writes("phone_error.{md,csv}", "frame and phone error rates of every model beside the slide's and the published figures")
     .writes("confusions.{md,csv}", "the best model's ten most frequent frame confusions (39 phones)")
     .writes("confusion.{png,gp}", "its whole frame confusion matrix, row-normalised")
     .writes("spectrogram.{png,gp}", "the log mel spectrogram of a test utterance with its phone boundaries");
  lab.options().add_options()
    ("timit-dir", po::value<std::string>()->default_value(""), "the real TIMIT corpus (TRAIN/ and TEST/); default: the synthetic corpus in <data-dir>/timit-synth (in full mode <data-dir>/timit-synth-full when make data TIMIT_SYNTH=full wrote it)")
    ("models", po::value<std::string>()->default_value("softmax,mlp,dbn,lstm,blstm"), "models, comma-separated: softmax, mlp, dbn, lstm, blstm");
  lab.count_option("train-limit", 0, "training utterances (0: 400 in quick mode, all in full mode)", Range::at_least(0));
  lab.add_check([](const LabContext& ctx) {
    for (const std::string& m : nonempty_comma_list("models", ctx.options["models"].as<std::string>(), "one or more of softmax, mlp, dbn, lstm and blstm"))
      if (std::find(kModels.begin(), kModels.end(), m) == kModels.end())
        throw OptionError("--models: '" + m + "' is not a model of this lab; expected softmax, mlp, dbn, lstm or blstm");
  });
  return lab.run(argc, argv, run);
}
