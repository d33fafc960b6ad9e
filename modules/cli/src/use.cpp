// lecon evaluate, predict and summary: a saved model used alone (its file carries its input pipeline).
#include <cmath>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "data_table.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/hdf5_io.hpp"
#include "lecon/labkit/table.hpp"

namespace lecon::cli {

// The CSV `lecon predict` writes: one row per data row, in the data's order. A classifier: the predicted
// class and each class's probability ("predicted,p(setosa),..."); a regression: the predicted value.
// Numbers are written with 9 significant digits, which read back as the same float.
std::string predictions_csv(LoadedModel& loaded, const DataTable& table) {
  const Pipeline& p = loaded.pipeline;
  arma::Mat<Real> x = features_for_model(table, p, loaded.inputs, loaded.path);  // the columns and width first
  if (p.task == "classification" && !table.target.empty()) classes_for_model(table, p, loaded.path);  // a class unseen in training is an error
  const arma::Mat<Real> out = answers(loaded, std::move(x));
  std::ostringstream csv;
  csv << "predicted";
  if (p.task == "classification")
    for (const std::string& name : p.class_names) csv << ",p(" << name << ")";
  csv << '\n';
  for (arma::uword j = 0; j < out.n_cols; ++j) {
    if (p.task == "classification") {
      csv << p.class_names.at(out.col(j).index_max());
      for (arma::uword k = 0; k < out.n_rows; ++k) csv << ',' << exact_text(out(k, j));
    } else {
      csv << exact_text(out(0, j));
    }
    csv << '\n';
  }
  return csv.str();
}

namespace {

po::options_description model_and_data(const std::string& what) {
  po::options_description options(what);
  options.add_options()
    ("model", po::value<std::string>(), "the model file written by lecon train")
    ("data", po::value<std::string>(), "a CSV file with a header row, or a lecon data file (.h5)")
    ("part", po::value<std::string>()->default_value("test"), "the part of a .h5 data file: train, test or valid");
  return options;
}

}  // namespace

int predict(const Args& args) {
  po::options_description options = model_and_data("predict options");
  options.add_options()("out", po::value<std::string>(), "the CSV file to write (default: standard output)");
  po::variables_map vm;
  if (!parse("predict", "--model MODEL.h5 --data FILE [--out predictions.csv]", options, args, vm)) return 0;
  LoadedModel loaded = load_for_use(required(vm, "model", "predict"));
  const DataTable table = read_table(required(vm, "data", "predict"), loaded.pipeline.target, false, vm["part"].as<std::string>());
  const std::string csv = predictions_csv(loaded, table);
  if (vm.count("out")) {
    write_file_atomically(vm["out"].as<std::string>(), csv);
    std::cerr << "lecon predict: " << table.size() << " rows -> " << vm["out"].as<std::string>() << '\n';
  } else {
    std::cout << csv;
  }
  return 0;
}

int evaluate(const Args& args) {
  po::options_description options = model_and_data("evaluate options");
  po::variables_map vm;
  if (!parse("evaluate", "--model MODEL.h5 --data FILE", options, args, vm)) return 0;
  LoadedModel loaded = load_for_use(required(vm, "model", "evaluate"));
  const Pipeline& p = loaded.pipeline;
  const DataTable table = read_table(required(vm, "data", "evaluate"), p.target, true, vm["part"].as<std::string>());
  const arma::Mat<Real> out = answers(loaded, features_for_model(table, p, loaded.inputs, loaded.path));
  const std::size_t n = table.size();
  std::cout << "rows " << n;
  if (p.task == "classification") {
    const arma::uvec y = classes_for_model(table, p, loaded.path);
    std::size_t right = 0;
    double log_loss = 0;
    for (std::size_t j = 0; j < n; ++j) {
      right += out.col(j).index_max() == y[j];
      log_loss -= std::log(std::max(static_cast<double>(out(y[j], j)), 1e-7));  // clipped as keras clips
    }
    std::cout << ", accuracy " << exact_text(static_cast<double>(right) / n) << " (" << right << "/" << n << "), log loss "
              << exact_text(log_loss / n) << '\n';
  } else {
    const arma::vec y = numeric_target(table);
    const arma::vec error = arma::conv_to<arma::vec>::from(out.row(0).t()) - y;
    std::cout << ", mse " << exact_text(arma::mean(error % error)) << ", mae " << exact_text(arma::mean(arma::abs(error))) << '\n';
  }
  return 0;
}

int summary(const Args& args) {
  po::options_description options("summary options");
  options.add_options()("model", po::value<std::string>(), "a model file or checkpoint (also the first argument)");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse("summary", "MODEL.h5", options, args, vm, &positional)) return 0;
  const std::string path = required(vm, "model", "summary");
  LoadedModel loaded = load_for_use(path, false);
  const Pipeline& p = loaded.pipeline;
  std::cout << path << ": " << (p.task.empty() ? "a model without input pipeline" : p.task + " of '" + p.target + "'") << ", "
            << loaded.inputs << " inputs\n"
            << loaded.model.summary(Shape{1, loaded.inputs});
  if (!p.feature_names.empty()) std::cout << "features: " << join(p.feature_names, 50) << '\n';
  if (!p.class_names.empty()) std::cout << "classes: " << join(p.class_names, 50) << '\n';
  std::cout << "scaling: " << scaling_name(p.scaling);
  if (p.scaling == Pipeline::Scaling::scale) std::cout << " by " << exact_text(p.scale);
  if (p.scaling == Pipeline::Scaling::standardize) std::cout << " (mean and sd of " << p.standardizer.mean().n_elem << " features)";
  std::cout << '\n';
  if (p.task == "regression") std::cout << "target: mean " << exact_text(p.target_mean) << ", sd " << exact_text(p.target_sd) << '\n';
  std::string trained;
  for (const auto& [key, value] : p.trained_with) trained += (trained.empty() ? "" : " ") + ("--" + key + " " + value);
  if (!trained.empty()) std::cout << "trained with: " << trained << '\n';
  const H5Reader file(path, Integrity::required);
  if (file.exists("/training") && file.has_attribute("/training", "epoch"))
    std::cout << "checkpoint: " << static_cast<long long>(file.attribute_number("/training", "epoch")) << " epochs done, optimizer "
              << file.attribute_string("/optimizer", "name") << '\n';
  return 0;
}

}  // namespace lecon::cli
