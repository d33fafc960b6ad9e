#include "lecon/backprop/dense.hpp"

#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

template <typename T>
Dense<T>::Dense(std::size_t inputs, std::size_t units, Rng& rng) {
  if (inputs == 0 || units == 0) throw Error("Dense: inputs and units must be positive");
  W_.name = "W";
  W_.units = UnitLayout::rows;  // row j: unit j's incoming weights
  W_.value.set_size(units, inputs);
  const T r = static_cast<T>(std::sqrt(6.0 / static_cast<double>(inputs + units)));
  rng.fill_uniform(W_.value, -r, r);
  W_.grad.zeros(units, inputs);
  b_.name = "b";
  b_.value.zeros(units, 1);
  b_.grad.zeros(units, 1);
  b_.decay = false;  // keras and the lecture decay weights, not biases
}

template <typename T>
Shape Dense<T>::output_shape(const Shape& input) const {
  if (input.sample_size() != W_.value.n_cols)
    throw Error("Dense: input " + input.str() + " has " + std::to_string(input.sample_size()) + " values per sample, expected " +
                std::to_string(W_.value.n_cols));
  return Shape{input.batch(), W_.value.n_rows};
}

template <typename T>
void Dense<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  ensure_shape(y, output_shape(x.shape()));
  x_ = &x;
  const SerialIfSmall serial(W_.value.n_elem * x.batch());  // batch 1 (online): no thread pool for a matrix-vector product
  y.matrix() = W_.value * x.matrix();  // one GEMM for the whole batch
  y.matrix().each_col() += b_.value.col(0);
}

template <typename T>
void Dense<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (x_ == nullptr) throw Error("Dense::backward called before forward");
  const arma::Mat<T>& delta = dy.matrix();
  const SerialIfSmall serial(W_.value.n_elem * dy.batch());  // each product below has this many multiply-adds
  // EXERCISE dense-backward BEGIN
  W_.grad = delta * x_->matrix().t();
  b_.grad = arma::sum(delta, 1);
  if (dx == nullptr) return;
  ensure_shape(*dx, x_->shape());
  dx->matrix() = W_.value.t() * delta;
  // EXERCISE dense-backward END
}

template <typename T>
std::map<std::string, double> Dense<T>::config() const {
  return {{"inputs", static_cast<double>(W_.value.n_cols)}, {"units", static_cast<double>(W_.value.n_rows)}};
}

template class Dense<float>;
template class Dense<double>;

}  // namespace lecon
