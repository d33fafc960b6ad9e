#include "lecon/backprop/activation_layer.hpp"

namespace lecon {

template <typename T>
void ActivationLayer<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  ensure_shape(y, x.shape());
  activate(kind_, x.matrix(), y.matrix());
  x_ = &x;
  y_ = &y;
}

template <typename T>
void ActivationLayer<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (x_ == nullptr) throw Error("ActivationLayer::backward called before forward");
  // The element-wise loops read dy by the output's size: a gradient of another shape (a stale batch) would
  // read past its end.
  if (dy.shape() != y_->shape())
    throw Error("ActivationLayer::backward: gradient " + dy.shape().str() + " does not match output " + y_->shape().str());
  if (dx == nullptr) return;  // no parameters: nothing else to compute
  ensure_shape(*dx, x_->shape());
  activation_backward(kind_, x_->matrix(), y_->matrix(), dy.matrix(), dx->matrix());
}

template <typename T>
void Softmax<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  ensure_shape(y, x.shape());
  softmax(x.matrix(), y.matrix());
  y_ = &y;
}

template <typename T>
void Softmax<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (y_ == nullptr) throw Error("Softmax::backward called before forward");
  if (dy.shape() != y_->shape()) throw Error("Softmax::backward: gradient " + dy.shape().str() + " does not match output " + y_->shape().str());
  if (dx == nullptr) return;
  const arma::Mat<T>& y = y_->matrix();
  ensure_shape(*dx, y_->shape());
  const arma::Row<T> weighted = arma::sum(dy.matrix() % y, 0);  // Σ_j y_j ∂L/∂y_j per sample
  dx->matrix() = y % (dy.matrix().each_row() - weighted);
}

template class ActivationLayer<float>;
template class ActivationLayer<double>;
template class Softmax<float>;
template class Softmax<double>;

}  // namespace lecon
