#include "lecon/rbm/rbm.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/core/fast_math.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

// The generator of column i of a sampling call keyed by key (the same for any thread count).
Xoshiro256 column_generator(std::uint64_t key, std::size_t i) { return Xoshiro256(key ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(i) + 1))); }

void check_units(std::size_t visible_units, std::size_t hidden_units, UnitKind visible, UnitKind hidden) {
  if (visible_units == 0) throw OptionError("visible_units: expected at least 1 visible unit, got 0");
  if (hidden_units == 0) throw OptionError("hidden_units: expected at least 1 hidden unit, got 0");
  if (visible == UnitKind::gaussian && hidden == UnitKind::gaussian)
    throw OptionError("hidden_kind: Gaussian visible and Gaussian hidden units together have no normalisable distribution; expected bernoulli for one of them");
}

}  // namespace

UnitKind unit_kind_from_name(const std::string& name) {
  if (name == "bernoulli" || name == "binary") return UnitKind::bernoulli;
  if (name == "gaussian" || name == "linear") return UnitKind::gaussian;
  throw OptionError("units '" + name + "': expected bernoulli or gaussian");
}

std::string unit_kind_name(UnitKind kind) { return kind == UnitKind::bernoulli ? "bernoulli" : "gaussian"; }

namespace {

// σ(a + c) over one column of `units` values, the argument clamped to ±80 so that σ stays a normal float
// (σ(−80) = 1.8e-35; a subnormal probability would slow every product it enters). float through exp_poly
// (lecon/core/fast_math.hpp), which vectorises: libm's expf, one unit at a time, took about a tenth of a CD-1
// step (784-500, batch 100). double through libm, the specification the exactness tests run on.
LECON_TARGET_CLONES void sigmoid_column(float* __restrict a, const float* __restrict c, std::size_t units) {
  for (std::size_t j = 0; j < units; ++j) a[j] = sigmoid_poly(std::min(std::max(a[j] + c[j], -80.0f), 80.0f));
}
void sigmoid_column(double* a, const double* c, std::size_t units) {
  for (std::size_t j = 0; j < units; ++j) a[j] = 1 / (1 + std::exp(-std::min(std::max(a[j] + c[j], -80.0), 80.0)));
}

template <typename T>
void bernoulli_column(std::uint64_t key, std::size_t column, const T* p, T* s, std::size_t units) {
  Xoshiro256 gen = column_generator(key, column);
  // Two uniforms of 24 bits from each 64-bit draw: u = k / 2^24 < p has probability p within 2^-24,
  // below float's resolution of a probability near 1.
  constexpr T kScale = T(1) / T(16777216);
  std::size_t j = 0;
  for (; j + 1 < units; j += 2) {
    const std::uint64_t bits = gen.next();
    const T u0 = static_cast<T>(bits >> 40) * kScale, u1 = static_cast<T>((bits >> 8) & 0xFFFFFFu) * kScale;
    s[j] = u0 < p[j] ? T(1) : T(0);
    s[j + 1] = u1 < p[j + 1] ? T(1) : T(0);
  }
  if (j < units) s[j] = static_cast<T>(gen.next() >> 40) * kScale < p[j] ? T(1) : T(0);
}

template <typename T>
void unit_gaussian_column(std::uint64_t key, std::size_t column, const T* m, T* s, std::size_t units) {
  Xoshiro256 gen = column_generator(key, column);
  for (std::size_t j = 0; j < units; j += 2) {
    // Box-Muller: u1 in (0, 1], u2 in [0, 1) give two independent N(0, 1)
    const double u1 = 1.0 - gen.uniform(), u2 = gen.uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1)), angle = 2.0 * M_PI * u2;
    s[j] = m[j] + static_cast<T>(radius * std::cos(angle));
    if (j + 1 < units) s[j + 1] = m[j + 1] + static_cast<T>(radius * std::sin(angle));
  }
}

}  // namespace

template <typename T>
void add_bias_and_sigmoid(arma::Mat<T>& A, const arma::Mat<T>& bias) {
  const std::size_t units = A.n_rows;
  // [slide: RBM]  σ(x) = 1 / (1 + e^{−x}); 20 operations per unit, about what an exponential costs
  parallel_for(A.n_cols, [&](std::size_t i) { sigmoid_column(A.colptr(i), bias.memptr(), units); }, 20 * units);
}

template <typename T>
void sample_bernoulli(const arma::Mat<T>& probabilities, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column) {
  if (&probabilities != &states) states.set_size(probabilities.n_rows, probabilities.n_cols);
  const std::size_t units = probabilities.n_rows;
  parallel_for(probabilities.n_cols, [&](std::size_t i) { bernoulli_column(key, first_column + i, probabilities.colptr(i), states.colptr(i), units); },
               4 * units);
}

template <typename T>
void sample_bernoulli(const arma::Mat<T>& probabilities, arma::Mat<T>& states, Rng& rng) {
  sample_bernoulli(probabilities, states, rng.next_u64(), 0);
}

template <typename T>
void sample_unit_gaussian(const arma::Mat<T>& means, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column) {
  if (&means != &states) states.set_size(means.n_rows, means.n_cols);
  const std::size_t units = means.n_rows;
  parallel_for(means.n_cols, [&](std::size_t i) { unit_gaussian_column(key, first_column + i, means.colptr(i), states.colptr(i), units); },
               40 * units);
}

template <typename T>
void sample_unit_gaussian(const arma::Mat<T>& means, arma::Mat<T>& states, Rng& rng) {
  sample_unit_gaussian(means, states, rng.next_u64(), 0);
}

template <typename T>
Rbm<T>::Rbm(std::size_t visible_units, std::size_t hidden_units, Rng& rng, UnitKind visible, UnitKind hidden)
    : visible_kind_(visible), hidden_kind_(hidden) {
  check_units(visible_units, hidden_units, visible, hidden);
  W_ = Param<T>{"W", arma::Mat<T>(hidden_units, visible_units), arma::Mat<T>(hidden_units, visible_units, arma::fill::zeros), true,
                UnitLayout::rows};
  // [paper: Hinton 2010, §8]  small random weights from N(0, 0.01²)
  rng.fill_normal(W_.value, T(0), T(0.01));
  b_ = Param<T>{"b", arma::Mat<T>(visible_units, 1, arma::fill::zeros), arma::Mat<T>(visible_units, 1, arma::fill::zeros), false,
                UnitLayout::none};
  c_ = Param<T>{"c", arma::Mat<T>(hidden_units, 1, arma::fill::zeros), arma::Mat<T>(hidden_units, 1, arma::fill::zeros), false,
                UnitLayout::none};
}

template <typename T>
void Rbm<T>::set_visible_bias_from_data(const arma::Mat<T>& V) {
  if (V.n_rows != visible_units()) throw Error("Rbm::set_visible_bias_from_data: " + std::to_string(V.n_rows) + " inputs, expected " + std::to_string(visible_units()));
  if (visible_kind_ == UnitKind::gaussian || V.n_cols == 0) {
    b_.value.zeros();
    return;
  }
  const arma::Col<double> on = arma::mean(arma::conv_to<arma::mat>::from(V), 1);
  for (std::size_t i = 0; i < on.n_elem; ++i) {
    const double p = std::min(std::max(on[i], 0.001), 0.999);
    // [paper: Hinton 2010, §8]  b_i = log(p_i / (1 − p_i))
    b_.value[i] = static_cast<T>(std::log(p / (1 - p)));
  }
}

template <typename T>
void Rbm<T>::hidden_means(const arma::Mat<T>& V, arma::Mat<T>& H) const {
  if (V.n_rows != visible_units()) throw Error("Rbm::hidden_means: " + std::to_string(V.n_rows) + " visible values per example, expected " + std::to_string(visible_units()));
  H = W_.value * V;
  // [slide: RBM] [paper: Hinton 2010, §2]  p(h_j = 1 | v) = σ(c_j + W_j v);  Gaussian: E[h_j | v] = c_j + W_j v
  if (hidden_kind_ == UnitKind::bernoulli) add_bias_and_sigmoid(H, c_.value);
  else H.each_col() += c_.value;
}

template <typename T>
void Rbm<T>::visible_means(const arma::Mat<T>& H, arma::Mat<T>& V) const {
  if (H.n_rows != hidden_units()) throw Error("Rbm::visible_means: " + std::to_string(H.n_rows) + " hidden values per example, expected " + std::to_string(hidden_units()));
  V = W_.value.t() * H;
  // [slide: RBM] [paper: Hinton 2010, §2]  p(v_i = 1 | h) = σ(b_i + Wᵀ_i h);  Gaussian: E[v_i | h] = b_i + Wᵀ_i h
  if (visible_kind_ == UnitKind::bernoulli) add_bias_and_sigmoid(V, b_.value);
  else V.each_col() += b_.value;
}

template <typename T>
void Rbm<T>::sample_hidden(const arma::Mat<T>& means, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column) const {
  if (hidden_kind_ == UnitKind::bernoulli) sample_bernoulli(means, states, key, first_column);
  else sample_unit_gaussian(means, states, key, first_column);  // [paper: Hinton & Salakhutdinov 2006] h_j ~ N(c_j + W_j v, 1)
}

template <typename T>
void Rbm<T>::sample_visible(const arma::Mat<T>& means, arma::Mat<T>& states, std::uint64_t key, std::size_t first_column) const {
  if (visible_kind_ == UnitKind::bernoulli) sample_bernoulli(means, states, key, first_column);
  else sample_unit_gaussian(means, states, key, first_column);  // [paper: Hinton 2010, §13.2] v_i ~ N(b_i + Wᵀ_i h, 1)
}

template <typename T>
double Rbm<T>::energy(const arma::Col<T>& v, const arma::Col<T>& h) const {
  const arma::vec vd = arma::conv_to<arma::vec>::from(v), hd = arma::conv_to<arma::vec>::from(h);
  const arma::vec b = arma::conv_to<arma::vec>::from(b_.value), c = arma::conv_to<arma::vec>::from(c_.value);
  const arma::mat W = arma::conv_to<arma::mat>::from(W_.value);
  // [slide: RBM]  E(v, h) = −bᵀv − cᵀh − hᵀW v   (a Gaussian layer: ½‖v − b‖² instead of −bᵀv)
  const double visible_term = visible_kind_ == UnitKind::bernoulli ? -arma::dot(b, vd) : 0.5 * arma::dot(vd - b, vd - b);
  const double hidden_term = hidden_kind_ == UnitKind::bernoulli ? -arma::dot(c, hd) : 0.5 * arma::dot(hd - c, hd - c);
  return visible_term + hidden_term - arma::dot(hd, W * vd);
}

template <typename T>
arma::vec Rbm<T>::free_energy(const arma::Mat<T>& V) const {
  if (V.n_rows != visible_units()) throw Error("Rbm::free_energy: " + std::to_string(V.n_rows) + " visible values per example, expected " + std::to_string(visible_units()));
  const arma::mat Vd = arma::conv_to<arma::mat>::from(V);
  const arma::vec b = arma::conv_to<arma::vec>::from(b_.value), c = arma::conv_to<arma::vec>::from(c_.value);
  arma::mat A = arma::conv_to<arma::mat>::from(W_.value) * Vd;  // W v per column
  A.each_col() += c;                                            // c_j + W_j v
  arma::vec F(V.n_cols);
  const double m = static_cast<double>(hidden_units());
  for (std::size_t i = 0; i < V.n_cols; ++i) {
    const arma::vec v = Vd.col(i);
    const double visible_term = visible_kind_ == UnitKind::bernoulli ? -arma::dot(b, v) : 0.5 * arma::dot(v - b, v - b);
    double hidden_term = 0;
    if (hidden_kind_ == UnitKind::bernoulli) {
      // [paper: Hinton 2010, §16.1]  F(v) = −bᵀv − Σ_j log(1 + e^{c_j + W_j v})
      for (std::size_t j = 0; j < A.n_rows; ++j) {
        const double x = A(j, i);
        hidden_term -= std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
      }
    } else {
      // Gaussian hidden: ∫ e^{−E} dh = e^{bᵀv} Π_j √(2π) e^{((c_j + W_j v)² − c_j²)/2}
      for (std::size_t j = 0; j < A.n_rows; ++j) hidden_term -= 0.5 * (A(j, i) * A(j, i) - c[j] * c[j]);
      hidden_term -= 0.5 * m * std::log(2 * M_PI);
    }
    F[i] = visible_term + hidden_term;
  }
  return F;
}

template <typename T>
Tensor<T> Rbm<T>::encode(const Tensor<T>& x) const {
  arma::Mat<T> H;
  hidden_means(x.matrix(), H);
  return Tensor<T>::from_columns(std::move(H));
}

template <typename T>
Tensor<T> Rbm<T>::reconstruct(const Tensor<T>& x) const {
  arma::Mat<T> H, V;
  hidden_means(x.matrix(), H);
  visible_means(H, V);
  return Tensor<T>(x.shape(), std::move(V));
}

template <typename T>
void Rbm<T>::set_parameters(const arma::Mat<T>& W, const arma::Mat<T>& b, const arma::Mat<T>& c) {
  if (arma::size(W) != arma::size(W_.value) || arma::size(b) != arma::size(b_.value) || arma::size(c) != arma::size(c_.value))
    throw Error("Rbm::set_parameters: expected W " + std::to_string(hidden_units()) + "x" + std::to_string(visible_units()) + ", b " +
                std::to_string(visible_units()) + "x1 and c " + std::to_string(hidden_units()) + "x1");
  W_.value = W;
  b_.value = b;
  c_.value = c;
}

template class Rbm<float>;
template class Rbm<double>;
template void sample_bernoulli<float>(const arma::Mat<float>&, arma::Mat<float>&, Rng&);
template void sample_bernoulli<double>(const arma::Mat<double>&, arma::Mat<double>&, Rng&);
template void sample_unit_gaussian<float>(const arma::Mat<float>&, arma::Mat<float>&, Rng&);
template void sample_unit_gaussian<double>(const arma::Mat<double>&, arma::Mat<double>&, Rng&);
template void sample_bernoulli<float>(const arma::Mat<float>&, arma::Mat<float>&, std::uint64_t, std::size_t);
template void sample_bernoulli<double>(const arma::Mat<double>&, arma::Mat<double>&, std::uint64_t, std::size_t);
template void sample_unit_gaussian<float>(const arma::Mat<float>&, arma::Mat<float>&, std::uint64_t, std::size_t);
template void sample_unit_gaussian<double>(const arma::Mat<double>&, arma::Mat<double>&, std::uint64_t, std::size_t);
template void add_bias_and_sigmoid<float>(arma::Mat<float>&, const arma::Mat<float>&);
template void add_bias_and_sigmoid<double>(arma::Mat<double>&, const arma::Mat<double>&);

}  // namespace lecon
