#pragma once
// The corruption process of a denoising autoencoder: x̃ ~ q_D(x̃ | x).
//
// [slide: Réseaux Denoising Auto Encoder]  "mise à zéro d'une proportion donnée d'entrées": the encoder
// sees a corrupted x̃, the loss compares the reconstruction z with the CLEAN x:  L_H(x, z(x̃)).
// Three kinds ([paper: Vincent et al. 2008], [paper: Vincent et al. 2010]):
//  - masking:          exactly round(ν·d) of the d inputs of each example, chosen uniformly without
//                      replacement, are set to 0: Vincent et al. 2008 force a fixed number νd of the
//                      components of each x to 0. Not a Bernoulli mask: every example loses the same
//                      number of inputs.
//  - salt_and_pepper:  exactly round(ν·d) inputs chosen the same way are set to 0 or 1 by a fair coin
//                      (the minimum and maximum of pixels in [0, 1]).
//  - gaussian:         x̃ = x + ε, ε ~ N(0, σ² I); here the level is σ.
// In a model the corruption is the first layer: fit(model, loss, optimizer, x, x, ...) then trains a
// denoising autoencoder with fit's own loop, the target being the clean input. In evaluation mode
// (predict, evaluate) the layer is the identity.
//
// Random numbers: each forward in training mode draws ONE 64-bit key from the Context's Rng; example i
// is corrupted by its own generator seeded from (key, i). Which thread corrupts which example changes
// no number: the same seed gives the same masks at any thread count.
#include <string>

#include "lecon/backprop/layer.hpp"

namespace lecon {

enum class CorruptionKind { masking, gaussian, salt_and_pepper };

CorruptionKind corruption_from_name(const std::string& name);  // "masking", "gaussian", "salt_and_pepper"; OptionError otherwise
std::string corruption_name(CorruptionKind kind);

// Throws OptionError "corruption_level: ..." unless level fits kind: a proportion ν in [0, 1) for
// masking and salt-and-pepper, a finite σ >= 0 for gaussian.
void check_corruption_level(CorruptionKind kind, double level);

// The number of inputs an example of d inputs loses: round(ν·d).
std::size_t corrupted_inputs(double proportion, std::size_t d);

template <typename T>
class Corruption : public Layer<T> {
 public:
  Corruption(CorruptionKind kind, double level);  // level: ν (masking, salt-and-pepper) or σ (gaussian)

  std::string kind() const override { return "Corruption"; }
  Shape output_shape(const Shape& input) const override { return input; }
  // training: x̃ ~ q_D(x̃ | x) per example (needs ctx.rng);  evaluation: x̃ = x.   x, x̃: (n, d) or (n, c, h, w)
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  // ∂L/∂x = ∂L/∂x̃ ⊙ k, k = 1 where the input passed through (masking, salt-and-pepper), 1 everywhere (gaussian).
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::map<std::string, double> config() const override;

  CorruptionKind noise() const { return kind_; }
  double level() const { return level_; }
  // (d x n) of the last training forward: 1 where x̃ = x, 0 where the input was replaced.
  const arma::Mat<T>& kept() const { return kept_; }

 private:
  CorruptionKind kind_;
  double level_;
  bool applied_ = false;
  arma::Mat<T> kept_;
};

// A corrupted copy of x, drawn from rng as a Corruption layer in training mode draws it (for figures of
// corrupted inputs and for tests).   x: (n, ...) -> (n, ...)
template <typename T>
Tensor<T> corrupt(const Tensor<T>& x, CorruptionKind kind, double level, Rng& rng);

}  // namespace lecon
