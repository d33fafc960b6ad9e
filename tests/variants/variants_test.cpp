// The MNIST variants of Larochelle et al. 2007 (data/variants/): the PNG reader, the photographs, each
// recipe's invariants, and small splits made through make_variant. Nothing here needs the generated
// data/mnist-variants/*.h5 files: the digits are synthetic and the sets small.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "lecon/core.hpp"
#include "lecon/labkit/png.hpp"
#include "lecon/variants/convex_sets.hpp"
#include "lecon/variants/digit_variants.hpp"
#include "lecon/variants/mnist_variants.hpp"
#include "lecon/variants/rectangles.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;
using namespace lecon::variants;

namespace {

const double kPi = std::acos(-1.0);

// The committed photographs (data/backgrounds/), found through the data directory the tests are given.
std::string backgrounds_dir() {
  const char* dir = std::getenv("LECON_DATA_DIR");
  return std::string(dir ? dir : "data") + "/backgrounds";
}

// A Gaussian blob of standard deviations (sx, sy) centred at (cx, cy) in pixel-centre coordinates.
Pixels blob(double cx, double cy, double sx, double sy) {
  Pixels image(kPixels);
  for (std::size_t y = 0; y < kSide; ++y)
    for (std::size_t x = 0; x < kSide; ++x)
      image[pixel_index(y, x)] = static_cast<Real>(std::exp(-0.5 * (std::pow((x - cx) / sx, 2) + std::pow((y - cy) / sy, 2))));
  return image;
}

struct Moments {
  double cx = 0, cy = 0, axis = 0;  // mass centre and the angle of the principal axis, counter-clockwise on screen
};
Moments moments(const Pixels& image) {
  double mass = 0, sx = 0, sy = 0;
  for (std::size_t y = 0; y < kSide; ++y)
    for (std::size_t x = 0; x < kSide; ++x) {
      const double m = image[pixel_index(y, x)];
      mass += m, sx += m * x, sy += m * y;
    }
  Moments result;
  result.cx = sx / mass, result.cy = sy / mass;
  double xx = 0, yy = 0, xy = 0;
  for (std::size_t y = 0; y < kSide; ++y)
    for (std::size_t x = 0; x < kSide; ++x) {
      const double m = image[pixel_index(y, x)], u = x - result.cx, v = -(y - result.cy);  // v up
      xx += m * u * u, yy += m * v * v, xy += m * u * v;
    }
  result.axis = 0.5 * std::atan2(2 * xy, xx - yy);
  return result;
}

// The difference of two axis angles, modulo π (an axis has no direction).
double axis_difference(double a, double b) {
  double d = std::fmod(a - b, kPi);
  if (d < 0) d += kPi;
  return std::min(d, kPi - d);
}

// 300 synthetic "digits": class k is a blob whose place and shape depend on k, with some jitter.
Dataset synthetic_digits(std::size_t n = 300) {
  Dataset d;
  d.name = "synthetic";
  d.x = Tensor<Real>(Shape{n, 1, kSide, kSide});
  d.y = arma::uvec(n);
  for (std::size_t i = 0; i < n; ++i) d.class_names.push_back(std::to_string(i % 10)), d.y[i] = i % 10;
  d.class_names.resize(10);
  for (std::size_t i = 0; i < n; ++i) {
    Pixels image = blob(8 + (i % 10) * 1.2 + (i % 7) * 0.1, 10 + (i % 3), 2 + (i % 4) * 0.5, 3);
    image.elem(arma::find(image < Real(0.05))).zeros();  // a black background, as in MNIST
    d.x.matrix().col(i) = image;
  }
  return d;
}

// Independent of is_convex: a pixel centre p lies in the convex hull of the set S iff the directions from p
// to the members of S do not all fit in an open half-plane, i.e. no angular gap between consecutive
// directions exceeds π (a member at p itself puts p in the hull).
bool in_hull_by_angles(const Region& region, long px, long py) {
  std::vector<double> angles;
  for (long y = 0; y < long(kSide); ++y)
    for (long x = 0; x < long(kSide); ++x)
      if (region[pixel_index(y, x)]) {
        if (x == px && y == py) return true;
        angles.push_back(std::atan2(double(y - py), double(x - px)));
      }
  if (angles.size() < 2) return false;
  std::sort(angles.begin(), angles.end());
  double largest_gap = angles.front() + 2 * kPi - angles.back();
  for (std::size_t i = 1; i < angles.size(); ++i) largest_gap = std::max(largest_gap, angles[i] - angles[i - 1]);
  return largest_gap <= kPi + 1e-9;  // a gap of exactly π: p lies on a segment between two members
}
bool convex_by_angles(const Region& region) {
  for (long y = 0; y < long(kSide); ++y)
    for (long x = 0; x < long(kSide); ++x)
      if (!region[pixel_index(y, x)] && in_hull_by_angles(region, x, y)) return false;
  return true;
}
Region region_of(const Pixels& image) {
  Region region(kPixels);
  for (std::size_t i = 0; i < kPixels; ++i) region[i] = image[i] > Real(0.5);
  return region;
}

SplitSizes small_sizes() { return SplitSizes{60, 20, 100}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(grey_png)

BOOST_AUTO_TEST_CASE(reads_what_labkit_writes_and_the_committed_photographs) {
  test::ScratchDir dir("png");
  Image written;
  written.width = 37, written.height = 29;
  for (std::size_t i = 0; i < written.width * written.height; ++i) written.pixels.push_back(static_cast<std::uint8_t>((i * 7919) % 256));
  write_png(dir.file("a.png"), written);
  const GreyImage read = read_grey_png(dir.file("a.png"));
  BOOST_TEST(read.width == 37u);
  BOOST_TEST(read.height == 29u);
  BOOST_TEST(read.pixels == written.pixels);
  // The nine photographs of data/backgrounds/ (8-bit grey, with iCCP chunks in some) all read.
  const Photographs photographs = load_photographs(backgrounds_dir());
  BOOST_TEST(photographs.size() == 9u);
  BOOST_TEST(photographs.names.front() == "astronaut.png");
  BOOST_TEST(photographs.images.front().width == 512u);
}

BOOST_AUTO_TEST_CASE(damaged_or_other_pngs_are_one_line_errors) {
  test::ScratchDir dir("png");
  Image grey;
  grey.width = grey.height = 30;
  grey.pixels.assign(900, 100);
  write_png(dir.file("ok.png"), grey);
  std::vector<std::uint8_t> bytes = test::read_all(dir.file("ok.png"));
  std::vector<std::uint8_t> flipped = bytes;
  flipped[bytes.size() - 20] ^= 0x40;  // inside the IDAT data (IEND and the IDAT CRC are the last 16 bytes)
  test::write_bytes(dir.file("flipped.png"), flipped);
  test::check_error<FileError>([&] { read_grey_png(dir.file("flipped.png")); }, {"flipped.png", "CRC mismatch in the IDAT chunk"});
  test::write_bytes(dir.file("short.png"), std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 40));
  test::check_error<FileError>([&] { read_grey_png(dir.file("short.png")); }, {"short.png", "truncated"});
  test::write_text(dir.file("text.png"), "not a png at all");
  test::check_error<FileError>([&] { read_grey_png(dir.file("text.png")); }, {"text.png", "not a PNG file"});
  test::check_error<FileError>([&] { read_grey_png(dir.file("missing.png")); }, {"missing.png", "file not found"});
  Image rgb = grey;
  rgb.channels = 3;
  rgb.pixels.assign(2700, 7);
  write_png(dir.file("rgb.png"), rgb);
  test::check_error<FileError>([&] { read_grey_png(dir.file("rgb.png")); }, {"rgb.png", "colour type 2", "expected an 8-bit greyscale"});
}

BOOST_AUTO_TEST_CASE(a_missing_or_empty_photograph_folder_is_one_line_error) {
  test::ScratchDir dir("photos");
  test::check_error<FileError>([&] { load_photographs(dir.file("nowhere")); }, {"nowhere", "not found", "background photographs"});
  test::check_error<FileError>([&] { load_photographs(dir.path().string()); }, {dir.path().string(), "holds no .png"});
  test::write_text(dir.file("broken.png"), "\x89PNG\r\n\x1a\n garbage");
  test::check_error<FileError>([&] { load_photographs(dir.path().string()); }, {"broken.png", "truncated"});
}

BOOST_AUTO_TEST_CASE(patches_have_texture_and_a_flat_photograph_is_refused) {
  const Photographs photographs = load_photographs(backgrounds_dir());
  Rng rng(5);
  for (int i = 0; i < 200; ++i) BOOST_TEST(pixel_deviation(random_patch(photographs, rng)) >= kMinPatchDeviation);
  test::ScratchDir dir("flat");
  Image flat;
  flat.width = flat.height = 40;
  flat.pixels.assign(1600, 90);
  write_png(dir.file("flat.png"), flat);
  const Photographs one = load_photographs(dir.path().string());
  test::check_error<Error>([&] { random_patch(one, rng); }, {"flat.png", "too uniform"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rotation)

BOOST_AUTO_TEST_CASE(mass_centre_and_principal_axis_turn_by_the_angle) {
  // An elongated blob right of the centre (13.5, 13.5), its long axis horizontal.
  const Pixels image = blob(19.5, 13.5, 3.0, 1.2);
  const Moments before = moments(image);
  BOOST_TEST(std::abs(before.axis) < 1e-6);
  for (double angle : {0.0, 0.3, kPi / 2, 2.0, kPi, 4.4, 2 * kPi - 0.1}) {
    const Moments after = moments(rotate_image(image, angle));
    // The centre turns counter-clockwise on screen (y points down) about the image centre.
    const double u = before.cx - 13.5, v = -(before.cy - 13.5);
    const double ex = 13.5 + u * std::cos(angle) - v * std::sin(angle), ey = 13.5 - (u * std::sin(angle) + v * std::cos(angle));
    BOOST_TEST(std::abs(after.cx - ex) < 0.05, "angle " << angle << ": centre x " << after.cx << ", expected " << ex);
    BOOST_TEST(std::abs(after.cy - ey) < 0.05, "angle " << angle << ": centre y " << after.cy << ", expected " << ey);
    BOOST_TEST(axis_difference(after.axis, before.axis + angle) < 0.02, "angle " << angle << ": axis " << after.axis);
  }
}

BOOST_AUTO_TEST_CASE(zero_and_full_turns_keep_the_image_and_values_stay_in_range) {
  const Pixels image = synthetic_digits(10).x.matrix().col(3);
  BOOST_TEST(test::max_abs(rotate_image(image, 0.0) - image) < 1e-6);
  BOOST_TEST(test::max_abs(rotate_image(image, 2 * kPi) - image) < 1e-4);
  const Pixels turned = rotate_image(image, 1.234);
  BOOST_TEST(turned.min() >= 0.0f);
  BOOST_TEST(test::max_of(turned) <= 1.0f);
  // Mass is kept (up to interpolation) when the blob stays inside the image.
  BOOST_TEST(std::abs(arma::accu(turned) - arma::accu(image)) < 0.02 * arma::accu(image));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(backgrounds)

BOOST_AUTO_TEST_CASE(bg_rand_background_is_uniform_over_grey_levels_under_the_digit) {
  const Dataset digits = synthetic_digits();
  const DataSplit split = make_variant(find_variant("bg-rand"), small_sizes(), &digits, nullptr, 11);
  // Rows 22-27 lie below every synthetic digit: there each value is the background alone, uniform over the
  // grey levels 0..255 / 255 (mean 1/2, sd 0.2898).
  std::vector<double> values;
  std::size_t stroke_pixels = 0, stroke_kept = 0;
  for (std::size_t i = 0; i < split.train.size(); ++i)
    for (std::size_t y = 22; y < kSide; ++y)
      for (std::size_t x = 0; x < kSide; ++x) {
        BOOST_REQUIRE(digits.x.matrix()(pixel_index(y, x), i) == 0.0f);
        const double v = split.train.x.matrix()(pixel_index(y, x), i);
        BOOST_REQUIRE(std::abs(v * 255 - std::round(v * 255)) < 1e-3);  // a grey level
        values.push_back(v);
      }
  const arma::vec all(values);
  BOOST_TEST(std::abs(arma::mean(all) - 0.5) < 0.015);
  BOOST_TEST(std::abs(arma::stddev(all) - 0.2898) < 0.01);
  BOOST_TEST(all.min() == 0.0);
  BOOST_TEST(test::max_of(all) == 1.0);
  // max(digit, background) on a known digit: never darker than the digit, equal to it or the background.
  Pixels digit = blob(14, 14, 2, 3);
  digit.elem(arma::find(digit > Real(0.9))).ones();  // saturated strokes, as MNIST's 255s
  Rng rng(3);
  const Pixels noise = random_noise_background(rng);
  const Pixels combined = put_on_background(digit, noise);
  for (std::size_t j = 0; j < kPixels; ++j) {
    stroke_pixels += digit[j] == 1.0f;
    stroke_kept += digit[j] == 1.0f && combined[j] == 1.0f;
    BOOST_REQUIRE(combined[j] == std::max(digit[j], noise[j]));
  }
  BOOST_TEST(stroke_pixels > 0u);
  BOOST_TEST(stroke_kept == stroke_pixels);  // white strokes stay white
  // The noise alone: 20,000 draws, mean and sd of the discrete uniform on {0, ..., 255} / 255.
  arma::vec draws;
  for (int i = 0; i < 25; ++i) draws = arma::join_cols(draws, arma::conv_to<arma::vec>::from(random_noise_background(rng)));
  BOOST_TEST(std::abs(arma::mean(draws) - 0.5) < 0.01);
  BOOST_TEST(std::abs(arma::stddev(draws) - std::sqrt((256.0 * 256.0 - 1) / 12) / 255) < 0.01);
}

BOOST_AUTO_TEST_CASE(bg_img_backgrounds_are_textured_patches_of_the_photographs) {
  const Dataset digits = synthetic_digits();
  const Photographs photographs = load_photographs(backgrounds_dir());
  for (const char* name : {"bg-img", "rot-bg-img"}) {
    const DataSplit split = make_variant(find_variant(name), small_sizes(), &digits, &photographs, 12);
    std::size_t textured = 0;
    for (std::size_t i = 0; i < split.train.size(); ++i) {
      const Pixels x = split.train.x.matrix().col(i);
      // The corners are far from every synthetic digit: there the image is the photograph patch, whose
      // deviation over the whole patch is at least kMinPatchDeviation; a 6 x 6 corner of it varies too.
      arma::vec corner(36);
      for (std::size_t y = 0; y < 6; ++y)
        for (std::size_t c = 0; c < 6; ++c) corner[y * 6 + c] = x[pixel_index(22 + y, 22 + c)];
      textured += arma::stddev(corner) > 0.002;
    }
    BOOST_TEST(textured > split.train.size() * 8 / 10, name << ": " << textured << " of " << split.train.size() << " corners vary");
    BOOST_TEST(split.source.find("9 photographs") != std::string::npos);
    BOOST_TEST(split.source.find("the paper used 20") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rectangles)

BOOST_AUTO_TEST_CASE(rect_labels_match_the_drawn_outline) {
  const DataSplit split = make_variant(find_variant("rect"), small_sizes(), nullptr, nullptr, 21);
  BOOST_TEST((split.train.class_names == std::vector<std::string>{"wide", "tall"}));
  for (const Dataset* part : {&split.train, &split.valid, &split.test}) {
    for (std::size_t i = 0; i < part->size(); ++i) {
      const arma::Col<Real> x = part->x.matrix().col(i);
      // Read the rectangle back from the pixels: the bounding box of the white ones.
      std::size_t top = kSide, bottom = 0, left = kSide, right = 0, white = 0;
      for (std::size_t y = 0; y < kSide; ++y)
        for (std::size_t c = 0; c < kSide; ++c)
          if (x[pixel_index(y, c)] > 0.5f) top = std::min(top, y), bottom = std::max(bottom, y), left = std::min(left, c), right = std::max(right, c), ++white;
      const std::size_t height = bottom - top + 1, width = right - left + 1;
      BOOST_REQUIRE(part->y[i] == (height > width ? 1u : 0u));
      BOOST_REQUIRE((height >= width + 3 || width >= height + 3));
      // A one-pixel outline: 2h + 2w - 4 pixels (a line when one side is 1).
      const std::size_t outline = (height == 1 || width == 1) ? height * width : 2 * height + 2 * width - 4;
      BOOST_REQUIRE(white == outline);
      BOOST_REQUIRE(arma::all((x == 0.0f) + (x == 1.0f)));
    }
  }
}

BOOST_AUTO_TEST_CASE(rect_img_rectangles_keep_the_papers_constraints) {
  Rng rng(22);
  for (int i = 0; i < 2000; ++i) {
    const bool tall = i % 2 == 0;
    const Rectangle r = random_image_rectangle(rng, tall);
    BOOST_REQUIRE(r.tall() == tall);
    BOOST_REQUIRE(r.height >= 10u);
    BOOST_REQUIRE(r.width >= 10u);
    BOOST_REQUIRE((r.height >= r.width + 5 || r.width >= r.height + 5));
    BOOST_REQUIRE(4 * r.area() >= kPixels);
    BOOST_REQUIRE(4 * r.area() <= 3 * kPixels);
    BOOST_REQUIRE(r.top + r.height <= kSide);
    BOOST_REQUIRE(r.left + r.width <= kSide);
  }
  // draw_filled: the inside patch on the rectangle, the background elsewhere.
  const Rectangle r{3, 5, 12, 20};
  const Pixels inside(kPixels, arma::fill::ones), background(kPixels, arma::fill::zeros);
  const Pixels image = draw_filled(r, inside, background);
  BOOST_TEST(arma::accu(image) == 240.0f);
  BOOST_TEST(image[pixel_index(3, 5)] == 1.0f);
  BOOST_TEST(image[pixel_index(14, 24)] == 1.0f);
  BOOST_TEST(image[pixel_index(15, 24)] == 0.0f);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(convex)

BOOST_AUTO_TEST_CASE(is_convex_on_hand_made_regions) {
  const auto region = [](std::initializer_list<std::pair<int, int>> pixels) {
    Region r(kPixels, 0);
    for (const auto& [y, x] : pixels) r[pixel_index(y, x)] = 1;
    return r;
  };
  BOOST_TEST(is_convex(region({{2, 2}, {2, 3}, {3, 2}, {3, 3}})));           // a square
  BOOST_TEST(is_convex(region({{0, 0}, {1, 1}, {2, 2}})));                   // a diagonal line
  BOOST_TEST(!is_convex(region({{0, 0}, {0, 2}})));                          // a gap between two pixels
  BOOST_TEST(!is_convex(region({{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}})));  // an L
  BOOST_TEST(is_convex(Region(kPixels, 0)));
  BOOST_TEST(is_convex(Region(kPixels, 1)));
  for (const Region& r : {region({{0, 0}, {0, 2}}), region({{0, 0}, {1, 1}, {2, 2}}), region({{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}})})
    BOOST_TEST(is_convex(r) == convex_by_angles(r));
}

BOOST_AUTO_TEST_CASE(convex_labels_are_right_by_an_independent_test) {
  const DataSplit split = make_variant(find_variant("convex"), SplitSizes{60, 20, 60}, nullptr, nullptr, 31);
  BOOST_TEST((split.train.class_names == std::vector<std::string>{"non-convex", "convex"}));
  std::size_t convex_white = 0, other_white = 0;
  for (const Dataset* part : {&split.train, &split.valid, &split.test}) {
    for (std::size_t i = 0; i < part->size(); ++i) {
      const Pixels x = part->x.matrix().col(i);
      const Region region = region_of(x);
      BOOST_REQUIRE(arma::all((x == 0.0f) + (x == 1.0f)));
      const bool convex = part->y[i] == 1;
      BOOST_REQUIRE_MESSAGE(convex_by_angles(region) == convex, part->name << " image " << i << " labelled " << part->y[i]);
      if (convex) BOOST_REQUIRE(region_pixels(region) >= kConvexMinPixels);
      (convex ? convex_white : other_white) += region_pixels(region);
    }
  }
  // The data set's page: the two classes have the same mean number of white pixels (here within 25%).
  const double ratio = double(convex_white) / double(other_white);
  BOOST_TEST(std::abs(ratio - 1.0) < 0.25, "white pixels convex / non-convex = " << ratio);
}

BOOST_AUTO_TEST_CASE(half_plane_counts_follow_the_geometric_law) {
  Rng rng(32);
  double sum = 0;
  std::size_t zeros = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const std::size_t k = random_half_plane_count(rng, kConvexHalfPlanesP);
    sum += k, zeros += k == 0;
  }
  // Failures before the first success: mean (1 - p) / p = 4.13, P(0) = p = 0.195.
  BOOST_TEST(std::abs(sum / n - (1 - kConvexHalfPlanesP) / kConvexHalfPlanesP) < 0.15);
  BOOST_TEST(std::abs(double(zeros) / n - kConvexHalfPlanesP) < 0.01);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(variant_splits)

BOOST_AUTO_TEST_CASE(every_variant_has_its_sizes_classes_and_range) {
  const Dataset digits = synthetic_digits();
  const Photographs photographs = load_photographs(backgrounds_dir());
  BOOST_TEST(mnist_variants().size() == 8u);
  for (const Variant& variant : mnist_variants()) {
    const DataSplit split = make_variant(variant, small_sizes(), &digits, &photographs, 41);
    BOOST_TEST(split.train.size() == 60u);
    BOOST_TEST(split.valid.size() == 20u);
    BOOST_TEST(split.test.size() == 100u);
    BOOST_TEST(split.has_valid());
    BOOST_TEST(split.source.rfind("regenerated with Larochelle et al. 2007's recipe (" + variant.paper_name, 0) == 0u);
    BOOST_TEST(split.source.find("seed 41") != std::string::npos);
    for (const Dataset* part : {&split.train, &split.valid, &split.test}) {
      part->validate();
      BOOST_TEST(part->x.shape().sample_str() == "(1, 28, 28)");
      BOOST_TEST(part->x.matrix().min() >= 0.0f);
      BOOST_TEST(test::max_of(part->x.matrix()) <= 1.0f);
      const arma::uvec counts = part->class_counts();
      if (variant.needs_digits()) {
        BOOST_TEST(part->classes() == 10u);
      } else {  // exactly half of each class
        BOOST_TEST(part->classes() == 2u);
        BOOST_TEST(counts[0] == part->size() / 2);
        BOOST_TEST(counts[1] == part->size() - part->size() / 2);
      }
    }
  }
  // The published sizes.
  BOOST_TEST(find_variant("basic").published.total() == 62000u);
  BOOST_TEST(find_variant("rect").published.train == 1000u);
  BOOST_TEST(find_variant("rect").published.valid == 200u);
  BOOST_TEST(find_variant("convex").published.train == 6000u);
  BOOST_TEST(find_variant("rect-img").published.test == 50000u);
  test::check_error<OptionError>([] { find_variant("mnist-rot"); }, {"mnist-rot", "basic, rot, bg-rand"});
}

BOOST_AUTO_TEST_CASE(digits_are_drawn_without_replacement_with_their_labels) {
  Dataset digits = synthetic_digits(200);
  for (std::size_t i = 0; i < digits.size(); ++i) digits.x.matrix()(0, i) = Real(i) / Real(1000);  // tag each digit in pixel 0
  const DataSplit split = make_variant(find_variant("basic"), SplitSizes{100, 20, 80}, &digits, nullptr, 42);
  std::vector<int> used(200, 0);
  for (const Dataset* part : {&split.train, &split.valid, &split.test})
    for (std::size_t i = 0; i < part->size(); ++i) {
      const std::size_t source = static_cast<std::size_t>(std::lround(part->x.matrix()(0, i) * 1000));
      BOOST_REQUIRE(source < 200u);
      ++used[source];
      BOOST_REQUIRE(part->y[i] == digits.y[source]);
      BOOST_REQUIRE(arma::approx_equal(part->x.matrix().col(i), digits.x.matrix().col(source), "absdiff", 0.0f));  // basic: as it is
    }
  BOOST_TEST(std::count(used.begin(), used.end(), 1) == 200);  // all 200, each once
  // Every class present in the training part: 100 drawn at random from a pool of 20 per class miss a class with
  // probability about 10 · 2^-20. (The 20-image validation part may well miss one; nothing asks otherwise.)
  BOOST_TEST(split.train.class_counts().min() > 0u);
}

BOOST_AUTO_TEST_CASE(the_seed_decides_every_pixel) {
  const Dataset digits = synthetic_digits();
  const Photographs photographs = load_photographs(backgrounds_dir());
  for (const char* name : {"rot-bg-img", "rect-img", "convex", "bg-rand"}) {
    const Variant& variant = find_variant(name);
    const DataSplit a = make_variant(variant, SplitSizes{30, 10, 30}, &digits, &photographs, 7);
    const DataSplit b = make_variant(variant, SplitSizes{30, 10, 30}, &digits, &photographs, 7);
    const DataSplit c = make_variant(variant, SplitSizes{30, 10, 30}, &digits, &photographs, 8);
    BOOST_TEST(arma::approx_equal(a.test.x.matrix(), b.test.x.matrix(), "absdiff", 0.0f), name);
    BOOST_TEST(arma::all(a.test.y == b.test.y), name);
    BOOST_TEST(!arma::approx_equal(a.test.x.matrix(), c.test.x.matrix(), "absdiff", 0.0f), name);
  }
}

BOOST_AUTO_TEST_CASE(a_variant_round_trips_through_the_data_layout) {
  test::ScratchDir dir("variants");
  const Dataset digits = synthetic_digits();
  const DataSplit split = make_variant(find_variant("rot"), small_sizes(), &digits, nullptr, 43);
  std::filesystem::create_directories(dir.path() / "mnist-variants");
  save_data(data_file(dir.file("mnist-variants"), "rot"), split, true);
  // load_data reads it like any data set, valid part included; pixels are 8-bit, so within 1/510.
  const DataSplit back = load_data(dir.path().string(), "mnist-variants/rot");
  BOOST_TEST(back.valid.size() == 20u);
  BOOST_TEST(back.valid.name == "mnist-variants/rot/valid");
  BOOST_TEST(test::max_abs(back.valid.x.matrix() - split.valid.x.matrix()) <= 0.5f / 255 + 1e-6f);
  BOOST_TEST(arma::all(back.test.y == split.test.y));
  BOOST_TEST(back.source == split.source);
}

BOOST_AUTO_TEST_CASE(missing_inputs_are_one_line_errors) {
  const Dataset digits = synthetic_digits(100);
  test::check_error<Error>([&] { make_variant(find_variant("bg-img"), small_sizes(), &digits, nullptr, 1); }, {"bg-img", "photographs"});
  test::check_error<Error>([&] { make_variant(find_variant("rot"), small_sizes(), nullptr, nullptr, 1); }, {"rot", "MNIST digits"});
  test::check_error<Error>([&] { make_variant(find_variant("basic"), small_sizes(), &digits, nullptr, 1); },
                           {"needs 180 digits", "holds 100"});
}

BOOST_AUTO_TEST_SUITE_END()
