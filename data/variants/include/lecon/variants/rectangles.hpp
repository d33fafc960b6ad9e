#pragma once
// Tall and wide rectangles [paper: Larochelle et al. 2007, §3.2, "Discrimination between tall and wide
// rectangles"]: the task is to tell whether the rectangle in a 28 x 28 image is taller than wide.
//   rectangles:       "the pixels corresponding to the border of the rectangle has a value of 255, 0
//                      otherwise. The height and width of the rectangles were sampled uniformly, but when
//                      their difference was smaller than 3 pixels the samples were rejected. The top left
//                      corner of the rectangles was also sampled uniformly, constrained so that the whole
//                      rectangle would fit in the image."
//   rectangles-image: "the border and inside of the rectangles corresponds to an image patch and a background
//                      patch is also sampled ... the area covered by the rectangles was constrained to be
//                      between 25% and 75% of the total image, the length and width of the rectangles were
//                      forced to be of at least 10 and their difference was forced to be of at least 5 pixels."
// Labels: 1 = tall (height > width), 0 = wide.
#include "lecon/core/rng.hpp"
#include "lecon/variants/pixels.hpp"

namespace lecon::variants {

struct Rectangle {
  std::size_t top = 0, left = 0, height = 0, width = 0;  // in pixels; rows top..top+height-1

  bool tall() const { return height > width; }
  std::size_t area() const { return height * width; }
};

// Height and width uniform in [1, 28] (our range: the paper says only "uniformly"), drawn again until they
// differ by at least 3 pixels and the rectangle is tall (or wide) as asked; the top-left corner uniform
// over the places where it fits.
Rectangle random_outline_rectangle(Rng& rng, bool tall);
// The same with height and width in [10, 28], differing by at least 5 pixels, covering 25% to 75% of the
// image (196 to 588 pixels).
Rectangle random_image_rectangle(Rng& rng, bool tall);

// White (1) on the rectangle's border, a one-pixel outline, black (0) elsewhere.
Pixels draw_outline(const Rectangle& rectangle);
// `inside` on the rectangle (border and inside), `background` elsewhere.
Pixels draw_filled(const Rectangle& rectangle, const Pixels& inside, const Pixels& background);

}  // namespace lecon::variants
