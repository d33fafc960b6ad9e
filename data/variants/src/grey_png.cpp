#include "lecon/variants/grey_png.hpp"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "lecon/core/error.hpp"

namespace lecon::variants {
namespace {

constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
constexpr std::size_t kMaxSide = 16384;  // far beyond any photograph here; keeps allocations bounded

std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
}

// [PNG spec §9.4] the Paeth predictor: whichever of left, up, upper-left is closest to left + up - upper-left.
std::uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
  return static_cast<std::uint8_t>(pb <= pc ? b : c);
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) throw FileError(path, "file not found");
  if (status.type() != std::filesystem::file_type::regular) throw FileError(path, "is not a regular file, expected a PNG image");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot open for reading");
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

GreyImage read_grey_png(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  if (bytes.size() < 8 || !std::equal(kSignature, kSignature + 8, bytes.begin()))
    throw FileError(path, "not a PNG file (no PNG signature)");

  GreyImage image;
  std::vector<std::uint8_t> compressed;
  bool header = false, end = false;
  for (std::size_t at = 8; !end;) {
    if (bytes.size() - at < 12) throw FileError(path, "truncated: chunk header at byte " + std::to_string(at) + " runs past the end");
    const std::uint32_t length = big_endian(&bytes[at]);
    if (length > bytes.size() - at - 12) throw FileError(path, "truncated: a chunk at byte " + std::to_string(at) + " claims more bytes than the file holds");
    const std::uint8_t* type = &bytes[at + 4];
    const std::uint8_t* data = &bytes[at + 8];
    const std::string name(reinterpret_cast<const char*>(type), 4);
    // [PNG spec §5.3] the CRC covers the chunk type and data.
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), type, length + 4);
    if (crc != big_endian(data + length)) throw FileError(path, "damaged: CRC mismatch in the " + name + " chunk at byte " + std::to_string(at));
    if (name == "IHDR") {
      if (length != 13) throw FileError(path, "IHDR chunk of " + std::to_string(length) + " bytes, expected 13");
      image.width = big_endian(data);
      image.height = big_endian(data + 4);
      if (image.width == 0 || image.height == 0 || image.width > kMaxSide || image.height > kMaxSide)
        throw FileError(path, "image of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                                  " pixels, expected 1 to " + std::to_string(kMaxSide) + " on each side");
      // [PNG spec §11.2.2] bit depth, colour type, compression, filter method, interlace method.
      if (data[8] != 8 || data[9] != 0 || data[10] != 0 || data[11] != 0 || data[12] != 0)
        throw FileError(path, "bit depth " + std::to_string(data[8]) + ", colour type " + std::to_string(data[9]) +
                                  (data[12] ? ", interlaced" : "") + "; expected an 8-bit greyscale, non-interlaced PNG (colour type 0)");
      header = true;
    } else if (name == "IDAT") {
      if (!header) throw FileError(path, "IDAT chunk before IHDR");
      compressed.insert(compressed.end(), data, data + length);
    } else if (name == "IEND") {
      end = true;
    } else if (!(type[0] & 0x20)) {  // [PNG spec §5.4] an unknown critical chunk (uppercase first letter)
      throw FileError(path, "unsupported critical chunk " + name);
    }
    at += 12 + length;
  }
  if (!header) throw FileError(path, "no IHDR chunk");

  // Each row is one filter-type byte followed by `width` pixel bytes.
  const std::size_t row = image.width + 1;
  std::vector<std::uint8_t> filtered(row * image.height);
  uLongf size = filtered.size();
  if (uncompress(filtered.data(), &size, compressed.data(), compressed.size()) != Z_OK || size != filtered.size())
    throw FileError(path, "damaged: the image data do not inflate to " + std::to_string(image.height) + " rows of " +
                              std::to_string(image.width) + " pixels");

  // [PNG spec §9.2] undo the filters; one byte per pixel, so "left" is the previous byte of the row.
  image.pixels.resize(image.width * image.height);
  for (std::size_t y = 0; y < image.height; ++y) {
    const std::uint8_t filter = filtered[y * row];
    const std::uint8_t* in = &filtered[y * row + 1];
    std::uint8_t* out = &image.pixels[y * image.width];
    const std::uint8_t* up = y > 0 ? out - image.width : nullptr;
    for (std::size_t x = 0; x < image.width; ++x) {
      const int a = x > 0 ? out[x - 1] : 0, b = up ? up[x] : 0, c = (up && x > 0) ? up[x - 1] : 0;
      switch (filter) {
        case 0: out[x] = in[x]; break;
        case 1: out[x] = static_cast<std::uint8_t>(in[x] + a); break;
        case 2: out[x] = static_cast<std::uint8_t>(in[x] + b); break;
        case 3: out[x] = static_cast<std::uint8_t>(in[x] + (a + b) / 2); break;
        case 4: out[x] = static_cast<std::uint8_t>(in[x] + paeth(a, b, c)); break;
        default: throw FileError(path, "damaged: unknown filter type " + std::to_string(filter) + " in row " + std::to_string(y));
      }
    }
  }
  return image;
}

}  // namespace lecon::variants
