// Tests of Lion written for exercise extend-lion (the skeleton's TODO filled in).
#include <boost/test/unit_test.hpp>

#include "lion.hpp"
#include "test_util.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(my_lion)

BOOST_AUTO_TEST_CASE(first_step_moves_every_weight_by_eta) {
  Param<double> p{"w", arma::mat{{1.0, -2.0, 3.0}}, arma::mat{{0.5, -4.0, 1e-9}}};
  Lion<double> lion(0.01);
  lion.step({&p});
  BOOST_TEST(p.value(0, 0) == 1.0 - 0.01);
  BOOST_TEST(p.value(0, 1) == -2.0 + 0.01);
  BOOST_TEST(p.value(0, 2) == 3.0 - 0.01);
}

BOOST_AUTO_TEST_CASE(zero_gradient_and_decay) {
  Param<double> p{"w", arma::mat(1, 1, arma::fill::value(2.0)), arma::mat(1, 1, arma::fill::value(0.0))};
  Lion<double> plain(0.01);
  plain.step({&p});
  BOOST_TEST(p.value(0, 0) == 2.0);
  Lion<double> decayed(0.01, 0.9, 0.99, 0.1);
  decayed.step({&p});
  BOOST_TEST(std::abs(p.value(0, 0) - (2.0 - 0.01 * 0.1 * 2.0)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(second_step_interpolates_momentum_and_gradient) {
  Param<double> p{"w", arma::mat(1, 1, arma::fill::value(0.0)), arma::mat(1, 1, arma::fill::value(1.0))};
  Lion<double> lion(0.01);
  lion.step({&p});
  p.grad(0, 0) = -0.05;  // c = 0.9 · 0.01 + 0.1 · (-0.05) = 0.004 > 0
  lion.step({&p});
  BOOST_TEST(std::abs(p.value(0, 0) + 0.02) < 1e-15);
}

BOOST_AUTO_TEST_CASE(bad_betas_are_refused) {
  test::check_error<OptionError>([] { Lion<double>(0.01, 1.0); }, {"Lion", "beta_1"});
}

BOOST_AUTO_TEST_SUITE_END()
