#include "lecon/rnn/slide_lstm.hpp"

#include <cmath>
#include <utility>

#include "blas.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {

using rnn_blas::sigmoid;
using rnn_blas::tanh_of;

template <typename T>
SlideLSTM<T>::SlideLSTM(std::size_t inputs, const RecurrentOptions& options, Rng& rng) : Recurrent<T>(inputs, options) {
  const std::size_t H = options.hidden_units;
  this->init_uniform(W_, 4 * H, inputs, rng, "W", true);
  this->init_uniform(U_, 3 * H, H, rng, "U", true);
  this->init_uniform(b_, 4 * H, 1, rng, "b", false);
}

template <typename T>
void SlideLSTM<T>::run_forward() {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), G = 4 * H, d = this->inputs_;
  gates_.set_size(G, steps * n);
  {
    const SerialIfSmall serial(G * d * steps * n);  // W x_t + b for every step and all four blocks: one GEMM
    gemm(false, false, G, steps * n, d, T(1), W_.value.memptr(), G, this->xs_.memptr(), d, T(0), gates_.memptr(), G);
  }
  gates_.each_col() += b_.value.col(0);
  cells_.set_size(H, (steps + 1) * n);
  this->block(cells_, 0).zeros();
  tanh_cells_.set_size(H, steps * n);
  const SerialIfSmall serial(3 * H * H * n);
  for (std::size_t s = 0; s < steps; ++s) {
    arma::Mat<T> A = this->block(gates_, s), h_prev = this->block(this->hs_, s), h = this->block(this->hs_, s + 1);
    arma::Mat<T> c_prev = this->block(cells_, s), c = this->block(cells_, s + 1), tc = this->block(tanh_cells_, s);
    // The gates' recurrent term U c_{t-1}: rows 0..3H-1 of the step's block (leading dimension 4H)
    gemm(false, false, 3 * H, n, H, T(1), U_.value.memptr(), 3 * H, c_prev.memptr(), H, T(1), A.memptr(), G);
    parallel_for(
        n,
        [&](std::size_t j) {
          T* a = A.colptr(j);
          const T* cp = c_prev.colptr(j);
          T* cj = c.colptr(j);
          T* tcj = tc.colptr(j);
          T* hj = h.colptr(j);
          for (std::size_t k = 0; k < H; ++k) {
            // [slide: LSTM: Long Short Term Memory]  i, f, o = σ_g(W x_t + U c_{t-1} + b);  candidate σ_g(W_c x_t + b_c)
            const T i = sigmoid(a[k]), f = sigmoid(a[H + k]), o = sigmoid(a[2 * H + k]), g = sigmoid(a[3 * H + k]);
            a[k] = i, a[H + k] = f, a[2 * H + k] = o, a[3 * H + k] = g;
            // c_t = f_t ∘ c_{t-1} + i_t ∘ σ_g(W_c x_t + b_c);  h_t = o_t ∘ σ_h(c_t)
            cj[k] = f * cp[k] + i * g;
            tcj[k] = tanh_of(cj[k]);
            hj[k] = o * tcj[k];
          }
        },
        20 * H);
    this->hold_padded(s, h, h_prev);
    this->hold_padded(s, c, c_prev);
  }
}

template <typename T>
void SlideLSTM<T>::run_backward(bool need_dx) {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), G = 4 * H, d = this->inputs_;
  dgates_.set_size(G, steps * n);
  dh_carry_.zeros(H, n);  // only held (padded) steps pass δh back: h itself is not recurrent here
  dc_carry_.zeros(H, n);
  dc_next_.set_size(H, n);
  {
    const SerialIfSmall serial(3 * H * H * n);
    // [paper: Werbos 1990] backpropagation through time; the recurrence runs through c only
    for (std::size_t s = steps; s-- > 0;) {
      arma::Mat<T> A = this->block(gates_, s), dA = this->block(dgates_, s), dh = this->block(this->dhs_, s);
      arma::Mat<T> c_prev = this->block(cells_, s), tc = this->block(tanh_cells_, s);
      dh += dh_carry_;
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
              const T i = a[k], f = a[H + k], o = a[2 * H + k], g = a[3 * H + k];
              const T dc = dc_in[k] + dhj[k] * o * (T(1) - tcj[k] * tcj[k]);  // h = o σ_h(c)
              da[k] = dc * g * i * (T(1) - i);                  // i through σ_g
              da[H + k] = dc * cp[k] * f * (T(1) - f);          // f
              da[2 * H + k] = dhj[k] * tcj[k] * o * (T(1) - o); // o
              da[3 * H + k] = dc * i * g * (T(1) - g);          // the candidate, σ_g' = σ_g (1 - σ_g)
              dc_out[k] = dc * f;                               // direct path; U's part follows
            }
          },
          30 * H);
      dh_carry_.zeros();
      for (arma::uword j : this->padded(s)) {
        dA.col(j).zeros();
        dh_carry_.col(j) = dh.col(j);
        dc_next_.col(j) = dc_carry_.col(j);
      }
      if (!this->carries_back(s)) {
        dh_carry_.zeros();
        dc_carry_.zeros();
        continue;
      }
      // δc_{t-1} = δc ∘ f + Uᵀ δA[i, f, o]
      gemm(true, false, H, n, 3 * H, T(1), U_.value.memptr(), 3 * H, dA.memptr(), G, T(1), dc_next_.memptr(), H);
      std::swap(dc_carry_, dc_next_);
    }
  }
  const SerialIfSmall serial(G * (d + H) * steps * n);
  gemm(false, true, G, d, steps * n, T(1), dgates_.memptr(), G, this->xs_.memptr(), d, T(0), W_.grad.memptr(), G);
  // ∂L/∂U = δA[i, f, o] C_prevᵀ over all steps
  gemm(false, true, 3 * H, H, steps * n, T(1), dgates_.memptr(), G, cells_.memptr(), H, T(0), U_.grad.memptr(), 3 * H);
  b_.grad = arma::sum(dgates_, 1);
  if (!need_dx) return;
  this->dxs_.set_size(d, steps * n);
  gemm(true, false, d, steps * n, G, T(1), W_.value.memptr(), G, dgates_.memptr(), G, T(0), this->dxs_.memptr(), d);
}

template class SlideLSTM<float>;
template class SlideLSTM<double>;

}  // namespace lecon
