#pragma once
// Images in a grid with a caption under each ("7 → 2": a misclassified digit, true → predicted), drawn by
// gnuplot like every other figure: <stem>.gp carries the pixels inline and the captions as labels, so a
// teacher can change the captions' text or font there and redraw.
#include <string>
#include <vector>

#include "lecon/labkit/png.hpp"

namespace lecon {

struct CaptionedGrid {
  std::string title;
  std::vector<Image> tiles;           // all of one size and channel count (image_grid of one sample each)
  std::vector<std::string> captions;  // one per tile, in the same order; '\n' starts a second line
  std::size_t columns = 10;           // tiles per row, filled row by row
  std::size_t scale = 3;              // screen pixels per image pixel

  // The gnuplot script that draws the grid into png_path. Throws Error when there are no tiles, the tiles
  // differ in size or channels, or captions and tiles differ in number.
  std::string script(const std::string& png_path) const;
  // Writes <stem>.gp and renders <stem>.png, with Plot::save's errors.
  void save(const std::string& stem) const;
};

// The tiles of samples[indices], one image each, pixels scaled as image_grid scales them.
std::vector<Image> image_tiles(const Tensor<Real>& samples, const std::vector<std::size_t>& indices, Scaling scaling = Scaling::unit);

}  // namespace lecon
