// Lab 04: the lecture's two keras programs, written with lecon's Sequential API.
//
// The R on the slide:                                  lecon:
//   model <- keras_model_sequential()                    Sequential<Real> model;
//   model %>% layer_dense(units = 5, activation = "relu",   model.add<Dense<Real>>(4, 5, rng).add<ActivationLayer<Real>>(relu)
//                         input_shape = 4) %>%
//             layer_dense(units = 3, activation = "softmax") .add<Dense<Real>>(5, 3, rng).add<Softmax<Real>>();
//   model %>% compile(loss = "categorical_crossentropy",  CategoricalCrossEntropy<Real> loss;
//                     optimizer = optimizer_rmsprop(),     RMSprop<Real> optimizer;
//                     metrics = "accuracy")
//   model %>% fit(x_train, y_train, epochs = 500,         fit(model, loss, optimizer, x_train, y_train,
//                 batch_size = 50)                             FitOptions{500, 50}, rng);
//   model %>% predict_classes(x_test)                     model.predict_classes(x_test)
#include <cmath>
#include <iostream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/confusion.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/rmsprop.hpp"

namespace {

using namespace lecon;

void iris_example(const LabContext& ctx, Rng& rng) {
  const DataSplit iris = load_data(ctx.data_dir, "iris");
  const Tensor<Real>& x_train = iris.train.x;
  const Tensor<Real> y_train = Tensor<Real>::from_columns(one_hot<Real>(iris.train.y, 3));
  const Tensor<Real>& x_test = iris.test.x;
  const Tensor<Real> y_test = Tensor<Real>::from_columns(one_hot<Real>(iris.test.y, 3));

  Sequential<Real> model;
  model.add<Dense<Real>>(4, 5, rng).add<ActivationLayer<Real>>(Activation::relu);
  model.add<Dense<Real>>(5, 3, rng).add<Softmax<Real>>();
  std::cout << "iris model:\n" << model.summary(x_train.shape()) << '\n';
  CategoricalCrossEntropy<Real> loss;
  RMSprop<Real> optimizer;  // keras defaults: lr 0.001, rho 0.9
  const FitOptions options{static_cast<std::size_t>(ctx.epochs_or(500, 500)), 50};
  const History history = fit(model, loss, optimizer, x_train, y_train, options, rng);

  const Evaluation test = evaluate(model, loss, x_test, y_test);
  const arma::uvec train_classes = model.predict_classes(x_train);
  const arma::uvec test_classes = model.predict_classes(x_test);

  const std::string sizes = std::to_string(iris.train.size()) + "/" + std::to_string(iris.test.size());  // 100/50 for Fisher's iris
  Table summary("iris: dense 5 ReLU + softmax, RMSprop, " + std::to_string(options.epochs) + " epochs, batch 50 (" +
                    std::to_string(iris.train.size()) + " train / " + std::to_string(iris.test.size()) + " test)",
                {"measure", "ours", "lecture"});
  summary.add_row({"train loss (last epoch)", fixed(history["loss"].back(), 4), "n/a"});
  summary.add_row({"train accuracy", fixed(history["accuracy"].back(), 4), "n/a"});
  summary.add_row({"test loss", fixed(test.loss, 4), "n/a"});
  summary.add_row({"test accuracy", fixed(test.accuracy, 4), "n/a"});
  summary.add_note("lecture: the slide shows this program's code and confusion tables but gives no figure (docs/references.md);"
                   " results vary with the random " + sizes + " split and the initial weights (--seed)");
  summary.add_note("data: Fisher's iris, split " + sizes + " by lecon::Rng(1) when converted (data/README.md); features not scaled, as on the slide");
  summary.print(std::cout);
  summary.save(ctx.out_path("iris_summary"));
  const Table train_table = confusion_table("iris, training set: table(predicted, actual)", train_classes, iris.train.y, iris.train.class_names);
  const Table test_table = confusion_table("iris, test set: table(predicted, actual)", test_classes, iris.test.y, iris.test.class_names);
  train_table.print(std::cout);
  test_table.print(std::cout);
  train_table.save(ctx.out_path("iris_confusion_train"));
  test_table.save(ctx.out_path("iris_confusion_test"));

  Plot plot;
  plot.title = "iris: training loss and accuracy per epoch";
  plot.xlabel = "epoch";
  plot.ylabel = "value";
  plot.integer_x = true;
  plot.key = KeyPlace::top_right;  // the loss falls below 1 within the first 100 epochs, accuracy stays at most 1
  plot.add(per_epoch("loss (categorical cross-entropy)", history["loss"])).add(per_epoch("accuracy", history["accuracy"]));
  plot.save(ctx.out_path("iris_history"));
}

// A 1-D regression set: y = sin(x) + noise. STAND-IN: the slide's own data set is not given; this
// synthetic one shows the same thing (a smooth curve fitted by 20 ReLUs).
struct Regression {
  Tensor<Real> x_train, y_train, x_test, y_test;
};

Regression make_regression(Rng& rng) {
  Regression r;
  auto draw = [&](std::size_t n, Tensor<Real>& x, Tensor<Real>& y) {
    arma::Mat<Real> xs(1, n), noise(1, n);
    rng.fill_uniform(xs, Real(-3), Real(3));
    rng.fill_normal(noise, Real(0), Real(0.1));
    x = Tensor<Real>::from_columns(xs);
    y = Tensor<Real>::from_columns(arma::Mat<Real>(arma::sin(xs) + noise));
  };
  draw(100, r.x_train, r.y_train);
  draw(100, r.x_test, r.y_test);
  return r;
}

void regression_example(const LabContext& ctx, Rng& rng) {
  const Regression data = make_regression(rng);
  Sequential<Real> model;
  model.add<Dense<Real>>(1, 20, rng).add<ActivationLayer<Real>>(Activation::relu);
  model.add<Dense<Real>>(20, 1, rng);  // linear output
  MeanSquaredError<Real> loss;
  RMSprop<Real> optimizer;
  FitOptions options{static_cast<std::size_t>(ctx.epochs_or(1500, 1500)), 10};
  options.accuracy = false;
  const History history = fit(model, loss, optimizer, data.x_train, data.y_train, options, rng);
  const Evaluation test = evaluate(model, loss, data.x_test, data.y_test);

  Table table("regression: dense 20 ReLU + linear, MSE, RMSprop, " + std::to_string(options.epochs) + " epochs, batch 10",
              {"measure", "ours", "noise floor"});
  table.add_row({"train MSE (last epoch)", fixed(history["loss"].back(), 4), "0.0100"});
  table.add_row({"test MSE", fixed(test.loss, 4), "0.0100"});
  table.set_data_label("STAND-IN DATA: synthetic y = sin(x) + N(0, 0.1^2), x ~ U[-3, 3], 100 train / 100 test points drawn with --seed");
  table.add_note("the noise floor (the best possible MSE) is the noise variance 0.01");
  table.print(std::cout);
  table.save(ctx.out_path("regression"));

  // Data and prediction in one picture.
  Series points{"training data", {}, {}, "points pt 7 ps 0.8"};
  for (std::size_t i = 0; i < data.x_train.batch(); ++i) {
    points.x.push_back(data.x_train.at(i, 0));
    points.y.push_back(data.y_train.at(i, 0));
  }
  arma::Mat<Real> grid = arma::linspace<arma::Row<Real>>(-3, 3, 301);
  const Tensor<Real> prediction = model.predict(Tensor<Real>::from_columns(grid));
  Series fitted{"network", {}, {}, "lines"}, truth{"sin(x)", {}, {}, "lines dt 2"};
  for (arma::uword i = 0; i < grid.n_elem; ++i) {
    fitted.x.push_back(grid(0, i));
    fitted.y.push_back(prediction.at(i, 0));
    truth.x.push_back(grid(0, i));
    truth.y.push_back(std::sin(grid(0, i)));
  }
  Plot plot;
  plot.title = "regression: data and the network's prediction (stand-in data: sin(x) + noise)";
  plot.xlabel = "x";
  plot.ylabel = "y";
  plot.key = KeyPlace::top_left;  // sin(x) stays below 0 for x < 0
  plot.add(points).add(truth).add(fitted);
  plot.save(ctx.out_path("regression_fit"));
  Plot losses;
  losses.title = "regression: training MSE per epoch";
  losses.xlabel = "epoch";
  losses.ylabel = "MSE";
  losses.log_y = true;
  losses.integer_x = true;
  losses.key = KeyPlace::none;  // one curve, named by the title
  losses.add(per_epoch("training MSE", history["loss"]));
  losses.save(ctx.out_path("regression_history"));
}

void run(const LabContext& ctx) {
  Rng rng(ctx.seed);
  iris_example(ctx, rng);
  regression_example(ctx, rng);
  std::cout << "plots: " << ctx.out_path("iris_history.png") << ", " << ctx.out_path("regression_fit.png") << ", "
            << ctx.out_path("regression_history.png") << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("04_keras_examples", "the lecture's keras programs: iris classification and a regression", true);
  lab.writes("iris_summary.{md,csv}", "loss and accuracy of the iris network, training and test")
     .writes("iris_confusion_train.{md,csv}", "its table(predicted, actual) on the training set")
     .writes("iris_confusion_test.{md,csv}", "the same on the test set")
     .writes("iris_history.{png,gp}", "training loss and accuracy per epoch")
     .writes("regression.{md,csv}", "training and test MSE of the regression network")
     .writes("regression_fit.{png,gp}", "the data, sin(x) and the network's curve")
     .writes("regression_history.{png,gp}", "training MSE per epoch");
  return lab.run(argc, argv, run);
}
