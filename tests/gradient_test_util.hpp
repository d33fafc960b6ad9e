#pragma once
// The gradient-check assertion shared by the suites of every module with layers (backprop, cnn, ...).
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/sequential.hpp"
#include "worse.hpp"

namespace lecon::test {

constexpr double kGradientTolerance = 1e-6;  // a correct double backward sits near 1e-8

// Every checked gradient (input and each parameter) within kGradientTolerance, and none empty.
inline void require_checks(const std::vector<GradientCheck>& checks, const std::string& layer) {
  for (const GradientCheck& c : checks) {
    BOOST_TEST_MESSAGE(layer << " " << c.what << ": max relative error " << c.max_relative_error);
    BOOST_TEST(c.max_relative_error < kGradientTolerance,
               layer << " " << c.what << ": gradient check max relative error " << c.max_relative_error << " (tolerance " << kGradientTolerance << ")");
    BOOST_TEST(c.entries > 0u);
  }
}

// Central differences of loss(model(x), t) over every parameter of a whole model, against Sequential::backward
// (check_layer_gradients checks one layer). A model that draws random numbers (Corruption, Dropout) sees the
// same ones in every evaluation.
inline std::vector<GradientCheck> check_model_gradients(Sequential<double>& model, const Loss<double>& loss, const Tensor<double>& x,
                                                        const Tensor<double>& t, double h = 1e-5) {
  auto objective = [&]() {
    Rng fixed(99);
    return loss.value(model.forward(x, Context{true, &fixed}), t);
  };
  {
    Rng fixed(99);
    Tensor<double> dy;
    loss.gradient(model.forward(x, Context{true, &fixed}), t, dy);
    model.backward(dy);
  }
  std::vector<GradientCheck> results;
  for (Param<double>* p : model.params()) {
    const arma::mat analytic = p->grad;
    GradientCheck check{p->name, 0, p->value.n_elem};
    for (arma::uword i = 0; i < p->value.n_elem; ++i) {
      const double saved = p->value(i);
      p->value(i) = saved + h;
      const double plus = objective();
      p->value(i) = saved - h;
      const double minus = objective();
      p->value(i) = saved;
      const double numeric = (plus - minus) / (2 * h);
      const double error = std::abs(analytic(i) - numeric) / std::max(std::abs(analytic(i)) + std::abs(numeric), 1e-8);
      check.max_relative_error = worse(check.max_relative_error, error);
    }
    results.push_back(check);
  }
  return results;
}

}  // namespace lecon::test
