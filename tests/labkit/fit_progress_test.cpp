#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <iostream>
#include <sstream>

#include "lecon/backprop/dense.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/optimizers/sgd.hpp"

using namespace lecon;

BOOST_AUTO_TEST_SUITE(fit_progress)

namespace {

// Trains a 2 -> 1 linear model on 10 samples in batches of 4 (3 batches per epoch) for 3 epochs with a
// FitProgress; returns what it wrote on stderr.
std::string train_with_progress(FitProgress<float>::Bars bars, double validation_split = 0.0) {
  Rng rng(1);
  Sequential<float> model;
  model.add<Dense<float>>(2, 1, rng);
  Tensor<float> x(Shape{10, 2}), y(Shape{10, 1});
  rng.fill_normal(x.matrix(), 0.0f, 1.0f);
  rng.fill_normal(y.matrix(), 0.0f, 1.0f);
  MeanSquaredError<float> loss;
  SGD<float> sgd(0.01);
  FitOptions options{3, 4, validation_split};
  options.accuracy = false;
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  {
    FitProgress<float> progress("net", options, x.batch(), bars);
    fit(model, loss, sgd, x, y, options, rng, {&progress});
  }
  std::cerr.rdbuf(old);
  return err.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_line_per_run_in_a_log) {
  BOOST_REQUIRE_MESSAGE(!Progress::stderr_is_terminal(), "run under CTest, stderr is not a terminal");
  const std::string text = train_with_progress(FitProgress<float>::Bars::per_run);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 1, text);
  BOOST_TEST(text.find("net 9/9 batch, ") == 0u, text);  // every batch of every epoch counted
  BOOST_TEST(text.find(", epoch 3/3, loss ") != std::string::npos, text);
  // Half the samples for validation: 5 train, 2 batches per epoch.
  BOOST_TEST(train_with_progress(FitProgress<float>::Bars::per_run, 0.5).find("net 6/6 batch, ") == 0u);
}

BOOST_AUTO_TEST_CASE(one_line_per_epoch_when_asked) {
  const std::string text = train_with_progress(FitProgress<float>::Bars::per_epoch);
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 3, text);
  for (const char* epoch : {"net, epoch 1/3 3/3 batch, ", "\nnet, epoch 2/3 3/3 batch, ", "\nnet, epoch 3/3 3/3 batch, "})
    BOOST_TEST(text.find(epoch) != std::string::npos, epoch << " in " << text);
  BOOST_TEST(text.find(", loss ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
