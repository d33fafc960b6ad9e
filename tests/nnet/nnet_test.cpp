// R's nnet in C++: the objective and its gradient, the BFGS minimiser, and fits compared with R's.
// The R references are committed files under tests/nnet/ written by make_reference.R, so no R is needed.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

#include "lecon/core/loaders.hpp"
#include "lecon/nnet.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;
using namespace lecon::nnet;

namespace {

std::string data_dir() {
  const char* dir = std::getenv("LECON_DATA_DIR");
  return dir ? dir : (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "data").string();
}

// tests/nnet/, where make_reference.R wrote the R results.
std::string reference_dir() { return (std::filesystem::path(data_dir()) / ".." / "tests" / "nnet").string(); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One case of make_reference.R: the data, the options and R's results.
struct RCase {
  std::string name;
  arma::mat x, y;        // (p x n), (K x n)
  NnetOptions options;
  arma::vec initial, final_weights;
  arma::mat fitted;      // (K x n) R's $fitted.values
  double value = 0;      // R's $value
  bool converged = false;
  std::string trace;     // what R printed
};

RCase load_case(const std::string& name) {
  RCase c;
  c.name = name;
  const std::string stem = reference_dir() + "/" + name;
  const CsvTable weights = read_csv_numeric(stem + "_weights.csv");
  c.initial = weights.values.col(0);
  c.final_weights = weights.values.col(1);
  c.fitted = read_csv_numeric(stem + "_fitted.csv").values.t();
  const CsvTable summary = read_csv_numeric(stem + "_summary.csv");
  const auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < summary.columns.size(); ++i)
      if (summary.columns[i] == name) return summary.values(0, i);
    BOOST_FAIL("no column " << name << " in " << stem << "_summary.csv");
    return 0.0;
  };
  c.options.size = static_cast<std::size_t>(column("size"));
  c.options.decay = column("decay");
  c.options.maxit = static_cast<int>(column("maxit"));
  c.options.linout = column("linout") != 0;
  c.options.entropy = column("entropy") != 0;
  c.options.softmax = column("softmax") != 0;
  c.options.skip = column("skip") != 0;
  c.value = column("value");
  c.converged = column("convergence") == 0;
  c.trace = read_text(stem + "_trace.txt");

  // The data, as make_reference.R gave it to R.
  if (name.rfind("iris", 0) == 0) {
    const ModelFrame iris = read_model_frame(data_dir() + "/iris.csv", "Species");
    c.x = iris.x;
    if (name == "iris_entropy")
      c.y = arma::conv_to<arma::rowvec>::from(iris.classes == 2u);  // virginica ~ ., a 2-level factor
    else
      c.y = class_ind(iris.classes, 3);
  } else {
    const ModelFrame sine = read_model_frame(reference_dir() + "/sine.csv", "y");
    c.x = sine.x;
    c.y = sine.targets();
  }
  return c;
}

double relative_difference(double ours, double theirs) { return std::abs(ours - theirs) / std::abs(theirs); }

// Central differences of f at w, step h per weight.
arma::vec numerical_gradient(NnetObjective& f, const arma::vec& w, double h) {
  arma::vec g(w.n_elem);
  for (arma::uword i = 0; i < w.n_elem; ++i) {
    arma::vec plus = w, minus = w;
    plus[i] += h;
    minus[i] -= h;
    g[i] = (f.evaluate(plus) - f.evaluate(minus)) / (2 * h);
  }
  return g;
}

// A small random problem: p inputs, n samples, K targets suited to the criterion.
struct Problem {
  arma::mat x, t;
};
Problem random_problem(std::size_t p, std::size_t K, std::size_t n, Criterion criterion, Rng& rng) {
  Problem pr{arma::mat(p, n), arma::mat(K, n, arma::fill::zeros)};
  for (double& v : pr.x) v = rng.uniform(-2, 2);
  for (arma::uword j = 0; j < n; ++j) {
    if (criterion == Criterion::log_likelihood)
      pr.t(rng.uniform_int(K), j) = 1;
    else if (criterion == Criterion::entropy)
      for (arma::uword k = 0; k < K; ++k) pr.t(k, j) = rng.uniform();  // fractions in (0, 1) test both log terms
    else
      for (arma::uword k = 0; k < K; ++k) pr.t(k, j) = rng.uniform(-1, 1);
  }
  return pr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nnet)

BOOST_AUTO_TEST_CASE(weights_are_laid_out_in_r_order) {
  Architecture net{4, 2, 3, false};
  BOOST_TEST(net.weight_count() == 19u);  // 2 (4 + 1) + 3 (2 + 1), as R's "# weights:  19"
  BOOST_TEST(net.str() == "4-2-3");
  BOOST_TEST(net.output_offset(0) == 10u);
  const std::vector<std::string> names = net.weight_names();
  BOOST_TEST(names.front() == "b->h1");
  BOOST_TEST(names[4] == "i4->h1");
  BOOST_TEST(names[10] == "b->o1");
  BOOST_TEST(names.back() == "h2->o3");
  // Skip layer: every output gets bias, hidden units, then the inputs (R's add.net order).
  Architecture skip{1, 2, 1, true};
  BOOST_TEST(skip.weight_count() == 8u);
  const std::vector<std::string> expected = {"b->h1", "i1->h1", "b->h2", "i1->h2", "b->o", "h1->o", "h2->o", "i1->o"};
  BOOST_TEST(skip.weight_names() == expected, boost::test_tools::per_element());
  // size 0 with skip: a linear model, bias then inputs.
  NnetOptions linear;
  linear.skip = true;
  BOOST_TEST(make_architecture(3, 1, linear).weight_count() == 4u);
}

BOOST_AUTO_TEST_CASE(forward_pass_computes_the_lecture_equations) {
  // One input, one hidden unit, one output: h = σ(w0 + w1 x), y = W0 + W1 h + V x (skip, linear).
  Architecture net{1, 1, 1, true};
  const arma::vec w = {0.5, -1.0, 0.25, 2.0, 0.75};
  const double x = 0.3;
  Activations a;
  forward(net, OutputUnits::linear, w, &x, a);
  const double h = 1 / (1 + std::exp(-(0.5 - 1.0 * x)));
  BOOST_TEST(a.hidden[0] == h, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(a.output[0] == 0.25 + 2.0 * h + 0.75 * x, boost::test_tools::tolerance(1e-15));
  forward(net, OutputUnits::logistic, w, &x, a);
  BOOST_TEST(a.output[0] == logistic(0.25 + 2.0 * h + 0.75 * x), boost::test_tools::tolerance(1e-15));
  // nnet's logistic saturates beyond |a| = 15.
  BOOST_TEST(logistic(-15.5) == 0.0);
  BOOST_TEST(logistic(15.5) == 1.0);
  BOOST_TEST(logistic(0.0) == 0.5);
  // Softmax probabilities sum to 1 and keep the order of the a_k, even for huge a_k.
  Architecture wide{1, 1, 3, false};
  const arma::vec big = {0, 0, 800, 1, 900, 2, 1000, 3};
  forward(wide, OutputUnits::softmax, big, &x, a);
  BOOST_TEST(arma::accu(a.probability) == 1.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(a.probability[2] > 0.999);
  BOOST_TEST(a.probability.is_finite());
}

BOOST_AUTO_TEST_CASE(gradient_matches_finite_differences) {
  struct Kind {
    OutputUnits units;
    Criterion criterion;
    bool skip;
    std::size_t K;
  };
  const Kind kinds[] = {
      {OutputUnits::logistic, Criterion::least_squares, false, 2}, {OutputUnits::linear, Criterion::least_squares, false, 1},
      {OutputUnits::linear, Criterion::least_squares, true, 2},    {OutputUnits::logistic, Criterion::entropy, false, 1},
      {OutputUnits::logistic, Criterion::entropy, true, 3},        {OutputUnits::softmax, Criterion::log_likelihood, false, 3},
      {OutputUnits::softmax, Criterion::log_likelihood, true, 4},
  };
  Rng rng(42);
  for (const Kind& kind : kinds) {
    const Architecture net{3, 4, kind.K, kind.skip};
    const Problem pr = random_problem(3, kind.K, 25, kind.criterion, rng);
    NnetObjective f(net, kind.units, kind.criterion, pr.x, pr.t, 0.01);
    const arma::vec w = random_weights(net.weight_count(), 0.7, rng);
    arma::vec analytic;
    f.gradient(w, analytic);
    const arma::vec numeric = numerical_gradient(f, w, 1e-6);
    const double error = arma::norm(analytic - numeric) / arma::norm(numeric);
    BOOST_TEST_MESSAGE(to_string(kind.units) << " units, " << to_string(kind.criterion) << (kind.skip ? ", skip" : "")
                                             << ": |analytic - numeric| / |numeric| = " << error);
    BOOST_TEST(error < 1e-7, to_string(kind.criterion) << " with " << to_string(kind.units) << " units"
                                                       << (kind.skip ? " and skip" : "") << ": relative error " << error);
  }
}

BOOST_AUTO_TEST_CASE(decay_adds_lambda_times_the_squared_weights_biases_included) {
  Rng rng(3);
  const Architecture net{2, 3, 1, true};
  const Problem pr = random_problem(2, 1, 10, Criterion::least_squares, rng);
  const double lambda = 0.1;
  NnetObjective plain(net, OutputUnits::linear, Criterion::least_squares, pr.x, pr.t, 0.0);
  NnetObjective decayed(net, OutputUnits::linear, Criterion::least_squares, pr.x, pr.t, lambda);
  const arma::vec w = random_weights(net.weight_count(), 0.7, rng);
  BOOST_TEST(decayed.evaluate(w) - plain.evaluate(w) == lambda * arma::dot(w, w), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(decayed.decay_term(w) == lambda * arma::dot(w, w), boost::test_tools::tolerance(1e-14));
  BOOST_TEST(plain.decay_term(w) == 0.0);
  arma::vec g0, g1;
  plain.gradient(w, g0);
  decayed.gradient(w, g1);
  // ∂/∂w_i of λ Σ w² is 2 λ w_i for every weight, the biases (indices 0 and 3) and skip weights too.
  BOOST_TEST(arma::approx_equal(g1 - g0, 2 * lambda * w, "absdiff", 1e-12));
  test::check_error<Error>([&] { NnetObjective(net, OutputUnits::linear, Criterion::least_squares, pr.x, pr.t, -1.0); },
                           {"decay", "expected λ >= 0"});
}

BOOST_AUTO_TEST_CASE(vmmin_minimises_rosenbrock_and_prints_like_r) {
  // f(a, b) = 100 (b - a²)² + (1 - a)², minimum 0 at (1, 1).
  struct Rosenbrock {
    int evaluations = 0;
    double evaluate(const arma::vec& v) {
      ++evaluations;
      return 100 * std::pow(v[1] - v[0] * v[0], 2) + std::pow(1 - v[0], 2);
    }
    void gradient(const arma::vec& v, arma::vec& g) {
      g = {-400 * v[0] * (v[1] - v[0] * v[0]) - 2 * (1 - v[0]), 200 * (v[1] - v[0] * v[0])};
    }
  } f;
  VmminOptions o;
  o.maxit = 1000;
  o.abstol = -std::numeric_limits<double>::infinity();  // optim's default: no absolute stop
  std::ostringstream trace;
  o.trace = &trace;
  const VmminResult r = vmmin(f, arma::vec{-1.2, 1.0}, o);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.x[0] == 1.0, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(r.x[1] == 1.0, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(r.value < 1e-8);
  BOOST_TEST(r.function_count == f.evaluations);
  BOOST_TEST(r.gradient_count <= r.function_count);
  // R 4.2.2: optim(c(-1.2, 1), fr, grr, method = "BFGS", control = list(trace = 1, maxit = 1000,
  // reltol = 1e-8)) prints exactly these lines and reports counts 99 (function) and 44 (gradient).
  BOOST_TEST(trace.str() ==
             "initial  value 24.200000 \niter  10 value 1.367383\niter  20 value 0.134560\niter  30 value 0.001978\n"
             "iter  40 value 0.000000\nfinal  value 0.000000 \nconverged\n");
  BOOST_TEST(r.function_count == 99);
  BOOST_TEST(r.gradient_count == 44);
  BOOST_TEST(r.x[0] == 0.99999999944209206, boost::test_tools::tolerance(1e-12));

  // maxit <= 0 only evaluates; a non-finite start is an error; maxit stops the run.
  const VmminResult none = vmmin(f, arma::vec{-1.2, 1.0}, VmminOptions{0});
  BOOST_TEST(none.value == 24.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(none.iterations == 0);
  o.trace = nullptr;
  test::check_error<Error>([&] { vmmin(f, arma::vec{std::nan(""), 1.0}, o); }, {"vmmin", "starting point is nan", "expected a finite value"});
  o.maxit = 5;
  const VmminResult stopped = vmmin(f, arma::vec{-1.2, 1.0}, o);
  BOOST_TEST(!stopped.converged);
  BOOST_TEST(stopped.iterations == 5);
}

// The fits are deterministic, but the last bits of exp() and log() are the C library's: on the Debian 12
// machine that wrote the references our path is R's to the last bit (same weights, same trace). A libm
// that rounds one result differently moves a converged fit along its flat valley by up to about 1e-5 in
// the value and 1e-3 in fitted values (measured by nudging one start weight by one ulp), hence the
// tolerances below; the cases were chosen so that such a nudge cannot change the local minimum reached.
BOOST_AUTO_TEST_CASE(fits_reach_r_values_from_r_starting_weights) {
  for (const std::string name :
       {"iris_softmax", "iris_entropy", "iris_logistic", "iris_skip_stopped", "sine_linout", "sine_skip"}) {
    const RCase c = load_case(name);
    std::ostringstream trace;
    NnetOptions options = c.options;
    options.trace = &trace;
    const NnetFit fit = fit_nnet(c.x, c.y, options, c.initial);
    const double diff = relative_difference(fit.value, c.value);
    const double weight_diff = test::max_abs(fit.net.weights - c.final_weights);
    const double fitted_diff = test::max_abs(fit.fitted - c.fitted);
    BOOST_TEST_MESSAGE(name << ": R value " << std::setprecision(17) << c.value << ", ours " << fit.value
                            << ", relative difference " << std::setprecision(3) << diff << "; largest weight difference "
                            << weight_diff << ", largest fitted-value difference " << fitted_diff << "; " << fit.iterations
                            << " iterations");
    BOOST_TEST(diff < 1e-4, name << ": our final value " << fit.value << " vs R's " << c.value);
    BOOST_TEST(fit.converged == c.converged, name << ": convergence differs from R's");
    BOOST_TEST(fit.net.weights.n_elem == c.final_weights.n_elem);
    // Predictions: our fitted values against R's, and our predict() from R's final weights against R's.
    BOOST_TEST(fitted_diff < 2e-3, name << ": fitted values differ from R's by up to " << fitted_diff);
    Nnet r_net = fit.net;
    r_net.weights = c.final_weights;
    BOOST_TEST(test::max_abs(r_net.predict(c.x) - c.fitted) < 1e-12, name << ": predict() from R's weights");
    // What nnet printed with trace = TRUE: the header, the start and the verdict always agree; the
    // whole trace does whenever the path is R's to the last bit.
    const auto lines = [](const std::string& text) {
      std::vector<std::string> out;
      std::istringstream in(text);
      for (std::string line; std::getline(in, line);) out.push_back(line);
      return out;
    };
    const std::vector<std::string> ours = lines(trace.str()), theirs = lines(c.trace);
    BOOST_REQUIRE(ours.size() >= 4u);
    BOOST_TEST(ours[0] == theirs[0]);  // "# weights:  19"
    BOOST_TEST(ours[1] == theirs[1]);  // "initial  value 176.374038 "
    BOOST_TEST(ours.back() == theirs.back());  // "converged" or "stopped after 30 iterations"
    if (fit.value == c.value) {
      BOOST_TEST(trace.str() == c.trace, name << ": trace differs from R's:\n" << trace.str() << "R:\n" << c.trace);
      BOOST_TEST(weight_diff == 0.0, name << ": R's value to the last bit, but weights that differ by " << weight_diff);
    } else
      BOOST_TEST_MESSAGE(name << ": not bitwise R's path here (another libm, or FMA contraction?); full trace not compared");
  }
}

BOOST_AUTO_TEST_CASE(formula_interface_picks_softmax_or_entropy_like_r) {
  const ModelFrame iris = read_model_frame(data_dir() + "/iris.csv", "Species");
  BOOST_TEST(iris.size() == 150u);
  BOOST_TEST(iris.x.n_rows == 4u);
  BOOST_TEST(iris.input_names.front() == "Sepal.Length");
  BOOST_TEST(iris.x(0, 0) == 5.1);  // the double R reads, not a float
  BOOST_TEST(iris.levels == (std::vector<std::string>{"setosa", "versicolor", "virginica"}), boost::test_tools::per_element());
  BOOST_TEST(iris.formula_options({}).softmax);
  BOOST_TEST(arma::approx_equal(iris.targets(), class_ind(iris.classes, 3), "absdiff", 0.0));

  // nnet(Species ~ ., iris, size = 2, decay = 5e-4, maxit = 200, Wts = R's) is the iris_softmax case.
  const RCase c = load_case("iris_softmax");
  const NnetFit fit = fit_nnet(iris, c.options, c.initial);
  BOOST_TEST((fit.net.units == OutputUnits::softmax));
  BOOST_TEST(relative_difference(fit.value, c.value) < 1e-4);
  const arma::uvec predicted = iris.predict_classes(fit.net);
  const arma::uvec r_predicted = arma::index_max(c.fitted, 0).t();
  BOOST_TEST(arma::all(predicted == r_predicted));
  BOOST_TEST(arma::accu(predicted == iris.classes) >= 145u);  // a 4-2-3 net fits iris almost perfectly
  // R's print(net) without the formula lines "inputs: ..." and "output(s): ...".
  BOOST_TEST(fit.net.describe() == "a 4-2-3 network with 19 weights\noptions were - softmax modelling  decay=5e-04");

  // A 2-level factor: one output, entropy fitting, target 1 for the second level (sorted: "yes").
  test::ScratchDir dir("nnet-frame");
  test::write_text(dir.file("two.csv"), "answer,x1,x2\nyes,1,2\nno,0.5,-1\n\"yes\",3,4\n");
  const ModelFrame two = read_model_frame(dir.file("two.csv"), "answer");
  BOOST_TEST(two.levels == (std::vector<std::string>{"no", "yes"}), boost::test_tools::per_element());
  BOOST_TEST(two.input_names == (std::vector<std::string>{"x1", "x2"}), boost::test_tools::per_element());
  BOOST_TEST(two.x(1, 1) == -1.0);
  const NnetOptions two_options = two.formula_options({});
  BOOST_TEST((two_options.entropy && !two_options.softmax));
  BOOST_TEST(arma::approx_equal(two.targets(), arma::mat{{1, 0, 1}}, "absdiff", 0.0));

  const ModelFrame sine = read_model_frame(reference_dir() + "/sine.csv", "y");
  BOOST_TEST(!sine.is_factor());
  BOOST_TEST(sine.targets().n_rows == 1u);
  test::check_error<Error>([&] { sine.predict_classes(fit.net); }, {"'y'", "numeric, not a factor"});
}

// Class labels that differ in case come in R's order, not the bytes' (factor_levels.hpp). iris with its
// species renamed setosa -> a, versicolor -> A, virginica -> b: R 4.2.2 in en_US.UTF-8 (ICU collator
// root) with nnet 7.3-18 printed  levels: a A b  and  fitted colnames: a A b, and from iris_softmax's
// start weights its fit was iris_softmax's to the last bit (max |fitted difference| 0, value
// 6.3175826709087666). Byte order (A a b) would make versicolor the first output and fit other targets.
BOOST_AUTO_TEST_CASE(mixed_case_class_labels_are_fitted_in_rs_level_order) {
  test::ScratchDir dir("nnet-mixed-case");
  std::ifstream iris_in(data_dir() + "/iris.csv");
  BOOST_REQUIRE(iris_in);
  std::ofstream mixed(dir.file("mixed.csv"));
  const std::vector<std::pair<std::string, std::string>> renamed = {{",setosa", ",a"}, {",versicolor", ",A"}, {",virginica", ",b"}};
  for (std::string line; std::getline(iris_in, line);) {
    for (const auto& [from, to] : renamed)
      if (line.size() >= from.size() && line.compare(line.size() - from.size(), from.size(), from) == 0)
        line = line.substr(0, line.size() - from.size()) + to;
    mixed << line << '\n';
  }
  mixed.close();
  const ModelFrame frame = read_model_frame(dir.file("mixed.csv"), "Species");
  BOOST_TEST(frame.levels == (std::vector<std::string>{"a", "A", "b"}), boost::test_tools::per_element());
  const ModelFrame iris = read_model_frame(data_dir() + "/iris.csv", "Species");
  BOOST_TEST(arma::all(frame.classes == iris.classes));  // a A b is setosa versicolor virginica

  const RCase c = load_case("iris_softmax");
  const NnetFit fit = fit_nnet(frame, c.options, c.initial);
  BOOST_TEST(relative_difference(fit.value, c.value) < 1e-4);
  BOOST_TEST(test::max_abs(fit.fitted - c.fitted) < 2e-3);  // column k is level k: a, A, b as R's
  const arma::uvec r_predicted = arma::index_max(c.fitted, 0).t();
  BOOST_TEST(arma::all(frame.predict_classes(fit.net) == r_predicted));

  // Two levels: target 1 for the second level in R's order, "B" (R: levels(factor(c("B", "a", "B"))) is a B).
  test::write_text(dir.file("two.csv"), "answer,x\nB,1\na,2\nB,3\n");
  const ModelFrame two = read_model_frame(dir.file("two.csv"), "answer");
  BOOST_TEST(two.levels == (std::vector<std::string>{"a", "B"}), boost::test_tools::per_element());
  BOOST_TEST(arma::approx_equal(two.targets(), arma::mat{{1, 0, 1}}, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(random_start_is_uniform_in_rang_and_reproducible) {
  const RCase c = load_case("sine_skip");
  Rng a(5), b(5);
  const NnetFit fa = fit_nnet(c.x, c.y, c.options, a);
  const NnetFit fb = fit_nnet(c.x, c.y, c.options, b);
  BOOST_TEST(fa.value == fb.value);
  BOOST_TEST(fa.net.describe() == "a 1-2-1 network with 8 weights\noptions were - skip-layer connections  linear output units  decay=0.001");
  BOOST_TEST(test::max_abs(fa.initial_weights) <= 0.7);
  BOOST_TEST(test::max_abs(fa.initial_weights) > 0.3);
  BOOST_TEST(fa.value < 5.0);  // a fit, not the start (the sum of squares of y around 0 is about 30)
  // R's runif(n, -rang, rang): both signs, spread over the interval (mean 0, variance rang²/3 = 0.1633).
  Rng many(6);
  const arma::vec w = random_weights(10000, 0.7, many);
  BOOST_TEST(w.min() >= -0.7);
  BOOST_TEST(w.max() <= 0.7);
  BOOST_TEST(w.min() < -0.69);
  BOOST_TEST(w.max() > 0.69);
  BOOST_TEST(std::abs(arma::mean(w)) < 0.02);                    // 5 standard errors (0.004)
  BOOST_TEST(std::abs(arma::var(w) - 0.49 / 3) < 0.01);          // about 7 standard errors (0.0015)
  Rng zero(1);
  BOOST_TEST(arma::all(random_weights(6, 0.0, zero) == 0.0));  // rang = 0: R starts from zeros
}

BOOST_AUTO_TEST_CASE(bad_input_gives_errors_that_say_what_was_expected) {
  const RCase c = load_case("iris_softmax");
  const arma::vec short_wts = c.initial.head(18);
  test::check_error<Error>([&] { fit_nnet(c.x, c.y, c.options, short_wts); },
                           {"Wts has 18 weights, expected 19 for a 4-2-3 network", "by destination unit"});
  arma::mat x = c.x;
  x(1, 2) = std::numeric_limits<double>::quiet_NaN();
  test::check_error<Error>([&] { fit_nnet(x, c.y, c.options, c.initial); }, {"x holds", "row 2 of sample 3", "expected finite inputs"});
  arma::mat y = c.y;
  y(0, 7) = std::numeric_limits<double>::infinity();
  test::check_error<Error>([&] { fit_nnet(c.x, y, c.options, c.initial); }, {"y holds", "sample 8", "expected finite targets"});
  test::check_error<Error>([&] { fit_nnet(c.x, c.y.cols(0, 99), c.options, c.initial); },
                           {"x has 150 samples", "y has 100", "one target column per sample"});
  arma::vec nan_wts = c.initial;
  nan_wts[3] = std::nan("");
  test::check_error<Error>([&] { fit_nnet(c.x, c.y, c.options, nan_wts); }, {"Wts holds NaN", "finite initial weights"});

  NnetOptions o;
  o.size = 2;
  o.linout = true;
  o.entropy = true;
  test::check_error<Error>([&] { fit_nnet(c.x, c.y, o, c.initial); }, {"entropy fitting needs logistic output units"});
  o = NnetOptions{};
  test::check_error<Error>([&] { make_architecture(4, 3, o); }, {"size 0 without skip", "no weights to fit"});
  o.size = 300;
  test::check_error<Error>([&] { make_architecture(4, 3, o); }, {"4-300-3 network has 2403 weights", "max_weights = 1000"});
  o.size = 2;
  o.entropy = true;
  test::check_error<Error>([&] { fit_nnet(c.x, c.y * 2.0, o, c.initial); }, {"entropy fitting needs targets in [0, 1]"});
  o.entropy = false;
  o.decay = -1;
  test::check_error<Error>([&] { fit_nnet(c.x, c.y, o, c.initial); }, {"decay", "expected decay >= 0"});

  test::check_error<Error>([&] { predict(Architecture{4, 2, 3, false}, OutputUnits::softmax, c.initial, c.x.rows(0, 2)); },
                           {"x has 3 rows", "4 inputs"});
  test::check_error<Error>([&] { NnetObjective(Architecture{4, 2, 3, false}, OutputUnits::linear, Criterion::entropy, c.x, c.y, 0); },
                           {"entropy fitting needs logistic output units"});
  test::check_error<Error>([&] { NnetObjective(Architecture{4, 2, 3, false}, OutputUnits::softmax, Criterion::least_squares, c.x, c.y, 0); },
                           {"softmax log-likelihood and softmax output units go together"});

  test::ScratchDir dir("nnet");
  test::check_error<FileError>([&] { read_model_frame(dir.file("none.csv"), "y"); }, {"none.csv: file not found"});
  test::write_text(dir.file("bad.csv"), "a,b,y\n1,2,3\n1,x,4\n");
  test::check_error<FileError>([&] { read_model_frame(dir.file("bad.csv"), "y"); }, {"bad.csv: line 3, column 'b': 'x' is not a finite number"});
  test::check_error<FileError>([&] { read_model_frame(dir.file("bad.csv"), "z"); }, {"no column named 'z'"});
  test::write_text(dir.file("short.csv"), "a,y\n1,2\n3\n");
  test::check_error<FileError>([&] { read_model_frame(dir.file("short.csv"), "y"); }, {"line 3: expected 2 fields, found 1"});
}

BOOST_AUTO_TEST_SUITE_END()
