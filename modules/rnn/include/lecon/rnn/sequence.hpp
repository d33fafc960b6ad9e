#pragma once
// Building batches of sequences in the layout of the recurrent layers (recurrent.hpp, docs/rnn.md):
// x (n, T, d), C order, sample i's column holding its T steps of d features.
#include <vector>

#include "lecon/core/tensor.hpp"

namespace lecon {

// Prepends the mask feature: (n, T, d) -> (n, T, 1 + d), feature 0 = 1 for t < lengths[i], else 0; the
// features of padded steps are set to 0. Throws Error unless there is one length per sample, each in [1, T].
template <typename T>
Tensor<T> with_mask(const Tensor<T>& x, const std::vector<std::size_t>& lengths);

// The lengths a masked input carries: the count of steps whose feature 0 is above 0.5.  x: (n, T, 1 + d)
template <typename T>
std::vector<std::size_t> sequence_lengths(const Tensor<T>& x);

// Images as sequences of rows, sequential MNIST: (n, 1, h, w) or (n, h, w) -> (n, h, w), a relabelling (row y
// is step y, its w pixels the features; no copy of the layout, just the shape).
template <typename T>
Tensor<T> rows_as_sequences(Tensor<T> images);

}  // namespace lecon
