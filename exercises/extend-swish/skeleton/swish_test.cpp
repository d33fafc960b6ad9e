// Your tests of Swish (exercise extend-swish): `make check EX=extend-swish` runs them with the project's checks.
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "swish.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(my_swish)

BOOST_AUTO_TEST_CASE(value_at_zero_is_zero) {
  Swish<double> swish;
  Tensor<double> x = Tensor<double>::from_columns(arma::mat(1, 1, arma::fill::value(0.0)));
  Tensor<double> y;
  swish.forward(x, y, Context{});
  BOOST_TEST(y.matrix()(0, 0) == 0.0);
}

// TODO: your own cases, for example
//  - the value at 1 is σ(1) = 0.7310585786300049 (1 · σ(1)), at -1 it is -σ(-1);
//  - the minimum of Swish is about -0.2785 near x = -1.2785: the derivative changes sign there;
//  - a large negative input (-800) gives -0, not NaN.

BOOST_AUTO_TEST_SUITE_END()
