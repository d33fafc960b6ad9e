// The project's checks of exercise extend-swish (docs/exercises.md): they test the student's swish.hpp
// through the public interfaces only, as any layer of lecon is tested.
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "gradient_test_util.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/sequential.hpp"
#include "swish.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(extend_swish)

// y = x σ(x) against the formula at points from -30 to 30, and finite far out.
BOOST_AUTO_TEST_CASE(forward_is_x_times_sigmoid_x) {
  Swish<double> swish;
  const arma::mat a = arma::linspace<arma::rowvec>(-30, 30, 121);
  Tensor<double> x = Tensor<double>::from_columns(a), y;
  swish.forward(x, y, Context{});
  BOOST_REQUIRE(y.shape() == x.shape());
  double worst = 0;
  for (arma::uword i = 0; i < a.n_elem; ++i) worst = std::max(worst, std::abs(y.matrix()(0, i) - a(0, i) / (1 + std::exp(-a(0, i)))));
  BOOST_TEST(worst < 1e-14, "max |y - x σ(x)| = " << worst << " (expected < 1e-14)");
  Tensor<double> far = Tensor<double>::from_columns(arma::mat{{-800.0, 800.0}}), y_far;
  swish.forward(far, y_far, Context{});
  BOOST_TEST(y_far.matrix().is_finite(), "Swish(±800) = " << y_far.matrix()(0, 0) << ", " << y_far.matrix()(0, 1));
  BOOST_TEST(y_far.matrix()(0, 1) == 800.0);
}

// Every layer of lecon passes a finite-difference gradient check in double precision.
BOOST_AUTO_TEST_CASE(backward_passes_the_gradient_check) {
  Rng rng(11);
  Swish<double> swish;
  test::require_checks(check_layer_gradients(swish, Shape{6, 5}, rng), "Swish");
  test::require_checks(check_layer_gradients(swish, Shape{4, 2, 3, 3}, rng), "Swish on images");
}

// A model with a Swish layer is saved and rebuilt by load_model, and predicts the same.
BOOST_AUTO_TEST_CASE(a_model_with_swish_saves_and_loads) {
  test::ScratchDir dir("swish");
  register_swish_layer();
  Rng rng(3);
  Sequential<double> model;
  model.add<Dense<double>>(3, 5, rng).add<Swish<double>>().add<Dense<double>>(5, 2, rng);
  save_model(dir.file("swish.h5"), model);
  Sequential<double> back = load_model<double>(dir.file("swish.h5"));
  BOOST_REQUIRE(back.size() == 3u);
  BOOST_TEST(back.layer(1).kind() == "Swish");
  arma::mat inputs(3, 7);
  rng.fill_normal(inputs, 0.0, 1.0);
  const Tensor<double> x = Tensor<double>::from_columns(inputs);
  BOOST_TEST(arma::approx_equal(model.predict(x).matrix(), back.predict(x).matrix(), "absdiff", 0.0));
}

BOOST_AUTO_TEST_SUITE_END()
