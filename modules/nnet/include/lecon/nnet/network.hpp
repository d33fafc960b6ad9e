#pragma once
// The network of R's nnet: p inputs, ONE hidden layer of S logistic units, K output units, and
// optionally skip-layer connections from the inputs straight to the outputs.
//
// All weights live in one vector w, in R's order: grouped by the unit they lead TO, each group
// starting with that unit's bias,
//   hidden unit j = 1..S:  w_j0 (bias), w_j1 .. w_jp (from inputs 1..p)
//   output unit k = 1..K:  W_k0 (bias), W_k1 .. W_kS (from hidden units 1..S),
//                          then, with skip, V_k1 .. V_kp (from inputs 1..p)
// so R's Wts and $wts can be read and written as they are. The network is small (tens of weights):
// the sums below are plain loops in R's order of summation, which is what lets a fit reproduce R's to
// the last bit (a BLAS product sums in another order; see docs/nnet.md).
#include <armadillo>
#include <string>
#include <vector>

namespace lecon::nnet {

// What the output units compute from their input a_k.
enum class OutputUnits {
  logistic,  // y_k = σ(a_k)                          (nnet's default)
  linear,    // y_k = a_k                             (linout = TRUE)
  softmax,   // y_k = a_k, p_k = e^{a_k} / Σ_l e^{a_l}  (softmax = TRUE)
};
std::string to_string(OutputUnits units);

struct Architecture {
  std::size_t inputs = 0;        // p
  std::size_t hidden_units = 0;  // S, R's size (0 with skip: a generalised linear model)
  std::size_t outputs = 0;       // K
  bool skip = false;             // skip-layer connections input -> output

  std::size_t weights_per_hidden_unit() const { return 1 + inputs; }
  std::size_t weights_per_output_unit() const { return 1 + hidden_units + (skip ? inputs : 0); }
  // Position in w of the bias of hidden unit j (0-based) and of output unit k (0-based).
  std::size_t hidden_offset(std::size_t j) const { return j * weights_per_hidden_unit(); }
  std::size_t output_offset(std::size_t k) const {
    return hidden_units * weights_per_hidden_unit() + k * weights_per_output_unit();
  }
  // Length of w: S (p + 1) + K (1 + S + [skip] p).
  std::size_t weight_count() const { return output_offset(outputs); }
  // "4-2-3", as R prints "a 4-2-3 network".
  std::string str() const;
  // R's coef() names in weight order: "b->h1", "i1->h1", ..., "b->o1", "h1->o1", ..., "i1->o1"
  // (a single output is "o").
  std::vector<std::string> weight_names() const;
};

// [slide: the artificial neuron] the logistic activation σ(a) = 1 / (1 + e^{-a}), computed as nnet does:
// exactly 0 for a < -15 and exactly 1 for a > 15 (there, σ'(a) is taken as 0 too).
double logistic(double a);

// The values of the units for one sample, filled by forward().
struct Activations {
  arma::vec hidden;       // (S) h_j
  arma::vec output;       // (K) y_k: σ(a_k) for logistic units, a_k for linear and softmax units
  arma::vec probability;  // (K) p_k, softmax units only
};

// [slide: one hidden layer] the forward pass for one sample x (p values, contiguous):
//   h_j = σ(w_j0 + Σ_i w_ji x_i),   a_k = W_k0 + Σ_j W_kj h_j [+ Σ_i V_ki x_i],   y_k = σ(a_k) or a_k,
//   p_k = e^{a_k - m} / Σ_l e^{a_l - m}  with m = max_l a_l (softmax; m avoids overflow).
// w: (weight_count) in R's order.
void forward(const Architecture& net, OutputUnits units, const arma::vec& w, const double* x, Activations& a);

// The network's outputs for every column of x: (K x n) values y_k, or probabilities p_k for softmax
// units (R's fitted values and predict(type = "raw")). x: (p x n), one sample per column.
arma::mat predict(const Architecture& net, OutputUnits units, const arma::vec& w, const arma::mat& x);

}  // namespace lecon::nnet
