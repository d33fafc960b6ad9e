#pragma once
// Data sets in memory, and the small transformations every lab needs:
// one-hot targets, standardisation, a train/validation split and mini-batches shuffled per epoch.
#include <armadillo>
#include <string>
#include <vector>

#include "lecon/core/rng.hpp"
#include "lecon/core/tensor.hpp"

namespace lecon {

// Samples x with one class label each.
struct Dataset {
  std::string name;                      // e.g. "mnist/train"
  Tensor<Real> x;                        // (n, c, h, w) images with pixels in [0, 1], or (n, d) features
  arma::uvec y;                          // (n) class index of each sample, in [0, classes)
  std::vector<std::string> class_names;  // (classes)
  std::vector<std::string> feature_names;  // (d) for tabular data; empty for images

  std::size_t size() const { return x.batch(); }
  std::size_t classes() const { return class_names.size(); }
  // (classes) number of samples of each class.
  arma::uvec class_counts() const;
  // The samples at the given positions, in that order.
  Dataset subset(const arma::uvec& indices) const;
  // Throws Error "<name>: <fault>" if there are no samples, no values per sample or no class names, x and
  // y disagree in length, a label is >= classes(), feature_names do not match d, or a sample holds NaN/Inf
  // (the message names the first such sample).
  void validate() const;
};

// The train and test parts of one data set, as stored in data/<name>.h5, and the validation part of the
// data sets that publish one (the MNIST variants: data/mnist-variants/<name>.h5).
struct DataSplit {
  Dataset train;
  Dataset test;
  std::string source;  // where the files came from
  Dataset valid{};     // the published validation part; empty (valid.size() == 0) when the file has none

  bool has_valid() const { return valid.size() > 0; }
};

// [slide: one-hot encoding]  t_k = 1 if y = k else 0. Returns (classes x n), one column per sample.
template <typename T = Real>
arma::Mat<T> one_hot(const arma::uvec& labels, std::size_t classes);

// Moves a random fraction of `data` (stratified by class) into a validation set.
struct TrainValidation {
  Dataset train;
  Dataset validation;
};
TrainValidation train_validation_split(const Dataset& data, double validation_fraction, Rng& rng);

// Per-feature standardisation x' = (x - mean) / sd, fitted on training data only.
// Features with sd == 0 (constant pixels) are only centred.
class Standardizer {
 public:
  Standardizer() = default;
  // A fitted one (read back from a model file): mean and sd of d features; throws Error unless both have d
  // finite entries and every sd is >= 0.
  Standardizer(arma::Col<Real> mean, arma::Col<Real> sd);
  void fit(const arma::Mat<Real>& x);          // x: (d x n)
  void apply(arma::Mat<Real>& x) const;        // in place; x: (d x n) with the fitted d
  const arma::Col<Real>& mean() const { return mean_; }
  const arma::Col<Real>& sd() const { return sd_; }

 private:
  arma::Col<Real> mean_;
  arma::Col<Real> sd_;
};

// The index sets of one epoch's mini-batches over n samples: shuffled by rng, or in order if rng is
// null. The last batch is smaller when batch_size does not divide n. Use batch_size = n for full batch
// and 1 for online learning.
std::vector<arma::uvec> minibatch_indices(std::size_t n, std::size_t batch_size, Rng* rng);

}  // namespace lecon
