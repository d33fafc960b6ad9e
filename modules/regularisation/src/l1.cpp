#include "lecon/regularisation/l1.hpp"

#include "lecon/core/error.hpp"

namespace lecon {

template <typename T>
L1Subgradient<T>::L1Subgradient(double lambda) : lambda_(lambda) {
  if (!(lambda >= 0)) throw OptionError("L1 penalty: lambda must be >= 0, got " + std::to_string(lambda));
}

template <typename T>
void L1Subgradient<T>::after_backward(const std::vector<Param<T>*>& params) {
  // [slide: L1 regularisation]  ∂E~/∂w = ∂E/∂w + λ sign(w)
  for (Param<T>* p : params)
    if (p->decay) p->grad += static_cast<T>(lambda_) * arma::sign(p->value);
}

template <typename T>
double L1Subgradient<T>::penalty(const std::vector<Param<T>*>& params) const {
  double sum = 0;
  for (const Param<T>* p : params)
    if (p->decay) sum += arma::accu(arma::abs(arma::conv_to<arma::mat>::from(p->value)));
  return lambda_ * sum;
}

template <typename T>
L1Proximal<T>::L1Proximal(double lambda, const Optimizer<T>& optimizer) : lambda_(lambda), optimizer_(optimizer) {
  if (!(lambda >= 0)) throw OptionError("L1 proximal step: lambda must be >= 0, got " + std::to_string(lambda));
}

template <typename T>
void L1Proximal<T>::after_step(const std::vector<Param<T>*>& params) {
  // [slide: L1 regularisation]  soft-thresholding: w <- sign(w) max(|w| - ηλ, 0)
  const T threshold = static_cast<T>(lambda_ * optimizer_.learning_rate());
  for (Param<T>* p : params) {
    if (!p->decay) continue;
    p->value.transform([threshold](T w) {
      const T shrunk = std::abs(w) - threshold;
      return shrunk > T(0) ? (w > T(0) ? shrunk : -shrunk) : T(0);
    });
  }
}

template <typename T>
std::size_t count_zero_weights(const std::vector<Param<T>*>& params) {
  std::size_t zeros = 0;
  for (const Param<T>* p : params)
    if (p->decay) zeros += arma::accu(p->value == T(0));
  return zeros;
}

template class L1Subgradient<float>;
template class L1Subgradient<double>;
template class L1Proximal<float>;
template class L1Proximal<double>;
template std::size_t count_zero_weights<float>(const std::vector<Param<float>*>&);
template std::size_t count_zero_weights<double>(const std::vector<Param<double>*>&);

}  // namespace lecon
