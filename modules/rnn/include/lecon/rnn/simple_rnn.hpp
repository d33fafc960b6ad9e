#pragma once
// The simple (Elman) recurrent network with tanh, PyTorch's torch.nn.RNN (nonlinearity 'tanh').
//
// [slide: Recurrent Neural Network]  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
// Parameters (PyTorch's names): weight_ih (H x d), weight_hh (H x H), bias_ih (H), bias_hh (H).
// Backpropagation through time multiplies δ by W_hhᵀ diag(1 - h²) at every step back: the product
// shrinks (or grows) geometrically with the distance, the vanishing gradient the slide warns of.
#include "lecon/rnn/recurrent.hpp"

namespace lecon {

template <typename T>
class SimpleRNN : public Recurrent<T> {
 public:
  SimpleRNN(std::size_t inputs, const RecurrentOptions& options, Rng& rng);

  std::string kind() const override { return "SimpleRNN"; }
  std::vector<Param<T>*> params() override { return {&weight_ih_, &weight_hh_, &bias_ih_, &bias_hh_}; }

  Param<T>& weight_ih() { return weight_ih_; }
  Param<T>& weight_hh() { return weight_hh_; }
  Param<T>& bias_ih() { return bias_ih_; }
  Param<T>& bias_hh() { return bias_hh_; }

 protected:
  void run_forward() override;
  void run_backward(bool need_dx) override;

 private:
  Param<T> weight_ih_, weight_hh_, bias_ih_, bias_hh_;
  arma::Mat<T> preactivations_;  // (H x T·n)
  arma::Mat<T> dpre_;            // (H x T·n): ∂L/∂(pre-activation)
  arma::Mat<T> dh_carry_;        // (H x n)
};

}  // namespace lecon
