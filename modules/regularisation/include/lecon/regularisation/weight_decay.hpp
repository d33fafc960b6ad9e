#pragma once
// L2 regularisation, as a penalty in the gradient and as decoupled weight decay.
//
// [slide: L2 regularisation]  E~(w) = E(w) + (λ/2) Σ w²,   ∂E~/∂w = ∂E/∂w + λ w
// Added to the gradient, the penalty then passes through the optimizer: with plain SGD the step is
// w <- w - η(∂E/∂w + λw) = (1 - ηλ) w - η ∂E/∂w, "weight decay". With adaptive optimizers (Adam,
// RMSprop) the penalty gradient is rescaled per weight like any gradient, so it is no longer a uniform
// decay; DecoupledWeightDecay applies (1 - ηλ) to the weights directly instead, outside the optimizer
// (Loshchilov & Hutter 2019, "AdamW"). Only parameters with decay = true (weights, not biases) are touched.
//
// The slide writes the penalty as α Σ w²: its α is λ/2 here (λ = 2α).
#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
class L2Penalty : public TrainingObserver<T> {
 public:
  explicit L2Penalty(double lambda);
  void after_backward(const std::vector<Param<T>*>& params) override;
  // (λ/2) Σ w² over decayed parameters: the term the penalty adds to the loss.
  double penalty(const std::vector<Param<T>*>& params) const;

 private:
  double lambda_;
};

template <typename T>
class DecoupledWeightDecay : public TrainingObserver<T> {
 public:
  // w <- (1 - η λ) w just BEFORE each of the optimizer's steps (after backward, so the gradient is the one
  // at the undecayed w), with the η of that step: torch.optim.AdamW's order, w <- w - ηλw, then the step
  // on the gradient at the old w. Adam + DecoupledWeightDecay is AdamW (tested against torch.optim.AdamW).
  // A per-step LearningRateScheduler must come before this observer in fit's list, so that η is already
  // the step's; otherwise after_step throws Error.
  DecoupledWeightDecay(double lambda, const Optimizer<T>& optimizer);
  void after_backward(const std::vector<Param<T>*>& params) override;
  void after_step(const std::vector<Param<T>*>& params) override;

 private:
  double lambda_;
  const Optimizer<T>& optimizer_;
  double decayed_with_ = 0;  // the η of the last decay, checked against the step's η
};

}  // namespace lecon
