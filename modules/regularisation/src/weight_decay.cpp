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
void DecoupledWeightDecay<T>::after_step(const std::vector<Param<T>*>& params) {
  // w <- (1 - η λ) w, outside the optimizer
  const double factor = 1.0 - optimizer_.learning_rate() * lambda_;
  if (!(factor > 0)) throw Error("weight decay: learning rate * lambda must stay below 1");
  for (Param<T>* p : params)
    if (p->decay) p->value *= static_cast<T>(factor);
}

template class L2Penalty<float>;
template class L2Penalty<double>;
template class DecoupledWeightDecay<float>;
template class DecoupledWeightDecay<double>;

}  // namespace lecon
