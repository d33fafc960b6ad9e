// bench_mlp: MNIST MLP 784-512-512-10 ReLU, softmax cross-entropy, SGD momentum 0.9, lr 0.05,
// batch 128, float32. Training samples/s over one epoch and test accuracy after it, at 1 and 2 threads;
// the fraction of the sgemm roofline; and PyTorch on the same model when it is installed: --repeats
// interleaved rounds of roofline, lecon epoch and PyTorch epoch (bench.hpp, docs/benchmarks.md).
#include <array>
#include <filesystem>
#include <iostream>
#include <utility>
#include <vector>

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

// The model's Dense layers as (inputs, units), ReLU between them, and the batch size: one place for the epoch,
// --profile and the products-alone column.
constexpr std::array<std::pair<std::size_t, std::size_t>, 3> kLayers{{{784, 512}, {512, 512}, {512, 10}}};
constexpr std::size_t kBatch = 128;

// Training flops per sample: forward 2·Σ(in·out); backward ∂W for every layer (the same again) and
// ∂X for all but the first layer (which needs none).
constexpr double flops_per_sample() {
  double flops = 0;
  for (std::size_t i = 0; i < kLayers.size(); ++i) flops += 2.0 * static_cast<double>(kLayers[i].first * kLayers[i].second) * (i == 0 ? 2 : 3);
  return flops;
}
constexpr double kFlopsPerSample = flops_per_sample();

// MNIST MLP 784-512-512-10 with fresh weights drawn from `rng`.
Sequential<Real> make_model(Rng& rng) {
  Sequential<Real> model;
  for (std::size_t i = 0; i < kLayers.size(); ++i) {
    model.add<Dense<Real>>(kLayers[i].first, kLayers[i].second, rng);
    if (i + 1 < kLayers.size()) model.add<ActivationLayer<Real>>(Activation::relu);
  }
  return model;
}

struct Run {
  double rate = 0;      // samples/s of the timed epoch
  double accuracy = 0;  // test accuracy after it
};

// One epoch of a fresh model (seeded by `seed`), timed.
Run run_lecon(const DataSplit& mnist, std::uint64_t seed) {
  const Tensor<Real> x = mnist.train.x.reshaped(Shape{mnist.train.size(), 784});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y, 10));
  const Tensor<Real> x_test = mnist.test.x.reshaped(Shape{mnist.test.size(), 784});
  const Tensor<Real> y_test = Tensor<Real>::from_columns(one_hot<Real>(mnist.test.y, 10));
  Rng rng(seed);
  Sequential<Real> model = make_model(rng);
  SoftmaxCrossEntropy<Real> loss;
  SGD<Real> sgd(0.05, 0.9);
  FitOptions options{1, kBatch};
  const History h = fit(model, loss, sgd, x, y, options, rng);
  return {static_cast<double>(x.batch()) / h.seconds.back(), evaluate(model, loss, x_test, y_test).accuracy};
}

// The ceiling that the step's roofline fraction meets with this BLAS: the products of one training step alone,
// computed as Dense computes them (same shapes, transposes and SerialIfSmall), hot in cache, with no bias, no
// activation, no loss, no optimizer step and no batch to gather. `repeats` rounds, each the roofline and then the
// products (seconds_per_call's median of 5); the median of the per-round fractions of the roofline.
double products_fraction(int repeats) {
  struct Layer {
    arma::Mat<Real> w, x, y, dy, dw, dx;
  };
  const std::size_t batch = kBatch;
  Rng rng(3);
  std::vector<Layer> layers;
  for (const auto& [in, out] : kLayers) {
    Layer l{arma::Mat<Real>(out, in), arma::Mat<Real>(in, batch), arma::Mat<Real>(out, batch), arma::Mat<Real>(out, batch),
            arma::Mat<Real>(out, in), arma::Mat<Real>(in, batch)};
    for (arma::Mat<Real>* m : {&l.w, &l.x, &l.dy}) rng.fill_uniform(*m, Real(-1), Real(1));
    layers.push_back(std::move(l));
  }
  const auto step = [&layers, batch] {
    for (Layer& l : layers) {
      const SerialIfSmall serial(l.w.n_elem * batch);
      l.y = l.w * l.x;
    }
    for (std::size_t i = layers.size(); i-- > 0;) {
      Layer& l = layers[i];
      const SerialIfSmall serial(l.w.n_elem * batch);
      l.dw = l.dy * l.x.t();
      if (i > 0) l.dx = l.w.t() * l.dy;  // the first layer needs no input gradient
    }
  };
  std::vector<double> fractions;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    const double roofline = bench::gemm_gflops<Real>(1024, 3);
    fractions.push_back(kFlopsPerSample * static_cast<double>(batch) * 1e-9 / bench::seconds_per_call(step, 5, 0.05) / roofline);
  }
  return bench::median(fractions);
}

// --profile: where one training step's time goes, layer by layer, at 1 and 2 threads; no epochs, no RESULTS.md.
void profile(const DataSplit& mnist, std::uint64_t seed) {
  const arma::uvec first = arma::regspace<arma::uvec>(0, kBatch - 1);
  const Tensor<Real> x = mnist.train.x.gather(first).reshaped(Shape{kBatch, 784});
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(mnist.train.y.elem(first), 10));
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    Rng rng(seed);
    Sequential<Real> model = make_model(rng);
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
  const std::string load_before = bench::load_average();

  Table table("MNIST MLP 784-512-512-10 ReLU, SGD momentum 0.9, lr 0.05, batch 128, float32: one training epoch",
              {"threads", "lecon samples/s", "test acc.", "GFLOP/s", "of sgemm roofline", "products alone", "PyTorch samples/s", "PyTorch test acc.",
               "lecon / PyTorch"});
  std::string torch_version;
  const std::string script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_mlp.py";
  std::vector<std::pair<int, bench::Rounds>> rounds_rows;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    std::cout << threads << " thread(s), " << repeats << " rounds of sgemm roofline, lecon" << (with_torch ? ", PyTorch" : "") << ' ' << std::flush;
    Run ours;
    bench::PeerRun theirs;
    const bench::Rounds rounds = bench::measure_seeded_rounds(
        repeats, ctx.seed, [&](std::uint64_t seed) { return run_lecon(mnist, seed); }, &ours,
        with_torch ? bench::torch_peer_rounds(script, idx_dir, threads, ctx.seed, &theirs) : nullptr);
    torch_version = theirs.version;
    rounds_rows.emplace_back(threads, rounds);
    const double rate = rounds.ours_median();
    std::vector<std::string> row = {std::to_string(threads), fixed(rate, 0), fixed(ours.accuracy, 4), fixed(rate * kFlopsPerSample * 1e-9, 1),
                                    rounds.roofline_cell(kFlopsPerSample), fixed(100 * products_fraction(repeats), 1) + "%"};
    if (with_torch) row.insert(row.end(), {fixed(rounds.theirs_median(), 0), fixed(theirs.accuracy, 4), fixed(rounds.ratio(), 2) + "x"});
    else row.insert(row.end(), {"n/a", "n/a", "n/a"});
    std::cout << '\n';
    table.add_row(row);
  }
  table.add_note(bench::rounds_note(repeats, "one training epoch (60,000 images, fresh weights seeded by the round)") +
                 "; test accuracy after the first round's epoch");
  table.add_note(bench::rounds_detail(rounds_rows));
  table.add_note("GFLOP/s counts " + fixed(kFlopsPerSample / 1e6, 2) + " MFLOP per training sample (forward, weight gradients, and input"
                 " gradients of layers 2 and 3) at the median samples/s");
  table.add_note("products alone: the products of one training step by themselves (as Dense computes them, hot in cache, no bias, "
                 "activation, loss, optimizer step or gather), as a fraction of the roofline; median of as many rounds, each with "
                 "its own roofline: a bound on the step's fraction with these products through this BLAS at batch 128");
  if (with_torch) table.add_note("PyTorch " + torch_version + " (Debian python3-torch), same model, data and settings, torch.set_num_threads");
  table.add_note(bench::load_note(load_before, bench::load_average()));
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
