#pragma once
// One 28 x 28 image of the MNIST variants as the recipes handle it: a column of 784 values in [0, 1],
// row-major (pixel (y, x) at y * 28 + x), exactly one sample column of a (n, 1, 28, 28) Tensor.
// x runs to the right and y downwards, as the image is shown; pixel (y, x) covers [x, x+1) x [y, y+1).
#include <armadillo>
#include <cstddef>

#include "lecon/core/tensor.hpp"

namespace lecon::variants {

constexpr std::size_t kSide = 28;
constexpr std::size_t kPixels = kSide * kSide;

using Pixels = arma::Col<Real>;  // (kPixels)

inline std::size_t pixel_index(std::size_t y, std::size_t x) { return y * kSide + x; }

}  // namespace lecon::variants
