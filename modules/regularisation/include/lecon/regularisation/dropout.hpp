#pragma once
// Dropout (Srivastava et al. 2014), in its "inverted" form.
//
// [slide: dropout]  training:  m ~ Bernoulli(1 - p) per unit and sample,  y = m ⊙ x / (1 - p)
//                   testing:   y = x
// Dividing by the keep probability during training keeps E[y] = x, so nothing changes at test time
// (the original paper instead scaled the weights by 1 - p at test time). The mask comes from the
// Context's Rng: a fixed seed gives a fixed mask. backward: ∂L/∂x = m ⊙ ∂L/∂y / (1 - p).
#include "lecon/backprop/layer.hpp"

namespace lecon {

template <typename T>
class Dropout : public Layer<T> {
 public:
  explicit Dropout(double rate);  // rate p: the probability of dropping a unit, in [0, 1)
  std::string kind() const override { return "Dropout"; }
  Shape output_shape(const Shape& input) const override { return input; }
  void forward(const Tensor<T>& x, Tensor<T>& y, const Context& ctx) override;
  void backward(const Tensor<T>& dy, Tensor<T>* dx) override;
  std::map<std::string, double> config() const override { return {{"rate", rate_}}; }
  double rate() const { return rate_; }

 private:
  double rate_;
  bool applied_ = false;   // whether the last forward dropped units (training mode)
  arma::Mat<T> scaled_mask_;  // m / (1 - p)
};

// Makes load_model know the Dropout layer (call once before loading a model that has one).
void register_dropout_layer();

}  // namespace lecon
