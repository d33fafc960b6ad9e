#pragma once
// Annealed importance sampling of a binary RBM's partition function
// ([paper: Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief networks"], docs/rbm.md).
//
// A sequence of distributions p_0 .. p_K moves from a base-rate model p_A (W = 0, visible biases b_A from
// the data's marginals, so log Z_A is known) to the RBM p_B:
//   p*_β(v) = e^{(1−β) b_Aᵀv} · e^{β bᵀv} · Π_j (1 + e^{β (c_j + W_j v)}),   0 = β_0 < β_1 < … < β_K = 1
// Each run draws v_1 ~ p_A, then v_{k+1} ~ T_k(· | v_k), a Gibbs step that leaves p_k invariant, and
// weighs the run by  w = Π_{k=1}^{K} p*_k(v_k) / p*_{k−1}(v_k).  E[w] = Z_B / Z_A, so
//   log Ẑ_B = log Z_A + log mean(w)   with  log Z_A = Σ_i log(1 + e^{b_A,i}) + m log 2.
// The runs are the columns of one matrix: every step is two matrix products for all runs at once.
//
// Compiled example (tests/docs/header_examples.cpp):
//   const std::vector<double> betas = ais_betas(14500);                        // the paper's schedule
//   const arma::Mat<Real> base = base_rate_visible_bias(x_train);
//   AisEstimate z = ais_log_partition(rbm, 100, betas, rng, base);
//   double test_log_p = average_log_probability(rbm, x_test, z.log_z);        // nats per image
#include <vector>

#include "lecon/rbm/rbm.hpp"

namespace lecon {

struct AisEstimate {
  double log_z = 0;       // log Ẑ_B
  double log_z_low = 0;   // log(Ẑ_B − 3σ̂), −inf when Ẑ_B − 3σ̂ <= 0; σ̂ = std(w)/√runs · Z_A
  double log_z_high = 0;  // log(Ẑ_B + 3σ̂)   ([paper: Salakhutdinov & Murray 2008, §4]: "log(Ẑ ± 3σ̂)")
  double log_z_base = 0;  // log Z_A
  std::size_t runs = 0;
  std::size_t temperatures = 0;  // K + 1 values of β
};

// [paper: Salakhutdinov & Murray 2008, §4]  β spaced by 1e-3 from 0 to 0.5, 1e-4 from 0.5 to 0.9 and
// 1e-5 from 0.9 to 1: 14,500 intermediate temperatures. Another count keeps the three segments' shares
// (500 : 4000 : 10000). Returns intermediate + 1 values from 0 to 1. OptionError for fewer than 2.
std::vector<double> ais_betas(std::size_t intermediate);

// [paper: Salakhutdinov & Murray 2008, §4]  the base-rate model's visible biases b_A,i = log(p_i / (1 − p_i)),
// p_i the proportion of examples with unit i on, smoothed as (Σ v_i + 1) / (n + 2) so that no bias is
// infinite (our choice; the paper only says the base rates are the data's marginals).   x: (n, d) -> (d x 1)
template <typename T>
arma::Mat<T> base_rate_visible_bias(const Tensor<T>& x);

// log Z of a binary RBM by AIS with `runs` independent runs over the temperatures `betas` (0 first, 1
// last, increasing). base_visible_bias: b_A (d x 1); empty means b_A = 0 (the uniform distribution).
// OptionError ("runs: ...", "betas: ...") for bad settings; Error for Gaussian units.
template <typename T>
AisEstimate ais_log_partition(const Rbm<T>& rbm, std::size_t runs, const std::vector<double>& betas, Rng& rng,
                              const arma::Mat<T>& base_visible_bias = arma::Mat<T>());

// [paper: Salakhutdinov & Murray 2008]  the average log-probability of the examples,
// (1/n) Σ log p(v) = (1/n) Σ (−F(v)) − log Z, with log Z exact or estimated.   x: (n, d)
template <typename T>
double average_log_probability(const Rbm<T>& rbm, const Tensor<T>& x, double log_z);

}  // namespace lecon
