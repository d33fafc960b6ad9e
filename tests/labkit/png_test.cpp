#include <zlib.h>

#include <boost/test/unit_test.hpp>

#include "file_size_limit.hpp"
#include "lecon/labkit/png.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

std::uint32_t be32(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }

struct DecodedPng {
  std::uint32_t width = 0, height = 0;
  int colour_type = -1;
  std::vector<std::uint8_t> scanlines;  // inflated IDAT: a filter byte, then the row
};

// A minimal reader for what write_png produces: checks the signature and every chunk's CRC.
DecodedPng decode(const std::vector<std::uint8_t>& file) {
  DecodedPng png;
  const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  BOOST_REQUIRE(file.size() > 8 && std::equal(signature, signature + 8, file.begin()));
  std::vector<std::uint8_t> idat;
  for (std::size_t at = 8; at + 12 <= file.size();) {
    const std::uint32_t length = be32(&file[at]);
    const std::string type(file.begin() + at + 4, file.begin() + at + 8);
    const std::uint8_t* body = &file[at + 8];
    const uLong crc = crc32(0, &file[at + 4], length + 4);
    BOOST_REQUIRE_MESSAGE(crc == be32(body + length), "bad CRC in chunk " << type);
    if (type == "IHDR") {
      png.width = be32(body);
      png.height = be32(body + 4);
      png.colour_type = body[9];
    } else if (type == "IDAT") {
      idat.insert(idat.end(), body, body + length);
    }
    at += 12 + length;
  }
  const int bytes_per_pixel = png.colour_type == 2 ? 3 : 1;
  uLongf size = png.height * (png.width * bytes_per_pixel + 1);
  png.scanlines.resize(size);
  BOOST_REQUIRE(uncompress(png.scanlines.data(), &size, idat.data(), idat.size()) == Z_OK);
  BOOST_REQUIRE(size == png.scanlines.size());
  return png;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(png)

BOOST_AUTO_TEST_CASE(grey_image_round_trips) {
  test::ScratchDir dir("png");
  Image image;
  image.width = 5;
  image.height = 3;
  for (int i = 0; i < 15; ++i) image.pixels.push_back(static_cast<std::uint8_t>(i * 17));
  write_png(dir.file("g.png"), image);
  const DecodedPng png = decode(test::read_all(dir.file("g.png")));
  BOOST_TEST(png.width == 5u);
  BOOST_TEST(png.height == 3u);
  BOOST_TEST(png.colour_type == 0);
  BOOST_TEST(png.scanlines[0] == 0);                 // filter byte of row 0
  BOOST_TEST(png.scanlines[6 + 1 + 2] == 7 * 17);    // row 1 (after 6 bytes of row 0), filter byte, column 2
}

BOOST_AUTO_TEST_CASE(grid_places_each_sample_in_its_tile) {
  Tensor<Real> x(Shape{3, 1, 2, 2});
  x.at(0, 0, 0, 0) = 1.0f;  // sample 0: white top-left
  x.at(2, 0, 1, 1) = 0.5f;  // sample 2: grey bottom-right
  const Image grid = image_grid(x, {0, 1, 2}, 2, Scaling::unit, 1, 1);
  BOOST_TEST(grid.width == 2 * 2 + 3u);
  BOOST_TEST(grid.height == 2 * 2 + 3u);
  BOOST_TEST(grid.pixels[1 * grid.width + 1] == 255);  // tile 0 at (1, 1)
  BOOST_TEST(grid.pixels[0] == 96);                    // border
  BOOST_TEST(grid.pixels[(4 + 1) * grid.width + 1 + 1] == 128);  // tile 2 (row 1, col 0), pixel (1, 1)
  // Per-tile scaling stretches a weight vector to the full range; a 9-feature sample is a 3x3 tile.
  Tensor<Real> w(Shape{1, 9});
  for (int i = 0; i < 9; ++i) w.at(0, i) = Real(i) - 4;
  const Image tiles = image_grid(w, {0}, 1, Scaling::per_tile, 0, 2);
  BOOST_TEST(tiles.width == 6u);
  BOOST_TEST(tiles.pixels.front() == 0);
  BOOST_TEST(tiles.pixels.back() == 255);
  test::check_error<Error>([&] { image_grid(Tensor<Real>(Shape{1, 8}), {0}, 1); }, {"not a square image"});
  test::check_error<Error>([&] { image_grid(x, {3}, 1); }, {"sample 3 out of range"});
}

BOOST_AUTO_TEST_CASE(rgb_grid_writes_a_colour_png) {
  test::ScratchDir dir("png");
  Tensor<Real> x(Shape{2, 3, 4, 4});
  x.channel(1, 0).fill(1.0f);  // sample 1 is red
  write_png(dir.file("rgb.png"), image_grid(x, {0, 1}, 2, Scaling::unit, 1, 1));
  const DecodedPng png = decode(test::read_all(dir.file("rgb.png")));
  BOOST_TEST(png.colour_type == 2);
  const std::size_t row = 1, col = 6;  // inside tile 1
  const std::size_t at = row * (png.width * 3 + 1) + 1 + col * 3;
  BOOST_TEST(png.scanlines[at] == 255);
  BOOST_TEST(png.scanlines[at + 1] == 0);
  Image bad;
  bad.width = 2;
  bad.height = 2;
  bad.pixels = {1, 2, 3};
  test::check_error<FileError>([&] { write_png(dir.file("bad.png"), bad); }, {"bad.png", "does not match"});
}

BOOST_AUTO_TEST_CASE(a_full_disk_is_reported_and_keeps_the_old_image) {
  test::ScratchDir dir("png");
  Image image;
  image.width = image.height = 64;
  std::uint32_t state = 2463534242u;  // xorshift32: noise that deflate cannot shrink
  for (std::size_t i = 0; i < 64 * 64; ++i) {
    state ^= state << 13, state ^= state >> 17, state ^= state << 5;
    image.pixels.push_back(static_cast<std::uint8_t>(state));
  }
  write_png(dir.file("w.png"), image);
  const auto old_png = test::read_all(dir.file("w.png"));
  BOOST_REQUIRE(old_png.size() > 1000u);
  for (std::uint8_t& p : image.pixels) p = static_cast<std::uint8_t>(255 - p);  // a new image, as large
  std::string error;
  {
    test::FileSizeLimit full(512);
    error = test::error_of([&] { write_png(dir.file("w.png"), image); });
  }
  BOOST_TEST(error == dir.file("w.png") + ": cannot save (write failed): File too large; the previous file, if any, is unchanged");
  BOOST_TEST(test::read_all(dir.file("w.png")) == old_png);
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
