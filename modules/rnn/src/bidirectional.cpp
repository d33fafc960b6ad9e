#include "lecon/rnn/bidirectional.hpp"

#include <cstring>

namespace lecon {

template <typename T>
Bidirectional<T>::Bidirectional(RecurrentCell cell, std::size_t inputs, const RecurrentOptions& options, Rng& rng) : cell_(cell) {
  if (options.reverse) throw OptionError("reverse: a Bidirectional layer makes its own reversed cell; leave reverse off");
  forward_ = make_recurrent<T>(cell, inputs, options, rng);
  RecurrentOptions reversed = options;
  reversed.reverse = true;
  backward_ = make_recurrent<T>(cell, inputs, reversed, rng);
  for (Param<T>* p : forward_->params()) p->name = "forward_" + p->name;
  for (Param<T>* p : backward_->params()) p->name = "backward_" + p->name;
}

template <typename T>
Shape Bidirectional<T>::output_shape(const Shape& input) const {
  const Shape one = forward_->output_shape(input);
  const std::size_t H = forward_->hidden_units();
  if (one.rank() == 2) return Shape{one.batch(), 2 * H};
  return Shape{one.batch(), one[1], one[2] + H};
}

template <typename T>
void Bidirectional<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  forward_->forward(x, y_forward_, ctx);
  backward_->forward(x, y_backward_, ctx);
  ensure_shape(y, output_shape(x.shape()));
  const std::size_t H = forward_->hidden_units();
  if (y.shape().rank() == 2) {  // [h→ ; h←]
    y.matrix().rows(0, H - 1) = y_forward_.matrix();
    y.matrix().rows(H, 2 * H - 1) = y_backward_.matrix();
    return;
  }
  const std::size_t steps = x.shape()[1], mask = forward_->options().masked ? 1 : 0, one = mask + H, both = mask + 2 * H;
  for (std::size_t i = 0; i < x.batch(); ++i) {
    T* out = y.matrix().colptr(i);
    const T* f = y_forward_.matrix().colptr(i);
    const T* b = y_backward_.matrix().colptr(i);
    for (std::size_t t = 0; t < steps; ++t) {  // step t: [mask,] h→_t, h←_t
      std::memcpy(out + t * both, f + t * one, one * sizeof(T));
      std::memcpy(out + t * both + one, b + t * one + mask, H * sizeof(T));
    }
  }
}

template <typename T>
void Bidirectional<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  const std::size_t H = forward_->hidden_units();
  ensure_shape(dy_forward_, y_forward_.shape());
  ensure_shape(dy_backward_, y_backward_.shape());
  if (dy.shape().rank() == 2 && dy.shape() != Shape{y_forward_.batch(), 2 * H})
    throw Error("Bidirectional::backward: gradient " + dy.shape().str() + " does not match the output");
  if (dy.shape().rank() == 2) {
    dy_forward_.matrix() = dy.matrix().rows(0, H - 1);
    dy_backward_.matrix() = dy.matrix().rows(H, 2 * H - 1);
  } else {
    const std::size_t steps = dy.shape()[1], mask = forward_->options().masked ? 1 : 0, one = mask + H, both = mask + 2 * H;
    if (dy.shape()[2] != both || dy.batch() != y_forward_.batch() || steps != y_forward_.shape()[1])
      throw Error("Bidirectional::backward: gradient " + dy.shape().str() + " does not match the output");
    for (std::size_t i = 0; i < dy.batch(); ++i) {
      const T* in = dy.matrix().colptr(i);
      T* f = dy_forward_.matrix().colptr(i);
      T* b = dy_backward_.matrix().colptr(i);
      for (std::size_t t = 0; t < steps; ++t) {
        std::memcpy(f + t * one, in + t * both, one * sizeof(T));
        if (mask) b[t * one] = T(0);
        std::memcpy(b + t * one + mask, in + t * both + one, H * sizeof(T));
      }
    }
  }
  forward_->backward(dy_forward_, dx == nullptr ? nullptr : &dx_forward_);
  backward_->backward(dy_backward_, dx == nullptr ? nullptr : &dx_backward_);
  if (dx == nullptr) return;
  ensure_shape(*dx, dx_forward_.shape());
  dx->matrix() = dx_forward_.matrix() + dx_backward_.matrix();
}

template <typename T>
std::vector<Param<T>*> Bidirectional<T>::params() {
  std::vector<Param<T>*> all = forward_->params();
  for (Param<T>* p : backward_->params()) all.push_back(p);
  return all;
}

template <typename T>
std::map<std::string, double> Bidirectional<T>::config() const {
  std::map<std::string, double> c = forward_->config();
  c.erase("reverse");
  c["cell"] = static_cast<double>(cell_);
  return c;
}

template class Bidirectional<float>;
template class Bidirectional<double>;

}  // namespace lecon
