// A multi-layer perceptron on two interleaved half-moons, written against the installed lecon package:
// train, save the model with its input pipeline, load it back and predict from raw data alone.
// Exit code 0 when the model learned the moons and the loaded model predicts exactly what the trained one
// did; 1 otherwise. (docs/library.md quotes this file.)
#include <cmath>
#include <cstdio>
#include <string>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/pipeline.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/optimizers/adam.hpp"

int main(int argc, char** argv) {
  using namespace lecon;
  const std::string path = argc > 1 ? argv[1] : "two_moons.h5";

  // 400 raw points (d = 2, one per column), far from zero mean and unit variance: the pipeline's job.
  Rng rng(42);
  const std::size_t n = 400;
  arma::Mat<Real> raw(2, n);
  arma::uvec labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double angle = 3.14159265358979 * rng.uniform();
    const bool upper = i % 2 == 0;
    raw(0, i) = static_cast<Real>(100 + 20 * (upper ? std::cos(angle) : 1 - std::cos(angle)) + 2 * rng.normal());
    raw(1, i) = static_cast<Real>(50 + 20 * (upper ? std::sin(angle) : 0.5 - std::sin(angle)) + 2 * rng.normal());
    labels[i] = upper ? 0 : 1;
  }

  // The input pipeline: standardisation fitted on the training data, the names of inputs and classes.
  Pipeline pipeline;
  pipeline.task = "classification";
  pipeline.scaling = Pipeline::Scaling::standardize;
  pipeline.standardizer.fit(raw);
  pipeline.feature_names = {"x", "y"};
  pipeline.target = "moon";
  pipeline.class_names = {"upper", "lower"};
  arma::Mat<Real> inputs = raw;
  pipeline.apply(inputs);
  const Tensor<Real> x(Shape{n, 2}, inputs);
  const Tensor<Real> t(Shape{n, 2}, one_hot<Real>(labels, 2));

  // Dense 2 -> 32, tanh, Dense 32 -> 2 (logits), trained with softmax cross-entropy and Adam.
  Sequential<Real> model;
  model.add<Dense<Real>>(2, 32, rng).add<ActivationLayer<Real>>(Activation::tanh).add<Dense<Real>>(32, 2, rng);
  SoftmaxCrossEntropy<Real> loss;
  Adam<Real> adam(0.01);
  FitOptions options;
  options.epochs = 200;
  options.batch_size = 32;
  fit(model, loss, adam, x, t, options, rng);
  const double accuracy = lecon::accuracy(model.predict(x).matrix(), t.matrix());
  std::fputs(model.summary(x.shape()).c_str(), stdout);

  // Saved with its pipeline, loaded into a new model: raw data in, the same outputs bit for bit.
  save_model(path, model, &pipeline);
  Sequential<Real> loaded = load_model<Real>(path);
  const Pipeline loaded_pipeline = load_pipeline(path);
  arma::Mat<Real> again = raw;
  loaded_pipeline.apply(again);
  const arma::Mat<Real> before = model.predict(x).matrix();
  const arma::Mat<Real> after = loaded.predict(Tensor<Real>(Shape{n, 2}, again)).matrix();
  const bool same = arma::approx_equal(before, after, "absdiff", Real(0));
  std::printf("training accuracy %.3f; reloaded predictions %s\n", accuracy, same ? "identical" : "DIFFERENT");
  return accuracy >= 0.95 && same ? 0 : 1;
}
