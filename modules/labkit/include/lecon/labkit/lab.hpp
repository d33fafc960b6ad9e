#pragma once
// The front end every lab shares: the same options, the same header, the same error handling.
//
// Compiled example (tests/docs/header_examples.cpp):
//   int main(int argc, char** argv) {
//     lecon::LabProgram lab("01_neuron", "Activations, the perceptron and XOR");
//     lab.options().add_options()("hidden", po::value<int>()->default_value(2), "hidden units");
//     return lab.run(argc, argv, [&](const lecon::LabContext& ctx) { std::cout << ctx.options["hidden"].as<int>() << "\n"; });
//   }
//
// Common options: --help, --version, --data-dir, --out, --seed, --threads, --quick/--full, --epochs
// (where the lab has epochs). --help also lists the files the lab declares with writes() and points to
// its README. A bad option or a lecon::Error prints one line on stderr and exits 2.
// Every option is checked before the body runs: numeric options the lab declares with a Range
// (real_option, count_option) and any further check (add_check) included.
#include <boost/program_options.hpp>
#include <cstdint>
#include <chrono>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace lecon {

namespace po = boost::program_options;

struct LabContext {
  std::string name;          // "00_data"
  std::string data_dir;      // where make data put the .h5 files
  std::string out_dir;       // results/, created before the body runs
  std::uint64_t seed = 1;
  int threads = 0;           // threads in use
  bool full = false;         // --full: reproduce the lecture's numbers; otherwise quick mode
  int epochs = 0;            // --epochs, 0 when not given (the lab picks its quick/full default)
  po::variables_map options; // the lab's own options
  // Under mpirun (docs/distributed.md): this process's rank, from the launcher's environment
  // (OMPI_COMM_WORLD_RANK, PMIX_RANK or PMI_RANK), 0 otherwise. Rank 0 alone prints and writes into --out;
  // the other ranks' output goes nowhere and their out_dir is a private scratch folder, removed at the end.
  int rank = 0;

  // The epochs to run: --epochs if given, else the lab's quick or full default.
  int epochs_or(int quick_default, int full_default) const { return epochs > 0 ? epochs : (full ? full_default : quick_default); }
  // "<out_dir>/<name>_<stem>" (so every file a lab writes starts with its number).
  std::string out_path(const std::string& stem) const;
};

// The values a numeric option accepts: finite numbers between min and max, each bound closed (the value
// itself allowed) or open. Range::at_least(0) is [0, inf), Range::above(0) is (0, inf),
// Range::from_to(0, 1) is [0, 1], Range::from_below(0, 1) is [0, 1).
struct Range {
  double min = -std::numeric_limits<double>::infinity(), max = std::numeric_limits<double>::infinity();
  bool min_open = false, max_open = false;

  static Range at_least(double low) { return {low, std::numeric_limits<double>::infinity(), false, false}; }
  static Range above(double low) { return {low, std::numeric_limits<double>::infinity(), true, false}; }
  static Range from_to(double low, double high) { return {low, high, false, false}; }
  static Range from_below(double low, double high) { return {low, high, false, true}; }

  bool contains(double value) const;
  // What the range asks for, for messages: "a finite number >= 0", "a number in [0, 1)".
  std::string describe(bool whole_numbers = false) const;
};

class LabProgram {
 public:
  LabProgram(std::string name, std::string description, bool has_epochs = false);
  // The lab's own options, added before run(). Numeric ones should go through real_option/count_option.
  po::options_description& options() { return own_options_; }
  // A real-valued option, read as ctx.options[name].as<double>(); run() rejects a value outside range
  // (and inf, nan) before the body runs: "--<name>: expected <range>, got <value>".
  LabProgram& real_option(const std::string& name, double default_value, const std::string& help, Range range);
  // A whole-number option, read as ctx.options[name].as<int>(), checked the same way.
  LabProgram& count_option(const std::string& name, int default_value, const std::string& help, Range range);
  // A check of the lab's own options that needs more than a range (a directory that must hold a file):
  // run() calls it after the common options are checked and before the output directory is touched;
  // it throws OptionError to reject the command line.
  LabProgram& add_check(std::function<void(const LabContext&)> check);
  // Declares a file the lab writes into --out, without the lab's prefix: writes("summary.{md,csv}", "the
  // table of ...") stands for <out>/<name>_summary.md and .csv. --help lists every declared file, then
  // where the lab's README is.
  LabProgram& writes(const std::string& file, const std::string& what);
  // The --help text: description, usage, the options (the lab's own only when it has some), the files
  // it writes and "More: labs/<name>/README.md".
  std::string help() const;
  // Parses the command line, checks every option, takes the lock on --out, prints the header, runs
  // body; returns the process exit code.
  int run(int argc, char** argv, const std::function<void(const LabContext&)>& body);

 private:
  struct NumericOption {
    std::string name;
    Range range;
    bool whole;
  };
  std::string name_;
  std::string description_;
  bool has_epochs_;
  po::options_description own_options_;
  std::vector<NumericOption> numeric_options_;
  std::vector<std::function<void(const LabContext&)>> checks_;
  std::vector<std::pair<std::string, std::string>> outputs_;  // file (without the prefix), what it holds
};

// The name of the lock file a running lab holds in its --out directory.
inline constexpr const char* kOutLockFile = ".lecon-lock";

// Processes started by an MPI launcher (docs/distributed.md), told apart without linking MPI: the rank from
// OMPI_COMM_WORLD_RANK, PMIX_RANK or PMI_RANK (0 when none is set), and whether any of them is set.
int launcher_rank();
bool launched_by_mpi();
// For a rank other than 0: sends stdout and stderr to /dev/null and returns a copy of the old stderr, on which
// report_error still writes; for rank 0 (or no launcher): changes nothing and returns STDERR_FILENO.
int quiet_unless_rank_zero();
// "<program>: error: <message>" on fd (with "(rank r)" after "error" on ranks other than 0), one line.
void report_error(int fd, const std::string& program, const std::string& message);

// Wall-clock seconds since `start` (std::chrono::steady_clock), for the run times the labs print.
double seconds_since(std::chrono::steady_clock::time_point start);

// The non-empty items of a comma-separated option value ("basic,rot" -> {"basic", "rot"}; "a,,b" -> {"a", "b"}),
// for options such as --parts and --datasets; the lab checks the names.
std::vector<std::string> split_comma_list(const std::string& text);
// The same for an option that must name at least one item: OptionError "--<option>: expected <expected>, got
// '<text>'" when the value names none ("", ",").
std::vector<std::string> nonempty_comma_list(const std::string& option, const std::string& text, const std::string& expected);

// The version banner: program name, lecon version, compiler, Armadillo and BLAS.
std::string version_text(const std::string& program);

}  // namespace lecon
