#include "lecon/rnn/sequence.hpp"

#include <cstring>

namespace lecon {

template <typename T>
Tensor<T> with_mask(const Tensor<T>& x, const std::vector<std::size_t>& lengths) {
  if (x.shape().rank() != 3) throw Error("with_mask: expected sequences (n, T, d), got " + x.shape().str());
  const std::size_t n = x.batch(), steps = x.shape()[1], d = x.shape()[2];
  if (lengths.size() != n) throw Error("with_mask: " + std::to_string(lengths.size()) + " lengths for " + std::to_string(n) + " sequences");
  Tensor<T> out(Shape{n, steps, 1 + d});
  for (std::size_t i = 0; i < n; ++i) {
    if (lengths[i] < 1 || lengths[i] > steps)
      throw Error("with_mask: length " + std::to_string(lengths[i]) + " of sequence " + std::to_string(i) + " is not in [1, " + std::to_string(steps) + "]");
    for (std::size_t t = 0; t < lengths[i]; ++t) {
      out.matrix()(t * (1 + d), i) = T(1);
      std::memcpy(out.matrix().colptr(i) + t * (1 + d) + 1, x.matrix().colptr(i) + t * d, d * sizeof(T));
    }
  }
  return out;
}

template <typename T>
std::vector<std::size_t> sequence_lengths(const Tensor<T>& x) {
  if (x.shape().rank() != 3 || x.shape()[2] < 1) throw Error("sequence_lengths: expected masked sequences (n, T, 1 + d), got " + x.shape().str());
  const std::size_t steps = x.shape()[1], stride = x.shape()[2];
  std::vector<std::size_t> lengths(x.batch(), 0);
  for (std::size_t i = 0; i < x.batch(); ++i)
    for (std::size_t t = 0; t < steps; ++t) lengths[i] += x.matrix()(t * stride, i) > T(0.5) ? 1 : 0;
  return lengths;
}

template <typename T>
Tensor<T> rows_as_sequences(Tensor<T> images) {
  const Shape& s = images.shape();
  if (s.rank() == 4 && s[1] == 1) return std::move(images).reshaped(Shape{s.batch(), s[2], s[3]});
  if (s.rank() == 3) return images;
  throw Error("rows_as_sequences: expected grey images (n, 1, h, w) or (n, h, w), got " + s.str());
}

template Tensor<float> with_mask<float>(const Tensor<float>&, const std::vector<std::size_t>&);
template Tensor<double> with_mask<double>(const Tensor<double>&, const std::vector<std::size_t>&);
template std::vector<std::size_t> sequence_lengths<float>(const Tensor<float>&);
template std::vector<std::size_t> sequence_lengths<double>(const Tensor<double>&);
template Tensor<float> rows_as_sequences<float>(Tensor<float>);
template Tensor<double> rows_as_sequences<double>(Tensor<double>);

}  // namespace lecon
