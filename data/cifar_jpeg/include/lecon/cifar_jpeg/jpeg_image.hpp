#pragma once
// Decoding one baseline JPEG into 8-bit RGB with libjpeg-turbo, at the library's default settings
// (islow integer IDCT, fancy upsampling of the subsampled chroma), the settings the CIFAR-10 mirror's
// README measured its pixel error with. libjpeg's own error handler calls exit(); ours records the
// library's message and returns it as an error, and treats a warning (corrupt or truncated data, which
// libjpeg would otherwise decode into grey blocks) as an error too.
#include <cstdint>
#include <string>
#include <vector>

namespace lecon {

struct RgbImage {
  std::size_t height = 0, width = 0;
  std::vector<std::uint8_t> pixels;  // height x width x 3, row by row, R G B interleaved (libjpeg's order)
};

// Decodes `bytes`. Throws Error("<libjpeg's message>") for data libjpeg refuses or warns about, and
// Error("expected 3 colour components (RGB), got 1") for a grayscale JPEG. The caller names the file.
RgbImage decode_jpeg(const std::vector<std::uint8_t>& bytes);

// Encodes an RGB (components = 3) or grayscale (1) image at `quality` with libjpeg's defaults (4:2:0
// chroma subsampling for RGB): what the tests make their JPEG members with.
std::vector<std::uint8_t> encode_jpeg(const std::vector<std::uint8_t>& pixels, std::size_t height, std::size_t width,
                                      int components, int quality);

}  // namespace lecon
