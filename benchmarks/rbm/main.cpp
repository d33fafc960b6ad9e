// bench_rbm: CD-1 training of a 784-500 binary RBM on the MNIST training images, batch 100, float32, lr 0.1,
// momentum 0.5, weight cost 2e-4 (Hinton & Salakhutdinov 2006's first epochs). Training samples/s over one
// epoch at 1 and 2 threads; the fraction of the sgemm roofline; and the same CD-1 in PyTorch tensor operations
// when PyTorch is installed: --repeats interleaved rounds of roofline, lecon epoch and PyTorch epoch (bench.hpp,
// docs/benchmarks.md).
#include <filesystem>
#include <iostream>

#include "bench.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/rbm/contrastive_divergence.hpp"

namespace {

using namespace lecon;

// Flops per training sample: three products with W (p(h|v0), p(v|h), p(h|v1)), 2·784·500 each, and the
// weight gradient [−H0 | H1][V0 | V1]ᵀ, an inner dimension of two samples per sample: 2 · 2·784·500.
constexpr double kFlopsPerSample = 5 * 2.0 * 784 * 500;

struct Run {
  double rate = 0;                  // samples/s of the timed epoch
  double reconstruction_error = 0;  // on the test images after it
};

// One epoch of a fresh RBM (seeded by `seed`), timed.
Run run_lecon(const Tensor<Real>& x, const Tensor<Real>& x_test, std::uint64_t seed) {
  Rng rng(seed);
  Rbm<Real> rbm(784, 500, rng);
  RbmTrainingOptions options;
  options.epochs = 1;
  options.monitor_examples = 100;  // the monitors run after the timed updates
  const RbmHistory h = train_rbm(rbm, x, options, rng);
  return {static_cast<double>(x.batch()) / h.seconds.back(), reconstruction_error(rbm, x_test.matrix())};
}

void run(const LabContext& ctx, int argc, char** argv) {
  const int repeats = bench::repeats(ctx);
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const Tensor<Real> x = mnist.train.x.reshaped(Shape{mnist.train.size(), 784});
  const Tensor<Real> x_test = mnist.test.x.reshaped(Shape{mnist.test.size(), 784});
  const std::string idx_dir = ctx.data_dir + "/downloads/mnist";
  const bool torch_found = bench::torch_available();
  const bool with_torch = torch_found && std::filesystem::exists(idx_dir);
  if (!torch_found) std::cout << "PyTorch not found (apt-get install python3-torch to compare in the same run)\n";
  else if (!with_torch) std::cout << "PyTorch found, but not the MNIST idx files in " << idx_dir << " (make data downloads them): no comparison\n";

  const std::string load_before = bench::load_average();
  Table table("MNIST RBM 784-500, CD-1, batch 100, lr 0.1, momentum 0.5, weight cost 2e-4, float32: one training epoch",
              {"threads", "lecon samples/s", "recon. error", "GFLOP/s", "of sgemm roofline", "PyTorch samples/s", "PyTorch recon. error",
               "lecon / PyTorch"});
  std::string torch_version;
  const std::string script = std::filesystem::path(__FILE__).parent_path().string() + "/torch_rbm.py";
  std::vector<std::pair<int, bench::Rounds>> rounds_rows;
  for (int threads : {1, 2}) {
    set_thread_count(threads);
    std::cout << threads << " thread(s), " << repeats << " rounds of sgemm roofline, lecon" << (with_torch ? ", PyTorch" : "") << ' ' << std::flush;
    Run ours;
    bench::PeerRun theirs;
    const bench::Rounds rounds = bench::measure_seeded_rounds(
        repeats, ctx.seed, [&](std::uint64_t seed) { return run_lecon(x, x_test, seed); }, &ours,
        with_torch ? bench::torch_peer_rounds(script, idx_dir, threads, ctx.seed, &theirs) : nullptr);
    torch_version = theirs.version;
    rounds_rows.emplace_back(threads, rounds);
    const double rate = rounds.ours_median();
    std::vector<std::string> row = {std::to_string(threads), fixed(rate, 0), fixed(ours.reconstruction_error, 2), fixed(rate * kFlopsPerSample * 1e-9, 1),
                                    rounds.roofline_cell(kFlopsPerSample)};
    if (with_torch) row.insert(row.end(), {fixed(rounds.theirs_median(), 0), fixed(bench::json_number(theirs.json, "reconstruction_error"), 2), fixed(rounds.ratio(), 2) + "x"});
    else row.insert(row.end(), {"n/a", "n/a", "n/a"});
    std::cout << '\n';
    table.add_row(row);
  }
  table.add_note(bench::rounds_note(repeats, "one training epoch (60,000 images, fresh weights seeded by the round)") +
                 "; recon. error: Σ (v − v̂)² per test image after the first round's epoch, v̂ one mean-field up-down pass");
  table.add_note(bench::rounds_detail(rounds_rows));
  table.add_note("GFLOP/s counts " + fixed(kFlopsPerSample / 1e6, 2) + " MFLOP per training sample (three products with W and the weight"
                 " gradient over data and reconstruction) at the median samples/s");
  if (with_torch) table.add_note("PyTorch " + torch_version + " (Debian python3-torch), the same CD-1 in tensor operations (benchmarks/rbm/torch_rbm.py), torch.set_num_threads");
  else table.add_note(torch_found ? "PyTorch: not run (no MNIST idx files under --data-dir/downloads/mnist)" : "PyTorch: not installed on this machine, no comparison");
  table.add_note(bench::load_note(load_before, bench::load_average()));
  table.add_note(describe_blas());
  table.print(std::cout);

  bench::publish(ctx, "rbm", "MNIST RBM CD-1 training (`bench_rbm`)", argc, argv, table.markdown());
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_rbm", "RBM CD-1 training speed against the GEMM roofline and PyTorch");
  bench::add_common_options(program, 3);
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
