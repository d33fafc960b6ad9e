#pragma once
// The element-wise part of a standard LSTM step over one sample's column, private to modules/rnn.
//
// [PyTorch: torch.nn.LSTM docs]  i, f, o = σ(a_i, a_f, a_o),  g = tanh(a_g)
// [slide: LSTM: Long Short Term Memory]  c_t = f ∘ c_{t-1} + i ∘ g,  h_t = o ∘ tanh(c_t)
//
// Reads the pre-activations a (4H: blocks i, f, g, o) and c_{t-1} (H); overwrites a with i, f, g, o and
// writes c_t, tanh(c_t), h_t (H each). At H = 128 and a batch of 64 a step's 8,192 units need 40,960
// exponentials: called one by one from libm they cost several times the step's two matrix products, so
// the float version computes exp with a polynomial the compiler vectorises (Cephes' expf: range reduction
// by ln 2, degree-5 polynomial; relative error about 2e-7, the rounding of a float) and is compiled for
// AVX-512, AVX2 and plain x86-64, the best chosen when the program starts (GCC's target_clones).
// The double version is the executable specification: std::exp and std::tanh, as before (the gradient
// checks and the PyTorch comparisons run in double); the tests compare the two.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lecon::rnn_gates {

// e^x for float without a library call, vectorisable: x = n ln 2 + r, |r| ≤ ln 2 / 2, e^r by Cephes'
// polynomial, 2^n built in the exponent bits. Inputs are clamped to [-87, 88] (e^x stays a normal float).
inline float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float scaled = x * 1.44269504088896341f;
  const int n = static_cast<int>(scaled + (scaled >= 0 ? 0.5f : -0.5f));  // round to nearest
  const float nf = static_cast<float>(n);
  float r = x - nf * 0.693359375f;  // Cody-Waite: ln 2 in two parts
  r = r - nf * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.0f;
  const std::int32_t bits = (n + 127) << 23;
  float two_n;
  std::memcpy(&two_n, &bits, sizeof two_n);
  return er * two_n;
}
inline float sigmoid_poly(float a) { return 1.0f / (1.0f + exp_poly(-a)); }
// tanh a = 1 - 2 / (e^{2a} + 1): exact at ±∞, absolute error about 1e-7 near 0.
inline float tanh_poly(float a) { return 1.0f - 2.0f / (exp_poly(2.0f * a) + 1.0f); }

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define LECON_RNN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LECON_RNN_CLONES
#endif

LECON_RNN_CLONES inline void lstm_step_forward(std::size_t H, float* __restrict a, const float* __restrict c_prev, float* __restrict c,
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
