#pragma once
// R's nnet (Venables & Ripley, "Modern Applied Statistics with S"): a network with one hidden
// layer of logistic units, fitted by BFGS (vmmin) to a criterion plus weight decay.
//
//   R:    nnet(x, y, size = 2, decay = 5e-4, maxit = 200, softmax = TRUE, Wts = w0)
// Compiled example (tests/docs/header_examples.cpp):
//   NnetOptions o; o.size = 2; o.decay = 5e-4; o.maxit = 200; o.softmax = true;
//   NnetFit fit = fit_nnet(x, y, o, w0);          // x: (p x n), y: (K x n), one sample per column
//
// The options keep R's names and defaults. Starting weights: either given (R's Wts, in R's order, see
// network.hpp) or drawn uniformly from [-rang, rang] with lecon::Rng; the draws are not R's runif, so
// reproducing an R fit exactly means passing R's Wts.
#include <armadillo>
#include <ostream>
#include <string>

#include "lecon/core/rng.hpp"
#include "lecon/nnet/network.hpp"
#include "lecon/nnet/objective.hpp"

namespace lecon::nnet {

struct NnetOptions {
  std::size_t size = 0;     // hidden units S (0 needs skip = true)
  bool linout = false;      // linear output units (default: logistic)
  bool entropy = false;     // entropy fitting (logistic outputs only)
  bool softmax = false;     // softmax outputs, log-likelihood fitting (overrides linout and entropy, as in R)
  bool skip = false;        // skip-layer connections input -> output
  double rang = 0.7;        // initial weights uniform in [-rang, rang] (0: all zero)
  double decay = 0.0;       // weight decay λ
  int maxit = 100;          // most BFGS iterations
  double abstol = 1e-4;     // stop when the objective falls below abstol
  double reltol = 1e-8;     // stop when a step improves the objective by less than reltol relative
  std::size_t max_weights = 1000;  // R's MaxNWts: more weights is an error
  std::ostream* trace = nullptr;   // R's trace = TRUE: print "# weights:", "initial  value", ... here
};

// A fitted (or given) network: architecture, unit types and weights.
struct Nnet {
  Architecture architecture;
  OutputUnits units = OutputUnits::logistic;
  Criterion criterion = Criterion::least_squares;
  double decay = 0.0;
  arma::vec weights;  // (weight_count) in R's order

  // R's predict(type = "raw"): (K x n) outputs, probabilities for softmax units; x: (p x n).
  arma::mat predict(const arma::mat& x) const;
  // R's predict(type = "class"), as 0-based class indices (n): the largest output when K > 1 (the first
  // on a tie; R picks one at random), else 1 if y > 0.5 and 0 otherwise. x: (p x n).
  arma::uvec classify(const arma::mat& x) const;
  // R's print() without the formula's inputs/output lines: "a 4-2-3 network with 19 weights\n
  // options were - softmax modelling  decay=5e-04".
  std::string describe() const;
};

struct NnetFit {
  Nnet net;
  double value = 0;          // R's $value: the objective (criterion + decay) at the end
  bool converged = false;    // R's $convergence == 0: stopped by a tolerance before maxit
  int iterations = 0;        // BFGS iterations (R prints them with trace)
  int function_count = 0;    // objective evaluations
  int gradient_count = 0;    // gradient evaluations
  arma::vec initial_weights; // (weight_count) where the fit started
  arma::mat fitted;          // (K x n) R's $fitted.values
};

// The architecture R builds for p inputs, options.size hidden units and K outputs.
// Throws Error if it has no weights (size 0 without skip) or more than options.max_weights.
Architecture make_architecture(std::size_t inputs, std::size_t outputs, const NnetOptions& options);

// Output units and criterion from R's flags: softmax -> softmax units + log-likelihood; else
// linout -> linear units + least squares; else logistic units + entropy or least squares.
// Throws Error for linout with entropy ("entropy fit only for logistic units" in R).
OutputUnits output_units(const NnetOptions& options);
Criterion criterion(const NnetOptions& options);

// R's default start: count weights uniform in [-rang, rang] from rng (zeros when rang <= 0).
arma::vec random_weights(std::size_t count, double rang, Rng& rng);

// R's class.ind: (K x n) 0/1 indicator targets from 0-based classes (n).
arma::mat class_ind(const arma::uvec& classes, std::size_t K);

// Fits from the given initial weights (R's Wts). x: (p x n) inputs, y: (K x n) targets.
// Throws Error naming what was expected for: x and y of different sample counts, NaN/Inf in x or y,
// Wts of the wrong length or not finite, entropy targets outside [0, 1], negative decay, bad flags.
NnetFit fit_nnet(const arma::mat& x, const arma::mat& y, const NnetOptions& options, const arma::vec& initial_weights);
// Fits from weights drawn uniformly in [-rang, rang] from rng.
NnetFit fit_nnet(const arma::mat& x, const arma::mat& y, const NnetOptions& options, Rng& rng);

}  // namespace lecon::nnet
