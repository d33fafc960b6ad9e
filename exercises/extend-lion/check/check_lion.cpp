// The project's checks of exercise extend-lion (docs/exercises.md): they test the student's lion.hpp
// through the public Optimizer interface only, against Algorithm 2 of Chen et al. 2023 written out here.
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "lecon/core/hdf5_io.hpp"
#include "lion.hpp"
#include "test_util.hpp"

using namespace lecon;

namespace {
// Algorithm 2 on one weight, step by step: the reference the student's Lion must follow.
struct LionByHand {
  double eta, b1, b2, lambda, theta, m = 0;
  void step(double g) {
    const double c = b1 * m + (1 - b1) * g;
    theta -= eta * ((c > 0 ? 1.0 : c < 0 ? -1.0 : 0.0) + lambda * theta);
    m = b2 * m + (1 - b2) * g;
  }
};
// Gradients of f(θ) = Σ_k a_k (θ_k - 1)² / 2 plus a seeded wobble, so that the sign of c changes along the way.
double gradient(double a, double theta, std::size_t t) { return a * (theta - 1.0) + 0.3 * std::sin(1.7 * static_cast<double>(t) + a); }
}  // namespace

BOOST_AUTO_TEST_SUITE(extend_lion)

// 40 steps on five weights, two settings (without and with decay), against Algorithm 2 written out above.
BOOST_AUTO_TEST_CASE(follows_algorithm_2_for_40_steps) {
  for (double lambda : {0.0, 0.3}) {
    const arma::rowvec a = {0.5, 1.0, 2.0, 4.0, 8.0};
    Param<double> p{"w", arma::mat{{0.2, -0.7, 1.5, 3.0, -2.0}}, arma::mat(1, 5)};
    std::vector<LionByHand> hand;
    for (arma::uword k = 0; k < 5; ++k) hand.push_back({0.05, 0.9, 0.99, lambda, p.value(0, k)});
    Lion<double> lion(0.05, 0.9, 0.99, lambda);
    for (std::size_t t = 1; t <= 40; ++t) {
      for (arma::uword k = 0; k < 5; ++k) {
        p.grad(0, k) = gradient(a[k], p.value(0, k), t);
        hand[k].step(gradient(a[k], hand[k].theta, t));
      }
      lion.step({&p});
      for (arma::uword k = 0; k < 5; ++k)
        BOOST_REQUIRE_MESSAGE(std::abs(p.value(0, k) - hand[k].theta) < 1e-12,
                              "λ = " << lambda << ", step " << t << ", weight " << k << ": θ = " << p.value(0, k)
                                     << ", Algorithm 2 gives " << hand[k].theta);
    }
  }
}

// The same in float, and several parameters of several shapes in one step.
BOOST_AUTO_TEST_CASE(float_and_several_parameters) {
  Param<float> w{"W", arma::fmat(3, 4, arma::fill::value(1.0f)), arma::fmat(3, 4, arma::fill::value(-2.0f))};
  Param<float> b{"b", arma::fmat(3, 1, arma::fill::zeros), arma::fmat(3, 1, arma::fill::value(0.5f))};
  Lion<float> lion(0.125f);
  lion.step({&w, &b});
  BOOST_TEST(arma::all(arma::vectorise(w.value) == 1.125f), "W after one step: " << w.value(0, 0) << ", expected 1.125");
  BOOST_TEST(arma::all(arma::vectorise(b.value) == -0.125f), "b after one step: " << b.value(0, 0) << ", expected -0.125");
}

// Its state is saved and loaded like every optimizer's: a resumed Lion continues the same trajectory.
BOOST_AUTO_TEST_CASE(state_saves_and_resumes_exactly) {
  test::ScratchDir dir("lion");
  Param<double> p{"w", arma::mat{{0.3, -1.2}}, arma::mat(1, 2)};
  Lion<double> lion(0.05, 0.9, 0.99, 0.1);
  for (std::size_t t = 1; t <= 5; ++t) {
    p.grad = arma::mat{{std::sin(1.0 * t), std::cos(2.0 * t)}};
    lion.step({&p});
  }
  {
    H5Writer file(dir.file("lion.h5"));
    lion.save_state(file, "/optimizer");
    file.commit();
  }
  Lion<double> resumed(0.05, 0.9, 0.99, 0.1);
  resumed.load_state(H5Reader(dir.file("lion.h5")), "/optimizer");
  Param<double> q = p;
  for (std::size_t t = 6; t <= 10; ++t) {
    p.grad = q.grad = arma::mat{{std::sin(1.0 * t), std::cos(2.0 * t)}};
    lion.step({&p});
    resumed.step({&q});
  }
  BOOST_TEST(arma::approx_equal(p.value, q.value, "absdiff", 0.0), "resumed θ = " << q.value(0, 0) << ", " << q.value(0, 1)
                                                                    << "; in one piece " << p.value(0, 0) << ", " << p.value(0, 1));
  BOOST_TEST(resumed.iterations() == 10u);
}

BOOST_AUTO_TEST_CASE(bad_hyper_parameters_name_lion) {
  test::check_error<OptionError>([] { Lion<double>(0.01, 1.0); }, {"Lion", "beta_1"});
  test::check_error<OptionError>([] { Lion<double>(0.01, 0.9, -0.1); }, {"Lion", "beta_2"});
  test::check_error<OptionError>([] { Lion<double>(0.01, 0.9, 0.99, -1.0); }, {"Lion", "weight_decay"});
}

BOOST_AUTO_TEST_SUITE_END()
