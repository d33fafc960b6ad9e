// lecon train: a multi-layer perceptron on a CSV or data file, saved with its input pipeline.
#include <atomic>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "data_table.hpp"
#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/atomic_file.hpp"
#include "lecon/labkit/table.hpp"
#include "lecon/core/error.hpp"
#include "lecon/core/factor_levels.hpp"
#include "lecon/core/loaders.hpp"
#include "lecon/labkit/fit_progress.hpp"
#include "lecon/labkit/lab.hpp"
#ifdef LECON_WITH_MPI
#include "lecon/distributed/data_parallel.hpp"
#endif

namespace lecon::cli {
namespace {

// Ctrl-C: the first one asks training to stop after the current epoch (then a checkpoint is saved); a
// second one ends the process at once (the default action, restored by the handler).
volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_interrupt(int) {
  interrupted = 1;
  std::signal(SIGINT, SIG_DFL);
}

// Ends fit after the epoch during which Ctrl-C came.
struct StopOnInterrupt : TrainingObserver<Real> {
  bool on_epoch_end(std::size_t, const History&) override { return interrupted != 0; }
};

// The settings that define a run; a checkpoint stores them (Pipeline::trained_with) and --resume reads them.
const std::vector<std::string> kSettings = {"target", "task", "part", "layers", "activation", "loss", "optimizer", "lr",
                                            "batch", "validation-split", "scaling", "seed"};

std::vector<std::size_t> parse_layers(const std::string& text) {
  std::vector<std::size_t> units;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    double value = 0;
    if (!parse_finite_number(item, value) || value < 1 || value > 100000 || value != std::floor(value))
      throw OptionError("--layers " + text + ": expected hidden layer sizes such as 64,32 (whole numbers from 1 to 100000)");
    units.push_back(static_cast<std::size_t>(value));
  }
  if (text.empty() || text.back() == ',') throw OptionError("--layers " + text + ": expected hidden layer sizes such as 64,32");
  return units;
}

std::string setting(const po::variables_map& vm, const std::string& key) {
  const po::variable_value& v = vm[key];
  if (v.value().type() == typeid(std::string)) return v.as<std::string>();
  if (v.value().type() == typeid(double)) return exact_text(v.as<double>());
  if (v.value().type() == typeid(std::size_t)) return std::to_string(v.as<std::size_t>());
  return "?";
}

// Predictions of `loaded` (model + pipeline) on the table, as CSV text: see predict.
}  // namespace

std::string predictions_csv(LoadedModel& loaded, const DataTable& table);

int train(const Args& args) {
  po::options_description options("train options");
  options.add_options()
    ("data", po::value<std::string>(), "training data: a CSV file with a header row, or a lecon data file (.h5)")
    ("target", po::value<std::string>()->default_value(""), "the column to predict (CSV; a data file's labels are its target)")
    ("part", po::value<std::string>()->default_value("train"), "the part of a .h5 data file: train, test or valid")
    ("task", po::value<std::string>()->default_value("auto"), "classification, regression, or auto (regression when every target is a number)")
    ("layers", po::value<std::string>()->default_value("16"), "hidden layer sizes, e.g. 64,32")
    ("activation", po::value<std::string>()->default_value("relu"), ("hidden activation: " + activation_names()).c_str())
    ("loss", po::value<std::string>()->default_value("auto"), "auto (softmax_crossentropy or mse), softmax_crossentropy, categorical_crossentropy, mse, mae")
    ("optimizer", po::value<std::string>()->default_value("adam"), ("one of " + optimizer_names()).c_str())
    ("lr", po::value<double>(), "learning rate (default: keras' for the optimizer)")
    ("epochs", po::value<std::size_t>()->default_value(100), "epochs in all (with --resume: including those already done)")
    ("batch", po::value<std::size_t>()->default_value(32), "mini-batch size")
    ("validation-split", po::value<double>()->default_value(0.0), "fraction of the (shuffled) rows held out for validation, in [0, 1)")
    ("scaling", po::value<std::string>()->default_value("auto"), "auto (pixels: scale by 1/255, else standardize), standardize, scale, none")
    ("seed", po::value<std::size_t>()->default_value(1), "seed of the random generator (row order, weights, batches)")
    ("out", po::value<std::string>(), "the model file to write (.h5)")
    ("checkpoint", po::value<std::string>(), "where Ctrl-C saves the run (default: <out>.checkpoint.h5)")
    ("resume", po::value<std::string>(), "continue the run saved in this checkpoint (same data; its settings are kept)")
    ("predictions", po::value<std::string>(), "also write the trained model's predictions on the data to this CSV file");
  po::variables_map vm;
  if (!parse("train", "--data FILE --target COLUMN --out MODEL.h5 [options]", options, args, vm)) return 0;
  const std::string data_path = required(vm, "data", "train");
  const std::string out = required(vm, "out", "train");
  const std::string checkpoint = vm.count("checkpoint") ? vm["checkpoint"].as<std::string>()
                                                        : (std::filesystem::path(out).replace_extension("").string() + ".checkpoint.h5");
  check_save_target(out);
  check_save_target(checkpoint);

  // The run's settings: from the command line, or from the checkpoint being resumed.
  Pipeline pipeline;
  std::map<std::string, std::string> s;
  const bool resuming = vm.count("resume") > 0;
  if (resuming) {
    const std::string resume = vm["resume"].as<std::string>();
    pipeline = load_pipeline(resume);
    s = pipeline.trained_with;
    for (const std::string& key : kSettings) {
      if (s.count(key) == 0) throw FileError(resume, "/pipeline/trained_with@" + key + " is missing: not a checkpoint of lecon train");
      if (vm.count(key) && !vm[key].defaulted() && setting(vm, key) != s[key])
        throw OptionError("--" + key + " " + setting(vm, key) + ": the run in " + resume + " was trained with --" + key + " " + s[key] +
                          "; a resumed run keeps its settings");
    }
  } else {
    for (const std::string& key : kSettings)
      if (key != "lr") s[key] = setting(vm, key);
    s["lr"] = exact_text(vm.count("lr") ? vm["lr"].as<double>() : default_learning_rate(s["optimizer"]));
  }
  const std::size_t epochs = vm["epochs"].as<std::size_t>(), batch = std::stoul(s["batch"]), seed = std::stoul(s["seed"]);
  const double validation_split = std::stod(s["validation-split"]), lr = std::stod(s["lr"]);
  if (!(validation_split >= 0 && validation_split < 1)) throw OptionError("--validation-split " + s["validation-split"] + ": expected a number in [0, 1)");
  if (batch == 0) throw OptionError("--batch 0: expected at least 1");
  if (!(lr > 0 && std::isfinite(lr))) throw OptionError("--lr " + s["lr"] + ": expected a positive number");
  Activation activation = Activation::relu;
  try {
    activation = activation_from_name(s["activation"]);
  } catch (const OptionError&) {
    throw OptionError("--activation " + s["activation"] + ": expected one of " + activation_names());
  }
  const std::vector<std::size_t> hidden = parse_layers(s["layers"]);
  std::unique_ptr<Optimizer<Real>> optimizer = make_optimizer(s["optimizer"], lr);
  if (s["task"] != "auto" && s["task"] != "classification" && s["task"] != "regression")
    throw OptionError("--task " + s["task"] + ": expected classification, regression or auto");
  if (s["scaling"] != "auto") scaling_from_name(s["scaling"]);  // Error listing the choices

  // The data, in an order drawn once from the seed, so that the validation rows (the last ones, as keras
  // takes them) are a random sample.
  const DataTable raw = read_table(data_path, s["target"], true, s["part"]);
  const std::size_t n = raw.size();
  Rng rng(seed);
  const arma::uvec order = rng.permutation(n);
  DataTable table = raw;
  table.x = raw.x.cols(order);
  for (std::size_t i = 0; i < n; ++i) {
    table.target_text[i] = raw.target_text[order[i]];
    if (!raw.lines.empty()) table.lines[i] = raw.lines[order[i]];
  }
  const std::size_t n_val = static_cast<std::size_t>(static_cast<double>(n) * validation_split), n_train = n - n_val;
  if (n_train == 0) throw OptionError("--validation-split " + s["validation-split"] + ": leaves no training rows of " + std::to_string(n));

  const bool classification = s["task"] == "classification" || (s["task"] == "auto" && !target_is_numeric(table));
  if (!resuming) {
    s["task"] = classification ? "classification" : "regression";
    pipeline.task = s["task"];
    pipeline.target = table.target;
    pipeline.feature_names = table.feature_names;
    const std::string scaling = s["scaling"] == "auto" ? (table.pixels ? "scale" : "standardize") : s["scaling"];
    pipeline.scaling = scaling_from_name(scaling);
    if (pipeline.scaling == Pipeline::Scaling::scale) pipeline.scale = table.pixels ? 1.0 / 255.0 : 1.0;
    // [slide: normalisation] fitted on the training rows only, never on the validation rows.
    if (pipeline.scaling == Pipeline::Scaling::standardize) pipeline.standardizer.fit(table.x.cols(0, n_train - 1));
    if (classification) {
      pipeline.class_names = table.class_names.empty() ? factor_levels(table.target_text) : table.class_names;
    } else {
      const arma::vec y = numeric_target(table).head(n_train);
      pipeline.target_mean = arma::mean(y);
      const double sd = n_train > 1 ? arma::stddev(y, 1) : 0.0;
      pipeline.target_sd = sd > 0 ? sd : 1.0;
    }
    pipeline.trained_with = s;
    pipeline.trained_with["data"] = data_path;
  }

  // Inputs through the pipeline, targets as the loss wants them.
  arma::Mat<Real> features = table.x;
  pipeline.apply(features);
  const std::size_t d = features.n_rows;
  const Tensor<Real> x(Shape{n, d}, std::move(features));
  std::size_t outputs = 1;
  Tensor<Real> t;
  if (classification) {
    const arma::uvec y = classes_for_model(table, pipeline, resuming ? vm["resume"].as<std::string>() : "the training data");
    outputs = pipeline.class_names.size();
    t = Tensor<Real>(Shape{n, outputs}, one_hot<Real>(y, outputs));
  } else {
    arma::Mat<Real> values = arma::conv_to<arma::Mat<Real>>::from(arma::rowvec(((numeric_target(table) - pipeline.target_mean) / pipeline.target_sd).t()));
    t = Tensor<Real>(Shape{n, 1}, std::move(values));
  }

  std::string loss_name = s["loss"];
  if (loss_name == "auto") loss_name = classification ? "softmax_crossentropy" : "mse";
  const bool classification_loss = loss_name == "softmax_crossentropy" || loss_name == "categorical_crossentropy";
  const bool regression_loss = loss_name == "mse" || loss_name == "mae";
  if (classification ? !classification_loss : !regression_loss)
    throw OptionError("--loss " + loss_name + ": for " + s["task"] + " expected " +
                      (classification ? "softmax_crossentropy or categorical_crossentropy" : "mse or mae"));
  const std::unique_ptr<Loss<Real>> loss = make_loss<Real>(loss_name);

  // [slide: multi-layer perceptron] Dense, σ, ..., Dense (logits or the standardised target).
  Rng init = rng.split();
  TrainingState state(rng.split());
  Sequential<Real> model;
  if (resuming) {
    load_checkpoint(vm["resume"].as<std::string>(), model, *optimizer, state, {});
    if (state.epoch > epochs)
      throw OptionError("--epochs " + std::to_string(epochs) + ": the checkpoint has done " + std::to_string(state.epoch) + " epochs already");
  } else {
    std::size_t inputs = d;
    for (std::size_t units : hidden) {
      model.add<Dense<Real>>(inputs, units, init).add<ActivationLayer<Real>>(activation);
      inputs = units;
    }
    model.add<Dense<Real>>(inputs, outputs, init);
    if (loss_name == "categorical_crossentropy") model.add<Softmax<Real>>();
  }

  FitOptions fit_options;
  fit_options.epochs = epochs - state.epoch;
  fit_options.batch_size = batch;
  fit_options.validation_split = validation_split;
  fit_options.accuracy = classification;
  FitProgress<Real> progress("train " + std::to_string(n_train) + " rows" + (state.epoch ? ", from epoch " + std::to_string(state.epoch) : ""),
                             fit_options, n);
  StopOnInterrupt stop;
  std::signal(SIGINT, on_interrupt);
  std::cerr << "lecon train: " << (resuming ? "resuming" : "training") << " (Ctrl-C stops after the epoch and saves " << checkpoint << ")"
            << std::endl;
  std::vector<TrainingObserver<Real>*> observers = {&progress, &stop};
#ifdef LECON_WITH_MPI
  // Under mpirun with more than one rank: synchronous data parallelism (docs/distributed.md). Every rank read
  // the same data and built the same model from the same seed (DataParallel checks it); each computes its
  // share of every batch; rank 0 alone saves.
  std::unique_ptr<DataParallel<Real>> parallel;
  if (mpi_size() > 1) {
    parallel = std::make_unique<DataParallel<Real>>(model);
    fit_options.partition = parallel.get();
    observers.push_back(parallel.get());
  }
#endif
  fit(model, *loss, *optimizer, x, t, fit_options, state, observers);
  std::signal(SIGINT, SIG_DFL);
  if (launcher_rank() > 0) return 0;  // rank 0 writes the files

  if (interrupted) {
    state.stopped = false;  // our own stop, not the run's end: a resumed run continues
    save_checkpoint(checkpoint, model, *optimizer, state, {}, &pipeline);
    std::cerr << "lecon train: interrupted after epoch " << state.epoch << "/" << epochs << "; saved " << checkpoint
              << "; continue with: lecon train --resume " << checkpoint << " --data " << data_path << " --out " << out << std::endl;
    return 130;  // the shell's code for a run ended by Ctrl-C
  }
  save_model(out, model, &pipeline);
  const History& h = state.history;
  std::cout << "epochs " << state.epoch;
  for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy"})
    if (h.metrics.count(key) && !h[key].empty()) std::cout << ", " << key << " " << exact_text(h[key].back());
  std::cout << "\nsaved " << out << '\n';
  if (vm.count("predictions")) {
    // The model in memory, on the data as given (original row order): `lecon predict` with the saved
    // file must write the same bytes.
    LoadedModel in_memory;
    in_memory.path = "the trained model";
    in_memory.model = std::move(model);
    in_memory.pipeline = pipeline;
    in_memory.inputs = d;
    in_memory.outputs = outputs;
    write_file_atomically(vm["predictions"].as<std::string>(), predictions_csv(in_memory, raw));
    std::cout << "saved " << vm["predictions"].as<std::string>() << '\n';
  }
  return 0;
}

}  // namespace lecon::cli
