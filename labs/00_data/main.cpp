// Lab 00: check the set-up. Loads every data set from data/*.h5, prints shapes, class counts and value
// ranges next to the official figures, and draws a grid of sample images per data set; then the same for
// the MNIST variants of Larochelle et al. 2007 that `make data` regenerates into data/mnist-variants/.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "lecon/core.hpp"
#include "lecon/labkit/lab.hpp"
#include "lecon/labkit/plot.hpp"
#include "lecon/labkit/png.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/variants/mnist_variants.hpp"

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

std::string sizes_text(std::size_t train, std::size_t valid, std::size_t test) {
  return std::to_string(train) + " / " + std::to_string(valid) + " / " + std::to_string(test);
}

// The eight MNIST variants [paper: Larochelle et al. 2007, §3], one at a time (each holds 62,000 images at
// most): sizes beside the published ones, and a grid of samples per file to hold next to the paper's figure.
void variant_sets(const LabContext& ctx) {
  const std::string dir = ctx.data_dir + "/mnist-variants";
  Table table("MNIST variants of Larochelle et al. 2007, regenerated in " + dir + "/ (train / valid / test)",
              {"data set", "paper's name", "samples", "published", "classes", "smallest class (train)", "value range (train)",
               "mean (train)", "load ms"});
  table.set_data_label("regenerated with Larochelle et al. 2007's recipe from real MNIST (data/README.md), not the published files");
  std::vector<std::string> missing;
  for (const variants::Variant& variant : variants::mnist_variants()) {
    if (!std::filesystem::exists(data_file(dir, variant.name))) {
      missing.push_back(variant.name);
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    const DataSplit split = load_data(dir, variant.name);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const variants::SplitSizes& published = variant.published;
    table.add_row({variant.name, variant.paper_name, sizes_text(split.train.size(), split.valid.size(), split.test.size()),
                   sizes_text(published.train, published.valid, published.test), std::to_string(split.train.classes()),
                   std::to_string(split.train.class_counts().min()), range_text(split.train),
                   fixed(arma::mean(arma::conv_to<arma::vec>::from(arma::vectorise(split.train.x.matrix()))), 4), fixed(ms, 1)});
    if (variant.recipe == variants::Recipe::convex) {
      // The data set's page: the parameters "were balanced to ensure that the mean number of pixels of value
      // 255 is the same" for convex and non-convex images. Ours, measured on the training part:
      const arma::rowvec white = arma::conv_to<arma::rowvec>::from(arma::sum(split.train.x.matrix() > Real(0.5), 0));
      const arma::uvec convex = arma::find(split.train.y == 1), other = arma::find(split.train.y == 0);
      table.add_note("convex: white pixels per image " + fixed(arma::mean(white.elem(convex)), 1) + " (convex) and " +
                     fixed(arma::mean(white.elem(other)), 1) + " (non-convex); the data set's page balanced the two to be equal");
    }
    const std::string png = ctx.out_path("variant_" + variant.name + ".png");
    write_png(png, image_grid(split.train.x, samples_by_class(split.train, 10), 10, Scaling::unit, 2, 2));
    std::cout << "wrote " << png << " (row k: the first ten training images of class k: " << split.train.class_names.front()
              << (split.train.classes() == 2 ? ", " + split.train.class_names.back() : " .. " + split.train.class_names.back())
              << ")\n";
    table.add_note(variant.name + ": " + split.source);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    table.add_note("not present: " + list + ". `make data` regenerates them from data/mnist.h5 and data/backgrounds/ (seconds each).");
  }
  table.add_note("published sizes: [paper: Larochelle et al. 2007, §3]; recipes and what differs from the paper: data/README.md");
  std::cout << '\n';
  table.print(std::cout);
  table.save(ctx.out_path("variants"));
  std::cout << "table in " << ctx.out_path("variants") << ".{md,csv}\n";
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
    // data/cifar10.h5 made from the JPEG re-encodings of a mirror says so in its source attribute (data/fetch.sh);
    // its rows carry the label in every table they feed (Table::set_data_label is for whole tables).
    const bool reencoded = split.source.find("JPEG q75 re-encoding") != std::string::npos;
    const std::string name = std::string(set.name) + (reencoded ? " (JPEG q75 re-encoding)" : "");
    if (reencoded) sizes.add_note(name + ": " + split.source);
    for (const Dataset* part : {&split.train, &split.test}) {
      const bool train = part == &split.train;
      const arma::uvec c = part->class_counts();
      sizes.add_row({name, train ? "train" : "test", std::to_string(part->size()),
                     std::to_string(train ? set.train : set.test), part->x.shape().sample_str(),
                     std::to_string(part->classes()), std::to_string(c.min()), std::to_string(c.max()), range_text(*part),
                     fixed(arma::mean(arma::conv_to<arma::vec>::from(arma::vectorise(part->x.matrix()))), 4),
                     train ? fixed(ms, 1) : ""});
      std::vector<std::string> row = {name, train ? "train" : "test"};
      for (std::size_t k = 0; k < 10; ++k) row.push_back(k < c.n_elem ? std::to_string(c[k]) : "");
      counts.add_row(row);
    }
    if (split.train.x.shape().rank() == 4) {
      const std::string png = ctx.out_path(std::string(set.name) + "_samples.png");
      write_png(png, image_grid(split.train.x, samples_by_class(split.train, 10), 10, Scaling::unit, 2, 2));
      std::cout << "wrote " << png << " (row k: the first ten training images of class k" << (reencoded ? "; " + name : "") << ")\n";
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
  variant_sets(ctx);
}

}  // namespace

int main(int argc, char** argv) {
  LabProgram lab("00_data", "check the set-up: load every data set, show shapes, class counts and samples");
  lab.writes("datasets.{md,csv}", "every data set's sizes, shapes, classes and value range beside the official figures")
     .writes("class_counts.{md,csv}", "samples per class")
     .writes("{mnist,fashion-mnist,cifar10,cifar100}_samples.png", "ten training images of each class, a row per class")
     .writes("iris_petals.{png,gp}", "iris: petal length against petal width, by species")
     .writes("variants.{md,csv}", "the eight MNIST variants of Larochelle et al. 2007: sizes beside the published ones, sources")
     .writes("variant_{basic,rot,bg-rand,bg-img,rot-bg-img,rect,rect-img,convex}.png", "ten training images of each class, a row per class");
  return lab.run(argc, argv, run);
}
