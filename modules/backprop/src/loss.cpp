#include "lecon/backprop/loss.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

constexpr double kEpsilon = 1e-7;  // keras' backend epsilon

template <typename T>
void check_pair(const std::string& loss, const Tensor<T>& y, const Tensor<T>& t) {
  if (y.matrix().n_rows != t.matrix().n_rows || y.matrix().n_cols != t.matrix().n_cols)
    throw Error(loss + ": outputs " + y.shape().str() + " and targets " + t.shape().str() + " differ in shape");
  if (y.batch() == 0) throw Error(loss + ": empty batch");
}

// Σ over every element of f(y, t), in double.
template <typename T, typename F>
double sum_pairs(const Tensor<T>& y, const Tensor<T>& t, F f) {
  const T* py = y.data();
  const T* pt = t.data();
  double sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) sum += f(static_cast<double>(py[i]), static_cast<double>(pt[i]));
  return sum;
}

// dy[i] = f(y[i], t[i]).
template <typename T, typename F>
void map_pairs(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy, F f) {
  ensure_shape(dy, y.shape());
  const T* py = y.data();
  const T* pt = t.data();
  T* out = dy.data();
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = static_cast<T>(f(static_cast<double>(py[i]), static_cast<double>(pt[i])));
}

double clip(double v) { return std::clamp(v, kEpsilon, 1.0 - kEpsilon); }

}  // namespace

template <typename T>
double MeanSquaredError<T>::value(const Tensor<T>& y, const Tensor<T>& t) const {
  check_pair(name(), y, t);
  return sum_pairs(y, t, [](double a, double b) { return (a - b) * (a - b); }) / static_cast<double>(y.size());
}
template <typename T>
void MeanSquaredError<T>::gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const {
  check_pair(name(), y, t);
  const double scale = 2.0 / static_cast<double>(y.size());
  map_pairs(y, t, dy, [scale](double a, double b) { return scale * (a - b); });
}

template <typename T>
double MeanAbsoluteError<T>::value(const Tensor<T>& y, const Tensor<T>& t) const {
  check_pair(name(), y, t);
  return sum_pairs(y, t, [](double a, double b) { return std::abs(a - b); }) / static_cast<double>(y.size());
}
template <typename T>
void MeanAbsoluteError<T>::gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const {
  check_pair(name(), y, t);
  const double scale = 1.0 / static_cast<double>(y.size());
  map_pairs(y, t, dy, [scale](double a, double b) { return a > b ? scale : (a < b ? -scale : 0.0); });
}

template <typename T>
double BinaryCrossEntropy<T>::value(const Tensor<T>& y, const Tensor<T>& t) const {
  check_pair(name(), y, t);
  return -sum_pairs(y, t, [](double a, double b) {
           const double p = clip(a);
           return b * std::log(p) + (1 - b) * std::log(1 - p);
         }) / static_cast<double>(y.size());
}
template <typename T>
void BinaryCrossEntropy<T>::gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const {
  check_pair(name(), y, t);
  const double scale = 1.0 / static_cast<double>(y.size());
  map_pairs(y, t, dy, [scale](double a, double b) {
    if (a < kEpsilon || a > 1 - kEpsilon) return 0.0;  // clipped: flat
    return scale * (-b / a + (1 - b) / (1 - a));
  });
}

template <typename T>
double CategoricalCrossEntropy<T>::value(const Tensor<T>& y, const Tensor<T>& t) const {
  check_pair(name(), y, t);
  return -sum_pairs(y, t, [](double a, double b) { return b * std::log(clip(a)); }) / static_cast<double>(y.batch());
}
template <typename T>
void CategoricalCrossEntropy<T>::gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const {
  check_pair(name(), y, t);
  const double scale = 1.0 / static_cast<double>(y.batch());
  map_pairs(y, t, dy, [scale](double a, double b) { return a < kEpsilon || a > 1 - kEpsilon ? 0.0 : -scale * b / a; });
}

template <typename T>
double KullbackLeibler<T>::value(const Tensor<T>& y, const Tensor<T>& t) const {
  check_pair(name(), y, t);
  return sum_pairs(y, t, [](double a, double b) {
           const double q = std::clamp(b, kEpsilon, 1.0);
           return q * std::log(q / std::clamp(a, kEpsilon, 1.0));
         }) / static_cast<double>(y.batch());
}
template <typename T>
void KullbackLeibler<T>::gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const {
  check_pair(name(), y, t);
  const double scale = 1.0 / static_cast<double>(y.batch());
  map_pairs(y, t, dy, [scale](double a, double b) {
    return a < kEpsilon || a > 1.0 ? 0.0 : -scale * std::clamp(b, kEpsilon, 1.0) / a;
  });
}

template <typename T>
double SoftmaxCrossEntropy<T>::value(const Tensor<T>& z, const Tensor<T>& t) const {
  check_pair(name(), z, t);
  const arma::Mat<T>& Z = z.matrix();
  const arma::Mat<T>& Tm = t.matrix();
  double sum = 0;
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    const double top = Z.col(j).max();
    double exp_sum = 0, target_sum = 0, target_dot = 0;
    for (arma::uword k = 0; k < Z.n_rows; ++k) {
      exp_sum += std::exp(static_cast<double>(Z(k, j)) - top);
      target_sum += Tm(k, j);
      target_dot += static_cast<double>(Tm(k, j)) * Z(k, j);
    }
    // -Σ t_k ln softmax_k = (Σ t_k) logsumexp(z) - Σ t_k z_k
    sum += target_sum * (top + std::log(exp_sum)) - target_dot;
  }
  return sum / static_cast<double>(Z.n_cols);
}
template <typename T>
void SoftmaxCrossEntropy<T>::gradient(const Tensor<T>& z, const Tensor<T>& t, Tensor<T>& dz) const {
  check_pair(name(), z, t);
  ensure_shape(dz, z.shape());
  const arma::Mat<T>& Z = z.matrix();
  const arma::Mat<T>& Tm = t.matrix();
  arma::Mat<T>& D = dz.matrix();
  // [slide: softmax + cross-entropy]  ∂L/∂z_ik = (1/n) ((Σ_k t_ik) softmax(z_i)_k - t_ik)
  // EXERCISE softmax-ce-gradient BEGIN
  const double scale = 1.0 / static_cast<double>(Z.n_cols);
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    const double top = Z.col(j).max();
    double exp_sum = 0, target_sum = 0;
    for (arma::uword k = 0; k < Z.n_rows; ++k) {
      exp_sum += std::exp(static_cast<double>(Z(k, j)) - top);
      target_sum += Tm(k, j);
    }
    for (arma::uword k = 0; k < Z.n_rows; ++k)
      D(k, j) = static_cast<T>(scale * (target_sum * std::exp(static_cast<double>(Z(k, j)) - top) / exp_sum - Tm(k, j)));
  }
  // EXERCISE softmax-ce-gradient END
}

template <typename T>
std::unique_ptr<Loss<T>> make_loss(const std::string& name) {
  if (name == "mse" || name == "mean_squared_error") return std::make_unique<MeanSquaredError<T>>();
  if (name == "mae" || name == "mean_absolute_error") return std::make_unique<MeanAbsoluteError<T>>();
  if (name == "binary_crossentropy") return std::make_unique<BinaryCrossEntropy<T>>();
  if (name == "categorical_crossentropy") return std::make_unique<CategoricalCrossEntropy<T>>();
  if (name == "kld" || name == "kullback_leibler_divergence") return std::make_unique<KullbackLeibler<T>>();
  if (name == "softmax_crossentropy") return std::make_unique<SoftmaxCrossEntropy<T>>();
  throw OptionError("loss '" + name + "': expected mse, mae, binary_crossentropy, categorical_crossentropy, kld or softmax_crossentropy");
}

#define LECON_LOSSES(T)                                                  \
  template class MeanSquaredError<T>;                                    \
  template class MeanAbsoluteError<T>;                                   \
  template class BinaryCrossEntropy<T>;                                  \
  template class CategoricalCrossEntropy<T>;                             \
  template class KullbackLeibler<T>;                                     \
  template class SoftmaxCrossEntropy<T>;                                 \
  template std::unique_ptr<Loss<T>> make_loss<T>(const std::string&);
LECON_LOSSES(float)
LECON_LOSSES(double)
#undef LECON_LOSSES

}  // namespace lecon
