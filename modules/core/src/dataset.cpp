#include "lecon/core/dataset.hpp"

#include <cmath>

namespace lecon {

arma::uvec Dataset::class_counts() const {
  arma::uvec counts(classes(), arma::fill::zeros);
  for (arma::uword label : y) {
    // Loaded data sets are validated; a Dataset built by hand may not be, and counts[label] would write past the end.
    if (label >= counts.n_elem)
      throw Error(name + ": label " + std::to_string(label) + " is outside [0, " + std::to_string(counts.n_elem) + "), the " +
                  std::to_string(counts.n_elem) + " class names");
    counts[label] += 1;
  }
  return counts;
}

Dataset Dataset::subset(const arma::uvec& indices) const {
  Dataset part;
  part.name = name;
  part.x = x.gather(indices);
  part.y = y.elem(indices);
  part.class_names = class_names;
  part.feature_names = feature_names;
  return part;
}

void Dataset::validate() const {
  // An empty set passes every later step silently until some max() or gather() fails far from here.
  if (x.batch() == 0) throw Error(name + ": 0 samples, expected at least 1");
  if (x.sample_size() == 0)
    throw Error(name + ": samples of shape " + x.shape().sample_str() + " hold no values, expected at least 1 per sample");
  if (classes() == 0) throw Error(name + ": no class names, expected at least 1");
  if (y.n_elem != x.batch())
    throw Error(name + ": " + std::to_string(x.batch()) + " samples but " + std::to_string(y.n_elem) + " labels");
  for (arma::uword i = 0; i < y.n_elem; ++i)
    if (y[i] >= classes())
      throw Error(name + ": label " + std::to_string(y[i]) + " of sample " + std::to_string(i) + " is outside [0, " +
                  std::to_string(classes()) + "), the " + std::to_string(classes()) + " class names");
  if (!feature_names.empty() && feature_names.size() != x.sample_size())
    throw Error(name + ": " + std::to_string(feature_names.size()) + " feature names for " + std::to_string(x.sample_size()) +
                " features");
  if (!x.matrix().is_finite())
    for (std::size_t i = 0; i < x.batch(); ++i)
      if (!x.matrix().col(i).is_finite()) throw Error(name + ": sample " + std::to_string(i) + " holds NaN or infinite values");
}

template <typename T>
arma::Mat<T> one_hot(const arma::uvec& labels, std::size_t classes) {
  arma::Mat<T> t(classes, labels.n_elem, arma::fill::zeros);
  for (arma::uword i = 0; i < labels.n_elem; ++i) {
    if (labels[i] >= classes)
      throw Error("one_hot: label " + std::to_string(labels[i]) + " outside [0, " + std::to_string(classes) + ")");
    t(labels[i], i) = T(1);
  }
  return t;
}
template arma::Mat<float> one_hot<float>(const arma::uvec&, std::size_t);
template arma::Mat<double> one_hot<double>(const arma::uvec&, std::size_t);

TrainValidation train_validation_split(const Dataset& data, double validation_fraction, Rng& rng) {
  if (!(validation_fraction > 0.0 && validation_fraction < 1.0))
    throw OptionError("validation fraction must be in (0, 1), got " + std::to_string(validation_fraction));
  data.validate();  // labels index the per-class counts below
  // Stratified: take the same fraction of every class, so a small validation set keeps the class mix.
  std::vector<arma::uword> train_idx, valid_idx;
  const arma::uvec order = rng.permutation(data.size());
  arma::uvec taken(data.classes(), arma::fill::zeros);
  const arma::uvec counts = data.class_counts();
  for (arma::uword i : order) {
    const arma::uword k = data.y[i];
    const auto quota = static_cast<arma::uword>(std::llround(validation_fraction * static_cast<double>(counts[k])));
    if (taken[k] < quota) {
      valid_idx.push_back(i);
      taken[k] += 1;
    } else {
      train_idx.push_back(i);
    }
  }
  return {data.subset(arma::uvec(train_idx)), data.subset(arma::uvec(valid_idx))};
}

Standardizer::Standardizer(arma::Col<Real> mean, arma::Col<Real> sd) : mean_(std::move(mean)), sd_(std::move(sd)) {
  if (mean_.n_elem != sd_.n_elem)
    throw Error("Standardizer: " + std::to_string(mean_.n_elem) + " means but " + std::to_string(sd_.n_elem) + " standard deviations");
  if (!mean_.is_finite() || !sd_.is_finite()) throw Error("Standardizer: NaN or infinite mean or standard deviation");
  if (sd_.n_elem > 0 && sd_.min() < 0) throw Error("Standardizer: a negative standard deviation");
}

void Standardizer::fit(const arma::Mat<Real>& x) {
  // Accumulate in double: a float mean over 60,000 samples loses digits.
  const arma::mat xd = arma::conv_to<arma::mat>::from(x);
  mean_ = arma::conv_to<arma::Col<Real>>::from(arma::mean(xd, 1));
  sd_ = arma::conv_to<arma::Col<Real>>::from(arma::stddev(xd, 1, 1));  // population sd (norm_type 1)
}

void Standardizer::apply(arma::Mat<Real>& x) const {
  if (x.n_rows != mean_.n_elem)
    throw Error("Standardizer: fitted on " + std::to_string(mean_.n_elem) + " features, given " + std::to_string(x.n_rows));
  arma::Col<Real> scale(sd_.n_elem);
  for (arma::uword j = 0; j < sd_.n_elem; ++j) scale[j] = sd_[j] > Real(0) ? Real(1) / sd_[j] : Real(1);
  x.each_col() -= mean_;
  x.each_col() %= scale;
}

std::vector<arma::uvec> minibatch_indices(std::size_t n, std::size_t batch_size, Rng* rng) {
  if (batch_size == 0) throw OptionError("batch size must be at least 1");
  const arma::uvec order = rng ? rng->permutation(n) : (n ? arma::regspace<arma::uvec>(0, n - 1) : arma::uvec());
  std::vector<arma::uvec> batches;
  for (std::size_t first = 0; first < n; first += batch_size) {
    const std::size_t last = std::min(n, first + batch_size) - 1;
    batches.push_back(order.subvec(first, last));
  }
  return batches;
}

}  // namespace lecon
