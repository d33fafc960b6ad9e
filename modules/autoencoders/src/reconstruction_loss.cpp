#include "lecon/autoencoders/reconstruction_loss.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon {
namespace {

constexpr double kEpsilon = 1e-7;

template <typename T>
void check_pair(const std::string& loss, const Tensor<T>& z, const Tensor<T>& x) {
  if (z.matrix().n_rows != x.matrix().n_rows || z.matrix().n_cols != x.matrix().n_cols)
    throw Error(loss + ": reconstructions " + z.shape().str() + " and inputs " + x.shape().str() + " differ in shape");
  if (z.batch() == 0) throw Error(loss + ": empty batch");
}

}  // namespace

ReconstructionLoss reconstruction_loss_from_name(const std::string& name) {
  if (name == "squared_error") return ReconstructionLoss::squared_error;
  if (name == "cross_entropy") return ReconstructionLoss::cross_entropy;
  throw OptionError("loss '" + name + "': expected squared_error or cross_entropy");
}

std::string reconstruction_loss_name(ReconstructionLoss loss) {
  return loss == ReconstructionLoss::squared_error ? "squared_error" : "cross_entropy";
}

template <typename T>
double SquaredReconstructionError<T>::value(const Tensor<T>& z, const Tensor<T>& x) const {
  check_pair(name(), z, x);
  const T* pz = z.data();
  const T* px = x.data();
  double sum = 0;
  // [slide: Réseaux Auto Encoder]  ‖x − z‖², summed over the batch, then / n
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double e = static_cast<double>(px[i]) - static_cast<double>(pz[i]);
    sum += e * e;
  }
  return sum / static_cast<double>(z.batch());
}

template <typename T>
void SquaredReconstructionError<T>::gradient(const Tensor<T>& z, const Tensor<T>& x, Tensor<T>& dz) const {
  check_pair(name(), z, x);
  ensure_shape(dz, z.shape());
  // ∂L/∂z = 2 (z − x) / n
  dz.matrix() = (z.matrix() - x.matrix()) * static_cast<T>(2.0 / static_cast<double>(z.batch()));
}

template <typename T>
double CrossEntropyReconstructionError<T>::value(const Tensor<T>& z, const Tensor<T>& x) const {
  check_pair(name(), z, x);
  const T* pz = z.data();
  const T* px = x.data();
  double sum = 0;
  // [slide: Réseaux Auto Encoder]  −Σ_k [x_k log z_k + (1 − x_k) log(1 − z_k)], summed over the batch, then / n
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double p = std::clamp(static_cast<double>(pz[i]), kEpsilon, 1.0 - kEpsilon), t = px[i];
    sum -= t * std::log(p) + (1 - t) * std::log(1 - p);
  }
  return sum / static_cast<double>(z.batch());
}

template <typename T>
void CrossEntropyReconstructionError<T>::gradient(const Tensor<T>& z, const Tensor<T>& x, Tensor<T>& dz) const {
  check_pair(name(), z, x);
  ensure_shape(dz, z.shape());
  const T* pz = z.data();
  const T* px = x.data();
  T* out = dz.data();
  const double scale = 1.0 / static_cast<double>(z.batch());
  // ∂L/∂z_k = (−x_k / z_k + (1 − x_k) / (1 − z_k)) / n
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double p = pz[i], t = px[i];
    out[i] = (p < kEpsilon || p > 1 - kEpsilon) ? T(0) : static_cast<T>(scale * (-t / p + (1 - t) / (1 - p)));
  }
}

template <typename T>
std::unique_ptr<Loss<T>> make_reconstruction_loss(ReconstructionLoss loss) {
  if (loss == ReconstructionLoss::squared_error) return std::make_unique<SquaredReconstructionError<T>>();
  return std::make_unique<CrossEntropyReconstructionError<T>>();
}

template class SquaredReconstructionError<float>;
template class SquaredReconstructionError<double>;
template class CrossEntropyReconstructionError<float>;
template class CrossEntropyReconstructionError<double>;
template std::unique_ptr<Loss<float>> make_reconstruction_loss<float>(ReconstructionLoss);
template std::unique_ptr<Loss<double>> make_reconstruction_loss<double>(ReconstructionLoss);

}  // namespace lecon
