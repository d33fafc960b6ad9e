#include "lecon/rnn/gru.hpp"

#include <cmath>

#include "blas.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {

using rnn_blas::sigmoid;
using rnn_blas::tanh_of;

template <typename T>
GRU<T>::GRU(std::size_t inputs, const RecurrentOptions& options, Rng& rng) : Recurrent<T>(inputs, options) {
  const std::size_t H = options.hidden_units;
  this->init_uniform(weight_ih_, 3 * H, inputs, rng, "weight_ih", true);
  this->init_uniform(weight_hh_, 3 * H, H, rng, "weight_hh", true);
  this->init_uniform(bias_ih_, 3 * H, 1, rng, "bias_ih", false);
  this->init_uniform(bias_hh_, 3 * H, 1, rng, "bias_hh", false);
}

template <typename T>
void GRU<T>::run_forward() {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), G = 3 * H, d = this->inputs_;
  gates_.set_size(G, steps * n);
  {
    const SerialIfSmall serial(G * d * steps * n);  // W_i x_t + b_i of every step: one GEMM
    gemm(false, false, G, steps * n, d, T(1), weight_ih_.value.memptr(), G, this->xs_.memptr(), d, T(0), gates_.memptr(), G);
  }
  gates_.each_col() += bias_ih_.value.col(0);
  recurrent_.set_size(G, steps * n);
  recurrent_.each_col() = bias_hh_.value.col(0);
  const SerialIfSmall serial(G * H * n);
  for (std::size_t s = 0; s < steps; ++s) {
    arma::Mat<T> A = this->block(gates_, s), R = this->block(recurrent_, s);
    arma::Mat<T> h_prev = this->block(this->hs_, s), h = this->block(this->hs_, s + 1);
    // R = W_hh h_{t-1} + b_hh, one GEMM per step
    gemm(false, false, G, n, H, T(1), weight_hh_.value.memptr(), G, h_prev.memptr(), H, T(1), R.memptr(), G);
    parallel_for(
        n,
        [&](std::size_t j) {
          T* a = A.colptr(j);
          const T* rec = R.colptr(j);
          const T* hp = h_prev.colptr(j);
          T* hj = h.colptr(j);
          for (std::size_t k = 0; k < H; ++k) {
            // [PyTorch: torch.nn.GRU docs]  r, z = σ(·);  n = tanh(W_in x + b_in + r ∘ (W_hn h + b_hn))
            const T r = sigmoid(a[k] + rec[k]), z = sigmoid(a[H + k] + rec[H + k]);
            const T nn = tanh_of(a[2 * H + k] + r * rec[2 * H + k]);
            a[k] = r, a[H + k] = z, a[2 * H + k] = nn;
            // [paper: Cho et al. 2014]  h_t = (1 - z) ∘ n + z ∘ h_{t-1}
            hj[k] = (T(1) - z) * nn + z * hp[k];
          }
        },
        20 * H);
    this->hold_padded(s, h, h_prev);
  }
}

template <typename T>
void GRU<T>::run_backward(bool need_dx) {
  const std::size_t n = this->batch_, steps = this->steps_, H = this->hidden_units(), G = 3 * H, d = this->inputs_;
  dgates_.set_size(G, steps * n);
  drecurrent_.set_size(G, steps * n);
  dh_carry_.zeros(H, n);
  {
    const SerialIfSmall serial(G * H * n);
    // [paper: Werbos 1990] backpropagation through time, last step first
    for (std::size_t s = steps; s-- > 0;) {
      arma::Mat<T> A = this->block(gates_, s), R = this->block(recurrent_, s), dA = this->block(dgates_, s), dR = this->block(drecurrent_, s);
      arma::Mat<T> h_prev = this->block(this->hs_, s), dh = this->block(this->dhs_, s);
      dh += dh_carry_;
      parallel_for(
          n,
          [&](std::size_t j) {
            const T* a = A.colptr(j);
            const T* rec = R.colptr(j);
            const T* hp = h_prev.colptr(j);
            const T* dhj = dh.colptr(j);
            T* da = dA.colptr(j);
            T* dr = dR.colptr(j);
            T* carry = dh_carry_.colptr(j);
            for (std::size_t k = 0; k < H; ++k) {
              const T r = a[k], z = a[H + k], nn = a[2 * H + k];
              // h = (1 - z) n + z h_prev:  δn = δh (1 - z),  δz = δh (h_prev - n),  δh_prev ∋ δh z
              const T dn = dhj[k] * (T(1) - nn * nn) * (T(1) - z);  // through tanh
              const T dz = dhj[k] * (hp[k] - nn) * z * (T(1) - z);  // through σ
              const T dr_pre = dn * rec[2 * H + k] * r * (T(1) - r);
              da[k] = dr_pre, da[H + k] = dz, da[2 * H + k] = dn;
              dr[k] = dr_pre, dr[H + k] = dz, dr[2 * H + k] = dn * r;  // n reads r ∘ (W_hn h + b_hn)
              carry[k] = dhj[k] * z;
            }
          },
          30 * H);
      for (arma::uword j : this->padded(s)) {  // held step: δ passes through unchanged
        dA.col(j).zeros();
        dR.col(j).zeros();
        dh_carry_.col(j) = dh.col(j);
      }
      if (!this->carries_back(s)) {
        dh_carry_.zeros();
        continue;
      }
      // δh_{t-1} = W_hhᵀ δR + δh ∘ z
      gemm(true, false, H, n, G, T(1), weight_hh_.value.memptr(), G, dR.memptr(), G, T(1), dh_carry_.memptr(), H);
    }
  }
  const SerialIfSmall serial(G * (d + H) * steps * n);
  gemm(false, true, G, d, steps * n, T(1), dgates_.memptr(), G, this->xs_.memptr(), d, T(0), weight_ih_.grad.memptr(), G);
  gemm(false, true, G, H, steps * n, T(1), drecurrent_.memptr(), G, this->hs_.memptr(), H, T(0), weight_hh_.grad.memptr(), G);
  bias_ih_.grad = arma::sum(dgates_, 1);
  bias_hh_.grad = arma::sum(drecurrent_, 1);
  if (!need_dx) return;
  this->dxs_.set_size(d, steps * n);
  gemm(true, false, d, steps * n, G, T(1), weight_ih_.value.memptr(), G, dgates_.memptr(), G, T(0), this->dxs_.memptr(), d);
}

template class GRU<float>;
template class GRU<double>;

}  // namespace lecon
