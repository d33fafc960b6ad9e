#include "lecon/variants/rectangles.hpp"

#include "lecon/core/error.hpp"

namespace lecon::variants {
namespace {

constexpr std::size_t kMaxDraws = 100000;  // both recipes accept far more often than 1 in 100

// Side lengths uniform in [shortest, 28] until `accept` holds, then the corner uniform where it fits.
template <typename Accept>
Rectangle random_rectangle(Rng& rng, std::size_t shortest, Accept accept) {
  for (std::size_t draw = 0; draw < kMaxDraws; ++draw) {
    Rectangle r;
    r.height = shortest + rng.uniform_int(kSide - shortest + 1);
    r.width = shortest + rng.uniform_int(kSide - shortest + 1);
    if (!accept(r)) continue;
    r.top = rng.uniform_int(kSide - r.height + 1);
    r.left = rng.uniform_int(kSide - r.width + 1);
    return r;
  }
  throw Error("random_rectangle: no rectangle met the recipe's constraints in " + std::to_string(kMaxDraws) + " draws");
}

std::size_t difference(const Rectangle& r) { return r.height > r.width ? r.height - r.width : r.width - r.height; }

}  // namespace

Rectangle random_outline_rectangle(Rng& rng, bool tall) {
  // [paper: Larochelle et al. 2007, §3.2] rejected "when their difference was smaller than 3 pixels".
  return random_rectangle(rng, 1, [&](const Rectangle& r) { return difference(r) >= 3 && r.tall() == tall; });
}

Rectangle random_image_rectangle(Rng& rng, bool tall) {
  // [paper: Larochelle et al. 2007, §3.2] sides at least 10, difference at least 5, area 25% to 75% of 784.
  return random_rectangle(rng, 10, [&](const Rectangle& r) {
    return difference(r) >= 5 && 4 * r.area() >= kPixels && 4 * r.area() <= 3 * kPixels && r.tall() == tall;
  });
}

Pixels draw_outline(const Rectangle& r) {
  Pixels image(kPixels, arma::fill::zeros);
  for (std::size_t y = r.top; y < r.top + r.height; ++y)
    for (std::size_t x = r.left; x < r.left + r.width; ++x)
      if (y == r.top || y == r.top + r.height - 1 || x == r.left || x == r.left + r.width - 1) image[pixel_index(y, x)] = 1;
  return image;
}

Pixels draw_filled(const Rectangle& r, const Pixels& inside, const Pixels& background) {
  Pixels image = background;
  for (std::size_t y = r.top; y < r.top + r.height; ++y)
    for (std::size_t x = r.left; x < r.left + r.width; ++x) image[pixel_index(y, x)] = inside[pixel_index(y, x)];
  return image;
}

}  // namespace lecon::variants
