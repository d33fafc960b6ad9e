// Your tests of Lion (exercise extend-lion): `make check EX=extend-lion` runs them with the project's checks.
#include <boost/test/unit_test.hpp>

#include "lion.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(my_lion)

// The first step from m = 0: c = (1 - β1) g, so every weight with g != 0 moves by exactly η against g.
BOOST_AUTO_TEST_CASE(first_step_moves_every_weight_by_eta) {
  Param<double> p{"w", arma::mat{{1.0, -2.0, 3.0}}, arma::mat{{0.5, -4.0, 1e-9}}};
  Lion<double> lion(0.01);
  lion.step({&p});
  BOOST_TEST(p.value(0, 0) == 1.0 - 0.01);
  BOOST_TEST(p.value(0, 1) == -2.0 + 0.01);
}

// TODO: your own cases, for example
//  - a zero gradient at the first step leaves the weight where it is (sign(0) = 0);
//  - with weight_decay λ = 0.1 and g = 0, a weight θ moves to θ - η λ θ;
//  - the second step: after g = +1 then g = -0.05, c = 0.9 · 0.01 + 0.1 · (-0.05) = 0.004 > 0, so the
//    weight still moves against the first gradient;
//  - Lion<double>(0.01, 1.0) is refused with an error that names Lion and beta_1.

BOOST_AUTO_TEST_SUITE_END()
