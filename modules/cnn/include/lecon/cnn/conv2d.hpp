#pragma once
// The 2-D convolution layer (a cross-correlation, as in every deep-learning library).
//
// [slide: convolution]  for output channel k at position (i, j):
//     y[k, i, j] = b[k] + Σ_c Σ_u Σ_v  W[k, c, u, v] · x[c, s·i + u - p, s·j + v - p]
//   with kernel size K (u, v = 0 .. K-1), stride s and zero padding p (x is 0 outside the image);
//   output size  H' = ⌊(H + 2p - K) / s⌋ + 1  (the same for the width).
//
// Lowering to GEMM (im2col). Copy every K x K x C patch the kernel visits into one row of a matrix P:
//   P[(n, i, j), (c, u, v)] = x_n[c, s·i + u - p, s·j + v - p]          (n·H'·W' rows, C·K·K columns)
// and the convolution of a block of samples is ONE matrix product with the weights seen as a (C·K·K x F)
// matrix Wm (F = filters; Wm's memory is PyTorch's (F, C, K, K) weight array):
//   Y = P · Wm + 1 bᵀ                                               (n·H'·W' x F)
// Backward is two more products and the reverse copy (col2im adds each patch gradient back into place):
//   ∂L/∂Wm = Pᵀ · ∂L/∂Y,   ∂L/∂b = (∂L/∂Y)ᵀ 1,   ∂L/∂P = ∂L/∂Y · Wmᵀ,   ∂L/∂x = col2im(∂L/∂P)
// Y's rows come ordered (sample, position), one column per filter; the tensor layout wants (sample,
// filter, position), so a cheap copy rearranges it (and the reverse for ∂L/∂Y). The batch is split into
// at most 8 groups of samples, one per thread at a time, each lowered in blocks whose P fits the L2 cache;
// backward makes each block's P again from x instead of keeping the whole batch's (docs/cnn.md).
//
// Fast paths (ConvAlgorithm; docs/cnn.md). With stride 1 the layer skips im2col and computes the sum above
// directly in SIMD registers: with at most kDirectChannels input channels (an image's 1 or 3) a row of
// outputs at a time (modules/cnn/src/conv2d_direct.hpp), with more channels and at least kFilterVectorMin
// filters 32 filters of a dozen outputs at a time (modules/cnn/src/conv2d_filters.hpp). Every path is
// tested against the plain loops of conv2d_reference.hpp.
//
// Weight sharing: the layer has F·C·K·K + F parameters whatever the image size, where a dense layer
// from the same input to the same output would have (C·H·W)·(F·H'·W') + F·H'·W' (docs/cnn.md counts LeNet).
#include "lecon/backprop/layer.hpp"

namespace lecon {

// How a Conv2D computes: `automatic` picks by geometry (Conv2D::algorithm() says which); the others force one.
//   lowered:        im2col + one GEMM per block of samples (any stride), the slide's "convolution as a matrix product"
//   direct:         stride 1, SIMD vectors along an output row (fast for few input channels)
//   filter_vectors: stride 1, SIMD vectors across filters (fast for many channels and filters)
enum class ConvAlgorithm { automatic, lowered, direct, filter_vectors };
std::string conv_algorithm_name(ConvAlgorithm algorithm);

// Sizes of a square-kernel convolution on (C, H, W) inputs.
struct ConvGeometry {
  std::size_t channels = 1, filters = 1, kernel = 1, stride = 1, padding = 0;
  // ⌊(size + 2p - K) / s⌋ + 1; throws when the kernel does not fit in the padded input.
  std::size_t output_size(std::size_t size, const char* what) const;
  std::size_t patch_size() const { return channels * kernel * kernel; }  // C·K·K
};

template <typename T>
class Conv2D : public Layer<T> {
 public:
  // F filters of K x K over C input channels. Glorot-uniform weights as keras: W ~ U[-r, r] with
  // r = sqrt(6 / (C·K·K + F·K·K)); biases 0.
  Conv2D(std::size_t channels, std::size_t filters, std::size_t kernel, Rng& rng, std::size_t stride = 1, std::size_t padding = 0);

  std::string kind() const override { return "Conv2D"; }
  // (n, C, H, W) -> (n, F, H', W')
  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::vector<Param<T>*> params() override { return {&W_, &b_}; }
  std::map<std::string, double> config() const override;

  const ConvGeometry& geometry() const { return geometry_; }
  // Up to this many input channels (with stride 1) the layer uses the direct kernels instead of im2col + GEMM.
  static constexpr std::size_t kDirectChannels = 4;
  // From this many filters on, a stride-1 layer with more channels takes the filter_vectors path.
  static constexpr std::size_t kFilterVectorMin = 16;
  // The algorithm that runs (never automatic), and a way to force one: direct and filter_vectors need stride 1
  // (Error otherwise); automatic goes back to choosing by geometry.
  ConvAlgorithm algorithm() const;
  void set_algorithm(ConvAlgorithm algorithm);
  // Whether this layer takes the direct path.
  bool direct() const { return algorithm() == ConvAlgorithm::direct; }
  Param<T>& W() { return W_; }  // (C·K·K x F): column f is filter f, entries in (c, u, v) order
  Param<T>& b() { return b_; }  // (F x 1)

 private:
  // P (count·H'·W' x C·K·K) <- the patches of samples first .. first + count - 1 of x.
  void im2col(const Tensor<T>& x, std::size_t first, std::size_t count, arma::Mat<T>& P) const;
  // Samples first .. first + count - 1 of dx <- the patch gradients dP (count·H'·W' x C·K·K) added back in place.
  void col2im(const arma::Mat<T>& dP, Tensor<T>& dx, std::size_t first, std::size_t count) const;
  // How many samples the lowered path puts in one block (one im2col and one product).
  std::size_t block_samples() const;
  // The direct path's forward and backward (direct() is true).
  void forward_direct(const Tensor<T>& x, Tensor<T>& y);
  void backward_direct(const Tensor<T>& dy, Tensor<T>* dx, bool parameters);  // parameters: also ∂L/∂W and ∂L/∂b
  // The filter_vectors path's forward and backward.
  void forward_filter_vectors(const Tensor<T>& x, Tensor<T>& y);
  void backward_filter_vectors(const Tensor<T>& dy, Tensor<T>* dx);

  ConvGeometry geometry_;
  ConvAlgorithm algorithm_ = ConvAlgorithm::automatic;
  Param<T> W_, b_;
  Shape in_shape_, out_shape_;
  std::size_t positions_ = 0;   // H'·W'
  const Tensor<T>* x_ = nullptr;  // the input of the last forward in training mode (as Dense keeps its x); null after eval
  // Scratch, one per group of samples, reused from batch to batch: patches P, products Y (and ∂L/∂Y), ∂L/∂P.
  std::vector<arma::Mat<T>> patches_, products_, patch_gradients_;
  arma::Mat<T> bias_parts_, weight_parts_;  // per-group shares of ∂L/∂b and ∂L/∂W
  arma::Mat<T> scratch_;                    // direct paths: padded buffers, one column per group of samples
  arma::Col<T> packed_, packed_flipped_;    // filter_vectors path: the weights rearranged for the kernels
};

}  // namespace lecon
