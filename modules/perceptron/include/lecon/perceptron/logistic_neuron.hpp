#pragma once
// One logistic neuron trained by gradient descent on the cross-entropy: logistic regression.
#include <armadillo>
#include <vector>

#include "lecon/core/rng.hpp"

namespace lecon {

class LogisticNeuron {
 public:
  LogisticNeuron(std::size_t inputs, Rng& rng);  // weights uniform in [-0.1, 0.1], bias 0

  // [slide: the artificial neuron]  y = σ(w0 + Σ_k wk xk).   X: (d x n) -> (n) probabilities
  arma::rowvec predict(const arma::mat& X) const;

  // [slide: gradient descent]  E = -(1/n) Σ_i [t_i ln y_i + (1 - t_i) ln(1 - y_i)]
  //   ∂E/∂w = (1/n) Σ_i (y_i - t_i) x_i,   ∂E/∂w0 = (1/n) Σ_i (y_i - t_i);   w <- w - η ∂E/∂w
  // Full-batch steps; returns E before each epoch and after the last.
  std::vector<double> train(const arma::mat& X, const arma::rowvec& t, double learning_rate, std::size_t epochs);

  double loss(const arma::mat& X, const arma::rowvec& t) const;
  const arma::vec& weights() const { return w_; }
  double bias() const { return w0_; }

 private:
  arma::vec w_;
  double w0_ = 0;
};

}  // namespace lecon
