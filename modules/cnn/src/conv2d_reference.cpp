#include "lecon/cnn/conv2d_reference.hpp"

namespace lecon {

namespace {

// The input coordinate s·o + k - p of output o and kernel offset k, or -1 on the zero padding.
std::ptrdiff_t input_at(std::size_t o, std::size_t k, const ConvGeometry& g, std::size_t size) {
  const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(g.stride * o + k) - static_cast<std::ptrdiff_t>(g.padding);
  return at < 0 || at >= static_cast<std::ptrdiff_t>(size) ? -1 : at;
}

}  // namespace

template <typename T>
Tensor<T> conv2d_reference_forward(const ConvGeometry& g, const arma::Mat<T>& Wm, const arma::Mat<T>& b, const Tensor<T>& x) {
  const std::size_t H = x.shape()[2], W = x.shape()[3];
  const Shape out{x.batch(), g.filters, g.output_size(H, "height"), g.output_size(W, "width")};
  Tensor<T> y(out);
  for (std::size_t n = 0; n < out[0]; ++n)
    for (std::size_t f = 0; f < g.filters; ++f)
      for (std::size_t i = 0; i < out[2]; ++i)
        for (std::size_t j = 0; j < out[3]; ++j) {
          T sum = b[f];  // [slide: convolution]
          for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t u = 0; u < g.kernel; ++u)
              for (std::size_t v = 0; v < g.kernel; ++v) {
                const std::ptrdiff_t r = input_at(i, u, g, H), q = input_at(j, v, g, W);
                if (r < 0 || q < 0) continue;  // zero padding
                sum += Wm((c * g.kernel + u) * g.kernel + v, f) * x.at(n, c, static_cast<std::size_t>(r), static_cast<std::size_t>(q));
              }
          y.at(n, f, i, j) = sum;
        }
  return y;
}

template <typename T>
void conv2d_reference_backward(const ConvGeometry& g, const arma::Mat<T>& Wm, const Tensor<T>& x, const Tensor<T>& dy, arma::Mat<T>& dWm,
                               arma::Mat<T>& db, Tensor<T>& dx) {
  const std::size_t H = x.shape()[2], W = x.shape()[3], Ho = dy.shape()[2], Wo = dy.shape()[3];
  dWm.zeros(g.patch_size(), g.filters);
  db.zeros(g.filters, 1);
  dx = Tensor<T>(x.shape());
  for (std::size_t n = 0; n < x.batch(); ++n)
    for (std::size_t f = 0; f < g.filters; ++f)
      for (std::size_t i = 0; i < Ho; ++i)
        for (std::size_t j = 0; j < Wo; ++j) {
          const T delta = dy.at(n, f, i, j);
          db[f] += delta;  // [slide: backpropagation through a convolution]
          for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t u = 0; u < g.kernel; ++u)
              for (std::size_t v = 0; v < g.kernel; ++v) {
                const std::ptrdiff_t r = input_at(i, u, g, H), q = input_at(j, v, g, W);
                if (r < 0 || q < 0) continue;  // the padding has no pixel behind it
                const std::size_t row = (c * g.kernel + u) * g.kernel + v;
                dWm(row, f) += delta * x.at(n, c, static_cast<std::size_t>(r), static_cast<std::size_t>(q));
                dx.at(n, c, static_cast<std::size_t>(r), static_cast<std::size_t>(q)) += Wm(row, f) * delta;
              }
        }
}

template Tensor<float> conv2d_reference_forward<float>(const ConvGeometry&, const arma::Mat<float>&, const arma::Mat<float>&, const Tensor<float>&);
template Tensor<double> conv2d_reference_forward<double>(const ConvGeometry&, const arma::Mat<double>&, const arma::Mat<double>&,
                                                         const Tensor<double>&);
template void conv2d_reference_backward<float>(const ConvGeometry&, const arma::Mat<float>&, const Tensor<float>&, const Tensor<float>&,
                                               arma::Mat<float>&, arma::Mat<float>&, Tensor<float>&);
template void conv2d_reference_backward<double>(const ConvGeometry&, const arma::Mat<double>&, const Tensor<double>&, const Tensor<double>&,
                                                arma::Mat<double>&, arma::Mat<double>&, Tensor<double>&);

}  // namespace lecon
