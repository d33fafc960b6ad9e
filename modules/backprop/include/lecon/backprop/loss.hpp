#pragma once
// The losses of the lecture, each the MEAN over the batch (accumulated in double), with its gradient.
// y: model output (n, k), t: targets of the same shape (one-hot for classes).
#include <memory>
#include <string>

#include "lecon/core/tensor.hpp"

namespace lecon {

template <typename T>
class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;
  virtual double value(const Tensor<T>& y, const Tensor<T>& t) const = 0;
  // dy = ∂L/∂y (the 1/n of the mean included).
  virtual void gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const = 0;
  // How many terms the mean L runs over for targets t: the samples, for every loss whose mean is over samples
  // (the per-step losses count their real steps). Data parallelism weighs each process's gradient by it, so
  // that the combination is the gradient of the whole batch's mean (docs/distributed.md).
  virtual double terms(const Tensor<T>& t) const { return static_cast<double>(t.batch()); }
};

// [slide: loss functions] mean squared error  L = (1/n) Σ_i (1/k) Σ_k (y_ik - t_ik)²   (keras' "mse")
template <typename T>
class MeanSquaredError : public Loss<T> {
 public:
  std::string name() const override { return "mean_squared_error"; }
  double value(const Tensor<T>& y, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const override;
};

// [slide: loss functions] mean absolute error  L = (1/n) Σ_i (1/k) Σ_k |y_ik - t_ik|   (subgradient 0 at 0)
template <typename T>
class MeanAbsoluteError : public Loss<T> {
 public:
  std::string name() const override { return "mean_absolute_error"; }
  double value(const Tensor<T>& y, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const override;
};

// [slide: loss functions] binary cross-entropy  L = -(1/n) Σ_i (1/k) Σ_k [t ln y + (1 - t) ln(1 - y)]
// y is clipped to [ε, 1 - ε], ε = 1e-7, as keras does.
template <typename T>
class BinaryCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "binary_crossentropy"; }
  double value(const Tensor<T>& y, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const override;
};

// [slide: loss functions] categorical cross-entropy  L = -(1/n) Σ_i Σ_k t_ik ln y_ik   (y clipped at ε)
template <typename T>
class CategoricalCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "categorical_crossentropy"; }
  double value(const Tensor<T>& y, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const override;
};

// [slide: loss functions] Kullback-Leibler divergence  L = (1/n) Σ_i Σ_k t_ik ln(t_ik / y_ik)   (both clipped at ε)
template <typename T>
class KullbackLeibler : public Loss<T> {
 public:
  std::string name() const override { return "kullback_leibler_divergence"; }
  double value(const Tensor<T>& y, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& y, const Tensor<T>& t, Tensor<T>& dy) const override;
};

// Softmax and categorical cross-entropy fused, on the LOGITS z (the model ends with Dense, no Softmax):
// [slide: softmax + cross-entropy]  L = (1/n) Σ_i [ln Σ_k e^{z_ik} - Σ_k t_ik z_ik] (for Σ_k t_ik = 1),
//   ∂L/∂z = (softmax(z) - t) / n. Stable for any z: no exp overflows, no log of 0.
template <typename T>
class SoftmaxCrossEntropy : public Loss<T> {
 public:
  std::string name() const override { return "softmax_crossentropy"; }
  double value(const Tensor<T>& z, const Tensor<T>& t) const override;
  void gradient(const Tensor<T>& z, const Tensor<T>& t, Tensor<T>& dz) const override;
};

// Creates a loss by its keras name ("mse", "mae", "binary_crossentropy", "categorical_crossentropy",
// "kld", "softmax_crossentropy"); throws OptionError otherwise.
template <typename T>
std::unique_ptr<Loss<T>> make_loss(const std::string& name);

}  // namespace lecon
