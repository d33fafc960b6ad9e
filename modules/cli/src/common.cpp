#include <charconv>
#include <iostream>

#include "commands.hpp"
#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/error.hpp"
#include "lecon/optimizers/adadelta.hpp"
#include "lecon/optimizers/adagrad.hpp"
#include "lecon/optimizers/adam.hpp"
#include "lecon/optimizers/adamax.hpp"
#include "lecon/optimizers/amsgrad.hpp"
#include "lecon/optimizers/nadam.hpp"
#include "lecon/optimizers/rmsprop.hpp"
#include "lecon/optimizers/sgd.hpp"

namespace lecon::cli {

bool parse(const std::string& command, const std::string& usage, const po::options_description& options, const Args& args,
           po::variables_map& vm, const po::positional_options_description* positional) {
  po::options_description all;
  all.add(options);
  all.add_options()("help,h", "this help");
  try {
    po::command_line_parser parser(args);
    parser.options(all).style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: lecon " << command << " " << usage << "\n\n" << all << "\nMore: docs/tool.md\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw OptionError(std::string(e.what()) + " (see lecon " + command + " --help)");
  }
  return true;
}

std::string required(const po::variables_map& vm, const std::string& name, const std::string& command) {
  if (!vm.count(name) || vm[name].as<std::string>().empty()) throw OptionError("--" + name + ": required (see lecon " + command + " --help)");
  return vm[name].as<std::string>();
}

std::string optimizer_names() { return "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamax, nadam, amsgrad"; }

std::unique_ptr<Optimizer<Real>> make_optimizer(const std::string& name, double lr) {
  if (name == "sgd") return std::make_unique<SGD<Real>>(lr);
  if (name == "momentum") return std::make_unique<SGD<Real>>(lr, 0.9);
  if (name == "nesterov") return std::make_unique<SGD<Real>>(lr, 0.9, true);
  if (name == "adagrad") return std::make_unique<Adagrad<Real>>(lr);
  if (name == "adadelta") return std::make_unique<Adadelta<Real>>(lr);
  if (name == "rmsprop") return std::make_unique<RMSprop<Real>>(lr);
  if (name == "adam") return std::make_unique<Adam<Real>>(lr);
  if (name == "adamax") return std::make_unique<AdaMax<Real>>(lr);
  if (name == "nadam") return std::make_unique<Nadam<Real>>(lr);
  if (name == "amsgrad") return std::make_unique<AMSGrad<Real>>(lr);
  throw OptionError("--optimizer " + name + ": expected one of " + optimizer_names());
}

// keras' defaults.
double default_learning_rate(const std::string& name) {
  if (name == "adadelta") return 1.0;
  if (name == "rmsprop" || name == "adam" || name == "amsgrad") return 0.001;
  if (name == "adamax" || name == "nadam") return 0.002;
  return 0.01;  // sgd, momentum, nesterov, adagrad
}

LoadedModel load_for_use(const std::string& path, bool require_pipeline) {
  LoadedModel loaded;
  loaded.path = path;
  loaded.model = load_model<Real>(path);
  loaded.pipeline = load_pipeline(path);
  if (loaded.model.size() == 0) throw FileError(path, "a model without layers");
  const auto config = loaded.model.layer(0).config();
  const auto inputs = config.find("inputs");
  if (inputs == config.end())
    throw FileError(path, "its first layer is " + loaded.model.layer(0).kind() + "; the tool takes models whose first layer has 'inputs' (Dense)");
  loaded.inputs = static_cast<std::size_t>(inputs->second);
  Shape shape{1, loaded.inputs};
  for (std::size_t i = 0; i < loaded.model.size(); ++i) shape = loaded.model.layer(i).output_shape(shape);
  loaded.outputs = shape.sample_size();
  const Pipeline& p = loaded.pipeline;
  if (p.task.empty() && require_pipeline)
    throw FileError(path, "no input pipeline (/pipeline): saved without one, so the tool cannot know its columns and scaling; train it with lecon train");
  if (p.task == "classification" && p.class_names.size() != loaded.outputs)
    throw FileError(path, std::to_string(p.class_names.size()) + " class names for " + std::to_string(loaded.outputs) + " outputs");
  if (p.task == "regression" && loaded.outputs != 1) throw FileError(path, "a regression model with " + std::to_string(loaded.outputs) + " outputs, expected 1");
  return loaded;
}

arma::Mat<Real> answers(LoadedModel& loaded, arma::Mat<Real> x) {
  loaded.pipeline.apply(x);
  const Shape shape{x.n_cols, x.n_rows};  // (n, d), taken before x is moved
  arma::Mat<Real> out = loaded.model.predict(Tensor<Real>(shape, std::move(x))).matrix();
  if (loaded.pipeline.task == "regression") {
    for (Real& v : out) v = static_cast<Real>(loaded.pipeline.target_value(v));
    return out;
  }
  // Logits (the model ends in Dense, trained with softmax_crossentropy) become probabilities; a model that
  // ends in Softmax gives them already.
  if (loaded.model.layer(loaded.model.size() - 1).kind() == "Softmax") return out;
  arma::Mat<Real> probabilities;
  softmax(out, probabilities);
  return probabilities;
}

std::string exact_text(double value) {
  // std::to_chars: the shortest text that reads back as the same float (5.1 stays "5.1", 100 "100").
  char text[48];
  const std::to_chars_result end = std::to_chars(text, text + sizeof text, static_cast<float>(value));
  return std::string(text, end.ptr);
}

}  // namespace lecon::cli
