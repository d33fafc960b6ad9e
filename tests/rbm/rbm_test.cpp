#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "lecon/backprop/sequential.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/parallel.hpp"
#include "lecon/rbm/ais.hpp"
#include "lecon/rbm/contrastive_divergence.hpp"
#include "lecon/rbm/exact.hpp"
#include "lecon/rbm/rbm_io.hpp"
#include "lecon/rbm/rbm_layer.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace {

// A tiny RBM with weights large enough that the units interact: W ~ N(0, scale²), b, c ~ N(0, 0.5²).
Rbm<double> tiny_rbm(std::size_t d, std::size_t m, double scale, std::uint64_t seed,
                     UnitKind visible = UnitKind::bernoulli, UnitKind hidden = UnitKind::bernoulli) {
  Rng rng(seed);
  Rbm<double> rbm(d, m, rng, visible, hidden);
  arma::mat W(m, d), b(d, 1), c(m, 1);
  rng.fill_normal(W, 0.0, scale);
  rng.fill_normal(b, 0.0, 0.5);
  rng.fill_normal(c, 0.0, 0.5);
  rbm.set_parameters(W, b, c);
  return rbm;
}

// Binary examples near two prototypes (each bit flipped with probability 0.1).   -> (d x n)
arma::mat two_prototypes(std::size_t d, std::size_t n, Rng& rng) {
  arma::mat V(d, n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      const double prototype = (i % 2 == 0) ? (j < d / 2 ? 1 : 0) : (j % 2 == 0 ? 1 : 0);
      V(j, i) = rng.uniform() < 0.1 ? 1 - prototype : prototype;
    }
  return V;
}

// Every binary vector of `units` units, one per column.
arma::mat all_states(std::size_t units) {
  arma::mat S(units, std::size_t(1) << units);
  for (std::size_t s = 0; s < S.n_cols; ++s)
    for (std::size_t i = 0; i < units; ++i) S(i, s) = static_cast<double>((s >> i) & 1u);
  return S;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rbm_conditionals)

// p(h_j = 1 | v) and p(v_i = 1 | h) from the formulas against sums of e^{−E(v,h)} over every state, and
// F(v) against −log Σ_h e^{−E(v,h)}.
BOOST_AUTO_TEST_CASE(conditionals_and_free_energy_match_brute_force) {
  const Rbm<double> rbm = tiny_rbm(5, 4, 1.0, 1);
  const arma::mat Vs = all_states(5), Hs = all_states(4);
  arma::mat H, V;
  rbm.hidden_means(Vs, H);
  rbm.visible_means(Hs, V);
  const arma::vec F = rbm.free_energy(Vs);
  for (std::size_t s = 0; s < Vs.n_cols; ++s) {
    double total = 0;
    arma::vec on(4, arma::fill::zeros);
    for (std::size_t t = 0; t < Hs.n_cols; ++t) {
      const double weight = std::exp(-rbm.energy(Vs.col(s), Hs.col(t)));
      total += weight;
      on += weight * Hs.col(t);
    }
    BOOST_TEST(arma::approx_equal(H.col(s), on / total, "absdiff", 1e-12));
    BOOST_TEST(std::abs(F[s] + std::log(total)) < 1e-12);
  }
  for (std::size_t t = 0; t < Hs.n_cols; ++t) {
    double total = 0;
    arma::vec on(5, arma::fill::zeros);
    for (std::size_t s = 0; s < Vs.n_cols; ++s) {
      const double weight = std::exp(-rbm.energy(Vs.col(s), Hs.col(t)));
      total += weight;
      on += weight * Vs.col(s);
    }
    BOOST_TEST(arma::approx_equal(V.col(t), on / total, "absdiff", 1e-12));
  }
}

BOOST_AUTO_TEST_CASE(bernoulli_samples_have_the_probabilities) {
  arma::fmat P(50, 2000);
  for (std::size_t j = 0; j < P.n_rows; ++j) P.row(j).fill(static_cast<float>(j) / 49.0f);
  Rng rng(3);
  arma::fmat S;
  sample_bernoulli(P, S, rng);
  const arma::fvec frequency = arma::mean(S, 1);
  // binomial standard error <= 0.5 / sqrt(2000) = 0.011; 5 of them
  BOOST_TEST(test::max_abs(frequency - P.col(0)) < 0.056f);
  BOOST_TEST(frequency[0] == 0.0f);
  BOOST_TEST(frequency[49] == 1.0f);
}

// Gaussian (linear) hidden units: E[h | v] = c + W v and h | v ~ N(c + W v, 1); Gaussian visible units the
// same way; and the free energies against the integral / sum they stand for.
BOOST_AUTO_TEST_CASE(gaussian_units_have_unit_variance_around_their_mean) {
  const Rbm<double> code = tiny_rbm(5, 3, 0.5, 4, UnitKind::bernoulli, UnitKind::gaussian);
  arma::mat v = {1, 0, 1, 1, 0};
  v = v.t();
  const arma::mat V = arma::repmat(v, 1, 20000);
  arma::mat means, samples;
  code.hidden_means(V, means);
  const arma::vec expected = code.hidden_bias_value() + code.W_value() * v;
  BOOST_TEST(arma::approx_equal(means.col(0), expected, "absdiff", 1e-12));
  Rng rng(5);
  code.sample_hidden(means, samples, rng);
  const arma::vec noise_mean = arma::mean(samples - means, 1), noise_var = arma::var(samples - means, 0, 1);
  // standard errors: 1/sqrt(20000) = 0.007 for the mean, sqrt(2/20000) = 0.01 for the variance
  BOOST_TEST(test::max_abs(noise_mean) < 0.035);
  BOOST_TEST(test::max_abs(noise_var - 1.0) < 0.05);

  const Rbm<double> real_valued = tiny_rbm(4, 3, 0.5, 6, UnitKind::gaussian, UnitKind::bernoulli);
  arma::mat h = {1, 0, 1};
  h = h.t();
  real_valued.visible_means(arma::repmat(h, 1, 20000), means);
  BOOST_TEST(arma::approx_equal(means.col(0), real_valued.visible_bias_value() + real_valued.W_value().t() * h, "absdiff", 1e-12));
  real_valued.sample_visible(means, samples, rng);
  BOOST_TEST(test::max_abs(arma::mean(samples - means, 1)) < 0.035);
  BOOST_TEST(test::max_abs(arma::var(samples - means, 0, 1) - 1.0) < 0.05);

  // Gaussian visible: F(v) = −log Σ_h e^{−E(v,h)}
  const arma::mat x = arma::vec{0.3, -1.2, 0.7, 2.0};
  const arma::mat Hs = all_states(3);
  double total = 0;
  for (std::size_t t = 0; t < Hs.n_cols; ++t) total += std::exp(-real_valued.energy(x.col(0), Hs.col(t)));
  BOOST_TEST(std::abs(real_valued.free_energy(x)[0] + std::log(total)) < 1e-12);
  // Gaussian hidden (one unit): F(v) = −log ∫ e^{−E(v,h)} dh, by the trapezoidal rule on [−30, 30]
  const Rbm<double> one = tiny_rbm(3, 1, 0.8, 7, UnitKind::bernoulli, UnitKind::gaussian);
  const arma::vec v3 = {1, 0, 1};
  double integral = 0;
  const double step = 1e-3;
  for (double t = -30; t <= 30; t += step) integral += step * std::exp(-one.energy(v3, arma::vec{t}));
  BOOST_TEST(std::abs(one.free_energy(arma::mat(v3))[0] + std::log(integral)) < 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rbm_exact)

BOOST_AUTO_TEST_CASE(log_partition_by_either_layer_equals_the_double_sum) {
  for (const auto& [d, m] : std::vector<std::pair<std::size_t, std::size_t>>{{5, 4}, {4, 6}}) {
    const Rbm<double> rbm = tiny_rbm(d, m, 1.0, 10 + d);
    const arma::mat Vs = all_states(d), Hs = all_states(m);
    double Z = 0;
    for (std::size_t s = 0; s < Vs.n_cols; ++s)
      for (std::size_t t = 0; t < Hs.n_cols; ++t) Z += std::exp(-rbm.energy(Vs.col(s), Hs.col(t)));
    BOOST_TEST(std::abs(exact_log_partition(rbm) - std::log(Z)) < 1e-10);
  }
}

// The exact gradient against central differences of the exact log-likelihood.
BOOST_AUTO_TEST_CASE(exact_gradient_matches_finite_differences) {
  Rng rng(11);
  for (const auto& [d, m] : std::vector<std::pair<std::size_t, std::size_t>>{{6, 4}, {4, 7}}) {
    Rbm<double> rbm = tiny_rbm(d, m, 0.8, 20 + d);
    const Tensor<double> x = Tensor<double>::from_columns(two_prototypes(d, 10, rng));
    const RbmGradient g = exact_log_likelihood_gradient(rbm, x);
    const std::vector<const arma::mat*> analytic = {&g.W, &g.b, &g.c};
    double worst = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      Param<double>& p = *rbm.params()[k];
      for (std::size_t e = 0; e < p.value.n_elem; ++e) {
        const double keep = p.value[e], h = 1e-5;
        p.value[e] = keep + h;
        const double up = exact_log_likelihood(rbm, x);
        p.value[e] = keep - h;
        const double down = exact_log_likelihood(rbm, x);
        p.value[e] = keep;
        worst = test::worse(worst, std::abs((up - down) / (2 * h) - (*analytic[k])[e]));
      }
    }
    BOOST_TEST_MESSAGE("exact gradient, " << d << "x" << m << ": max |finite difference − exact| = " << worst);
    BOOST_TEST(worst < 1e-8);
  }
}

// CD-k started at the data with k large and many chains samples the model's expectation: its estimate
// approaches the exact gradient. Each component is a mean over C chains of a statistic in [0, 1] (v_i h_j,
// v_i, h_j), so its Monte Carlo standard error is at most 0.5/sqrt(C) = 0.0056 for C = 8000; over the 34
// components we allow 6 of them (0.034). k = 100 is far beyond this RBM's mixing time (weights N(0, 0.8²)).
BOOST_AUTO_TEST_CASE(cd_k_with_long_chains_approaches_the_exact_gradient) {
  Rng rng(12);
  Rbm<double> rbm = tiny_rbm(6, 4, 0.8, 30);
  const arma::mat data = two_prototypes(6, 8, rng);
  const RbmGradient exact = exact_log_likelihood_gradient(rbm, Tensor<double>::from_columns(data));
  const std::size_t chains = 8000;
  RbmTrainingOptions options;
  options.cd_steps = 100;
  options.sample_visible = true;
  ContrastiveDivergence<double> cd(rbm, options);
  cd.gradient(arma::repmat(data, 1, chains / data.n_cols), rng);
  // grad holds the NEGATIVE log-likelihood gradient
  const double error = std::max({test::max_abs(rbm.W().grad + exact.W), test::max_abs(rbm.visible_bias().grad + exact.b),
                                 test::max_abs(rbm.hidden_bias().grad + exact.c)});
  const double scale = std::max({test::max_abs(exact.W), test::max_abs(exact.b), test::max_abs(exact.c)});
  BOOST_TEST_MESSAGE("CD-100, " << chains << " chains: max |CD − exact| = " << error << " (largest exact component " << scale << ")");
  BOOST_TEST(error < 6 * 0.5 / std::sqrt(static_cast<double>(chains)));
  BOOST_TEST(scale > 0.1);  // the comparison is not between two zeros

  // CD-1 with mean-field reconstructions is a biased estimate: on this RBM it is much further off.
  Rbm<double> same = rbm;
  RbmTrainingOptions cd1;
  ContrastiveDivergence<double> short_chain(same, cd1);
  short_chain.gradient(arma::repmat(data, 1, chains / data.n_cols), rng);
  const double cd1_error = test::max_abs(same.W().grad + exact.W);
  BOOST_TEST_MESSAGE("CD-1: max |CD − exact| on W = " << cd1_error);
  BOOST_TEST(cd1_error > 2 * error);
}

// The CD step runs each thread's block of examples in one parallel region (contrastive_divergence.cpp). Its
// gradient equals the formulas written out with whole-batch Armadillo calls and the same random draws, for
// CD-2, CD-2 with sampled visible states, PCD-2 and Gaussian hidden units, at 1 and 2 threads, with batches
// that split unevenly (the work is large enough for the threaded path).
BOOST_AUTO_TEST_CASE(threaded_cd_gradient_equals_the_formulas) {
  const int threads = thread_count();
  for (const int team : {1, 2})
    for (const int variant : {0, 1, 2, 3}) {
      set_thread_count(team);
      const UnitKind hidden_kind = variant == 3 ? UnitKind::gaussian : UnitKind::bernoulli;
      Rbm<double> rbm = tiny_rbm(300, 120, 0.05, 50 + variant, UnitKind::bernoulli, hidden_kind);
      Rng data_rng(60 + variant);
      arma::mat V0(300, 77);
      data_rng.fill_bernoulli(V0, 0.3);
      RbmTrainingOptions options;
      options.cd_steps = 2;
      options.sample_visible = variant == 1;
      options.persistent = variant == 2;
      ContrastiveDivergence<double> cd(rbm, options);
      Rng rng(70), reference_rng(70);
      cd.gradient(V0, rng);
      // The formulas, one whole-batch call after the other (PCD: the chains start at this batch)
      arma::mat H0, Hk, Vk = V0;
      rbm.hidden_means(V0, H0);
      Hk = H0;
      for (std::size_t step = 0; step < options.cd_steps; ++step) {
        rbm.sample_hidden(Hk, Hk, reference_rng);
        rbm.visible_means(Hk, Vk);
        if (options.sample_visible || options.persistent) rbm.sample_visible(Vk, Vk, reference_rng);
        rbm.hidden_means(Vk, Hk);
      }
      const double n = static_cast<double>(V0.n_cols);
      const arma::mat W = -(H0 * V0.t() - Hk * Vk.t()) / n;
      const arma::vec b = -(arma::sum(V0, 1) - arma::sum(Vk, 1)) / n, c = -(arma::sum(H0, 1) - arma::sum(Hk, 1)) / n;
      const double error = std::max({test::max_abs(rbm.W().grad - W), test::max_abs(rbm.visible_bias().grad - b),
                                     test::max_abs(rbm.hidden_bias().grad - c)});
      BOOST_TEST_MESSAGE(team << " thread(s), variant " << variant << ": max |threaded − formulas| = " << error);
      BOOST_TEST(error < 1e-12);
      BOOST_TEST(test::max_abs(W) > 1e-3);  // not two zeros
      if (options.persistent) BOOST_TEST(arma::approx_equal(cd.chains(), Vk, "absdiff", 1e-12));
    }
  set_thread_count(threads);
}

// Training raises the exact log-likelihood of the training data, with CD-1 and with PCD.
BOOST_AUTO_TEST_CASE(training_increases_the_exact_log_likelihood) {
  Rng rng(13);
  const arma::mat data = two_prototypes(8, 40, rng);
  const Tensor<double> x = Tensor<double>::from_columns(data);
  for (const bool persistent : {false, true}) {
    Rng init(14);
    Rbm<double> rbm(8, 4, init);
    rbm.set_visible_bias_from_data(data);
    const double before = exact_log_likelihood(rbm, x);
    RbmTrainingOptions options;
    options.epochs = 300;
    options.batch_size = 10;
    options.persistent = persistent;
    options.learning_rate_weights = options.learning_rate_visible_biases = options.learning_rate_hidden_biases = 0.05;
    options.final_momentum = 0.5;  // PCD's chains cannot follow weights that a momentum of 0.9 moves fast
    train_rbm(rbm, x, options, rng);
    const double after = exact_log_likelihood(rbm, x);
    BOOST_TEST_MESSAGE((persistent ? "PCD" : "CD-1") << ": exact mean log-likelihood " << before << " -> " << after << " nats");
    // The data's entropy bounds the gain: 8 bits flipped with probability 0.1 and two prototypes leave
    // about −3.3 nats at best, from −4.4 with the biases set from the data.
    BOOST_TEST(after > before + 0.5);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rbm_ais)

// AIS against exact enumeration: a random RBM and one trained on data, base rate from the data. With 200
// runs and 2000 temperatures the estimate is within 0.05 nats, and the exact value lies inside ±3σ.
BOOST_AUTO_TEST_CASE(ais_matches_the_exact_partition_function) {
  Rng rng(21);
  const Tensor<double> x = Tensor<double>::from_columns(two_prototypes(20, 200, rng));
  Rbm<double> random_rbm = tiny_rbm(20, 10, 0.5, 22);
  Rbm<double> trained(20, 10, rng);
  trained.set_visible_bias_from_data(x.matrix());
  RbmTrainingOptions options;
  options.epochs = 20;
  options.batch_size = 20;
  train_rbm(trained, x, options, rng);
  const arma::mat base = base_rate_visible_bias(x);
  for (const Rbm<double>* rbm : {&random_rbm, &trained}) {
    const double exact = exact_log_partition(*rbm);
    const AisEstimate ais = ais_log_partition(*rbm, 200, ais_betas(2000), rng, base);
    BOOST_TEST_MESSAGE("AIS log Z = " << ais.log_z << " [" << ais.log_z_low << ", " << ais.log_z_high << "], exact " << exact);
    BOOST_TEST(std::abs(ais.log_z - exact) < 0.05);
    BOOST_TEST(ais.log_z_low <= exact);
    BOOST_TEST(ais.log_z_high >= exact);
    BOOST_TEST(std::abs(average_log_probability(*rbm, x, exact) - exact_log_likelihood(*rbm, x)) < 1e-10);
  }
  // A uniform base (no bias) works too, with a wider interval.
  const AisEstimate uniform = ais_log_partition(trained, 200, ais_betas(2000), rng);
  BOOST_TEST(std::abs(uniform.log_z - exact_log_partition(trained)) < 0.1);
}

BOOST_AUTO_TEST_CASE(the_schedule_is_the_papers) {
  const std::vector<double> betas = ais_betas(14500);
  BOOST_TEST(betas.size() == 14501u);
  BOOST_TEST(betas.front() == 0.0);
  BOOST_TEST(betas.back() == 1.0);
  BOOST_TEST(std::abs(betas[1] - 1e-3) < 1e-12);
  BOOST_TEST(std::abs(betas[500] - 0.5) < 1e-12);
  BOOST_TEST(std::abs(betas[4500] - 0.9) < 1e-12);
  BOOST_TEST(std::abs(betas[4501] - 0.90001) < 1e-12);
  Rng rng(1);
  const Rbm<double> rbm = tiny_rbm(4, 3, 0.5, 1);
  test::check_error<OptionError>([&] { ais_log_partition(rbm, 0, betas, rng); }, {"runs:"});
  test::check_error<OptionError>([&] { ais_log_partition(rbm, 10, std::vector<double>{0, 0.7, 0.5, 1}, rng); }, {"betas:"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rbm_training)

// CD-1 on 3,000 MNIST training images: the reconstruction error falls epoch after epoch, well below that
// of the untrained RBM; the free-energy gap against 1,000 test images is recorded every epoch.
BOOST_AUTO_TEST_CASE(cd1_on_mnist_lowers_the_reconstruction_error) {
  const char* data_dir = std::getenv("LECON_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(data_dir, "LECON_DATA_DIR is set by CTest");
  const DataSplit mnist = load_data(data_dir, "mnist");
  const Tensor<float> x = mnist.train.subset(arma::regspace<arma::uvec>(0, 2999)).x.reshaped(Shape{3000, 784});
  const Tensor<float> held = mnist.test.subset(arma::regspace<arma::uvec>(0, 999)).x.reshaped(Shape{1000, 784});
  Rng rng(31);
  Rbm<float> rbm(784, 200, rng);
  rbm.set_visible_bias_from_data(x.matrix());
  const double before = reconstruction_error(rbm, arma::fmat(x.matrix().cols(0, 999)));
  RbmTrainingOptions options;
  options.epochs = 3;
  const RbmHistory history = train_rbm(rbm, x, options, rng, &held);
  BOOST_TEST_MESSAGE("MNIST CD-1 784-200: reconstruction error " << before << " -> " << history.reconstruction_error[0] << ", "
                                                                  << history.reconstruction_error[1] << ", " << history.reconstruction_error[2]
                                                                  << "; free-energy gap " << history.free_energy_gap[2]);
  BOOST_TEST(history.reconstruction_error.size() == 3u);
  BOOST_TEST(history.free_energy_gap.size() == 3u);
  BOOST_TEST(history.held_out_reconstruction_error.size() == 3u);
  BOOST_TEST(history.reconstruction_error[0] < 0.8 * before);
  BOOST_TEST(history.reconstruction_error[2] < 0.6 * before);
  BOOST_TEST(history.reconstruction_error[1] < history.reconstruction_error[0]);
  BOOST_TEST(history.reconstruction_error[2] < history.reconstruction_error[1]);
  BOOST_TEST(std::isfinite(history.free_energy_gap[2]));
}

// The random numbers are the same at any thread count (one key per call, one generator per column), and a
// run repeats bit for bit at a given thread count. Across thread counts the products run on other blocks
// of columns (each thread its own examples and visible units), which OpenBLAS may round differently, so the
// trained weights are required to agree to rounding (seen: bit for bit since the one-region CD step).
BOOST_AUTO_TEST_CASE(same_seed_same_rbm_at_1_and_2_threads) {
  Rng data_rng(41);
  Tensor<float> x(Shape{500, 784});
  data_rng.fill_bernoulli(x.matrix(), 0.3);
  arma::fmat P(784, 300);
  data_rng.fill_uniform(P, 0.0f, 1.0f);
  const int threads = thread_count();
  std::vector<arma::fmat> weights, samples;
  for (const bool persistent : {false, true})
    for (const int n : {1, 2, 1, 2}) {
      set_thread_count(n);
      Rng rng(42);
      Rbm<float> rbm(784, 150, rng);
      RbmTrainingOptions options;
      options.epochs = 2;
      options.persistent = persistent;
      options.cd_steps = 2;
      train_rbm(rbm, x, options, rng);
      weights.push_back(rbm.W_value());
      arma::fmat S, G;
      sample_bernoulli(P, S, rng);
      sample_unit_gaussian(P, G, rng);
      samples.push_back(arma::join_rows(S, G));
    }
  set_thread_count(threads);
  for (std::size_t run = 0; run < 8; run += 4) {
    BOOST_TEST(arma::approx_equal(weights[run], weights[run + 2], "absdiff", 0.0f));      // 1 thread, twice
    BOOST_TEST(arma::approx_equal(weights[run + 1], weights[run + 3], "absdiff", 0.0f));  // 2 threads, twice
    const float across = test::max_abs(weights[run] - weights[run + 1]);
    BOOST_TEST_MESSAGE((run == 0 ? "CD-2" : "PCD-2") << ": max |W(1 thread) − W(2 threads)| = " << across);
    BOOST_TEST(across < 1e-3f);
  }
  BOOST_TEST(!arma::approx_equal(weights[0], weights[4], "absdiff", 0.0f));
  for (std::size_t i = 0; i < samples.size(); ++i) BOOST_TEST(arma::approx_equal(samples[i], samples[i < 4 ? 0 : 4], "absdiff", 0.0f));
}

// Annealing: with one mini-batch per epoch and no momentum, the runs with and without annealing compute the
// same gradient in epoch 1 (same seed, same weights after epoch 0), so the annealed step is exactly the
// epoch's factor, 1 − (1 − 0.25) · 1/2 = 0.625, times the constant run's step.
BOOST_AUTO_TEST_CASE(annealing_scales_the_steps_linearly) {
  arma::mat pixels(6, 16);
  for (arma::uword j = 0; j < pixels.n_cols; ++j)
    for (arma::uword i = 0; i < pixels.n_rows; ++i) pixels(i, j) = (i * 7 + j * 3) % 5 < 2 ? 1 : 0;
  const Tensor<double> x(Shape{16, 6}, pixels);
  auto weights_after = [&](double factor) {
    Rng rng(3);
    Rbm<double> rbm(6, 4, rng);
    RbmTrainingOptions options;
    options.epochs = 3;
    options.batch_size = 16;
    options.initial_momentum = options.final_momentum = 0;
    options.final_learning_rate_factor = factor;
    std::vector<arma::mat> w;
    train_rbm<double>(rbm, x, options, rng, nullptr, [&](std::size_t, const RbmHistory&) { w.push_back(rbm.W_value()); });
    return w;
  };
  const std::vector<arma::mat> constant = weights_after(1), annealed = weights_after(0.25);
  BOOST_TEST_REQUIRE(constant.size() == 3u);
  BOOST_TEST_REQUIRE(annealed.size() == 3u);
  BOOST_TEST(arma::approx_equal(constant[0], annealed[0], "absdiff", 0.0));  // epoch 0: factor 1 in both
  const arma::mat step_constant = constant[1] - constant[0], step_annealed = annealed[1] - annealed[0];
  BOOST_TEST(arma::norm(step_constant) > 1e-3);
  BOOST_TEST(arma::approx_equal(step_annealed, 0.625 * step_constant, "absdiff", 1e-12));
}

// binarise_each_presentation: every presentation is a new binary sample whose frequency of ones is the
// grey level (4σ of a binomial over 20,000 presentations: 0.014); without the option the batch is X's columns.
BOOST_AUTO_TEST_CASE(presented_batches_are_fresh_binary_samples_of_the_grey_levels) {
  Rng rng(5);
  Rbm<float> rbm(4, 3, rng);
  const arma::fmat X = {{0.0f, 0.1f}, {0.5f, 0.9f}, {1.0f, 0.25f}, {0.75f, 0.5f}};
  const arma::uvec cols = {1, 0};
  RbmTrainingOptions options;
  BOOST_TEST(arma::approx_equal(presented_batch(rbm, X, cols, options, rng), arma::fmat(X.cols(cols)), "absdiff", 0.0f));
  options.binarise_each_presentation = true;
  arma::fmat ones(4, 2, arma::fill::zeros);
  const int draws = 20000;
  arma::fmat previous;
  int repeats = 0;
  for (int i = 0; i < draws; ++i) {
    const arma::fmat batch = presented_batch(rbm, X, cols, options, rng);
    BOOST_TEST_REQUIRE(arma::all(arma::vectorise((batch == 0.0f) + (batch == 1.0f)) == 1u));
    if (i > 0 && arma::approx_equal(batch, previous, "absdiff", 0.0f)) ++repeats;
    previous = batch;
    ones += batch;
  }
  ones /= static_cast<float>(draws);
  BOOST_TEST(test::max_abs(ones - X.cols(cols)) < 0.014f);
  BOOST_TEST(repeats < draws / 10);  // fresh samples: a repeat of both columns has probability 0.066
  Rbm<float> gaussian(4, 3, rng, UnitKind::gaussian);
  test::check_error<OptionError>([&] { train_rbm(gaussian, Tensor<float>(Shape{2, 4}, X), options, rng); }, {"binarise_each_presentation:", "Bernoulli"});
}

// k raised during training: the schedule, and a run that raises k every epoch equals plain CD-1 in its first
// epoch (k = 1, ε undivided) and parts from it in the second (k = 2, ε / 2).
BOOST_AUTO_TEST_CASE(k_raised_during_training) {
  RbmTrainingOptions options;
  options.cd_steps = 3;
  BOOST_TEST(cd_steps_in_epoch(options, 7) == 3u);
  options.cd_steps_increase_every = 10;  // the anneal_lr schedule: epochs 1-10 (e = 0..9) k = 1, 11-20 k = 2, ...
  const std::vector<std::size_t> expected = {1, 1, 2, 2, 3, 3, 3};
  const std::vector<std::size_t> epochs = {0, 9, 10, 19, 20, 29, 500};
  for (std::size_t i = 0; i < epochs.size(); ++i) BOOST_TEST(cd_steps_in_epoch(options, epochs[i]) == expected[i]);

  arma::mat pixels(6, 16);
  for (arma::uword j = 0; j < pixels.n_cols; ++j)
    for (arma::uword i = 0; i < pixels.n_rows; ++i) pixels(i, j) = (i * 5 + j * 3) % 4 < 2 ? 1 : 0;
  const Tensor<double> x(Shape{16, 6}, pixels);
  auto weights_after = [&](std::size_t increase_every) {
    Rng rng(9);
    Rbm<double> rbm(6, 4, rng);
    RbmTrainingOptions o;
    o.epochs = 2;
    o.batch_size = 16;
    o.cd_steps = increase_every > 0 ? 2 : 1;
    o.cd_steps_increase_every = increase_every;
    std::vector<arma::mat> w;
    train_rbm<double>(rbm, x, o, rng, nullptr, [&](std::size_t, const RbmHistory&) { w.push_back(rbm.W_value()); });
    return w;
  };
  const std::vector<arma::mat> plain = weights_after(0), raised = weights_after(1);
  BOOST_TEST(arma::approx_equal(plain[0], raised[0], "absdiff", 0.0));
  BOOST_TEST(!arma::approx_equal(plain[1], raised[1], "absdiff", 1e-9));
}

BOOST_AUTO_TEST_CASE(bad_hyper_parameters_are_one_line_option_errors) {
  Rng rng(1);
  Rbm<float> rbm(10, 5, rng);
  const Tensor<float> x(Shape{20, 10});
  auto with = [&](auto change) {
    RbmTrainingOptions options;
    change(options);
    return [options, &rbm, &x, &rng] { train_rbm(rbm, x, options, rng); };
  };
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.cd_steps = 0; }), {"cd_steps:", "got 0"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.learning_rate_weights = -0.1; }), {"learning_rate_weights:", "-0.1"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.learning_rate_hidden_biases = 0; }), {"learning_rate_hidden_biases:"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.final_momentum = 1; }), {"final_momentum:", "[0, 1)"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.initial_momentum = 1.5; }), {"initial_momentum:"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.weight_cost = -1; }), {"weight_cost:"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.final_learning_rate_factor = 0; }), {"final_learning_rate_factor:", "(0, 1]"});
  test::check_error<OptionError>(with([](RbmTrainingOptions& o) { o.batch_size = 0; }), {"batch_size:"});
  test::check_error<OptionError>([&] { Rbm<float>(10, 0, rng); }, {"hidden_units:"});
  test::check_error<OptionError>([&] { Rbm<float>(10, 5, rng, UnitKind::gaussian, UnitKind::gaussian); }, {"hidden_kind:"});
  test::check_error<OptionError>([&] { unit_kind_from_name("softmax"); }, {"softmax", "bernoulli or gaussian"});
}

// Bad data and a run that blows up are errors, not NaN weights and monitors handed back.
BOOST_AUTO_TEST_CASE(nan_data_and_diverging_weights_are_errors) {
  Rng rng(2);
  Rbm<double> rbm(6, 3, rng);
  Tensor<double> x(Shape{20, 6});
  rng.fill_bernoulli(x.matrix(), 0.5);
  RbmTrainingOptions options;
  options.epochs = 3;
  options.batch_size = 10;
  Tensor<double> with_nan = x;
  with_nan.at(4, 2) = std::nan("");
  test::check_error<Error>([&] { train_rbm(rbm, with_nan, options, rng); }, {"train_rbm: the training examples hold NaN"});
  test::check_error<Error>([&] { train_rbm(rbm, x, options, rng, &with_nan); }, {"train_rbm: the held-out examples hold NaN"});
  // Linear hidden units are unbounded: a huge learning rate feeds them on themselves until the weights overflow.
  Rbm<double> linear(6, 3, rng, UnitKind::bernoulli, UnitKind::gaussian);
  RbmTrainingOptions reckless = options;
  reckless.epochs = 20;
  reckless.learning_rate_weights = reckless.learning_rate_visible_biases = reckless.learning_rate_hidden_biases = 1e150;
  test::check_error<Error>([&] { train_rbm(linear, x, reckless, rng); }, {"train_rbm: the weights diverged in epoch", "smaller learning rate"});
  // The base-rate model of AIS needs probabilities: pixels 0-255 or standardized data are refused.
  Tensor<double> raw = x;
  raw.matrix() *= 255.0;
  test::check_error<Error>([&] { base_rate_visible_bias(raw); }, {"base_rate_visible_bias: expected values in [0, 1]", "255"});
  BOOST_TEST(base_rate_visible_bias(x).is_finite());
  // Exact enumeration refuses a layer pair whose states would not fit in memory (784 x 2^20 doubles).
  Rbm<double> wide(784, 20, rng);
  test::check_error<Error>([&] { exact_log_partition(wide); }, {"exact_log_partition", "2^20 states of a 784-20 RBM", "MB"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rbm_io)

BOOST_AUTO_TEST_CASE(save_load_round_trip_and_damaged_files) {
  test::ScratchDir dir("rbm-io");
  const Rbm<double> rbm = tiny_rbm(7, 5, 0.5, 51, UnitKind::bernoulli, UnitKind::gaussian);
  const std::string path = dir.file("rbm.h5");
  save_rbm(path, rbm);
  const Rbm<double> again = load_rbm<double>(path);
  BOOST_TEST(again.visible_units() == 7u);
  BOOST_TEST(again.hidden_units() == 5u);
  BOOST_TEST((again.hidden_kind() == UnitKind::gaussian));
  BOOST_TEST(arma::approx_equal(again.W_value(), rbm.W_value(), "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(again.visible_bias_value(), rbm.visible_bias_value(), "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(again.hidden_bias_value(), rbm.hidden_bias_value(), "absdiff", 0.0));

  // One flipped byte: the checksum catches it, one line naming the file.
  std::vector<std::uint8_t> bytes = test::read_all(path);
  bytes[bytes.size() / 2] ^= 0x40;
  const std::string damaged = dir.file("damaged.h5");
  test::write_bytes(damaged, bytes);
  test::check_error<FileError>([&] { load_rbm<double>(damaged); }, {damaged});

  // A well-formed file whose weights do not fit the sizes it states.
  const std::string wrong = dir.file("wrong.h5");
  {
    H5Writer file(wrong);
    file.set_attribute("/", "format", "lecon-rbm-1");
    file.set_attribute("/", "visible_units", 7.0);
    file.set_attribute("/", "hidden_units", 5.0);
    file.set_attribute("/", "visible_kind", 0.0);
    file.set_attribute("/", "hidden_kind", 0.0);
    file.write("W", Tensor<double>::from_columns(arma::mat(4, 7, arma::fill::zeros)));
    file.write("b", Tensor<double>::from_columns(arma::mat(7, 1, arma::fill::zeros)));
    file.write("c", Tensor<double>::from_columns(arma::mat(5, 1, arma::fill::zeros)));
    file.commit();
  }
  test::check_error<FileError>([&] { load_rbm<double>(wrong); }, {wrong, "W: shape"});
  test::check_error<FileError>([&] { load_rbm<double>(dir.file("missing.h5")); }, {dir.file("missing.h5")});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rbm_pretraining)

// Two RBMs pretrained greedily give the Sequential of their encoders: its output is the second RBM's
// hidden means of the first one's; a Gaussian top layer appends a linear encoder; the decoder maps back.
BOOST_AUTO_TEST_CASE(rbm_layers_stack_with_pretrain_greedily) {
  Rng rng(61);
  Tensor<double> x(Shape{200, 20});
  rng.fill_bernoulli(x.matrix(), 0.4);
  RbmTrainingOptions options;
  options.epochs = 2;
  options.batch_size = 20;
  RbmLayer<double> first(10, options);
  RbmLayer<double> code(3, hinton_salakhutdinov_2006_options(UnitKind::gaussian, 2), UnitKind::bernoulli, UnitKind::gaussian);
  Sequential<double> stack = pretrain_greedily<double>({&first, &code}, x, rng);
  BOOST_TEST(stack.size() == 3u);  // Dense + sigmoid, Dense (linear code)
  BOOST_TEST(first.history().reconstruction_error.size() == 2u);
  const Tensor<double> expected = code.rbm().encode(first.rbm().encode(x));
  BOOST_TEST(arma::approx_equal(stack.predict(x).matrix(), expected.matrix(), "absdiff", 1e-12));
  Sequential<double> decoder;
  append_rbm_decoder(code.rbm(), decoder);
  append_rbm_decoder(first.rbm(), decoder);
  const Tensor<double> back = decoder.predict(expected);
  BOOST_TEST(back.sample_size() == 20u);
  arma::mat middle, bottom;
  code.rbm().visible_means(expected.matrix(), middle);
  first.rbm().visible_means(middle, bottom);
  BOOST_TEST(arma::approx_equal(back.matrix(), bottom, "absdiff", 1e-12));
  test::check_error<OptionError>([&] { RbmLayer<double>(0, options); }, {"hidden_units:"});
}

BOOST_AUTO_TEST_SUITE_END()
