#pragma once
// Saving and loading a Sequential model as HDF5, readable by h5py:
//   /                    attributes: format = "lecon-sequential-1", layers = count
//   /layers/000_Dense    attributes: kind, and the layer's config (inputs, units, ...)
//   /layers/000_Dense/W  the parameters; a (units x inputs) weight matrix reads in h5py as
//                        (inputs, units), the layout of a keras Dense kernel
// Written atomically (temporary file, then rename): a crash while saving keeps the previous file.
//
// Layer groups are named "<index>_<kind>" with the index in decimal (at least 3 digits); the layers are
// ordered by that number, not by the names' sort order, and the indices must be exactly 0 to layers-1.
// Model files and checkpoints must carry lecon's checksum header (hdf5_io.hpp): a damaged file is an error.
//
// A checkpoint is a model file plus the optimizer's state, so that training resumes exactly where it
// stopped (same weights, moments, step count and learning rate; bit-identical in double):
//   /optimizer           attributes: name ("Adam"), learning_rate, iterations, parameters (count)
//   /optimizer/config    attributes: the hyper-parameters (beta_1, ...), checked on loading
//   /optimizer/scalars   attributes: scalar state (Nadam's mu_product)
//   /optimizer/m/000     the state matrices, one per parameter position, laid out like the parameter
// load_model reads the model of a checkpoint too.
#include <functional>
#include <initializer_list>
#include <map>
#include <string>

#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
void save_model(const std::string& path, Sequential<T>& model);

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

// A layer's saved settings as the factory that rebuilds it sees them, with the checks a factory needs so
// that a corrupt or hostile file is one clear error before anything large is allocated.
class LayerConfig {
 public:
  LayerConfig(std::map<std::string, double> values, std::size_t stored_parameters)
      : values_(std::move(values)), stored_parameters_(stored_parameters) {}

  const std::map<std::string, double>& values() const { return values_; }
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
  std::size_t stored_parameters_;  // the numbers in the layer's datasets in the file
};

// How load_model rebuilds a layer of a given kind from its config (modules add their layers here).
template <typename T>
using LayerFactory = std::function<LayerPtr<T>(const LayerConfig& config)>;
template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory);

}  // namespace lecon
