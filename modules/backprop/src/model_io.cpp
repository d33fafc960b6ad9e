#include "lecon/backprop/model_io.hpp"

#include <cstdio>
#include <map>
#include <mutex>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/core/hdf5_io.hpp"

namespace lecon {
namespace {

template <typename T>
std::map<std::string, LayerFactory<T>>& registry() {
  static std::map<std::string, LayerFactory<T>> factories = [] {
    std::map<std::string, LayerFactory<T>> built_in;
    built_in["Dense"] = [](const std::map<std::string, double>& c) -> LayerPtr<T> {
      Rng unused(0);  // the weights are read from the file right after
      return std::make_unique<Dense<T>>(static_cast<std::size_t>(c.at("inputs")), static_cast<std::size_t>(c.at("units")), unused);
    };
    built_in["Activation"] = [](const std::map<std::string, double>& c) -> LayerPtr<T> {
      return std::make_unique<ActivationLayer<T>>(static_cast<Activation>(static_cast<int>(c.at("activation"))));
    };
    built_in["Softmax"] = [](const std::map<std::string, double>&) -> LayerPtr<T> { return std::make_unique<Softmax<T>>(); };
    return built_in;
  }();
  return factories;
}

std::string layer_group(std::size_t i, const std::string& kind) {
  char index[8];
  std::snprintf(index, sizeof index, "%03zu", i);
  return "/layers/" + std::string(index) + "_" + kind;
}

}  // namespace

template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory) {
  registry<T>()[kind] = std::move(factory);
}

template <typename T>
void save_model(const std::string& path, Sequential<T>& model) {
  H5Writer file(path);
  file.set_attribute("/", "format", "lecon-sequential-1");
  file.set_attribute("/", "layers", static_cast<double>(model.size()));
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer<T>& layer = model.layer(i);
    const std::string group = layer_group(i, layer.kind());
    file.set_attribute(group, "kind", layer.kind());
    for (const auto& [key, value] : layer.config()) file.set_attribute(group, key, value);
    for (Param<T>* p : layer.params()) file.write(group + "/" + p->name, Tensor<T>::from_columns(p->value));  // (units x inputs) reads as (inputs, units)
  }
  file.commit();
}

template <typename T>
Sequential<T> load_model(const std::string& path) {
  const H5Reader file(path);
  if (!file.has_attribute("/", "format") || file.attribute_string("/", "format") != "lecon-sequential-1")
    throw FileError(path, "not a lecon model (expected attribute format = lecon-sequential-1)");
  const auto count = static_cast<std::size_t>(file.attribute_number("/", "layers"));
  const std::vector<std::string> groups = file.exists("/layers") ? file.children("/layers") : std::vector<std::string>{};
  if (groups.size() != count)
    throw FileError(path, "the file announces " + std::to_string(count) + " layers but holds " + std::to_string(groups.size()));
  Sequential<T> model;
  for (const std::string& name : groups) {  // "000_Dense", "001_Activation", ... in order
    const std::string group = "/layers/" + name;
    const std::string kind = file.attribute_string(group, "kind");
    if (registry<T>().count(kind) == 0) throw FileError(path, group + ": unknown layer kind '" + kind + "'");
    std::map<std::string, double> config;
    for (const std::string& key : file.attribute_names(group))
      if (key != "kind") config[key] = file.attribute_number(group, key);
    LayerPtr<T> layer;
    try {
      layer = registry<T>().at(kind)(config);
    } catch (const std::out_of_range&) {
      throw FileError(path, group + ": incomplete layer configuration");
    }
    for (Param<T>* p : layer->params()) {
      const Tensor<T> stored = file.read<T>(group + "/" + p->name);
      if (arma::size(stored.matrix()) != arma::size(p->value))
        throw FileError(path, group + "/" + p->name + ": shape " + stored.shape().str() + " does not fit the layer");
      p->value = stored.matrix();
      if (!p->value.is_finite()) throw FileError(path, group + "/" + p->name + ": NaN or infinite weights");
    }
    model.add(std::move(layer));
  }
  return model;
}

template void save_model<float>(const std::string&, Sequential<float>&);
template void save_model<double>(const std::string&, Sequential<double>&);
template Sequential<float> load_model<float>(const std::string&);
template Sequential<double> load_model<double>(const std::string&);
template void register_layer<float>(const std::string&, LayerFactory<float>);
template void register_layer<double>(const std::string&, LayerFactory<double>);

}  // namespace lecon
