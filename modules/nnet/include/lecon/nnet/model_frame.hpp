#pragma once
// R's formula interface, nnet(response ~ ., data = read.csv(path)): every column but the response is
// an input, in file order; the response is numeric (regression) or text (a factor, its levels in the
// order R's factor() gives them in an English locale: a A b B, not the bytes' A B a b; factor_levels.hpp). Values are read in double precision, so they are the doubles R reads.
//
// What nnet.formula fits to a factor response:
//   2 levels:  one logistic output, entropy fitting, target 1 for the second level
//   K > 2:     K softmax outputs, targets class.ind(y)
#include <armadillo>
#include <string>
#include <vector>

#include "lecon/nnet/nnet.hpp"

namespace lecon::nnet {

struct ModelFrame {
  std::string source;                    // the file read
  std::vector<std::string> input_names;  // (p)
  arma::mat x;                           // (p x n) inputs, one sample per column
  std::string response_name;
  arma::vec response;                    // (n) a numeric response; empty for a factor
  std::vector<std::string> levels;       // (K) a factor's levels in R's order; empty for a numeric response
  arma::uvec classes;                    // (n) a factor's 0-based level per sample

  bool is_factor() const { return !levels.empty(); }
  std::size_t size() const { return x.n_cols; }
  // The targets nnet.formula fits: (1 x n) for a numeric response or 2 levels, (K x n) class.ind otherwise.
  arma::mat targets() const;
  // options as nnet.formula changes them: entropy for 2 levels, softmax for more.
  NnetOptions formula_options(NnetOptions options) const;
  // The predicted 0-based levels of a fitted classifier (R's predict(type = "class")).
  arma::uvec predict_classes(const Nnet& net) const;
};

// Reads a CSV with a header row. Throws FileError naming the file and line for: a missing file, no
// column `response`, a row with the wrong number of fields, an input that is not a finite number.
ModelFrame read_model_frame(const std::string& csv_path, const std::string& response);

// nnet(response ~ ., data) from the given initial weights (R's Wts), or from rng.
NnetFit fit_nnet(const ModelFrame& frame, const NnetOptions& options, const arma::vec& initial_weights);
NnetFit fit_nnet(const ModelFrame& frame, const NnetOptions& options, Rng& rng);

}  // namespace lecon::nnet
