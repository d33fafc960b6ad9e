#pragma once
// Saving and loading a Sequential model as HDF5, readable by h5py:
//   /                    attributes: format = "lecon-sequential-1", layers = count (an integer)
//   /layers/000_Dense    attributes: kind, and the layer's config (inputs, units, ...): whole numbers as
//                        64-bit integers, other numbers as 64-bit floats, names as text
//                        (/layers/001_Activation@activation = "relu"). Files written before that stored
//                        every setting as a float and an activation as its number (3.0); they still load.
//   /layers/000_Dense/W  the parameters; a (units x inputs) weight matrix reads in h5py as
//                        (inputs, units), the layout of a keras Dense kernel
// Written atomically (temporary file, then rename): a crash while saving keeps the previous file.
//
// Layer groups are named "<index>_<kind>" with the index in decimal (at least 3 digits); the layers are
// ordered by that number, not by the names' sort order, and the indices must be exactly 0 to layers-1.
// Model files and checkpoints must carry lecon's checksum header (hdf5_io.hpp): a damaged file is an error.
//
// A checkpoint is a model file plus the optimizer's state (same weights, moments, step count and
// learning rate; bit-identical in double):
//   /optimizer           attributes: name ("Adam"), learning_rate, iterations, parameters (count)
//   /optimizer/config    attributes: the hyper-parameters (beta_1, ...), checked on loading
//   /optimizer/scalars   attributes: scalar state (Nadam's mu_product)
//   /optimizer/m/000     the state matrices, one per parameter position, laid out like the parameter
// and, when saved with a TrainingState, the rest of the run, so that fit continues exactly as if it had
// never stopped (same batches, same dropout masks, same early-stopping decisions: bit-identical):
//   /training            attributes: epoch (epochs done), stopped (1 if an observer ended the run),
//                        observers (how many were saved)
//   /training/rng        uint64 (5): the Rng's seed and xoshiro256**'s four state words (Rng::state())
//   /training/history/<metric>   float64 (epochs): loss, accuracy, val_loss, val_accuracy so far
//   /training/seconds    float64 (epochs): the wall time of each epoch
//   /training/observers/000      an observer's own state, one group per position in the observer list,
//                        present for observers that have state (EarlyStopping: attributes observer,
//                        monitor, patience, min_delta, restore_best, best_value, best_epoch, waited,
//                        stopped; datasets best_weights/000, ... laid out like the parameters)
// Resuming needs the same model, optimizer rule and hyper-parameters, observers in the same order with
// the same settings, the same data and FitOptions. A piece of a run that will be resumed is trained with
// FitOptions::finish = false, so that EarlyStopping does not put back its best weights in between.
// load_model reads the model of a checkpoint too.
#include <functional>
#include <initializer_list>
#include <map>
#include <string>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/pipeline.hpp"
#include "lecon/backprop/sequential.hpp"
#include "lecon/perceptron/activations.hpp"

namespace lecon {

// With a pipeline (pipeline.hpp), the file also carries the model's input pipeline under /pipeline, so that
// the model predicts from raw data alone: load it back with load_pipeline(path).
template <typename T>
void save_model(const std::string& path, Sequential<T>& model, const Pipeline* pipeline = nullptr);

template <typename T>
Sequential<T> load_model(const std::string& path);

// The model and the optimizer's state in one file, written atomically.
template <typename T>
void save_checkpoint(const std::string& path, Sequential<T>& model, const Optimizer<T>& optimizer);
// Replaces `model` by the saved one and restores the optimizer's state into `optimizer`, which must be the
// same rule with the same hyper-parameters (a fresh one: construct it as before). Throws FileError naming
// the file for a file without optimizer state, another rule or hyper-parameters, or state that does not
// fit the model; `model` is left unchanged then.
template <typename T>
void load_checkpoint(const std::string& path, Sequential<T>& model, Optimizer<T>& optimizer);

// The whole training run: also `state` (the Rng's full state, the epoch counter, whether it stopped, the
// History) and the state of every observer that has one (TrainingObserver::save_state).
// Compiled example (tests/docs/header_examples.cpp):
//   TrainingState state(Rng(1));                                  // first process
//   FitOptions piece{3};                                          // 3 epochs
//   piece.finish = false;                                         // a later fit continues the run
//   fit(model, loss, adam, x, y, piece, state, {&schedule, &early_stopping});
//   save_checkpoint("run.h5", model, adam, state, {&schedule, &early_stopping});
//   // a new process: fresh objects, as before
//   load_checkpoint("run.h5", model, adam, state, {&schedule, &early_stopping});
//   fit(model, loss, adam, x, y, FitOptions{3}, state, {&schedule, &early_stopping});
template <typename T>
void save_checkpoint(const std::string& path, Sequential<T>& model, const Optimizer<T>& optimizer, const TrainingState& state,
                     const std::vector<TrainingObserver<T>*>& observers, const Pipeline* pipeline = nullptr);
// Replaces model, optimizer state, `state` and the observers' state by the saved ones. Throws FileError
// naming the file for a checkpoint without training state, another number of observers, or an observer's
// state that does not match it (another kind, other settings, weights that do not fit the model). Everything
// but the observers is checked before anything changes; an observer's error comes after the model, the
// optimizer and `state` have been replaced.
template <typename T>
void load_checkpoint(const std::string& path, Sequential<T>& model, Optimizer<T>& optimizer, TrainingState& state,
                     const std::vector<TrainingObserver<T>*>& observers);

// A layer's saved settings as the factory that rebuilds it sees them, with the checks a factory needs so
// that a corrupt or hostile file is one clear error before anything large is allocated.
class LayerConfig {
 public:
  LayerConfig(std::map<std::string, double> values, std::size_t stored_parameters, std::map<std::string, std::string> texts = {})
      : values_(std::move(values)), texts_(std::move(texts)), stored_parameters_(stored_parameters) {}

  const std::map<std::string, double>& values() const { return values_; }
  const std::map<std::string, std::string>& texts() const { return texts_; }
  // A text setting (Layer::text_config), else Error naming the key.
  const std::string& text(const std::string& key) const;
  // An activation: its name ("relu"), or, in files written before names were stored, its number in
  // LECON_ACTIVATIONS (3.0). Anything else is an Error that lists the known names.
  Activation activation(const std::string& key) const;
  // A size (inputs, kernel, ...): a whole number in [0, 2^31), else Error naming the key.
  std::size_t size(const std::string& key) const;
  // A real setting (a dropout rate, ...) in [low, high), else Error naming the key.
  double number(const std::string& key, double low, double high) const;
  // Call BEFORE constructing the layer, with the parameter counts of its tensors as products of sizes,
  // e.g. {{units, inputs}, {units}} for W and b: throws Error unless that many numbers (computed without
  // overflow) are what the file stores for the layer. A 13 KB file claiming a Dense of 2^28 inputs stops
  // here instead of allocating 16 GB first.
  void expect_parameters(std::initializer_list<std::initializer_list<std::size_t>> tensors) const;

 private:
  std::map<std::string, double> values_;
  std::map<std::string, std::string> texts_;
  std::size_t stored_parameters_;  // the numbers in the layer's datasets in the file
};

// How load_model rebuilds a layer of a given kind from its config: the one registry of layer kinds. Backprop's
// own kinds (Dense, Activation, Softmax) are always there; other modules add theirs with register_layer
// (e.g. register_autoencoder_layers()). An unknown kind in a file is an error that lists the known ones.
template <typename T>
using LayerFactory = std::function<LayerPtr<T>(const LayerConfig& config)>;
template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory);
// The kinds load_model knows now, sorted.
template <typename T>
std::vector<std::string> layer_kinds();

}  // namespace lecon
