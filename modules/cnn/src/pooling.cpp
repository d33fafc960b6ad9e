#include "lecon/cnn/pooling.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "lecon/core/parallel.hpp"

#define LECON_POOL_INLINE inline __attribute__((always_inline))

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
LECON_POOL_INLINE void take(T c, std::uint32_t o, T& best, std::uint32_t& where) {
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
      // [paper: Ranzato et al. 2007, max pooling]  2x2 and 3x3 windows (LeNet, the CIFAR network): the window's
      // inputs loaded into registers, then compared in (u, v) order without branches. Other sizes: up to 16
      // outputs of a row side by side, the K·K inputs visited in the same order for all of them, so the
      // comparisons of neighbouring outputs compile to vector selects (docs/cnn.md has the timings of each).
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
