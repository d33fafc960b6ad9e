// Tests of Swish written for exercise extend-swish (the skeleton's TODO filled in).
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "swish.hpp"

using namespace lecon;

namespace {
double swish_at(double a) {
  Swish<double> swish;
  Tensor<double> x = Tensor<double>::from_columns(arma::mat(1, 1, arma::fill::value(a)));
  Tensor<double> y;
  swish.forward(x, y, Context{});
  return y.matrix()(0, 0);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(my_swish)

BOOST_AUTO_TEST_CASE(value_at_zero_is_zero) { BOOST_TEST(swish_at(0.0) == 0.0); }

BOOST_AUTO_TEST_CASE(values_at_one_and_minus_one) {
  BOOST_TEST(std::abs(swish_at(1.0) - 0.7310585786300049) < 1e-15);
  BOOST_TEST(std::abs(swish_at(-1.0) + 0.2689414213699951) < 1e-15);
}

BOOST_AUTO_TEST_CASE(minimum_near_minus_1_2785) {
  BOOST_TEST(swish_at(-1.2785) < swish_at(-1.2));
  BOOST_TEST(swish_at(-1.2785) < swish_at(-1.35));
  BOOST_TEST(std::abs(swish_at(-1.2785) + 0.2785) < 1e-3);
}

BOOST_AUTO_TEST_CASE(large_inputs_are_finite) {
  BOOST_TEST(swish_at(-800.0) == 0.0);
  BOOST_TEST(swish_at(800.0) == 800.0);
}

BOOST_AUTO_TEST_SUITE_END()
