#include "lecon/regularisation/dropout.hpp"

#include "lecon/backprop/model_io.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
Dropout<T>::Dropout(double rate) : rate_(rate) {
  if (!(rate >= 0 && rate < 1)) throw OptionError("Dropout: rate must be in [0, 1), got " + std::to_string(rate));
}

template <typename T>
void Dropout<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  ensure_shape(y, x.shape());
  // EXERCISE dropout-forward BEGIN
  applied_ = ctx.training && rate_ > 0;
  if (!applied_) {  // testing: the identity
    y.matrix() = x.matrix();
    return;
  }
  if (ctx.rng == nullptr) throw Error("Dropout: training mode needs a random generator in the Context");
  // [slide: dropout]  m ~ Bernoulli(1 - p),  y = m ⊙ x / (1 - p)
  scaled_mask_.set_size(x.matrix().n_rows, x.matrix().n_cols);
  ctx.rng->fill_bernoulli(scaled_mask_, 1.0 - rate_);
  scaled_mask_ *= static_cast<T>(1.0 / (1.0 - rate_));
  y.matrix() = x.matrix() % scaled_mask_;
  // EXERCISE dropout-forward END
}

template <typename T>
void Dropout<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (dx == nullptr) return;
  ensure_shape(*dx, dy.shape());
  if (applied_) dx->matrix() = dy.matrix() % scaled_mask_;  // ∂L/∂x = m ⊙ ∂L/∂y / (1 - p)
  else dx->matrix() = dy.matrix();
}

void register_dropout_layer() {
  register_layer<float>("Dropout", [](const LayerConfig& c) -> LayerPtr<float> {
    return std::make_unique<Dropout<float>>(c.number("rate", 0, 1));
  });
  register_layer<double>("Dropout", [](const LayerConfig& c) -> LayerPtr<double> {
    return std::make_unique<Dropout<double>>(c.number("rate", 0, 1));
  });
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace lecon
