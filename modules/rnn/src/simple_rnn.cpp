#include "lecon/rnn/simple_rnn.hpp"

#include <cmath>

#include "blas.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {


template <typename T>
SimpleRNN<T>::SimpleRNN(std::size_t inputs, const RecurrentOptions& options, Rng& rng) : Recurrent<T>(inputs, options) {
  const std::size_t H = options.hidden_units;
  this->init_uniform(weight_ih_, H, inputs, rng, "weight_ih", true);
  this->init_uniform(weight_hh_, H, H, rng, "weight_hh", true);
  this->init_uniform(bias_ih_, H, 1, rng, "bias_ih", false);
  this->init_uniform(bias_hh_, H, 1, rng, "bias_hh", false);
}

template <typename T>
void SimpleRNN<T>::run_forward() {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), d = this->inputs_;
  preactivations_.set_size(H, steps * n);
  {
    const SerialIfSmall serial(H * d * steps * n);  // W_ih x_t + b of every step: one GEMM
    gemm(false, false, H, steps * n, d, T(1), weight_ih_.value.memptr(), H, this->xs_.memptr(), d, T(0), preactivations_.memptr(), H);
  }
  const arma::Col<T> bias = bias_ih_.value.col(0) + bias_hh_.value.col(0);
  preactivations_.each_col() += bias;
  const SerialIfSmall serial(H * H * n);
  for (std::size_t s = 0; s < steps; ++s) {
    arma::Mat<T> A = this->block(preactivations_, s), h_prev = this->block(this->hs_, s), h = this->block(this->hs_, s + 1);
    // [slide: Recurrent Neural Network]  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
    gemm(false, false, H, n, H, T(1), weight_hh_.value.memptr(), H, h_prev.memptr(), H, T(1), A.memptr(), H);
    transform(A, h, [](T a) { return rnn_blas::tanh_of(a); });
    this->hold_padded(s, h, h_prev);
  }
}

template <typename T>
void SimpleRNN<T>::run_backward(bool need_dx) {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), d = this->inputs_;
  dpre_.set_size(H, steps * n);
  dh_carry_.zeros(H, n);
  {
    const SerialIfSmall serial(H * H * n);
    // [paper: Werbos 1990] δh_{t-1} = W_hhᵀ (δh_t ∘ (1 - h_t²)), from the last step to the first
    for (std::size_t s = steps; s-- > 0;) {
      arma::Mat<T> dA = this->block(dpre_, s), dh = this->block(this->dhs_, s), h = this->block(this->hs_, s + 1);
      dh += dh_carry_;
      dA = dh % (T(1) - arma::square(h));
      dh_carry_.zeros();
      for (arma::uword j : this->padded(s)) {
        dA.col(j).zeros();
        dh_carry_.col(j) = dh.col(j);
      }
      if (!this->carries_back(s)) {
        dh_carry_.zeros();
        continue;
      }
      gemm(true, false, H, n, H, T(1), weight_hh_.value.memptr(), H, dA.memptr(), H, T(1), dh_carry_.memptr(), H);
    }
  }
  const SerialIfSmall serial(H * (d + H) * steps * n);
  gemm(false, true, H, d, steps * n, T(1), dpre_.memptr(), H, this->xs_.memptr(), d, T(0), weight_ih_.grad.memptr(), H);
  gemm(false, true, H, H, steps * n, T(1), dpre_.memptr(), H, this->hs_.memptr(), H, T(0), weight_hh_.grad.memptr(), H);
  bias_ih_.grad = arma::sum(dpre_, 1);
  bias_hh_.grad = bias_ih_.grad;
  if (!need_dx) return;
  this->dxs_.set_size(d, steps * n);
  gemm(true, false, d, steps * n, H, T(1), weight_ih_.value.memptr(), H, dpre_.memptr(), H, T(0), this->dxs_.memptr(), d);
}

template class SimpleRNN<float>;
template class SimpleRNN<double>;

}  // namespace lecon
