#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <map>

#include "lecon/autoencoders/autoencoder.hpp"
#include "lecon/autoencoders/corruption.hpp"
#include "lecon/autoencoders/reconstruction_loss.hpp"
#include "lecon/autoencoders/stacked_autoencoder.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/parallel.hpp"
#include "lecon/optimizers/schedule.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/max_norm.hpp"
#include "lecon/regularisation/weight_decay.hpp"
#include "gradient_test_util.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

using test::require_checks;

struct Units {
  Activation encoder, decoder;
  const char* name;
};
const std::vector<Units> kUnits = {{Activation::sigmoid, Activation::sigmoid, "sigmoid/sigmoid"},
                                   {Activation::sigmoid, Activation::linear, "sigmoid/linear"},
                                   {Activation::linear, Activation::linear, "linear/linear"},
                                   {Activation::linear, Activation::sigmoid, "linear/sigmoid"}};

Tensor<double> uniform_tensor(const Shape& shape, double lo, double hi, Rng& rng) {
  Tensor<double> t(shape);
  rng.fill_uniform(t.matrix(), lo, hi);
  return t;
}

// Columns of an orthonormal basis of the row space of W (k x d) -> (d x k).
arma::mat row_space(const arma::mat& W) { return arma::orth(W.t()); }

// The largest principal angle between the column spaces of two orthonormal bases P and Q of equal size.
double largest_principal_angle(const arma::mat& P, const arma::mat& Q) {
  const arma::mat residual = Q - P * (P.t() * Q);  // the part of Q outside span(P)
  return std::asin(std::min(1.0, arma::norm(residual, 2)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(autoencoder_gradients)

BOOST_AUTO_TEST_CASE(layer_tied_and_untied_every_unit_pair) {
  for (const bool tied : {true, false})
    for (const Units& u : kUnits) {
      Rng rng(5);
      Autoencoder<double> ae(6, 4, rng, tied, u.encoder, u.decoder);
      rng.fill_normal(ae.b().value, 0.0, 0.5);
      rng.fill_normal(ae.b_prime().value, 0.0, 0.5);
      const std::string name = std::string(tied ? "tied " : "untied ") + u.name;
      const std::vector<GradientCheck> checks = check_layer_gradients(ae, Shape{5, 6}, rng);
      BOOST_TEST(checks.size() == (tied ? 4u : 5u));  // input, W, b, [W'], b'
      require_checks(checks, "Autoencoder " + name);
    }
}

BOOST_AUTO_TEST_CASE(tied_gradient_is_the_sum_of_both_uses) {
  // ∂L/∂W = δ_enc xᵀ + (δ_dec yᵀ)ᵀ: an untied autoencoder with W' = Wᵀ has the same loss, and its two
  // gradients, the second transposed, add up to the tied one.
  Rng rng(8);
  Autoencoder<double> tied(7, 3, rng, true), untied(7, 3, rng, false);
  untied.W().value = tied.W().value;
  untied.W_prime().value = tied.W().value.t();
  const Tensor<double> x = uniform_tensor(Shape{4, 7}, 0, 1, rng);
  CrossEntropyReconstructionError<double> loss;
  Tensor<double> z1, z2, dz1, dz2;
  tied.forward(x, z1, Context{true, nullptr});
  untied.forward(x, z2, Context{true, nullptr});
  BOOST_TEST(test::max_abs(z1.matrix() - z2.matrix()) < 1e-14);
  loss.gradient(z1, x, dz1);
  loss.gradient(z2, x, dz2);
  tied.backward(dz1, nullptr);
  untied.backward(dz2, nullptr);
  const arma::mat summed = untied.W().grad + untied.W_prime().grad.t();
  BOOST_TEST(test::max_abs(tied.W().grad - summed) < 1e-14);
  BOOST_TEST(test::max_abs(tied.W().grad - untied.W().grad) > 1e-6);  // the decoder's use counts
}

BOOST_AUTO_TEST_CASE(both_reconstruction_losses) {
  Rng rng(2);
  const Tensor<double> z = uniform_tensor(Shape{5, 9}, 0.05, 0.95, rng);
  const Tensor<double> x = uniform_tensor(Shape{5, 9}, 0.0, 1.0, rng);
  const SquaredReconstructionError<double> squared;
  const CrossEntropyReconstructionError<double> cross_entropy;
  for (const Loss<double>* loss : std::vector<const Loss<double>*>{&squared, &cross_entropy}) {
    const GradientCheck c = check_loss_gradient(*loss, z, x);
    BOOST_TEST(c.max_relative_error < test::kGradientTolerance, loss->name() << ": " << c.max_relative_error);
  }
  // The slide's formulas: a sum over the inputs, a mean over the examples.
  double sq = 0, ce = 0;
  for (arma::uword i = 0; i < z.matrix().n_elem; ++i) {
    const double a = x.matrix()(i), b = z.matrix()(i);
    sq += (a - b) * (a - b);
    ce -= a * std::log(b) + (1 - a) * std::log(1 - b);
  }
  BOOST_TEST(std::abs(squared.value(z, x) - sq / 5) < 1e-12);
  BOOST_TEST(std::abs(cross_entropy.value(z, x) - ce / 5) < 1e-12);
}

BOOST_AUTO_TEST_CASE(whole_models_with_each_loss) {
  // The trainable models, through Sequential::backward and the loss: plain and denoising, tied and untied.
  for (const bool tied : {true, false})
    for (const ReconstructionLoss which : {ReconstructionLoss::squared_error, ReconstructionLoss::cross_entropy})
      for (const double nu : {0.0, 0.3}) {
        Rng rng(3);
        AutoencoderOptions options;
        options.hidden_units = 3;
        options.tied = tied;
        options.decoder = which == ReconstructionLoss::squared_error ? Activation::linear : Activation::sigmoid;
        options.loss = which;
        options.corruption_level = nu;
        Sequential<double> model = autoencoder_model<double>(8, options, rng);
        const Tensor<double> x = uniform_tensor(Shape{6, 8}, 0, 1, rng);
        const std::unique_ptr<Loss<double>> loss = make_reconstruction_loss<double>(which);
        require_checks(test::check_model_gradients(model, *loss, x, x),
                       std::string(tied ? "tied " : "untied ") + reconstruction_loss_name(which) + (nu > 0 ? " denoising" : ""));
      }
}

BOOST_AUTO_TEST_CASE(two_layer_stack_fine_tuned) {
  // A 2-layer stack pretrained briefly, stacked under a softmax output and checked end to end.
  Rng rng(4);
  const Tensor<double> x = uniform_tensor(Shape{12, 10}, 0, 1, rng);
  StackOptions options = stack_options({6, 4}, 0.2);
  options.training.epochs = 2;
  options.training.batch_size = 4;
  StackedAutoencoder<double> stack = pretrain_stack<double>(x, options, [] { return std::make_unique<SGD<double>>(0.1); }, rng);
  Sequential<double> net = stack.classifier(3, rng);
  BOOST_TEST(net.size() == 5u);  // Dense, sigmoid, Dense, sigmoid, Dense
  arma::uvec labels(12);
  for (arma::uword i = 0; i < 12; ++i) labels[i] = i % 3;
  const Tensor<double> t = Tensor<double>::from_columns(one_hot<double>(labels, 3));
  require_checks(test::check_model_gradients(net, SoftmaxCrossEntropy<double>(), x, t), "2-layer stack + softmax");
  // The corruption layer alone: ∂L/∂x = ∂L/∂x̃ ⊙ (inputs kept).
  for (const CorruptionKind kind : {CorruptionKind::masking, CorruptionKind::salt_and_pepper, CorruptionKind::gaussian}) {
    Corruption<double> corruption(kind, 0.3);
    require_checks(check_layer_gradients(corruption, Shape{4, 10}, rng), "Corruption " + corruption_name(kind));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(corruption)

BOOST_AUTO_TEST_CASE(masking_zeroes_exactly_the_proportion) {
  Rng rng(1);
  for (const double nu : {0.1, 0.25, 0.3, 0.5}) {
    Tensor<float> x(Shape{200, 1, 28, 28});
    x.matrix().fill(0.5f);
    Corruption<float> layer(CorruptionKind::masking, nu);
    Tensor<float> noisy;
    layer.forward(x, noisy, Context{true, &rng});
    const std::size_t expected = static_cast<std::size_t>(std::llround(nu * 784));
    BOOST_TEST(corrupted_inputs(nu, 784) == expected);
    const arma::urowvec zeros = arma::sum(arma::conv_to<arma::umat>::from(noisy.matrix() == 0.0f), 0);
    BOOST_TEST(zeros.min() == expected, "ν = " << nu << ": fewest inputs masked in one example " << zeros.min() << ", expected " << expected);
    BOOST_TEST(zeros.max() == expected, "ν = " << nu << ": most inputs masked in one example " << zeros.max() << ", expected " << expected);
    BOOST_TEST(arma::accu(noisy.matrix() == 0.5f) == 200 * (784 - expected));  // the others untouched
    BOOST_TEST(arma::approx_equal(layer.kept(), arma::conv_to<arma::fmat>::from(noisy.matrix() != 0.0f), "absdiff", 0.0f));
    // Uniform over the inputs: each is masked in about a fraction ν of the examples, none never (a draw that
    // skips the last input, an off-by-one in the shuffle, leaves it at 0; by chance an input stays unmasked in
    // 200 examples with probability (1 − ν)^200 ≤ 7e-10).
    const arma::vec per_input = arma::conv_to<arma::vec>::from(arma::sum(arma::conv_to<arma::umat>::from(noisy.matrix() == 0.0f), 1)) / 200.0;
    BOOST_TEST(per_input.min() > 0.0, "ν = " << nu << ": an input never masked in 200 examples");
    BOOST_TEST(per_input.max() < nu + 0.2);
  }
}

BOOST_AUTO_TEST_CASE(salt_and_pepper_and_gaussian) {
  Rng rng(2);
  Tensor<double> x(Shape{300, 100});
  x.matrix().fill(0.5);
  const Tensor<double> noisy = corrupt(x, CorruptionKind::salt_and_pepper, 0.2, rng);
  const arma::umat changed = arma::conv_to<arma::umat>::from(noisy.matrix() != 0.5);
  BOOST_TEST(arma::sum(changed, 0).min() == 20u);
  BOOST_TEST(arma::sum(changed, 0).max() == 20u);
  const std::size_t ones = arma::accu(noisy.matrix() == 1.0), zeros = arma::accu(noisy.matrix() == 0.0);
  BOOST_TEST(ones + zeros == 6000u);
  BOOST_TEST(std::abs(static_cast<double>(ones) / 6000 - 0.5) < 0.03);  // a fair coin
  const Tensor<double> gauss = corrupt(x, CorruptionKind::gaussian, 0.3, rng);
  const arma::vec noise = arma::vectorise(gauss.matrix() - x.matrix());
  BOOST_TEST(std::abs(arma::mean(noise)) < 0.01);
  BOOST_TEST(std::abs(arma::stddev(noise) - 0.3) < 0.01);
}

BOOST_AUTO_TEST_CASE(same_seed_same_masks_at_any_thread_count) {
  // A batch big enough that each of two threads works for milliseconds, and three runs on two threads: a
  // generator shared by the threads (the exercise's wrong_shared_generator) gives the serial masks only if
  // the second thread starts after the first has finished, which happened once in a `ctest -j2` run with 700
  // examples and one run on two threads (another test process held the second core).
  Tensor<float> x(Shape{4000, 784});
  x.matrix().fill(1.0f);
  const int threads = thread_count();
  set_thread_count(1);
  Rng serial(42);
  const arma::fmat masked = corrupt(x, CorruptionKind::masking, 0.25, serial).matrix();
  const arma::fmat salted = corrupt(x, CorruptionKind::salt_and_pepper, 0.1, serial).matrix();
  for (const int n : {2, 1, 2, 2}) {
    set_thread_count(n);
    Rng rng(42);
    BOOST_TEST(arma::approx_equal(corrupt(x, CorruptionKind::masking, 0.25, rng).matrix(), masked, "absdiff", 0.0f), n << " thread(s): masking");
    BOOST_TEST(arma::approx_equal(corrupt(x, CorruptionKind::salt_and_pepper, 0.1, rng).matrix(), salted, "absdiff", 0.0f),
               n << " thread(s): salt and pepper");
  }
  set_thread_count(threads);
  Rng other(43);
  BOOST_TEST(!arma::approx_equal(corrupt(x, CorruptionKind::masking, 0.25, other).matrix(), masked, "absdiff", 0.0f));
  // Two draws from one generator differ (a new key per forward).
  Rng rng(42);
  const arma::fmat first = corrupt(x, CorruptionKind::masking, 0.25, rng).matrix();
  BOOST_TEST(!arma::approx_equal(corrupt(x, CorruptionKind::masking, 0.25, rng).matrix(), first, "absdiff", 0.0f));
}

BOOST_AUTO_TEST_CASE(identity_in_evaluation_mode) {
  Rng rng(3);
  Tensor<float> x(Shape{5, 20});
  rng.fill_uniform(x.matrix(), 0.0f, 1.0f);
  Corruption<float> layer(CorruptionKind::masking, 0.5);
  Tensor<float> y;
  layer.forward(x, y, Context{false, nullptr});
  BOOST_TEST(arma::approx_equal(y.matrix(), x.matrix(), "absdiff", 0.0f));
  test::check_error<Error>([&] { layer.forward(x, y, Context{true, nullptr}); }, {"Corruption", "random generator"});
}

BOOST_AUTO_TEST_CASE(the_loss_is_against_the_clean_input) {
  // One full-batch SGD step of a denoising autoencoder through fit equals the step computed by hand from
  // L(x, z(x̃)), with x̃ drawn as the Corruption layer draws it; the step towards the corrupted input differs.
  Rng data_rng(6);
  const Tensor<double> x = uniform_tensor(Shape{16, 12}, 0, 1, data_rng);
  AutoencoderOptions options;
  options.hidden_units = 5;
  options.corruption_level = 0.5;
  Rng init(7);
  Sequential<double> model = autoencoder_model<double>(12, options, init);
  const Autoencoder<double> start = autoencoder_of(model);
  SGD<double> sgd(0.5);
  Rng fit_rng(11);
  train_autoencoder(model, ReconstructionLoss::cross_entropy, x, sgd, FitOptions{1, 16, 0.0, false}, fit_rng);

  Rng same(11);  // no shuffling: the corruption's key is the generator's first draw
  const Tensor<double> noisy = corrupt(x, CorruptionKind::masking, 0.5, same);
  BOOST_TEST(arma::accu(noisy.matrix() == 0.0) == 16u * 6u);
  auto step_towards = [&](const Tensor<double>& target) {
    Autoencoder<double> ae = start;
    Tensor<double> z, dz;
    ae.forward(noisy, z, Context{true, nullptr});
    CrossEntropyReconstructionError<double>().gradient(z, target, dz);
    ae.backward(dz, nullptr);
    return arma::mat(ae.W().value - 0.5 * ae.W().grad);
  };
  const arma::mat& trained = autoencoder_of(model).W().value;
  BOOST_TEST(test::max_abs(trained - step_towards(x)) < 1e-12);
  BOOST_TEST(test::max_abs(trained - step_towards(noisy)) > 1e-4);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(autoencoder_pca)

BOOST_AUTO_TEST_CASE(linear_autoencoder_finds_the_principal_subspace) {
  // "PCA with k components = a linear hidden layer with k neurons + least squares" [slide: Réseaux Auto
  // Encoder]; [paper: Baldi & Hornik 1989]. Centred data in 10 dimensions whose variance sits mostly in 3
  // random directions (variances 9, 6, 4, then 0.3 and less).
  const std::size_t d = 10, k = 3, n = 500;
  Rng rng(12);
  arma::mat basis(d, d);
  rng.fill_normal(basis, 0.0, 1.0);
  arma::mat Q, R;
  arma::qr(Q, R, basis);
  const arma::vec sd = arma::sqrt(arma::vec{9, 6, 4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02});
  arma::mat z(d, n);
  rng.fill_normal(z, 0.0, 1.0);
  arma::mat data = Q * arma::diagmat(sd) * z;
  data.each_col() -= arma::mean(data, 1);
  const Tensor<double> x = Tensor<double>::from_columns(data);

  arma::mat U, V;
  arma::vec s;
  arma::svd(U, s, V, data);
  const double pca_error = arma::accu(arma::square(s.tail(d - k))) / n;  // mean ‖x − P_k x‖²
  const arma::mat principal = U.head_cols(k);

  for (const bool tied : {false, true}) {
    AutoencoderOptions options;
    options.hidden_units = k;
    options.tied = tied;
    options.encoder = options.decoder = Activation::linear;
    options.loss = ReconstructionLoss::squared_error;
    Rng init(13);
    Sequential<double> model = autoencoder_model<double>(d, options, init);
    SGD<double> sgd(0.01, 0.9);
    Rng fit_rng(14);
    const History h = train_autoencoder(model, options.loss, x, sgd, FitOptions{1500, n, 0.0, false}, fit_rng);
    const Autoencoder<double>& ae = autoencoder_of(model);
    const double ae_error = SquaredReconstructionError<double>().value(ae.reconstruct(x), x);
    const double angle = largest_principal_angle(principal, row_space(ae.W_value()));
    BOOST_TEST_MESSAGE((tied ? "tied" : "untied") << " linear AE: error " << ae_error << " (PCA " << pca_error << "), largest principal angle "
                                                  << angle << " rad, first epoch loss " << h["loss"].front());
    BOOST_TEST(std::abs(ae_error - pca_error) / pca_error < 0.01);
    BOOST_TEST(ae_error >= pca_error * (1 - 1e-9));  // PCA is the optimum: nothing linear does better
    BOOST_TEST(angle < 1e-2);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stacked_autoencoders)

BOOST_AUTO_TEST_CASE(each_layer_learns_from_the_clean_codes_below) {
  // pretrain_greedily hands layer k the codes of the encoders below, from the clean inputs.
  struct Recorder : PretrainedLayer<double> {
    std::size_t inputs, units;
    Tensor<double> seen;
    arma::mat W;
    Recorder(std::size_t i, std::size_t u) : inputs(i), units(u), W(u, i) {}
    void pretrain(const Tensor<double>& codes, Rng& rng) override {
      seen = codes;
      rng.fill_normal(W, 0.0, 1.0);
    }
    void append_encoder(Sequential<double>& stack) const override {
      Rng unused(0);
      auto dense = std::make_unique<Dense<double>>(inputs, units, unused);
      dense->W().value = W;
      stack.add(std::move(dense));
    }
  };
  Rng rng(21);
  const Tensor<double> x = uniform_tensor(Shape{7, 5}, 0, 1, rng);
  Recorder first(5, 4), second(4, 3);
  std::vector<std::size_t> called;
  Sequential<double> stack = pretrain_greedily<double>({&first, &second}, x, rng, [&](std::size_t k, const Tensor<double>&) { called.push_back(k); });
  BOOST_TEST(arma::approx_equal(first.seen.matrix(), x.matrix(), "absdiff", 0.0));
  BOOST_TEST(test::max_abs(second.seen.matrix() - first.W * x.matrix()) < 1e-12);
  BOOST_TEST(test::max_abs(stack.predict(x).matrix() - second.W * first.W * x.matrix()) < 1e-12);
  BOOST_TEST((called == std::vector<std::size_t>{0, 1}));

  // With autoencoders: layer 2's inputs are layer 1's clean codes, although layer 1 trained on corrupted inputs.
  StackOptions options = stack_options({4, 3}, 0.4);
  options.training.epochs = 1;
  std::vector<Tensor<double>> codes;
  StackedAutoencoder<double> sda = pretrain_stack<double>(x, options, [] { return std::make_unique<SGD<double>>(0.1); }, rng, nullptr,
                                                          [&](std::size_t, const Tensor<double>& c) { codes.push_back(c); });
  BOOST_TEST(sda.layers() == 2u);
  BOOST_TEST(sda.model(0).size() == 2u);  // Corruption + Autoencoder
  BOOST_TEST(test::max_abs(codes[0].matrix() - sda.autoencoder(0).encode(x).matrix()) < 1e-12);
  BOOST_TEST(test::max_abs(codes[1].matrix() - sda.encoders().predict(x).matrix()) < 1e-12);
  BOOST_TEST(sda.histories.size() == 2u);
  // The deep reconstruction: up through both encoders, down through both decoders.
  const Tensor<double> deep = sda.reconstruct(x);
  const Tensor<double> by_hand = sda.autoencoder(0).decode(sda.autoencoder(1).decode(codes[1]));
  BOOST_TEST((deep.shape() == x.shape()));
  BOOST_TEST(test::max_abs(deep.matrix() - by_hand.matrix()) < 1e-12);
}

BOOST_AUTO_TEST_CASE(sda_on_mnist_beats_chance_widely) {
  const char* data_dir = std::getenv("LECON_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(data_dir, "LECON_DATA_DIR is set by CTest");
  const DataSplit mnist = load_data(data_dir, "mnist");
  const Dataset train = mnist.train.subset(arma::regspace<arma::uvec>(0, 2999));
  const Dataset test = mnist.test.subset(arma::regspace<arma::uvec>(0, 999));
  Rng rng(1);
  StackOptions options = stack_options({100, 50}, 0.25);
  options.training.epochs = 2;
  StackedAutoencoder<Real> sda = pretrain_stack<Real>(train.x, options, [] { return std::make_unique<SGD<Real>>(0.05); }, rng);
  for (std::size_t k = 0; k < 2; ++k) {
    const std::vector<double>& loss = sda.histories[k]["loss"];
    BOOST_TEST_MESSAGE("layer " << k << " reconstruction cross-entropy per image: " << loss.front() << " -> " << loss.back());
    BOOST_TEST(loss.back() < loss.front());
  }
  const Tensor<Real> z = sda.autoencoder(0).reconstruct(test.x);
  BOOST_TEST((z.shape() == test.x.shape()), "reconstructions keep the images' shape");
  Sequential<Real> net = sda.classifier(10, rng);
  SGD<Real> sgd(0.1, 0.9);
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(train.y, 10));
  fit(net, SoftmaxCrossEntropy<Real>(), sgd, train.x, y, FitOptions{5, 20}, rng);
  const double accuracy = arma::mean(arma::conv_to<arma::vec>::from(net.predict_classes(test.x) == test.y));
  BOOST_TEST_MESSAGE("SdA 784-100-50-10 (ν = 0.25), 3,000 MNIST images: test accuracy " << accuracy);
  BOOST_TEST(accuracy > 0.85);  // chance is 0.1
}

BOOST_AUTO_TEST_CASE(models_and_stacks_save_and_load) {
  test::ScratchDir dir("autoencoders");
  register_autoencoder_layers();
  Rng rng(31);
  const Tensor<double> x = uniform_tensor(Shape{6, 9}, 0, 1, rng);
  AutoencoderOptions options;
  options.hidden_units = 4;
  options.tied = false;
  options.decoder = Activation::linear;
  options.corruption = CorruptionKind::salt_and_pepper;
  options.corruption_level = 0.2;
  Sequential<double> model = autoencoder_model<double>(9, options, rng);
  // The biases start at zero: give them values, so that the predictions below see whether they were loaded.
  rng.fill_normal(autoencoder_of(model).b().value, 0.0, 1.0);
  rng.fill_normal(autoencoder_of(model).b_prime().value, 0.0, 1.0);
  save_model(dir.file("dae.h5"), model);
  Sequential<double> loaded = load_model<double>(dir.file("dae.h5"));
  BOOST_TEST(loaded.size() == 2u);
  BOOST_TEST(loaded.layer(0).kind() == "Corruption");
  // predict() runs Corruption as the identity, so its settings are checked directly.
  const Corruption<double>& noise = dynamic_cast<const Corruption<double>&>(loaded.layer(0));
  BOOST_TEST((noise.noise() == CorruptionKind::salt_and_pepper));
  BOOST_TEST(noise.level() == 0.2);
  BOOST_TEST(arma::approx_equal(loaded.predict(x).matrix(), model.predict(x).matrix(), "absdiff", 0.0));
  BOOST_TEST(!autoencoder_of(loaded).tied());
  BOOST_TEST((autoencoder_of(loaded).decoder_activation() == Activation::linear));
  // The activations are stored by name; a file from before names were stored holds their numbers.
  BOOST_TEST(H5Reader(dir.file("dae.h5")).attribute_string("/layers/001_Autoencoder", "decoder") == "linear");
  {
    H5Writer w(dir.file("numbers.h5"));
    w.set_attribute("/", "format", "lecon-sequential-1");
    w.set_attribute("/", "layers", 1.0);
    const std::string g = "/layers/000_Autoencoder";
    w.set_attribute(g, "kind", "Autoencoder");
    for (const auto& [key, value] : std::map<std::string, double>{{"inputs", 2}, {"units", 1}, {"tied", 1}, {"encoder", 1}, {"decoder", 0}})
      w.set_attribute(g, key, value);  // encoder 1 = sigmoid, decoder 0 = linear
    w.write(g + "/W", Tensor<double>(Shape{2, 1}));
    w.write(g + "/b", Tensor<double>(Shape{1, 1}));
    w.write(g + "/b_prime", Tensor<double>(Shape{1, 2}));
    w.commit();
  }
  Sequential<double> old = load_model<double>(dir.file("numbers.h5"));
  BOOST_TEST((autoencoder_of(old).encoder_activation() == Activation::sigmoid));
  BOOST_TEST((autoencoder_of(old).decoder_activation() == Activation::linear));

  StackOptions stack_settings = stack_options({5, 3}, 0.3);
  stack_settings.layers[1].corruption_level = 0;  // a plain top layer: no Corruption layer in its model
  stack_settings.training.epochs = 1;
  StackedAutoencoder<double> stack = pretrain_stack<double>(x, stack_settings, [] { return std::make_unique<SGD<double>>(0.1); }, rng);
  save_stack(dir.file("stack.h5"), stack);
  StackedAutoencoder<double> again = load_stack<double>(dir.file("stack.h5"));
  BOOST_TEST(again.layers() == 2u);
  BOOST_TEST(again.model(0).size() == 2u);
  BOOST_TEST(again.model(1).size() == 1u);
  BOOST_TEST(dynamic_cast<Corruption<double>&>(again.model(0).layer(0)).level() == 0.3);
  BOOST_TEST(arma::approx_equal(again.encoders().predict(x).matrix(), stack.encoders().predict(x).matrix(), "absdiff", 0.0));
  const Tensor<double> codes = stack.autoencoder(0).encode(x);
  BOOST_TEST(arma::approx_equal(again.autoencoder(1).reconstruct(codes).matrix(), stack.autoencoder(1).reconstruct(codes).matrix(), "absdiff", 0.0));
  // A model file that is not a stack: a Dense layer in it.
  Sequential<double> plain;
  plain.add(std::make_unique<Dense<double>>(9, 4, rng));
  save_model(dir.file("dense.h5"), plain);
  test::check_error<FileError>([&] { load_stack<double>(dir.file("dense.h5")); }, {"dense.h5", "Dense", "not part of a stack of autoencoders"});
}

BOOST_AUTO_TEST_CASE(trains_with_the_existing_schedules_and_regularisers) {
  // An autoencoder is a Sequential: fit's observers act on its parameters like on any network's.
  Rng data_rng(41);
  const Tensor<Real> x = [&] {
    Tensor<Real> t(Shape{64, 16});
    data_rng.fill_uniform(t.matrix(), 0.0f, 1.0f);
    return t;
  }();
  auto train = [&](double l2, double max_norm) {
    AutoencoderOptions options;
    options.hidden_units = 6;
    options.tied = false;
    options.corruption_level = 0.25;
    Rng rng(42);
    Sequential<Real> model = autoencoder_model<Real>(16, options, rng);
    SGD<Real> sgd(0.1);
    LearningRateScheduler<Real> schedule(sgd, StepDecay(0.1, 0.5, 2));
    L2Penalty<Real> penalty(l2);
    MaxNorm<Real> constraint(max_norm);
    train_autoencoder(model, options.loss, x, sgd, FitOptions{4, 8}, rng, {&schedule, &penalty, &constraint});
    BOOST_TEST(std::abs(sgd.learning_rate() - 0.025) < 1e-12);  // after 4 epochs: η = 0.1 · 0.5^⌊4/2⌋
    Autoencoder<Real>& ae = autoencoder_of(model);
    return std::make_pair(arma::norm(arma::conv_to<arma::mat>::from(ae.W().value), "fro"),
                          arma::max(arma::sqrt(arma::sum(arma::square(arma::conv_to<arma::mat>::from(ae.W_prime().value)), 1))));
  };
  // In a stack each layer has its own optimizer, so its observers are made per layer.
  struct RateRecorder : TrainingObserver<Real> {
    Optimizer<Real>& optimizer;
    std::vector<double>& rates;
    RateRecorder(Optimizer<Real>& o, std::vector<double>& r) : optimizer(o), rates(r) {}
    bool on_epoch_end(std::size_t, const History&) override {
      rates.push_back(optimizer.learning_rate());
      return false;
    }
  };
  std::vector<std::unique_ptr<TrainingObserver<Real>>> made;
  std::vector<double> rates;
  StackOptions stack_settings = stack_options({6, 4}, 0.25);
  stack_settings.training.epochs = 2;
  Rng rng(43);
  pretrain_stack<Real>(x, stack_settings, [] { return std::make_unique<SGD<Real>>(0.1); }, rng,
                       [&](std::size_t layer, Optimizer<Real>& optimizer) -> std::vector<TrainingObserver<Real>*> {
                         made.push_back(std::make_unique<LearningRateScheduler<Real>>(optimizer, StepDecay(0.1 / static_cast<double>(layer + 1), 0.5, 1)));
                         made.push_back(std::make_unique<RateRecorder>(optimizer, rates));
                         return {made[made.size() - 2].get(), made.back().get()};
                       });
  // η for the next epoch after each epoch: 0.1/(k+1) · 0.5^(e+1)
  BOOST_TEST(rates.size() == 4u);
  const std::vector<double> expected = {0.05, 0.025, 0.025, 0.0125};
  for (std::size_t i = 0; i < std::min<std::size_t>(rates.size(), 4); ++i) BOOST_TEST(std::abs(rates[i] - expected[i]) < 1e-12);
  const auto [plain_norm, plain_rows] = train(0.0, 1e6);
  const auto [decayed_norm, constrained_rows] = train(0.05, 0.5);
  BOOST_TEST_MESSAGE("‖W‖: " << plain_norm << " without, " << decayed_norm << " with L2; largest row of W': " << plain_rows << " -> " << constrained_rows);
  BOOST_TEST(decayed_norm < 0.9 * plain_norm);
  BOOST_TEST(plain_rows > 0.5);
  BOOST_TEST(constrained_rows <= 0.5 + 1e-6);  // max-norm on every decoder unit's incoming weights
}

BOOST_AUTO_TEST_CASE(bad_settings_are_one_line_errors_naming_the_option) {
  Rng rng(1);
  AutoencoderOptions options;
  options.hidden_units = 0;
  test::check_error<OptionError>([&] { autoencoder_model<float>(10, options, rng); }, {"hidden_units", "got 0"});
  options.hidden_units = 5;
  for (const double nu : {1.0, 1.5, -0.1}) {
    options.corruption_level = nu;
    test::check_error<OptionError>([&] { autoencoder_model<float>(10, options, rng); }, {"corruption_level", "[0, 1)", "masking"});
  }
  test::check_error<OptionError>([&] { Corruption<float>(CorruptionKind::salt_and_pepper, 1.0); }, {"corruption_level", "salt_and_pepper"});
  test::check_error<OptionError>([&] { Corruption<float>(CorruptionKind::gaussian, -1.0); }, {"corruption_level", "σ >= 0"});
  test::check_error<OptionError>([&] { Autoencoder<float>(10, 0, rng); }, {"hidden_units"});
  StackOptions stack = stack_options({10, 0}, 0.1);
  test::check_error<OptionError>([&] { stack.validate(); }, {"layers[1].hidden_units", "got 0"});
  stack = stack_options({10, 5}, 1.0);
  test::check_error<OptionError>([&] { stack.validate(); }, {"layers[0].corruption_level", "got 1"});
  test::check_error<OptionError>([&] { corruption_from_name("blur"); }, {"corruption 'blur'", "masking"});
}

BOOST_AUTO_TEST_SUITE_END()
