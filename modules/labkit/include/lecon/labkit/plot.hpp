#pragma once
// Plots of curves and points, drawn by gnuplot (Debian's gnuplot-nox, pngcairo terminal).
// Each plot writes <stem>.gp, a self-contained gnuplot script with the data inline, and runs it into
// <stem>.png: a teacher can restyle a figure by editing the script and running `gnuplot <stem>.gp` in the
// directory that holds it (results/).
#include <functional>
#include <string>
#include <vector>

namespace lecon {

struct Series {
  std::string name;
  std::vector<double> x, y;
  // gnuplot style: "lines", "points", "linespoints", with further options ("points pt 7 ps 1.2"). Without
  // an `lc` of its own a series gets the next colour of the plot's palette (series_colour).
  std::string style = "lines";
};

// A curve of one value per epoch (a History entry, errors per epoch): x = 1, 2, ..., values.size().
Series per_epoch(const std::string& name, const std::vector<double>& values, const std::string& style = "lines");

// The colour and dash pattern Plot gives series i (counting the series without an `lc` of their own):
// kSeriesColours distinct colours, solid; after them the same colours again, dashed (dt 2), then dotted
// (dt 3), and so on, so that no two series of a plot look alike. Returns gnuplot options:
// "lc rgb '#1f77b4'" or "lc rgb '#1f77b4' dt 2".
inline constexpr std::size_t kSeriesColours = 10;
std::string series_colour(std::size_t i);

// Contour lines of a function of (x, y) drawn under the series, e.g. the loss surface under the paths
// of optimizers. expression is gnuplot syntax in x and y: "(1-x)**2 + 100*(y-x**2)**2".
struct Contour {
  std::string expression;
  double x_min = -1, x_max = 1, y_min = -1, y_max = 1;
  std::vector<double> levels;  // the function values at which lines are drawn
};

// Values of a function on a regular grid of (x, y), drawn as an image under the series, with a colour
// box for its scale and, optionally, contour lines at given levels (a decision boundary).
struct Heatmap {
  std::size_t columns = 0, rows = 0;                  // samples along x and along y
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;  // the first and last sample on each axis
  std::vector<double> values;                         // values[r * columns + c] at (x_c, y_r), r = 0 at y_min
  double low = 0, high = 1;                           // values mapped to the ends of the palette
  std::string label;                                  // the colour box's label
  std::string palette = "defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')";  // blue, white, red
  std::vector<double> levels;                         // contour lines, black and dashed
  std::string levels_title;                           // their legend entry ("output = 0.5")
  bool equal_axes = true;                             // one unit as long on x as on y (a map); false: fill the plot (a spectrogram)
};

// A point of interest drawn over the series with a label beside it ("start (-1.2, 1)"). The label sits
// dx, dy character widths and heights from the point: right of it (left-aligned) when dx >= 0, left of it
// (right-aligned) when dx < 0; it has an opaque white box so that it stays readable over curves.
struct Mark {
  double x = 0, y = 0;
  std::string text;
  double dx = 1, dy = 1;
  int point_type = 7;  // gnuplot's pt: 7 filled circle, 5 filled square, 9 filled triangle, 3 star
};

// Where the legend goes. It never takes width from the plot: `below` adds rows under the plot and makes
// the canvas taller by as much; the inside places draw it in that corner of the plot, in an opaque box
// (choose a corner the curves leave free).
enum class KeyPlace { below, top_left, top_right, bottom_left, bottom_right, none };

struct Plot {
  std::string title, xlabel, ylabel;
  bool log_y = false;
  bool integer_x = false;          // x counts things (epochs): ticks at whole numbers only, no "1.5"
  bool integer_y = false;          // the same for y (mistakes per epoch); not with log_y
  Contour contour;                 // drawn when contour.expression is not empty
  Heatmap heatmap;                 // drawn when heatmap.values is not empty
  double y_min = 0, y_max = 0;     // fixed y range when y_min < y_max
  std::vector<Series> series;
  std::vector<Mark> marks;
  KeyPlace key = KeyPlace::below;
  int width = 900, height = 600;   // pixels; a key below adds its rows to the height

  Plot& add(Series s) {
    series.push_back(std::move(s));
    return *this;
  }
  Plot& mark(Mark m) {
    marks.push_back(std::move(m));
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

// What Plot::save does, for any figure drawn by gnuplot: writes <stem>.gp = script_for("<name>.png") and
// renders <stem>.png from it, atomically, with the same errors as Plot::save.
void draw_with_gnuplot(const std::string& stem, const std::function<std::string(const std::string& png_path)>& script_for);

// Throws FileError naming `name` ("<writer> wrote no image (0 bytes; disk full?)", "... an incomplete
// image ...") unless the file at path is a whole PNG: the signature first, the IEND chunk last, and
// fsync reports no write error.
void check_png_file(const std::string& path, const std::string& name, const std::string& writer);

// A gnuplot string literal in single quotes ('' is a quote inside): no escapes are interpreted.
std::string gnuplot_quoted(const std::string& text);

}  // namespace lecon
