#include "lecon/variants/digit_variants.hpp"

#include <cmath>

namespace lecon::variants {

Pixels rotate_image(const Pixels& image, double angle) {
  // Coordinates relative to the centre of the image: pixel (y, x) has its centre at (x + 0.5, y + 0.5),
  // the image's centre is (14, 14), so u = x - 13.5, v = y - 13.5 (v downwards).
  const double centre = (kSide - 1) / 2.0;
  const double c = std::cos(angle), s = std::sin(angle);
  Pixels out(kPixels, arma::fill::zeros);
  for (std::size_t y = 0; y < kSide; ++y) {
    for (std::size_t x = 0; x < kSide; ++x) {
      // A turn by +angle counter-clockwise on screen (v points down) maps (u, v) to
      // (u cos + v sin, -u sin + v cos); each output pixel reads the source point of the inverse turn.
      const double u = x - centre, v = y - centre;
      const double source_x = u * c - v * s + centre, source_y = u * s + v * c + centre;
      const double x0 = std::floor(source_x), y0 = std::floor(source_y);
      const double fx = source_x - x0, fy = source_y - y0;
      double value = 0;
      for (int dy = 0; dy <= 1; ++dy) {
        for (int dx = 0; dx <= 1; ++dx) {
          const double yy = y0 + dy, xx = x0 + dx;
          if (yy < 0 || xx < 0 || yy > kSide - 1 || xx > kSide - 1) continue;  // outside: black
          const double weight = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
          value += weight * image[pixel_index(static_cast<std::size_t>(yy), static_cast<std::size_t>(xx))];
        }
      }
      out[pixel_index(y, x)] = static_cast<Real>(std::min(1.0, std::max(0.0, value)));
    }
  }
  return out;
}

Pixels random_noise_background(Rng& rng) {
  Pixels background(kPixels);
  // [paper: Larochelle et al. 2007, §3.1] "generated uniformly between 0 and 255".
  for (std::size_t i = 0; i < kPixels; ++i) background[i] = static_cast<Real>(rng.uniform_int(256)) / Real(255);
  return background;
}

Pixels put_on_background(const Pixels& digit, const Pixels& background) { return arma::max(digit, background); }

}  // namespace lecon::variants
