// Lab 01: the neuron.
//  (a) the lecture's activations (sigmoid, softplus, ReLU, ELU, and tanh) and their derivatives;
//  (b) Rosenblatt's perceptron on linearly separable data (it converges) and on XOR (it cannot);
//  (c) a 2-2-1 network trained by backpropagation solves XOR.
#include <iostream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/perceptron/activations.hpp"
#include "lecon/perceptron/perceptron.hpp"

namespace {

using namespace lecon;

void activation_plots(const LabContext& ctx) {
  const arma::mat a = arma::linspace<arma::rowvec>(-4, 4, 401);
  Plot values, derivatives;
  values.title = "activation functions σ(a)";
  values.xlabel = derivatives.xlabel = "a";
  values.ylabel = "σ(a)";
  derivatives.title = "their derivatives σ'(a)";
  derivatives.ylabel = "σ'(a)";
  values.key = derivatives.key = KeyPlace::top_left;  // every function and derivative is near 0 or below there
  for (Activation kind : {Activation::sigmoid, Activation::softplus, Activation::relu, Activation::elu, Activation::tanh}) {
    arma::mat y, d;
    activate(kind, a, y);
    activation_derivative(kind, a, y, d);
    values.add({activation_name(kind), arma::conv_to<std::vector<double>>::from(a), arma::conv_to<std::vector<double>>::from(y), "lines"});
    derivatives.add({activation_name(kind), arma::conv_to<std::vector<double>>::from(a), arma::conv_to<std::vector<double>>::from(d), "lines"});
  }
  values.save(ctx.out_path("activations"));
  derivatives.save(ctx.out_path("derivatives"));
}

// Two Gaussian clouds on either side of the line x1 + x2 = 0, with a margin: linearly separable.
void separable_data(Rng& rng, arma::mat& X, arma::uvec& t) {
  const std::size_t n = 100;
  X.set_size(2, n);
  t.set_size(n);
  rng.fill_normal(X, 0.0, 0.6);
  for (arma::uword i = 0; i < n; ++i) {
    t[i] = i % 2;
    const double shift = t[i] ? 1.2 : -1.2;
    X(0, i) += shift;
    X(1, i) += shift;
    // keep a margin: move points across the line back to their side
    const double side = X(0, i) + X(1, i);
    if (t[i] == 1 && side < 0.3) X.col(i) += (0.3 - side) / 2;
    if (t[i] == 0 && side > -0.3) X.col(i) -= (side + 0.3) / 2;
  }
}

Series points_of(const arma::mat& X, const arma::uvec& t, arma::uword cls, const std::string& name) {
  Series s{name, {}, {}, "points pt 7 ps 1"};
  for (arma::uword i = 0; i < X.n_cols; ++i)
    if (t[i] == cls) s.x.push_back(X(0, i)), s.y.push_back(X(1, i));
  return s;
}

void perceptron_part(const LabContext& ctx, Table& table) {
  Rng rng(ctx.seed);
  arma::mat X;
  arma::uvec t;
  separable_data(rng, X, t);
  Perceptron separable(2);
  const PerceptronHistory h = separable.train(X, t, 0.1, 1000);
  table.add_row({"perceptron", "separable clouds (100 points)", h.converged ? "yes" : "no", std::to_string(h.errors.size()),
                 std::to_string(h.errors.back()), "converges [paper: Novikoff 1962]"});

  // The data and the learned line w0 + w1 x1 + w2 x2 = 0.
  Plot plot;
  plot.title = "perceptron on separable data: the learned boundary";
  plot.xlabel = "x1";
  plot.ylabel = "x2";
  plot.key = KeyPlace::top_right;  // the line falls from top left to bottom right, the clouds stay near the origin
  plot.add(points_of(X, t, 0, "class 0")).add(points_of(X, t, 1, "class 1"));
  Series line{"w0 + w·x = 0", {}, {}, "lines"};
  const arma::vec& w = separable.weights();
  for (double x1 = -3; x1 <= 3.001; x1 += 0.1)
    if (std::abs(w[1]) > 1e-12) line.x.push_back(x1), line.y.push_back(-(separable.bias() + w[0] * x1) / w[1]);
  plot.add(line);
  plot.save(ctx.out_path("perceptron_separable"));

  const arma::mat xor_x = {{0, 0, 1, 1}, {0, 1, 0, 1}};
  const arma::uvec xor_t = {0, 1, 1, 0};
  Perceptron on_xor(2);
  const PerceptronHistory hx = on_xor.train(xor_x, xor_t, 0.1, 1000);
  table.add_row({"perceptron", "XOR (4 points)", hx.converged ? "yes" : "no", std::to_string(hx.errors.size()),
                 std::to_string(hx.errors.back()), "cannot [book: Minsky & Papert 1969]"});

  Plot errors;
  errors.title = "perceptron: misclassified samples per epoch";
  errors.xlabel = "epoch";
  errors.ylabel = "errors";
  errors.integer_x = errors.integer_y = true;
  errors.key = KeyPlace::bottom_right;  // XOR stays at 4 mistakes, the clouds reach 0 after 2 epochs
  Series s1{"separable clouds", {}, {}, "linespoints"}, s2{"XOR", {}, {}, "lines"};
  for (std::size_t e = 0; e < h.errors.size(); ++e) s1.x.push_back(e + 1), s1.y.push_back(h.errors[e]);
  for (std::size_t e = 0; e < std::min<std::size_t>(50, hx.errors.size()); ++e) s2.x.push_back(e + 1), s2.y.push_back(hx.errors[e]);
  errors.add(s1).add(s2);
  errors.save(ctx.out_path("perceptron_errors"));
}

void xor_network(const LabContext& ctx, Table& table) {
  const Tensor<Real> x = Tensor<Real>::from_columns(arma::Mat<Real>{{0, 0, 1, 1}, {0, 1, 0, 1}});
  const Tensor<Real> t = Tensor<Real>::from_columns(arma::Mat<Real>{{0, 1, 1, 0}});
  const int restarts = ctx.full ? 100 : 20;
  int solved = 0;
  Sequential<Real> first_solved;
  bool have_solved = false;
  std::size_t epochs = static_cast<std::size_t>(ctx.epochs_or(2000, 2000));
  for (int r = 0; r < restarts; ++r) {
    Rng rng(ctx.seed + static_cast<std::uint64_t>(r));
    Sequential<Real> model;
    model.add<Dense<Real>>(2, 2, rng).add<ActivationLayer<Real>>(Activation::sigmoid);
    model.add<Dense<Real>>(2, 1, rng).add<ActivationLayer<Real>>(Activation::sigmoid);
    SGD<Real> sgd(0.5, 0.9);
    BinaryCrossEntropy<Real> bce;
    FitOptions options{epochs, 4};
    fit(model, bce, sgd, x, t, options, rng);
    const bool ok = arma::all(model.predict_classes(x) == arma::uvec{0, 1, 1, 0});
    solved += ok;
    if (ok && !have_solved) {
      first_solved = std::move(model);
      have_solved = true;
    }
  }
  table.add_row({"2-2-1 network, backprop", "XOR (4 points)", std::to_string(solved) + "/" + std::to_string(restarts) + " starts",
                 std::to_string(epochs), "0 when solved", "solves XOR [paper: Rumelhart et al. 1986]"});
  if (!have_solved) return;
  // The solved network's output over the plane, with the four XOR points: XOR needs two lines, one hidden
  // unit each, and the output is 1 between them.
  const std::size_t side = 101;
  arma::Mat<Real> grid(2, side * side);
  for (std::size_t r = 0; r < side; ++r)
    for (std::size_t c = 0; c < side; ++c) {
      grid(0, r * side + c) = Real(-0.5 + 2.0 * c / (side - 1));
      grid(1, r * side + c) = Real(-0.5 + 2.0 * r / (side - 1));
    }
  const Tensor<Real> out = first_solved.predict(Tensor<Real>::from_columns(grid));
  Plot plot;
  plot.title = "the solved 2-2-1 network's output y(x1, x2) and the XOR points";
  plot.xlabel = "x1";
  plot.ylabel = "x2";
  plot.width = 760;
  plot.height = 620;
  plot.heatmap = {side, side, -0.5, 1.5, -0.5, 1.5, arma::conv_to<std::vector<double>>::from(out.matrix()), 0, 1,
                  "network output y", Heatmap().palette, {0.5}, "y = 0.5 (the class boundary)"};
  Series zeros{"XOR = 0: (0, 0), (1, 1)", {0, 1}, {0, 1}, "points pt 6 ps 3 lw 3 lc rgb 'black'"};
  Series ones{"XOR = 1: (0, 1), (1, 0)", {0, 1}, {1, 0}, "points pt 7 ps 3 lc rgb 'black'"};
  plot.add(zeros).add(ones);
  plot.save(ctx.out_path("xor_network_output"));
}

void run(const LabContext& ctx) {
  activation_plots(ctx);
  Table table("The neuron: what a single perceptron and a 2-2-1 network can learn",
              {"model", "data", "converged / solved", "epochs", "errors in last epoch", "reference"});
  perceptron_part(ctx, table);
  xor_network(ctx, table);
  table.add_note("perceptron: learning rate 0.1, at most 1000 epochs, samples in a fixed order;"
                 " 2-2-1 network: sigmoid units, binary cross-entropy, SGD lr 0.5 momentum 0.9, full batch of 4");
  table.add_note("reference: the classic results, not slides (the lecture gives no figures here); sources in docs/references.md");
  table.add_note("XOR has local minima for 2 hidden units, so some starts do not solve it: the table counts restarts (--seed)");
  table.print(std::cout);
  table.save(ctx.out_path("summary"));
  std::cout << "plots: " << ctx.out_path("activations.png") << ", " << ctx.out_path("derivatives.png") << ", "
            << ctx.out_path("perceptron_separable.png") << ", " << ctx.out_path("perceptron_errors.png") << ", "
            << ctx.out_path("xor_network_output.png") << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("01_neuron", "activations, the perceptron rule, and XOR", true);
  lab.writes("summary.{md,csv}", "what the perceptron and the 2-2-1 network learn")
     .writes("activations.{png,gp}", "sigmoid, softplus, ReLU, ELU and tanh")
     .writes("derivatives.{png,gp}", "their derivatives")
     .writes("perceptron_separable.{png,gp}", "two separable clouds and the perceptron's line")
     .writes("perceptron_errors.{png,gp}", "the perceptron's mistakes per epoch, separable clouds and XOR")
     .writes("xor_network_output.{png,gp}", "the solved network's output over (x1, x2), with the four XOR points");
  return lab.run(argc, argv, run);
}
