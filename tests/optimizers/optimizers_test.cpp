#include <boost/test/unit_test.hpp>

#include "lecon/optimizers/rmsprop.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {

Param<double> param(double value, double grad) {
  return Param<double>{"w", arma::mat(1, 1, arma::fill::value(value)), arma::mat(1, 1, arma::fill::value(grad)), true};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optimizers)

BOOST_AUTO_TEST_CASE(sgd_and_momentum_follow_their_equations) {
  Param<double> p = param(1.0, 2.0);
  SGD<double> plain(0.1);
  plain.step({&p});
  BOOST_TEST(std::abs(p.value(0) - 0.8) < 1e-15);
  Param<double> q = param(1.0, 2.0);
  SGD<double> momentum(0.1, 0.9);
  momentum.step({&q});  // v = -0.2
  momentum.step({&q});  // v = 0.9 * -0.2 - 0.2 = -0.38
  BOOST_TEST(std::abs(q.value(0) - (1.0 - 0.2 - 0.38)) < 1e-15);
  Param<double> r = param(1.0, 2.0);
  SGD<double> nesterov(0.1, 0.9, true);
  nesterov.step({&r});  // v = -0.2; θ += 0.9 * -0.2 - 0.2
  BOOST_TEST(std::abs(r.value(0) - (1.0 - 0.38)) < 1e-15);
  test::check_error<OptionError>([] { SGD<double>(-1.0); }, {"learning rate must be positive"});
  test::check_error<OptionError>([] { SGD<double>(0.1, 1.0); }, {"momentum must be in [0, 1)"});
}

BOOST_AUTO_TEST_CASE(rmsprop_follows_its_equations) {
  Param<double> p = param(1.0, 2.0);
  RMSprop<double> rms(0.01, 0.9, 1e-7);
  rms.step({&p});  // r = 0.1 * 4 = 0.4
  BOOST_TEST(std::abs(p.value(0) - (1.0 - 0.01 * 2.0 / (std::sqrt(0.4) + 1e-7))) < 1e-15);
  p.grad(0) = -1.0;
  rms.step({&p});  // r = 0.9 * 0.4 + 0.1 * 1
  BOOST_TEST(std::abs(p.value(0) - (1.0 - 0.01 * 2.0 / (std::sqrt(0.4) + 1e-7) + 0.01 / (std::sqrt(0.46) + 1e-7))) < 1e-15);
}

BOOST_AUTO_TEST_SUITE_END()
