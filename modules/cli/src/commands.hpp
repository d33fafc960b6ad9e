#pragma once
// The subcommands of the `lecon` tool (docs/tool.md) and what they share: option parsing with the labs'
// conventions (an unknown or malformed option is one OptionError line, exit 2), the optimizers by name,
// and a model file loaded for use with its pipeline.
#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/pipeline.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/core/tensor.hpp"

namespace lecon::cli {

namespace po = boost::program_options;
using Args = std::vector<std::string>;  // the words after the subcommand

int train(const Args& args);
int evaluate(const Args& args);
int predict(const Args& args);
int summary(const Args& args);
int convert(const Args& args);

// Parses args against options (and positional names); --help prints the usage and returns false.
// Errors: OptionError "<what> (see lecon <command> --help)".
bool parse(const std::string& command, const std::string& usage, const po::options_description& options, const Args& args,
           po::variables_map& vm, const po::positional_options_description* positional = nullptr);
// A required option: OptionError "--name: required (see lecon <command> --help)".
std::string required(const po::variables_map& vm, const std::string& name, const std::string& command);

// The optimizers the tool offers: sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamax, nadam,
// amsgrad (modules/optimizers), with keras' default learning rates.
std::unique_ptr<Optimizer<Real>> make_optimizer(const std::string& name, double learning_rate);
double default_learning_rate(const std::string& name);
std::string optimizer_names();

// A model file with its pipeline, ready to predict from raw data.
struct LoadedModel {
  std::string path;
  Sequential<Real> model;
  Pipeline pipeline;
  std::size_t inputs = 0;   // values per sample the first layer takes
  std::size_t outputs = 0;  // values per sample the model gives
};
// Without require_pipeline a model file saved with no pipeline loads too (for summary).
LoadedModel load_for_use(const std::string& path, bool require_pipeline = true);

// The model's answer for raw inputs x (d x n): class probabilities (k x n) for a classifier, the target in
// its own units (1 x n) for a regression.
arma::Mat<Real> answers(LoadedModel& loaded, arma::Mat<Real> x);

// A number as the shortest text that reads back as the same float (5.1 -> "5.1", at most 9 digits).
std::string exact_text(double value);

}  // namespace lecon::cli
