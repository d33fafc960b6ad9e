// Lab 00: check the set-up. Loads every data set from data/*.h5, prints shapes, class counts and value
// ranges next to the official figures, and draws a grid of sample images per data set.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/png.hpp"
#include "lecon/labkit/table.hpp"

namespace {

using namespace lecon;

struct Expected {
  const char* name;
  std::size_t train, test;
  const char* source;
  bool from_make_data;  // false: CIFAR, which cannot be downloaded here and is optional
};

// Official sizes, from each data set's own documentation.
const Expected kSets[] = {
    {"mnist", 60000, 10000, "LeCun et al., MNIST database page", true},
    {"fashion-mnist", 60000, 10000, "Xiao et al. 2017, Fashion-MNIST README", true},
    {"iris", 100, 50, "Fisher 1936: 150 flowers (the lecture's 100/50 split)", true},
    {"cifar10", 50000, 10000, "Krizhevsky 2009, CIFAR-10 page", false},
    {"cifar100", 50000, 10000, "Krizhevsky 2009, CIFAR-100 page", false},
};

std::string range_text(const Dataset& d) {
  return "[" + fixed(d.x.matrix().min(), 3) + ", " + fixed(d.x.matrix().max(), 3) + "]";
}

// Ten samples of each class, one class per row (classes beyond 10 are left out).
std::vector<std::size_t> samples_by_class(const Dataset& d, std::size_t per_class) {
  std::vector<std::size_t> picked;
  for (std::size_t k = 0; k < std::min<std::size_t>(d.classes(), 10); ++k) {
    const arma::uvec of_class = arma::find(d.y == k);
    for (std::size_t j = 0; j < std::min<std::size_t>(per_class, of_class.n_elem); ++j) picked.push_back(of_class[j]);
  }
  return picked;
}

void iris_scatter(const Dataset& train, const std::string& stem) {
  Plot plot;
  plot.title = "iris: petal length against petal width (train split)";
  plot.xlabel = train.feature_names.at(2);
  plot.ylabel = train.feature_names.at(3);
  plot.key = KeyPlace::top_left;  // width grows with length: no flower has short, wide petals
  for (std::size_t k = 0; k < train.classes(); ++k) {
    Series s{train.class_names[k], {}, {}, "points pt 7 ps 1.2"};
    for (std::size_t i = 0; i < train.size(); ++i)
      if (train.y[i] == k) s.x.push_back(train.x.at(i, 2)), s.y.push_back(train.x.at(i, 3));
    plot.add(s);
  }
  plot.save(stem);
}

void run(const LabContext& ctx) {
  Table sizes("Data sets as loaded from " + ctx.data_dir + "/*.h5",
              {"data set", "split", "samples", "official", "sample shape", "classes", "smallest class",
               "largest class", "value range", "mean", "load ms"});
  Table counts("Samples per class (first 10 classes)",
               {"data set", "split", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"});
  std::vector<std::string> missing;
  for (const Expected& set : kSets) {
    const std::string path = data_file(ctx.data_dir, set.name);
    if (!set.from_make_data && !std::filesystem::exists(path)) {
      missing.push_back(set.name);
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    const DataSplit split = load_data(ctx.data_dir, set.name);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (const Dataset* part : {&split.train, &split.test}) {
      const bool train = part == &split.train;
      const arma::uvec c = part->class_counts();
      sizes.add_row({set.name, train ? "train" : "test", std::to_string(part->size()),
                     std::to_string(train ? set.train : set.test), part->x.shape().sample_str(),
                     std::to_string(part->classes()), std::to_string(c.min()), std::to_string(c.max()), range_text(*part),
                     fixed(arma::mean(arma::conv_to<arma::vec>::from(arma::vectorise(part->x.matrix()))), 4),
                     train ? fixed(ms, 1) : ""});
      std::vector<std::string> row = {set.name, train ? "train" : "test"};
      for (std::size_t k = 0; k < 10; ++k) row.push_back(k < c.n_elem ? std::to_string(c[k]) : "");
      counts.add_row(row);
    }
    if (split.train.x.shape().rank() == 4) {
      const std::string png = ctx.out_path(std::string(set.name) + "_samples.png");
      write_png(png, image_grid(split.train.x, samples_by_class(split.train, 10), 10, Scaling::unit, 2, 2));
      std::cout << "wrote " << png << " (row k: the first ten training images of class k)\n";
    } else if (split.train.feature_names.size() >= 4) {
      iris_scatter(split.train, ctx.out_path(std::string(set.name) + "_petals"));
      std::cout << "wrote " << ctx.out_path(std::string(set.name) + "_petals") << ".png\n";
    }
  }
  for (const Expected& set : kSets) sizes.add_note(std::string("official ") + set.name + ": " + set.source);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    sizes.add_note("not present: " + list + ". To add CIFAR, download the official binary version from "
                   "https://www.cs.toronto.edu/~kriz/cifar.html, unpack it (cifar-10-batches-bin/, cifar-100-binary/) under data/ "
                   "or data/downloads/ and run `make data` again.");
  }
  std::cout << '\n';
  sizes.print(std::cout);
  counts.print(std::cout);
  sizes.save(ctx.out_path("datasets"));
  counts.save(ctx.out_path("class_counts"));
  std::cout << "tables in " << ctx.out_path("datasets") << ".{md,csv} and " << ctx.out_path("class_counts") << ".{md,csv}\n";
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("00_data", "check the set-up: load every data set, show shapes, class counts and samples");
  lab.writes("datasets.{md,csv}", "every data set's sizes, shapes, classes and value range beside the official figures")
     .writes("class_counts.{md,csv}", "samples per class")
     .writes("{mnist,fashion-mnist,cifar10,cifar100}_samples.png", "ten training images of each class, a row per class")
     .writes("iris_petals.{png,gp}", "iris: petal length against petal width, by species");
  return lab.run(argc, argv, run);
}
