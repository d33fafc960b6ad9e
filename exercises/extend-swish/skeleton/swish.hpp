#pragma once
// Swish, also called SiLU: y = x σ(x)  [paper: Ramachandran, Zoph & Le 2017, "Searching for Activation
// Functions"]. Exercise extend-swish (docs/exercises.md): a new activation through the public Layer interface.
//   forward:  y = x σ(x),   σ(x) = 1 / (1 + e^-x)
//   backward: ∂L/∂x = ∂L/∂y ⊙ ∂y/∂x   (derive ∂y/∂x yourself: product rule, and σ' = σ (1 - σ))
#include <cmath>
#include <memory>

#include "lecon/backprop/layer.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/error.hpp"
#include "lecon/perceptron/activations.hpp"

namespace lecon {

template <typename T>
class Swish : public Layer<T> {
 public:
  std::string kind() const override { return "Swish"; }
  Shape output_shape(const Shape& input) const override { return input; }

  void forward(const Tensor<T>& x, Tensor<T>& y, const Context&) override {
    ensure_shape(y, x.shape());
    // TODO: y.matrix() = x σ(x), elementwise. SigmoidFn<T>::value(a) (lecon/perceptron/activations.hpp) does
    // not overflow for large |a|. Keep what backward needs in members.
    throw Error("exercise extend-swish: Swish::forward not done yet");
  }

  void backward(const Tensor<T>& dy, Tensor<T>* dx) override {
    if (dx == nullptr) return;
    ensure_shape(*dx, dy.shape());
    // TODO: dx->matrix() = dy.matrix() ⊙ ∂y/∂x (% is Armadillo's elementwise product)
    throw Error("exercise extend-swish: Swish::backward not done yet");
  }

 private:
  // TODO: what forward keeps for backward
};

// load_model rebuilds a "Swish" layer with this (call once before loading a model that has one).
inline void register_swish_layer() {
  // TODO: register_layer<float>("Swish", factory) and register_layer<double>(...), as
  // modules/regularisation/src/dropout.cpp does for Dropout (Swish has no settings to read).
  throw Error("exercise extend-swish: register_swish_layer not done yet");
}

}  // namespace lecon
