// lecon/core/fast_math.hpp: the float exp, σ and tanh of the vectorised element-wise passes, against libm in
// double.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "lecon/core/fast_math.hpp"
#include "worse.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(fast_math)

BOOST_AUTO_TEST_CASE(exp_poly_is_exp_to_float_rounding_and_clamps) {
  double worst = 0;
  for (float x = -87.0f; x <= 88.0f; x += 0.01f) {
    const double exact = std::exp(static_cast<double>(x));
    const double error = std::abs(static_cast<double>(exp_poly(x)) - exact) / exact;
    worst = test::worse(worst, error);
  }
  BOOST_TEST_MESSAGE("exp_poly over [-87, 88]: max relative error " << worst);
  BOOST_TEST(worst < 3e-7);  // about 2e-7: the rounding of a float
  BOOST_TEST(exp_poly(-1000.0f) == exp_poly(-87.0f));  // clamped: a normal float, never a subnormal or 0
  BOOST_TEST(std::isnormal(exp_poly(-1000.0f)));
  BOOST_TEST(exp_poly(1000.0f) == exp_poly(88.0f));
  BOOST_TEST(std::isfinite(exp_poly(std::numeric_limits<float>::infinity())));
}

BOOST_AUTO_TEST_CASE(nan_in_gives_nan_out) {
  // A NaN must not turn into a number (that would hide it), and the integer part is taken without converting
  // NaN to int (undefined behaviour; -fsanitize=float-cast-overflow reported it before).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  BOOST_TEST(std::isnan(exp_poly(nan)));
  BOOST_TEST(std::isnan(sigmoid_poly(nan)));
  BOOST_TEST(std::isnan(tanh_poly(nan)));
}

BOOST_AUTO_TEST_CASE(sigmoid_and_tanh_follow_their_definitions) {
  double worst_sigmoid = 0, worst_tanh = 0;
  for (float a = -20.0f; a <= 20.0f; a += 0.01f) {
    const double s = 1.0 / (1.0 + std::exp(-static_cast<double>(a)));
    worst_sigmoid = test::worse(worst_sigmoid, std::abs(static_cast<double>(sigmoid_poly(a)) - s) / s);
    worst_tanh = test::worse(worst_tanh, std::abs(static_cast<double>(tanh_poly(a)) - std::tanh(static_cast<double>(a))));
  }
  BOOST_TEST(worst_sigmoid < 5e-7);
  BOOST_TEST(worst_tanh < 5e-7);
  BOOST_TEST(sigmoid_poly(0.0f) == 0.5f);
  BOOST_TEST(tanh_poly(40.0f) == 1.0f);
  BOOST_TEST(tanh_poly(-40.0f) == -1.0f);
}

BOOST_AUTO_TEST_SUITE_END()
