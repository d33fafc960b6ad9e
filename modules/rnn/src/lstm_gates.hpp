#pragma once
// The element-wise part of a standard LSTM step over one sample's column, private to modules/rnn.
//
// [PyTorch: torch.nn.LSTM docs]  i, f, o = σ(a_i, a_f, a_o),  g = tanh(a_g)
// [slide: LSTM: Long Short Term Memory]  c_t = f ∘ c_{t-1} + i ∘ g,  h_t = o ∘ tanh(c_t)
//
// Reads the pre-activations a (4H: blocks i, f, g, o) and c_{t-1} (H); overwrites a with i, f, g, o and
// writes c_t, tanh(c_t), h_t (H each). At H = 128 and a batch of 64 a step's 8,192 units need 40,960
// exponentials: called one by one from libm they cost several times the step's two matrix products, so
// the float version computes exp with the polynomial of lecon/core/fast_math.hpp, which the compiler
// vectorises, and is compiled for AVX-512, AVX2 and plain x86-64 (LECON_TARGET_CLONES).
// The double version is the executable specification: std::exp and std::tanh, as before (the gradient
// checks and the PyTorch comparisons run in double); the tests compare the two.
#include <cmath>
#include <cstddef>

#include "lecon/core/fast_math.hpp"

namespace lecon::rnn_gates {

LECON_TARGET_CLONES inline void lstm_step_forward(std::size_t H, float* __restrict a, const float* __restrict c_prev, float* __restrict c,
                                               float* __restrict tanh_c, float* __restrict h) {
  for (std::size_t k = 0; k < H; ++k) {
    const float i = sigmoid_poly(a[k]), f = sigmoid_poly(a[H + k]), g = tanh_poly(a[2 * H + k]), o = sigmoid_poly(a[3 * H + k]);
    a[k] = i, a[H + k] = f, a[2 * H + k] = g, a[3 * H + k] = o;
    c[k] = f * c_prev[k] + i * g;
    tanh_c[k] = tanh_poly(c[k]);
    h[k] = o * tanh_c[k];
  }
}

// The specification: libm's exp and tanh, one unit after the other.
inline void lstm_step_forward(std::size_t H, double* a, const double* c_prev, double* c, double* tanh_c, double* h) {
  for (std::size_t k = 0; k < H; ++k) {
    const double i = 1 / (1 + std::exp(-a[k])), f = 1 / (1 + std::exp(-a[H + k])), g = std::tanh(a[2 * H + k]),
                 o = 1 / (1 + std::exp(-a[3 * H + k]));
    a[k] = i, a[H + k] = f, a[2 * H + k] = g, a[3 * H + k] = o;
    c[k] = f * c_prev[k] + i * g;
    tanh_c[k] = std::tanh(c[k]);
    h[k] = o * tanh_c[k];
  }
}

}  // namespace lecon::rnn_gates
