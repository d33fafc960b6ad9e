#pragma once
// A progress bar for a training run: an observer of fit that advances a Progress bar after every batch
// and shows the epoch and its training loss. Header-only, since it needs modules/backprop, which labkit
// itself does not link: a lab that includes it links lecon_backprop (every lab that trains does).
//
// Compiled example (tests/docs/header_examples.cpp):
//   FitOptions options{epochs, 32};
//   FitProgress<Real> progress("mini-batch (batch 32)", options, x.batch());
//   fit(model, loss, sgd, x, y, options, rng, {&progress, &l2});
//
// Put it first among the observers: on a terminal its line must end before another observer prints.
#include <cstdio>
#include <memory>
#include <string>

#include "lecon/backprop/sequential.hpp"
#include "lecon/labkit/progress.hpp"

namespace lecon {

template <typename T>
class FitProgress : public TrainingObserver<T> {
 public:
  enum class Bars {
    per_run,    // one bar over every batch of every epoch (many short epochs)
    per_epoch,  // one bar per epoch, ended before the other observers' epoch end (long epochs, with a line each)
  };
  // label names the run ("online (batch 1)"); samples is the number of rows of x given to fit, options
  // what fit is given: they fix the batches per epoch (validation samples do not train).
  FitProgress(std::string label, const FitOptions& options, std::size_t samples, Bars bars = Bars::per_run)
      : label_(std::move(label)), epochs_(options.epochs), bars_(bars) {
    const std::size_t validation = static_cast<std::size_t>(static_cast<double>(samples) * options.validation_split);
    const std::size_t train = samples - validation;
    batches_ = options.batch_size ? (train + options.batch_size - 1) / options.batch_size : 0;
  }

  void after_step(const std::vector<Param<T>*>&) override {
    if (!bar_) start();
    bar_->advance();
  }

  bool on_epoch_end(std::size_t, const History& history) override {
    ++epoch_;
    char loss[32];
    std::snprintf(loss, sizeof loss, "%.4g", history["loss"].back());
    const std::string note = "epoch " + std::to_string(epoch_) + "/" + std::to_string(epochs_) + ", loss " + loss;
    if (!bar_) return false;
    if (bars_ == Bars::per_epoch) {
      bar_->finish("loss " + std::string(loss));
      bar_.reset();
    } else {
      bar_->set_note(note);
    }
    return false;
  }

  void on_train_end() override {
    if (bar_) bar_->finish();
    bar_.reset();
  }

 private:
  void start() {
    if (bars_ == Bars::per_epoch)
      bar_ = std::make_unique<Progress>(label_ + ", epoch " + std::to_string(epoch_ + 1) + "/" + std::to_string(epochs_), batches_, "batch");
    else
      bar_ = std::make_unique<Progress>(label_, batches_ * epochs_, "batch");
  }

  std::string label_;
  std::size_t epochs_, batches_ = 0, epoch_ = 0;
  Bars bars_;
  std::unique_ptr<Progress> bar_;
};

}  // namespace lecon
