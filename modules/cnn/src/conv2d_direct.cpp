// Direct convolution kernels (the contract: conv2d_direct.hpp), written with GCC's vector extension and
// compiled for AVX-512, AVX2 and SSE2 (simd.hpp says how one is picked).
#include "conv2d_direct.hpp"

#include <algorithm>
#include <cstdint>

#include "padding.hpp"
#include "simd.hpp"

namespace lecon::direct_conv {

namespace {

using simd::broadcast;
using simd::Lanes;
using simd::load;
using simd::store;
using simd::Vec;

template <typename T>
LECON_INLINE T sum(const Vec<T>& v) {
  T s = 0;
  for (std::size_t t = 0; t < Lanes<T>::count; ++t) s += v[t];
  return s;
}

// Forward for NF consecutive filters f0 .. f0 + NF - 1 and one tile of outputs y[., i, j0 ..] in a vector V of
// lanes values (a whole vector of L, or half of one), NF accumulators in registers:
//   y[f, i, j0 .. j0 + lanes) = b[f] + Σ_{c,u,v} W[f, c, u, v] · xp[c, i + u, j0 + v .. j0 + v + lanes)   [slide: convolution]
// `stored`: how many of the tile's outputs to write (fewer than lanes only on a row shorter than the vector).
template <typename T, std::size_t NF, typename V>
LECON_INLINE void forward_tile(const Plan& g, const T* xp, const T* Wm, const T* b, std::size_t f0, std::size_t i, std::size_t j0,
                               std::size_t stored, T* y) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(T);
  const std::size_t CKK = g.patch();
  V acc[NF];
  for (std::size_t k = 0; k < NF; ++k) acc[k] = V{} + b[f0 + k];
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t u = 0; u < g.K; ++u) {
      const T* row = xp + (c * g.Hp + i + u) * g.Wq + j0;
      const T* w = Wm + f0 * CKK + (c * g.K + u) * g.K;  // W[f0, c, u, 0]
      for (std::size_t v = 0; v < g.K; ++v) {
        const V in = simd::load_as<V>(row + v);
        for (std::size_t k = 0; k < NF; ++k) acc[k] += in * w[k * CKK + v];
      }
    }
  for (std::size_t k = 0; k < NF; ++k) {
    T* out = y + ((f0 + k) * g.Ho + i) * g.Wo + j0;
    if (stored == lanes) {
      simd::store_as(out, acc[k]);
    } else {  // a row shorter than one vector (small images)
      for (std::size_t t = 0; t < stored; ++t) out[t] = acc[k][t];
    }
  }
}

// The rest of row i after its whole tiles, in one tile of V: it ends at Wo and overlaps the tile before (it
// recomputes a few outputs, but every store is a whole vector: a partial store costs more), or, on a row
// shorter than V, starts at 0 and stores Wo outputs.
template <typename T, std::size_t NF, typename V>
LECON_INLINE void forward_rest(const Plan& g, const T* xp, const T* Wm, const T* b, std::size_t f0, std::size_t i, T* y) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(T);
  if (g.Wo >= lanes) forward_tile<T, NF, V>(g, xp, Wm, b, f0, i, g.Wo - lanes, lanes, y);
  else forward_tile<T, NF, V>(g, xp, Wm, b, f0, i, 0, g.Wo, y);
}

template <typename T, std::size_t NF>
LECON_INLINE void forward_filters(const Plan& g, const T* xp, const T* Wm, const T* b, std::size_t f0, T* y) {
  constexpr std::size_t L = Lanes<T>::count;
  // Tiles of L outputs. When Wo is not a multiple of L, the rest of a row is a tile of half a vector if it fits
  // in one (LeNet's 24 = 16 + 8: on AMD's Zen 4, which executes a 64-byte multiply-add as two 32-byte halves, a
  // half vector costs half), else a whole one.
  const std::size_t full = g.Wo / L, rest = g.Wo % L;
  for (std::size_t i = 0; i < g.Ho; ++i) {
    for (std::size_t tile = 0; tile < full; ++tile) forward_tile<T, NF, Vec<T>>(g, xp, Wm, b, f0, i, tile * L, L, y);
    if (rest == 0) continue;
    if (rest <= L / 2) forward_rest<T, NF, simd::Half<T>>(g, xp, Wm, b, f0, i, y);
    else forward_rest<T, NF, Vec<T>>(g, xp, Wm, b, f0, i, y);
  }
}

template <typename T>
LECON_INLINE void forward_all(const Plan& g, const T* xp, const T* Wm, const T* b, T* y) {
  std::size_t f = 0;
  for (; f + 4 <= g.F; f += 4) forward_filters<T, 4>(g, xp, Wm, b, f, y);
  for (; f < g.F; ++f) forward_filters<T, 1>(g, xp, Wm, b, f, y);
}

#if LECON_SIMD_X86
// The forward over flat rows (conv2d_direct.hpp: Plan::flat), for Intel's AVX-512 cores. There the row tiles above
// are short of work: a tile has one vector of outputs for 4 filters, so 4 chains of multiply-adds, where two FMA
// ports with 4 cycles of latency need 8 to stay busy, and the half vector for the rest of a row (LeNet's 24 = 16 +
// 8) costs a whole one. In the flat layout a tile is any NT consecutive vectors of outputs, for 8 filters: 24
// accumulators, each tap NT loads of the input and 8 weights broadcast from memory for 24 multiply-adds. The
// price is computing K - 1 outputs per row that are not stored (LeNet's first layer: 28 per 24 outputs, where
// the row tiles took 32). On a 2-core Xeon (Sapphire Rapids) LeNet's first layer forward took 0.57x the time of
// the row tiles and the CIFAR network's 0.88-0.91x (a kernel harness, medians of 41 batches, two runs).
constexpr std::size_t kFlatVectors = 3;  // NT

LECON_TARGET_AVX512 LECON_INLINE void store_lanes(float* p, unsigned lanes, const Vec<float>& v) {
  _mm512_mask_storeu_ps(p, static_cast<__mmask16>(lanes), reinterpret_cast<const __m512&>(v));
}
LECON_TARGET_AVX512 LECON_INLINE void store_lanes(double* p, unsigned lanes, const Vec<double>& v) {
  _mm512_mask_storeu_pd(p, static_cast<__mmask8>(lanes), reinterpret_cast<const __m512d&>(v));
}

// y[f, ., .] for the NF filters f0 .. and the NT vectors of flat outputs from q0:
//   out[f, q] = b[f] + Σ_{c,u,v} W[f, c, u, v] · xf[c, q + u·S + v],   q = i·S + j, stored as y[f, i, j] for j < Wo   [slide: convolution]
// A vector of outputs from q spans the end of row i (lanes j .. S - 1, the first Wo - j of them stored) and, when
// j + L > S, the start of row i + 1 (lane S - j + t is y[f, i + 1, t] for t < Wo): two masked stores.
template <typename T, std::size_t NF, std::size_t NT>
LECON_TARGET_AVX512 LECON_INLINE void flat_tile(const Plan& g, const T* xf, const T* Wm, const T* b, std::size_t f0, std::size_t q0, T* y) {
  constexpr std::size_t L = Lanes<T>::count;
  const std::size_t CKK = g.patch(), plane = g.Hp * g.S;
  Vec<T> acc[NF][NT];
#pragma GCC unroll 8
  for (std::size_t k = 0; k < NF; ++k)
#pragma GCC unroll 8
    for (std::size_t t = 0; t < NT; ++t) acc[k][t] = Vec<T>{} + b[f0 + k];
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t u = 0; u < g.K; ++u) {
      const T* in = xf + c * plane + u * g.S + q0;
      const T* w = Wm + f0 * CKK + (c * g.K + u) * g.K;  // W[f0, c, u, 0]
      for (std::size_t v = 0; v < g.K; ++v) {
        Vec<T> x[NT];
#pragma GCC unroll 8
        for (std::size_t t = 0; t < NT; ++t) x[t] = load(in + v + t * L);
#pragma GCC unroll 8
        for (std::size_t k = 0; k < NF; ++k) {
          const T s = w[k * CKK + v];
#pragma GCC unroll 8
          for (std::size_t t = 0; t < NT; ++t) acc[k][t] += x[t] * s;
        }
      }
    }
  const std::size_t S = g.S, Wo = g.Wo, Ho = g.Ho;
  for (std::size_t t = 0; t < NT; ++t) {
    const std::size_t q = q0 + t * L, i = q / S, j = q - i * S;
    if (i >= Ho) break;  // the last tile runs past the last row
    const unsigned first = j < Wo ? (1u << std::min(L, Wo - j)) - 1 : 0u;
    unsigned second = 0;
    if (i + 1 < Ho && j + L > S) second = ((1u << std::min(L, S - j + Wo)) - 1) & ~((1u << (S - j)) - 1);
#pragma GCC unroll 8
    for (std::size_t k = 0; k < NF; ++k) {
      T* out = y + (f0 + k) * Ho * Wo;
      if (first) store_lanes(out + i * Wo + j, first, acc[k][t]);
      // Lane 0 of the second store's address lies S - j values before y[f, i + 1, 0], possibly before the plane;
      // its lanes there are masked off (AVX-512 neither writes nor faults on them).
      const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(out) + ((i + 1) * Wo + j) * sizeof(T) - S * sizeof(T);
      if (second) store_lanes(reinterpret_cast<T*>(at), second, acc[k][t]);
    }
  }
}

template <typename T>
LECON_TARGET_AVX512 void forward_flat(const Plan& g, const T* xf, const T* Wm, const T* b, T* y) {
  constexpr std::size_t NT = kFlatVectors, step = NT * Lanes<T>::count;
  const std::size_t outputs = g.Ho * g.S;
  std::size_t f = 0;
  for (; f + 8 <= g.F; f += 8)
    for (std::size_t q0 = 0; q0 < outputs; q0 += step) flat_tile<T, 8, NT>(g, xf, Wm, b, f, q0, y);
  for (; f + 4 <= g.F; f += 4)
    for (std::size_t q0 = 0; q0 < outputs; q0 += step) flat_tile<T, 4, NT>(g, xf, Wm, b, f, q0, y);
  for (; f < g.F; ++f)
    for (std::size_t q0 = 0; q0 < outputs; q0 += step) flat_tile<T, 1, NT>(g, xf, Wm, b, f, q0, y);
}
#endif

// xf <- x in the flat layout: each row p zeros, the image's row, p zeros; p rows of zeros above and below; the
// tail (read by the outputs past the last row's end) zero.
template <typename T>
void pad_flat(const Plan& g, const T* x, T* xf) {
  conv_padding::pad_planes(x, g.C, g.H, g.W, g.p, xf);
  std::fill(xf + g.C * g.Hp * g.S, xf + g.xf_size(), T(0));
}

// ∂L/∂W[f, c, u, v] += Σ_i Σ_j ∂L/∂y[f, i, j] · xp[c, i + u, j + v] for NF filters and TV taps v0 .. v0 + TV - 1
// of one kernel row at once   [slide: backpropagation through a convolution]
// The sum over j is kept as L partial sums (one vector) per weight, added up once per batch by
// reduce_weight_gradient: a horizontal sum per weight and sample would cost as much as the products.
// NF·TV accumulators stay in registers while the loop walks ∂L/∂y once: each step loads NF vectors of ∂L/∂y and
// TV of the input, and makes NF·TV fused multiply-adds. (One tap at a time, each step loaded NF + 1 vectors for
// NF multiply-adds, and LeNet's first layer ran its weight gradient at about a third of the GEMM roofline.)
template <typename T, std::size_t NF, std::size_t TV>
LECON_INLINE void weight_taps(const Plan& g, const T* xp, const T* dyp, std::size_t f0, std::size_t c, std::size_t u, std::size_t v0, T* dWv) {
  constexpr std::size_t L = Lanes<T>::count;
  const std::size_t CKK = g.patch(), tap0 = (c * g.K + u) * g.K + v0;
  Vec<T> acc[NF][TV];
#pragma GCC unroll 8
  for (std::size_t k = 0; k < NF; ++k)
#pragma GCC unroll 8
    for (std::size_t t = 0; t < TV; ++t) acc[k][t] = load(dWv + ((f0 + k) * CKK + tap0 + t) * L);
  for (std::size_t i = 0; i < g.Ho; ++i) {
    const T* row = xp + (c * g.Hp + i + u) * g.Wq + v0;
    const T* grad = dyp + (f0 * g.Ho + i) * g.Wr;
    for (std::size_t j0 = 0; j0 < g.Wr; j0 += L) {
      Vec<T> d[NF];
#pragma GCC unroll 8
      for (std::size_t k = 0; k < NF; ++k) d[k] = load(grad + k * g.Ho * g.Wr + j0);
#pragma GCC unroll 8
      for (std::size_t t = 0; t < TV; ++t) {
        const Vec<T> in = load(row + j0 + t);
#pragma GCC unroll 8
        for (std::size_t k = 0; k < NF; ++k) acc[k][t] += d[k] * in;
      }
    }
  }
#pragma GCC unroll 8
  for (std::size_t k = 0; k < NF; ++k)
#pragma GCC unroll 8
    for (std::size_t t = 0; t < TV; ++t) store(dWv + ((f0 + k) * CKK + tap0 + t) * L, acc[k][t]);
}

// Taps per pass along a kernel row: NF·TV accumulators, NF vectors of ∂L/∂y and one of the input must fit the
// 32 AVX-512 registers (4·5 + 4 + 1 = 25).
constexpr std::size_t kMaxTaps = 5;

template <typename T, std::size_t NF>
LECON_INLINE void weight_filters(const Plan& g, const T* xp, const T* dyp, std::size_t f0, T* dWv) {
  const std::size_t chunks = (g.K + kMaxTaps - 1) / kMaxTaps;
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t u = 0; u < g.K; ++u)
      for (std::size_t t = 0, v0 = 0; t < chunks; ++t) {
        const std::size_t TV = g.K / chunks + (t < g.K % chunks ? 1 : 0);  // 7 = 4 + 3, not 5 + 2
        switch (TV) {
          case 1: weight_taps<T, NF, 1>(g, xp, dyp, f0, c, u, v0, dWv); break;
          case 2: weight_taps<T, NF, 2>(g, xp, dyp, f0, c, u, v0, dWv); break;
          case 3: weight_taps<T, NF, 3>(g, xp, dyp, f0, c, u, v0, dWv); break;
          case 4: weight_taps<T, NF, 4>(g, xp, dyp, f0, c, u, v0, dWv); break;
          default: weight_taps<T, NF, 5>(g, xp, dyp, f0, c, u, v0, dWv); break;
        }
        v0 += TV;
      }
}

template <typename T>
LECON_INLINE void weight_all(const Plan& g, const T* xp, const T* dyp, T* dWv) {
  std::size_t f = 0;
  for (; f + 4 <= g.F; f += 4) weight_filters<T, 4>(g, xp, dyp, f, dWv);
  for (; f < g.F; ++f) weight_filters<T, 1>(g, xp, dyp, f, dWv);
}

// ∂L/∂xp[c, i + u, j + v] += Σ_f W[f, c, u, v] · ∂L/∂y[f, i, j]: each pixel collects the gradient of every
// output whose window covers it   [slide: backpropagation through a convolution]
template <typename T>
LECON_INLINE void input_all(const Plan& g, const T* dyp, const T* Wm, T* dxp) {
  constexpr std::size_t L = Lanes<T>::count;
  const std::size_t CKK = g.patch();
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t i = 0; i < g.Ho; ++i)
      for (std::size_t u = 0; u < g.K; ++u)
        for (std::size_t v = 0; v < g.K; ++v) {
          T* out = dxp + (c * g.Hp + i + u) * g.Wq + v;
          const T* w = Wm + (c * g.K + u) * g.K + v;  // W[0, c, u, v]; filter f at w[f · CKK]
          for (std::size_t j0 = 0; j0 < g.Wr; j0 += L) {
            Vec<T> acc = load(out + j0);
            for (std::size_t f = 0; f < g.F; ++f) acc += load(dyp + (f * g.Ho + i) * g.Wr + j0) * w[f * CKK];
            store(out + j0, acc);
          }
        }
}

}  // namespace

Plan make_plan(std::size_t C, std::size_t F, std::size_t K, std::size_t p, std::size_t H, std::size_t W, std::size_t lanes) {
  Plan g{};
  g.C = C, g.F = F, g.K = K, g.p = p, g.H = H, g.W = W;
  g.Ho = H + 2 * p - K + 1, g.Wo = W + 2 * p - K + 1;
  g.Hp = H + 2 * p;
  g.Wr = (g.Wo + lanes - 1) / lanes * lanes;
  g.Wq = g.Wr + K - 1;
  g.S = W + 2 * p;
  // The last tile reads up to NT vectors past the plane's last output row, which ends K - 1 values before the
  // plane: NT·L + K zeros after the last plane cover it.
  g.tail = kFlatVectors * lanes + K;
  g.flat = LECON_SIMD_X86 && simd::best_isa() == simd::Isa::avx512 && !simd::half_vectors_here() && g.S >= lanes;
  return g;
}

namespace {
template <typename T>
void forward_sample_of(const Plan& g, const T* x, const T* Wm, const T* b, T* buffer, T* y) {
#if LECON_SIMD_X86
  if (g.flat) {
    pad_flat(g, x, buffer);
    forward_flat(g, buffer, Wm, b, y);
    return;
  }
#endif
  pad_input(g, x, buffer);
  forward(g, buffer, Wm, b, y);
}
}  // namespace

void forward_sample(const Plan& g, const float* x, const float* Wm, const float* b, float* buffer, float* y) {
  forward_sample_of(g, x, Wm, b, buffer, y);
}
void forward_sample(const Plan& g, const double* x, const double* Wm, const double* b, double* buffer, double* y) {
  forward_sample_of(g, x, Wm, b, buffer, y);
}

template <typename T>
void pad_input(const Plan& g, const T* x, T* xp) {
  std::fill(xp, xp + g.xp_size(), T(0));
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t r = 0; r < g.H; ++r) std::copy(x + (c * g.H + r) * g.W, x + (c * g.H + r + 1) * g.W, xp + (c * g.Hp + r + g.p) * g.Wq + g.p);
}

template <typename T>
void pad_gradient(const Plan& g, const T* dy, T* dyp) {
  for (std::size_t r = 0; r < g.F * g.Ho; ++r) {
    std::copy(dy + r * g.Wo, dy + (r + 1) * g.Wo, dyp + r * g.Wr);
    std::fill(dyp + r * g.Wr + g.Wo, dyp + (r + 1) * g.Wr, T(0));
  }
}

template <typename T>
std::size_t lanes() {
  return Lanes<T>::count;
}

template <typename T>
void reduce_weight_gradient(const Plan& g, const T* dWv, T* dWm) {
  constexpr std::size_t L = Lanes<T>::count;
  for (std::size_t w = 0; w < g.patch() * g.F; ++w) {
    T sum = 0;
    for (std::size_t t = 0; t < L; ++t) sum += dWv[w * L + t];
    dWm[w] += sum;
  }
}

template <typename T>
void crop_gradient(const Plan& g, const T* dxp, T* dx) {
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t r = 0; r < g.H; ++r) {
      const T* in = dxp + (c * g.Hp + r + g.p) * g.Wq + g.p;
      std::copy(in, in + g.W, dx + (c * g.H + r) * g.W);
    }
}

// Each kernel compiled three times (simd.hpp: LECON_FOR_EACH_ISA).
#define LECON_DIRECT_KERNELS(SUFFIX, TARGET)                                                                                         \
  template <typename T>                                                                                                             \
  TARGET void forward_##SUFFIX(const Plan& g, const T* xp, const T* Wm, const T* b, T* y) { forward_all(g, xp, Wm, b, y); }          \
  template <typename T>                                                                                                             \
  TARGET void weight_##SUFFIX(const Plan& g, const T* xp, const T* dyp, T* dWm) { weight_all(g, xp, dyp, dWm); }                     \
  template <typename T>                                                                                                             \
  TARGET void input_##SUFFIX(const Plan& g, const T* dyp, const T* Wm, T* dxp) { input_all(g, dyp, Wm, dxp); }
namespace {
LECON_FOR_EACH_ISA(LECON_DIRECT_KERNELS)
}  // namespace

void forward(const Plan& g, const float* xp, const float* Wm, const float* b, float* y) { LECON_DISPATCH(forward, g, xp, Wm, b, y) }
void forward(const Plan& g, const double* xp, const double* Wm, const double* b, double* y) { LECON_DISPATCH(forward, g, xp, Wm, b, y) }
void weight_gradient(const Plan& g, const float* xp, const float* dyp, float* dWm) { LECON_DISPATCH(weight, g, xp, dyp, dWm) }
void weight_gradient(const Plan& g, const double* xp, const double* dyp, double* dWm) { LECON_DISPATCH(weight, g, xp, dyp, dWm) }
void input_gradient(const Plan& g, const float* dyp, const float* Wm, float* dxp) { LECON_DISPATCH(input, g, dyp, Wm, dxp) }
void input_gradient(const Plan& g, const double* dyp, const double* Wm, double* dxp) { LECON_DISPATCH(input, g, dyp, Wm, dxp) }

template void pad_input<float>(const Plan&, const float*, float*);
template void pad_input<double>(const Plan&, const double*, double*);
template void pad_gradient<float>(const Plan&, const float*, float*);
template void pad_gradient<double>(const Plan&, const double*, double*);
template std::size_t lanes<float>();
template std::size_t lanes<double>();
template void reduce_weight_gradient<float>(const Plan&, const float*, float*);
template void reduce_weight_gradient<double>(const Plan&, const double*, double*);
template void crop_gradient<float>(const Plan&, const float*, float*);
template void crop_gradient<double>(const Plan&, const double*, double*);

}  // namespace lecon::direct_conv
