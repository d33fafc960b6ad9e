#pragma once
// The convolution's sums as plain loops: the executable specification that Conv2D's fast paths (im2col +
// GEMM, and the direct kernels) are tested against on many geometries. Slow on purpose; no layer uses it.
//
// [slide: convolution]                       y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v W[f, c, u, v] · x[n, c, s·i + u - p, s·j + v - p]
// [slide: backpropagation through a convolution]
//   ∂L/∂W[f, c, u, v] = Σ_n Σ_i Σ_j ∂L/∂y[n, f, i, j] · x[n, c, s·i + u - p, s·j + v - p]
//   ∂L/∂b[f]          = Σ_n Σ_i Σ_j ∂L/∂y[n, f, i, j]
//   ∂L/∂x[n, c, r, q] = Σ over every (f, i, j, u, v) with s·i + u - p = r and s·j + v - p = q of W[f, c, u, v] · ∂L/∂y[n, f, i, j]
// with x = 0 outside the image (the zero padding has no gradient).
#include "lecon/cnn/conv2d.hpp"

namespace lecon {

// y (n, F, H', W') for x (n, C, H, W); Wm (C·K·K x F) and b (F x 1) as Conv2D stores them.
template <typename T>
Tensor<T> conv2d_reference_forward(const ConvGeometry& g, const arma::Mat<T>& Wm, const arma::Mat<T>& b, const Tensor<T>& x);

// ∂L/∂Wm (C·K·K x F), ∂L/∂b (F x 1) and ∂L/∂x (the shape of x) from x and ∂L/∂y (n, F, H', W').
template <typename T>
void conv2d_reference_backward(const ConvGeometry& g, const arma::Mat<T>& Wm, const Tensor<T>& x, const Tensor<T>& dy, arma::Mat<T>& dWm,
                               arma::Mat<T>& db, Tensor<T>& dx);

}  // namespace lecon
