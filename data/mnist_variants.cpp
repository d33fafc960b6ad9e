// lecon_make_variants: regenerates the eight data sets of Larochelle et al. 2007 from real MNIST and the
// photographs in data/backgrounds/ (run by `make data` through fetch.sh).
//   lecon_make_variants <data dir> [--seed N] [--only name,name] [--force]
//       writes <data dir>/mnist-variants/<name>.h5 for each variant whose file is missing or fails --check
//   lecon_make_variants --check <data/mnist-variants/name.h5> [--seed N]
//       exit 0 if the file loads as the labs load it, holds the published sizes and was made with today's
//       recipe, seed and photographs; else one line on stderr and exit 2
// Errors (no MNIST, no photographs, a damaged photograph) are one line on stderr and exit code 2.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "lecon/core.hpp"
#include "lecon/variants/mnist_variants.hpp"

namespace {

using namespace lecon;
using namespace lecon::variants;
namespace fs = std::filesystem;

struct Options {
  std::string data_dir;
  std::string check_file;
  std::uint64_t seed = kDefaultSeed;
  std::vector<std::string> only;
  bool force = false;
};

// The number of photographs `make_variant` would use: the *.png files in <data dir>/backgrounds/.
std::size_t photograph_count(const std::string& dir) {
  std::size_t n = 0;
  std::error_code error;
  if (fs::is_directory(dir, error))
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) n += entry.path().extension() == ".png";
  return n;
}

// Throws FileError naming the file and what differs from what this program would write now.
void check_file(const std::string& path, std::uint64_t seed) {
  const fs::path file(path);
  if (file.extension() != ".h5") throw OptionError("--check: expected a data/mnist-variants/<name>.h5 file, got " + path);
  const Variant& variant = find_variant(file.stem().string());
  const std::string dir = file.has_parent_path() ? file.parent_path().string() : ".";
  H5Reader(data_file(dir, variant.name), Integrity::required);  // written by lecon, checksum intact
  const DataSplit split = load_data(dir, variant.name);
  const SplitSizes& sizes = variant.published;
  if (split.train.size() != sizes.train || split.valid.size() != sizes.valid || split.test.size() != sizes.test)
    throw FileError(path, "holds " + std::to_string(split.train.size()) + "/" + std::to_string(split.valid.size()) + "/" +
                              std::to_string(split.test.size()) + " train/valid/test images, expected the published " +
                              std::to_string(sizes.train) + "/" + std::to_string(sizes.valid) + "/" + std::to_string(sizes.test));
  // The photographs sit in <data dir>/backgrounds/, next to the mnist-variants/ folder.
  const std::string photographs = (fs::path(dir).parent_path() / "backgrounds").string();
  const std::string expected = variant_source(variant, seed, variant.needs_photographs() ? photograph_count(photographs) : 0);
  if (split.source != expected) throw FileError(path, "made with another recipe, seed or set of photographs (source: " + split.source + ")");
  std::cout << path << ": ok, train " << split.train.x.shape().str() << ", valid " << split.valid.x.shape().str() << ", test "
            << split.test.x.shape().str() << '\n';
}

// MNIST's 60000 training and 10000 test digits as one pool.
Dataset mnist_pool(const std::string& data_dir) {
  const DataSplit mnist = load_data(data_dir, "mnist");
  Dataset pool = mnist.train;
  pool.name = "mnist/train+test";
  pool.x = Tensor<Real>(mnist.train.x.shape().with_batch(mnist.train.size() + mnist.test.size()),
                        arma::join_rows(mnist.train.x.matrix(), mnist.test.x.matrix()));
  pool.y = arma::join_cols(mnist.train.y, mnist.test.y);
  return pool;
}

int make(const Options& options) {
  const std::string out_dir = (fs::path(options.data_dir) / "mnist-variants").string();
  const std::string photo_dir = (fs::path(options.data_dir) / "backgrounds").string();
  std::vector<const Variant*> todo;
  for (const Variant& variant : mnist_variants()) {
    if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), variant.name) == options.only.end()) continue;
    const std::string path = data_file(out_dir, variant.name);
    if (!options.force && fs::exists(path)) {
      try {
        std::ostringstream quiet;
        std::streambuf* saved = std::cout.rdbuf(quiet.rdbuf());
        try {
          check_file(path, options.seed);
        } catch (...) {
          std::cout.rdbuf(saved);
          throw;
        }
        std::cout.rdbuf(saved);
        continue;  // present and valid
      } catch (const Error& e) {
        std::cout << "variants: making " << variant.name << " again: " << e.what() << '\n';
      }
    }
    todo.push_back(&variant);
  }
  for (const std::string& name : options.only) find_variant(name);  // an unknown name is an error, not a no-op
  if (todo.empty()) {
    std::cout << "variants: all present in " << out_dir << '\n';
    return 0;
  }
  bool need_digits = false, need_photographs = false;
  for (const Variant* v : todo) need_digits |= v->needs_digits(), need_photographs |= v->needs_photographs();
  Photographs photographs;
  if (need_photographs) photographs = load_photographs(photo_dir);
  Dataset digits;
  if (need_digits) digits = mnist_pool(options.data_dir);
  fs::create_directories(out_dir);

  const auto all_start = std::chrono::steady_clock::now();
  for (const Variant* variant : todo) {
    const auto start = std::chrono::steady_clock::now();
    const DataSplit split = make_variant(*variant, variant->published, need_digits ? &digits : nullptr,
                                         need_photographs ? &photographs : nullptr, options.seed);
    const std::string path = data_file(out_dir, variant->name);
    save_data(path, split, true);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "wrote " << path << ": " << split.train.size() << "/" << split.valid.size() << "/" << split.test.size()
              << " train/valid/test, " << split.train.classes() << " classes, " << std::fixed << std::setprecision(1) << seconds << " s\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - all_start).count();
  std::cout << "variants: " << todo.size() << " made in " << std::fixed << std::setprecision(1) << seconds << " s\n";
  return 0;
}

std::uint64_t parse_seed(const std::string& text) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-') throw OptionError("--seed: expected a non-negative integer, got '" + text + "'");
  return value;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&](const char* option) {
      if (i + 1 >= argc) throw OptionError(std::string(option) + ": expected a value");
      return std::string(argv[++i]);
    };
    if (arg == "--check") {
      options.check_file = value("--check");
    } else if (arg == "--seed") {
      options.seed = parse_seed(value("--seed"));
    } else if (arg == "--only") {
      std::stringstream list(value("--only"));
      for (std::string name; std::getline(list, name, ',');)
        if (!name.empty()) options.only.push_back(name);
    } else if (arg == "--force") {
      options.force = true;
    } else if (!arg.empty() && arg[0] == '-') {
      throw OptionError("unknown option " + arg + " (expected --seed, --only, --force or --check)");
    } else if (options.data_dir.empty()) {
      options.data_dir = arg;
    } else {
      throw OptionError("one data directory expected, got '" + options.data_dir + "' and '" + arg + "'");
    }
  }
  if (options.check_file.empty() == options.data_dir.empty())
    throw OptionError("usage: lecon_make_variants <data dir> [--seed N] [--only name,name] [--force] | --check <file.h5> [--seed N]");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    if (!options.check_file.empty()) {
      check_file(options.check_file, options.seed);
      return 0;
    }
    return make(options);
  } catch (const std::exception& e) {
    std::cerr << "lecon_make_variants: error: " << e.what() << '\n';
    return 2;
  }
}
