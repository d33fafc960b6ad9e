#pragma once
// Softmax and cross-entropy at every step of a many-to-many output (a character-level language model,
// per-step classification). The plain SoftmaxCrossEntropy would take one softmax over all T·k values of
// a sample; this one takes one per step.
//
// z: logits (n, T, k), t: one-hot targets (n, T, k); a step whose target row is all 0 (padding) counts
// for nothing. With S the number of counted steps,
//   L = (1/S) Σ_{i,t counted} [ln Σ_k e^{z_itk} - Σ_k t_itk z_itk]      (nats per step; / ln 2: bits)
//   ∂L/∂z_it = (softmax(z_it) - t_it) / S,  0 at padded steps
// (keras: sparse_categorical_crossentropy over a (n, T, k) output, averaged over the real steps.) fit's
// accuracy reads whole samples: train with FitOptions::accuracy = false.
#include "lecon/backprop/loss.hpp"

namespace lecon {

template <typename T>
class SequenceSoftmaxCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "sequence_softmax_crossentropy"; }
  double value(const Tensor<T>& z, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& z, const Tensor<T>& t, Tensor<T>& dz) const override;
  double terms(const Tensor<T>& t) const override;  // S, the counted steps
};

}  // namespace lecon
