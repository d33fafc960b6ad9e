#include "lecon/rnn/recurrent.hpp"

#include <cmath>
#include <cstring>

namespace lecon {

void RecurrentOptions::check() const {
  if (hidden_units == 0) throw OptionError("hidden_units: expected at least 1, got 0");
  if (truncation && *truncation == 0)
    throw OptionError("truncation: expected at least 1 step (leave it unset for full backpropagation through time), got 0");
}

template <typename T>
Recurrent<T>::Recurrent(std::size_t inputs, const RecurrentOptions& options) : inputs_(inputs), options_(options) {
  options_.check();
  if (inputs == 0) throw OptionError("inputs: expected at least 1 feature per step, got 0");
}

template <typename T>
void Recurrent<T>::init_uniform(Param<T>& p, std::size_t rows, std::size_t cols, Rng& rng, const std::string& name, bool decay) const {
  // [PyTorch: torch.nn.LSTM docs] all weights and biases ~ U(-√k, √k), k = 1 / hidden_size
  const T r = static_cast<T>(1.0 / std::sqrt(static_cast<double>(options_.hidden_units)));
  p.name = name;
  p.value.set_size(rows, cols);
  rng.fill_uniform(p.value, -r, r);
  p.grad.zeros(rows, cols);
  p.decay = decay;
  p.units = decay ? UnitLayout::rows : UnitLayout::none;  // row j: the incoming weights of gate unit j
}

template <typename T>
Shape Recurrent<T>::output_shape(const Shape& input) const {
  const std::size_t mask = options_.masked ? 1 : 0;
  if (input.rank() != 3 || input[2] != inputs_ + mask)
    throw Error(this->kind() + ": input " + input.str() + " is not a batch of sequences (n, T, " + std::to_string(inputs_ + mask) + ")" +
                (mask ? " (feature 0 the mask)" : ""));
  if (input[1] == 0) throw Error(this->kind() + ": sequences of 0 steps " + input.str());
  const std::size_t H = options_.hidden_units;
  if (!options_.return_sequences) return Shape{input.batch(), H};
  return Shape{input.batch(), input[1], H + mask};
}

template <typename T>
void Recurrent<T>::hold_padded(std::size_t s, arma::Mat<T>& now, const arma::Mat<T>& before) const {
  for (arma::uword i : padded_[s]) std::memcpy(now.colptr(i), before.colptr(i), now.n_rows * sizeof(T));
}

template <typename T>
void Recurrent<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  const Shape out_shape = output_shape(x.shape());
  const std::size_t n = x.batch(), T_steps = x.shape()[1], d = inputs_, mask = options_.masked ? 1 : 0;
  const std::size_t stride = d + mask, H = options_.hidden_units;
  in_shape_ = x.shape();
  batch_ = n;
  steps_ = T_steps;
  // Step-major copy: Xs column s·n + i = x[i, t(s), mask:], t(s) = s or T-1-s.
  xs_.set_size(d, T_steps * n);
  padded_.assign(T_steps, {});
  for (std::size_t i = 0; i < n; ++i) {
    const T* column = x.matrix().colptr(i);
    bool ended = false;
    for (std::size_t t = 0; t < T_steps; ++t) {
      const std::size_t s = time_of(t);
      std::memcpy(xs_.colptr(s * n + i), column + t * stride + mask, d * sizeof(T));
      if (!mask) continue;
      const bool real = column[t * stride] > T(0.5);
      if (real && ended)
        throw Error(this->kind() + ": sample " + std::to_string(i) + " of the batch has a real step (mask 1) at t = " + std::to_string(t) +
                    " after padding; padding must come after a sequence's end");
      if (!real) {
        ended = true;
        padded_[s].push_back(i);
      }
    }
  }
  hs_.set_size(H, (T_steps + 1) * n);
  block(hs_, 0).zeros();
  run_forward();
  ensure_shape(y, out_shape);
  if (!options_.return_sequences) {
    // held at padded steps: each sequence's own last state. (A copy of the columns: a block() view assigned
    // to a matrix would hand over its memory, Armadillo moves from a temporary.)
    y.matrix() = hs_.cols(T_steps * n, (T_steps + 1) * n - 1);
  } else {
    const std::size_t out_stride = H + mask;
    for (std::size_t i = 0; i < n; ++i) {
      T* column = y.matrix().colptr(i);
      const T* in = x.matrix().colptr(i);
      for (std::size_t t = 0; t < T_steps; ++t) {
        const std::size_t s = time_of(t);
        std::memcpy(column + t * out_stride + mask, hs_.colptr((s + 1) * n + i), H * sizeof(T));
        if (mask) column[t * out_stride] = in[t * stride] > T(0.5) ? T(1) : T(0);
      }
    }
    if (mask)  // outputs at padded steps are 0
      for (std::size_t s = 0; s < T_steps; ++s)
        for (arma::uword i : padded_[s]) std::memset(y.matrix().colptr(i) + time_of(s) * out_stride + 1, 0, H * sizeof(T));
  }
  ready_ = true;
}

template <typename T>
void Recurrent<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (!ready_) throw Error(this->kind() + "::backward called before forward");
  const std::size_t n = batch_, T_steps = steps_, H = options_.hidden_units, mask = options_.masked ? 1 : 0;
  if (dy.shape() != output_shape(in_shape_))
    throw Error(this->kind() + "::backward: gradient " + dy.shape().str() + " does not match output " + output_shape(in_shape_).str());
  dhs_.zeros(H, T_steps * n);
  if (!options_.return_sequences) {
    block(dhs_, T_steps - 1) = dy.matrix();
  } else {
    const std::size_t out_stride = H + mask;
    for (std::size_t i = 0; i < n; ++i) {
      const T* column = dy.matrix().colptr(i);
      for (std::size_t t = 0; t < T_steps; ++t)
        std::memcpy(dhs_.colptr(time_of(t) * n + i), column + t * out_stride + mask, H * sizeof(T));
    }
    for (std::size_t s = 0; s < T_steps; ++s)  // a padded step's output is the constant 0
      for (arma::uword i : padded_[s]) std::memset(dhs_.colptr(s * n + i), 0, H * sizeof(T));
  }
  run_backward(dx != nullptr);
  if (dx == nullptr) return;
  ensure_shape(*dx, in_shape_);
  const std::size_t d = inputs_, stride = d + mask;
  for (std::size_t i = 0; i < n; ++i) {
    T* column = dx->matrix().colptr(i);
    for (std::size_t t = 0; t < T_steps; ++t) {
      if (mask) column[t * stride] = T(0);  // the mask is a constant
      std::memcpy(column + t * stride + mask, dxs_.colptr(time_of(t) * n + i), d * sizeof(T));
    }
  }
}

template <typename T>
arma::Mat<T> Recurrent<T>::state(std::size_t t) const {
  if (!ready_ || t >= steps_) throw Error(this->kind() + "::state: no step " + std::to_string(t) + " in the last forward");
  return hs_.cols((time_of(t) + 1) * batch_, (time_of(t) + 2) * batch_ - 1);
}

template <typename T>
arma::Mat<T> Recurrent<T>::state_gradient(std::size_t t) const {
  if (dhs_.n_cols != steps_ * batch_ || t >= steps_)
    throw Error(this->kind() + "::state_gradient: no step " + std::to_string(t) + " in the last backward");
  return dhs_.cols(time_of(t) * batch_, (time_of(t) + 1) * batch_ - 1);
}

template <typename T>
std::map<std::string, double> Recurrent<T>::config() const {
  std::map<std::string, double> c{{"inputs", static_cast<double>(inputs_)},
                                  {"hidden_units", static_cast<double>(options_.hidden_units)},
                                  {"return_sequences", options_.return_sequences ? 1.0 : 0.0},
                                  {"masked", options_.masked ? 1.0 : 0.0},
                                  {"reverse", options_.reverse ? 1.0 : 0.0}};
  if (options_.truncation) c["truncation"] = static_cast<double>(*options_.truncation);
  return c;
}

template class Recurrent<float>;
template class Recurrent<double>;

}  // namespace lecon
