#include "lecon/variants/photographs.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "lecon/core/error.hpp"

namespace lecon::variants {

Photographs load_photographs(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(dir, error);
  if (status.type() == fs::file_type::not_found)
    throw FileError(dir, "not found, expected the folder of background photographs (data/backgrounds/ in the repository)");
  if (status.type() != fs::file_type::directory) throw FileError(dir, "is not a folder, expected the folder of background photographs");
  Photographs photographs;
  photographs.dir = dir;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".png") photographs.names.push_back(entry.path().filename().string());
  std::sort(photographs.names.begin(), photographs.names.end());
  if (photographs.names.empty()) throw FileError(dir, "holds no .png photograph, expected the 8-bit greyscale backgrounds");
  for (const std::string& name : photographs.names) {
    const std::string path = (fs::path(dir) / name).string();
    GreyImage image = read_grey_png(path);
    if (image.width < kSide || image.height < kSide)
      throw FileError(path, std::to_string(image.width) + " x " + std::to_string(image.height) + " pixels, expected at least 28 x 28 for a patch");
    photographs.images.push_back(std::move(image));
  }
  return photographs;
}

double pixel_deviation(const Pixels& image) {
  const arma::vec values = arma::conv_to<arma::vec>::from(image);
  return std::sqrt(arma::mean(arma::square(values - arma::mean(values))));
}

Pixels random_patch(const Photographs& photographs, std::size_t photo, Rng& rng) {
  const GreyImage& image = photographs.images.at(photo);
  Pixels patch(kPixels);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    // [paper: Larochelle et al. 2007, §3.1] a patch "extracted randomly": its top-left corner uniform over the
    // positions where it fits.
    const std::size_t top = rng.uniform_int(image.height - kSide + 1);
    const std::size_t left = rng.uniform_int(image.width - kSide + 1);
    for (std::size_t y = 0; y < kSide; ++y)
      for (std::size_t x = 0; x < kSide; ++x) patch[pixel_index(y, x)] = static_cast<Real>(image.at(top + y, left + x)) / Real(255);
    // "Patches which had low pixel variance (i.e. contained little texture) were ignored."
    if (pixel_deviation(patch) >= kMinPatchDeviation) return patch;
  }
  throw Error(photographs.dir + "/" + photographs.names[photo] + ": no patch with pixel standard deviation of at least " +
              std::to_string(kMinPatchDeviation) + " in 1000 draws; the photograph is too uniform for a background");
}

Pixels random_patch(const Photographs& photographs, Rng& rng, std::size_t* chosen) {
  if (photographs.size() == 0) throw Error("random_patch: no photographs loaded");
  const std::size_t photo = rng.uniform_int(photographs.size());
  if (chosen) *chosen = photo;
  return random_patch(photographs, photo, rng);
}

}  // namespace lecon::variants
