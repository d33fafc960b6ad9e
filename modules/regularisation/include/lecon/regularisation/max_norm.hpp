#pragma once
// Max-norm constraint (Srebro et al. 2005; used with dropout by Srivastava et al. 2014).
//
// [paper: Srivastava et al. 2014, §5.1]  after each step, for every unit j:  if ||w_j|| > c then w_j <- c w_j / ||w_j||
// where w_j is the vector of the unit's incoming weights, as each weight declares (Param::units): a ROW
// of a Dense layer's W (units x inputs), a whole FILTER of a Conv2D, i.e. a column of its (C·K·K x F)
// W, all C·K·K weights of output channel f. Parameters without decay (biases) are left alone; a decayed
// parameter that declares no layout is an error, not a guess.
#include "lecon/backprop/sequential.hpp"

namespace lecon {

template <typename T>
class MaxNorm : public TrainingObserver<T> {
 public:
  explicit MaxNorm(double max_norm);
  void after_step(const std::vector<Param<T>*>& params) override;

 private:
  double max_norm_;
};

}  // namespace lecon
