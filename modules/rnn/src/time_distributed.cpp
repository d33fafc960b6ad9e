#include "lecon/rnn/time_distributed.hpp"

#include "blas.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {


template <typename T>
TimeDistributedDense<T>::TimeDistributedDense(std::size_t inputs, std::size_t units, Rng& rng, bool masked)
    : dense_(inputs, units, rng), masked_(masked) {}

template <typename T>
Shape TimeDistributedDense<T>::output_shape(const Shape& input) const {
  const std::size_t d = dense_.config().at("inputs"), mask = masked_ ? 1 : 0;
  if (input.rank() != 3 || input[2] != d + mask)
    throw Error("TimeDistributedDense: input " + input.str() + " is not a batch of sequences (n, T, " + std::to_string(d + mask) + ")" +
                (mask ? " (feature 0 the mask)" : ""));
  return Shape{input.batch(), input[1], static_cast<std::size_t>(dense_.config().at("units"))};
}

template <typename T>
void TimeDistributedDense<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  ensure_shape(y, output_shape(x.shape()));
  x_ = &x;
  const arma::Mat<T>& W = dense_.W().value;
  const arma::Mat<T>& b = dense_.b().value;
  const std::size_t k = W.n_rows, d = W.n_cols, mask = masked_ ? 1 : 0, columns = x.batch() * x.shape()[1];
  const SerialIfSmall serial(k * d * columns);
  // [slide: Recurrent Neural Network]  Y = W X + b 1ᵀ, X the (d x T·n) view of all steps
  gemm(false, false, k, columns, d, T(1), W.memptr(), k, x.data() + mask, d + mask, T(0), y.data(), k);
  arma::Mat<T> Y(y.data(), k, columns, false, true);
  Y.each_col() += b.col(0);
  if (!masked_) return;
  for (std::size_t column = 0; column < columns; ++column)
    if (!(x.data()[column * (d + 1)] > T(0.5))) Y.col(column).zeros();
}

template <typename T>
void TimeDistributedDense<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (x_ == nullptr) throw Error("TimeDistributedDense::backward called before forward");
  if (dy.shape() != output_shape(x_->shape()))
    throw Error("TimeDistributedDense::backward: gradient " + dy.shape().str() + " does not match the output");
  Param<T>& W = dense_.W();
  const std::size_t k = W.value.n_rows, d = W.value.n_cols, mask = masked_ ? 1 : 0, columns = dy.batch() * dy.shape()[1];
  const T* delta = dy.data();
  if (masked_) {  // padded steps' outputs are the constant 0
    dy_masked_ = arma::Mat<T>(const_cast<T*>(dy.data()), k, columns, true);
    for (std::size_t column = 0; column < columns; ++column)
      if (!(x_->data()[column * (d + 1)] > T(0.5))) dy_masked_.col(column).zeros();
    delta = dy_masked_.memptr();
  }
  const SerialIfSmall serial(k * d * columns);
  // ∂L/∂W = Δ Xᵀ,  ∂L/∂b = Δ 1,  ∂L/∂X = Wᵀ Δ   over all steps at once
  gemm(false, true, k, d, columns, T(1), delta, k, x_->data() + mask, d + mask, T(0), W.grad.memptr(), k);
  dense_.b().grad = arma::sum(arma::Mat<T>(const_cast<T*>(delta), k, columns, false, true), 1);
  if (dx == nullptr) return;
  ensure_shape(*dx, x_->shape());
  if (masked_) dx->matrix().zeros();
  gemm(true, false, d, columns, k, T(1), W.value.memptr(), k, delta, k, T(0), dx->data() + mask, d + mask);
}

template <typename T>
std::map<std::string, double> TimeDistributedDense<T>::config() const {
  std::map<std::string, double> c = dense_.config();
  c["masked"] = masked_ ? 1.0 : 0.0;
  return c;
}

template class TimeDistributedDense<float>;
template class TimeDistributedDense<double>;

}  // namespace lecon
