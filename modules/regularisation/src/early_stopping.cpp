#include "lecon/regularisation/early_stopping.hpp"

#include <limits>

#include "lecon/core/error.hpp"

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
  for (std::size_t i = 0; i < params.size(); ++i) params[i]->value = best_weights_[i];
}

template class EarlyStopping<float>;
template class EarlyStopping<double>;

}  // namespace lecon
