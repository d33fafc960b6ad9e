#include "lecon/cnn/pooling.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "lecon/core/parallel.hpp"
#include "simd.hpp"

namespace lecon {

template <typename T>
Pool2D<T>::Pool2D(PoolKind kind, std::size_t kernel, std::size_t stride) : kind_(kind), kernel_(kernel), stride_(stride == 0 ? kernel : stride) {
  if (kernel == 0) throw Error("Pool2D: the kernel must be at least 1");
}

template <typename T>
Shape Pool2D<T>::output_shape(const Shape& input) const {
  if (input.rank() != 4) throw Error(kind() + ": input " + input.str() + " is not (n, channels, height, width)");
  if (input[2] < kernel_ || input[3] < kernel_)
    throw Error(kind() + ": input " + input.str() + " is smaller than the " + std::to_string(kernel_) + "x" + std::to_string(kernel_) + " window");
  if (input.sample_size() > std::numeric_limits<std::uint32_t>::max()) throw Error(kind() + ": input " + input.str() + " is too large");
  return Shape{input.batch(), input[1], (input[2] - kernel_) / stride_ + 1, (input[3] - kernel_) / stride_ + 1};
}

namespace {

// Max pooling of one plane (rows of W values at `in`) with K x K windows and stride s (S: s known at compile
// time, or 0): out (Ho x Wo) the maxima, where their positions in the sample (plane_start + row · W + column).
// The first maximum in (u, v) order wins a tie; a NaN in the window never wins a comparison.
template <typename T, std::size_t S>
void max_pool_rows(const T* in, std::size_t W, std::size_t K, std::size_t s, std::size_t Ho, std::size_t Wo, T* out,
                   std::uint32_t* where, std::uint32_t plane_start) {
  constexpr std::size_t kChunk = 16;
  const std::size_t stride = S == 0 ? s : S;
  T value[kChunk];
  std::uint32_t best[kChunk];
  for (std::size_t i = 0; i < Ho; ++i)
    for (std::size_t j0 = 0; j0 < Wo; j0 += kChunk) {
      const std::size_t n = std::min(kChunk, Wo - j0);
      const T* base = in + (stride * i) * W + stride * j0;  // window of output (i, j0)
      for (std::size_t t = 0; t < n; ++t) value[t] = base[stride * t], best[t] = 0;
      for (std::size_t u = 0; u < K; ++u)
        for (std::size_t v = 0; v < K; ++v) {
          const std::uint32_t offset = static_cast<std::uint32_t>(u * W + v);
          const T* candidates = base + offset;
          for (std::size_t t = 0; t < n; ++t) {  // without branches: on real data which input wins is unpredictable
            const T candidate = candidates[stride * t];
            const std::uint32_t larger = 0u - static_cast<std::uint32_t>(candidate > value[t]);  // strictly: the first maximum wins a tie
            best[t] = (offset & larger) | (best[t] & ~larger);
            value[t] = std::max(value[t], candidate);  // value < candidate ? candidate : value, the same test
          }
        }
      for (std::size_t t = 0; t < n; ++t) {
        out[i * Wo + j0 + t] = value[t];
        where[i * Wo + j0 + t] = plane_start + static_cast<std::uint32_t>((stride * i) * W + stride * (j0 + t)) + best[t];
      }
    }
}

// One candidate of a max-pooling window: the running maximum `best` and its offset `where` take candidate c
// (offset o) when c is strictly larger, without a branch (on real data which input wins is unpredictable).
// A NaN never wins the comparison.
template <typename T>
LECON_INLINE void take(T c, std::uint32_t o, T& best, std::uint32_t& where) {
  const std::uint32_t larger = 0u - static_cast<std::uint32_t>(c > best);
  where = (o & larger) | (where & ~larger);
  best = std::max(best, c);
}

// Max pooling of one plane with 2x2 (LeNet) or 3x3 (the CIFAR network) windows, any stride, one output at a
// time: the window's inputs are loaded first, then compared in (u, v) order as max_pool_rows does (the same
// results, ties included). With the loads written out the compiler keeps the whole window in registers; the
// chunked loop above, whose inner loops run over a runtime number of outputs, took 3 to 5 times as long
// for these windows (docs/cnn.md).
template <typename T>
void max_pool_2x2(const T* in, std::size_t W, std::size_t s, std::size_t Ho, std::size_t Wo, T* out, std::uint32_t* where,
                  std::uint32_t plane_start) {
  const std::uint32_t w = static_cast<std::uint32_t>(W);
  for (std::size_t i = 0; i < Ho; ++i) {
    const T* r0 = in + s * i * W;
    const T* r1 = r0 + W;
    for (std::size_t j = 0; j < Wo; ++j) {
      const std::size_t c = s * j;
      const T a0 = r0[c], a1 = r0[c + 1], b0 = r1[c], b1 = r1[c + 1];
      T best = a0;
      std::uint32_t at = 0;
      take(a1, 1u, best, at);
      take(b0, w, best, at);
      take(b1, w + 1, best, at);
      out[i * Wo + j] = best;
      where[i * Wo + j] = plane_start + static_cast<std::uint32_t>(s * i * W + c) + at;
    }
  }
}

template <typename T>
void max_pool_3x3(const T* in, std::size_t W, std::size_t s, std::size_t Ho, std::size_t Wo, T* out, std::uint32_t* where,
                  std::uint32_t plane_start) {
  const std::uint32_t w = static_cast<std::uint32_t>(W);
  for (std::size_t i = 0; i < Ho; ++i) {
    const T* r0 = in + s * i * W;
    const T* r1 = r0 + W;
    const T* r2 = r1 + W;
    for (std::size_t j = 0; j < Wo; ++j) {
      const std::size_t c = s * j;
      const T a0 = r0[c], a1 = r0[c + 1], a2 = r0[c + 2], b0 = r1[c], b1 = r1[c + 1], b2 = r1[c + 2];
      const T c0 = r2[c], c1 = r2[c + 1], c2 = r2[c + 2];
      T best = a0;
      std::uint32_t at = 0;
      take(a1, 1u, best, at);
      take(a2, 2u, best, at);
      take(b0, w, best, at);
      take(b1, w + 1, best, at);
      take(b2, w + 2, best, at);
      take(c0, 2 * w, best, at);
      take(c1, 2 * w + 1, best, at);
      take(c2, 2 * w + 2, best, at);
      out[i * Wo + j] = best;
      where[i * Wo + j] = plane_start + static_cast<std::uint32_t>(s * i * W + c) + at;
    }
  }
}

#if LECON_SIMD_X86
// Max pooling of one float plane with stride S = 1 or 2 (any K) in AVX-512 registers: 16 outputs of a row at a
// time, the same (u, v) order, tie rule and NaN rule as the kernels above (a strict ordered comparison: a NaN
// candidate never wins, a NaN already kept is never replaced). For stride 2 the candidates at tap (u, v) are
// every other value from x[s·i + u, s·j0 + v] on: 2n - 1 values loaded (masked, so nothing past the row's
// last window is read), then the even ones gathered into one register by a two-register permute. The
// scalar kernels spend about 10 instructions per window and tap; this about 4 per 16 windows: LeNet's first
// pooling 0.28-0.42 → 0.11-0.18 ms, the CIFAR network's 3x3 stride-2 pooling 3.3 → 1.5-1.7 ms (one thread, a
// batch of 64 and of 128, hot cache, docs/cnn.md).
template <std::size_t S>
LECON_TARGET_AVX512 void max_pool_avx512(const float* in, std::size_t W, std::size_t K, std::size_t Ho, std::size_t Wo, float* out,
                                         std::uint32_t* where, std::uint32_t plane_start) {
  static_assert(S == 1 || S == 2, "stride 1 or 2");
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i column = _mm512_setr_epi32(0, S, 2 * S, 3 * S, 4 * S, 5 * S, 6 * S, 7 * S, 8 * S, 9 * S, 10 * S, 11 * S, 12 * S,
                                           13 * S, 14 * S, 15 * S);  // S·t: a window's first column, from the chunk's
  for (std::size_t j0 = 0; j0 < Wo; j0 += 16) {
    const std::size_t n = std::min<std::size_t>(16, Wo - j0);           // outputs in this chunk
    const std::size_t span = S == 2 ? 2 * n - 1 : n;                     // values read per tap
    const __mmask16 outputs = static_cast<__mmask16>((1u << n) - 1);
    const __mmask16 low = static_cast<__mmask16>(span >= 16 ? 0xFFFFu : (1u << span) - 1);
    const __mmask16 high = static_cast<__mmask16>(span > 16 ? (1u << (span - 16)) - 1 : 0u);
    for (std::size_t i = 0; i < Ho; ++i) {
      const float* window = in + (S * i) * W + S * j0;  // the chunk's first window
      __m512 best = _mm512_setzero_ps();
      __m512i at = _mm512_setzero_si512();  // offset (u·W + v) of the maximum within each window
      for (std::size_t u = 0; u < K; ++u)
        for (std::size_t v = 0; v < K; ++v) {
          const float* p = window + u * W + v;
          const __m512 candidate = S == 2 ? _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(low, p), even, _mm512_maskz_loadu_ps(high, p + 16))
                                          : _mm512_maskz_loadu_ps(low, p);
          if (u == 0 && v == 0) {
            best = candidate;
            continue;
          }
          const __mmask16 larger = _mm512_cmp_ps_mask(candidate, best, _CMP_GT_OQ);  // strictly: the first maximum wins a tie
          best = _mm512_mask_mov_ps(best, larger, candidate);
          at = _mm512_mask_mov_epi32(at, larger, _mm512_set1_epi32(static_cast<int>(u * W + v)));
        }
      _mm512_mask_storeu_ps(out + i * Wo + j0, outputs, best);
      const __m512i first = _mm512_set1_epi32(static_cast<int>(plane_start + (S * i) * W + S * j0));
      _mm512_mask_storeu_epi32(where + i * Wo + j0, outputs, _mm512_add_epi32(first, _mm512_add_epi32(column, at)));
    }
  }
}

// ∂L/∂x of one float plane for 2x2 windows with stride 2, which tile the plane: every input lies in at most one
// window, so each pair of input rows is written once, whole, from its row of windows (∂L/∂y where the maximum
// was, 0 elsewhere) instead of being cleared and then scattered into. The offset of each maximum within its
// window (0, 1, W or W + 1) selects which of the window's four inputs gets the gradient; two permutes interleave
// the even and odd columns of each input row. Rows and columns that no window covers (an odd H or W) are
// cleared here too.
LECON_TARGET_AVX512 void max_unpool_2x2_avx512(const float* g, const std::uint32_t* where, std::size_t H, std::size_t W, std::size_t Ho,
                                               std::size_t Wo, std::uint32_t plane_start, float* dx) {
  const __m512i first_half = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i second_half = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512i column = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i right = _mm512_set1_epi32(1), below = _mm512_set1_epi32(static_cast<int>(W)), diagonal = _mm512_set1_epi32(static_cast<int>(W + 1));
  for (std::size_t i = 0; i < Ho; ++i) {
    float* top = dx + 2 * i * W;
    float* bottom = top + W;
    for (std::size_t j0 = 0; j0 < Wo; j0 += 16) {
      const std::size_t n = std::min<std::size_t>(16, Wo - j0);
      const __mmask16 outputs = static_cast<__mmask16>((1u << n) - 1);
      const __mmask16 low = static_cast<__mmask16>(n >= 8 ? 0xFFFFu : (1u << (2 * n)) - 1);
      const __mmask16 high = static_cast<__mmask16>(n > 8 ? (1u << (2 * n - 16)) - 1 : 0u);
      const __m512 grad = _mm512_maskz_loadu_ps(outputs, g + i * Wo + j0);
      const __m512i start = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(plane_start + 2 * i * W + 2 * j0)), column);
      const __m512i offset = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(outputs, where + i * Wo + j0), start);
      const __m512 a0 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, _mm512_setzero_si512()), grad);
      const __m512 a1 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, right), grad);
      const __m512 b0 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, below), grad);
      const __m512 b1 = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(offset, diagonal), grad);
      _mm512_mask_storeu_ps(top + 2 * j0, low, _mm512_permutex2var_ps(a0, first_half, a1));
      _mm512_mask_storeu_ps(top + 2 * j0 + 16, high, _mm512_permutex2var_ps(a0, second_half, a1));
      _mm512_mask_storeu_ps(bottom + 2 * j0, low, _mm512_permutex2var_ps(b0, first_half, b1));
      _mm512_mask_storeu_ps(bottom + 2 * j0 + 16, high, _mm512_permutex2var_ps(b0, second_half, b1));
    }
    if (W > 2 * Wo) top[W - 1] = bottom[W - 1] = 0.0f;  // odd W: the last column is in no window
  }
  if (H > 2 * Ho) std::fill(dx + (H - 1) * W, dx + H * W, 0.0f);  // odd H: the last row
}
#endif

// The tiling kernel above where it applies (float, 2x2 windows with stride 2, rows of at least 8 windows,
// AVX-512); false: clear and scatter. On narrower rows (LeNet's second pooling: 4 windows, 4 of 16 lanes) the
// masks and permutes cost more than the scatter: 0.14-0.17 against 0.07-0.09 ms per batch of 64 on one thread,
// where LeNet's first pooling (12 windows a row) went from 0.14-0.18 to 0.10-0.15 ms.
inline bool max_unpool_vectors(const float* g, const std::uint32_t* where, std::size_t H, std::size_t W, std::size_t Ho, std::size_t Wo,
                               std::size_t K, std::size_t s, std::uint32_t plane_start, float* dx) {
#if LECON_SIMD_X86
  if (simd::best_isa() != simd::Isa::avx512 || K != 2 || s != 2 || Wo < 8) return false;
  max_unpool_2x2_avx512(g, where, H, W, Ho, Wo, plane_start, dx);
  return true;
#else
  (void)g, (void)where, (void)H, (void)W, (void)Ho, (void)Wo, (void)K, (void)s, (void)plane_start, (void)dx;
  return false;
#endif
}
inline bool max_unpool_vectors(const double*, const std::uint32_t*, std::size_t, std::size_t, std::size_t, std::size_t, std::size_t,
                               std::size_t, std::uint32_t, double*) {
  return false;
}

// The AVX-512 kernel where it applies (float, stride 1 or 2, a CPU with AVX-512); false: use the others.
inline bool max_pool_vectors(const float* in, std::size_t W, std::size_t K, std::size_t s, std::size_t Ho, std::size_t Wo, float* out,
                             std::uint32_t* where, std::uint32_t plane_start) {
#if LECON_SIMD_X86
  if (simd::best_isa() != simd::Isa::avx512) return false;
  if (s == 2) return max_pool_avx512<2>(in, W, K, Ho, Wo, out, where, plane_start), true;
  if (s == 1) return max_pool_avx512<1>(in, W, K, Ho, Wo, out, where, plane_start), true;
#endif
  (void)in, (void)W, (void)K, (void)s, (void)Ho, (void)Wo, (void)out, (void)where, (void)plane_start;
  return false;
}
inline bool max_pool_vectors(const double*, std::size_t, std::size_t, std::size_t, std::size_t, std::size_t, double*, std::uint32_t*,
                             std::uint32_t) {
  return false;  // double (the gradient checks) keeps the scalar kernels
}

// Average pooling of one plane, separably: for each row of outputs the K input rows its windows cover are first
// summed column by column (a unit-stride loop the compiler vectorises), then each output adds its K columns of
// those sums. out = scale · the window sums.
template <typename T>
void average_pool_plane(const T* in, std::size_t W, std::size_t K, std::size_t s, std::size_t Ho, std::size_t Wo, T scale, T* out) {
  thread_local std::vector<T> column_sums;
  column_sums.resize(W);
  T* sums = column_sums.data();
  const std::size_t span = s * (Wo - 1) + K;  // input columns that windows cover
  for (std::size_t i = 0; i < Ho; ++i) {
    const T* top = in + (s * i) * W;
    std::copy(top, top + span, sums);
    for (std::size_t u = 1; u < K; ++u) {
      const T* row = top + u * W;
      for (std::size_t x = 0; x < span; ++x) sums[x] += row[x];
    }
    for (std::size_t j = 0; j < Wo; ++j) {
      T sum = sums[s * j];
      for (std::size_t v = 1; v < K; ++v) sum += sums[s * j + v];
      out[i * Wo + j] = sum * scale;
    }
  }
}

}  // namespace

template <typename T>
void Pool2D<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context&) {
  out_shape_ = output_shape(x.shape());
  in_shape_ = x.shape();
  ensure_shape(y, out_shape_);
  const std::size_t C = in_shape_[1], H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  const std::size_t K = kernel_, s = stride_;
  const bool is_max = kind_ == PoolKind::max;
  if (is_max) argmax_.resize(y.size());
  const T scale = T(1) / static_cast<T>(K * K);
  // One plane (sample, channel) per iteration.
  parallel_for(x.batch() * C, [&](std::size_t plane) {
    const std::size_t m = plane / C, c = plane % C;
    const T* in = x.data() + m * x.sample_size() + c * H * W;
    const std::size_t out_offset = m * y.sample_size() + c * Ho * Wo;
    T* out = y.data() + out_offset;
    std::uint32_t* where = is_max ? argmax_.data() + out_offset : nullptr;
    const std::uint32_t plane_start = static_cast<std::uint32_t>(c * H * W);
    if (is_max) {
      // [paper: Ranzato et al. 2007, max pooling]  y = the largest x in the window. Float with stride 1 or 2 on
      // an AVX-512 CPU (both labs' poolings): 16 outputs per register (max_pool_avx512). Otherwise 2x2 and 3x3
      // windows: the window's inputs loaded into registers, then compared in (u, v) order without branches.
      // Other sizes: up to 16 outputs of a row side by side, the K·K inputs visited in the same order for all of
      // them, so the comparisons of neighbouring outputs compile to vector selects (docs/cnn.md has the timings).
      if (max_pool_vectors(in, W, K, s, Ho, Wo, out, where, plane_start)) return;
      if (K == 2) return max_pool_2x2(in, W, s, Ho, Wo, out, where, plane_start);
      if (K == 3) return max_pool_3x3(in, W, s, Ho, Wo, out, where, plane_start);
      if (s == 2) return max_pool_rows<T, 2>(in, W, K, s, Ho, Wo, out, where, plane_start);
      if (s == 1) return max_pool_rows<T, 1>(in, W, K, s, Ho, Wo, out, where, plane_start);
      return max_pool_rows<T, 0>(in, W, K, s, Ho, Wo, out, where, plane_start);
    }
    // [paper: LeCun et al. 1998, subsampling]  y = 1/K² Σ_{u,v} x, the rows of each window summed first
    average_pool_plane(in, W, K, s, Ho, Wo, scale, out);
  }, Ho * Wo * K * K);
  ready_ = true;
}

template <typename T>
void Pool2D<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (!ready_) throw Error(kind() + "::backward called before forward");
  if (dy.shape() != out_shape_) throw Error(kind() + "::backward: gradient " + dy.shape().str() + " does not match output " + out_shape_.str());
  if (dx == nullptr) return;
  ensure_shape(*dx, in_shape_);
  const std::size_t C = in_shape_[1], H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  const std::size_t K = kernel_, s = stride_;
  const bool is_max = kind_ == PoolKind::max;
  const T scale = T(1) / static_cast<T>(K * K);
  parallel_for(dy.batch() * C, [&](std::size_t plane) {
    const std::size_t m = plane / C, c = plane % C;
    const std::size_t out_offset = m * dy.sample_size() + c * Ho * Wo;
    const T* g = dy.data() + out_offset;
    T* sample = dx->data() + m * dx->sample_size();
    if (is_max && max_unpool_vectors(g, argmax_.data() + out_offset, H, W, Ho, Wo, K, s, static_cast<std::uint32_t>(c * H * W),
                                     sample + c * H * W))
      return;  // [paper: Ranzato et al. 2007, max pooling]  ∂L/∂x = ∂L/∂y at the maximum, 0 elsewhere (LeNet's 2x2)
    // Every window of this plane lies inside it, so each thread clears its own planes (not one thread the whole
    // tensor first: 2.9 MB for LeNet's first pooling, a serial pass the second thread waited for).
    std::fill(sample + c * H * W, sample + (c + 1) * H * W, T(0));
    if (!is_max) {
      // ∂L/∂x = ∂L/∂y / K² over the window, separably: a row of outputs is first spread along one input row
      // (spread[x] = Σ of the shares of the outputs whose windows cover column x), then spread is added to the
      // K input rows those windows cover, a unit-stride pass the compiler vectorises. Adding every share to
      // its K² inputs one by one took 3.0 ms for the CIFAR network's first average pooling over a batch of
      // 128, this 1.1 ms (one thread, docs/cnn.md).
      thread_local std::vector<T> spread;
      spread.resize(W);
      const std::size_t span = s * (Wo - 1) + K;  // input columns that windows cover
      T* plane_dx = sample + c * H * W;
      for (std::size_t i = 0; i < Ho; ++i) {
        std::fill(spread.begin(), spread.begin() + span, T(0));
        for (std::size_t j = 0; j < Wo; ++j) {
          const T share = g[i * Wo + j] * scale;
          for (std::size_t v = 0; v < K; ++v) spread[s * j + v] += share;
        }
        for (std::size_t u = 0; u < K; ++u) {
          T* row = plane_dx + (s * i + u) * W;
          for (std::size_t x = 0; x < span; ++x) row[x] += spread[x];
        }
      }
      return;
    }
    for (std::size_t q = 0; q < Ho * Wo; ++q) {  // [paper: Ranzato et al. 2007, max pooling]
      // EXERCISE max-pool-backward BEGIN
      sample[argmax_[out_offset + q]] += g[q];  // ∂L/∂x = ∂L/∂y at the maximum, 0 elsewhere
      // EXERCISE max-pool-backward END
    }
  }, Ho * Wo * K * K + H * W);
}

template class Pool2D<float>;
template class Pool2D<double>;

}  // namespace lecon
