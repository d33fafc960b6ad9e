#pragma once
// One training run with every piece of state fit carries, shared by the resume tests: shuffled batches,
// a Dropout layer, a per-epoch learning-rate schedule and early stopping that watches a validation split.
// regularisation_test.cpp trains it in one process; resume_process.cpp in separate processes.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/dataset.hpp"
#include "lecon/optimizers/schedule.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/dropout.hpp"
#include "lecon/regularisation/early_stopping.hpp"
#include "worse.hpp"

namespace lecon::test {

// Two noisy classes in 20 dimensions; the last quarter is fit's validation split.
struct ResumeData {
  Tensor<float> x, t;
};

inline ResumeData resume_data() {
  Rng rng(11);
  const std::size_t n = 160;
  arma::fmat X(20, n);
  rng.fill_normal(X, 0.0f, 1.0f);
  arma::uvec labels(n);
  for (arma::uword i = 0; i < n; ++i) {
    labels[i] = i % 2;
    X(0, i) += labels[i] ? 1.0f : -1.0f;
  }
  return {Tensor<float>::from_columns(X), Tensor<float>::from_columns(one_hot<float>(labels, 2))};
}

// The settings that vary between the runs of the test.
struct ResumeSettings {
  std::size_t patience = 2;       // early stopping's
  float learning_rate = 0.05f;    // η0 of the step-decay schedule (halved every 2 epochs)
};

// The objects of a run, built as a program would build them. init_seed draws the initial weights: a run
// resumed from a checkpoint gets other ones, so that every weight must come from the file.
class ResumeRun {
 public:
  explicit ResumeRun(const ResumeSettings& settings = {}, std::uint64_t init_seed = 12)
      : model_(make_model(init_seed)),
        sgd_(settings.learning_rate, 0.9),
        schedule_(sgd_, StepDecay(settings.learning_rate, 0.5, 2), ScheduleUnit::epoch),
        stop_(model_, "val_loss", settings.patience, 0.0, true),
        state_(Rng(13)) {}

  // `epochs` more epochs; finish = false for a piece that a later fit continues.
  History train(const ResumeData& data, std::size_t epochs, bool finish) {
    FitOptions options;
    options.epochs = epochs;
    options.batch_size = 16;
    options.validation_split = 0.25;
    options.shuffle = true;
    options.finish = finish;
    return fit(model_, loss_, sgd_, data.x, data.t, options, state_, observers());
  }
  void save(const std::string& path) { save_checkpoint(path, model_, sgd_, state_, observers()); }
  void load(const std::string& path) { load_checkpoint(path, model_, sgd_, state_, observers()); }

  Sequential<float>& model() { return model_; }
  const TrainingState& state() const { return state_; }
  const EarlyStopping<float>& early_stopping() const { return stop_; }

 private:
  static Sequential<float> make_model(std::uint64_t seed) {
    register_dropout_layer();
    Rng rng(seed);
    Sequential<float> m;
    m.add<Dense<float>>(20, 32, rng).add<ActivationLayer<float>>(Activation::relu).add<Dropout<float>>(0.3).add<Dense<float>>(32, 2, rng);
    return m;
  }
  std::vector<TrainingObserver<float>*> observers() { return {&schedule_, &stop_}; }

  Sequential<float> model_;
  SGD<float> sgd_;
  LearningRateScheduler<float> schedule_;
  EarlyStopping<float> stop_;
  TrainingState state_;
  SoftmaxCrossEntropy<float> loss_;
};

// The largest |a - b| over all weights (infinity if the models differ in shape).
inline double max_weight_difference(Sequential<float>& a, Sequential<float>& b) {
  const std::vector<Param<float>*> pa = a.params(), pb = b.params();
  if (pa.size() != pb.size()) return arma::datum::inf;
  double worst = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (arma::size(pa[i]->value) != arma::size(pb[i]->value)) return arma::datum::inf;
    worst = worse(worst, arma::fmat(arma::abs(pa[i]->value - pb[i]->value)));
  }
  return worst;
}

}  // namespace lecon::test
