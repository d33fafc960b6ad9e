#pragma once
// The fully connected layer.
#include "lecon/backprop/layer.hpp"

namespace lecon {

template <typename T>
class Dense : public Layer<T> {
 public:
  // Glorot-uniform weights (keras' default): W ~ U[-r, r], r = sqrt(6 / (inputs + units)); b = 0.
  Dense(std::size_t inputs, std::size_t units, Rng& rng);

  std::string kind() const override { return "Dense"; }
  Shape output_shape(const Shape& input) const override;

  // [slide: forward pass]  a = W x + b for every sample:  A = W X + b 1ᵀ.
  //   x: (n, inputs) or any (n, ...) with inputs elements per sample;  y: (n, units)
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  // [slide: backward pass]  ∂L/∂W = Δ Xᵀ,  ∂L/∂b = Δ 1,  ∂L/∂X = Wᵀ Δ,  with Δ = ∂L/∂A (units x n).
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;

  std::vector<Param<T>*> params() override { return {&W_, &b_}; }
  std::map<std::string, double> config() const override;

  Param<T>& W() { return W_; }  // (units x inputs)
  Param<T>& b() { return b_; }  // (units x 1)

 private:
  Param<T> W_, b_;
  const Tensor<T>* x_ = nullptr;
};

}  // namespace lecon
