// Lab 09: convolutional networks. LeNet (conv 5x5 20 -> max-pool 2 -> conv 5x5 50 -> max-pool 2 ->
// dense 500 ReLU -> dense 10) trained on MNIST and on Fashion-MNIST, and on CIFAR-10 when make data found
// it (data/cifar10.h5: the official binary files, or the JPEG re-encodings of a mirror) or --cifar-dir names
// the official files; on CIFAR-10 also a network made for it, cuda-convnet's layers-18pct, trained with
// random crops and flips. For each: test error next to the published figures, a confusion table, the
// first layer's filters and a grid of misclassified test images as PNG; test error per epoch in one plot;
// and the weight-sharing count (LeNet's parameters against dense layers of the same shape).
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "lecon/backprop/sequential.hpp"
#include "lecon/cnn/augmentation.hpp"
#include "lecon/cnn/cifar_net.hpp"
#include "lecon/cnn/conv2d.hpp"
#include "lecon/cnn/lenet.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/captioned_grid.hpp"
#include "lecon/labkit/confusion.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/lab_fit.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/png.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/schedule.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/regularisation/weight_decay.hpp"

namespace {

using namespace lecon;

// Caffe's LeNet recipe: SGD lr 0.01, momentum 0.9, batch 64, weight decay 5e-4 (here: lr halved every
// 5 epochs instead of Caffe's "inv" policy).
constexpr double kMomentum = 0.9, kWeightDecay = 5e-4;
constexpr std::size_t kBatch = 64;
const char* kFashionReadme = "/usr/share/doc/dataset-fashion-mnist/README.md.gz";
const char* kStandInMarker = "STAND-IN.txt";  // written by the tests next to generated CIFAR files

struct Reference {
  std::string method;
  double error_percent;
  std::string source;
};

// The lecture's MNIST table (LeCun's page) with the corrections in docs/references.md, and the LeNet row of
// the DeepLearningTutorials: the same layer sizes as this lab's network, with tanh units and plain SGD.
const std::vector<Reference> kMnistReferences = {
    {"linear classifier", 7.6, "LeCun et al. 1998 (lecture table)"},
    {"quadratic classifier on 40 PCA features", 3.3, "LeCun et al. 1998 (lecture table)"},
    {"LSTM 128, pixel by pixel (784 steps) (lecon's row-by-row LSTM: lab 10, its sequential_mnist table)", 1.8, "Arjovsky, Shah & Bengio 2016 (docs/references.md)"},
    {"2-layer NN 784-800-10 (the slide's \"convolution, 2 couches\")", 1.6, "Simard et al. 2003 (lecture table)"},
    {"LeNet 20/50 (tanh, plain SGD), DeepLearningTutorials", 0.92, "DeepLearningTutorials (docs/references.md)"},
    {"SdA 3x1000, pretrained, DeepLearningTutorials", 1.3, "DeepLearningTutorials (docs/references.md)"},
    {"DBN 784-500-500-2000-10, pretrained, fine-tuned", 1.2, "Hinton & Salakhutdinov 2006 (docs/references.md)"},
    {"SVM", 0.56, "virtual SVM, DeCoste & Schoelkopf 2002, on LeCun's page (lecture table)"},
    {"KNN", 0.52, "K-NN with non-linear deformation, Keysers et al. 2007, on LeCun's page (lecture table)"},
    {"deep NN", 0.35, "Ciresan et al. 2010 (lecture table)"},
    {"committee of convolutional nets", 0.23, "Ciresan et al. 2012 (lecture table)"},
};

// lecon's full-mode MNIST figures of other labs, read from their Markdown tables in the same --out folder: the
// cell `column` (0 = the first) of the row starting with `row_start`, its leading number.
struct FullModeRow {
  std::string label, lab, file_stem, row_start;
  std::size_t column;
};
const std::vector<FullModeRow> kFullModeRows = {
    {"lecon SdA 3x1000, pretrained, fine-tuned", "lab 07", "07_autoencoders_vincent2008", "MNIST (50,000", 8},
    {"lecon DBN 784-500-500-2000-10, pretrained, fine-tuned", "lab 08", "08_dbn_classifier", "DBN: RBMs pretrained", 1}};

// The figure, or nothing when the file is missing, was written in quick mode or lacks the row or a number.
std::optional<double> full_mode_figure(const std::string& path, const std::string& row_start, std::size_t column) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::optional<double> figure;
  for (std::string line; std::getline(in, line);) {
    if (line.find("quick mode") != std::string::npos) return std::nullopt;
    if (line.rfind("| " + row_start, 0) != 0) continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
    if (column >= cells.size()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(cells[column].c_str(), &end);
    if (end != cells[column].c_str() && std::isfinite(value)) figure = value;
  }
  return figure;
}

// Fashion-MNIST baselines from the table in the Debian package's README (accuracy), by row name.
std::vector<Reference> fashion_references() {
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"2 Conv+pooling | None | 0.916", "TensorFlow example: 2 conv + pooling"},
      {"MLP 256-128-100", "MLP 256-128-100"},
      {"Human Performance", "human (crowd-sourced, no fashion expertise)"},
      {"WRN40-4", "wide ResNet WRN40-4, 8.9M parameters, augmentation"}};
  std::string text;
  if (gzFile file = gzopen(kFashionReadme, "rb")) {
    char buffer[8192];
    for (int n; (n = gzread(file, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    gzclose(file);
  }
  std::vector<Reference> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    for (const auto& [key, name] : wanted) {
      if (line.rfind('|', 0) != 0 || line.find(key) == std::string::npos) continue;
      // | classifier | preprocessing | test accuracy | ...
      std::vector<std::string> cells;
      std::istringstream row(line.substr(1));
      for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
      if (cells.size() < 3) continue;
      try {
        found.push_back({name, 100.0 * (1.0 - std::stod(cells[2])), "dataset-fashion-mnist README.md.gz"});
      } catch (const std::exception&) {
      }
    }
  return found;
}

// Test error (%) after every epoch, and the last epoch's predictions (for the confusion table and images).
struct TestErrors : TrainingObserver<Real> {
  TestErrors(Sequential<Real>& m, const Dataset& t) : model(m), test(t) {}
  bool on_epoch_end(std::size_t epoch, const History& h) override {
    predicted = model.predict_classes(test.x, 500);
    const double error = 100.0 * static_cast<double>(arma::accu(predicted != test.y)) / static_cast<double>(test.size());
    errors.push_back(error);
    std::cout << "  epoch " << epoch + 1 << ": training loss " << fixed(h["loss"].back(), 4) << ", test error " << fixed(error, 2) << "% ("
              << fixed(h.seconds.back(), 0) << " s)" << std::endl;  // flushed: a long run's log shows every epoch at once
    return false;
  }
  Sequential<Real>& model;
  const Dataset& test;
  std::vector<double> errors;
  arma::uvec predicted;
};

struct Outcome {
  std::string label;
  double seconds = 0;
  std::size_t epochs = 0, train_size = 0;
  std::vector<double> errors;  // test error (%) after each epoch
  double test_error() const { return errors.back(); }
};

// The first `limit` training images (all when limit is 0 or not smaller).
Dataset first_images(const Dataset& train, std::size_t limit) {
  return limit > 0 && limit < train.size() ? train.subset(arma::regspace<arma::uvec>(0, limit - 1)) : train;
}

// What every trained network writes: its confusion table, first-layer filters (in colour for RGB input),
// and the first 100 misclassified test images with their list. `key` names the files, `net` the network;
// `data_label` is what Table::set_data_label puts on its tables (run() makes it: the label of the CIFAR-10
// JPEG re-encoding or of stand-in files, empty for the original data).
void report_predictions(const LabContext& ctx, const std::string& key, const std::string& label, const std::string& data_label,
                        const std::string& net, Sequential<Real>& model, const Dataset& test, const arma::uvec& predicted, std::size_t first_conv) {
  Table confusion = confusion_table(label + ": " + net + " confusion table on the " + std::to_string(test.size()) +
                                        " test images (rows: predicted, columns: actual, as R's table(predicted, actual))",
                                    predicted, test.y, test.class_names);
  confusion.set_data_label(data_label);
  confusion.print(std::cout);
  confusion.save(ctx.out_path(key + "_confusion"));

  // The first layer's filters: column f of W is filter f, its (c, u, v) entries a (c, K, K) image.
  auto& conv1 = dynamic_cast<Conv2D<Real>&>(model.layer(first_conv));
  const ConvGeometry& g = conv1.geometry();
  const Tensor<Real> filters(Shape{g.filters, g.channels, g.kernel, g.kernel}, conv1.W().value);
  write_png(ctx.out_path(key + "_filters.png"),
            image_grid(filters, arma::conv_to<std::vector<std::size_t>>::from(arma::regspace<arma::uvec>(0, filters.batch() - 1)), g.filters > 20 ? 8 : 10,
                       Scaling::per_tile, 1, 12));
  // The first 100 misclassified test images, each captioned "true → predicted" (on two lines for class
  // names longer than a digit).
  const arma::uvec wrong = arma::find(predicted != test.y);
  const arma::uvec shown = wrong.head(std::min<arma::uword>(wrong.n_elem, 100));
  if (!shown.is_empty()) {
    CaptionedGrid grid;
    grid.title = label + ", " + net + ": the first " + std::to_string(shown.n_elem) + " misclassified test images, true → predicted";
    grid.tiles = image_tiles(test.x, arma::conv_to<std::vector<std::size_t>>::from(shown));
    for (arma::uword i : shown) {
      const std::string& truth = test.class_names[test.y[i]];
      const std::string& guess = test.class_names[predicted[i]];
      grid.captions.push_back(truth + (truth.size() + guess.size() <= 4 ? " → " : "\n→ ") + guess);
    }
    grid.save(ctx.out_path(key + "_misclassified"));
  }
  std::ostringstream list;
  list << "# the misclassified test images of " << key << "_misclassified.png, row by row: index, actual, predicted\n";
  for (arma::uword i : shown) list << i << ", " << test.class_names[test.y[i]] << ", " << test.class_names[predicted[i]] << '\n';
  write_file_atomically(ctx.out_path(key + "_misclassified.txt"), list.str());
}

// Trains LeNet on one data set and writes its confusion table, filters and misclassified images.
Outcome train_lenet(const LabContext& ctx, const std::string& key, const std::string& label, const std::string& data_label, const DataSplit& data,
                    std::size_t epochs, std::size_t limit) {
  const Dataset train = first_images(data.train, limit);
  const Dataset& test = data.test;
  const Shape& shape = train.x.shape();
  if (shape.rank() != 4) throw Error(label + ": expected images (n, channels, height, width), got " + shape.str());
  std::cout << "\n" << label << ": LeNet on " << train.size() << " training images " << shape.sample_str() << ", " << epochs << " epoch(s)\n";

  Rng rng(ctx.seed);
  Sequential<Real> model = lenet<Real>(shape[1], shape[2], shape[3], train.classes(), rng);
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(ctx.options["lr"].as<double>(), kMomentum);
  LearningRateScheduler<Real> schedule(sgd, StepDecay(ctx.options["lr"].as<double>(), 0.5, 5));
  L2Penalty<Real> decay(kWeightDecay);
  TestErrors curve(model, test);
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(train.y, train.classes()));
  FitOptions options{epochs, kBatch};
  // One bar per epoch, ended before TestErrors prints the epoch's line.
  FitProgress<Real> progress(label, options, train.size(), FitProgress<Real>::Bars::per_epoch);
  const History h = lab_fit(model, loss, sgd, train.x, y, options, rng, {&progress, &schedule, &decay, &curve});

  Outcome outcome{label, 0, epochs, train.size(), curve.errors};
  for (double s : h.seconds) outcome.seconds += s;
  // The trained model's predictions, from the last epoch's evaluation.
  report_predictions(ctx, key, label, data_label, "LeNet", model, test, curve.predicted, 0);
  return outcome;
}

// [paper: Krizhevsky, Sutskever & Hinton 2012, §2] the inputs are centred before training (they subtract the
// training set's mean image, as cuda-convnet's CIFAR data provider does); here each colour channel is also
// scaled, to mean 0 and standard deviation 1 over the training images:
//   x' = (x - μ_c) / σ_c,
// with the same μ and σ applied to the test images.
void standardise_channels(Dataset& train, Dataset& test) {
  const std::size_t channels = train.x.shape()[1], plane = train.x.shape()[2] * train.x.shape()[3];
  for (std::size_t c = 0; c < channels; ++c) {
    const arma::Mat<Real> values = train.x.matrix().rows(c * plane, (c + 1) * plane - 1);
    const double mean = arma::mean(arma::vectorise(arma::conv_to<arma::mat>::from(values)));
    const double stddev = std::max(arma::stddev(arma::vectorise(arma::conv_to<arma::mat>::from(values))), 1e-6);
    for (Dataset* part : {&train, &test})
      part->x.matrix().rows(c * plane, (c + 1) * plane - 1) = (part->x.matrix().rows(c * plane, (c + 1) * plane - 1) - Real(mean)) / Real(stddev);
  }
}

// The CIFAR network's recipe (ours; cuda-convnet's own used per-layer rates and ran hundreds of epochs):
// SGD with momentum 0.9, batch 64, L2 5e-4, learning rate 0.02 divided by 10 after 60% and again after 85%
// of the epochs, random 32x32 crops of the images zero-padded by 4 pixels and horizontal flips.
constexpr double kCifarRate = 0.02;
constexpr std::size_t kCifarPadding = 4;

double cifar_rate(std::size_t epoch, std::size_t epochs) {
  double rate = kCifarRate;
  if (static_cast<double>(epoch) >= 0.6 * static_cast<double>(epochs)) rate /= 10;
  if (static_cast<double>(epoch) >= 0.85 * static_cast<double>(epochs)) rate /= 10;
  return rate;
}

// Trains cuda-convnet's layers-18pct (with the augmentation layer in front) on CIFAR-10 and writes its
// confusion table, per-class accuracy, colour filters and misclassified images.
Outcome train_cifar_net(const LabContext& ctx, const std::string& label, const std::string& data_label, const DataSplit& data, std::size_t epochs,
                        std::size_t limit) {
  Dataset train = first_images(data.train, limit);
  Dataset test = data.test;
  if (train.x.shape().sample_str() != "(3, 32, 32)") throw Error(label + ": layers-18pct expects 3x32x32 images, got " + train.x.shape().sample_str());
  std::cout << "\n" << label << ": cuda-convnet layers-18pct with random crops (padding " << kCifarPadding << ") and flips, on " << train.size()
            << " training images, " << epochs << " epoch(s)\n";
  const Dataset shown_test = data.test;  // the unstandardised images, for the grid of mistakes
  standardise_channels(train, test);

  Rng rng(ctx.seed);
  Sequential<Real> model;
  model.add<RandomCropFlip<Real>>(kCifarPadding, true);
  add_cifar_18pct(model, train.classes(), rng);
  std::cout << model.summary(Shape{1, 3, 32, 32});
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(kCifarRate, kMomentum);
  LearningRateScheduler<Real> schedule(sgd, [epochs](std::size_t e) { return cifar_rate(e, epochs); });
  L2Penalty<Real> decay(kWeightDecay);
  TestErrors curve(model, test);
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(train.y, train.classes()));
  FitOptions options{epochs, kBatch};
  FitProgress<Real> progress(label + ", layers-18pct", options, train.size(), FitProgress<Real>::Bars::per_epoch);
  const History h = lab_fit(model, loss, sgd, train.x, y, options, rng, {&progress, &schedule, &decay, &curve});

  Outcome outcome{label, 0, epochs, train.size(), curve.errors};
  for (double s : h.seconds) outcome.seconds += s;
  const arma::uvec& predicted = curve.predicted;
  report_predictions(ctx, "cifar10_18pct", label, data_label, "layers-18pct", model, shown_test, predicted, 1);

  Table per_class(label + ": layers-18pct accuracy per class (" + std::to_string(test.size()) + " test images)",
                  {"class", "test images", "correct", "accuracy %"});
  for (std::size_t k = 0; k < test.classes(); ++k) {
    const arma::uvec of_class = arma::find(test.y == k);
    const auto correct = static_cast<std::size_t>(arma::accu(predicted.elem(of_class) == k));
    per_class.add_row({test.class_names[k], std::to_string(of_class.n_elem), std::to_string(correct),
                       of_class.is_empty() ? "-" : fixed(100.0 * static_cast<double>(correct) / static_cast<double>(of_class.n_elem), 1)});
  }
  per_class.set_data_label(data_label);
  per_class.print(std::cout);
  per_class.save(ctx.out_path("cifar10_18pct_per_class"));
  return outcome;
}

std::string row_name(const Outcome& o) {
  return "lecon LeNet, this run (" + std::to_string(o.epochs) + " epoch" + (o.epochs == 1 ? "" : "s") +
         (o.train_size < 50000 ? ", " + std::to_string(o.train_size) + " training images" : "") + ")";
}

const std::vector<std::string> kParts = {"mnist", "fashion-mnist", "cifar10-lenet", "cifar10-18pct"};
constexpr std::size_t kQuickCifarImages = 10000;  // quick mode trains both CIFAR networks on the first 10,000 images

void run(const LabContext& ctx) {
  const auto epochs = static_cast<std::size_t>(ctx.epochs_or(2, 15));
  const auto limit = static_cast<std::size_t>(ctx.options["train-limit"].as<int>());
  const std::vector<std::string> parts = split_comma_list(ctx.options["parts"].as<std::string>());
  auto wanted = [&](const std::string& part) { return std::find(parts.begin(), parts.end(), part) != parts.end(); };

  // Weight sharing, counted by the code (docs/cnn.md quotes this table).
  Rng rng(ctx.seed);
  Sequential<Real> probe = lenet<Real>(1, 28, 28, 10, rng);
  Table sharing("Weight sharing: LeNet's parameters on 28x28 MNIST against dense layers joining the same values",
                {"layer", "input", "output", "parameters", "dense layer, same input and output", "ratio"});
  std::size_t total = 0, total_dense = 0;
  for (const SharingRow& r : weight_sharing(probe, Shape{1, 1, 28, 28})) {
    sharing.add_row({r.layer, r.input.sample_str(), r.output.sample_str(), std::to_string(r.parameters), std::to_string(r.dense_equivalent),
                     fixed(static_cast<double>(r.dense_equivalent) / static_cast<double>(r.parameters), 1) + "x"});
    total += r.parameters;
    total_dense += r.dense_equivalent;
  }
  sharing.add_row({"total", "", "", std::to_string(total), std::to_string(total_dense),
                   fixed(static_cast<double>(total_dense) / static_cast<double>(total), 0) + "x"});
  sharing.add_note("a convolution reuses each 5x5 filter at every position; the dense layer would give every output its own weight to every input");
  sharing.print(std::cout);
  sharing.save(ctx.out_path("weight_sharing"));

  Plot plot;
  plot.title = "Test error per epoch";
  plot.xlabel = "epoch";
  plot.ylabel = "test error %";
  plot.log_y = true;
  plot.integer_x = true;
  plot.y_min = 0.3;  // from below LeNet's MNIST error to all-wrong
  plot.y_max = 100;

  // MNIST against the lecture's table.
  if (wanted("mnist")) {
    const Outcome mnist = train_lenet(ctx, "mnist", "MNIST", "", load_data(ctx.data_dir, "mnist"), epochs, limit);
    plot.add(per_epoch(mnist.label, mnist.errors, "linespoints"));
    Table mnist_table("MNIST test error: LeNet against the lecture's table (10,000 test images)", {"method", "test error %", "source"});
    for (const Reference& r : kMnistReferences) mnist_table.add_row({r.method, fixed(r.error_percent, 2), r.source});
    // lecon's own full-mode figures of the pretrained rows, when labs 07 and 08 ran in full mode into this --out.
    std::vector<std::string> missing;
    for (const FullModeRow& row : kFullModeRows) {
      const std::optional<double> figure = full_mode_figure(ctx.out_dir + "/" + row.file_stem + ".md", row.row_start, row.column);
      if (figure) mnist_table.add_row({row.label, fixed(*figure, 2), "this --out folder's " + row.file_stem + ".md (" + row.lab + " --full)"});
      else missing.push_back(row.lab + " --full");
    }
    if (!missing.empty())
      mnist_table.add_note("lecon's SdA and DBN rows appear here once " + missing.front() +
                           (missing.size() > 1 ? " and " + missing.back() + " have written their tables" : " has written its table") +
                           " into the same --out folder (quick-mode tables are not used)");
    mnist_table.add_row({row_name(mnist), fixed(mnist.test_error(), 2), "SGD lr " + fixed(ctx.options["lr"].as<double>(), 3) +
                                                                            " momentum 0.9, batch 64, L2 5e-4, " + fixed(mnist.seconds, 0) + " s"});
    mnist_table.add_note("the lecture's row \"neural network (convolution, 2 couches) 1.6\" is Simard et al.'s plain 784-800-10 network, not a "
                         "convolutional one (docs/references.md); LeNet 20/50 of the DeepLearningTutorials (tanh units, SGD without momentum) is the closest published figure");
    mnist_table.add_note(ctx.full ? "full mode: the issue's target is at most 1.0% test error"
                                  : "quick mode: a few epochs; make run MODE=--full (15 epochs) reproduces the published figure");
    mnist_table.print(std::cout);
    mnist_table.save(ctx.out_path("mnist"));
  }

  // Fashion-MNIST against the baselines shipped with the Debian package.
  if (wanted("fashion-mnist")) {
    const Outcome fashion = train_lenet(ctx, "fashion_mnist", "Fashion-MNIST", "", load_data(ctx.data_dir, "fashion-mnist"), epochs, limit);
    plot.add(per_epoch(fashion.label, fashion.errors, "linespoints"));
    Table fashion_table("Fashion-MNIST test accuracy: LeNet against the package's baselines (10,000 test images)",
                        {"method", "test accuracy", "test error %", "source"});
    const std::vector<Reference> baselines = fashion_references();
    for (const Reference& r : baselines) fashion_table.add_row({r.method, fixed(1 - r.error_percent / 100, 4), fixed(r.error_percent, 2), r.source});
    if (baselines.empty()) fashion_table.add_note(std::string("baselines not shown: ") + kFashionReadme + " is missing or has no baseline table");
    fashion_table.add_row({row_name(fashion), fixed(1 - fashion.test_error() / 100, 4), fixed(fashion.test_error(), 2), "this run, " + fixed(fashion.seconds, 0) + " s"});
    fashion_table.add_note("the baselines come from the benchmark table of the Debian package's README (benchmark/baselines.json holds only "
                           "scikit-learn parameter grids)");
    fashion_table.print(std::cout);
    fashion_table.save(ctx.out_path("fashion_mnist"));
  }

  // CIFAR-10, when present: the official binary files (--cifar-dir, or data/cifar-10-batches-bin), or
  // data/cifar10.h5 that `make data` converts from them or from the JPEG re-encodings of a mirror.
  if (wanted("cifar10-lenet") || wanted("cifar10-18pct")) {
    std::string cifar_dir = ctx.options["cifar-dir"].as<std::string>();
    const bool from_h5 = cifar_dir.empty() && std::filesystem::exists(ctx.data_dir + "/cifar10.h5");
    if (cifar_dir.empty()) cifar_dir = ctx.data_dir + "/cifar-10-batches-bin";
    if (from_h5 || std::filesystem::exists(cifar_dir + "/test_batch.bin")) {
      const DataSplit data = from_h5 ? load_data(ctx.data_dir, "cifar10") : load_cifar10_dir(cifar_dir);
      const bool stand_in = !from_h5 && std::filesystem::exists(cifar_dir + "/" + kStandInMarker);
      // data/cifar10.h5 says in its source attribute whether it holds the JPEG re-encodings (data/fetch.sh).
      const bool jpeg = data.source.find("JPEG q75 re-encoding") != std::string::npos;
      const std::string label = stand_in ? "CIFAR-10 STAND-IN (generated test files, not the real data)"
                                         : (jpeg ? "CIFAR-10, JPEG q75 re-encoding" : "CIFAR-10");
      const std::string data_label = stand_in || jpeg ? label : std::string();  // on every table these data feed
      const std::string source = from_h5 ? data.source : (stand_in ? "STAND-IN data from " : "official binary files in ") + cifar_dir;
      // Quick mode: the first 10,000 training images (all 10,000 test images), unless --train-limit says otherwise.
      const std::size_t cifar_limit = limit > 0 ? limit : (ctx.full ? 0 : kQuickCifarImages);
      const auto net_epochs = static_cast<std::size_t>(ctx.options["cifar-epochs"].as<int>() > 0 ? ctx.options["cifar-epochs"].as<int>() : ctx.epochs_or(2, 30));
      Table cifar_table(label + ": test error", {"method", "test error %", "source"});
      cifar_table.set_data_label(data_label);
      cifar_table.add_row({"best published, 2015 (slide)", "3.50", "lecture slide"});
      cifar_table.add_row({"cuda-convnet layers-18pct, no augmentation", "18", "Krizhevsky, cuda-convnet (docs/references.md)"});
      cifar_table.add_row({"cuda-convnet layers-conv-local-11pct (64-filter convolutions, locally connected layers), translations and flips", "11",
                           "Krizhevsky, cuda-convnet (docs/references.md)"});
      if (wanted("cifar10-lenet")) {
        const Outcome cifar = train_lenet(ctx, "cifar10", label, data_label, data, epochs, cifar_limit);
        plot.add(per_epoch(cifar.label + ", LeNet", cifar.errors, "linespoints"));
        cifar_table.add_row({row_name(cifar) + ", no augmentation", fixed(cifar.test_error(), 2), source + ", " + fixed(cifar.seconds, 0) + " s"});
      }
      if (wanted("cifar10-18pct")) {
        const Outcome net = train_cifar_net(ctx, label, data_label, data, net_epochs, cifar_limit);
        plot.add(per_epoch(net.label + ", layers-18pct", net.errors, "linespoints"));
        cifar_table.add_row({"lecon layers-18pct without response normalisation, crops and flips, this run (" + std::to_string(net.epochs) + " epoch" +
                                 (net.epochs == 1 ? "" : "s") + (net.train_size < 50000 ? ", " + std::to_string(net.train_size) + " training images" : "") + ")",
                             fixed(net.test_error(), 2), source + ", " + fixed(net.seconds, 0) + " s"});
      }
      if (stand_in) cifar_table.add_note("STAND-IN: these files were generated by the tests in the official format; the figures say nothing about CIFAR-10");
      if (jpeg)
        cifar_table.add_note("our rows: CIFAR-10, JPEG q75 re-encoding of the official images (mean absolute pixel error about 5.8/255, data/README.md); "
                             "the published rows are on the official pixels, so they compare in size, not digit for digit");
      cifar_table.add_note("LeNet sized for 32x32x3 input, no augmentation: far from the slide's deep networks by design; layers-18pct is "
                           "cuda-convnet's network for CIFAR-10 (docs/cnn.md says how ours differs)");
      cifar_table.add_note(ctx.full ? "full mode: the issue's target for layers-18pct is at most 20% test error"
                                    : "quick mode: " + std::to_string(cifar_limit == 0 ? data.train.size() : std::min(cifar_limit, data.train.size())) +
                                          " training images and a few epochs; make run MODE=--full trains on all 50,000 (layers-18pct: 30 epochs)");
      cifar_table.print(std::cout);
      cifar_table.save(ctx.out_path("cifar10"));
    } else {
      std::cout << "\nCIFAR-10: not found (neither " << ctx.data_dir << "/cifar10.h5 nor the official binary files in " << cifar_dir
                << "); skipped. To include it, run\n"
                   "  make data CIFAR=download\n"
                   "which downloads the official binary version, https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (163 MB, MD5 "
                   "c32a1d4ab5d03f1284b67883e8d87530), and converts it into "
                << ctx.data_dir << "/cifar10.h5; or download that file yourself, unpack it into " << ctx.data_dir
                << " (it creates cifar-10-batches-bin/) and run make data; or pass --cifar-dir <dir of the .bin files>\n";
    }
    std::cout << "CIFAR-100: make data converts its official binary version (cifar-100-binary/ placed under " << ctx.data_dir
              << ") into cifar100.h5, but lecon downloads no copy of it and no mirror holds one, so this lab does not train on it\n";
  }
  if (plot.series.empty()) return;  // --parts chose only CIFAR-10, and it is absent
  plot.save(ctx.out_path("test_error"));
  std::cout << "plots: " << ctx.out_path("test_error.png") << " and, per data set and network, <key>_filters.png and <key>_misclassified.png in "
            << ctx.out_dir << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("09_cnn", "LeNet on MNIST, Fashion-MNIST and (when present) CIFAR-10, and cuda-convnet's layers-18pct on CIFAR-10", true);
  lab.writes("weight_sharing.{md,csv}", "LeNet's parameters per layer against dense layers joining the same values")
     .writes("mnist.{md,csv}", "MNIST test error: LeNet against the lecture's table")
     .writes("fashion_mnist.{md,csv}", "Fashion-MNIST test accuracy: LeNet against the package's baselines")
     .writes("cifar10.{md,csv}", "CIFAR-10 test error of LeNet and layers-18pct beside the published figures, when CIFAR-10 is present")
     .writes("cifar10_18pct_per_class.{md,csv}", "layers-18pct's accuracy per CIFAR-10 class")
     .writes("{mnist,fashion_mnist,cifar10,cifar10_18pct}_confusion.{md,csv}", "table(predicted, actual) on the test images")
     .writes("{mnist,fashion_mnist,cifar10,cifar10_18pct}_filters.png", "the first-layer filters (LeNet 20, layers-18pct 32; in colour for CIFAR-10)")
     .writes("{mnist,fashion_mnist,cifar10,cifar10_18pct}_misclassified.{png,gp}", "the first 100 misclassified test images, captioned true → predicted")
     .writes("{mnist,fashion_mnist,cifar10,cifar10_18pct}_misclassified.txt", "the same images' indices, true and predicted classes")
     .writes("test_error.{png,gp}", "test error per epoch, one line per data set");
  lab.real_option("lr", 0.01, "initial learning rate, > 0 (halved every 5 epochs)", Range::above(0))
     .count_option("train-limit", 0, "train on the first N training images only (0: all; CIFAR-10 in quick mode: 10,000)", Range::at_least(0))
     .count_option("cifar-epochs", 0, "epochs of layers-18pct on CIFAR-10 (0: --epochs if given, else 2 quick, 30 full)", Range::at_least(0));
  lab.options().add_options()
    ("cifar-dir", po::value<std::string>()->default_value(""), "directory of the CIFAR-10 binary files (default: <data-dir>/cifar10.h5, else <data-dir>/cifar-10-batches-bin)")
    ("parts", po::value<std::string>()->default_value("mnist,fashion-mnist,cifar10-lenet,cifar10-18pct"),
     "comma-separated parts to run: mnist, fashion-mnist, cifar10-lenet, cifar10-18pct");
  lab.add_check([](const LabContext& ctx) {
    for (const std::string& part : nonempty_comma_list("parts", ctx.options["parts"].as<std::string>(), "one or more of mnist, fashion-mnist, cifar10-lenet and cifar10-18pct"))
      if (std::find(kParts.begin(), kParts.end(), part) == kParts.end())
        throw OptionError("--parts: '" + part + "' is not a part of this lab; expected mnist, fashion-mnist, cifar10-lenet or cifar10-18pct");
    const std::string given_cifar = ctx.options["cifar-dir"].as<std::string>();
    if (!given_cifar.empty() && !std::filesystem::exists(given_cifar + "/test_batch.bin"))
      throw OptionError("--cifar-dir " + given_cifar + ": expected the official CIFAR-10 binary files (data_batch_1.bin ... test_batch.bin)");
  });
  return lab.run(argc, argv, run);
}
