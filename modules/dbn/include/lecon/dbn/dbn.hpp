#pragma once
// A deep belief network: a stack of RBMs pretrained greedily, then unrolled into ordinary backprop models
// (docs/dbn.md).
//
// [slide: Deep Belief Network Auto Encoder] [paper: Hinton & Salakhutdinov 2006]  pretraining: train an
// RBM on the data, hand its mean activations E[h | v] up as the data of the next RBM, and so on; unrolling:
// the encoders W_1 .. W_K, then the decoders W_Kᵀ .. W_1ᵀ, as separate (untied) copies; fine-tuning:
// backpropagation of the reconstruction error through the whole autoencoder. The same weights under a
// softmax layer give the classifier of [paper: Hinton, Osindero & Teh 2006] ("RBM + backpropagation").
//
// Compiled example (tests/docs/header_examples.cpp):
//   DbnOptions options = hinton_salakhutdinov_2006_dbn({1000, 500, 250, 30}, 50, true);  // linear code layer
//   Dbn<Real> dbn = pretrain_dbn<Real>(x, options, rng);       // x: (n, 784), pixels in [0, 1]
//   Sequential<Real> autoencoder = dbn.autoencoder();           // 784-1000-500-250-30-250-500-1000-784
//   fine_tune_autoencoder(autoencoder, DeepAutoencoderLoss::cross_entropy, x, adam, FitOptions{200, 100}, rng);
//   Sequential<Real> net = dbn.classifier(10, rng);             // encoders + Dense(10): logits
//   fit(net, SoftmaxCrossEntropy<Real>(), sgd, x, one_hot, FitOptions{30, 100}, rng);
//   save_dbn("dbn.h5", dbn);  Dbn<Real> again = load_dbn<Real>("dbn.h5");
#include <functional>
#include <vector>

#include "lecon/backprop/greedy_pretraining.hpp"
#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/rbm/contrastive_divergence.hpp"
#include "lecon/rbm/rbm.hpp"

namespace lecon {

// One RBM of the stack: its hidden units and how it is trained. The visible units of layer k are the
// hidden units of layer k−1 (Bernoulli, or the data's kind for the first layer: DbnOptions::visible).
struct DbnLayerOptions {
  std::size_t hidden_units = 0;                // m
  UnitKind hidden = UnitKind::bernoulli;       // gaussian: the linear code layer of the deep autoencoder
  RbmTrainingOptions training;
  // Throws OptionError naming the option ("hidden_units: ...", "training.cd_steps: ...").
  void validate() const;
};

struct DbnOptions {
  UnitKind visible = UnitKind::bernoulli;      // the data's units (gaussian: standardised real values)
  std::vector<DbnLayerOptions> layers;         // bottom first
  // Throws OptionError naming the option and layer ("layers[1].hidden_units: ..."): no layers, a bad layer,
  // a Gaussian layer under another layer (a DBN hands Bernoulli means up; only the top may be linear), or
  // Gaussian visible units under a Gaussian hidden layer.
  void validate() const;
};

// [paper: Hinton & Salakhutdinov 2006]'s recipe for every layer (hinton_salakhutdinov_2006_options: batch
// 100, ε = 0.1, λ = 2e-4, momentum 0.5 then 0.9, CD-1), `epochs` per layer; with linear_code the top layer
// is Gaussian (linear) with ε = 0.001.
DbnOptions hinton_salakhutdinov_2006_dbn(const std::vector<std::size_t>& hidden_units, std::size_t epochs, bool linear_code);

template <typename T>
class Dbn {
 public:
  Dbn() = default;
  // Error unless the sizes chain (layer k+1's visible units = layer k's hidden units), every layer below
  // the top has Bernoulli hidden units and layer k+1's visible kind is layer k's hidden kind.
  explicit Dbn(std::vector<Rbm<T>> rbms);

  std::size_t layers() const { return rbms_.size(); }
  std::size_t inputs() const;                     // d of the first RBM
  std::size_t code_units() const;                 // m of the top RBM
  Rbm<T>& rbm(std::size_t k) { return rbms_.at(k); }
  const Rbm<T>& rbm(std::size_t k) const { return rbms_.at(k); }
  // Each layer's training monitors; empty after load_dbn.
  std::vector<RbmHistory> histories;

  // [slide: Deep Belief Network Auto Encoder]  the recognition path: Dense(W_k, c_k) + σ per layer (Dense
  // alone for a linear top layer).   x (n, d) -> codes (n, m_K)
  Sequential<T> encoders() const;
  // The unrolled deep autoencoder: encoders(), then Dense(W_kᵀ, b_k) + σ from the top RBM down (linear for
  // Gaussian visible units). Encoder and decoder weights start equal (Wᵀ) but are separate parameters:
  // fine-tuning unties them.   x (n, d) -> reconstruction (n, d)
  Sequential<T> autoencoder() const;
  // encoders() + Dense(m_K, classes) with fresh Glorot weights: logits for SoftmaxCrossEntropy.
  Sequential<T> classifier(std::size_t classes, Rng& rng) const;

 private:
  std::vector<Rbm<T>> rbms_;
};

// Called after each epoch of each layer's RBM: layer (0-based), epoch (0-based), that RBM's monitors so far.
using DbnEpochCallback = std::function<void(std::size_t layer, std::size_t epoch, const RbmHistory& history)>;

// [paper: Hinton & Salakhutdinov 2006] [paper: Hinton, Osindero & Teh 2006]  greedy layer-wise pretraining
// (pretrain_greedily with one RbmLayer per layer): RBM k is trained by train_rbm on E[h | v] of RBM k−1,
// computed from the data. Validates the options first (OptionError).
//   x: (n, d) or (n, c, h, w), values in [0, 1] for Bernoulli visible units
template <typename T>
Dbn<T> pretrain_dbn(const Tensor<T>& x, const DbnOptions& options, Rng& rng, const DbnEpochCallback& after_epoch = nullptr,
                    const PretrainingCallback<T>& after_layer = nullptr);

// The same networks without pretraining, for the comparison that shows what pretraining buys: the layer
// sizes and units of `options` with Dense's fresh Glorot weights and zero biases.
//   inputs: d
template <typename T>
Sequential<T> random_autoencoder(std::size_t inputs, const DbnOptions& options, Rng& rng);
template <typename T>
Sequential<T> random_classifier(std::size_t inputs, const DbnOptions& options, std::size_t classes, Rng& rng);

// The fine-tuning objective of the unrolled autoencoder. backprop's losses, taken as a mean over the d
// inputs as well as over the batch: the slide's per-image sums ‖x − z‖² and −Σ[x log z + (1 − x) log(1 − z)]
// divided by d (docs/dbn.md explains why not modules/autoencoders' per-image sums).
//   squared_error: MeanSquaredError (any decoder);  cross_entropy: BinaryCrossEntropy (sigmoid decoder,
//   the paper's choice for MNIST's [0, 1] pixels)
enum class DeepAutoencoderLoss { squared_error, cross_entropy };

// fit(model, the loss, optimizer, x, x, training with accuracy off, rng, observers): the target is the input.
//   x: (n, d)
template <typename T>
History fine_tune_autoencoder(Sequential<T>& model, DeepAutoencoderLoss loss, const Tensor<T>& x, Optimizer<T>& optimizer,
                              FitOptions training, Rng& rng, const std::vector<TrainingObserver<T>*>& observers = {});

}  // namespace lecon
