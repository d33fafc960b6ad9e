#pragma once
// Early stopping: stop when the monitored validation measure has not improved for `patience` epochs,
// and (optionally) put back the weights of the best epoch.
//
// [slide: early stopping]  keep training while the validation error falls; the number of epochs
// becomes a hyper-parameter chosen on validation data, an implicit regulariser.
//
// Its state (the best value and weights so far, the epochs waited) is part of a training run: a checkpoint
// saved with it resumes it (save_checkpoint with a TrainingState, model_io.hpp).
#include <string>
#include <vector>

#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
class EarlyStopping : public TrainingObserver<T> {
 public:
  // monitor: a History key whose value should DECREASE (e.g. "val_loss"); an improvement must beat
  // the best value by more than min_delta.
  EarlyStopping(Sequential<T>& model, std::string monitor = "val_loss", std::size_t patience = 5, double min_delta = 0.0,
                bool restore_best = true);
  bool on_epoch_end(std::size_t epoch, const History& history) override;
  void on_train_end() override;
  // For checkpoints (model_io.hpp): the settings, which loading compares, and the state: best value,
  // best epoch, epochs waited, whether it stopped, and the best weights.
  void save_state(H5Writer& file, const std::string& group) const override;
  void load_state(const H5Reader& file, const std::string& group) override;

  std::size_t best_epoch() const { return best_epoch_; }  // 0-based
  double best_value() const { return best_value_; }
  bool stopped_early() const { return stopped_; }

 private:
  Sequential<T>& model_;
  std::string monitor_;
  std::size_t patience_;
  double min_delta_;
  bool restore_best_;
  double best_value_;
  std::size_t best_epoch_ = 0, waited_ = 0;
  bool stopped_ = false;
  std::vector<arma::Mat<T>> best_weights_;
};

}  // namespace lecon
