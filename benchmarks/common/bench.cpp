#include "bench.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "lecon/core/blas_runtime.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"
#include "lecon/core/rng.hpp"
#include "lecon/labkit/table.hpp"

namespace lecon::bench {
namespace {

std::string first_value(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    std::string value = line.substr(line.find_first_of(":=") + 1);
    value.erase(0, value.find_first_not_of(" \t\""));
    while (!value.empty() && (value.back() == '"' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "unknown";
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) throw Error("median of no values");
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

double seconds_per_call(const std::function<void()>& work, int repeats, double min_seconds) {
  using clock = std::chrono::steady_clock;
  work();  // warm-up: page faults, thread start-up, caches
  std::vector<double> samples;
  for (int r = 0; r < std::max(1, repeats); ++r) {
    const auto start = clock::now();
    long calls = 0;
    double elapsed = 0;
    do {
      work();
      ++calls;
      elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < min_seconds);
    samples.push_back(elapsed / calls);
  }
  return median(samples);
}

template <typename T>
double gemm_gflops(std::size_t n, int repeats) {
  Rng rng(42);
  arma::Mat<T> a(n, n), b(n, n), c(n, n);
  rng.fill_uniform(a, T(-1), T(1));
  rng.fill_uniform(b, T(-1), T(1));
  const double seconds = seconds_per_call([&] { c = a * b; }, repeats);
  return 2.0 * double(n) * n * n / seconds * 1e-9;
}
template double gemm_gflops<float>(std::size_t, int);
template double gemm_gflops<double>(std::size_t, int);

std::string machine_description() {
  std::ostringstream os;
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  os << first_value("/proc/cpuinfo", "model name") << ", " << sysconf(_SC_NPROCESSORS_ONLN) << " cores (" << cpu_features()
     << "), " << (pages * page_size) / (1L << 30) << " GiB, " << first_value("/etc/os-release", "PRETTY_NAME") << ", g++ "
     << __VERSION__;
  return os.str();
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  std::ostringstream os;
  os.precision(2);
  os << std::fixed << one << ", " << five << ", " << fifteen;
  return os.str();
}

std::string load_note(const std::string& before, const std::string& after) {
  const auto busy = [](const std::string& load) {
    try {
      return std::stod(load) > static_cast<double>(std::thread::hardware_concurrency());
    } catch (const std::exception&) {
      return false;
    }
  };
  return "load average (1, 5, 15 min) before the run: " + before + "; after: " + after +
         (busy(before) || busy(after) ? " (above the core count: other work shared the machine)"
                                      : " (below the core count: the machine was otherwise idle)");
}

std::string today() {
  char text[16];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&now));
  return text;
}

std::string command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  return line;
}

void update_results_section(const std::string& path, const std::string& name, const std::string& markdown) {
  std::string text;
  {
    std::ifstream in(path);
    if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    else text = "# lecon benchmark results\n\nWritten by `make bench`; each section by the program it names.\n";
  }
  const std::string begin = "<!-- " + name + ":begin -->", end = "<!-- " + name + ":end -->";
  const std::string section = begin + "\n" + markdown + (markdown.empty() || markdown.back() == '\n' ? "" : "\n") + end;
  const std::size_t b = text.find(begin), e = text.find(end);
  if (b != std::string::npos && e != std::string::npos && e > b) text.replace(b, e + end.size() - b, section);
  else text += "\n" + section + "\n";
  write_file_atomically(path, text);
}

bool torch_available() { return std::system("/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1") == 0; }

double json_number(const std::string& json, const std::string& key) {
  const std::size_t at = json.find("\"" + key + "\": ");
  if (at == std::string::npos) throw Error("benchmark peer: no '" + key + "' in its answer: " + json);
  return std::stod(json.substr(at + key.size() + 4));
}

PeerRun run_torch_peer(const std::string& script, const std::string& mnist_dir, int threads, int repeats, std::uint64_t seed) {
  return run_torch_script(script, "--mnist '" + mnist_dir + "' --threads " + std::to_string(threads) + " --epochs " + std::to_string(repeats) +
                                      " --seed " + std::to_string(seed));
}

double Rounds::ratio() const {
  if (ours.size() != theirs.size()) throw Error("benchmark rounds: " + std::to_string(ours.size()) + " of ours, " + std::to_string(theirs.size()) + " of the peer's");
  std::vector<double> ratios;
  for (std::size_t r = 0; r < ours.size(); ++r) ratios.push_back(ours[r] / theirs[r]);
  return median(ratios);
}

double Rounds::roofline_fraction(double flops_per_sample) const {
  std::vector<double> fractions;
  for (std::size_t r = 0; r < ours.size(); ++r) fractions.push_back(ours[r] * flops_per_sample * 1e-9 / roofline[r]);
  return median(fractions);
}

std::string Rounds::roofline_cell(double flops_per_sample) const {
  return fixed(100 * roofline_fraction(flops_per_sample), 1) + "% of " + fixed(roofline_median(), 0);
}

Rounds measure_rounds(int rounds, const std::function<double(int)>& ours, const std::function<double(int)>& theirs) {
  Rounds result;
  for (int r = 0; r < std::max(1, rounds); ++r) {
    // The roofline before and after lecon's run, the better of the two: on a shared virtual machine one core
    // is sometimes gone for half a second or so, and a 30 ms measurement that falls in such a gap reads half
    // the machine's peak (docs/benchmarks.md). Lecon's run, seconds long, pays for such gaps in full.
    const double before = gemm_gflops<float>(1024, 3);
    result.ours.push_back(ours(r));
    result.roofline.push_back(std::max(before, gemm_gflops<float>(1024, 3)));
    if (theirs) result.theirs.push_back(theirs(r));
    std::cout << '.' << std::flush;
  }
  return result;
}

std::function<double(int)> torch_peer_rounds(const std::string& script, const std::string& mnist_dir, int threads, std::uint64_t seed,
                                             PeerRun* first) {
  return [=](int r) {
    PeerRun run = run_torch_peer(script, mnist_dir, threads, 1, seed + static_cast<std::uint64_t>(r));
    const double rate = run.rates.at(0);
    if (r == 0) *first = std::move(run);
    return rate;
  };
}

std::string rounds_note(int rounds, const std::string& run) {
  return "measured in " + std::to_string(rounds) + " interleaved rounds, each the sgemm roofline (n = 1024 through Armadillo), then " + run +
         " of lecon, the roofline again (the round's roofline: the better of the two), then the same run of the peer, back to back; "
         "samples/s: medians over the rounds; the roofline fraction and lecon / peer: "
         "medians of the per-round figures (a shared machine's speed drifts between rounds, docs/benchmarks.md)";
}

std::string rounds_detail(const std::vector<std::pair<int, Rounds>>& rows) {
  std::string text = "each round, as sgemm roofline GFLOP/s / lecon samples/s" + std::string(rows.empty() || rows[0].second.theirs.empty() ? "" : " / peer samples/s") + ": ";
  std::string warnings;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int threads = rows[i].first;
    const Rounds& r = rows[i].second;
    text += (i ? "; " : "") + std::to_string(threads) + (threads == 1 ? " thread: " : " threads: ");
    for (std::size_t k = 0; k < r.roofline.size(); ++k) {
      text += (k ? ", " : "") + fixed(r.roofline[k], 0) + " / " + fixed(r.ours.at(k), 0);
      if (k < r.theirs.size()) text += " / " + fixed(r.theirs[k], 0);
    }
    if (r.roofline.empty()) continue;
    const auto [low, high] = std::minmax_element(r.roofline.begin(), r.roofline.end());
    if (*low < 0.75 * *high)
      warnings += "; at " + std::to_string(threads) + " thread(s) the roofline of round " + std::to_string(low - r.roofline.begin() + 1) +
                  " was " + fixed(*low, 0) + " GFLOP/s, below 3/4 of the best round's " + fixed(*high, 0) +
                  ": the machine lost speed for a while (another process or the host took a core), and that row's figures, its roofline "
                  "fraction above all, are less reliable than the others";
  }
  return text + warnings;
}

PeerRun run_torch_script(const std::string& script, const std::string& arguments) {
  // The peer runs under the user's environment, not under the wait policy lecon chose for itself
  // (select_blas_kernel): libgomp threads that sleep at once slowed PyTorch's 2-thread LeNet epoch by a
  // third and its RBM epoch by half (docs/benchmarks.md). The BLAS kernel lecon selected stays: it is the
  // fastest for this CPU, and PyTorch's BLAS is the same OpenBLAS.
  const std::string environment = std::getenv("LECON_WAIT_POLICY_SET") != nullptr ? "env -u OMP_WAIT_POLICY -u LECON_WAIT_POLICY_SET " : "";
  const std::string command = environment + "/usr/bin/python3 '" + script + "' " + arguments;
  FILE* child = popen(command.c_str(), "r");
  if (!child) throw Error("cannot start " + script);
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, child)) out += buffer;
  if (pclose(child) != 0) throw Error(script + " failed: " + out);
  PeerRun run;
  run.json = out;
  const std::size_t open = out.find("\"rates\": ["), close = out.find(']', open == std::string::npos ? 0 : open);
  const std::size_t v = out.find("\"torch\": \"");
  if (open == std::string::npos || close == std::string::npos || v == std::string::npos)
    throw Error(script + ": unexpected answer (expected one JSON line with rates and torch): " + out);
  std::stringstream rates(out.substr(open + 10, close - open - 10));
  for (std::string item; std::getline(rates, item, ',');) run.rates.push_back(std::stod(item));
  run.accuracy = json_number(out, "accuracy");
  run.version = out.substr(v + 10, out.find('"', v + 10) - v - 10);
  return run;
}

void profile_layers(Sequential<Real>& model, const Loss<Real>& loss, const Tensor<Real>& x, const Tensor<Real>& y, int steps,
                    std::ostream& out) {
  using clock = std::chrono::steady_clock;
  const std::size_t L = model.size();
  std::vector<Tensor<Real>> outputs(L), gradients(L);
  std::vector<std::vector<double>> forward_ms(L), backward_ms(L);
  std::vector<double> loss_ms;
  Rng rng(1);
  const Context train{true, &rng};
  Tensor<Real> dy;
  for (int step = 0; step <= steps; ++step) {  // step 0 warms up (allocations, page faults, threads)
    const Tensor<Real>* input = &x;
    for (std::size_t i = 0; i < L; ++i) {
      const auto start = clock::now();
      model.layer(i).forward(*input, outputs[i], train);
      if (step > 0) forward_ms[i].push_back(std::chrono::duration<double, std::milli>(clock::now() - start).count());
      input = &outputs[i];
    }
    const auto start = clock::now();
    loss.gradient(outputs.back(), y, dy);
    if (step > 0) loss_ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - start).count());
    const Tensor<Real>* upstream = &dy;
    for (std::size_t i = L; i-- > 0;) {
      const auto begin = clock::now();
      model.layer(i).backward(*upstream, i == 0 ? nullptr : &gradients[i]);
      if (step > 0) backward_ms[i].push_back(std::chrono::duration<double, std::milli>(clock::now() - begin).count());
      upstream = &gradients[i];
    }
  }
  double total = median(loss_ms);
  for (std::size_t i = 0; i < L; ++i) total += median(forward_ms[i]) + median(backward_ms[i]);
  Table table("Per-layer time of one training step, batch " + std::to_string(x.batch()) + ", " + std::to_string(thread_count()) +
                  " thread(s), median of " + std::to_string(steps) + " steps (ms)",
              {"layer", "output", "forward", "backward", "share"});
  Shape shape = x.shape();
  for (std::size_t i = 0; i < L; ++i) {
    shape = model.layer(i).output_shape(shape);
    const double f = median(forward_ms[i]), b = median(backward_ms[i]);
    table.add_row({model.layer(i).kind(), shape.str(), fixed(f, 3), fixed(b, 3), fixed(100 * (f + b) / total, 1) + "%"});
  }
  table.add_row({"loss gradient", "", fixed(median(loss_ms), 3), "", fixed(100 * median(loss_ms) / total, 1) + "%"});
  table.add_row({"total", "", "", "", fixed(total, 3) + " ms"});
  table.print(out);
}

void add_common_options(LabProgram& program, int default_repeats) {
  program.count_option("repeats", default_repeats, "rounds (or timed runs) per figure; medians are reported", Range::at_least(1));
  program.options().add_options()
    ("results", po::value<std::string>()->default_value("benchmarks/RESULTS.md"), "Markdown file to update ('' for none)");
}

int repeats(const LabContext& ctx) { return ctx.options["repeats"].as<int>(); }  // checked by LabProgram::run

void publish(const LabContext& ctx, const std::string& name, const std::string& heading, int argc, char** argv,
             const std::string& body) {
  const std::string path = ctx.options["results"].as<std::string>();
  if (path.empty()) return;
  const std::string text = "## " + heading + "\n\n- date: " + today() + "\n- machine: " + machine_description() +
                           "\n- command: `" + command_line(argc, argv) + "`\n\n" + body;
  update_results_section(path, name, text);
  std::cout << "updated " << path << '\n';
}

}  // namespace lecon::bench
