#pragma once
// Gradient clipping by global norm, the usual guard against the exploding gradients of backpropagation
// through time.
//
// [paper: Pascanu, Mikolov & Bengio 2013, Algorithm 1]  g = all gradients of the model as one vector;
//   if ‖g‖ > c:  g ← (c / ‖g‖) g
// (PyTorch: torch.nn.utils.clip_grad_norm_; keras: the optimizers' global_clipnorm.) The direction of the
// step is kept; only its length is bounded. Works for any model, so it plugs into fit as an observer.
#include <vector>

#include "lecon/backprop/sequential.hpp"

namespace lecon {

// Scales every gradient by c / ‖g‖ when the global norm ‖g‖ (over all params, accumulated in double)
// exceeds max_norm; returns ‖g‖ before clipping. Throws OptionError unless max_norm is finite and > 0.
template <typename T>
double clip_gradient_norm(const std::vector<Param<T>*>& params, double max_norm);

// The same after every backward in fit:  GradientClipping<float> clip(1.0);  fit(..., {&clip});
template <typename T>
class GradientClipping : public TrainingObserver<T> {
 public:
  explicit GradientClipping(double max_norm);  // OptionError naming "clip" unless finite and > 0
  void after_backward(const std::vector<Param<T>*>& params) override;

  double last_norm() const { return last_norm_; }  // ‖g‖ of the last batch, before clipping
  std::size_t clipped_batches() const { return clipped_; }

 private:
  double max_norm_;
  double last_norm_ = 0;
  std::size_t clipped_ = 0;
};

}  // namespace lecon
