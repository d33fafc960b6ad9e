#include "lecon/perceptron/perceptron.hpp"

#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon {

Perceptron::Perceptron(std::size_t inputs) : w_(inputs, arma::fill::zeros) {}

int Perceptron::predict(const arma::vec& x) const { return w0_ + arma::dot(w_, x) > 0 ? 1 : 0; }

arma::uvec Perceptron::predict(const arma::mat& X) const {
  const arma::rowvec a = w_.t() * X + w0_;
  return arma::conv_to<arma::uvec>::from(a > 0.0);
}

PerceptronHistory Perceptron::train(const arma::mat& X, const arma::uvec& t, double learning_rate, std::size_t max_epochs) {
  if (X.n_rows != w_.n_elem) throw Error("Perceptron::train: samples have " + std::to_string(X.n_rows) + " inputs, expected " + std::to_string(w_.n_elem));
  if (t.n_elem != X.n_cols) throw Error("Perceptron::train: " + std::to_string(X.n_cols) + " samples but " + std::to_string(t.n_elem) + " targets");
  if (arma::any(t > 1)) throw Error("Perceptron::train: targets must be 0 or 1");
  if (X.n_cols == 0) throw Error("Perceptron::train: no samples; expected X with at least one column");
  if (!X.is_finite()) throw Error("Perceptron::train: the samples hold NaN or infinite values");
  // η = 0 would count no errors and report convergence having learnt nothing; NaN would make w NaN.
  if (!(learning_rate > 0 && std::isfinite(learning_rate)))
    throw OptionError("Perceptron::train: learning rate must be positive and finite, got " + std::to_string(learning_rate));
  PerceptronHistory history;
  for (std::size_t epoch = 0; epoch < max_epochs; ++epoch) {
    std::size_t errors = 0;
    for (arma::uword i = 0; i < X.n_cols; ++i) {
      // EXERCISE perceptron-update BEGIN
      const int y = predict(arma::vec(X.col(i)));
      const double delta = learning_rate * (static_cast<double>(t[i]) - y);
      if (delta != 0) {
        ++errors;
        w_ += delta * X.col(i);
        w0_ += delta;
      }
      // EXERCISE perceptron-update END
    }
    history.errors.push_back(errors);
    if (errors == 0) {
      history.converged = true;
      break;
    }
  }
  return history;
}

}  // namespace lecon
