#include <boost/test/unit_test.hpp>

#include "lecon/core/tensor.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(tensor)

BOOST_AUTO_TEST_CASE(shape_reports_rank_sizes_and_text) {
  const Shape s{60000, 1, 28, 28};
  BOOST_TEST(s.rank() == 4u);
  BOOST_TEST(s.batch() == 60000u);
  BOOST_TEST(s.sample_size() == 784u);
  BOOST_TEST(s.size() == 60000u * 784u);
  BOOST_TEST(s.str() == "(60000, 1, 28, 28)");
  BOOST_TEST(s.sample_str() == "(1, 28, 28)");
  BOOST_TEST(Shape({5}).sample_size() == 1u);
  BOOST_TEST(Shape({5, 3}).str() == "(5, 3)");
  BOOST_TEST((s.with_batch(7) == Shape{7, 1, 28, 28}));
  BOOST_TEST((Shape{2, 3} != Shape{2, 3, 1}));  // rank is part of the shape
  test::check_error<Error>([] { Shape({1, 2, 3, 4, 5}); }, {"rank must be 1 to 4"});
}

BOOST_AUTO_TEST_CASE(new_tensor_is_zero_with_one_sample_per_column) {
  Tensor<float> t(Shape{3, 2, 4, 5});
  BOOST_TEST(t.matrix().n_rows == 40u);
  BOOST_TEST(t.matrix().n_cols == 3u);
  BOOST_TEST(arma::accu(arma::abs(t.matrix())) == 0.0f);
}

BOOST_AUTO_TEST_CASE(memory_is_c_order_nchw) {
  Tensor<double> t(Shape{2, 3, 4, 5});
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = double(i);
  // C order: ((n*C + c)*H + y)*W + x
  BOOST_TEST(t.at(1, 2, 3, 4) == double(((1 * 3 + 2) * 4 + 3) * 5 + 4));
  BOOST_TEST(t.at(0, 1, 0, 2) == double((1 * 4 + 0) * 5 + 2));
  BOOST_TEST(t.matrix()(7, 1) == double(60 + 7));
}

BOOST_AUTO_TEST_CASE(views_share_memory) {
  Tensor<float> t(Shape{2, 3, 4, 5});
  // channel(n, k): a zero-copy w x h matrix, i.e. the image transposed
  arma::Mat<float> image = t.channel(1, 2);
  BOOST_TEST(image.n_rows == 5u);
  BOOST_TEST(image.n_cols == 4u);
  image(4, 3) = 7.0f;  // x = 4, y = 3
  BOOST_TEST(t.at(1, 2, 3, 4) == 7.0f);
  t.sample(0)(0) = 3.0f;
  BOOST_TEST(t.at(0, 0, 0, 0) == 3.0f);
  Tensor<float> flat(Shape{2, 3});
  test::check_error<Error>([&] { flat.channel(0, 0); }, {"needs rank 4", "(2, 3)"});
}

// The layout a dense layer relies on (modules/backprop tests Dense itself): the batch matrix holds one sample
// per column, so one product W·X gives every sample's W·x at once.
BOOST_AUTO_TEST_CASE(one_gemm_on_the_batch_matrix_gives_every_samples_product) {
  arma::arma_rng::set_seed(3);  // test data only; library code uses lecon::Rng
  Tensor<double> x(Shape{6, 4});
  x.matrix().randu();
  const arma::mat W = arma::randu<arma::mat>(3, 4);
  const arma::vec b = arma::randu<arma::vec>(3);
  arma::mat Y = W * x.matrix();
  Y.each_col() += b;
  for (std::size_t i = 0; i < 6; ++i) {
    const arma::vec expected = W * arma::vec(x.sample(i)) + b;
    BOOST_TEST(arma::approx_equal(Y.col(i), expected, "absdiff", 1e-12));
  }
}

BOOST_AUTO_TEST_CASE(reshape_gather_and_cast) {
  Tensor<float> t(Shape{4, 1, 2, 2});
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = float(i);
  const Tensor<float> flat = t.reshaped(Shape{4, 4});
  BOOST_TEST(flat.shape().str() == "(4, 4)");
  BOOST_TEST(flat.at(2, 3) == 11.0f);
  Tensor<float> moved = std::move(t).reshaped(Shape{4, 2, 2});
  Tensor<float> big(Shape{8, 3, 5, 5});  // Armadillo keeps matrices of <= 16 elements inline; this one is on the heap
  const float* before = big.data();
  BOOST_TEST(std::move(big).reshaped(Shape{8, 75}).data() == before);  // an rvalue reshape moves, it does not copy
  test::check_error<Error>([&] { moved.reshaped(Shape{4, 5}); }, {"cannot view (4, 2, 2) as (4, 5)"});

  const Tensor<float> picked = moved.gather(arma::uvec{3, 0});
  BOOST_TEST(picked.shape().str() == "(2, 2, 2)");
  BOOST_TEST(picked.at(0, 0, 0) == 12.0f);
  BOOST_TEST(picked.at(1, 1, 1) == 3.0f);
  test::check_error<Error>([&] { moved.gather(arma::uvec{4}); }, {"index 4 out of range"});
  // gather_into: the same samples, into a buffer whose memory is reused when it has room
  Tensor<float> buffer;
  moved.gather_into(arma::uvec{3, 0}, buffer);
  BOOST_TEST((buffer.shape() == picked.shape()));
  BOOST_TEST(arma::approx_equal(buffer.matrix(), picked.matrix(), "absdiff", 0.0f));
  Tensor<float> wide(Shape{40, 2, 2});
  for (std::size_t i = 0; i < wide.size(); ++i) wide.data()[i] = float(i);
  wide.gather_into(arma::regspace<arma::uvec>(39, 20), buffer);  // 20 samples, on the heap
  const float* memory = buffer.data();
  wide.gather_into(arma::regspace<arma::uvec>(0, 19), buffer);
  BOOST_TEST(buffer.data() == memory);
  BOOST_TEST(buffer.at(19, 1, 1) == 79.0f);
  BOOST_TEST(buffer.shape().str() == "(20, 2, 2)");
  test::check_error<Error>([&] { moved.gather_into(arma::uvec{4}, buffer); }, {"index 4 out of range"});

  const Tensor<double> d = picked.cast<double>();
  BOOST_TEST(d.at(0, 1, 1) == 15.0);
  BOOST_TEST((d.shape() == picked.shape()));
}

BOOST_AUTO_TEST_CASE(matrix_must_fit_the_shape) {
  test::check_error<Error>([] { Tensor<float>(Shape{3, 4}, arma::Mat<float>(4, 2)); }, {"does not hold shape (3, 4)"});
  const Tensor<float> t = Tensor<float>::from_columns(arma::Mat<float>(5, 7));
  BOOST_TEST(t.shape().str() == "(7, 5)");
}

BOOST_AUTO_TEST_SUITE_END()
