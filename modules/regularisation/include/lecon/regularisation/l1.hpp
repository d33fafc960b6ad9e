#pragma once
// L1 regularisation, two ways.
//
// [slide: L1 regularisation]  E~(w) = E(w) + λ Σ |w|
// - L1Subgradient adds λ sign(w) to the gradient (the subgradient; 0 at w = 0). The weights shrink but
//   almost never land on exactly 0: a step overshoots zero and the sign flips back and forth.
// - L1Proximal takes the optimizer's step on E alone, then applies the proximal operator of ηλ|w|,
//   soft-thresholding:  w <- sign(w) max(|w| - ηλ, 0).  Every weight whose magnitude is below ηλ
//   becomes exactly 0: this is how L1 produces sparse networks (lab 06 counts the zeros).
#include "lecon/backprop/optimizer.hpp"
#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
class L1Subgradient : public TrainingObserver<T> {
 public:
  explicit L1Subgradient(double lambda);
  void after_backward(const std::vector<Param<T>*>& params) override;
  double penalty(const std::vector<Param<T>*>& params) const;  // λ Σ |w|

 private:
  double lambda_;
};

template <typename T>
class L1Proximal : public TrainingObserver<T> {
 public:
  // The threshold is η λ, with the η of the optimizer's last step (so it follows a learning-rate schedule).
  L1Proximal(double lambda, const Optimizer<T>& optimizer);
  void after_step(const std::vector<Param<T>*>& params) override;

 private:
  double lambda_;
  const Optimizer<T>& optimizer_;
};

// Number of entries exactly equal to 0 among the decayed parameters (the weights).
template <typename T>
std::size_t count_zero_weights(const std::vector<Param<T>*>& params);

}  // namespace lecon
