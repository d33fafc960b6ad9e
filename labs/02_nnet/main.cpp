// Lab 02: R's nnet in C++. One hidden layer of logistic units fitted by BFGS with weight decay, on
// iris (softmax classification, Species ~ .) and on a noisy sine (linear output, least squares).
// Each fit starts from the weights R started from in tests/nnet/make_reference.R, and once more from
// weights drawn with lecon::Rng; with R and its nnet package installed, R fits the same data from the
// same weights now and its final objective stands beside ours, otherwise the committed R values do.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "lecon/core/error.hpp"
#include "lecon/core/loaders.hpp"
#include "lecon/core/rng.hpp"
#include "lecon/labkit/confusion.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/nnet.hpp"

namespace {

using namespace lecon;
using namespace lecon::nnet;

// One fit the lab shows: the data, R's call, and the committed R case it reproduces.
struct Case {
  std::string name;          // "iris_softmax": also the stem of the committed reference files
  std::string label;         // how the table names it
  std::string r_call;        // the R call, with `w` the initial weights
  const ModelFrame* frame;
  NnetOptions options;
};

struct Run {
  const Case* c = nullptr;
  std::string start;         // "R's start (committed)" or "lecon::Rng(seed)"
  arma::vec initial;
  NnetFit fit;
  double r_value = NAN;
  bool r_converged = false;
  std::string r_source;
};

// Reads one named column of a numeric CSV.
arma::vec csv_column(const std::string& path, const std::string& column) {
  const CsvTable table = read_csv_numeric(path);
  for (std::size_t i = 0; i < table.columns.size(); ++i)
    if (table.columns[i] == column) return table.values.col(i);
  throw FileError(path, "no column '" + column + "'");
}

std::string scientific(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*e", digits, value);
  return text;
}

std::string hex(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%a", value);
  return text;
}

// An R string literal in single quotes.
std::string r_string(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += (ch == '\'' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
  return out + "'";
}

// Whether `Rscript -e 'library(nnet)'` succeeds.
bool r_with_nnet_available() {
  return std::system("Rscript -e 'suppressPackageStartupMessages(library(nnet))' >/dev/null 2>&1") == 0;
}

// Runs R on every run's data and start (weights passed as hex floats, exact); fills r_value.
void run_r(std::vector<Run>& runs, const std::string& iris_csv, const std::string& sine_csv) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lecon-02_nnet-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ostringstream script;
  script << "suppressPackageStartupMessages(library(nnet))\n"
         << "iris_csv <- read.csv(" << r_string(iris_csv) << ", stringsAsFactors = TRUE)\n"
         << "sine <- read.csv(" << r_string(sine_csv) << ")\n"
         << "cat('version', paste0('R ', getRversion(), ', nnet ', packageVersion('nnet')), '\\n')\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    script << "w <- as.numeric(c(";
    for (arma::uword j = 0; j < runs[i].initial.n_elem; ++j) script << (j ? ", " : "") << '"' << hex(runs[i].initial[j]) << '"';
    script << "))\nnet <- " << runs[i].c->r_call << "\n"
           << "cat('run', " << i << ", sprintf('%.17g', net$value), net$convergence, '\\n')\n";
  }
  const std::string script_path = (dir / "nnet.R").string();
  write_file_atomically(script_path, script.str());
  FILE* pipe = ::popen(("Rscript '" + script_path + "' 2>&1").c_str(), "r");
  if (!pipe) throw Error("cannot start Rscript " + script_path);
  std::string output, version = "R";
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = ::pclose(pipe);
  std::filesystem::remove_all(dir);
  // The start of R's output on one line, for messages.
  std::string excerpt = output.substr(0, 300);
  for (char& ch : excerpt)
    if (ch == '\n' || ch == '\r') ch = ' ';
  while (!excerpt.empty() && excerpt.back() == ' ') excerpt.pop_back();
  if (status != 0)
    throw Error("Rscript " + script_path + " exited with status " + std::to_string(WEXITSTATUS(status)) + ": " + excerpt);
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::string word;
    in >> word;
    if (word == "version") {
      std::getline(in, version);
      version = version.substr(version.find_first_not_of(' '));
      while (!version.empty() && version.back() == ' ') version.pop_back();
    } else if (word == "run") {
      std::size_t i = runs.size();
      std::string value;
      int convergence = -1;
      if (!(in >> i >> value >> convergence) || i >= runs.size()) continue;
      runs[i].r_value = std::strtod(value.c_str(), nullptr);
      runs[i].r_converged = convergence == 0;
    }
  }
  for (Run& run : runs) {
    if (std::isnan(run.r_value)) throw Error("Rscript " + script_path + " gave no value for " + run.c->name + ": " + excerpt);
    run.r_source = version + ", run now";
  }
}

void sine_plot(const ModelFrame& sine, const NnetFit& fit, const std::string& stem) {
  Plot plot;
  plot.title = "nnet on y = sin(x) + noise: a 1-" + std::to_string(fit.net.architecture.hidden_units) +
               "-1 network, linear output, decay " + fixed(fit.net.decay, 3);
  plot.xlabel = "x";
  plot.ylabel = "y";
  Series data{"data (60 points)", {}, {}, "points pt 7 ps 1"};
  for (arma::uword i = 0; i < sine.size(); ++i) data.x.push_back(sine.x(0, i)), data.y.push_back(sine.response[i]);
  const arma::rowvec grid = arma::linspace<arma::rowvec>(sine.x.min(), sine.x.max(), 300);
  const arma::rowvec curve = fit.net.predict(grid);
  Series fitted{"nnet fit", {}, {}, "lines"}, truth{"sin(x)", {}, {}, "lines dt 2"};
  for (arma::uword i = 0; i < grid.n_elem; ++i) {
    fitted.x.push_back(grid[i]), fitted.y.push_back(curve[i]);
    truth.x.push_back(grid[i]), truth.y.push_back(std::sin(grid[i]));
  }
  plot.key = KeyPlace::top_right;  // sin(x) is below 0 for x in (pi, 2 pi): the top right stays free
  plot.add(data).add(fitted).add(truth);
  plot.save(stem);
}

void run(const LabContext& ctx) {
  const std::string reference_dir = ctx.options["reference-dir"].as<std::string>();
  const std::string iris_csv = ctx.data_dir + "/iris.csv";
  const std::string sine_csv = reference_dir + "/sine.csv";
  const ModelFrame iris = read_model_frame(iris_csv, "Species");
  const ModelFrame sine = read_model_frame(sine_csv, "y");

  // The lecture's two fits, with R's calls (make_reference.R runs the same ones).
  std::vector<Case> cases(2);
  cases[0] = {"iris_softmax", "iris, Species ~ . (softmax)",
              "nnet(Species ~ ., data = iris_csv, size = 2, decay = 5e-4, maxit = 200, Wts = w, trace = FALSE)", &iris, {}};
  cases[0].options.size = 2;
  cases[0].options.decay = 5e-4;
  cases[0].options.maxit = 200;
  cases[1] = {"sine_linout", "sine, y ~ x (linout)",
              "nnet(sine[, 'x', drop = FALSE], sine$y, size = 4, linout = TRUE, decay = 1e-3, maxit = 500, Wts = w, trace = FALSE)",
              &sine, {}};
  cases[1].options.size = 4;
  cases[1].options.linout = true;
  cases[1].options.decay = 1e-3;
  cases[1].options.maxit = 500;

  // Each case from R's committed start, then from lecon::Rng.
  std::vector<Run> runs;
  Rng rng(ctx.seed);
  for (const Case& c : cases) {
    Run committed, drawn;
    committed.c = drawn.c = &c;
    committed.start = "R's start (committed)";
    const std::string weights_csv = reference_dir + "/" + c.name + "_weights.csv";
    committed.initial = csv_column(weights_csv, "initial");
    const Architecture net = make_architecture(c.frame->x.n_rows, c.frame->targets().n_rows, c.frame->formula_options(c.options));
    // R's start fits only the data R fitted (e.g. an iris.csv that lost a species gives a 4-2-1 network).
    if (committed.initial.n_elem != net.weight_count())
      throw FileError(c.frame->source, "gives a " + net.str() + " network of " + std::to_string(net.weight_count()) +
                                           " weights, but R's start " + weights_csv + " holds " +
                                           std::to_string(committed.initial.n_elem) + "; expected the data make_reference.R fitted");
    drawn.start = "lecon::Rng(" + std::to_string(ctx.seed) + ")";
    drawn.initial = random_weights(net.weight_count(), c.options.rang, rng);
    runs.push_back(committed);
    runs.push_back(drawn);
  }
  // R's nnet prints its progress (trace = TRUE); we show it for the first fit, or for all with --trace.
  const bool trace_all = ctx.options.count("trace") > 0;
  for (Run& run : runs) {
    NnetOptions options = run.c->options;
    if (trace_all || &run == &runs.front()) {
      std::cout << "\n" << run.c->label << " from " << run.start << ":\n";
      options.trace = &std::cout;
    }
    run.fit = fit_nnet(*run.c->frame, options, run.initial);
  }

  // R's values: run R now if it is here, else the committed ones.
  bool use_r = ctx.options.count("no-r") == 0 && r_with_nnet_available();
  std::string r_failure;
  if (use_r) {
    std::cout << "running R on the same data from the same starting weights ...\n";
    try {
      run_r(runs, std::filesystem::absolute(iris_csv).string(), std::filesystem::absolute(sine_csv).string());
    } catch (const Error& e) {
      r_failure = e.what();
      use_r = false;
      for (Run& run : runs) run.r_value = NAN;
    }
  }
  if (!use_r) {
    for (Run& run : runs) {
      if (run.start.rfind("R's", 0) != 0) continue;
      const std::string path = reference_dir + "/" + run.c->name + "_summary.csv";
      run.r_value = csv_column(path, "value")[0];
      run.r_converged = csv_column(path, "convergence")[0] == 0;
      run.r_source = "committed file " + path;
    }
  }

  const std::string no_r_reason = ctx.options.count("no-r") ? "--no-r" : !r_failure.empty() ? "R failed" : "R not installed";
  Table fits("nnet fits: our final objective (criterion + decay) beside R's from the same start",
             {"fit", "start", "network", "our value", "R value", "relative difference", "our iterations", "converged (ours / R)",
              "R value from"});
  for (const Run& run : runs) {
    const bool have_r = !std::isnan(run.r_value);
    fits.add_row({run.c->label, run.start, run.fit.net.architecture.str() + (run.c->options.linout ? " linout" : " softmax") +
                                               ", decay " + scientific(run.c->options.decay, 0),
                  fixed(run.fit.value, 6), have_r ? fixed(run.r_value, 6) : "-",
                  have_r ? scientific(std::abs(run.fit.value - run.r_value) / std::abs(run.r_value), 1) : "-",
                  std::to_string(run.fit.iterations),
                  std::string(run.fit.converged ? "yes" : "no") + " / " + (have_r ? (run.r_converged ? "yes" : "no") : "-"),
                  have_r ? run.r_source : no_r_reason + ": no R value for this start"});
  }
  fits.add_note("value: the objective nnet minimises, sum over samples of the criterion (softmax: -sum t log p; linout: "
                "sum of squares) + decay * sum of squared weights; R's $value.");
  if (!use_r)
    fits.add_note(ctx.options.count("no-r")  ? "R values from the committed files (--no-r)."
                  : !r_failure.empty()        ? "R values from the committed files: running R failed (" + r_failure + ")."
                                              : "R values from the committed files: Rscript with nnet was not found "
                                                "(apt-get install r-base-core r-cran-nnet to compare live).");
  for (const Run& run : runs) {
    // A softmax fit stuck at the constant prediction p_k = 1/K has the value n log K.
    const double constant_fit = static_cast<double>(run.c->frame->size()) * std::log(double(run.fit.fitted.n_rows));
    if (run.c->options.linout || std::abs(run.fit.value - constant_fit) > 1e-3 * constant_fit) continue;
    fits.add_note(run.c->label + " from " + run.start + " is stuck at n log K = " + fixed(constant_fit, 2) +
                  ", the constant fit p = 1/K: the start saturates the hidden units (rang * max|x| = " +
                  fixed(run.c->options.rang * run.c->frame->x.max(), 1) +
                  "; R's help advises about 1); try another --seed.");
  }
  fits.add_note("R's starts are the Wts of tests/nnet/make_reference.R; lecon::Rng draws uniform [-0.7, 0.7] (R's rang), "
                "not R's runif, so only a run of R can compare those.");

  // R's table(predicted, true species) for the iris fit from R's start.
  const Run& iris_run = runs[0];
  const arma::uvec ours = iris.predict_classes(iris_run.fit.net);
  Table confusion = confusion_table("iris: table(predicted, true species), 150 flowers, " +
                                        iris_run.fit.net.architecture.str() + " network from R's start",
                                    ours, iris.classes, iris.levels);
  // R's classes for the same fit: the largest of R's fitted probabilities (committed), per flower.
  const std::string r_fitted_csv = reference_dir + "/" + iris_run.c->name + "_fitted.csv";
  const CsvTable r_fitted = read_csv_numeric(r_fitted_csv);
  if (r_fitted.values.n_rows != ours.n_elem || r_fitted.values.n_cols != iris.levels.size()) {
    confusion.add_note("R's fitted values in " + r_fitted_csv + " are for other data (" + std::to_string(r_fitted.values.n_rows) + " x " +
                       std::to_string(r_fitted.values.n_cols) + "), so R's table is not compared");
  } else {
    const arma::uvec r_classes = arma::index_max(r_fitted.values, 1);
    const arma::uword disagreements = arma::accu(r_classes != ours);
    if (disagreements == 0)
      confusion.add_note("R's table(predict(net, iris, type = \"class\"), iris$Species) for the same fit gives the same counts "
                         "(checked: R's predicted class of every flower, from " + r_fitted_csv + ", equals ours)");
    else
      confusion.add_note("R predicts another class than ours for " + std::to_string(disagreements) + " of " + std::to_string(ours.n_elem) +
                         " flowers (R's fitted values: " + r_fitted_csv + ")");
  }

  std::cout << '\n';
  fits.print(std::cout);
  confusion.print(std::cout);
  fits.save(ctx.out_path("fits"));
  confusion.save(ctx.out_path("iris_confusion"));
  std::cout << "tables in " << ctx.out_path("fits") << ".{md,csv} and " << ctx.out_path("iris_confusion") << ".{md,csv}\n";
  if (gnuplot_available()) {
    sine_plot(sine, runs[2].fit, ctx.out_path("sine_fit"));
    std::cout << "wrote " << ctx.out_path("sine_fit") << ".png (data, our fitted curve from R's start, sin(x))\n";
  } else {
    std::cout << "gnuplot not found: no plot (install gnuplot-nox)\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("02_nnet", "R's nnet: one hidden layer, BFGS (vmmin), weight decay; iris and a noisy sine, beside R");
  lab.writes("fits.{md,csv}", "every fit's objective and iterations beside R's")
     .writes("iris_confusion.{md,csv}", "table(predicted, actual) of the iris fit")
     .writes("sine_fit.{png,gp}", "the noisy sine, our fitted curve and sin(x)");
  lab.options().add_options()
    ("reference-dir", po::value<std::string>()->default_value("tests/nnet"),
     "directory of the committed R references (make_reference.R) and sine.csv")
    ("no-r", "show the committed R values even when Rscript with nnet is installed")
    ("trace", "print every fit's progress as R's nnet(trace = TRUE) does (default: the first fit only)");
  lab.add_check([](const LabContext& ctx) {
    const std::string reference_dir = ctx.options["reference-dir"].as<std::string>();
    if (!std::filesystem::is_regular_file(reference_dir + "/sine.csv"))
      throw OptionError("--reference-dir: " + reference_dir + " holds no sine.csv; expected tests/nnet of the lecon "
                        "sources (the default works from the repository root)");
  });
  return lab.run(argc, argv, run);
}
