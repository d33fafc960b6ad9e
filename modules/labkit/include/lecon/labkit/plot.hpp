#pragma once
// Plots of curves and points, drawn by gnuplot (Debian's gnuplot-nox, pngcairo terminal).
// Each plot writes <stem>.gp, a self-contained gnuplot script with the data inline, and runs it into
// <stem>.png: a teacher can restyle a figure by editing the script and running `gnuplot <stem>.gp` in the
// directory that holds it (results/).
#include <string>
#include <vector>

namespace lecon {

struct Series {
  std::string name;
  std::vector<double> x, y;
  std::string style = "lines";  // gnuplot style: "lines", "points", "linespoints"
};

// A curve of one value per epoch (a History entry, errors per epoch): x = 1, 2, ..., values.size().
Series per_epoch(const std::string& name, const std::vector<double>& values, const std::string& style = "lines");

// Contour lines of a function of (x, y) drawn under the series, e.g. the loss surface under the paths
// of optimizers. expression is gnuplot syntax in x and y: "(1-x)**2 + 100*(y-x**2)**2".
struct Contour {
  std::string expression;
  double x_min = -1, x_max = 1, y_min = -1, y_max = 1;
  std::vector<double> levels;  // the function values at which lines are drawn
};

struct Plot {
  std::string title, xlabel, ylabel;
  bool log_y = false;
  Contour contour;                 // drawn when contour.expression is not empty
  double y_min = 0, y_max = 0;     // fixed y range when y_min < y_max
  std::vector<Series> series;
  int width = 900, height = 600;

  Plot& add(Series s) {
    series.push_back(std::move(s));
    return *this;
  }
  // The gnuplot script that draws this plot into png_path.
  std::string script(const std::string& png_path) const;
  // Writes <stem>.gp and renders <stem>.png; throws Error if gnuplot is missing, and FileError naming
  // the file if gnuplot fails or leaves no complete PNG (a full disk). A failed run leaves no <stem>.png
  // behind (an older one stays as it was).
  void save(const std::string& stem) const;
};

bool gnuplot_available();

// Throws FileError naming `name` ("<writer> wrote no image (0 bytes; disk full?)", "... an incomplete
// image ...") unless the file at path is a whole PNG: the signature first, the IEND chunk last, and
// fsync reports no write error.
void check_png_file(const std::string& path, const std::string& name, const std::string& writer);

}  // namespace lecon
