#pragma once
// The eight data sets of [paper: Larochelle et al. 2007, "An empirical evaluation of deep architectures on
// problems with many factors of variation", ICML], regenerated from real MNIST with the published recipes
// (digit_variants.hpp, rectangles.hpp, convex_sets.hpp, photographs.hpp), in the published train / valid /
// test sizes. `make data` writes them to data/mnist-variants/<name>.h5 (program lecon_make_variants).
#include <cstdint>
#include <string>
#include <vector>

#include "lecon/core/dataset.hpp"
#include "lecon/variants/photographs.hpp"

namespace lecon::variants {

// Raise it whenever a recipe changes what it draws: the files' source attribute then no longer matches and
// `make data` makes them again.
constexpr int kRecipeVersion = 1;

// The seed `make data` uses (the paper's year).
constexpr std::uint64_t kDefaultSeed = 2007;

enum class Recipe { basic, rotated, noise_background, image_background, rotated_image_background, rectangles, image_rectangles, convex };

struct SplitSizes {
  std::size_t train = 0, valid = 0, test = 0;
  std::size_t total() const { return train + valid + test; }
};

struct Variant {
  std::string name;        // file stem and the lab's name: "rot-bg-img"
  std::string paper_name;  // the paper's: "mnist-rot-back-image"
  Recipe recipe;
  SplitSizes published;    // [paper: Larochelle et al. 2007, §3] train / valid / test
  std::string recipe_text; // one line: what the recipe does, for the file's source attribute and the lab

  bool needs_digits() const { return recipe != Recipe::rectangles && recipe != Recipe::image_rectangles && recipe != Recipe::convex; }
  bool needs_photographs() const {
    return recipe == Recipe::image_background || recipe == Recipe::rotated_image_background || recipe == Recipe::image_rectangles;
  }
};

// The eight, in the paper's order: basic, rot, bg-rand, bg-img, rot-bg-img, rect, rect-img, convex.
const std::vector<Variant>& mnist_variants();
// By name; an OptionError listing the names otherwise.
const Variant& find_variant(const std::string& name);

// Generates one variant with `sizes` (the published ones, or smaller for tests) from `seed`:
//   digit variants: the first sizes.total() digits of a random permutation of `digits` (MNIST's training
//   and test images pooled, (n, 1, 28, 28) in [0, 1]), in that order train, valid, test, each transformed
//   by the recipe; the labels are the digits' own.
//   rect, rect-img, convex: each part holds exactly half of each class (the larger half tall / convex when
//   its size is odd), in random order.
// The random numbers come from the variant's own stream: the (k+1)-th Rng::split() of Rng(seed) for the
// k-th variant of mnist_variants(), so each file depends only on the seed and its own recipe.
// Throws Error when digits or photographs are needed and missing, or too few digits for the sizes.
DataSplit make_variant(const Variant& variant, const SplitSizes& sizes, const Dataset* digits, const Photographs* photographs,
                       std::uint64_t seed);

// The file's source attribute: "regenerated with Larochelle et al. 2007's recipe (...)" with the seed and
// the number of photographs. lecon_make_variants --check compares a file's attribute with this, so a file
// made with another seed, recipe or set of photographs is made again.
std::string variant_source(const Variant& variant, std::uint64_t seed, std::size_t photographs);

}  // namespace lecon::variants
