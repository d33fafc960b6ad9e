#pragma once
// Saving and loading a Sequential model as HDF5, readable by h5py:
//   /                    attributes: format = "lecon-sequential-1", layers = count
//   /layers/000_Dense    attributes: kind, and the layer's config (inputs, units, ...)
//   /layers/000_Dense/W  the parameters; a (units x inputs) weight matrix reads in h5py as
//                        (inputs, units), the layout of a keras Dense kernel
// Written atomically (temporary file, then rename): a crash while saving keeps the previous file.
//
// A checkpoint is a model file plus the optimizer's state, so that training resumes exactly where it
// stopped (same weights, moments, step count and learning rate; bit-identical in double):
//   /optimizer           attributes: name ("Adam"), learning_rate, iterations, parameters (count)
//   /optimizer/config    attributes: the hyper-parameters (beta_1, ...), checked on loading
//   /optimizer/scalars   attributes: scalar state (Nadam's mu_product)
//   /optimizer/m/000     the state matrices, one per parameter position, laid out like the parameter
// load_model reads the model of a checkpoint too.
#include <functional>
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

// How load_model rebuilds a layer of a given kind from its config (modules add their layers here).
template <typename T>
using LayerFactory = std::function<LayerPtr<T>(const std::map<std::string, double>& config)>;
template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory);

// A size from a layer's saved config (inputs, kernel, ...): throws Error naming the key unless the value
// is a whole number in [0, 2^31), so a corrupt file can never turn into a huge or negative size.
std::size_t config_size(const std::map<std::string, double>& config, const std::string& key);

}  // namespace lecon
