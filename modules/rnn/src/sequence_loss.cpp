#include "lecon/rnn/sequence_loss.hpp"

#include <algorithm>
#include <cmath>

namespace lecon {
namespace {

template <typename T>
void check_shapes(const Tensor<T>& z, const Tensor<T>& t) {
  if (z.shape().rank() != 3 || z.shape() != t.shape())
    throw Error("sequence_softmax_crossentropy: outputs " + z.shape().str() + " and targets " + t.shape().str() +
                " must be the same (n, T, k)");
}

// Counted steps: those whose target row sums to more than 0.5.
template <typename T>
std::size_t counted_steps(const Tensor<T>& t) {
  const std::size_t k = t.shape()[2], rows = t.batch() * t.shape()[1];
  std::size_t count = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += t.data()[r * k + j];
    count += sum > 0.5 ? 1 : 0;
  }
  return count;
}

}  // namespace

template <typename T>
double SequenceSoftmaxCrossEntropy<T>::terms(const Tensor<T>& t) const {
  return static_cast<double>(counted_steps(t));
}

template <typename T>
double SequenceSoftmaxCrossEntropy<T>::value(const Tensor<T>& z, const Tensor<T>& t) const {
  check_shapes(z, t);
  const std::size_t k = z.shape()[2], rows = z.batch() * z.shape()[1], steps = counted_steps(t);
  if (steps == 0) return 0.0;
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* zr = z.data() + r * k;
    const T* tr = t.data() + r * k;
    double target_sum = 0, dot = 0;
    for (std::size_t j = 0; j < k; ++j) target_sum += tr[j], dot += static_cast<double>(tr[j]) * zr[j];
    if (!(target_sum > 0.5)) continue;
    // ln Σ e^z, stable: m + ln Σ e^{z - m}
    const double m = *std::max_element(zr, zr + k);
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += std::exp(static_cast<double>(zr[j]) - m);
    total += (m + std::log(sum)) * target_sum - dot;
  }
  return total / static_cast<double>(steps);
}

template <typename T>
void SequenceSoftmaxCrossEntropy<T>::gradient(const Tensor<T>& z, const Tensor<T>& t, Tensor<T>& dz) const {
  check_shapes(z, t);
  ensure_shape(dz, z.shape());
  const std::size_t k = z.shape()[2], rows = z.batch() * z.shape()[1], steps = counted_steps(t);
  const double scale = steps == 0 ? 0.0 : 1.0 / static_cast<double>(steps);
  for (std::size_t r = 0; r < rows; ++r) {
    const T* zr = z.data() + r * k;
    const T* tr = t.data() + r * k;
    T* dr = dz.data() + r * k;
    double target_sum = 0;
    for (std::size_t j = 0; j < k; ++j) target_sum += tr[j];
    if (!(target_sum > 0.5)) {
      std::fill(dr, dr + k, T(0));
      continue;
    }
    const double m = *std::max_element(zr, zr + k);
    double sum = 0;
    for (std::size_t j = 0; j < k; ++j) sum += std::exp(static_cast<double>(zr[j]) - m);
    // ∂L/∂z = (Σt · softmax(z) - t) / S
    for (std::size_t j = 0; j < k; ++j)
      dr[j] = static_cast<T>((target_sum * std::exp(static_cast<double>(zr[j]) - m) / sum - tr[j]) * scale);
  }
}

template class SequenceSoftmaxCrossEntropy<float>;
template class SequenceSoftmaxCrossEntropy<double>;

}  // namespace lecon
