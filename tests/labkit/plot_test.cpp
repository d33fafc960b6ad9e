#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>

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
