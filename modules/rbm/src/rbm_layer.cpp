#include "lecon/rbm/rbm_layer.hpp"

#include "lecon/backprop/activation_layer.hpp"
#include "lecon/backprop/dense.hpp"
#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
void append_rbm_encoder(const Rbm<T>& rbm, Sequential<T>& stack) {
  if (rbm.visible_units() == 0) throw Error("append_rbm_encoder: the RBM is not trained (no units)");
  Rng unused(0);  // the weights are copied right after
  auto dense = std::make_unique<Dense<T>>(rbm.visible_units(), rbm.hidden_units(), unused);
  dense->W().value = rbm.W_value();         // (m x d): Dense's layout
  dense->b().value = rbm.hidden_bias_value();
  stack.add(std::move(dense));
  // [slide: RBM]  E[h_j | v] = σ(c_j + W_j v), or c_j + W_j v for a linear (Gaussian) code layer
  if (rbm.hidden_kind() == UnitKind::bernoulli) stack.add(std::make_unique<ActivationLayer<T>>(Activation::sigmoid));
}

template <typename T>
void append_rbm_decoder(const Rbm<T>& rbm, Sequential<T>& stack) {
  if (rbm.visible_units() == 0) throw Error("append_rbm_decoder: the RBM is not trained (no units)");
  Rng unused(0);
  auto dense = std::make_unique<Dense<T>>(rbm.hidden_units(), rbm.visible_units(), unused);
  dense->W().value = rbm.W_value().t();     // Wᵀ (d x m)
  dense->b().value = rbm.visible_bias_value();
  stack.add(std::move(dense));
  // [slide: RBM]  E[v_i | h] = σ(b_i + Wᵀ_i h), or b_i + Wᵀ_i h for Gaussian visible units
  if (rbm.visible_kind() == UnitKind::bernoulli) stack.add(std::make_unique<ActivationLayer<T>>(Activation::sigmoid));
}

template <typename T>
RbmLayer<T>::RbmLayer(std::size_t hidden_units, const RbmTrainingOptions& options, UnitKind visible, UnitKind hidden, RbmEpochCallback after_epoch)
    : hidden_units_(hidden_units), options_(options), visible_(visible), hidden_(hidden), after_epoch_(std::move(after_epoch)) {
  options_.validate();
  if (hidden_units == 0) throw OptionError("hidden_units: expected at least 1 hidden unit, got 0");
  if (visible == UnitKind::gaussian && hidden == UnitKind::gaussian)
    throw OptionError("hidden_kind: Gaussian visible and Gaussian hidden units together have no normalisable distribution; expected bernoulli for one of them");
}

template <typename T>
void RbmLayer<T>::pretrain(const Tensor<T>& codes, Rng& rng) {
  rbm_ = Rbm<T>(codes.sample_size(), hidden_units_, rng, visible_, hidden_);
  rbm_.set_visible_bias_from_data(codes.matrix());
  history_ = train_rbm<T>(rbm_, codes, options_, rng, nullptr, after_epoch_);
}

template void append_rbm_encoder<float>(const Rbm<float>&, Sequential<float>&);
template void append_rbm_encoder<double>(const Rbm<double>&, Sequential<double>&);
template void append_rbm_decoder<float>(const Rbm<float>&, Sequential<float>&);
template void append_rbm_decoder<double>(const Rbm<double>&, Sequential<double>&);
template class RbmLayer<float>;
template class RbmLayer<double>;

}  // namespace lecon
