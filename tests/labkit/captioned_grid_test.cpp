#include <boost/test/unit_test.hpp>

#include "lecon/labkit/captioned_grid.hpp"
#include "lecon/labkit/plot.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(captioned_grid)

namespace {

// Three 2 x 2 grey images: 0.0, 0.5 and 1.0 everywhere except a white top-left pixel.
Tensor<Real> three_images() {
  Tensor<Real> x(Shape{3, 1, 2, 2});
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t p = 0; p < 4; ++p) x.data()[i * 4 + p] = p == 0 ? Real(1) : Real(0.5 * i);
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_script_holds_the_pixels_and_a_caption_under_each_image) {
  CaptionedGrid grid;
  grid.title = "misclassified, true → predicted";
  grid.tiles = image_tiles(three_images(), {1, 0, 2});
  grid.captions = {"7 → 2", "Sneaker\n→ Sandal", "say \"hi\""};
  grid.columns = 2;
  grid.scale = 10;
  const std::string gp = grid.script("g.png");
  // Layout: tiles of 2 px, 2 px of gap on either side, a caption band of 2 lines (2 * 14 + 4 px at scale 10 = 4 px):
  // cells 6 wide and 2 + 2 + 4 = 8 high; 2 columns, 2 rows.
  BOOST_TEST(gp.find("set terminal pngcairo size 120,192 ") != std::string::npos, gp);
  // Row 0 of the picture: white margin, tile 2 (255 128), white gap, tile 0 (255 0), white margin.
  BOOST_TEST(gp.find("$grid << EOD\n255 255 255 255 255 255 255 255 255 255 255 255\n255 255 255 255 255 255 255 255 255 255 255 255\n"
                     "255 255 255 128 255 255 255 255 255 0 255 255\n255 255 128 128 255 255 255 255 0 0 255 255\n") != std::string::npos, gp);
  // Captions in order, centred under their tiles, a second line where the caption has one.
  BOOST_TEST(gp.find("set label 1 \"7 → 2\" at 2.5,") != std::string::npos, gp);
  BOOST_TEST(gp.find("set label 2 \"Sneaker\\n→ Sandal\" at 8.5,") != std::string::npos, gp);
  BOOST_TEST(gp.find("set label 3 \"say \\\"hi\\\"\" at 2.5,") != std::string::npos, gp);
  BOOST_TEST(gp.find("set label 4") == std::string::npos);
  BOOST_TEST(gp.find("plot $grid matrix with image\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(colour_images_are_packed_rgb) {
  Image red{1, 1, 3, {255, 0, 16}};
  CaptionedGrid grid;
  grid.tiles = {red};
  grid.captions = {"cat → dog"};
  const std::string gp = grid.script("g.png");
  BOOST_TEST(gp.find("\n16777215 16777215 16711696 16777215 16777215\n") != std::string::npos, gp);  // 0xFF0010 between white
  BOOST_TEST(gp.find("with rgbimage\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mismatches_are_errors_and_gnuplot_draws_it) {
  CaptionedGrid grid;
  test::check_error<Error>([&] { grid.script("g.png"); }, {"no tiles"});
  grid.tiles = image_tiles(three_images(), {0, 1});
  grid.captions = {"one"};
  test::check_error<Error>([&] { grid.script("g.png"); }, {"2 tiles but 1 captions"});
  grid.captions.push_back("two");
  grid.tiles.push_back(Image{3, 2, 1, std::vector<std::uint8_t>(6, 0)});
  grid.captions.push_back("three");
  test::check_error<Error>([&] { grid.script("g.png"); }, {"differ in size or channels"});
  grid.tiles.pop_back();
  grid.captions.pop_back();
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("grid");
  grid.save(dir.file("g"));
  const auto png = test::read_all(dir.file("g.png"));
  BOOST_TEST(png.size() > 100u);
  BOOST_TEST(test::read_all(dir.file("g.gp")).size() > 100u);
}

BOOST_AUTO_TEST_SUITE_END()
