#pragma once
// Flatten: (n, C, H, W) -> (n, C·H·W), the bridge from the convolutional part of a network to its dense
// part. The tensor layout makes it a relabelling: every sample's C·H·W values are already one column,
// in (c, y, x) order, which is keras' and PyTorch's flattening order for (C, H, W) inputs.
// backward reshapes ∂L/∂y back to the input's shape. (A Dense layer also accepts a rank-4 input
// directly; Flatten makes the step visible in model.summary() and in saved models.)
#include "lecon/backprop/layer.hpp"

namespace lecon {

template <typename T>
class Flatten : public Layer<T> {
 public:
  std::string kind() const override { return "Flatten"; }
  Shape output_shape(const Shape& input) const override { return Shape{input.batch(), input.sample_size()}; }
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;

 private:
  Shape in_shape_;
  bool ready_ = false;
};

}  // namespace lecon
