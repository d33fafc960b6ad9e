// lecon convert: CSV <-> lecon data file (.h5, the layout of docs/architecture.md "Data flow").
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "data_table.hpp"
#include "lecon/core/data_store.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/factor_levels.hpp"
#include "lecon/labkit/table.hpp"

namespace lecon::cli {
namespace {

bool is_h5(const std::string& path) { return std::filesystem::path(path).extension() == ".h5"; }

// A CSV of classes -> a data file with a random train/test split (the seed's permutation, as the iris
// conversion of `make data` draws its split).
void csv_to_h5(const std::string& in, const std::string& out, const po::variables_map& vm) {
  const std::string target = required(vm, "target", "convert");
  const DataTable table = read_table(in, target, true, "train");
  if (target_is_numeric(table) && vm["task"].as<std::string>() != "classification")
    throw FileError(in, "column '" + target + "' holds only numbers: a lecon data file stores class labels; keep regression data as CSV "
                        "(or pass --task classification if the numbers are class names)");
  const double test_split = vm["test-split"].as<double>();
  const std::size_t n = table.size(), n_test = static_cast<std::size_t>(static_cast<double>(n) * test_split);
  if (!(test_split > 0 && test_split < 1) || n_test == 0 || n_test == n)
    throw OptionError("--test-split " + exact_text(test_split) + ": expected a fraction that leaves at least one of the " + std::to_string(n) +
                      " rows in each part");
  Dataset all;
  all.name = std::filesystem::path(in).stem().string();
  all.feature_names = table.feature_names;
  all.class_names = factor_levels(table.target_text);  // R's order, as read_csv_dataset
  all.x = Tensor<Real>(Shape{n, table.x.n_rows}, table.x);
  Pipeline classes;
  classes.class_names = all.class_names;
  all.y = classes_for_model(table, classes, in);
  Rng rng(vm["seed"].as<std::size_t>());
  const arma::uvec order = rng.permutation(n);
  DataSplit split;
  split.train = all.subset(order.head(n - n_test));
  split.test = all.subset(order.tail(n_test));
  split.train.name = all.name + "/train";
  split.test.name = all.name + "/test";
  split.source = std::filesystem::path(in).filename().string() + ", column '" + target + "' as the class; random " + std::to_string(n - n_test) +
                 "/" + std::to_string(n_test) + " split with lecon::Rng(" + std::to_string(vm["seed"].as<std::size_t>()) + ")";
  for (const Dataset* part : {&split.train, &split.test}) {
    try {
      part->validate();
    } catch (const Error& e) {
      throw FileError(in, e.what());
    }
  }
  save_data(out, split, false);
  std::cerr << "lecon convert: " << in << " -> " << out << ": train " << split.train.size() << ", test " << split.test.size() << " rows, "
            << all.classes() << " classes\n";
}

// One part of a data file -> CSV: the features (or pixel values 0-255, x0, x1, ...) and the class by name.
void h5_to_csv(const std::string& in, const std::string& out, const po::variables_map& vm) {
  const DataTable table = read_table(in, "", false, vm["part"].as<std::string>());
  const std::string target = vm.count("target") && !vm["target"].as<std::string>().empty() ? vm["target"].as<std::string>() : "class";
  std::ostringstream csv;
  for (std::size_t j = 0; j < table.x.n_rows; ++j)
    csv << (table.feature_names.empty() ? "x" + std::to_string(j) : table.feature_names[j]) << ',';
  csv << target << '\n';
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t j = 0; j < table.x.n_rows; ++j) csv << exact_text(table.x(j, i)) << ',';
    csv << table.target_text[i] << '\n';
  }
  write_file_atomically(out, csv.str());
  std::cerr << "lecon convert: " << in << " (" << vm["part"].as<std::string>() << ") -> " << out << ": " << table.size() << " rows\n";
}

}  // namespace

int convert(const Args& args) {
  po::options_description options("convert options");
  options.add_options()
    ("in", po::value<std::string>(), "the file to read: .csv (or any other name) or .h5 (also the first argument)")
    ("out", po::value<std::string>(), "the file to write: .h5 or .csv (also the second argument)")
    ("target", po::value<std::string>()->default_value(""), "CSV -> .h5: the class column; .h5 -> CSV: its name (default class)")
    ("task", po::value<std::string>()->default_value("auto"), "CSV -> .h5: classification forces a numeric column to be read as class names")
    ("test-split", po::value<double>()->default_value(1.0 / 3.0), "CSV -> .h5: fraction of rows drawn for the test part")
    ("seed", po::value<std::size_t>()->default_value(1), "CSV -> .h5: seed of the split")
    ("part", po::value<std::string>()->default_value("train"), ".h5 -> CSV: train, test or valid");
  po::positional_options_description positional;
  positional.add("in", 1).add("out", 1);
  po::variables_map vm;
  if (!parse("convert", "IN OUT [--target COLUMN] (CSV -> .h5 or .h5 -> CSV)", options, args, vm, &positional)) return 0;
  const std::string in = required(vm, "in", "convert"), out = required(vm, "out", "convert");
  if (is_h5(in) == is_h5(out)) throw OptionError("convert " + in + " " + out + ": expected one .h5 file and one CSV file");
  if (is_h5(out)) csv_to_h5(in, out, vm);
  else h5_to_csv(in, out, vm);
  return 0;
}

}  // namespace lecon::cli
