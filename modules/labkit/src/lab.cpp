#include "lecon/labkit/lab.hpp"

#include <fcntl.h>
#include <omp.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <armadillo>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "lecon/core/blas_runtime.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/parallel.hpp"

namespace lecon {
namespace {

// A number as a message shows it: 1.5, 0.001, inf, nan.
std::string number_text(double value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

// --seed: Boost would read "-1" into a uint64 as 2^64 - 1, so the seed is parsed here, digits only.
std::uint64_t parse_seed(const std::string& text) {
  const std::string expected = "--seed: expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) throw OptionError(expected);
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) throw OptionError(expected);
  return value;
}

// The launcher's rank of this process: Open MPI's OMPI_COMM_WORLD_RANK, PMIx's PMIX_RANK or PMI's PMI_RANK
// (MPICH, Slurm), read before MPI starts so that labkit needs no MPI; -1 when none is set.
int rank_from_environment() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* value = std::getenv(name)) {
      char* end = nullptr;
      const long rank = std::strtol(value, &end, 10);
      if (end != value && *end == '\0' && rank >= 0) return static_cast<int>(rank);
    }
  return -1;
}

// The private output folder of a rank other than 0, /tmp/lecon-rank<r>-<pid>, removed when the run ends.
class ScratchOut {
 public:
  explicit ScratchOut(int rank)
      : path_((std::filesystem::temp_directory_path() / ("lecon-rank" + std::to_string(rank) + "-" + std::to_string(::getpid()))).string()) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchOut() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An exclusive flock on <out>/.lecon-lock for the lab's whole run, so that two labs never write into one
// directory at once. The kernel releases it when the process ends, however it ends: no stale locks.
// The file names the holder ("01_neuron 1234") for the message the next lab prints.
class OutDirLock {
 public:
  OutDirLock(const std::string& dir, const std::string& program) {
    const std::string path = dir + "/" + kOutLockFile;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw FileError(path, std::string("cannot open the lock file: ") + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const std::string holder = error == EWOULDBLOCK ? read_holder() : "";
      ::close(fd_);
      if (error != EWOULDBLOCK) throw FileError(path, std::string("cannot lock: ") + std::strerror(error));
      throw OptionError("--out " + dir + ": another lecon lab" + (holder.empty() ? "" : " (" + holder + ")") +
                        " is writing there; wait for it or choose another --out");
    }
    const std::string me = program + " " + std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
      const int error = errno;
      ::close(fd_);
      throw FileError(path, std::string("cannot write the lock file: ") + std::strerror(error));
    }
  }
  ~OutDirLock() { ::close(fd_); }
  OutDirLock(const OutDirLock&) = delete;
  OutDirLock& operator=(const OutDirLock&) = delete;

 private:
  // "01_neuron, pid 1234" from the file's "01_neuron 1234\n"; "" for anything else (the holder may not
  // have written it yet, or the file is not ours): it must never break the one-line message.
  std::string read_holder() const {
    char text[128] = {};
    const ssize_t n = ::pread(fd_, text, sizeof text - 1, 0);
    if (n <= 0) return "";
    std::istringstream in(std::string(text, static_cast<std::size_t>(n)));
    std::string name, pid, rest;
    if (!(in >> name >> pid) || (in >> rest)) return "";
    if (name.size() > 64 || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos ||
        pid.size() > 10 || pid.find_first_not_of("0123456789") != std::string::npos)
      return "";
    return name + ", pid " + pid;
  }
  int fd_ = -1;
};

}  // namespace

bool Range::contains(double value) const {
  if (!std::isfinite(value)) return false;
  if (min_open ? !(value > min) : !(value >= min)) return false;
  return max_open ? value < max : value <= max;
}

std::string Range::describe(bool whole_numbers) const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  const std::string kind = whole_numbers ? "a whole number" : has_min && has_max ? "a number" : "a finite number";
  if (has_min && has_max)
    return kind + " in " + (min_open ? "(" : "[") + number_text(min) + ", " + number_text(max) + (max_open ? ")" : "]");
  if (has_min) return kind + (min_open ? " > " : " >= ") + number_text(min);
  if (has_max) return kind + (max_open ? " < " : " <= ") + number_text(max);
  return kind;
}

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

LabProgram& LabProgram::real_option(const std::string& name, double default_value, const std::string& help, Range range) {
  own_options_.add_options()(name.c_str(), po::value<double>()->default_value(default_value), help.c_str());
  numeric_options_.push_back({name, range, false});
  return *this;
}

LabProgram& LabProgram::count_option(const std::string& name, int default_value, const std::string& help, Range range) {
  own_options_.add_options()(name.c_str(), po::value<int>()->default_value(default_value), help.c_str());
  numeric_options_.push_back({name, range, true});
  return *this;
}

LabProgram& LabProgram::add_check(std::function<void(const LabContext&)> check) {
  checks_.push_back(std::move(check));
  return *this;
}

LabProgram& LabProgram::writes(const std::string& file, const std::string& what) {
  outputs_.emplace_back(file, what);
  return *this;
}

namespace {

// The options every lab has, stored into ctx and seed_text when parsed.
po::options_description common_options(LabContext& ctx, std::string& seed_text, bool has_epochs) {
  po::options_description common("Common options");
  common.add_options()
    ("help,h", "print this help and exit")
    ("version", "print versions (lecon, Armadillo, BLAS kernel) and exit")
    ("data-dir", po::value<std::string>(&ctx.data_dir)->default_value("data"), "directory of the converted data sets (make data)")
    ("out", po::value<std::string>(&ctx.out_dir)->default_value("results"), "directory for tables (.md, .csv) and plots (.png)")
    ("seed", po::value<std::string>(&seed_text)->default_value("1"), "seed of the random generator")
    ("threads", po::value<int>(&ctx.threads)->default_value(0), "threads for BLAS and our loops (0: all cores)")
    ("quick", "quick mode, minutes (the default)")
    ("full", "full mode: reproduce the lecture's numbers (can take long)")
    ("check-options", "check every option as a run would, say whether the program would start, and exit without running");
  if (has_epochs) common.add_options()("epochs", po::value<int>(&ctx.epochs), "training epochs (default: the mode's)");
  return common;
}

}  // namespace

std::string LabProgram::help() const {
  LabContext ctx;
  std::string seed_text;
  std::ostringstream os;
  os << name_ << ": " << description_ << "\n\nUsage: " << name_ << " [options]\n\n" << common_options(ctx, seed_text, has_epochs_) << '\n';
  if (!own_options_.options().empty()) os << own_options_ << '\n';
  if (!outputs_.empty()) {
    std::size_t longest = 0;
    for (const auto& [file, what] : outputs_) longest = std::max(longest, name_.size() + 1 + file.size());
    os << "Files written into --out (default results/):\n";
    for (const auto& [file, what] : outputs_)
      os << "  " << name_ << '_' << file << std::string(longest - name_.size() - 1 - file.size() + 2, ' ') << what << '\n';
    os << '\n';
  }
  // A benchmark (bench_*) has no lab README: its results and how they were measured are in RESULTS.md.
  if (name_.rfind("bench_", 0) == 0)
    os << "More: benchmarks/RESULTS.md\n";
  else
    os << "More: labs/" << name_ << "/README.md\n";
  return os.str();
}

int LabProgram::run(int argc, char** argv, const std::function<void(const LabContext&)>& body) {
  select_blas_kernel(argc, argv);  // may restart the program with the right OpenBLAS kernel
  // Line-buffered output even into a file or a pipe: a long run logged with `> log` shows each finished step
  // when it finishes, not when 4 KiB have gathered or the program ends (std::cout writes through stdout).
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  LabContext ctx;
  ctx.name = name_;
  ctx.rank = launcher_rank();
  // Ranks other than 0 print nothing (their errors still reach the terminal, through a copy of stderr).
  const int error_fd = quiet_unless_rank_zero();
  std::unique_ptr<ScratchOut> scratch;
  try {
    std::string seed_text;
    po::options_description all;
    all.add(common_options(ctx, seed_text, has_epochs_)).add(own_options_);

    po::variables_map vm;
    try {
      const po::parsed_options parsed = po::command_line_parser(argc, argv).options(all).run();
      // Without a positional description Boost keeps words that are not options and store() drops them:
      // `--epochs 1 full` would silently run quick mode.
      for (const po::option& o : parsed.options)
        if (o.position_key >= 0)
          throw OptionError("unexpected argument '" + (o.original_tokens.empty() ? std::string() : o.original_tokens.front()) +
                            "' (options start with --; see --help)");
      po::store(parsed, vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw OptionError(std::string(e.what()) + " (see --help)");
    }
    if (vm.count("help")) {
      std::cout << help();
      return 0;
    }
    if (vm.count("version")) {
      std::cout << version_text(name_) << '\n';
      return 0;
    }
    // Every option is checked here, before the output directory is touched and the body runs.
    if (vm.count("quick") && vm.count("full")) throw OptionError("--quick and --full: choose one");
    ctx.seed = parse_seed(seed_text);
    const int hardware_threads = omp_get_num_procs();
    if (ctx.threads < 0 || ctx.threads > hardware_threads)
      throw OptionError("--threads: expected 0 (all cores) or a count from 1 to " + std::to_string(hardware_threads) +
                        " (the hardware threads of this machine), got " + std::to_string(ctx.threads));
    if (has_epochs_ && vm.count("epochs") && ctx.epochs < 1)
      throw OptionError("--epochs: expected a positive count, got " + std::to_string(ctx.epochs));
    for (const NumericOption& option : numeric_options_) {
      const double value = option.whole ? vm[option.name].as<int>() : vm[option.name].as<double>();
      if (!option.range.contains(value))
        throw OptionError("--" + option.name + ": expected " + option.range.describe(option.whole) + ", got " + number_text(value));
    }
    ctx.full = vm.count("full") > 0;
    ctx.options = vm;
    if (ctx.rank > 0) {  // rank 0 alone writes results: the others write into a scratch folder of their own
      scratch = std::make_unique<ScratchOut>(ctx.rank);
      ctx.out_dir = scratch->path();
    }
    for (const auto& check : checks_) check(ctx);
    std::error_code ec;
    if (std::filesystem::exists(ctx.out_dir, ec) && !std::filesystem::is_directory(ctx.out_dir, ec))
      throw OptionError("--out " + ctx.out_dir + ": expected a directory, but it is a file");
    if (vm.count("check-options")) {  // nothing is written, not even the output directory
      std::cout << name_ << ": options accepted (" << (ctx.full ? "full" : "quick") << " mode): the run would start\n";
      return 0;
    }
    std::filesystem::create_directories(ctx.out_dir, ec);
    if (ec) throw FileError(ctx.out_dir, "cannot create output directory: " + ec.message());
    const OutDirLock lock(ctx.out_dir, name_);
    set_thread_count(ctx.threads);
    ctx.threads = thread_count();
    flush_subnormals(true);  // vanishing gradients must not slow training 12-fold (parallel.hpp)

    std::cout << "== " << name_ << ": " << description_ << " (" << (ctx.full ? "full" : "quick") << " mode, seed "
              << ctx.seed << ")\n"
              << describe_blas() << (subnormals_flushed() ? ", subnormals flushed to zero" : "") << "\n\n";
    body(ctx);
    return 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    report_error(error_fd, name_, e.what());
    return 2;
  }
}

int launcher_rank() { return std::max(0, rank_from_environment()); }

bool launched_by_mpi() { return rank_from_environment() >= 0; }

int quiet_unless_rank_zero() {
  if (launcher_rank() == 0) return STDERR_FILENO;
  std::fflush(stdout);
  std::fflush(stderr);
  const int copy = ::dup(STDERR_FILENO);
  if (copy < 0) return STDERR_FILENO;  // nothing to write errors on once stderr is gone: keep it
  // Should /dev/null not open, the stream stays as it was: the rank is noisy, not wrong.
  const bool quiet = std::freopen("/dev/null", "w", stdout) && std::freopen("/dev/null", "w", stderr);
  (void)quiet;
  return copy;
}

void report_error(int fd, const std::string& program, const std::string& message) {
  const int rank = launcher_rank();
  const std::string line = program + ": error" + (rank > 0 ? " (rank " + std::to_string(rank) + ")" : "") + ": " + message + "\n";
  if (fd == STDERR_FILENO) {
    std::cerr << line << std::flush;
  } else if (::write(fd, line.data(), line.size()) < 0) {
    std::cerr << line << std::flush;
  }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::string> split_comma_list(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

std::vector<std::string> nonempty_comma_list(const std::string& option, const std::string& text, const std::string& expected) {
  std::vector<std::string> items = split_comma_list(text);
  if (items.empty()) throw OptionError("--" + option + ": expected " + expected + ", got '" + text + "'");
  return items;
}

}  // namespace lecon
