#include "lecon/rbm/ais.hpp"

#include <cmath>
#include <limits>

#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

// log p*_β(v) per column, given A = W V + c (m x runs):
//   (1−β) b_Aᵀv + β bᵀv + Σ_j log(1 + e^{β (c_j + W_j v)})
template <typename T>
void add_log_p_star(arma::vec& log_w, double sign, double beta, const arma::Mat<T>& V, const arma::Mat<T>& A, const arma::vec& base,
                    const arma::vec& b) {
  const arma::vec mixed = (1 - beta) * base + beta * b;
  parallel_for(V.n_cols, [&](std::size_t r) {
    const T* v = V.colptr(r);
    const T* a = A.colptr(r);
    double total = 0;
    for (std::size_t i = 0; i < V.n_rows; ++i) total += mixed[i] * static_cast<double>(v[i]);
    for (std::size_t j = 0; j < A.n_rows; ++j) total += softplus(beta * static_cast<double>(a[j]));
    log_w[r] += sign * total;
  }, 4 * (V.n_rows + 10 * A.n_rows));
}

}  // namespace

std::vector<double> ais_betas(std::size_t intermediate) {
  if (intermediate < 2) throw OptionError("betas: expected at least 2 intermediate temperatures, got " + std::to_string(intermediate));
  // [paper: Salakhutdinov & Murray 2008, §4]  500 steps to 0.5, 4000 to 0.9, 10000 to 1 (of 14500)
  const double total = static_cast<double>(intermediate);
  std::size_t first = static_cast<std::size_t>(std::llround(total * 500.0 / 14500.0));
  std::size_t second = static_cast<std::size_t>(std::llround(total * 4000.0 / 14500.0));
  first = std::max<std::size_t>(first, 1);
  second = std::max<std::size_t>(second, 1);
  const std::size_t third = intermediate > first + second ? intermediate - first - second : 1;
  std::vector<double> betas;
  auto segment = [&](double from, double to, std::size_t steps) {
    for (std::size_t k = 0; k < steps; ++k) betas.push_back(from + (to - from) * static_cast<double>(k) / static_cast<double>(steps));
  };
  segment(0.0, 0.5, first);
  segment(0.5, 0.9, second);
  segment(0.9, 1.0, third);
  betas.push_back(1.0);
  return betas;
}

template <typename T>
arma::Mat<T> base_rate_visible_bias(const Tensor<T>& x) {
  // The base rates are probabilities of binary pixels: data outside [0, 1] (0-255 pixels, standardized
  // features) would give a log of a negative odds, NaN, and a NaN log Z downstream.
  if (x.batch() == 0) throw Error("base_rate_visible_bias: no examples");
  if (!x.matrix().is_finite() || x.matrix().min() < 0 || x.matrix().max() > 1)
    throw Error("base_rate_visible_bias: expected values in [0, 1] (binary or grey pixels scaled to [0, 1]), got values in [" +
                std::to_string(static_cast<double>(x.matrix().min())) + ", " + std::to_string(static_cast<double>(x.matrix().max())) + "]" +
                (x.matrix().is_finite() ? "" : " and NaN or infinite values"));
  const arma::vec on = arma::sum(arma::conv_to<arma::mat>::from(x.matrix()), 1);
  const double n = static_cast<double>(x.batch());
  arma::Mat<T> bias(x.sample_size(), 1);
  for (std::size_t i = 0; i < on.n_elem; ++i) {
    const double p = (on[i] + 1) / (n + 2);
    bias[i] = static_cast<T>(std::log(p / (1 - p)));
  }
  return bias;
}

template <typename T>
AisEstimate ais_log_partition(const Rbm<T>& rbm, std::size_t runs, const std::vector<double>& betas, Rng& rng, const arma::Mat<T>& base_visible_bias) {
  if (rbm.visible_kind() != UnitKind::bernoulli || rbm.hidden_kind() != UnitKind::bernoulli)
    throw Error("ais_log_partition: this estimator is for Bernoulli visible and hidden units");
  if (runs == 0) throw OptionError("runs: expected at least 1 AIS run, got 0");
  if (betas.size() < 2 || betas.front() != 0.0 || betas.back() != 1.0)
    throw OptionError("betas: expected temperatures from 0 to 1 (first 0, last 1), got " + std::to_string(betas.size()) + " values");
  for (std::size_t k = 1; k < betas.size(); ++k)
    if (!(betas[k] > betas[k - 1])) throw OptionError("betas: expected increasing temperatures, got β[" + std::to_string(k) + "] <= β[" + std::to_string(k - 1) + "]");
  const std::size_t d = rbm.visible_units(), m = rbm.hidden_units();
  arma::Mat<T> base_T = base_visible_bias.empty() ? arma::Mat<T>(d, 1, arma::fill::zeros) : base_visible_bias;
  if (base_T.n_rows != d || base_T.n_cols != 1) throw Error("ais_log_partition: the base model's visible bias must be " + std::to_string(d) + "x1");
  if (!base_T.is_finite()) throw Error("ais_log_partition: the base model's visible bias holds NaN or infinite values");
  const arma::vec base = arma::conv_to<arma::vec>::from(base_T);
  const arma::vec b = arma::conv_to<arma::vec>::from(rbm.visible_bias_value());
  const arma::Mat<T>& W = rbm.W_value();
  const arma::Mat<T>& c = rbm.hidden_bias_value();

  // log Z_A = Σ_i log(1 + e^{b_A,i}) + m log 2   (W = 0: the hidden units are fair coins)
  double log_z_base = static_cast<double>(m) * std::log(2.0);
  for (std::size_t i = 0; i < d; ++i) log_z_base += softplus(base[i]);

  // v_1 ~ p_A(v) = Π_i σ(b_A,i)^{v_i} (1 − σ(b_A,i))^{1−v_i}, one run per column
  arma::Mat<T> V(d, runs), H, A;
  V.each_col() = base_T;
  V.transform([](T a) { return T(1) / (T(1) + std::exp(-a)); });
  sample_bernoulli(V, V, rng);
  arma::vec log_w(runs, arma::fill::zeros);
  A = W * V;
  A.each_col() += c;
  add_log_p_star(log_w, -1.0, 0.0, V, A, base, b);  // − log p*_0(v_1)

  for (std::size_t k = 1; k + 1 < betas.size(); ++k) {
    const double beta = betas[k];
    add_log_p_star(log_w, +1.0, beta, V, A, base, b);  // + log p*_k(v_k)
    // T_k: h ~ p_k(h | v) = σ(β (c + W v)),  v ~ p_k(v | h) = σ((1−β) b_A + β (b + Wᵀ h))
    H = A * static_cast<T>(beta);
    add_bias_and_sigmoid(H, arma::Mat<T>(m, 1, arma::fill::zeros));
    sample_bernoulli(H, H, rng);
    V = W.t() * H;
    V *= static_cast<T>(beta);
    const arma::Mat<T> bias = arma::conv_to<arma::Mat<T>>::from((1 - beta) * base + beta * b);
    add_bias_and_sigmoid(V, bias);
    sample_bernoulli(V, V, rng);
    A = W * V;
    A.each_col() += c;
    add_log_p_star(log_w, -1.0, beta, V, A, base, b);  // − log p*_k(v_{k+1})
  }
  add_log_p_star(log_w, +1.0, 1.0, V, A, base, b);  // + log p*_K(v_K), p*_K = p*_B


  // log Ẑ_B = log Z_A + log mean(w), and log(Ẑ_B ± 3σ̂) with σ̂ the standard error of the mean of w
  const double top = log_w.max();
  const arma::vec w = arma::exp(log_w - top);
  const double mean = arma::mean(w);
  const double standard_error = runs > 1 ? arma::stddev(w) / std::sqrt(static_cast<double>(runs)) : 0.0;
  AisEstimate estimate;
  estimate.log_z_base = log_z_base;
  estimate.log_z = log_z_base + top + std::log(mean);
  estimate.log_z_high = log_z_base + top + std::log(mean + 3 * standard_error);
  estimate.log_z_low = mean - 3 * standard_error > 0 ? log_z_base + top + std::log(mean - 3 * standard_error) : -std::numeric_limits<double>::infinity();
  estimate.runs = runs;
  estimate.temperatures = betas.size();
  return estimate;
}

template <typename T>
double average_log_probability(const Rbm<T>& rbm, const Tensor<T>& x, double log_z) {
  if (x.sample_size() != rbm.visible_units() || x.batch() == 0)
    throw Error("average_log_probability: expected examples of " + std::to_string(rbm.visible_units()) + " values");
  // [paper: Salakhutdinov & Murray 2008]  log p(v) = −F(v) − log Z
  return -arma::mean(rbm.free_energy(x.matrix())) - log_z;
}

#define LECON_AIS(T)                                                                                                           \
  template arma::Mat<T> base_rate_visible_bias<T>(const Tensor<T>&);                                                          \
  template AisEstimate ais_log_partition<T>(const Rbm<T>&, std::size_t, const std::vector<double>&, Rng&, const arma::Mat<T>&); \
  template double average_log_probability<T>(const Rbm<T>&, const Tensor<T>&, double);
LECON_AIS(float)
LECON_AIS(double)
#undef LECON_AIS

}  // namespace lecon
