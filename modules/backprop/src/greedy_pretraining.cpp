#include "lecon/backprop/greedy_pretraining.hpp"

#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
Sequential<T> pretrain_greedily(const std::vector<PretrainedLayer<T>*>& layers, const Tensor<T>& x, Rng& rng,
                                const PretrainingCallback<T>& after_layer) {
  if (layers.empty()) throw Error("pretrain_greedily: no layers to pretrain");
  Sequential<T> stack;
  Tensor<T> codes = x;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    if (layers[k] == nullptr) throw Error("pretrain_greedily: layer " + std::to_string(k) + " is null");
    // [paper: Bengio et al. 2007]  layer k learns from the codes of layers 0 .. k−1 (clean inputs)
    layers[k]->pretrain(codes, rng);
    Sequential<T> encoder;
    layers[k]->append_encoder(encoder);
    codes = encoder.predict(codes);
    layers[k]->append_encoder(stack);
    if (after_layer) after_layer(k, codes);
  }
  return stack;
}

template Sequential<float> pretrain_greedily<float>(const std::vector<PretrainedLayer<float>*>&, const Tensor<float>&, Rng&,
                                                    const PretrainingCallback<float>&);
template Sequential<double> pretrain_greedily<double>(const std::vector<PretrainedLayer<double>*>&, const Tensor<double>&, Rng&,
                                                      const PretrainingCallback<double>&);

}  // namespace lecon
