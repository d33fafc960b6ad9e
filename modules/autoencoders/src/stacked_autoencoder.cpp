#include "lecon/autoencoders/stacked_autoencoder.hpp"

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/model_io.hpp"
#include "lecon/core/error.hpp"

namespace lecon {
namespace {

// Prefixes an OptionError's message with "layers[k]." so that it names the option of that layer.
template <typename F>
void for_layer(std::size_t k, F check) {
  try {
    check();
  } catch (const OptionError& e) {
    throw OptionError("layers[" + std::to_string(k) + "]." + e.what());
  }
}

// Dense(W, b) + σ: the encoder of a trained autoencoder, as ordinary backprop layers.
template <typename T>
void append_encoder_of(const Autoencoder<T>& ae, Sequential<T>& stack) {
  Rng unused(0);  // the weights are copied right after
  auto dense = std::make_unique<Dense<T>>(ae.inputs(), ae.hidden_units(), unused);
  dense->W().value = ae.W_value();
  dense->b().value = ae.b_value();
  stack.add(std::move(dense));
  stack.add(std::make_unique<ActivationLayer<T>>(ae.encoder_activation()));
}

// One autoencoder of a stack, as pretrain_greedily sees it.
template <typename T>
class AutoencoderLayer : public PretrainedLayer<T> {
 public:
  AutoencoderLayer(std::size_t index, const AutoencoderOptions& options, const FitOptions& training, const OptimizerFactory<T>& make_optimizer,
                   const LayerObservers<T>& observers)
      : index_(index), options_(options), training_(training), make_optimizer_(make_optimizer), observers_(observers) {}

  void pretrain(const Tensor<T>& codes, Rng& rng) override {
    model_ = autoencoder_model<T>(codes.sample_size(), options_, rng);
    const std::unique_ptr<Optimizer<T>> optimizer = make_optimizer_();
    if (!optimizer) throw Error("pretrain_stack: the optimizer factory returned no optimizer");
    const std::vector<TrainingObserver<T>*> observers = observers_ ? observers_(index_, *optimizer) : std::vector<TrainingObserver<T>*>{};
    history_ = train_autoencoder(model_, options_.loss, codes, *optimizer, training_, rng, observers);
  }
  void append_encoder(Sequential<T>& stack) const override { append_encoder_of(autoencoder_of(model_), stack); }

  Sequential<T> take_model() { return std::move(model_); }
  const History& history() const { return history_; }

 private:
  std::size_t index_;
  AutoencoderOptions options_;
  FitOptions training_;
  const OptimizerFactory<T>& make_optimizer_;
  const LayerObservers<T>& observers_;
  Sequential<T> model_;
  History history_;
};

}  // namespace

void AutoencoderOptions::validate() const {
  if (hidden_units == 0) throw OptionError("hidden_units: expected at least 1 hidden unit, got 0");
  check_corruption_level(corruption, corruption_level);
}

void StackOptions::validate() const {
  if (layers.empty()) throw OptionError("layers: expected at least one autoencoder layer, got none");
  for (std::size_t k = 0; k < layers.size(); ++k) for_layer(k, [&] { layers[k].validate(); });
  if (training.epochs == 0) throw OptionError("training.epochs: expected at least 1 epoch, got 0");
  if (training.batch_size == 0) throw OptionError("training.batch_size: expected at least 1, got 0");
}

StackOptions stack_options(const std::vector<std::size_t>& hidden_units, double corruption_level) {
  StackOptions options;
  for (std::size_t h : hidden_units) {
    AutoencoderOptions layer;
    layer.hidden_units = h;
    layer.corruption_level = corruption_level;
    options.layers.push_back(layer);
  }
  return options;
}

template <typename T>
Sequential<T> autoencoder_model(std::size_t inputs, const AutoencoderOptions& options, Rng& rng) {
  options.validate();
  Sequential<T> model;
  // [slide: Réseaux Denoising Auto Encoder]  the encoder sees x̃ ~ q_D(x̃ | x)
  if (options.corruption_level > 0) model.add(std::make_unique<Corruption<T>>(options.corruption, options.corruption_level));
  model.add(std::make_unique<Autoencoder<T>>(inputs, options.hidden_units, rng, options.tied, options.encoder, options.decoder));
  return model;
}

template <typename T>
Autoencoder<T>& autoencoder_of(Sequential<T>& model) {
  Autoencoder<T>* ae = model.size() == 0 ? nullptr : dynamic_cast<Autoencoder<T>*>(&model.layer(model.size() - 1));
  if (ae == nullptr) throw Error("autoencoder_of: the model's last layer is not an Autoencoder");
  return *ae;
}

template <typename T>
const Autoencoder<T>& autoencoder_of(const Sequential<T>& model) {
  const Autoencoder<T>* ae = model.size() == 0 ? nullptr : dynamic_cast<const Autoencoder<T>*>(&model.layer(model.size() - 1));
  if (ae == nullptr) throw Error("autoencoder_of: the model's last layer is not an Autoencoder");
  return *ae;
}

template <typename T>
History train_autoencoder(Sequential<T>& model, ReconstructionLoss loss, const Tensor<T>& x, Optimizer<T>& optimizer, FitOptions training,
                          Rng& rng, const std::vector<TrainingObserver<T>*>& observers) {
  autoencoder_of(model);
  training.accuracy = false;  // a reconstruction has no class
  const std::unique_ptr<Loss<T>> reconstruction = make_reconstruction_loss<T>(loss);
  // [slide: Réseaux Denoising Auto Encoder]  L_H(x, z(x̃)): the target is the clean input
  return fit(model, *reconstruction, optimizer, x, x, training, rng, observers);
}

template <typename T>
StackedAutoencoder<T>::StackedAutoencoder(std::vector<Sequential<T>> autoencoders) : models_(std::move(autoencoders)) {
  for (std::size_t k = 0; k < models_.size(); ++k) {
    const Autoencoder<T>& ae = autoencoder_of(models_[k]);
    if (k > 0 && ae.inputs() != autoencoder_of(models_[k - 1]).hidden_units())
      throw Error("StackedAutoencoder: layer " + std::to_string(k) + " has " + std::to_string(ae.inputs()) + " inputs, layer " +
                  std::to_string(k - 1) + " " + std::to_string(autoencoder_of(models_[k - 1]).hidden_units()) + " hidden units");
  }
}

template <typename T>
Sequential<T> StackedAutoencoder<T>::encoders() const {
  if (models_.empty()) throw Error("StackedAutoencoder::encoders: the stack is empty");
  Sequential<T> stack;
  for (const Sequential<T>& model : models_) append_encoder_of(autoencoder_of(model), stack);
  return stack;
}

template <typename T>
Tensor<T> StackedAutoencoder<T>::reconstruct(const Tensor<T>& x) const {
  if (models_.empty()) throw Error("StackedAutoencoder::reconstruct: the stack is empty");
  Tensor<T> codes = x;
  for (const Sequential<T>& model : models_) codes = autoencoder_of(model).encode(codes);
  for (std::size_t k = models_.size(); k-- > 0;) codes = autoencoder_of(models_[k]).decode(codes);
  return Tensor<T>(x.shape(), std::move(codes.matrix()));
}

template <typename T>
Sequential<T> StackedAutoencoder<T>::classifier(std::size_t classes, Rng& rng) const {
  if (classes < 2) throw OptionError("classes: expected at least 2 classes, got " + std::to_string(classes));
  Sequential<T> net = encoders();
  // [slide: Deep Belief Network Auto Encoder]  the pretrained encoders under a supervised output layer
  net.add(std::make_unique<Dense<T>>(autoencoder_of(models_.back()).hidden_units(), classes, rng));
  return net;
}

template <typename T>
StackedAutoencoder<T> pretrain_stack(const Tensor<T>& x, const StackOptions& options, const OptimizerFactory<T>& make_optimizer, Rng& rng,
                                     const LayerObservers<T>& observers, const PretrainingCallback<T>& after_layer) {
  options.validate();
  if (!make_optimizer) throw Error("pretrain_stack: no optimizer factory");
  std::vector<std::unique_ptr<AutoencoderLayer<T>>> layers;
  std::vector<PretrainedLayer<T>*> view;
  for (std::size_t k = 0; k < options.layers.size(); ++k) {
    layers.push_back(std::make_unique<AutoencoderLayer<T>>(k, options.layers[k], options.training, make_optimizer, observers));
    view.push_back(layers.back().get());
  }
  pretrain_greedily(view, x, rng, after_layer);
  std::vector<Sequential<T>> models;
  std::vector<History> histories;
  for (auto& layer : layers) {
    histories.push_back(layer->history());
    models.push_back(layer->take_model());
  }
  StackedAutoencoder<T> stack(std::move(models));
  stack.histories = std::move(histories);
  return stack;
}

template <typename T>
void save_stack(const std::string& path, StackedAutoencoder<T>& stack) {
  if (stack.layers() == 0) throw Error("save_stack: the stack is empty");
  Sequential<T> file_layers;  // copies: a Sequential owns its layers
  for (std::size_t k = 0; k < stack.layers(); ++k) {
    Sequential<T>& model = stack.model(k);
    for (std::size_t i = 0; i < model.size(); ++i) {
      if (auto* corruption = dynamic_cast<Corruption<T>*>(&model.layer(i)))
        file_layers.add(std::make_unique<Corruption<T>>(*corruption));
      else if (auto* ae = dynamic_cast<Autoencoder<T>*>(&model.layer(i)))
        file_layers.add(std::make_unique<Autoencoder<T>>(*ae));
      else
        throw Error("save_stack: layer " + std::to_string(k) + " holds a " + model.layer(i).kind() + " layer");
    }
  }
  save_model(path, file_layers);
}

template <typename T>
StackedAutoencoder<T> load_stack(const std::string& path) {
  register_autoencoder_layers();
  Sequential<T> file_layers = load_model<T>(path);
  std::vector<Sequential<T>> models(1);
  for (std::size_t i = 0; i < file_layers.size(); ++i) {
    Layer<T>& layer = file_layers.layer(i);
    if (auto* corruption = dynamic_cast<Corruption<T>*>(&layer)) {
      if (models.back().size() != 0) throw FileError(path, "layer " + std::to_string(i) + ": two Corruption layers in a row");
      models.back().add(std::make_unique<Corruption<T>>(*corruption));
    } else if (auto* ae = dynamic_cast<Autoencoder<T>*>(&layer)) {
      models.back().add(std::make_unique<Autoencoder<T>>(*ae));
      models.emplace_back();
    } else {
      throw FileError(path, "layer " + std::to_string(i) + ": a " + layer.kind() + " layer, not part of a stack of autoencoders");
    }
  }
  if (models.back().size() != 0) throw FileError(path, "the stack ends with a Corruption layer, not an Autoencoder");
  models.pop_back();
  if (models.empty()) throw FileError(path, "no Autoencoder layer: not a stack of autoencoders");
  try {
    return StackedAutoencoder<T>(std::move(models));
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
}

#define LECON_STACKED_AUTOENCODER(T)                                                                                                     \
  template Sequential<T> autoencoder_model<T>(std::size_t, const AutoencoderOptions&, Rng&);                                            \
  template Autoencoder<T>& autoencoder_of<T>(Sequential<T>&);                                                                           \
  template const Autoencoder<T>& autoencoder_of<T>(const Sequential<T>&);                                                               \
  template History train_autoencoder<T>(Sequential<T>&, ReconstructionLoss, const Tensor<T>&, Optimizer<T>&, FitOptions, Rng&,          \
                                        const std::vector<TrainingObserver<T>*>&);                                                      \
  template class StackedAutoencoder<T>;                                                                                                 \
  template StackedAutoencoder<T> pretrain_stack<T>(const Tensor<T>&, const StackOptions&, const OptimizerFactory<T>&, Rng&,              \
                                                   const LayerObservers<T>&, const PretrainingCallback<T>&);                            \
  template void save_stack<T>(const std::string&, StackedAutoencoder<T>&);                                                              \
  template StackedAutoencoder<T> load_stack<T>(const std::string&);
LECON_STACKED_AUTOENCODER(float)
LECON_STACKED_AUTOENCODER(double)
#undef LECON_STACKED_AUTOENCODER

}  // namespace lecon
