#pragma once
// A small PNG writer (8-bit grey or RGB, deflate through zlib) and image grids of samples or weights.
#include <cstdint>
#include <string>
#include <vector>

#include "lecon/core/tensor.hpp"

namespace lecon {

struct Image {
  std::size_t width = 0, height = 0, channels = 1;  // channels: 1 (grey) or 3 (RGB)
  std::vector<std::uint8_t> pixels;                 // row-major, interleaved channels
};

// Writes an 8-bit PNG atomically.
void write_png(const std::string& path, const Image& image);

// How values map to 0-255 in a grid.
enum class Scaling {
  unit,        // clamp to [0, 1] (pixels)
  per_tile,    // each tile min-max to its own range (weights, filters)
};

// A grid of samples from a rank-4 tensor (n, c, h, w) with c = 1 or 3, or a rank-2 (n, d) tensor whose
// d is a square (reshaped to sqrt(d) x sqrt(d)). Tiles separated by `border` pixels, `columns` per row.
Image image_grid(const Tensor<Real>& samples, const std::vector<std::size_t>& indices, std::size_t columns,
                 Scaling scaling = Scaling::unit, std::size_t border = 1, std::size_t zoom = 1);

}  // namespace lecon
