#include "lecon/variants/mnist_variants.hpp"

#include <cmath>

#include "lecon/core/error.hpp"
#include "lecon/variants/convex_sets.hpp"
#include "lecon/variants/digit_variants.hpp"
#include "lecon/variants/rectangles.hpp"

namespace lecon::variants {
namespace {

std::vector<std::string> digit_names() {
  std::vector<std::string> names;
  for (int d = 0; d < 10; ++d) names.push_back(std::to_string(d));
  return names;
}

// Exactly half of each class in random order: label 1 for the larger half when n is odd.
arma::uvec balanced_labels(std::size_t n, Rng& rng) {
  const arma::uvec order = rng.permutation(n);
  arma::uvec labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = order[i] < n / 2 ? 0 : 1;
  return labels;
}

Dataset empty_part(const std::string& name, std::size_t n, const std::vector<std::string>& class_names) {
  Dataset part;
  part.name = name;
  part.x = Tensor<Real>(Shape{n, 1, kSide, kSide});
  part.y = arma::uvec(n, arma::fill::zeros);
  part.class_names = class_names;
  return part;
}

// One image of a digit variant from MNIST digit `digit` [paper: Larochelle et al. 2007, §3.1].
Pixels digit_image(Recipe recipe, const Pixels& digit, const Photographs* photographs, Rng& rng) {
  const double two_pi = 2 * std::acos(-1.0);
  switch (recipe) {
    case Recipe::basic:  // "mnist-basic": the digit as it is
      return digit;
    case Recipe::rotated:  // "rotated by an angle generated uniformly between 0 and 2π radians"
      return rotate_image(digit, rng.uniform(0, two_pi));
    case Recipe::noise_background:  // "each pixel value of the background was generated uniformly between 0 and 255"
      return put_on_background(digit, random_noise_background(rng));
    case Recipe::image_background:  // "a patch from a black and white image was used as the background"
      return put_on_background(digit, random_patch(*photographs, rng));
    case Recipe::rotated_image_background: {  // "the perturbations used in mnist-rot and mnist-back-image were combined"
      const Pixels turned = rotate_image(digit, rng.uniform(0, two_pi));
      return put_on_background(turned, random_patch(*photographs, rng));
    }
    default:
      throw Error("digit_image: not a digit recipe");
  }
}

// One image of a shape variant with the given label [paper: Larochelle et al. 2007, §3.2, §3.3].
Pixels shape_image(Recipe recipe, bool positive, const Photographs* photographs, Rng& rng) {
  switch (recipe) {
    case Recipe::rectangles:
      return draw_outline(random_outline_rectangle(rng, positive));
    case Recipe::image_rectangles: {
      // "the border and inside of the rectangles corresponds to an image patch and a background patch is also
      // sampled": two patches, from two different photographs (our choice, so the rectangle always differs
      // in texture from its background; the paper does not say).
      const Rectangle rectangle = random_image_rectangle(rng, positive);
      std::size_t inside_photo = 0;
      const Pixels inside = random_patch(*photographs, rng, &inside_photo);
      std::size_t background_photo = inside_photo;
      if (photographs->size() > 1) background_photo = (inside_photo + 1 + rng.uniform_int(photographs->size() - 1)) % photographs->size();
      const Pixels background = random_patch(*photographs, background_photo, rng);
      return draw_filled(rectangle, inside, background);
    }
    case Recipe::convex:
      return draw_region(positive ? random_convex_region(rng, kConvexHalfPlanesP, kConvexMinPixels) : random_nonconvex_region(rng));
    default:
      throw Error("shape_image: not a shape recipe");
  }
}

}  // namespace

const std::vector<Variant>& mnist_variants() {
  // [paper: Larochelle et al. 2007, §3] the sizes: the MNIST-based sets and rectangles-image 10000 / 2000 /
  // 50000, rectangles 1000 / 200 / 50000, convex 6000 / 2000 / 50000.
  static const std::vector<Variant> variants = {
      {"basic", "mnist-basic", Recipe::basic, {10000, 2000, 50000}, "MNIST digits as they are"},
      {"rot", "mnist-rot", Recipe::rotated, {10000, 2000, 50000}, "digits rotated by an angle uniform in [0, 2pi), bilinear"},
      {"bg-rand", "mnist-back-rand", Recipe::noise_background, {10000, 2000, 50000},
       "digits over a background of pixels uniform in 0..255, max(digit, background)"},
      {"bg-img", "mnist-back-image", Recipe::image_background, {10000, 2000, 50000},
       "digits over a random 28x28 photograph patch (pixel sd >= 0.04), max(digit, background)"},
      {"rot-bg-img", "mnist-rot-back-image", Recipe::rotated_image_background, {10000, 2000, 50000},
       "rotated digits (rot) over a photograph patch (bg-img)"},
      {"rect", "rectangles", Recipe::rectangles, {1000, 200, 50000},
       "white one-pixel outline of a rectangle, sides uniform in 1..28 differing by >= 3; tall (1) or wide (0)"},
      {"rect-img", "rectangles-image", Recipe::image_rectangles, {10000, 2000, 50000},
       "rectangle of one photograph patch over a patch of another, sides >= 10 differing by >= 5, area 25-75%; tall (1) or wide (0)"},
      {"convex", "convex", Recipe::convex, {6000, 2000, 50000},
       "white region: intersection of Geometric(0.195) (k >= 0) random half-planes, >= 19 px (convex, 1), or a non-convex union of "
       "2-4 such regions with Geometric(0.07) half-planes, >= 10 px each (0)"},
  };
  return variants;
}

const Variant& find_variant(const std::string& name) {
  std::string names;
  for (const Variant& v : mnist_variants()) {
    if (v.name == name) return v;
    names += (names.empty() ? "" : ", ") + v.name;
  }
  throw OptionError("unknown MNIST variant '" + name + "': expected one of " + names);
}

std::string variant_source(const Variant& variant, std::uint64_t seed, std::size_t photographs) {
  std::string source = "regenerated with Larochelle et al. 2007's recipe (" + variant.paper_name + ": " + variant.recipe_text + ")";
  if (variant.needs_digits()) source += " from MNIST (data/mnist.h5, training and test images pooled)";
  source += "; seed " + std::to_string(seed) + ", lecon recipe version " + std::to_string(kRecipeVersion);
  if (variant.needs_photographs()) source += "; " + std::to_string(photographs) + " photographs from data/backgrounds/ (the paper used 20)";
  return source;
}

DataSplit make_variant(const Variant& variant, const SplitSizes& sizes, const Dataset* digits, const Photographs* photographs,
                       std::uint64_t seed) {
  const std::vector<Variant>& all = mnist_variants();
  std::size_t stream = 0;
  while (stream < all.size() && all[stream].name != variant.name) ++stream;
  Rng master(seed);
  Rng rng = master.split();
  for (std::size_t k = 0; k < stream; ++k) rng = master.split();

  if (variant.needs_photographs() && (!photographs || photographs->size() == 0))
    throw Error(variant.name + ": needs the background photographs (data/backgrounds/)");
  const bool from_digits = variant.needs_digits();
  if (from_digits) {
    if (!digits || digits->x.shape().sample_size() != kPixels)
      throw Error(variant.name + ": needs MNIST digits of 28 x 28 pixels (data/mnist.h5)");
    if (digits->size() < sizes.total())
      throw Error(variant.name + ": needs " + std::to_string(sizes.total()) + " digits, the pool holds " + std::to_string(digits->size()));
  }
  const std::vector<std::string> class_names =
      from_digits ? digit_names() : variant.recipe == Recipe::convex ? std::vector<std::string>{"non-convex", "convex"}
                                                                     : std::vector<std::string>{"wide", "tall"};

  DataSplit split;
  split.source = variant_source(variant, seed, photographs ? photographs->size() : 0);
  const std::string stem = "mnist-variants/" + variant.name;
  split.train = empty_part(stem + "/train", sizes.train, class_names);
  split.valid = empty_part(stem + "/valid", sizes.valid, class_names);
  split.test = empty_part(stem + "/test", sizes.test, class_names);

  // Which digits: the first sizes.total() of a random order of the pool, without replacement.
  arma::uvec chosen;
  if (from_digits) chosen = rng.permutation(digits->size()).head(sizes.total());
  std::size_t next_digit = 0;
  for (Dataset* part : {&split.train, &split.valid, &split.test}) {
    const std::size_t n = part->size();
    if (!from_digits) part->y = balanced_labels(n, rng);
    arma::Mat<Real>& x = part->x.matrix();
    for (std::size_t i = 0; i < n; ++i) {
      if (from_digits) {
        const arma::uword source = chosen[next_digit++];
        part->y[i] = digits->y[source];
        x.col(i) = digit_image(variant.recipe, Pixels(digits->x.matrix().col(source)), photographs, rng);
      } else {
        x.col(i) = shape_image(variant.recipe, part->y[i] == 1, photographs, rng);
      }
    }
  }
  return split;
}

}  // namespace lecon::variants
