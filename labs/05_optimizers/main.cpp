// Lab 05: optimizers.
//  (a) two functions of two variables, an ill-conditioned quadratic and Rosenbrock's valley: the path
//      of every optimizer over the contour lines in one figure each, and the steps each needs to get
//      within 1e-6 of the minimum; where the slide writes a rule differently from the paper, keras or
//      PyTorch, every form of it, with a second figure per function of the forms side by side;
//  (b) an MNIST MLP trained with every optimizer at its usual (keras default) learning rate: the loss
//      per epoch in one plot, final test error and time in a table.
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/progress.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/adadelta.hpp"
#include "lecon/optimizers/adagrad.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/optimizers/adamax.hpp"
#include "lecon/optimizers/amsgrad.hpp"
#include "lecon/optimizers/convention.hpp"
#include "lecon/optimizers/nadam.hpp"
#include "lecon/optimizers/rmsprop.hpp"
#include "lecon/optimizers/sgd.hpp"

namespace {

using namespace lecon;

const std::vector<std::string> kOptimizers = {"SGD", "momentum", "Nesterov", "Adagrad", "Adadelta",
                                              "RMSprop", "Adam", "AdaMax", "Nadam", "AMSGrad"};

// The optimizer called `name` with learning rate lr (momentum 0.9 for the two momentum methods).
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, double lr) {
  if (name == "SGD") return std::make_unique<SGD<T>>(lr);
  if (name == "momentum") return std::make_unique<SGD<T>>(lr, 0.9);
  if (name == "Nesterov") return std::make_unique<SGD<T>>(lr, 0.9, true);
  if (name == "Adagrad") return std::make_unique<Adagrad<T>>(lr);
  if (name == "Adadelta") return std::make_unique<Adadelta<T>>(lr);
  if (name == "RMSprop") return std::make_unique<RMSprop<T>>(lr);
  if (name == "Adam") return std::make_unique<Adam<T>>(lr);
  if (name == "AdaMax") return std::make_unique<AdaMax<T>>(lr);
  if (name == "Nadam") return std::make_unique<Nadam<T>>(lr);
  if (name == "AMSGrad") return std::make_unique<AMSGrad<T>>(lr);
  throw OptionError("unknown optimizer " + name);
}

// keras' default learning rates: what "its usual learning rate" means in part (b).
double keras_default_rate(const std::string& name) {
  if (name == "Adadelta") return 1.0;
  if (name == "RMSprop" || name == "Adam" || name == "AMSGrad") return 0.001;
  if (name == "AdaMax" || name == "Nadam") return 0.002;
  return 0.01;  // SGD, momentum, Nesterov, Adagrad
}

// One written form of a rule for part (a): the library's usual one (keras 2's, as in part (b)), the paper's or
// PyTorch's where that differs, or the slide's exactly as written (docs/optimizers.md says which line is which).
struct Form {
  std::string label;     // table row and legend (ASCII: the terminal table aligns bytes)
  std::string rate_key;  // the learning rate tuned per problem: the rule's, or the slide form's own
  std::string rule;      // forms of one rule share a colour in the figure of the forms
  enum Kind { usual, other, slide } kind;
  std::function<std::unique_ptr<Optimizer<double>>(double lr)> make;
};

template <typename O, typename... Args>
std::function<std::unique_ptr<Optimizer<double>>(double)> maker(Args... args) {
  return [=](double lr) -> std::unique_ptr<Optimizer<double>> { return std::make_unique<O>(lr, args...); };
}

// Every form of part (a), each rule's usual form first. The slide forms keep the other hyper-parameters
// at the defaults of the usual form; the slide's Adadelta takes the slide's γ = 0.9.
std::vector<Form> forms_2d() {
  using C = Convention;
  return {
      {"SGD", "SGD", "SGD", Form::usual, maker<SGD<double>>()},
      {"momentum", "momentum", "momentum", Form::usual, maker<SGD<double>>(0.9)},
      {"Nesterov", "Nesterov", "Nesterov", Form::usual, maker<SGD<double>>(0.9, true)},
      {"Adagrad (Duchi 2011 / keras 2 / PyTorch)", "Adagrad", "Adagrad", Form::usual, maker<Adagrad<double>>()},
      {"Adagrad (slide: eps inside the root)", "Adagrad", "Adagrad", Form::slide, maker<Adagrad<double>>(1e-7, 0.0, C::slide)},
      {"Adadelta (Zeiler 2012 / keras 2 / PyTorch)", "Adadelta", "Adadelta", Form::usual, maker<Adadelta<double>>()},
      {"Adadelta (slide: lr / sqrt(E[g^2] + eps))", "Adadelta (slide)", "Adadelta", Form::slide, maker<Adadelta<double>>(0.9, 1e-7, C::slide)},
      {"RMSprop (Hinton 2012 / keras 2 / PyTorch)", "RMSprop", "RMSprop", Form::usual, maker<RMSprop<double>>()},
      {"RMSprop (slide: eps inside the root)", "RMSprop", "RMSprop", Form::slide, maker<RMSprop<double>>(0.9, 1e-7, C::slide)},
      {"Adam (keras 2: eps-hat)", "Adam", "Adam", Form::usual, maker<Adam<double>>()},
      {"Adam (Kingma & Ba 2015 / PyTorch)", "Adam", "Adam", Form::other, maker<Adam<double>>(0.9, 0.999, 1e-7, C::pytorch)},
      {"Adam (slide: no bias correction)", "Adam", "Adam", Form::slide, maker<Adam<double>>(0.9, 0.999, 1e-7, C::slide)},
      {"AdaMax (Kingma & Ba 2015 / keras 2)", "AdaMax", "AdaMax", Form::usual, maker<AdaMax<double>>()},
      {"AdaMax (slide: mean of scalar max|g|)", "AdaMax", "AdaMax", Form::slide, maker<AdaMax<double>>(0.9, 0.999, 1e-7, C::slide)},
      {"Nadam (Dozat 2016 / keras 2)", "Nadam", "Nadam", Form::usual, maker<Nadam<double>>()},
      {"Nadam (slide: Ruder 2016, mu = beta1)", "Nadam", "Nadam", Form::slide,
       maker<Nadam<double>>(0.9, 0.999, 1e-7, 0.004, NadamMomentum::slide)},
      {"AMSGrad (keras 2: bias-corrected)", "AMSGrad", "AMSGrad", Form::usual, maker<AMSGrad<double>>()},
      {"AMSGrad (slide = Reddi 2018: no correction)", "AMSGrad", "AMSGrad", Form::slide, maker<AMSGrad<double>>(0.9, 0.999, 1e-7, C::slide)},
  };
}

struct Problem2D {
  std::string name, gnuplot;               // title and f(x, y) in gnuplot syntax
  std::function<double(double, double)> f;
  std::function<arma::vec(double, double)> gradient;
  double x0, y0;                           // start
  double x_min, y_min;                     // where f is smallest
  Contour contour;
  std::map<std::string, double> rate;      // learning rate chosen per optimizer for this problem
};

// [slide: ill-conditioning]  f = (x² + 50 y²) / 2: curvatures 1 and 50, condition number 50.
Problem2D quadratic() {
  Problem2D p{"ill-conditioned quadratic f = (x^2 + 50 y^2) / 2", "0.5*(x**2 + 50*y**2)",
              [](double x, double y) { return 0.5 * (x * x + 50 * y * y); },
              [](double x, double y) { return arma::vec{x, 50 * y}; }, -4.5, 0.8, 0, 0,
              {"0.5*(x**2 + 50*y**2)", -5, 1, -1.2, 1.2, {0.01, 0.1, 0.5, 1, 2, 4, 8, 16, 32}}, {}};
  p.rate = {{"SGD", 0.035}, {"momentum", 0.01}, {"Nesterov", 0.01}, {"Adagrad", 1.0}, {"Adadelta", 1.0},
            {"Adadelta (slide)", 0.05}, {"RMSprop", 0.05}, {"Adam", 0.2}, {"AdaMax", 0.2}, {"Nadam", 0.2}, {"AMSGrad", 0.2}};
  return p;
}

// [paper: Rosenbrock 1960, "An automatic method for finding the greatest or least value of a function"]
// f = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1), a curved valley.
Problem2D rosenbrock() {
  Problem2D p{"Rosenbrock f = (1 - x)^2 + 100 (y - x^2)^2", "(1-x)**2 + 100*(y-x**2)**2",
              [](double x, double y) { return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x); },
              [](double x, double y) { return arma::vec{-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)}; },
              -1.2, 1.0, 1, 1, {"(1-x)**2 + 100*(y-x**2)**2", -1.6, 1.6, -0.6, 1.8, {0.1, 0.5, 1, 3, 10, 30, 100, 300}}, {}};
  p.rate = {{"SGD", 0.001}, {"momentum", 0.0003}, {"Nesterov", 0.0003}, {"Adagrad", 0.5}, {"Adadelta", 1.0},
            {"Adadelta (slide)", 0.01}, {"RMSprop", 0.01}, {"Adam", 0.05}, {"AdaMax", 0.05}, {"Nadam", 0.05}, {"AMSGrad", 0.05}};
  return p;
}

// A coordinate as a label shows it: -1.2, 1, 0.8.
std::string number(double value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

struct PathResult {
  std::size_t steps_to_target = 0;  // 0: not reached
  double final_value = 0;
  Series path;
};

PathResult descend(const Problem2D& problem, const Form& form, std::size_t max_steps) {
  auto optimizer = form.make(problem.rate.at(form.rate_key));
  Param<double> point{"xy", arma::vec{problem.x0, problem.y0}, arma::vec(2, arma::fill::zeros), false};
  PathResult r;
  r.path = Series{form.label, {problem.x0}, {problem.y0}, "lines"};
  for (std::size_t t = 1; t <= max_steps; ++t) {
    point.grad = problem.gradient(point.value[0], point.value[1]);
    optimizer->step({&point});
    const double value = problem.f(point.value[0], point.value[1]);
    if (!std::isfinite(value)) break;  // diverged: the table says so
    if (t <= 2000) r.path.x.push_back(point.value[0]), r.path.y.push_back(point.value[1]);
    if (r.steps_to_target == 0 && value < 1e-6) r.steps_to_target = t;
  }
  r.final_value = problem.f(point.value[0], point.value[1]);
  return r;
}

// The colour of a rule in the figure of the forms; its forms differ by dashes (usual solid, slide dashed).
std::string form_style(const Form& form) {
  static const std::map<std::string, std::string> colour = {{"Adagrad", "#1f77b4"}, {"Adadelta", "#ff7f0e"}, {"RMSprop", "#2ca02c"},
                                                            {"Adam", "#d62728"},    {"AdaMax", "#9467bd"},   {"Nadam", "#8c564b"},
                                                            {"AMSGrad", "#e377c2"}};
  const char* dashes = form.kind == Form::usual ? " dt 1" : form.kind == Form::slide ? " dt 2" : " dt 3";
  return "lines lc rgb '" + colour.at(form.rule) + "'" + dashes;
}

void two_dimensional(const LabContext& ctx) {
  const std::size_t max_steps = ctx.full ? 100000 : 20000;
  const std::vector<Form> forms = forms_2d();
  Table table("Steps to reach f < 1e-6 (at most " + std::to_string(max_steps) + "), learning rates tuned per problem",
              {"optimizer (form)", "quadratic: lr", "steps", "final f", "Rosenbrock: lr", "steps", "final f"});
  std::vector<std::vector<std::string>> rows(forms.size());
  Progress bar("2-D paths", 2 * forms.size(), "path");
  for (std::size_t i = 0; i < forms.size(); ++i) rows[i].push_back(forms[i].label);
  for (const Problem2D& problem : {quadratic(), rosenbrock()}) {
    const std::string stem = problem.name.rfind("Rosen", 0) == 0 ? "rosenbrock" : "quadratic";
    Plot plot, forms_plot;
    plot.title = problem.name + ": the first 2,000 steps of each optimizer";
    forms_plot.title = problem.name + ": the slide's forms (dashed) beside the usual ones (solid), first 2,000 steps";
    for (Plot* p : {&plot, &forms_plot}) {
      p->xlabel = "x";
      p->ylabel = "y";
      p->contour = problem.contour;
      // Equal scales on both axes: a canvas no taller than the function's box needs (the quadratic's is wide).
      const Contour& c = problem.contour;
      p->width = 1100;
      p->height = std::min(700, static_cast<int>(120 + 1000 * (c.y_max - c.y_min) / (c.x_max - c.x_min)));
      // The common start and the minimum every path heads for, labelled beside the points.
      p->mark({problem.x0, problem.y0, "start (" + number(problem.x0) + ", " + number(problem.y0) + ")", -1, -1.2, 7})
          .mark({problem.x_min, problem.y_min, "minimum (" + number(problem.x_min) + ", " + number(problem.y_min) + ")", 1.2, -1.2, 3});
    }
    for (std::size_t i = 0; i < forms.size(); ++i) {
      PathResult r = descend(problem, forms[i], max_steps);
      bar.advance();
      rows[i].push_back(fixed(problem.rate.at(forms[i].rate_key), 4));
      rows[i].push_back(r.steps_to_target ? std::to_string(r.steps_to_target) : "not reached");
      char value[32];
      std::snprintf(value, sizeof value, "%.1e", r.final_value);
      rows[i].push_back(value);
      if (forms[i].kind == Form::usual) plot.add(r.path);
      // Every rule that has another form: all its forms in the second figure.
      const bool has_other_forms = std::count_if(forms.begin(), forms.end(), [&](const Form& f) { return f.rule == forms[i].rule; }) > 1;
      if (has_other_forms) {
        r.path.style = form_style(forms[i]);
        forms_plot.add(r.path);
      }
    }
    plot.save(ctx.out_path(stem + "_paths"));
    forms_plot.save(ctx.out_path(stem + "_forms"));
  }
  bar.finish();
  for (auto& row : rows) table.add_row(row);
  table.add_note("start (-4.5, 0.8) on the quadratic, (-1.2, 1) on Rosenbrock; momentum 0.9 for momentum and Nesterov; other"
                 " hyper-parameters at their defaults (docs/optimizers.md)");
  table.add_note("slide: the rule exactly as the slide writes it (docs/optimizers.md); it runs at the learning rate of the rule's"
                 " usual form, except the slide's Adadelta (RMSprop's rule, gamma 0.9), which runs at RMSprop's");
  table.add_note("lecture: no figures; the slides' pictures show plain SGD zig-zagging across the narrow valley, momentum"
                 " overshooting and the adaptive methods heading straight down it");
  table.print(std::cout);
  table.save(ctx.out_path("steps_2d"));
}

struct EpochLoss : TrainingObserver<Real> {
  EpochLoss(Sequential<Real>& m, const Loss<Real>& l, const Tensor<Real>& x, const Tensor<Real>& y) : model(m), loss(l), x(x), y(y) {}
  bool on_epoch_end(std::size_t, const History&) override {
    values.push_back(evaluate(model, loss, x, y).loss);
    return false;
  }
  Sequential<Real>& model;
  const Loss<Real>& loss;
  const Tensor<Real>&x, &y;
  std::vector<double> values;
};

void mnist_mlp(const LabContext& ctx) {
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const std::size_t epochs = static_cast<std::size_t>(ctx.epochs_or(3, 20));
  const Tensor<Real> x = mnist.train.x.reshaped(Shape{mnist.train.size(), 784});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y, 10));
  const Tensor<Real> x_test = mnist.test.x.reshaped(Shape{mnist.test.size(), 784});
  const Tensor<Real> y_test = Tensor<Real>::from_columns(one_hot<Real>(mnist.test.y, 10));
  Table table("MNIST MLP 784-256-10 ReLU, batch 128, " + std::to_string(epochs) + " epochs, each optimizer at keras' default learning rate",
              {"optimizer", "lr", "train loss", "test error %", "seconds"});
  Plot plot;
  plot.title = "MNIST MLP: training loss per epoch";
  plot.xlabel = "epoch";
  plot.ylabel = "training loss (whole training set)";
  plot.log_y = true;
  plot.integer_x = true;
  SoftmaxCrossEntropy<Real> loss;
  for (const std::string& name : kOptimizers) {
    Rng rng(ctx.seed);
    Sequential<Real> model;
    model.add<Dense<Real>>(784, 256, rng).add<ActivationLayer<Real>>(Activation::relu).add<Dense<Real>>(256, 10, rng);
    const double lr = keras_default_rate(name);
    auto optimizer = make_optimizer<Real>(name, lr);
    EpochLoss curve(model, loss, x, y);
    const FitOptions options{epochs, 128};
    FitProgress<Real> progress(name, options, x.batch());
    const History h = fit<Real>(model, loss, *optimizer, x, y, options, rng, {&progress, &curve});
    double seconds = 0;
    for (double s : h.seconds) seconds += s;
    const Evaluation test = evaluate(model, loss, x_test, y_test);
    table.add_row({name, fixed(lr, 3), fixed(curve.values.back(), 4), fixed(100 * (1 - test.accuracy), 2), fixed(seconds, 2)});
    Series s{name, {}, curve.values, "linespoints"};
    for (std::size_t e = 0; e < s.y.size(); ++e) s.x.push_back(static_cast<double>(e + 1));
    plot.add(s);
    std::cout << name << ": test error " << fixed(100 * (1 - test.accuracy), 2) << "%\n";
  }
  table.add_note("all start from the same weights (--seed); seconds: training only, " + std::to_string(ctx.threads) + " threads");
  table.add_note("lecture: no figures. keras' default lr 0.01 is small for plain SGD here, so it lags after a few epochs (try --epochs 20)");
  table.print(std::cout);
  table.save(ctx.out_path("mnist"));
  plot.save(ctx.out_path("mnist_loss"));
}

void run(const LabContext& ctx) {
  two_dimensional(ctx);
  mnist_mlp(ctx);
  std::cout << "plots: " << ctx.out_path("quadratic_paths.png") << ", " << ctx.out_path("rosenbrock_paths.png") << ", "
            << ctx.out_path("quadratic_forms.png") << ", " << ctx.out_path("rosenbrock_forms.png") << ", " << ctx.out_path("mnist_loss.png")
            << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("05_optimizers", "every optimizer of the lecture on 2-D functions and on an MNIST MLP", true);
  lab.writes("steps_2d.{md,csv}", "steps each optimizer (every form of its rule) needs on the quadratic and on Rosenbrock")
     .writes("quadratic_paths.{png,gp}", "the first 2,000 steps of each optimizer over the quadratic's contour lines")
     .writes("rosenbrock_paths.{png,gp}", "the same on Rosenbrock's valley")
     .writes("quadratic_forms.{png,gp}", "the slide's forms of each rule beside the usual ones, on the quadratic")
     .writes("rosenbrock_forms.{png,gp}", "the same on Rosenbrock's valley")
     .writes("mnist.{md,csv}", "the MNIST MLP: training loss, test error and time per optimizer")
     .writes("mnist_loss.{png,gp}", "training loss per epoch, one line per optimizer");
  return lab.run(argc, argv, run);
}
