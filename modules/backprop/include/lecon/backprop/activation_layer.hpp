#pragma once
// Element-wise activation layers (the neuron's σ applied to every unit) and softmax.
#include "lecon/backprop/layer.hpp"
#include "lecon/perceptron/activations.hpp"

namespace lecon {

template <typename T>
class ActivationLayer : public Layer<T> {
 public:
  explicit ActivationLayer(Activation kind) : kind_(kind) {}
  std::string kind() const override { return "Activation"; }
  Shape output_shape(const Shape& input) const override { return input; }
  // [slide: forward pass]  y = σ(a)
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  // [slide: backward pass]  ∂L/∂a = ∂L/∂y ⊙ σ'(a)
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  // Saved by name ("relu"); files written before names were stored hold the list's number (activations.hpp).
  std::map<std::string, std::string> text_config() const override { return {{"activation", activation_name(kind_)}}; }
  Activation activation() const { return kind_; }

 private:
  Activation kind_;
  const Tensor<T>* x_ = nullptr;
  const Tensor<T>* y_ = nullptr;
};

template <typename T>
class Softmax : public Layer<T> {
 public:
  std::string kind() const override { return "Softmax"; }
  Shape output_shape(const Shape& input) const override { return input; }
  // [slide: softmax]  y_k = e^{a_k} / Σ_j e^{a_j}
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  // ∂L/∂a_k = y_k (∂L/∂y_k - Σ_j y_j ∂L/∂y_j)
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;

 private:
  const Tensor<T>* y_ = nullptr;
};

}  // namespace lecon
