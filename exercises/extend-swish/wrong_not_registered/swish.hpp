#pragma once
// WRONG: the layer is not registered with load_model, so a saved model with Swish cannot be read back
// Swish, also called SiLU: y = x σ(x)  [paper: Ramachandran, Zoph & Le 2017, "Searching for Activation
// Functions"; Elfwing, Uchibe & Doya 2018 (SiLU)]. A new activation added through the public Layer interface.
//   forward:  y = x σ(x),                σ(x) = 1 / (1 + e^-x)
//   backward: ∂y/∂x = σ(x) + x σ(x) (1 - σ(x)) = σ(x) + y (1 - σ(x)),   ∂L/∂x = ∂L/∂y ⊙ ∂y/∂x
#include <cmath>
#include <memory>

#include "lecon/backprop/layer.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/perceptron/activations.hpp"

namespace lecon {

template <typename T>
class Swish : public Layer<T> {
 public:
  std::string kind() const override { return "Swish"; }
  Shape output_shape(const Shape& input) const override { return input; }

  void forward(const Tensor<T>& x, Tensor<T>& y, const Context&) override {
    ensure_shape(y, x.shape());
    sigma_ = x.matrix();
    sigma_.transform([](T a) { return SigmoidFn<T>::value(a); });  // no overflow for large |x|
    y.matrix() = x.matrix() % sigma_;
    y_ = &y;
  }

  void backward(const Tensor<T>& dy, Tensor<T>* dx) override {
    if (dx == nullptr) return;
    ensure_shape(*dx, dy.shape());
    dx->matrix() = dy.matrix() % (sigma_ + y_->matrix() % (T(1) - sigma_));
  }

 private:
  arma::Mat<T> sigma_;          // σ(x) of the last forward
  const Tensor<T>* y_ = nullptr;  // the last output (the Layer contract keeps it alive until backward)
};

// load_model rebuilds a "Swish" layer with this (call once before loading a model that has one).
inline void register_swish_layer() {
}

}  // namespace lecon
