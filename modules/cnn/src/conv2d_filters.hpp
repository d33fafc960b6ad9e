#pragma once
// Direct convolution vectorised over filters: Conv2D's fast path for stride 1 and many input channels
// (LeNet's second layer, the CIFAR network's second and third).
//
// [slide: convolution]  y[f, i, j] = b[f] + Σ_c Σ_u Σ_v W[f, c, u, v] · x[c, i + u - p, j + v - p]
// The lowered path (im2col + GEMM) copies C·K·K values per output position into a patch matrix and BLAS
// packs that matrix again before multiplying: with F = 32 filters each copied value feeds only 32
// multiply-adds, so the copies cost about as much as the arithmetic. Here nothing is copied: a tile of
// R outputs of one row (R ≤ 12) and 32 filters (two 64-byte vectors of floats) stays in registers, and for
// each tap (c, u, v) the tile adds  W[f0 .. f0+32, c, u, v] · x[c, i + u - p, j + v - p]  for its R positions:
// two vector loads of weights, R broadcasts of pixels, 2R fused multiply-adds.
//
// Layouts (one sample at a time):
//   xp:  C planes of Hp x Wp = (H + 2p) x (W + 2p), the input at offset (p, p), zeros around it
//   Wf:  C·K·K rows of Fp values, row (c, u, v) = W[0 .. F, c, u, v], zeros for f ≥ F (Fp: F rounded up to a vector)
//   dyT: Ho·Wo rows of Fp values, row (i, j) = ∂L/∂y[0 .. F, i, j]  (the gradient transposed, for the weights)
// The gradients   [slide: backpropagation through a convolution]
//   ∂L/∂W[f, c, u, v] = Σ_i Σ_j ∂L/∂y[f, i, j] · xp[c, i + u, j + v]      (weight_gradient: vectors over f again)
//   ∂L/∂x[c, i, j]    = Σ_f Σ_u Σ_v W[f, c, K-1-u, K-1-v] · dyp[f, i + u, j + v]
// where dyp is ∂L/∂y padded by K - 1 - p: the input gradient is itself a stride-1 convolution of the output
// gradient, with the kernels flipped and the roles of channels and filters exchanged (flipped_plan,
// pack_flipped_weights), so forward computes it too.
#include <cstddef>

namespace lecon::filter_conv {

struct Plan {
  std::size_t C, F, K, p;    // channels, filters, kernel, padding (stride 1)
  std::size_t H, W, Ho, Wo;  // input and output plane sizes
  std::size_t Hp, Wp, Fp;    // padded sizes (above)
  bool half_vectors;         // whether the last filters may go into half a vector (conv2d_filters.cpp: next_pass)
  std::size_t patch() const { return C * K * K; }
  std::size_t xp_size() const { return C * Hp * Wp; }
  std::size_t weights_size() const { return patch() * Fp; }
  std::size_t dyT_size() const { return Ho * Wo * Fp; }
};

// n rounded up to a multiple of m (a count of values to whole vectors of m lanes).
std::size_t round_up(std::size_t n, std::size_t m);

// The plan for F filters of K x K over (C, H, W) inputs with padding p; `lanes`: values of T in 64 bytes.
// half_vectors: simd::half_vectors_here(), this CPU's answer unless LECON_HALF_VECTORS sets it (1 or 0: the
// tests run both kernels on any CPU; anything else there is an error).
Plan make_plan(std::size_t C, std::size_t F, std::size_t K, std::size_t p, std::size_t H, std::size_t W, std::size_t lanes);
// The plan whose forward is the input gradient of `plan`'s (needs p ≤ K - 1): F channels in, C filters out,
// padding K - 1 - p, on Ho x Wo planes; its outputs are H x W.
Plan flipped_plan(const Plan& plan, std::size_t lanes);

// xp <- x padded (x: one sample, C x H x W).
template <typename T>
void pad_input(const Plan& plan, const T* x, T* xp);
// Wf <- Wm (C·K·K x F, column f = filter f in (c, u, v) order) rearranged as above.
template <typename T>
void pack_weights(const Plan& plan, const T* Wm, T* Wf);
// Wf of flipped_plan(plan) from plan's Wm: row (f, u, v) holds W[f, 0 .. C, K-1-u, K-1-v].
template <typename T>
void pack_flipped_weights(const Plan& plan, const T* Wm, std::size_t lanes, T* Wf);
// dyT <- dy transposed (dy: one sample, F x Ho x Wo).
template <typename T>
void transpose_gradient(const Plan& plan, const T* dy, T* dyT);

// ∂L/∂P = ∂L/∂Y · Wmᵀ for one sample (∂L/∂Y: its ∂L/∂y as it lies, Ho·Wo rows x F columns; Wm: C·K·K x F;
// ∂L/∂P: Ho·Wo x C·K·K, column-major), on a CPU with AVX-512 when Ho·Wo is a whole number of vectors: a product
// without BLAS's packing of Wm for every sample. False (nothing written) elsewhere; the caller then uses a GEMM.
bool patch_gradient(const Plan& plan, const float* dy, const float* Wm, float* dP);
bool patch_gradient(const Plan& plan, const double* dy, const double* Wm, double* dP);

// ∂L/∂x of one sample (C x H x W) from its patch gradients ∂L/∂P (Ho·Wo rows x C·K·K columns, column-major), as
// col2im computes it, for a "valid" layer (p = 0) whose rows fit one vector (W ≤ 16 floats) on a CPU with
// AVX-512: each row of ∂L/∂x is summed in a register from the K·K (or fewer) patch-gradient rows that land in
// it, each loaded already shifted into place (a masked load), and stored once. False (nothing written) where
// that does not apply; the caller then uses col2im.
bool patch_gradient_rows(const Plan& plan, const float* dP, float* dx);
bool patch_gradient_rows(const Plan& plan, const double* dP, double* dx);

// y (one sample, F x Ho x Wo) = the convolution of xp with Wf, plus b (F values; none when b is null).
void forward(const Plan& plan, const float* xp, const float* Wf, const float* b, float* y);
void forward(const Plan& plan, const double* xp, const double* Wf, const double* b, double* y);
// dWf (C·K·K x Fp, laid out as Wf) += the weight gradient of one sample.
void weight_gradient(const Plan& plan, const float* xp, const float* dyT, float* dWf);
void weight_gradient(const Plan& plan, const double* xp, const double* dyT, double* dWf);

}  // namespace lecon::filter_conv
