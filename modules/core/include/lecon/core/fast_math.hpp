#pragma once
// e^x, σ and tanh for float without a library call, so that a loop over a layer's units vectorises. Element-wise
// passes of sigmoid units (an LSTM's gates, an RBM's hidden and visible probabilities) called libm's expf once
// per unit, and that cost more than the layer's matrix products (LSTM, docs/rnn.md) or a tenth of an RBM's
// training step (docs/rbm.md). double keeps libm everywhere: it is the specification the gradient checks and
// the tests that compare float with double run on.
#include <cstdint>
#include <cstring>

namespace lecon {

// e^x: x = n ln 2 + r with |r| <= ln 2 / 2 (Cody-Waite: ln 2 in two parts), e^r by Cephes' degree-5 polynomial
// [code: Cephes expf], 2^n written into the exponent bits. Relative error about 2e-7, the rounding of a float.
// x is clamped to [-87, 88], so e^x stays a normal float. NaN gives NaN: it passes the clamp and r below, while n
// is taken from 0 instead (converting NaN to int is undefined behaviour); both selects vectorise like the clamp.
inline float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);  // NaN stays NaN
  const float finite = x > -88.0f ? x : 0.0f;           // NaN -> 0, for n only
  const float scaled = finite * 1.44269504088896341f;
  const int n = static_cast<int>(scaled + (scaled >= 0 ? 0.5f : -0.5f));  // round to nearest
  const float nf = static_cast<float>(n);
  float r = x - nf * 0.693359375f;
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
// [slide: sigmoid]  σ(a) = 1 / (1 + e^{−a})
inline float sigmoid_poly(float a) { return 1.0f / (1.0f + exp_poly(-a)); }
// tanh a = 1 − 2 / (e^{2a} + 1): exact at ±∞, absolute error about 1e-7 near 0.
inline float tanh_poly(float a) { return 1.0f - 2.0f / (exp_poly(2.0f * a) + 1.0f); }

}  // namespace lecon

// A loop of exp_poly compiled for AVX-512, AVX2 and plain x86-64, the best chosen when the program starts
// (GCC's target_clones); the build itself targets plain x86-64. Put it before the function's return type.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define LECON_TARGET_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LECON_TARGET_CLONES
#endif
