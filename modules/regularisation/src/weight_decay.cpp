#include "lecon/regularisation/weight_decay.hpp"

#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
L2Penalty<T>::L2Penalty(double lambda) : lambda_(lambda) {
  if (!(lambda >= 0)) throw OptionError("L2 penalty: lambda must be >= 0, got " + std::to_string(lambda));
}

template <typename T>
void L2Penalty<T>::after_backward(const std::vector<Param<T>*>& params) {
  // [slide: L2 regularisation]  ∂E~/∂w = ∂E/∂w + λ w
  for (Param<T>* p : params)
    if (p->decay) p->grad += static_cast<T>(lambda_) * p->value;
}

template <typename T>
double L2Penalty<T>::penalty(const std::vector<Param<T>*>& params) const {
  double sum = 0;
  for (const Param<T>* p : params)
    if (p->decay) sum += arma::accu(arma::square(arma::conv_to<arma::mat>::from(p->value)));
  return 0.5 * lambda_ * sum;
}

template <typename T>
DecoupledWeightDecay<T>::DecoupledWeightDecay(double lambda, const Optimizer<T>& optimizer) : lambda_(lambda), optimizer_(optimizer) {
  if (!(lambda >= 0)) throw OptionError("weight decay: lambda must be >= 0, got " + std::to_string(lambda));
}

template <typename T>
void DecoupledWeightDecay<T>::after_backward(const std::vector<Param<T>*>& params) {
  // AdamW as torch.optim.AdamW computes it:  w <- w - η λ w, then the optimizer's step with the gradient
  // computed at the undecayed w. (Loshchilov & Hutter 2019, Algorithm 2, also decay the pre-step w, by a
  // schedule multiplier times λ rather than by the learning rate times λ.)
  decayed_with_ = optimizer_.learning_rate();
  const double factor = 1.0 - decayed_with_ * lambda_;
  if (!(factor > 0)) throw Error("weight decay: learning rate * lambda must stay below 1");
  for (Param<T>* p : params)
    if (p->decay) p->value *= static_cast<T>(factor);
}

template <typename T>
void DecoupledWeightDecay<T>::after_step(const std::vector<Param<T>*>&) {
  if (optimizer_.learning_rate() != decayed_with_)
    throw Error("weight decay: the learning rate changed between the decay and the step (" + std::to_string(decayed_with_) + " -> " +
                std::to_string(optimizer_.learning_rate()) + "); list a per-step LearningRateScheduler before DecoupledWeightDecay");
}

template class L2Penalty<float>;
template class L2Penalty<double>;
template class DecoupledWeightDecay<float>;
template class DecoupledWeightDecay<double>;

}  // namespace lecon
