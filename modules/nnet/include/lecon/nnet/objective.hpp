#pragma once
// The function nnet minimises, and its analytic gradient (backpropagation through one hidden layer):
//
//   f(w) = Σ_n E(y(x_n; w), t_n)  +  λ Σ_i w_i²
//
// summed (not averaged) over the n samples, with the fitting criterion E one of
//   least squares   E = Σ_k (y_k - t_k)²
//   entropy         E = -Σ_k [t_k log(y_k / t_k) + (1 - t_k) log((1 - y_k) / (1 - t_k))]   (logistic units)
//   softmax         E = -Σ_k t_k log p_k                                                      (softmax units)
// and weight decay λ over EVERY weight, biases and skip-layer weights included (R's nnet.c gives each
// weight the same decay). The entropy form is relative to the targets, so it is 0 at y = t.
//
// A function object for vmmin: evaluate() and gradient(), as ensmallen's optimisers take them.
#include <armadillo>

#include "lecon/nnet/network.hpp"

namespace lecon::nnet {

enum class Criterion {
  least_squares,   // nnet's default
  entropy,         // entropy = TRUE: maximum conditional likelihood for 0/1 targets; logistic units only
  log_likelihood,  // softmax = TRUE: multinomial log-likelihood; softmax units only
};
std::string to_string(Criterion criterion);

class NnetObjective {
 public:
  // x: (p x n) inputs, t: (K x n) targets, one sample per column; decay: λ >= 0.
  // Throws Error for shapes that do not fit the architecture or a criterion the output units cannot use
  // (entropy needs logistic units, the log-likelihood needs softmax units and softmax units need it).
  NnetObjective(const Architecture& net, OutputUnits units, Criterion criterion, arma::mat x, arma::mat t, double decay);

  std::size_t weight_count() const { return net_.weight_count(); }
  // f(w); w: (weight_count) in R's order.
  double evaluate(const arma::vec& w);
  // g = ∇f(w), overwritten; g: (weight_count).
  void gradient(const arma::vec& w, arma::vec& g);
  // The two parts of f: Σ_n E and λ Σ w².
  double fitting_error(const arma::vec& w);
  double decay_term(const arma::vec& w) const;

  const Architecture& architecture() const { return net_; }
  double decay() const { return decay_; }

 private:
  // E for one sample, from the activations of forward(); t: (K) targets.
  double sample_error(const double* t) const;
  // Adds this sample's ∂E/∂w to g (after forward()).
  void add_sample_gradient(const double* x, const double* t, const arma::vec& w, arma::vec& g);
  void check_weights(const arma::vec& w) const;

  Architecture net_;
  OutputUnits units_;
  Criterion criterion_;
  arma::mat x_, t_;
  double decay_;
  Activations a_;        // workspace: the current sample's unit values
  arma::vec delta_out_;  // (K) ∂E/∂a_k
  arma::vec back_sum_;   // (S) Σ_k ∂E/∂a_k W_kj, before the factor σ'
};

}  // namespace lecon::nnet
