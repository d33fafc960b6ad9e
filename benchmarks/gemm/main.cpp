// bench_gemm: the GEMM roofline (sgemm and dgemm through Armadillo, n = 256..2048, 1 and 2 threads),
// measured twice: with the kernel lecon selects for this CPU and with OpenBLAS's own detection
// (a child process started with LECON_BLAS_KERNEL=auto); the time to wake a waiting second thread under
// this run's wait policy and under libgomp's spinning default (a child process); plus MNIST load time from
// idx versus HDF5.
// Writes the "gemm" section of benchmarks/RESULTS.md.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include <omp.h>
#include <unistd.h>

#include "bench.hpp"
#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/table.hpp"

namespace {

using namespace lecon;

struct Key {
  std::string type;
  std::size_t n;
  int threads;
  bool operator<(const Key& o) const { return std::tie(type, n, threads) < std::tie(o.type, o.n, o.threads); }
};
using Results = std::map<Key, double>;

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      const long n = std::stol(item);
      if (n < 1 || n > 16384) throw std::out_of_range("size");
      sizes.push_back(static_cast<std::size_t>(n));
    } catch (const std::exception&) {
      throw OptionError("--sizes: expected comma-separated sizes in 1..16384, got '" + item + "'");
    }
  }
  if (sizes.empty()) throw OptionError("--sizes: no sizes given");
  return sizes;
}

Results measure(const std::vector<std::size_t>& sizes, const std::vector<int>& threads, int repeats, bool print_lines) {
  Results results;
  for (int t : threads) {
    set_thread_count(t);
    for (std::size_t n : sizes) {
      results[{"float", n, t}] = bench::gemm_gflops<float>(n, repeats);
      results[{"double", n, t}] = bench::gemm_gflops<double>(n, repeats);
      if (print_lines) {
        std::printf("R float %zu %d %.6f\nR double %zu %d %.6f\n", n, t, results[{"float", n, t}], n, t,
                    results[{"double", n, t}]);
        std::fflush(stdout);
      }
    }
  }
  return results;
}

// How long an empty parallel region of two threads takes after `gap_us` µs of work on the calling thread:
// the time for the other thread, waiting since the previous region, to join and finish. Under the passive
// policy it sleeps and must be woken; a spinning one is still polling unless the gap outlasted its spin.
// Returns {p50, p90, p99} in µs over `samples` regions.
std::array<double, 3> wake_microseconds(int gap_us, int samples) {
  using Clock = std::chrono::steady_clock;
  const auto micro = [](Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); };
  std::vector<double> times;
  for (int i = 0; i < samples; ++i) {
    const auto work = Clock::now();
    while (micro(Clock::now() - work) < gap_us) {
    }
    const auto start = Clock::now();
#pragma omp parallel num_threads(2)
    {
      volatile int who = omp_get_thread_num();
      (void)who;
    }
    times.push_back(micro(Clock::now() - start));
  }
  std::sort(times.begin(), times.end());
  const auto at = [&](double q) { return times[static_cast<std::size_t>(q * (times.size() - 1))]; };
  return {at(0.5), at(0.9), at(0.99)};
}

const std::vector<int> kWakeGaps = {0, 10, 100, 1000};
constexpr int kWakeSamples = 1000;
constexpr int kRounds = 3;

// The wait policy this process runs under, in words.
std::string wait_policy_in_effect() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  std::string text = policy ? std::string("OMP_WAIT_POLICY=") + policy : "";
  if (spin) text += (text.empty() ? "" : ", ") + std::string("GOMP_SPINCOUNT=") + spin;
  if (text.empty()) return "libgomp's default";
  return text + (std::getenv("LECON_WAIT_POLICY_SET") ? " (lecon's)" : " (the user's)");
}

// Runs this program again under another kernel policy (LECON_BLAS_KERNEL: "auto" for OpenBLAS's own
// detection, or a core type) and reads its result lines.
// The child gets its own scratch --out: it writes nothing there, but every lab locks its --out folder for
// its whole run, and the parent holds the lock on the real one.
// `environment` and `arguments` complete the command line; every "R ..." line the child prints is returned.
std::vector<std::string> child_lines(const std::string& environment, const std::string& arguments, const std::string& what) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("lecon-bench_gemm-child-" + std::to_string(::getpid()));
  std::filesystem::create_directories(scratch);
  struct RemoveScratch {
    std::filesystem::path path;
    ~RemoveScratch() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } remove_scratch{scratch};
  const std::string command = "env " + environment + " '" + self + "' --out '" + scratch.string() + "' " + arguments;
  FILE* child = popen(command.c_str(), "r");
  if (!child) throw Error("bench_gemm: cannot start the child process for " + what);
  std::vector<std::string> lines;
  char line[1024];
  while (std::fgets(line, sizeof line, child)) {
    const std::string text(line, std::strcspn(line, "\n"));
    if (text.rfind("R ", 0) == 0 || text.rfind("BLAS:", 0) == 0) lines.push_back(text);
  }
  if (pclose(child) != 0) throw Error("bench_gemm: the child measuring " + what + " failed");
  return lines;
}

Results measure_in_child(const std::string& policy, const std::string& sizes, int repeats, std::string& blas_line) {
  Results results;
  for (const std::string& line : child_lines("-u LECON_BLAS_SELECTED -u OPENBLAS_CORETYPE LECON_BLAS_KERNEL=" + policy,
                                             "--child --sizes " + sizes + " --repeats " + std::to_string(repeats), "kernel " + policy)) {
    char type[16];
    std::size_t n;
    int t;
    double gflops;
    if (std::sscanf(line.c_str(), "R %15s %zu %d %lf", type, &n, &t, &gflops) == 4) results[{type, n, t}] = gflops;
    else if (line.rfind("BLAS:", 0) == 0) blas_line = line;
  }
  return results;
}

// The wake-up times in a child under libgomp's default policy (it spins about 3 ms, 300,000 rounds, before
// sleeping), with lecon's passive policy removed: the wait policy the PyTorch peers run under.
std::map<int, std::array<double, 3>> wake_in_spinning_child() {
  std::map<int, std::array<double, 3>> results;
  for (const std::string& line : child_lines("-u OMP_WAIT_POLICY -u LECON_WAIT_POLICY_SET GOMP_SPINCOUNT=300000", "--child-wake",
                                             "the wake-up under libgomp's default")) {
    int gap;
    std::array<double, 3> q;
    if (std::sscanf(line.c_str(), "R wake %d %lf %lf %lf", &gap, &q[0], &q[1], &q[2]) == 4) results[gap] = q;
  }
  return results;
}

void run(const LabContext& ctx, int argc, char** argv) {
  const std::string sizes_text = ctx.options["sizes"].as<std::string>();
  const std::vector<std::size_t> sizes = parse_sizes(sizes_text);
  const int repeats = bench::repeats(ctx);
  const std::vector<int> threads = {1, 2};

  if (ctx.options.count("child")) {
    std::cout << describe_blas() << std::endl;
    measure(sizes, threads, repeats, true);
    return;
  }
  if (ctx.options.count("child-wake")) {
    set_thread_count(2);
    for (int gap : kWakeGaps) {
      const std::array<double, 3> q = wake_microseconds(gap, kWakeSamples);
      std::printf("R wake %d %.3f %.3f %.3f\n", gap, q[0], q[1], q[2]);
    }
    return;
  }

  // The same figures under OpenBLAS's own detection, under the kernel the environment asked for (the
  // OPENBLAS_CORETYPE lecon overrode, if any), and under the other kernels this CPU can run.
  const BlasInfo info = blas_info();
  std::vector<std::string> policies = {"auto"};
  std::vector<std::string> candidates = {info.inherited};
  if (cpu_features() == "avx512f") candidates.push_back("SkylakeX");
  if (cpu_features() == "avx512f" || cpu_features() == "avx2") candidates.push_back("Haswell");
  for (const std::string& kernel : candidates)
    if (!kernel.empty() && kernel != info.requested && std::find(policies.begin(), policies.end(), kernel) == policies.end())
      policies.push_back(kernel);
  // Interleaved rounds: the selected kernel, then each other kernel in its child process, kRounds times. A
  // shared machine's speed drifts by a fifth within minutes (docs/benchmarks.md); measured one kernel after
  // the other, a slow minute made one kernel look 1.5x faster than another in a run where, interleaved, the
  // two are equal.
  const std::string selected_blas = describe_blas();
  std::vector<Results> selected(kRounds);
  std::vector<std::vector<Results>> others(policies.size(), std::vector<Results>(kRounds));
  std::vector<std::string> other_blas(policies.size());
  for (int round = 0; round < kRounds; ++round) {
    std::cout << "round " << round + 1 << " of " << kRounds << ": the selected kernel";
    for (const std::string& policy : policies) std::cout << ", LECON_BLAS_KERNEL=" << policy;
    std::cout << " (child processes)..." << std::endl;
    selected[round] = measure(sizes, threads, repeats, false);
    for (std::size_t k = 0; k < policies.size(); ++k)
      others[k][round] = measure_in_child(policies[k], sizes_text, repeats, other_blas[k]);
  }

  std::vector<std::string> columns = {"precision", "n", "threads", "selected: " + blas_info().core};
  for (const std::string& policy : policies)
    columns.push_back((policy == "auto" ? std::string("OpenBLAS detection")
                                        : policy == info.inherited ? "environment: " + policy : policy) + " (ratio)");
  Table gemm("GEMM roofline: C = A*B, n x n, GFLOP/s (2n^3 flops / median time of " + std::to_string(repeats) +
                 " runs; median over " + std::to_string(kRounds) + " interleaved rounds)",
             columns);
  const auto across_rounds = [&](const std::vector<Results>& rounds, const Key& key, const std::vector<Results>* over) {
    std::vector<double> values;
    for (int round = 0; round < kRounds; ++round) {
      const auto found = rounds[round].find(key);
      if (found == rounds[round].end()) return -1.0;
      values.push_back(found->second / (over ? (*over)[round].at(key) : 1.0));
    }
    return bench::median(values);
  };
  for (const std::string type : {"float", "double"})
    for (int t : threads)
      for (std::size_t n : sizes) {
        const Key key{type, n, t};
        std::vector<std::string> row = {type == "float" ? "sgemm" : "dgemm", std::to_string(n), std::to_string(t),
                                        fixed(across_rounds(selected, key, nullptr), 1)};
        for (const std::vector<Results>& other : others) {
          const double gflops = across_rounds(other, key, nullptr);
          row.push_back(gflops < 0 ? "n/a" : fixed(gflops, 1) + " (" + fixed(across_rounds(other, key, &selected), 2) + ")");
        }
        gemm.add_row(row);
      }
  gemm.add_note("each round measures the selected kernel in this process, then each other kernel in a child process; "
                "ratio: the median of the rounds' ratios of that kernel's GFLOP/s to the selected kernel's");
  gemm.add_note("selected: " + selected_blas);
  for (const std::string& line : other_blas) gemm.add_note("child: " + line);
  gemm.print(std::cout);

  // Waking the second thread: what every parallel region of a training step pays at 2 threads.
  std::cout << "measuring the wake-up of a waiting thread (this run, then a child under libgomp's default)...\n";
  set_thread_count(2);
  std::map<int, std::array<double, 3>> ours;
  for (int gap : kWakeGaps) ours[gap] = wake_microseconds(gap, kWakeSamples);
  const std::map<int, std::array<double, 3>> spinning = wake_in_spinning_child();
  const auto quantiles = [](const std::array<double, 3>& q) { return fixed(q[0], 1) + " / " + fixed(q[1], 1) + " / " + fixed(q[2], 1); };
  Table wake("Waking a waiting thread: an empty parallel region of 2 threads after some work on one, µs (median / 90th / 99th "
             "percentile of " + std::to_string(kWakeSamples) + ")",
             {"work on one thread before it", "this run: " + wait_policy_in_effect(), "libgomp's default (GOMP_SPINCOUNT=300000)"});
  for (int gap : kWakeGaps) {
    const auto other = spinning.find(gap);
    wake.add_row({std::to_string(gap) + " µs", quantiles(ours[gap]), other == spinning.end() ? "n/a" : quantiles(other->second)});
  }
  wake.add_note("every parallel region of a training step at 2 threads pays the first column once (lecon's threads sleep as soon as "
                "they wait, docs/architecture.md); the second is the policy the PyTorch peers of the other benchmarks run under "
                "(docs/benchmarks.md, \"The wait policy decides the 2-thread rows\")");
  wake.print(std::cout);

  // MNIST: the raw idx files against the converted HDF5 file.
  Table load("MNIST load time (train + test, to float tensors in [0, 1]), median of " + std::to_string(repeats) + " runs",
             {"source", "ms", "speed-up"});
  const std::string idx_dir = ctx.data_dir + "/downloads/mnist";
  if (std::filesystem::exists(data_file(ctx.data_dir, "mnist")) && std::filesystem::exists(idx_dir)) {
    set_thread_count(ctx.threads);
    const std::vector<std::string> names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    const double idx_s = bench::seconds_per_call([&] {
      load_idx_dataset(idx_dir + "/train-images-idx3-ubyte", idx_dir + "/train-labels-idx1-ubyte", names, "train");
      load_idx_dataset(idx_dir + "/t10k-images-idx3-ubyte", idx_dir + "/t10k-labels-idx1-ubyte", names, "test");
    }, repeats, 0.0);
    const double h5_s = bench::seconds_per_call([&] { load_data(ctx.data_dir, "mnist"); }, repeats, 0.0);
    load.add_row({"idx files (" + idx_dir + ")", fixed(idx_s * 1e3, 1), "1.00x"});
    load.add_row({"HDF5 (" + data_file(ctx.data_dir, "mnist") + ")", fixed(h5_s * 1e3, 1), fixed(idx_s / h5_s, 2) + "x"});
    load.add_note("both from the page cache (second and later runs); " + std::to_string(ctx.threads) + " threads");
  } else {
    load.add_row({"(MNIST not converted: run make data)", "n/a", "n/a"});
  }
  load.print(std::cout);

  bench::publish(ctx, "gemm", "GEMM roofline, thread wake-up and data loading (`bench_gemm`)", argc, argv,
                 gemm.markdown() + "\n" + wake.markdown() + "\n" + load.markdown() +
                     "\nLater benchmarks state their speed as a fraction of the sgemm figure measured in their own run.\n");
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_gemm", "GEMM GFLOP/s (float, double; 1 and 2 threads; two BLAS kernels) and MNIST load time");
  program.options().add_options()
    ("sizes", po::value<std::string>()->default_value("256,512,1024,2048"), "matrix sizes n, comma-separated")
    ("child", "internal: print raw result lines (used for the runs under other kernels)")
    ("child-wake", "internal: print the wake-up times as raw lines (used for the run under libgomp's default policy)");
  bench::add_common_options(program, 5);
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
