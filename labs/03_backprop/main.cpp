// Lab 03: backpropagation.
//  (a) the gradient-check table: every layer and loss against central finite differences, in double;
//  (b) online vs mini-batch vs full-batch gradient descent on the same problem (an MNIST subset),
//      training loss per epoch and per second in one plot each: the slide's point is that mini-batches
//      converge faster (many updates per epoch, each cheap thanks to GEMM) and more stably than online steps.
#include <iostream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/gradient_check.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"

namespace {

using namespace lecon;

constexpr double kThreshold = 1e-6;

void add_check_rows(Table& table, const std::string& name, const std::string& shape, const std::vector<GradientCheck>& checks) {
  for (const GradientCheck& c : checks)
    table.add_row({name, c.what, shape, std::to_string(c.entries), fixed(c.max_relative_error * 1e9, 3),
                   c.max_relative_error < kThreshold ? "pass" : "FAIL"});
}

void gradient_table(const LabContext& ctx) {
  Table table("Gradient check: analytic backward against central differences (double precision)",
              {"layer / loss", "gradient", "input shape", "entries", "max rel. error x1e-9", "< 1e-6"});
  Rng rng(ctx.seed);
  Dense<double> dense(6, 4, rng);
  rng.fill_normal(dense.b().value, 0.0, 1.0);
  add_check_rows(table, "Dense 6->4", "(5, 6)", check_layer_gradients(dense, Shape{5, 6}, rng));
  for (Activation kind : {Activation::sigmoid, Activation::softplus, Activation::relu, Activation::elu, Activation::tanh, Activation::linear}) {
    ActivationLayer<double> layer(kind);
    add_check_rows(table, activation_name(kind), "(5, 6)", check_layer_gradients(layer, Shape{5, 6}, rng));
  }
  Softmax<double> softmax_layer;
  add_check_rows(table, "softmax", "(5, 6)", check_layer_gradients(softmax_layer, Shape{5, 6}, rng));

  Tensor<double> logits(Shape{5, 6}), probabilities(Shape{5, 6}), values(Shape{5, 6}), bits(Shape{5, 6}), soft(Shape{5, 6});
  rng.fill_normal(logits.matrix(), 0.0, 1.0);
  softmax(logits.matrix(), probabilities.matrix());
  rng.fill_normal(values.matrix(), 0.0, 1.0);
  rng.fill_bernoulli(bits.matrix(), 0.5);
  rng.fill_uniform(soft.matrix(), 0.1, 1.0);
  soft.matrix().each_row() /= arma::sum(soft.matrix(), 0);
  const Tensor<double> classes = Tensor<double>::from_columns(one_hot<double>(arma::uvec{0, 5, 2, 3, 1}, 6));
  auto loss_row = [&](const Loss<double>& loss, const Tensor<double>& y, const Tensor<double>& t) {
    GradientCheck c = check_loss_gradient(loss, y, t);
    c.what = "output y";
    add_check_rows(table, loss.name(), "(5, 6)", {c});
  };
  loss_row(MeanSquaredError<double>(), values, soft);
  loss_row(MeanAbsoluteError<double>(), values, soft);
  loss_row(BinaryCrossEntropy<double>(), probabilities, bits);
  loss_row(CategoricalCrossEntropy<double>(), probabilities, classes);
  loss_row(KullbackLeibler<double>(), probabilities, soft);
  loss_row(SoftmaxCrossEntropy<double>(), logits, classes);
  table.add_note("relative error |a - n| / (|a| + |n|) per entry, maximum shown; step h = 1e-5 (scaled down for small loss inputs)");
  table.add_note("reference: a correct double-precision backward gives about 1e-7 or less, a wrong one 1e-2 or more"
                 " (the test suite shows a deliberately halved gradient failing)");
  table.print(std::cout);
  table.save(ctx.out_path("gradient_check"));
}

// Training loss on the whole training set after each epoch, and the time at that point.
struct Curve {
  std::vector<double> epoch_loss, seconds;
};

struct FullLossObserver : TrainingObserver<Real> {
  FullLossObserver(Sequential<Real>& m, const Loss<Real>& l, const Tensor<Real>& x, const Tensor<Real>& y)
      : model(m), loss(l), x(x), y(y) {}
  bool on_epoch_end(std::size_t, const History& h) override {
    elapsed += h.seconds.back();
    curve.epoch_loss.push_back(evaluate(model, loss, x, y).loss);
    curve.seconds.push_back(elapsed);
    return false;
  }
  Sequential<Real>& model;
  const Loss<Real>& loss;
  const Tensor<Real>& x;
  const Tensor<Real>& y;
  double elapsed = 0;
  Curve curve;
};

void batch_size_comparison(const LabContext& ctx) {
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const std::size_t n = ctx.full ? 60000 : 10000;
  const std::size_t epochs = static_cast<std::size_t>(ctx.epochs_or(10, 30));
  const double learning_rate = 0.05;
  const Dataset train = mnist.train.subset(arma::regspace<arma::uvec>(0, n - 1));
  const Tensor<Real> x = train.x.reshaped(Shape{n, 784});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(train.y, 10));
  const Tensor<Real> x_test = mnist.test.x.reshaped(Shape{mnist.test.size(), 784});
  const Tensor<Real> y_test = Tensor<Real>::from_columns(one_hot<Real>(mnist.test.y, 10));

  struct Scheme {
    std::string name;
    std::size_t batch;
  };
  const std::vector<Scheme> schemes = {{"online (batch 1)", 1}, {"mini-batch (batch 32)", 32}, {"full batch (batch " + std::to_string(n) + ")", n}};
  Table table("Online vs mini-batch vs full-batch gradient descent: MNIST, " + std::to_string(n) + " training images, 784-64-10 ReLU,"
              " softmax cross-entropy, SGD lr " + fixed(learning_rate, 2) + ", " + std::to_string(epochs) + " epochs",
              {"scheme", "updates", "train loss", "test error %", "seconds", "lecture"});
  Plot by_epoch, by_time;
  by_epoch.title = "training loss per epoch (same start, same learning rate)";
  by_epoch.xlabel = "epoch";
  by_epoch.ylabel = "training loss (whole training set)";
  by_epoch.log_y = true;
  by_epoch.key = KeyPlace::top_right;  // losses start near 2.3: the decades above stay free
  by_time = by_epoch;
  by_epoch.integer_x = true;
  by_time.title = "training loss against wall-clock time";
  by_time.xlabel = "seconds";
  SoftmaxCrossEntropy<Real> loss;
  for (const Scheme& scheme : schemes) {
    Rng rng(ctx.seed);  // the same initial weights and the same sample order for every scheme
    Sequential<Real> model;
    model.add<Dense<Real>>(784, 64, rng).add<ActivationLayer<Real>>(Activation::relu).add<Dense<Real>>(64, 10, rng);
    SGD<Real> sgd(learning_rate);
    FullLossObserver observer(model, loss, x, y);
    observer.curve.epoch_loss.push_back(evaluate(model, loss, x, y).loss);
    observer.curve.seconds.push_back(0);
    FitOptions options{epochs, scheme.batch};
    FitProgress<Real> progress(scheme.name, options, n);
    fit<Real>(model, loss, sgd, x, y, options, rng, {&progress, &observer});
    const Evaluation test = evaluate(model, loss, x_test, y_test);
    const std::size_t updates = epochs * ((n + scheme.batch - 1) / scheme.batch);
    const char* expectation = scheme.batch == 1 ? "noisy, slow per epoch in time" : scheme.batch == n ? "stable but slowest" : "fastest";
    table.add_row({scheme.name, std::to_string(updates), fixed(observer.curve.epoch_loss.back(), 4), fixed(100 * (1 - test.accuracy), 2),
                   fixed(observer.curve.seconds.back(), 2), expectation});
    Series e{scheme.name, {}, observer.curve.epoch_loss, "linespoints"}, t{scheme.name, observer.curve.seconds, observer.curve.epoch_loss, "linespoints"};
    for (std::size_t i = 0; i < e.y.size(); ++i) e.x.push_back(static_cast<double>(i));
    by_epoch.add(e);
    by_time.add(t);
  }
  table.add_note("lecture column: the slide's qualitative claim (mini-batch converges faster and more stably); it gives no figures");
  table.add_note("test error on the 10,000 MNIST test images; all schemes start from the same weights (--seed)");
  table.print(std::cout);
  table.save(ctx.out_path("batch_sizes"));
  by_epoch.save(ctx.out_path("loss_by_epoch"));
  by_time.save(ctx.out_path("loss_by_time"));
  std::cout << "plots: " << ctx.out_path("loss_by_epoch.png") << ", " << ctx.out_path("loss_by_time.png") << '\n';
}

void run(const LabContext& ctx) {
  gradient_table(ctx);
  batch_size_comparison(ctx);
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("03_backprop", "gradient checks for every layer and loss; online vs mini-batch vs full batch", true);
  lab.writes("gradient_check.{md,csv}", "every layer's and loss's gradient against central differences")
     .writes("batch_sizes.{md,csv}", "online, mini-batch and full-batch gradient descent on MNIST")
     .writes("loss_by_epoch.{png,gp}", "their training loss per epoch")
     .writes("loss_by_time.{png,gp}", "their training loss against wall-clock time");
  return lab.run(argc, argv, run);
}
