// bench_scaling: synchronous data parallelism over MPI (modules/distributed) on this machine, and what N
// machines would reach. `make bench` runs it as a driver: it starts itself under `mpirun -np 1` and
// `mpirun -np 2` (one thread per rank) with --worker; each worker trains the MNIST MLP of bench_mlp
// (784-512-512-10, batch 128 and 512) and LeNet (batch 64) data-parallel and reports samples/s, compute
// and allreduce time per step. The driver writes the table and the model
//   step(N) = compute(B/N samples) + allreduce(N),  allreduce(N) = 2 (N − 1)/N · bytes / bandwidth + 2 (N − 1) · latency
// (a ring allreduce: every rank sends and receives 2 (N − 1)/N of the buffer in 2 (N − 1) messages) for
// N = 1 .. 64 machines over 10 and 100 Gbit/s networks.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "bench.hpp"
#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/cnn/lenet.hpp"
#include "lecon/core.hpp"
#include "lecon/distributed/data_parallel.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/optimizers/sgd.hpp"

namespace {

using namespace lecon;

struct Workload {
  std::string name;
  std::size_t batch = 0, samples = 0;  // global batch; samples per timed epoch
};
const std::vector<Workload> kWorkloads = {{"MLP 784-512-512-10", 128, 60000}, {"MLP 784-512-512-10", 256, 60000}, {"MLP 784-512-512-10", 512, 60000},
                                          {"LeNet", 64, 12800}, {"LeNet", 128, 12800}};

// The workload of the same model with twice the global batch (the same batch per rank on 2 ranks), if measured.
std::optional<std::size_t> doubled(std::size_t k) {
  for (std::size_t j = 0; j < kWorkloads.size(); ++j)
    if (kWorkloads[j].name == kWorkloads[k].name && kWorkloads[j].batch == 2 * kWorkloads[k].batch) return j;
  return std::nullopt;
}

Sequential<Real> build(const Workload& w, std::uint64_t seed) {
  Rng rng(seed);
  if (w.name == "LeNet") return lenet<Real>(1, 28, 28, 10, rng);
  Sequential<Real> model;
  model.add<Dense<Real>>(784, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
  model.add<Dense<Real>>(512, 512, rng).add<ActivationLayer<Real>>(Activation::relu);
  model.add<Dense<Real>>(512, 10, rng);
  return model;
}

// The worker: every rank trains; rank 0 prints one line per workload,
//   "RESULT <index> <ranks> <samples/s> <compute s/step> <allreduce s/step> <buffer bytes>".
void worker(const LabContext& ctx, int argc, char** argv) {
  MpiSession mpi(argc, argv);
  set_thread_count(1);
  const DataSplit mnist = load_data(ctx.data_dir, "mnist");
  const int repeats = bench::repeats(ctx);
  for (std::size_t k = 0; k < kWorkloads.size(); ++k) {
    const Workload& w = kWorkloads[k];
    const arma::uvec head = arma::regspace<arma::uvec>(0, w.samples - 1);
    Tensor<Real> x = mnist.train.x.gather(head);
    if (w.name != "LeNet") x = x.reshaped(Shape{w.samples, 784});
    const Tensor<Real> y = Tensor<Real>::from_columns(one_hot<Real>(arma::uvec(mnist.train.y.elem(head)), 10));
    std::vector<double> rates, compute, allreduce;
    double bytes = 0;
    for (int r = 0; r < repeats; ++r) {
      Sequential<Real> model = build(w, ctx.seed);
      SGD<Real> sgd(0.05, 0.9);
      DataParallel<Real> parallel(model);
      FitOptions options{1, w.batch};
      options.partition = &parallel;
      Rng rng(ctx.seed + 1);
      const History h = fit(model, SoftmaxCrossEntropy<Real>(), sgd, x, y, options, rng, {&parallel});
      const double seconds = h.seconds.back(), steps = static_cast<double>(parallel.steps());
      rates.push_back(static_cast<double>(w.samples) / seconds);
      allreduce.push_back(parallel.allreduce_seconds() / steps);
      compute.push_back(seconds / steps - parallel.allreduce_seconds() / steps);
      bytes = static_cast<double>(parallel.buffer_values() * sizeof(Real));
    }
    if (mpi.rank() == 0)
      std::cout << "RESULT " << k << ' ' << mpi.size() << ' ' << bench::median(rates) << ' ' << bench::median(compute) << ' '
                << bench::median(allreduce) << ' ' << bytes << std::endl;
  }
}

struct Measured {
  double rate = 0, compute = 0, allreduce = 0, bytes = 0;
};

// Runs `mpirun -np ranks <this program> --worker ...` and reads its RESULT lines.
std::map<std::size_t, Measured> run_ranks(int ranks, const std::string& self, const LabContext& ctx) {
  // The workers write nothing, but every lecon program locks its --out folder: theirs is a scratch one.
  const std::string scratch = (std::filesystem::temp_directory_path() / ("lecon-scaling-" + std::to_string(::getpid()))).string();
  std::ostringstream command;
  command << "OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe --bind-to none -np " << ranks << " '" << self << "' --worker --data-dir '"
          << ctx.data_dir << "' --out '" << scratch << "' --repeats " << bench::repeats(ctx) << " --results '' 2>&1";
  FILE* pipe = popen(command.str().c_str(), "r");
  if (!pipe) throw Error("bench_scaling: cannot start mpirun");
  std::map<std::size_t, Measured> out;
  std::string text;
  char line[4096];
  while (std::fgets(line, sizeof line, pipe)) {
    text += line;
    std::istringstream in(line);
    std::string tag;
    std::size_t k = 0;
    int n = 0;
    Measured m;
    if (in >> tag >> k >> n >> m.rate >> m.compute >> m.allreduce >> m.bytes && tag == "RESULT") out[k] = m;
  }
  const int status = pclose(pipe);
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  if (status != 0 || out.size() != kWorkloads.size()) {
    // One line: the workers' first error line (mpirun's own report follows it in the output).
    std::istringstream lines(text);
    std::string first, line;
    while (std::getline(lines, line))
      if (line.find("error") != std::string::npos) {
        first = line;
        break;
      }
    throw Error("`mpirun -np " + std::to_string(ranks) + " bench_scaling --worker` failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")" +
                (first.empty() ? "" : ": " + first));
  }
  return out;
}

std::string seconds_text(double s) { return s < 1e-3 ? fixed(s * 1e6, 0) + " µs" : fixed(s * 1e3, 2) + " ms"; }

void driver(const LabContext& ctx, int argc, char** argv) {
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  const std::string before = bench::load_average();
  std::cout << "1 rank..." << std::flush;
  const auto one = run_ranks(1, self, ctx);
  std::cout << " 2 ranks..." << std::flush;
  const auto two = run_ranks(2, self, ctx);
  std::cout << "\n";
  const std::string after = bench::load_average();
  Table table("Data-parallel training over MPI on this machine, 1 thread per rank (SGD, one epoch)",
              {"model", "global batch", "1 rank samples/s", "2 ranks samples/s", "speed-up, same global batch",
               "speed-up, same batch per rank", "2 ranks: compute per step", "allreduce per step", "allreduce share", "gradient buffer"});
  for (std::size_t k = 0; k < kWorkloads.size(); ++k) {
    const Measured& a = one.at(k);
    const Measured& b = two.at(k);
    const std::optional<std::size_t> d = doubled(k);
    table.add_row({kWorkloads[k].name, std::to_string(kWorkloads[k].batch), fixed(a.rate, 0), fixed(b.rate, 0), fixed(b.rate / a.rate, 2) + "x",
                   d ? fixed(two.at(*d).rate / a.rate, 2) + "x (2 x " + std::to_string(kWorkloads[k].batch) + ")" : std::string("-"),
                   seconds_text(b.compute), seconds_text(b.allreduce), fixed(100 * b.allreduce / (b.compute + b.allreduce), 1) + "%",
                   fixed(b.bytes / 1e6, 2) + " MB"});
  }
  table.add_note("samples/s: median over " + std::to_string(bench::repeats(ctx)) + " epochs (MLP: 60,000 images; LeNet: the first 12,800), each from the same "
                 "initial weights; every rank holds the model and the data and computes its half of each global batch");
  table.add_note("same global batch: 2 ranks share each batch of B (strong scaling, what a fixed recipe gets); same batch per rank: 2 "
                 "ranks at global batch 2B against 1 rank at B (weak scaling: each rank keeps its GEMMs' size)");
  table.add_note("allreduce per step: time inside MPI_Allreduce of the one gradient buffer (Open MPI, shared memory between the two ranks), "
                 "including any wait for the slower rank; compute per step: the rest of the step");
  table.add_note(bench::load_note(before, after));
  table.add_note(describe_blas());
  table.print(std::cout);

  // What N machines would reach: measured compute per sample (1 rank), the ring allreduce's cost.
  Table model("Model: samples/s of N machines, 1 rank each, from this run's compute time per sample and a ring allreduce "
              "(2 (N−1)/N · bytes / bandwidth + 2 (N−1) · 20 µs)",
              {"model", "global batch", "network", "N = 1", "2", "4", "8", "16", "32", "64"});
  for (std::size_t k = 0; k < kWorkloads.size(); ++k) {
    const Measured& a = one.at(k);
    const double per_sample = a.compute / static_cast<double>(kWorkloads[k].batch);
    for (const double gbit : {10.0, 100.0}) {
      std::vector<std::string> row = {kWorkloads[k].name, std::to_string(kWorkloads[k].batch), fixed(gbit, 0) + " Gbit/s"};
      for (const double N : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0}) {
        const double shard = std::max(1.0, std::ceil(static_cast<double>(kWorkloads[k].batch) / N));
        const double ring = N > 1 ? 2 * (N - 1) / N * a.bytes / (gbit * 1e9 / 8) + 2 * (N - 1) * 20e-6 : 0.0;
        const double step = per_sample * shard + ring;
        row.push_back(fixed(static_cast<double>(kWorkloads[k].batch) / step, 0));
      }
      model.add_row(row);
    }
  }
  model.add_note("a global batch smaller than N leaves machines idle; the model ignores stragglers and overlap of communication with backward");
  model.print(std::cout);
  bench::publish(ctx, "scaling", "Data-parallel training over MPI (`bench_scaling`)", argc, argv, table.markdown() + "\n" + model.markdown());
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_scaling", "data-parallel training over MPI: 1 and 2 ranks on this machine, and a model of N machines");
  bench::add_common_options(program, 3);
  program.options().add_options()("worker", po::bool_switch(), "(internal) run as an MPI rank and print RESULT lines");
  return program.run(argc, argv, [&](const LabContext& ctx) {
    if (ctx.options["worker"].as<bool>()) worker(ctx, argc, argv);
    else driver(ctx, argc, argv);
  });
}
