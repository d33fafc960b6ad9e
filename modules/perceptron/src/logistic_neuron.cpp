#include "lecon/perceptron/logistic_neuron.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/perceptron/activations.hpp"

namespace lecon {

LogisticNeuron::LogisticNeuron(std::size_t inputs, Rng& rng) : w_(inputs) { rng.fill_uniform(w_, -0.1, 0.1); }

arma::rowvec LogisticNeuron::predict(const arma::mat& X) const {
  arma::rowvec y = w_.t() * X + w0_;
  y.transform([](double a) { return SigmoidFn<double>::value(a); });
  return y;
}

double LogisticNeuron::loss(const arma::mat& X, const arma::rowvec& t) const {
  // ln y = -softplus(-a) and ln(1 - y) = -softplus(a): exact even where y rounds to 0 or 1.
  const arma::rowvec a = w_.t() * X + w0_;
  double sum = 0;
  for (arma::uword i = 0; i < a.n_elem; ++i)
    sum += t[i] * SoftplusFn<double>::value(-a[i]) + (1 - t[i]) * SoftplusFn<double>::value(a[i]);
  return sum / static_cast<double>(a.n_elem);
}

std::vector<double> LogisticNeuron::train(const arma::mat& X, const arma::rowvec& t, double learning_rate, std::size_t epochs) {
  if (X.n_rows != w_.n_elem || t.n_elem != X.n_cols)
    throw Error("LogisticNeuron::train: expected X of " + std::to_string(w_.n_elem) + " rows and one target per column");
  if (X.n_cols == 0) throw Error("LogisticNeuron::train: no samples; expected X with at least one column");  // the mean would be 0/0
  if (!X.is_finite() || !t.is_finite()) throw Error("LogisticNeuron::train: the samples or targets hold NaN or infinite values");
  if (!(learning_rate > 0 && std::isfinite(learning_rate)))
    throw OptionError("LogisticNeuron::train: learning rate must be positive and finite, got " + std::to_string(learning_rate));
  std::vector<double> losses;
  const double n = static_cast<double>(X.n_cols);
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    losses.push_back(loss(X, t));
    // EXERCISE logistic-neuron-step BEGIN
    const arma::rowvec error = predict(X) - t;  // y - t
    w_ -= learning_rate * (X * error.t()) / n;
    w0_ -= learning_rate * arma::accu(error) / n;
    // EXERCISE logistic-neuron-step END
  }
  losses.push_back(loss(X, t));
  return losses;
}

}  // namespace lecon
