#include "lecon/backprop/model_io.hpp"

#include <algorithm>
#include <cmath>
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
      return std::make_unique<Dense<T>>(config_size(c, "inputs"), config_size(c, "units"), unused);
    };
    built_in["Activation"] = [](const std::map<std::string, double>& c) -> LayerPtr<T> {
      const std::size_t kind = config_size(c, "activation");
      if (kind > static_cast<std::size_t>(Activation::softplus)) throw Error("unknown activation number " + std::to_string(kind));
      return std::make_unique<ActivationLayer<T>>(static_cast<Activation>(kind));
    };
    built_in["Softmax"] = [](const std::map<std::string, double>&) -> LayerPtr<T> { return std::make_unique<Softmax<T>>(); };
    return built_in;
  }();
  return factories;
}

std::string layer_group(std::size_t i, const std::string& kind) {
  char index[24];
  std::snprintf(index, sizeof index, "%03zu", i);
  return "/layers/" + std::string(index) + "_" + kind;
}

// The model's part of a model file or checkpoint.
template <typename T>
void write_model(H5Writer& file, Sequential<T>& model) {
  file.set_attribute("/", "format", "lecon-sequential-1");
  file.set_attribute("/", "layers", static_cast<double>(model.size()));
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer<T>& layer = model.layer(i);
    const std::string group = layer_group(i, layer.kind());
    file.set_attribute(group, "kind", layer.kind());
    for (const auto& [key, value] : layer.config()) file.set_attribute(group, key, value);
    for (Param<T>* p : layer.params()) file.write(group + "/" + p->name, Tensor<T>::from_columns(p->value));  // (units x inputs) reads as (inputs, units)
  }
}

template <typename T>
Sequential<T> read_model(const H5Reader& file) {
  const std::string& path = file.path();
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
    } catch (const Error& e) {
      throw FileError(path, group + ": " + e.what());
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

std::string position_name(std::size_t i) {
  char index[24];
  std::snprintf(index, sizeof index, "%03zu", i);
  return index;
}

std::string text_of(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

std::size_t config_size(const std::map<std::string, double>& config, const std::string& key) {
  const double value = config.at(key);
  if (!(value >= 0 && value < 2147483648.0 && value == std::floor(value)))
    throw Error("layer setting '" + key + "' = " + std::to_string(value) + " is not a whole number in [0, 2^31)");
  return static_cast<std::size_t>(value);
}

template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory) {
  registry<T>()[kind] = std::move(factory);
}

template <typename T>
void save_model(const std::string& path, Sequential<T>& model) {
  H5Writer file(path);
  write_model(file, model);
  file.commit();
}

template <typename T>
Sequential<T> load_model(const std::string& path) {
  return read_model<T>(H5Reader(path));
}

// --- optimizer state: the Optimizer interface's save_state / load_state (declared in optimizer.hpp) ---

template <typename T>
void Optimizer<T>::save_state(H5Writer& file, const std::string& group) const {
  Optimizer& self = const_cast<Optimizer&>(*this);  // state_buffers() hands out pointers; nothing is changed here
  const std::vector<StateBuffer> buffers = self.state_buffers();
  std::size_t positions = 0;
  for (const StateBuffer& buffer : buffers) positions = std::max(positions, buffer.per_parameter->size());
  file.set_attribute(group, "name", name());
  file.set_attribute(group, "learning_rate", learning_rate_);
  file.set_attribute(group, "iterations", static_cast<double>(iterations_));
  file.set_attribute(group, "parameters", static_cast<double>(positions));
  for (const auto& [key, value] : config()) file.set_attribute(group + "/config", key, value);
  for (const auto& [key, value] : self.state_scalars()) file.set_attribute(group + "/scalars", key, *value);
  for (const StateBuffer& buffer : buffers)
    for (std::size_t i = 0; i < buffer.per_parameter->size(); ++i)
      file.write(group + "/" + buffer.name + "/" + position_name(i), Tensor<T>::from_columns((*buffer.per_parameter)[i]));
}

template <typename T>
void Optimizer<T>::load_state(const H5Reader& file, const std::string& group) {
  const std::string& path = file.path();
  if (!file.exists(group) || !file.has_attribute(group, "name"))
    throw FileError(path, group + ": no optimizer state here (was the file written by save_checkpoint?)");
  const std::string saved_name = file.attribute_string(group, "name");
  if (saved_name != name()) throw FileError(path, group + ": state of a " + saved_name + " optimizer, not of " + name());
  // Same hyper-parameters, or the run would not continue the one that was saved.
  const std::map<std::string, double> ours = config();
  const std::string config_group = group + "/config";
  const std::vector<std::string> saved_keys = file.exists(config_group) ? file.attribute_names(config_group) : std::vector<std::string>{};
  for (const std::string& key : saved_keys)
    if (ours.count(key) == 0) throw FileError(path, config_group + ": unknown hyper-parameter '" + key + "' for " + name());
  for (const auto& [key, value] : ours) {
    if (!file.has_attribute(config_group, key)) throw FileError(path, config_group + ": hyper-parameter '" + key + "' is missing");
    const double saved = file.attribute_number(config_group, key);
    if (saved != value)
      throw FileError(path, name() + " saved with " + key + " = " + text_of(saved) + ", but this one has " + key + " = " + text_of(value));
  }
  const double learning_rate = file.attribute_number(group, "learning_rate");
  const double iterations = file.attribute_number(group, "iterations");
  const double positions = file.attribute_number(group, "parameters");
  if (!(learning_rate > 0 && std::isfinite(learning_rate)) || !(iterations >= 0 && iterations < 9e15) ||
      !(positions >= 0 && positions < 1e9))
    throw FileError(path, group + ": bad learning_rate, iterations or parameters attribute");
  // Read everything first, then replace: a bad file leaves the optimizer as it was.
  std::vector<std::pair<double*, double>> scalars;
  for (const auto& [key, target] : state_scalars()) {
    if (!file.has_attribute(group + "/scalars", key)) throw FileError(path, group + "/scalars: '" + key + "' is missing");
    const double value = file.attribute_number(group + "/scalars", key);
    if (!std::isfinite(value)) throw FileError(path, group + "/scalars/" + key + ": not a finite number");
    scalars.emplace_back(target, value);
  }
  std::vector<std::vector<arma::Mat<T>>> matrices;
  for (const StateBuffer& buffer : state_buffers()) {
    std::vector<arma::Mat<T>> state;
    for (std::size_t i = 0; i < static_cast<std::size_t>(positions); ++i) {
      const std::string dataset = group + "/" + buffer.name + "/" + position_name(i);
      if (!file.exists(dataset)) throw FileError(path, dataset + ": missing");
      state.push_back(file.read<T>(dataset).matrix());
      if (!state.back().is_finite()) throw FileError(path, dataset + ": NaN or infinite values");
    }
    matrices.push_back(std::move(state));
  }
  learning_rate_ = learning_rate;
  iterations_ = static_cast<std::size_t>(iterations);
  for (const auto& [target, value] : scalars) *target = value;
  std::size_t b = 0;
  for (const StateBuffer& buffer : state_buffers()) *buffer.per_parameter = std::move(matrices[b++]);
}

template <typename T>
void save_checkpoint(const std::string& path, Sequential<T>& model, const Optimizer<T>& optimizer) {
  H5Writer file(path);
  write_model(file, model);
  optimizer.save_state(file, "/optimizer");
  file.commit();
}

template <typename T>
void load_checkpoint(const std::string& path, Sequential<T>& model, Optimizer<T>& optimizer) {
  const H5Reader file(path);
  Sequential<T> loaded = read_model<T>(file);
  if (!file.exists("/optimizer"))
    throw FileError(path, "no optimizer state (a model saved by save_model, not a checkpoint saved by save_checkpoint)");
  // The state must fit the model's parameters: check the stored shapes before touching the optimizer.
  const std::vector<Param<T>*> params = loaded.params();
  for (const std::string& child : file.children("/optimizer")) {
    if (child == "config" || child == "scalars") continue;
    const std::vector<std::string> positions = file.children("/optimizer/" + child);
    if (positions.size() != params.size())
      throw FileError(path, "/optimizer/" + child + ": state for " + std::to_string(positions.size()) + " parameters, the model has " +
                                std::to_string(params.size()));
    for (std::size_t i = 0; i < params.size(); ++i) {
      const std::string dataset = "/optimizer/" + child + "/" + position_name(i);
      if (!file.exists(dataset) || file.shape(dataset) != Shape{params[i]->value.n_cols, params[i]->value.n_rows})
        throw FileError(path, dataset + ": missing or not shaped like parameter " + std::to_string(i) + " '" + params[i]->name + "'");
    }
  }
  optimizer.load_state(file, "/optimizer");
  try {
    optimizer.check_state_fits(params);
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
  model = std::move(loaded);
}

template void save_model<float>(const std::string&, Sequential<float>&);
template void save_model<double>(const std::string&, Sequential<double>&);
template Sequential<float> load_model<float>(const std::string&);
template Sequential<double> load_model<double>(const std::string&);
template void register_layer<float>(const std::string&, LayerFactory<float>);
template void register_layer<double>(const std::string&, LayerFactory<double>);
template void Optimizer<float>::save_state(H5Writer&, const std::string&) const;
template void Optimizer<double>::save_state(H5Writer&, const std::string&) const;
template void Optimizer<float>::load_state(const H5Reader&, const std::string&);
template void Optimizer<double>::load_state(const H5Reader&, const std::string&);
template void save_checkpoint<float>(const std::string&, Sequential<float>&, const Optimizer<float>&);
template void save_checkpoint<double>(const std::string&, Sequential<double>&, const Optimizer<double>&);
template void load_checkpoint<float>(const std::string&, Sequential<float>&, Optimizer<float>&);
template void load_checkpoint<double>(const std::string&, Sequential<double>&, Optimizer<double>&);

}  // namespace lecon
