#include "lecon/rbm/exact.hpp"

#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

constexpr std::size_t kMaxEnumeratedUnits = 24;
constexpr double kMaxEnumerationBytes = 2e9;

double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

// The RBM's parameters in double, checked for binary units and a small enough layer to enumerate.
struct Enumerable {
  arma::mat W;  // (m x d)
  arma::vec b, c;
  bool over_visible;  // enumerate the visible states (d <= m), else the hidden ones
};

template <typename T>
Enumerable enumerable(const Rbm<T>& rbm, const char* caller) {
  if (rbm.visible_kind() != UnitKind::bernoulli || rbm.hidden_kind() != UnitKind::bernoulli)
    throw Error(std::string(caller) + ": exact enumeration needs Bernoulli visible and hidden units");
  const std::size_t smaller = std::min(rbm.visible_units(), rbm.hidden_units());
  if (smaller > kMaxEnumeratedUnits)
    throw Error(std::string(caller) + ": " + std::to_string(smaller) + " units in the smaller layer, at most " + std::to_string(kMaxEnumeratedUnits) +
                " can be enumerated");
  // The enumeration holds the 2^smaller states and their (larger x 2^smaller) activations in double, and a
  // temporary of the same size: refuse what would not fit rather than fail in the allocator (a 784-20 RBM
  // needs about 13 GB).
  const std::size_t larger = std::max(rbm.visible_units(), rbm.hidden_units());
  const double bytes = 2.0 * 8.0 * std::ldexp(1.0, static_cast<int>(smaller)) * static_cast<double>(larger + smaller);
  if (bytes > kMaxEnumerationBytes)
    throw Error(std::string(caller) + ": enumerating 2^" + std::to_string(smaller) + " states of a " + std::to_string(rbm.visible_units()) + "-" +
                std::to_string(rbm.hidden_units()) + " RBM needs about " + std::to_string(static_cast<long long>(bytes / 1e6)) +
                " MB; expected at most " + std::to_string(static_cast<long long>(kMaxEnumerationBytes / 1e6)) + " MB (a smaller layer or fewer units)");
  return {arma::conv_to<arma::mat>::from(rbm.W_value()), arma::conv_to<arma::vec>::from(rbm.visible_bias_value()),
          arma::conv_to<arma::vec>::from(rbm.hidden_bias_value()), rbm.visible_units() <= rbm.hidden_units()};
}

// Every binary vector of `units` units, one per column (2^units columns).
arma::mat all_states(std::size_t units) {
  const std::size_t count = std::size_t(1) << units;
  arma::mat S(units, count);
  for (std::size_t s = 0; s < count; ++s)
    for (std::size_t i = 0; i < units; ++i) S(i, s) = static_cast<double>((s >> i) & 1u);
  return S;
}

// −F of every column of S over the enumerated layer:
//   visible states: −F(v) = bᵀv + Σ_j log(1 + e^{c_j + W_j v})
//   hidden states:  −F(h) = cᵀh + Σ_i log(1 + e^{b_i + Wᵀ_i h})
arma::vec minus_free_energy(const Enumerable& e, const arma::mat& S) {
  const arma::mat A = e.over_visible ? arma::mat((e.W * S).eval().each_col() + e.c) : arma::mat((e.W.t() * S).eval().each_col() + e.b);
  const arma::vec& linear = e.over_visible ? e.b : e.c;
  arma::vec result = S.t() * linear;
  for (std::size_t s = 0; s < S.n_cols; ++s)
    for (std::size_t j = 0; j < A.n_rows; ++j) result[s] += softplus(A(j, s));
  return result;
}

double log_sum_exp(const arma::vec& x) {
  const double top = x.max();
  return top + std::log(arma::accu(arma::exp(x - top)));
}

arma::mat sigmoid(const arma::mat& A) { return 1.0 / (1.0 + arma::exp(-A)); }

}  // namespace

template <typename T>
double exact_log_partition(const Rbm<T>& rbm) {
  const Enumerable e = enumerable(rbm, "exact_log_partition");
  // [slide: RBM]  log Z = log Σ e^{−F}, summed over every state of the smaller layer
  return log_sum_exp(minus_free_energy(e, all_states(e.over_visible ? e.W.n_cols : e.W.n_rows)));
}

template <typename T>
double exact_log_likelihood(const Rbm<T>& rbm, const Tensor<T>& x) {
  const double log_z = exact_log_partition(rbm);
  // log p(v) = −F(v) − log Z
  return -arma::mean(rbm.free_energy(x.matrix())) - log_z;
}

template <typename T>
RbmGradient exact_log_likelihood_gradient(const Rbm<T>& rbm, const Tensor<T>& x) {
  const Enumerable e = enumerable(rbm, "exact_log_likelihood_gradient");
  if (x.sample_size() != e.W.n_cols || x.batch() == 0)
    throw Error("exact_log_likelihood_gradient: expected examples of " + std::to_string(e.W.n_cols) + " values");
  const arma::mat V = arma::conv_to<arma::mat>::from(x.matrix());
  const double n = static_cast<double>(V.n_cols);
  // The data term, h replaced by p(h | v) = σ(c + W v)
  const arma::mat H = sigmoid(arma::mat((e.W * V).eval().each_col() + e.c));
  arma::mat data_hv = H * V.t() / n;
  arma::vec data_v = arma::sum(V, 1) / n, data_h = arma::sum(H, 1) / n;

  // The model term: Σ over every state s of the smaller layer of p(s) times the other layer's conditional mean
  const arma::mat S = all_states(e.over_visible ? e.W.n_cols : e.W.n_rows);
  const arma::vec minus_F = minus_free_energy(e, S);
  const arma::vec p = arma::exp(minus_F - log_sum_exp(minus_F));  // p(s) = e^{−F(s)} / Z
  arma::mat model_hv;
  arma::vec model_v, model_h;
  if (e.over_visible) {
    const arma::mat Hs = sigmoid(arma::mat((e.W * S).eval().each_col() + e.c));  // E[h | v] for every v
    model_hv = (Hs.each_row() % p.t()) * S.t();
    model_v = S * p;
    model_h = Hs * p;
  } else {
    const arma::mat Vs = sigmoid(arma::mat((e.W.t() * S).eval().each_col() + e.b));  // E[v | h] for every h
    model_hv = (S.each_row() % p.t()) * Vs.t();
    model_v = Vs * p;
    model_h = S * p;
  }
  // [paper: Hinton 2002]  ∂ log p / ∂W = ⟨h vᵀ⟩_data − ⟨h vᵀ⟩_model, and likewise for b and c
  return {data_hv - model_hv, data_v - model_v, data_h - model_h};
}

#define LECON_EXACT(T)                                                       \
  template double exact_log_partition<T>(const Rbm<T>&);                    \
  template double exact_log_likelihood<T>(const Rbm<T>&, const Tensor<T>&); \
  template RbmGradient exact_log_likelihood_gradient<T>(const Rbm<T>&, const Tensor<T>&);
LECON_EXACT(float)
LECON_EXACT(double)
#undef LECON_EXACT

}  // namespace lecon
