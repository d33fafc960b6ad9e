#pragma once
// The gradient-check assertion shared by the suites of every module with layers (backprop, cnn, ...).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "lecon/backprop/gradient_check.hpp"

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

}  // namespace lecon::test
