#pragma once
// Single autoencoders as models, and stacks of them: SAA (plain) and SdA (denoising) are the same code
// with ν = 0 or ν > 0 ([paper: Vincent et al. 2008], [paper: Bengio et al. 2007]).
//
// Compiled example (tests/docs/header_examples.cpp):
//   StackOptions options = stack_options({500, 500, 500}, 0.25);   // hidden sizes, ν
//   options.training.epochs = 15;
//   StackedAutoencoder<Real> sda = pretrain_stack<Real>(x_train, options, [] { return std::make_unique<SGD<Real>>(0.01); }, rng);
//   arma::Mat<Real> filters = sda.autoencoder(0).W_value();           // first-layer filters, one per row
//   Tensor<Real> z = sda.autoencoder(0).reconstruct(x_test);          // reconstructions, shaped like x
//   Sequential<Real> net = sda.classifier(10, rng);                   // encoders + Dense(10) (logits)
//   fit(net, SoftmaxCrossEntropy<Real>(), sgd, x_train, one_hot, FitOptions{30, 1}, rng);
//   double error = 1 - evaluate(net, SoftmaxCrossEntropy<Real>(), x_test, y_test).accuracy;
//   save_stack("sda.h5", sda);  StackedAutoencoder<Real> again = load_stack<Real>("sda.h5");
#include <functional>
#include <memory>
#include <vector>

#include "lecon/autoencoders/autoencoder.hpp"
#include "lecon/autoencoders/corruption.hpp"
#include "lecon/autoencoders/reconstruction_loss.hpp"
#include "lecon/backprop/greedy_pretraining.hpp"
#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/sequential.hpp"

namespace lecon {

// One autoencoder: its size, weights, units, loss and corruption.
struct AutoencoderOptions {
  std::size_t hidden_units = 0;                                   // h
  bool tied = true;                                               // W' = Wᵀ
  Activation encoder = Activation::sigmoid;
  Activation decoder = Activation::sigmoid;
  ReconstructionLoss loss = ReconstructionLoss::cross_entropy;
  CorruptionKind corruption = CorruptionKind::masking;
  double corruption_level = 0;                                    // ν (σ for gaussian); 0: a plain autoencoder
  // Throws OptionError naming the option ("hidden_units: ...", "corruption_level: ...").
  void validate() const;
};

// A trainable autoencoder: [Corruption if ν > 0] + Autoencoder, inputs d.
template <typename T>
Sequential<T> autoencoder_model(std::size_t inputs, const AutoencoderOptions& options, Rng& rng);
// The Autoencoder layer of such a model (its last layer); Error if the model has none there.
template <typename T>
Autoencoder<T>& autoencoder_of(Sequential<T>& model);
template <typename T>
const Autoencoder<T>& autoencoder_of(const Sequential<T>& model);

// fit(model, loss of options, optimizer, x, x, training with accuracy off, rng, observers): the target is
// the clean input x, whatever the corruption.   x: (n, d) or (n, c, h, w)
template <typename T>
History train_autoencoder(Sequential<T>& model, ReconstructionLoss loss, const Tensor<T>& x, Optimizer<T>& optimizer,
                          FitOptions training, Rng& rng, const std::vector<TrainingObserver<T>*>& observers = {});

// A fresh optimizer for each layer of a stack (its state belongs to one layer's parameters).
template <typename T>
using OptimizerFactory = std::function<std::unique_ptr<Optimizer<T>>()>;

// The observers of layer k's fit (regularisers, a progress bar), given the fresh optimizer that trains it
// (a LearningRateScheduler is bound to it). The caller keeps them alive until pretrain_stack returns:
// Compiled example (tests/docs/header_examples.cpp):
//   std::vector<std::unique_ptr<LearningRateScheduler<Real>>> schedules;
//   auto observers = [&](std::size_t, Optimizer<Real>& opt) -> std::vector<TrainingObserver<Real>*> {
//     schedules.push_back(std::make_unique<LearningRateScheduler<Real>>(opt, StepDecay(0.01, 0.5, 5)));
//     return {schedules.back().get(), &l2};
//   };
template <typename T>
using LayerObservers = std::function<std::vector<TrainingObserver<T>*>(std::size_t layer, Optimizer<T>& optimizer)>;

// A stack: one AutoencoderOptions per layer (bottom first) and the training of each layer.
struct StackOptions {
  std::vector<AutoencoderOptions> layers;
  FitOptions training{10, 20, 0.0, true, false};  // per layer: epochs, batch size (Vincent et al. 2008: 20)
  // Throws OptionError naming the option and layer ("layers[1].hidden_units: ...").
  void validate() const;
};
// Sigmoid encoders and decoders, tied weights, cross-entropy, masking noise ν on every layer.
StackOptions stack_options(const std::vector<std::size_t>& hidden_units, double corruption_level);

template <typename T>
class StackedAutoencoder {
 public:
  StackedAutoencoder() = default;
  explicit StackedAutoencoder(std::vector<Sequential<T>> autoencoders);

  std::size_t layers() const { return models_.size(); }
  Autoencoder<T>& autoencoder(std::size_t k) { return autoencoder_of(models_.at(k)); }
  const Autoencoder<T>& autoencoder(std::size_t k) const { return autoencoder_of(models_.at(k)); }
  // Layer k's trained model: [Corruption] + Autoencoder.
  Sequential<T>& model(std::size_t k) { return models_.at(k); }
  const Sequential<T>& model(std::size_t k) const { return models_.at(k); }
  // Each layer's pretraining history ("loss" per epoch); empty after load_stack.
  std::vector<History> histories;

  // The encoders stacked: Dense(W_k, b_k) + activation per layer.   x (n, d) -> top codes (n, h_K)
  Sequential<T> encoders() const;
  // Up through every encoder and back down through every decoder: x -> y_1 -> ... -> y_K -> ... -> z,
  // shaped like x.
  Tensor<T> reconstruct(const Tensor<T>& x) const;
  // encoders() + Dense(h_K, classes) with fresh Glorot weights: logits for SoftmaxCrossEntropy, to be
  // fine-tuned with fit.
  Sequential<T> classifier(std::size_t classes, Rng& rng) const;

 private:
  std::vector<Sequential<T>> models_;
};

// [paper: Bengio et al. 2007] [paper: Vincent et al. 2008]  greedy layer-wise pretraining (pretrain_greedily):
// layer k is trained with train_autoencoder on the codes of layer k−1 computed from the clean inputs.
// after_layer (optional) is called with each layer's index and codes; observers (optional) gives each
// layer's fit its observers.
template <typename T>
StackedAutoencoder<T> pretrain_stack(const Tensor<T>& x, const StackOptions& options, const OptimizerFactory<T>& make_optimizer, Rng& rng,
                                     const LayerObservers<T>& observers = nullptr, const PretrainingCallback<T>& after_layer = nullptr);

// A stack in one model file (model_io.hpp, written atomically): the layers of every layer's model in order,
// [Corruption] Autoencoder [Corruption] Autoencoder ... A file container, not a network to run forward.
template <typename T>
void save_stack(const std::string& path, StackedAutoencoder<T>& stack);
// Throws FileError naming the file unless it holds such a stack whose sizes chain (layer k+1's inputs =
// layer k's hidden units). Registers the autoencoder layers itself.
template <typename T>
StackedAutoencoder<T> load_stack(const std::string& path);

}  // namespace lecon
