// lecon: the command-line tool (docs/tool.md). One executable, one subcommand per task:
//   lecon train --data iris.csv --target Species --out iris.h5
//   lecon evaluate --model iris.h5 --data iris.csv
//   lecon predict --model iris.h5 --data new.csv --out predictions.csv
//   lecon summary iris.h5
//   lecon convert iris.csv iris-data.h5 --target Species
// Errors follow the labs' convention (docs/reliability.md): one line "lecon <command>: error: <message>" on
// stderr naming the file or option, exit code 2. Ctrl-C during train saves a checkpoint and exits 130.
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <new>

#include "commands.hpp"
#include "lecon/core/blas_runtime.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"
#include "lecon/labkit/lab.hpp"
#ifdef LECON_WITH_MPI
#include "lecon/distributed/data_parallel.hpp"
#endif

namespace {

const char* const kUsage =
    "usage: lecon <command> [options]   (lecon <command> --help for its options)\n"
    "  train     train a multi-layer perceptron on a CSV or .h5 data file; saves the model with its input pipeline\n"
    "  evaluate  accuracy (classification) or mse/mae (regression) of a saved model on labelled data\n"
    "  predict   a saved model's predictions on new data, as CSV\n"
    "  summary   the layers, input pipeline and training settings of a model file or checkpoint\n"
    "  convert   CSV <-> lecon data file (.h5)\n"
    "common: --threads N (before the command; 0: all cores), --version\n"
    "More: docs/tool.md\n";

}  // namespace

int main(int argc, char** argv) {
  lecon::select_blas_kernel(argc, argv);
#ifdef LECON_WITH_MPI
  // Started by mpirun: MPI starts here, `lecon train` trains data-parallel (docs/distributed.md).
  std::unique_ptr<lecon::MpiSession> mpi;
  if (lecon::launched_by_mpi()) mpi = std::make_unique<lecon::MpiSession>(argc, argv);
#endif
  // Ranks other than 0 print nothing; their errors still reach the terminal.
  const int error_fd = lecon::quiet_unless_rank_zero();
  std::vector<std::string> words(argv + 1, argv + argc);
  std::string command = "lecon";
  try {
    int threads = 0;
    while (!words.empty() && words.front() == "--threads") {
      if (words.size() < 2) throw lecon::OptionError("--threads: expected a number of threads");
      std::size_t used = 0;
      threads = std::stoi(words[1], &used);
      if (used != words[1].size() || threads < 0) throw lecon::OptionError("--threads " + words[1] + ": expected 0 (all cores) or more");
      words.erase(words.begin(), words.begin() + 2);
    }
    if (words.empty() || words.front() == "--help" || words.front() == "-h" || words.front() == "help") {
      std::cout << kUsage;
      return words.empty() ? 2 : 0;
    }
    if (words.front() == "--version") {
      std::cout << lecon::version_text("lecon");
      return 0;
    }
    command = "lecon " + words.front();
    const std::map<std::string, int (*)(const lecon::cli::Args&)> commands = {
        {"train", lecon::cli::train},     {"evaluate", lecon::cli::evaluate}, {"predict", lecon::cli::predict},
        {"summary", lecon::cli::summary}, {"convert", lecon::cli::convert}};
    const auto found = commands.find(words.front());
    if (found == commands.end())
      throw lecon::OptionError("unknown command '" + words.front() + "': expected train, evaluate, predict, summary or convert (see lecon --help)");
    lecon::set_thread_count(threads);
    return found->second(std::vector<std::string>(words.begin() + 1, words.end()));
  } catch (const std::bad_alloc&) {
    lecon::report_error(error_fd, command, "out of memory");
  } catch (const std::exception& e) {
    lecon::report_error(error_fd, command, e.what());
  }
  return 2;
}
