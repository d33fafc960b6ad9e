// Lab 08: RBMs and deep belief networks on MNIST. [paper: Hinton & Salakhutdinov 2006]: a 784-1000-500-250-30
// deep autoencoder pretrained with RBMs, unrolled and fine-tuned, against PCA with 30 components and against
// the same network without pretraining; 2-D codes against the first two principal components
// ([slide: Deep Belief Network Auto Encoder], "ACP vs Deep Belief Network"). [paper: Hinton, Osindero & Teh
// 2006]: a 784-500-500-2000-10 classifier, pretrained or not. A 500-hidden RBM trained with CD-1 and with
// CD-25: filters, samples of a Gibbs chain, its monitors, and its test log-probability by annealed
// importance sampling beside [paper: Salakhutdinov & Murray 2008].
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <iostream>
#include <sstream>

#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/dbn/dbn.hpp"
#include "lecon/dbn/dbn_io.hpp"
#include "lecon/labkit/captioned_grid.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/lab_fit.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/png.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/rbm/ais.hpp"
#include "lecon/rbm/contrastive_divergence.hpp"

namespace {

using namespace lecon;

// Published figures (docs/references.md).
// [paper: Hinton & Salakhutdinov 2006]: squared reconstruction error per MNIST test image of 30-D codes.
constexpr double kDeepAutoencoder = 3.00, kLogisticPca = 8.01, kPca = 13.87;
// [paper: Hinton & Salakhutdinov 2006]: 784-500-500-2000-10 test error %, pretrained and plain backpropagation;
// DeepLearningTutorials' DBN 3x1000.
constexpr double kPretrainedClassifier = 1.2, kBackpropClassifier = 1.6, kTutorialsDbn = 1.34;
// [paper: Salakhutdinov & Murray 2008, Table 2]: average test log-probability (nats) of 500-hidden RBMs on MNIST.
constexpr double kCd1LogProbability = -125.53, kCd3LogProbability = -105.50, kCd25LogProbability = -86.34;

// [paper: Salakhutdinov & Murray 2008]'s figure for an RBM 784-500 trained with CD-k, or NaN when the paper
// has none for that k.
double published_log_probability(std::size_t k) {
  if (k == 1) return kCd1LogProbability;
  if (k == 3) return kCd3LogProbability;
  if (k == 25) return kCd25LogProbability;
  return std::nan("");
}

using Clock = std::chrono::steady_clock;

// "1 epoch", "3 epochs".
std::string count_of(std::size_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

std::vector<std::size_t> first(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// The first n images, flattened to (n, 784) (n = 0 or n >= size: all).
Dataset flat_head(const Dataset& data, std::size_t n) {
  Dataset d = n > 0 && n < data.size() ? data.subset(arma::regspace<arma::uvec>(0, n - 1)) : data;
  d.x = d.x.reshaped(Shape{d.size(), d.x.sample_size()});
  return d;
}

// Squared reconstruction error per image, Σ_i (x_i − z_i)², averaged over the images.
double squared_error_per_image(const Tensor<Real>& x, const Tensor<Real>& z) {
  const arma::mat diff = arma::conv_to<arma::mat>::from(x.matrix()) - arma::conv_to<arma::mat>::from(z.matrix());
  return arma::accu(arma::square(diff)) / static_cast<double>(x.batch());
}

// [slide: Réseaux Auto Encoder]  PCA: the top-k eigenvectors U_k of the training covariance (SVD of the
// centred images); codes U_kᵀ(x − μ), reconstruction μ + U_k U_kᵀ(x − μ).
struct Pca {
  arma::vec mean;
  arma::mat U;  // d x k
  Pca(const Tensor<Real>& x, std::size_t k) {
    const arma::mat X = arma::conv_to<arma::mat>::from(x.matrix());
    mean = arma::mean(X, 1);
    arma::mat left, right;
    arma::vec s;
    if (!arma::svd_econ(left, s, right, arma::mat(X.each_col() - mean), "left")) throw Error("PCA: the SVD of the training images failed");
    U = left.head_cols(k);
  }
  arma::mat codes(const Tensor<Real>& x) const { return U.t() * (arma::conv_to<arma::mat>::from(x.matrix()).each_col() - mean); }
  Tensor<Real> reconstruct(const Tensor<Real>& x) const {
    arma::mat z = U * codes(x);
    z.each_col() += mean;
    return Tensor<Real>(x.shape(), arma::conv_to<arma::Mat<Real>>::from(z));
  }
};

// One line per pretrained RBM: its reconstruction error per epoch, first and last.
DbnEpochCallback layer_report(const std::string& label, const DbnOptions& options) {
  return [label, &options](std::size_t layer, std::size_t epoch, const RbmHistory& h) {
    if (epoch + 1 != options.layers[layer].training.epochs) return;
    double seconds = 0;
    for (double s : h.seconds) seconds += s;
    std::cout << "  " << label << " RBM " << layer + 1 << " (" << options.layers[layer].hidden_units << " "
              << unit_kind_name(options.layers[layer].hidden) << " hidden units): reconstruction error " << fixed(h.reconstruction_error.front(), 2)
              << " -> " << fixed(h.reconstruction_error.back(), 2) << " over " << h.reconstruction_error.size() << " epochs, " << fixed(seconds, 1)
              << " s\n";
  };
}

struct Settings {
  std::size_t train = 0, test = 0, pretrain_epochs = 0, finetune_epochs = 0;
  // The RBM part: k of each CD-k RBM, its epochs, ε and the annealing factor of the last epoch.
  std::vector<std::size_t> rbm_cd_steps;
  std::size_t rbm_epochs = 0;  // --rbm-epochs; 0: the mode's (rbm_epochs_for)
  std::vector<std::size_t> rbm_ais_epochs;  // epochs after which AIS also estimates the log-probability
  // "sm2008": Salakhutdinov & Murray 2008's regime (ε = 0.05, binary samples of the grey images, visible
  // states sampled in the chains); "hs2006": Hinton & Salakhutdinov 2006's layer recipe (ε = 0.1, pixels
  // thresholded at 0.5, mean-field reconstructions).
  std::string rbm_regime = "sm2008";
  // sm2008's binary samples: "once" (one fixed sample of every image, training and test: the binarised MNIST of
  // the paper's figures) or "each" (a fresh sample of every training image at every presentation).
  std::string rbm_binarise = "once";
  // The autoencoder part: which networks this run trains (pretrained, scratch, codes2d), and a pretrained
  // stack to load instead of pretraining (empty: pretrain).
  std::vector<std::string> ae_networks;
  std::string ae_pretrained;
  bool trains(const std::string& network) const { return std::find(ae_networks.begin(), ae_networks.end(), network) != ae_networks.end(); }
  double rbm_learning_rate = 0, rbm_final_factor = 1;  // ε 0: the regime's
  std::size_t rbm_cd_ramp = 0;                          // > 0: k raised by one every that many epochs, ε / k
  // The epochs of the CD-k RBM: --rbm-epochs when given; else the mode's pretraining epochs, and with a ramp at
  // least enough to reach k and train that many epochs at it (the paper's CD-25: k from 1 to 25, 10 epochs each).
  std::size_t rbm_epochs_for(std::size_t k) const { return rbm_epochs > 0 ? rbm_epochs : std::max(pretrain_epochs, rbm_cd_ramp * k); }
  std::string subset_note(const std::string& what) const {
    return "quick mode: " + std::to_string(train) + " training images, " + count_of(pretrain_epochs, "RBM epoch") + " per layer, " +
           count_of(finetune_epochs, what + " epoch") + " (the paper: 60,000 images, 50 and 200); --full runs the paper's recipe";
  }
};

// Fine-tunes the unrolled autoencoder on x: cross-entropy of the logistic output units, as the paper does for
// MNIST; Adam (η = 0.001, batch 100) in place of the paper's conjugate gradients.
double fine_tune(Sequential<Real>& model, const std::string& label, const Tensor<Real>& x, std::size_t epochs, std::uint64_t seed) {
  const auto start = Clock::now();
  Rng rng(seed);
  Adam<Real> adam(1e-3);
  const FitOptions options{epochs, 100};
  FitProgress<Real> progress(label, options, x.batch(), FitProgress<Real>::Bars::per_run);
  fine_tune_autoencoder(model, DeepAutoencoderLoss::cross_entropy, x, adam, options, rng, {&progress});
  return seconds_since(start);
}

// ---------------------------------------------------------------------------------------------------------
// 1. The deep autoencoder of Hinton & Salakhutdinov 2006: 30-D codes, then 2-D codes.
void deep_autoencoder(const LabContext& ctx, const DataSplit& mnist, const Settings& s) {
  const Dataset train = flat_head(mnist.train, s.train), test = flat_head(mnist.test, s.test);
  std::cout << "\nDeep autoencoder 784-1000-500-250-30 on " << train.size() << " MNIST images: RBMs pretrained greedily ("
            << s.pretrain_epochs << " epochs each), unrolled, fine-tuned for " << s.finetune_epochs << " epochs\n";
  const auto start = Clock::now();

  // The three lower RBMs are the same for the 30-D and the 2-D network (greedy pretraining trains them
  // identically); only the top, linear RBM differs. --ae-pretrained loads the 30-D stack an earlier run saved.
  Rng rng(ctx.seed);
  Dbn<Real> dbn30;
  std::vector<Rbm<Real>> lower_rbms;
  if (!s.ae_pretrained.empty()) {
    dbn30 = load_dbn<Real>(s.ae_pretrained);
    if (dbn30.layers() != 4 || dbn30.rbm(0).visible_units() != 784 || dbn30.rbm(3).hidden_units() != 30)
      throw Error(s.ae_pretrained + ": expected the pretrained 784-1000-500-250-30 stack this lab saves, got another network");
    for (std::size_t k = 0; k < 3; ++k) lower_rbms.push_back(dbn30.rbm(k));
    std::cout << "  the pretrained stack loaded from " << s.ae_pretrained << "\n";
  } else {
    const DbnOptions lower = hinton_salakhutdinov_2006_dbn({1000, 500, 250}, s.pretrain_epochs, false);
    const Dbn<Real> bottom = pretrain_dbn<Real>(train.x, lower, rng, layer_report("784-1000-500-250", lower));
    for (std::size_t k = 0; k < bottom.layers(); ++k) lower_rbms.push_back(bottom.rbm(k));
  }
  const Dbn<Real> bottom{std::vector<Rbm<Real>>(lower_rbms)};
  const Tensor<Real> codes_250 = bottom.encoders().predict(train.x);
  auto with_top = [&](std::size_t code_units) {
    DbnOptions top = hinton_salakhutdinov_2006_dbn({code_units}, s.pretrain_epochs, true);
    Rng top_rng(ctx.seed + code_units);
    const Dbn<Real> code = pretrain_dbn<Real>(codes_250, top, top_rng, layer_report("250-" + std::to_string(code_units), top));
    std::vector<Rbm<Real>> rbms = lower_rbms;
    rbms.push_back(code.rbm(0));
    return Dbn<Real>(std::move(rbms));
  };
  if (s.ae_pretrained.empty()) {
    dbn30 = with_top(30);
    save_dbn(ctx.out_path("pretrained_784-1000-500-250-30.h5"), dbn30);
  }
  const double pretraining_seconds = seconds_since(start);
  const std::string pretraining = s.ae_pretrained.empty() ? fixed(pretraining_seconds, 0) + " s pretraining" : "pretrained stack loaded";

  // Each fine-tuned network is saved into --out; a network this run does not train (--ae-networks) is read
  // back from there when an earlier run saved it, so runs that split the work fill one table.
  auto fine_tuned = [&](const std::string& network, Sequential<Real> model, const std::string& label, std::uint64_t seed,
                        std::string& training) -> std::optional<Sequential<Real>> {
    const std::string path = ctx.out_path("autoencoder_" + network + ".h5");
    if (s.trains(network)) {
      const double seconds = fine_tune(model, label, train.x, s.finetune_epochs, seed);
      save_model(path, model);
      training = fixed(seconds, 0) + " s fine-tuning";
      return model;
    }
    if (!std::filesystem::exists(path)) {
      training = "not run (--ae-networks)";
      return std::nullopt;
    }
    training = "fine-tuned by an earlier run (" + std::filesystem::path(path).filename().string() + ")";
    return load_model<Real>(path);
  };
  std::string deep_training, scratch_training;
  Sequential<Real> unrolled = dbn30.autoencoder();
  const double not_fine_tuned = squared_error_per_image(test.x, unrolled.predict(test.x));
  std::optional<Sequential<Real>> deep_model = fine_tuned("pretrained", std::move(unrolled), "deep autoencoder (pretrained)", ctx.seed + 1, deep_training);
  Rng init(ctx.seed + 2);
  std::optional<Sequential<Real>> scratch_model =
      fine_tuned("scratch", random_autoencoder<Real>(784, hinton_salakhutdinov_2006_dbn({1000, 500, 250, 30}, 1, true), init),
                 "deep autoencoder (no pretraining)", ctx.seed + 1, scratch_training);
  const std::optional<Tensor<Real>> deep = deep_model ? std::optional<Tensor<Real>>(deep_model->predict(test.x)) : std::nullopt;
  const std::optional<Tensor<Real>> from_scratch = scratch_model ? std::optional<Tensor<Real>>(scratch_model->predict(test.x)) : std::nullopt;
  auto error_of = [&](const std::optional<Tensor<Real>>& r) { return r ? fixed(squared_error_per_image(test.x, *r), 2) : std::string("not run"); };

  const Pca pca(train.x, 30);
  const Tensor<Real> principal = pca.reconstruct(test.x);

  Table table("MNIST: squared reconstruction error per test image, Σ (x − x̂)², of 30-D codes (" + std::to_string(test.size()) + " test images)",
              {"model", "lecon", "published [paper: Hinton & Salakhutdinov 2006]", "training"});
  table.add_row({"deep autoencoder 784-1000-500-250-30, pretrained + fine-tuned", error_of(deep), fixed(kDeepAutoencoder, 2),
                 pretraining + " + " + deep_training});
  table.add_row({"  the same, pretrained only (unrolled RBMs, no fine-tuning)", fixed(not_fine_tuned, 2), "", ""});
  table.add_row({"the same network without pretraining (Glorot weights), fine-tuned alike", error_of(from_scratch), "", scratch_training});
  table.add_row({"logistic PCA, 30 components", "(not run)", fixed(kLogisticPca, 2), ""});
  table.add_row({"PCA, 30 components", fixed(squared_error_per_image(test.x, principal), 2), fixed(kPca, 2), "SVD of the training images"});
  table.add_note("pretraining [paper: Hinton & Salakhutdinov 2006]: CD-1, batch 100, ε = 0.1 (0.001 for the linear 30-unit code layer), weight cost "
                 "2e-4, momentum 0.5 then 0.9; fine-tuning: cross-entropy of the logistic output units with Adam (η = 0.001, batch 100) where the "
                 "paper used conjugate gradients");
  table.add_note("the paper's figures are for 60,000 training images and the 10,000 test images (docs/references.md)");
  if (!ctx.full) table.add_note(s.subset_note("fine-tuning"));
  table.print(std::cout);
  table.save(ctx.out_path("deep_autoencoder"));

  // The paper's Fig. 2B: one test digit of each class, then its reconstructions.
  std::vector<std::size_t> shown;
  for (arma::uword digit = 0; digit < 10; ++digit) {
    const arma::uvec found = arma::find(test.y == digit, 1);
    if (!found.is_empty()) shown.push_back(found(0));
  }
  CaptionedGrid grid;
  grid.title = "MNIST test digits and their reconstructions from 30-D codes";
  const Tensor<Real> images = test.x.reshaped(Shape{test.size(), 1, 28, 28});
  std::vector<std::pair<std::string, Tensor<Real>>> rows = {{"original", images}};
  if (deep) rows.emplace_back("deep AE", deep->reshaped(images.shape()));
  if (from_scratch) rows.emplace_back("no pretraining", from_scratch->reshaped(images.shape()));
  rows.emplace_back("PCA", principal.reshaped(images.shape()));
  for (const auto& [caption, tiles] : rows)
    for (Image& tile : image_tiles(tiles, shown)) {
      grid.tiles.push_back(std::move(tile));
      grid.captions.push_back(caption);
    }
  grid.save(ctx.out_path("reconstructions"));

  // 2-D codes: the paper's Fig. 3, PCA against the 784-1000-500-250-2 autoencoder.
  const std::string codes2d_path = ctx.out_path("autoencoder_codes2d.h5");
  if (!s.trains("codes2d") && !std::filesystem::exists(codes2d_path)) return;
  std::cout << "\nDeep autoencoder 784-1000-500-250-2 (the same three lower RBMs, a 2-unit linear top)\n";
  std::string training2;
  std::optional<Sequential<Real>> model2;
  if (s.trains("codes2d")) {
    const auto start2 = Clock::now();
    model2 = with_top(2).autoencoder();
    fine_tune(*model2, "deep autoencoder, 2-D codes", train.x, s.finetune_epochs, ctx.seed + 3);
    training2 = fixed(seconds_since(start2), 0) + " s top RBM + fine-tuning";
    save_model(codes2d_path, *model2);
  } else {
    model2 = load_model<Real>(codes2d_path);
    training2 = "fine-tuned by an earlier run (" + std::filesystem::path(codes2d_path).filename().string() + ")";
  }
  Sequential<Real>& unrolled2 = *model2;
  const Pca pca2(train.x, 2);
  // The codes: the output of the fine-tuned encoder half, the first 7 layers (Dense σ, Dense σ, Dense σ, Dense).
  Tensor<Real> codes2 = test.x;
  for (std::size_t i = 0; i < 7; ++i) {
    Tensor<Real> out;
    unrolled2.layer(i).forward(codes2, out, Context{false, nullptr});
    codes2 = std::move(out);
  }
  const arma::mat pca_codes = pca2.codes(test.x);
  Table table2("MNIST: 2-D codes of " + std::to_string(test.size()) + " test images", {"model", "squared error per test image", "training"});
  table2.add_row({"deep autoencoder 784-1000-500-250-2, pretrained + fine-tuned", fixed(squared_error_per_image(test.x, unrolled2.predict(test.x)), 2),
                  training2});
  table2.add_row({"PCA, 2 components", fixed(squared_error_per_image(test.x, pca2.reconstruct(test.x)), 2), ""});
  table2.add_note("the scatter plots codes2d_autoencoder.png and codes2d_pca.png show the codes coloured by digit ([paper: Hinton & Salakhutdinov 2006, Fig. 3])");
  if (!ctx.full) table2.add_note(s.subset_note("fine-tuning"));
  table2.print(std::cout);
  table2.save(ctx.out_path("codes2d"));

  auto scatter = [&](const std::string& stem, const std::string& title, auto code_of) {
    Plot plot;
    plot.title = title;
    plot.xlabel = "code 1";
    plot.ylabel = "code 2";
    plot.key = KeyPlace::below;
    for (arma::uword digit = 0; digit < 10; ++digit) {
      Series series;
      series.name = std::to_string(digit);
      series.style = "points pt 7 ps 0.4";
      for (std::size_t i = 0; i < test.size(); ++i)
        if (test.y(i) == digit) {
          series.x.push_back(code_of(i, 0));
          series.y.push_back(code_of(i, 1));
        }
      plot.add(series);
    }
    plot.save(ctx.out_path(stem));
  };
  scatter("codes2d_autoencoder", "784-1000-500-250-2 autoencoder: 2-D codes of MNIST test digits",
          [&](std::size_t i, int j) { return static_cast<double>(codes2.matrix()(static_cast<arma::uword>(j), i)); });
  scatter("codes2d_pca", "PCA: the first two principal components of MNIST test digits",
          [&](std::size_t i, int j) { return pca_codes(static_cast<arma::uword>(j), i); });
}

// ---------------------------------------------------------------------------------------------------------
// 2. The DBN classifier 784-500-500-2000-10, pretrained or not.
void classifier(const LabContext& ctx, const DataSplit& mnist, const Settings& s) {
  const Dataset train = flat_head(mnist.train, s.train), test = flat_head(mnist.test, 0);
  std::cout << "\nDBN classifier 784-500-500-2000-10 on " << train.size() << " MNIST images\n";
  const DbnOptions options = hinton_salakhutdinov_2006_dbn({500, 500, 2000}, s.pretrain_epochs, false);
  const auto start = Clock::now();
  Rng rng(ctx.seed + 10);
  const Dbn<Real> dbn = pretrain_dbn<Real>(train.x, options, rng, layer_report("784-500-500-2000", options));
  const double pretraining_seconds = seconds_since(start);
  const Tensor<Real> targets = Tensor<Real>::from_columns(one_hot<Real>(train.y, 10));
  auto fine_tune_net = [&](Sequential<Real> net, const std::string& label) {
    const auto begin = Clock::now();
    Rng fit_rng(ctx.seed + 11);
    // Adam: plain SGD at the tutorials' η = 0.1 with momentum 0.9 diverged here (the 2,000 sigmoid units feeding
    // the softmax layer add up to steps of tens of nats per update).
    Adam<Real> adam(1e-3);
    const FitOptions fit_options{s.finetune_epochs, 100};
    FitProgress<Real> progress(label, fit_options, train.size(), FitProgress<Real>::Bars::per_run);
    lab_fit(net, SoftmaxCrossEntropy<Real>(), adam, train.x, targets, fit_options, fit_rng, {&progress});
    const double error = 100.0 * static_cast<double>(arma::accu(net.predict_classes(test.x, 1000) != test.y)) / static_cast<double>(test.size());
    return std::make_pair(error, seconds_since(begin));
  };
  Rng init(ctx.seed + 12);
  const auto [pretrained, pretrained_seconds] = fine_tune_net(dbn.classifier(10, init), "classifier (pretrained)");
  const auto [scratch, scratch_seconds] = fine_tune_net(random_classifier<Real>(784, options, 10, init), "classifier (no pretraining)");
  Table table("MNIST: test error % of a 784-500-500-2000-10 network (" + std::to_string(test.size()) + " test images)",
              {"model", "lecon", "published", "training"});
  table.add_row({"DBN: RBMs pretrained, then backpropagation", fixed(pretrained, 2),
                 fixed(kPretrainedClassifier, 1) + " [paper: Hinton & Salakhutdinov 2006]; DBN 3x1000: " + fixed(kTutorialsDbn, 2) + " (DeepLearningTutorials)",
                 fixed(pretraining_seconds, 0) + " s pretraining + " + fixed(pretrained_seconds, 0) + " s fine-tuning"});
  table.add_row({"the same network from Glorot weights, backpropagation only", fixed(scratch, 2),
                 fixed(kBackpropClassifier, 1) + " [paper: Hinton & Salakhutdinov 2006]", fixed(scratch_seconds, 0) + " s"});
  table.add_note("pretraining as the deep autoencoder's (CD-1, batch 100, ε = 0.1, weight cost 2e-4, momentum 0.5 then 0.9); fine-tuning: softmax "
                 "cross-entropy, Adam (η = 0.001), batch 100, " + count_of(s.finetune_epochs, "epoch"));
  if (!ctx.full) table.add_note(s.subset_note("fine-tuning"));
  table.print(std::cout);
  table.save(ctx.out_path("classifier"));
}

// ---------------------------------------------------------------------------------------------------------
// 3. One RBM, 784-500: CD-1 against CD-25.

// Pixels thresholded at 0.5: binary data for a binary RBM and its log-probability.
Tensor<Real> binarised(const Tensor<Real>& x) {
  return Tensor<Real>(x.shape(), arma::conv_to<arma::Mat<Real>>::from(arma::umat(x.matrix() > Real(0.5))));
}

// Each pixel 1 with probability its grey level, one fixed draw per image: the binarised MNIST of the sm2008
// regime ([code: fuel's binarized_mnist.py]: "binarized by sampling from a binomial distribution defined by the
// pixel values").
Tensor<Real> sampled_binary(const Tensor<Real>& x, Rng& rng) {
  arma::Mat<Real> u(x.matrix().n_rows, x.matrix().n_cols);
  rng.fill_uniform(u, Real(0), Real(1));
  return Tensor<Real>(x.shape(), arma::conv_to<arma::Mat<Real>>::from(arma::umat(u < x.matrix())));
}

void rbm_part(const LabContext& ctx, const DataSplit& mnist, const Settings& s) {
  const bool sm2008 = s.rbm_regime == "sm2008";
  const bool sampled_once = sm2008 && s.rbm_binarise == "once";
  const double learning_rate = s.rbm_learning_rate > 0 ? s.rbm_learning_rate : (sm2008 ? 0.05 : 0.1);
  // sm2008: the test images are binarised once by sampling (seeded), and log p is of those binary images; the
  // training images too (once), or they stay grey and are binarised afresh at each presentation (each).
  // hs2006: everything thresholded.
  Rng binarisation(ctx.seed + 23), training_binarisation(ctx.seed + 24);
  const Tensor<Real> grey_train = flat_head(mnist.train, s.train).x;
  const Tensor<Real> train = !sm2008 ? binarised(grey_train) : sampled_once ? sampled_binary(grey_train, training_binarisation) : grey_train;
  const Tensor<Real> grey_test = flat_head(mnist.test, 0).x;
  const Tensor<Real> test = sm2008 ? sampled_binary(grey_test, binarisation) : binarised(grey_test);
  // The held-out monitor set is the training set's kind (binary samples, grey or thresholded), so the
  // free-energy gap compares like with like.
  const std::size_t monitored = std::min<std::size_t>(1000, test.batch());
  const Tensor<Real> held_out = !sm2008 ? binarised(flat_head(mnist.test, monitored).x)
                                : sampled_once ? Tensor<Real>(Shape{monitored, 784}, arma::Mat<Real>(test.matrix().cols(0, monitored - 1)))
                                               : flat_head(mnist.test, monitored).x;
  const std::size_t runs = 100, temperatures = ctx.full ? 14500 : 1000;
  auto name_of = [&](std::size_t k) {
    return "CD-" + std::to_string(k) + (s.rbm_cd_ramp > 0 && k > 1 ? " (k from 1, +1 every " + count_of(s.rbm_cd_ramp, "epoch") + ", ε/k)" : "");
  };
  std::string which;
  for (std::size_t k : s.rbm_cd_steps) which += (which.empty() ? "" : ", ") + name_of(k) + " " + count_of(s.rbm_epochs_for(k), "epoch");
  const std::string data = !sm2008 ? "thresholded at 0.5" : sampled_once ? "binarised once by sampling" : "binarised afresh at each presentation";
  std::cout << "\nRBM 784-500 on " << train.batch() << " MNIST images (" << data << "), " << which << "; log Z by AIS (" << runs
            << " runs, " << temperatures << " temperatures)\n";
  Table table("MNIST: average test log-probability (nats) of a 784-500 RBM, log Z by annealed importance sampling (" + std::to_string(test.batch()) +
                  " test images)",
              {"training", "lecon", "log Ẑ (± 3σ̂)", "published [paper: Salakhutdinov & Murray 2008]", "training time"});
  Plot monitors;
  monitors.title = "RBM 784-500 on MNIST: training monitors per epoch";
  monitors.xlabel = "epoch";
  monitors.ylabel = "nats or squared error per image";
  monitors.integer_x = true;
  Plot curves;
  curves.title = "RBM 784-500 on MNIST: average test log-probability by AIS during training";
  curves.xlabel = "epoch";
  curves.ylabel = "nats per test image";
  const arma::Mat<Real> base = base_rate_visible_bias(train);
  bool drew_samples = false;
  for (std::size_t k : s.rbm_cd_steps) {
    Rng rng(ctx.seed + 20);
    Rbm<Real> rbm(784, 500, rng);
    rbm.set_visible_bias_from_data(train.matrix());
    const std::size_t epochs = s.rbm_epochs_for(k);
    RbmTrainingOptions options;
    options.epochs = epochs;
    options.cd_steps = k;
    options.learning_rate_weights = options.learning_rate_visible_biases = options.learning_rate_hidden_biases = learning_rate;
    options.sample_visible = sm2008;
    options.binarise_each_presentation = sm2008 && !sampled_once;
    options.final_learning_rate_factor = s.rbm_final_factor;
    options.cd_steps_increase_every = s.rbm_cd_ramp;
    const std::string name = name_of(k);
    // AIS during training (--rbm-ais-epochs): a row and a point of the curve per chosen epoch; its time is
    // not training time. Each estimate restarts its own generator, so training is the same with or without.
    Series curve{name + ": test log-probability (AIS)", {}, {}, "linespoints"};
    double ais_seconds = 0, last_log_z = 0;
    auto estimate = [&](const Rbm<Real>& model, std::size_t epoch, double training_seconds) {
      const auto ais_start = Clock::now();
      Rng ais_rng(ctx.seed + 21);
      const AisEstimate z = ais_log_partition(model, runs, ais_betas(temperatures), ais_rng, base);
      const double log_p = average_log_probability(model, test, z.log_z);
      last_log_z = z.log_z;
      table.add_row({name + ", " + count_of(epoch, "epoch"), fixed(log_p, 2),
                     fixed(z.log_z, 2) + " (" + fixed(z.log_z_low, 2) + ", " + fixed(z.log_z_high, 2) + ")",
                     std::isnan(published_log_probability(k)) ? "—" : fixed(published_log_probability(k), 2), fixed(training_seconds, 0) + " s"});
      curve.x.push_back(static_cast<double>(epoch));
      curve.y.push_back(log_p);
      ais_seconds += seconds_since(ais_start);
      return log_p;
    };
    const auto start = Clock::now();
    const RbmHistory history = train_rbm<Real>(rbm, train, options, rng, &held_out, [&](std::size_t epoch, const RbmHistory&) {
      if (epoch + 1 < epochs && std::find(s.rbm_ais_epochs.begin(), s.rbm_ais_epochs.end(), epoch + 1) != s.rbm_ais_epochs.end()) {
        const double log_p = estimate(rbm, epoch + 1, seconds_since(start) - ais_seconds);
        std::cout << "  " << name << " after " << count_of(epoch + 1, "epoch") << ": test log-probability " << fixed(log_p, 2) << " nats\n" << std::flush;
      }
    });
    const double seconds = seconds_since(start) - ais_seconds;
    monitors.add(per_epoch(name + ": reconstruction error (training)", history.reconstruction_error, "linespoints"));
    monitors.add(per_epoch(name + ": free-energy gap F(held-out) − F(training)", history.free_energy_gap, "linespoints"));
    estimate(rbm, epochs, seconds);
    if (sm2008 && !sampled_once) {
      // Not a probability: −F(x) − log Ẑ of the GREY test images, the number an evaluation returns when its
      // test batches hold grey levels instead of binary samples. −F is convex in x (a linear term plus
      // softplus of affine maps), so by Jensen this lies below the average over binarisations of the image.
      table.add_row({"  the same RBM, −F(x) − log Ẑ of the grey test images (not a probability)",
                     fixed(average_log_probability(rbm, grey_test, last_log_z), 2), "", "", ""});
    }
    if (curve.x.size() > 1) curves.add(curve);
    if (!drew_samples) {  // the first RBM's filters and Gibbs chain (CD-1's by default)
      drew_samples = true;
      // First-layer filters: row j of W is hidden unit j's receptive field.
      const Tensor<Real> filters(Shape{100, 1, 28, 28}, arma::Mat<Real>(rbm.W_value().rows(0, 99).t()));
      write_png(ctx.out_path("rbm_filters.png"), image_grid(filters, first(100), 10, Scaling::per_tile, 1, 2));
      // A Gibbs chain from ten test digits: v -> h ~ p(h | v) -> v ~ p(v | h); the means of v shown at some steps.
      CaptionedGrid chain;
      chain.title = "Samples of a Gibbs chain of the CD-1 RBM, started at ten test digits (the visible means at each step)";
      arma::Mat<Real> v = test.matrix().cols(0, 9), h, means = v;
      Rng gibbs(ctx.seed + 22);
      std::size_t step = 0;
      for (std::size_t shown : {0, 1, 10, 100, 1000}) {
        for (; step < shown; ++step) {
          rbm.hidden_means(v, h);
          rbm.sample_hidden(h, h, gibbs);
          rbm.visible_means(h, means);
          rbm.sample_visible(means, v, gibbs);
        }
        const Tensor<Real> snapshot(Shape{10, 1, 28, 28}, means);
        for (Image& tile : image_tiles(snapshot, first(10))) {
          chain.tiles.push_back(std::move(tile));
          chain.captions.push_back("step " + std::to_string(shown));
        }
      }
      chain.save(ctx.out_path("gibbs_samples"));
    }
  }
  table.add_note(std::string(sm2008 ? "the training regime of Salakhutdinov & Murray 2008 (--rbm-regime sm2008)" : "Hinton & Salakhutdinov 2006's layer recipe (--rbm-regime hs2006)") +
                 ": CD-k, batch 100, ε = " + fixed(learning_rate, 3) +
                 (s.rbm_final_factor < 1 ? " annealed linearly to " + fixed(learning_rate * s.rbm_final_factor, 4) + " in the last epoch" : "") +
                 ", weight cost 2e-4, momentum 0.5 then 0.9, " +
                 (!sm2008 ? "mean-field reconstructions, the pixels thresholded at 0.5"
                  : sampled_once ? "every training and test image binarised once by sampling (pixel on with probability its grey level, seeded), visible "
                                   "states sampled in the Gibbs chains (--rbm-binarise once)"
                                 : "each training image binarised afresh at every presentation (pixel on with probability its grey level), visible states "
                                   "sampled in the Gibbs chains, the test images binarised once the same way (--rbm-binarise each)") +
                 "; AIS from the base-rate model, " + std::to_string(runs) + " runs, " +
                 std::to_string(temperatures) + " temperatures (the paper: 14,500)");
  if (sampled_once)
    table.add_note("the paper's figures are for MNIST binarised once by sampling, the data set distributed as the paper's ([code: fuel's "
                   "binarized_mnist.py]); its RBM program binarises each mini-batch again (data > rand), which leaves binary images as they are "
                   "(docs/rbm.md, \"Which images\")");
  else if (sm2008)
    table.add_note("--rbm-binarise each: the RBM program distributed with the paper's AIS code run on grey batches; the grey row is what its "
                   "evaluation program (calculate_logprob) returns when handed grey test batches (docs/rbm.md, \"Which images\")");
  table.add_note("AIS's Ẑ is unbiased, so log Ẑ is low on average (Jensen) and more so with few temperatures: a log-probability from a "
                 "short schedule errs on the optimistic side; a lower bound of −inf says the runs' weights spread too much to trust the estimate");
  if (!ctx.full) table.add_note("quick mode: " + std::to_string(train.batch()) + " training images, " + which + ", 1,000 temperatures; --full "
                                "trains on 60,000 images, CD-1 for 50 epochs and CD-25 with k raised from 1 by one every 10 epochs (250 "
                                "epochs, the paper's CD-25), with the paper's 14,500 temperatures");
  table.print(std::cout);
  table.save(ctx.out_path("rbm_log_probability"));
  monitors.save(ctx.out_path("rbm_monitors"));
  if (!curves.series.empty()) curves.save(ctx.out_path("rbm_log_probability_curve"));
}

const std::vector<std::string> kParts = {"autoencoder", "classifier", "rbm"};

// Whether text is a whole number (digits only) in [low, high], for the comma-separated count options.
bool whole_number_in(const std::string& text, std::size_t low, std::size_t high) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const std::size_t value = std::stoul(text);
  return value >= low && value <= high;
}

void run(const LabContext& ctx) {
  const auto start = Clock::now();
  const std::vector<std::string> parts = split_comma_list(ctx.options["parts"].as<std::string>());
  auto wanted = [&](const std::string& part) { return std::find(parts.begin(), parts.end(), part) != parts.end(); };
  Settings s;
  const int limit = ctx.options["train-limit"].as<int>();
  s.train = limit > 0 ? static_cast<std::size_t>(limit) : (ctx.full ? 60000 : 10000);
  s.test = ctx.full ? 10000 : 2000;
  s.pretrain_epochs = static_cast<std::size_t>(ctx.epochs_or(3, 50));
  s.finetune_epochs = static_cast<std::size_t>(ctx.epochs_or(5, 200));
  s.ae_networks = split_comma_list(ctx.options["ae-networks"].as<std::string>());
  s.ae_pretrained = ctx.options["ae-pretrained"].as<std::string>();
  s.rbm_epochs = static_cast<std::size_t>(ctx.options["rbm-epochs"].as<int>());
  for (const std::string& k : split_comma_list(ctx.options["rbm-cd"].as<std::string>())) s.rbm_cd_steps.push_back(std::stoul(k));
  s.rbm_learning_rate = ctx.options["rbm-learning-rate"].as<double>();
  s.rbm_regime = ctx.options["rbm-regime"].as<std::string>();
  s.rbm_binarise = ctx.options["rbm-binarise"].as<std::string>();
  for (const std::string& e : split_comma_list(ctx.options["rbm-ais-epochs"].as<std::string>())) s.rbm_ais_epochs.push_back(std::stoul(e));
  s.rbm_final_factor = ctx.options["rbm-anneal"].as<double>();
  const int ramp = ctx.options["rbm-cd-ramp"].as<int>();
  s.rbm_cd_ramp = ramp >= 0 ? static_cast<std::size_t>(ramp) : (ctx.full ? 10 : 0);
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  if (wanted("autoencoder")) deep_autoencoder(ctx, mnist, s);
  if (wanted("classifier")) classifier(ctx, mnist, s);
  if (wanted("rbm")) rbm_part(ctx, mnist, s);
  std::cout << "\nrun time: " << fixed(seconds_since(start) / 60, 1) << " min (" << (ctx.full ? "full" : "quick") << " mode)\n";
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("08_dbn", "RBMs and deep belief networks: Hinton & Salakhutdinov 2006's deep autoencoder and DBN classifier on MNIST, CD-1 against CD-25", true);
  lab.writes("deep_autoencoder.{md,csv}", "30-D codes: the pretrained deep autoencoder, the same without pretraining, and PCA, beside the paper")
     .writes("pretrained_784-1000-500-250-30.h5", "the pretrained RBM stack of the deep autoencoder (load_dbn)")
     .writes("autoencoder_{pretrained,scratch,codes2d}.h5", "the fine-tuned autoencoders (load_model), read back by a later run that does not train them")
     .writes("reconstructions.{png,gp}", "one test digit per class and its reconstructions: deep AE, no pretraining, PCA")
     .writes("codes2d.{md,csv}", "2-D codes: the 784-1000-500-250-2 autoencoder against PCA")
     .writes("codes2d_autoencoder.{png,gp}", "scatter plot of the autoencoder's 2-D codes of the test digits, coloured by digit")
     .writes("codes2d_pca.{png,gp}", "the same for the first two principal components")
     .writes("classifier.{md,csv}", "test error of the 784-500-500-2000-10 network, pretrained or not, beside the published figures")
     .writes("rbm_log_probability.{md,csv}", "test log-probability of 784-500 RBMs trained with CD-1 and CD-25, by AIS")
     .writes("rbm_filters.png", "100 first-layer filters of the CD-1 RBM")
     .writes("gibbs_samples.{png,gp}", "a Gibbs chain of the CD-1 RBM from ten test digits")
     .writes("rbm_monitors.{png,gp}", "reconstruction error and free-energy gap per epoch, CD-1 and CD-25")
     .writes("rbm_log_probability_curve.{png,gp}", "test log-probability by AIS after the epochs --rbm-ais-epochs names (only with that option)");
  lab.options().add_options()
    ("parts", po::value<std::string>()->default_value("autoencoder,classifier,rbm"),
     "what to run, comma-separated: autoencoder (30-D and 2-D deep autoencoders), classifier (784-500-500-2000-10), rbm (CD-1 against CD-25)");
  lab.count_option("train-limit", 0, "training images (0: 10,000 in quick mode, 60,000 in full mode)", Range::at_least(0));
  lab.options().add_options()
    ("rbm-cd", po::value<std::string>()->default_value("1,25"), "rbm part: the k of each CD-k RBM to train, comma-separated (1 to 1000)")
    ("ae-networks", po::value<std::string>()->default_value("pretrained,scratch,codes2d"),
     "autoencoder part: the networks this run fine-tunes, comma-separated: pretrained, scratch (no pretraining), codes2d (2-D codes); "
     "the others are read from --out when an earlier run saved them (08_dbn_autoencoder_*.h5)")
    ("ae-pretrained", po::value<std::string>()->default_value(""),
     "autoencoder part: load the pretrained 784-1000-500-250-30 stack from this file (saved by an earlier run) instead of pretraining")
    ("rbm-regime", po::value<std::string>()->default_value("sm2008"),
     "rbm part: sm2008 (Salakhutdinov & Murray 2008: ε 0.05, binary samples of the grey images, sampled visible states) or hs2006 "
     "(Hinton & Salakhutdinov 2006's layers: ε 0.1, pixels thresholded at 0.5, mean-field reconstructions)")
    ("rbm-binarise", po::value<std::string>()->default_value("once"),
     "rbm part, sm2008 regime: once (every training and test image binarised by sampling once, seeded: the binarised MNIST of the "
     "paper's figures) or each (the training images binarised afresh at every presentation, the test images once)")
    ("rbm-ais-epochs", po::value<std::string>()->default_value(""),
     "rbm part: epochs after which AIS also estimates the test log-probability, comma-separated, e.g. 5,10,20 (a row each and a curve)");
  lab.count_option("rbm-epochs", 0, "rbm part: training epochs of each RBM (0: the mode's pretraining epochs, 3 or 50, and with --rbm-cd-ramp "
                   "at least enough to reach k and train that many epochs at it: 250 for CD-25 with a ramp of 10)", Range::at_least(0));
  lab.real_option("rbm-learning-rate", 0, "rbm part: ε of the weights and biases (0: the regime's, 0.05 or 0.1)", Range::at_least(0));
  lab.count_option("rbm-cd-ramp", -1, "rbm part: raise CD's k from 1 by one every this many epochs up to its --rbm-cd value, dividing ε by k "
                   "(the anneal_lr switch of Salakhutdinov & Murray's rbm.m uses 10, as for the paper's CD-25); 0: k fixed; -1: the mode's, "
                   "0 in quick mode and 10 in full mode", Range::at_least(-1));
  lab.real_option("rbm-anneal", 1, "rbm part: ε in the last epoch as a fraction of ε, reached linearly (1: constant)", Range{0, 1, true, false});
  lab.add_check([](const LabContext& ctx) {
    const std::vector<std::string> parts = nonempty_comma_list("parts", ctx.options["parts"].as<std::string>(), "one or more of autoencoder, classifier and rbm");
    for (const std::string& part : parts)
      if (std::find(kParts.begin(), kParts.end(), part) == kParts.end())
        throw OptionError("--parts: '" + part + "' is not a part of this lab; expected autoencoder, classifier or rbm");
    // A part that runs needs something to train; a part that does not reads none of its options.
    auto items = [&](const std::string& option, const std::string& part, const std::string& choices) {
      const std::string text = ctx.options[option].as<std::string>();
      const bool runs = std::find(parts.begin(), parts.end(), part) != parts.end();
      return runs ? nonempty_comma_list(option, text, choices) : split_comma_list(text);
    };
    for (const std::string& k : items("rbm-cd", "rbm", "one or more Gibbs step counts from 1 to 1000, e.g. 1,25"))
      if (!whole_number_in(k, 1, 1000)) throw OptionError("--rbm-cd: '" + k + "' is not a number of Gibbs steps; expected integers 1 to 1000, e.g. 1,25");
    for (const std::string& network : items("ae-networks", "autoencoder", "one or more of pretrained, scratch and codes2d"))
      if (network != "pretrained" && network != "scratch" && network != "codes2d")
        throw OptionError("--ae-networks: '" + network + "' is not a network of this lab; expected pretrained, scratch or codes2d");
    const std::string regime = ctx.options["rbm-regime"].as<std::string>();
    if (regime != "sm2008" && regime != "hs2006") throw OptionError("--rbm-regime: '" + regime + "' is not a training regime; expected sm2008 or hs2006");
    const std::string binarise = ctx.options["rbm-binarise"].as<std::string>();
    if (binarise != "once" && binarise != "each") throw OptionError("--rbm-binarise: '" + binarise + "' is not a way to binarise; expected once or each");
    for (const std::string& e : split_comma_list(ctx.options["rbm-ais-epochs"].as<std::string>()))
      if (!whole_number_in(e, 1, 999999)) throw OptionError("--rbm-ais-epochs: '" + e + "' is not an epoch; expected positive integers, e.g. 5,10,20");
  });
  return lab.run(argc, argv, run);
}
