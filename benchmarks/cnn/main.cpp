// bench_cnn: LeNet (conv 5x5 20 -> max-pool 2 -> conv 5x5 50 -> max-pool 2 -> dense 500 ReLU ->
// dense 10) on MNIST, softmax cross-entropy, SGD momentum 0.9, lr 0.01, batch 64, float32. Training
// samples/s over one epoch and test accuracy after it, at 1 and 2 threads; the fraction of the sgemm
// roofline; peak memory; and PyTorch on the same network when it is installed: --repeats interleaved
// rounds of roofline, lecon epoch and PyTorch epoch (bench.hpp, docs/benchmarks.md). Then the same for the
// CIFAR network (cuda-convnet layers-18pct) on synthetic images.
#include <sys/resource.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "bench.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/cnn/cifar_net.hpp"
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
  double rate = 0;      // samples/s of the timed epoch
  double accuracy = 0;  // test accuracy after it
};

// One epoch of a fresh LeNet (seeded by `seed`), timed.
Run run_lecon(const DataSplit& mnist, std::uint64_t seed) {
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y, 10));
  Rng rng(seed);
  Sequential<Real> model = lenet<Real>(1, 28, 28, 10, rng);
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(0.01, 0.9);
  const History h = fit(model, loss, sgd, mnist.train.x, y, FitOptions{1, kBatch}, rng);
  const arma::uvec predicted = model.predict_classes(mnist.test.x);
  return {static_cast<double>(mnist.train.size()) / h.seconds.back(),
          static_cast<double>(arma::accu(predicted == mnist.test.y)) / static_cast<double>(mnist.test.size())};
}

// The CIFAR network (cuda-convnet layers-18pct, cifar_net.hpp) on synthetic 3x32x32 images: uniform in [0, 1)
// with random labels, since speed does not depend on the pictures (and the benchmark then needs no CIFAR
// files). Batch 128 as in cuda-convnet; SGD momentum 0.9, lr 0.01.
constexpr std::size_t kCifarBatch = 128;

struct Synthetic {
  Tensor<Real> x, y;
};
Synthetic synthetic_cifar(std::size_t samples, std::uint64_t seed) {
  Rng rng(seed);
  Synthetic data{Tensor<Real>(Shape{samples, 3, 32, 32}), Tensor<Real>()};
  rng.fill_uniform(data.x.matrix(), Real(0), Real(1));
  arma::uvec labels(samples);
  for (std::size_t i = 0; i < samples; ++i) labels[i] = rng.uniform_int(10);
  data.y = Tensor<Real>::from_columns(one_hot<Real>(labels, 10));
  return data;
}

// One epoch of a fresh CIFAR network (seeded by `seed`) on the synthetic images: samples/s.
double run_lecon_cifar(const Synthetic& data, std::uint64_t seed) {
  Rng rng(seed);
  Sequential<Real> model = cifar_18pct<Real>(10, rng);
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(0.01, 0.9);
  const History h = fit(model, loss, sgd, data.x, data.y, FitOptions{1, kCifarBatch}, rng);
  return static_cast<double>(data.x.batch()) / h.seconds.back();
}

// --profile: where one training step's time goes, layer by layer, at 1 and 2 threads; no epochs, no RESULTS.md.
void profile(const DataSplit& mnist, std::uint64_t seed) {
  const arma::uvec first = arma::regspace<arma::uvec>(0, kBatch - 1);
  const Tensor<Real> x = mnist.train.x.gather(first);
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y.elem(first), 10));
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    Rng rng(seed);
    Sequential<Real> model = lenet<Real>(1, 28, 28, 10, rng);
    bench::profile_layers(model, SoftmaxCrossEntropy<Real>(), x, y, 50, std::cout);
  }
  const Synthetic cifar = synthetic_cifar(kCifarBatch, seed);
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    Rng rng(seed);
    Sequential<Real> model = cifar_18pct<Real>(10, rng);
    bench::profile_layers(model, SoftmaxCrossEntropy<Real>(), cifar.x, cifar.y, 10, std::cout);
  }
}

void run(const LabContext& ctx, int argc, char** argv) {
  const int repeats = bench::repeats(ctx);
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  if (ctx.options["profile"].as<bool>()) return profile(mnist, ctx.seed);
  const std::string idx_dir = ctx.data_dir + "/downloads/mnist";
  const bool with_torch = bench::torch_available() && std::filesystem::exists(idx_dir);
  if (!with_torch) std::cout << "PyTorch not found (apt-get install python3-torch to compare in the same run)\n";
  const std::string load_before = bench::load_average();
  Rng rng(ctx.seed);
  Sequential<Real> probe = lenet<Real>(1, 28, 28, 10, rng);
  const double flops_per_sample = training_flops_per_sample(probe, Shape{1, 1, 28, 28});

  Table table("MNIST LeNet (conv 20, pool, conv 50, pool, dense 500, dense 10), SGD momentum 0.9, lr 0.01, batch 64, float32: one training epoch",
              {"threads", "lecon samples/s", "test acc.", "GFLOP/s", "of sgemm roofline", "peak MiB", "PyTorch samples/s",
               "PyTorch test acc.", "PyTorch peak MiB", "lecon / PyTorch"});
  std::string torch_version;
  const std::string lenet_script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_lenet.py";
  std::vector<std::pair<int, bench::Rounds>> rounds_rows;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    std::cout << "LeNet, " << threads << " thread(s), " << repeats << " rounds of sgemm roofline, lecon" << (with_torch ? ", PyTorch" : "") << ' '
              << std::flush;
    Run ours;
    bench::PeerRun theirs;
    const bench::Rounds rounds = bench::measure_seeded_rounds(
        repeats, ctx.seed, [&](std::uint64_t seed) { return run_lecon(mnist, seed); }, &ours,
        with_torch ? bench::torch_peer_rounds(lenet_script, idx_dir, threads, ctx.seed, &theirs) : nullptr);
    torch_version = theirs.version;
    rounds_rows.emplace_back(threads, rounds);
    const double rate = rounds.ours_median();
    std::vector<std::string> row = {std::to_string(threads), fixed(rate, 0), fixed(ours.accuracy, 4), fixed(rate * flops_per_sample * 1e-9, 1),
                                    rounds.roofline_cell(flops_per_sample), fixed(peak_mib(), 0)};
    if (with_torch) row.insert(row.end(), {fixed(rounds.theirs_median(), 0), fixed(theirs.accuracy, 4), fixed(bench::json_number(theirs.json, "peak_mib"), 0), fixed(rounds.ratio(), 2) + "x"});
    else row.insert(row.end(), {"n/a", "n/a", "n/a", "n/a"});
    std::cout << '\n';
    table.add_row(row);
  }
  table.add_note(bench::rounds_note(repeats, "one training epoch (60,000 images, fresh weights seeded by the round)") +
                 "; test accuracy on the 10,000 test images after the first round's epoch");
  table.add_note(bench::rounds_detail(rounds_rows));
  table.add_note("GFLOP/s counts " + fixed(flops_per_sample / 1e6, 2) + " MFLOP per training sample (forward, weight gradients, and input "
                 "gradients of all layers but the first) at the median samples/s");
  table.add_note("peak MiB: the process's peak resident memory (getrusage), the data set in float32 (215 MiB) included; lecon's "
                 "figure after its 2-thread run is the peak of the whole benchmark process");
  if (with_torch) table.add_note("PyTorch " + torch_version + " (Debian python3-torch), same network, data and settings, torch.set_num_threads");
  table.add_note(bench::load_note(load_before, bench::load_average()) + " (after: once the LeNet rows were done)");
  table.add_note(describe_blas());
  table.print(std::cout);

  const std::size_t cifar_samples = static_cast<std::size_t>(ctx.options["cifar-samples"].as<int>());
  const Synthetic cifar = synthetic_cifar(cifar_samples, ctx.seed);
  Sequential<Real> cifar_probe = cifar_18pct<Real>(10, rng);
  const double cifar_flops = training_flops_per_sample(cifar_probe, Shape{1, 3, 32, 32});
  Table cifar_table("CIFAR network (cuda-convnet layers-18pct: conv 32, max-pool, conv 32, avg-pool, conv 64, avg-pool, dense 10), "
                    "SGD momentum 0.9, lr 0.01, batch 128, float32, synthetic 3x32x32 images: one training epoch",
                    {"threads", "lecon samples/s", "GFLOP/s", "of sgemm roofline", "PyTorch samples/s", "lecon / PyTorch"});
  const bool torch_cifar = bench::torch_available();
  const std::string cifar_script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_cifar.py";
  std::vector<std::pair<int, bench::Rounds>> rounds_cifar;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    std::cout << "CIFAR network, " << threads << " thread(s), " << repeats << " rounds of sgemm roofline, lecon" << (torch_cifar ? ", PyTorch" : "")
              << ' ' << std::flush;
    const bench::Rounds rounds = bench::measure_rounds(
        repeats, [&](int r) { return run_lecon_cifar(cifar, ctx.seed + static_cast<std::uint64_t>(r)); },
        torch_cifar ? std::function<double(int)>([&](int r) {
          const bench::PeerRun theirs = bench::run_torch_script(cifar_script, "--samples " + std::to_string(cifar_samples) + " --threads " +
                                                                                  std::to_string(threads) + " --epochs 1 --seed " +
                                                                                  std::to_string(ctx.seed + static_cast<std::uint64_t>(r)));
          torch_version = theirs.version;
          return theirs.rates.at(0);
        })
                    : nullptr);
    rounds_cifar.emplace_back(threads, rounds);
    const double rate = rounds.ours_median();
    std::vector<std::string> row = {std::to_string(threads), fixed(rate, 0), fixed(rate * cifar_flops * 1e-9, 1), rounds.roofline_cell(cifar_flops)};
    if (torch_cifar) row.insert(row.end(), {fixed(rounds.theirs_median(), 0), fixed(rounds.ratio(), 2) + "x"});
    else row.insert(row.end(), {"n/a", "n/a"});
    std::cout << '\n';
    cifar_table.add_row(row);
  }
  cifar_table.add_note(bench::rounds_note(repeats, "one training epoch of " + std::to_string(cifar_samples) +
                                                       " synthetic images (uniform in [0, 1), random labels: the speed does not depend on the pictures)"));
  cifar_table.add_note(bench::rounds_detail(rounds_cifar));
  cifar_table.add_note("GFLOP/s counts " + fixed(cifar_flops / 1e6, 2) + " MFLOP per training sample (as above)");
  if (torch_cifar) cifar_table.add_note("PyTorch " + torch_version + ", the same network (benchmarks/cnn/torch_cifar.py), batch, settings and number of synthetic samples");
  cifar_table.add_note(bench::load_note(load_before, bench::load_average()) + " (before: the start of the whole benchmark)");
  cifar_table.print(std::cout);

  bench::publish(ctx, "cnn", "MNIST LeNet and CIFAR network training (`bench_cnn`)", argc, argv, table.markdown() + "\n" + cifar_table.markdown());
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_cnn", "LeNet training speed on MNIST against the GEMM roofline and PyTorch");
  bench::add_common_options(program, 3);
  program.count_option("cifar-samples", 6400, "synthetic images per timed epoch of the CIFAR network", Range::at_least(128));
  program.options().add_options()("profile", po::bool_switch(), "print where one training step's time goes, layer by layer, and stop");
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
