#pragma once
// Direct convolution kernels for stride 1 and few input channels (Conv2D's fast path for a first layer).
//
// [slide: convolution]  y[f, i, j] = b[f] + Σ_c Σ_u Σ_v W[f, c, u, v] · x[c, i + u - p, j + v - p]
// computed as it stands, without im2col: with C·K·K = 25 (LeNet's first layer) or 75 (CIFAR's), the
// lowered GEMM has an inner dimension too short for BLAS to reach its speed, and writing the patch
// matrix (C·K·K values per output position) costs more memory traffic than the arithmetic it feeds.
// The kernels run along a row of the output, L = 64 bytes of it at a time (16 floats: one AVX-512
// register), holding several filters' accumulators in registers while they walk the taps (c, u, v).
//
// Every buffer here is one sample, padded so that no tile needs a bounds test:
//   xp:  C planes of Hp x Wq, Hp = H + 2p, Wq = Wr + K - 1: the input at offset (p, p), zeros elsewhere
//   dyp: F planes of Ho x Wr, Wr = Wo rounded up to L: ∂L/∂y, zeros right of column Wo
// The same layouts serve the two gradients:
//   ∂L/∂W[f, c, u, v] = Σ_i Σ_j ∂L/∂y[f, i, j] · xp[c, i + u, j + v]      (zeros in dyp add nothing)
//   ∂L/∂xp[c, i + u, j + v] += Σ_f W[f, c, u, v] · ∂L/∂y[f, i, j]       (then cropped back to H x W)
//
// On Intel's AVX-512 cores the forward runs over flat rows instead (Plan::flat; conv2d_direct.cpp says why):
//   xf:  C planes of Hp x S, S = W + 2p (no padding right of the image's own border), then a zero tail
// and output q = i·S + j of the plane (j < Wo: y[., i, j]; Wo ≤ j < S: the row's last K - 1 positions, computed
// and never stored) reads xf[c, q + u·S + v]: one run of memory per tap across row ends, so a tile is any NT
// consecutive vectors of outputs.
#include <cstddef>

namespace lecon::direct_conv {

struct Plan {
  std::size_t C, F, K, p;     // channels, filters, kernel, padding (stride 1)
  std::size_t H, W, Ho, Wo;   // input and output plane sizes
  std::size_t Hp, Wq, Wr;     // padded sizes (above)
  std::size_t S, tail;        // the flat layout's row length and the zeros after its planes
  bool flat;                  // whether forward_sample runs over flat rows
  std::size_t patch() const { return C * K * K; }
  std::size_t xp_size() const { return C * Hp * Wq; }
  std::size_t dyp_size() const { return F * Ho * Wr; }
  std::size_t xf_size() const { return C * Hp * S + tail; }
  // The buffer forward_sample needs: xf or xp.
  std::size_t forward_size() const { return flat ? xf_size() : xp_size(); }
};

// The plan for (C, H, W) inputs; `lanes` = L, the values of T in 64 bytes. flat: AVX-512 on a CPU where half a
// vector costs as much as a whole one (simd::half_vectors_here(): Intel's cores, or LECON_HALF_VECTORS=0) and
// rows of at least L values (S ≥ L: a vector of outputs then spans at most two rows of y).
Plan make_plan(std::size_t C, std::size_t F, std::size_t K, std::size_t p, std::size_t H, std::size_t W, std::size_t lanes);

// y (one sample, F x Ho x Wo) = the convolution of x (one sample, C x H x W) with Wm (C·K·K x F, column f =
// filter f) plus b (F), through `buffer` (plan.forward_size() values): x padded, then forward (below) or the flat
// rows.
void forward_sample(const Plan& plan, const float* x, const float* Wm, const float* b, float* buffer, float* y);
void forward_sample(const Plan& plan, const double* x, const double* Wm, const double* b, double* buffer, double* y);

// xp <- x padded (x: one sample, C x H x W; xp: plan.xp_size() values).
template <typename T>
void pad_input(const Plan& plan, const T* x, T* xp);
// dyp <- dy padded (dy: one sample, F x Ho x Wo).
template <typename T>
void pad_gradient(const Plan& plan, const T* dy, T* dyp);

// y (one sample, F x Ho x Wo) = the convolution of xp with Wm (C·K·K x F, column f = filter f) plus b (F).
void forward(const Plan& plan, const float* xp, const float* Wm, const float* b, float* y);
void forward(const Plan& plan, const double* xp, const double* Wm, const double* b, double* y);
// L, the values of T in one 64-byte vector.
template <typename T>
std::size_t lanes();
// dWv (C·K·K·F·L: L partial sums per weight, weight (c, u, v) of filter f at (f·C·K·K + (c·K + u)·K + v)·L)
// += the weight gradient of one sample; reduce_weight_gradient adds the partial sums into dWm (C·K·K x F).
void weight_gradient(const Plan& plan, const float* xp, const float* dyp, float* dWv);
void weight_gradient(const Plan& plan, const double* xp, const double* dyp, double* dWv);
template <typename T>
void reduce_weight_gradient(const Plan& plan, const T* dWv, T* dWm);
// dxp (plan.xp_size(), zeroed by the caller) += the padded input gradient of one sample; crop_gradient
// then writes its inner H x W part into dx.
void input_gradient(const Plan& plan, const float* dyp, const float* Wm, float* dxp);
void input_gradient(const Plan& plan, const double* dyp, const double* Wm, double* dxp);
template <typename T>
void crop_gradient(const Plan& plan, const T* dxp, T* dx);

}  // namespace lecon::direct_conv
