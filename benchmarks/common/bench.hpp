#pragma once
// Shared pieces of the benchmark programs: robust timing (median of several runs), the machine's
// description, the GEMM roofline every benchmark compares itself to, and RESULTS.md sections.
#include <armadillo>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/labkit/lab.hpp"

namespace lecon::bench {

double median(std::vector<double> values);

// Seconds per call of `work`: `repeats` samples, each running work() until at least `min_seconds`
// have passed (so tiny calls are averaged over many), after one warm-up call; returns the median.
double seconds_per_call(const std::function<void()>& work, int repeats, double min_seconds = 0.1);

// GFLOP/s of C = A * B for n x n matrices of T (2 n^3 flops) at the current thread count.
template <typename T>
double gemm_gflops(std::size_t n, int repeats);

// "AMD EPYC, 2 cores (avx512f), 23 GiB, Debian GNU/Linux 12 (bookworm), g++ 12.2.0"
std::string machine_description();
// The load average over 1, 5 and 15 minutes, "1.02, 0.87, 0.55" (/proc/loadavg): above the core count,
// other work shared the machine and the timings are not a fair comparison.
std::string load_average();
// A table note: "load average (1, 5, 15 min) before the run: B; after: A (below the core count: the machine
// was otherwise idle)", or "(above the core count: other work shared the machine)" when either 1-minute
// figure exceeds the number of cores.
std::string load_note(const std::string& before, const std::string& after);
// Today's date as YYYY-MM-DD.
std::string today();
// The command line as typed.
std::string command_line(int argc, char** argv);

// Replaces the section between "<!-- name:begin -->" and "<!-- name:end -->" in the Markdown file at
// path with `markdown` (appends the section if absent; creates the file with a title if missing).
void update_results_section(const std::string& path, const std::string& name, const std::string& markdown);

// The PyTorch peer of a training benchmark: a Python script beside the benchmark's source, run with
// Debian's /usr/bin/python3, that trains the same model and prints one JSON line
//   {"rates": [samples/s per timed epoch], "accuracy": a, "torch": "1.13.1", ...more numbers}
struct PeerRun {
  std::vector<double> rates;
  double accuracy = 0;
  std::string version;
  std::string json;  // the whole line, for further numbers (json_number)
};
// `/usr/bin/python3 <script> <arguments>` (arguments already quoted for the shell), read as above.
PeerRun run_torch_script(const std::string& script, const std::string& arguments);
// Whether /usr/bin/python3 can import torch and numpy.
bool torch_available();
// Runs `/usr/bin/python3 <script> --mnist <dir> --threads <t> --epochs <repeats> --seed <seed>`; throws Error
// naming the script when it fails or prints something else.
PeerRun run_torch_peer(const std::string& script, const std::string& mnist_dir, int threads, int repeats, std::uint64_t seed = 1);
// The number after "key": in a one-line JSON text; throws Error when absent.
double json_number(const std::string& json, const std::string& key);

// Interleaved rounds. A shared virtual machine's speed drifts by a quarter within minutes (the same LeNet
// step took 12.4 ms and, five minutes later, 10.0 ms at 2 threads), so measuring lecon's runs, then the peer's,
// then dividing the medians compares two different machines. Each round instead measures, back to back, the
// sgemm roofline, one lecon run and one peer run; the ratio and the fraction of the roofline are medians of
// the per-round figures, so drift between rounds cancels (docs/benchmarks.md).
struct Rounds {
  std::vector<double> roofline;  // sgemm GFLOP/s (n = 1024) of each round: the better of before and after lecon's run
  std::vector<double> ours;      // lecon's samples/s in each round
  std::vector<double> theirs;    // the peer's samples/s in each round (empty without a peer)
  double ours_median() const { return median(ours); }
  double theirs_median() const { return median(theirs); }
  double roofline_median() const { return median(roofline); }
  double ratio() const;                                      // median over rounds of ours / theirs
  double roofline_fraction(double flops_per_sample) const;   // median over rounds of ours · flops / roofline
  // "84.7% of 91": the fraction and the median roofline (GFLOP/s)
  std::string roofline_cell(double flops_per_sample) const;
};
// `rounds` rounds at the current thread count: the roofline, ours(r), the roofline again, then theirs(r) when given; each
// returns samples/s of one run (round r seeds it). Prints a dot per round.
Rounds measure_rounds(int rounds, const std::function<double(int)>& ours, const std::function<double(int)>& theirs = nullptr);
// measure_rounds with lecon's side given as run_ours(seed), a result with a .rate (samples/s): round r seeds it
// seed + r, and the first round's result is kept in *first (its test accuracy, reconstruction error, ...).
template <typename Result, typename RunOurs>
Rounds measure_seeded_rounds(int rounds, std::uint64_t seed, RunOurs run_ours, Result* first, const std::function<double(int)>& theirs) {
  return measure_rounds(
      rounds,
      [&](int r) {
        const Result result = run_ours(seed + static_cast<std::uint64_t>(r));
        if (r == 0) *first = result;
        return result.rate;
      },
      theirs);
}
// The peer side of measure_rounds for an MNIST training script: round r runs run_torch_peer(script, mnist_dir,
// threads, one epoch, seed + r) and returns its samples/s; the first round's whole answer (accuracy, version,
// further JSON numbers) is kept in *first.
std::function<double(int)> torch_peer_rounds(const std::string& script, const std::string& mnist_dir, int threads, std::uint64_t seed,
                                             PeerRun* first);
// The table note that explains the above.
std::string rounds_note(int rounds, const std::string& run);
// A table note with every round's figures, row by row ("1 thread: 91 / 4,377 / 2,562; ..." as roofline GFLOP/s /
// lecon samples/s / the peer's), so a reader sees the drift that medians hide. When a row's roofline fell below 3/4
// of its best round (the host took a core away for a while), the note says so: that row's figures, its roofline
// fraction above all, are less reliable than the others.
std::string rounds_detail(const std::vector<std::pair<int, Rounds>>& rows);

// The options every benchmark has: --repeats (timed runs per figure, at least 1, checked by
// LabProgram::run before any work) and --results (the Markdown file).
void add_common_options(LabProgram& program, int default_repeats);
// --repeats.
int repeats(const LabContext& ctx);
// Writes section `name` of the --results file (nothing when it is ''): "## heading", the date, the
// machine and the command line, then `body`.
void publish(const LabContext& ctx, const std::string& name, const std::string& heading, int argc, char** argv,
             const std::string& body);

// Where a training step's time goes: runs `steps` training steps of `model` on the one batch (x, y) (forward,
// loss gradient, backward; no optimizer step, so the weights stay put) and prints, per layer, the median
// milliseconds of its forward and of its backward, and their share of the step. --profile in bench_cnn
// and bench_mlp; the speed figures of RESULTS.md come from whole epochs, not from this.
void profile_layers(Sequential<Real>& model, const Loss<Real>& loss, const Tensor<Real>& x, const Tensor<Real>& y, int steps,
                    std::ostream& out);

}  // namespace lecon::bench
