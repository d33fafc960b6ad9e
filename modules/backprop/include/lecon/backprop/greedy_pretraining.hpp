#pragma once
// Greedy layer-wise pretraining: ONE algorithm for every stack of unsupervised layers (stacked
// autoencoders and denoising autoencoders in modules/autoencoders; an RBM stack, a DBN, can use it the
// same way).
//
// [paper: Bengio et al. 2007]  train layer 1 on the inputs; then, for k = 2 .. K, train layer k on the
// codes of layer k−1, computed by the encoders already trained from the CLEAN inputs (a denoising layer
// corrupts its own input while it trains, never the codes it hands on); finally stack the K encoders into
// an ordinary Sequential, which a supervised output layer and fit then fine-tune.
#include <functional>
#include <vector>

#include "lecon/backprop/sequential.hpp"

namespace lecon {

// One layer of a greedily pretrained stack, as the algorithm sees it.
template <typename T>
class PretrainedLayer {
 public:
  virtual ~PretrainedLayer() = default;
  // Trains the layer without labels on `codes`, the output of the layers below (the inputs for the
  // first).   codes: (n, inputs)
  virtual void pretrain(const Tensor<T>& codes, Rng& rng) = 0;
  // Appends the trained layer's feed-forward map, inputs -> codes (e.g. Dense + sigmoid), to `stack`.
  virtual void append_encoder(Sequential<T>& stack) const = 0;
};

// Called after layer k (0-based) is trained, with the codes it produces (n, units): progress, figures.
template <typename T>
using PretrainingCallback = std::function<void(std::size_t layer, const Tensor<T>& codes)>;

// Pretrains `layers` bottom first on x and returns their encoders stacked into one Sequential.
//   x: (n, d) or (n, c, h, w)
template <typename T>
Sequential<T> pretrain_greedily(const std::vector<PretrainedLayer<T>*>& layers, const Tensor<T>& x, Rng& rng,
                                const PretrainingCallback<T>& after_layer = nullptr);

}  // namespace lecon
