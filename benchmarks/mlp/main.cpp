// bench_mlp: MNIST MLP 784-512-512-10 ReLU, softmax cross-entropy, SGD momentum 0.9, lr 0.05,
// batch 128, float32. Training samples/s over one epoch (median of --repeats epochs, each from fresh
// weights) and test accuracy after one epoch, at 1 and 2 threads; the fraction of the sgemm roofline
// measured in the same run; and PyTorch on the same model in the same run when it is installed.
#include <filesystem>
#include <iostream>

#include "bench.hpp"
#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"

namespace {

using namespace lecon;

// Training flops per sample: forward 2·Σ(in·out); backward ∂W for every layer (the same again) and
// ∂X for all but the first layer (which needs none).
constexpr double kFlopsPerSample = 2.0 * (784 * 512 + 512 * 512 + 512 * 10) * 2 + 2.0 * (512 * 512 + 512 * 10);

struct Run {
  std::vector<double> rates;  // samples/s, one per timed epoch
  double accuracy = 0;        // test accuracy after the first epoch
};

Run run_lecon(const DataSplit& mnist, int repeats, std::uint64_t seed) {
  const Tensor<Real> x = mnist.train.x.reshaped(Shape{mnist.train.size(), 784});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y, 10));
  const Tensor<Real> x_test = mnist.test.x.reshaped(Shape{mnist.test.size(), 784});
  const Tensor<Real> y_test = Tensor<Real>::from_columns(one_hot<Real>(mnist.test.y, 10));
  Run run;
  for (int r = 0; r < repeats; ++r) {
    Rng rng(seed + static_cast<std::uint64_t>(r));
    Sequential<Real> model;
    model.add<Dense<Real>>(784, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
    model.add<Dense<Real>>(512, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
    model.add<Dense<Real>>(512, 10, rng);
    SoftmaxCrossEntropy<Real> loss;
    SGD<Real> sgd(0.05, 0.9);
    FitOptions options{1, 128};
    const History h = fit(model, loss, sgd, x, y, options, rng);
    run.rates.push_back(static_cast<double>(x.batch()) / h.seconds.back());
    if (r == 0) run.accuracy = evaluate(model, loss, x_test, y_test).accuracy;
  }
  return run;
}

// --profile: where one training step's time goes, layer by layer, at 1 and 2 threads; no epochs, no RESULTS.md.
void profile(const DataSplit& mnist, std::uint64_t seed) {
  const arma::uvec first = arma::regspace<arma::uvec>(0, 127);
  const Tensor<Real> x = mnist.train.x.gather(first).reshaped(Shape{128, 784});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y.elem(first), 10));
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    Rng rng(seed);
    Sequential<Real> model;
    model.add<Dense<Real>>(784, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
    model.add<Dense<Real>>(512, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
    model.add<Dense<Real>>(512, 10, rng);
    bench::profile_layers(model, SoftmaxCrossEntropy<Real>(), x, y, 200, std::cout);
  }
}

void run(const LabContext& ctx, int argc, char** argv) {
  const int repeats = bench::repeats(ctx);
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  if (ctx.options["profile"].as<bool>()) return profile(mnist, ctx.seed);
  const std::string idx_dir = ctx.data_dir + "/downloads/mnist";
  const bool with_torch = bench::torch_available() && std::filesystem::exists(idx_dir);
  if (!with_torch) std::cout << "PyTorch not found (apt-get install python3-torch to compare in the same run)\n";

  Table table("MNIST MLP 784-512-512-10 ReLU, SGD momentum 0.9, lr 0.05, batch 128, float32: one training epoch",
              {"threads", "lecon samples/s", "test acc.", "GFLOP/s", "of sgemm roofline", "PyTorch samples/s", "PyTorch test acc.",
               "lecon / PyTorch"});
  std::string torch_version;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    const double roofline = bench::gemm_gflops<float>(1024, 3);
    std::cout << threads << " thread(s): sgemm roofline " << fixed(roofline, 1) << " GFLOP/s; lecon..." << std::flush;
    const Run ours = run_lecon(mnist, repeats, ctx.seed);
    const double rate = bench::median(ours.rates);
    const double gflops = rate * kFlopsPerSample * 1e-9;
    std::vector<std::string> row = {std::to_string(threads), fixed(rate, 0), fixed(ours.accuracy, 4), fixed(gflops, 1),
                                    fixed(100 * gflops / roofline, 1) + "% of " + fixed(roofline, 0)};
    if (with_torch) {
      std::cout << " PyTorch..." << std::flush;
      const std::string script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_mlp.py";
      const bench::PeerRun theirs = bench::run_torch_peer(script, idx_dir, threads, repeats);
      torch_version = theirs.version;
      const double torch_rate = bench::median(theirs.rates);
      row.insert(row.end(), {fixed(torch_rate, 0), fixed(theirs.accuracy, 4), fixed(rate / torch_rate, 2) + "x"});
    } else {
      row.insert(row.end(), {"n/a", "n/a", "n/a"});
    }
    std::cout << '\n';
    table.add_row(row);
  }
  table.add_note("samples/s: median over " + std::to_string(repeats) + " epochs, each from fresh weights; test accuracy after the first epoch");
  table.add_note("GFLOP/s counts " + fixed(kFlopsPerSample / 1e6, 2) + " MFLOP per training sample (forward, weight gradients, and input"
                 " gradients of layers 2 and 3); roofline: sgemm n = 1024 through Armadillo, measured in this run");
  if (with_torch) table.add_note("PyTorch " + torch_version + " (Debian python3-torch), same model, data and settings, torch.set_num_threads");
  table.add_note(describe_blas());
  table.print(std::cout);

  bench::publish(ctx, "mlp", "MNIST MLP training (`bench_mlp`)", argc, argv, table.markdown());
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_mlp", "MNIST MLP training speed against the GEMM roofline and PyTorch");
  bench::add_common_options(program, 3);
  program.options().add_options()("profile", po::bool_switch(), "print where one training step's time goes, layer by layer, and stop");
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
