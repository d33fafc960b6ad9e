// bench_gemm: the GEMM roofline (sgemm and dgemm through Armadillo, n = 256..2048, 1 and 2 threads),
// measured twice: with the kernel lecon selects for this CPU and with OpenBLAS's own detection
// (a child process started with LECON_BLAS_KERNEL=auto); plus MNIST load time from idx versus HDF5.
// Writes the "gemm" section of benchmarks/RESULTS.md.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

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

// Runs this program again under another kernel policy (LECON_BLAS_KERNEL: "auto" for OpenBLAS's own
// detection, or a core type) and reads its result lines.
// The child gets its own scratch --out: it writes nothing there, but every lab locks its --out folder for
// its whole run, and the parent holds the lock on the real one.
Results measure_in_child(const std::string& policy, const std::string& sizes, int repeats, std::string& blas_line) {
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
  const std::string command = "env -u LECON_BLAS_SELECTED -u OPENBLAS_CORETYPE LECON_BLAS_KERNEL=" + policy + " '" + self +
                              "' --child --out '" + scratch.string() + "' --sizes " + sizes + " --repeats " +
                              std::to_string(repeats);
  FILE* child = popen(command.c_str(), "r");
  if (!child) throw Error("bench_gemm: cannot start the child process for kernel " + policy);
  Results results;
  char line[1024];
  while (std::fgets(line, sizeof line, child)) {
    char type[16];
    std::size_t n;
    int t;
    double gflops;
    if (std::sscanf(line, "R %15s %zu %d %lf", type, &n, &t, &gflops) == 4) results[{type, n, t}] = gflops;
    else if (std::string(line).rfind("BLAS:", 0) == 0) blas_line = std::string(line, std::strlen(line) - 1);
  }
  if (pclose(child) != 0) throw Error("bench_gemm: the child measuring kernel " + policy + " failed");
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

  std::cout << "measuring with the selected kernel...\n";
  const std::string selected_blas = describe_blas();
  const Results selected = measure(sizes, threads, repeats, false);
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
  std::vector<Results> others;
  std::vector<std::string> other_blas;
  for (const std::string& policy : policies) {
    std::cout << "measuring with LECON_BLAS_KERNEL=" << policy << " (child process)...\n";
    other_blas.emplace_back();
    others.push_back(measure_in_child(policy, sizes_text, repeats, other_blas.back()));
  }

  std::vector<std::string> columns = {"precision", "n", "threads", "selected: " + blas_info().core};
  for (const std::string& policy : policies)
    columns.push_back((policy == "auto" ? std::string("OpenBLAS detection")
                                        : policy == info.inherited ? "environment: " + policy : policy) + " (ratio)");
  Table gemm("GEMM roofline: C = A*B, n x n, GFLOP/s (2n^3 flops / median time of " + std::to_string(repeats) + " runs)",
             columns);
  for (const std::string type : {"float", "double"})
    for (int t : threads)
      for (std::size_t n : sizes) {
        const double ours = selected.at({type, n, t});
        std::vector<std::string> row = {type == "float" ? "sgemm" : "dgemm", std::to_string(n), std::to_string(t), fixed(ours, 1)};
        for (const Results& other : others) {
          const auto found = other.find({type, n, t});
          row.push_back(found == other.end() ? "n/a" : fixed(found->second, 1) + " (" + fixed(found->second / ours, 2) + ")");
        }
        gemm.add_row(row);
      }
  gemm.add_note("ratio: that kernel's GFLOP/s over the selected kernel's, measured in this run");
  gemm.add_note("selected: " + selected_blas);
  for (const std::string& line : other_blas) gemm.add_note("child: " + line);
  gemm.print(std::cout);

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

  bench::publish(ctx, "gemm", "GEMM roofline and data loading (`bench_gemm`)", argc, argv,
                 gemm.markdown() + "\n" + load.markdown() +
                     "\nLater benchmarks state their speed as a fraction of the sgemm figure measured in their own run.\n");
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram program("bench_gemm", "GEMM GFLOP/s (float, double; 1 and 2 threads; two BLAS kernels) and MNIST load time");
  program.options().add_options()
    ("sizes", po::value<std::string>()->default_value("256,512,1024,2048"), "matrix sizes n, comma-separated")
    ("child", "internal: print raw result lines (used for the runs under other kernels)");
  bench::add_common_options(program, 5);
  return program.run(argc, argv, [&](const LabContext& ctx) { run(ctx, argc, argv); });
}
