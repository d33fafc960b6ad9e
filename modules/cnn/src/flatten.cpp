#include "lecon/cnn/flatten.hpp"

namespace lecon {

template <typename T>
void Flatten<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  in_shape_ = x.shape();
  ensure_shape(y, output_shape(x.shape()));
  y.matrix() = x.matrix();  // same columns, new shape
  ready_ = true;
}

template <typename T>
void Flatten<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (!ready_) throw Error("Flatten::backward called before forward");
  if (dy.batch() != in_shape_.batch() || dy.sample_size() != in_shape_.sample_size())
    throw Error("Flatten::backward: gradient " + dy.shape().str() + " does not match input " + in_shape_.str());
  if (dx == nullptr) return;
  ensure_shape(*dx, in_shape_);
  dx->matrix() = dy.matrix();
}

template class Flatten<float>;
template class Flatten<double>;

}  // namespace lecon
