// The C++ blocks of the docs, compiled (issue 16): each function below holds one ```cpp block of docs/*.md
// verbatim between its context (the declarations the block's prose assumes) and the end of the function;
// the test docs/excerpts checks that every such block is in this file (or in doc_lab_example.cpp,
// doc_architecture_example.cpp), so an API change that breaks a documented example breaks the build.
// Nothing here runs except main (docs/core.md's start-up example). Built with -Werror; unused variables
// and parameters are allowed, since a fragment shows a call, not a use of its result.
// Generated once from the docs; edit a block in both places (the test says where they differ).
#include <filesystem>
#include <iostream>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/captioned_grid.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/png.hpp"
#include "lecon/labkit/progress.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/nnet.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/optimizers/schedule.hpp"
#include "lecon/optimizers/sgd.hpp"

// The functions are not static: unused static functions would be warnings.
namespace lecon_docs {

// docs/core.md, block 1
void core_1() {
using lecon::Real; using lecon::Shape; using lecon::Tensor;

Tensor<Real> x(Shape{64, 1, 28, 28});          // zero-filled, (n, c, h, w)
arma::Mat<Real>& X = x.matrix();                // (c*h*w x n) = (784 x 64), zero-copy, for GEMM
x.at(3, 0, 5, 7) = 1;                           // (n, c, y, x); trailing indices default to 0
arma::subview_col<Real> s = x.sample(3);        // one sample as a column view

Tensor<Real> flat = std::move(x).reshaped(Shape{64, 784});   // (n, d); moves the data: x is not used again
arma::Mat<Real> W(100, 784);                    // (units x d)
Tensor<Real> hidden = Tensor<Real>::from_columns(W * flat.matrix());  // (n, units) from a (units x n) matrix
Tensor<double> xd = flat.cast<double>();        // for gradient checks
}

// docs/core.md, block 2
void core_2() {
using lecon::Real;
const lecon::LabContext ctx{};
const std::size_t hidden_units = 4, d = 3, n = 2;
lecon::Rng rng(ctx.seed);
lecon::Rng init = rng.split(), shuffle = rng.split();

arma::Mat<Real> W(hidden_units, d);             // (units x d)
init.fill_uniform(W, Real(-0.1), Real(0.1));    // lo, hi have the matrix's element type
init.fill_normal(W, Real(0), Real(0.01));       // mean, stddev
arma::Mat<Real> mask(hidden_units, n);
init.fill_bernoulli(mask, 0.5);                 // 1 with probability p (dropout masks, RBM sampling)
}

// docs/core.md, block 3
void core_3() {
using lecon::Real;
lecon::Tensor<Real> x(lecon::Shape{2, 3});
arma::Mat<Real> z(3, 2), a;
lecon::set_thread_count(2);                     // our loops and OpenBLAS; n <= 0: all cores
int t = lecon::thread_count();
lecon::parallel_for(x.batch(), [&](std::size_t i) { /* work on sample i */ });
lecon::transform(z, a, [](Real v) { return v > 0 ? v : Real(0); });   // a = f(z), elementwise
}

// docs/core.md, block 5
void core_5() {
const std::string path = "data/mnist.h5";
throw lecon::FileError(path, "truncated: header promises 47040000 data bytes, file holds 1000");
// what(): "<path>: truncated: ..."
throw lecon::OptionError("--epochs: expected a positive count, got 0");
}

// docs/core.md, block 6
void core_6() {
const lecon::LabContext ctx{};
lecon::Rng rng(1);
lecon::Tensor<float> W(lecon::Shape{10, 784});
rng.fill_normal(W.matrix(), 0.0f, 0.01f);
{
  lecon::H5Writer out(ctx.out_path("weights.h5"));   // builds the file in memory
  out.write("/dense1/W", W);
  out.write_labels("/dense1/classes", arma::regspace<arma::uvec>(0, 9));
  out.set_attribute("/dense1", "activation", "relu");          // string
  out.set_attribute("/", "epochs", 10.0);                      // number
  out.set_attribute("/", "class_names", std::vector<std::string>{"0", "1"});
  out.commit();                                                // checksum header + atomic save
}                                                              // no commit: nothing written, path untouched

const lecon::H5Reader in(ctx.out_path("weights.h5"));
lecon::Shape s = in.shape("/dense1/W");                       // (10, 784)
lecon::Tensor<double> W2 = in.read<double>("/dense1/W");      // any numeric type, converted by HDF5
std::string act = in.attribute_string("/dense1", "activation");
double epochs = in.attribute_number("/", "epochs");
}

// docs/core.md, block 7
void core_7() {
const std::string images_path = "a", labels_path = "b";
lecon::IdxArray raw = lecon::read_idx("data/downloads/mnist/t10k-labels-idx1-ubyte");  // dims, bytes
lecon::Dataset test = lecon::load_idx_dataset(images_path, labels_path,
                                              {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, "mnist/test");
// test.x: (10000, 1, 28, 28), pixels / 255; test.y: (10000)
}

// docs/core.md, block 8
void core_8() {
using lecon::Real;
const lecon::LabContext ctx{};
const lecon::Dataset train;
lecon::Rng shuffle(ctx.seed);
for (int epoch = 0; epoch < ctx.epochs_or(2, 20); ++epoch)
  for (const arma::uvec& batch : lecon::minibatch_indices(train.size(), 128, &shuffle)) {
    const lecon::Tensor<Real> xb = train.x.gather(batch);          // (b, 1, 28, 28)
    const arma::uvec yb = train.y.elem(batch);                     // (b)
    const arma::Mat<Real> tb = lecon::one_hot(yb, train.classes()); // (classes x b), one column per sample
    // forward, backward, step ...
  }
}

// docs/core.md, block 9
void core_9() {
lecon::Rng rng(1);
const lecon::DataSplit mnist;
lecon::TrainValidation tv = lecon::train_validation_split(mnist.train, 0.1, rng);  // tv.train, tv.validation
}

// docs/core.md, block 10
void core_10() {
const lecon::LabContext ctx{};
lecon::DataSplit iris = lecon::load_data(ctx.data_dir, "iris");   // train x: (100, 4), test x: (50, 4)
lecon::Standardizer scale;
scale.fit(iris.train.x.matrix());       // (d x n)
scale.apply(iris.train.x.matrix());     // in place
scale.apply(iris.test.x.matrix());      // the training mean and sd
}

// docs/core.md, block 11
void core_11() {
const lecon::LabContext ctx{};
const lecon::DataSplit split;
const lecon::DataSplit mnist = lecon::load_data(ctx.data_dir, "mnist");   // reads data/mnist.h5
// mnist.train.x: (60000, 1, 28, 28) in [0, 1]; mnist.test.x: (10000, 1, 28, 28); mnist.source
std::string path = lecon::data_file("data", "fashion-mnist");            // "data/fashion-mnist.h5"
lecon::save_data(path, split, /*pixels=*/true);                           // used by lecon_convert_data
}

// docs/backprop.md, block 1
void backprop_1() {
using namespace lecon;
const std::uint64_t seed = 1;
Sequential<float> model;
MeanSquaredError<float> loss;
SGD<float> sgd(0.1);
Tensor<float> x(Shape{4, 2}), y(Shape{4, 1});
TrainingObserver<float> schedule, stop;
FitOptions rest;
TrainingState state{Rng(seed)};                           // the run's generator (braces: not a function)
FitOptions piece;  piece.epochs = 3;  piece.finish = false;
fit(model, loss, sgd, x, y, piece, state, {&schedule, &stop});
save_checkpoint("run.h5", model, sgd, state, {&schedule, &stop});
// ... another process builds the same objects as before (any initial weights), then
load_checkpoint("run.h5", model, sgd, state, {&schedule, &stop});
fit(model, loss, sgd, x, y, rest, state, {&schedule, &stop});   // epochs 3, 4, 5 of the run
}

// docs/optimizers.md, block 1
void optimizers_1() {
using namespace lecon;
Sequential<float> model;
MeanSquaredError<float> loss;
Tensor<float> x(Shape{4, 2}), y(Shape{4, 1});
FitOptions options;
Rng rng(1);
Adam<float> adam;                          // keras' defaults
fit(model, loss, adam, x, y, options, rng);
// or by hand:
adam.step(model.params());                 // every Param's value θ moves, using its grad g
}

// docs/optimizers.md, block 2
void optimizers_2() {
using namespace lecon;
Adam<float> adam;
Sequential<float> model;
MeanSquaredError<float> loss;
Tensor<float> x(Shape{4, 2}), y(Shape{4, 1});
FitOptions options;
Rng rng(1);
const std::vector<Param<float>*> params = model.params();
const std::size_t steps = 10;
const InverseTimeDecay schedule(0.01, 1e-3);
for (std::size_t t = 0; t < steps; ++t) { adam.set_learning_rate(schedule(t)); adam.step(params); }
// or in fit, keras' LearningRateScheduler callback:
LearningRateScheduler<float> per_step(adam, InverseTimeDecay(0.01, 1e-3), ScheduleUnit::step);
LearningRateScheduler<float> per_epoch(adam, StepDecay(0.01, 0.5, 10), ScheduleUnit::epoch);
fit(model, loss, adam, x, y, options, rng, {&per_step});
}

// docs/optimizers.md, block 3
void optimizers_3() {
using namespace lecon;
Sequential<float> model;
Adam<float> adam;
save_checkpoint("run.h5", model, adam);              // atomic: temporary file, then rename
// later, in another process: the same rule and hyper-parameters
Sequential<float> restored;  Adam<float> same_adam;
load_checkpoint("run.h5", restored, same_adam);      // weights, moments, t, η
}

// docs/nnet.md, block 1
void nnet_1() {
const arma::vec w0(19, arma::fill::zeros);
using namespace lecon::nnet;
const ModelFrame iris = read_model_frame("data/iris.csv", "Species");  // x: (4 x 150), 3 levels
NnetOptions o;
o.size = 2; o.decay = 5e-4; o.maxit = 200;
o.trace = &std::cout;                       // R's trace = TRUE
const NnetFit fit = fit_nnet(iris, o, w0);  // softmax chosen as nnet.formula does; or (o, rng)
const double value = fit.value;             // also fit.net.weights, fit.fitted: (3 x 150)
const arma::uvec classes = iris.predict_classes(fit.net);
}

// docs/labkit.md, block 2
void labkit_2() {
lecon::LabProgram lab("99_doc", "the docs");
lab.real_option("dropout", 0.5, "dropout rate p after each hidden layer (0 <= p < 1)", lecon::Range::from_below(0, 1))
   .real_option("l2", 1e-3, "L2 penalty λ (>= 0)", lecon::Range::at_least(0))
   .count_option("train-limit", 0, "train on the first N images only (0: all)", lecon::Range::at_least(0));
lab.add_check([](const lecon::LabContext& ctx) {   // anything a range cannot say; throws OptionError
  if (!std::filesystem::exists(ctx.options["cifar-dir"].as<std::string>() + "/test_batch.bin")) throw lecon::OptionError("--cifar-dir ...");
});
}

// docs/labkit.md, block 3
void labkit_3() {
const std::size_t epoch = 0;
const std::vector<arma::uvec> batches(3);
const double loss = 0.5;
lecon::Progress bar("epoch " + std::to_string(epoch + 1), batches.size(), "batch");
for (const arma::uvec& batch : batches) {
  // ... train on the batch
  bar.advance();
}
bar.finish("loss " + lecon::fixed(loss, 4));   // total time, rate and the note
}

// docs/labkit.md, block 4
void labkit_4() {
using namespace lecon;
const std::size_t epochs = 10;  // what FitOptions holds (braces refuse a narrowing int)
Sequential<Real> model;
MeanSquaredError<Real> loss;
SGD<Real> sgd(0.1);
Tensor<Real> x(Shape{4, 2}), y(Shape{4, 1});
Rng rng(1);
TrainingObserver<Real> observer;
lecon::FitOptions options{epochs, 32};
lecon::FitProgress<lecon::Real> progress("mini-batch (batch 32)", options, x.batch());
lecon::fit(model, loss, sgd, x, y, options, rng, {&progress, &observer});
// log: "mini-batch (batch 32) 3130/3130 batch, 7415 batch/s, took 00:00, epoch 10/10, loss 0.1546"
}

// docs/labkit.md, block 5
void labkit_5() {
const lecon::LabContext ctx{};
const int epochs = 10;
const double error = 0.02;
lecon::Table t("Test error on MNIST", {"model", "epochs", "error %", "lecture"});
t.add_row({"784-100-10, sgd", std::to_string(epochs), lecon::fixed(100 * error, 2), "..."});
t.add_note("lecture: <slide or paper the figure comes from>");
t.print(std::cout);                     // aligned text, numbers right-aligned
t.save(ctx.out_path("test_error"));     // results/NN_topic_test_error.md and .csv
}

// docs/labkit.md, block 6
void labkit_6() {
const lecon::LabContext ctx{};
const lecon::Dataset train;
const std::vector<std::size_t> picked, indices;
const arma::Mat<lecon::Real> W(10, 784);
// Ten training images of each digit, one class per row, pixels in [0, 1], 2 px border, zoom 2.
lecon::write_png(ctx.out_path("samples.png"),
                 lecon::image_grid(train.x, picked, /*columns=*/10, lecon::Scaling::unit, /*border=*/2, /*zoom=*/2));

// Weights of a dense layer, W: (units x 784) -> a tensor (units, 784) of square 28 x 28 tiles.
lecon::Tensor<lecon::Real> filters = lecon::Tensor<lecon::Real>::from_columns(W.t());
lecon::write_png(ctx.out_path("weights.png"),
                 lecon::image_grid(filters, indices, 10, lecon::Scaling::per_tile));
}

// docs/labkit.md, block 7
void labkit_7() {
const lecon::LabContext ctx{};
const std::vector<double> epochs_x, train_loss, test_loss;
lecon::Plot plot;
plot.title = "Training and test loss";
plot.xlabel = "epoch";
plot.ylabel = "cross-entropy";
plot.log_y = true;
plot.add({"train", epochs_x, train_loss})                 // style "lines" by default
    .add({"test", epochs_x, test_loss, "linespoints"});
plot.save(ctx.out_path("loss"));   // results/NN_topic_loss.gp and results/NN_topic_loss.png
}

// docs/labkit.md, block 8
void labkit_8() {
const lecon::LabContext ctx{};
const lecon::Dataset test;
const std::vector<std::size_t> shown;
const std::vector<std::string> names;
const arma::uvec truth, guess;
lecon::CaptionedGrid grid;
grid.title = "MNIST: the first 100 misclassified test images, true → predicted";
grid.tiles = lecon::image_tiles(test.x, shown);           // one Image per sample, scaled as image_grid does
for (std::size_t i : shown) grid.captions.push_back(names[truth[i]] + " → " + names[guess[i]]);
grid.save(ctx.out_path("mnist_misclassified"));           // .gp and .png
}

}  // namespace lecon_docs

// docs/core.md, block 4
int main(int argc, char** argv) {
  lecon::select_blas_kernel(argc, argv);        // first thing; may re-execute the program once
  std::cout << lecon::describe_blas() << '\n';  // "BLAS: OpenBLAS [...], kernel SkylakeX (...), 2 thread(s), ..."
}
