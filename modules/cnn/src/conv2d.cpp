#include "lecon/cnn/conv2d.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "conv2d_direct.hpp"
#include "conv2d_filters.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {

namespace {

// Both paths split a batch into this many groups of consecutive samples at most: one thread takes a group,
// with its own buffers and its own share of the weight gradient. The count depends on the batch size only,
// so the order of the gradient's sum does not change with the thread count.
constexpr std::size_t kGroups = 8;
// The lowered path works through a group a block of samples at a time, so that a block's patch matrix
// (C·K·K values per output position) stays in the L2 cache: about 512 KB of floats. Lowering the whole
// batch at once wrote 8 MB of patches per step for LeNet's second layer and 92 MB for the CIFAR network's.
constexpr std::size_t kBlockValues = std::size_t(1) << 17;

// The outputs t = 0 .. outputs-1 whose input coordinate s·t + offset - p falls inside [0, size): [lo, hi).
// Outside that range the kernel sits on the zero padding.
struct Range {
  std::size_t lo, hi;
};
Range valid_outputs(std::size_t outputs, std::size_t size, std::size_t offset, std::size_t stride, std::size_t padding) {
  const std::size_t lo = std::min(outputs, offset >= padding ? 0 : (padding - offset + stride - 1) / stride);
  const std::size_t hi = std::max(lo, std::min(outputs, size + padding > offset ? (size + padding - offset - 1) / stride + 1 : 0));
  return {lo, hi};
}

// Column-major products on raw memory (a block of rows of P and ∂L/∂Y without copying it out):
//   gemm_nn: C (m x n) = A (m x k) · B (k x n)
//   gemm_tn: C (m x n) = Aᵀ B + beta C for A (k x m, leading dimension lda) and B (k x n, ldb)
//   gemm_nt: C (m x n) = A (m x k) · Bᵀ for B (n x k)
void gemm_nn(std::size_t m, std::size_t n, std::size_t k, const float* A, const float* B, float* C) {
  cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), 1.0f, A, int(m), B, int(k), 0.0f, C, int(m));
}
void gemm_nn(std::size_t m, std::size_t n, std::size_t k, const double* A, const double* B, double* C) {
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), 1.0, A, int(m), B, int(k), 0.0, C, int(m));
}
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, const float* A, std::size_t lda, const float* B, std::size_t ldb, float* C, float beta) {
  cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, int(m), int(n), int(k), 1.0f, A, int(lda), B, int(ldb), beta, C, int(m));
}
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, const double* A, std::size_t lda, const double* B, std::size_t ldb, double* C, double beta) {
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, int(m), int(n), int(k), 1.0, A, int(lda), B, int(ldb), beta, C, int(m));
}
void gemm_nt(std::size_t m, std::size_t n, std::size_t k, const float* A, const float* B, float* C) {
  cblas_sgemm(CblasColMajor, CblasNoTrans, CblasTrans, int(m), int(n), int(k), 1.0f, A, int(m), B, int(n), 0.0f, C, int(m));
}
void gemm_nt(std::size_t m, std::size_t n, std::size_t k, const double* A, const double* B, double* C) {
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, int(m), int(n), int(k), 1.0, A, int(m), B, int(n), 0.0, C, int(m));
}

// Σ p[0 .. n) in 16 interleaved partial sums (a fixed order, so the same on every run and thread count): one
// running sum waits for each addition to finish, four cycles a value; 16 of them fill SIMD registers. The
// bias gradient sums each filter's plane of ∂L/∂y, 1,024 values per sample in the CIFAR network's first layer.
template <typename T>
T plane_sum(const T* p, std::size_t n) {
  constexpr std::size_t kWays = 16;
  T partial[kWays] = {};
  std::size_t i = 0;
  for (; i + kWays <= n; i += kWays)
    for (std::size_t k = 0; k < kWays; ++k) partial[k] += p[i + k];
  T sum = 0;
  for (std::size_t k = 0; k < kWays; ++k) sum += partial[k];
  for (; i < n; ++i) sum += p[i];
  return sum;
}

}  // namespace

std::string conv_algorithm_name(ConvAlgorithm algorithm) {
  switch (algorithm) {
    case ConvAlgorithm::automatic: return "automatic";
    case ConvAlgorithm::lowered: return "lowered";
    case ConvAlgorithm::direct: return "direct";
    case ConvAlgorithm::filter_vectors: return "filter_vectors";
  }
  return "?";
}

std::size_t ConvGeometry::output_size(std::size_t size, const char* what) const {
  if (size + 2 * padding < kernel)
    throw Error(std::string("Conv2D: input ") + what + " " + std::to_string(size) + " with padding " + std::to_string(padding) +
                " is smaller than the kernel " + std::to_string(kernel));
  return (size + 2 * padding - kernel) / stride + 1;
}

template <typename T>
Conv2D<T>::Conv2D(std::size_t channels, std::size_t filters, std::size_t kernel, Rng& rng, std::size_t stride, std::size_t padding) {
  if (channels == 0 || filters == 0 || kernel == 0 || stride == 0)
    throw Error("Conv2D: channels, filters, kernel and stride must be positive");
  const double weights = static_cast<double>(channels) * static_cast<double>(kernel) * static_cast<double>(kernel) * static_cast<double>(filters);
  if (weights > 2147483647.0)
    throw Error("Conv2D: " + std::to_string(filters) + " filters of " + std::to_string(kernel) + "x" + std::to_string(kernel) + "x" +
                std::to_string(channels) + " are more than 2^31 weights");
  geometry_ = ConvGeometry{channels, filters, kernel, stride, padding};
  const std::size_t fan_in = geometry_.patch_size(), fan_out = filters * kernel * kernel;
  const T r = static_cast<T>(std::sqrt(6.0 / static_cast<double>(fan_in + fan_out)));
  W_.name = "W";
  W_.units = UnitLayout::columns;  // column f: filter f, the incoming weights of output channel f
  W_.value.set_size(fan_in, filters);
  rng.fill_uniform(W_.value, -r, r);
  W_.grad.zeros(fan_in, filters);
  b_.name = "b";
  b_.value.zeros(filters, 1);
  b_.grad.zeros(filters, 1);
  b_.decay = false;
}

template <typename T>
ConvAlgorithm Conv2D<T>::algorithm() const {
  if (algorithm_ != ConvAlgorithm::automatic) return algorithm_;
  if (geometry_.stride != 1) return ConvAlgorithm::lowered;
  if (geometry_.channels <= kDirectChannels) return ConvAlgorithm::direct;
  return geometry_.filters >= kFilterVectorMin ? ConvAlgorithm::filter_vectors : ConvAlgorithm::lowered;
}

template <typename T>
void Conv2D<T>::set_algorithm(ConvAlgorithm algorithm) {
  if ((algorithm == ConvAlgorithm::direct || algorithm == ConvAlgorithm::filter_vectors) && geometry_.stride != 1)
    throw Error("Conv2D: the " + conv_algorithm_name(algorithm) + " algorithm needs stride 1, this layer has stride " +
                std::to_string(geometry_.stride));
  algorithm_ = algorithm;
}

template <typename T>
Shape Conv2D<T>::output_shape(const Shape& input) const {
  if (input.rank() != 4 || input[1] != geometry_.channels)
    throw Error("Conv2D: input " + input.str() + " is not (n, " + std::to_string(geometry_.channels) + ", height, width)");
  return Shape{input.batch(), geometry_.filters, geometry_.output_size(input[2], "height"), geometry_.output_size(input[3], "width")};
}

template <typename T>
void Conv2D<T>::im2col(const Tensor<T>& x, std::size_t first, std::size_t count, arma::Mat<T>& P) const {
  const std::size_t C = geometry_.channels, K = geometry_.kernel, s = geometry_.stride, p = geometry_.padding;
  const std::size_t H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  P.set_size(count * positions_, geometry_.patch_size());
  if (s == 1) {  // unit stride: no bounds at all, on the image itself or on a zero-bordered copy of it
    const std::size_t Hp = H + 2 * p, Wp = W + 2 * p;
    std::vector<T> padded(p > 0 ? C * Hp * Wp : 0, T(0));  // the border stays zero; the inside is overwritten per sample
    for (std::size_t m = 0; m < count; ++m) {
      const T* image = x.data() + (first + m) * x.sample_size();
      if (p > 0) {  // x[c, r - p, q - p] at (c, r, q) of the copy: the padding costs no tests below
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t r = 0; r < H; ++r)
            std::copy(image + (c * H + r) * W, image + (c * H + r + 1) * W, padded.data() + (c * Hp + r + p) * Wp + p);
        image = padded.data();
      }
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t u = 0; u < K; ++u)
          for (std::size_t v = 0; v < K; ++v) {
            const T* in = image + (c * Hp + u) * Wp + v;
            T* out = P.colptr((c * K + u) * K + v) + m * positions_;
            for (std::size_t i = 0; i < Ho; ++i, in += Wp, out += Wo)
              for (std::size_t j = 0; j < Wo; ++j) out[j] = in[j];
          }
    }
    return;
  }
  for (std::size_t m = 0; m < count; ++m) {
    const T* image = x.data() + (first + m) * x.sample_size();
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t u = 0; u < K; ++u) {
        const Range rows = valid_outputs(Ho, H, u, s, p);  // output rows whose input row s·i + u - p exists
        for (std::size_t v = 0; v < K; ++v) {
          // Column (c, u, v) of P, rows of sample m: x[c, s·i + u - p, s·j + v - p] over all (i, j).
          T* column = P.colptr((c * K + u) * K + v) + m * positions_;
          const Range cols = valid_outputs(Wo, W, v, s, p);
          std::fill(column, column + rows.lo * Wo, T(0));
          std::fill(column + rows.hi * Wo, column + Ho * Wo, T(0));
          if (cols.lo == cols.hi) {  // this kernel column only ever sees padding
            std::fill(column, column + Ho * Wo, T(0));
            continue;
          }
          for (std::size_t i = rows.lo; i < rows.hi; ++i) {
            T* out = column + i * Wo;
            // First input pixel read in this row: (s·i + u - p, s·j_lo + v - p), both inside the image.
            const T* in = image + (c * H + s * i + u - p) * W + (s * cols.lo + v - p);
            std::fill(out, out + cols.lo, T(0));
            const std::size_t n = cols.hi - cols.lo;
            if (s == 1) {
              for (std::size_t j = 0; j < n; ++j) out[cols.lo + j] = in[j];  // contiguous: vectorised
            } else {
              for (std::size_t j = 0; j < n; ++j) out[cols.lo + j] = in[s * j];
            }
            std::fill(out + cols.hi, out + Wo, T(0));
          }
        }
      }
  }
}

template <typename T>
void Conv2D<T>::forward_direct(const Tensor<T>& x, Tensor<T>& y) {
  const std::size_t n = x.batch(), groups = std::min(n, kGroups);
  const direct_conv::Plan plan = direct_conv::make_plan(geometry_.channels, geometry_.filters, geometry_.kernel, geometry_.padding,
                                                        in_shape_[2], in_shape_[3], direct_conv::lanes<T>());
  scratch_.set_size(plan.forward_size(), groups);
  const std::size_t per_sample = geometry_.filters * geometry_.patch_size() * positions_;  // multiply-adds
  parallel_for(groups, [&](std::size_t g) {
    T* buffer = scratch_.colptr(g);
    for (std::size_t m = n * g / groups; m < n * (g + 1) / groups; ++m)  // [slide: convolution]  y = b + Σ_c Σ_u Σ_v W · x, directly (conv2d_direct.hpp)
      direct_conv::forward_sample(plan, x.data() + m * x.sample_size(), W_.value.memptr(), b_.value.memptr(), buffer, y.data() + m * y.sample_size());
  }, per_sample * (n / groups));
}

template <typename T>
void Conv2D<T>::backward_direct(const Tensor<T>& dy, Tensor<T>* dx, bool parameters) {
  const std::size_t n = dy.batch(), groups = std::min(n, kGroups), F = geometry_.filters, CKK = geometry_.patch_size();
  const direct_conv::Plan plan = direct_conv::make_plan(geometry_.channels, F, geometry_.kernel, geometry_.padding, in_shape_[2],
                                                        in_shape_[3], direct_conv::lanes<T>());
  const std::size_t xp = plan.xp_size(), dyp = plan.dyp_size();
  scratch_.set_size(xp + dyp + (dx ? xp : 0), groups);
  if (parameters) {
    weight_parts_.zeros(CKK * F * direct_conv::lanes<T>(), groups);  // per group: partial sums, a vector per weight
    bias_parts_.zeros(F, groups);
  }
  if (dx) ensure_shape(*dx, in_shape_);
  parallel_for(groups, [&](std::size_t g) {
    T* x_padded = scratch_.colptr(g);
    T* dy_padded = x_padded + xp;
    T* dx_padded = dy_padded + dyp;
    for (std::size_t m = n * g / groups; m < n * (g + 1) / groups; ++m) {
      const T* grad = dy.data() + m * dy.sample_size();
      direct_conv::pad_gradient(plan, grad, dy_padded);
      if (parameters) {
        for (std::size_t f = 0; f < F; ++f)  // ∂L/∂b_f = Σ_{i,j} ∂L/∂y[f, i, j], this sample's share
          bias_parts_(f, g) += plane_sum(grad + f * positions_, positions_);
        direct_conv::pad_input(plan, x_->data() + m * x_->sample_size(), x_padded);
        direct_conv::weight_gradient(plan, x_padded, dy_padded, weight_parts_.colptr(g));  // ∂L/∂W, this sample's share
      }
      if (!dx) continue;
      std::fill(dx_padded, dx_padded + xp, T(0));
      direct_conv::input_gradient(plan, dy_padded, W_.value.memptr(), dx_padded);
      direct_conv::crop_gradient(plan, dx_padded, dx->data() + m * dx->sample_size());
    }
  }, F * CKK * positions_ * ((dx ? 1 : 0) + (parameters ? 1 : 0)) * (n / groups));
  if (!parameters) return;
  W_.grad.zeros(CKK, F);
  for (std::size_t g = 0; g < groups; ++g) direct_conv::reduce_weight_gradient(plan, weight_parts_.colptr(g), W_.grad.memptr());
  b_.grad = arma::sum(bias_parts_, 1);
}

template <typename T>
void Conv2D<T>::forward_filter_vectors(const Tensor<T>& x, Tensor<T>& y) {
  const std::size_t n = x.batch(), groups = std::min(n, kGroups), L = direct_conv::lanes<T>();
  const filter_conv::Plan plan = filter_conv::make_plan(geometry_.channels, geometry_.filters, geometry_.kernel, geometry_.padding,
                                                        in_shape_[2], in_shape_[3], L);
  packed_.set_size(plan.weights_size());
  filter_conv::pack_weights(plan, W_.value.memptr(), packed_.memptr());
  scratch_.set_size(plan.xp_size(), groups);
  const std::size_t per_sample = geometry_.filters * geometry_.patch_size() * positions_;  // multiply-adds
  parallel_for(groups, [&](std::size_t g) {
    T* xp = scratch_.colptr(g);
    for (std::size_t m = n * g / groups; m < n * (g + 1) / groups; ++m) {
      filter_conv::pad_input(plan, x.data() + m * x.sample_size(), xp);
      // [slide: convolution]  y = b + Σ_c Σ_u Σ_v W · x, directly (conv2d_filters.hpp)
      filter_conv::forward(plan, xp, packed_.memptr(), b_.value.memptr(), y.data() + m * y.sample_size());
    }
  }, per_sample * (n / groups));
}

template <typename T>
void Conv2D<T>::backward_filter_vectors(const Tensor<T>& dy, Tensor<T>* dx) {
  const std::size_t n = dy.batch(), groups = std::min(n, kGroups), F = geometry_.filters, CKK = geometry_.patch_size();
  const std::size_t L = direct_conv::lanes<T>();
  const filter_conv::Plan plan = filter_conv::make_plan(geometry_.channels, F, geometry_.kernel, geometry_.padding, in_shape_[2],
                                                        in_shape_[3], L);
  // ∂L/∂x as a convolution of ∂L/∂y (conv2d_filters.hpp) when that costs about what the forward costs: its
  // padding K - 1 - p must not be negative, and a "valid" convolution (p = 0) would slide the flipped kernels
  // over mostly zeros (LeNet's 8x8 gradients padded to 16x16), as would few channels in vectors of L. There
  // the input gradient goes through the lowered path's product and col2im instead.
  const std::size_t C = geometry_.channels, channel_vectors = filter_conv::round_up(C, L);
  const bool flipped = dx != nullptr && geometry_.padding + 1 <= geometry_.kernel &&
                       2 * in_shape_[2] * in_shape_[3] * channel_vectors <= 3 * positions_ * C;
  const filter_conv::Plan back = flipped ? filter_conv::flipped_plan(plan, L) : filter_conv::Plan{};
  if (flipped) {
    packed_flipped_.set_size(back.weights_size());
    filter_conv::pack_flipped_weights(plan, W_.value.memptr(), L, packed_flipped_.memptr());
  }
  const std::size_t xp = plan.xp_size(), dyT = plan.dyT_size();
  scratch_.set_size(xp + dyT + (flipped ? back.xp_size() : 0), groups);
  if (dx && !flipped) patch_gradients_.resize(groups);
  weight_parts_.set_size(plan.weights_size(), groups);  // per group: ∂L/∂W laid out as the packed weights
  bias_parts_.zeros(F, groups);
  if (dx) ensure_shape(*dx, in_shape_);
  parallel_for(groups, [&](std::size_t g) {
    T* x_padded = scratch_.colptr(g);
    T* grad_t = x_padded + xp;
    T* grad_padded = grad_t + dyT;
    // Each group clears its own share, on the thread that adds to it (LeNet's second layer: 1 MB for 8 groups,
    // a serial pass when cleared before the loop).
    std::fill(weight_parts_.colptr(g), weight_parts_.colptr(g) + weight_parts_.n_rows, T(0));
    for (std::size_t m = n * g / groups; m < n * (g + 1) / groups; ++m) {
      const T* grad = dy.data() + m * dy.sample_size();
      for (std::size_t f = 0; f < F; ++f)  // ∂L/∂b_f = Σ_{i,j} ∂L/∂y[f, i, j], this sample's share
        bias_parts_(f, g) += plane_sum(grad + f * positions_, positions_);
      filter_conv::pad_input(plan, x_->data() + m * x_->sample_size(), x_padded);
      filter_conv::transpose_gradient(plan, grad, grad_t);
      filter_conv::weight_gradient(plan, x_padded, grad_t, weight_parts_.colptr(g));  // ∂L/∂W, this sample's share
      if (!dx) continue;
      T* out = dx->data() + m * dx->sample_size();
      if (flipped) {  // ∂L/∂x = the flipped kernels over ∂L/∂y padded by K - 1 - p
        filter_conv::pad_input(back, grad, grad_padded);
        filter_conv::forward(back, grad_padded, packed_flipped_.memptr(), static_cast<const T*>(nullptr), out);
      } else {  // ∂L/∂P = ∂L/∂Y · Wmᵀ (this sample's ∂L/∂y is ∂L/∂Y as it lies: positions x F), then col2im
        arma::Mat<T>& dP = patch_gradients_[g];
        dP.set_size(positions_, CKK);
        if (!filter_conv::patch_gradient(plan, grad, W_.value.memptr(), dP.memptr()))
          gemm_nt(positions_, CKK, F, grad, W_.value.memptr(), dP.memptr());
        if (!filter_conv::patch_gradient_rows(plan, dP.memptr(), out)) col2im(dP, *dx, m, 1);
      }
    }
  }, F * CKK * positions_ * (dx ? 2 : 1) * (n / groups));
  // The groups' shares in a fixed order (the result does not depend on the thread count), back to C·K·K x F:
  // row t of every share is Fp consecutive values, added group after group along the row (a vector loop).
  // Summed filter by filter instead, one value of each share at a time, this pass read the shares (1 MB for
  // LeNet's second layer) across the grain: 2% of LeNet's training step on two threads. It stays on one
  // thread: in row order it takes about as long as waking the second thread would (docs/cnn.md).
  W_.grad.set_size(CKK, F);
  const std::size_t Fp = plan.Fp;
  T* grad = W_.grad.memptr();
  std::vector<T> row(Fp);
  for (std::size_t t = 0; t < CKK; ++t) {
    std::fill(row.begin(), row.end(), T(0));
    for (std::size_t g = 0; g < groups; ++g) {
      const T* share = weight_parts_.colptr(g) + t * Fp;
      for (std::size_t f = 0; f < Fp; ++f) row[f] += share[f];
    }
    for (std::size_t f = 0; f < F; ++f) grad[f * CKK + t] = row[f];
  }
  b_.grad = arma::sum(bias_parts_, 1);
}

template <typename T>
std::size_t Conv2D<T>::block_samples() const {
  // A block's patches, about kBlockValues values, stay in the core's L2 cache from im2col to the product.
  return std::max<std::size_t>(1, kBlockValues / (positions_ * geometry_.patch_size()));
}

template <typename T>
void Conv2D<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  out_shape_ = output_shape(x.shape());
  in_shape_ = x.shape();
  ensure_shape(y, out_shape_);
  positions_ = out_shape_[2] * out_shape_[3];
  x_ = ctx.training ? &x : nullptr;  // backward reads x again (recomputing the patches) instead of keeping them
  if (x.batch() == 0) return;  // an empty batch: an empty output (the paths below split the batch into groups)
  const ConvAlgorithm algorithm = this->algorithm();
  if (algorithm == ConvAlgorithm::direct) return forward_direct(x, y);
  if (algorithm == ConvAlgorithm::filter_vectors) return forward_filter_vectors(x, y);
  const std::size_t n = x.batch(), F = geometry_.filters, CKK = geometry_.patch_size(), groups = std::min(n, kGroups);
  const std::size_t block = block_samples();
  patches_.resize(groups);
  products_.resize(groups);
  const SerialIfSmall serial(n * positions_ * CKK * F);  // one image (prediction): no thread pool
  parallel_for(groups, [&](std::size_t g) {
    arma::Mat<T>& P = patches_[g];
    arma::Mat<T>& Y = products_[g];
    for (std::size_t first = n * g / groups, end = n * (g + 1) / groups; first < end; first += block) {
      const std::size_t count = std::min(block, end - first);
      im2col(x, first, count, P);
      Y.set_size(count * positions_, F);
      gemm_nn(Y.n_rows, F, CKK, P.memptr(), W_.value.memptr(), Y.memptr());  // [slide: convolution as a matrix product]  Y = P · Wm
      // Rows (sample, position) x filters into the tensor's (sample, filter, position), adding b.
      for (std::size_t m = 0; m < count; ++m) {
        T* out = y.data() + (first + m) * y.sample_size();
        for (std::size_t f = 0; f < F; ++f) {
          const T* in = Y.colptr(f) + m * positions_;
          const T bias = b_.value[f];
          for (std::size_t q = 0; q < positions_; ++q) out[f * positions_ + q] = in[q] + bias;
        }
      }
    }
  }, (n / groups) * positions_ * CKK * F);
}

template <typename T>
void Conv2D<T>::col2im(const arma::Mat<T>& dP, Tensor<T>& dx, std::size_t first, std::size_t count) const {
  const std::size_t C = geometry_.channels, K = geometry_.kernel, s = geometry_.stride, p = geometry_.padding;
  const std::size_t H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  // EXERCISE col2im BEGIN
  T* block = dx.data() + first * dx.sample_size();
  std::fill(block, block + count * dx.sample_size(), T(0));
  if (s == 1 && p == 0) {
    for (std::size_t m = 0; m < count; ++m) {
      T* image = block + m * dx.sample_size();
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t u = 0; u < K; ++u)
          for (std::size_t v = 0; v < K; ++v) {
            const T* in = dP.colptr((c * K + u) * K + v) + m * positions_;
            T* out = image + (c * H + u) * W + v;
            for (std::size_t i = 0; i < Ho; ++i, in += Wo, out += W)
              for (std::size_t j = 0; j < Wo; ++j) out[j] += in[j];
          }
    }
    return;
  }
  for (std::size_t m = 0; m < count; ++m) {
    T* image = block + m * dx.sample_size();
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t u = 0; u < K; ++u) {
        const Range rows = valid_outputs(Ho, H, u, s, p);  // entries on the zero padding have no input behind them
        for (std::size_t v = 0; v < K; ++v) {
          const T* column = dP.colptr((c * K + u) * K + v) + m * positions_;
          const Range cols = valid_outputs(Wo, W, v, s, p);
          const std::size_t n = cols.hi - cols.lo;
          if (n == 0) continue;
          for (std::size_t i = rows.lo; i < rows.hi; ++i) {
            const T* in = column + i * Wo + cols.lo;
            T* out = image + (c * H + s * i + u - p) * W + (s * cols.lo + v - p);
            if (s == 1) {
              for (std::size_t j = 0; j < n; ++j) out[j] += in[j];
            } else {
              for (std::size_t j = 0; j < n; ++j) out[s * j] += in[j];
            }
          }
        }
      }
  }
  // EXERCISE col2im END
}

template <typename T>
void Conv2D<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (x_ == nullptr) throw Error("Conv2D::backward needs a forward pass in training mode first");
  if (dy.shape() != out_shape_) throw Error("Conv2D::backward: gradient " + dy.shape().str() + " does not match output " + out_shape_.str());
  if (dy.batch() == 0) {  // no samples: every gradient is an empty sum
    W_.grad.zeros(arma::size(W_.value));
    b_.grad.zeros(arma::size(b_.value));
    if (dx) ensure_shape(*dx, in_shape_);
    return;
  }
  const ConvAlgorithm algorithm = this->algorithm();
  // Filters that fill whole vectors: the filter-vector kernel's weight gradient is the faster one (CIFAR's first
  // layer, 32 filters: 10.5 -> 9.2 ms per batch of 128 on one thread; LeNet's 20 filters in vectors of 32 were
  // slower, 1.04 -> 1.35 ms), whichever path ran forward; the direct path then adds only ∂L/∂x. Asked for or
  // not, ∂L/∂x never changes how ∂L/∂W is computed.
  if (algorithm == ConvAlgorithm::direct && geometry_.filters % direct_conv::lanes<T>() == 0) {
    backward_filter_vectors(dy, nullptr);
    if (dx) backward_direct(dy, dx, false);
    return;
  }
  if (algorithm == ConvAlgorithm::direct) return backward_direct(dy, dx, true);
  if (algorithm == ConvAlgorithm::filter_vectors) return backward_filter_vectors(dy, dx);
  const std::size_t n = dy.batch(), F = geometry_.filters, CKK = geometry_.patch_size(), groups = std::min(n, kGroups);
  const std::size_t block = block_samples();
  patches_.resize(groups);
  products_.resize(groups);
  patch_gradients_.resize(groups);
  weight_parts_.set_size(CKK * F, groups);
  bias_parts_.zeros(F, groups);
  if (dx) ensure_shape(*dx, in_shape_);
  const SerialIfSmall serial(n * positions_ * CKK * F);
  parallel_for(groups, [&](std::size_t g) {
    arma::Mat<T>& P = patches_[g];
    arma::Mat<T>& dY = products_[g];
    arma::Mat<T>& dP = patch_gradients_[g];
    T* dW = weight_parts_.colptr(g);
    for (std::size_t first = n * g / groups, end = n * (g + 1) / groups; first < end; first += block) {
      const std::size_t count = std::min(block, end - first);
      im2col(*x_, first, count, P);  // the same patches forward multiplied, made again while they are in cache
      // The tensor's (sample, filter, position) back into rows (sample, position) x filters, and the block's
      // share of ∂L/∂b_f = Σ over samples and positions of ∂L/∂y.
      dY.set_size(count * positions_, F);
      for (std::size_t m = 0; m < count; ++m) {
        const T* in = dy.data() + (first + m) * dy.sample_size();
        for (std::size_t f = 0; f < F; ++f) {
          const T* plane = in + f * positions_;
          std::copy(plane, plane + positions_, dY.colptr(f) + m * positions_);
          bias_parts_(f, g) += plane_sum(plane, positions_);
        }
      }
      // ∂L/∂Wm = Pᵀ · ∂L/∂Y, this group's share (the first block sets it, the others add)
      gemm_tn(CKK, F, dY.n_rows, P.memptr(), P.n_rows, dY.memptr(), dY.n_rows, dW, first == n * g / groups ? T(0) : T(1));
      if (dx == nullptr) continue;  // the first layer: no ∂L/∂x, no col2im
      dP.set_size(dY.n_rows, CKK);
      gemm_nt(dY.n_rows, CKK, F, dY.memptr(), W_.value.memptr(), dP.memptr());  // ∂L/∂P = ∂L/∂Y · Wmᵀ
      col2im(dP, *dx, first, count);  // ∂L/∂x: every patch entry added back where it was copied from
    }
  }, (n / groups) * positions_ * CKK * F * (dx ? 2 : 1));
  // The groups' shares, summed in a fixed order: the result does not depend on the thread count.
  W_.grad = arma::reshape(arma::sum(weight_parts_, 1), CKK, F);
  b_.grad = arma::sum(bias_parts_, 1);
}

template <typename T>
std::map<std::string, double> Conv2D<T>::config() const {
  return {{"channels", static_cast<double>(geometry_.channels)},
          {"filters", static_cast<double>(geometry_.filters)},
          {"kernel", static_cast<double>(geometry_.kernel)},
          {"stride", static_cast<double>(geometry_.stride)},
          {"padding", static_cast<double>(geometry_.padding)}};
}

template class Conv2D<float>;
template class Conv2D<double>;

}  // namespace lecon
