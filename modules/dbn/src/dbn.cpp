#include "lecon/dbn/dbn.hpp"

#include <memory>

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/backprop/loss.hpp"
#include "lecon/core/error.hpp"
#include "lecon/rbm/rbm_layer.hpp"

namespace lecon {
namespace {

// Prefixes an OptionError's message with `prefix` so that it names the option of that layer.
template <typename F>
void with_prefix(const std::string& prefix, F check) {
  try {
    check();
  } catch (const OptionError& e) {
    throw OptionError(prefix + e.what());
  }
}

// Dense(inputs, units) with Glorot weights, then σ unless the units are linear.
template <typename T>
void append_fresh(Sequential<T>& stack, std::size_t inputs, std::size_t units, UnitKind kind, Rng& rng) {
  stack.add(std::make_unique<Dense<T>>(inputs, units, rng));
  if (kind == UnitKind::bernoulli) stack.add(std::make_unique<ActivationLayer<T>>(Activation::sigmoid));
}

}  // namespace

void DbnLayerOptions::validate() const {
  if (hidden_units == 0) throw OptionError("hidden_units: expected at least 1 hidden unit, got 0");
  with_prefix("training.", [&] { training.validate(); });
}

void DbnOptions::validate() const {
  if (layers.empty()) throw OptionError("layers: expected at least one RBM layer, got none");
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const std::string prefix = "layers[" + std::to_string(k) + "].";
    with_prefix(prefix, [&] { layers[k].validate(); });
    if (layers[k].hidden == UnitKind::gaussian && k + 1 < layers.size())
      throw OptionError(prefix + "hidden: a Gaussian (linear) layer must be the top one; the layers below hand Bernoulli means up");
  }
  if (visible == UnitKind::gaussian && layers[0].hidden == UnitKind::gaussian)
    throw OptionError("layers[0].hidden: Gaussian visible and Gaussian hidden units together have no normalisable distribution; expected bernoulli");
}

DbnOptions hinton_salakhutdinov_2006_dbn(const std::vector<std::size_t>& hidden_units, std::size_t epochs, bool linear_code) {
  DbnOptions options;
  for (std::size_t k = 0; k < hidden_units.size(); ++k) {
    DbnLayerOptions layer;
    layer.hidden_units = hidden_units[k];
    layer.hidden = linear_code && k + 1 == hidden_units.size() ? UnitKind::gaussian : UnitKind::bernoulli;
    layer.training = hinton_salakhutdinov_2006_options(layer.hidden, epochs);
    options.layers.push_back(layer);
  }
  return options;
}

template <typename T>
Dbn<T>::Dbn(std::vector<Rbm<T>> rbms) : rbms_(std::move(rbms)) {
  for (std::size_t k = 0; k < rbms_.size(); ++k) {
    const std::string layer = "Dbn: layer " + std::to_string(k);
    if (rbms_[k].visible_units() == 0) throw Error(layer + " is an untrained RBM (no units)");
    if (k + 1 < rbms_.size() && rbms_[k].hidden_kind() != UnitKind::bernoulli)
      throw Error(layer + " has Gaussian hidden units; only the top layer may be linear");
    if (k == 0) continue;
    if (rbms_[k].visible_units() != rbms_[k - 1].hidden_units())
      throw Error(layer + " has " + std::to_string(rbms_[k].visible_units()) + " visible units, layer " + std::to_string(k - 1) + " " +
                  std::to_string(rbms_[k - 1].hidden_units()) + " hidden units");
    if (rbms_[k].visible_kind() != rbms_[k - 1].hidden_kind())
      throw Error(layer + " has " + unit_kind_name(rbms_[k].visible_kind()) + " visible units on " + unit_kind_name(rbms_[k - 1].hidden_kind()) +
                  " hidden units below");
  }
}

template <typename T>
std::size_t Dbn<T>::inputs() const {
  if (rbms_.empty()) throw Error("Dbn: the stack is empty");
  return rbms_.front().visible_units();
}

template <typename T>
std::size_t Dbn<T>::code_units() const {
  if (rbms_.empty()) throw Error("Dbn: the stack is empty");
  return rbms_.back().hidden_units();
}

template <typename T>
Sequential<T> Dbn<T>::encoders() const {
  if (rbms_.empty()) throw Error("Dbn::encoders: the stack is empty");
  Sequential<T> stack;
  // [slide: Deep Belief Network Auto Encoder]  y_k = σ(W_k y_{k−1} + c_k), the RBMs' E[h | v]
  for (const Rbm<T>& rbm : rbms_) append_rbm_encoder(rbm, stack);
  return stack;
}

template <typename T>
Sequential<T> Dbn<T>::autoencoder() const {
  Sequential<T> stack = encoders();
  // [paper: Hinton & Salakhutdinov 2006, Fig. 1 "Unrolling"]  the decoders W_Kᵀ .. W_1ᵀ, top first,
  // copies of the encoders' weights: from here on the two halves are trained apart
  for (std::size_t k = rbms_.size(); k-- > 0;) append_rbm_decoder(rbms_[k], stack);
  return stack;
}

template <typename T>
Sequential<T> Dbn<T>::classifier(std::size_t classes, Rng& rng) const {
  if (classes < 2) throw OptionError("classes: expected at least 2 classes, got " + std::to_string(classes));
  Sequential<T> net = encoders();
  // [paper: Hinton, Osindero & Teh 2006]  the pretrained weights under a supervised output layer
  net.add(std::make_unique<Dense<T>>(code_units(), classes, rng));
  return net;
}

template <typename T>
Dbn<T> pretrain_dbn(const Tensor<T>& x, const DbnOptions& options, Rng& rng, const DbnEpochCallback& after_epoch,
                    const PretrainingCallback<T>& after_layer) {
  options.validate();
  std::vector<std::unique_ptr<RbmLayer<T>>> layers;
  std::vector<PretrainedLayer<T>*> view;
  for (std::size_t k = 0; k < options.layers.size(); ++k) {
    const DbnLayerOptions& layer = options.layers[k];
    const UnitKind visible = k == 0 ? options.visible : options.layers[k - 1].hidden;
    RbmEpochCallback callback = nullptr;
    if (after_epoch) callback = [k, &after_epoch](std::size_t epoch, const RbmHistory& h) { after_epoch(k, epoch, h); };
    layers.push_back(std::make_unique<RbmLayer<T>>(layer.hidden_units, layer.training, visible, layer.hidden, callback));
    view.push_back(layers.back().get());
  }
  // [paper: Hinton & Salakhutdinov 2006]  each RBM learns from the mean activations of the one below
  pretrain_greedily(view, x, rng, after_layer);
  std::vector<Rbm<T>> rbms;
  std::vector<RbmHistory> histories;
  for (const auto& layer : layers) {
    rbms.push_back(layer->rbm());
    histories.push_back(layer->history());
  }
  Dbn<T> dbn(std::move(rbms));
  dbn.histories = std::move(histories);
  return dbn;
}

template <typename T>
Sequential<T> random_autoencoder(std::size_t inputs, const DbnOptions& options, Rng& rng) {
  options.validate();
  if (inputs == 0) throw OptionError("inputs: expected at least 1 input, got 0");
  Sequential<T> stack;
  std::size_t below = inputs;
  for (const DbnLayerOptions& layer : options.layers) {
    append_fresh(stack, below, layer.hidden_units, layer.hidden, rng);
    below = layer.hidden_units;
  }
  for (std::size_t k = options.layers.size(); k-- > 0;) {
    const std::size_t units = k == 0 ? inputs : options.layers[k - 1].hidden_units;
    const UnitKind kind = k == 0 ? options.visible : options.layers[k - 1].hidden;
    append_fresh(stack, options.layers[k].hidden_units, units, kind, rng);
  }
  return stack;
}

template <typename T>
Sequential<T> random_classifier(std::size_t inputs, const DbnOptions& options, std::size_t classes, Rng& rng) {
  options.validate();
  if (inputs == 0) throw OptionError("inputs: expected at least 1 input, got 0");
  if (classes < 2) throw OptionError("classes: expected at least 2 classes, got " + std::to_string(classes));
  Sequential<T> stack;
  std::size_t below = inputs;
  for (const DbnLayerOptions& layer : options.layers) {
    append_fresh(stack, below, layer.hidden_units, layer.hidden, rng);
    below = layer.hidden_units;
  }
  stack.add(std::make_unique<Dense<T>>(below, classes, rng));
  return stack;
}

template <typename T>
History fine_tune_autoencoder(Sequential<T>& model, DeepAutoencoderLoss loss, const Tensor<T>& x, Optimizer<T>& optimizer, FitOptions training,
                              Rng& rng, const std::vector<TrainingObserver<T>*>& observers) {
  training.accuracy = false;  // a reconstruction has no class
  const MeanSquaredError<T> squared{};
  const BinaryCrossEntropy<T> cross_entropy{};
  const Loss<T>& objective = loss == DeepAutoencoderLoss::squared_error ? static_cast<const Loss<T>&>(squared) : cross_entropy;
  // [paper: Hinton & Salakhutdinov 2006]  fine-tuning: backpropagate the reconstruction error of x itself
  return fit(model, objective, optimizer, x, x, training, rng, observers);
}

#define LECON_DBN(T)                                                                                                                   \
  template class Dbn<T>;                                                                                                               \
  template Dbn<T> pretrain_dbn<T>(const Tensor<T>&, const DbnOptions&, Rng&, const DbnEpochCallback&, const PretrainingCallback<T>&); \
  template Sequential<T> random_autoencoder<T>(std::size_t, const DbnOptions&, Rng&);                                                 \
  template Sequential<T> random_classifier<T>(std::size_t, const DbnOptions&, std::size_t, Rng&);                                     \
  template History fine_tune_autoencoder<T>(Sequential<T>&, DeepAutoencoderLoss, const Tensor<T>&, Optimizer<T>&, FitOptions, Rng&,   \
                                            const std::vector<TrainingObserver<T>*>&);
LECON_DBN(float)
LECON_DBN(double)
#undef LECON_DBN

}  // namespace lecon
