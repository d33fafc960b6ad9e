#pragma once
// The photographs behind bg-img, rot-bg-img and rect-img, and the random 28 x 28 patches taken from them.
//
// [paper: Larochelle et al. 2007, §3.1] "mnist-back-image: a patch from a black and white image was used as
// the background for the digit image. The patches were extracted randomly from a set of 20 images downloaded
// from the internet. Patches which had low pixel variance (i.e. contained little texture) were ignored."
// We have 9 photographs (data/backgrounds/LICENSES.md), not 20; the paper gives no variance threshold, so
// ours is kMinPatchDeviation below (data/README.md).
#include <string>
#include <vector>

#include "lecon/core/rng.hpp"
#include "lecon/variants/grey_png.hpp"
#include "lecon/variants/pixels.hpp"

namespace lecon::variants {

// A patch whose pixel standard deviation is below this (on the [0, 1] scale, about 10 grey levels of 255)
// "contains little texture" and is drawn again.
constexpr double kMinPatchDeviation = 0.04;

struct Photographs {
  std::string dir;                  // where they were read from
  std::vector<std::string> names;   // file names, sorted
  std::vector<GreyImage> images;    // in the same order, each at least kSide x kSide

  std::size_t size() const { return images.size(); }
};

// Every *.png in `dir`, in name order. Throws FileError naming `dir` if it is missing or holds no PNG, and
// naming the file if one cannot be read (read_grey_png) or is smaller than 28 x 28.
Photographs load_photographs(const std::string& dir);

// A kSide x kSide patch of photograph `photo` at a uniformly random position, drawn again while its pixel
// standard deviation is below kMinPatchDeviation (at most 1000 draws, then an Error naming the photograph).
Pixels random_patch(const Photographs& photographs, std::size_t photo, Rng& rng);
// The same from a photograph chosen uniformly at random; returns its index in `chosen` when given.
Pixels random_patch(const Photographs& photographs, Rng& rng, std::size_t* chosen = nullptr);

// The pixel standard deviation of an image (population, over its kPixels values).
double pixel_deviation(const Pixels& image);

}  // namespace lecon::variants
