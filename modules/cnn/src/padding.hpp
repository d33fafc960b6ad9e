#pragma once
// Zero padding of a sample's planes, shared by the direct kernels' flat rows (conv2d_direct.cpp) and the
// filter-vector kernels (conv2d_filters.cpp), which lay out a padded sample the same way.
#include <algorithm>
#include <cstddef>

namespace lecon::conv_padding {

// out <- x (C planes of H x W) with p zeros on every side: C planes of (H + 2p) x (W + 2p), one after the other.
template <typename T>
void pad_planes(const T* x, std::size_t C, std::size_t H, std::size_t W, std::size_t p, T* out) {
  if (p == 0) {
    std::copy(x, x + C * H * W, out);
    return;
  }
  const std::size_t Hp = H + 2 * p, Wp = W + 2 * p;
  for (std::size_t c = 0; c < C; ++c) {
    T* plane = out + c * Hp * Wp;
    std::fill(plane, plane + p * Wp, T(0));
    for (std::size_t r = 0; r < H; ++r) {
      T* row = plane + (r + p) * Wp;
      std::fill(row, row + p, T(0));
      std::copy(x + (c * H + r) * W, x + (c * H + r + 1) * W, row + p);
      std::fill(row + p + W, row + Wp, T(0));
    }
    std::fill(plane + (H + p) * Wp, plane + Hp * Wp, T(0));
  }
}

}  // namespace lecon::conv_padding
