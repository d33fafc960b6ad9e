#include "lecon/labkit/lab.hpp"

#include <omp.h>

#include <armadillo>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "lecon/core/blas_runtime.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {

std::string LabContext::out_path(const std::string& stem) const { return out_dir + "/" + name + "_" + stem; }

std::string version_text(const std::string& program) {
  std::ostringstream os;
  os << program << " (lecon " << LECON_VERSION << ", g++ " << __VERSION__ << ", Armadillo "
     << arma::arma_version::as_string() << ")\n"
     << describe_blas();
  return os.str();
}

LabProgram::LabProgram(std::string name, std::string description, bool has_epochs)
    : name_(std::move(name)), description_(std::move(description)), has_epochs_(has_epochs), own_options_("Lab options") {}

int LabProgram::run(int argc, char** argv, const std::function<void(const LabContext&)>& body) {
  select_blas_kernel(argc, argv);  // may restart the program with the right OpenBLAS kernel
  LabContext ctx;
  ctx.name = name_;
  try {
    po::options_description common("Common options");
    common.add_options()
      ("help,h", "print this help and exit")
      ("version", "print versions (lecon, Armadillo, BLAS kernel) and exit")
      ("data-dir", po::value<std::string>(&ctx.data_dir)->default_value("data"), "directory of the converted data sets (make data)")
      ("out", po::value<std::string>(&ctx.out_dir)->default_value("results"), "directory for tables (.md, .csv) and plots (.png)")
      ("seed", po::value<std::uint64_t>(&ctx.seed)->default_value(1), "seed of the random generator")
      ("threads", po::value<int>(&ctx.threads)->default_value(0), "threads for BLAS and our loops (0: all cores)")
      ("quick", "quick mode, minutes (the default)")
      ("full", "full mode: reproduce the lecture's numbers (can take long)");
    if (has_epochs_) common.add_options()("epochs", po::value<int>(&ctx.epochs), "training epochs (default: the mode's)");
    po::options_description all;
    all.add(common).add(own_options_);

    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw OptionError(std::string(e.what()) + " (see --help)");
    }
    if (vm.count("help")) {
      std::cout << name_ << ": " << description_ << "\n\nUsage: " << name_ << " [options]\n" << all << '\n';
      return 0;
    }
    if (vm.count("version")) {
      std::cout << version_text(name_) << '\n';
      return 0;
    }
    if (vm.count("quick") && vm.count("full")) throw OptionError("--quick and --full: choose one");
    if (ctx.threads < 0) throw OptionError("--threads: expected 0 (all cores) or a positive count, got " + std::to_string(ctx.threads));
    if (has_epochs_ && vm.count("epochs") && ctx.epochs < 1)
      throw OptionError("--epochs: expected a positive count, got " + std::to_string(ctx.epochs));
    ctx.full = vm.count("full") > 0;
    set_thread_count(ctx.threads);
    ctx.threads = thread_count();
    std::error_code ec;
    std::filesystem::create_directories(ctx.out_dir, ec);
    if (ec) throw FileError(ctx.out_dir, "cannot create output directory: " + ec.message());
    ctx.options = vm;

    std::cout << "== " << name_ << ": " << description_ << " (" << (ctx.full ? "full" : "quick") << " mode, seed "
              << ctx.seed << ")\n"
              << describe_blas() << "\n\n";
    body(ctx);
    return 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << name_ << ": error: " << e.what() << std::endl;
    return 2;
  }
}

}  // namespace lecon
