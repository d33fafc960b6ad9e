#pragma once
// The restricted Boltzmann machine: visible units v (d), hidden units h (m), weights W, biases b (visible)
// and c (hidden), no visible-visible or hidden-hidden connections (docs/rbm.md).
//
// Layout. W is (hidden x visible), Dense's layout: row j holds hidden unit j's incoming weights, so the
// encoder of a trained RBM is literally Dense(W, c) and the decoder of an unrolled autoencoder is Wᵀ.
// A batch is a (units x n) matrix, one example per column, like a Tensor's matrix.
//
// Units ([paper: Hinton 2010, "A Practical Guide to Training Restricted Boltzmann Machines", §13]):
//  - bernoulli: binary units, p(unit = 1 | other layer) = σ(total input)
//  - gaussian:  linear units with unit-variance Gaussian noise: unit | other layer ~ N(total input, 1).
//               Gaussian visible units take real-valued data standardised to zero mean and unit variance;
//               a Gaussian hidden layer is the 30-unit linear code layer of [paper: Hinton & Salakhutdinov 2006].
//               Both layers Gaussian has no normalisable distribution and is refused.
//
// Random numbers: every sampling call draws ONE 64-bit key from the Rng, and column i (example i, or AIS
// run i) is sampled by its own generator seeded from (key, i): the same seed gives the same samples at any
// thread count (as modules/autoencoders' corruption does).
#include <string>
#include <vector>

#include "lecon/backprop/layer.hpp"

namespace lecon {

enum class UnitKind { bernoulli, gaussian };
UnitKind unit_kind_from_name(const std::string& name);  // "bernoulli", "gaussian"; OptionError otherwise
std::string unit_kind_name(UnitKind kind);

template <typename T>
class Rbm {
 public:
  Rbm() = default;
  // W ~ N(0, 0.01²), b = 0, c = 0 ([paper: Hinton 2010, §8]; set b from the data with
  // set_visible_bias_from_data). OptionError for 0 units or two Gaussian layers.
  Rbm(std::size_t visible_units, std::size_t hidden_units, Rng& rng, UnitKind visible = UnitKind::bernoulli,
      UnitKind hidden = UnitKind::bernoulli);

  std::size_t visible_units() const { return W_.value.n_cols; }  // d
  std::size_t hidden_units() const { return W_.value.n_rows; }   // m
  UnitKind visible_kind() const { return visible_kind_; }
  UnitKind hidden_kind() const { return hidden_kind_; }

  // The parameters, as an optimizer steps them: W (m x d, decay: the weight cost applies), b (d x 1) and
  // c (m x 1) (no weight cost on biases, [paper: Hinton 2010, §10]).
  Param<T>& W() { return W_; }
  Param<T>& visible_bias() { return b_; }
  Param<T>& hidden_bias() { return c_; }
  const arma::Mat<T>& W_value() const { return W_.value; }           // (m x d)
  const arma::Mat<T>& visible_bias_value() const { return b_.value; }  // b (d x 1)
  const arma::Mat<T>& hidden_bias_value() const { return c_.value; }   // c (m x 1)
  std::vector<Param<T>*> params() { return {&W_, &b_, &c_}; }

  // [paper: Hinton 2010, §8]  b_i = log(p_i / (1 − p_i)), p_i the proportion of training vectors with
  // unit i on (clipped to [0.001, 0.999]); for Gaussian visible units b = 0 (standardised data).
  //   V: (d x n)
  void set_visible_bias_from_data(const arma::Mat<T>& V);

  // [slide: RBM] [paper: Hinton 2010, §2]  p(h_j = 1 | v) = σ(c_j + W_j v)  (bernoulli)
  //                                        E[h_j | v] = c_j + W_j v        (gaussian)
  //   V: (d x n) -> H: (m x n)
  void hidden_means(const arma::Mat<T>& V, arma::Mat<T>& H) const;
  // [slide: RBM] [paper: Hinton 2010, §2]  p(v_i = 1 | h) = σ(b_i + Wᵀ_i h)  (bernoulli)
  //                                        E[v_i | h] = b_i + Wᵀ_i h        (gaussian)
  //   H: (m x n) -> V: (d x n)
  void visible_means(const arma::Mat<T>& H, arma::Mat<T>& V) const;
  // A sample of the layer given its means (computed by hidden_means / visible_means): h_j ∈ {0, 1} with
  // p(h_j = 1) = mean (bernoulli) or h_j = mean + N(0, 1) (gaussian). states may be the same matrix as means.
  void sample_hidden(const arma::Mat<T>& means, arma::Mat<T>& states, Rng& rng) const { sample_hidden(means, states, rng.next_u64(), 0); }
  void sample_visible(const arma::Mat<T>& means, arma::Mat<T>& states, Rng& rng) const { sample_visible(means, states, rng.next_u64(), 0); }
  // The same draws for a block of columns of a call: key is the call's key (what rng gave it) and the
  // block's column 0 is the call's column first_column. A thread that samples its own block of the
  // mini-batch draws exactly what the whole call would have drawn for those columns.
  void sample_hidden(const arma::Mat<T>& means, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column) const;
  void sample_visible(const arma::Mat<T>& means, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column) const;

  // [slide: RBM] [paper: Hinton 2010, §2]  E(v, h) = −bᵀv − cᵀh − hᵀW v  (bernoulli units); a Gaussian
  // layer's linear term −bᵀv becomes Σ_i (v_i − b_i)²/2 (and −cᵀh becomes Σ_j (h_j − c_j)²/2).
  //   v: (d x 1), h: (m x 1)
  double energy(const arma::Col<T>& v, const arma::Col<T>& h) const;
  // [paper: Hinton 2010, §16.1]  F(v) = −log Σ_h e^{−E(v,h)} per column:
  //   bernoulli hidden:  F(v) = −bᵀv − Σ_j log(1 + e^{c_j + W_j v})   (visible term ½‖v − b‖² if Gaussian)
  //   gaussian hidden:   F(v) = −bᵀv − Σ_j ((c_j + W_j v)² − c_j²)/2 − (m/2) log 2π
  //   V: (d x n) -> (n), in double
  arma::vec free_energy(const arma::Mat<T>& V) const;

  // Convenience for labs on Tensors: hidden means (the codes a DBN hands up) and one up-down pass of
  // means (the reconstruction whose error training monitors).   x: (n, d) -> (n, m);  x: (n, ...) -> same shape
  Tensor<T> encode(const Tensor<T>& x) const;
  Tensor<T> reconstruct(const Tensor<T>& x) const;

  // Replaces the parameters (sizes must match: Error otherwise); used by load_rbm and tests.
  void set_parameters(const arma::Mat<T>& W, const arma::Mat<T>& b, const arma::Mat<T>& c);

 private:
  UnitKind visible_kind_ = UnitKind::bernoulli, hidden_kind_ = UnitKind::bernoulli;
  Param<T> W_, b_, c_;
};

// Column-keyed sampling shared by Gibbs sampling, CD and AIS. One key from rng; column i uses its own
// generator seeded from (key, i); parallel over columns. The (key, first_column) forms sample a block of
// columns of a call as the whole call would (column i of the block is the call's column first_column + i).
//   states_ij ∈ {0, 1}, p(states_ij = 1) = probabilities_ij   (states may alias probabilities)
template <typename T>
void sample_bernoulli(const arma::Mat<T>& probabilities, arma::Mat<T>& states, Rng& rng);
template <typename T>
void sample_bernoulli(const arma::Mat<T>& probabilities, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column);
//   states_ij = means_ij + N(0, 1)
template <typename T>
void sample_unit_gaussian(const arma::Mat<T>& means, arma::Mat<T>& states, Rng& rng);
template <typename T>
void sample_unit_gaussian(const arma::Mat<T>& means, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column);

// σ(a + bias) in place over a (units x n) matrix, bias (units x 1): vectorised, parallel over columns.
template <typename T>
void add_bias_and_sigmoid(arma::Mat<T>& A, const arma::Mat<T>& bias);

}  // namespace lecon
