#include <boost/test/unit_test.hpp>

#include "lecon/perceptron/activations.hpp"
#include "lecon/perceptron/logistic_neuron.hpp"
#include "lecon/perceptron/perceptron.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(activations)

BOOST_AUTO_TEST_CASE(values_at_known_points) {
  BOOST_TEST(SigmoidFn<double>::value(0) == 0.5);
  BOOST_TEST(std::abs(SigmoidFn<double>::value(2) - 1 / (1 + std::exp(-2.0))) < 1e-15);
  BOOST_TEST(SigmoidFn<double>::value(-800) == 0.0);  // no overflow, no NaN
  BOOST_TEST(SigmoidFn<double>::value(800) == 1.0);
  BOOST_TEST(std::abs(SoftplusFn<double>::value(0) - std::log(2.0)) < 1e-15);
  BOOST_TEST(SoftplusFn<double>::value(800) == 800.0);
  BOOST_TEST(ReluFn<double>::value(-3) == 0.0);
  BOOST_TEST(ReluFn<double>::value(3) == 3.0);
  BOOST_TEST(std::abs(EluFn<double>::value(-1) - (std::exp(-1.0) - 1)) < 1e-15);
  BOOST_TEST(LeakyReluFn<double>::value(-2) == -0.02);
  BOOST_TEST(LeakyReluFn<double>::value(3) == 3.0);
  BOOST_TEST(LeakyReluFn<double>::derivative(-2, -0.02) == 0.01);
  BOOST_TEST(LeakyReluFn<double>::derivative(3, 3) == 1.0);
  BOOST_TEST((activation_from_name("leaky_relu") == Activation::leaky_relu));
  BOOST_TEST((activation_from_name("relu") == Activation::relu));
  BOOST_TEST(activation_name(Activation::softplus) == "softplus");
  test::check_error<OptionError>([] { activation_from_name("swish"); }, {"activation 'swish'", "expected one of linear, sigmoid, tanh, relu"});
  // The one list: every activation's name leads back to it, in the order old model files numbered them.
  BOOST_TEST(all_activations().size() == kActivationCount);
  for (std::size_t i = 0; i < all_activations().size(); ++i) {
    const Activation kind = all_activations()[i];
    BOOST_TEST(static_cast<std::size_t>(kind) == i);
    BOOST_TEST((activation_from_name(activation_name(kind)) == kind), activation_name(kind));
  }
  BOOST_TEST(static_cast<int>(Activation::relu) == 3);  // old model files store relu as 3.0
}

BOOST_AUTO_TEST_CASE(derivatives_match_finite_differences) {
  for (Activation kind : all_activations()) {
    arma::mat a = arma::linspace<arma::mat>(-4, 4, 81);
    a += 0.0123;  // keep away from the kinks of ReLU and ELU at 0
    arma::mat y, d, up, down;
    activate(kind, a, y);
    activation_derivative(kind, a, y, d);
    const double h = 1e-6;
    activate(kind, arma::mat(a + h), up);
    activate(kind, arma::mat(a - h), down);
    const arma::mat numeric = (up - down) / (2 * h);
    BOOST_TEST(test::max_abs(d - numeric) < 1e-8, activation_name(kind));
  }
}

BOOST_AUTO_TEST_CASE(softmax_columns_are_distributions_even_for_huge_inputs) {
  const arma::mat a = {{1000, 1, -5}, {1001, 2, -5}, {999, 3, -5}};
  arma::mat y;
  softmax(a, y);
  BOOST_TEST(arma::approx_equal(arma::sum(y, 0), arma::rowvec{1, 1, 1}, "absdiff", 1e-12));
  BOOST_TEST(y.is_finite());
  BOOST_TEST(std::abs(y(1, 0) - std::exp(1.0) / (1 + std::exp(1.0) + std::exp(-1.0))) < 1e-12);
  BOOST_TEST(std::abs(y(0, 2) - 1.0 / 3) < 1e-12);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(perceptron)

BOOST_AUTO_TEST_CASE(learns_a_separable_problem_and_stops) {
  // AND of two inputs.
  const arma::mat X = {{0, 0, 1, 1}, {0, 1, 0, 1}};
  const arma::uvec t = {0, 0, 0, 1};
  Perceptron p(2);
  const PerceptronHistory h = p.train(X, t, 0.1, 100);
  BOOST_TEST(h.converged);
  BOOST_TEST(h.errors.back() == 0u);
  BOOST_TEST(h.errors.size() < 100u);
  BOOST_TEST(arma::all(p.predict(X) == t));
}

BOOST_AUTO_TEST_CASE(never_converges_on_xor) {
  const arma::mat X = {{0, 0, 1, 1}, {0, 1, 0, 1}};
  const arma::uvec t = {0, 1, 1, 0};
  Perceptron p(2);
  const PerceptronHistory h = p.train(X, t, 0.1, 200);
  BOOST_TEST(!h.converged);
  BOOST_TEST(h.errors.size() == 200u);
  BOOST_TEST(*std::min_element(h.errors.begin(), h.errors.end()) >= 1u);  // at least one mistake every epoch
  test::check_error<Error>([&] { p.train(X, arma::uvec{0, 1, 2, 0}, 0.1, 1); }, {"targets must be 0 or 1"});
  test::check_error<Error>([&] { p.train(X, arma::uvec{0, 1}, 0.1, 1); }, {"4 samples but 2 targets"});
  // η = 0 counted no errors and reported convergence; NaN data or η made the weights NaN.
  test::check_error<OptionError>([&] { p.train(X, t, 0.0, 1); }, {"Perceptron::train: learning rate must be positive and finite, got 0"});
  test::check_error<OptionError>([&] { p.train(X, t, std::nan(""), 1); }, {"learning rate must be positive and finite"});
  arma::mat with_nan = X;
  with_nan(1, 2) = std::nan("");
  test::check_error<Error>([&] { p.train(with_nan, t, 0.1, 1); }, {"Perceptron::train: the samples hold NaN"});
  test::check_error<Error>([&] { p.train(arma::mat(2, 0), arma::uvec(), 0.1, 1); }, {"Perceptron::train: no samples"});
  Rng rng(2);
  LogisticNeuron neuron(2, rng);
  test::check_error<Error>([&] { neuron.train(arma::mat(2, 0), arma::rowvec(), 0.1, 1); }, {"LogisticNeuron::train: no samples"});
  test::check_error<OptionError>([&] { neuron.train(X, arma::rowvec{0, 1, 1, 0}, HUGE_VAL, 1); }, {"LogisticNeuron::train: learning rate"});
  test::check_error<Error>([&] { neuron.train(with_nan, arma::rowvec{0, 1, 1, 0}, 0.1, 1); }, {"hold NaN or infinite values"});
}

BOOST_AUTO_TEST_CASE(logistic_neuron_descends_the_cross_entropy) {
  Rng rng(1);
  arma::mat X(2, 200);
  rng.fill_normal(X, 0.0, 1.0);
  arma::rowvec t(200);
  for (arma::uword i = 0; i < 200; ++i) t[i] = X(0, i) + 0.5 * X(1, i) > 0 ? 1 : 0;
  LogisticNeuron neuron(2, rng);
  // One step, against the formula written out here: w <- w - η (1/n) Σ_i (y_i - t_i) x_i, w0 <- w0 - η (1/n) Σ_i (y_i - t_i)
  {
    LogisticNeuron one = neuron;
    arma::vec w = one.weights();
    double w0 = one.bias(), sum_0 = 0;
    arma::vec sum = arma::zeros(2);
    for (arma::uword i = 0; i < 200; ++i) {
      const double y = 1 / (1 + std::exp(-(arma::dot(w, X.col(i)) + w0)));
      sum += (y - t[i]) * X.col(i);
      sum_0 += y - t[i];
    }
    w -= 0.5 * sum / 200;
    w0 -= 0.5 * sum_0 / 200;
    one.train(X, t, 0.5, 1);
    BOOST_TEST(arma::norm(one.weights() - w) < 1e-12, "one step: w = (" << one.weights()[0] << ", " << one.weights()[1] << "), expected ("
                                                                      << w[0] << ", " << w[1] << ")");
    BOOST_TEST(std::abs(one.bias() - w0) < 1e-12, "one step: w0 = " << one.bias() << " expected " << w0);
  }
  const std::vector<double> losses = neuron.train(X, t, 1.0, 300);
  for (std::size_t i = 1; i < losses.size(); ++i) BOOST_REQUIRE(losses[i] <= losses[i - 1] + 1e-12);
  BOOST_TEST(losses.back() < 0.15);
  const arma::rowvec y = neuron.predict(X);
  BOOST_TEST(arma::accu((y > 0.5) == (t > 0.5)) >= 196u);
  // The learned direction is that of the true boundary, w ∝ (1, 0.5).
  BOOST_TEST(std::abs(neuron.weights()[1] / neuron.weights()[0] - 0.5) < 0.15);
}

BOOST_AUTO_TEST_SUITE_END()
