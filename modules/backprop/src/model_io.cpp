#include "lecon/backprop/model_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/core/hdf5_io.hpp"

namespace lecon {
namespace {

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

template <typename T>
std::map<std::string, LayerFactory<T>>& registry() {
  static std::map<std::string, LayerFactory<T>> factories = [] {
    std::map<std::string, LayerFactory<T>> built_in;
    built_in["Dense"] = [](const LayerConfig& c) -> LayerPtr<T> {
      const std::size_t inputs = c.size("inputs"), units = c.size("units");
      c.expect_parameters({{units, inputs}, {units}});  // W, b
      Rng unused(0);  // the weights are read from the file right after
      return std::make_unique<Dense<T>>(inputs, units, unused);
    };
    built_in["Activation"] = [](const LayerConfig& c) -> LayerPtr<T> { return std::make_unique<ActivationLayer<T>>(c.activation("activation")); };
    built_in["Softmax"] = [](const LayerConfig&) -> LayerPtr<T> { return std::make_unique<Softmax<T>>(); };
    return built_in;
  }();
  return factories;
}

std::string layer_group(std::size_t i, const std::string& kind) {
  char index[24];
  std::snprintf(index, sizeof index, "%03zu", i);
  return "/layers/" + std::string(index) + "_" + kind;
}

// A setting: a whole number (a count, a size, a flag) as an integer, anything else as a 64-bit float. Both
// read back as the same double: integers up to 2^53 are exact in either type.
void write_setting(H5Writer& file, const std::string& group, const std::string& key, double value) {
  if (value == std::floor(value) && std::abs(value) <= 9007199254740992.0)  // 2^53
    file.set_integer_attribute(group, key, static_cast<std::int64_t>(value));
  else
    file.set_attribute(group, key, value);
}

// The model's part of a model file or checkpoint.
template <typename T>
void write_model(H5Writer& file, Sequential<T>& model) {
  file.set_attribute("/", "format", "lecon-sequential-1");
  file.set_integer_attribute("/", "layers", static_cast<std::int64_t>(model.size()));
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer<T>& layer = model.layer(i);
    const std::string group = layer_group(i, layer.kind());
    file.set_attribute(group, "kind", layer.kind());
    for (const auto& [key, value] : layer.config()) write_setting(file, group, key, value);
    for (const auto& [key, value] : layer.text_config()) file.set_attribute(group, key, value);
    for (Param<T>* p : layer.params()) file.write(group + "/" + p->name, Tensor<T>::from_columns(p->value));  // (units x inputs) reads as (inputs, units)
  }
}

// A whole number in [0, limit) from a numeric attribute, else FileError naming it.
std::size_t whole_attribute(const H5Reader& file, const std::string& object, const std::string& key, double limit) {
  const double value = file.attribute_number(object, key);
  if (!(value >= 0 && value < limit && value == std::floor(value)))
    throw FileError(file.path(), object + "@" + key + " = " + text_of(value) + " is not a whole number in [0, " + text_of(limit) + ")");
  return static_cast<std::size_t>(value);
}

// The layer groups in the order of their index: "7_Dense" -> 7. Every index 0..count-1 exactly once.
std::vector<std::string> layer_groups_in_order(const H5Reader& file, std::size_t count) {
  const std::string& path = file.path();
  const std::vector<std::string> names = file.exists("/layers") ? file.children("/layers") : std::vector<std::string>{};
  if (names.size() != count)
    throw FileError(path, "the file announces " + std::to_string(count) + " layers but holds " + std::to_string(names.size()));
  std::vector<std::string> ordered(count);
  for (const std::string& name : names) {
    const std::size_t underscore = name.find('_');
    const bool digits = underscore != std::string::npos && underscore > 0 && underscore <= 9 &&
                        std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(underscore), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) throw FileError(path, "/layers/" + name + ": expected a layer group named <index>_<kind>");
    const std::size_t index = std::stoul(name.substr(0, underscore));
    if (index >= count || !ordered[index].empty())
      throw FileError(path, "/layers/" + name + ": layer index " + std::to_string(index) + " is out of order or repeated (expected each of 0 to " +
                                std::to_string(count - 1) + " once)");
    if (file.attribute_string("/layers/" + name, "kind") != name.substr(underscore + 1))
      throw FileError(path, "/layers/" + name + ": its kind attribute is '" + file.attribute_string("/layers/" + name, "kind") + "'");
    ordered[index] = name;
  }
  return ordered;
}

template <typename T>
Sequential<T> read_model(const H5Reader& file) {
  const std::string& path = file.path();
  if (!file.has_attribute("/", "format") || file.attribute_string("/", "format") != "lecon-sequential-1")
    throw FileError(path, "not a lecon model (expected attribute format = lecon-sequential-1)");
  const std::size_t count = whole_attribute(file, "/", "layers", 1e6);
  Sequential<T> model;
  for (const std::string& name : layer_groups_in_order(file, count)) {
    const std::string group = "/layers/" + name;
    const std::string kind = file.attribute_string(group, "kind");
    if (registry<T>().count(kind) == 0) {
      std::string known;
      for (const std::string& k : layer_kinds<T>()) known += (known.empty() ? "" : ", ") + k;
      throw FileError(path, group + ": unknown layer kind '" + kind + "' (known kinds: " + known +
                                "; a module's kinds are known once it registered them, e.g. register_autoencoder_layers())");
    }
    std::map<std::string, double> config;
    std::map<std::string, std::string> texts;
    for (const std::string& key : file.attribute_names(group)) {
      if (key == "kind") continue;
      if (file.attribute_is_text(group, key)) texts[key] = file.attribute_string(group, key);
      else config[key] = file.attribute_number(group, key);
    }
    // What the file really stores for this layer (each shape is checked against the file's size).
    std::size_t stored = 0;
    for (const std::string& child : file.children(group)) stored += file.shape(group + "/" + child).size();
    LayerPtr<T> layer;
    try {
      layer = registry<T>().at(kind)(LayerConfig(config, stored, texts));
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


}  // namespace

std::size_t LayerConfig::size(const std::string& key) const {
  const auto found = values_.find(key);
  if (found == values_.end()) throw Error("layer setting '" + key + "' is missing");
  const double value = found->second;
  if (!(value >= 0 && value < 2147483648.0 && value == std::floor(value)))
    throw Error("layer setting '" + key + "' = " + text_of(value) + " is not a whole number in [0, 2^31)");
  return static_cast<std::size_t>(value);
}

const std::string& LayerConfig::text(const std::string& key) const {
  const auto found = texts_.find(key);
  if (found == texts_.end()) throw Error("layer setting '" + key + "' is missing (expected a name)");
  return found->second;
}

Activation LayerConfig::activation(const std::string& key) const {
  const auto named = texts_.find(key);
  if (named != texts_.end()) {
    try {
      return activation_from_name(named->second);
    } catch (const OptionError&) {
      throw Error("layer setting '" + key + "' = '" + named->second + "' is not a known activation (known: " + activation_names() + ")");
    }
  }
  // Files written before names were stored: the activation's position in LECON_ACTIVATIONS.
  const std::size_t number = size(key);
  if (number >= kActivationCount)
    throw Error("layer setting '" + key + "' = " + std::to_string(number) + " is not a known activation number (0 to " +
                std::to_string(kActivationCount - 1) + ": " + activation_names() + ")");
  return all_activations()[number];
}

double LayerConfig::number(const std::string& key, double low, double high) const {
  const auto found = values_.find(key);
  if (found == values_.end()) throw Error("layer setting '" + key + "' is missing");
  const double value = found->second;
  if (!(value >= low && value < high))
    throw Error("layer setting '" + key + "' = " + text_of(value) + " is not in [" + text_of(low) + ", " + text_of(high) + ")");
  return value;
}

void LayerConfig::expect_parameters(std::initializer_list<std::initializer_list<std::size_t>> tensors) const {
  // Saturating arithmetic: any overflow reads as "more than the file holds".
  constexpr std::size_t kHuge = std::numeric_limits<std::size_t>::max();
  std::size_t total = 0;
  for (const auto& factors : tensors) {
    std::size_t product = 1;
    for (std::size_t f : factors) product = (f != 0 && product > kHuge / f) ? kHuge : product * f;
    total = total > kHuge - product ? kHuge : total + product;
  }
  if (total != stored_parameters_)
    throw Error("the settings describe " + (total == kHuge ? std::string("an astronomical number of") : std::to_string(total)) +
                " parameters but the file stores " + std::to_string(stored_parameters_));
}

template <typename T>
void register_layer(const std::string& kind, LayerFactory<T> factory) {
  registry<T>()[kind] = std::move(factory);
}

template <typename T>
std::vector<std::string> layer_kinds() {
  std::vector<std::string> kinds;
  for (const auto& entry : registry<T>()) kinds.push_back(entry.first);
  return kinds;  // a std::map's keys: sorted
}

template <typename T>
void save_model(const std::string& path, Sequential<T>& model, const Pipeline* pipeline) {
  H5Writer file(path);
  write_model(file, model);
  if (pipeline) write_pipeline(file, *pipeline);
  file.commit();
}

template <typename T>
Sequential<T> load_model(const std::string& path) {
  return read_model<T>(H5Reader(path, Integrity::required));
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
  file.set_integer_attribute(group, "iterations", static_cast<std::int64_t>(iterations_));
  file.set_integer_attribute(group, "parameters", static_cast<std::int64_t>(positions));
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
  if (!(learning_rate > 0 && std::isfinite(learning_rate)))
    throw FileError(path, group + "@learning_rate = " + text_of(learning_rate) + " is not a positive finite number");
  const std::size_t iterations = whole_attribute(file, group, "iterations", 9e15);
  const std::size_t positions = whole_attribute(file, group, "parameters", 1e6);
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
    for (std::size_t i = 0; i < positions; ++i) {
      const std::string dataset = group + "/" + buffer.name + "/" + position_name(i);
      if (!file.exists(dataset)) throw FileError(path, dataset + ": missing");
      state.push_back(file.read<T>(dataset).matrix());
      if (!state.back().is_finite()) throw FileError(path, dataset + ": NaN or infinite values");
      if (buffer.nonnegative && state.back().n_elem > 0 && state.back().min() < 0)
        throw FileError(path, dataset + ": negative values in '" + buffer.name + "', which is a mean of squares or a norm (never negative)");
    }
    matrices.push_back(std::move(state));
  }
  learning_rate_ = learning_rate;
  iterations_ = iterations;
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

namespace {

// The optimizer's state in `file` must fit the parameters of the model read from it.
template <typename T>
void check_optimizer_group(const H5Reader& file, const std::vector<Param<T>*>& params) {
  const std::string& path = file.path();
  if (!file.exists("/optimizer"))
    throw FileError(path, "no optimizer state (a model saved by save_model, not a checkpoint saved by save_checkpoint)");
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
}

}  // namespace

namespace {

// Reads the optimizer's state into `optimizer` and checks that it fits the loaded model's parameters.
template <typename T>
void restore_optimizer(const H5Reader& file, Optimizer<T>& optimizer, const std::vector<Param<T>*>& params) {
  optimizer.load_state(file, "/optimizer");
  try {
    optimizer.check_state_fits(params);
  } catch (const Error& e) {
    throw FileError(file.path(), e.what());
  }
}

}  // namespace

template <typename T>
void load_checkpoint(const std::string& path, Sequential<T>& model, Optimizer<T>& optimizer) {
  const H5Reader file(path, Integrity::required);
  Sequential<T> loaded = read_model<T>(file);
  // The state must fit the model's parameters: check the stored shapes before touching the optimizer.
  const std::vector<Param<T>*> params = loaded.params();
  check_optimizer_group(file, params);
  restore_optimizer(file, optimizer, params);
  model = std::move(loaded);
}

// --- the training run: TrainingState and the observers' state ---

namespace {

const char* const kTraining = "/training";

std::string observer_group(std::size_t i) { return std::string(kTraining) + "/observers/" + position_name(i); }

void write_training_state(H5Writer& file, const TrainingState& state) {
  file.set_integer_attribute(kTraining, "epoch", static_cast<std::int64_t>(state.epoch));
  file.set_integer_attribute(kTraining, "stopped", state.stopped ? 1 : 0);
  const Rng::State rng = state.rng.state();
  file.write_words(std::string(kTraining) + "/rng", std::vector<std::uint64_t>(rng.begin(), rng.end()));
  auto write_series = [&](const std::string& name, const std::vector<double>& values) {
    file.write(name, Tensor<double>(Shape{values.size()}, arma::rowvec(values)));
  };
  for (const auto& [key, values] : state.history.metrics) write_series(std::string(kTraining) + "/history/" + key, values);
  write_series(std::string(kTraining) + "/seconds", state.history.seconds);
}

// Reads the TrainingState of a checkpoint, checked; nothing is changed.
TrainingState read_training_state(const H5Reader& file) {
  const std::string& path = file.path();
  if (!file.exists(kTraining) || !file.has_attribute(kTraining, "epoch"))
    throw FileError(path, "no training state (a checkpoint saved without its TrainingState: load it with load_checkpoint(path, model, optimizer))");
  const std::string rng_dataset = std::string(kTraining) + "/rng";
  const std::vector<std::uint64_t> words = file.read_words(rng_dataset);
  if (words.size() != std::tuple_size<Rng::State>::value)
    throw FileError(path, rng_dataset + ": " + std::to_string(words.size()) + " words, expected 5 (the seed and xoshiro256**'s four state words)");
  Rng::State rng_state{};
  std::copy(words.begin(), words.end(), rng_state.begin());
  TrainingState state{Rng(0)};
  try {
    state.rng.set_state(rng_state);
  } catch (const Error& e) {
    throw FileError(path, rng_dataset + ": " + e.what());
  }
  state.epoch = whole_attribute(file, kTraining, "epoch", 9e15);
  const std::size_t stopped = whole_attribute(file, kTraining, "stopped", 2);
  state.stopped = stopped == 1;
  auto read_series = [&](const std::string& name) {
    const Tensor<double> values = file.read<double>(name);
    if (values.shape().rank() != 1 || values.size() > state.epoch)
      throw FileError(path, name + ": shape " + values.shape().str() + ", expected one value per epoch (at most " + std::to_string(state.epoch) + ")");
    return std::vector<double>(values.data(), values.data() + values.size());
  };
  const std::string history_group = std::string(kTraining) + "/history";
  if (file.exists(history_group))
    for (const std::string& key : file.children(history_group)) state.history.metrics[key] = read_series(history_group + "/" + key);
  state.history.seconds = read_series(std::string(kTraining) + "/seconds");
  return state;
}

}  // namespace

template <typename T>
void save_checkpoint(const std::string& path, Sequential<T>& model, const Optimizer<T>& optimizer, const TrainingState& state,
                     const std::vector<TrainingObserver<T>*>& observers, const Pipeline* pipeline) {
  H5Writer file(path);
  write_model(file, model);
  if (pipeline) write_pipeline(file, *pipeline);
  optimizer.save_state(file, "/optimizer");
  write_training_state(file, state);
  file.set_integer_attribute(kTraining, "observers", static_cast<std::int64_t>(observers.size()));
  for (std::size_t i = 0; i < observers.size(); ++i) observers[i]->save_state(file, observer_group(i));
  file.commit();
}

template <typename T>
void load_checkpoint(const std::string& path, Sequential<T>& model, Optimizer<T>& optimizer, TrainingState& state,
                     const std::vector<TrainingObserver<T>*>& observers) {
  const H5Reader file(path, Integrity::required);
  // Everything that can be checked without the observers is read first: a bad file changes nothing.
  Sequential<T> loaded = read_model<T>(file);
  const std::vector<Param<T>*> params = loaded.params();
  check_optimizer_group(file, params);
  TrainingState loaded_state = read_training_state(file);
  const std::size_t saved_observers = whole_attribute(file, kTraining, "observers", 1e6);
  if (saved_observers != observers.size())
    throw FileError(path, "saved with " + std::to_string(saved_observers) + " training observers, resumed with " + std::to_string(observers.size()) +
                              " (pass the same observers, in the same order)");
  const std::string observers_group = std::string(kTraining) + "/observers";
  if (file.exists(observers_group))
    for (const std::string& name : file.children(observers_group)) {
      const bool position = name.size() >= 3 && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!position || std::stoul(name) >= observers.size())
        throw FileError(path, observers_group + "/" + name + ": not the state of one of the " + std::to_string(observers.size()) + " observers");
    }
  restore_optimizer(file, optimizer, params);
  model = std::move(loaded);
  state = std::move(loaded_state);
  // The observers last: their state may refer to the model (early stopping's best weights).
  for (std::size_t i = 0; i < observers.size(); ++i) observers[i]->load_state(file, observer_group(i));
}

template void save_model<float>(const std::string&, Sequential<float>&, const Pipeline*);
template void save_model<double>(const std::string&, Sequential<double>&, const Pipeline*);
template Sequential<float> load_model<float>(const std::string&);
template Sequential<double> load_model<double>(const std::string&);
template void register_layer<float>(const std::string&, LayerFactory<float>);
template void register_layer<double>(const std::string&, LayerFactory<double>);
template std::vector<std::string> layer_kinds<float>();
template std::vector<std::string> layer_kinds<double>();
template void Optimizer<float>::save_state(H5Writer&, const std::string&) const;
template void Optimizer<double>::save_state(H5Writer&, const std::string&) const;
template void Optimizer<float>::load_state(const H5Reader&, const std::string&);
template void Optimizer<double>::load_state(const H5Reader&, const std::string&);
template void save_checkpoint<float>(const std::string&, Sequential<float>&, const Optimizer<float>&);
template void save_checkpoint<double>(const std::string&, Sequential<double>&, const Optimizer<double>&);
template void load_checkpoint<float>(const std::string&, Sequential<float>&, Optimizer<float>&);
template void load_checkpoint<double>(const std::string&, Sequential<double>&, Optimizer<double>&);
template void save_checkpoint<float>(const std::string&, Sequential<float>&, const Optimizer<float>&, const TrainingState&,
                                     const std::vector<TrainingObserver<float>*>&, const Pipeline*);
template void save_checkpoint<double>(const std::string&, Sequential<double>&, const Optimizer<double>&, const TrainingState&,
                                      const std::vector<TrainingObserver<double>*>&, const Pipeline*);
template void load_checkpoint<float>(const std::string&, Sequential<float>&, Optimizer<float>&, TrainingState&,
                                     const std::vector<TrainingObserver<float>*>&);
template void load_checkpoint<double>(const std::string&, Sequential<double>&, Optimizer<double>&, TrainingState&,
                                      const std::vector<TrainingObserver<double>*>&);

}  // namespace lecon
