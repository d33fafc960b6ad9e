#include "lecon/rnn/gradient_clipping.hpp"

#include <cmath>

namespace lecon {
namespace {

void check_max_norm(double max_norm) {
  if (!(std::isfinite(max_norm) && max_norm > 0))
    throw OptionError("clip: expected a finite gradient norm > 0, got " + std::to_string(max_norm));
}

}  // namespace

template <typename T>
double clip_gradient_norm(const std::vector<Param<T>*>& params, double max_norm) {
  check_max_norm(max_norm);
  double squares = 0;  // ‖g‖² over all parameters together
  for (const Param<T>* p : params)
    for (const T g : p->grad) squares += static_cast<double>(g) * static_cast<double>(g);
  const double norm = std::sqrt(squares);
  // A gradient that has already overflowed cannot be rescaled (inf · 0 = NaN, and a NaN norm skips the test
  // below): stop with the reason instead of stepping on NaN weights.
  if (!std::isfinite(norm))
    throw Error("clip_gradient_norm: the gradient norm is " + std::to_string(norm) +
                " (the gradient overflowed or holds NaN); expected a finite gradient, e.g. a smaller learning rate");
  // [paper: Pascanu, Mikolov & Bengio 2013]  if ‖g‖ > c: g ← (c / ‖g‖) g
  if (norm > max_norm) {
    const T scale = static_cast<T>(max_norm / norm);
    for (Param<T>* p : params) p->grad *= scale;
  }
  return norm;
}

template <typename T>
GradientClipping<T>::GradientClipping(double max_norm) : max_norm_(max_norm) {
  check_max_norm(max_norm);
}

template <typename T>
void GradientClipping<T>::after_backward(const std::vector<Param<T>*>& params) {
  last_norm_ = clip_gradient_norm(params, max_norm_);
  if (last_norm_ > max_norm_) ++clipped_;
}

template double clip_gradient_norm<float>(const std::vector<Param<float>*>&, double);
template double clip_gradient_norm<double>(const std::vector<Param<double>*>&, double);
template class GradientClipping<float>;
template class GradientClipping<double>;

}  // namespace lecon
