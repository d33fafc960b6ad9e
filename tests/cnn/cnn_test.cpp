#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/cnn/augmentation.hpp"
#include "lecon/cnn/cifar_net.hpp"
#include "lecon/cnn/conv2d.hpp"
#include "lecon/cnn/conv2d_reference.hpp"
#include "lecon/cnn/flatten.hpp"
#include "lecon/cnn/lenet.hpp"
#include "lecon/cnn/pooling.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/core/loaders.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "gradient_test_util.hpp"
#include "test_util.hpp"
#include "worse.hpp"

using namespace lecon;

namespace lecon {
// So that Boost.Test can print a Shape when a comparison fails.
inline std::ostream& operator<<(std::ostream& out, const Shape& s) { return out << s.str(); }
}  // namespace lecon

namespace {

using test::require_checks;

Tensor<double> random_tensor(const Shape& shape, Rng& rng) {
  Tensor<double> t(shape);
  rng.fill_normal(t.matrix(), 0.0, 1.0);
  return t;
}

// The slide's formula, summed term by term: y[k,i,j] = b[k] + Σ_c Σ_u Σ_v W[k,c,u,v] x[c, s·i+u-p, s·j+v-p].
Tensor<double> direct_convolution(Conv2D<double>& conv, const Tensor<double>& x) {
  const ConvGeometry& g = conv.geometry();
  const Shape out = conv.output_shape(x.shape());
  Tensor<double> y(out);
  const auto H = static_cast<std::ptrdiff_t>(x.shape()[2]), W = static_cast<std::ptrdiff_t>(x.shape()[3]);
  for (std::size_t n = 0; n < out[0]; ++n)
    for (std::size_t k = 0; k < out[1]; ++k)
      for (std::size_t i = 0; i < out[2]; ++i)
        for (std::size_t j = 0; j < out[3]; ++j) {
          double sum = conv.b().value[k];
          for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t u = 0; u < g.kernel; ++u)
              for (std::size_t v = 0; v < g.kernel; ++v) {
                const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(g.stride * i + u) - static_cast<std::ptrdiff_t>(g.padding);
                const std::ptrdiff_t col = static_cast<std::ptrdiff_t>(g.stride * j + v) - static_cast<std::ptrdiff_t>(g.padding);
                if (row < 0 || col < 0 || row >= H || col >= W) continue;  // zero padding
                sum += conv.W().value((c * g.kernel + u) * g.kernel + v, k) *
                       x.at(n, c, static_cast<std::size_t>(row), static_cast<std::size_t>(col));
              }
          y.at(n, k, i, j) = sum;
        }
  return y;
}

struct ConvCase {
  std::size_t channels, filters, kernel, stride, padding, height, width;
};

const std::vector<ConvCase> kCases = {
    {1, 3, 3, 1, 0, 6, 6},  // plain
    {2, 4, 3, 2, 1, 7, 6},  // stride 2 with padding, rectangular image
    {3, 2, 2, 2, 0, 5, 5},  // stride 2 leaves the last row and column unused
    {2, 3, 3, 1, 2, 4, 5},  // padding larger than needed ("full" convolution)
    {3, 5, 1, 1, 0, 3, 4},  // 1x1 convolution: a dense layer per pixel
    {1, 2, 5, 3, 2, 9, 8},  // large stride and kernel
    {5, 3, 3, 1, 0, 6, 7},  // stride 1 through im2col (more channels than the direct kernels take)
    {6, 2, 3, 1, 1, 5, 5},  // the same with padding
    {8, 16, 3, 1, 1, 5, 6},  // filter vectors; the input gradient as a convolution of the output gradient
    {6, 16, 2, 1, 2, 4, 4},  // filter vectors with padding beyond K - 1: the input gradient through col2im
};

std::string describe(const ConvCase& c) {
  return "Conv2D C=" + std::to_string(c.channels) + " F=" + std::to_string(c.filters) + " K=" + std::to_string(c.kernel) + " s=" +
         std::to_string(c.stride) + " p=" + std::to_string(c.padding) + " on " + std::to_string(c.height) + "x" + std::to_string(c.width);
}

// Writes `records` CIFAR-10 records whose class shows as a bright band (row band and colour) over noise.
std::vector<std::uint8_t> standin_cifar_records(std::size_t records, Rng& rng) {
  std::vector<std::uint8_t> bytes;
  arma::Mat<double> noise(3072, 1);
  for (std::size_t r = 0; r < records; ++r) {
    const std::size_t label = r % 10;
    bytes.push_back(static_cast<std::uint8_t>(label));
    rng.fill_uniform(noise, 0.0, 128.0);
    for (std::size_t p = 0; p < 3072; ++p) {
      const std::size_t channel = p / 1024, row = (p % 1024) / 32;
      const bool band = row / 3 == label && channel == label % 3;
      bytes.push_back(static_cast<std::uint8_t>(noise[p] + (band ? 120 : 0)));
    }
  }
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cnn_forward)

// The slide's formulation (im2col, then one product), forced on every case: left to choose, half of them
// would take the direct or filter-vector kernels (fast_paths_equal_the_reference_loops checks those).
BOOST_AUTO_TEST_CASE(im2col_gemm_equals_the_direct_sum) {
  for (const ConvCase& c : kCases) {
    Rng rng(3);
    Conv2D<double> conv(c.channels, c.filters, c.kernel, rng, c.stride, c.padding);
    conv.set_algorithm(ConvAlgorithm::lowered);
    BOOST_TEST((conv.algorithm() == ConvAlgorithm::lowered), describe(c));
    rng.fill_normal(conv.b().value, 0.0, 1.0);
    const Tensor<double> x = random_tensor(Shape{3, c.channels, c.height, c.width}, rng);
    Tensor<double> y;
    conv.forward(x, y, Context{true, nullptr});
    const Tensor<double> expected = direct_convolution(conv, x);
    BOOST_REQUIRE(y.shape() == expected.shape());
    BOOST_TEST(test::max_abs(y.matrix() - expected.matrix()) < 1e-12, describe(c));
  }
}

// Geometries for the fast paths against the plain loops: every path (direct: stride 1 and at most 4
// channels; filter vectors: stride 1, more channels, at least 16 filters), rows shorter than one vector,
// exactly one, and longer but not a multiple (the overlapping last tile; tiles of unequal width), filter
// counts that are and are not multiples of the kernels' blocks, padding, odd sizes, kernels wider than one
// pass of the weight-gradient kernel.
struct FastCase {
  std::size_t batch, channels, filters, kernel, stride, padding, height, width;
};
const std::vector<FastCase> kFastCases = {
    {3, 1, 20, 5, 1, 0, 28, 28},  // LeNet's first layer (direct): Wo = 24, one and a half vectors of floats
    {2, 3, 8, 5, 1, 2, 32, 32},   // CIFAR's first layer (direct, padded): Wo = 32
    {1, 1, 3, 3, 1, 0, 5, 7},     // batch 1, rows shorter than a vector
    {2, 2, 5, 3, 1, 1, 9, 18},    // Wo = 18: one vector and a bit
    {4, 4, 7, 1, 1, 0, 6, 16},    // 1x1 kernel, Wo = 16 exactly, 7 filters (a block of 4 and 3 single ones)
    {3, 3, 4, 4, 1, 3, 7, 11},    // even kernel, padding 3 (outputs that see only padding)
    {9, 2, 6, 3, 1, 1, 8, 8},     // more samples than groups: groups of different sizes
    {2, 5, 6, 3, 1, 1, 9, 10},    // 5 channels: im2col + GEMM
    {3, 20, 7, 5, 1, 0, 12, 12},  // LeNet's second layer's shape (im2col), fewer filters
    {2, 3, 4, 3, 2, 1, 11, 9},    // stride 2 (im2col)
    {1, 2, 3, 5, 3, 2, 13, 12},   // stride 3, batch 1
    {2, 20, 50, 5, 1, 0, 12, 12},  // LeNet's second layer (filter vectors; ∂L/∂x through col2im)
    {2, 32, 32, 5, 1, 2, 15, 15},  // the CIFAR network's second layer (∂L/∂x as a flipped convolution)
    {3, 32, 64, 5, 1, 2, 7, 7},    // its third
    {2, 6, 17, 3, 1, 1, 9, 29},    // 17 filters (a vector and one more), Wo = 29 in tiles of 10, 10, 9
    {2, 5, 40, 2, 1, 2, 5, 6},     // padding beyond K - 1, even kernel
    {1, 9, 16, 1, 1, 0, 4, 13},    // 1x1 kernel, batch 1
    {9, 7, 24, 9, 1, 4, 10, 11},   // K = 9: the weight gradient's taps in two passes (5 + 4); uneven groups
    {2, 6, 20, 3, 1, 0, 12, 10},   // 80 positions: ∂L/∂P in blocks of 4 + 1 vectors (float), 4 + 4 + 2 (double)
};

// The algorithms that can compute case c: all three for stride 1, only the lowered one otherwise.
std::vector<ConvAlgorithm> algorithms_for(const FastCase& c) {
  if (c.stride != 1) return {ConvAlgorithm::automatic, ConvAlgorithm::lowered};
  return {ConvAlgorithm::automatic, ConvAlgorithm::lowered, ConvAlgorithm::direct, ConvAlgorithm::filter_vectors};
}

std::string describe(const FastCase& c) {
  return "n=" + std::to_string(c.batch) + " " +
         describe(ConvCase{c.channels, c.filters, c.kernel, c.stride, c.padding, c.height, c.width});
}

template <typename T>
T max_relative_difference(const arma::Mat<T>& a, const arma::Mat<T>& b) {
  return test::max_abs(a - b) / std::max<T>(T(1), test::max_abs(b));
}

template <typename T>
void check_against_reference(const FastCase& c, ConvAlgorithm algorithm, T tolerance) {
  Rng rng(11);
  Conv2D<T> conv(c.channels, c.filters, c.kernel, rng, c.stride, c.padding);
  conv.set_algorithm(algorithm);
  rng.fill_normal(conv.b().value, T(0), T(1));
  Tensor<T> x(Shape{c.batch, c.channels, c.height, c.width});
  rng.fill_normal(x.matrix(), T(0), T(1));
  Tensor<T> y;
  conv.forward(x, y, Context{true, nullptr});
  const Tensor<T> expected = conv2d_reference_forward(conv.geometry(), conv.W().value, conv.b().value, x);
  BOOST_REQUIRE(y.shape() == expected.shape());
  const std::string what = describe(c) + " (" + conv_algorithm_name(algorithm) + ": " + conv_algorithm_name(conv.algorithm()) + ")" +
                           (sizeof(T) == 4 ? " float" : " double");
  BOOST_TEST(max_relative_difference(y.matrix(), expected.matrix()) < tolerance, what << " forward");
  Tensor<T> dy(y.shape()), dx(x.shape()), dx_expected;
  rng.fill_normal(dy.matrix(), T(0), T(1));
  dx.matrix().fill(T(-7));  // a buffer from an earlier step: backward must overwrite every value
  conv.backward(dy, &dx);
  arma::Mat<T> dW, db;
  conv2d_reference_backward(conv.geometry(), conv.W().value, x, dy, dW, db, dx_expected);
  BOOST_TEST(max_relative_difference(conv.W().grad, dW) < tolerance, what << " dL/dW");
  BOOST_TEST(max_relative_difference(conv.b().grad, db) < tolerance, what << " dL/db");
  BOOST_TEST(max_relative_difference(dx.matrix(), dx_expected.matrix()) < tolerance, what << " dL/dx");
  // The first layer's case: no dL/dx asked for, the parameter gradients unchanged.
  const arma::Mat<T> dW_with_dx = conv.W().grad;
  conv.backward(dy, nullptr);
  BOOST_TEST(max_relative_difference(conv.W().grad, dW_with_dx) == T(0), what << " dL/dW without dL/dx");
}

BOOST_AUTO_TEST_CASE(fast_paths_equal_the_reference_loops) {
  std::map<ConvAlgorithm, std::size_t> chosen;
  for (const FastCase& c : kFastCases) {
    for (ConvAlgorithm algorithm : algorithms_for(c)) {  // every geometry through every path that takes it
      check_against_reference<double>(c, algorithm, 1e-12);
      check_against_reference<float>(c, algorithm, 1e-5f);
    }
    Rng rng(1);
    ++chosen[Conv2D<float>(c.channels, c.filters, c.kernel, rng, c.stride, c.padding).algorithm()];
  }
  // What the automatic choice picks: stride 1 with at most 4 channels direct, with more channels and at least
  // 16 filters filter vectors, everything else lowered.
  BOOST_TEST(chosen[ConvAlgorithm::direct] == 7u);
  BOOST_TEST(chosen[ConvAlgorithm::filter_vectors] == 8u);
  BOOST_TEST(chosen[ConvAlgorithm::lowered] == 4u);
}

// LECON_HALF_VECTORS set to `value` for the life of the object (unset: the CPU's choice), then put back.
class HalfVectors {
 public:
  explicit HalfVectors(const char* value) {
    if (const char* old = std::getenv("LECON_HALF_VECTORS")) old_ = old, had_ = true;
    setenv("LECON_HALF_VECTORS", value, 1);
  }
  ~HalfVectors() {
    if (had_) setenv("LECON_HALF_VECTORS", old_.c_str(), 1);
    else unsetenv("LECON_HALF_VECTORS");
  }

 private:
  std::string old_;
  bool had_ = false;
};

// The kernels are cut two ways, by whether half a vector costs half a whole one (LECON_HALF_VECTORS, simd.hpp).
// The filter-vector kernels split filter counts that leave at most half a vector beyond whole ones into whole
// vectors and a half (AMD's Zen 4, AVX2), or one more whole vector (Intel's AVX-512); the direct forward runs
// over row tiles (the same CPUs), or over flat rows with AVX-512 on Intel. Each CPU runs one of them; here both
// run on any CPU, against the plain loops, and give the same sums bit for bit (each output's sum is taken in the
// same order either way). Filter vectors: 8 and 24 filters always keep the half; 40, 50 and 56 are the split
// ones. Direct: LeNet's and the CIFAR network's first layers, rows of 20 with vectors across two of them and a
// last tile past the last row, and rows shorter than a vector (row tiles either way).
BOOST_AUTO_TEST_CASE(kernels_with_and_without_half_vectors_agree) {
  const std::vector<std::pair<FastCase, ConvAlgorithm>> cases = {
      {{2, 20, 50, 5, 1, 0, 12, 12}, ConvAlgorithm::filter_vectors}, {{2, 5, 40, 2, 1, 2, 5, 6}, ConvAlgorithm::filter_vectors},
      {{2, 9, 56, 3, 1, 1, 8, 11}, ConvAlgorithm::filter_vectors},   {{2, 16, 24, 3, 1, 1, 9, 10}, ConvAlgorithm::filter_vectors},
      {{2, 16, 8, 3, 1, 1, 9, 10}, ConvAlgorithm::filter_vectors},   {{2, 1, 20, 5, 1, 0, 28, 28}, ConvAlgorithm::direct},
      {{2, 3, 32, 5, 1, 2, 32, 32}, ConvAlgorithm::direct},          {{2, 2, 13, 3, 1, 1, 9, 18}, ConvAlgorithm::direct},
      {{2, 1, 3, 3, 1, 0, 5, 7}, ConvAlgorithm::direct}};
  for (const auto& [c, algorithm] : cases) {
    std::map<std::string, arma::fmat> outputs;
    for (const char* value : {"1", "0"}) {
      HalfVectors half(value);
      check_against_reference<double>(c, algorithm, 1e-12);
      check_against_reference<float>(c, algorithm, 1e-5f);
      Rng rng(5);
      Conv2D<float> conv(c.channels, c.filters, c.kernel, rng, c.stride, c.padding);
      conv.set_algorithm(algorithm);
      Tensor<float> x(Shape{c.batch, c.channels, c.height, c.width}), y;
      rng.fill_normal(x.matrix(), 0.0f, 1.0f);
      conv.forward(x, y, Context{true, nullptr});
      Tensor<float> dy(y.shape()), dx(x.shape());
      rng.fill_normal(dy.matrix(), 0.0f, 1.0f);
      conv.backward(dy, &dx);
      outputs[value] = arma::join_cols(arma::vectorise(y.matrix()), arma::vectorise(conv.W().grad), arma::vectorise(dx.matrix()));
    }
    BOOST_TEST(arma::approx_equal(outputs["1"], outputs["0"], "absdiff", 0.0f),
               describe(c) << " (" << conv_algorithm_name(algorithm) << "): with and without half vectors");
  }
  HalfVectors bad("2");
  Rng rng(1);
  Conv2D<float> conv(20, 50, 5, rng);
  Tensor<float> x(Shape{1, 20, 12, 12}), y;
  test::check_error<Error>([&] { conv.forward(x, y, Context{false, nullptr}); }, {"LECON_HALF_VECTORS", "expected 0 or 1", "'2'"});
}

BOOST_AUTO_TEST_CASE(a_strided_layer_refuses_the_direct_algorithms) {
  Rng rng(1);
  Conv2D<float> conv(8, 16, 3, rng, 2, 1);
  test::check_error<Error>([&] { conv.set_algorithm(ConvAlgorithm::filter_vectors); }, {"filter_vectors", "stride 1", "stride 2"});
  test::check_error<Error>([&] { conv.set_algorithm(ConvAlgorithm::direct); }, {"direct", "stride 1"});
  BOOST_TEST((conv.algorithm() == ConvAlgorithm::lowered));
}

BOOST_AUTO_TEST_CASE(the_reference_is_the_slide_formula) {
  // The reference itself against the seven-loop sum above (written independently), so that a slip in one
  // does not hide a slip in the other.
  for (const ConvCase& c : kCases) {
    Rng rng(12);
    Conv2D<double> conv(c.channels, c.filters, c.kernel, rng, c.stride, c.padding);
    rng.fill_normal(conv.b().value, 0.0, 1.0);
    const Tensor<double> x = random_tensor(Shape{2, c.channels, c.height, c.width}, rng);
    const Tensor<double> y = conv2d_reference_forward(conv.geometry(), conv.W().value, conv.b().value, x);
    BOOST_TEST(test::max_abs(y.matrix() - direct_convolution(conv, x).matrix()) < 1e-12, describe(c));
  }
}

BOOST_AUTO_TEST_CASE(output_sizes_follow_the_slide_formula) {
  Rng rng(1);
  // H' = ⌊(H + 2p - K) / s⌋ + 1
  BOOST_TEST(Conv2D<float>(1, 20, 5, rng).output_shape(Shape{2, 1, 28, 28}) == (Shape{2, 20, 24, 24}));
  BOOST_TEST(Conv2D<float>(3, 8, 3, rng, 2, 1).output_shape(Shape{1, 3, 32, 31}) == (Shape{1, 8, 16, 16}));
  BOOST_TEST(Conv2D<float>(3, 8, 3, rng, 1, 1).output_shape(Shape{1, 3, 32, 32}) == (Shape{1, 8, 32, 32}));  // "same"
  BOOST_TEST(MaxPool2D<float>(2).output_shape(Shape{5, 20, 24, 24}) == (Shape{5, 20, 12, 12}));
  BOOST_TEST(MaxPool2D<float>(3, 2).output_shape(Shape{5, 4, 7, 8}) == (Shape{5, 4, 3, 3}));
  BOOST_TEST(Flatten<float>().output_shape(Shape{5, 50, 4, 4}) == (Shape{5, 800}));
}

// A sample's output depends on that sample alone, whatever batch it comes in: the batch is split into thread
// groups and blocks of samples by its size, so uneven slices of a batch go through other groupings than the
// whole. Each path (direct, lowered, filter vectors) gives every slice exactly the whole batch's columns, in
// training and in evaluation mode.
BOOST_AUTO_TEST_CASE(a_sample_comes_out_the_same_in_any_batch) {
  struct Case {
    std::size_t channels, filters;
    ConvAlgorithm expected;
  };
  for (const Case c : {Case{2, 3, ConvAlgorithm::direct}, Case{6, 3, ConvAlgorithm::lowered}, Case{6, 20, ConvAlgorithm::filter_vectors}}) {
    Rng rng(4);
    Conv2D<double> conv(c.channels, c.filters, 3, rng, 1, 1);
    BOOST_TEST((conv.algorithm() == c.expected), conv_algorithm_name(c.expected));
    const Tensor<double> x = random_tensor(Shape{600, c.channels, 5, 5}, rng);  // many groups and blocks
    Tensor<double> whole, part, slice;
    conv.forward(x, whole, Context{true, nullptr});
    std::size_t first = 0;
    for (const std::size_t n : {1, 7, 64, 528}) {
      x.gather_into(arma::regspace<arma::uvec>(first, first + n - 1), slice);
      conv.forward(slice, part, Context{n % 2 == 0, nullptr});
      // The direct and filter-vector kernels add in an order fixed per sample: bit for bit. The lowered path
      // multiplies a block of samples' patches in one BLAS product, whose kernel sums a column that falls in an
      // edge block of the product in another order: equal to rounding.
      const double tolerance = c.expected == ConvAlgorithm::lowered ? 1e-13 * test::max_abs(whole.matrix()) : 0.0;
      BOOST_TEST(test::max_abs(part.matrix() - whole.matrix().cols(first, first + n - 1)) <= tolerance,
                 conv_algorithm_name(c.expected) << ", samples " << first << " to " << first + n - 1 << ": differ by "
                                                 << test::max_abs(part.matrix() - whole.matrix().cols(first, first + n - 1)));
      first += n;
    }
    BOOST_TEST(first == x.batch());
    // Evaluation keeps nothing for backward (training keeps x to make the patches again): backward must
    // refuse, not read a batch that may be gone.
    conv.forward(x, whole, Context{false, nullptr});
    test::check_error<Error>([&] { conv.backward(whole, nullptr); }, {"Conv2D::backward", "training mode"});
    // An empty batch: an empty output and zero parameter gradients (the groups of the paths above divided by
    // the batch's size).
    const Tensor<double> none = x.gather(arma::uvec());
    Tensor<double> out, d_none;
    conv.forward(none, out, Context{true, nullptr});
    BOOST_TEST(out.batch() == 0u);
    conv.backward(out, &d_none);
    BOOST_TEST(d_none.batch() == 0u);
    BOOST_TEST(arma::all(arma::vectorise(conv.W().grad) == 0.0));
    BOOST_TEST(conv.W().grad.n_elem == conv.W().value.n_elem);
  }
}

BOOST_AUTO_TEST_CASE(pooling_on_a_hand_example) {
  // One 4x4 image, rows top to bottom.
  Tensor<double> x(Shape{1, 1, 4, 4});
  const double pixels[16] = {1, 2, 5, 0,  //
                             3, 4, 1, 1,  //
                             0, 0, 2, 2,  //
                             -1, 7, 2, 2};
  for (std::size_t i = 0; i < 16; ++i) x.at(0, 0, i / 4, i % 4) = pixels[i];
  MaxPool2D<double> max_pool(2);
  AvgPool2D<double> avg_pool(2);
  Tensor<double> y_max, y_avg;
  max_pool.forward(x, y_max, Context{});
  avg_pool.forward(x, y_avg, Context{});
  const std::vector<double> expected_max = {4, 5, 7, 2}, expected_avg = {2.5, 1.75, 1.5, 2};
  for (std::size_t q = 0; q < 4; ++q) {
    BOOST_TEST(y_max.at(0, 0, q / 2, q % 2) == expected_max[q]);
    BOOST_TEST(y_avg.at(0, 0, q / 2, q % 2) == expected_avg[q]);
  }
  // Backward: max routes each gradient to its window's maximum (the first of the tied 2s), average spreads it.
  Tensor<double> dy(Shape{1, 1, 2, 2}), dx;
  dy.matrix() = arma::vec{10, 20, 30, 40};
  max_pool.backward(dy, &dx);
  BOOST_TEST(dx.at(0, 0, 1, 1) == 10.0);
  BOOST_TEST(dx.at(0, 0, 0, 2) == 20.0);
  BOOST_TEST(dx.at(0, 0, 3, 1) == 30.0);
  BOOST_TEST(dx.at(0, 0, 2, 2) == 40.0);
  BOOST_TEST(arma::accu(dx.matrix()) == 100.0);
  avg_pool.backward(dy, &dx);
  BOOST_TEST(dx.at(0, 0, 0, 0) == 2.5);
  BOOST_TEST(dx.at(0, 0, 3, 3) == 10.0);
}

BOOST_AUTO_TEST_CASE(bad_shapes_give_clear_errors) {
  Rng rng(1);
  Conv2D<float> conv(1, 4, 5, rng);
  Tensor<float> y;
  test::check_error<Error>([&] { conv.forward(Tensor<float>(Shape{2, 3, 28, 28}), y, Context{}); }, {"Conv2D", "(2, 3, 28, 28)", "(n, 1, height, width)"});
  test::check_error<Error>([&] { conv.forward(Tensor<float>(Shape{2, 784}), y, Context{}); }, {"Conv2D", "(2, 784)"});
  test::check_error<Error>([&] { conv.forward(Tensor<float>(Shape{2, 1, 3, 28}), y, Context{}); }, {"height 3", "smaller than the kernel 5"});
  test::check_error<Error>([&] { Conv2D<float>(1, 4, 5, rng).backward(Tensor<float>(Shape{2, 4, 24, 24}), nullptr); }, {"forward pass"});
  test::check_error<Error>([&] { Conv2D<float>(0, 4, 5, rng); }, {"must be positive"});
  test::check_error<Error>([&] { Conv2D<float>(100000, 100000, 100, rng); }, {"more than 2^31 weights"});
  MaxPool2D<float> pool(3);
  test::check_error<Error>([&] { pool.forward(Tensor<float>(Shape{1, 1, 2, 8}), y, Context{}); }, {"MaxPool2D", "smaller than the 3x3 window"});
  test::check_error<Error>([&] { pool.backward(Tensor<float>(Shape{1, 1, 2, 2}), nullptr); }, {"before forward"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cnn_gradients)

BOOST_AUTO_TEST_CASE(conv2d_every_geometry) {
  for (const ConvCase& c : kCases) {
    Rng rng(5);
    Conv2D<double> conv(c.channels, c.filters, c.kernel, rng, c.stride, c.padding);
    rng.fill_normal(conv.b().value, 0.0, 1.0);
    require_checks(check_layer_gradients(conv, Shape{2, c.channels, c.height, c.width}, rng), describe(c));
  }
}

BOOST_AUTO_TEST_CASE(max_pooling_kernels_match_plain_loops) {
  // Float with stride 1 or 2 runs the AVX-512 kernel where the CPU has it (16 outputs per register, so the wide
  // images give rows of several chunks and a partial last one); otherwise 2x2 and 3x3 windows have kernels of
  // their own (pooling.cpp), other sizes the general one. All must give the maxima of the plain loops below and
  // route each gradient to the first maximum in (u, v) order. Pixels take only four values, so most windows hold
  // ties; one pixel in 16 is NaN, which never wins a comparison but stays the maximum where it comes first.
  Rng rng(11);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto same = [](float a, float b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  for (std::size_t kernel : {2, 3, 4})
    for (std::size_t stride : {1, 2, 3})
      for (std::size_t height : {kernel, kernel + 5, 2 * kernel + 7})
        for (std::size_t width : {height + 3, 2 * height + 36, 2 * height + 37}) {
          const std::size_t C = 2, n = 2;
          Tensor<float> x(Shape{n, C, height, width});
          for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform_int(16) == 0 ? nan : static_cast<float>(rng.uniform_int(4));
          MaxPool2D<float> pool(kernel, stride);
          Tensor<float> y, dy, dx;
          pool.forward(x, y, Context{});
          const std::size_t Ho = (height - kernel) / stride + 1, Wo = (width - kernel) / stride + 1;
          BOOST_REQUIRE(y.shape() == (Shape{n, C, Ho, Wo}));
          dy = Tensor<float>(y.shape());
          for (std::size_t i = 0; i < dy.size(); ++i) dy.data()[i] = static_cast<float>(1 + rng.uniform_int(100));
          dx = Tensor<float>(x.shape());
          dx.matrix().fill(-7.0f);  // a reused buffer's stale values: backward must overwrite every entry
          pool.backward(dy, &dx);
          Tensor<float> expected_dx(x.shape());
          expected_dx.matrix().zeros();
          std::size_t wrong_max = 0;
          for (std::size_t m = 0; m < n; ++m)
            for (std::size_t c = 0; c < C; ++c)
              for (std::size_t i = 0; i < Ho; ++i)
                for (std::size_t j = 0; j < Wo; ++j) {
                  std::size_t bu = 0, bv = 0;
                  for (std::size_t u = 0; u < kernel; ++u)
                    for (std::size_t v = 0; v < kernel; ++v)
                      if (x.at(m, c, stride * i + u, stride * j + v) > x.at(m, c, stride * i + bu, stride * j + bv)) bu = u, bv = v;
                  if (!same(y.at(m, c, i, j), x.at(m, c, stride * i + bu, stride * j + bv))) ++wrong_max;
                  expected_dx.at(m, c, stride * i + bu, stride * j + bv) += dy.at(m, c, i, j);
                }
          const std::string what = std::to_string(kernel) + "x" + std::to_string(kernel) + " stride " + std::to_string(stride) + " on " +
                                   std::to_string(height) + "x" + std::to_string(width);
          BOOST_TEST(wrong_max == 0u, what);
          BOOST_TEST(test::max_abs(dx.matrix() - expected_dx.matrix()) == 0.0f, what);
        }
}

BOOST_AUTO_TEST_CASE(average_pooling_matches_plain_loops) {
  // Backward spreads a row of outputs along one input row first (pooling.cpp): it must give what adding every
  // share to its K² inputs one at a time gives, overlapping windows (stride < kernel), dropped edges and
  // windows that tile the image alike. Float sums in another order: equal to rounding.
  Rng rng(12);
  for (std::size_t kernel : {1, 2, 3, 5})
    for (std::size_t stride : {1, 2, 3})
      for (std::size_t height : {kernel, kernel + 4, 2 * kernel + 7}) {
        const std::size_t width = height + 2, C = 3, n = 2;
        Tensor<float> x(Shape{n, C, height, width});
        x.matrix().randu();
        AvgPool2D<float> pool(kernel, stride);
        Tensor<float> y, dx;
        pool.forward(x, y, Context{});
        const std::size_t Ho = (height - kernel) / stride + 1, Wo = (width - kernel) / stride + 1;
        BOOST_REQUIRE(y.shape() == (Shape{n, C, Ho, Wo}));
        Tensor<float> dy(y.shape());
        for (std::size_t i = 0; i < dy.size(); ++i) dy.data()[i] = static_cast<float>(rng.uniform_int(100)) - 50.0f;
        dx = Tensor<float>(x.shape());
        dx.matrix().fill(-7.0f);  // a buffer from an earlier step: backward must overwrite every value
        pool.backward(dy, &dx);
        Tensor<double> expected_y(y.shape()), expected_dx(x.shape());
        expected_dx.matrix().zeros();
        const double share = 1.0 / static_cast<double>(kernel * kernel);
        for (std::size_t m = 0; m < n; ++m)
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t i = 0; i < Ho; ++i)
              for (std::size_t j = 0; j < Wo; ++j) {
                double sum = 0;
                for (std::size_t u = 0; u < kernel; ++u)
                  for (std::size_t v = 0; v < kernel; ++v) {
                    sum += x.at(m, c, stride * i + u, stride * j + v);
                    expected_dx.at(m, c, stride * i + u, stride * j + v) += share * dy.at(m, c, i, j);
                  }
                expected_y.at(m, c, i, j) = share * sum;
              }
        const std::string what = std::to_string(kernel) + "x" + std::to_string(kernel) + " stride " + std::to_string(stride) + " on " +
                                 std::to_string(height) + "x" + std::to_string(width);
        BOOST_TEST(test::max_abs(arma::conv_to<arma::mat>::from(y.matrix()) - expected_y.matrix()) < 1e-6, what);
        // Shares up to 50, up to ⌈K/s⌉² windows on an input: float rounding stays far below 1e-4.
        BOOST_TEST(test::max_abs(arma::conv_to<arma::mat>::from(dx.matrix()) - expected_dx.matrix()) < 1e-4, what);
        // Inputs no window covers (the dropped right columns and bottom rows) get exactly 0.
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t h = 0; h < height; ++h)
            for (std::size_t w = 0; w < width; ++w)
              if (h >= stride * (Ho - 1) + kernel || w >= stride * (Wo - 1) + kernel) BOOST_TEST(dx.at(1, c, h, w) == 0.0f, what);
      }
}

BOOST_AUTO_TEST_CASE(pooling_and_flatten) {
  Rng rng(6);
  for (std::size_t kernel : {2, 3})
    for (std::size_t stride : {1, 2}) {  // stride 1 < kernel: overlapping windows whose gradients add up
      MaxPool2D<double> max_pool(kernel, stride);
      AvgPool2D<double> avg_pool(kernel, stride);
      const std::string what = std::to_string(kernel) + "x" + std::to_string(kernel) + " stride " + std::to_string(stride);
      require_checks(check_layer_gradients(max_pool, Shape{2, 3, 7, 6}, rng), "MaxPool2D " + what);
      require_checks(check_layer_gradients(avg_pool, Shape{2, 3, 7, 6}, rng), "AvgPool2D " + what);
    }
  Flatten<double> flatten;
  require_checks(check_layer_gradients(flatten, Shape{3, 2, 3, 4}, rng), "Flatten");
}

BOOST_AUTO_TEST_CASE(random_crop_flip) {
  // Training mode: the Rng is re-seeded for every evaluation, so the crops stay fixed during the check.
  Rng rng(8);
  for (std::size_t padding : {0, 1, 2}) {
    RandomCropFlip<double> augment(padding, true);
    require_checks(check_layer_gradients(augment, Shape{5, 2, 4, 5}, rng), "RandomCropFlip p=" + std::to_string(padding));
  }
  RandomCropFlip<double> augment(2, true);
  require_checks(check_layer_gradients(augment, Shape{3, 2, 4, 5}, rng, false), "RandomCropFlip in eval mode");
}

BOOST_AUTO_TEST_CASE(a_broken_convolution_fails_the_check) {
  // The same check must catch a wrong backward, or the passes above would mean nothing.
  struct BrokenConv : Conv2D<double> {
    using Conv2D<double>::Conv2D;
    void backward(const Tensor<double>& dy, Tensor<double>* dx) override {
      Conv2D<double>::backward(dy, dx);
      if (dx) dx->matrix() *= 0.5;
    }
  };
  Rng rng(7);
  BrokenConv conv(2, 3, 3, rng, 2, 1);
  const std::vector<GradientCheck> checks = check_layer_gradients(conv, Shape{2, 2, 6, 6}, rng);
  BOOST_TEST(checks.front().what == "input");
  BOOST_TEST(checks.front().max_relative_error > 0.1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cnn_model)

BOOST_AUTO_TEST_CASE(lenet_shapes_and_weight_sharing) {
  Rng rng(1);
  Sequential<float> model = lenet<float>(1, 28, 28, 10, rng);
  BOOST_TEST(model.parameter_count() == 431080u);  // 520 + 25,050 + 400,500 + 5,010
  const std::vector<SharingRow> rows = weight_sharing(model, Shape{1, 1, 28, 28});
  BOOST_REQUIRE(rows.size() == 4u);
  BOOST_TEST(rows[0].parameters == 520u);                    // 20 filters of 5x5 + 20 biases
  BOOST_TEST(rows[0].dense_equivalent == 784u * 11520 + 11520);  // every one of 11,520 outputs sees all 784 pixels
  BOOST_TEST(rows[1].parameters == 25050u);
  BOOST_TEST(rows[1].dense_equivalent == 2880u * 3200 + 3200);
  BOOST_TEST(rows[2].dense_equivalent == rows[2].parameters);  // a dense layer shares nothing
  Sequential<float> cifar = lenet<float>(3, 32, 32, 10, rng);
  BOOST_TEST(cifar.parameter_count() == 3u * 25 * 20 + 20 + 25050 + 1250u * 500 + 500 + 5010);
  test::check_error<Error>([&] { lenet<float>(1, 12, 12, 10, rng); }, {"too small for LeNet"});
}

BOOST_AUTO_TEST_CASE(cifar_18pct_shapes) {
  Rng rng(1);
  Sequential<float> model = cifar_18pct<float>(10, rng);
  // conv 3->32, 32->32, 32->64 (5x5, with biases) and the dense layer 64·3·3 -> 10
  BOOST_TEST(model.parameter_count() == (75u * 32 + 32) + (800u * 32 + 32) + (800u * 64 + 64) + (576u * 10 + 10));
  const Tensor<float> input(Shape{4, 3, 32, 32});  // a variable: forward keeps a pointer to its input
  const Tensor<float>& y = model.forward(input, Context{});
  BOOST_TEST(y.shape() == (Shape{4, 10}));
  Shape shape{1, 3, 32, 32};
  std::vector<std::size_t> sides;
  for (std::size_t i = 0; i < model.size(); ++i) {
    shape = model.layer(i).output_shape(shape);
    if (model.layer(i).kind() == "MaxPool2D" || model.layer(i).kind() == "AvgPool2D") sides.push_back(shape[2]);
  }
  BOOST_TEST(sides == (std::vector<std::size_t>{15, 7, 3}), boost::test_tools::per_element());
  test::check_error<Error>([&] { cifar_18pct<float>(1, rng); }, {"at least 2 classes"});
}

BOOST_AUTO_TEST_CASE(augmentation_invariants) {
  Rng rng(3);
  Tensor<float> x(Shape{6, 3, 5, 7});
  rng.fill_uniform(x.matrix(), 0.1f, 1.0f);  // no zero pixel, so a zero in a crop is padding
  const std::size_t p = 2;
  // Offset (p, p) without flip is the identity; a flip applied twice is the identity.
  std::vector<CropFlip> centre(6, CropFlip{p, p, false}), flipped(6, CropFlip{p, p, true});
  Tensor<float> y, z;
  crop_and_flip(x, y, centre, p);
  BOOST_TEST(arma::approx_equal(y.matrix(), x.matrix(), "absdiff", 0.0f));
  crop_and_flip(x, y, flipped, p);
  BOOST_TEST(!arma::approx_equal(y.matrix(), x.matrix(), "absdiff", 0.0f));
  BOOST_TEST(y.at(0, 1, 2, 0) == x.at(0, 1, 2, 6));  // column j comes from column W - 1 - j
  crop_and_flip(y, z, flipped, p);
  BOOST_TEST(arma::approx_equal(z.matrix(), x.matrix(), "absdiff", 0.0f));
  // A shift by (a - p, b - p): every output pixel is the input pixel it names, or 0 where that lies in the
  // padding; the number of zeros is exactly the rows and columns shifted out.
  for (std::size_t a = 0; a <= 2 * p; ++a)
    for (std::size_t b = 0; b <= 2 * p; ++b) {
      std::vector<CropFlip> draw(6, CropFlip{a, b, false});
      crop_and_flip(x, y, draw, p);
      BOOST_TEST(y.shape() == x.shape());
      const long da = static_cast<long>(a) - static_cast<long>(p), db = static_cast<long>(b) - static_cast<long>(p);
      const std::size_t inside = (5 - static_cast<std::size_t>(std::labs(da))) * (7 - static_cast<std::size_t>(std::labs(db)));
      BOOST_TEST(arma::accu(y.matrix().col(4) != 0.0f) == 3 * inside);
      for (long i = 0; i < 5; ++i)
        for (long j = 0; j < 7; ++j) {
          const long r = i + da, c = j + db;
          const float expected = r < 0 || r >= 5 || c < 0 || c >= 7 ? 0.0f : x.at(4, 2, static_cast<std::size_t>(r), static_cast<std::size_t>(c));
          BOOST_TEST(y.at(4, 2, static_cast<std::size_t>(i), static_cast<std::size_t>(j)) == expected);
        }
    }
  test::check_error<Error>([&] { crop_and_flip(x, y, std::vector<CropFlip>(6, CropFlip{2 * p + 1, 0, false}), p); }, {"outside [0, 4]"});
  test::check_error<Error>([&] { crop_and_flip(x, y, std::vector<CropFlip>(5), p); }, {"5 crops for a batch of 6"});
}

BOOST_AUTO_TEST_CASE(augmentation_layer_draws_from_the_seed) {
  Tensor<float> x(Shape{64, 3, 8, 8});
  Rng fill(4);
  fill.fill_uniform(x.matrix(), 0.1f, 1.0f);
  RandomCropFlip<float> layer(4, true);
  auto run = [&](std::uint64_t seed) {
    Rng rng(seed);
    Tensor<float> y;
    layer.forward(x, y, Context{true, &rng});
    return y;
  };
  const Tensor<float> a = run(1), b = run(1), c = run(2);
  BOOST_TEST(arma::approx_equal(a.matrix(), b.matrix(), "absdiff", 0.0f));   // one seed, one augmentation
  BOOST_TEST(!arma::approx_equal(a.matrix(), c.matrix(), "absdiff", 0.0f));
  // Over 64 samples both flips and several offsets occur, every offset within [0, 2p].
  std::size_t flips = 0;
  std::set<std::size_t> rows;
  for (const CropFlip& d : layer.draws()) {
    flips += d.flip;
    rows.insert(d.row_offset);
    BOOST_TEST(d.row_offset <= 8u);
    BOOST_TEST(d.column_offset <= 8u);
  }
  BOOST_TEST(flips > 10u);
  BOOST_TEST(flips < 54u);
  BOOST_TEST(rows.size() > 4u);
  // Eval mode: the images pass unchanged.
  Tensor<float> y;
  layer.forward(x, y, Context{});
  BOOST_TEST(arma::approx_equal(y.matrix(), x.matrix(), "absdiff", 0.0f));
  BOOST_TEST(layer.draws().empty());
}

BOOST_AUTO_TEST_CASE(save_and_load_reproduce_the_predictions) {
  register_cnn_layers();
  test::ScratchDir dir("cnn");
  Rng rng(2);
  Sequential<float> net;
  net.add<Conv2D<float>>(3, 4, 3, rng, 2, 1).add<AvgPool2D<float>>(2).add<Conv2D<float>>(4, 6, 2, rng).add<MaxPool2D<float>>(2, 1);
  net.add<Flatten<float>>().add<Dense<float>>(6, 5, rng);
  Tensor<float> x(Shape{4, 3, 14, 13});
  rng.fill_normal(x.matrix(), 0.0f, 1.0f);
  const Tensor<float> before = net.predict(x);
  save_model(dir.file("net.h5"), net);
  Sequential<float> loaded = load_model<float>(dir.file("net.h5"));
  BOOST_TEST(loaded.size() == net.size());
  BOOST_TEST(loaded.layer(0).kind() == "Conv2D");
  BOOST_TEST(loaded.layer(3).config().at("stride") == 1.0);
  BOOST_TEST(test::max_abs(loaded.predict(x).matrix() - before.matrix()) == 0.0f);
}

BOOST_AUTO_TEST_CASE(a_corrupt_layer_setting_is_refused) {
  register_cnn_layers();
  test::ScratchDir dir("cnn-bad");
  // A model file as save_model writes it, with a kernel size no layer can have.
  {
    H5Writer file(dir.file("net.h5"));
    file.set_attribute("/", "format", "lecon-sequential-1");
    file.set_attribute("/", "layers", 1.0);
    const std::string group = "/layers/000_Conv2D";
    file.set_attribute(group, "kind", "Conv2D");
    for (const char* key : {"channels", "filters", "stride"}) file.set_attribute(group, key, 1.0);
    file.set_attribute(group, "padding", 0.0);
    file.set_attribute(group, "kernel", -3.0);
    file.commit();
  }
  test::check_error<FileError>([&] { load_model<float>(dir.file("net.h5")); }, {"net.h5", "000_Conv2D", "'kernel' = -3"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cnn_training)

BOOST_AUTO_TEST_CASE(lenet_learns_mnist_far_above_chance) {
  const char* data_dir = std::getenv("LECON_DATA_DIR");
  BOOST_REQUIRE_MESSAGE(data_dir, "LECON_DATA_DIR is set by CTest");
  const DataSplit mnist = load_data(data_dir, "mnist");
  const Dataset train = mnist.train.subset(arma::regspace<arma::uvec>(0, 2999));
  const Dataset test = mnist.test.subset(arma::regspace<arma::uvec>(0, 999));
  Rng rng(1);
  Sequential<Real> model = lenet<Real>(1, 28, 28, 10, rng);
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(0.01, 0.9);
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(train.y, 10));
  const History h = fit(model, loss, sgd, train.x, y, FitOptions{2, 64}, rng);
  const double accuracy = arma::mean(arma::conv_to<arma::vec>::from(model.predict_classes(test.x) == test.y));
  BOOST_TEST_MESSAGE("LeNet, 3,000 MNIST images, two epochs: training loss " << h["loss"].back() << ", test accuracy " << accuracy);
  BOOST_TEST(accuracy > 0.85);  // chance is 0.1
}

BOOST_AUTO_TEST_CASE(lenet_trains_on_cifar10_binary_files) {
  // Stand-in data in the official CIFAR-10 binary layout (the real files cannot be fetched here): a
  // class is a bright band over noise. The directory stays for the lab's end-to-end test.
  const std::filesystem::path dir = std::filesystem::current_path() / "cifar-10-stand-in" / "cifar-10-batches-bin";
  std::filesystem::create_directories(dir);
  Rng rng(11);
  for (int b = 1; b <= 5; ++b) test::write_bytes((dir / ("data_batch_" + std::to_string(b) + ".bin")).string(), standin_cifar_records(100, rng));
  test::write_bytes((dir / "test_batch.bin").string(), standin_cifar_records(200, rng));
  test::write_text((dir / "STAND-IN.txt").string(), "Generated by tests/cnn: not CIFAR-10. Lab 09 labels every table it feeds as stand-in.\n");
  const DataSplit cifar = load_cifar10_dir(dir.string());
  BOOST_TEST(cifar.train.x.shape() == (Shape{500, 3, 32, 32}));
  Sequential<Real> model = lenet<Real>(3, 32, 32, 10, rng);
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(0.01, 0.9);
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(cifar.train.y, 10));
  fit(model, loss, sgd, cifar.train.x, y, FitOptions{4, 32}, rng);
  const double accuracy = arma::mean(arma::conv_to<arma::vec>::from(model.predict_classes(cifar.test.x) == cifar.test.y));
  BOOST_TEST_MESSAGE("LeNet on stand-in CIFAR-10 files: test accuracy " << accuracy);
  BOOST_TEST(accuracy > 0.5);
}

BOOST_AUTO_TEST_SUITE_END()
