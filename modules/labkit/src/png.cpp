// PNG (ISO/IEC 15948): signature, IHDR, one IDAT of zlib-deflated scanlines (filter 0), IEND.
#include "lecon/labkit/png.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>

#include "lecon/labkit/table.hpp"

namespace lecon {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

void put_chunk(std::string& out, const char type[4], const std::string& body) {
  put_u32(out, static_cast<std::uint32_t>(body.size()));
  const std::string typed = std::string(type, 4) + body;
  out += typed;
  put_u32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()))));
}

}  // namespace

void write_png(const std::string& path, const Image& image) {
  if (image.channels != 1 && image.channels != 3) throw FileError(path, "PNG writer: channels must be 1 or 3");
  if (image.width == 0 || image.height == 0) throw FileError(path, "PNG writer: empty image");
  if (image.pixels.size() != image.width * image.height * image.channels)
    throw FileError(path, "PNG writer: pixel buffer does not match width x height x channels");
  const std::size_t stride = image.width * image.channels;
  std::string raw;
  raw.reserve((stride + 1) * image.height);
  for (std::size_t y = 0; y < image.height; ++y) {
    raw += '\0';  // filter type 0 (none)
    raw.append(reinterpret_cast<const char*>(image.pixels.data() + y * stride), stride);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 9) != Z_OK)
    throw FileError(path, "PNG writer: deflate failed");
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  put_u32(header, static_cast<std::uint32_t>(image.width));
  put_u32(header, static_cast<std::uint32_t>(image.height));
  header += static_cast<char>(8);                              // bit depth
  header += static_cast<char>(image.channels == 1 ? 0 : 2);    // colour type: grey or RGB
  header += std::string(3, '\0');                              // deflate, adaptive filtering, no interlace
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  write_file_atomically(path, png);
}

Image image_grid(const Tensor<Real>& samples, const std::vector<std::size_t>& indices, std::size_t columns,
                 Scaling scaling, std::size_t border, std::size_t zoom) {
  std::size_t channels, h, w;
  const Shape& s = samples.shape();
  if (s.rank() == 4) {
    channels = s[1], h = s[2], w = s[3];
    if (channels != 1 && channels != 3) throw Error("image_grid: need 1 or 3 channels, got shape " + s.str());
  } else if (s.rank() == 2) {
    channels = 1;
    h = w = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(s[1]))));
    if (h * w != s[1]) throw Error("image_grid: " + std::to_string(s[1]) + " features are not a square image");
  } else {
    throw Error("image_grid: need shape (n, c, h, w) or (n, d), got " + s.str());
  }
  if (indices.empty() || columns == 0 || zoom == 0) throw Error("image_grid: nothing to draw");
  for (std::size_t i : indices)
    if (i >= samples.batch()) throw Error("image_grid: sample " + std::to_string(i) + " out of range");

  const std::size_t rows = (indices.size() + columns - 1) / columns;
  const std::size_t tile_h = h * zoom, tile_w = w * zoom;
  Image image;
  image.channels = channels;
  image.width = columns * tile_w + (columns + 1) * border;
  image.height = rows * tile_h + (rows + 1) * border;
  image.pixels.assign(image.width * image.height * channels, 96);  // grey border

  const std::size_t plane = h * w;
  for (std::size_t t = 0; t < indices.size(); ++t) {
    const Real* sample = samples.data() + indices[t] * samples.sample_size();
    Real lo = 0, hi = 1;
    if (scaling == Scaling::per_tile) {
      lo = *std::min_element(sample, sample + samples.sample_size());
      hi = *std::max_element(sample, sample + samples.sample_size());
      if (hi <= lo) hi = lo + 1;
    }
    const std::size_t top = border + (t / columns) * (tile_h + border);
    const std::size_t left = border + (t % columns) * (tile_w + border);
    for (std::size_t y = 0; y < tile_h; ++y)
      for (std::size_t x = 0; x < tile_w; ++x)
        for (std::size_t k = 0; k < channels; ++k) {
          const Real v = (sample[k * plane + (y / zoom) * w + (x / zoom)] - lo) / (hi - lo);
          const Real clamped = std::isfinite(v) ? std::clamp(v, Real(0), Real(1)) : Real(0);
          image.pixels[((top + y) * image.width + left + x) * channels + k] =
              static_cast<std::uint8_t>(std::lround(clamped * 255));
        }
  }
  return image;
}

}  // namespace lecon
