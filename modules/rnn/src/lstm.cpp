#include "lecon/rnn/lstm.hpp"

#include <cmath>
#include <utility>

#include "blas.hpp"
#include "lstm_gates.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {


template <typename T>
LSTM<T>::LSTM(std::size_t inputs, const RecurrentOptions& options, Rng& rng) : Recurrent<T>(inputs, options) {
  const std::size_t H = options.hidden_units;
  this->init_uniform(weight_ih_, 4 * H, inputs, rng, "weight_ih", true);
  this->init_uniform(weight_hh_, 4 * H, H, rng, "weight_hh", true);
  this->init_uniform(bias_ih_, 4 * H, 1, rng, "bias_ih", false);
  this->init_uniform(bias_hh_, 4 * H, 1, rng, "bias_hh", false);
}

template <typename T>
void LSTM<T>::run_forward() {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), G = 4 * H, d = this->inputs_;
  // Input part of every step at once, one GEMM:  A = W_ih Xs + (b_ih + b_hh) 1ᵀ   (4H x T·n)
  gates_.set_size(G, steps * n);
  {
    const SerialIfSmall serial(G * d * steps * n);
    gemm(false, false, G, steps * n, d, T(1), weight_ih_.value.memptr(), G, this->xs_.memptr(), d, T(0), gates_.memptr(), G);
  }
  const arma::Col<T> bias = bias_ih_.value.col(0) + bias_hh_.value.col(0);
  gates_.each_col() += bias;
  cells_.set_size(H, (steps + 1) * n);
  this->block(cells_, 0).zeros();
  tanh_cells_.set_size(H, steps * n);
  const SerialIfSmall serial(G * H * n);  // the per-step products
  for (std::size_t s = 0; s < steps; ++s) {
    arma::Mat<T> A = this->block(gates_, s), h_prev = this->block(this->hs_, s), h = this->block(this->hs_, s + 1);
    arma::Mat<T> c_prev = this->block(cells_, s), c = this->block(cells_, s + 1), tc = this->block(tanh_cells_, s);
    // Recurrent part, one GEMM per step:  A += W_hh h_{t-1}
    gemm(false, false, G, n, H, T(1), weight_hh_.value.memptr(), G, h_prev.memptr(), H, T(1), A.memptr(), G);
    parallel_for(
        n,
        [&](std::size_t j) {
          // [PyTorch: torch.nn.LSTM docs] i, f, o = σ(·), g = tanh(·);
          // [slide: LSTM: Long Short Term Memory] c_t = f_t ∘ c_{t-1} + i_t ∘ g_t,  h_t = o_t ∘ tanh(c_t)
          // (lstm_gates.hpp: vectorised for float, libm for double)
          rnn_gates::lstm_step_forward(H, A.colptr(j), c_prev.colptr(j), c.colptr(j), tc.colptr(j), h.colptr(j));
        },
        20 * H);
    this->hold_padded(s, h, h_prev);
    this->hold_padded(s, c, c_prev);
  }
}

template <typename T>
void LSTM<T>::run_backward(bool need_dx) {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), G = 4 * H, d = this->inputs_;
  dgates_.set_size(G, steps * n);
  dh_carry_.zeros(H, n);  // ∂L/∂h(s) through step s+1
  dc_carry_.zeros(H, n);  // ∂L/∂c(s) through step s+1
  dc_next_.set_size(H, n);
  {
    const SerialIfSmall serial(G * H * n);
    // [paper: Werbos 1990] backpropagation through time: the steps in reverse order, δ carried from s to s-1.
    for (std::size_t s = steps; s-- > 0;) {
      arma::Mat<T> A = this->block(gates_, s), dA = this->block(dgates_, s), dh = this->block(this->dhs_, s);
      arma::Mat<T> c_prev = this->block(cells_, s), tc = this->block(tanh_cells_, s);
      dh += dh_carry_;  // total ∂L/∂h(s): its output and the next step
      parallel_for(
          n,
          [&](std::size_t j) {
            const T* a = A.colptr(j);
            T* da = dA.colptr(j);
            const T* dhj = dh.colptr(j);
            const T* cp = c_prev.colptr(j);
            const T* tcj = tc.colptr(j);
            const T* dc_in = dc_carry_.colptr(j);
            T* dc_out = dc_next_.colptr(j);
            for (std::size_t k = 0; k < H; ++k) {
              const T i = a[k], f = a[H + k], g = a[2 * H + k], o = a[3 * H + k];
              // h = o ∘ tanh(c):  ∂L/∂c = δc(from s+1) + δh ∘ o ∘ (1 - tanh²c),  ∂L/∂o = δh ∘ tanh c
              const T dc = dc_in[k] + dhj[k] * o * (T(1) - tcj[k] * tcj[k]);
              // c = f ∘ c_prev + i ∘ g, then through σ' = σ(1-σ) and tanh' = 1 - tanh²
              da[k] = dc * g * i * (T(1) - i);
              da[H + k] = dc * cp[k] * f * (T(1) - f);
              da[2 * H + k] = dc * i * (T(1) - g * g);
              da[3 * H + k] = dhj[k] * tcj[k] * o * (T(1) - o);
              // ∂L/∂c_{t-1} = δc ∘ f: the cell path, no squashing on the way (docs/rnn.md)
              dc_out[k] = dc * f;
            }
          },
          30 * H);
      dh_carry_.zeros();
      for (arma::uword j : this->padded(s)) {  // a held step: the gradient passes through unchanged
        dA.col(j).zeros();
        dh_carry_.col(j) = dh.col(j);
        dc_next_.col(j) = dc_carry_.col(j);
      }
      if (!this->carries_back(s)) {  // s = 0, or a truncation boundary
        dh_carry_.zeros();
        dc_carry_.zeros();
        continue;
      }
      // ∂L/∂h_{t-1} = W_hhᵀ δA   (+ the held columns' δh)
      gemm(true, false, H, n, G, T(1), weight_hh_.value.memptr(), G, dA.memptr(), G, T(1), dh_carry_.memptr(), H);
      std::swap(dc_carry_, dc_next_);
    }
  }
  // All steps at once: ∂L/∂W_ih = δA Xsᵀ, ∂L/∂W_hh = δA H_prevᵀ, ∂L/∂b = δA 1, ∂L/∂Xs = W_ihᵀ δA.
  const SerialIfSmall serial(G * (d + H) * steps * n);
  gemm(false, true, G, d, steps * n, T(1), dgates_.memptr(), G, this->xs_.memptr(), d, T(0), weight_ih_.grad.memptr(), G);
  gemm(false, true, G, H, steps * n, T(1), dgates_.memptr(), G, this->hs_.memptr(), H, T(0), weight_hh_.grad.memptr(), G);
  bias_ih_.grad = arma::sum(dgates_, 1);
  bias_hh_.grad = bias_ih_.grad;
  if (!need_dx) return;
  this->dxs_.set_size(d, steps * n);
  gemm(true, false, d, steps * n, G, T(1), weight_ih_.value.memptr(), G, dgates_.memptr(), G, T(0), this->dxs_.memptr(), d);
}

template <typename T>
arma::Mat<T> LSTM<T>::cell_state(std::size_t t) const {
  if (t >= this->steps_ || cells_.n_cols != (this->steps_ + 1) * this->batch_) throw Error("LSTM::cell_state: no step " + std::to_string(t));
  const std::size_t s = this->options_.reverse ? this->steps_ - 1 - t : t;
  return cells_.cols((s + 1) * this->batch_, (s + 2) * this->batch_ - 1);
}

template class LSTM<float>;
template class LSTM<double>;

}  // namespace lecon
