#include "lecon/cnn/conv2d.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

namespace {

// In eval mode the batch is lowered this many samples at a time, so predicting 10,000 images does not
// hold all their patches at once (LeNet's second layer: 128 KB of patches per image).
constexpr std::size_t kEvalChunk = 256;

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

// C (m x n) = Aᵀ B for column-major A (k x m) and B (k x n) with leading dimensions lda, ldb: lets a
// product run on a block of rows of P and ∂L/∂Y without copying it out.
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, const float* A, std::size_t lda, const float* B, std::size_t ldb, float* C) {
  cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, A,
              static_cast<int>(lda), B, static_cast<int>(ldb), 0.0f, C, static_cast<int>(m));
}
void gemm_tn(std::size_t m, std::size_t n, std::size_t k, const double* A, std::size_t lda, const double* B, std::size_t ldb, double* C) {
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0, A,
              static_cast<int>(lda), B, static_cast<int>(ldb), 0.0, C, static_cast<int>(m));
}

}  // namespace

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
Shape Conv2D<T>::output_shape(const Shape& input) const {
  if (input.rank() != 4 || input[1] != geometry_.channels)
    throw Error("Conv2D: input " + input.str() + " is not (n, " + std::to_string(geometry_.channels) + ", height, width)");
  return Shape{input.batch(), geometry_.filters, geometry_.output_size(input[2], "height"), geometry_.output_size(input[3], "width")};
}

template <typename T>
void Conv2D<T>::im2col(const Tensor<T>& x, std::size_t first, std::size_t count) {
  const std::size_t C = geometry_.channels, K = geometry_.kernel, s = geometry_.stride, p = geometry_.padding;
  const std::size_t H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  P_.set_size(count * positions_, geometry_.patch_size());
  if (s == 1 && p == 0) {  // the common case (LeNet): no padding, unit stride, so no bounds at all
    parallel_for(count, [&](std::size_t m) {
      const T* image = x.data() + (first + m) * x.sample_size();
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t u = 0; u < K; ++u)
          for (std::size_t v = 0; v < K; ++v) {
            const T* in = image + (c * H + u) * W + v;
            T* out = P_.colptr((c * K + u) * K + v) + m * positions_;
            for (std::size_t i = 0; i < Ho; ++i, in += W, out += Wo)
              for (std::size_t j = 0; j < Wo; ++j) out[j] = in[j];
          }
    }, geometry_.patch_size() * positions_);
    return;
  }
  parallel_for(count, [&](std::size_t m) {
    const T* image = x.data() + (first + m) * x.sample_size();
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t u = 0; u < K; ++u) {
        const Range rows = valid_outputs(Ho, H, u, s, p);  // output rows whose input row s·i + u - p exists
        for (std::size_t v = 0; v < K; ++v) {
          // Column (c, u, v) of P, rows of sample m: x[c, s·i + u - p, s·j + v - p] over all (i, j).
          T* column = P_.colptr((c * K + u) * K + v) + m * positions_;
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
  }, geometry_.patch_size() * positions_);
}

template <typename T>
void Conv2D<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  out_shape_ = output_shape(x.shape());
  in_shape_ = x.shape();
  ensure_shape(y, out_shape_);
  positions_ = out_shape_[2] * out_shape_[3];
  const std::size_t n = x.batch(), F = geometry_.filters;
  // Training keeps every patch for backward; evaluation goes chunk by chunk.
  const std::size_t chunk = ctx.training ? std::max<std::size_t>(n, 1) : kEvalChunk;
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t count = std::min(chunk, n - first);
    im2col(x, first, count);
    {
      const SerialIfSmall serial(P_.n_rows * W_.value.n_elem);  // one image (prediction): no thread pool
      Y_ = P_ * W_.value;  // [slide: convolution as a matrix product]  Y = P · Wm   (one GEMM for the chunk)
    }
    // Rearrange rows (sample, position) x filters into the tensor's (sample, filter, position), adding b.
    parallel_for(count, [&](std::size_t m) {
      T* out = y.data() + (first + m) * y.sample_size();
      for (std::size_t f = 0; f < F; ++f) {
        const T* in = Y_.colptr(f) + m * positions_;
        const T bias = b_.value[f];
        for (std::size_t q = 0; q < positions_; ++q) out[f * positions_ + q] = in[q] + bias;
      }
    }, F * positions_);
  }
  have_patches_ = n <= chunk;
}

template <typename T>
void Conv2D<T>::col2im(Tensor<T>& dx) const {
  const std::size_t C = geometry_.channels, K = geometry_.kernel, s = geometry_.stride, p = geometry_.padding;
  const std::size_t H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  // EXERCISE col2im BEGIN
  dx.matrix().zeros();
  // Each sample's gradient lands only in its own column of dx: the samples run in parallel without races.
  if (s == 1 && p == 0) {
    parallel_for(dx.batch(), [&](std::size_t m) {
      T* image = dx.data() + m * dx.sample_size();
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t u = 0; u < K; ++u)
          for (std::size_t v = 0; v < K; ++v) {
            const T* in = dP_.colptr((c * K + u) * K + v) + m * positions_;
            T* out = image + (c * H + u) * W + v;
            for (std::size_t i = 0; i < Ho; ++i, in += Wo, out += W)
              for (std::size_t j = 0; j < Wo; ++j) out[j] += in[j];
          }
    }, geometry_.patch_size() * positions_);
    return;
  }
  parallel_for(dx.batch(), [&](std::size_t m) {
    T* image = dx.data() + m * dx.sample_size();
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t u = 0; u < K; ++u) {
        const Range rows = valid_outputs(Ho, H, u, s, p);  // entries on the zero padding have no input behind them
        for (std::size_t v = 0; v < K; ++v) {
          const T* column = dP_.colptr((c * K + u) * K + v) + m * positions_;
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
  }, geometry_.patch_size() * positions_);
  // EXERCISE col2im END
}

template <typename T>
void Conv2D<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (!have_patches_) throw Error("Conv2D::backward needs a forward pass in training mode first");
  if (dy.shape() != out_shape_) throw Error("Conv2D::backward: gradient " + dy.shape().str() + " does not match output " + out_shape_.str());
  const std::size_t n = dy.batch(), F = geometry_.filters;
  // The tensor's (sample, filter, position) back into rows (sample, position) x filters, and each
  // sample's share of ∂L/∂b_f = Σ over samples and positions of ∂L/∂y.
  dY_.set_size(n * positions_, F);
  bias_parts_.set_size(F, n);
  parallel_for(n, [&](std::size_t m) {
    const T* in = dy.data() + m * dy.sample_size();
    for (std::size_t f = 0; f < F; ++f) {
      const T* plane = in + f * positions_;
      std::copy(plane, plane + positions_, dY_.colptr(f) + m * positions_);
      T sum = 0;
      for (std::size_t q = 0; q < positions_; ++q) sum += plane[q];
      bias_parts_(f, m) = sum;
    }
  }, F * positions_);
  b_.grad = arma::sum(bias_parts_, 1);
  // ∂L/∂Wm = Pᵀ · ∂L/∂Y. The inner dimension (n·H'·W' rows: 36,864 in LeNet's first layer) is long and
  // the result small, a shape BLAS threads poorly; so the rows are cut into blocks whose products run
  // in parallel and are summed. The number of blocks depends on the size only, never on the thread
  // count, so the order of the sum does not change with the thread count.
  const std::size_t rows = dY_.n_rows, blocks = std::clamp<std::size_t>(rows / 2048, 1, 8), CKK = geometry_.patch_size();
  const SerialIfSmall serial(rows * CKK * F);  // the multiply-adds of each product below
  if (blocks == 1) {
    W_.grad = P_.t() * dY_;
  } else {
    weight_parts_.set_size(CKK * F, blocks);
    parallel_for(blocks, [&](std::size_t block) {
      const std::size_t r0 = rows * block / blocks, r1 = rows * (block + 1) / blocks;
      gemm_tn(CKK, F, r1 - r0, P_.memptr() + r0, rows, dY_.memptr() + r0, rows, weight_parts_.colptr(block));
    });
    W_.grad = arma::reshape(arma::sum(weight_parts_, 1), CKK, F);
  }
  if (dx == nullptr) return;          // the first layer: no ∂L/∂x, no col2im
  dP_ = dY_ * W_.value.t();           // ∂L/∂P = ∂L/∂Y · Wmᵀ
  ensure_shape(*dx, in_shape_);
  col2im(*dx);                        // ∂L/∂x: every patch entry added back where it was copied from
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
