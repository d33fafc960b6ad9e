#pragma once
// TimeDistributed(Dense): the same Dense layer applied at every step of a sequence, the many-to-many
// output of a recurrent network (keras' TimeDistributed(Dense(k))).
//
// [slide: Recurrent Neural Network]  y_t = W h_t + b  for every t
// The layout makes it ONE GEMM for all steps and samples: the (n, T, d) tensor's memory, read as a
// (d x T·n) matrix, holds one step of one sample per column (docs/rnn.md), so Y (k x T·n) = W X + b 1ᵀ is
// already the (n, T, k) output. With `masked`, feature 0 of each step is the mask (the output of a
// masked recurrent layer with return_sequences): it is skipped by the product (leading dimension 1 + d,
// no copy), outputs at padded steps are 0 and their gradient is ignored; the output has no mask feature.
#include "lecon/backprop/dense.hpp"

namespace lecon {

template <typename T>
class TimeDistributedDense : public Layer<T> {
 public:
  // Glorot-uniform W (k x d), b = 0, as Dense.
  TimeDistributedDense(std::size_t inputs, std::size_t units, Rng& rng, bool masked = false);

  std::string kind() const override { return "TimeDistributedDense"; }
  // x: (n, T, d) or (n, T, 1 + d) masked  ->  y: (n, T, k)
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::vector<Param<T>*> params() override { return dense_.params(); }
  std::map<std::string, double> config() const override;

  Dense<T>& dense() { return dense_; }

 private:
  Dense<T> dense_;
  bool masked_;
  const Tensor<T>* x_ = nullptr;
  arma::Mat<T> dy_masked_;  // dy with the padded steps zeroed
};

}  // namespace lecon
