#pragma once
// The image operations of the MNIST digit variants [paper: Larochelle et al. 2007, §3.1]:
//   mnist-rot       "the digits were rotated by an angle generated uniformly between 0 and 2π radians"
//   mnist-back-rand "a random background was inserted in the digit image. Each pixel value of the background
//                    was generated uniformly between 0 and 255"
//   mnist-back-image a random photograph patch as the background (photographs.hpp)
//   mnist-rot-back-image "the perturbations used in mnist-rot and mnist-back-image were combined"
// The paper does not say how digit and background are combined; we keep the brighter of the two at every
// pixel, so the white strokes stay white on top of the background (data/README.md).
#include "lecon/core/rng.hpp"
#include "lecon/variants/pixels.hpp"

namespace lecon::variants {

// The image turned by `angle` radians counter-clockwise as it is shown, about the image centre, sampled
// with bilinear interpolation; what comes from outside the image is 0 (background black).
Pixels rotate_image(const Pixels& image, double angle);

// [paper: Larochelle et al. 2007, §3.1] kPixels values, each uniform over the 256 grey levels 0..255, / 255.
Pixels random_noise_background(Rng& rng);

// The digit on a background: max(digit, background) at each pixel (our choice, see above).
Pixels put_on_background(const Pixels& digit, const Pixels& background);

}  // namespace lecon::variants
