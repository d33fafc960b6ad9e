// Lab 10: recurrent networks. The slide's point first: the gradient of a simple RNN vanishes with the
// distance to the loss, an LSTM's much less ([slide: Recurrent Neural Network], [slide: Long Short Term
// Memory]) — ‖∂L/∂h_t‖ against t for both, at initialisation and after training. Then the adding problem
// [paper: Hochreiter & Schmidhuber 1997, experiment 4] at growing lengths for the simple RNN, the standard
// LSTM and the slide's LSTM; sequential MNIST row by row (and, in full mode, pixel by pixel); and a
// character-level LSTM language model on the King James Version of Genesis (data/text/), with validation
// bits per character and samples at two temperatures.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/lab_fit.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/rnn/gradient_clipping.hpp"
#include "lecon/rnn/lstm.hpp"
#include "lecon/rnn/rnn_layers.hpp"
#include "lecon/rnn/sequence.hpp"
#include "lecon/rnn/sequence_loss.hpp"
#include "lecon/rnn/slide_lstm.hpp"
#include "lecon/rnn/time_distributed.hpp"

namespace {

using namespace lecon;

constexpr double kTrivialMse = 1.0 / 6.0;  // predicting 1: the variance of a sum of two U(0, 1)
constexpr double kSolvedMse = 0.01;        // the usual threshold for "solved"
// The smallest normal float: the labs flush subnormals to zero (lecon/core/parallel.hpp), so gradients below it are 0.
constexpr double kSmallestFloat = 1.1754943508222875e-38;
constexpr double kClip = 1.0;              // gradient clipping by global norm, every run [paper: Pascanu et al. 2013]
const char* kText = "text/genesis-kjv.txt";

// "1 epoch", "3 epochs".
std::string count_of(std::size_t n, const std::string& what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

// Both LSTMs start with a forget-gate bias of 1, as keras initialises them (unit_forget_bias)
// [paper: Gers, Schmidhuber & Cummins 2000; Jozefowicz, Zaremba & Sutskever 2015]: f = σ(1 + ·) ≈ 0.73,
// so the cell remembers from the first update on (docs/rnn.md: "a bias toward remembering helps"). The
// module itself keeps PyTorch's initialisation. Gate block f is rows [H, 2H) in both cells.
void remember_by_default(Layer<Real>& layer) {
  if (auto* lstm = dynamic_cast<LSTM<Real>*>(&layer)) {
    const std::size_t H = lstm->hidden_units();
    lstm->bias_ih().value.rows(H, 2 * H - 1).fill(1);
    lstm->bias_hh().value.rows(H, 2 * H - 1).zeros();
  } else if (auto* slide = dynamic_cast<SlideLSTM<Real>*>(&layer)) {
    const std::size_t H = slide->hidden_units();
    slide->b().value.rows(H, 2 * H - 1).fill(1);
  }
}

std::string cell_label(RecurrentCell cell) {
  switch (cell) {
    case RecurrentCell::simple_rnn: return "simple RNN (tanh)";
    case RecurrentCell::lstm: return "LSTM (standard)";
    case RecurrentCell::slide_lstm: return "LSTM (the slide's)";
    case RecurrentCell::gru: return "GRU";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------------------
// The adding problem [paper: Hochreiter & Schmidhuber 1997, experiment 4]: every step holds a value in
// U(0, 1) and a marker; exactly two steps are marked, one in each half; the target is the sum of the two
// marked values. Predicting 1 always gives MSE 1/6 ≈ 0.167.   x: (n, T, 2), y: (n, 1)
void adding_problem(std::size_t n, std::size_t steps, Rng& rng, Tensor<Real>& x, Tensor<Real>& y) {
  x = Tensor<Real>(Shape{n, steps, 2});
  y = Tensor<Real>(Shape{n, 1});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t t = 0; t < steps; ++t) x.matrix()(t * 2, i) = static_cast<Real>(rng.uniform());
    const std::size_t first = rng.next_u64() % (steps / 2), second = steps / 2 + rng.next_u64() % (steps - steps / 2);
    x.matrix()(first * 2 + 1, i) = 1;
    x.matrix()(second * 2 + 1, i) = 1;
    y.matrix()(0, i) = x.matrix()(first * 2, i) + x.matrix()(second * 2, i);
  }
}

// ‖∂L_i/∂h_t‖ of one sequence's own loss, averaged over the sequences of x, for every step t; returned by
// the distance to the loss, T − 1 − t (the loss reads the last state only). The batch loss is the mean of
// the n per-sequence losses, so ∂L_i/∂h_t is n times the batch gradient's column i.
std::vector<double> gradient_norms_by_distance(Sequential<Real>& model, const Loss<Real>& loss, const Tensor<Real>& x,
                                               const Tensor<Real>& y) {
  const Tensor<Real>& out = model.forward(x, Context{});
  Tensor<Real> dy;
  loss.gradient(out, y, dy);
  model.backward(dy);
  auto& recurrent = dynamic_cast<Recurrent<Real>&>(model.layer(0));
  const std::size_t steps = x.shape()[1], n = x.batch();
  std::vector<double> norms(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    const arma::Mat<Real> delta = recurrent.state_gradient(t);  // (H x n)
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(n) * arma::norm(arma::conv_to<arma::vec>::from(delta.col(i)));
    norms[steps - 1 - t] = sum / static_cast<double>(n);
  }
  return norms;
}

// Test MSE after every epoch.
struct TestLoss : TrainingObserver<Real> {
  TestLoss(Sequential<Real>& m, const Loss<Real>& l, const Tensor<Real>& x, const Tensor<Real>& y) : model(m), loss(l), x_test(x), y_test(y) {}
  bool on_epoch_end(std::size_t, const History&) override {
    values.push_back(evaluate(model, loss, x_test, y_test, 500).loss);
    return false;
  }
  Sequential<Real>& model;
  const Loss<Real>& loss;
  const Tensor<Real>& x_test;
  const Tensor<Real>& y_test;
  std::vector<double> values;
};

struct AddingRun {
  RecurrentCell cell;
  std::size_t steps = 0;
  std::vector<double> test_mse;                     // after each epoch
  std::vector<double> norms_before, norms_after;   // by distance, when measured
  double seconds = 0;
};

struct AddingSizes {
  std::vector<std::size_t> lengths;
  std::size_t train, test, hidden, epochs, batch;
  std::size_t probe_length;  // T of the vanishing-gradient figure
};

AddingRun train_adding(const LabContext& ctx, const AddingSizes& sizes, RecurrentCell cell, std::size_t steps, double lr) {
  Rng data_rng(ctx.seed + steps);  // the same data for every cell at one length
  Tensor<Real> x, y, x_test, y_test;
  adding_problem(sizes.train, steps, data_rng, x, y);
  adding_problem(sizes.test, steps, data_rng, x_test, y_test);
  Rng rng(ctx.seed);
  Sequential<Real> model;
  model.add(make_recurrent<Real>(cell, 2, RecurrentOptions(sizes.hidden), rng)).add<Dense<Real>>(sizes.hidden, 1, rng);
  remember_by_default(model.layer(0));
  MeanSquaredError<Real> mse;
  AddingRun run{cell, steps, {}, {}, {}, 0};
  const bool probe = steps == sizes.probe_length && cell != RecurrentCell::slide_lstm;
  // The probe: the first 256 test sequences (the slide's LSTM is left out: its h is not fed back, so only
  // the last h_t reaches the loss; its memory is c).
  const Tensor<Real> x_probe = x_test.gather(arma::regspace<arma::uvec>(0, 255)), y_probe = y_test.gather(arma::regspace<arma::uvec>(0, 255));
  if (probe) run.norms_before = gradient_norms_by_distance(model, mse, x_probe, y_probe);
  Adam<Real> adam(lr);
  GradientClipping<Real> clip(kClip);
  TestLoss curve(model, mse, x_test, y_test);
  FitOptions options{sizes.epochs, sizes.batch};
  options.accuracy = false;
  FitProgress<Real> progress(cell_name(cell) + ", T = " + std::to_string(steps), options, sizes.train);
  const auto start = std::chrono::steady_clock::now();
  lab_fit(model, mse, adam, x, y, options, rng, {&progress, &clip, &curve});
  run.seconds = seconds_since(start);
  run.test_mse = curve.values;
  if (probe) run.norms_after = gradient_norms_by_distance(model, mse, x_probe, y_probe);
  std::cout << "  " << cell_label(cell) << ", T = " << steps << ": test MSE " << fixed(run.test_mse.back(), 4) << " after " << count_of(sizes.epochs, "epoch")
            << " (" << fixed(run.seconds, 1) << " s)\n";
  return run;
}

std::string mode_note(const LabContext& ctx, const std::string& quick, const std::string& full) {
  return ctx.full ? "full mode: " + full : "QUICK MODE: " + quick + "; `--full` reproduces with " + full;
}

void adding_and_gradients(const LabContext& ctx) {
  AddingSizes sizes;
  if (ctx.full) sizes = {{10, 50, 100, 200}, 20000, 2000, 64, static_cast<std::size_t>(ctx.epochs_or(4, 20)), 50, 100};
  else sizes = {{10, 50, 100}, 10000, 1000, 32, static_cast<std::size_t>(ctx.epochs_or(10, 20)), 32, 50};
  const double lr = ctx.options["lr"].as<double>();
  const std::string sizes_text = std::to_string(sizes.train) + " training sequences, " + count_of(sizes.epochs, "epoch") + ", " +
                                 std::to_string(sizes.hidden) + " hidden units";
  std::cout << "\nThe adding problem: " << sizes_text << ", Adam lr " << lr << ", batch " << sizes.batch << ", clipping at ‖g‖ = " << kClip << "\n";

  std::vector<AddingRun> runs;
  for (std::size_t steps : sizes.lengths)
    for (RecurrentCell cell : {RecurrentCell::simple_rnn, RecurrentCell::lstm, RecurrentCell::slide_lstm})
      runs.push_back(train_adding(ctx, sizes, cell, steps, lr));

  const std::string note = mode_note(ctx, sizes_text, "20,000 training sequences, 20 epochs, 64 hidden units and T up to 200");
  Table table("The adding problem: test MSE on " + std::to_string(sizes.test) + " sequences (predicting 1: 0.167; solved: below 0.01)",
              {"T", "cell", "test MSE", "best epoch's MSE", "solved (< 0.01)", "predicting 1", "training"});
  for (const AddingRun& r : runs) {
    const double best = *std::min_element(r.test_mse.begin(), r.test_mse.end());
    table.add_row({std::to_string(r.steps), cell_label(r.cell), fixed(r.test_mse.back(), 4), fixed(best, 4), r.test_mse.back() < kSolvedMse ? "yes" : "no",
                   fixed(kTrivialMse, 3), count_of(r.test_mse.size(), "epoch") + ", " + fixed(r.seconds, 0) + " s"});
  }
  table.add_note("[paper: Hochreiter & Schmidhuber 1997, experiment 4]: two marked values among T, one in each half; target their sum. "
                 "Predicting 1 always gives 1/6 = 0.167 (the variance of a sum of two U(0, 1)); \"solved\" is the usual MSE < 0.01");
  table.add_note("every cell: same data, same seed, Adam, gradient clipping by global norm at 1 [paper: Pascanu, Mikolov & Bengio 2013]; "
                 "both LSTMs start with a forget-gate bias of 1 (keras' unit_forget_bias)");
  table.add_note(note);
  table.print(std::cout);
  table.save(ctx.out_path("adding_problem"));

  Plot plot;
  plot.title = "The adding problem: test MSE per epoch";
  plot.xlabel = "epoch";
  plot.ylabel = "test MSE";
  plot.log_y = true;
  plot.integer_x = true;
  for (const AddingRun& r : runs) plot.add(per_epoch(cell_name(r.cell) + ", T = " + std::to_string(r.steps), r.test_mse, "linespoints"));
  const std::vector<double> trivial(sizes.epochs, kTrivialMse), solved(sizes.epochs, kSolvedMse);
  plot.add(per_epoch("predicting 1 (0.167)", trivial, "lines lc rgb 'black' dt 2"));
  plot.add(per_epoch("solved (0.01)", solved, "lines lc rgb 'gray' dt 3"));
  plot.save(ctx.out_path("adding_problem"));

  // The vanishing gradient.
  const std::vector<std::size_t> distances = {0, 5, 10, 25, sizes.probe_length - 1};
  std::vector<std::string> columns = {"cell", "when"};
  for (std::size_t k : distances) columns.push_back("‖∂L/∂h‖ at distance " + std::to_string(k));
  columns.push_back("ratio, distance " + std::to_string(sizes.probe_length - 1) + " / 0");
  Table gradients("Vanishing gradients: mean ‖∂L_i/∂h_t‖ over 256 test sequences of the adding problem, T = " +
                      std::to_string(sizes.probe_length) + ", by the distance T − 1 − t to the loss",
                  columns);
  Plot figure;
  figure.title = "‖∂L/∂h_t‖ against the distance to the loss (adding problem, T = " + std::to_string(sizes.probe_length) + ")";
  figure.xlabel = "distance to the loss, T − 1 − t (steps)";
  figure.ylabel = "mean ‖∂L_i/∂h_t‖";
  figure.log_y = true;
  for (const AddingRun& r : runs) {
    if (r.norms_before.empty()) continue;
    for (const auto& [when, norms] : {std::pair<std::string, const std::vector<double>*>{"at initialisation", &r.norms_before},
                                      {"after training", &r.norms_after}}) {
      std::vector<std::string> row = {cell_label(r.cell), when};
      for (std::size_t k : distances) {
        std::ostringstream v;
        v.precision(2);
        v << std::scientific << (*norms)[k];
        row.push_back(v.str());
      }
      std::ostringstream ratio;
      ratio.precision(1);
      ratio << std::scientific << norms->back() / norms->front();
      row.push_back(ratio.str());
      gradients.add_row(row);
      Series s;
      s.name = cell_name(r.cell) + ", " + when;
      for (std::size_t k = 0; k < norms->size(); ++k) {
        s.x.push_back(static_cast<double>(k));
        s.y.push_back(std::max((*norms)[k], kSmallestFloat));  // a log axis takes no 0: an underflow is drawn at the bottom
      }
      s.style = "lines";
      figure.add(s);
    }
  }
  gradients.add_note("[slide: Recurrent Neural Network] ∂h_t/∂h_k = Π diag(1 − h_j²) W_hh shrinks (or grows) geometrically with t − k; "
                     "along the LSTM's cell ∂c_t/∂c_{t−1} = diag(f_t) [slide: Long Short Term Memory] (docs/rnn.md)");
  gradients.add_note("0.00e+00: below the smallest normal float, 1.2e-38 (the product underflowed; subnormals are flushed to zero, "
                     "see docs/rnn.md; the plot draws it at 1.2e-38)");
  gradients.add_note("the slide's LSTM is not shown: its h is not fed back, so only the last h_t reaches the loss (its memory path is c)");
  gradients.add_note(note);
  gradients.print(std::cout);
  gradients.save(ctx.out_path("vanishing_gradients"));
  figure.save(ctx.out_path("vanishing_gradients"));
}

// ---------------------------------------------------------------------------------------------------------
// Sequential MNIST: an image as 28 steps of 28 pixels (its rows), or 784 steps of one pixel.
struct TestErrors : TrainingObserver<Real> {
  TestErrors(Sequential<Real>& m, const Dataset& t, const Tensor<Real>& x) : model(m), test(t), x_test(x) {}
  bool on_epoch_end(std::size_t epoch, const History& h) override {
    const arma::uvec predicted = model.predict_classes(x_test, 500);
    errors.push_back(100.0 * static_cast<double>(arma::accu(predicted != test.y)) / static_cast<double>(test.size()));
    std::cout << "  epoch " << epoch + 1 << ": training loss " << fixed(h["loss"].back(), 4) << ", test error " << fixed(errors.back(), 2) << "%\n";
    return false;
  }
  Sequential<Real>& model;
  const Dataset& test;
  const Tensor<Real>& x_test;
  std::vector<double> errors;
};

struct MnistRun {
  std::string label;
  std::size_t train = 0, epochs = 0, steps = 0;
  std::vector<double> errors;
  double seconds = 0;
};

MnistRun sequential_mnist(const LabContext& ctx, const DataSplit& mnist, bool pixels, std::size_t train_size, std::size_t epochs) {
  const std::size_t hidden = 128;
  const Dataset train = train_size < mnist.train.size() ? mnist.train.subset(arma::regspace<arma::uvec>(0, train_size - 1)) : mnist.train;
  const std::size_t steps = pixels ? 784 : 28, d = pixels ? 1 : 28;
  const Tensor<Real> x = rows_as_sequences(train.x).reshaped(Shape{train.size(), steps, d});
  const Tensor<Real> x_test = rows_as_sequences(mnist.test.x).reshaped(Shape{mnist.test.size(), steps, d});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(train.y, 10));
  MnistRun run{pixels ? "pixel by pixel (784 steps of 1 pixel)" : "row by row (28 steps of 28 pixels)", train.size(), epochs, steps, {}, 0};
  std::cout << "\nSequential MNIST, " << run.label << ": LSTM " << hidden << " → dense 10 on " << train.size() << " images, " << count_of(epochs, "epoch") << "\n";
  Rng rng(ctx.seed);
  Sequential<Real> model;
  model.add<LSTM<Real>>(d, RecurrentOptions(hidden), rng).add<Dense<Real>>(hidden, 10, rng);
  remember_by_default(model.layer(0));
  SoftmaxCrossEntropy<Real> loss;
  Adam<Real> adam(2e-3);
  GradientClipping<Real> clip(kClip);
  TestErrors curve(model, mnist.test, x_test);
  FitOptions options{epochs, 64};
  FitProgress<Real> progress(std::string("LSTM, ") + (pixels ? "pixels" : "rows"), options, train.size(), FitProgress<Real>::Bars::per_epoch);
  const auto start = std::chrono::steady_clock::now();
  lab_fit(model, loss, adam, x, y, options, rng, {&progress, &clip, &curve});
  run.seconds = seconds_since(start);
  run.errors = curve.errors;
  return run;
}

void mnist_part(const LabContext& ctx) {
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const std::size_t train = ctx.full ? 60000 : 20000, epochs = static_cast<std::size_t>(ctx.epochs_or(3, 10));
  std::vector<MnistRun> runs = {sequential_mnist(ctx, mnist, false, train, epochs)};
  if (ctx.full) runs.push_back(sequential_mnist(ctx, mnist, true, 60000, static_cast<std::size_t>(ctx.epochs_or(2, 2))));

  Table table("Sequential MNIST: LSTM test error on the 10,000 test images", {"method", "test error %", "source"});
  // Pixel-by-pixel figures (accuracy 65% and 98.2% as published) for scale; no paper reports the row-by-row task.
  table.add_row({"LSTM, pixel by pixel (784 steps)", "35.0", "Le, Jaitly & Hinton 2015, Table 1 (65% accuracy)"});
  table.add_row({"IRNN (ReLU RNN, identity init), pixel by pixel", "3.0", "Le, Jaitly & Hinton 2015, Table 1 (97% accuracy)"});
  table.add_row({"LSTM 128, pixel by pixel, RMSprop", "1.8", "Arjovsky, Shah & Bengio 2016, Table 1 (98.2% accuracy)"});
  for (const MnistRun& r : runs)
    table.add_row({"lecon LSTM 128 → dense 10, " + r.label + ", this run (" + count_of(r.epochs, "epoch") + ", " + std::to_string(r.train) +
                       " training images)",
                   fixed(r.errors.back(), 2), "Adam lr 0.002, batch 64, clipping at 1, forget bias 1, " + fixed(r.seconds, 0) + " s"});
  table.add_note("row by row, each step sees a whole row: a much easier task than pixel by pixel, where the label depends on 784 steps");
  table.add_note(mode_note(ctx, std::to_string(train) + " training images, " + count_of(epochs, "epoch") + ", rows only",
                           "all 60,000 images, 10 epochs by rows, then 2 epochs pixel by pixel"));
  table.print(std::cout);
  table.save(ctx.out_path("sequential_mnist"));
}

// ---------------------------------------------------------------------------------------------------------
// A character-level language model: LSTM → dense at every step, softmax over the next character.
struct Vocabulary {
  std::vector<char> chars;
  std::map<char, std::size_t> index;
};

// Windows of `steps` characters starting every `steps` characters: x one-hot of text[s, s+T), y of text[s+1, s+T+1).
void windows(const std::string& text, const Vocabulary& v, std::size_t steps, Tensor<Real>& x, Tensor<Real>& y) {
  const std::size_t n = (text.size() - 1) / steps, k = v.chars.size();
  x = Tensor<Real>(Shape{n, steps, k});
  y = Tensor<Real>(Shape{n, steps, k});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < steps; ++t) {
      x.matrix()(t * k + v.index.at(text[i * steps + t]), i) = 1;
      y.matrix()(t * k + v.index.at(text[i * steps + t + 1]), i) = 1;
    }
}

struct ValidationBits : TrainingObserver<Real> {
  ValidationBits(Sequential<Real>& m, const Tensor<Real>& x, const Tensor<Real>& y) : model(m), x_valid(x), y_valid(y) {}
  bool on_epoch_end(std::size_t epoch, const History& h) override {
    bits.push_back(evaluate(model, loss, x_valid, y_valid, 256).loss / std::log(2.0));
    training_bits.push_back(h["loss"].back() / std::log(2.0));
    std::cout << "  epoch " << epoch + 1 << ": training " << fixed(training_bits.back(), 3) << " bits/char, validation " << fixed(bits.back(), 3)
              << " bits/char\n";
    return false;
  }
  Sequential<Real>& model;
  const Tensor<Real>& x_valid;
  const Tensor<Real>& y_valid;
  SequenceSoftmaxCrossEntropy<Real> loss;
  std::vector<double> bits, training_bits;
};

// Samples `length` characters after `prefix`, re-running the model on the last `context` characters for
// every new one (the layers keep no state between calls): p(c) ∝ exp(z_c / temperature).
std::string sample(Sequential<Real>& model, const Vocabulary& v, const std::string& prefix, std::size_t length, std::size_t context,
                   double temperature, Rng& rng) {
  std::string text = prefix;
  const std::size_t k = v.chars.size();
  for (std::size_t generated = 0; generated < length; ++generated) {
    const std::size_t start = text.size() > context ? text.size() - context : 0, steps = text.size() - start;
    Tensor<Real> x(Shape{1, steps, k});
    for (std::size_t t = 0; t < steps; ++t) x.matrix()(t * k + v.index.at(text[start + t]), 0) = 1;
    const Tensor<Real>& z = model.forward(x, Context{});
    const Real* last = z.matrix().colptr(0) + (steps - 1) * k;
    std::vector<double> p(k);
    double top = -1e300, sum = 0;
    for (std::size_t c = 0; c < k; ++c) top = std::max(top, static_cast<double>(last[c]) / temperature);
    for (std::size_t c = 0; c < k; ++c) sum += p[c] = std::exp(static_cast<double>(last[c]) / temperature - top);
    double u = rng.uniform() * sum;
    std::size_t c = 0;
    while (c + 1 < k && (u -= p[c]) > 0) ++c;
    text += v.chars[c];
  }
  return text;
}

// Bits per character of a model that knows only the characters' frequencies in `train`, on `valid`.
double order0_bits(const std::string& train, const std::string& valid) {
  std::map<char, double> count;
  for (char c : train) count[c] += 1;
  double bits = 0;
  for (char c : valid) bits -= std::log2(count[c] / static_cast<double>(train.size()));
  return bits / static_cast<double>(valid.size());
}

// Bits per character of zlib at level 9 (gzip -9) on the text.
double deflate_bits(const std::string& text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::vector<Bytef> out(size);
  if (compress2(out.data(), &size, reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()), 9) != Z_OK)
    throw Error("zlib: compress2 failed");
  return 8.0 * static_cast<double>(size) / static_cast<double>(text.size());
}

void char_model(const LabContext& ctx) {
  std::string path = ctx.options["text"].as<std::string>();
  if (path.empty()) path = ctx.data_dir + "/" + kText;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, std::string("not found (the lab's text is data/") + kText + ", committed; --text names another)");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() < 10000) throw FileError(path, "expected at least 10,000 characters of text, got " + std::to_string(text.size()));
  Vocabulary v;
  for (char c : std::set<char>(text.begin(), text.end())) {
    v.index[c] = v.chars.size();
    v.chars.push_back(c);
  }
  const std::size_t split = text.size() * 9 / 10;
  const std::string train_text = text.substr(0, split), valid_text = text.substr(split);
  const std::size_t steps = ctx.full ? 100 : 50, hidden = ctx.full ? 256 : 128, epochs = static_cast<std::size_t>(ctx.epochs_or(6, 20));
  Tensor<Real> x, y, xv, yv;
  windows(train_text, v, steps, x, y);
  windows(valid_text, v, steps, xv, yv);
  std::cout << "\nCharacter-level LSTM language model on " << path << " (" << text.size() << " characters, " << v.chars.size()
            << " distinct; the last 10% for validation): LSTM " << hidden << " → dense " << v.chars.size() << " at every step, windows of "
            << steps << ", " << count_of(epochs, "epoch") << "\n";
  Rng rng(ctx.seed);
  Sequential<Real> model;
  model.add<LSTM<Real>>(v.chars.size(), RecurrentOptions(hidden).sequences(), rng).add<TimeDistributedDense<Real>>(hidden, v.chars.size(), rng);
  remember_by_default(model.layer(0));
  SequenceSoftmaxCrossEntropy<Real> loss;
  Adam<Real> adam(5e-3);
  GradientClipping<Real> clip(kClip);
  ValidationBits curve(model, xv, yv);
  FitOptions options{epochs, 16};
  options.accuracy = false;
  FitProgress<Real> progress("character LSTM", options, x.batch(), FitProgress<Real>::Bars::per_epoch);
  const auto start = std::chrono::steady_clock::now();
  lab_fit(model, loss, adam, x, y, options, rng, {&progress, &clip, &curve});
  const double seconds = seconds_since(start);

  Table table("Character-level language model: validation bits per character (" + std::to_string(valid_text.size()) + " characters)",
              {"model", "validation bits/char", "source"});
  table.add_row({"uniform over the " + std::to_string(v.chars.size()) + " characters", fixed(std::log2(static_cast<double>(v.chars.size())), 3),
                 "log2 of the alphabet"});
  table.add_row({"character frequencies only (order 0)", fixed(order0_bits(train_text, valid_text), 3), "counted on the training part, this run"});
  table.add_row({"zlib deflate level 9 (gzip -9) on the validation part", fixed(deflate_bits(valid_text), 3), "measured in this run"});
  for (std::size_t e = 0; e < curve.bits.size(); ++e)
    table.add_row({"lecon LSTM " + std::to_string(hidden) + ", epoch " + std::to_string(e + 1), fixed(curve.bits[e], 3),
                   e + 1 == curve.bits.size() ? "Adam lr 0.005, batch 16, windows of " + std::to_string(steps) + ", " + fixed(seconds, 0) + " s" : ""});
  table.add_note("text: the King James Version of Genesis (public domain; data/text/README.md says where it comes from)");
  table.add_note(mode_note(ctx, "128 hidden units, windows of 50, " + count_of(epochs, "epoch"),
                           "256 hidden units, windows of 100, 20 epochs"));
  table.print(std::cout);
  table.save(ctx.out_path("char_model"));

  Plot plot;
  plot.title = "Character-level LSTM: bits per character per epoch";
  plot.xlabel = "epoch";
  plot.ylabel = "bits per character";
  plot.integer_x = true;
  plot.add(per_epoch("validation", curve.bits, "linespoints"));
  plot.add(per_epoch("training (mean over the epoch)", curve.training_bits, "linespoints"));
  plot.add(per_epoch("character frequencies only", std::vector<double>(curve.bits.size(), order0_bits(train_text, valid_text)), "lines lc rgb 'black' dt 2"));
  plot.save(ctx.out_path("char_bits"));

  std::ostringstream samples;
  Rng sampler(ctx.seed + 7);
  for (double temperature : {0.5, 1.0}) {
    samples << "--- temperature " << fixed(temperature, 1) << " (after " << count_of(epochs, "epoch") << ", " << fixed(curve.bits.back(), 3)
            << " validation bits/char) ---\n"
            << sample(model, v, "And God said", 300, steps, temperature, sampler) << "\n\n";
  }
  std::cout << "\nSamples after the prefix \"And God said\":\n" << samples.str();
  write_file_atomically(ctx.out_path("char_samples.txt"), samples.str());
}

const std::vector<std::string> kParts = {"adding", "mnist", "text"};

std::set<std::string> parts_of(const LabContext& ctx) {
  std::set<std::string> parts;
  for (const std::string& part : nonempty_comma_list("parts", ctx.options["parts"].as<std::string>(), "one or more of adding, mnist and text")) {
    if (std::find(kParts.begin(), kParts.end(), part) == kParts.end())
      throw OptionError("--parts: '" + part + "' is not a part of the lab; expected a comma-separated list of adding, mnist and text");
    parts.insert(part);
  }
  return parts;
}

void run(const LabContext& ctx) {
  register_rnn_layers();
  const std::set<std::string> parts = parts_of(ctx);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  if (parts.count("adding")) adding_and_gradients(ctx);
  if (parts.count("mnist")) mnist_part(ctx);
  if (parts.count("text")) char_model(ctx);
  std::cout << "\nlab 10 " << (ctx.full ? "full" : "quick") << " mode took " << fixed(seconds_since(start), 0) << " s ("
            << fixed(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC, 0) << " s of processor time)\n";
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("10_rnn", "Recurrent networks: vanishing gradients, the adding problem, sequential MNIST, a character-level LSTM", true);
  lab.writes("vanishing_gradients.{md,csv}", "‖∂L/∂h_t‖ by the distance to the loss, RNN and LSTM, before and after training")
     .writes("vanishing_gradients.{png,gp}", "the same curves, log scale")
     .writes("adding_problem.{md,csv}", "test MSE of the RNN and the two LSTMs at every length, against predicting 1")
     .writes("adding_problem.{png,gp}", "test MSE per epoch, one line per cell and length")
     .writes("sequential_mnist.{md,csv}", "LSTM test error on MNIST read row by row (and pixel by pixel in full mode)")
     .writes("char_model.{md,csv}", "validation bits per character per epoch against order-0 and gzip")
     .writes("char_bits.{png,gp}", "bits per character per epoch")
     .writes("char_samples.txt", "text sampled at temperatures 0.5 and 1.0");
  lab.real_option("lr", 0.01, "Adam learning rate of the adding problem, > 0", Range::above(0));
  lab.options().add_options()("text", po::value<std::string>()->default_value(""),
                              "text file for the character model (default: <data-dir>/text/genesis-kjv.txt)");
  lab.options().add_options()("parts", po::value<std::string>()->default_value("adding,mnist,text"),
                              "the parts to run: adding (with the vanishing gradients), mnist, text");
  lab.add_check([](const LabContext& ctx) {
    parts_of(ctx);
    const std::string text = ctx.options["text"].as<std::string>();
    if (!text.empty() && !std::filesystem::is_regular_file(text)) throw OptionError("--text " + text + ": expected a text file");
  });
  return lab.run(argc, argv, run);
}
