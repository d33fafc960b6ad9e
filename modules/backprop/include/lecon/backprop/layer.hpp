#pragma once
// The Layer interface every model is built from (dense, activations here; convolution, LSTM, ... later).
//
// Contract:
//  - forward(x, y, ctx) computes y = f(x). The layer may keep a pointer to x and to y for backward, so
//    both must stay alive and unchanged until backward (Sequential guarantees this).
//  - backward(dy, dx) gets dy = ∂L/∂y and writes *dx = ∂L/∂x; it OVERWRITES the gradients of the
//    parameters (nothing to zero, nothing to forget). The 1/N of a batch mean lives in the loss.
//    dx == nullptr means nobody needs ∂L/∂x (the first layer): a Dense layer then saves a third of its work.
//  - ctx says train or eval mode and carries the random generator (dropout); no hidden flags.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lecon/core/rng.hpp"
#include "lecon/core/tensor.hpp"

namespace lecon {

// Which entries of a weight matrix are one unit's incoming weights (a neuron's, a filter's): what a
// per-unit constraint (max-norm) acts on. Each layer declares it for its weight matrices.
enum class UnitLayout {
  none,     // not declared (biases, or a layer that has not said): per-unit constraints refuse it
  rows,     // row j holds unit j's incoming weights: Dense's W (units x inputs)
  columns,  // column j holds them: Conv2D's W (C·K·K x F), column f = filter f
};

// A named weight array, its gradient, whether weight decay (L2/L1) applies to it, and how its entries
// group per unit.
template <typename T>
struct Param {
  std::string name;
  arma::Mat<T> value;
  arma::Mat<T> grad;
  bool decay = true;
  UnitLayout units = UnitLayout::none;
};

struct Context {
  bool training = false;
  Rng* rng = nullptr;  // for layers that draw random numbers in training mode
};

template <typename T>
class Layer {
 public:
  virtual ~Layer() = default;
  // "Dense", "ReLU", ...: the name under which the layer is saved and rebuilt.
  virtual std::string kind() const = 0;
  // Output shape for an input of the given shape (same batch size).
  virtual Shape output_shape(const Shape& input) const = 0;
  virtual void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) = 0;
  virtual void backward(const Tensor<T>& dy, Tensor<T>* dx) = 0;
  virtual std::vector<Param<T>*> params() { return {}; }
  // The numbers that rebuild the layer (saved as HDF5 attributes: whole numbers as integers, the rest as
  // 64-bit floats).
  virtual std::map<std::string, double> config() const { return {}; }
  // The settings that are names, such as an activation ("relu"), saved as text attributes beside config().
  virtual std::map<std::string, std::string> text_config() const { return {}; }
};

template <typename T>
using LayerPtr = std::unique_ptr<Layer<T>>;

}  // namespace lecon
