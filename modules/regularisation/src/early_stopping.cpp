#include "lecon/regularisation/early_stopping.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"

namespace lecon {

template <typename T>
EarlyStopping<T>::EarlyStopping(Sequential<T>& model, std::string monitor, std::size_t patience, double min_delta, bool restore_best)
    : model_(model), monitor_(std::move(monitor)), patience_(patience), min_delta_(min_delta), restore_best_(restore_best),
      best_value_(std::numeric_limits<double>::infinity()) {
  if (patience == 0) throw OptionError("early stopping: patience must be at least 1 epoch");
  if (!(min_delta >= 0)) throw OptionError("early stopping: min_delta must be >= 0");
}

template <typename T>
bool EarlyStopping<T>::on_epoch_end(std::size_t epoch, const History& history) {
  const auto found = history.metrics.find(monitor_);
  if (found == history.metrics.end() || found->second.empty())
    throw Error("early stopping: the history has no '" + monitor_ + "' (give fit a validation split or validation data)");
  const double value = found->second.back();
  if (value < best_value_ - min_delta_) {
    best_value_ = value;
    best_epoch_ = epoch;
    waited_ = 0;
    if (restore_best_) {
      best_weights_.clear();
      for (Param<T>* p : model_.params()) best_weights_.push_back(p->value);
    }
    return false;
  }
  waited_ += 1;
  stopped_ = waited_ >= patience_;
  return stopped_;
}

template <typename T>
void EarlyStopping<T>::on_train_end() {
  if (!restore_best_ || best_weights_.empty()) return;
  const std::vector<Param<T>*> params = model_.params();
  if (params.size() != best_weights_.size()) throw Error("early stopping: the best weights are not those of this model");
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (arma::size(params[i]->value) != arma::size(best_weights_[i])) throw Error("early stopping: the best weights are not those of this model");
    params[i]->value = best_weights_[i];
  }
}

namespace {

std::string weights_name(const std::string& group, std::size_t i) {
  char index[24];
  std::snprintf(index, sizeof index, "%03zu", i);
  return group + "/best_weights/" + index;
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// A whole number in [0, limit) from a numeric attribute, else FileError naming it.
std::size_t whole_number(const H5Reader& file, const std::string& group, const std::string& key, double limit) {
  const double value = file.attribute_number(group, key);
  if (!(value >= 0 && value < limit && value == std::floor(value)))
    throw FileError(file.path(), group + "@" + key + " = " + number_text(value) + " is not a whole number below " + number_text(limit));
  return static_cast<std::size_t>(value);
}

}  // namespace

template <typename T>
void EarlyStopping<T>::save_state(H5Writer& file, const std::string& group) const {
  file.set_attribute(group, "observer", "EarlyStopping");
  file.set_attribute(group, "monitor", monitor_);
  file.set_attribute(group, "patience", static_cast<double>(patience_));
  file.set_attribute(group, "min_delta", min_delta_);
  file.set_attribute(group, "restore_best", restore_best_ ? 1.0 : 0.0);
  file.set_attribute(group, "best_value", best_value_);
  file.set_attribute(group, "best_epoch", static_cast<double>(best_epoch_));
  file.set_attribute(group, "waited", static_cast<double>(waited_));
  file.set_attribute(group, "stopped", stopped_ ? 1.0 : 0.0);
  file.set_attribute(group, "best_weights", static_cast<double>(best_weights_.size()));
  for (std::size_t i = 0; i < best_weights_.size(); ++i) file.write(weights_name(group, i), Tensor<T>::from_columns(best_weights_[i]));
}

template <typename T>
void EarlyStopping<T>::load_state(const H5Reader& file, const std::string& group) {
  const std::string& path = file.path();
  if (!file.exists(group) || !file.has_attribute(group, "observer") || file.attribute_string(group, "observer") != "EarlyStopping")
    throw FileError(path, group + ": no early-stopping state here (were the observers saved in another order?)");
  // The same settings, or the resumed run would not continue the saved one.
  auto require_same = [&](const std::string& key, const std::string& saved, const std::string& ours) {
    if (saved != ours) throw FileError(path, "early stopping saved with " + key + " = " + saved + ", but this one has " + key + " = " + ours);
  };
  require_same("monitor", file.attribute_string(group, "monitor"), monitor_);
  require_same("patience", number_text(file.attribute_number(group, "patience")), number_text(static_cast<double>(patience_)));
  require_same("min_delta", number_text(file.attribute_number(group, "min_delta")), number_text(min_delta_));
  require_same("restore_best", number_text(file.attribute_number(group, "restore_best")), restore_best_ ? "1" : "0");
  // Read everything, then replace: a bad file leaves the observer as it was.
  const double best_value = file.attribute_number(group, "best_value");
  if (std::isnan(best_value)) throw FileError(path, group + "@best_value is NaN");
  const std::size_t best_epoch = whole_number(file, group, "best_epoch", 9e15);
  const std::size_t waited = whole_number(file, group, "waited", 9e15);
  const bool stopped = whole_number(file, group, "stopped", 2) == 1;
  const std::size_t count = whole_number(file, group, "best_weights", 1e6);
  const std::vector<Param<T>*> params = model_.params();
  if (count != 0 && count != params.size())
    throw FileError(path, group + ": best weights for " + std::to_string(count) + " parameters, the model has " + std::to_string(params.size()));
  std::vector<arma::Mat<T>> best_weights;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string name = weights_name(group, i);
    if (!file.exists(name)) throw FileError(path, name + ": missing");
    best_weights.push_back(file.read<T>(name).matrix());
    if (arma::size(best_weights.back()) != arma::size(params[i]->value))
      throw FileError(path, name + ": not shaped like parameter " + std::to_string(i) + " '" + params[i]->name + "'");
    if (!best_weights.back().is_finite()) throw FileError(path, name + ": NaN or infinite weights");
  }
  best_value_ = best_value;
  best_epoch_ = best_epoch;
  waited_ = waited;
  stopped_ = stopped;
  best_weights_ = std::move(best_weights);
}

template class EarlyStopping<float>;
template class EarlyStopping<double>;

}  // namespace lecon
