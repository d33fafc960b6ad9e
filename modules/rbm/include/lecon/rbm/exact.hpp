#pragma once
// Exact computations on a tiny binary RBM, by enumerating every state of its smaller layer: the
// partition function, the log-likelihood and its gradient. They are the executable specification the
// sampling methods (CD-k, PCD, AIS) are tested against (docs/rbm.md). Bernoulli units only; Error if the
// smaller layer has more than 24 units (2^24 states) or the enumeration would need more than 2 GB.
#include "lecon/rbm/rbm.hpp"

namespace lecon {

// [slide: RBM]  Z = Σ_v Σ_h e^{−E(v,h)} = Σ_v e^{−F(v)} = Σ_h e^{−F(h)},  in log, in double.
template <typename T>
double exact_log_partition(const Rbm<T>& rbm);

// (1/n) Σ_v log p(v) = (1/n) Σ_v (−F(v)) − log Z.   x: (n, d) binary
template <typename T>
double exact_log_likelihood(const Rbm<T>& rbm, const Tensor<T>& x);

// ∂/∂θ of the mean log-likelihood (the ASCENT direction), in double:
//   [paper: Hinton 2002]  ∂/∂W = ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model,  ∂/∂b = ⟨v⟩_data − ⟨v⟩_model,  ∂/∂c = ⟨h⟩_data − ⟨h⟩_model
// with h replaced by p(h | v) in the data term and the model's expectations summed over every state.
struct RbmGradient {
  arma::mat W;  // (m x d)
  arma::mat b;  // (d x 1)
  arma::mat c;  // (m x 1)
};
template <typename T>
RbmGradient exact_log_likelihood_gradient(const Rbm<T>& rbm, const Tensor<T>& x);

}  // namespace lecon
