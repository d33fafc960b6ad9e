#pragma once
// The front end every lab shares: the same options, the same header, the same error handling.
//
//   int main(int argc, char** argv) {
//     lecon::LabProgram lab("01_neuron", "Activations, the perceptron and XOR");
//     lab.options().add_options()("hidden", po::value<int>()->default_value(2), "hidden units");
//     return lab.run(argc, argv, [&](const lecon::LabContext& ctx) { ... });
//   }
//
// Common options: --help, --version, --data-dir, --out, --seed, --threads, --quick/--full, --epochs
// (where the lab has epochs). A bad option or a lecon::Error prints one line on stderr and exits 2.
#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <string>

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

  // The epochs to run: --epochs if given, else the lab's quick or full default.
  int epochs_or(int quick_default, int full_default) const { return epochs > 0 ? epochs : (full ? full_default : quick_default); }
  // "<out_dir>/<name>_<stem>" (so every file a lab writes starts with its number).
  std::string out_path(const std::string& stem) const;
};

class LabProgram {
 public:
  LabProgram(std::string name, std::string description, bool has_epochs = false);
  // The lab's own options, added before run().
  po::options_description& options() { return own_options_; }
  // Parses the command line, prints the header, runs body; returns the process exit code.
  int run(int argc, char** argv, const std::function<void(const LabContext&)>& body);

 private:
  std::string name_;
  std::string description_;
  bool has_epochs_;
  po::options_description own_options_;
};

// The version banner: program name, lecon version, compiler, Armadillo and BLAS.
std::string version_text(const std::string& program);

}  // namespace lecon
