#pragma once
// Stochastic gradient descent, with optional momentum and Nesterov's look-ahead; keras' defaults.
//
// Online and mini-batch gradient descent are this same rule: they differ only in how many samples the
// gradient is averaged over, which is fit's batch_size (1: online, b: mini-batch, n: full batch).
// The velocity is kept in keras' form v = μ v - η g (it includes η); PyTorch keeps b = μ b + g and steps
// by -η b. With a constant η the two are the same trajectory; with a schedule they differ
// (docs/optimizers.md).
#include <string>
#include <vector>

#include "lecon/backprop/optimizer.hpp"

namespace lecon {

template <typename T>
class SGD : public Optimizer<T> {
 public:
  explicit SGD(double learning_rate = 0.01, double momentum = 0.0, bool nesterov = false)
      : momentum_(momentum), nesterov_(nesterov) {
    this->set_learning_rate(learning_rate);
    this->require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1)", momentum);
  }
  std::string name() const override { return momentum_ > 0 ? (nesterov_ ? "SGD (Nesterov)" : "SGD (momentum)") : "SGD"; }
  std::map<std::string, double> config() const override { return {{"momentum", momentum_}, {"nesterov", nesterov_ ? 1.0 : 0.0}}; }
  double momentum() const { return momentum_; }
  // μ of the next step: a momentum schedule (Hinton & Salakhutdinov 2006: 0.5, then 0.9) changes it between
  // steps; the velocity is kept. OptionError unless μ is in [0, 1).
  void set_momentum(double momentum) {
    this->require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1)", momentum);
    momentum_ = momentum;
  }

 protected:
  void update(const std::vector<Param<T>*>& params) override;  // the rule: src/sgd.cpp

  std::vector<typename Optimizer<T>::StateBuffer> state_buffers() override {
    if (momentum_ == 0) return {};
    return {{"velocity", &velocity_, 0.0}};
  }

 private:
  double momentum_;
  bool nesterov_;
  std::vector<arma::Mat<T>> velocity_;  // v, one per parameter
};

extern template class SGD<float>;
extern template class SGD<double>;

}  // namespace lecon
