// Lab 06: regularisation. An over-parameterised MLP (784-512-512-10, 670k weights) on only 1,000 MNIST
// images overfits; L2, L1, dropout, early stopping and all of them together each narrow the gap
// between training and test error. Curves of both errors per epoch, a table of test error and of
// weights that are exactly zero, and histograms of the first layer's weights under L1 and L2.
#include <iostream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/dropout.hpp"
#include "lecon/regularisation/early_stopping.hpp"
#include "lecon/regularisation/l1.hpp"
#include "lecon/regularisation/weight_decay.hpp"

namespace {

using namespace lecon;

constexpr double kLearningRate = 0.05, kMomentum = 0.9;

struct Config {
  std::string name;
  bool l2 = false, l1 = false, dropout = false, early_stopping = false;
};

// Training and test error (%) after every epoch, in eval mode.
struct ErrorCurves : TrainingObserver<Real> {
  ErrorCurves(Sequential<Real>& m, const Tensor<Real>& x, const Tensor<Real>& y, const Tensor<Real>& xt, const Tensor<Real>& yt)
      : model(m), x_train(x), y_train(y), x_test(xt), y_test(yt) {}
  bool on_epoch_end(std::size_t, const History&) override {
    train.push_back(100 * (1 - accuracy(model.predict(x_train).matrix(), y_train.matrix())));
    test.push_back(100 * (1 - accuracy(model.predict(x_test).matrix(), y_test.matrix())));
    return false;
  }
  Sequential<Real>& model;
  const Tensor<Real>&x_train, &y_train, &x_test, &y_test;
  std::vector<double> train, test;
};

Series histogram(const std::string& name, const arma::Mat<Real>& weights) {
  const arma::vec edges = arma::linspace(-0.1, 0.1, 81);
  const arma::vec values = arma::conv_to<arma::vec>::from(arma::vectorise(weights));
  const arma::uvec counts = arma::hist(values, arma::vec((edges.head(80) + edges.tail(80)) / 2));
  Series s{name, {}, {}, "histeps"};
  for (arma::uword i = 0; i < counts.n_elem; ++i) {
    s.x.push_back((edges[i] + edges[i + 1]) / 2);
    s.y.push_back(std::max<double>(counts[i], 0.5));  // log scale: show empty bins at 0.5
  }
  return s;
}

void run(const LabContext& ctx) {
  const double kL2 = ctx.options["l2"].as<double>(), kL1 = ctx.options["l1"].as<double>(), kDropout = ctx.options["dropout"].as<double>();
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const std::size_t epochs = static_cast<std::size_t>(ctx.epochs_or(60, 200));
  // Images 0-999 train; 1000-1999 are the validation set that early stopping watches.
  const Dataset pool = mnist.train.subset(arma::regspace<arma::uvec>(0, 1999));
  const Tensor<Real> x_pool = pool.x.reshaped(Shape{2000, 784});
  const Tensor<Real> y_pool = Tensor<Real>::from_columns(one_hot<Real>(pool.y, 10));
  const Tensor<Real> x_train = x_pool.gather(arma::regspace<arma::uvec>(0, 999));
  const Tensor<Real> y_train = y_pool.gather(arma::regspace<arma::uvec>(0, 999));
  const Tensor<Real> x_test = mnist.test.x.reshaped(Shape{mnist.test.size(), 784});
  const Tensor<Real> y_test = Tensor<Real>::from_columns(one_hot<Real>(mnist.test.y, 10));

  const std::vector<Config> configs = {{"none"},
                                       {"L2", true},
                                       {"L1 (proximal)", false, true},
                                       {"dropout", false, false, true},
                                       {"early stopping", false, false, false, true},
                                       {"all together", true, true, true, true}};
  Table table("Regularisation: MLP 784-512-512-10 ReLU on 1,000 MNIST images, SGD lr 0.05 momentum 0.9, batch 32, up to " +
                  std::to_string(epochs) + " epochs",
              {"regulariser", "train error %", "test error %", "gap", "test loss", "epochs", "zero weights", "of weights %", "lecture"});
  Plot test_plot, train_plot, hist;
  test_plot.title = "test error per epoch (10,000 MNIST test images)";
  train_plot.title = "training error per epoch (the 1,000 training images)";
  test_plot.xlabel = train_plot.xlabel = "epoch";
  test_plot.ylabel = train_plot.ylabel = "error %";
  test_plot.integer_x = train_plot.integer_x = true;
  test_plot.key = train_plot.key = KeyPlace::top_right;  // errors fall within a few epochs: the top right stays free
  hist.title = "first-layer weights: L1 drives them to exactly 0, L2 only shrinks them";
  hist.xlabel = "weight";
  hist.ylabel = "count (log scale)";
  hist.log_y = true;
  hist.key = KeyPlace::top_right;  // the weights crowd around 0: the tails leave the top corners free
  SoftmaxCrossEntropy<Real> loss;
  for (const Config& config : configs) {
    Rng rng(ctx.seed);  // the same start for every regulariser
    Sequential<Real> model;
    model.add<Dense<Real>>(784, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
    if (config.dropout) model.add<Dropout<Real>>(kDropout);
    model.add<Dense<Real>>(512, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
    if (config.dropout) model.add<Dropout<Real>>(kDropout);
    model.add<Dense<Real>>(512, 10, rng);
    SGD<Real> sgd(kLearningRate, kMomentum);
    L2Penalty<Real> l2(kL2);
    L1Proximal<Real> l1(kL1, sgd);
    EarlyStopping<Real> stop(model, "val_loss", 10, 1e-4, true);
    ErrorCurves curves(model, x_train, y_train, x_test, y_test);
    FitOptions options{epochs, 32};
    // With early stopping the validation images join the data as its last half (keras' validation_split).
    if (config.early_stopping) options.validation_split = 0.5;
    FitProgress<Real> progress(config.name, options, config.early_stopping ? x_pool.batch() : x_train.batch());
    std::vector<TrainingObserver<Real>*> observers = {&progress, &curves};
    if (config.l2) observers.push_back(&l2);
    if (config.l1) observers.push_back(&l1);
    if (config.early_stopping) observers.push_back(&stop);
    const History h = config.early_stopping ? fit(model, loss, sgd, x_pool, y_pool, options, rng, observers)
                                            : fit(model, loss, sgd, x_train, y_train, options, rng, observers);
    const double train_error = 100 * (1 - evaluate(model, loss, x_train, y_train).accuracy);
    const Evaluation test = evaluate(model, loss, x_test, y_test);
    const double test_error = 100 * (1 - test.accuracy);
    const std::size_t zeros = count_zero_weights(model.params());
    std::size_t weights = 0;
    for (Param<Real>* p : model.params())
      if (p->decay) weights += p->value.n_elem;
    std::string ran = std::to_string(h["loss"].size());
    if (config.early_stopping) ran += " (best " + std::to_string(stop.best_epoch() + 1) + ")";
    const char* lecture = config.name == "none" ? "overfits" : "less overfitting";
    table.add_row({config.name, fixed(train_error, 2), fixed(test_error, 2), fixed(test_error - train_error, 2), fixed(test.loss, 3), ran,
                   std::to_string(zeros), fixed(100.0 * zeros / weights, 1), lecture});
    test_plot.add(per_epoch(config.name, curves.test, "lines"));
    train_plot.add(per_epoch(config.name, curves.train, "lines"));
    if (config.name == "L2" || config.name == "L1 (proximal)" || config.name == "none")
      hist.add(histogram(config.name, model.params()[0]->value));
    std::cout << config.name << ": test error " << fixed(test_error, 2) << "%\n";
  }
  table.add_note("L2: penalty λ = " + fixed(kL2, 4) + " on the gradient; L1: proximal soft-thresholding, λ = " + fixed(kL1, 4) +
                 "; dropout p = " + fixed(kDropout, 2) + " after each hidden layer; early stopping: patience 10 on the loss of 1,000 further training"
                 " images, best weights restored; all together: the four at once");
  table.add_note("the slide writes L2 as α Σ w² (gradient 2αw); lecon's λ is the gradient's factor (λ/2 Σ w²), so λ = 2α: λ = " + fixed(kL2, 4) +
                 " is the slide's α = " + fixed(kL2 / 2, 4) + ". The slide's mini-batch step sums the batch's gradients; lecon's losses average"
                 " them (docs/regularisation.md)");
  table.add_note("lecture column: the slides' qualitative claims; they give no figures for this set-up. Overfitting shows most in the"
                 " test loss (cross-entropy of an over-confident network); errors and curves are measured in eval mode (no dropout)");
  table.print(std::cout);
  table.save(ctx.out_path("summary"));
  test_plot.save(ctx.out_path("test_error"));
  train_plot.save(ctx.out_path("train_error"));
  hist.save(ctx.out_path("weight_histogram"));
  std::cout << "plots: " << ctx.out_path("test_error.png") << ", " << ctx.out_path("train_error.png") << ", "
            << ctx.out_path("weight_histogram.png") << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("06_regularisation", "L2, L1, dropout, early stopping on an over-parameterised MLP and 1,000 MNIST images", true);
  lab.writes("summary.{md,csv}", "training and test error, gap, test loss and zero weights per regulariser")
     .writes("test_error.{png,gp}", "test error per epoch, one line per regulariser")
     .writes("train_error.{png,gp}", "training error per epoch, one line per regulariser")
     .writes("weight_histogram.{png,gp}", "first-layer weights with no regulariser, L2 and L1");
  lab.real_option("l2", 1e-3, "L2 penalty λ (>= 0)", Range::at_least(0))
     .real_option("l1", 2e-4, "L1 penalty λ, proximal step (>= 0)", Range::at_least(0))
     .real_option("dropout", 0.5, "dropout rate p after each hidden layer (0 <= p < 1)", Range::from_below(0, 1));
  return lab.run(argc, argv, run);
}
