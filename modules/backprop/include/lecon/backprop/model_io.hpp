#pragma once
// Saving and loading a Sequential model as HDF5, readable by h5py:
//   /                    attributes: format = "lecon-sequential-1", layers = count
//   /layers/000_Dense    attributes: kind, and the layer's config (inputs, units, ...)
//   /layers/000_Dense/W  the parameters; a (units x inputs) weight matrix reads in h5py as
//                        (inputs, units), the layout of a keras Dense kernel
// Written atomically (temporary file, then rename): a crash while saving keeps the previous file.
#include <functional>
#include <string>

#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
void save_model(const std::string& path, Sequential<T>& model);

template <typename T>
Sequential<T> load_model(const std::string& path);

// How load_model rebuilds a layer of a given kind from its config (modules add their layers here).
template <typename T>
using LayerFactory = std::function<LayerPtr<T>(const std::map<std::string, double>& config)>;
template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory);

}  // namespace lecon
