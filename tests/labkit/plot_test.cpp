#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <set>
#include <sstream>

#include "file_size_limit.hpp"
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
  BOOST_TEST(gp.find("$series1 using 1:2 with lines lw 2 lc rgb '#d62728' title 'full batch'") != std::string::npos, gp);
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

// The lines of a script that draw series: "$seriesN using 1:2 with ...".
std::vector<std::string> series_lines(const std::string& gp) {
  std::vector<std::string> lines;
  std::istringstream in(gp);
  for (std::string line; std::getline(in, line);) {
    const std::size_t at = line.find("$series");
    if (at != std::string::npos && line.find(" using ") != std::string::npos) lines.push_back(line.substr(at));
  }
  return lines;
}

// "lc rgb '#...'" and "dt N" of one series line ("" when absent).
std::string colour_of(const std::string& line) {
  const std::size_t lc = line.find("lc rgb '");
  const std::size_t dt = line.find(" dt ");
  return (lc == std::string::npos ? "" : line.substr(lc, 15)) + (dt == std::string::npos ? "" : line.substr(dt, 5));
}

BOOST_AUTO_TEST_CASE(every_series_looks_different) {
  // Lab 05 draws 10 paths and used to get gnuplot's 8 colours, SGD and Nadam both green.
  for (std::size_t n : {10u, 25u}) {
    Plot p;
    for (std::size_t i = 0; i < n; ++i) p.add({"path " + std::to_string(i), {0, 1}, {0, double(i)}, "lines"});
    const std::vector<std::string> lines = series_lines(p.script("x.png"));
    BOOST_REQUIRE_EQUAL(lines.size(), n);
    std::set<std::string> looks, colours_of_first_ten;
    for (std::size_t i = 0; i < n; ++i) {
      BOOST_TEST(lines[i].find(series_colour(i)) != std::string::npos, lines[i]);
      looks.insert(colour_of(lines[i]));
      if (i < kSeriesColours) colours_of_first_ten.insert(colour_of(lines[i]));
    }
    BOOST_TEST(looks.size() == n);                                // colour and dashes together tell every series apart
    BOOST_TEST(colours_of_first_ten.size() == kSeriesColours);    // the first ten by colour alone, all solid
    for (const std::string& c : colours_of_first_ten) BOOST_TEST(c.find(" dt ") == std::string::npos);
  }
  BOOST_TEST(series_colour(0) == "lc rgb '#1f77b4'");
  BOOST_TEST(series_colour(kSeriesColours) == "lc rgb '#1f77b4' dt 2");
  BOOST_TEST(series_colour(2 * kSeriesColours + 3) == series_colour(3) + " dt 3");
  // A series with its own colour keeps it and does not use up a palette colour; its own dashes stay.
  Plot p;
  p.add({"own", {0, 1}, {0, 1}, "lines lc rgb '#123456' dt 2"}).add({"next", {0, 1}, {1, 0}, "lines dt 3"});
  const std::vector<std::string> lines = series_lines(p.script("x.png"));
  BOOST_TEST(lines[0].find("lc rgb '#123456' dt 2 lw 2 title 'own'") != std::string::npos, lines[0]);
  BOOST_TEST(lines[1].find("with lines dt 3 lw 2 lc rgb '#1f77b4' title 'next'") != std::string::npos, lines[1]);
}

BOOST_AUTO_TEST_CASE(epoch_axes_have_whole_number_ticks) {
  // gnuplot labelled an axis of 3 epochs 1, 1.5, 2, 2.5, 3.
  Plot p = loss_plot();
  BOOST_TEST(p.script("x.png").find("set format x") == std::string::npos);
  p.integer_x = true;
  std::string gp = p.script("x.png");
  BOOST_TEST(gp.find("set xtics 1\nset format x '%.0f'\nset mxtics 1\n") != std::string::npos, gp);
  BOOST_TEST(gp.find("set autoscale xfix") != std::string::npos);  // linespoints: no widening to epoch 0
  // Longer runs: at most about ten ticks, still whole numbers.
  for (const auto& [epochs, step] : std::vector<std::pair<std::size_t, std::string>>{{12, "2"}, {60, "10"}, {500, "50"}, {1500, "200"}}) {
    Plot q;
    q.integer_x = true;
    q.add(per_epoch("loss", std::vector<double>(epochs, 1.0)));
    gp = q.script("x.png");
    BOOST_TEST(gp.find("set xtics " + step + "\nset format x '%.0f'") != std::string::npos, epochs << " epochs: " << gp);
    BOOST_TEST(gp.find("set autoscale xfix") == std::string::npos);  // lines only: gnuplot ends the axis at a tick
  }
  // One epoch: the axis spans 0 to 2 around it instead of gnuplot's empty-range warning.
  Plot one;
  one.integer_x = true;
  one.add(per_epoch("error", {3.0}, "linespoints"));
  BOOST_TEST(one.script("x.png").find("set xrange [0:2]\nset xtics 1\n") != std::string::npos);
  // Counts on y as well, unless y is logarithmic.
  one.integer_y = true;
  BOOST_TEST(one.script("x.png").find("set format y '%.0f'") != std::string::npos);
  one.log_y = true;
  BOOST_TEST(one.script("x.png").find("set format y") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_key_never_takes_width_from_the_plot) {
  Plot p = loss_plot();
  std::string gp = p.script("x.png");
  BOOST_TEST(gp.find("outside") == std::string::npos);
  // Below: both entries fit one row, and the canvas grows by that row instead of the plot shrinking.
  BOOST_TEST(gp.find("set key below center horizontal maxcols 2 reverse Left width 2 height 1 noenhanced\n") != std::string::npos, gp);
  BOOST_TEST(gp.find("set terminal pngcairo size 900,640 ") != std::string::npos, gp);
  // Ten long names take several rows: more height again.
  Plot many;
  for (int i = 0; i < 10; ++i) many.add({"Adagrad (Duchi 2011 / keras 2 / PyTorch) " + std::to_string(i), {0, 1}, {0, 1}, "lines"});
  gp = many.script("x.png");
  BOOST_TEST(gp.find("maxcols 2 ") != std::string::npos, gp);
  BOOST_TEST(gp.find("size 900,720 ") != std::string::npos, gp);  // 5 rows of 20 px and 20 px of space
  // Inside a corner the key sits in an opaque box; the canvas keeps its size.
  p.key = KeyPlace::top_right;
  gp = p.script("x.png");
  BOOST_TEST(gp.find("set key inside top right reverse Left opaque box noenhanced\n") != std::string::npos, gp);
  BOOST_TEST(gp.find("size 900,600 ") != std::string::npos);
  p.key = KeyPlace::none;
  BOOST_TEST(p.script("x.png").find("unset key\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(marks_label_points_of_interest) {
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("plot");
  Plot p;
  p.contour = {"(1-x)**2 + 100*(y-x**2)**2", -1.6, 1.6, -0.6, 1.8, {1, 10, 100}};
  p.add({"path", {-1.2, 0, 1}, {1, 0, 1}, "lines"});
  p.mark({-1.2, 1, "start (-1.2, 1)", -1, -1.2, 7}).mark({1, 1, "minimum (1, 1)", 1.2, -1.2, 3});
  const std::string gp = p.script("m.png");
  BOOST_TEST(gp.find("set label 1 'start (-1.2, 1)' at -1.2,1 right offset character -1, character -1.2 boxed front noenhanced"
                     " point pt 7 ps 1.8 lc rgb 'black'\n") != std::string::npos, gp);
  BOOST_TEST(gp.find("set label 2 'minimum (1, 1)' at 1,1 left offset character 1.2, character -1.2 boxed front noenhanced"
                     " point pt 3 ") != std::string::npos, gp);
  BOOST_TEST(gp.find("set style textbox opaque") < gp.find("set label 1"));
  p.save(dir.file("m"));  // gnuplot accepts it
  BOOST_TEST(test::read_all(dir.file("m.png")).size() > 1000u);
}

BOOST_AUTO_TEST_CASE(a_heat_map_with_its_colour_box_and_boundary) {
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("plot");
  Plot p;
  // y = x1 on a 3 x 2 grid over [0, 1] x [0, 1]: rows of the grid are y = 0, then y = 1.
  p.heatmap.columns = 3;
  p.heatmap.rows = 2;
  p.heatmap.values = {0, 0.5, 1, 0, 0.5, 1};
  p.heatmap.label = "output";
  p.heatmap.levels = {0.5};
  p.heatmap.levels_title = "output = 0.5";
  p.add({"class 1", {1}, {1}, "points pt 7"});
  const std::string gp = p.script("h.png");
  BOOST_TEST(gp.find("$heatmap << EOD\n0 0 0\n0.5 0 0.5\n1 0 1\n\n0 1 0\n0.5 1 0.5\n1 1 1\n\nEOD\n") != std::string::npos, gp);
  BOOST_TEST(gp.find("set xrange [-0.25:1.25]\nset yrange [-0.5:1.5]\n") != std::string::npos, gp);  // half a cell around
  BOOST_TEST(gp.find("set cbrange [0:1]\nset cblabel 'output' noenhanced\n") != std::string::npos);
  BOOST_TEST(gp.find("set cntrparam levels discrete 0.5\nset table $heatcontours\nsplot $heatmap using 1:2:3 with lines\n") != std::string::npos);
  BOOST_TEST(gp.find("plot $heatmap using 1:2:3 with image notitle, \\\n     $heatcontours using 1:2 with lines lc rgb 'black' dt 2 lw 2 "
                     "title 'output = 0.5', \\\n     $series0 ") != std::string::npos, gp);
  p.save(dir.file("h"));
  BOOST_TEST(test::read_all(dir.file("h.png")).size() > 1000u);
  p.heatmap.values.pop_back();
  test::check_error<Error>([&] { p.script("h.png"); }, {"heat map needs columns x rows"});
}

// Puts a fake `gnuplot` (a shell script) first on PATH for the object's life.
class FakeGnuplot {
 public:
  FakeGnuplot(const test::ScratchDir& dir, const std::string& script) : old_path_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    std::filesystem::create_directories(dir.file("bin"));
    test::write_text(dir.file("bin/gnuplot"), "#!/bin/sh\n" + script);
    BOOST_REQUIRE(::chmod(dir.file("bin/gnuplot").c_str(), 0755) == 0);
    setenv("PATH", (dir.file("bin") + ":" + old_path_).c_str(), 1);
  }
  ~FakeGnuplot() { setenv("PATH", old_path_.c_str(), 1); }

 private:
  std::string old_path_;
};

// The shell line of a fake gnuplot that finds the file its script (argument 1) draws into.
const std::string kOutputOfScript = "out=$(sed -n \"s/^set output '\\(.*\\)'$/\\1/p\" \"$1\")\n";

std::vector<std::string> names_in(const test::ScratchDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

BOOST_AUTO_TEST_CASE(an_empty_or_cut_off_image_is_an_error_and_keeps_the_old_one) {
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("plot");
  loss_plot().save(dir.file("loss"));
  const auto old_png = test::read_all(dir.file("loss.png"));
  const std::vector<std::string> files = {"bin", "loss.gp", "loss.png"};
  {
    // On a full disk gnuplot (cairo) leaves a 0-byte PNG and exits 0; that used to count as success.
    FakeGnuplot fake(dir, kOutputOfScript + ": > \"$out\"\n");
    const std::string error = test::error_of([&] { loss_plot().save(dir.file("loss")); });
    BOOST_TEST(error == dir.file("loss.png") + ": gnuplot wrote no image (0 bytes; disk full?)");
  }
  BOOST_TEST(test::read_all(dir.file("loss.png")) == old_png);
  BOOST_TEST(names_in(dir) == files);
  {
    FakeGnuplot fake(dir, kOutputOfScript + "printf '\\211PNG\\r\\n\\032\\n' > \"$out\"\n");  // the signature, then nothing
    const std::string error = test::error_of([&] { loss_plot().save(dir.file("loss")); });
    BOOST_TEST(error == dir.file("loss.png") + ": gnuplot wrote an incomplete image (8 bytes, not a whole PNG; disk full?)");
  }
  {
    FakeGnuplot fake(dir, kOutputOfScript + "echo 'line 3: unknown command' >&2\nexit 1\n");
    const std::string error = test::error_of([&] { loss_plot().save(dir.file("loss")); });
    BOOST_TEST(error == dir.file("loss.gp") + ": gnuplot failed (exit status 1)");
  }
  BOOST_TEST(test::read_all(dir.file("loss.png")) == old_png);
  BOOST_TEST(names_in(dir) == files);
}

BOOST_AUTO_TEST_CASE(the_real_gnuplot_on_a_full_disk_leaves_no_half_image) {
  BOOST_REQUIRE_MESSAGE(gnuplot_available(), "gnuplot-nox is installed by make");
  test::ScratchDir dir("plot");
  const Plot plot = loss_plot();
  plot.save(dir.file("loss"));
  const auto old_png = test::read_all(dir.file("loss.png"));
  // Room for the scripts, not for the image: gnuplot itself runs into the limit.
  const std::size_t room = plot.script("loss.png.tmp.1234567").size() + 64;
  BOOST_REQUIRE(old_png.size() > 2 * room);
  std::string error;
  {
    test::FileSizeLimit full(room);
    error = test::error_of([&] { plot.save(dir.file("loss")); });
  }
  BOOST_TEST_MESSAGE("with a full disk: " << error);
  BOOST_TEST(error.find(dir.file("loss.")) == 0u);
  BOOST_TEST(error.find("gnuplot") != std::string::npos);
  BOOST_TEST(test::read_all(dir.file("loss.png")) == old_png);
  BOOST_TEST(names_in(dir) == (std::vector<std::string>{"loss.gp", "loss.png"}));
}

BOOST_AUTO_TEST_SUITE_END()
