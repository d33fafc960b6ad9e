#pragma once
// An RBM as one layer of a greedily pretrained stack (lecon/backprop/greedy_pretraining.hpp), the way a
// deep belief network is built ([paper: Hinton & Salakhutdinov 2006]): train an RBM on the codes of the
// layer below, hand its mean activations E[h | v] up, train the next.
//
// Compiled example (tests/docs/header_examples.cpp):
//   RbmTrainingOptions options = hinton_salakhutdinov_2006_options(UnitKind::bernoulli, 10);
//   RbmLayer<Real> first(1000, options), second(500, options);
//   RbmLayer<Real> code(30, hinton_salakhutdinov_2006_options(UnitKind::gaussian, 10), UnitKind::bernoulli, UnitKind::gaussian);
//   Sequential<Real> encoder = pretrain_greedily<Real>({&first, &second, &code}, x, rng);
//   Sequential<Real> decoder;                       // unrolled: Dense(Wᵀ, b) + σ per RBM, top first
//   append_rbm_decoder(code.rbm(), decoder);  append_rbm_decoder(second.rbm(), decoder);  append_rbm_decoder(first.rbm(), decoder);
#include "lecon/backprop/greedy_pretraining.hpp"
#include "lecon/rbm/contrastive_divergence.hpp"

namespace lecon {

// The RBM's recognition map as backprop layers: Dense(W, c) + sigmoid, or Dense(W, c) alone for a
// Gaussian (linear) hidden layer: inputs d -> codes m, the mean activations E[h | v].
template <typename T>
void append_rbm_encoder(const Rbm<T>& rbm, Sequential<T>& stack);
// The generative map, for unrolling into an autoencoder: Dense(Wᵀ, b) + sigmoid (Dense alone for
// Gaussian visible units): codes m -> d, the means E[v | h].
template <typename T>
void append_rbm_decoder(const Rbm<T>& rbm, Sequential<T>& stack);

template <typename T>
class RbmLayer : public PretrainedLayer<T> {
 public:
  // OptionError for bad options or 0 hidden units (before any training).
  RbmLayer(std::size_t hidden_units, const RbmTrainingOptions& options, UnitKind visible = UnitKind::bernoulli,
           UnitKind hidden = UnitKind::bernoulli, RbmEpochCallback after_epoch = nullptr);

  // A fresh RBM of codes.sample_size() visible units, visible biases from the codes' marginals
  // ([paper: Hinton 2010, §8]), trained by train_rbm.   codes: (n, d)
  void pretrain(const Tensor<T>& codes, Rng& rng) override;
  void append_encoder(Sequential<T>& stack) const override { append_rbm_encoder(rbm_, stack); }

  Rbm<T>& rbm() { return rbm_; }
  const Rbm<T>& rbm() const { return rbm_; }
  const RbmHistory& history() const { return history_; }

 private:
  std::size_t hidden_units_;
  RbmTrainingOptions options_;
  UnitKind visible_, hidden_;
  RbmEpochCallback after_epoch_;
  Rbm<T> rbm_;
  RbmHistory history_;
};

}  // namespace lecon
