// bench_lstm: one LSTM layer (many-to-one) and a dense softmax layer of 10 classes, softmax cross-entropy,
// SGD momentum 0.9, lr 0.01, batch 64, float32, on synthetic sequences (normal inputs, random labels: the
// speed does not depend on the values). Four shapes: sequential MNIST's (input 28, 28 steps) and a longer
// one (input 64, 100 steps), each with 128 and 512 hidden units. Training samples/s (median of --repeats
// runs, each from fresh weights) at 1 and 2 threads; the fraction of the sgemm roofline measured in the same
// run; and torch.nn.LSTM on the same model in the same run when PyTorch is installed.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"
#include "lecon/rnn/lstm.hpp"

namespace {

using namespace lecon;

struct Shape3 {
  std::size_t inputs, hidden, steps;
};
const std::vector<Shape3> kShapes = {{28, 128, 28}, {28, 512, 28}, {64, 128, 100}, {64, 512, 100}};
constexpr std::size_t kBatch = 64, kClasses = 10;

// Training flops per sample of the LSTM (the dense layer is negligible): forward 2·4H(d + H)·T (input and
// recurrent products); backward the weight gradients, the same again, and ∂L/∂h_{t-1} = W_hhᵀ δA,
// 2·4H·H·T (no ∂L/∂x: the first layer needs none).  Total 8·H·T·(2d + 3H).
double flops_per_sample(const Shape3& s) { return 8.0 * double(s.hidden) * double(s.steps) * (2.0 * double(s.inputs) + 3.0 * double(s.hidden)); }

// Samples per timed run: about 20 GFLOP of work, whole batches, at least 4 batches.
std::size_t samples_per_run(const Shape3& s) {
  const auto batches = static_cast<std::size_t>(20e9 / flops_per_sample(s) / double(kBatch));
  return kBatch * std::max<std::size_t>(4, batches);
}

std::vector<double> run_lecon(const Shape3& s, int repeats, std::uint64_t seed) {
  const std::size_t n = samples_per_run(s);
  Rng data(seed);
  Tensor<Real> x(Shape{n, s.steps, s.inputs});
  data.fill_normal(x.matrix(), Real(0), Real(1));
  arma::uvec labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = data.next_u64() % kClasses;
  const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(labels, kClasses));
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    Rng rng(seed + 1 + static_cast<std::uint64_t>(r));
    Sequential<Real> model;
    model.add<LSTM<Real>>(s.inputs, RecurrentOptions(s.hidden), rng).add<Dense<Real>>(s.hidden, kClasses, rng);
    SoftmaxCrossEntropy<Real> loss;
    SGD<Real> sgd(0.01, 0.9);
    FitOptions options{2, kBatch};  // the first epoch warms up (buffers, threads), the second is timed
    options.accuracy = false;
    const History h = fit(model, loss, sgd, x, y, options, rng);
    rates.push_back(static_cast<double>(n) / h.seconds.back());
  }
  return rates;
}

void run(const LabContext& ctx, int argc, char** argv) {
  const int repeats = bench::repeats(ctx);
  const bool with_torch = bench::torch_available();
  if (!with_torch) std::cout << "PyTorch not found (apt-get install python3-torch to compare in the same run)\n";
  const std::string load_before = bench::load_average();
  std::cout << "load average (1, 5, 15 min) before: " << load_before << " on " << bench::machine_description() << '\n';

  Table table("One LSTM layer (many-to-one) + dense 10, softmax cross-entropy, SGD momentum 0.9, batch 64, float32: training",
              {"input d", "hidden H", "steps T", "threads", "lecon samples/s", "GFLOP/s", "of sgemm roofline", "PyTorch samples/s",
               "lecon / PyTorch"});
  std::string torch_version;
  std::vector<std::string> roofline_notes;
  constexpr std::size_t kRooflineColumn = 6;  // "of sgemm roofline", filled once a thread count's runs are done
  const std::string script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_lstm.py";
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    // The roofline before and after this thread count's runs, the better of the two (a measurement that falls
    // into a moment when the host took a core away reads half the machine: docs/benchmarks.md).
    const double roofline_before = bench::gemm_gflops<float>(1024, 3);
    std::vector<std::vector<std::string>> rows;
    std::vector<double> rates;
    for (const Shape3& s : kShapes) {
      std::cout << "  d " << s.inputs << ", H " << s.hidden << ", T " << s.steps << ": lecon..." << std::flush;
      const double rate = bench::median(run_lecon(s, repeats, ctx.seed));
      const double gflops = rate * flops_per_sample(s) * 1e-9;
      std::vector<std::string> row = {std::to_string(s.inputs), std::to_string(s.hidden), std::to_string(s.steps), std::to_string(threads),
                                      fixed(rate, 0), fixed(gflops, 1), ""};
      if (with_torch) {
        std::cout << " PyTorch..." << std::flush;
        const bench::PeerRun theirs = bench::run_torch_script(
            script, "--inputs " + std::to_string(s.inputs) + " --hidden " + std::to_string(s.hidden) + " --steps " + std::to_string(s.steps) +
                        " --samples " + std::to_string(samples_per_run(s)) + " --threads " + std::to_string(threads) + " --repeats " +
                        std::to_string(repeats));
        torch_version = theirs.version;
        const double torch_rate = bench::median(theirs.rates);
        row.insert(row.end(), {fixed(torch_rate, 0), fixed(rate / torch_rate, 2) + "x"});
        std::cout << ' ' << fixed(rate, 0) << " against " << fixed(torch_rate, 0) << " samples/s";
      } else {
        row.insert(row.end(), {"n/a", "n/a"});
      }
      std::cout << '\n';
      rows.push_back(row);
      rates.push_back(gflops);
    }
    const double roofline_after = bench::gemm_gflops<float>(1024, 3);
    const double roofline = std::max(roofline_before, roofline_after);
    std::cout << threads << " thread(s): sgemm roofline " << fixed(roofline_before, 1) << " GFLOP/s before the runs, " << fixed(roofline_after, 1)
              << " after\n";
    for (std::size_t k = 0; k < rows.size(); ++k) {
      rows[k][kRooflineColumn] = fixed(100 * rates[k] / roofline, 1) + "% of " + fixed(roofline, 0);
      table.add_row(rows[k]);
    }
    roofline_notes.push_back(std::to_string(threads) + " thread(s) " + fixed(roofline_before, 0) + " before, " + fixed(roofline_after, 0) + " after");
  }
  const std::string load_after = bench::load_average();
  table.add_note("samples/s: median over " + std::to_string(repeats) + " runs, each from fresh weights, timing the second of two epochs over " +
                 "synthetic sequences (about 20 GFLOP per epoch, at least 4 batches)");
  table.add_note("GFLOP/s counts 8·H·T·(2d + 3H) flops per training sample (forward input and recurrent products, their weight gradients, "
                 "and ∂L/∂h through W_hh; no ∂L/∂x); roofline: sgemm n = 1024 through Armadillo, measured before and after each thread "
                 "count's runs, the better of the two (GFLOP/s: " + roofline_notes[0] + "; " + roofline_notes[1] + ")");
  if (with_torch) table.add_note("PyTorch " + torch_version + " (Debian python3-torch), torch.nn.LSTM(batch_first=True) + Linear, the same "
                                 "sizes, settings and number of samples (benchmarks/lstm/torch_lstm.py), torch.set_num_threads");
  table.add_note(bench::load_note(load_before, load_after));
  table.add_note(describe_blas());
  table.print(std::cout);

  bench::publish(ctx, "lstm", "LSTM training (`bench_lstm`)", argc, argv, table.markdown());
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_lstm", "LSTM training speed against the GEMM roofline and torch.nn.LSTM");
  bench::add_common_options(program, 3);
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
