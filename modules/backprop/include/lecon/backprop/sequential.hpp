#pragma once
// A stack of layers with keras' fit / evaluate / predict / predict_classes.
//
// Compiled example (tests/docs/header_examples.cpp):
//   Sequential<float> model;
//   model.add<Dense<float>>(4, 5, rng).add<ActivationLayer<float>>(Activation::relu)
//        .add<Dense<float>>(5, 3, rng);
//   SoftmaxCrossEntropy<float> loss;  RMSprop<float> opt;
//   History h = fit(model, loss, opt, x_train, y_train, FitOptions{500, 50}, rng);
//
// A run in pieces (a checkpoint between them, model_io.hpp) keeps its state in a TrainingState:
// Compiled example (tests/docs/header_examples.cpp):
//   TrainingState state{Rng(seed)};
//   fit(model, loss, opt, x, y, options, state, observers);   // advances state.epoch, state.rng, ...
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lecon/backprop/layer.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/optimizer.hpp"

namespace lecon {

class H5Writer;
class H5Reader;

template <typename T>
class Sequential {
 public:
  Sequential() = default;
  Sequential(Sequential&&) noexcept = default;
  Sequential& operator=(Sequential&&) noexcept = default;

  Sequential& add(LayerPtr<T> layer);
  template <typename L, typename... Args>
  Sequential& add(Args&&... args) {
    return add(std::make_unique<L>(std::forward<Args>(args)...));
  }

  std::size_t size() const { return layers_.size(); }
  Layer<T>& layer(std::size_t i) { return *layers_.at(i); }
  const Layer<T>& layer(std::size_t i) const { return *layers_.at(i); }

  // The whole network on a batch; the result stays valid until the next forward.
  const Tensor<T>& forward(const Tensor<T>& x, const Context& ctx);
  // The layers keep a pointer to x for backward: a temporary (model.forward(x.gather(idx), ctx)) would be gone
  // by then. Keep the batch in a variable (fit reuses one buffer, Tensor::gather_into).
  const Tensor<T>& forward(Tensor<T>&& x, const Context& ctx) = delete;
  // Back through every layer from dL/dy of the last forward; fills every parameter's gradient.
  void backward(const Tensor<T>& dy);
  std::vector<Param<T>*> params();
  std::size_t parameter_count();

  // Outputs for x in eval mode, batch by batch.   x: (n, ...) -> (n, outputs)
  Tensor<T> predict(const Tensor<T>& x, std::size_t batch_size = 1024);
  // Index of the largest output of each sample.   -> (n)
  arma::uvec predict_classes(const Tensor<T>& x, std::size_t batch_size = 1024);
  // keras' model.summary() for a batch of shape `input` (n, ...), n any: one line per layer with
  // its kind, its named settings (the activation), its position, the output shape of one sample and its
  // parameter count, then the total. For Dense(4, 16), relu, Dense(16, 3) and input Shape{1, 4}:
  //   Layer (type)          Output shape      Param #
  //   Dense 0               (16)              80
  //   Activation(relu) 1    (16)              0
  //   Dense 2               (3)               51
  //   Total params: 131
  std::string summary(const Shape& input);

 private:
  std::vector<LayerPtr<T>> layers_;
  std::vector<Tensor<T>> outputs_;    // outputs_[i] = output of layer i
  std::vector<Tensor<T>> gradients_;  // scratch for ∂L/∂(input of layer i)
};

// The seam of data parallelism (modules/distributed, docs/distributed.md). With a partition, fit draws every
// global batch as before (the same order in every process, from the same seed), computes forward and
// backward on this process's shard of it only, lets an observer combine the processes' gradients
// (after_backward) so that every process takes the same step, and sums the loss and accuracy it records over
// the processes, so that every process keeps the same History. No layer or model knows about it.
struct BatchPartition {
  virtual ~BatchPartition() = default;
  // The positions in global_batch that this process computes (may be empty for a batch smaller than the
  // number of processes; fit then contributes zero gradients).
  virtual arma::uvec shard(const arma::uvec& global_batch) = 0;
  // The terms this process's loss averaged over in the current batch (Loss::terms of its shard; 0 for an
  // empty shard), so that the combined gradient is the whole batch's mean's.
  virtual void set_local_terms(double terms) = 0;
  // A number summed over the processes.
  virtual double sum(double local) = 0;
};

struct FitOptions {
  std::size_t epochs = 1;
  std::size_t batch_size = 32;      // 1: online, n: full batch
  double validation_split = 0.0;    // the LAST fraction of the samples, as keras takes it
  bool shuffle = true;              // reshuffle the training samples every epoch
  bool accuracy = true;             // also track accuracy (targets one-hot or 0/1)
  // No progress bar here: fit stays silent; labs show one with labkit's FitProgress observer.
  // Whether this call ends the run, so that the observers' on_train_end runs (EarlyStopping puts back the
  // best weights). false for a piece of a run that a later fit continues, e.g. after a checkpoint: the
  // weights stay those training reached, and the last piece finishes. A run that an observer stops ends
  // there in any case.
  bool finish = true;
  // Data parallelism: this process's share of each batch (see BatchPartition). nullptr: the whole batch.
  BatchPartition* partition = nullptr;
};

// Per-epoch history, as keras' History.history: "loss", "accuracy", "val_loss", "val_accuracy".
struct History {
  std::map<std::string, std::vector<double>> metrics;
  std::vector<double> seconds;  // wall time of each epoch
  const std::vector<double>& operator[](const std::string& key) const { return metrics.at(key); }
};

// Where a training run stands between two epochs, besides the weights (in the model) and the optimizer's
// state (in the optimizer): everything else fit carries from one epoch to the next. fit(..., state, ...)
// starts from it and advances it; save_checkpoint / load_checkpoint (model_io.hpp) write and read it with
// the observers' own state, so that a run trained in pieces, even in separate processes, ends with the
// same weights, bit for bit, as the run in one piece.
struct TrainingState {
  explicit TrainingState(Rng generator) : rng(generator) {}

  Rng rng;                // shuffles the batches and draws the layers' random numbers (dropout masks)
  std::size_t epoch = 0;  // epochs completed; the next one is number `epoch` (0-based) for the observers
  bool stopped = false;   // an observer ended the run (early stopping): fit trains no further epoch
  History history;        // the metrics of every completed epoch of the run
};

// Hooks into the training loop, so regularisers, early stopping and logging plug in without the loop
// knowing them. Every hook has a do-nothing default.
template <typename T>
struct TrainingObserver {
  virtual ~TrainingObserver() = default;
  // After backward, before the step: may change gradients (L2, L1 penalties).
  virtual void after_backward(const std::vector<Param<T>*>&) {}
  // After the optimizer's step: may change weights (max-norm, proximal L1).
  virtual void after_step(const std::vector<Param<T>*>&) {}
  // At the end of each epoch; returning true stops training (early stopping).
  virtual bool on_epoch_end(std::size_t /*epoch*/, const History&) { return false; }
  // After the last epoch (e.g. restore the best weights): when an observer stops the run, or at the end of
  // a fit whose FitOptions::finish is true.
  virtual void on_train_end() {}
  // Observers that carry state from epoch to epoch (early stopping: the best value and weights, the epochs
  // waited) write it under `group` of a checkpoint and read it back, so that a resumed run continues
  // them (model_io.hpp). The defaults are for observers without such state.
  virtual void save_state(H5Writer& /*file*/, const std::string& /*group*/) const {}
  // Replaces the state by the one saved under `group`; throws FileError naming the file if it is missing
  // or was saved by another kind of observer or with other settings.
  virtual void load_state(const H5Reader& /*file*/, const std::string& /*group*/) {}
};

struct Evaluation {
  double loss = 0;
  double accuracy = 0;
};

// [slide: mini-batch gradient descent] for each epoch, for each batch B: forward, L_B, backward, step.
// Trains options.epochs epochs from `state` (state.epoch onwards; none if state.stopped) and advances it.
// Observers see the run's epoch numbers and its whole History; the result is that History.
template <typename T>
History fit(Sequential<T>& model, const Loss<T>& loss, Optimizer<T>& optimizer, const Tensor<T>& x, const Tensor<T>& y,
            const FitOptions& options, TrainingState& state, const std::vector<TrainingObserver<T>*>& observers = {});
// A run from epoch 0 with `rng` as its generator (which advances as the run draws from it).
template <typename T>
History fit(Sequential<T>& model, const Loss<T>& loss, Optimizer<T>& optimizer, const Tensor<T>& x, const Tensor<T>& y,
            const FitOptions& options, Rng& rng, const std::vector<TrainingObserver<T>*>& observers = {});

template <typename T>
Evaluation evaluate(Sequential<T>& model, const Loss<T>& loss, const Tensor<T>& x, const Tensor<T>& y,
                    std::size_t batch_size = 1024);

// Fraction of samples whose largest output is at the target's largest entry (one column: threshold 0.5).
template <typename T>
double accuracy(const arma::Mat<T>& outputs, const arma::Mat<T>& targets);

}  // namespace lecon
