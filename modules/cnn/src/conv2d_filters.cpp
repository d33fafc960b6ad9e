// Direct convolution vectorised over filters (the contract and the formulas: conv2d_filters.hpp), written
// with GCC's vector extension and compiled for AVX-512, AVX2 and SSE2 (simd.hpp).
#include "conv2d_filters.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "padding.hpp"
#include "simd.hpp"

namespace lecon::filter_conv {

namespace {

using simd::Lanes;
using simd::load;
using simd::store;
using simd::Vec;

// Accumulators per tile: outputs x vectors of filters ≤ 24, which with the weight vectors and a broadcast pixel
// fit AVX-512's 32 registers (12 outputs x 2 vectors; 6 x (3 + a half); 6 x 4).
constexpr std::size_t kAccumulators = 24;
// At most this many outputs of a row per tile, and taps along a kernel row per pass of the weight gradient.
constexpr std::size_t kMaxTile = 12;
constexpr std::size_t kMaxTaps = 8;

// A pass covers the filters f0 .. f0 + NV·L in NV whole vectors, and with HALF the next L/2 in half a vector
// (simd.hpp: on AMD's Zen 4 a half vector costs half). Layers whose filter count leaves at most half a vector
// beyond whole ones take their last filters that way, in one pass with the whole vectors before them, so each
// broadcast pixel feeds all of them: LeNet's 50 = 3 x 16 + 2, one pass of 3 vectors and a half instead of two
// passes of 2 vectors (64 lanes, 14 of them padding). Other counts: passes of 2 vectors, then 1.
struct Pass {
  std::size_t vectors;  // whole vectors, 0-4 (4 only without a half)
  bool half;
};
// Where half a vector costs as much as a whole one (Plan::half_vectors false: Intel's AVX-512 cores), a pass of
// 2 or 3 whole vectors and a half takes one more whole vector instead (LeNet's 50 filters: 4 vectors, the last
// 14 lanes padding): the half's multiply-adds need the pixel broadcast a second time, into a 32-byte register,
// and GCC does both broadcasts register to register, on the port the second FMA unit uses. On a 2-core Xeon
// (Sapphire Rapids) 4 whole vectors took LeNet's second layer 0.75x the time forward and 0.72x for the weight
// gradient, 40 filters as 3 vectors 0.76x and 0.81x. One whole and a half, or a half alone, stay: there the
// whole vector was slower (8 filters 1.08x / 1.16x; 24: 1.00x / 1.10x).
inline Pass next_pass(const Plan& g, std::size_t f0, std::size_t L) {
  const std::size_t F = g.F, left = F - f0, part = F % L;
  if (part != 0 && part <= L / 2 && left <= 3 * L + L / 2) {
    if (left / L >= 2 && !g.half_vectors) return {left / L + 1, false};
    return {left / L, true};
  }
  return {left > L ? std::size_t(2) : std::size_t(1), false};
}
inline std::size_t pass_width(const Pass& pass, std::size_t L) { return pass.vectors * L + (pass.half ? L / 2 : 0); }

using simd::Half;
using simd::load_as;
using simd::store_as;

// tile[r] (R x (NV vectors + a half if HALF)) = Σ_{c,u,v} Wf[(c, u, v), f0 ..] · xp[c, i_r + u, j_r + v]   [slide: convolution]
// for R outputs (i_r, j_r): j0 + r along row i, or (FLAT, called with i = 0 and j0 = q0) the outputs q0 .. q0 + R - 1
// of the plane in row-major order, across the end of a row, each with its own pointer into xp.
template <typename T, std::size_t NV, bool HALF, std::size_t R, bool FLAT>
LECON_INLINE void forward_tile(const Plan& g, const T* xp, const T* Wf, std::size_t f0, std::size_t i, std::size_t j0, T* tile) {
  constexpr std::size_t L = Lanes<T>::count, width = NV * L + (HALF ? L / 2 : 0);
  Vec<T> acc[R][NV > 0 ? NV : 1];
  Half<T> acc_half[R];
#pragma GCC unroll 32
  for (std::size_t r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (std::size_t k = 0; k < NV; ++k) acc[r][k] = Vec<T>{};
    if constexpr (HALF) acc_half[r] = Half<T>{};
  }
  const std::size_t plane = g.Hp * g.Wp;
  const T* at[FLAT ? R : 1];  // FLAT: output r's window, xp[0, i_r, j_r]
  if constexpr (FLAT) {
#pragma GCC unroll 32
    for (std::size_t r = 0; r < R; ++r) {
      const std::size_t q = i * g.Wo + j0 + r, ir = q / g.Wo;
      at[r] = xp + ir * g.Wp + (q - ir * g.Wo);
    }
  }
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t u = 0; u < g.K; ++u) {
      const std::size_t row = c * plane + u * g.Wp;
      const T* along = xp + row + (i * g.Wp + j0);  // not FLAT: xp[c, i + u, j0]
      const T* w = Wf + (c * g.K + u) * g.K * g.Fp + f0;
      for (std::size_t v = 0; v < g.K; ++v, w += g.Fp) {
        Vec<T> wv[NV > 0 ? NV : 1];
#pragma GCC unroll 4
        for (std::size_t k = 0; k < NV; ++k) wv[k] = load(w + k * L);
        Half<T> wh{};
        if constexpr (HALF) wh = load_as<Half<T>>(w + NV * L);
#pragma GCC unroll 32
        for (std::size_t r = 0; r < R; ++r) {
          const T s = FLAT ? at[r][row + v] : along[v + r];
#pragma GCC unroll 4
          for (std::size_t k = 0; k < NV; ++k) acc[r][k] += wv[k] * s;
          if constexpr (HALF) acc_half[r] += wh * s;
        }
      }
    }
#pragma GCC unroll 32
  for (std::size_t r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (std::size_t k = 0; k < NV; ++k) store(tile + r * width + k * L, acc[r][k]);
    if constexpr (HALF) store_as(tile + r * width + NV * L, acc_half[r]);
  }
}

// Only the tile widths whose accumulators fit are compiled (forward_filters never asks for more).
template <typename T, std::size_t NV, bool HALF, bool FLAT>
LECON_INLINE void forward_tile_of(std::size_t R, const Plan& g, const T* xp, const T* Wf, std::size_t f0, std::size_t i, std::size_t j0, T* tile) {
  constexpr std::size_t vectors = NV + (HALF ? 1 : 0);
  switch (R) {
#define LECON_TILE(N)                                                                              \
  case N:                                                                                          \
    if constexpr (N * vectors <= kAccumulators) forward_tile<T, NV, HALF, N, FLAT>(g, xp, Wf, f0, i, j0, tile); \
    return;
    LECON_TILE(1) LECON_TILE(2) LECON_TILE(3) LECON_TILE(4) LECON_TILE(5) LECON_TILE(6)
    LECON_TILE(7) LECON_TILE(8) LECON_TILE(9) LECON_TILE(10) LECON_TILE(11) LECON_TILE(12)
#undef LECON_TILE
    default: return;
  }
}

// The tile's sums out to the filters' planes, with the bias added: filter f0 + q sits at offset q of each
// output's row of the tile, and the tile's R outputs are consecutive in every plane of y.
template <typename T>
LECON_INLINE void store_tile(const Plan& g, const T* tile, std::size_t width, std::size_t fn, const T* b, std::size_t f0, std::size_t q0,
                             std::size_t R, T* y) {
  const std::size_t positions = g.Ho * g.Wo;
  for (std::size_t q = 0; q < fn; ++q) {
    T* out = y + (f0 + q) * positions + q0;
    const T* in = tile + q;
    const T bias = b ? b[f0 + q] : T(0);
    for (std::size_t r = 0; r < R; ++r) out[r] = in[r * width] + bias;
  }
}

// The pass's filters (those below F) of every output, in tiles of nearly equal width (15 = 8 + 7, not 12 + 3):
// along each row, or, where a row leaves the tiles short of the widest that fit (LeNet's second layer: rows of
// 8 in tiles of 4 + 4 where 6 fit), along the plane's outputs in row-major order, across row ends (64 = 9 x 6 +
// 2 x 5). The tiles then hold at most 8 outputs: each output's window has its own pointer, and more pointers
// than that did not stay in registers (16x16 planes in tiles of 12 where rows took 8 + 8: 1.04-1.09x the time).
template <typename T, std::size_t NV, bool HALF>
LECON_INLINE void forward_filters(const Plan& g, const T* xp, const T* Wf, const T* b, std::size_t f0, T* y) {
  constexpr std::size_t L = Lanes<T>::count, width = NV * L + (HALF ? L / 2 : 0), vectors = NV + (HALF ? 1 : 0);
  constexpr std::size_t max_tile = std::min(kMaxTile, kAccumulators / vectors);
  alignas(64) T tile[kAccumulators * L];
  const std::size_t fn = std::min(g.F - f0, width);
  if (max_tile <= 8 && g.Wo % max_tile != 0) {
    const std::size_t positions = g.Ho * g.Wo, tiles = (positions + max_tile - 1) / max_tile;
    for (std::size_t t = 0, q0 = 0; t < tiles; ++t) {
      const std::size_t R = positions / tiles + (t < positions % tiles ? 1 : 0);
      forward_tile_of<T, NV, HALF, true>(R, g, xp, Wf, f0, 0, q0, tile);
      store_tile(g, tile, width, fn, b, f0, q0, R, y);
      q0 += R;
    }
    return;
  }
  const std::size_t tiles = (g.Wo + max_tile - 1) / max_tile;
  for (std::size_t i = 0; i < g.Ho; ++i)
    for (std::size_t t = 0, j0 = 0; t < tiles; ++t) {
      const std::size_t R = g.Wo / tiles + (t < g.Wo % tiles ? 1 : 0);
      forward_tile_of<T, NV, HALF, false>(R, g, xp, Wf, f0, i, j0, tile);
      store_tile(g, tile, width, fn, b, f0, i * g.Wo + j0, R, y);
      j0 += R;
    }
}

template <typename T>
LECON_INLINE void forward_all(const Plan& g, const T* xp, const T* Wf, const T* b, T* y) {
  constexpr std::size_t L = Lanes<T>::count;
  for (std::size_t f0 = 0; f0 < g.F;) {
    const Pass pass = next_pass(g, f0, L);
    if (pass.half) {
      switch (pass.vectors) {
        case 0: forward_filters<T, 0, true>(g, xp, Wf, b, f0, y); break;
        case 1: forward_filters<T, 1, true>(g, xp, Wf, b, f0, y); break;
        case 2: forward_filters<T, 2, true>(g, xp, Wf, b, f0, y); break;
        default: forward_filters<T, 3, true>(g, xp, Wf, b, f0, y); break;
      }
    } else if (pass.vectors == 4) {
      forward_filters<T, 4, false>(g, xp, Wf, b, f0, y);
    } else if (pass.vectors == 3) {
      forward_filters<T, 3, false>(g, xp, Wf, b, f0, y);
    } else if (pass.vectors == 2) {
      forward_filters<T, 2, false>(g, xp, Wf, b, f0, y);
    } else {
      forward_filters<T, 1, false>(g, xp, Wf, b, f0, y);
    }
    f0 += pass_width(pass, L);
  }
}

// dWf[(c, u, v0 + t), f0 ..] += Σ_{i,j} dyT[(i, j), f0 ..] · xp[c, i + u, j + v0 + t] for TV taps along a kernel row
// and the pass's vectors of filters: TV·(NV + HALF) accumulators   [slide: backpropagation through a convolution]
template <typename T, std::size_t NV, bool HALF, std::size_t TV>
LECON_INLINE void weight_taps(const Plan& g, const T* xp, const T* dyT, std::size_t f0, std::size_t c, std::size_t u, std::size_t v0,
                              std::size_t i0, std::size_t i1, T* dWf) {
  constexpr std::size_t L = Lanes<T>::count;
  T* out = dWf + ((c * g.K + u) * g.K + v0) * g.Fp + f0;
  Vec<T> acc[TV][NV > 0 ? NV : 1];
  Half<T> acc_half[TV];
#pragma GCC unroll 8
  for (std::size_t t = 0; t < TV; ++t) {
#pragma GCC unroll 4
    for (std::size_t k = 0; k < NV; ++k) acc[t][k] = load(out + t * g.Fp + k * L);
    if constexpr (HALF) acc_half[t] = load_as<Half<T>>(out + t * g.Fp + NV * L);
  }
  for (std::size_t i = i0; i < i1; ++i) {
    const T* row = xp + (c * g.Hp + i + u) * g.Wp + v0;
    const T* d = dyT + i * g.Wo * g.Fp + f0;
    for (std::size_t j = 0; j < g.Wo; ++j, d += g.Fp) {
      Vec<T> dv[NV > 0 ? NV : 1];
#pragma GCC unroll 4
      for (std::size_t k = 0; k < NV; ++k) dv[k] = load(d + k * L);
      Half<T> dh{};
      if constexpr (HALF) dh = load_as<Half<T>>(d + NV * L);
#pragma GCC unroll 8
      for (std::size_t t = 0; t < TV; ++t) {
        const T s = row[j + t];
#pragma GCC unroll 4
        for (std::size_t k = 0; k < NV; ++k) acc[t][k] += dv[k] * s;
        if constexpr (HALF) acc_half[t] += dh * s;
      }
    }
  }
#pragma GCC unroll 8
  for (std::size_t t = 0; t < TV; ++t) {
#pragma GCC unroll 4
    for (std::size_t k = 0; k < NV; ++k) store(out + t * g.Fp + k * L, acc[t][k]);
    if constexpr (HALF) store_as(out + t * g.Fp + NV * L, acc_half[t]);
  }
}

template <typename T, std::size_t NV, bool HALF>
LECON_INLINE void weight_taps_of(std::size_t TV, const Plan& g, const T* xp, const T* dyT, std::size_t f0, std::size_t c, std::size_t u,
                                 std::size_t v0, std::size_t i0, std::size_t i1, T* dWf) {
  constexpr std::size_t vectors = NV + (HALF ? 1 : 0);
  switch (TV) {
#define LECON_TAPS(N)                                                                                            \
  case N:                                                                                                        \
    if constexpr (N * vectors <= kAccumulators) weight_taps<T, NV, HALF, N>(g, xp, dyT, f0, c, u, v0, i0, i1, dWf); \
    return;
    LECON_TAPS(1) LECON_TAPS(2) LECON_TAPS(3) LECON_TAPS(4) LECON_TAPS(5) LECON_TAPS(6) LECON_TAPS(7) LECON_TAPS(8)
#undef LECON_TAPS
    default: return;
  }
}

template <typename T, std::size_t NV, bool HALF>
LECON_INLINE void weight_filters(const Plan& g, const T* xp, const T* dyT, std::size_t f0, T* dWf) {
  constexpr std::size_t max_taps = std::min(kMaxTaps, kAccumulators / (NV + (HALF ? 1 : 0)));
  const std::size_t chunks = (g.K + max_taps - 1) / max_taps;
  // Rows of ∂L/∂y in blocks of about 16 KB, so that the block stays in the L1 cache while every tap passes over it.
  const std::size_t rows = std::max<std::size_t>(1, (std::size_t(16) << 10) / (g.Wo * g.Fp * sizeof(T)));
  for (std::size_t i0 = 0; i0 < g.Ho; i0 += rows) {
    const std::size_t i1 = std::min(g.Ho, i0 + rows);
    for (std::size_t c = 0; c < g.C; ++c)
      for (std::size_t u = 0; u < g.K; ++u)
        for (std::size_t t = 0, v0 = 0; t < chunks; ++t) {
          const std::size_t TV = g.K / chunks + (t < g.K % chunks ? 1 : 0);
          weight_taps_of<T, NV, HALF>(TV, g, xp, dyT, f0, c, u, v0, i0, i1, dWf);
          v0 += TV;
        }
  }
}

// The same passes over the filters as forward_all. A half vector leaves the share's padding lanes beyond it
// (f ≥ F) at zero, which nothing reads.
template <typename T>
LECON_INLINE void weight_all(const Plan& g, const T* xp, const T* dyT, T* dWf) {
  constexpr std::size_t L = Lanes<T>::count;
  for (std::size_t f0 = 0; f0 < g.F;) {
    const Pass pass = next_pass(g, f0, L);
    if (pass.half) {
      switch (pass.vectors) {
        case 0: weight_filters<T, 0, true>(g, xp, dyT, f0, dWf); break;
        case 1: weight_filters<T, 1, true>(g, xp, dyT, f0, dWf); break;
        case 2: weight_filters<T, 2, true>(g, xp, dyT, f0, dWf); break;
        default: weight_filters<T, 3, true>(g, xp, dyT, f0, dWf); break;
      }
    } else if (pass.vectors == 4) {
      weight_filters<T, 4, false>(g, xp, dyT, f0, dWf);
    } else if (pass.vectors == 3) {
      weight_filters<T, 3, false>(g, xp, dyT, f0, dWf);
    } else if (pass.vectors == 2) {
      weight_filters<T, 2, false>(g, xp, dyT, f0, dWf);
    } else {
      weight_filters<T, 1, false>(g, xp, dyT, f0, dWf);
    }
    f0 += pass_width(pass, L);
  }
}

}  // namespace

std::size_t round_up(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

Plan make_plan(std::size_t C, std::size_t F, std::size_t K, std::size_t p, std::size_t H, std::size_t W, std::size_t lanes) {
  Plan g{};
  g.half_vectors = simd::half_vectors_here();
  g.C = C, g.F = F, g.K = K, g.p = p, g.H = H, g.W = W;
  g.Ho = H + 2 * p - K + 1, g.Wo = W + 2 * p - K + 1;
  g.Hp = H + 2 * p, g.Wp = W + 2 * p;
  g.Fp = round_up(F, lanes);
  return g;
}

Plan flipped_plan(const Plan& g, std::size_t lanes) { return make_plan(g.F, g.C, g.K, g.K - 1 - g.p, g.Ho, g.Wo, lanes); }

template <typename T>
void pad_input(const Plan& g, const T* x, T* xp) {
  conv_padding::pad_planes(x, g.C, g.H, g.W, g.p, xp);
}

template <typename T>
void pack_weights(const Plan& g, const T* Wm, T* Wf) {
  const std::size_t CKK = g.patch();
  for (std::size_t t = 0; t < CKK; ++t) {
    T* row = Wf + t * g.Fp;
    for (std::size_t f = 0; f < g.F; ++f) row[f] = Wm[f * CKK + t];
    std::fill(row + g.F, row + g.Fp, T(0));
  }
}

template <typename T>
void pack_flipped_weights(const Plan& g, const T* Wm, std::size_t lanes, T* Wf) {
  const std::size_t CKK = g.patch(), K = g.K, Cp = round_up(g.C, lanes);
  for (std::size_t f = 0; f < g.F; ++f)
    for (std::size_t u = 0; u < K; ++u)
      for (std::size_t v = 0; v < K; ++v) {
        T* row = Wf + ((f * K + u) * K + v) * Cp;  // tap (f, u, v) of the flipped convolution
        for (std::size_t c = 0; c < g.C; ++c) row[c] = Wm[f * CKK + (c * K + K - 1 - u) * K + K - 1 - v];
        std::fill(row + g.C, row + Cp, T(0));
      }
}

template <typename T>
void transpose_gradient(const Plan& g, const T* dy, T* dyT) {
  // In 16 x 16 blocks through a small tile: reads and writes both run along rows, 16 values at a time.
  constexpr std::size_t B = 16;
  const std::size_t positions = g.Ho * g.Wo;
  T tile[B][B];
  for (std::size_t q0 = 0; q0 < positions; q0 += B) {
    const std::size_t nq = std::min(B, positions - q0);
    for (std::size_t f0 = 0; f0 < g.Fp; f0 += B) {
      const std::size_t nf = std::min(B, g.Fp - f0);
      for (std::size_t a = 0; a < nf; ++a) {
        if (f0 + a < g.F) {
          const T* plane = dy + (f0 + a) * positions + q0;
          for (std::size_t t = 0; t < nq; ++t) tile[t][a] = plane[t];
        } else {
          for (std::size_t t = 0; t < nq; ++t) tile[t][a] = T(0);
        }
      }
      // A whole row of the tile as a copy of constant size: GCC makes it one vector move (or four), where a
      // copy of nf values became `rep movsq`, whose start-up cost made this pass 7.5% of the CIFAR network's
      // training step on one thread (perf).
      if (nf == B) {
        for (std::size_t t = 0; t < nq; ++t) std::memcpy(dyT + (q0 + t) * g.Fp + f0, tile[t], sizeof tile[t]);
      } else {
        for (std::size_t t = 0; t < nq; ++t) std::copy(tile[t], tile[t] + nf, dyT + (q0 + t) * g.Fp + f0);
      }
    }
  }
}

#if LECON_SIMD_X86
// [slide: backpropagation through a convolution]  ∂L/∂x = col2im(∂L/∂P), one row of ∂L/∂x at a time:
//   ∂L/∂x[c, r, v .. v + Wo) += ∂L/∂P[(r - u, 0 .. Wo), (c, u, v)]   for the taps u with 0 ≤ r - u < Ho, all v.
// The row lives in one register; each term is loaded into lanes v .. v + Wo - 1 by a masked load from Wo values
// before the address (the masked-off lanes are not read), so nothing is shifted and nothing is stored twice.
// col2im adds each term to memory instead: 8-value rows at offsets v, v + 1, ... that overlap the row just
// stored, which the processor cannot forward from its store buffer.
LECON_TARGET_AVX512 void patch_gradient_rows_avx512(const Plan& g, const float* dP, float* dx) {
  const std::size_t positions = g.Ho * g.Wo, K = g.K;
  const __mmask16 terms = static_cast<__mmask16>((1u << g.Wo) - 1), row = static_cast<__mmask16>((1u << g.W) - 1);
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t r = 0; r < g.H; ++r) {
      __m512 sum = _mm512_setzero_ps();
      const std::size_t u_first = r + 1 > g.Ho ? r + 1 - g.Ho : 0, u_last = std::min(K - 1, r);
      for (std::size_t u = u_first; u <= u_last; ++u) {
        const float* column = dP + (c * K + u) * K * positions + (r - u) * g.Wo;  // column (c, u, 0), row (r - u, 0)
        for (std::size_t v = 0; v < K; ++v) {
          // lanes v .. v + Wo - 1 from column (c, u, v): the load starts v values before them
          const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(column + v * positions) - v * sizeof(float);
          sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(static_cast<__mmask16>(terms << v), reinterpret_cast<const void*>(at)));
        }
      }
      _mm512_mask_storeu_ps(dx + (c * g.H + r) * g.W, row, sum);
    }
}
#endif

namespace {
#if LECON_SIMD_X86
// [slide: backpropagation through a convolution]  ∂L/∂P[q, t] = Σ_f ∂L/∂y[f, q] · Wm[t, f] for PV vectors of
// positions q (from q0) and TV taps t (from t0): TV·PV accumulators; each filter loads PV vectors of ∂L/∂y (a row
// of its plane, as it lies) and broadcasts TV weights (column f of Wm, consecutive taps) for TV·PV multiply-adds.
// LeNet's second layer (64 positions, 500 taps, 50 filters) through cblas_sgemm, one sample at a time, spent
// about a fifth of its time outside the multiply-adds: packing Wm (50 x 500) for every sample and clearing the
// 64 x 500 result before adding to it (perf: sgemm_otcopy, memset).
template <typename T, std::size_t PV, std::size_t TV>
LECON_TARGET_AVX512 LECON_INLINE void patch_tile(const Plan& g, const T* dy, const T* Wm, std::size_t q0, std::size_t t0, T* dP) {
  constexpr std::size_t L = Lanes<T>::count;
  const std::size_t positions = g.Ho * g.Wo, CKK = g.patch();
  Vec<T> acc[TV][PV];
#pragma GCC unroll 8
  for (std::size_t t = 0; t < TV; ++t)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < PV; ++v) acc[t][v] = Vec<T>{};
  for (std::size_t f = 0; f < g.F; ++f) {
    Vec<T> d[PV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < PV; ++v) d[v] = load(dy + f * positions + q0 + v * L);
    const T* w = Wm + f * CKK + t0;
#pragma GCC unroll 8
    for (std::size_t t = 0; t < TV; ++t) {
      const T s = w[t];
#pragma GCC unroll 4
      for (std::size_t v = 0; v < PV; ++v) acc[t][v] += d[v] * s;
    }
  }
#pragma GCC unroll 8
  for (std::size_t t = 0; t < TV; ++t)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < PV; ++v) store(dP + (t0 + t) * positions + q0 + v * L, acc[t][v]);
}

// Taps in tiles of 6 (the last one shorter), positions in blocks of 4 vectors (the last one smaller).
template <typename T, std::size_t PV>
LECON_TARGET_AVX512 LECON_INLINE void patch_block(const Plan& g, const T* dy, const T* Wm, std::size_t q0, T* dP) {
  constexpr std::size_t TV = 6;
  const std::size_t CKK = g.patch();
  std::size_t t0 = 0;
  for (; t0 + TV <= CKK; t0 += TV) patch_tile<T, PV, TV>(g, dy, Wm, q0, t0, dP);
  switch (CKK - t0) {
    case 1: patch_tile<T, PV, 1>(g, dy, Wm, q0, t0, dP); break;
    case 2: patch_tile<T, PV, 2>(g, dy, Wm, q0, t0, dP); break;
    case 3: patch_tile<T, PV, 3>(g, dy, Wm, q0, t0, dP); break;
    case 4: patch_tile<T, PV, 4>(g, dy, Wm, q0, t0, dP); break;
    case 5: patch_tile<T, PV, 5>(g, dy, Wm, q0, t0, dP); break;
    default: break;
  }
}

template <typename T>
LECON_TARGET_AVX512 void patch_gradient_avx512(const Plan& g, const T* dy, const T* Wm, T* dP) {
  constexpr std::size_t L = Lanes<T>::count;
  const std::size_t vectors = g.Ho * g.Wo / L;
  std::size_t v0 = 0;
  for (; v0 + 4 <= vectors; v0 += 4) patch_block<T, 4>(g, dy, Wm, v0 * L, dP);
  switch (vectors - v0) {
    case 1: patch_block<T, 1>(g, dy, Wm, v0 * L, dP); break;
    case 2: patch_block<T, 2>(g, dy, Wm, v0 * L, dP); break;
    case 3: patch_block<T, 3>(g, dy, Wm, v0 * L, dP); break;
    default: break;
  }
}
#endif

template <typename T>
bool patch_gradient_of(const Plan& g, const T* dy, const T* Wm, T* dP) {
#if LECON_SIMD_X86
  if (simd::best_isa() != simd::Isa::avx512 || (g.Ho * g.Wo) % Lanes<T>::count != 0) return false;
  patch_gradient_avx512(g, dy, Wm, dP);
  return true;
#else
  (void)g, (void)dy, (void)Wm, (void)dP;
  return false;
#endif
}
}  // namespace

bool patch_gradient(const Plan& g, const float* dy, const float* Wm, float* dP) { return patch_gradient_of(g, dy, Wm, dP); }
bool patch_gradient(const Plan& g, const double* dy, const double* Wm, double* dP) { return patch_gradient_of(g, dy, Wm, dP); }

bool patch_gradient_rows(const Plan& g, const float* dP, float* dx) {
#if LECON_SIMD_X86
  if (simd::best_isa() != simd::Isa::avx512 || g.p != 0 || g.W > 16) return false;
  patch_gradient_rows_avx512(g, dP, dx);
  return true;
#else
  (void)g, (void)dP, (void)dx;
  return false;
#endif
}
bool patch_gradient_rows(const Plan&, const double*, double*) { return false; }  // double: col2im

// Each kernel compiled three times (simd.hpp: LECON_FOR_EACH_ISA).
#define LECON_FILTER_KERNELS(SUFFIX, TARGET)                                                                                      \
  template <typename T>                                                                                                          \
  TARGET void forward_##SUFFIX(const Plan& g, const T* xp, const T* Wf, const T* b, T* y) { forward_all(g, xp, Wf, b, y); }       \
  template <typename T>                                                                                                          \
  TARGET void weight_##SUFFIX(const Plan& g, const T* xp, const T* dyT, T* dWf) { weight_all(g, xp, dyT, dWf); }
namespace {
LECON_FOR_EACH_ISA(LECON_FILTER_KERNELS)
}  // namespace

void forward(const Plan& g, const float* xp, const float* Wf, const float* b, float* y) { LECON_DISPATCH(forward, g, xp, Wf, b, y) }
void forward(const Plan& g, const double* xp, const double* Wf, const double* b, double* y) { LECON_DISPATCH(forward, g, xp, Wf, b, y) }
void weight_gradient(const Plan& g, const float* xp, const float* dyT, float* dWf) { LECON_DISPATCH(weight, g, xp, dyT, dWf) }
void weight_gradient(const Plan& g, const double* xp, const double* dyT, double* dWf) { LECON_DISPATCH(weight, g, xp, dyT, dWf) }

template void pad_input<float>(const Plan&, const float*, float*);
template void pad_input<double>(const Plan&, const double*, double*);
template void pack_weights<float>(const Plan&, const float*, float*);
template void pack_weights<double>(const Plan&, const double*, double*);
template void pack_flipped_weights<float>(const Plan&, const float*, std::size_t, float*);
template void pack_flipped_weights<double>(const Plan&, const double*, std::size_t, double*);
template void transpose_gradient<float>(const Plan&, const float*, float*);
template void transpose_gradient<double>(const Plan&, const double*, double*);

}  // namespace lecon::filter_conv
