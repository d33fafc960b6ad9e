#pragma once
// Rosenblatt's perceptron: a threshold neuron and its learning rule.
#include <armadillo>
#include <vector>

namespace lecon {

struct PerceptronHistory {
  std::vector<std::size_t> errors;  // misclassified samples in each epoch
  bool converged = false;           // an epoch without a single error
};

class Perceptron {
 public:
  explicit Perceptron(std::size_t inputs);

  // [paper: Rosenblatt 1958]  y = 1 if w0 + Σ_k wk xk > 0, else 0.   x: (d)
  int predict(const arma::vec& x) const;
  // X: (d x n), one sample per column; returns (n) outputs in {0, 1}.
  arma::uvec predict(const arma::mat& X) const;

  // [paper: Rosenblatt 1958, learning rule]  for each sample in turn: w <- w + η (t - y) x,  w0 <- w0 + η (t - y).
  // X: (d x n), t: (n) in {0, 1}. Stops after an error-free epoch (Novikoff: this happens on linearly
  // separable data) or after max_epochs (it never happens on XOR).
  PerceptronHistory train(const arma::mat& X, const arma::uvec& t, double learning_rate, std::size_t max_epochs);

  const arma::vec& weights() const { return w_; }
  double bias() const { return w0_; }

 private:
  arma::vec w_;
  double w0_ = 0;
};

}  // namespace lecon
