#include "lecon/cnn/conv2d.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/parallel.hpp"

namespace lecon {

namespace {

// In eval mode the batch is lowered this many samples at a time, so predicting 10,000 images does not
// hold all their patches at once (LeNet's second layer: 128 KB of patches per image).
constexpr std::size_t kEvalChunk = 256;

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
  parallel_for(count, [&](std::size_t m) {
    const T* image = x.data() + (first + m) * x.sample_size();
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t u = 0; u < K; ++u)
        for (std::size_t v = 0; v < K; ++v) {
          // Column (c, u, v) of P, rows of sample m: x[c, s·i + u - p, s·j + v - p] over all (i, j).
          T* column = P_.colptr((c * K + u) * K + v) + m * positions_;
          // Output columns j whose input column s·j + v - p lies inside the image: [j_lo, j_hi).
          const std::size_t j_lo = std::min(Wo, v >= p ? 0 : (p - v + s - 1) / s);
          const std::size_t j_hi = std::max(j_lo, std::min(Wo, W + p > v ? (W + p - v - 1) / s + 1 : 0));
          for (std::size_t i = 0; i < Ho; ++i) {
            T* out = column + i * Wo;
            const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(s * i + u) - static_cast<std::ptrdiff_t>(p);
            if (row < 0 || row >= static_cast<std::ptrdiff_t>(H)) {
              std::fill(out, out + Wo, T(0));
              continue;
            }
            const T* in = image + (c * H + static_cast<std::size_t>(row)) * W;
            std::fill(out, out + j_lo, T(0));
            for (std::size_t j = j_lo; j < j_hi; ++j) out[j] = in[s * j + v - p];
            std::fill(out + j_hi, out + Wo, T(0));
          }
        }
  });
}

template <typename T>
void Conv2D<T>::forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) {
  out_shape_ = output_shape(x.shape());
  in_shape_ = x.shape();
  ensure_shape(y, out_shape_);
  x_ = &x;
  positions_ = out_shape_[2] * out_shape_[3];
  const std::size_t n = x.batch(), F = geometry_.filters;
  // Training keeps every patch for backward; evaluation goes chunk by chunk.
  const std::size_t chunk = ctx.training ? std::max<std::size_t>(n, 1) : kEvalChunk;
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t count = std::min(chunk, n - first);
    im2col(x, first, count);
    Y_ = P_ * W_.value;  // [slide: convolution as a matrix product]  Y = P · Wm   (one GEMM for the chunk)
    // Rearrange rows (sample, position) x filters into the tensor's (sample, filter, position), adding b.
    parallel_for(count, [&](std::size_t m) {
      T* out = y.data() + (first + m) * y.sample_size();
      for (std::size_t f = 0; f < F; ++f) {
        const T* in = Y_.colptr(f) + m * positions_;
        const T bias = b_.value[f];
        for (std::size_t q = 0; q < positions_; ++q) out[f * positions_ + q] = in[q] + bias;
      }
    });
  }
  have_patches_ = n <= chunk;
}

template <typename T>
void Conv2D<T>::col2im(Tensor<T>& dx) const {
  const std::size_t C = geometry_.channels, K = geometry_.kernel, s = geometry_.stride, p = geometry_.padding;
  const std::size_t H = in_shape_[2], W = in_shape_[3], Ho = out_shape_[2], Wo = out_shape_[3];
  dx.matrix().zeros();
  // Each sample's gradient lands only in its own column of dx: the samples run in parallel without races.
  parallel_for(dx.batch(), [&](std::size_t m) {
    T* image = dx.data() + m * dx.sample_size();
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t u = 0; u < K; ++u)
        for (std::size_t v = 0; v < K; ++v) {
          const T* column = dP_.colptr((c * K + u) * K + v) + m * positions_;
          const std::size_t j_lo = std::min(Wo, v >= p ? 0 : (p - v + s - 1) / s);
          const std::size_t j_hi = std::max(j_lo, std::min(Wo, W + p > v ? (W + p - v - 1) / s + 1 : 0));
          for (std::size_t i = 0; i < Ho; ++i) {
            const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(s * i + u) - static_cast<std::ptrdiff_t>(p);
            if (row < 0 || row >= static_cast<std::ptrdiff_t>(H)) continue;  // a zero of the padding: no input behind it
            T* out = image + (c * H + static_cast<std::size_t>(row)) * W;
            const T* in = column + i * Wo;
            for (std::size_t j = j_lo; j < j_hi; ++j) out[s * j + v - p] += in[j];
          }
        }
  });
}

template <typename T>
void Conv2D<T>::backward(const Tensor<T>& dy, Tensor<T>* dx) {
  if (x_ == nullptr || !have_patches_) throw Error("Conv2D::backward needs a forward pass in training mode first");
  if (dy.shape() != out_shape_) throw Error("Conv2D::backward: gradient " + dy.shape().str() + " does not match output " + out_shape_.str());
  const std::size_t n = dy.batch(), F = geometry_.filters;
  // The tensor's (sample, filter, position) back into rows (sample, position) x filters.
  dY_.set_size(n * positions_, F);
  parallel_for(n, [&](std::size_t m) {
    const T* in = dy.data() + m * dy.sample_size();
    for (std::size_t f = 0; f < F; ++f) std::copy(in + f * positions_, in + (f + 1) * positions_, dY_.colptr(f) + m * positions_);
  });
  W_.grad = P_.t() * dY_;             // ∂L/∂Wm = Pᵀ · ∂L/∂Y
  b_.grad = arma::sum(dY_, 0).t();    // ∂L/∂b_f = Σ over samples and positions of ∂L/∂y
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
