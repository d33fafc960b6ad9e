#include <boost/test/unit_test.hpp>

#include "lecon/labkit/plot.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(plot)

Plot loss_plot() {
  Plot p;
  p.title = "loss per epoch";
  p.xlabel = "epoch";
  p.ylabel = "loss";
  p.log_y = true;
  p.add({"mini-batch", {1, 2, 3}, {1.0, 0.5, 0.25}, "linespoints"});
  p.add({"full batch", {1, 2, 3}, {1.0, 0.8, 0.7}, "lines"});
  return p;
}

BOOST_AUTO_TEST_CASE(script_carries_the_data_and_labels) {
  const std::string gp = loss_plot().script("out/it's.png");
  BOOST_TEST(gp.find("$series0 << EOD\n1 1\n2 0.5\n3 0.25\nEOD") != std::string::npos);
  BOOST_TEST(gp.find("set logscale y") != std::string::npos);
  BOOST_TEST(gp.find("set output 'out/it''s.png'") != std::string::npos);
  BOOST_TEST(gp.find("$series1 using 1:2 with lines lw 2 title 'full batch'") != std::string::npos);
  Plot bad;
  bad.add({"x", {1, 2}, {1}, "lines"});
  test::check_error<Error>([&] { bad.script("x.png"); }, {"different lengths"});
}

BOOST_AUTO_TEST_CASE(contours_are_drawn_under_the_series) {
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("plot");
  Plot p;
  p.title = "paths on a quadratic";
  p.contour = {"x**2 + 10*y**2", -2, 2, -1, 1, {0.1, 1, 4}};
  p.add({"path", {1.5, 0.5, 0.0}, {0.5, -0.2, 0.0}, "linespoints"});
  const std::string gp = p.script("c.png");
  BOOST_TEST(gp.find("f(x, y) = x**2 + 10*y**2") != std::string::npos);
  BOOST_TEST(gp.find("set cntrparam levels discrete 0.1,1,4") != std::string::npos);
  BOOST_TEST(gp.find("$contours using 1:2 with lines") != std::string::npos);
  p.save(dir.file("c"));
  BOOST_TEST(test::read_all(dir.file("c.png")).size() > 1000u);
  p.contour.levels.clear();
  test::check_error<Error>([&] { p.script("c.png"); }, {"a contour needs levels"});
}

BOOST_AUTO_TEST_CASE(gnuplot_draws_a_png) {
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("plot");
  loss_plot().save(dir.file("loss"));
  const auto png = test::read_all(dir.file("loss.png"));
  BOOST_REQUIRE(png.size() > 1000u);
  BOOST_TEST(png[1] == 'P');
  const auto gp = test::read_all(dir.file("loss.gp"));
  // The script names its PNG relative to its own directory, so it redraws from there.
  BOOST_TEST(std::string(gp.begin(), gp.end()).find("set output 'loss.png'") != std::string::npos);
  test::check_error<Error>([&] { Plot().save(dir.file("empty")); }, {"no series"});
}

BOOST_AUTO_TEST_SUITE_END()
