#pragma once
// A reader for the one kind of PNG the photographs in data/backgrounds/ are: 8-bit greyscale, not
// interlaced ([PNG: ISO/IEC 15948, W3C PNG specification, 2nd ed.], §11.2.2 IHDR, §9 filtering). labkit's
// png.hpp only writes; this is its reading twin, kept next to the generator that needs it.
//
// Every chunk's CRC is checked, the pixels inflated through zlib and unfiltered row by row. Anything else
// (colour, 16-bit, palette, interlaced, a truncated or damaged file) is a FileError naming the file.
#include <cstdint>
#include <string>
#include <vector>

namespace lecon::variants {

struct GreyImage {
  std::size_t width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // (height x width) row-major, 0 black .. 255 white

  std::uint8_t at(std::size_t y, std::size_t x) const { return pixels[y * width + x]; }
};

GreyImage read_grey_png(const std::string& path);

}  // namespace lecon::variants
