#pragma once
// Max and average pooling over K x K windows with stride s (keras' default s = K: windows that tile
// the image), channel by channel. No padding: windows that would run past the edge are dropped, so the
// output size is ⌊(H - K) / s⌋ + 1 as in keras' "valid" pooling and PyTorch's default.
//
// [book: Goodfellow, Bengio & Courville 2016, §9.3]  max:      y[c, i, j] = max_{u,v < K} x[c, s·i + u, s·j + v]
//                   average:  y[c, i, j] = 1/K² Σ_{u,v < K} x[c, s·i + u, s·j + v]
// Backward. Max pooling routes each ∂L/∂y to the one input that was the maximum (the first one on a
// tie), remembered in forward; average pooling spreads ∂L/∂y / K² over its window. With s < K windows
// overlap and the contributions add up. Pooling has no parameters.
#include <cstdint>
#include <vector>

#include "lecon/backprop/layer.hpp"

namespace lecon {

enum class PoolKind { max, average };

template <typename T>
class Pool2D : public Layer<T> {
 public:
  // stride 0 means stride = kernel.
  Pool2D(PoolKind kind, std::size_t kernel, std::size_t stride = 0);

  std::string kind() const override { return kind_ == PoolKind::max ? "MaxPool2D" : "AvgPool2D"; }
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::map<std::string, double> config() const override {
    return {{"kernel", static_cast<double>(kernel_)}, {"stride", static_cast<double>(stride_)}};
  }

 private:
  PoolKind kind_;
  std::size_t kernel_, stride_;
  Shape in_shape_, out_shape_;
  bool ready_ = false;
  std::vector<std::uint32_t> argmax_;  // max pooling: for every output, the offset of its maximum within the sample
};

template <typename T>
struct MaxPool2D : Pool2D<T> {
  explicit MaxPool2D(std::size_t kernel, std::size_t stride = 0) : Pool2D<T>(PoolKind::max, kernel, stride) {}
};

template <typename T>
struct AvgPool2D : Pool2D<T> {
  explicit AvgPool2D(std::size_t kernel, std::size_t stride = 0) : Pool2D<T>(PoolKind::average, kernel, stride) {}
};

}  // namespace lecon
