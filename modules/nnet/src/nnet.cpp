#include "lecon/nnet/nnet.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "lecon/core/dataset.hpp"
#include "lecon/core/error.hpp"
#include "lecon/nnet/vmmin.hpp"

namespace lecon::nnet {
namespace {

// The first non-finite entry of m as "<value> at row r of sample c" (1-based, as a reader counts).
std::string first_non_finite(const arma::mat& m) {
  for (arma::uword c = 0; c < m.n_cols; ++c)
    for (arma::uword r = 0; r < m.n_rows; ++r)
      if (!std::isfinite(m(r, c)))
        return std::to_string(m(r, c)) + " at row " + std::to_string(r + 1) + " of sample " + std::to_string(c + 1);
  return "";
}

void check_data(const arma::mat& x, const arma::mat& y, const NnetOptions& options) {
  if (x.n_cols != y.n_cols)
    throw Error("nnet: x has " + std::to_string(x.n_cols) + " samples (columns) but y has " + std::to_string(y.n_cols) +
                "; expected one target column per sample");
  if (x.n_cols == 0) throw Error("nnet: no samples; expected x of p rows and n >= 1 columns");
  if (y.n_rows == 0) throw Error("nnet: y has no rows; expected K >= 1 targets per sample");
  if (!x.is_finite()) throw Error("nnet: x holds " + first_non_finite(x) + "; expected finite inputs (R: missing values in 'x')");
  if (!y.is_finite()) throw Error("nnet: y holds " + first_non_finite(y) + "; expected finite targets (R: missing values in 'y')");
  if (!(options.decay >= 0.0)) throw Error("nnet: decay " + std::to_string(options.decay) + ", expected decay >= 0");
  if (criterion(options) == Criterion::entropy && (y.min() < 0.0 || y.max() > 1.0))
    throw Error("nnet: entropy fitting needs targets in [0, 1], got values in [" + std::to_string(y.min()) + ", " +
                std::to_string(y.max()) + "]");
}

// A number as R prints it: at most 7 significant digits, fixed notation unless scientific is shorter
// (5e-04, but 0.001).
std::string r_number(double value) {
  char sci[64], fixed_text[64];
  std::snprintf(sci, sizeof sci, "%.6e", value);
  const double rounded = std::strtod(sci, nullptr);
  int digits = 7;
  for (int d = 1; d <= 7; ++d) {
    std::snprintf(sci, sizeof sci, "%.*e", d - 1, value);
    if (std::strtod(sci, nullptr) == rounded) {
      digits = d;
      break;
    }
  }
  const int exponent = std::atoi(std::strchr(sci, 'e') + 1);
  std::snprintf(fixed_text, sizeof fixed_text, "%.*f", std::max(0, digits - 1 - exponent), value);
  return std::strlen(fixed_text) <= std::strlen(sci) ? fixed_text : sci;
}

}  // namespace

Architecture make_architecture(std::size_t inputs, std::size_t outputs, const NnetOptions& options) {
  Architecture net;
  net.inputs = inputs;
  net.hidden_units = options.size;
  net.outputs = outputs;
  net.skip = options.skip;
  // Without hidden units R's network has no connections at all unless skip adds input -> output ones.
  if (net.hidden_units == 0 && !net.skip)
    throw Error("nnet: size 0 without skip leaves no weights to fit; expected size >= 1 or skip = true");
  if (net.weight_count() > options.max_weights)
    throw Error("nnet: a " + net.str() + " network has " + std::to_string(net.weight_count()) +
                " weights, more than max_weights = " + std::to_string(options.max_weights) + " (R's MaxNWts)");
  return net;
}

OutputUnits output_units(const NnetOptions& options) {
  if (options.linout && options.entropy && !options.softmax)
    throw Error("nnet: entropy fitting needs logistic output units; expected linout = false with entropy = true");
  if (options.softmax) return OutputUnits::softmax;
  return options.linout ? OutputUnits::linear : OutputUnits::logistic;
}

Criterion criterion(const NnetOptions& options) {
  if (options.softmax) return Criterion::log_likelihood;
  output_units(options);  // rejects linout with entropy
  return options.entropy ? Criterion::entropy : Criterion::least_squares;
}

arma::vec random_weights(std::size_t count, double rang, Rng& rng) {
  arma::vec w(count, arma::fill::zeros);
  if (rang > 0)
    for (std::size_t i = 0; i < count; ++i) w[i] = rng.uniform(-rang, rang);
  return w;
}

arma::mat class_ind(const arma::uvec& classes, std::size_t K) { return one_hot<double>(classes, K); }

arma::mat Nnet::predict(const arma::mat& x) const { return nnet::predict(architecture, units, weights, x); }

arma::uvec Nnet::classify(const arma::mat& x) const {
  const arma::mat y = predict(x);
  arma::uvec classes(y.n_cols);
  for (arma::uword n = 0; n < y.n_cols; ++n)
    classes[n] = y.n_rows > 1 ? y.col(n).index_max() : (y(0, n) > 0.5 ? 1 : 0);
  return classes;
}

std::string Nnet::describe() const {
  std::ostringstream out;
  out << "a " << architecture.str() << " network with " << architecture.weight_count() << " weights\noptions were -";
  if (architecture.skip) out << " skip-layer connections ";
  if (units == OutputUnits::linear) out << " linear output units ";
  if (criterion == Criterion::entropy) out << " entropy fitting ";
  if (units == OutputUnits::softmax) out << " softmax modelling ";
  if (decay > 0) out << " decay=" << r_number(decay);
  return out.str();
}

NnetFit fit_nnet(const arma::mat& x, const arma::mat& y, const NnetOptions& options, const arma::vec& initial_weights) {
  check_data(x, y, options);
  const Architecture net = make_architecture(x.n_rows, y.n_rows, options);
  if (initial_weights.n_elem != net.weight_count())
    throw Error("nnet: Wts has " + std::to_string(initial_weights.n_elem) + " weights, expected " +
                std::to_string(net.weight_count()) + " for a " + net.str() + " network" + (net.skip ? " with skip" : "") +
                " (by destination unit: each hidden unit's bias and inputs, then each output's bias, hidden" +
                (net.skip ? " units and inputs)" : " units)"));
  if (!initial_weights.is_finite()) throw Error("nnet: Wts holds NaN or Inf; expected finite initial weights");

  NnetFit fit;
  fit.net.architecture = net;
  fit.net.units = output_units(options);
  fit.net.criterion = criterion(options);
  fit.net.decay = options.decay;
  fit.initial_weights = initial_weights;
  if (options.trace) *options.trace << "# weights:  " << net.weight_count() << '\n';

  NnetObjective objective(net, fit.net.units, fit.net.criterion, x, y, options.decay);
  VmminOptions vm;
  vm.maxit = options.maxit;
  vm.abstol = options.abstol;
  vm.reltol = options.reltol;
  vm.report = 10;
  vm.trace = options.trace;
  const VmminResult result = vmmin(objective, initial_weights, vm);

  fit.net.weights = result.x;
  fit.value = result.value;
  fit.converged = result.converged;
  fit.iterations = result.iterations;
  fit.function_count = result.function_count;
  fit.gradient_count = result.gradient_count;
  fit.fitted = fit.net.predict(x);
  return fit;
}

NnetFit fit_nnet(const arma::mat& x, const arma::mat& y, const NnetOptions& options, Rng& rng) {
  check_data(x, y, options);
  const Architecture net = make_architecture(x.n_rows, y.n_rows, options);
  return fit_nnet(x, y, options, random_weights(net.weight_count(), options.rang, rng));
}

}  // namespace lecon::nnet
