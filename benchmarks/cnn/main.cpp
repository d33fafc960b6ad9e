// bench_cnn: LeNet (conv 5x5 20 -> max-pool 2 -> conv 5x5 50 -> max-pool 2 -> dense 500 ReLU ->
// dense 10) on MNIST, softmax cross-entropy, SGD momentum 0.9, lr 0.01, batch 64, float32. Training
// samples/s over one epoch (median of --repeats epochs, each from fresh weights) and test accuracy
// after one epoch, at 1 and 2 threads; the fraction of the sgemm roofline measured in the same run;
// peak memory; and PyTorch on the same network in the same run when it is installed.
#include <sys/resource.h>

#include <filesystem>
#include <iostream>

#include "bench.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/cnn/conv2d.hpp"
#include "lecon/cnn/lenet.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"

namespace {

using namespace lecon;

constexpr std::size_t kBatch = 64;

// Training flops per sample, counted from the layers: a layer with weight matrix (a x b) applied at
// `positions` places (1 for Dense, H'·W' for Conv2D) costs 2ab·positions forward, the same again for
// ∂W, and the same again for ∂x except in the first layer (which needs no ∂x).
double training_flops_per_sample(Sequential<Real>& model, const Shape& input) {
  double flops = 0;
  Shape shape = input.with_batch(1);
  bool first = true;
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer<Real>& layer = model.layer(i);
    const Shape out = layer.output_shape(shape);
    double forward = 0;
    if (auto* conv = dynamic_cast<Conv2D<Real>*>(&layer)) forward = 2.0 * conv->W().value.n_elem * out[2] * out[3];
    if (auto* dense = dynamic_cast<Dense<Real>*>(&layer)) forward = 2.0 * dense->W().value.n_elem;
    if (forward > 0) {
      flops += forward * (first ? 2 : 3);
      first = false;
    }
    shape = out;
  }
  return flops;
}

// The process's peak resident memory so far, in MiB.
double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

struct Run {
  std::vector<double> rates;  // samples/s, one per timed epoch
  double accuracy = 0;        // test accuracy after the first epoch
  double peak_mib = 0;
};

Run run_lecon(const DataSplit& mnist, int repeats, std::uint64_t seed) {
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y, 10));
  Run run;
  for (int r = 0; r < repeats; ++r) {
    Rng rng(seed + static_cast<std::uint64_t>(r));
    Sequential<Real> model = lenet<Real>(1, 28, 28, 10, rng);
    SoftmaxCrossEntropy<Real> loss;
    SGD<Real> sgd(0.01, 0.9);
    const History h = fit(model, loss, sgd, mnist.train.x, y, FitOptions{1, kBatch}, rng);
    run.rates.push_back(static_cast<double>(mnist.train.size()) / h.seconds.back());
    if (r == 0) {
      const arma::uvec predicted = model.predict_classes(mnist.test.x);
      run.accuracy = static_cast<double>(arma::accu(predicted == mnist.test.y)) / static_cast<double>(mnist.test.size());
    }
  }
  run.peak_mib = peak_mib();
  return run;
}

void run(const LabContext& ctx, int argc, char** argv) {
  const int repeats = bench::repeats(ctx);
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const std::string idx_dir = ctx.data_dir + "/downloads/mnist";
  const bool with_torch = bench::torch_available() && std::filesystem::exists(idx_dir);
  if (!with_torch) std::cout << "PyTorch not found (apt-get install python3-torch to compare in the same run)\n";
  Rng rng(ctx.seed);
  Sequential<Real> probe = lenet<Real>(1, 28, 28, 10, rng);
  const double flops_per_sample = training_flops_per_sample(probe, Shape{1, 1, 28, 28});

  Table table("MNIST LeNet (conv 20, pool, conv 50, pool, dense 500, dense 10), SGD momentum 0.9, lr 0.01, batch 64, float32: one training epoch",
              {"threads", "lecon samples/s", "test acc.", "GFLOP/s", "of sgemm roofline", "peak MiB", "PyTorch samples/s",
               "PyTorch test acc.", "PyTorch peak MiB", "lecon / PyTorch"});
  std::string torch_version;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    const double roofline = bench::gemm_gflops<float>(1024, 3);
    std::cout << threads << " thread(s): sgemm roofline " << fixed(roofline, 1) << " GFLOP/s; lecon..." << std::flush;
    const Run ours = run_lecon(mnist, repeats, ctx.seed);
    const double rate = bench::median(ours.rates);
    const double gflops = rate * flops_per_sample * 1e-9;
    std::vector<std::string> row = {std::to_string(threads), fixed(rate, 0), fixed(ours.accuracy, 4), fixed(gflops, 1),
                                    fixed(100 * gflops / roofline, 1) + "% of " + fixed(roofline, 0), fixed(ours.peak_mib, 0)};
    if (with_torch) {
      std::cout << " PyTorch..." << std::flush;
      const std::string script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_lenet.py";
      const bench::PeerRun theirs = bench::run_torch_peer(script, idx_dir, threads, repeats);
      torch_version = theirs.version;
      const double torch_rate = bench::median(theirs.rates);
      row.insert(row.end(), {fixed(torch_rate, 0), fixed(theirs.accuracy, 4), fixed(bench::json_number(theirs.json, "peak_mib"), 0), fixed(rate / torch_rate, 2) + "x"});
    } else {
      row.insert(row.end(), {"n/a", "n/a", "n/a", "n/a"});
    }
    std::cout << '\n';
    table.add_row(row);
  }
  table.add_note("samples/s: median over " + std::to_string(repeats) + " epochs of 60,000 images, each from fresh weights; test accuracy "
                 "on the 10,000 test images after the first epoch");
  table.add_note("GFLOP/s counts " + fixed(flops_per_sample / 1e6, 2) + " MFLOP per training sample (forward, weight gradients, and input "
                 "gradients of all layers but the first); roofline: sgemm n = 1024 through Armadillo, measured in this run");
  table.add_note("peak MiB: the process's peak resident memory (getrusage), the data set in float32 (215 MiB) included; lecon's "
                 "figure after its 2-thread run is the peak of the whole benchmark process");
  if (with_torch) table.add_note("PyTorch " + torch_version + " (Debian python3-torch), same network, data and settings, torch.set_num_threads");
  table.add_note(describe_blas());
  table.print(std::cout);

  bench::publish(ctx, "cnn", "MNIST LeNet training (`bench_cnn`)", argc, argv, table.markdown());
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_cnn", "LeNet training speed on MNIST against the GEMM roofline and PyTorch");
  bench::add_common_options(program, 3);
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
